//! What an [`AgentSession`](super::AgentSession) reports: the agent's events plus the session's
//! own (`agent_settled`, auto-retry, queue and entry updates), and their JSON-mode lines.

use pi_agent_core::{AgentEvent, AgentMessage};
use pi_ai::ThinkingLevel;
use serde::Serialize;
use serde_json::{Value, json};

/// One step of a session, serialized as pi's `AgentSessionEvent`.
#[derive(Debug, Clone, Copy)]
pub enum SessionEvent<'a> {
    /// An agent event (every kind but `agent_end`, which the session reports itself).
    Agent(&'a AgentEvent<'a>),
    /// The agent run ended.
    AgentEnd {
        /// The messages the run added.
        messages: &'a [AgentMessage],
        /// Whether an automatic retry follows.
        will_retry: bool,
    },
    /// Nothing more runs until the user says something.
    AgentSettled,
    /// A failed request will be retried after `delay_ms`.
    AutoRetryStart {
        /// The retry about to happen, from 1.
        attempt: u32,
        /// The retries allowed.
        max_attempts: u32,
        /// The wait before it.
        delay_ms: u64,
        /// Why the request failed.
        error_message: &'a str,
    },
    /// Retrying ended.
    AutoRetryEnd {
        /// Whether a retry succeeded.
        success: bool,
        /// The last retry made.
        attempt: u32,
        /// The error that ended retrying.
        final_error: Option<&'a str>,
    },
    /// The queued steering and follow-up messages changed.
    QueueUpdate {
        /// Queued steering texts.
        steering: &'a [String],
        /// Queued follow-up texts.
        follow_up: &'a [String],
    },
    /// An entry that no message event announces was added to the session.
    EntryAppended {
        /// The entry, as written.
        entry: &'a Value,
    },
    /// The thinking level changed.
    ThinkingLevelChanged {
        /// The new level.
        level: ThinkingLevel,
    },
    /// Output of a shell command the user ran (RPC `bash`), as it arrives.
    BashExecutionUpdate {
        /// The id of the command that started it, if it had one.
        id: Option<&'a str>,
        /// The new output.
        delta: &'a str,
    },
    /// The session's display name changed.
    SessionInfoChanged {
        /// The name, if it has one.
        name: Option<&'a str>,
    },
}

impl SessionEvent<'_> {
    /// The event as pi's `AgentSessionEvent` object.
    pub fn to_value(&self) -> Value {
        match *self {
            SessionEvent::Agent(event) => serde_json::to_value(event).unwrap_or(Value::Null),
            SessionEvent::AgentEnd {
                messages,
                will_retry,
            } => json!({"type": "agent_end", "messages": messages, "willRetry": will_retry}),
            SessionEvent::AgentSettled => json!({"type": "agent_settled"}),
            SessionEvent::AutoRetryStart {
                attempt,
                max_attempts,
                delay_ms,
                error_message,
            } => json!({
                "type": "auto_retry_start",
                "attempt": attempt,
                "maxAttempts": max_attempts,
                "delayMs": delay_ms,
                "errorMessage": error_message,
            }),
            SessionEvent::AutoRetryEnd {
                success,
                attempt,
                final_error,
            } => {
                let mut value =
                    json!({"type": "auto_retry_end", "success": success, "attempt": attempt});
                if let Some(error) = final_error {
                    value["finalError"] = json!(error);
                }
                value
            }
            SessionEvent::QueueUpdate {
                steering,
                follow_up,
            } => json!({"type": "queue_update", "steering": steering, "followUp": follow_up}),
            SessionEvent::EntryAppended { entry } => {
                json!({"type": "entry_appended", "entry": entry})
            }
            SessionEvent::ThinkingLevelChanged { level } => {
                json!({"type": "thinking_level_changed", "level": level.as_str()})
            }
            SessionEvent::BashExecutionUpdate { id, delta } => match id {
                Some(id) => json!({"type": "bash_execution_update", "id": id, "delta": delta}),
                None => json!({"type": "bash_execution_update", "delta": delta}),
            },
            SessionEvent::SessionInfoChanged { name } => match name {
                Some(name) => json!({"type": "session_info_changed", "name": name}),
                None => json!({"type": "session_info_changed"}),
            },
        }
    }

    /// The event as one line of JSON mode (and RPC): `message_update` carries only the delta
    /// and the usage so far, not the whole message.
    pub fn to_json_line(&self) -> String {
        let value = match self {
            SessionEvent::Agent(AgentEvent::MessageUpdate {
                message,
                assistant_message_event,
            }) => {
                #[derive(Serialize)]
                #[serde(rename_all = "camelCase")]
                struct Delta<'a> {
                    r#type: &'static str,
                    usage: &'a pi_ai::Usage,
                    assistant_message_event: &'a pi_ai::AssistantEvent,
                }
                return pi_ai::js_number::to_string(&Delta {
                    r#type: "message_update",
                    usage: &message.usage,
                    assistant_message_event,
                })
                .unwrap_or_default();
            }
            other => other.to_value(),
        };
        pi_ai::js_number::to_string(&value).unwrap_or_default()
    }
}

//! What an [`AgentSession`](super::AgentSession) reports: the agent's events plus the session's
//! own (`agent_settled`, auto-retry, compaction, queue and entry updates), and their JSON-mode
//! lines.

use pi_agent_core::{AgentEvent, AgentMessage};
use pi_ai::ThinkingLevel;
use serde::Serialize;
use serde_json::{Value, json};

use crate::compaction::{CompactionReason, CompactionResult};

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
    /// A compaction started.
    CompactionStart {
        /// Why it runs.
        reason: CompactionReason,
    },
    /// A compaction ended: with a result, aborted, or failed (`error_message`).
    CompactionEnd {
        /// Why it ran.
        reason: CompactionReason,
        /// What it produced, when it succeeded.
        result: Option<&'a CompactionResult>,
        /// Whether it was cancelled.
        aborted: bool,
        /// Whether the failed request is retried now.
        will_retry: bool,
        /// Why it failed or what stopped after it.
        error_message: Option<&'a str>,
    },
    /// A summary request failed transiently and is repeated after `delay_ms`.
    SummarizationRetryScheduled {
        /// The retry about to happen, from 1.
        attempt: u32,
        /// The retries allowed.
        max_attempts: u32,
        /// The wait before it.
        delay_ms: u64,
        /// Why the request failed.
        error_message: &'a str,
    },
    /// A repeated summary request starts.
    SummarizationRetryAttemptStart {
        /// What the summary is for.
        source: SummarySource,
    },
    /// Retrying a summary request is over.
    SummarizationRetryFinished,
}

/// What a summary request is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SummarySource {
    /// A compaction, for this reason.
    Compaction(CompactionReason),
    /// A branch summary.
    BranchSummary,
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
            SessionEvent::CompactionStart { reason } => {
                json!({"type": "compaction_start", "reason": reason.as_str()})
            }
            SessionEvent::CompactionEnd {
                reason,
                result,
                aborted,
                will_retry,
                error_message,
            } => {
                let mut value = json!({"type": "compaction_end", "reason": reason.as_str()});
                if let Some(result) = result {
                    value["result"] = serde_json::to_value(result).unwrap_or(Value::Null);
                }
                value["aborted"] = json!(aborted);
                value["willRetry"] = json!(will_retry);
                if let Some(error) = error_message {
                    value["errorMessage"] = json!(error);
                }
                value
            }
            SessionEvent::SummarizationRetryScheduled {
                attempt,
                max_attempts,
                delay_ms,
                error_message,
            } => json!({
                "type": "summarization_retry_scheduled",
                "attempt": attempt,
                "maxAttempts": max_attempts,
                "delayMs": delay_ms,
                "errorMessage": error_message,
            }),
            SessionEvent::SummarizationRetryAttemptStart { source } => match source {
                SummarySource::Compaction(reason) => json!({
                    "type": "summarization_retry_attempt_start",
                    "source": "compaction",
                    "reason": reason.as_str(),
                }),
                SummarySource::BranchSummary => json!({
                    "type": "summarization_retry_attempt_start",
                    "source": "branchSummary",
                }),
            },
            SessionEvent::SummarizationRetryFinished => {
                json!({"type": "summarization_retry_finished"})
            }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compaction::{CompactionReason, CompactionResult};

    fn keys(value: &Value) -> Vec<String> {
        value.as_object().unwrap().keys().cloned().collect()
    }

    #[test]
    fn compaction_events_have_pi_shapes() {
        let result = CompactionResult {
            summary: "S".into(),
            first_kept_entry_id: "abc".into(),
            tokens_before: 150,
            estimated_tokens_after: Some(32),
            usage: None,
            details: Some(json!({"readFiles": [], "modifiedFiles": []})),
        };
        let start = SessionEvent::CompactionStart {
            reason: CompactionReason::Threshold,
        };
        assert_eq!(
            start.to_json_line(),
            r#"{"type":"compaction_start","reason":"threshold"}"#
        );
        let end = SessionEvent::CompactionEnd {
            reason: CompactionReason::Threshold,
            result: Some(&result),
            aborted: false,
            will_retry: false,
            error_message: None,
        }
        .to_value();
        assert_eq!(
            keys(&end),
            ["type", "reason", "result", "aborted", "willRetry"]
        );
        assert_eq!(
            keys(&end["result"]),
            [
                "summary",
                "firstKeptEntryId",
                "tokensBefore",
                "estimatedTokensAfter",
                "details"
            ]
        );
        let failed = SessionEvent::CompactionEnd {
            reason: CompactionReason::Overflow,
            result: None,
            aborted: false,
            will_retry: false,
            error_message: Some("Context overflow recovery failed: x"),
        };
        assert_eq!(
            failed.to_json_line(),
            r#"{"type":"compaction_end","reason":"overflow","aborted":false,"willRetry":false,"errorMessage":"Context overflow recovery failed: x"}"#
        );
    }

    #[test]
    fn summarization_retry_events_have_pi_shapes() {
        let scheduled = SessionEvent::SummarizationRetryScheduled {
            attempt: 1,
            max_attempts: 3,
            delay_ms: 2000,
            error_message: "terminated",
        };
        assert_eq!(
            scheduled.to_json_line(),
            r#"{"type":"summarization_retry_scheduled","attempt":1,"maxAttempts":3,"delayMs":2000,"errorMessage":"terminated"}"#
        );
        let compaction = SessionEvent::SummarizationRetryAttemptStart {
            source: SummarySource::Compaction(CompactionReason::Threshold),
        };
        assert_eq!(
            compaction.to_json_line(),
            r#"{"type":"summarization_retry_attempt_start","source":"compaction","reason":"threshold"}"#
        );
        let branch = SessionEvent::SummarizationRetryAttemptStart {
            source: SummarySource::BranchSummary,
        };
        assert_eq!(
            branch.to_json_line(),
            r#"{"type":"summarization_retry_attempt_start","source":"branchSummary"}"#
        );
        assert_eq!(
            SessionEvent::SummarizationRetryFinished.to_json_line(),
            r#"{"type":"summarization_retry_finished"}"#
        );
    }
}

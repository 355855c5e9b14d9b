//! Agent events, serialized with pi's JSON shapes.
//!
//! Events borrow what they describe, so a listener sees the streaming message on every
//! delta without the agent copying it; a listener that keeps something clones it.

use pi_ai::{AssistantEvent, AssistantMessage, Message, ToolResultMessage};
use serde::{Serialize, Serializer};
use serde_json::Value;

use crate::message::AgentMessage;
use crate::tool::AgentToolResult;

/// One step of an agent run.
///
/// A run is `agent_start`, then turns (`turn_start` ... `turn_end`) made of messages
/// (`message_start`, `message_update` while the assistant streams, `message_end`) and tool
/// executions (`tool_execution_start`, `..._update`, `..._end`), then exactly one `agent_end`.
#[derive(Debug, Clone, Copy, Serialize)]
#[serde(
    tag = "type",
    rename_all = "snake_case",
    rename_all_fields = "camelCase"
)]
pub enum AgentEvent<'a> {
    /// The run started.
    AgentStart,
    /// The run ended; `messages` are all the messages it added.
    AgentEnd {
        /// The messages the run added.
        messages: &'a [AgentMessage],
    },
    /// A turn (one model response and its tool calls) started.
    TurnStart,
    /// A turn ended.
    TurnEnd {
        /// The assistant message of the turn.
        #[serde(serialize_with = "with_role")]
        message: &'a AssistantMessage,
        /// The results of its tool calls, in call order.
        #[serde(serialize_with = "results_with_role")]
        tool_results: &'a [ToolResultMessage],
    },
    /// A message started (the assistant's is empty at first and streams).
    MessageStart {
        /// The message.
        message: &'a AgentMessage,
    },
    /// The assistant message grew.
    MessageUpdate {
        /// The message so far.
        #[serde(serialize_with = "with_role")]
        message: &'a AssistantMessage,
        /// What happened.
        assistant_message_event: &'a AssistantEvent,
    },
    /// A message is complete.
    MessageEnd {
        /// The message.
        message: &'a AgentMessage,
    },
    /// A tool call is about to be checked and run.
    ToolExecutionStart {
        /// The call id.
        tool_call_id: &'a str,
        /// The tool's name.
        tool_name: &'a str,
        /// The arguments as the model sent them.
        args: &'a Value,
    },
    /// A running tool reported progress.
    ToolExecutionUpdate {
        /// The call id.
        tool_call_id: &'a str,
        /// The tool's name.
        tool_name: &'a str,
        /// The arguments as the model sent them.
        args: &'a Value,
        /// The result so far.
        partial_result: &'a AgentToolResult,
    },
    /// A tool call finished.
    ToolExecutionEnd {
        /// The call id.
        tool_call_id: &'a str,
        /// The tool's name.
        tool_name: &'a str,
        /// The result.
        result: &'a AgentToolResult,
        /// Whether it failed.
        is_error: bool,
    },
}

#[derive(Serialize)]
#[serde(tag = "role", rename_all = "camelCase")]
enum Tagged<'a> {
    Assistant(&'a AssistantMessage),
    ToolResult(&'a ToolResultMessage),
}

fn with_role<S: Serializer>(message: &&AssistantMessage, serializer: S) -> Result<S::Ok, S::Error> {
    Tagged::Assistant(message).serialize(serializer)
}

fn results_with_role<S: Serializer>(
    results: &&[ToolResultMessage],
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.collect_seq(results.iter().map(Tagged::ToolResult))
}

/// An owned copy of an event's message, for listeners that keep messages.
impl AgentEvent<'_> {
    /// The completed message of a `message_end`, owned.
    pub fn ended_message(&self) -> Option<AgentMessage> {
        match self {
            AgentEvent::MessageEnd { message } => Some((*message).clone()),
            _ => None,
        }
    }

    /// The event's `type` as pi writes it.
    pub fn kind(&self) -> &'static str {
        match self {
            AgentEvent::AgentStart => "agent_start",
            AgentEvent::AgentEnd { .. } => "agent_end",
            AgentEvent::TurnStart => "turn_start",
            AgentEvent::TurnEnd { .. } => "turn_end",
            AgentEvent::MessageStart { .. } => "message_start",
            AgentEvent::MessageUpdate { .. } => "message_update",
            AgentEvent::MessageEnd { .. } => "message_end",
            AgentEvent::ToolExecutionStart { .. } => "tool_execution_start",
            AgentEvent::ToolExecutionUpdate { .. } => "tool_execution_update",
            AgentEvent::ToolExecutionEnd { .. } => "tool_execution_end",
        }
    }
}

/// Wraps an assistant message as an agent message (for events that need one).
pub(crate) fn assistant(message: AssistantMessage) -> AgentMessage {
    AgentMessage::Llm(Message::Assistant(message))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn shapes_match_pi() {
        let mut message = AssistantMessage::empty("faux", "faux", "m");
        message.timestamp = 1;
        let result = ToolResultMessage::text(
            &pi_ai::ToolCall::new("c1", "ls", Default::default()),
            "ok",
            false,
        );
        let value = serde_json::to_value(AgentEvent::TurnEnd {
            message: &message,
            tool_results: std::slice::from_ref(&result),
        })
        .unwrap();
        assert_eq!(value["type"], "turn_end");
        assert_eq!(value["message"]["role"], "assistant");
        assert_eq!(value["toolResults"][0]["role"], "toolResult");
        let args = json!({"path": "."});
        let end = AgentToolResult::text("done");
        let value = serde_json::to_value(AgentEvent::ToolExecutionEnd {
            tool_call_id: "c1",
            tool_name: "ls",
            result: &end,
            is_error: false,
        })
        .unwrap();
        assert_eq!(
            value,
            json!({"type": "tool_execution_end", "toolCallId": "c1", "toolName": "ls",
                   "result": {"content": [{"type": "text", "text": "done"}]}, "isError": false})
        );
        let start = serde_json::to_value(AgentEvent::ToolExecutionStart {
            tool_call_id: "c1",
            tool_name: "ls",
            args: &args,
        })
        .unwrap();
        assert_eq!(
            start,
            json!({"type": "tool_execution_start", "toolCallId": "c1", "toolName": "ls", "args": {"path": "."}})
        );
    }
}

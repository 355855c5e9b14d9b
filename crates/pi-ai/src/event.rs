//! The streaming event protocol.
//!
//! A stream emits `start`, then block events (`text_*`, `thinking_*`, `toolcall_*`, each block
//! opened, grown by deltas and closed), then exactly one terminal `done` or `error`. A request
//! that fails before the response starts emits only `error`. Blocks are numbered by their
//! index in the message's content.
//!
//! Events are small (the final message and tool calls are boxed) because each one travels
//! through a channel and back to the caller by value.

use serde::{Serialize, Serializer};

use crate::message::{AssistantMessage, StopReason, ToolCall};

/// One event of an assistant stream, serialized as pi's `assistantMessageEvent`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(
    tag = "type",
    rename_all = "snake_case",
    rename_all_fields = "camelCase"
)]
pub enum AssistantEvent {
    /// The response started.
    Start,
    /// A text block opened.
    TextStart {
        /// Index of the block in the message content.
        content_index: usize,
    },
    /// Text arrived.
    TextDelta {
        /// Index of the block.
        content_index: usize,
        /// The new text.
        delta: String,
    },
    /// A text block closed.
    TextEnd {
        /// Index of the block.
        content_index: usize,
        /// The block's full text.
        content: String,
    },
    /// A thinking block opened.
    ThinkingStart {
        /// Index of the block.
        content_index: usize,
    },
    /// Reasoning arrived.
    ThinkingDelta {
        /// Index of the block.
        content_index: usize,
        /// The new reasoning text.
        delta: String,
    },
    /// A thinking block closed.
    ThinkingEnd {
        /// Index of the block.
        content_index: usize,
        /// The block's full reasoning text.
        content: String,
    },
    /// A tool call opened.
    ToolcallStart {
        /// Index of the block.
        content_index: usize,
        /// The call id (may be empty until the provider sends it).
        id: String,
        /// The tool's name.
        tool_name: String,
    },
    /// A fragment of the call's JSON arguments arrived (may be empty).
    ToolcallDelta {
        /// Index of the block.
        content_index: usize,
        /// The raw JSON fragment.
        delta: String,
    },
    /// A tool call closed.
    ToolcallEnd {
        /// Index of the block.
        content_index: usize,
        /// The final call with parsed arguments.
        #[serde(serialize_with = "tagged_tool_call")]
        tool_call: Box<ToolCall>,
    },
    /// The response finished: `stop`, `length`, `toolUse` or `deferred`.
    Done {
        /// Why it finished.
        reason: StopReason,
        /// The final message.
        #[serde(serialize_with = "tagged_assistant")]
        message: Box<AssistantMessage>,
    },
    /// The request failed (`error`) or was cancelled (`aborted`).
    Error {
        /// `error` or `aborted`.
        reason: StopReason,
        /// The message so far, with `error_message` saying what went wrong.
        #[serde(serialize_with = "tagged_assistant")]
        error: Box<AssistantMessage>,
    },
}

impl AssistantEvent {
    /// Whether this is `done` or `error`.
    pub fn is_terminal(&self) -> bool {
        matches!(
            self,
            AssistantEvent::Done { .. } | AssistantEvent::Error { .. }
        )
    }
}

/// pi writes a tool call with its `type` and a message with its `role` even outside a list.
#[derive(Serialize)]
#[serde(tag = "type", rename_all = "camelCase")]
enum TaggedBlock<'a> {
    ToolCall(&'a ToolCall),
}

#[derive(Serialize)]
#[serde(tag = "role", rename_all = "camelCase")]
enum TaggedMessage<'a> {
    Assistant(&'a AssistantMessage),
}

fn tagged_tool_call<S: Serializer>(call: &ToolCall, serializer: S) -> Result<S::Ok, S::Error> {
    TaggedBlock::ToolCall(call).serialize(serializer)
}

fn tagged_assistant<S: Serializer>(
    message: &AssistantMessage,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    TaggedMessage::Assistant(message).serialize(serializer)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Map, json};

    #[test]
    fn events_serialize_as_pi_writes_them() {
        let call = ToolCall::new("t1", "bash", Map::new());
        let event = AssistantEvent::ToolcallEnd {
            content_index: 2,
            tool_call: Box::new(call),
        };
        assert_eq!(
            serde_json::to_value(&event).unwrap(),
            json!({"type": "toolcall_end", "contentIndex": 2,
                   "toolCall": {"type": "toolCall", "id": "t1", "name": "bash", "arguments": {}}})
        );
        let start = AssistantEvent::ToolcallStart {
            content_index: 0,
            id: "t1".into(),
            tool_name: "bash".into(),
        };
        assert_eq!(
            serde_json::to_value(&start).unwrap(),
            json!({"type": "toolcall_start", "contentIndex": 0, "id": "t1", "toolName": "bash"})
        );
        let mut message = AssistantMessage::empty("faux", "faux", "m");
        message.stop_reason = StopReason::Stop;
        let done = serde_json::to_value(AssistantEvent::Done {
            reason: StopReason::Stop,
            message: Box::new(message),
        })
        .unwrap();
        assert!(
            std::mem::size_of::<AssistantEvent>() <= 64,
            "events stay small"
        );
        assert_eq!(done["reason"], "stop");
        assert_eq!(done["message"]["role"], "assistant");
        assert_eq!(done["message"]["stopReason"], "stop");
    }
}

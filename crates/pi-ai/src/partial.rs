//! The message an assistant stream has built so far.

use crate::event::AssistantEvent;
use crate::message::{AssistantContent, AssistantMessage, TextContent, ThinkingContent, ToolCall};
use crate::partial_json::parse_streaming_json;

/// Replays [`AssistantEvent`]s onto an [`AssistantMessage`]: text and thinking grow with their
/// deltas, tool-call arguments are re-parsed after every fragment, and `done`/`error` put the
/// final message in place.
///
/// [`crate::AssistantStream`] keeps one for its `partial()`; anything else that follows a
/// stream's events (an agent's state, a UI) can keep its own instead of cloning the message
/// on every event.
///
/// ```
/// use pi_ai::{AssistantEvent, AssistantMessage, PartialMessage, TextContent};
///
/// let mut partial = PartialMessage::new(AssistantMessage::empty("faux", "faux", "m"));
/// partial.apply(&AssistantEvent::TextStart { content_index: 0 });
/// partial.apply(&AssistantEvent::TextDelta { content_index: 0, delta: "Hel".into() });
/// partial.apply(&AssistantEvent::TextDelta { content_index: 0, delta: "lo".into() });
/// assert_eq!(partial.message().text(), "Hello");
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct PartialMessage {
    message: AssistantMessage,
    /// Raw JSON received so far for each open tool call, by content index.
    arguments: Vec<(usize, String)>,
}

impl PartialMessage {
    /// Starts from `message` (usually the message of the `start` event).
    pub fn new(message: AssistantMessage) -> Self {
        PartialMessage {
            message,
            arguments: Vec::new(),
        }
    }

    /// The message so far.
    pub fn message(&self) -> &AssistantMessage {
        &self.message
    }

    /// The message, for fields that change without an event (usage, ids).
    pub fn message_mut(&mut self) -> &mut AssistantMessage {
        &mut self.message
    }

    /// The message so far, by value.
    pub fn into_message(self) -> AssistantMessage {
        self.message
    }

    /// Applies one event.
    pub fn apply(&mut self, event: &AssistantEvent) {
        let content = &mut self.message.content;
        match event {
            AssistantEvent::Start => {}
            AssistantEvent::TextStart { .. } => {
                content.push(AssistantContent::Text(TextContent::new("")));
            }
            AssistantEvent::TextDelta {
                content_index,
                delta,
            } => {
                if let Some(AssistantContent::Text(block)) = content.get_mut(*content_index) {
                    block.text.push_str(delta);
                }
            }
            AssistantEvent::TextEnd {
                content_index,
                content: text,
            } => {
                if let Some(AssistantContent::Text(block)) = content.get_mut(*content_index) {
                    block.text.clone_from(text);
                }
            }
            AssistantEvent::ThinkingStart { .. } => {
                content.push(AssistantContent::Thinking(ThinkingContent::new("")));
            }
            AssistantEvent::ThinkingDelta {
                content_index,
                delta,
            } => {
                if let Some(AssistantContent::Thinking(block)) = content.get_mut(*content_index) {
                    block.thinking.push_str(delta);
                }
            }
            AssistantEvent::ThinkingEnd {
                content_index,
                content: text,
            } => {
                if let Some(AssistantContent::Thinking(block)) = content.get_mut(*content_index) {
                    block.thinking.clone_from(text);
                }
            }
            AssistantEvent::ToolcallStart {
                content_index,
                id,
                tool_name,
            } => {
                let call = ToolCall::new(id.clone(), tool_name.clone(), serde_json::Map::new());
                content.push(AssistantContent::ToolCall(call));
                self.arguments.push((*content_index, String::new()));
            }
            AssistantEvent::ToolcallDelta {
                content_index,
                delta,
            } => {
                if delta.is_empty() {
                    return;
                }
                let Some((_, json)) = self.arguments.iter_mut().find(|(i, _)| i == content_index)
                else {
                    return;
                };
                json.push_str(delta);
                if let Some(AssistantContent::ToolCall(call)) = content.get_mut(*content_index) {
                    call.arguments = parse_streaming_json(json);
                }
            }
            AssistantEvent::ToolcallEnd {
                content_index,
                tool_call,
            } => {
                self.arguments.retain(|(i, _)| i != content_index);
                if let Some(block) = content.get_mut(*content_index) {
                    *block = AssistantContent::ToolCall(ToolCall::clone(tool_call));
                }
            }
            AssistantEvent::Done { message, .. } => {
                self.message = AssistantMessage::clone(message);
                self.arguments.clear();
            }
            AssistantEvent::Error { error, .. } => {
                self.message = AssistantMessage::clone(error);
                self.arguments.clear();
            }
        }
    }
}

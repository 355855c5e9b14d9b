//! Mistral stream chunks and how they become events.

use serde::Deserialize;
use serde_json::Value;

use super::request::derive_tool_call_id;
use crate::message::{StopReason, TextContent, ThinkingContent, Usage};
use crate::model::Model;
use crate::stream::AssistantWriter;

/// One `chat.completion.chunk`.
#[derive(Deserialize)]
pub(super) struct Chunk {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    usage: Option<Value>,
    choices: Vec<Choice>,
}

#[derive(Deserialize)]
struct Choice {
    #[serde(default)]
    finish_reason: Option<String>,
    #[serde(default)]
    delta: Delta,
}

#[derive(Deserialize, Default)]
struct Delta {
    #[serde(default)]
    content: Option<DeltaContent>,
    #[serde(default)]
    tool_calls: Option<Vec<ToolCallDelta>>,
}

/// Text as a string, or a list of typed chunks (thinking arrives that way).
#[derive(Deserialize)]
#[serde(untagged)]
enum DeltaContent {
    Text(String),
    Items(Vec<ContentItem>),
}

#[derive(Deserialize)]
#[serde(untagged)]
enum ContentItem {
    Text(String),
    Typed(TypedItem),
}

#[derive(Deserialize)]
struct TypedItem {
    #[serde(rename = "type", default)]
    kind: Option<String>,
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    thinking: Option<Vec<ThinkingPart>>,
}

#[derive(Deserialize)]
struct ThinkingPart {
    #[serde(default)]
    text: Option<String>,
}

#[derive(Deserialize)]
struct ToolCallDelta {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    index: Option<u64>,
    #[serde(default)]
    function: FunctionDelta,
}

#[derive(Deserialize, Default)]
struct FunctionDelta {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    arguments: Option<Value>,
}

/// How streamed tool-call fragments are matched to their call.
#[derive(PartialEq, Eq)]
enum CallKey {
    Index(u64),
    Id(String),
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum BlockKind {
    Text,
    Thinking,
}

/// The response being assembled.
pub(super) struct State<'a> {
    model: &'a Model,
    /// The open text or thinking block.
    current: Option<(usize, BlockKind)>,
    /// Tool calls by key, in the order they started (they close when the stream ends).
    calls: Vec<(CallKey, usize)>,
}

impl<'a> State<'a> {
    pub fn new(model: &'a Model) -> Self {
        State {
            model,
            current: None,
            calls: Vec::new(),
        }
    }

    fn close_block(&mut self, writer: &mut AssistantWriter) {
        match self.current.take() {
            Some((index, BlockKind::Text)) => writer.text_end(index),
            Some((index, BlockKind::Thinking)) => writer.thinking_end(index),
            None => {}
        }
    }

    fn block(&mut self, writer: &mut AssistantWriter, kind: BlockKind) -> usize {
        if let Some((index, open)) = self.current
            && open == kind
        {
            return index;
        }
        self.close_block(writer);
        let index = match kind {
            BlockKind::Text => writer.text_start(TextContent::new("")),
            BlockKind::Thinking => writer.thinking_start(ThinkingContent::new("")),
        };
        self.current = Some((index, kind));
        index
    }

    fn text(&mut self, writer: &mut AssistantWriter, text: &str) {
        let index = self.block(writer, BlockKind::Text);
        writer.text_delta(index, text);
    }

    pub fn apply(&mut self, writer: &mut AssistantWriter, chunk: Chunk) {
        let has_id = writer
            .message()
            .response_id
            .as_deref()
            .is_some_and(|id| !id.is_empty());
        if let Some(id) = chunk.id.filter(|id| !has_id && !id.is_empty()) {
            writer.set_response_id(id);
        }
        if let Some(usage) = chunk.usage.filter(crate::providers::is_truthy) {
            writer.set_usage(self.usage(&usage));
        }
        let Some(choice) = chunk.choices.into_iter().next() else {
            return;
        };
        if let Some(reason) = choice.finish_reason.filter(|r| !r.is_empty()) {
            let (stop, error) = map_stop_reason(&reason);
            let message = writer.message_mut();
            message.stop_reason = stop;
            message.raw_stop_reason = Some(reason);
            if let Some(error) = error {
                message.error_message = Some(error);
            }
        }
        match choice.delta.content {
            None => {}
            Some(DeltaContent::Text(text)) => self.text(writer, &text),
            Some(DeltaContent::Items(items)) => {
                for item in items {
                    match item {
                        ContentItem::Text(text) => self.text(writer, &text),
                        ContentItem::Typed(item) => match item.kind.as_deref() {
                            Some("thinking") => {
                                let delta: String = item
                                    .thinking
                                    .unwrap_or_default()
                                    .into_iter()
                                    .filter_map(|part| part.text)
                                    .collect();
                                if delta.is_empty() {
                                    continue;
                                }
                                let index = self.block(writer, BlockKind::Thinking);
                                writer.thinking_delta(index, &delta);
                            }
                            Some("text") => self.text(writer, &item.text.unwrap_or_default()),
                            _ => {}
                        },
                    }
                }
            }
        }
        for call in choice.delta.tool_calls.unwrap_or_default() {
            self.close_block(writer);
            let id = match call.id.filter(|id| !id.is_empty() && id != "null") {
                Some(id) => id,
                // Continuation fragments may carry no id; the first one names the call.
                None => derive_tool_call_id(&format!("toolcall:{}", call.index.unwrap_or(0)), 0),
            };
            let key = match call.index {
                Some(index) => CallKey::Index(index),
                None => CallKey::Id(id.clone()),
            };
            let index = match self.calls.iter().find(|(k, _)| *k == key) {
                Some((_, index)) => *index,
                None => {
                    let index = writer.toolcall_start(id, call.function.name.unwrap_or_default());
                    self.calls.push((key, index));
                    index
                }
            };
            let delta = match call.function.arguments {
                Some(Value::String(fragment)) => fragment,
                Some(Value::Null) | None => "{}".to_string(),
                Some(other) => crate::js_number::to_string(&other).unwrap_or_else(|_| "{}".into()),
            };
            writer.toolcall_delta(index, &delta);
        }
    }

    /// Usage: cached prompt tokens (under any of the names Mistral has used) count as cache
    /// reads, not input.
    fn usage(&self, usage: &Value) -> Usage {
        let number = |value: Option<&Value>| value.and_then(Value::as_u64);
        let prompt = number(usage.get("prompt_tokens")).unwrap_or(0);
        let cached = [
            "/promptTokensDetails/cachedTokens",
            "/prompt_tokens_details/cached_tokens",
            "/promptTokenDetails/cachedTokens",
            "/prompt_token_details/cached_tokens",
            "/numCachedTokens",
            "/num_cached_tokens",
        ]
        .iter()
        .find_map(|path| usage.pointer(path).filter(|v| !v.is_null()))
        .and_then(Value::as_u64)
        .unwrap_or(0)
        .min(prompt);
        let mut out = Usage {
            input: prompt - cached,
            output: number(usage.get("completion_tokens")).unwrap_or(0),
            cache_read: cached,
            cache_write: 0,
            ..Usage::default()
        };
        out.total_tokens = number(usage.get("total_tokens"))
            .filter(|total| *total > 0)
            .unwrap_or(out.input + out.output + out.cache_read);
        self.model.calculate_cost(&mut out);
        out
    }

    /// Closes the open block and then every tool call, parsing its arguments.
    pub fn finish(&mut self, writer: &mut AssistantWriter) {
        self.close_block(writer);
        for (_, index) in std::mem::take(&mut self.calls) {
            writer.toolcall_end(index);
        }
    }
}

/// Mistral's finish reasons.
pub(super) fn map_stop_reason(reason: &str) -> (StopReason, Option<String>) {
    match reason {
        "stop" => (StopReason::Stop, None),
        "length" | "model_length" => (StopReason::Length, None),
        "tool_calls" => (StopReason::ToolUse, None),
        other => (
            StopReason::Error,
            Some(format!("Provider stopped with: {other}")),
        ),
    }
}

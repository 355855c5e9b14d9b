//! Cross-provider handoff: make a transcript written by any model safe to replay to this one.
//!
//! Applied by every adapter before it converts messages to its wire format:
//!
//! - images become a text placeholder for models that cannot see them;
//! - thinking and signatures only replay to the model that produced them; other models get
//!   the reasoning as plain text, and lose redacted or empty thinking;
//! - tool-call ids are rewritten to what the target API accepts, results follow their calls;
//! - failed or aborted assistant turns are dropped, and tool calls left without a result get
//!   a synthetic `No result provided` error result.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use serde_json::Map;

use crate::message::{
    AssistantContent, AssistantMessage, InputContent, Message, TextContent, ToolCall,
    ToolResultMessage, UserContent, now_ms,
};
use crate::model::Model;

const USER_IMAGE_PLACEHOLDER: &str = "(image omitted: model does not support images)";
const TOOL_IMAGE_PLACEHOLDER: &str = "(tool image omitted: model does not support images)";

/// Rewrites a tool-call id for the target API; called only for other models' messages.
pub type NormalizeToolCallId<'f> = &'f dyn Fn(&str, &Model, &AssistantMessage) -> String;

/// Prepares `messages` for `model` (see the module docs).
pub fn transform_messages<'a>(
    messages: Vec<Cow<'a, Message>>,
    model: &Model,
    normalize_id: Option<NormalizeToolCallId<'_>>,
) -> Vec<Cow<'a, Message>> {
    let mut id_map: HashMap<String, String> = HashMap::new();
    let accepts_images = model.accepts_images();
    let first_pass = messages.into_iter().map(|message| match message.as_ref() {
        Message::System(_) => message,
        Message::User(user) => match &user.content {
            UserContent::Blocks(blocks) if !accepts_images && has_image(blocks) => {
                let mut user = user.clone();
                user.content = UserContent::Blocks(without_images(blocks, USER_IMAGE_PLACEHOLDER));
                Cow::Owned(Message::User(user))
            }
            _ => message,
        },
        Message::ToolResult(result) => {
            let new_id = id_map
                .get(&result.tool_call_id)
                .filter(|id| **id != result.tool_call_id);
            let strip_images = !accepts_images && has_image(&result.content);
            if new_id.is_none() && !strip_images {
                return message;
            }
            let mut result = result.clone();
            if let Some(id) = new_id {
                result.tool_call_id = id.clone();
            }
            if strip_images {
                result.content = without_images(&result.content, TOOL_IMAGE_PLACEHOLDER);
            }
            Cow::Owned(Message::ToolResult(result))
        }
        Message::Assistant(assistant) => {
            let same_model = assistant.provider == model.provider
                && assistant.api == model.api
                && assistant.model == model.id;
            if same_model {
                if !assistant.content.iter().any(is_blank_unsigned_thinking) {
                    return message;
                }
                let mut kept = assistant.clone();
                kept.content
                    .retain(|block| !is_blank_unsigned_thinking(block));
                return Cow::Owned(Message::Assistant(kept));
            }
            let mut converted = assistant.clone();
            converted.content = assistant
                .content
                .iter()
                .filter_map(|block| {
                    foreign_block(block, model, assistant, normalize_id, &mut id_map)
                })
                .collect();
            Cow::Owned(Message::Assistant(converted))
        }
    });
    let first_pass: Vec<Cow<'a, Message>> = first_pass.collect();
    repair_tool_flow(first_pass)
}

/// How a block of another model's message replays to `model`.
fn foreign_block(
    block: &AssistantContent,
    model: &Model,
    message: &AssistantMessage,
    normalize_id: Option<NormalizeToolCallId<'_>>,
    id_map: &mut HashMap<String, String>,
) -> Option<AssistantContent> {
    match block {
        AssistantContent::Thinking(thinking) => {
            if thinking.is_redacted() || thinking.thinking.trim().is_empty() {
                return None;
            }
            Some(AssistantContent::Text(TextContent::new(
                thinking.thinking.clone(),
            )))
        }
        AssistantContent::Text(text) => {
            Some(AssistantContent::Text(TextContent::new(text.text.clone())))
        }
        AssistantContent::ToolCall(call) => {
            let mut call = ToolCall {
                thought_signature: None,
                ..call.clone()
            };
            if let Some(normalize) = normalize_id {
                let id = normalize(&call.id, model, message);
                if id != call.id {
                    id_map.insert(call.id.clone(), id.clone());
                    call.id = id;
                }
            }
            Some(AssistantContent::ToolCall(call))
        }
    }
}

/// Thinking the same model can do nothing with: no signature and no text.
fn is_blank_unsigned_thinking(block: &AssistantContent) -> bool {
    match block {
        AssistantContent::Thinking(thinking) => {
            !thinking.is_redacted()
                && thinking
                    .thinking_signature
                    .as_deref()
                    .is_none_or(str::is_empty)
                && thinking.thinking.trim().is_empty()
        }
        _ => false,
    }
}

fn has_image(blocks: &[InputContent]) -> bool {
    blocks
        .iter()
        .any(|block| matches!(block, InputContent::Image(_)))
}

/// Replaces each run of images with one placeholder text block.
fn without_images(blocks: &[InputContent], placeholder: &str) -> Vec<InputContent> {
    let mut out = Vec::with_capacity(blocks.len());
    let mut after_placeholder = false;
    for block in blocks {
        match block {
            InputContent::Image(_) => {
                if !after_placeholder {
                    out.push(InputContent::Text(TextContent::new(placeholder)));
                }
                after_placeholder = true;
            }
            InputContent::Text(text) => {
                after_placeholder = text.text == placeholder;
                out.push(block.clone());
            }
        }
    }
    out
}

/// Drops failed assistant turns and answers orphaned tool calls. System messages that arrive
/// while calls are pending wait until the results have been emitted.
fn repair_tool_flow(messages: Vec<Cow<'_, Message>>) -> Vec<Cow<'_, Message>> {
    let mut out = Vec::with_capacity(messages.len());
    let mut pending: Vec<(String, String)> = Vec::new();
    let mut answered: HashSet<String> = HashSet::new();
    let mut held = Vec::new();

    fn close<'a>(
        out: &mut Vec<Cow<'a, Message>>,
        pending: &mut Vec<(String, String)>,
        answered: &mut HashSet<String>,
        held: &mut Vec<Cow<'a, Message>>,
    ) {
        for (id, name) in pending.drain(..) {
            if !answered.contains(&id) {
                out.push(Cow::Owned(Message::ToolResult(ToolResultMessage {
                    tool_call_id: id,
                    tool_name: name,
                    content: vec![InputContent::Text(TextContent::new("No result provided"))],
                    details: None,
                    usage: None,
                    is_error: true,
                    timestamp: now_ms(),
                    extra: Map::new(),
                })));
            }
        }
        answered.clear();
        out.append(held);
    }

    for message in messages {
        match message.as_ref() {
            Message::Assistant(assistant) => {
                close(&mut out, &mut pending, &mut answered, &mut held);
                if assistant.stop_reason.is_failure() {
                    continue;
                }
                pending.extend(
                    assistant
                        .tool_calls()
                        .map(|call| (call.id.clone(), call.name.clone())),
                );
                out.push(message);
            }
            Message::ToolResult(result) => {
                answered.insert(result.tool_call_id.clone());
                out.push(message);
            }
            Message::System(_) if !pending.is_empty() => held.push(message),
            Message::System(_) => out.push(message),
            Message::User(_) => {
                close(&mut out, &mut pending, &mut answered, &mut held);
                out.push(message);
            }
        }
    }
    close(&mut out, &mut pending, &mut answered, &mut held);
    out
}

/// Replaces characters outside `[a-zA-Z0-9_-]` with `_`.
pub(crate) fn sanitize_id(id: &str) -> String {
    id.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// The first `max` UTF-16 units of `text`, as JavaScript's `slice(0, max)` would cut it
/// (never splitting a character).
pub(crate) fn truncate_utf16(text: &str, max: usize) -> &str {
    let mut units = 0;
    for (index, c) in text.char_indices() {
        units += c.len_utf16();
        if units > max {
            return &text[..index];
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn model() -> Model {
        serde_json::from_value(json!({
            "id": "target", "name": "t", "api": "anthropic-messages", "provider": "anthropic",
            "baseUrl": "http://x", "reasoning": true, "input": ["text"],
            "cost": {"input": 0, "output": 0, "cacheRead": 0, "cacheWrite": 0},
            "contextWindow": 1000, "maxTokens": 100
        }))
        .unwrap()
    }

    fn messages(value: serde_json::Value) -> Vec<Message> {
        serde_json::from_value(value).unwrap()
    }

    fn assistant(model: &str, content: serde_json::Value, stop: &str) -> serde_json::Value {
        json!({"role": "assistant", "content": content, "api": "anthropic-messages",
            "provider": "anthropic", "model": model, "stopReason": stop, "timestamp": 1,
            "usage": {"input": 0, "output": 0, "cacheRead": 0, "cacheWrite": 0,
                "totalTokens": 0, "cost": {"input": 0, "output": 0, "cacheRead": 0,
                "cacheWrite": 0, "total": 0}}})
    }

    fn run(input: &[Message]) -> Vec<serde_json::Value> {
        let normalize = |id: &str, _: &Model, _: &AssistantMessage| sanitize_id(id);
        transform_messages(
            input.iter().map(Cow::Borrowed).collect(),
            &model(),
            Some(&normalize),
        )
        .into_iter()
        .map(|m| serde_json::to_value(m.as_ref()).unwrap())
        .collect()
    }

    #[test]
    fn foreign_thinking_becomes_text_and_ids_are_normalized() {
        let input = messages(json!([
            {"role": "user", "content": "hi", "timestamp": 1},
            assistant("other", json!([
                {"type": "thinking", "thinking": "hmm", "thinkingSignature": "sig"},
                {"type": "thinking", "thinking": "  "},
                {"type": "thinking", "thinking": "x", "thinkingSignature": "s", "redacted": true},
                {"type": "text", "text": "ok", "textSignature": "t"},
                {"type": "toolCall", "id": "call|item+1", "name": "ls", "arguments": {},
                 "thoughtSignature": "ts"}]), "toolUse"),
            {"role": "toolResult", "toolCallId": "call|item+1", "toolName": "ls",
             "content": [{"type": "image", "data": "AA", "mimeType": "image/png"},
                         {"type": "image", "data": "AA", "mimeType": "image/png"}],
             "isError": false, "timestamp": 2}
        ]));
        let out = run(&input);
        assert_eq!(
            out[1]["content"],
            json!([{"type": "text", "text": "hmm"}, {"type": "text", "text": "ok"},
                   {"type": "toolCall", "id": "call_item_1", "name": "ls", "arguments": {}}])
        );
        assert_eq!(out[2]["toolCallId"], "call_item_1");
        assert_eq!(
            out[2]["content"],
            json!([{"type": "text", "text": "(tool image omitted: model does not support images)"}])
        );
    }

    #[test]
    fn failed_turns_are_dropped_and_orphans_answered() {
        let input = messages(json!([
            {"role": "user", "content": "hi", "timestamp": 1},
            assistant("target", json!([{"type": "toolCall", "id": "a", "name": "ls",
                "arguments": {}}]), "toolUse"),
            {"role": "system", "content": "later", "timestamp": 3},
            assistant("target", json!([{"type": "text", "text": "partial"}]), "aborted"),
            {"role": "user", "content": "again", "timestamp": 4}
        ]));
        let out = run(&input);
        let roles: Vec<_> = out.iter().map(|m| m["role"].as_str().unwrap()).collect();
        assert_eq!(roles, ["user", "assistant", "toolResult", "system", "user"]);
        assert_eq!(out[2]["content"][0]["text"], "No result provided");
        assert_eq!(out[2]["isError"], true);
    }

    #[test]
    fn utf16_truncation_keeps_characters_whole() {
        assert_eq!(truncate_utf16("abcdef", 4), "abcd");
        assert_eq!(truncate_utf16("ab😀cd", 3), "ab");
        assert_eq!(truncate_utf16("ab😀cd", 4), "ab😀");
    }
}

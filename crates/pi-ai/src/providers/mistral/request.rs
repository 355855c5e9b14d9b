//! The Mistral chat-completions request body.

use std::cell::RefCell;
use std::collections::HashMap;

use serde_json::{Map, Value, json};

use crate::constrained::{resolve_strict, tool_parameters};
use crate::context::{Transcript, render_system_update};
use crate::js_number;
use crate::message::{
    AssistantContent, AssistantMessage, InputContent, Message, ToolResultMessage, UserContent,
    join_text,
};
use crate::model::Model;
use crate::options::StreamOptions;
use crate::providers::openai_completions::short_hash;
use crate::tool::Tool;
use crate::transform::transform_messages;

/// Mistral tool-call ids are exactly this many ASCII letters and digits.
const TOOL_CALL_ID_LENGTH: usize = 9;

const IMAGE_OMITTED: &str = "(image omitted: model does not support images)";

/// Builds the request body. Errors are tool declarations the endpoint cannot honour.
pub(super) fn build_body(
    model: &Model,
    context: &crate::Context,
    options: &StreamOptions,
) -> Result<Value, String> {
    let mid_convo = model
        .compat
        .as_ref()
        .and_then(|c| c.supports_mid_convo_system_messages)
        .unwrap_or(false);
    let transcript = Transcript::new(context).resolve(mid_convo);
    let tools: Vec<Tool> = transcript.current_tools().into_iter().cloned().collect();
    let ids = RefCell::new(ToolCallIds::default());
    let normalize = |id: &str, _: &Model, _: &AssistantMessage| ids.borrow_mut().normalize(id);
    let messages = transform_messages(transcript.messages, model, Some(&normalize));
    let supports_images = model.accepts_images();

    let mut body = Map::new();
    body.insert("model".into(), json!(model.id));
    body.insert("stream".into(), json!(true));
    let wire_messages: Vec<Value> = messages
        .iter()
        .enumerate()
        .filter_map(|(index, message)| convert_message(index, message.as_ref(), supports_images))
        .collect();
    body.insert("messages".into(), Value::Array(wire_messages));
    if !tools.is_empty() {
        body.insert("tools".into(), Value::Array(convert_tools(&tools)?));
    }
    if let Some(temperature) = options.temperature {
        body.insert("temperature".into(), js_number::to_value(temperature));
    }
    if let Some(max_tokens) = options.max_tokens {
        body.insert("max_tokens".into(), json!(max_tokens));
    }
    if let Some(choice) = options.tool_choice {
        body.insert("tool_choice".into(), json!(choice.as_str()));
    }
    if let Some(effort) = &options.thinking.effort {
        body.insert("reasoning_effort".into(), json!(effort));
    }
    if options.thinking.enabled == Some(true) {
        body.insert("prompt_mode".into(), json!("reasoning"));
    }
    if let Some(session) = prompt_cache_key(options) {
        body.insert("prompt_cache_key".into(), json!(session));
    }
    Ok(Value::Object(body))
}

/// The session id, when prompt caching is on: it keys Mistral's cache (and the affinity
/// header).
pub(super) fn prompt_cache_key(options: &StreamOptions) -> Option<&str> {
    options
        .session_id
        .as_deref()
        .filter(|id| !id.is_empty())
        .filter(|_| options.resolved_cache_retention() != crate::CacheRetention::None)
}

fn convert_tools(tools: &[Tool]) -> Result<Vec<Value>, String> {
    tools
        .iter()
        .map(|tool| {
            let strict = resolve_strict(tool, true)?;
            Ok(json!({"type": "function", "function": {
                "name": tool.name,
                "description": tool.description,
                "parameters": tool_parameters(tool, strict),
                "strict": strict,
            }}))
        })
        .collect()
}

fn image_url(mime_type: &str, data: &str) -> Value {
    json!({"type": "image_url", "image_url": format!("data:{mime_type};base64,{data}")})
}

/// One transcript message on the wire, if it says anything.
fn convert_message(index: usize, message: &Message, supports_images: bool) -> Option<Value> {
    match message {
        Message::System(system) => {
            // The leading message is the prompt; later ones read as updates.
            let text = if index == 0 {
                system.prompt_text()
            } else {
                render_system_update(system)
            };
            (!text.is_empty()).then(|| json!({"role": "system", "content": text}))
        }
        Message::User(user) => match &user.content {
            UserContent::Text(text) => Some(json!({"role": "user", "content": text})),
            UserContent::Blocks(blocks) => {
                let content: Vec<Value> = blocks
                    .iter()
                    .filter_map(|block| match block {
                        InputContent::Text(text) => {
                            Some(json!({"type": "text", "text": text.text}))
                        }
                        InputContent::Image(image) if supports_images => {
                            Some(image_url(&image.mime_type, &image.data))
                        }
                        InputContent::Image(_) => None,
                    })
                    .collect();
                if !content.is_empty() {
                    return Some(json!({"role": "user", "content": content}));
                }
                let had_images = blocks.iter().any(|b| matches!(b, InputContent::Image(_)));
                (had_images && !supports_images)
                    .then(|| json!({"role": "user", "content": IMAGE_OMITTED}))
            }
        },
        Message::Assistant(assistant) => convert_assistant(assistant),
        Message::ToolResult(result) => Some(convert_tool_result(result, supports_images)),
    }
}

fn convert_assistant(assistant: &AssistantMessage) -> Option<Value> {
    let mut content = Vec::new();
    let mut tool_calls = Vec::new();
    for block in &assistant.content {
        match block {
            AssistantContent::Text(text) => {
                if !text.text.trim().is_empty() {
                    content.push(json!({"type": "text", "text": text.text}));
                }
            }
            AssistantContent::Thinking(thinking) => {
                if !thinking.thinking.trim().is_empty() {
                    content.push(json!({"type": "thinking",
                        "thinking": [{"type": "text", "text": thinking.thinking}]}));
                }
            }
            AssistantContent::ToolCall(call) => {
                let arguments =
                    js_number::to_string(&call.arguments).unwrap_or_else(|_| "{}".into());
                tool_calls.push(json!({"id": call.id, "type": "function",
                    "function": {"name": call.name, "arguments": arguments}, "index": 0}));
            }
        }
    }
    if content.is_empty() && tool_calls.is_empty() {
        return None;
    }
    let mut message = Map::new();
    message.insert("role".into(), json!("assistant"));
    message.insert("prefix".into(), json!(false));
    if !content.is_empty() {
        message.insert("content".into(), Value::Array(content));
    }
    if !tool_calls.is_empty() {
        message.insert("tool_calls".into(), Value::Array(tool_calls));
    }
    Some(Value::Object(message))
}

fn convert_tool_result(result: &ToolResultMessage, supports_images: bool) -> Value {
    let text = join_text(&result.content, "\n");
    let has_images = result
        .content
        .iter()
        .any(|b| matches!(b, InputContent::Image(_)));
    let mut content = vec![json!({"type": "text",
        "text": tool_result_text(&text, has_images, supports_images, result.is_error)})];
    if supports_images {
        content.extend(result.content.iter().filter_map(|block| match block {
            InputContent::Image(image) => Some(image_url(&image.mime_type, &image.data)),
            InputContent::Text(_) => None,
        }));
    }
    json!({"role": "tool", "name": result.tool_name, "content": content,
        "tool_call_id": result.tool_call_id})
}

/// The text of a tool result; Mistral rejects empty tool messages.
fn tool_result_text(text: &str, has_images: bool, supports_images: bool, is_error: bool) -> String {
    let prefix = if is_error { "[tool error] " } else { "" };
    let trimmed = text.trim();
    if !trimmed.is_empty() {
        let suffix = if has_images && !supports_images {
            "\n[tool image omitted: model does not support images]"
        } else {
            ""
        };
        return format!("{prefix}{trimmed}{suffix}");
    }
    let body = match (has_images, supports_images) {
        (true, true) => "(see attached image)",
        (true, false) => IMAGE_OMITTED,
        (false, _) => "(no tool output)",
    };
    format!("{prefix}{body}")
}

/// Rewrites other providers' tool-call ids to Mistral's nine characters, keeping distinct ids
/// distinct within one request.
#[derive(Default)]
pub(super) struct ToolCallIds {
    by_id: HashMap<String, String>,
    owners: HashMap<String, String>,
}

impl ToolCallIds {
    pub fn normalize(&mut self, id: &str) -> String {
        if let Some(existing) = self.by_id.get(id) {
            return existing.clone();
        }
        let mut attempt = 0;
        loop {
            let candidate = derive_tool_call_id(id, attempt);
            let taken = self.owners.get(&candidate).is_some_and(|owner| owner != id);
            if !taken {
                self.by_id.insert(id.to_string(), candidate.clone());
                self.owners.insert(candidate.clone(), id.to_string());
                return candidate;
            }
            attempt += 1;
        }
    }
}

/// The id's letters and digits when there are exactly nine, else a hash of them.
pub(super) fn derive_tool_call_id(id: &str, attempt: u32) -> String {
    let normalized: String = id.chars().filter(char::is_ascii_alphanumeric).collect();
    if attempt == 0 && normalized.len() == TOOL_CALL_ID_LENGTH {
        return normalized;
    }
    let base = if normalized.is_empty() {
        id
    } else {
        &normalized
    };
    let seed = if attempt == 0 {
        base.to_string()
    } else {
        format!("{base}:{attempt}")
    };
    short_hash(&seed)
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(TOOL_CALL_ID_LENGTH)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tool_call_ids_become_nine_characters() {
        assert_eq!(derive_tool_call_id("D681PevKs", 0), "D681PevKs");
        assert_eq!(derive_tool_call_id("call_abc|fc_123", 0).len(), 9);
        assert_ne!(
            derive_tool_call_id("call_abc|fc_123", 0),
            derive_tool_call_id("call_abc|fc_123", 1)
        );
        // Two ids with the same letters and digits still get different ids.
        let mut ids = ToolCallIds::default();
        let a = ids.normalize("abc-def-ghi");
        let b = ids.normalize("abc_def_ghi");
        assert_eq!(a, "abcdefghi");
        assert_ne!(a, b);
        assert_eq!(b.len(), 9);
        assert_eq!(ids.normalize("abc_def_ghi"), b);
    }

    #[test]
    fn tool_result_texts() {
        assert_eq!(tool_result_text("  ok \n", false, true, false), "ok");
        assert_eq!(
            tool_result_text("ok", true, false, true),
            "[tool error] ok\n[tool image omitted: model does not support images]"
        );
        assert_eq!(
            tool_result_text("", true, true, false),
            "(see attached image)"
        );
        assert_eq!(
            tool_result_text("", false, false, true),
            "[tool error] (no tool output)"
        );
    }
}

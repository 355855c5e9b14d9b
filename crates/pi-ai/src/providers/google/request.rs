//! The Gemini `streamGenerateContent` request: contents, system instruction, tools and
//! generation config, in the shape (and key order) Google's SDK sends.

use std::borrow::Cow;

use serde_json::{Map, Value, json};

use super::thinking::{
    self, GoogleThinking, requires_tool_call_id, supports_multimodal_function_response,
    supports_strict_tools,
};
use crate::constrained::{resolve_strict, tool_parameters};
use crate::context::Transcript;
use crate::http::Headers;
use crate::js_number;
use crate::message::{
    AssistantContent, AssistantMessage, InputContent, Message, ToolResultMessage, UserContent,
    join_text,
};
use crate::model::Model;
use crate::options::{StreamOptions, ToolChoice};
use crate::tool::Tool;
use crate::transform::{sanitize_id, transform_messages, truncate_utf16};

/// Everything needed to send one request.
pub(super) struct Prepared {
    pub body: Value,
    pub headers: Headers,
}

/// Builds the body and headers for `context`.
pub(super) fn prepare(
    model: &Model,
    context: &crate::Context,
    options: &StreamOptions,
    thinking: &GoogleThinking,
    api_key: &str,
) -> Result<Prepared, String> {
    // Gemini has no mid-conversation system messages: the replayed prompt leads.
    let transcript = Transcript::new(context).collapse_system_messages();
    let system_text = transcript
        .initial_system()
        .map(|system| system.prompt_text())
        .unwrap_or_default();
    let tools: Vec<Tool> = transcript.current_tools().into_iter().cloned().collect();
    let mut messages = transcript.messages;
    if matches!(messages.first().map(Cow::as_ref), Some(Message::System(_))) {
        messages.remove(0);
    }
    let contents = convert_messages(model, messages);

    let strict_supported = supports_strict_tools(&model.id);
    let mut body = Map::new();
    body.insert("contents".into(), Value::Array(contents));
    if !system_text.is_empty() {
        body.insert(
            "systemInstruction".into(),
            json!({"parts": [{"text": system_text}], "role": "user"}),
        );
    }
    if !tools.is_empty() {
        let (declarations, any_strict) = function_declarations(&tools, strict_supported)?;
        body.insert(
            "tools".into(),
            json!([{"functionDeclarations": declarations}]),
        );
        let mode = match options.tool_choice {
            Some(ToolChoice::None) => Some("NONE"),
            _ if any_strict => Some("VALIDATED"),
            Some(ToolChoice::Auto) => Some("AUTO"),
            None => None,
        };
        if let Some(mode) = mode {
            body.insert(
                "toolConfig".into(),
                json!({"functionCallingConfig": {"mode": mode}}),
            );
        }
    }
    let mut generation = Map::new();
    if let Some(temperature) = options.temperature {
        generation.insert("temperature".into(), js_number::to_value(temperature));
    }
    if let Some(max_tokens) = options.max_tokens {
        generation.insert("maxOutputTokens".into(), json!(max_tokens));
    }
    if let Some(config) = thinking::config(model, thinking)? {
        generation.insert("thinkingConfig".into(), config);
    }
    body.insert("generationConfig".into(), Value::Object(generation));

    let mut headers = Headers::new();
    headers.apply_overrides(model, options);
    if !sets_header(model, options, "x-goog-api-key") {
        headers.set("x-goog-api-key", api_key);
    }
    Ok(Prepared {
        body: Value::Object(body),
        headers,
    })
}

/// Whether the caller (or else the model) sets header `name` itself: an explicit key
/// header wins over the API key.
fn sets_header(model: &Model, options: &StreamOptions, name: &str) -> bool {
    let from_options = options
        .headers
        .iter()
        .rev()
        .find(|(n, _)| n.eq_ignore_ascii_case(name));
    match from_options {
        Some((_, value)) => value.is_some(),
        None => model
            .headers
            .iter()
            .flatten()
            .any(|(n, _)| n.eq_ignore_ascii_case(name)),
    }
}

/// `functionDeclarations` with full JSON Schema parameters; also whether any tool is strict.
fn function_declarations(
    tools: &[Tool],
    strict_supported: bool,
) -> Result<(Vec<Value>, bool), String> {
    let mut any_strict = false;
    let mut out = Vec::with_capacity(tools.len());
    for tool in tools {
        let strict = resolve_strict(tool, strict_supported)?;
        any_strict |= strict;
        out.push(json!({
            "name": tool.name,
            "description": tool.description,
            "parametersJsonSchema": tool_parameters(tool, strict),
        }));
    }
    Ok((out, any_strict))
}

/// Gemini accepts only base64 thought signatures.
fn is_valid_signature(signature: &str) -> bool {
    if signature.is_empty() || !signature.len().is_multiple_of(4) {
        return false;
    }
    let body = signature.trim_end_matches('=');
    signature.len() - body.len() <= 2
        && !body.is_empty()
        && body
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/')
}

/// A signature replayed only to the model that made it, and only when valid.
fn replayable(same_model: bool, signature: Option<&str>) -> Option<&str> {
    signature.filter(|s| same_model && is_valid_signature(s))
}

fn inline_data(mime_type: &str, data: &str) -> Value {
    json!({"inlineData": {"data": data, "mimeType": mime_type}})
}

/// The conversation as Gemini `contents`.
fn convert_messages(model: &Model, messages: Vec<Cow<'_, Message>>) -> Vec<Value> {
    let with_ids = requires_tool_call_id(&model.id);
    let normalize = |id: &str, _: &Model, _: &AssistantMessage| {
        if with_ids {
            truncate_utf16(&sanitize_id(id), 64).to_string()
        } else {
            id.to_string()
        }
    };
    let messages = transform_messages(messages, model, Some(&normalize));
    let mut contents: Vec<Value> = Vec::new();
    for message in &messages {
        match message.as_ref() {
            // Collapsed into the system instruction already.
            Message::System(_) => {}
            Message::User(user) => {
                let parts: Vec<Value> = match &user.content {
                    UserContent::Text(text) => vec![json!({"text": text})],
                    UserContent::Blocks(blocks) => blocks
                        .iter()
                        .map(|block| match block {
                            InputContent::Text(text) => json!({"text": text.text}),
                            InputContent::Image(image) => {
                                inline_data(&image.mime_type, &image.data)
                            }
                        })
                        .collect(),
                };
                if !parts.is_empty() {
                    contents.push(json!({"parts": parts, "role": "user"}));
                }
            }
            Message::Assistant(assistant) => {
                let parts = assistant_parts(model, assistant, with_ids);
                if !parts.is_empty() {
                    contents.push(json!({"parts": parts, "role": "model"}));
                }
            }
            Message::ToolResult(result) => tool_result(model, result, with_ids, &mut contents),
        }
    }
    contents
}

fn assistant_parts(model: &Model, assistant: &AssistantMessage, with_ids: bool) -> Vec<Value> {
    let same_model = assistant.provider == model.provider && assistant.model == model.id;
    let mut parts = Vec::with_capacity(assistant.content.len());
    for block in &assistant.content {
        match block {
            AssistantContent::Text(text) => {
                let signature = replayable(same_model, text.text_signature.as_deref());
                // Gemini may sign a part with no visible text; it wants that signature back.
                if text.text.trim().is_empty() && signature.is_none() {
                    continue;
                }
                let mut part = Map::new();
                part.insert("text".into(), json!(text.text));
                if let Some(signature) = signature {
                    part.insert("thoughtSignature".into(), json!(signature));
                }
                parts.push(Value::Object(part));
            }
            AssistantContent::Thinking(thinking) => {
                let blank = thinking.thinking.trim().is_empty();
                if !same_model {
                    if !blank {
                        parts.push(json!({"text": thinking.thinking}));
                    }
                    continue;
                }
                let signature = replayable(true, thinking.thinking_signature.as_deref());
                if blank && signature.is_none() {
                    continue;
                }
                let mut part = Map::new();
                part.insert("text".into(), json!(thinking.thinking));
                part.insert("thought".into(), json!(true));
                if let Some(signature) = signature {
                    part.insert("thoughtSignature".into(), json!(signature));
                }
                parts.push(Value::Object(part));
            }
            AssistantContent::ToolCall(call) => {
                let mut function_call = Map::new();
                function_call.insert("args".into(), Value::Object(call.arguments.clone()));
                if with_ids {
                    function_call.insert("id".into(), json!(call.id));
                }
                function_call.insert("name".into(), json!(call.name));
                let mut part = Map::new();
                part.insert("functionCall".into(), Value::Object(function_call));
                if let Some(signature) = replayable(same_model, call.thought_signature.as_deref()) {
                    part.insert("thoughtSignature".into(), json!(signature));
                }
                parts.push(Value::Object(part));
            }
        }
    }
    parts
}

/// A tool result as a `functionResponse`, merged into the previous user turn when that turn
/// already answers calls (all responses to one model turn travel together).
fn tool_result(
    model: &Model,
    result: &ToolResultMessage,
    with_ids: bool,
    contents: &mut Vec<Value>,
) {
    let text = join_text(&result.content, "\n");
    let images: Vec<Value> = if model.accepts_images() {
        result
            .content
            .iter()
            .filter_map(|block| match block {
                InputContent::Image(image) => {
                    Some(json!({"inlineData": {"mimeType": image.mime_type, "data": image.data}}))
                }
                InputContent::Text(_) => None,
            })
            .collect()
    } else {
        Vec::new()
    };
    let inline_images = supports_multimodal_function_response(&model.id);
    let value = if !text.is_empty() {
        text
    } else if !images.is_empty() {
        "(see attached image)".to_string()
    } else {
        String::new()
    };
    let mut response = Map::new();
    response.insert("name".into(), json!(result.tool_name));
    let key = if result.is_error { "error" } else { "output" };
    response.insert("response".into(), json!({ key: value }));
    if !images.is_empty() && inline_images {
        response.insert("parts".into(), Value::Array(images.clone()));
    }
    if with_ids {
        response.insert("id".into(), json!(result.tool_call_id));
    }
    let part = json!({"functionResponse": response});

    let merges = contents.last().is_some_and(|last| {
        last.get("role") == Some(&json!("user"))
            && last
                .get("parts")
                .and_then(Value::as_array)
                .is_some_and(|parts| parts.iter().any(|p| p.get("functionResponse").is_some()))
    });
    match contents.last_mut().and_then(|last| last.get_mut("parts")) {
        Some(Value::Array(parts)) if merges => parts.push(part),
        _ => contents.push(json!({"parts": [part], "role": "user"})),
    }
    if !images.is_empty() && !inline_images {
        let mut parts = vec![json!({"text": "Tool result image:"})];
        parts.extend(images);
        contents.push(json!({"parts": parts, "role": "user"}));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_must_be_base64() {
        assert!(is_valid_signature(
            "8McvgqGKidEG8zBfKgBBpO90qsT3dJ0TvfqzuROPd8A="
        ));
        assert!(is_valid_signature("abcd"));
        assert!(is_valid_signature("ab=="));
        assert!(!is_valid_signature("ab==="));
        assert!(!is_valid_signature("abc"));
        assert!(!is_valid_signature("ab-_"));
        assert!(!is_valid_signature("===="));
        assert!(!is_valid_signature("a=bc"));
        assert!(!is_valid_signature(""));
    }
}

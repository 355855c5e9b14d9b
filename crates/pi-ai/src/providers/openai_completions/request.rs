//! The Chat Completions request body.

use std::borrow::Cow;
use std::collections::HashMap;

use serde_json::{Map, Value, json};

use super::compat::CompletionsCompat;
use crate::compat::{CacheControlFormat, MaxTokensField};
use crate::constrained::{resolve_grammar, resolve_strict, tool_parameters};
use crate::context::{Transcript, render_system_update};
use crate::js_number;
use crate::message::{
    AssistantContent, AssistantMessage, InputContent, Message, UserContent, join_text,
};
use crate::model::Model;
use crate::options::{CacheRetention, StreamOptions};
use crate::providers::{has_non_additive_tool_changes, request_tools, truncate_chars};
use crate::tool::Tool;
use crate::transform::{sanitize_id, transform_messages, truncate_utf16};

/// The property each grammar tool's single input lives in, by tool name.
pub(super) type GrammarInputs = HashMap<String, String>;

/// Builds the request body. Errors are tool declarations the endpoint cannot honour.
pub(super) fn build_body(
    model: &Model,
    context: &crate::Context,
    options: &StreamOptions,
    compat: &CompletionsCompat,
) -> Result<(Value, GrammarInputs), String> {
    let transcript = Transcript::new(context).resolve(compat.supports_mid_convo_system_messages);
    let anchors_additions = compat.supports_mid_convo_system_messages
        && compat.supports_mid_convo_tool_additions
        && !has_non_additive_tool_changes(&transcript);
    let request_tools = request_tools(&transcript, anchors_additions);
    let grammar_inputs = grammar_inputs(&transcript, compat)?;
    let has_tool_history = transcript.messages.iter().any(|m| match m.as_ref() {
        Message::ToolResult(_) => true,
        Message::Assistant(a) => a.tool_calls().next().is_some(),
        _ => false,
    });
    let mut messages = convert_messages(
        model,
        transcript,
        compat,
        anchors_additions,
        &grammar_inputs,
    )?;
    let retention = options.resolved_cache_retention();

    let mut body = Map::new();
    body.insert("model".into(), json!(model.id));
    body.insert("stream".into(), json!(true));
    let long = retention == CacheRetention::Long && compat.supports_long_cache_retention;
    let send_cache_key =
        (model.base_url.contains("api.openai.com") && retention != CacheRetention::None) || long;
    if let (true, Some(session)) = (send_cache_key, &options.session_id) {
        body.insert(
            "prompt_cache_key".into(),
            json!(truncate_chars(session, 64)),
        );
    }
    if long {
        body.insert("prompt_cache_retention".into(), json!("24h"));
    }
    if compat.supports_usage_in_streaming {
        body.insert("stream_options".into(), json!({"include_usage": true}));
    }
    if compat.supports_store {
        body.insert("store".into(), json!(false));
    }
    if let Some(max_tokens) = options.max_tokens.filter(|m| *m > 0) {
        let field = match compat.max_tokens_field {
            MaxTokensField::MaxTokens => "max_tokens",
            MaxTokensField::MaxCompletionTokens => "max_completion_tokens",
        };
        body.insert(field.into(), json!(max_tokens));
    }
    if let Some(temperature) = options.temperature {
        body.insert("temperature".into(), js_number::to_value(temperature));
    }
    let mut tools = None;
    if !request_tools.is_empty() {
        tools = Some(convert_tools(&request_tools, compat)?);
        if compat.zai_tool_stream {
            body.insert("tool_stream".into(), json!(true));
        }
    } else if has_tool_history {
        // Proxies in front of Anthropic reject tool history without a tools field.
        tools = Some(Vec::new());
    }
    let cache_control = match (compat.cache_control_format, retention) {
        (Some(CacheControlFormat::Anthropic), CacheRetention::Short) => {
            Some(json!({"type": "ephemeral"}))
        }
        (Some(CacheControlFormat::Anthropic), CacheRetention::Long) => {
            Some(if compat.supports_long_cache_retention {
                json!({"type": "ephemeral", "ttl": "1h"})
            } else {
                json!({"type": "ephemeral"})
            })
        }
        _ => None,
    };
    if let Some(cache) = &cache_control {
        apply_cache_control(&mut messages, tools.as_mut(), cache);
    }
    body.insert("messages".into(), Value::Array(messages));
    if let Some(tools) = tools {
        body.insert("tools".into(), Value::Array(tools));
    }
    if let Some(choice) = options.tool_choice {
        body.insert("tool_choice".into(), json!(choice.as_str()));
    }
    if let Some(priority) = compat.vllm_priority {
        body.insert("priority".into(), json!(priority));
    }
    super::thinking::apply(&mut body, model, options, compat);
    if let Some(routing) = &compat.open_router_routing {
        body.insert("provider".into(), Value::Object(routing.clone()));
    }
    if let Some(routing) = &compat.vercel_gateway_routing
        && (routing.only.is_some() || routing.order.is_some())
    {
        body.insert("providerOptions".into(), json!({"gateway": routing}));
    }
    // Last, so custom keys override the named fields.
    if let Some(params) = &options.sampling_params {
        body.extend(params.clone());
    }
    Ok((Value::Object(body), grammar_inputs))
}

fn grammar_inputs(
    transcript: &Transcript<'_>,
    compat: &CompletionsCompat,
) -> Result<GrammarInputs, String> {
    let mut inputs = GrammarInputs::new();
    for message in &transcript.messages {
        if let Message::System(system) = message.as_ref() {
            for tool in system.tools_added.iter().flatten() {
                if let Some(grammar) = resolve_grammar(tool, compat.supports_openai_grammar_tools)?
                {
                    inputs.insert(tool.name.clone(), grammar.input_property);
                }
            }
        }
    }
    Ok(inputs)
}

fn convert_tools(tools: &[Tool], compat: &CompletionsCompat) -> Result<Vec<Value>, String> {
    let mut out = Vec::with_capacity(tools.len());
    for tool in tools {
        if let Some(grammar) = resolve_grammar(tool, compat.supports_openai_grammar_tools)? {
            out.push(json!({"type": "custom", "custom": {
                "name": tool.name, "description": tool.description,
                "format": {"type": "grammar", "grammar": {"syntax": grammar.syntax, "definition": grammar.definition}}
            }}));
            continue;
        }
        let strict = resolve_strict(tool, compat.supports_strict_mode)?;
        let mut function = Map::new();
        function.insert("name".into(), json!(tool.name));
        function.insert("description".into(), json!(tool.description));
        function.insert("parameters".into(), tool_parameters(tool, strict));
        // Some endpoints reject unknown fields, so `strict` goes only where it is supported.
        if compat.supports_strict_mode {
            function.insert("strict".into(), json!(strict));
        }
        out.push(json!({"type": "function", "function": function}));
    }
    Ok(out)
}

/// Tool-call ids for Chat Completions: Responses-style `call|item` ids are folded into one
/// id of at most 40 characters; `openai` ids longer than 40 are cut.
fn normalize_tool_call_id(id: &str, model: &Model) -> String {
    if let Some((call, item)) = id.split_once('|') {
        let call = sanitize_id(call);
        let item = sanitize_id(item);
        let combined = if item.is_empty() {
            call.clone()
        } else {
            format!("{call}_{item}")
        };
        if combined.encode_utf16().count() <= 40 {
            return combined;
        }
        let hash = short_hash(id);
        let hash = truncate_utf16(&hash, 8);
        let prefix = truncate_utf16(&call, 40usize.saturating_sub(hash.len() + 1).max(1));
        return format!("{prefix}_{hash}");
    }
    if model.provider == "openai" {
        return truncate_utf16(id, 40).to_string();
    }
    id.to_string()
}

/// pi's `shortHash`: two 32-bit multiplicative hashes over UTF-16 units, in base 36.
pub(crate) fn short_hash(text: &str) -> String {
    let mut h1: u32 = 0xdead_beef;
    let mut h2: u32 = 0x41c6_ce57;
    for unit in text.encode_utf16() {
        let unit = u32::from(unit);
        h1 = (h1 ^ unit).wrapping_mul(2_654_435_761);
        h2 = (h2 ^ unit).wrapping_mul(1_597_334_677);
    }
    h1 = (h1 ^ (h1 >> 16)).wrapping_mul(2_246_822_507)
        ^ (h2 ^ (h2 >> 13)).wrapping_mul(3_266_489_909);
    h2 = (h2 ^ (h2 >> 16)).wrapping_mul(2_246_822_507)
        ^ (h1 ^ (h1 >> 13)).wrapping_mul(3_266_489_909);
    format!("{}{}", base36(h2), base36(h1))
}

fn base36(mut n: u32) -> String {
    const DIGITS: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut out = Vec::new();
    loop {
        out.push(DIGITS[(n % 36) as usize]);
        n /= 36;
        if n == 0 {
            break;
        }
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

fn image_part(mime_type: &str, data: &str) -> Value {
    json!({"type": "image_url", "image_url": {"url": format!("data:{mime_type};base64,{data}")}})
}

const BRIDGE_TEXT: &str = "I have processed the tool results.";

fn convert_messages(
    model: &Model,
    transcript: Transcript<'_>,
    compat: &CompletionsCompat,
    anchors_additions: bool,
    grammar_inputs: &GrammarInputs,
) -> Result<Vec<Value>, String> {
    let normalize =
        |id: &str, model: &Model, _: &AssistantMessage| normalize_tool_call_id(id, model);
    let messages = transform_messages(transcript.messages, model, Some(&normalize));
    let instruction_role = if model.reasoning && compat.supports_developer_role {
        "developer"
    } else {
        "system"
    };
    let mut out: Vec<Value> = Vec::new();
    let mut last_was_tool_result = false;
    let mut index = 0;
    while let Some(message) = messages.get(index) {
        let position = index;
        index += 1;
        if compat.requires_assistant_after_tool_result
            && last_was_tool_result
            && matches!(message.as_ref(), Message::User(_))
        {
            out.push(json!({"role": "assistant", "content": BRIDGE_TEXT}));
        }
        last_was_tool_result = false;
        match message.as_ref() {
            Message::System(system) => {
                let added = system.tools_added.as_deref().unwrap_or_default();
                if position > 0 && anchors_additions && !added.is_empty() {
                    out.push(json!({"role": "system", "tools": convert_tools(added, compat)?}));
                }
                let text = if position == 0 {
                    system.prompt_text()
                } else {
                    render_system_update(system)
                };
                if !text.is_empty() {
                    out.push(json!({"role": instruction_role, "content": text}));
                }
            }
            Message::User(user) => match &user.content {
                UserContent::Text(text) => out.push(json!({"role": "user", "content": text})),
                UserContent::Blocks(blocks) => {
                    let parts: Vec<Value> = blocks
                        .iter()
                        .filter_map(|block| match block {
                            InputContent::Text(text) if text.text.is_empty() => None,
                            InputContent::Text(text) => {
                                Some(json!({"type": "text", "text": text.text}))
                            }
                            InputContent::Image(image) => {
                                Some(image_part(&image.mime_type, &image.data))
                            }
                        })
                        .collect();
                    if !parts.is_empty() {
                        out.push(json!({"role": "user", "content": parts}));
                    }
                }
            },
            Message::Assistant(assistant) => {
                if let Some(wire) = convert_assistant(model, assistant, compat, grammar_inputs)? {
                    out.push(wire);
                }
            }
            Message::ToolResult(_) => {
                let mut images = Vec::new();
                let mut cursor = position;
                while let Some(Message::ToolResult(result)) = messages.get(cursor).map(Cow::as_ref)
                {
                    cursor += 1;
                    let text = join_text(&result.content, "\n");
                    let has_images = result
                        .content
                        .iter()
                        .any(|b| matches!(b, InputContent::Image(_)));
                    let content = if !text.is_empty() {
                        text
                    } else if has_images {
                        "(see attached image)".to_string()
                    } else {
                        "(no tool output)".to_string()
                    };
                    let mut wire = json!({"role": "tool", "content": content, "tool_call_id": result.tool_call_id});
                    if compat.requires_tool_result_name && !result.tool_name.is_empty() {
                        wire["name"] = json!(result.tool_name);
                    }
                    out.push(wire);
                    if has_images && model.accepts_images() {
                        images.extend(result.content.iter().filter_map(|block| match block {
                            InputContent::Image(image) => {
                                Some(image_part(&image.mime_type, &image.data))
                            }
                            InputContent::Text(_) => None,
                        }));
                    }
                }
                index = cursor;
                if images.is_empty() {
                    last_was_tool_result = true;
                } else {
                    if compat.requires_assistant_after_tool_result {
                        out.push(json!({"role": "assistant", "content": BRIDGE_TEXT}));
                    }
                    let mut content = vec![
                        json!({"type": "text", "text": "Attached image(s) from tool result:"}),
                    ];
                    content.extend(images);
                    out.push(json!({"role": "user", "content": content}));
                }
            }
        }
    }
    Ok(out)
}

fn convert_assistant(
    model: &Model,
    assistant: &AssistantMessage,
    compat: &CompletionsCompat,
    grammar_inputs: &GrammarInputs,
) -> Result<Option<Value>, String> {
    let mut wire = Map::new();
    wire.insert("role".into(), json!("assistant"));
    // Text-less assistant messages carry `content: null` (an empty string where required).
    wire.insert(
        "content".into(),
        if compat.requires_assistant_after_tool_result {
            json!("")
        } else {
            Value::Null
        },
    );
    let texts: Vec<&str> = assistant
        .content
        .iter()
        .filter_map(|block| match block {
            AssistantContent::Text(text) if !text.text.trim().is_empty() => {
                Some(text.text.as_str())
            }
            _ => None,
        })
        .collect();
    let text = texts.concat();
    let thinking: Vec<&crate::ThinkingContent> = assistant
        .content
        .iter()
        .filter_map(|block| match block {
            AssistantContent::Thinking(thinking) => Some(thinking),
            _ => None,
        })
        .collect();
    let calls: Vec<&crate::ToolCall> = assistant.tool_calls().collect();
    let signed_details = thinking
        .iter()
        .find_map(|t| reasoning_details(t.thinking_signature.as_deref()));
    let legacy_details: Vec<Value> = calls
        .iter()
        .filter_map(|c| legacy_encrypted_detail(c.thought_signature.as_deref()))
        .collect();
    let preserved_details =
        signed_details.or((!legacy_details.is_empty()).then_some(legacy_details));
    let non_empty_thinking: Vec<&&crate::ThinkingContent> = thinking
        .iter()
        .filter(|t| !t.thinking.trim().is_empty())
        .collect();

    if !non_empty_thinking.is_empty() {
        if compat.requires_thinking_as_text {
            let thought: Vec<&str> = non_empty_thinking
                .iter()
                .map(|t| t.thinking.as_str())
                .collect();
            let mut parts = vec![json!({"type": "text", "text": thought.join("\n\n")})];
            parts.extend(texts.iter().map(|t| json!({"type": "text", "text": t})));
            wire.insert("content".into(), Value::Array(parts));
        } else {
            if !text.is_empty() {
                wire.insert("content".into(), json!(text));
            }
            if preserved_details.is_none() {
                // Replay reasoning into the field it came in (reasoning_content, ...).
                let mut field = non_empty_thinking[0]
                    .thinking_signature
                    .clone()
                    .unwrap_or_default();
                if model.provider == "opencode-go" && field == "reasoning" {
                    field = "reasoning_content".into();
                }
                if matches!(
                    field.as_str(),
                    "reasoning" | "reasoning_content" | "reasoning_text"
                ) {
                    let joined: Vec<&str> = non_empty_thinking
                        .iter()
                        .map(|t| t.thinking.as_str())
                        .collect();
                    wire.insert(field, json!(joined.join("\n")));
                }
            }
        }
    } else if !text.is_empty() {
        wire.insert("content".into(), json!(text));
    }
    if !calls.is_empty() {
        let mut wire_calls = Vec::with_capacity(calls.len());
        for call in &calls {
            if let Some(property) = grammar_inputs.get(&call.name) {
                let Some(Value::String(input)) = call.arguments.get(property) else {
                    return Err(format!(
                        "Grammar tool call \"{}\" requires argument \"{property}\" to be a string.",
                        call.name
                    ));
                };
                wire_calls.push(json!({"id": call.id, "type": "custom", "custom": {"name": call.name, "input": input}}));
            } else {
                let arguments =
                    serde_json::to_string(&call.arguments).unwrap_or_else(|_| "{}".into());
                wire_calls.push(json!({"id": call.id, "type": "function",
                    "function": {"name": call.name, "arguments": arguments}}));
            }
        }
        wire.insert("tool_calls".into(), Value::Array(wire_calls));
    }
    if let Some(details) = preserved_details {
        wire.insert("reasoning_details".into(), Value::Array(details));
    }
    if compat.requires_reasoning_content_on_assistant_messages
        && model.reasoning
        && !wire.contains_key("reasoning_content")
    {
        wire.insert("reasoning_content".into(), json!(""));
    }
    let has_content = match wire.get("content") {
        Some(Value::String(text)) => !text.is_empty(),
        Some(Value::Array(parts)) => !parts.is_empty(),
        _ => false,
    };
    if !has_content && !wire.contains_key("tool_calls") {
        return Ok(None);
    }
    Ok(Some(Value::Object(wire)))
}

/// A reasoning-details detail pi can replay.
fn is_reasoning_detail(detail: &Value) -> bool {
    let Some(object) = detail.as_object() else {
        return false;
    };
    let id_ok = matches!(
        object.get("id"),
        None | Some(Value::Null | Value::String(_))
    );
    let format_ok = matches!(object.get("format"), None | Some(Value::String(_)));
    let index_ok = matches!(object.get("index"), None | Some(Value::Number(_)));
    if !(id_ok && format_ok && index_ok) {
        return false;
    }
    match object.get("type").and_then(Value::as_str) {
        Some("reasoning.summary") => object.get("summary").is_some_and(Value::is_string),
        Some("reasoning.encrypted") => object.get("data").is_some_and(Value::is_string),
        Some("reasoning.text") => {
            object.get("text").is_some_and(Value::is_string)
                && matches!(
                    object.get("signature"),
                    None | Some(Value::Null | Value::String(_))
                )
        }
        _ => false,
    }
}

/// `reasoning_details` stored in a thinking signature.
fn reasoning_details(signature: Option<&str>) -> Option<Vec<Value>> {
    let parsed: Value = serde_json::from_str(signature?).ok()?;
    let details = parsed.as_array()?;
    (!details.is_empty() && details.iter().all(is_reasoning_detail)).then(|| details.clone())
}

/// An encrypted reasoning detail stashed in a tool call's thought signature (older pi).
fn legacy_encrypted_detail(signature: Option<&str>) -> Option<Value> {
    let parsed: Value = serde_json::from_str(signature?).ok()?;
    let usable = is_reasoning_detail(&parsed)
        && parsed.get("type") == Some(&json!("reasoning.encrypted"))
        && parsed
            .get("id")
            .and_then(Value::as_str)
            .is_some_and(|id| !id.is_empty())
        && parsed
            .get("data")
            .and_then(Value::as_str)
            .is_some_and(|d| !d.is_empty());
    usable.then_some(parsed)
}

/// Anthropic-style cache markers: the system prompt, the last tool, and the last text of the
/// last user, assistant or tool message.
fn apply_cache_control(messages: &mut [Value], tools: Option<&mut Vec<Value>>, cache: &Value) {
    if let Some(system) = messages.iter_mut().find(|m| {
        matches!(
            m.get("role").and_then(Value::as_str),
            Some("system" | "developer")
        )
    }) {
        mark_last_text(system, cache);
    }
    if let Some(last) = tools
        .and_then(|tools| tools.last_mut())
        .and_then(Value::as_object_mut)
    {
        last.insert("cache_control".into(), cache.clone());
    }
    for message in messages.iter_mut().rev() {
        if matches!(
            message.get("role").and_then(Value::as_str),
            Some("user" | "assistant" | "tool")
        ) && mark_last_text(message, cache)
        {
            return;
        }
    }
}

fn mark_last_text(message: &mut Value, cache: &Value) -> bool {
    match message.get_mut("content") {
        Some(content @ Value::String(_)) => {
            if content.as_str().is_some_and(str::is_empty) {
                return false;
            }
            let text = content.take();
            *content = json!([{"type": "text", "text": text, "cache_control": cache}]);
            true
        }
        Some(Value::Array(parts)) => {
            for part in parts.iter_mut().rev() {
                if part.get("type") == Some(&json!("text")) {
                    if let Some(part) = part.as_object_mut() {
                        part.insert("cache_control".into(), cache.clone());
                    }
                    return true;
                }
            }
            false
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_hash_matches_pi() {
        // Values computed with pi's shortHash in Node.
        assert_eq!(short_hash(""), "k4n83c7h0j2b");
        assert_eq!(short_hash("call_abc|fc_123"), "jp01dsxufnom");
        assert_eq!(short_hash("😀x"), "1yjycru1ayun52");
    }

    #[test]
    fn responses_ids_fold_into_forty_characters() {
        let model: Model = serde_json::from_value(json!({
            "id": "m", "name": "m", "api": "openai-completions", "provider": "openai",
            "baseUrl": "u", "reasoning": false, "input": ["text"],
            "cost": {"input": 0, "output": 0, "cacheRead": 0, "cacheWrite": 0},
            "contextWindow": 1, "maxTokens": 1}))
        .unwrap();
        assert_eq!(
            normalize_tool_call_id("call_abc|fc_123", &model),
            "call_abc_fc_123"
        );
        let long = "call_0123456789012345678901234567890123456789|fc_abcdef+/=";
        assert_eq!(
            normalize_tool_call_id(long, &model),
            "call_01234567890123456789012345_1cc3htnv"
        );
        assert_eq!(
            normalize_tool_call_id(&"x".repeat(50), &model),
            "x".repeat(40)
        );
    }
}

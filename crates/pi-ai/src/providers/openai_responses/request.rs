//! The Responses request body: the conversation as input items, tools, caching and
//! reasoning.

use std::collections::HashMap;

use indexmap::IndexMap;
use serde_json::{Map, Value, json};

use super::Flavor;
use super::compat::ResponsesCompat;
use crate::constrained::{resolve_grammar, resolve_strict, tool_parameters};
use crate::context::{Transcript, render_system_update};
use crate::js_number;
use crate::message::{
    AssistantContent, AssistantMessage, InputContent, Message, SystemMessage, UserContent,
    join_text,
};
use crate::model::{LevelValue, Model, ThinkingLevel};
use crate::options::{CacheRetention, StreamOptions};
use crate::providers::openai_completions::short_hash;
use crate::providers::{has_non_additive_tool_changes, request_tools, truncate_chars};
use crate::tool::Tool;

/// The property each grammar tool's single input lives in, by tool name.
pub(crate) type GrammarInputs = HashMap<String, String>;

/// The Responses API rejects smaller output limits.
const MIN_OUTPUT_TOKENS: u64 = 16;

/// Longest id the API accepts for items and prompt-cache keys.
const MAX_ID_LEN: usize = 64;

/// What a request is for, beyond the model and the context.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Target<'a> {
    pub flavor: Flavor,
    /// The model name sent: the model id, or an Azure deployment.
    pub model_name: &'a str,
    /// `service_tier` to ask for (OpenAI only).
    pub service_tier: Option<&'a str>,
    /// Reasoning summary detail; asks for reasoning even without a level.
    pub reasoning_summary: Option<&'a str>,
}

/// Builds the request body. Errors are tools or replayed items the request cannot carry.
pub(crate) fn build_body(
    model: &Model,
    context: &crate::Context,
    options: &StreamOptions,
    compat: &ResponsesCompat,
    target: Target<'_>,
) -> Result<(Value, GrammarInputs), String> {
    let transcript = Transcript::new(context).resolve(compat.supports_mid_convo_system_messages);
    let grammar_inputs = grammar_inputs(&transcript, compat)?;
    let anchors_additions = (compat.supports_additional_tools || compat.supports_tool_search)
        && !has_non_additive_tool_changes(&transcript);
    let request_tools = request_tools(&transcript, anchors_additions);
    let input = Converter {
        model,
        compat,
        flavor: target.flavor,
        anchors_additions,
        grammar_inputs: &grammar_inputs,
        items: Vec::new(),
    }
    .convert(transcript)?;

    let openai = target.flavor == Flavor::OpenAi;
    let retention = options.resolved_cache_retention();
    let mut body = Map::new();
    body.insert("model".into(), json!(target.model_name));
    body.insert("input".into(), Value::Array(input));
    body.insert("stream".into(), json!(true));
    // Azure keys the cache by session whatever the retention.
    let send_cache_key = !openai || retention != CacheRetention::None;
    if let (true, Some(session)) = (send_cache_key, &options.session_id) {
        body.insert(
            "prompt_cache_key".into(),
            json!(truncate_chars(session, MAX_ID_LEN)),
        );
    }
    if openai {
        let long = retention == CacheRetention::Long && compat.supports_long_cache_retention;
        if compat.supports_explicit_prompt_cache_mode {
            if retention == CacheRetention::None {
                body.insert("prompt_cache_options".into(), json!({"mode": "explicit"}));
            } else if long {
                body.insert("prompt_cache_options".into(), json!({"ttl": "30m"}));
            }
        } else if long {
            body.insert("prompt_cache_retention".into(), json!("24h"));
        }
    }
    body.insert("store".into(), json!(false));
    if let Some(max_tokens) = options.max_tokens.filter(|m| *m > 0)
        && compat.supports_max_output_tokens
    {
        body.insert(
            "max_output_tokens".into(),
            json!(max_tokens.max(MIN_OUTPUT_TOKENS)),
        );
    }
    if let Some(temperature) = options.temperature {
        body.insert("temperature".into(), js_number::to_value(temperature));
    }
    if let (true, Some(tier)) = (openai, target.service_tier) {
        body.insert("service_tier".into(), json!(tier));
    }
    if !request_tools.is_empty() {
        body.insert(
            "tools".into(),
            Value::Array(convert_tools(&request_tools, compat, false)?),
        );
    }
    if let Some(choice) = options.tool_choice {
        body.insert("tool_choice".into(), json!(choice.as_str()));
    }
    if model.reasoning {
        apply_reasoning(&mut body, model, options, target);
    }
    // Last, so custom keys override the named fields.
    if let Some(params) = &options.sampling_params {
        body.extend(params.clone());
    }
    Ok((Value::Object(body), grammar_inputs))
}

const ENCRYPTED_REASONING: &str = "reasoning.encrypted_content";

/// Asks for reasoning at the requested level (with summaries and the encrypted item for
/// replay), or turns it off explicitly: reasoning models think by default.
fn apply_reasoning(
    body: &mut Map<String, Value>,
    model: &Model,
    options: &StreamOptions,
    target: Target<'_>,
) {
    let level = options.thinking.level.filter(|l| *l != ThinkingLevel::Off);
    if level.is_some() || target.reasoning_summary.is_some() {
        let effort = match level.map(|level| (level, model.thinking_level_value(level))) {
            Some((_, LevelValue::Mapped(value))) => value,
            Some((level, _)) => level.as_str(),
            None => "medium",
        };
        let summary = target.reasoning_summary.unwrap_or("auto");
        body.insert(
            "reasoning".into(),
            json!({"effort": effort, "summary": summary}),
        );
        body.insert("include".into(), json!([ENCRYPTED_REASONING]));
    } else if target.flavor == Flavor::Azure || model.provider != "github-copilot" {
        match model.thinking_level_value(ThinkingLevel::Off) {
            LevelValue::Unsupported => {}
            LevelValue::Default => {
                body.insert("reasoning".into(), json!({"effort": "none"}));
            }
            LevelValue::Mapped(off) => {
                body.insert("reasoning".into(), json!({"effort": off}));
            }
        }
    }
    if target.flavor == Flavor::OpenAi && model.provider == "xai" {
        body.insert("include".into(), json!([ENCRYPTED_REASONING]));
    }
}

/// The input property of every grammar tool the transcript declares (the latest
/// declaration of each name counts).
fn grammar_inputs(
    transcript: &Transcript<'_>,
    compat: &ResponsesCompat,
) -> Result<GrammarInputs, String> {
    let mut declared: IndexMap<&str, &Tool> = IndexMap::new();
    for message in &transcript.messages {
        if let Message::System(system) = message.as_ref() {
            for tool in system.tools_added.iter().flatten() {
                declared.insert(tool.name.as_str(), tool);
            }
        }
    }
    let mut inputs = GrammarInputs::new();
    for tool in declared.into_values() {
        if let Some(grammar) = resolve_grammar(tool, compat.supports_openai_grammar_tools)? {
            inputs.insert(tool.name.clone(), grammar.input_property);
        }
    }
    Ok(inputs)
}

/// Tool declarations; `deferred` marks tools loaded by a client-side tool search.
fn convert_tools(
    tools: &[Tool],
    compat: &ResponsesCompat,
    deferred: bool,
) -> Result<Vec<Value>, String> {
    let mut out = Vec::with_capacity(tools.len());
    for tool in tools {
        let mut wire = Map::new();
        if let Some(grammar) = resolve_grammar(tool, compat.supports_openai_grammar_tools)? {
            wire.insert("type".into(), json!("custom"));
            wire.insert("name".into(), json!(tool.name));
            wire.insert("description".into(), json!(tool.description));
            wire.insert(
                "format".into(),
                json!({"type": "grammar", "syntax": grammar.syntax, "definition": grammar.definition}),
            );
            if deferred {
                wire.insert("defer_loading".into(), json!(true));
            }
            out.push(Value::Object(wire));
            continue;
        }
        let strict = resolve_strict(tool, compat.supports_strict_mode)?;
        wire.insert("type".into(), json!("function"));
        wire.insert("name".into(), json!(tool.name));
        wire.insert("description".into(), json!(tool.description));
        wire.insert("parameters".into(), tool_parameters(tool, strict));
        if deferred {
            wire.insert("defer_loading".into(), json!(true));
        }
        // Servers that do not know `strict` reject it, so it goes only where supported.
        if compat.supports_strict_mode {
            wire.insert("strict".into(), json!(strict));
        }
        out.push(Value::Object(wire));
    }
    Ok(out)
}

/// An id part the API accepts: characters outside `[a-zA-Z0-9_-]` become `_` (one per
/// UTF-16 unit, as pi counts them), at most 64 long, no trailing `_`.
fn normalize_id_part(part: &str) -> String {
    let mut out = String::with_capacity(part.len());
    for c in part.chars() {
        if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
            out.push(c);
        } else {
            for _ in 0..c.len_utf16() {
                out.push('_');
            }
        }
        if out.len() >= MAX_ID_LEN {
            break;
        }
    }
    out.truncate(MAX_ID_LEN);
    let kept = out.trim_end_matches('_').len();
    out.truncate(kept);
    out
}

/// The first and second `|`-separated parts of a stored tool-call id (`call_id|item_id`).
fn split_call_id(id: &str) -> (&str, Option<&str>) {
    let mut parts = id.split('|');
    let call = parts.next().unwrap_or_default();
    (call, parts.next())
}

/// Tool-call ids of other models' messages, rewritten for this API.
fn normalize_tool_call_id(
    id: &str,
    model: &Model,
    source: &AssistantMessage,
    flavor: Flavor,
) -> String {
    if !flavor.keeps_item_ids_of(&model.provider) {
        return normalize_id_part(id);
    }
    let (call, Some(item)) = split_call_id(id) else {
        return normalize_id_part(id);
    };
    let foreign = source.provider != model.provider || source.api != model.api;
    let mut item = if foreign {
        // Another API's item ids mean nothing here; a stable hash keeps calls distinct.
        let mut hashed = format!("fc_{}", short_hash(item));
        hashed.truncate(MAX_ID_LEN);
        hashed
    } else {
        normalize_id_part(item)
    };
    if !item.starts_with("fc_") {
        item = normalize_id_part(&format!("fc_{item}"));
    }
    format!("{}|{item}", normalize_id_part(call))
}

/// Turns transcript messages into input items.
struct Converter<'a> {
    model: &'a Model,
    compat: &'a ResponsesCompat,
    flavor: Flavor,
    anchors_additions: bool,
    grammar_inputs: &'a GrammarInputs,
    items: Vec<Value>,
}

impl Converter<'_> {
    fn convert(mut self, transcript: Transcript<'_>) -> Result<Vec<Value>, String> {
        let (model, flavor) = (self.model, self.flavor);
        let normalize = |id: &str, model: &Model, source: &AssistantMessage| {
            normalize_tool_call_id(id, model, source, flavor)
        };
        let messages =
            crate::transform::transform_messages(transcript.messages, model, Some(&normalize));
        let instruction_role = if model.reasoning && self.compat.supports_developer_role {
            "developer"
        } else {
            "system"
        };
        // Numbers the messages for generated item ids; skipped messages keep their number
        // for the next one, as pi counts.
        let mut message_index = 0usize;
        for (position, message) in messages.iter().enumerate() {
            let leading_system = position == 0 && matches!(message.as_ref(), Message::System(_));
            let emitted = match message.as_ref() {
                Message::System(system) => {
                    if !leading_system {
                        self.tool_additions(system, &format!("system:{message_index}"))?;
                    }
                    let text = if leading_system {
                        system.prompt_text()
                    } else {
                        render_system_update(system)
                    };
                    if !text.is_empty() {
                        self.items
                            .push(json!({"role": instruction_role, "content": text}));
                    }
                    true
                }
                Message::User(user) => self.user(&user.content),
                Message::Assistant(assistant) => self.assistant(assistant, message_index)?,
                Message::ToolResult(result) => {
                    let (call_id, _) = split_call_id(&result.tool_call_id);
                    let output = tool_result_output(model, &result.content);
                    let kind = if self.grammar_inputs.contains_key(&result.tool_name) {
                        "custom_tool_call_output"
                    } else {
                        "function_call_output"
                    };
                    self.items
                        .push(json!({"type": kind, "call_id": call_id, "output": output}));
                    true
                }
            };
            if emitted && !leading_system {
                message_index += 1;
            }
        }
        Ok(self.items)
    }

    /// Tools a later system message adds, loaded where they appear.
    fn tool_additions(&mut self, system: &SystemMessage, seed: &str) -> Result<(), String> {
        let tools = match &system.tools_added {
            Some(tools) if self.anchors_additions && !tools.is_empty() => tools,
            _ => return Ok(()),
        };
        if self.compat.supports_additional_tools {
            let tools = convert_tools(tools, self.compat, false)?;
            self.items
                .push(json!({"type": "additional_tools", "role": "developer", "tools": tools}));
            return Ok(());
        }
        if !self.compat.supports_tool_search {
            return Ok(());
        }
        // A completed client-side tool search that "found" the new tools.
        let names: Vec<&str> = tools.iter().map(|t| t.name.as_str()).collect();
        let call_id = format!(
            "pi_tool_load_{}",
            short_hash(&format!("{seed}:{}", names.join(",")))
        );
        self.items.push(json!({
            "type": "tool_search_call", "call_id": call_id, "execution": "client",
            "status": "completed", "arguments": {"query": names.join(" "), "limit": names.len()}
        }));
        let tools = convert_tools(tools, self.compat, true)?;
        self.items.push(json!({
            "type": "tool_search_output", "call_id": call_id, "execution": "client",
            "status": "completed", "tools": tools
        }));
        Ok(())
    }

    /// Returns whether an item was added.
    fn user(&mut self, content: &UserContent) -> bool {
        let parts: Vec<Value> = match content {
            UserContent::Text(text) => vec![json!({"type": "input_text", "text": text})],
            UserContent::Blocks(blocks) => blocks
                .iter()
                .map(|block| match block {
                    InputContent::Text(text) => json!({"type": "input_text", "text": text.text}),
                    InputContent::Image(image) => input_image(&image.mime_type, &image.data),
                })
                .collect(),
        };
        if parts.is_empty() {
            return false;
        }
        self.items.push(json!({"role": "user", "content": parts}));
        true
    }

    /// Returns whether any item was added.
    fn assistant(
        &mut self,
        assistant: &AssistantMessage,
        message_index: usize,
    ) -> Result<bool, String> {
        let model = self.model;
        let same_api = assistant.provider == model.provider && assistant.api == model.api;
        let same_model = same_api && assistant.model == model.id;
        let other_model = same_api && assistant.model != model.id;
        let before = self.items.len();
        let mut text_index = 0;
        for block in &assistant.content {
            match block {
                AssistantContent::Thinking(thinking) => {
                    // Our own reasoning item, encrypted content included, goes back verbatim.
                    if let Some(signature) = thinking
                        .thinking_signature
                        .as_deref()
                        .filter(|s| !s.is_empty())
                    {
                        let item: Value = serde_json::from_str(signature).map_err(|err| {
                            format!("Stored reasoning item is not valid JSON: {err}")
                        })?;
                        self.items.push(item);
                    }
                }
                AssistantContent::Text(text) => {
                    let signature = parse_text_signature(text.text_signature.as_deref());
                    let id = match signature.as_ref().map(|s| s.id.as_str()) {
                        None | Some("") if text_index == 0 => format!("msg_pi_{message_index}"),
                        None | Some("") => format!("msg_pi_{message_index}_{text_index}"),
                        Some(id) if id.encode_utf16().count() > MAX_ID_LEN => {
                            format!("msg_{}", short_hash(id))
                        }
                        Some(id) => id.to_string(),
                    };
                    text_index += 1;
                    let mut item = json!({
                        "type": "message", "role": "assistant",
                        "content": [{"type": "output_text", "text": text.text, "annotations": []}],
                        "status": "completed", "id": id
                    });
                    if let Some(phase) = signature.and_then(|s| s.phase) {
                        item["phase"] = json!(phase);
                    }
                    self.items.push(item);
                }
                AssistantContent::ToolCall(call) => {
                    let (call_id, item_id) = split_call_id(&call.id);
                    let grammar_property = self.grammar_inputs.get(&call.name);
                    let is_function_item = item_id.is_some_and(|id| id.starts_with("fc_"));
                    // The API pairs fc_ items with the reasoning items of the model that made
                    // them; another model's ids would fail that check. Function calls need fc_
                    // ids, so custom-tool ids cannot be replayed as one.
                    let item_id = if (other_model && is_function_item)
                        || (grammar_property.is_none() && !is_function_item)
                    {
                        None
                    } else {
                        item_id
                    };
                    let mut item = Map::new();
                    match grammar_property {
                        Some(property) => {
                            let Some(Value::String(input)) = call.arguments.get(property) else {
                                return Err(format!(
                                    "Grammar tool call \"{}\" requires argument \"{property}\" to be a string.",
                                    call.name
                                ));
                            };
                            item.insert("type".into(), json!("custom_tool_call"));
                            if let Some(id) = item_id {
                                item.insert("id".into(), json!(id));
                            }
                            item.insert("call_id".into(), json!(call_id));
                            item.insert("name".into(), json!(call.name));
                            item.insert("input".into(), json!(input));
                        }
                        None => {
                            let arguments = serde_json::to_string(&call.arguments)
                                .map_err(|err| format!("Could not encode tool arguments: {err}"))?;
                            item.insert("type".into(), json!("function_call"));
                            if let Some(id) = item_id {
                                item.insert("id".into(), json!(id));
                            }
                            item.insert("call_id".into(), json!(call_id));
                            item.insert("name".into(), json!(call.name));
                            item.insert("arguments".into(), json!(arguments));
                        }
                    }
                    if let (true, Some(namespace)) = (same_model, &call.namespace) {
                        item.insert("namespace".into(), json!(namespace));
                    }
                    self.items.push(Value::Object(item));
                }
            }
        }
        Ok(self.items.len() > before)
    }
}

fn input_image(mime_type: &str, data: &str) -> Value {
    json!({"type": "input_image", "detail": "auto",
           "image_url": format!("data:{mime_type};base64,{data}")})
}

/// A tool result's `output`: its text, or text and images for models that see images.
fn tool_result_output(model: &Model, content: &[InputContent]) -> Value {
    let text = join_text(content, "\n");
    let images: Vec<Value> = content
        .iter()
        .filter_map(|block| match block {
            InputContent::Image(image) => Some(input_image(&image.mime_type, &image.data)),
            InputContent::Text(_) => None,
        })
        .collect();
    if images.is_empty() || !model.accepts_images() {
        let text = if !text.is_empty() {
            text
        } else if !images.is_empty() {
            "(see attached image)".to_string()
        } else {
            "(no tool output)".to_string()
        };
        return Value::String(text);
    }
    let mut parts = Vec::with_capacity(images.len() + 1);
    if !text.is_empty() {
        parts.push(json!({"type": "input_text", "text": text}));
    }
    parts.extend(images);
    Value::Array(parts)
}

/// A text block's message item id and phase, from its `textSignature`.
pub(super) struct TextSignature {
    pub id: String,
    pub phase: Option<String>,
}

/// Reads a text signature: `{"v":1,"id",...,"phase"?}` JSON, or (older pi) the bare id.
pub(super) fn parse_text_signature(signature: Option<&str>) -> Option<TextSignature> {
    let signature = signature.filter(|s| !s.is_empty())?;
    if signature.starts_with('{')
        && let Ok(Value::Object(parsed)) = serde_json::from_str::<Value>(signature)
        && parsed.get("v") == Some(&json!(1))
        && let Some(Value::String(id)) = parsed.get("id")
    {
        let phase = parsed
            .get("phase")
            .and_then(Value::as_str)
            .filter(|p| matches!(*p, "commentary" | "final_answer"));
        return Some(TextSignature {
            id: id.clone(),
            phase: phase.map(str::to_string),
        });
    }
    Some(TextSignature {
        id: signature.to_string(),
        phase: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model(provider: &str) -> Model {
        serde_json::from_value(json!({
            "id": "m", "name": "m", "api": "openai-responses", "provider": provider,
            "baseUrl": "u", "reasoning": true, "input": ["text"],
            "cost": {"input": 0, "output": 0, "cacheRead": 0, "cacheWrite": 0},
            "contextWindow": 1, "maxTokens": 1}))
        .unwrap()
    }

    #[test]
    fn id_parts_are_sanitized_cut_and_trimmed() {
        assert_eq!(normalize_id_part("call+1/=="), "call_1");
        // An astral character is two UTF-16 units, so two underscores, as pi writes them.
        assert_eq!(normalize_id_part("a😀b"), "a__b");
        assert_eq!(normalize_id_part(&"x".repeat(70)), "x".repeat(64));
    }

    #[test]
    fn foreign_item_ids_are_hashed_and_prefixed() {
        let openai = model("openai");
        let mut source = AssistantMessage::empty("anthropic-messages", "anthropic", "c");
        assert_eq!(
            normalize_tool_call_id("call_abc|fc_123", &openai, &source, Flavor::OpenAi),
            format!("call_abc|fc_{}", short_hash("fc_123"))
        );
        source.api = "openai-responses".into();
        source.provider = "openai".into();
        assert_eq!(
            normalize_tool_call_id("call_abc|item+1", &openai, &source, Flavor::OpenAi),
            "call_abc|fc_item_1"
        );
        // Other providers get one sanitized id.
        assert_eq!(
            normalize_tool_call_id("call|fc_1", &model("groq"), &source, Flavor::OpenAi),
            "call_fc_1"
        );
        // Azure keeps its own item ids, given the fc_ prefix the API requires.
        let mut azure = model("azure-openai-responses");
        azure.api = "azure-openai-responses".into();
        source.provider = "azure-openai-responses".into();
        source.api = "azure-openai-responses".into();
        assert_eq!(
            normalize_tool_call_id("call|x", &azure, &source, Flavor::Azure),
            "call|fc_x"
        );
    }

    #[test]
    fn text_signatures_old_and_new() {
        let v1 =
            parse_text_signature(Some(r#"{"v":1,"id":"msg_1","phase":"commentary"}"#)).unwrap();
        assert_eq!(
            (v1.id.as_str(), v1.phase.as_deref()),
            ("msg_1", Some("commentary"))
        );
        let odd = parse_text_signature(Some(r#"{"v":1,"id":"msg_2","phase":"other"}"#)).unwrap();
        assert_eq!((odd.id.as_str(), odd.phase), ("msg_2", None));
        assert_eq!(parse_text_signature(Some("msg_3")).unwrap().id, "msg_3");
        assert_eq!(
            parse_text_signature(Some(r#"{"v":2,"id":"x"}"#))
                .unwrap()
                .id,
            r#"{"v":2,"id":"x"}"#
        );
        assert!(parse_text_signature(None).is_none());
    }
}

//! The Anthropic Messages request: body, headers and the beta features it needs.

use std::borrow::Cow;
use std::collections::HashSet;

use serde_json::{Map, Value, json};

use crate::compat::SessionAffinityFormat;
use crate::constrained::{resolve_strict, tool_parameters};
use crate::context::{Transcript, render_system_update};
use crate::http::Headers;
use crate::js_number;
use crate::message::{AssistantContent, InputContent, Message, ToolResultMessage, UserContent};
use crate::model::Model;
use crate::options::{CacheRetention, StreamOptions};
use crate::tool::Tool;
use crate::transform::{sanitize_id, transform_messages, truncate_utf16};

/// Claude Code's version, sent when authenticating with a Claude subscription token.
const CLAUDE_CODE_VERSION: &str = "2.1.280";
const CLAUDE_CODE_IDENTITY: &str = "You are Claude Code, Anthropic's official CLI for Claude.";
/// Claude Code's tool names; subscription tokens must use this casing.
const CLAUDE_CODE_TOOLS: [&str; 17] = [
    "Read",
    "Write",
    "Edit",
    "Bash",
    "Grep",
    "Glob",
    "AskUserQuestion",
    "EnterPlanMode",
    "ExitPlanMode",
    "KillShell",
    "NotebookEdit",
    "Skill",
    "Task",
    "TaskOutput",
    "TodoWrite",
    "WebFetch",
    "WebSearch",
];

const FINE_GRAINED_TOOL_STREAMING_BETA: &str = "fine-grained-tool-streaming-2025-05-14";
const INTERLEAVED_THINKING_BETA: &str = "interleaved-thinking-2025-05-14";
const SERVER_SIDE_FALLBACK_BETA: &str = "server-side-fallback-2026-07-01";
const MID_CONVERSATION_OUTPUT_CONFIG_BETA: &str = "mid-conversation-output-config-2026-07-01";
const THINKING_BINDING_CONTROLS_BETA: &str = "thinking-binding-controls-2026-08-01";
const MID_CONVERSATION_TOOL_CHANGES_BETA: &str = "mid-conversation-tool-changes-2026-07-01";

/// Resolved compat settings with Anthropic's defaults.
pub(super) struct AnthropicCompat {
    pub eager_tool_input_streaming: bool,
    pub long_cache_retention: bool,
    pub session_affinity_headers: bool,
    pub affinity_openrouter: bool,
    pub cache_control_on_tools: bool,
    pub temperature: bool,
    pub allow_empty_signature: bool,
    pub strict_tools: bool,
    pub mid_convo_system_messages: bool,
    pub mid_convo_tool_changes: bool,
    pub mid_convo_effort: bool,
    pub force_adaptive_thinking: bool,
}

impl AnthropicCompat {
    pub fn of(model: &Model) -> Self {
        let compat = model.compat.clone().unwrap_or_default();
        let openrouter = model.provider == "openrouter" || model.base_url.contains("openrouter.ai");
        AnthropicCompat {
            eager_tool_input_streaming: compat.supports_eager_tool_input_streaming.unwrap_or(true),
            long_cache_retention: compat.supports_long_cache_retention.unwrap_or(true),
            session_affinity_headers: compat.send_session_affinity_headers.unwrap_or(openrouter),
            affinity_openrouter: match compat.session_affinity_format {
                Some(format) => format == SessionAffinityFormat::Openrouter,
                None => openrouter,
            },
            cache_control_on_tools: compat.supports_cache_control_on_tools.unwrap_or(true),
            temperature: compat.supports_temperature.unwrap_or(true),
            allow_empty_signature: compat.allow_empty_signature.unwrap_or(false),
            strict_tools: compat.supports_strict_tools.unwrap_or(false),
            mid_convo_system_messages: compat.supports_mid_convo_system_messages.unwrap_or(false),
            mid_convo_tool_changes: compat.supports_mid_convo_tool_changes.unwrap_or(false),
            mid_convo_effort: compat.supports_mid_convo_effort == Some(true),
            force_adaptive_thinking: compat.force_adaptive_thinking == Some(true),
        }
    }
}

/// Whether `key` is a Claude subscription (OAuth) token rather than an API key.
pub(super) fn is_oauth_token(key: &str) -> bool {
    key.contains("sk-ant-oat")
}

/// A tool name in Claude Code's casing, when it is one of Claude Code's tools.
fn to_claude_code_name(name: &str) -> String {
    CLAUDE_CODE_TOOLS
        .iter()
        .find(|tool| tool.eq_ignore_ascii_case(name))
        .map_or_else(|| name.to_string(), |tool| (*tool).to_string())
}

/// The context's tool whose name matches `name` case-insensitively, else `name`.
pub(super) fn from_claude_code_name(name: &str, tools: &[Tool]) -> String {
    tools
        .iter()
        .find(|tool| tool.name.eq_ignore_ascii_case(name))
        .map_or_else(|| name.to_string(), |tool| tool.name.clone())
}

/// Everything needed to send one request.
pub(super) struct Prepared {
    pub body: Value,
    pub headers: Headers,
    pub oauth: bool,
    /// The tools the response's tool calls may name.
    pub tools: Vec<Tool>,
}

/// Builds the body and headers for `context`.
pub(super) fn prepare(
    model: &Model,
    context: &crate::Context,
    options: &StreamOptions,
    api_key: Option<&str>,
) -> Result<Prepared, String> {
    let compat = AnthropicCompat::of(model);
    let transcript = Transcript::new(context).resolve(compat.mid_convo_system_messages);
    let oauth = model.provider != "github-copilot" && api_key.is_some_and(is_oauth_token);
    let tools: Vec<Tool> = transcript.current_tools().into_iter().cloned().collect();
    let retention = options.resolved_cache_retention();
    let cache_control = match retention {
        CacheRetention::None => None,
        CacheRetention::Long if compat.long_cache_retention => {
            Some(json!({"type": "ephemeral", "ttl": "1h"}))
        }
        _ => Some(json!({"type": "ephemeral"})),
    };

    let initial = transcript.initial_system().cloned();
    let initial_text = initial
        .as_ref()
        .map(|system| system.prompt_text())
        .unwrap_or_default();
    let initial_tools: Vec<Tool> = initial
        .as_ref()
        .and_then(|s| s.tools_added.clone())
        .unwrap_or_default();
    let native_tool_changes = compat.mid_convo_system_messages
        && compat.mid_convo_tool_changes
        && !initial_tools.is_empty()
        && !has_tool_redefinitions(&transcript);

    let declared = declared_tools(&transcript);
    let normalize = |id: &str, _: &Model, _: &crate::AssistantMessage| {
        truncate_utf16(&sanitize_id(id), 64).to_string()
    };
    let mut messages = transcript.messages;
    let has_initial = initial.is_some();
    let transformed = transform_messages(std::mem::take(&mut messages), model, Some(&normalize));
    let conversation = if has_initial {
        &transformed[1..]
    } else {
        &transformed[..]
    };
    let managed_provider = compat.mid_convo_effort.then_some(model.provider.as_str());
    let converted = convert_messages(
        conversation,
        oauth,
        cache_control.as_ref(),
        compat.allow_empty_signature,
        managed_provider,
        native_tool_changes,
    );
    let active_effort = options
        .thinking
        .effort
        .clone()
        .unwrap_or_else(|| "high".to_string());

    let mut body = Map::new();
    body.insert("model".into(), json!(model.id));
    let wire_messages = if compat.mid_convo_effort {
        insert_thinking_level_messages(converted, &active_effort)
    } else {
        converted.messages
    };
    body.insert("messages".into(), Value::Array(wire_messages));
    body.insert(
        "max_tokens".into(),
        json!(options.max_tokens.unwrap_or(model.max_tokens)),
    );
    body.insert("stream".into(), json!(true));

    if oauth || !initial_text.is_empty() {
        let mut system = Vec::new();
        let mut block = |text: &str| {
            let mut block = Map::new();
            block.insert("type".into(), json!("text"));
            block.insert("text".into(), json!(text));
            if let Some(cache) = &cache_control {
                block.insert("cache_control".into(), cache.clone());
            }
            system.push(Value::Object(block));
        };
        if oauth {
            block(CLAUDE_CODE_IDENTITY);
        }
        if !initial_text.is_empty() {
            block(&initial_text);
        }
        body.insert("system".into(), Value::Array(system));
    }

    let thinking_enabled = options.thinking.enabled;
    if let Some(temperature) = options.temperature
        && thinking_enabled != Some(true)
        && !compat.mid_convo_effort
        && compat.temperature
    {
        body.insert("temperature".into(), js_number::to_value(temperature));
    }

    let tool_cache = if compat.cache_control_on_tools {
        cache_control.as_ref()
    } else {
        None
    };
    if native_tool_changes {
        let initial_names: HashSet<&str> = initial_tools.iter().map(|t| t.name.as_str()).collect();
        let later: Vec<Tool> = declared
            .into_iter()
            .filter(|t| !initial_names.contains(t.name.as_str()))
            .collect();
        let mut wire = convert_tools(&initial_tools, oauth, &compat, tool_cache)?;
        wire.push(json!({
            "name": "__pi_deferred_placeholder__",
            "description": "Reserved placeholder. Never available. Never call this.",
            "input_schema": {"type": "object", "properties": {}, "required": []},
            "defer_loading": true
        }));
        for mut tool in convert_tools(&later, oauth, &compat, None)? {
            if let Some(object) = tool.as_object_mut() {
                object.insert("defer_loading".into(), json!(true));
            }
            wire.push(tool);
        }
        body.insert("tools".into(), Value::Array(wire));
    } else if !tools.is_empty() {
        body.insert(
            "tools".into(),
            Value::Array(convert_tools(&tools, oauth, &compat, tool_cache)?),
        );
    }

    if compat.mid_convo_effort {
        body.insert(
            "thinking".into(),
            json!({"type": "adaptive", "display": "summarized",
                   "block_binding": {"prefix_mismatch_behavior": "drop_block"}}),
        );
        body.insert("output_config".into(), json!({"effort": "high"}));
    } else if model.reasoning {
        match thinking_enabled {
            Some(true) if compat.force_adaptive_thinking => {
                body.insert(
                    "thinking".into(),
                    json!({"type": "adaptive", "display": "summarized"}),
                );
                if let Some(effort) = &options.thinking.effort {
                    body.insert("output_config".into(), json!({"effort": effort}));
                }
            }
            Some(true) => {
                let budget = options
                    .thinking
                    .budget_tokens
                    .filter(|b| *b > 0)
                    .unwrap_or(1024);
                body.insert(
                    "thinking".into(),
                    json!({"type": "enabled", "budget_tokens": budget, "display": "summarized"}),
                );
            }
            Some(false) => {
                let off_unsupported = model
                    .thinking_level_map
                    .as_ref()
                    .is_some_and(|map| map.get(crate::ThinkingLevel::Off) == Some(None));
                if !off_unsupported {
                    body.insert("thinking".into(), json!({"type": "disabled"}));
                }
            }
            None => {}
        }
    }

    if let Some(Value::String(user_id)) = options.metadata.as_ref().and_then(|m| m.get("user_id")) {
        body.insert("metadata".into(), json!({"user_id": user_id}));
    }
    if let Some(choice) = options.tool_choice {
        body.insert("tool_choice".into(), json!({"type": choice.as_str()}));
    }
    let fallbacks = model
        .compat
        .as_ref()
        .and_then(|c| c.allowed_fallback_models.as_ref());
    if let Some(fallbacks) = fallbacks.filter(|f| !f.is_empty()) {
        let models: Vec<Value> = fallbacks
            .iter()
            .map(|f| json!({"model": f.model}))
            .collect();
        body.insert("fallbacks".into(), Value::Array(models));
    }

    let betas = beta_features(
        model,
        options,
        &compat,
        oauth,
        !tools.is_empty(),
        native_tool_changes,
    );
    let headers = headers(model, options, api_key, oauth, &betas, &compat, context);
    Ok(Prepared {
        body: Value::Object(body),
        headers,
        oauth,
        tools,
    })
}

/// The `anthropic-beta` list: configured explicitly in a header, or derived.
fn beta_features(
    model: &Model,
    options: &StreamOptions,
    compat: &AnthropicCompat,
    oauth: bool,
    has_tools: bool,
    native_tool_changes: bool,
) -> Option<Vec<String>> {
    let mut configured: Option<Option<String>> = None;
    for (name, value) in model.headers.iter().flatten() {
        if name.eq_ignore_ascii_case("anthropic-beta") {
            configured = Some(Some(value.clone()));
        }
    }
    for (name, value) in &options.headers {
        if name.eq_ignore_ascii_case("anthropic-beta") {
            configured = Some(value.clone());
        }
    }
    let mut features: Vec<String> = Vec::new();
    let mut add = |feature: &str| {
        if !features.iter().any(|f| f == feature) {
            features.push(feature.to_string());
        }
    };
    match configured {
        Some(None) => return None,
        Some(Some(list)) => {
            list.split(',')
                .map(str::trim)
                .filter(|f| !f.is_empty())
                .for_each(&mut add);
        }
        None => {
            if oauth {
                add("claude-code-20250219");
                add("oauth-2025-04-20");
            }
            if has_tools && !compat.eager_tool_input_streaming {
                add(FINE_GRAINED_TOOL_STREAMING_BETA);
            }
            if model.reasoning
                && options.thinking.enabled == Some(true)
                && !compat.force_adaptive_thinking
            {
                add(INTERLEAVED_THINKING_BETA);
            }
            let fallbacks = model
                .compat
                .as_ref()
                .and_then(|c| c.allowed_fallback_models.as_ref());
            if fallbacks.is_some_and(|f| !f.is_empty()) {
                add(SERVER_SIDE_FALLBACK_BETA);
            }
            if compat.mid_convo_effort {
                add(MID_CONVERSATION_OUTPUT_CONFIG_BETA);
                add(THINKING_BINDING_CONTROLS_BETA);
            }
            if native_tool_changes {
                add(MID_CONVERSATION_TOOL_CHANGES_BETA);
            }
        }
    }
    (!features.is_empty()).then_some(features)
}

fn headers(
    model: &Model,
    options: &StreamOptions,
    api_key: Option<&str>,
    oauth: bool,
    betas: &Option<Vec<String>>,
    compat: &AnthropicCompat,
    context: &crate::Context,
) -> Headers {
    let mut headers = Headers::new();
    headers.set("accept", "application/json");
    headers.set("anthropic-dangerous-direct-browser-access", "true");
    headers.set("anthropic-version", "2023-06-01");
    if model.provider == "github-copilot" {
        if let Some(key) = api_key {
            headers.set("authorization", format!("Bearer {key}"));
        }
        for (name, value) in crate::providers::copilot_headers(context) {
            headers.set(name, value);
        }
    } else if oauth {
        if let Some(key) = api_key {
            headers.set("authorization", format!("Bearer {key}"));
        }
        headers.set("user-agent", format!("claude-cli/{CLAUDE_CODE_VERSION}"));
        headers.set("x-app", "cli");
    } else {
        if let Some(key) = api_key {
            headers.set("x-api-key", key);
        }
        let session = options
            .session_id
            .as_ref()
            .filter(|_| options.resolved_cache_retention() != CacheRetention::None);
        if let (Some(session), true) = (session, compat.session_affinity_headers) {
            let name = if compat.affinity_openrouter {
                "x-session-id"
            } else {
                "x-session-affinity"
            };
            headers.set(name, session.clone());
        }
    }
    headers.apply_overrides(model, options);
    // The beta list is computed above from the configured header, so it replaces it here.
    headers.remove("anthropic-beta");
    if let Some(betas) = betas {
        headers.set("anthropic-beta", betas.join(","));
    }
    headers
}

fn has_tool_redefinitions(transcript: &Transcript<'_>) -> bool {
    let mut declared: Vec<&Tool> = Vec::new();
    for message in &transcript.messages {
        if let Message::System(system) = message.as_ref() {
            for tool in system.tools_added.iter().flatten() {
                if let Some(previous) = declared.iter().find(|t| t.name == tool.name)
                    && *previous != tool
                {
                    return true;
                }
                declared.push(tool);
            }
        }
    }
    false
}

/// Every tool ever declared, latest definition, in first-declaration order.
fn declared_tools(transcript: &Transcript<'_>) -> Vec<Tool> {
    let mut tools: indexmap::IndexMap<String, Tool> = indexmap::IndexMap::new();
    for message in &transcript.messages {
        if let Message::System(system) = message.as_ref() {
            for tool in system.tools_added.iter().flatten() {
                tools.insert(tool.name.clone(), tool.clone());
            }
        }
    }
    tools.into_values().collect()
}

fn convert_tools(
    tools: &[Tool],
    oauth: bool,
    compat: &AnthropicCompat,
    cache_control: Option<&Value>,
) -> Result<Vec<Value>, String> {
    let mut out = Vec::with_capacity(tools.len());
    for (index, tool) in tools.iter().enumerate() {
        let strict = resolve_strict(tool, compat.strict_tools)?;
        let parameters = tool_parameters(tool, strict);
        let properties = parameters
            .get("properties")
            .cloned()
            .unwrap_or_else(|| json!({}));
        let required = parameters
            .get("required")
            .cloned()
            .unwrap_or_else(|| json!([]));
        let mut input_schema = if strict {
            parameters.as_object().cloned().unwrap_or_default()
        } else {
            let mut legacy = Map::new();
            legacy.insert("type".into(), json!("object"));
            legacy
        };
        input_schema.insert("type".into(), json!("object"));
        input_schema.insert("properties".into(), properties);
        input_schema.insert("required".into(), required);

        let mut wire = Map::new();
        let name = if oauth {
            to_claude_code_name(&tool.name)
        } else {
            tool.name.clone()
        };
        wire.insert("name".into(), json!(name));
        wire.insert("description".into(), json!(tool.description));
        if compat.eager_tool_input_streaming {
            wire.insert("eager_input_streaming".into(), json!(true));
        }
        if strict {
            wire.insert("strict".into(), json!(true));
        }
        wire.insert("input_schema".into(), Value::Object(input_schema));
        if let Some(cache) = cache_control.filter(|_| index == tools.len() - 1) {
            wire.insert("cache_control".into(), cache.clone());
        }
        out.push(Value::Object(wire));
    }
    Ok(out)
}

pub(super) struct Converted {
    messages: Vec<Value>,
    /// Effort of earlier assistant turns, by wire message index (managed-effort models).
    assistant_levels: Vec<(usize, String)>,
}

fn image_block(mime_type: &str, data: &str) -> Value {
    json!({"type": "image", "source": {"type": "base64", "media_type": mime_type, "data": data}})
}

/// Tool-result content: a joined string when text-only, else blocks (with a leading text
/// block when there are only images).
fn tool_result_content(content: &[InputContent]) -> Value {
    let has_images = content.iter().any(|b| matches!(b, InputContent::Image(_)));
    if !has_images {
        return json!(crate::message::join_text(content, "\n"));
    }
    let mut blocks: Vec<Value> = content
        .iter()
        .map(|block| match block {
            InputContent::Text(text) => json!({"type": "text", "text": text.text}),
            InputContent::Image(image) => image_block(&image.mime_type, &image.data),
        })
        .collect();
    if !content.iter().any(|b| matches!(b, InputContent::Text(_))) {
        blocks.insert(0, json!({"type": "text", "text": "(see attached image)"}));
    }
    Value::Array(blocks)
}

fn tool_result(result: &ToolResultMessage) -> Value {
    json!({
        "type": "tool_result",
        "tool_use_id": result.tool_call_id,
        "content": tool_result_content(&result.content),
        "is_error": result.is_error,
    })
}

fn convert_messages(
    messages: &[Cow<'_, Message>],
    oauth: bool,
    cache_control: Option<&Value>,
    allow_empty_signature: bool,
    managed_provider: Option<&str>,
    native_tool_changes: bool,
) -> Converted {
    let mut out: Vec<Value> = Vec::new();
    let mut assistant_levels = Vec::new();
    // Later system messages wait for the next assistant message: Anthropic wants tool results
    // right after their tool use.
    let mut pending_system: Vec<Value> = Vec::new();
    let mut index = 0;
    while let Some(message) = messages.get(index) {
        index += 1;
        match message.as_ref() {
            Message::System(system) => {
                let text = render_system_update(system);
                let mut blocks = Vec::new();
                if !text.is_empty() {
                    blocks.push(json!({"type": "text", "text": text}));
                }
                if native_tool_changes {
                    let reference = |name: &str| {
                        let name = if oauth {
                            to_claude_code_name(name)
                        } else {
                            name.to_string()
                        };
                        json!({"type": "tool_reference", "name": name})
                    };
                    for tool in system.tools_removed.iter().flatten() {
                        blocks.push(json!({"type": "tool_removal", "tool": reference(&tool.name)}));
                    }
                    for tool in system.tools_added.iter().flatten() {
                        blocks
                            .push(json!({"type": "tool_addition", "tool": reference(&tool.name)}));
                    }
                }
                if !blocks.is_empty() {
                    pending_system.push(json!({"role": "system", "content": blocks}));
                }
            }
            Message::User(user) => match &user.content {
                UserContent::Text(text) => {
                    if !text.trim().is_empty() {
                        out.push(json!({"role": "user", "content": text}));
                    }
                }
                UserContent::Blocks(blocks) => {
                    let content: Vec<Value> = blocks
                        .iter()
                        .filter_map(|block| match block {
                            InputContent::Text(text) if text.text.trim().is_empty() => None,
                            InputContent::Text(text) => {
                                Some(json!({"type": "text", "text": text.text}))
                            }
                            InputContent::Image(image) => {
                                Some(image_block(&image.mime_type, &image.data))
                            }
                        })
                        .collect();
                    if !content.is_empty() {
                        out.push(json!({"role": "user", "content": content}));
                    }
                }
            },
            Message::Assistant(assistant) => {
                out.append(&mut pending_system);
                let mut blocks = Vec::new();
                for block in &assistant.content {
                    match block {
                        AssistantContent::Text(text) => {
                            if !text.text.trim().is_empty() {
                                blocks.push(json!({"type": "text", "text": text.text}));
                            }
                        }
                        AssistantContent::Thinking(thinking) => {
                            if thinking.is_redacted() {
                                blocks.push(json!({"type": "redacted_thinking",
                                    "data": thinking.thinking_signature.clone().unwrap_or_default()}));
                                continue;
                            }
                            let signature = thinking
                                .thinking_signature
                                .as_deref()
                                .filter(|s| !s.trim().is_empty());
                            if thinking.thinking.trim().is_empty() && signature.is_none() {
                                continue;
                            }
                            // Without a signature (an aborted stream) Anthropic rejects thinking;
                            // send it as text unless the endpoint accepts empty signatures.
                            blocks.push(match signature {
                                Some(signature) => json!({"type": "thinking",
                                    "thinking": thinking.thinking, "signature": signature}),
                                None if allow_empty_signature => json!({"type": "thinking",
                                    "thinking": thinking.thinking, "signature": ""}),
                                None => json!({"type": "text", "text": thinking.thinking}),
                            });
                        }
                        AssistantContent::ToolCall(call) => {
                            let name = if oauth {
                                to_claude_code_name(&call.name)
                            } else {
                                call.name.clone()
                            };
                            blocks.push(json!({"type": "tool_use", "id": call.id, "name": name,
                                "input": call.arguments}));
                        }
                    }
                }
                if blocks.is_empty() {
                    continue;
                }
                let wire_index = out.len();
                out.push(json!({"role": "assistant", "content": blocks}));
                let level = assistant.provider_thinking_level.as_deref();
                if managed_provider == Some(assistant.provider.as_str())
                    && assistant.api == "anthropic-messages"
                    && matches!(level, Some("low" | "medium" | "high" | "xhigh" | "max"))
                {
                    assistant_levels.push((wire_index, level.unwrap_or_default().to_string()));
                }
            }
            Message::ToolResult(result) => {
                // Consecutive tool results travel in one user message.
                let mut results = vec![tool_result(result)];
                while let Some(Message::ToolResult(next)) = messages.get(index).map(Cow::as_ref) {
                    results.push(tool_result(next));
                    index += 1;
                }
                out.push(json!({"role": "user", "content": results}));
            }
        }
    }
    out.append(&mut pending_system);

    // Cache the conversation up to its last user (or system) message.
    if let (Some(cache), Some(last)) = (cache_control, out.last_mut()) {
        let role = last.get("role").and_then(Value::as_str).unwrap_or_default();
        if role == "user" || role == "system" {
            match last.get_mut("content") {
                Some(Value::Array(blocks)) => {
                    if let Some(Value::Object(block)) = blocks.last_mut() {
                        let kind = block
                            .get("type")
                            .and_then(Value::as_str)
                            .unwrap_or_default();
                        if matches!(
                            kind,
                            "text" | "image" | "tool_result" | "tool_addition" | "tool_removal"
                        ) {
                            block.insert("cache_control".into(), cache.clone());
                        }
                    }
                }
                Some(content @ Value::String(_)) => {
                    let text = content.take();
                    *content = json!([{"type": "text", "text": text, "cache_control": cache}]);
                }
                _ => {}
            }
        }
    }
    Converted {
        messages: out,
        assistant_levels,
    }
}

/// For managed-effort models: an effort marker before each earlier assistant turn that
/// recorded one, and one for the turn being requested.
fn insert_thinking_level_messages(converted: Converted, active_effort: &str) -> Vec<Value> {
    let mut out = Vec::with_capacity(converted.messages.len() + 1);
    for (index, message) in converted.messages.into_iter().enumerate() {
        if let Some((_, level)) = converted.assistant_levels.iter().find(|(i, _)| *i == index) {
            out.push(json!({"role": "system", "content": [], "output_config": {"effort": level}}));
        }
        out.push(message);
    }
    out.push(json!({"role": "system", "content": [], "output_config": {"effort": active_effort}}));
    out
}

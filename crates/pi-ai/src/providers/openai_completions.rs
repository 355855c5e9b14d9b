//! `openai-completions`: OpenAI's Chat Completions API and the many servers that copy it
//! (Groq, Cerebras, xAI, OpenRouter, DeepSeek, vLLM, llama.cpp, Ollama, ...).

mod compat;
mod request;

use std::collections::HashMap;

use futures_util::StreamExt;
use serde::Deserialize;
use serde_json::Value;

use crate::context::Context;
use crate::env_keys::env_api_key;
use crate::http::{self, Headers, HttpStatusError, RequestError};
use crate::message::{AssistantContent, StopReason, TextContent, ThinkingContent, Usage};
use crate::model::Model;
use crate::options::{SimpleStreamOptions, StreamOptions, base_options};
use crate::registry::{ApiProvider, StartError};
use crate::sse;
use crate::stream::{AssistantStream, AssistantWriter};

use compat::CompletionsCompat;
use request::{GrammarInputs, build_body};

/// The `openai-completions` adapter.
#[derive(Debug, Clone, Copy, Default)]
pub struct OpenAiCompletions;

impl ApiProvider for OpenAiCompletions {
    fn api(&self) -> &str {
        "openai-completions"
    }

    fn stream(&self, model: &Model, context: &Context, options: &StreamOptions) -> AssistantStream {
        let Some(api_key) = resolve_key(model, options) else {
            return AssistantStream::failed(
                model,
                format!("No API key for provider: {}", model.provider),
            );
        };
        let compat = CompletionsCompat::of(model);
        let (body, grammar_inputs) = match build_body(model, context, options, &compat) {
            Ok(built) => built,
            Err(error) => return AssistantStream::failed(model, error),
        };
        let headers = headers(model, context, options, &api_key, &compat);
        let model_for_run = model.clone();
        let options = options.clone();
        AssistantStream::new(model, move |writer| {
            let request = Request {
                model: model_for_run,
                body,
                headers,
                grammar_inputs,
                compat,
            };
            run(writer, request, options)
        })
    }

    fn stream_simple(
        &self,
        model: &Model,
        context: &Context,
        options: &SimpleStreamOptions,
    ) -> Result<AssistantStream, StartError> {
        let Some(api_key) = resolve_key(model, &options.base) else {
            return Err(StartError::NoApiKey {
                provider: model.provider.clone(),
            });
        };
        let transcript = crate::context::Transcript::new(context);
        let mut base = base_options(model, &transcript.messages, options, Some(api_key));
        base.thinking.level = options
            .level()
            .map(|level| model.clamp_thinking_level(level));
        Ok(self.stream(model, context, &base))
    }
}

/// The key, or `"unused"` when the caller authenticates with a header.
fn resolve_key(model: &Model, options: &StreamOptions) -> Option<String> {
    if let Some(key) = options.api_key.clone().filter(|k| !k.is_empty()) {
        return Some(key);
    }
    if let Some(key) = env_api_key(&model.provider, options) {
        return Some(key);
    }
    let header_auth = options.headers.iter().any(|(name, value)| {
        (name.eq_ignore_ascii_case("authorization")
            || name.eq_ignore_ascii_case("cf-aig-authorization"))
            && value.as_deref().is_some_and(|v| !v.trim().is_empty())
    });
    header_auth.then(|| "unused".to_string())
}

fn headers(
    model: &Model,
    context: &Context,
    options: &StreamOptions,
    api_key: &str,
    compat: &CompletionsCompat,
) -> Headers {
    let mut headers = Headers::new();
    headers.set("Accept", "application/json");
    headers.set("Authorization", format!("Bearer {api_key}"));
    for (name, value) in model.headers.iter().flatten() {
        headers.set(name, value.clone());
    }
    if model.provider == "github-copilot" {
        for (name, value) in super::copilot_headers(context) {
            headers.set(name, value);
        }
    }
    let session = options
        .session_id
        .as_ref()
        .filter(|_| options.resolved_cache_retention() != crate::CacheRetention::None);
    if let (Some(session), true) = (session, compat.send_session_affinity_headers) {
        use crate::compat::SessionAffinityFormat as Format;
        match compat.session_affinity_format {
            Format::Openrouter => headers.set("x-session-id", session.clone()),
            format => {
                if format == Format::Openai {
                    headers.set("session_id", session.clone());
                }
                headers.set("x-client-request-id", session.clone());
                headers.set("x-session-affinity", session.clone());
            }
        }
    }
    for (name, value) in &options.headers {
        match value {
            Some(value) => headers.set(name, value.clone()),
            None => headers.remove(name),
        }
    }
    headers
}

struct Request {
    model: Model,
    body: Value,
    headers: Headers,
    grammar_inputs: GrammarInputs,
    compat: CompletionsCompat,
}

async fn run(mut writer: AssistantWriter, request: Request, options: StreamOptions) {
    let Request {
        model,
        mut body,
        headers,
        grammar_inputs,
        compat,
    } = request;
    if let Some(hook) = &options.on_payload {
        hook(&mut body, &model);
    }
    let url = http::join_url(&model.base_url, "/chat/completions");
    let bytes = match serde_json::to_vec(&body) {
        Ok(bytes) => bytes,
        Err(err) => {
            return writer.fail(
                StopReason::Error,
                format!("Could not encode the request: {err}"),
            );
        }
    };
    let response = match http::post_json(&url, &headers, bytes, &options, error_message).await {
        Ok(response) => response,
        Err(RequestError::Aborted) => {
            return writer.fail(StopReason::Aborted, "Request was aborted");
        }
        Err(RequestError::Status(error)) => {
            return writer.fail(StopReason::Error, error_message(&error));
        }
        Err(
            RequestError::Network(text)
            | RequestError::RetryDelayTooLong(text)
            | RequestError::Invalid(text),
        ) => {
            return writer.fail(StopReason::Error, text);
        }
    };
    writer.start();
    let mut state = State::new(&model, &grammar_inputs);
    let mut events = std::pin::pin!(sse::events(http::body_stream(response)));
    loop {
        let next = match http::cancellable(&options, events.next()).await {
            None => return state.fail(writer, StopReason::Aborted, "Request was aborted".into()),
            Some(next) => next,
        };
        let event = match next {
            None => break,
            Some(Ok(event)) => event,
            Some(Err(err)) => return state.fail(writer, StopReason::Error, err.to_string()),
        };
        if event.data.starts_with("[DONE]") {
            break;
        }
        let chunk: Chunk = match serde_json::from_str(&event.data) {
            Ok(chunk) => chunk,
            Err(err) => {
                let text = format!("Could not parse stream chunk: {err}; data={}", event.data);
                return state.fail(writer, StopReason::Error, text);
            }
        };
        if let Some(error) = chunk.error.as_ref().filter(|e| super::is_truthy(e)) {
            return state.fail(writer, StopReason::Error, stream_error_message(error));
        }
        state.apply(&mut writer, chunk);
    }
    state.finish_blocks(&mut writer);
    if options.is_cancelled() || writer.message().stop_reason == StopReason::Aborted {
        return writer.fail(StopReason::Aborted, "Request was aborted");
    }
    if !state.has_finish_reason && !compat.supports_finish_reason {
        let has_calls = writer.message().tool_calls().next().is_some();
        writer.message_mut().stop_reason = if has_calls {
            StopReason::ToolUse
        } else {
            StopReason::Stop
        };
    }
    if writer.message().stop_reason == StopReason::Error {
        let text = writer
            .message_mut()
            .error_message
            .take()
            .unwrap_or_else(|| "Provider returned an error stop reason".into());
        return writer.fail(StopReason::Error, text);
    }
    if (compat.supports_finish_reason && !state.has_finish_reason)
        || writer.message().stop_reason == StopReason::Pending
    {
        return writer.fail(StopReason::Error, "Stream ended without finish_reason");
    }
    writer.done();
}

/// An HTTP error as pi reports it for OpenAI-compatible APIs: `<status>: <error object>`,
/// else the SDK's `<status> <message>`.
fn error_message(error: &HttpStatusError) -> String {
    let status = error.status.as_u16();
    let body = error.body.trim();
    let json: Option<Value> = serde_json::from_str(body).ok();
    let error_field = json.as_ref().and_then(|j| j.get("error"));
    let sdk_message = match error_field {
        Some(e) => match e.get("message") {
            Some(Value::String(m)) if !m.is_empty() => Some(m.clone()),
            Some(m) if super::is_truthy(m) => Some(m.to_string()),
            _ if super::is_truthy(e) => Some(e.to_string()),
            _ => None,
        },
        None if json.is_none() && !body.is_empty() => Some(body.to_string()),
        None => None,
    };
    let mut message = match sdk_message {
        Some(text) => format!("{status} {text}"),
        None => format!("{status} status code (no body)"),
    };
    if let Some(object) = error_field
        .and_then(Value::as_object)
        .filter(|o| !o.is_empty())
    {
        let body = truncate_body(&Value::Object(object.clone()).to_string());
        if !message.contains(&body) {
            message = format!("{status}: {body}");
        }
    }
    append_metadata(message, error_field)
}

/// An `{"error": ...}` object sent inside the stream.
fn stream_error_message(error: &Value) -> String {
    let message = match error.get("message") {
        Some(Value::String(m)) if !m.is_empty() => m.clone(),
        Some(m) if super::is_truthy(m) => m.to_string(),
        _ => error.to_string(),
    };
    append_metadata(message, Some(error))
}

/// OpenRouter puts the upstream provider's error in `metadata.raw`.
fn append_metadata(message: String, error: Option<&Value>) -> String {
    let raw = error
        .and_then(|e| e.get("metadata"))
        .and_then(|m| m.get("raw"));
    let raw = match raw {
        Some(Value::String(text)) if !text.is_empty() => text.clone(),
        Some(value) if super::is_truthy(value) => value.to_string(),
        _ => return message,
    };
    if message.contains(&raw) {
        message
    } else {
        format!("{message}\n{raw}")
    }
}

const MAX_ERROR_BODY_CHARS: usize = 4000;

fn truncate_body(text: &str) -> String {
    let total = text.chars().count();
    if total <= MAX_ERROR_BODY_CHARS {
        return text.to_string();
    }
    let kept: String = text.chars().take(MAX_ERROR_BODY_CHARS).collect();
    format!(
        "{kept}... [truncated {} chars]",
        total - MAX_ERROR_BODY_CHARS
    )
}

#[derive(Deserialize)]
struct Chunk {
    /// An error reported inside the stream.
    #[serde(default)]
    error: Option<Value>,
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    model: Option<String>,
    #[serde(default)]
    usage: Option<WireUsage>,
    #[serde(default)]
    choices: Option<Vec<Choice>>,
}

#[derive(Deserialize)]
struct Choice {
    #[serde(default)]
    delta: Option<Delta>,
    #[serde(default)]
    finish_reason: Option<String>,
    #[serde(default)]
    usage: Option<WireUsage>,
}

#[derive(Deserialize, Default)]
struct Delta {
    #[serde(default)]
    content: Option<String>,
    #[serde(default)]
    reasoning_content: Option<Value>,
    #[serde(default)]
    reasoning: Option<Value>,
    #[serde(default)]
    reasoning_text: Option<Value>,
    #[serde(default)]
    tool_calls: Option<Vec<WireToolCall>>,
    #[serde(default)]
    reasoning_details: Option<Vec<Value>>,
}

#[derive(Deserialize)]
struct WireToolCall {
    #[serde(default)]
    index: Option<u64>,
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    function: Option<WireFunction>,
    #[serde(default)]
    custom: Option<WireCustom>,
}

#[derive(Deserialize)]
struct WireFunction {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    arguments: Option<String>,
}

#[derive(Deserialize)]
struct WireCustom {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    input: Option<String>,
}

#[derive(Deserialize, Default)]
struct WireUsage {
    #[serde(default)]
    prompt_tokens: Option<u64>,
    #[serde(default)]
    completion_tokens: Option<u64>,
    #[serde(default)]
    prompt_tokens_details: Option<PromptDetails>,
    #[serde(default)]
    prompt_cache_hit_tokens: Option<u64>,
    #[serde(default)]
    cached_tokens: Option<u64>,
    #[serde(default)]
    completion_tokens_details: Option<CompletionDetails>,
}

#[derive(Deserialize, Default)]
struct PromptDetails {
    #[serde(default)]
    cached_tokens: Option<u64>,
    #[serde(default)]
    cache_write_tokens: Option<u64>,
}

#[derive(Deserialize, Default)]
struct CompletionDetails {
    #[serde(default)]
    reasoning_tokens: Option<u64>,
}

impl WireUsage {
    /// pi's usage: `input` excludes cached tokens; `output` already includes reasoning.
    fn to_usage(&self, model: &Model) -> Usage {
        let prompt = self.prompt_tokens.unwrap_or(0);
        let cache_read = self
            .prompt_tokens_details
            .as_ref()
            .and_then(|d| d.cached_tokens)
            .or(self.prompt_cache_hit_tokens)
            .or(self.cached_tokens)
            .unwrap_or(0);
        let cache_write = self
            .prompt_tokens_details
            .as_ref()
            .and_then(|d| d.cache_write_tokens)
            .unwrap_or(0);
        let input = prompt
            .saturating_sub(cache_read)
            .saturating_sub(cache_write);
        let output = self.completion_tokens.unwrap_or(0);
        let mut usage = Usage {
            input,
            output,
            cache_read,
            cache_write,
            cache_write_1h: None,
            reasoning: Some(
                self.completion_tokens_details
                    .as_ref()
                    .and_then(|d| d.reasoning_tokens)
                    .unwrap_or(0),
            ),
            total_tokens: input + output + cache_read + cache_write,
            cost: Default::default(),
        };
        model.calculate_cost(&mut usage);
        usage
    }
}

/// A grammar tool call whose input streams as text; pi turns it into JSON deltas.
struct CustomInput {
    property: String,
    input: String,
    started: bool,
}

struct ToolBlock {
    content: usize,
    stream_index: Option<u64>,
    custom: Option<CustomInput>,
}

struct State<'a> {
    model: &'a Model,
    grammar_inputs: &'a GrammarInputs,
    text: Option<usize>,
    thinking: Option<usize>,
    tools: Vec<ToolBlock>,
    ids: HashMap<String, usize>,
    reasoning_details: Option<Vec<Value>>,
    has_finish_reason: bool,
}

impl<'a> State<'a> {
    fn new(model: &'a Model, grammar_inputs: &'a GrammarInputs) -> Self {
        State {
            model,
            grammar_inputs,
            text: None,
            thinking: None,
            tools: Vec::new(),
            ids: HashMap::new(),
            reasoning_details: None,
            has_finish_reason: false,
        }
    }

    fn apply(&mut self, writer: &mut AssistantWriter, chunk: Chunk) {
        if writer.message().response_id.is_none()
            && let Some(id) = chunk.id.filter(|id| !id.is_empty())
        {
            writer.set_response_id(id);
        }
        if let Some(answered) = chunk.model.filter(|m| !m.is_empty() && *m != self.model.id)
            && writer.message().response_model.is_none()
        {
            writer.set_response_model(answered);
        }
        if let Some(usage) = &chunk.usage {
            writer.set_usage(usage.to_usage(self.model));
        }
        let Some(choice) = chunk.choices.and_then(|choices| choices.into_iter().next()) else {
            return;
        };
        if chunk.usage.is_none() {
            // Some providers (Moonshot) put usage on the choice.
            if let Some(usage) = &choice.usage {
                writer.set_usage(usage.to_usage(self.model));
            }
        }
        if let Some(reason) = choice.finish_reason {
            let (stop, error) = map_stop_reason(&reason);
            let message = writer.message_mut();
            message.raw_stop_reason = Some(reason);
            message.stop_reason = stop;
            if let Some(error) = error {
                message.error_message = Some(error);
            }
            self.has_finish_reason = true;
        }
        let Some(delta) = choice.delta else { return };
        if let Some(text) = delta.content.filter(|t| !t.is_empty()) {
            let index = *self
                .text
                .get_or_insert_with(|| writer.text_start(TextContent::new("")));
            writer.text_delta(index, &text);
        }
        // The first non-empty reasoning field wins (some servers send two with the same text).
        let reasoning = [
            ("reasoning_content", &delta.reasoning_content),
            ("reasoning", &delta.reasoning),
            ("reasoning_text", &delta.reasoning_text),
        ]
        .into_iter()
        .find_map(|(field, value)| match value {
            Some(Value::String(text)) if !text.is_empty() => Some((field, text.clone())),
            _ => None,
        });
        if let Some((field, text)) = reasoning {
            let field = if self.model.provider == "opencode-go" && field == "reasoning" {
                "reasoning_content"
            } else {
                field
            };
            let index = self.thinking_block(writer, field);
            writer.thinking_delta(index, &text);
        }
        for call in delta.tool_calls.into_iter().flatten() {
            self.tool_call_delta(writer, call);
        }
        for detail in delta.reasoning_details.into_iter().flatten() {
            if !request_is_reasoning_detail(&detail) {
                continue;
            }
            self.thinking_block(writer, "");
            append_reasoning_detail(self.reasoning_details.get_or_insert_with(Vec::new), detail);
        }
    }

    fn thinking_block(&mut self, writer: &mut AssistantWriter, signature: &str) -> usize {
        *self
            .thinking
            .get_or_insert_with(|| writer.thinking_start(ThinkingContent::signed("", signature)))
    }

    fn tool_call_delta(&mut self, writer: &mut AssistantWriter, call: WireToolCall) {
        let name = call
            .function
            .as_ref()
            .and_then(|f| f.name.clone())
            .or_else(|| call.custom.as_ref().and_then(|c| c.name.clone()));
        let id = call.id.clone().filter(|id| !id.is_empty());
        let existing = call
            .index
            .and_then(|i| self.tools.iter().position(|t| t.stream_index == Some(i)))
            .or_else(|| id.as_ref().and_then(|id| self.ids.get(id).copied()));
        let is_custom = call.custom.is_some() && call.function.is_none();
        let position = match existing {
            Some(position) => position,
            None => {
                let name = name.clone().unwrap_or_default();
                let content = writer.toolcall_start(id.clone().unwrap_or_default(), name.clone());
                let custom = is_custom.then(|| self.custom_input(&name));
                self.tools.push(ToolBlock {
                    content,
                    stream_index: call.index,
                    custom,
                });
                self.tools.len() - 1
            }
        };
        if let Some(id) = &id {
            self.ids.insert(id.clone(), position);
        }
        let Some(tool) = self.tools.get_mut(position) else {
            return;
        };
        if tool.stream_index.is_none() {
            tool.stream_index = call.index;
        }
        let content = tool.content;
        if let Some(block) = writer.toolcall_mut(content) {
            if block.id.is_empty()
                && let Some(id) = &id
            {
                block.id.clone_from(id);
            }
            if block.name.is_empty()
                && let Some(name) = &name
            {
                block.name.clone_from(name);
            }
        }
        if is_custom && tool.custom.is_none() {
            let block_name = writer
                .toolcall_mut(content)
                .map(|b| b.name.clone())
                .unwrap_or_default();
            tool.custom = Some(CustomInput {
                property: self
                    .grammar_inputs
                    .get(&block_name)
                    .cloned()
                    .unwrap_or_else(|| "input".into()),
                input: String::new(),
                started: false,
            });
        }
        let delta = if let Some(arguments) = call
            .function
            .and_then(|f| f.arguments)
            .filter(|a| !a.is_empty())
        {
            arguments
        } else if let (Some(input), Some(custom)) = (
            call.custom.and_then(|c| c.input).filter(|i| !i.is_empty()),
            tool.custom.as_mut(),
        ) {
            custom_json_delta(custom, &input, false)
        } else {
            String::new()
        };
        writer.toolcall_delta(content, &delta);
    }

    fn custom_input(&self, name: &str) -> CustomInput {
        CustomInput {
            property: self
                .grammar_inputs
                .get(name)
                .cloned()
                .unwrap_or_else(|| "input".into()),
            input: String::new(),
            started: false,
        }
    }

    /// Closes every block, in content order, as the reference does at the end of a stream.
    fn finish_blocks(&mut self, writer: &mut AssistantWriter) {
        self.store_reasoning_details(writer);
        let count = writer.message().content.len();
        for index in 0..count {
            match writer.message().content.get(index) {
                Some(AssistantContent::Text(_)) => writer.text_end(index),
                Some(AssistantContent::Thinking(_)) => writer.thinking_end(index),
                Some(AssistantContent::ToolCall(_)) => {
                    if let Some(custom) = self
                        .tools
                        .iter_mut()
                        .find(|t| t.content == index)
                        .and_then(|t| t.custom.as_mut())
                    {
                        let close = custom_json_delta(custom, "", true);
                        writer.toolcall_delta(index, &close);
                    }
                    writer.toolcall_end(index);
                }
                None => {}
            }
        }
    }

    fn store_reasoning_details(&mut self, writer: &mut AssistantWriter) {
        if let (Some(details), Some(index)) = (&self.reasoning_details, self.thinking) {
            let json = serde_json::to_string(details).unwrap_or_default();
            if let Some(block) = writer.thinking_mut(index) {
                block.thinking_signature = Some(json);
            }
        }
    }

    fn fail(mut self, mut writer: AssistantWriter, reason: StopReason, error: String) {
        self.store_reasoning_details(&mut writer);
        writer.fail(reason, error);
    }
}

/// The JSON fragment that extends a grammar tool's `{"<property>":"<input>"}` arguments by
/// `more` input (and closes them when `close`).
fn custom_json_delta(custom: &mut CustomInput, more: &str, close: bool) -> String {
    let mut delta = String::new();
    if !custom.started {
        delta.push_str(&format!("{{{}:\"", Value::String(custom.property.clone())));
        custom.started = true;
    }
    let escaped = Value::String(more.to_string()).to_string();
    delta.push_str(
        escaped
            .get(1..escaped.len().saturating_sub(1))
            .unwrap_or_default(),
    );
    custom.input.push_str(more);
    if close {
        delta.push_str("\"}");
    }
    delta
}

fn request_is_reasoning_detail(detail: &Value) -> bool {
    let Some(object) = detail.as_object() else {
        return false;
    };
    match object.get("type").and_then(Value::as_str) {
        Some("reasoning.summary") => object.get("summary").is_some_and(Value::is_string),
        Some("reasoning.encrypted") => object.get("data").is_some_and(Value::is_string),
        Some("reasoning.text") => object.get("text").is_some_and(Value::is_string),
        _ => false,
    }
}

/// Streamed reasoning details: consecutive text or summary fragments merge into one entry.
fn append_reasoning_detail(details: &mut Vec<Value>, detail: Value) {
    let kind = detail
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let field = match kind.as_str() {
        "reasoning.text" => Some("text"),
        "reasoning.summary" => Some("summary"),
        _ => None,
    };
    if let (Some(field), Some(Value::Object(last))) = (field, details.last_mut())
        && last.get("type").and_then(Value::as_str) == Some(kind.as_str())
    {
        let addition = detail
            .get(field)
            .and_then(Value::as_str)
            .unwrap_or_default();
        let merged = format!(
            "{}{addition}",
            last.get(field).and_then(Value::as_str).unwrap_or_default()
        );
        last.insert(field.into(), Value::String(merged));
        if field == "text"
            && !last.get("signature").is_some_and(super::is_truthy)
            && let Some(signature) = detail.get("signature").filter(|s| super::is_truthy(s))
        {
            last.insert("signature".into(), signature.clone());
        }
        for key in ["id", "index"] {
            if last.get(key).is_none_or(Value::is_null)
                && let Some(value) = detail.get(key)
            {
                last.insert(key.into(), value.clone());
            }
        }
        if !last.get("format").is_some_and(super::is_truthy)
            && let Some(value) = detail.get("format")
        {
            last.insert("format".into(), value.clone());
        }
        return;
    }
    details.push(detail);
}

fn map_stop_reason(reason: &str) -> (StopReason, Option<String>) {
    match reason {
        "stop" | "end" => (StopReason::Stop, None),
        "length" => (StopReason::Length, None),
        "function_call" | "tool_calls" => (StopReason::ToolUse, None),
        other => (
            StopReason::Error,
            Some(format!("Provider finish_reason: {other}")),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::StatusCode;
    use reqwest::header::HeaderMap;

    fn status(code: u16, body: &str) -> HttpStatusError {
        HttpStatusError {
            status: StatusCode::from_u16(code).unwrap(),
            headers: HeaderMap::new(),
            body: body.into(),
        }
    }

    #[test]
    fn errors_read_like_the_reference() {
        let body = r#"{"error":{"message":"mockllm injected error 429","type":"rate_limit_exceeded","param":null,"code":"rate_limit_exceeded"}}"#;
        assert_eq!(
            error_message(&status(429, body)),
            r#"429: {"message":"mockllm injected error 429","type":"rate_limit_exceeded","param":null,"code":"rate_limit_exceeded"}"#
        );
        assert_eq!(
            error_message(&status(502, "<html>bad gateway</html>")),
            "502 <html>bad gateway</html>"
        );
        assert_eq!(error_message(&status(500, "")), "500 status code (no body)");
        assert_eq!(
            error_message(&status(400, r#"{"detail":"x"}"#)),
            "400 status code (no body)"
        );
        let routed = r#"{"error":{"message":"Provider returned error","code":400,"metadata":{"raw":"upstream says no"}}}"#;
        // The error object already carries the upstream text; it is not repeated.
        assert_eq!(
            error_message(&status(400, routed))
                .matches("upstream says no")
                .count(),
            1
        );
        let streamed = serde_json::json!({"message": "Provider returned error", "metadata": {"raw": "upstream says no"}});
        assert_eq!(
            stream_error_message(&streamed),
            "Provider returned error\nupstream says no"
        );
    }

    #[test]
    fn stop_reasons() {
        assert_eq!(map_stop_reason("stop").0, StopReason::Stop);
        assert_eq!(map_stop_reason("end").0, StopReason::Stop);
        assert_eq!(map_stop_reason("length").0, StopReason::Length);
        assert_eq!(map_stop_reason("tool_calls").0, StopReason::ToolUse);
        assert_eq!(map_stop_reason("function_call").0, StopReason::ToolUse);
        let (reason, error) = map_stop_reason("content_filter");
        assert_eq!(
            (reason, error.as_deref()),
            (
                StopReason::Error,
                Some("Provider finish_reason: content_filter")
            )
        );
    }
}

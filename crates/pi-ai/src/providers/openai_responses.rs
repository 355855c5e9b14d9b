//! `openai-responses`: OpenAI's Responses API (OpenAI itself, GitHub Copilot's GPT models,
//! xAI, OpenCode, and servers that copy it). The Azure adapter shares this request and
//! stream handling.
//!
//! Requests are stateless (`store: false`): reasoning comes back as an encrypted item that
//! pi keeps in the thinking block's signature and replays verbatim, and answer text keeps
//! its message item id in the text signature.

mod compat;
mod events;
mod request;

use futures_util::StreamExt;
use serde_json::Value;

use crate::compat::SessionAffinityFormat;
use crate::context::{Context, Transcript};
use crate::env_keys::env_api_key;
use crate::http::{self, Headers, HttpStatusError, RequestError};
use crate::message::StopReason;
use crate::model::Model;
use crate::options::{CacheRetention, SimpleStreamOptions, StreamOptions, base_options};
use crate::registry::{ApiProvider, StartError};
use crate::sse;
use crate::stream::{AssistantStream, AssistantWriter};

pub(super) use compat::ResponsesCompat;
pub(super) use request::{GrammarInputs, Target, build_body};

use events::{Pricing, State, WireEvent};

/// The endpoint family a Responses request goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Flavor {
    /// OpenAI's API and compatible servers.
    OpenAi,
    /// Azure OpenAI deployments.
    Azure,
}

impl Flavor {
    /// Whether tool-call ids of `provider`'s models keep their Responses item ids here
    /// (other providers' ids are folded into one sanitized id).
    fn keeps_item_ids_of(self, provider: &str) -> bool {
        matches!(provider, "openai" | "openai-codex" | "opencode")
            || (self == Flavor::Azure && provider == "azure-openai-responses")
    }

    fn stream_name(self) -> &'static str {
        match self {
            Flavor::OpenAi => "OpenAI Responses",
            Flavor::Azure => "Azure OpenAI Responses",
        }
    }
}

/// The `openai-responses` adapter.
///
/// Its settings apply to every request it sends; register a configured copy to change them:
///
/// ```
/// use pi_ai::{ApiRegistry, OpenAiResponses};
///
/// let mut registry = ApiRegistry::builtin();
/// registry.register(OpenAiResponses {
///     service_tier: Some("flex".into()),
///     ..OpenAiResponses::default()
/// });
/// assert!(registry.get("openai-responses").is_some());
/// ```
#[derive(Debug, Clone, Default)]
pub struct OpenAiResponses {
    /// `service_tier` to ask for (`auto`, `default`, `flex`, `priority`, ...); flex and
    /// priority also change the price of the usage.
    pub service_tier: Option<String>,
    /// Reasoning summary detail (`auto`, `concise`, `detailed`); asking for one turns
    /// reasoning on (at `medium` effort) even without a thinking level.
    pub reasoning_summary: Option<String>,
}

impl ApiProvider for OpenAiResponses {
    fn api(&self) -> &str {
        "openai-responses"
    }

    fn stream(&self, model: &Model, context: &Context, options: &StreamOptions) -> AssistantStream {
        let Some(api_key) = resolve_key(model, options) else {
            return AssistantStream::failed(
                model,
                format!("No API key for provider: {}", model.provider),
            );
        };
        let compat = ResponsesCompat::of(model, Flavor::OpenAi);
        let target = Target {
            flavor: Flavor::OpenAi,
            model_name: &model.id,
            service_tier: self.service_tier.as_deref(),
            reasoning_summary: self.reasoning_summary.as_deref(),
        };
        let (body, grammar_inputs) = match build_body(model, context, options, &compat, target) {
            Ok(built) => built,
            Err(error) => return AssistantStream::failed(model, error),
        };
        let request = Request {
            url: http::join_url(&model.base_url, "/responses"),
            headers: headers(model, context, options, &api_key, &compat),
            body,
            grammar_inputs,
            flavor: Flavor::OpenAi,
            error_prefix: if model.provider == "openai" {
                "OpenAI API error".to_string()
            } else {
                format!("{} API error", model.provider)
            },
            service_tier: self.service_tier.clone(),
        };
        spawn(model, request, options)
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
        Ok(self.stream(
            model,
            context,
            &simple_options(model, context, options, api_key),
        ))
    }
}

/// The raw options of a level-based request: the level clamped to what the model supports.
pub(super) fn simple_options(
    model: &Model,
    context: &Context,
    options: &SimpleStreamOptions,
    api_key: String,
) -> StreamOptions {
    let transcript = Transcript::new(context);
    let mut base = base_options(model, &transcript.messages, options, Some(api_key));
    base.thinking.level = options
        .level()
        .map(|level| model.clamp_thinking_level(level));
    base
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
    compat: &ResponsesCompat,
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
        .filter(|_| options.resolved_cache_retention() != CacheRetention::None);
    if let Some(session) = session {
        match compat.session_affinity_format {
            SessionAffinityFormat::Openrouter => headers.set("x-session-id", session.clone()),
            format => {
                if format == SessionAffinityFormat::Openai {
                    headers.set("session_id", session.clone());
                }
                headers.set("x-client-request-id", session.clone());
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

/// A request ready to send.
pub(super) struct Request {
    pub url: String,
    pub headers: Headers,
    pub body: Value,
    pub grammar_inputs: GrammarInputs,
    pub flavor: Flavor,
    /// Leads HTTP error messages: `<prefix> (<status>): <body>`.
    pub error_prefix: String,
    pub service_tier: Option<String>,
}

/// The stream that sends `request` when polled.
pub(super) fn spawn(model: &Model, request: Request, options: &StreamOptions) -> AssistantStream {
    let model_for_run = model.clone();
    let options = options.clone();
    AssistantStream::new(model, move |writer| {
        run(writer, model_for_run, request, options)
    })
}

/// The stop reason of a failure: `aborted` once the caller cancelled, else `error`.
fn failure(options: &StreamOptions) -> StopReason {
    if options.is_cancelled() {
        StopReason::Aborted
    } else {
        StopReason::Error
    }
}

async fn run(mut writer: AssistantWriter, model: Model, request: Request, options: StreamOptions) {
    let Request {
        url,
        headers,
        mut body,
        grammar_inputs,
        flavor,
        error_prefix,
        service_tier,
    } = request;
    if let Some(hook) = &options.on_payload {
        hook(&mut body, &model);
    }
    let bytes = match serde_json::to_vec(&body) {
        Ok(bytes) => bytes,
        Err(err) => {
            return writer.fail(
                StopReason::Error,
                format!("Could not encode the request: {err}"),
            );
        }
    };
    let response = match http::post_json(&url, &headers, bytes, &options, sdk_message).await {
        Ok(response) => response,
        Err(RequestError::Aborted) => return writer.fail(StopReason::Aborted, "Request aborted"),
        Err(RequestError::Status(error)) => {
            let text = status_message(&error_prefix, &error);
            return super::fail_on_status(writer, failure(&options), &error, text);
        }
        Err(
            RequestError::Network(text)
            | RequestError::RetryDelayTooLong(text)
            | RequestError::Invalid(text),
        ) => return writer.fail(failure(&options), text),
    };
    writer.start();
    let pricing = Pricing {
        service_tier: service_tier.as_deref(),
        by_tier: flavor == Flavor::OpenAi,
    };
    let mut state = State::new(&model, &grammar_inputs, pricing);
    let ended_early = "OpenAI Responses stream ended before a terminal response event";
    let mut events = std::pin::pin!(sse::events(http::body_stream(response)));
    loop {
        let Some(next) = http::cancellable(&options, events.next()).await else {
            // A cancelled body simply ends, as the SDK's does; what is missing decides the text.
            let text = if state.saw_terminal {
                "Request was aborted"
            } else {
                ended_early
            };
            return writer.fail(StopReason::Aborted, text);
        };
        let event = match next {
            None => break,
            Some(Ok(event)) => event,
            Some(Err(err)) => return writer.fail(failure(&options), err),
        };
        if event.data.starts_with("[DONE]") {
            break;
        }
        if event.event.starts_with("thread.") || event.data.is_empty() {
            continue;
        }
        let parsed: WireEvent<'_> = match serde_json::from_str(&event.data) {
            Ok(parsed) => parsed,
            Err(err) => {
                let text = format!(
                    "Could not parse {} event: {err}; data={}",
                    flavor.stream_name(),
                    event.data
                );
                return writer.fail(failure(&options), text);
            }
        };
        if let Some(error) = parsed.error.as_ref().filter(|e| super::is_truthy(e)) {
            return writer.fail(failure(&options), stream_error_message(error));
        }
        if let Err(text) = state.apply(&mut writer, parsed) {
            return writer.fail(failure(&options), text);
        }
    }
    if !state.saw_terminal {
        return writer.fail(failure(&options), ended_early);
    }
    if options.is_cancelled() {
        return writer.fail(StopReason::Aborted, "Request was aborted");
    }
    if writer.message().stop_reason == StopReason::Pending {
        let text = format!(
            "{} stream ended without a stop reason",
            flavor.stream_name()
        );
        return writer.fail(StopReason::Error, text);
    }
    // `done` turns an error stop reason into an error event with its message.
    writer.done();
}

/// The OpenAI SDK's message for an error status: `<status> <message>`.
fn sdk_message(error: &HttpStatusError) -> String {
    let status = error.status.as_u16();
    let body = error.body.as_str();
    let json: Option<Value> = serde_json::from_str(body).ok();
    let message = match json.as_ref().filter(|j| super::is_truthy(j)) {
        None => Some(body.to_string()).filter(|b| !b.is_empty()),
        Some(json) => match json.get("error") {
            Some(error) => sdk_error_text(error),
            None => None,
        },
    };
    match message {
        Some(text) => format!("{status} {text}"),
        None => format!("{status} status code (no body)"),
    }
}

/// The SDK's text for an error object: its `message`, else the object itself.
fn sdk_error_text(error: &Value) -> Option<String> {
    match error.get("message") {
        Some(Value::String(text)) if !text.is_empty() => Some(text.clone()),
        Some(message) if super::is_truthy(message) => Some(message.to_string()),
        _ if super::is_truthy(error) => Some(error.to_string()),
        _ => None,
    }
    .filter(|text| !text.is_empty())
}

/// An `{"error": ...}` sent inside the stream.
fn stream_error_message(error: &Value) -> String {
    sdk_error_text(error).unwrap_or_else(|| "(no status code or body)".to_string())
}

const MAX_ERROR_BODY_CHARS: usize = 4000;

/// An error status as pi reports it: `<prefix> (<status>): <error object>`, or the SDK's
/// message when the body has no error object.
fn status_message(prefix: &str, error: &HttpStatusError) -> String {
    let status = error.status.as_u16();
    let message = sdk_message(error);
    let body = serde_json::from_str::<Value>(&error.body)
        .ok()
        .and_then(|json| json.get("error").cloned())
        .filter(|e| e.as_object().is_some_and(|o| !o.is_empty()))
        .map(|e| truncate_chars(e.to_string().trim(), MAX_ERROR_BODY_CHARS));
    match body {
        Some(body) if !message.contains(&body) => format!("{prefix} ({status}): {body}"),
        _ => format!("{prefix} ({status}): {message}"),
    }
}

fn truncate_chars(text: &str, max: usize) -> String {
    let total = text.chars().count();
    if total <= max {
        return text.to_string();
    }
    let kept: String = text.chars().take(max).collect();
    format!("{kept}... [truncated {} chars]", total - max)
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
            status_message("OpenAI API error", &status(429, body)),
            r#"OpenAI API error (429): {"message":"mockllm injected error 429","type":"rate_limit_exceeded","param":null,"code":"rate_limit_exceeded"}"#
        );
        assert_eq!(
            sdk_message(&status(429, body)),
            "429 mockllm injected error 429"
        );
        assert_eq!(
            status_message("mock API error", &status(502, "<html>bad gateway</html>")),
            "mock API error (502): 502 <html>bad gateway</html>"
        );
        assert_eq!(
            status_message("Azure OpenAI API error", &status(500, "")),
            "Azure OpenAI API error (500): 500 status code (no body)"
        );
        assert_eq!(
            status_message("x API error", &status(400, r#"{"detail":"x"}"#)),
            "x API error (400): 400 status code (no body)"
        );
        assert_eq!(
            status_message("x API error", &status(400, r#"{"error":"bad"}"#)),
            r#"x API error (400): 400 "bad""#
        );
        assert_eq!(
            stream_error_message(&serde_json::json!({"message": "boom", "code": 1})),
            "boom"
        );
        assert_eq!(
            stream_error_message(&serde_json::json!({"code": "x"})),
            r#"{"code":"x"}"#
        );
    }
}

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

use serde_json::Value;

use super::transport::{Received, RequestFailure, next_event, send, start_stream};
use super::{
    SessionHeaders, api_key_or_header_auth, no_api_key, openai_headers, stream_simple_with_key,
    truncate_error_body,
};
use crate::context::Context;
use crate::http::{self, Headers, HttpStatusError};
use crate::message::StopReason;
use crate::model::Model;
use crate::options::{SimpleStreamOptions, StreamOptions};
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
        let Some(api_key) = api_key_or_header_auth(model, options) else {
            return AssistantStream::failed(model, no_api_key(model));
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
        let session_headers = SessionHeaders {
            format: compat.session_affinity_format,
            affinity: false,
        };
        let request = Request {
            url: http::join_url(&model.base_url, "/responses"),
            headers: openai_headers(model, context, options, &api_key, Some(session_headers)),
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
        let api_key = api_key_or_header_auth(model, &options.base);
        stream_simple_with_key(self, model, context, options, api_key)
    }
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
    start_stream(model, options, move |writer, model, options| {
        run(writer, model, request, options)
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

async fn run(writer: AssistantWriter, model: Model, request: Request, options: StreamOptions) {
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
    let request_failure = RequestFailure {
        aborted: "Request aborted",
        describe: &sdk_message,
        status_text: &|error| status_message(&error_prefix, error),
        aborted_once_cancelled: true,
    };
    let Some((mut writer, response)) =
        send(writer, &url, &headers, &body, &options, &request_failure).await
    else {
        return;
    };
    writer.start();
    let pricing = Pricing {
        service_tier: service_tier.as_deref(),
        by_tier: flavor == Flavor::OpenAi,
    };
    let mut state = State::new(&model, &grammar_inputs, pricing);
    let ended_early = "OpenAI Responses stream ended before a terminal response event";
    let mut events = sse::events(http::body_stream(response));
    loop {
        let event = match next_event(&mut events, &options).await {
            Received::Event(event) => event,
            Received::End => break,
            Received::Cancelled => {
                // A cancelled body simply ends, as the SDK's does; what is missing decides the
                // text.
                let text = if state.saw_terminal {
                    "Request was aborted"
                } else {
                    ended_early
                };
                return writer.fail(StopReason::Aborted, text);
            }
            Received::Broken(text) => return writer.fail(failure(&options), text),
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

/// An error status as pi reports it: `<prefix> (<status>): <error object>`, or the SDK's
/// message when the body has no error object.
fn status_message(prefix: &str, error: &HttpStatusError) -> String {
    let status = error.status.as_u16();
    let message = sdk_message(error);
    let body = serde_json::from_str::<Value>(&error.body)
        .ok()
        .and_then(|json| json.get("error").cloned())
        .filter(|e| e.as_object().is_some_and(|o| !o.is_empty()))
        .map(|e| truncate_error_body(e.to_string().trim()));
    match body {
        Some(body) if !message.contains(&body) => format!("{prefix} ({status}): {body}"),
        _ => format!("{prefix} ({status}): {message}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::providers::status_error as status;

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

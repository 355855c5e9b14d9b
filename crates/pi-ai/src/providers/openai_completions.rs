//! `openai-completions`: OpenAI's Chat Completions API and the many servers that copy it
//! (Groq, Cerebras, xAI, OpenRouter, DeepSeek, vLLM, llama.cpp, Ollama, ...).

mod compat;
mod events;
mod request;
mod thinking;

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

use compat::CompletionsCompat;
use events::{Chunk, State};
pub(crate) use request::short_hash;
use request::{GrammarInputs, build_body};

/// The `openai-completions` adapter.
#[derive(Debug, Clone, Copy, Default)]
pub struct OpenAiCompletions;

impl ApiProvider for OpenAiCompletions {
    fn api(&self) -> &str {
        "openai-completions"
    }

    fn stream(&self, model: &Model, context: &Context, options: &StreamOptions) -> AssistantStream {
        let Some(api_key) = api_key_or_header_auth(model, options) else {
            return AssistantStream::failed(model, no_api_key(model));
        };
        let compat = CompletionsCompat::of(model);
        let (body, grammar_inputs) = match build_body(model, context, options, &compat) {
            Ok(built) => built,
            Err(error) => return AssistantStream::failed(model, error),
        };
        let session_headers = compat
            .send_session_affinity_headers
            .then_some(SessionHeaders {
                format: compat.session_affinity_format,
                affinity: true,
            });
        let headers = openai_headers(model, context, options, &api_key, session_headers);
        let request = Request {
            body,
            headers,
            grammar_inputs,
            compat,
        };
        start_stream(model, options, move |writer, model, options| {
            run(writer, model, request, options)
        })
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

struct Request {
    body: Value,
    headers: Headers,
    grammar_inputs: GrammarInputs,
    compat: CompletionsCompat,
}

async fn run(writer: AssistantWriter, model: Model, request: Request, options: StreamOptions) {
    let Request {
        mut body,
        headers,
        grammar_inputs,
        compat,
    } = request;
    if let Some(hook) = &options.on_payload {
        hook(&mut body, &model);
    }
    let url = http::join_url(&model.base_url, "/chat/completions");
    let request_failure = RequestFailure::new("Request was aborted", &error_message);
    let Some((mut writer, response)) =
        send(writer, &url, &headers, &body, &options, &request_failure).await
    else {
        return;
    };
    writer.start();
    let mut state = State::new(&model, &grammar_inputs);
    let mut events = sse::events(http::body_stream(response));
    loop {
        let event = match next_event(&mut events, &options).await {
            Received::Event(event) => event,
            Received::End => break,
            Received::Cancelled => {
                return state.fail(writer, StopReason::Aborted, "Request was aborted".into());
            }
            Received::Broken(text) => return state.fail(writer, StopReason::Error, text),
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
        let body = truncate_error_body(&Value::Object(object.clone()).to_string());
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

#[cfg(test)]
mod tests {
    use super::events::map_stop_reason;
    use super::*;
    use crate::providers::status_error as status;

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

//! `mistral-conversations`: Mistral's native chat-completions stream (`api.mistral.ai`).
//!
//! Raw [`StreamOptions`] speak thinking as `thinking.enabled` (Magistral's
//! `prompt_mode: "reasoning"`) and `thinking.effort` (`reasoning_effort`, for the models that
//! take one); [`ApiProvider::stream_simple`] picks the right one per model. The payload hook
//! sees the JSON body as it is sent.

mod events;
mod request;

use serde_json::Value;

use super::transport::{Received, RequestFailure, next_event, send, start_stream};
use super::{api_key, no_api_key, simple_base};
use crate::context::Context;
use crate::http::{self, Headers, HttpStatusError};
use crate::message::StopReason;
use crate::model::{LevelValue, Model};
use crate::options::{SimpleStreamOptions, StreamOptions};
use crate::registry::{ApiProvider, StartError};
use crate::sse;
use crate::stream::{AssistantStream, AssistantWriter};

use events::{Chunk, State};
use request::{build_body, prompt_cache_key};

/// The `mistral-conversations` adapter.
#[derive(Debug, Clone, Copy, Default)]
pub struct MistralConversations;

impl ApiProvider for MistralConversations {
    fn api(&self) -> &str {
        "mistral-conversations"
    }

    fn stream(&self, model: &Model, context: &Context, options: &StreamOptions) -> AssistantStream {
        let Some(api_key) = api_key(model, options) else {
            return AssistantStream::failed(model, no_api_key(model));
        };
        let body = match build_body(model, context, options) {
            Ok(body) => body,
            Err(error) => return AssistantStream::failed(model, error),
        };
        let headers = headers(model, options, &api_key);
        start_stream(model, options, move |writer, model, options| {
            run(writer, model, body, headers, options)
        })
    }

    fn stream_simple(
        &self,
        model: &Model,
        context: &Context,
        options: &SimpleStreamOptions,
    ) -> Result<AssistantStream, StartError> {
        let Some(api_key) = api_key(model, &options.base) else {
            return Err(no_api_key(model));
        };
        let mut base = simple_base(model, context, options, Some(api_key));
        let level = options
            .level()
            .map(|level| model.clamp_thinking_level(level))
            .filter(|level| *level != crate::ThinkingLevel::Off)
            .filter(|_| model.reasoning);
        base.thinking.level = level;
        base.thinking.enabled = None;
        base.thinking.effort = None;
        if let Some(level) = level {
            if uses_reasoning_effort(model) {
                base.thinking.effort = Some(match model.thinking_level_value(level) {
                    LevelValue::Mapped(value) => value.to_string(),
                    LevelValue::Default | LevelValue::Unsupported => "high".to_string(),
                });
            } else {
                base.thinking.enabled = Some(true);
            }
        }
        Ok(self.stream(model, context, &base))
    }
}

/// Models that take `reasoning_effort`; other reasoning models use the reasoning prompt mode.
fn uses_reasoning_effort(model: &Model) -> bool {
    model.id == "mistral-small-2603"
        || model.id == "mistral-small-latest"
        || model.id.starts_with("mistral-medium-")
        || model.id == "zai-glm-5-2"
}

fn headers(model: &Model, options: &StreamOptions, api_key: &str) -> Headers {
    let mut headers = Headers::new();
    headers.set("accept", "text/event-stream");
    headers.set("authorization", format!("Bearer {api_key}"));
    headers.apply_overrides(model, options);
    let explicit_affinity = model
        .headers
        .iter()
        .flatten()
        .any(|(name, _)| name.eq_ignore_ascii_case("x-affinity"))
        || options
            .headers
            .iter()
            .any(|(name, _)| name.eq_ignore_ascii_case("x-affinity"));
    if let (Some(session), false) = (prompt_cache_key(options), explicit_affinity) {
        // Routes the session's requests to the replica that holds its cache.
        headers.set("x-affinity", session);
    }
    headers
}

async fn run(
    writer: AssistantWriter,
    model: Model,
    mut body: Value,
    headers: Headers,
    options: StreamOptions,
) {
    if let Some(hook) = &options.on_payload {
        hook(&mut body, &model);
    }
    let url = http::join_url(&model.base_url, "v1/chat/completions");
    let request_failure = RequestFailure::new(ABORTED, &error_message);
    let Some((mut writer, response)) =
        send(writer, &url, &headers, &body, &options, &request_failure).await
    else {
        return;
    };
    writer.start();
    let mut state = State::new(&model);
    let mut events = sse::events(http::body_stream(response));
    loop {
        let event = match next_event(&mut events, &options).await {
            Received::Event(event) => event,
            Received::End => break,
            Received::Cancelled => return writer.fail(StopReason::Aborted, ABORTED),
            Received::Broken(text) => return writer.fail(StopReason::Error, text),
        };
        let data = event.data.trim();
        if data.is_empty() {
            continue;
        }
        if data == "[DONE]" {
            break;
        }
        let chunk: Chunk = match serde_json::from_str(data) {
            Ok(chunk) => chunk,
            Err(err) => return writer.fail(StopReason::Error, parse_error(data, &err)),
        };
        state.apply(&mut writer, chunk);
    }
    state.finish(&mut writer);
    if options.is_cancelled() {
        return writer.fail(StopReason::Aborted, "Request was aborted");
    }
    match writer.message().stop_reason {
        StopReason::Pending => writer.fail(
            StopReason::Error,
            "Mistral stream ended without a finish reason",
        ),
        StopReason::Error | StopReason::Aborted => {
            let error = writer
                .message_mut()
                .error_message
                .take()
                .unwrap_or_else(|| "An unknown error occurred".into());
            writer.fail(StopReason::Error, error);
        }
        _ => writer.done(),
    }
}

/// What a cancelled request reports (the text of the platform's abort error).
const ABORTED: &str = "This operation was aborted";

/// Why a chunk could not be read: not JSON, or JSON that is not a chunk.
fn parse_error(data: &str, err: &serde_json::Error) -> String {
    match serde_json::from_str::<Value>(data) {
        Ok(value) if !value.get("choices").is_some_and(Value::is_array) => {
            "Invalid Mistral streaming event".to_string()
        }
        _ => format!("Could not parse Mistral stream chunk: {err}; data={data}"),
    }
}

/// An HTTP error as pi words it for Mistral: the status and the body (or status text).
fn error_message(error: &HttpStatusError) -> String {
    let status = error.status.as_u16();
    let body = error.body.trim();
    if body.is_empty() {
        let text = match error.status.canonical_reason() {
            Some(reason) => reason.to_string(),
            None => format!("Request failed with status {status}"),
        };
        return format!("Mistral API error ({status}): {text}");
    }
    format!(
        "Mistral API error ({status}): {}",
        super::truncate_error_body(body)
    )
}

#[cfg(test)]
mod tests {
    use super::events::map_stop_reason;
    use super::*;
    use crate::providers::status_error as status;

    #[test]
    fn errors_read_like_the_reference() {
        let body = r#"{"object":"error","message":"Requests rate limit exceeded","type":"rate_limited","param":null,"code":"1300"}"#;
        assert_eq!(
            error_message(&status(429, &format!("  {body}\n"))),
            format!("Mistral API error (429): {body}")
        );
        assert_eq!(
            error_message(&status(503, "")),
            "Mistral API error (503): Service Unavailable"
        );
        let long = "x".repeat(4005);
        assert_eq!(
            error_message(&status(400, &long)),
            format!(
                "Mistral API error (400): {}... [truncated 5 chars]",
                "x".repeat(4000)
            )
        );
    }

    #[test]
    fn stop_reasons() {
        assert_eq!(map_stop_reason("stop").0, StopReason::Stop);
        assert_eq!(map_stop_reason("model_length").0, StopReason::Length);
        assert_eq!(map_stop_reason("tool_calls").0, StopReason::ToolUse);
        assert_eq!(
            map_stop_reason("error"),
            (
                StopReason::Error,
                Some("Provider stopped with: error".into())
            )
        );
    }

    #[test]
    fn malformed_chunks_say_what_they_were() {
        let err = serde_json::from_str::<Value>("{not json").unwrap_err();
        assert!(parse_error("{not json", &err).contains("data={not json"));
        let err = serde_json::from_str::<Chunk>(r#"{"id":"x"}"#)
            .err()
            .unwrap();
        assert_eq!(
            parse_error(r#"{"id":"x"}"#, &err),
            "Invalid Mistral streaming event"
        );
    }
}

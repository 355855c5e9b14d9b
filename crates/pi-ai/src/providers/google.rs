//! `google-generative-ai`: Google's Gemini API (`generativelanguage.googleapis.com`).
//!
//! Raw [`StreamOptions`] speak thinking as `thinking.enabled` (off, or thoughts included),
//! with `thinking.effort` as a Gemini 3 `thinkingLevel` (`MINIMAL` … `HIGH`) or
//! `thinking.budget_tokens` as a `thinkingBudget`; [`ApiProvider::stream_simple`] derives
//! them from the model family. The payload hook sees the JSON body as it is sent.

mod request;
mod thinking;

use std::sync::atomic::{AtomicU64, Ordering};

use serde::Deserialize;
use serde_json::{Value, json};

use super::transport::{Received, RequestFailure, next_event, send, start_stream};
use super::{api_key, no_api_key, simple_base};
use crate::context::Context;
use crate::http::{self, HttpStatusError};
use crate::js_number;
use crate::message::{StopReason, TextContent, ThinkingContent, Usage, now_ms};
use crate::model::Model;
use crate::options::{SimpleStreamOptions, StreamOptions};
use crate::registry::{ApiProvider, StartError};
use crate::sse;
use crate::stream::{AssistantStream, AssistantWriter};

use request::{Prepared, prepare};
use thinking::GoogleThinking;

/// The `google-generative-ai` adapter.
#[derive(Debug, Clone, Copy, Default)]
pub struct GoogleGenerativeAi;

impl ApiProvider for GoogleGenerativeAi {
    fn api(&self) -> &str {
        "google-generative-ai"
    }

    fn stream(&self, model: &Model, context: &Context, options: &StreamOptions) -> AssistantStream {
        let thinking = match options.thinking.enabled {
            None => GoogleThinking::Unset,
            Some(false) => GoogleThinking::Disabled,
            Some(true) => match (&options.thinking.effort, options.thinking.budget_tokens) {
                (Some(level), _) => GoogleThinking::Level(level.clone()),
                (None, Some(budget)) => {
                    GoogleThinking::Budget(i64::try_from(budget).unwrap_or(i64::MAX))
                }
                (None, None) => GoogleThinking::Default,
            },
        };
        start(model, context, options, &thinking)
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
        let base = simple_base(model, context, options, Some(api_key));
        match thinking::for_level(model, options.level(), options.thinking_budgets.as_ref()) {
            Ok(thinking) => Ok(start(model, context, &base, &thinking)),
            Err(error) => Ok(AssistantStream::failed(model, error)),
        }
    }
}

fn start(
    model: &Model,
    context: &Context,
    options: &StreamOptions,
    thinking: &GoogleThinking,
) -> AssistantStream {
    let Some(api_key) = api_key(model, options) else {
        return AssistantStream::failed(model, no_api_key(model));
    };
    let prepared = match prepare(model, context, options, thinking, &api_key) {
        Ok(prepared) => prepared,
        Err(error) => return AssistantStream::failed(model, error),
    };
    if api_key.starts_with("auth_tokens/") {
        return AssistantStream::failed(
            model,
            "Ephemeral tokens are only supported by the live API.",
        );
    }
    start_stream(model, options, move |writer, model, options| {
        run(writer, model, prepared, options)
    })
}

/// `{baseUrl}/models/{id}:streamGenerateContent?alt=sse`, as Google's SDK builds it.
fn url(model: &Model) -> Result<String, String> {
    let id = &model.id;
    if id.is_empty() || id.contains("..") || id.contains('?') || id.contains('&') {
        return Err("invalid model parameter".into());
    }
    let resource = if id.starts_with("models/") || id.starts_with("tunedModels/") {
        id.clone()
    } else {
        format!("models/{id}")
    };
    Ok(http::join_url(
        &model.base_url,
        &format!("{resource}:streamGenerateContent?alt=sse"),
    ))
}

async fn run(writer: AssistantWriter, model: Model, prepared: Prepared, options: StreamOptions) {
    let Prepared { mut body, headers } = prepared;
    if options.is_cancelled() {
        return writer.fail(StopReason::Aborted, "Request aborted");
    }
    if let Some(hook) = &options.on_payload {
        hook(&mut body, &model);
    }
    let has_contents = body
        .get("contents")
        .and_then(Value::as_array)
        .is_some_and(|contents| !contents.is_empty());
    if !has_contents {
        return writer.fail(StopReason::Error, "contents are required");
    }
    let url = match url(&model) {
        Ok(url) => url,
        Err(error) => return writer.fail(StopReason::Error, error),
    };
    let request_failure = RequestFailure::new(ABORTED, &error_message);
    let Some((mut writer, response)) =
        send(writer, &url, &headers, &body, &options, &request_failure).await
    else {
        return;
    };
    writer.start();
    let mut state = State {
        model: &model,
        current: None,
    };
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
        let chunk: Chunk = match serde_json::from_str(data) {
            Ok(chunk) => chunk,
            Err(err) => {
                return writer.fail(
                    StopReason::Error,
                    format!("Could not parse Google stream chunk: {err}; data={data}"),
                );
            }
        };
        if let Some(error) = stream_error(&chunk, data) {
            return writer.fail(StopReason::Error, error);
        }
        if let Err(error) = state.apply(&mut writer, chunk) {
            return writer.fail(StopReason::Error, error);
        }
    }
    state.close_block(&mut writer);
    if options.is_cancelled() {
        return writer.fail(StopReason::Aborted, "Request was aborted");
    }
    match writer.message().stop_reason {
        StopReason::Pending => {
            writer.fail(
                StopReason::Error,
                "Google stream ended without a finish reason",
            );
        }
        StopReason::Error | StopReason::Aborted => {
            let error = match &writer.message().raw_stop_reason {
                Some(raw) => format!("Provider stopped with: {raw}"),
                None => "An unknown error occurred".into(),
            };
            writer.fail(StopReason::Error, error);
        }
        _ => writer.done(),
    }
}

/// What a cancelled request reports (the text of the platform's abort error).
const ABORTED: &str = "This operation was aborted";

/// An HTTP error as Google's SDK words it: the JSON error body, or the text body wrapped in
/// Google's error shape.
fn error_message(error: &HttpStatusError) -> String {
    let is_json = error
        .headers
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("application/json"));
    let parsed = is_json
        .then(|| serde_json::from_str::<Value>(&error.body).ok())
        .flatten();
    let body = parsed.unwrap_or_else(|| {
        json!({"error": {
            "message": error.body,
            "code": error.status.as_u16(),
            "status": error.status.canonical_reason().unwrap_or_default(),
        }})
    });
    js_number::to_string(&body).unwrap_or_else(|_| error.body.clone())
}

/// An error object sent in place of a response chunk.
fn stream_error(chunk: &Chunk, data: &str) -> Option<String> {
    let error = chunk.error.as_ref()?;
    let code = error.get("code").and_then(Value::as_f64)?;
    if !(400.0..600.0).contains(&code) {
        return None;
    }
    let status = match error.get("status") {
        Some(Value::String(status)) => status.clone(),
        Some(other) => other.to_string(),
        None => "undefined".into(),
    };
    let whole = serde_json::from_str::<Value>(data)
        .ok()
        .and_then(|value| js_number::to_string(&value).ok())
        .unwrap_or_else(|| data.to_string());
    Some(format!("got status: {status}. {whole}"))
}

/// Numbers generated tool-call ids, process-wide like the reference's counter.
static TOOL_CALL_COUNTER: AtomicU64 = AtomicU64::new(0);

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Chunk {
    #[serde(default)]
    candidates: Option<Vec<Candidate>>,
    #[serde(default)]
    usage_metadata: Option<UsageMetadata>,
    #[serde(default)]
    response_id: Option<String>,
    #[serde(default)]
    error: Option<Value>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Candidate {
    #[serde(default)]
    content: Option<Content>,
    #[serde(default)]
    finish_reason: Option<String>,
}

#[derive(Deserialize)]
struct Content {
    #[serde(default)]
    parts: Option<Vec<Part>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Part {
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    thought: Option<bool>,
    #[serde(default)]
    thought_signature: Option<String>,
    #[serde(default)]
    function_call: Option<FunctionCall>,
}

#[derive(Deserialize)]
struct FunctionCall {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    args: Option<Value>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct UsageMetadata {
    #[serde(default)]
    prompt_token_count: Option<u64>,
    #[serde(default)]
    candidates_token_count: Option<u64>,
    #[serde(default)]
    thoughts_token_count: Option<u64>,
    #[serde(default)]
    cached_content_token_count: Option<u64>,
    #[serde(default)]
    total_token_count: Option<u64>,
}

/// The kind of the block text parts are streaming into.
#[derive(Clone, Copy, PartialEq, Eq)]
enum BlockKind {
    Text,
    Thinking,
}

struct State<'a> {
    model: &'a Model,
    /// The open text or thinking block: (content index, kind).
    current: Option<(usize, BlockKind)>,
}

impl State<'_> {
    fn close_block(&mut self, writer: &mut AssistantWriter) {
        match self.current.take() {
            Some((index, BlockKind::Text)) => writer.text_end(index),
            Some((index, BlockKind::Thinking)) => writer.thinking_end(index),
            None => {}
        }
    }

    fn apply(&mut self, writer: &mut AssistantWriter, chunk: Chunk) -> Result<(), String> {
        let has_id = writer
            .message()
            .response_id
            .as_deref()
            .is_some_and(|id| !id.is_empty());
        if let Some(id) = chunk.response_id.filter(|id| !has_id && !id.is_empty()) {
            writer.set_response_id(id);
        }
        let candidate = chunk.candidates.and_then(|c| c.into_iter().next());
        if let Some(candidate) = candidate {
            let parts = candidate.content.and_then(|c| c.parts).unwrap_or_default();
            for part in parts {
                self.apply_part(writer, part);
            }
            if let Some(reason) = candidate.finish_reason.filter(|r| !r.is_empty()) {
                let mut stop = map_stop_reason(&reason)?;
                if stop == StopReason::Stop && writer.message().tool_calls().next().is_some() {
                    stop = StopReason::ToolUse;
                }
                let message = writer.message_mut();
                message.stop_reason = stop;
                message.raw_stop_reason = Some(reason);
            }
        }
        if let Some(metadata) = chunk.usage_metadata {
            let cached = metadata.cached_content_token_count.unwrap_or(0);
            let thoughts = metadata.thoughts_token_count.unwrap_or(0);
            let mut usage = Usage {
                input: metadata
                    .prompt_token_count
                    .unwrap_or(0)
                    .saturating_sub(cached),
                output: metadata.candidates_token_count.unwrap_or(0) + thoughts,
                cache_read: cached,
                cache_write: 0,
                reasoning: Some(thoughts),
                total_tokens: metadata.total_token_count.unwrap_or(0),
                ..Usage::default()
            };
            self.model.calculate_cost(&mut usage);
            writer.set_usage(usage);
        }
        Ok(())
    }

    fn apply_part(&mut self, writer: &mut AssistantWriter, part: Part) {
        // A signature belongs to its part; later deltas of a block may omit it.
        let signature = part.thought_signature.filter(|s| !s.is_empty());
        if let Some(text) = part.text {
            let kind = if part.thought == Some(true) {
                BlockKind::Thinking
            } else {
                BlockKind::Text
            };
            let index = match self.current {
                Some((index, open)) if open == kind => index,
                _ => {
                    self.close_block(writer);
                    let index = match kind {
                        BlockKind::Thinking => writer.thinking_start(ThinkingContent::new("")),
                        BlockKind::Text => writer.text_start(TextContent::new("")),
                    };
                    self.current = Some((index, kind));
                    index
                }
            };
            match kind {
                BlockKind::Thinking => {
                    if let (Some(signature), Some(block)) =
                        (signature.clone(), writer.thinking_mut(index))
                    {
                        block.thinking_signature = Some(signature);
                    }
                    writer.thinking_delta(index, &text);
                }
                BlockKind::Text => {
                    if let (Some(signature), Some(block)) =
                        (signature.clone(), writer.text_mut(index))
                    {
                        block.text_signature = Some(signature);
                    }
                    writer.text_delta(index, &text);
                }
            }
        }
        if let Some(call) = part.function_call {
            self.close_block(writer);
            let provided = call.id.filter(|id| !id.is_empty());
            let duplicate = provided
                .as_deref()
                .is_some_and(|id| writer.message().tool_calls().any(|c| c.id == id));
            // Gemini often omits ids (and may repeat one); the reference makes them up so.
            let id = match provided {
                Some(id) if !duplicate => id,
                _ => {
                    let n = TOOL_CALL_COUNTER.fetch_add(1, Ordering::Relaxed) + 1;
                    let name = call.name.as_deref().unwrap_or("undefined");
                    format!("{name}_{}_{n}", now_ms())
                }
            };
            let arguments = match call.args {
                Some(Value::Null) | None => json!({}),
                Some(args) => args,
            };
            let index = writer.toolcall_start(id, call.name.unwrap_or_default());
            if let (Some(signature), Some(tool_call)) = (signature, writer.toolcall_mut(index)) {
                tool_call.thought_signature = Some(signature);
            }
            let delta = js_number::to_string(&arguments).unwrap_or_else(|_| "{}".into());
            writer.toolcall_delta(index, &delta);
            writer.toolcall_end(index);
        }
    }
}

/// Gemini's finish reasons: only `STOP` and `MAX_TOKENS` are a normal end.
fn map_stop_reason(reason: &str) -> Result<StopReason, String> {
    Ok(match reason {
        "STOP" => StopReason::Stop,
        "MAX_TOKENS" => StopReason::Length,
        "BLOCKLIST"
        | "PROHIBITED_CONTENT"
        | "SPII"
        | "SAFETY"
        | "IMAGE_SAFETY"
        | "IMAGE_PROHIBITED_CONTENT"
        | "IMAGE_RECITATION"
        | "IMAGE_OTHER"
        | "RECITATION"
        | "FINISH_REASON_UNSPECIFIED"
        | "OTHER"
        | "LANGUAGE"
        | "MALFORMED_FUNCTION_CALL"
        | "UNEXPECTED_TOOL_CALL"
        | "TOO_MANY_TOOL_CALLS"
        | "NO_IMAGE" => StopReason::Error,
        other => return Err(format!("Unhandled stop reason: {other}")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::providers::status_error;
    use reqwest::header::HeaderValue;

    fn status(code: u16, body: &str, json: bool) -> HttpStatusError {
        let mut error = status_error(code, body);
        if json {
            error.headers.insert(
                reqwest::header::CONTENT_TYPE,
                HeaderValue::from_static("application/json; charset=UTF-8"),
            );
        }
        error
    }

    #[test]
    fn errors_read_like_the_sdk() {
        let body = "{\n  \"error\": {\n    \"code\": 429,\n    \"message\": \"Quota\",\n    \"status\": \"RESOURCE_EXHAUSTED\"\n  }\n}\n";
        assert_eq!(
            error_message(&status(429, body, true)),
            r#"{"error":{"code":429,"message":"Quota","status":"RESOURCE_EXHAUSTED"}}"#
        );
        assert_eq!(
            error_message(&status(502, "<html>bad gateway</html>", false)),
            r#"{"error":{"message":"<html>bad gateway</html>","code":502,"status":"Bad Gateway"}}"#
        );
    }

    #[test]
    fn stop_reasons() {
        assert_eq!(map_stop_reason("STOP"), Ok(StopReason::Stop));
        assert_eq!(map_stop_reason("MAX_TOKENS"), Ok(StopReason::Length));
        assert_eq!(map_stop_reason("SAFETY"), Ok(StopReason::Error));
        assert_eq!(
            map_stop_reason("MISSING_THOUGHT_SIGNATURE"),
            Err("Unhandled stop reason: MISSING_THOUGHT_SIGNATURE".into())
        );
    }

    #[test]
    fn urls_name_the_model_resource() {
        let mut model: Model = serde_json::from_value(json!({"id": "gemini-2.5-pro", "name": "g",
            "api": "google-generative-ai", "provider": "google",
            "baseUrl": "https://generativelanguage.googleapis.com/v1beta/", "reasoning": true,
            "input": ["text"], "cost": {"input": 0, "output": 0, "cacheRead": 0, "cacheWrite": 0},
            "contextWindow": 1000, "maxTokens": 100}))
        .unwrap();
        assert_eq!(
            url(&model).unwrap(),
            "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse"
        );
        model.id = "tunedModels/mine".into();
        assert!(
            url(&model)
                .unwrap()
                .ends_with("/v1beta/tunedModels/mine:streamGenerateContent?alt=sse")
        );
        model.id = "../evil".into();
        assert_eq!(url(&model).unwrap_err(), "invalid model parameter");
    }
}

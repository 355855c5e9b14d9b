//! `anthropic-messages`: Anthropic's Messages API (also Claude-compatible gateways).

mod request;

use serde::Deserialize;
use serde_json::Value;

use super::no_api_key;
use super::transport::{Received, RequestFailure, next_event, send, start_stream};
use crate::context::Context;
use crate::env_keys::env_api_key;
use crate::http::{self, HttpStatusError};
use crate::message::{StopReason, TextContent, ThinkingContent, Usage};
use crate::model::{LevelValue, Model};
use crate::options::{
    SimpleStreamOptions, StreamOptions, adjust_max_tokens_for_thinking, base_options,
    clamp_max_tokens_to_context,
};
use crate::registry::{ApiProvider, StartError};
use crate::sse;
use crate::stream::{AssistantStream, AssistantWriter};
use crate::tool::Tool;

use request::{AnthropicCompat, Prepared, from_claude_code_name, prepare};

/// The `anthropic-messages` adapter.
#[derive(Debug, Clone, Copy, Default)]
pub struct AnthropicMessages;

impl ApiProvider for AnthropicMessages {
    fn api(&self) -> &str {
        "anthropic-messages"
    }

    fn stream(&self, model: &Model, context: &Context, options: &StreamOptions) -> AssistantStream {
        let api_key = options
            .api_key
            .clone()
            .or_else(|| env_api_key(&model.provider, options));
        if api_key.is_none() && !has_auth_header(options) {
            return AssistantStream::failed(model, no_api_key(model));
        }
        let prepared = match prepare(model, context, options, api_key.as_deref()) {
            Ok(prepared) => prepared,
            Err(error) => return AssistantStream::failed(model, error),
        };
        start_stream(model, options, move |writer, model, options| {
            run(writer, model, prepared, options)
        })
    }

    fn stream_simple(
        &self,
        model: &Model,
        context: &Context,
        options: &SimpleStreamOptions,
    ) -> Result<AssistantStream, StartError> {
        let api_key = options
            .base
            .api_key
            .clone()
            .or_else(|| env_api_key(&model.provider, &options.base));
        if api_key.is_none() && !has_auth_header(&options.base) {
            return Err(no_api_key(model));
        }
        let transcript = crate::context::Transcript::new(context);
        let mut base = base_options(model, &transcript.messages, options, api_key);
        match options.level() {
            None => base.thinking.enabled = Some(false),
            Some(level) if AnthropicCompat::of(model).force_adaptive_thinking => {
                base.thinking.enabled = Some(true);
                base.thinking.effort = Some(adaptive_effort(model, level));
            }
            Some(level) => {
                let (max_tokens, budget) = adjust_max_tokens_for_thinking(
                    base.max_tokens,
                    model.max_tokens,
                    level,
                    options.thinking_budgets.as_ref(),
                );
                let context_tokens =
                    crate::estimate::estimate_context_tokens(&transcript.messages).tokens;
                let max_tokens = clamp_max_tokens_to_context(model, context_tokens, max_tokens);
                base.max_tokens = Some(max_tokens);
                base.thinking.enabled = Some(true);
                base.thinking.budget_tokens = Some(budget.min(max_tokens.saturating_sub(1024)));
            }
        }
        base.thinking.level = options.level();
        Ok(self.stream(model, context, &base))
    }
}

/// Whether the caller supplies authentication in a header instead of a key.
fn has_auth_header(options: &StreamOptions) -> bool {
    options.headers.iter().any(|(name, value)| {
        ["authorization", "x-api-key", "cf-aig-authorization"]
            .iter()
            .any(|n| name.eq_ignore_ascii_case(n))
            && value.as_deref().is_some_and(|v| !v.trim().is_empty())
    })
}

/// Adaptive-thinking effort for a level: the model's mapping, else pi's defaults.
fn adaptive_effort(model: &Model, level: crate::ThinkingLevel) -> String {
    use crate::ThinkingLevel as L;
    if let LevelValue::Mapped(value) = model.thinking_level_value(level) {
        return value.to_string();
    }
    match level {
        L::Minimal | L::Low => "low",
        L::Medium => "medium",
        _ => "high",
    }
    .to_string()
}

async fn run(writer: AssistantWriter, model: Model, prepared: Prepared, options: StreamOptions) {
    let Prepared {
        mut body,
        headers,
        oauth,
        tools,
    } = prepared;
    if let Some(hook) = &options.on_payload {
        hook(&mut body, &model);
        if let Some(object) = body.as_object_mut() {
            object.insert("stream".into(), Value::Bool(true));
        }
    }
    let url = http::join_url(&model.base_url, "/v1/messages?beta=true");
    let request_failure = RequestFailure::new("Request was aborted", &error_message);
    let Some((mut writer, response)) =
        send(writer, &url, &headers, &body, &options, &request_failure).await
    else {
        return;
    };
    writer.start();
    let mut state = State {
        model: &model,
        oauth,
        tools: &tools,
        blocks: Vec::new(),
        usage_model: None,
    };
    let mut events = sse::events(http::body_stream(response));
    let mut saw_start = false;
    let mut saw_stop = false;
    loop {
        let event = match next_event(&mut events, &options).await {
            Received::Event(event) => event,
            Received::End => break,
            Received::Cancelled => return writer.fail(StopReason::Aborted, "Request was aborted"),
            Received::Broken(text) => return writer.fail(StopReason::Error, text),
        };
        if event.event == "error" {
            return writer.fail(StopReason::Error, event.data);
        }
        if !matches!(
            event.event.as_str(),
            "message_start"
                | "message_delta"
                | "message_stop"
                | "content_block_start"
                | "content_block_delta"
                | "content_block_stop"
        ) {
            continue;
        }
        let parsed: WireEvent = match serde_json::from_str(&event.data) {
            Ok(parsed) => parsed,
            Err(err) => {
                return writer.fail(
                    StopReason::Error,
                    format!(
                        "Could not parse Anthropic SSE event {}: {err}; data={}",
                        event.event, event.data
                    ),
                );
            }
        };
        match parsed {
            WireEvent::MessageStart { .. } => saw_start = true,
            WireEvent::MessageStop => saw_stop = true,
            _ => {}
        }
        if let Err(error) = state.apply(&mut writer, parsed) {
            return writer.fail(StopReason::Error, error);
        }
    }
    if options.is_cancelled() {
        return writer.fail(StopReason::Aborted, "Request was aborted");
    }
    if saw_start && !saw_stop {
        return writer.fail(
            StopReason::Error,
            "Anthropic stream ended before message_stop",
        );
    }
    if writer.message().stop_reason == StopReason::Pending {
        return writer.fail(
            StopReason::Error,
            "Anthropic stream ended without a stop reason",
        );
    }
    writer.done();
}

/// An HTTP error as the Anthropic SDK words it: the status and the body.
fn error_message(error: &HttpStatusError) -> String {
    let status = error.status.as_u16();
    let body = error.body.trim();
    match serde_json::from_str::<Value>(body) {
        Ok(json) => match json.get("message") {
            Some(Value::String(message)) if !message.is_empty() => format!("{status} {message}"),
            _ if super::is_truthy(&json) => format!("{status} {json}"),
            _ => format!("{status} status code (no body)"),
        },
        Err(_) if !body.is_empty() => format!("{status} {body}"),
        Err(_) => format!("{status} status code (no body)"),
    }
}

/// The subset of Anthropic's stream events pi reads.
#[derive(Deserialize)]
#[serde(try_from = "FlatEvent")]
enum WireEvent {
    MessageStart {
        message: WireMessage,
    },
    ContentBlockStart {
        index: u64,
        content_block: WireBlock,
    },
    ContentBlockDelta {
        index: u64,
        delta: WireDelta,
    },
    ContentBlockStop {
        index: u64,
    },
    MessageDelta {
        delta: WireMessageDelta,
        usage: Option<WireUsage>,
    },
    MessageStop,
    Other,
}

/// Every field any event may carry. Deltas are by far the most frequent events; reading
/// them into one plain struct avoids serde's buffering of internally tagged enums, which
/// costs more than the parse itself.
#[derive(Deserialize)]
struct FlatEvent {
    #[serde(rename = "type")]
    kind: EventKind,
    #[serde(default)]
    index: Option<u64>,
    #[serde(default)]
    message: Option<WireMessage>,
    #[serde(default)]
    content_block: Option<WireBlock>,
    #[serde(default)]
    delta: Option<FlatDelta>,
    #[serde(default)]
    usage: Option<WireUsage>,
}

#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum EventKind {
    MessageStart,
    ContentBlockStart,
    ContentBlockDelta,
    ContentBlockStop,
    MessageDelta,
    MessageStop,
    #[serde(other)]
    Other,
}

/// The delta of a content block (tagged by `type`) or of the message (stop reason).
#[derive(Deserialize, Default)]
struct FlatDelta {
    #[serde(rename = "type", default)]
    kind: Option<DeltaKind>,
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    thinking: Option<String>,
    #[serde(default)]
    partial_json: Option<String>,
    #[serde(default)]
    signature: Option<String>,
    #[serde(default)]
    stop_reason: Option<String>,
    #[serde(default)]
    stop_details: Option<WireStopDetails>,
}

#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum DeltaKind {
    TextDelta,
    ThinkingDelta,
    InputJsonDelta,
    SignatureDelta,
    #[serde(other)]
    Other,
}

impl TryFrom<FlatEvent> for WireEvent {
    type Error = String;

    fn try_from(flat: FlatEvent) -> Result<Self, String> {
        let missing = |field: &str| format!("missing field `{field}`");
        Ok(match flat.kind {
            EventKind::MessageStart => WireEvent::MessageStart {
                message: flat.message.ok_or_else(|| missing("message"))?,
            },
            EventKind::ContentBlockStart => WireEvent::ContentBlockStart {
                index: flat.index.ok_or_else(|| missing("index"))?,
                content_block: flat.content_block.ok_or_else(|| missing("content_block"))?,
            },
            EventKind::ContentBlockDelta => {
                let index = flat.index.ok_or_else(|| missing("index"))?;
                let delta = flat.delta.ok_or_else(|| missing("delta"))?;
                let field = |value: Option<String>, name: &str| value.ok_or_else(|| missing(name));
                let delta = match delta.kind {
                    Some(DeltaKind::TextDelta) => WireDelta::TextDelta {
                        text: field(delta.text, "text")?,
                    },
                    Some(DeltaKind::ThinkingDelta) => WireDelta::ThinkingDelta {
                        thinking: field(delta.thinking, "thinking")?,
                    },
                    Some(DeltaKind::InputJsonDelta) => WireDelta::InputJsonDelta {
                        partial_json: field(delta.partial_json, "partial_json")?,
                    },
                    Some(DeltaKind::SignatureDelta) => WireDelta::SignatureDelta {
                        signature: field(delta.signature, "signature")?,
                    },
                    Some(DeltaKind::Other) | None => WireDelta::Other,
                };
                WireEvent::ContentBlockDelta { index, delta }
            }
            EventKind::ContentBlockStop => WireEvent::ContentBlockStop {
                index: flat.index.ok_or_else(|| missing("index"))?,
            },
            EventKind::MessageDelta => {
                let delta = flat.delta.unwrap_or_default();
                WireEvent::MessageDelta {
                    delta: WireMessageDelta {
                        stop_reason: delta.stop_reason,
                        stop_details: delta.stop_details,
                    },
                    usage: flat.usage,
                }
            }
            EventKind::MessageStop => WireEvent::MessageStop,
            EventKind::Other => WireEvent::Other,
        })
    }
}

#[derive(Deserialize)]
struct WireMessage {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    model: Option<String>,
    #[serde(default)]
    usage: WireUsage,
}

#[derive(Deserialize, Default)]
struct WireUsage {
    input_tokens: Option<u64>,
    output_tokens: Option<u64>,
    cache_read_input_tokens: Option<u64>,
    cache_creation_input_tokens: Option<u64>,
    cache_creation: Option<WireCacheCreation>,
    output_tokens_details: Option<WireOutputDetails>,
}

#[derive(Deserialize, Default)]
struct WireCacheCreation {
    ephemeral_1h_input_tokens: Option<u64>,
}

#[derive(Deserialize, Default)]
struct WireOutputDetails {
    thinking_tokens: Option<u64>,
}

#[derive(Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum WireBlock {
    Text {
        #[serde(default)]
        text: Option<String>,
    },
    Thinking {
        #[serde(default)]
        thinking: Option<String>,
        #[serde(default)]
        signature: Option<String>,
    },
    RedactedThinking {
        #[serde(default)]
        data: String,
    },
    ToolUse {
        id: String,
        name: String,
    },
    Fallback,
    #[serde(other)]
    Other,
}

enum WireDelta {
    TextDelta { text: String },
    ThinkingDelta { thinking: String },
    InputJsonDelta { partial_json: String },
    SignatureDelta { signature: String },
    Other,
}

struct WireMessageDelta {
    stop_reason: Option<String>,
    stop_details: Option<WireStopDetails>,
}

#[derive(Deserialize, Default)]
struct WireStopDetails {
    #[serde(default)]
    explanation: Option<String>,
}

/// What a content block of the response became.
#[derive(Clone, Copy)]
enum BlockKind {
    Text,
    Thinking,
    ToolCall,
}

struct State<'a> {
    model: &'a Model,
    oauth: bool,
    tools: &'a [Tool],
    /// Anthropic block index -> (content index, kind), for open blocks.
    blocks: Vec<(u64, usize, BlockKind)>,
    /// Pricing of the model that answered, when a fallback model answered.
    usage_model: Option<Model>,
}

impl State<'_> {
    fn block(&self, index: u64) -> Option<(usize, BlockKind)> {
        self.blocks
            .iter()
            .find(|(i, _, _)| *i == index)
            .map(|(_, content, kind)| (*content, *kind))
    }

    fn apply(&mut self, writer: &mut AssistantWriter, event: WireEvent) -> Result<(), String> {
        match event {
            WireEvent::MessageStart { message } => {
                if let Some(id) = message.id {
                    writer.set_response_id(id);
                }
                if let Some(answered) = message.model.filter(|m| *m != self.model.id) {
                    self.usage_model = self.fallback_pricing(&answered);
                    writer.set_response_model(answered);
                }
                let usage = &message.usage;
                let mut new = Usage {
                    input: usage.input_tokens.unwrap_or(0),
                    output: usage.output_tokens.unwrap_or(0),
                    cache_read: usage.cache_read_input_tokens.unwrap_or(0),
                    cache_write: usage.cache_creation_input_tokens.unwrap_or(0),
                    cache_write_1h: Some(
                        usage
                            .cache_creation
                            .as_ref()
                            .and_then(|c| c.ephemeral_1h_input_tokens)
                            .unwrap_or(0),
                    ),
                    ..Usage::default()
                };
                self.finish_usage(&mut new);
                writer.set_usage(new);
            }
            WireEvent::ContentBlockStart {
                index,
                content_block,
            } => {
                let (content, kind) = match content_block {
                    WireBlock::Text { text } => (
                        writer.text_start(TextContent::new(text.unwrap_or_default())),
                        BlockKind::Text,
                    ),
                    WireBlock::Thinking {
                        thinking,
                        signature,
                    } => {
                        let block = ThinkingContent::signed(
                            thinking.unwrap_or_default(),
                            signature.unwrap_or_default(),
                        );
                        (writer.thinking_start(block), BlockKind::Thinking)
                    }
                    WireBlock::RedactedThinking { data } => {
                        let block = ThinkingContent {
                            redacted: Some(true),
                            ..ThinkingContent::signed("[Reasoning redacted]", data)
                        };
                        (writer.thinking_start(block), BlockKind::Thinking)
                    }
                    WireBlock::ToolUse { id, name } => {
                        let name = if self.oauth {
                            from_claude_code_name(&name, self.tools)
                        } else {
                            name
                        };
                        (writer.toolcall_start(id, name), BlockKind::ToolCall)
                    }
                    WireBlock::Fallback => {
                        if !writer.message().content.is_empty() {
                            return Err(
                                "Anthropic performed an unsupported mid-output model fallback"
                                    .into(),
                            );
                        }
                        return Ok(());
                    }
                    WireBlock::Other => return Ok(()),
                };
                self.blocks.push((index, content, kind));
            }
            WireEvent::ContentBlockDelta { index, delta } => {
                let Some((content, kind)) = self.block(index) else {
                    return Ok(());
                };
                match (delta, kind) {
                    (WireDelta::TextDelta { text }, BlockKind::Text) => {
                        writer.text_delta(content, &text)
                    }
                    (WireDelta::ThinkingDelta { thinking }, BlockKind::Thinking) => {
                        writer.thinking_delta(content, &thinking);
                    }
                    (WireDelta::InputJsonDelta { partial_json }, BlockKind::ToolCall) => {
                        writer.toolcall_delta(content, &partial_json);
                    }
                    (WireDelta::SignatureDelta { signature }, BlockKind::Thinking) => {
                        if let Some(block) = writer.thinking_mut(content) {
                            block
                                .thinking_signature
                                .get_or_insert_with(String::new)
                                .push_str(&signature);
                        }
                    }
                    _ => {}
                }
            }
            WireEvent::ContentBlockStop { index } => {
                let Some((content, kind)) = self.block(index) else {
                    return Ok(());
                };
                self.blocks.retain(|(i, _, _)| *i != index);
                match kind {
                    BlockKind::Text => writer.text_end(content),
                    BlockKind::Thinking => writer.thinking_end(content),
                    BlockKind::ToolCall => writer.toolcall_end(content),
                }
            }
            WireEvent::MessageDelta { delta, usage } => {
                if let Some(raw) = delta.stop_reason {
                    let (reason, error) = map_stop_reason(&raw, delta.stop_details)?;
                    let message = writer.message_mut();
                    message.stop_reason = reason;
                    message.raw_stop_reason = Some(raw);
                    if let Some(error) = error {
                        message.error_message = Some(error);
                    }
                }
                let mut new = writer.message().usage.clone();
                // Proxies may omit fields here; keep what message_start said.
                if let Some(usage) = usage {
                    if let Some(v) = usage.input_tokens {
                        new.input = v;
                    }
                    if let Some(v) = usage.output_tokens {
                        new.output = v;
                    }
                    if let Some(v) = usage.cache_read_input_tokens {
                        new.cache_read = v;
                    }
                    if let Some(v) = usage.cache_creation_input_tokens {
                        new.cache_write = v;
                    }
                    if let Some(v) = usage.output_tokens_details.and_then(|d| d.thinking_tokens) {
                        new.reasoning = Some(v);
                    }
                }
                self.finish_usage(&mut new);
                writer.set_usage(new);
            }
            WireEvent::MessageStop | WireEvent::Other => {}
        }
        Ok(())
    }

    /// Totals (Anthropic reports none) and cost.
    fn finish_usage(&self, usage: &mut Usage) {
        usage.total_tokens = usage.input + usage.output + usage.cache_read + usage.cache_write;
        self.usage_model
            .as_ref()
            .unwrap_or(self.model)
            .calculate_cost(usage);
    }

    fn fallback_pricing(&self, answered: &str) -> Option<Model> {
        let fallbacks = self
            .model
            .compat
            .as_ref()?
            .allowed_fallback_models
            .as_ref()?;
        let fallback = fallbacks
            .iter()
            .find(|f| f.provider == self.model.provider && f.model == answered)?;
        Some(Model {
            id: answered.to_string(),
            cost: fallback.cost.clone(),
            ..self.model.clone()
        })
    }
}

fn map_stop_reason(
    reason: &str,
    details: Option<WireStopDetails>,
) -> Result<(StopReason, Option<String>), String> {
    Ok(match reason {
        "end_turn" | "pause_turn" | "stop_sequence" => (StopReason::Stop, None),
        "max_tokens" => (StopReason::Length, None),
        "tool_use" => (StopReason::ToolUse, None),
        "refusal" => {
            let explanation = details
                .and_then(|d| d.explanation)
                .filter(|e| !e.is_empty());
            let text =
                explanation.unwrap_or_else(|| "The model refused to complete the request".into());
            (StopReason::Error, Some(text))
        }
        "sensitive" => (
            StopReason::Error,
            Some("Provider stopped with: sensitive".into()),
        ),
        other => return Err(format!("Unhandled stop reason: {other}")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::providers::status_error as status;

    #[test]
    fn errors_read_like_the_sdk() {
        let body = r#"{"type":"error","error":{"type":"rate_limit_error","message":"slow down"}}"#;
        assert_eq!(error_message(&status(429, body)), format!("429 {body}"));
        assert_eq!(
            error_message(&status(502, "Bad Gateway")),
            "502 Bad Gateway"
        );
        assert_eq!(error_message(&status(500, "")), "500 status code (no body)");
        assert_eq!(
            error_message(&status(400, r#"{"message":"bad"}"#)),
            "400 bad"
        );
    }
}

//! The message model: what a conversation is made of, serialized exactly as pi writes it.
//!
//! Roles, block types and stop reasons are camelCase (`toolResult`, `toolCall`, `toolUse`);
//! fields are camelCase; absent optional fields are omitted. Every message keeps fields it
//! does not know in `extra`, so a file written by a newer pi survives a round trip.

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::js_number;
use crate::tool::{Tool, ToolReference};

/// One message of a conversation, tagged by `role`.
#[allow(
    clippy::large_enum_variant,
    reason = "assistant messages dominate real transcripts; boxing them would only add indirection"
)]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "role", rename_all = "camelCase")]
pub enum Message {
    /// Instructions and tool declarations at one point in the transcript.
    System(SystemMessage),
    /// What the user said.
    User(UserMessage),
    /// What the model answered.
    Assistant(AssistantMessage),
    /// The outcome of one tool call.
    ToolResult(ToolResultMessage),
}

impl Message {
    /// The message's timestamp in Unix milliseconds.
    pub fn timestamp(&self) -> i64 {
        match self {
            Message::System(m) => m.timestamp,
            Message::User(m) => m.timestamp,
            Message::Assistant(m) => m.timestamp,
            Message::ToolResult(m) => m.timestamp,
        }
    }
}

impl From<UserMessage> for Message {
    fn from(message: UserMessage) -> Self {
        Message::User(message)
    }
}

impl From<AssistantMessage> for Message {
    fn from(message: AssistantMessage) -> Self {
        Message::Assistant(message)
    }
}

impl From<ToolResultMessage> for Message {
    fn from(message: ToolResultMessage) -> Self {
        Message::ToolResult(message)
    }
}

impl From<SystemMessage> for Message {
    fn from(message: SystemMessage) -> Self {
        Message::System(message)
    }
}

/// Text or image content of a user, system or tool-result message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum InputContent {
    /// A text block.
    Text(TextContent),
    /// A base64 image.
    Image(ImageContent),
}

/// Content of an assistant message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum AssistantContent {
    /// Visible answer text.
    Text(TextContent),
    /// The model's reasoning.
    Thinking(ThinkingContent),
    /// A request to run a tool.
    ToolCall(ToolCall),
}

/// A user or system message body: pi writes either a plain string or a list of blocks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum UserContent {
    /// A plain string.
    Text(String),
    /// A list of text and image blocks.
    Blocks(Vec<InputContent>),
}

impl UserContent {
    /// The text blocks joined with `separator` (images are skipped).
    pub fn text(&self, separator: &str) -> String {
        match self {
            UserContent::Text(text) => text.clone(),
            UserContent::Blocks(blocks) => join_text(blocks, separator),
        }
    }
}

impl From<&str> for UserContent {
    fn from(text: &str) -> Self {
        UserContent::Text(text.to_string())
    }
}

impl From<String> for UserContent {
    fn from(text: String) -> Self {
        UserContent::Text(text)
    }
}

/// Joins the text blocks of `blocks` with `separator`.
pub(crate) fn join_text(blocks: &[InputContent], separator: &str) -> String {
    let texts: Vec<&str> = blocks
        .iter()
        .filter_map(|block| match block {
            InputContent::Text(text) => Some(text.text.as_str()),
            InputContent::Image(_) => None,
        })
        .collect();
    texts.join(separator)
}

/// A text block.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TextContent {
    /// The text.
    pub text: String,
    /// Provider id of the text item (OpenAI Responses), plain or as `{"v":1,"id",...}` JSON.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text_signature: Option<String>,
    /// Fields this version does not model, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl TextContent {
    /// A text block without a signature.
    pub fn new(text: impl Into<String>) -> Self {
        TextContent {
            text: text.into(),
            text_signature: None,
            extra: Map::new(),
        }
    }
}

/// A reasoning block.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ThinkingContent {
    /// The reasoning text (`"[Reasoning redacted]"` when redacted).
    pub thinking: String,
    /// Provider replay data: Anthropic's signature, OpenAI's reasoning item, or the name of
    /// the Chat Completions field the reasoning came in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thinking_signature: Option<String>,
    /// True when a safety filter redacted the reasoning; the opaque payload is then in
    /// `thinking_signature`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redacted: Option<bool>,
    /// Fields this version does not model, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl ThinkingContent {
    /// A reasoning block without a signature.
    pub fn new(thinking: impl Into<String>) -> Self {
        ThinkingContent {
            thinking: thinking.into(),
            thinking_signature: None,
            redacted: None,
            extra: Map::new(),
        }
    }

    /// A reasoning block with a provider signature.
    pub fn signed(thinking: impl Into<String>, signature: impl Into<String>) -> Self {
        ThinkingContent {
            thinking_signature: Some(signature.into()),
            ..ThinkingContent::new(thinking)
        }
    }

    /// Whether the block is redacted.
    pub fn is_redacted(&self) -> bool {
        self.redacted == Some(true)
    }
}

/// A base64 image (no `data:` prefix).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImageContent {
    /// Base64 payload.
    pub data: String,
    /// MIME type, for example `image/png`.
    pub mime_type: String,
    /// Fields this version does not model, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl ImageContent {
    /// An image from base64 data.
    pub fn new(data: impl Into<String>, mime_type: impl Into<String>) -> Self {
        ImageContent {
            data: data.into(),
            mime_type: mime_type.into(),
            extra: Map::new(),
        }
    }
}

/// A tool call requested by the model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ToolCall {
    /// Call id; tool results answer it with `toolCallId`.
    pub id: String,
    /// Tool name.
    pub name: String,
    /// Arguments as a JSON object.
    pub arguments: Map<String, Value>,
    /// Provider replay data (Google thought signatures, OpenRouter reasoning details).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thought_signature: Option<String>,
    /// OpenAI Responses namespace of a namespaced tool.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// Fields this version does not model, kept verbatim (old pi versions persisted their
    /// streaming scratch fields here).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl ToolCall {
    /// A call of `name` with `arguments`.
    pub fn new(
        id: impl Into<String>,
        name: impl Into<String>,
        arguments: Map<String, Value>,
    ) -> Self {
        ToolCall {
            id: id.into(),
            name: name.into(),
            arguments,
            thought_signature: None,
            namespace: None,
            extra: Map::new(),
        }
    }
}

/// Token counts and their cost in USD.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Usage {
    /// Prompt tokens not served from cache.
    pub input: u64,
    /// Output tokens, reasoning included.
    pub output: u64,
    /// Prompt tokens read from cache.
    pub cache_read: u64,
    /// Prompt tokens written to cache.
    pub cache_write: u64,
    /// Reasoning tokens, a part of `output`, when the provider reports them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reasoning: Option<u64>,
    /// Total tokens of the request (files from pi's first versions lack it).
    #[serde(default)]
    pub total_tokens: u64,
    /// Cost of each bucket.
    pub cost: UsageCost,
    /// Part of `cache_write` written with one-hour retention (Anthropic only; pi writes it
    /// after the cost).
    #[serde(
        rename = "cacheWrite1h",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub cache_write_1h: Option<u64>,
}

/// Cost in USD of each usage bucket.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UsageCost {
    /// Cost of `input`.
    #[serde(serialize_with = "js_number::serialize")]
    pub input: f64,
    /// Cost of `output`.
    #[serde(serialize_with = "js_number::serialize")]
    pub output: f64,
    /// Cost of `cache_read`.
    #[serde(serialize_with = "js_number::serialize")]
    pub cache_read: f64,
    /// Cost of `cache_write`.
    #[serde(serialize_with = "js_number::serialize")]
    pub cache_write: f64,
    /// Sum of the four.
    #[serde(serialize_with = "js_number::serialize")]
    pub total: f64,
}

/// Why the model stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum StopReason {
    /// Still streaming (only ever seen on partial messages).
    Pending,
    /// A natural end of the answer.
    Stop,
    /// The output token limit was reached.
    Length,
    /// The model wants tool results.
    ToolUse,
    /// The request failed; see `error_message`.
    Error,
    /// The request was cancelled.
    Aborted,
    /// The provider continues the request asynchronously.
    Deferred,
}

impl StopReason {
    /// The name pi writes for this stop reason.
    pub fn as_str(self) -> &'static str {
        match self {
            StopReason::Pending => "pending",
            StopReason::Stop => "stop",
            StopReason::Length => "length",
            StopReason::ToolUse => "toolUse",
            StopReason::Error => "error",
            StopReason::Aborted => "aborted",
            StopReason::Deferred => "deferred",
        }
    }

    /// Whether the stream ended in failure (`error` or `aborted`).
    pub fn is_failure(self) -> bool {
        matches!(self, StopReason::Error | StopReason::Aborted)
    }
}

/// A user message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserMessage {
    /// A string or text and image blocks.
    pub content: UserContent,
    /// Unix milliseconds.
    pub timestamp: i64,
    /// Fields this version does not model, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl UserMessage {
    /// A user message with plain text content, stamped now.
    pub fn text(text: impl Into<String>) -> Self {
        UserMessage {
            content: UserContent::Text(text.into()),
            timestamp: now_ms(),
            extra: Map::new(),
        }
    }
}

/// An assistant message: the model's answer and how it was produced.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AssistantMessage {
    /// Text, thinking and tool-call blocks in the order the model produced them.
    pub content: Vec<AssistantContent>,
    /// The API that produced it (`anthropic-messages`, `openai-completions`, ...).
    pub api: String,
    /// The provider (`anthropic`, `openai`, a custom name, ...).
    pub provider: String,
    /// The requested model id.
    pub model: String,
    /// Token counts and cost.
    pub usage: Usage,
    /// Why the model stopped.
    pub stop_reason: StopReason,
    /// Unix milliseconds.
    pub timestamp: i64,
    /// The model that actually answered, when a router chose another one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_model: Option<String>,
    /// The provider's id for this response.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_id: Option<String>,
    /// The provider-native effort level used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider_thinking_level: Option<String>,
    /// Notes about how the response was produced (for debugging).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub diagnostics: Option<Vec<Diagnostic>>,
    /// Handle of a deferred response.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deferred: Option<DeferredHandle>,
    /// The provider's own stop reason (`end_turn`, `tool_calls`, `STOP`, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub raw_stop_reason: Option<String>,
    /// Whether the provider said the model explicitly ended its turn.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_turn: Option<bool>,
    /// What went wrong, when `stop_reason` is `error` or `aborted`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_message: Option<String>,
    /// How long the provider asked to wait before a retry (its `retry-after` or rate-limit
    /// headers on a failed request). In memory only: pi's JSON has no such field; read it
    /// through [`retry_delay_hint`](crate::retry_delay_hint).
    #[serde(skip)]
    pub retry_after: Option<std::time::Duration>,
    /// Fields this version does not model, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl AssistantMessage {
    /// An empty message for `model`, stamped now, with stop reason `pending`.
    pub fn empty(api: &str, provider: &str, model: &str) -> Self {
        AssistantMessage {
            content: Vec::new(),
            api: api.to_string(),
            provider: provider.to_string(),
            model: model.to_string(),
            usage: Usage::default(),
            stop_reason: StopReason::Pending,
            timestamp: now_ms(),
            response_model: None,
            response_id: None,
            provider_thinking_level: None,
            diagnostics: None,
            deferred: None,
            raw_stop_reason: None,
            end_turn: None,
            error_message: None,
            retry_after: None,
            extra: Map::new(),
        }
    }

    /// The visible text: every text block, concatenated.
    pub fn text(&self) -> String {
        self.content
            .iter()
            .filter_map(|block| match block {
                AssistantContent::Text(text) => Some(text.text.as_str()),
                _ => None,
            })
            .collect()
    }

    /// The tool calls, in order.
    pub fn tool_calls(&self) -> impl Iterator<Item = &ToolCall> {
        self.content.iter().filter_map(|block| match block {
            AssistantContent::ToolCall(call) => Some(call),
            _ => None,
        })
    }
}

/// A note attached to an assistant message about how it was produced.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Diagnostic {
    /// What kind of note this is.
    #[serde(rename = "type")]
    pub kind: String,
    /// Unix milliseconds.
    pub timestamp: i64,
    /// The error behind the note, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<Value>,
    /// Free-form details.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub details: Option<Value>,
}

/// A durable handle to a response the provider finishes asynchronously.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeferredHandle {
    /// Provider of the request.
    pub provider: String,
    /// Model of the request.
    pub model_id: String,
    /// API of the request.
    pub api: String,
    /// Provider token for the response.
    pub id: String,
    /// When the handle expires (Unix milliseconds).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<i64>,
    /// Suggested delay before polling.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub poll_after_ms: Option<u64>,
    /// Provider data needed to rebuild the final message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<Value>,
}

/// The result of one tool call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ToolResultMessage {
    /// The call this answers.
    pub tool_call_id: String,
    /// The tool's name.
    pub tool_name: String,
    /// What the model sees.
    pub content: Vec<InputContent>,
    /// Structured details for the UI and session (never sent to the model).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub details: Option<Value>,
    /// Usage of model work done inside the tool (not part of the context).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage: Option<Usage>,
    /// Whether the tool failed.
    pub is_error: bool,
    /// Unix milliseconds.
    pub timestamp: i64,
    /// Fields this version does not model, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl ToolResultMessage {
    /// A text result for `call`, stamped now.
    pub fn text(call: &ToolCall, text: impl Into<String>, is_error: bool) -> Self {
        ToolResultMessage {
            tool_call_id: call.id.clone(),
            tool_name: call.name.clone(),
            content: vec![InputContent::Text(TextContent::new(text))],
            details: None,
            usage: None,
            is_error,
            timestamp: now_ms(),
            extra: Map::new(),
        }
    }
}

/// System instructions and tool declarations at one point of the transcript.
///
/// The leading system message is the system prompt. Later ones change it: `content` adds
/// instructions, `sections` replace (or, with `null`, remove) named sections, and
/// `tools_added`/`tools_removed` change the tool set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SystemMessage {
    /// Instruction text.
    pub content: UserContent,
    /// Named prompt sections, rendered after `content` in order; `None` removes one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sections: Option<IndexMap<String, Option<String>>>,
    /// Unix milliseconds (before the tool lists, where pi's agent loop writes it).
    pub timestamp: i64,
    /// Tools that become available here.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tools_added: Option<Vec<Tool>>,
    /// Tools that stop being available here.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tools_removed: Option<Vec<ToolReference>>,
    /// Fields this version does not model, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl SystemMessage {
    /// The full prompt text: `content`, then each present section, blank-line separated.
    pub fn prompt_text(&self) -> String {
        let mut parts = vec![self.content.text("\n")];
        if let Some(sections) = &self.sections {
            parts.extend(sections.values().flatten().cloned());
        }
        parts.retain(|part| !part.is_empty());
        parts.join("\n\n")
    }
}

/// The current time in Unix milliseconds.
pub fn now_ms() -> i64 {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH);
    now.map_or(0, |elapsed| {
        i64::try_from(elapsed.as_millis()).unwrap_or(i64::MAX)
    })
}

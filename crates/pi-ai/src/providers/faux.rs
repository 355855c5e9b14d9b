//! `faux`: an in-process provider that plays back scripted responses.
//!
//! For tests and for embedders who want to exercise an agent without a network. Responses
//! are queued in order; each request takes the next one and streams it in token-sized
//! chunks, optionally at a fixed token rate. Usage is estimated from the context, with a
//! simulated prompt cache per session id.
//!
//! ```
//! use pi_ai::faux::{FauxProvider, FauxResponse};
//! # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
//! let faux = FauxProvider::new([
//!     FauxResponse::tool_call("ls", serde_json::json!({"path": "."})),
//!     FauxResponse::text("Two files."),
//! ]);
//! let mut registry = pi_ai::ApiRegistry::new();
//! registry.register(faux.clone());
//! let first = registry.complete(&faux.model(), &"What is here?".into(), &Default::default()).await;
//! assert_eq!(first.stop_reason, pi_ai::StopReason::ToolUse);
//! let second = registry.complete(&faux.model(), &"And now?".into(), &Default::default()).await;
//! assert_eq!(second.text(), "Two files.");
//! # });
//! ```

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Map, Value};

use crate::context::{Context, Transcript};
use crate::estimate::text_tokens;
use crate::message::{
    AssistantContent, InputContent, Message, StopReason, TextContent, ThinkingContent, ToolCall,
    Usage, UserContent,
};
use crate::model::{InputKind, Model, ModelCost};
use crate::options::{CacheRetention, SimpleStreamOptions, StreamOptions};
use crate::registry::{ApiProvider, StartError};
use crate::stream::{AssistantStream, AssistantWriter};

/// Builds a response from the request, for scripts that depend on what was asked.
pub type ResponseFn = dyn Fn(&Context, &StreamOptions) -> FauxResponse + Send + Sync;

/// One scripted response.
#[derive(Clone)]
pub enum FauxResponse {
    /// A fixed answer.
    Message {
        /// Its blocks.
        content: Vec<AssistantContent>,
        /// How it ends (`error` and `aborted` end the stream with an error event).
        stop_reason: StopReason,
        /// The error text for failed responses.
        error_message: Option<String>,
    },
    /// An answer computed from the request.
    Dynamic(Arc<ResponseFn>),
}

impl fmt::Debug for FauxResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FauxResponse::Message {
                content,
                stop_reason,
                ..
            } => f
                .debug_struct("Message")
                .field("content", content)
                .field("stop_reason", stop_reason)
                .finish(),
            FauxResponse::Dynamic(_) => f.write_str("Dynamic"),
        }
    }
}

impl FauxResponse {
    /// A response of `content` that stops normally (or with `toolUse` if it calls tools).
    pub fn blocks(content: Vec<AssistantContent>) -> Self {
        let calls = content
            .iter()
            .any(|b| matches!(b, AssistantContent::ToolCall(_)));
        let stop_reason = if calls {
            StopReason::ToolUse
        } else {
            StopReason::Stop
        };
        FauxResponse::Message {
            content,
            stop_reason,
            error_message: None,
        }
    }

    /// A plain text answer.
    pub fn text(text: impl Into<String>) -> Self {
        Self::blocks(vec![text_block(text)])
    }

    /// Thinking, then a text answer.
    pub fn thinking_then_text(thinking: impl Into<String>, text: impl Into<String>) -> Self {
        Self::blocks(vec![thinking_block(thinking), text_block(text)])
    }

    /// One tool call.
    pub fn tool_call(name: impl Into<String>, arguments: Value) -> Self {
        Self::blocks(vec![tool_call_block(name, arguments)])
    }

    /// A failed response with `message`.
    pub fn error(message: impl Into<String>) -> Self {
        FauxResponse::Message {
            content: Vec::new(),
            stop_reason: StopReason::Error,
            error_message: Some(message.into()),
        }
    }

    /// A response computed from the request.
    pub fn dynamic(
        build: impl Fn(&Context, &StreamOptions) -> FauxResponse + Send + Sync + 'static,
    ) -> Self {
        FauxResponse::Dynamic(Arc::new(build))
    }

    /// The same response with another stop reason.
    pub fn with_stop_reason(self, reason: StopReason) -> Self {
        match self {
            FauxResponse::Message {
                content,
                error_message,
                ..
            } => FauxResponse::Message {
                content,
                stop_reason: reason,
                error_message,
            },
            dynamic => dynamic,
        }
    }
}

/// A text block.
pub fn text_block(text: impl Into<String>) -> AssistantContent {
    AssistantContent::Text(TextContent::new(text))
}

/// A thinking block.
pub fn thinking_block(thinking: impl Into<String>) -> AssistantContent {
    AssistantContent::Thinking(ThinkingContent::new(thinking))
}

/// A tool-call block with a generated id.
pub fn tool_call_block(name: impl Into<String>, arguments: Value) -> AssistantContent {
    let arguments = match arguments {
        Value::Object(map) => map,
        _ => Map::new(),
    };
    AssistantContent::ToolCall(ToolCall::new("", name, arguments))
}

#[derive(Default)]
struct Script {
    responses: VecDeque<FauxResponse>,
    calls: usize,
    prompts: HashMap<String, String>,
}

/// The faux adapter. Clones share one response queue.
#[derive(Clone)]
pub struct FauxProvider {
    api: String,
    provider: String,
    tokens_per_second: Option<f64>,
    token_size: (usize, usize),
    script: Arc<Mutex<Script>>,
}

impl fmt::Debug for FauxProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FauxProvider")
            .field("api", &self.api)
            .field("provider", &self.provider)
            .finish()
    }
}

impl FauxProvider {
    /// A provider for API `faux` that answers with `responses` in order.
    pub fn new(responses: impl IntoIterator<Item = FauxResponse>) -> Self {
        FauxProvider {
            api: "faux".into(),
            provider: "faux".into(),
            tokens_per_second: None,
            token_size: (3, 5),
            script: Arc::new(Mutex::new(Script {
                responses: responses.into_iter().collect(),
                ..Script::default()
            })),
        }
    }

    /// Serves another API name (to register several faux providers side by side).
    pub fn with_api(mut self, api: impl Into<String>) -> Self {
        self.api = api.into();
        self
    }

    /// Streams at this many tokens per second instead of as fast as possible.
    pub fn with_tokens_per_second(mut self, rate: f64) -> Self {
        self.tokens_per_second = (rate > 0.0).then_some(rate);
        self
    }

    /// Splits streamed text into chunks of `min..=max` tokens (four characters each).
    pub fn with_token_size(mut self, min: usize, max: usize) -> Self {
        let min = min.max(1);
        self.token_size = (min, max.max(min));
        self
    }

    /// Queues more responses.
    pub fn push(&self, response: FauxResponse) {
        self.lock().responses.push_back(response);
    }

    /// How many requests were made.
    pub fn call_count(&self) -> usize {
        self.lock().calls
    }

    /// How many responses are still queued.
    pub fn pending(&self) -> usize {
        self.lock().responses.len()
    }

    /// The model this provider serves (`faux-1`).
    pub fn model(&self) -> Model {
        Model {
            id: "faux-1".into(),
            name: "Faux Model".into(),
            api: self.api.clone(),
            provider: self.provider.clone(),
            base_url: "http://localhost:0".into(),
            reasoning: false,
            thinking_level_map: None,
            input: vec![InputKind::Text, InputKind::Image],
            input_limits: None,
            cost: ModelCost::default(),
            prompt_cache: None,
            context_window: 128_000,
            max_tokens: 16_384,
            sampling_params: None,
            headers: None,
            compat: None,
            extra: serde_json::Map::new(),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Script> {
        // A panic while holding the lock cannot leave the queue half-updated; keep going.
        self.script
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl ApiProvider for FauxProvider {
    fn api(&self) -> &str {
        &self.api
    }

    fn stream(&self, model: &Model, context: &Context, options: &StreamOptions) -> AssistantStream {
        let (next, call) = {
            let mut script = self.lock();
            script.calls += 1;
            (script.responses.pop_front(), script.calls)
        };
        let response = match next {
            Some(FauxResponse::Dynamic(build)) => build(context, options),
            Some(response) => response,
            None => return AssistantStream::failed(model, "No more faux responses queued"),
        };
        let usage = self.usage(context, options, &response);
        let pacing = Pacing {
            tokens_per_second: self.tokens_per_second,
            token_size: self.token_size,
        };
        let options = options.clone();
        AssistantStream::new(model, move |writer| {
            play(writer, response, usage, call, pacing, options)
        })
    }

    fn stream_simple(
        &self,
        model: &Model,
        context: &Context,
        options: &SimpleStreamOptions,
    ) -> Result<AssistantStream, StartError> {
        Ok(self.stream(model, context, &options.base))
    }
}

impl FauxProvider {
    /// Usage estimated from the prompt and answer, with a prompt cache keyed by session.
    fn usage(&self, context: &Context, options: &StreamOptions, response: &FauxResponse) -> Usage {
        let prompt = serialize_context(context);
        let prompt_tokens = text_tokens(&prompt);
        let output = match response {
            FauxResponse::Message { content, .. } => text_tokens(&answer_text(content)),
            FauxResponse::Dynamic(_) => 0,
        };
        let (mut input, mut cache_read, mut cache_write) = (prompt_tokens, 0, 0);
        let caching = options.cache_retention != Some(CacheRetention::None);
        if let (Some(session), true) = (&options.session_id, caching) {
            let mut script = self.lock();
            match script.prompts.get(session) {
                Some(previous) => {
                    let shared = common_prefix(previous, &prompt);
                    cache_read = text_tokens(&prompt[..shared]);
                    cache_write = text_tokens(&prompt[shared..]);
                    input = prompt_tokens.saturating_sub(cache_read);
                }
                None => cache_write = prompt_tokens,
            }
            script.prompts.insert(session.clone(), prompt);
        }
        Usage {
            input,
            output,
            cache_read,
            cache_write,
            total_tokens: input + output + cache_read + cache_write,
            ..Usage::default()
        }
    }
}

/// Byte length of the common prefix, on a character boundary.
fn common_prefix(a: &str, b: &str) -> usize {
    a.char_indices()
        .zip(b.chars())
        .take_while(|((_, x), y)| x == y)
        .last()
        .map_or(0, |((i, c), _)| i + c.len_utf8())
}

fn serialize_context(context: &Context) -> String {
    let transcript = Transcript::new(context);
    let parts: Vec<String> = transcript
        .messages
        .iter()
        .map(|message| match message.as_ref() {
            Message::System(system) => format!("system:{}", system.prompt_text()),
            Message::User(user) => format!("user:{}", user_text(&user.content)),
            Message::Assistant(assistant) => {
                format!("assistant:{}", answer_text(&assistant.content))
            }
            Message::ToolResult(result) => {
                let mut text = result.tool_name.clone();
                for block in &result.content {
                    text.push('\n');
                    text.push_str(&block_text(block));
                }
                format!("toolResult:{text}")
            }
        })
        .collect();
    parts.join("\n\n")
}

fn block_text(block: &InputContent) -> String {
    match block {
        InputContent::Text(text) => text.text.clone(),
        InputContent::Image(image) => format!("[image:{}:{}]", image.mime_type, image.data.len()),
    }
}

fn user_text(content: &UserContent) -> String {
    match content {
        UserContent::Text(text) => text.clone(),
        UserContent::Blocks(blocks) => blocks.iter().map(block_text).collect::<Vec<_>>().join("\n"),
    }
}

fn answer_text(content: &[AssistantContent]) -> String {
    content
        .iter()
        .map(|block| match block {
            AssistantContent::Text(text) => text.text.clone(),
            AssistantContent::Thinking(thinking) => thinking.thinking.clone(),
            AssistantContent::ToolCall(call) => {
                format!("{}:{}", call.name, Value::Object(call.arguments.clone()))
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[derive(Clone, Copy)]
struct Pacing {
    tokens_per_second: Option<f64>,
    token_size: (usize, usize),
}

impl Pacing {
    /// `text` in chunks of the configured token sizes, cycling through them.
    fn chunks(self, text: &str) -> Vec<String> {
        let (min, max) = self.token_size;
        let chars: Vec<char> = text.chars().collect();
        let mut chunks = Vec::new();
        let mut start = 0;
        let mut size = min;
        while start < chars.len() {
            let end = (start + size * 4).min(chars.len());
            chunks.push(chars[start..end].iter().collect());
            start = end;
            size = if size >= max { min } else { size + 1 };
        }
        if chunks.is_empty() {
            chunks.push(String::new());
        }
        chunks
    }

    async fn wait(self, chunk: &str) {
        if let Some(rate) = self.tokens_per_second {
            let seconds = text_tokens(chunk) as f64 / rate;
            tokio::time::sleep(Duration::from_secs_f64(seconds)).await;
        }
    }
}

async fn play(
    mut writer: AssistantWriter,
    response: FauxResponse,
    usage: Usage,
    call: usize,
    pacing: Pacing,
    options: StreamOptions,
) {
    let FauxResponse::Message {
        content,
        stop_reason,
        error_message,
    } = response
    else {
        return writer.fail(
            StopReason::Error,
            "A faux response builder returned another builder",
        );
    };
    if options.is_cancelled() {
        return writer.fail(StopReason::Aborted, "Request was aborted");
    }
    writer.set_usage(usage);
    writer.start();
    for (position, block) in content.into_iter().enumerate() {
        match block {
            AssistantContent::Text(text) => {
                let index = writer.text_start(TextContent::new(""));
                for chunk in pacing.chunks(&text.text) {
                    if crate::http::cancellable(&options, pacing.wait(&chunk))
                        .await
                        .is_none()
                    {
                        return writer.fail(StopReason::Aborted, "Request was aborted");
                    }
                    writer.text_delta(index, &chunk);
                }
                writer.text_end(index);
            }
            AssistantContent::Thinking(thinking) => {
                let index = writer.thinking_start(ThinkingContent {
                    thinking: String::new(),
                    ..thinking.clone()
                });
                for chunk in pacing.chunks(&thinking.thinking) {
                    if crate::http::cancellable(&options, pacing.wait(&chunk))
                        .await
                        .is_none()
                    {
                        return writer.fail(StopReason::Aborted, "Request was aborted");
                    }
                    writer.thinking_delta(index, &chunk);
                }
                writer.thinking_end(index);
            }
            AssistantContent::ToolCall(tool_call) => {
                let id = if tool_call.id.is_empty() {
                    format!("faux_call_{call}_{position}")
                } else {
                    tool_call.id
                };
                let index = writer.toolcall_start(id, tool_call.name);
                let json = Value::Object(tool_call.arguments).to_string();
                for chunk in pacing.chunks(&json) {
                    if crate::http::cancellable(&options, pacing.wait(&chunk))
                        .await
                        .is_none()
                    {
                        return writer.fail(StopReason::Aborted, "Request was aborted");
                    }
                    writer.toolcall_delta(index, &chunk);
                }
                writer.toolcall_end(index);
            }
        }
    }
    let message = writer.message_mut();
    message.stop_reason = stop_reason;
    message.error_message = error_message;
    writer.done();
}

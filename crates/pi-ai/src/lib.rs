//! One streaming API over many LLM providers.
//!
//! Describe a [`Model`], build a [`Context`] (system prompt, messages, tools) and call
//! [`stream`] or [`complete`] through an [`ApiRegistry`]: every provider answers with the same
//! [`AssistantEvent`]s (`start`, `text_*`, `thinking_*`, `toolcall_*`, then one `done` or
//! `error`) and the same [`AssistantMessage`], serialized exactly as pi writes it.
//!
//! ```
//! use futures_util::StreamExt;
//! use pi_ai::faux::{FauxProvider, FauxResponse};
//! use pi_ai::{ApiRegistry, AssistantEvent, Context};
//!
//! # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
//! // A scripted provider: no network, same events as a real one.
//! let faux = FauxProvider::new([FauxResponse::text("Hello from pi!")]);
//! let mut registry = ApiRegistry::builtin();
//! registry.register(faux.clone());
//!
//! let context = Context::from("Say hello");
//! let mut stream = registry.stream(&faux.model(), &context, &Default::default());
//! let mut printed = String::new();
//! while let Some(event) = stream.next().await {
//!     if let AssistantEvent::TextDelta { delta, .. } = &event {
//!         printed.push_str(delta);
//!     }
//!     // The message so far is always at hand.
//!     assert!(stream.partial().text().starts_with(&printed));
//! }
//! assert_eq!(printed, "Hello from pi!");
//! assert_eq!(stream.partial().stop_reason, pi_ai::StopReason::Stop);
//! # });
//! ```
//!
//! Failures never panic and never return early: an HTTP error, a broken connection, a
//! malformed event or a cancellation ends the stream with an [`AssistantEvent::Error`]
//! whose message keeps the content and usage gathered so far. Only a missing API key stops
//! [`ApiRegistry::stream_simple`] before it starts.
#![deny(missing_docs, clippy::print_stdout, clippy::print_stderr)]

mod catalog;
mod compat;
mod constrained;
mod context;
mod env_keys;
mod estimate;
mod event;
mod http;
pub mod js_number;
pub mod lossy_json;
mod message;
mod model;
mod options;
mod overflow;
mod partial;
pub mod partial_json;
mod providers;
mod registry;
mod retry;
pub mod sse;
mod stream;
#[cfg(feature = "testing")]
pub mod testing;
mod tool;
mod transform;

pub use catalog::{
    all_builtin_models, builtin_model, builtin_models, builtin_providers, models_are_equal,
    supports_xhigh,
};
pub use compat::{
    CacheControlFormat, Compat, FallbackModel, GatewayRouting, MaxTokensField,
    SessionAffinityFormat, ThinkingFormat,
};
pub use context::{
    Context, Transcript, current_system_message, current_tools, render_system_update,
};
pub use env_keys::{AUTHENTICATED, api_key_env_vars, env_api_key};
pub use estimate::{
    ContextEstimate, context_tokens, estimate_context_tokens, estimate_message_tokens,
};
pub use event::AssistantEvent;
pub use http::user_agent;
pub use message::{
    AssistantContent, AssistantMessage, DeferredHandle, Diagnostic, ImageContent, InputContent,
    Message, StopReason, SystemMessage, TextContent, ThinkingContent, ToolCall, ToolResultMessage,
    Usage, UsageCost, UserContent, UserMessage, now_ms,
};
pub use model::{
    CostTier, ImageInputLimits, ImageResize, InputKind, InputLimits, LevelValue, Model, ModelCost,
    PromptCache, ThinkingLevel, ThinkingLevelMap,
};
pub use options::{
    CacheRetention, MIN_ANSWER_TOKENS, PayloadHook, SimpleStreamOptions, StreamOptions,
    ThinkingBudgets, ThinkingOptions, ToolChoice, adjust_max_tokens_for_thinking,
    clamp_max_tokens_to_context,
};
pub use overflow::{is_context_overflow, is_recoverable_length};
pub use partial::PartialMessage;
pub use providers::faux;
pub use providers::{
    AnthropicMessages, AzureOpenAiResponses, GoogleGenerativeAi, MistralConversations,
    OpenAiCompletions, OpenAiResponses,
};
pub use registry::{
    ApiProvider, ApiRegistry, StartError, complete, complete_simple, stream, stream_simple,
};
pub use retry::{is_retryable_assistant_error, retry_delay_from_headers, retry_delay_hint};
pub use stream::{AssistantStream, AssistantWriter};
/// Cancels a request (re-exported so embedders need not depend on `tokio-util`).
pub use tokio_util::sync::CancellationToken;
pub use tool::{ConstrainedSampling, GrammarVariants, Strictness, Tool, ToolReference};
pub use transform::transform_messages;

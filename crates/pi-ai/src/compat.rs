//! Per-model overrides of an API's quirks (`model.compat` in pi's JSON).
//!
//! pi types `compat` per API; the fields of the different APIs never disagree in meaning, so
//! one struct holds them all and each adapter reads the ones it knows. Unset fields fall back
//! to what the adapter detects from the provider and base URL.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::model::ModelCost;

/// Compatibility settings; every field is optional and overrides auto-detection.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Compat {
    // Read by several APIs.
    /// Whether the `developer` role is accepted (vs `system`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supports_developer_role: Option<bool>,
    /// Whether system messages may appear after the conversation started.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supports_mid_convo_system_messages: Option<bool>,
    /// Whether strict JSON-schema tools are supported.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supports_strict_mode: Option<bool>,
    /// Whether OpenAI grammar (Lark/regex) custom tools are supported.
    #[serde(
        rename = "supportsOpenAIGrammarTools",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub supports_openai_grammar_tools: Option<bool>,
    /// Whether session-affinity headers are sent from the session id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub send_session_affinity_headers: Option<bool>,
    /// Which session-affinity headers are sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_affinity_format: Option<SessionAffinityFormat>,
    /// Whether long prompt-cache retention is supported.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supports_long_cache_retention: Option<bool>,

    // Read by openai-completions.
    /// Whether the `store` field is accepted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supports_store: Option<bool>,
    /// Whether `reasoning_effort` is accepted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supports_reasoning_effort: Option<bool>,
    /// Whether `stream_options.include_usage` is accepted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supports_usage_in_streaming: Option<bool>,
    /// Whether streamed chunks carry `finish_reason`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supports_finish_reason: Option<bool>,
    /// Which field carries the output limit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_tokens_field: Option<MaxTokensField>,
    /// Whether tool results need a `name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requires_tool_result_name: Option<bool>,
    /// Whether a user message after tool results needs an assistant message in between.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requires_assistant_after_tool_result: Option<bool>,
    /// Whether replayed thinking must be sent as plain text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requires_thinking_as_text: Option<bool>,
    /// Whether replayed assistant messages need a `reasoning_content` field.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requires_reasoning_content_on_assistant_messages: Option<bool>,
    /// How thinking is requested.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thinking_format: Option<ThinkingFormat>,
    /// `chat_template_kwargs` for the `chat-template` format.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chat_template_kwargs: Option<Map<String, Value>>,
    /// `chat_template_args` for the `baseten` format.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chat_template_args: Option<Map<String, Value>>,
    /// OpenRouter routing preferences, sent as `provider`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub open_router_routing: Option<Map<String, Value>>,
    /// Vercel AI Gateway routing preferences.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vercel_gateway_routing: Option<GatewayRouting>,
    /// Whether z.ai's `tool_stream` is sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zai_tool_stream: Option<bool>,
    /// Top-level field that caps reasoning tokens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thinking_token_budget_field: Option<String>,
    /// Alias for `thinking_token_budget_field: "thinking_token_budget"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supports_thinking_token_budget: Option<bool>,
    /// Whether later system messages may add tools.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supports_mid_convo_tool_additions: Option<bool>,
    /// Anthropic-style `cache_control` markers on an OpenAI-compatible API.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache_control_format: Option<CacheControlFormat>,
    /// vLLM scheduling priority.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vllm_priority: Option<i64>,

    // Read by openai-responses.
    /// Whether message-anchored `additional_tools` are supported.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supports_additional_tools: Option<bool>,
    /// Whether client-executed tool search is supported.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supports_tool_search: Option<bool>,
    /// Whether `prompt_cache_options` is accepted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supports_explicit_prompt_cache_mode: Option<bool>,
    /// Whether `max_output_tokens` is accepted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supports_max_output_tokens: Option<bool>,

    // Read by anthropic-messages.
    /// Whether tools accept `eager_input_streaming`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supports_eager_tool_input_streaming: Option<bool>,
    /// Whether tools accept `cache_control`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supports_cache_control_on_tools: Option<bool>,
    /// Whether `temperature` is accepted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supports_temperature: Option<bool>,
    /// Whether thinking always uses the adaptive form.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub force_adaptive_thinking: Option<bool>,
    /// Whether thinking with an empty signature is replayed as thinking.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_empty_signature: Option<bool>,
    /// Whether strict tool schemas are supported.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supports_strict_tools: Option<bool>,
    /// Whether effort can change mid-conversation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supports_mid_convo_effort: Option<bool>,
    /// Whether tools can be added or removed mid-conversation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supports_mid_convo_tool_changes: Option<bool>,
    /// Models accepted for server-side refusal fallback.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allowed_fallback_models: Option<Vec<FallbackModel>>,

    /// Settings this version does not model, kept verbatim.
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

/// Session-affinity header styles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SessionAffinityFormat {
    /// `session_id`, `x-client-request-id`, `x-session-affinity`.
    Openai,
    /// `x-client-request-id`, `x-session-affinity`.
    OpenaiNosession,
    /// `x-session-id`.
    Openrouter,
}

/// Field that carries the output-token limit on Chat Completions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MaxTokensField {
    /// `max_completion_tokens`.
    MaxCompletionTokens,
    /// `max_tokens`.
    MaxTokens,
}

/// How an OpenAI-compatible endpoint wants thinking requested.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ThinkingFormat {
    /// `reasoning_effort`.
    Openai,
    /// `reasoning: {effort}`.
    Openrouter,
    /// `thinking: {type}` plus `reasoning_effort`.
    Deepseek,
    /// `reasoning: {enabled}` plus `reasoning_effort`.
    Together,
    /// `chat_template_args` plus `reasoning_effort`.
    Baseten,
    /// `thinking: {type}`.
    Zai,
    /// Top-level `enable_thinking`.
    Qwen,
    /// Configurable `chat_template_kwargs`.
    ChatTemplate,
    /// `chat_template_kwargs.enable_thinking`.
    QwenChatTemplate,
    /// Top-level `thinking: <string>`.
    StringThinking,
    /// `reasoning: {effort}` only when mapped.
    AntLing,
}

/// Cache-control conventions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum CacheControlFormat {
    /// Anthropic `cache_control` markers.
    Anthropic,
}

/// Vercel AI Gateway routing preferences.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GatewayRouting {
    /// Providers to use exclusively.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub only: Option<Vec<String>>,
    /// Providers to try in order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order: Option<Vec<String>>,
}

/// A model Anthropic may fall back to, with its prices.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FallbackModel {
    /// Provider of the fallback.
    pub provider: String,
    /// Model id of the fallback.
    pub model: String,
    /// Its prices.
    pub cost: ModelCost,
}

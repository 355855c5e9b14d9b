//! Request options: the raw ones every adapter understands, and the simple ones that speak
//! in thinking levels.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use tokio_util::sync::CancellationToken;

use crate::estimate::estimate_context_tokens;
use crate::model::{Model, ThinkingLevel};

/// Tokens kept free of the context window when the output limit is derived from it.
const CONTEXT_SAFETY_TOKENS: u64 = 4096;

/// Tokens always left for the answer when thinking shares the output limit.
pub const MIN_ANSWER_TOKENS: u64 = 1024;

/// Inspects or replaces a request body before it is sent.
pub type PayloadHook = Arc<dyn Fn(&mut Value, &Model) + Send + Sync>;

/// Options of a raw request, as every adapter understands them.
#[derive(Clone, Default)]
pub struct StreamOptions {
    /// Sampling temperature.
    pub temperature: Option<f64>,
    /// Output token limit.
    pub max_tokens: Option<u64>,
    /// Cancels the request; the stream then ends with stop reason `aborted`.
    pub cancel: Option<CancellationToken>,
    /// The API key (or OAuth token).
    pub api_key: Option<String>,
    /// Prompt-cache retention (default `short`, or `long` when `PI_CACHE_RETENTION=long`).
    pub cache_retention: Option<CacheRetention>,
    /// Session id, for prompt caching and routing.
    pub session_id: Option<String>,
    /// Extra headers, applied last; `None` removes a default header.
    pub headers: Vec<(String, Option<String>)>,
    /// Retries of a failed HTTP request (429, 5xx, network errors) before the stream fails.
    pub max_retries: u32,
    /// Longest server-requested retry delay to honour (default 60 s; zero disables the cap).
    pub max_retry_delay: Option<Duration>,
    /// Metadata; Anthropic sends `user_id`.
    pub metadata: Option<Map<String, Value>>,
    /// Extra body fields for OpenAI-compatible APIs, merged over the model's defaults.
    pub sampling_params: Option<Map<String, Value>>,
    /// Provider-scoped environment, consulted before the process environment.
    pub env: Option<HashMap<String, String>>,
    /// Tool selection.
    pub tool_choice: Option<ToolChoice>,
    /// Thinking controls for the adapter.
    pub thinking: ThinkingOptions,
    /// Called with the request body before it is sent.
    pub on_payload: Option<PayloadHook>,
}

impl fmt::Debug for StreamOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The API key never reaches logs.
        f.debug_struct("StreamOptions")
            .field("temperature", &self.temperature)
            .field("max_tokens", &self.max_tokens)
            .field("api_key", &self.api_key.as_ref().map(|_| "<redacted>"))
            .field("cache_retention", &self.cache_retention)
            .field("session_id", &self.session_id)
            .field("max_retries", &self.max_retries)
            .field("tool_choice", &self.tool_choice)
            .field("thinking", &self.thinking)
            .finish_non_exhaustive()
    }
}

impl StreamOptions {
    /// An environment variable, from `env` first, then the process.
    pub fn env_var(&self, name: &str) -> Option<String> {
        let scoped = self
            .env
            .as_ref()
            .and_then(|env| env.get(name))
            .filter(|v| !v.is_empty());
        scoped
            .cloned()
            .or_else(|| std::env::var(name).ok().filter(|v| !v.is_empty()))
    }

    /// The cache retention in effect.
    pub fn resolved_cache_retention(&self) -> CacheRetention {
        self.cache_retention.unwrap_or_else(|| {
            if self.env_var("PI_CACHE_RETENTION").as_deref() == Some("long") {
                CacheRetention::Long
            } else {
                CacheRetention::Short
            }
        })
    }

    /// Whether the request was cancelled.
    pub fn is_cancelled(&self) -> bool {
        self.cancel
            .as_ref()
            .is_some_and(CancellationToken::is_cancelled)
    }
}

/// Thinking controls; [`crate::ApiProvider::stream_simple`] fills them from a level.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ThinkingOptions {
    /// The pi level asked for (`None` = thinking off where the API can say so).
    pub level: Option<ThinkingLevel>,
    /// Whether thinking is on, for APIs that switch it (Anthropic).
    pub enabled: Option<bool>,
    /// Token budget, for APIs that take one.
    pub budget_tokens: Option<u64>,
    /// Provider effort value, for adaptive thinking.
    pub effort: Option<String>,
    /// Custom budgets per level.
    pub budgets: Option<ThinkingBudgets>,
}

/// Prompt-cache retention.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum CacheRetention {
    /// No caching.
    None,
    /// The provider's short cache.
    Short,
    /// The provider's long cache.
    Long,
}

/// Provider-neutral tool selection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ToolChoice {
    /// The model decides.
    Auto,
    /// No tool calls.
    None,
}

impl ToolChoice {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            ToolChoice::Auto => "auto",
            ToolChoice::None => "none",
        }
    }
}

/// Token budgets per thinking level.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThinkingBudgets {
    /// `minimal` (default 1024).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minimal: Option<u64>,
    /// `low` (default 2048).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub low: Option<u64>,
    /// `medium` (default 8192).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub medium: Option<u64>,
    /// `high`, also used for `xhigh` and `max` (default 16384).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub high: Option<u64>,
}

impl ThinkingBudgets {
    /// The budget for `level` (levels above `high` use `high`'s).
    pub fn for_level(budgets: Option<&ThinkingBudgets>, level: ThinkingLevel) -> u64 {
        let custom = budgets.copied().unwrap_or_default();
        match level {
            ThinkingLevel::Off | ThinkingLevel::Minimal => custom.minimal.unwrap_or(1024),
            ThinkingLevel::Low => custom.low.unwrap_or(2048),
            ThinkingLevel::Medium => custom.medium.unwrap_or(8192),
            ThinkingLevel::High | ThinkingLevel::Xhigh | ThinkingLevel::Max => {
                custom.high.unwrap_or(16384)
            }
        }
    }
}

/// Options of a request that speaks in thinking levels.
#[derive(Debug, Clone, Default)]
pub struct SimpleStreamOptions {
    /// The raw options (thinking fields are derived from `reasoning`).
    pub base: StreamOptions,
    /// Thinking level; `None` or `Off` turns thinking off.
    pub reasoning: Option<ThinkingLevel>,
    /// Custom token budgets per level.
    pub thinking_budgets: Option<ThinkingBudgets>,
}

impl SimpleStreamOptions {
    /// The level, unless thinking is off.
    pub fn level(&self) -> Option<ThinkingLevel> {
        self.reasoning.filter(|level| *level != ThinkingLevel::Off)
    }
}

/// Caps `max_tokens` so the request fits the context window with a safety margin.
pub fn clamp_max_tokens_to_context(model: &Model, context_tokens: u64, max_tokens: u64) -> u64 {
    if model.context_window == 0 {
        return max_tokens.max(1);
    }
    let available = model
        .context_window
        .saturating_sub(context_tokens)
        .saturating_sub(CONTEXT_SAFETY_TOKENS);
    max_tokens.min(available.max(1))
}

/// The raw options a simple request starts from: output limit from the model (or caller),
/// clamped to the context window, and the given API key.
pub fn base_options<M: AsRef<crate::Message>>(
    model: &Model,
    messages: &[M],
    options: &SimpleStreamOptions,
    api_key: Option<String>,
) -> StreamOptions {
    let mut base = options.base.clone();
    let sampling = match (&model.sampling_params, &options.base.sampling_params) {
        (None, None) => None,
        (model_params, request_params) => {
            let mut merged = model_params.clone().unwrap_or_default();
            merged.extend(request_params.clone().unwrap_or_default());
            Some(merged)
        }
    };
    base.sampling_params = sampling;
    let requested = options.base.max_tokens.unwrap_or(model.max_tokens);
    base.max_tokens = Some(clamp_max_tokens_to_context(
        model,
        estimate_context_tokens(messages).tokens,
        requested,
    ));
    base.api_key = api_key.or(base.api_key);
    base.thinking.budgets = options.thinking_budgets;
    base
}

/// The output limit and thinking budget when thinking shares the limit.
///
/// With no caller limit the model's limit is used; otherwise the budget is added to the
/// caller's limit up to the model's. When the budget would leave no room for the answer it
/// shrinks to leave [`MIN_ANSWER_TOKENS`].
pub fn adjust_max_tokens_for_thinking(
    base_max_tokens: Option<u64>,
    model_max_tokens: u64,
    level: ThinkingLevel,
    budgets: Option<&ThinkingBudgets>,
) -> (u64, u64) {
    let budget = ThinkingBudgets::for_level(budgets, level);
    let max_tokens = match base_max_tokens {
        None => model_max_tokens,
        Some(base) => (base + budget).min(model_max_tokens),
    };
    let budget = if max_tokens <= budget {
        clamp_budget_to_answer_room(budget, max_tokens)
    } else {
        budget
    };
    (max_tokens, budget)
}

/// Caps a thinking budget so at least [`MIN_ANSWER_TOKENS`] remain under `ceiling`.
pub fn clamp_budget_to_answer_room(budget: u64, ceiling: u64) -> u64 {
    budget.min(ceiling.saturating_sub(MIN_ANSWER_TOKENS))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thinking_shares_the_output_limit() {
        assert_eq!(
            adjust_max_tokens_for_thinking(Some(16384), 16384, ThinkingLevel::High, None),
            (16384, 15360)
        );
        assert_eq!(
            adjust_max_tokens_for_thinking(Some(4000), 64000, ThinkingLevel::Low, None),
            (6048, 2048)
        );
        assert_eq!(
            adjust_max_tokens_for_thinking(None, 8192, ThinkingLevel::Max, None),
            (8192, 7168)
        );
        let custom = ThinkingBudgets {
            low: Some(500),
            ..ThinkingBudgets::default()
        };
        assert_eq!(
            adjust_max_tokens_for_thinking(Some(100), 1000, ThinkingLevel::Low, Some(&custom)),
            (600, 500)
        );
        assert_eq!(
            adjust_max_tokens_for_thinking(Some(0), 1000, ThinkingLevel::Minimal, None),
            (1000, 0)
        );
    }
}

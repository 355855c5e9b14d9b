//! Context overflow: telling "the conversation no longer fits the model" apart from other
//! failures, so that the caller compacts instead of retrying.
//!
//! Providers report overflow in their own words (or not at all); the patterns below are
//! pi 0.87.1's, each with the provider text it was taken from.

use std::sync::OnceLock;

use regex::RegexSet;

use crate::message::{AssistantMessage, StopReason};

/// Error texts that mean the input was too large.
const OVERFLOW_PATTERNS: &[&str] = &[
    // Anthropic, z.ai: "prompt is too long: 213462 tokens > 200000 maximum", "Prompt too long"
    r"prompt (?:is )?too long",
    // Anthropic byte-size overflow (HTTP 413): {"type":"request_too_large",...}
    r"request_too_large",
    // Amazon Bedrock
    r"input is too long for requested model",
    // OpenAI (Completions and Responses): "Your input exceeds the context window of this model"
    r"exceeds the context window",
    // OpenAI-compatible proxies (LiteLLM): "... exceeds the model's maximum context length of
    // 131072 tokens", "Input length (265330) exceeds model's maximum context length (262144)."
    r"exceeds (?:the )?(?:model'?s )?maximum context length(?: of [\d,]+ tokens?|\s*\([\d,]+\))",
    // Google Gemini: "The input token count (1196265) exceeds the maximum number of tokens ..."
    r"input token count.*exceeds the maximum",
    // xAI: "This model's maximum prompt length is 131072 but the request contains 537812 tokens"
    r"maximum prompt length is \d+",
    // Groq: "Please reduce the length of the messages or completion"
    r"reduce the length of the messages",
    // OpenRouter: "This endpoint's maximum context length is X tokens. However, ..."
    r"maximum context length is \d+ tokens",
    // OpenRouter/Poolside: "Input length X exceeds the maximum allowed input length of Y tokens."
    r"exceeds (?:the )?maximum allowed input length of [\d,]+ tokens?",
    // Together AI: "The input (X tokens) is longer than the model's context length (Y tokens)."
    r"input \(\d+ tokens\) is longer than the model'?s context length \(\d+ tokens\)",
    // GitHub Copilot: "prompt token count of X exceeds the limit of Y"
    r"exceeds the limit of \d+",
    // llama.cpp: "the request exceeds the available context size, try increasing it"
    r"exceeds the available context size",
    // LM Studio: "tokens to keep from the initial prompt is greater than the context length"
    r"greater than the context length",
    // MiniMax: "invalid params, context window exceeds limit"
    r"context window exceeds limit",
    // Kimi For Coding: "Your request exceeded model token limit: X (requested: Y)"
    r"exceeded model token limit",
    // Mistral: "Prompt contains X tokens ... too large for model with Y maximum context length"
    r"too large for model with \d+ maximum context length",
    // DS4: "Prompt has X tokens, but the configured context size is Y tokens"
    r"prompt has [\d,]+ tokens?, but the configured context size is [\d,]+ tokens?",
    // z.ai's finish reason surfaced as error text
    r"model_context_window_exceeded",
    // Ollama: "prompt too long; exceeded max context length by X tokens"
    r"prompt too long; exceeded (?:max )?context length",
    // DashScope / Qwen: "Range of input length should be [1, X]"
    r"range of input length should be",
    // Generic fallbacks
    r"context[_ ]length[_ ]exceeded",
    r"too many tokens",
    r"token limit exceeded",
];

/// Error texts that are never overflow even when an overflow pattern matches, such as
/// Bedrock's "Throttling error: Too many tokens, please wait before trying again."
const NOT_OVERFLOW_PATTERNS: &[&str] = &[
    r"^(?:Throttling error|Service unavailable):",
    r"rate limit",
    r"too many requests",
];

/// Cerebras answers an oversized request with a bare "400 status code (no body)"; other
/// providers' bodyless errors mean something else.
const CEREBRAS_BODYLESS_OVERFLOW: &str = r"^4(?:00|13)\s*(?:status code)?\s*\(no body\)";

struct Patterns {
    overflow: RegexSet,
    not_overflow: RegexSet,
    cerebras_bodyless: RegexSet,
}

fn patterns() -> &'static Patterns {
    static PATTERNS: OnceLock<Patterns> = OnceLock::new();
    PATTERNS.get_or_init(|| {
        #[expect(
            clippy::expect_used,
            reason = "literal patterns, compiled by every test of this module"
        )]
        let set = |patterns: &[&str]| {
            regex::RegexSetBuilder::new(patterns)
                .case_insensitive(true)
                .build()
                .expect("overflow patterns compile")
        };
        Patterns {
            overflow: set(OVERFLOW_PATTERNS),
            not_overflow: set(NOT_OVERFLOW_PATTERNS),
            cerebras_bodyless: set(&[CEREBRAS_BODYLESS_OVERFLOW]),
        }
    })
}

/// Whether `message` failed (or was cut short) because its input exceeded the model's
/// context window.
///
/// Three signs count: an error whose text matches a known overflow message (never a rate
/// limit or throttling message); a successful answer whose input plus cache reads exceeded
/// `context_window` (providers such as z.ai accept oversized input silently); and a length
/// stop with no output whose input filled 99% of the window (Xiaomi MiMo truncates the input
/// to fit). Pass the model's context window to detect the last two.
///
/// ```
/// use pi_ai::{AssistantMessage, StopReason, is_context_overflow};
///
/// let mut message = AssistantMessage::empty("anthropic-messages", "anthropic", "claude");
/// message.stop_reason = StopReason::Error;
/// message.error_message = Some("prompt is too long: 213462 tokens > 200000 maximum".into());
/// assert!(is_context_overflow(&message, None));
/// ```
pub fn is_context_overflow(message: &AssistantMessage, context_window: Option<u64>) -> bool {
    if message.stop_reason == StopReason::Error
        && let Some(error) = message.error_message.as_deref().filter(|e| !e.is_empty())
    {
        let patterns = patterns();
        if !patterns.not_overflow.is_match(error)
            && (patterns.overflow.is_match(error)
                || (message.provider == "cerebras" && patterns.cerebras_bodyless.is_match(error)))
        {
            return true;
        }
    }
    let Some(window) = context_window.filter(|&w| w > 0) else {
        return false;
    };
    let input = message.usage.input.saturating_add(message.usage.cache_read);
    match message.stop_reason {
        StopReason::Stop => input > window,
        StopReason::Length if message.usage.output == 0 => input as f64 >= window as f64 * 0.99,
        _ => false,
    }
}

/// Whether `message` stopped at the output limit before producing `desired_max_output`
/// tokens: a sign of context pressure or provider-side truncation that one
/// compact-and-retry may cure. `desired_max_output` is the limit asked for before any
/// clamping to the context window.
pub fn is_recoverable_length(message: &AssistantMessage, desired_max_output: u64) -> bool {
    message.stop_reason == StopReason::Length
        && desired_max_output > 0
        && message.usage.output < desired_max_output
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failed(provider: &str, error: &str) -> AssistantMessage {
        let mut message = AssistantMessage::empty("openai-completions", provider, "m");
        message.stop_reason = StopReason::Error;
        message.error_message = Some(error.to_string());
        message
    }

    fn overflow(error: &str) -> bool {
        is_context_overflow(&failed("p", error), None)
    }

    #[test]
    fn every_pattern_compiles() {
        let p = patterns();
        assert_eq!(p.overflow.len(), OVERFLOW_PATTERNS.len());
        assert_eq!(p.not_overflow.len(), NOT_OVERFLOW_PATTERNS.len());
    }

    #[test]
    fn provider_overflow_texts() {
        let texts = [
            "prompt is too long: 213462 tokens > 200000 maximum",
            r#"413 {"error":{"type":"request_too_large","message":"Request exceeds the maximum size"}}"#,
            "ValidationException: Input is too long for requested model.",
            "Your input exceeds the context window of this model. Please adjust your input and try again.",
            "litellm.BadRequestError: Requested token count exceeds the model's maximum context length of 131072 tokens",
            "Input length (265330) exceeds model's maximum context length (262144).",
            "The input token count (1196265) exceeds the maximum number of tokens allowed (1048575).",
            "This model's maximum prompt length is 131072 but the request contains 537812 tokens.",
            "Please reduce the length of the messages or completion.",
            "This endpoint's maximum context length is 200000 tokens. However, you requested about 263001 tokens.",
            "Input length 300123 exceeds the maximum allowed input length of 262,144 tokens.",
            "The input (140000 tokens) is longer than the model's context length (131072 tokens).",
            "prompt token count of 140000 exceeds the limit of 128000",
            "the request exceeds the available context size, try increasing it",
            "The number of tokens to keep from the initial prompt is greater than the context length",
            "invalid params, context window exceeds limit (2013)",
            "Your request exceeded model token limit: 262144 (requested: 300000)",
            "Prompt contains 140000 tokens and 0 draft tokens, too large for model with 131072 maximum context length",
            "Prompt has 70,000 tokens, but the configured context size is 65,536 tokens",
            r#"{"code":"1261","message":"Prompt too long"}"#,
            "model_context_window_exceeded",
            "prompt too long; exceeded max context length by 4000 tokens",
            "<400> InternalError.Algo.InvalidParameter: Range of input length should be [1, 129024]",
            "context_length_exceeded",
            "Context length exceeded",
            "Too many tokens in the request",
            "Token limit exceeded for this request",
        ];
        for text in texts {
            assert!(overflow(text), "not recognized: {text}");
        }
    }

    #[test]
    fn throttling_and_rate_limits_are_never_overflow() {
        for text in [
            "Throttling error: Too many tokens, please wait before trying again.",
            "Service unavailable: too many tokens in flight",
            "Rate limit reached: too many tokens per minute",
            "429 Too Many Requests: token limit exceeded",
        ] {
            assert!(!overflow(text), "taken for overflow: {text}");
        }
    }

    #[test]
    fn other_errors_are_not_overflow() {
        for text in [
            "Connection error: connection refused",
            "401 invalid x-api-key",
            "Overloaded",
            "",
        ] {
            assert!(!overflow(text), "taken for overflow: {text}");
        }
        let mut aborted = failed("p", "prompt is too long");
        aborted.stop_reason = StopReason::Aborted;
        assert!(!is_context_overflow(&aborted, None));
    }

    #[test]
    fn bodyless_4xx_is_overflow_only_for_cerebras() {
        for text in ["400 status code (no body)", "413 (no body)"] {
            assert!(is_context_overflow(&failed("cerebras", text), None));
            assert!(!is_context_overflow(&failed("openai", text), None));
        }
        assert!(!is_context_overflow(
            &failed("cerebras", "401 status code (no body)"),
            None
        ));
    }

    #[test]
    fn silent_overflow_needs_the_window() {
        let mut message = AssistantMessage::empty("openai-completions", "zai", "glm");
        message.stop_reason = StopReason::Stop;
        message.usage.input = 120_000;
        message.usage.cache_read = 10_000;
        assert!(is_context_overflow(&message, Some(128_000)));
        assert!(!is_context_overflow(&message, Some(130_000)));
        assert!(!is_context_overflow(&message, None));
        assert!(!is_context_overflow(&message, Some(0)));
    }

    #[test]
    fn a_length_stop_without_output_in_a_full_window_is_overflow() {
        let mut message = AssistantMessage::empty("openai-completions", "xiaomi", "mimo");
        message.stop_reason = StopReason::Length;
        message.usage.input = 99_000;
        assert!(is_context_overflow(&message, Some(100_000)));
        message.usage.input = 98_999;
        assert!(!is_context_overflow(&message, Some(100_000)));
        message.usage.input = 100_000;
        message.usage.output = 1;
        assert!(!is_context_overflow(&message, Some(100_000)));
    }

    #[test]
    fn recoverable_length_stops() {
        let mut message = AssistantMessage::empty("anthropic-messages", "anthropic", "claude");
        message.stop_reason = StopReason::Length;
        message.usage.output = 4_000;
        assert!(is_recoverable_length(&message, 32_000));
        assert!(!is_recoverable_length(&message, 4_000));
        assert!(!is_recoverable_length(&message, 0));
        message.stop_reason = StopReason::Stop;
        assert!(!is_recoverable_length(&message, 32_000));
    }
}

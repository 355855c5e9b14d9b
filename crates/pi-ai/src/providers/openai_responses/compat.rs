//! What a Responses endpoint accepts: pi's defaults per endpoint family, with the model's
//! `compat` overriding field by field.

use super::Flavor;
use crate::compat::SessionAffinityFormat;
use crate::model::Model;

/// Resolved settings for one model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ResponsesCompat {
    pub supports_developer_role: bool,
    pub supports_mid_convo_system_messages: bool,
    pub session_affinity_format: SessionAffinityFormat,
    pub supports_long_cache_retention: bool,
    pub supports_strict_mode: bool,
    pub supports_openai_grammar_tools: bool,
    pub supports_additional_tools: bool,
    pub supports_tool_search: bool,
    pub supports_explicit_prompt_cache_mode: bool,
    pub supports_max_output_tokens: bool,
}

impl ResponsesCompat {
    pub(crate) fn of(model: &Model, flavor: Flavor) -> Self {
        let compat = model.compat.as_ref();
        let flag = |read: fn(&crate::Compat) -> Option<bool>, default: bool| {
            compat.and_then(read).unwrap_or(default)
        };
        let detected_affinity =
            if model.provider == "openrouter" || model.base_url.contains("openrouter.ai") {
                SessionAffinityFormat::Openrouter
            } else {
                SessionAffinityFormat::Openai
            };
        let azure = flavor == Flavor::Azure;
        ResponsesCompat {
            supports_developer_role: flag(|c| c.supports_developer_role, true),
            supports_mid_convo_system_messages: flag(
                |c| c.supports_mid_convo_system_messages,
                false,
            ),
            session_affinity_format: compat
                .and_then(|c| c.session_affinity_format)
                .unwrap_or(detected_affinity),
            supports_long_cache_retention: flag(|c| c.supports_long_cache_retention, true),
            // Azure deployments have always taken strict tools; OpenAI-compatible servers often
            // reject the field.
            supports_strict_mode: flag(|c| c.supports_strict_mode, azure),
            supports_openai_grammar_tools: flag(|c| c.supports_openai_grammar_tools, false),
            supports_additional_tools: flag(|c| c.supports_additional_tools, false),
            supports_tool_search: flag(|c| c.supports_tool_search, false),
            // Azure has neither explicit cache modes nor a way to turn the output limit off.
            supports_explicit_prompt_cache_mode: !azure
                && flag(|c| c.supports_explicit_prompt_cache_mode, false),
            supports_max_output_tokens: azure || flag(|c| c.supports_max_output_tokens, true),
        }
    }
}

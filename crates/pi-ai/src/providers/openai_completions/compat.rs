//! What an OpenAI-compatible endpoint accepts, detected from provider and URL, with the
//! model's `compat` overriding field by field.

use serde_json::{Map, Value};

use crate::compat::{
    CacheControlFormat, GatewayRouting, MaxTokensField, SessionAffinityFormat, ThinkingFormat,
};
use crate::model::Model;

/// Resolved settings for one model.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct CompletionsCompat {
    pub supports_store: bool,
    pub supports_developer_role: bool,
    pub supports_reasoning_effort: bool,
    pub supports_usage_in_streaming: bool,
    pub supports_finish_reason: bool,
    pub max_tokens_field: MaxTokensField,
    pub requires_tool_result_name: bool,
    pub requires_assistant_after_tool_result: bool,
    pub requires_thinking_as_text: bool,
    pub requires_reasoning_content_on_assistant_messages: bool,
    pub thinking_format: ThinkingFormat,
    pub open_router_routing: Option<Map<String, Value>>,
    pub vercel_gateway_routing: Option<GatewayRouting>,
    pub chat_template_kwargs: Map<String, Value>,
    pub chat_template_args: Map<String, Value>,
    pub zai_tool_stream: bool,
    pub thinking_token_budget_field: Option<String>,
    pub supports_strict_mode: bool,
    pub supports_openai_grammar_tools: bool,
    pub supports_mid_convo_system_messages: bool,
    pub supports_mid_convo_tool_additions: bool,
    pub cache_control_format: Option<CacheControlFormat>,
    pub send_session_affinity_headers: bool,
    pub session_affinity_format: SessionAffinityFormat,
    pub supports_long_cache_retention: bool,
    pub vllm_priority: Option<i64>,
}

impl CompletionsCompat {
    /// Detected settings, overridden by `model.compat`.
    pub fn of(model: &Model) -> Self {
        let mut resolved = detect(model);
        let Some(compat) = &model.compat else {
            return resolved;
        };
        macro_rules! take {
            ($($field:ident),*) => { $( if let Some(value) = compat.$field.clone() { resolved.$field = value; } )* };
        }
        take!(
            supports_store,
            supports_developer_role,
            supports_reasoning_effort,
            supports_usage_in_streaming,
            supports_finish_reason,
            max_tokens_field,
            requires_tool_result_name,
            requires_assistant_after_tool_result,
            requires_thinking_as_text,
            requires_reasoning_content_on_assistant_messages,
            thinking_format,
            chat_template_kwargs,
            chat_template_args,
            zai_tool_stream,
            supports_strict_mode,
            supports_openai_grammar_tools,
            supports_mid_convo_system_messages,
            supports_mid_convo_tool_additions,
            send_session_affinity_headers,
            session_affinity_format,
            supports_long_cache_retention
        );
        resolved.open_router_routing = compat.open_router_routing.clone();
        if compat.vercel_gateway_routing.is_some() {
            resolved.vercel_gateway_routing = compat.vercel_gateway_routing.clone();
        }
        if compat.cache_control_format.is_some() {
            resolved.cache_control_format = compat.cache_control_format;
        }
        resolved.thinking_token_budget_field =
            compat.thinking_token_budget_field.clone().or_else(|| {
                (compat.supports_thinking_token_budget == Some(true))
                    .then(|| "thinking_token_budget".into())
            });
        resolved.vllm_priority = compat.vllm_priority;
        resolved
    }
}

fn detect(model: &Model) -> CompletionsCompat {
    let provider = model.provider.as_str();
    let url = model.base_url.as_str();
    let is_zai = matches!(provider, "zai" | "zai-coding-cn")
        || url.contains("api.z.ai")
        || url.contains("open.bigmodel.cn");
    let is_together = provider == "together"
        || url.contains("api.together.ai")
        || url.contains("api.together.xyz");
    let is_moonshot =
        matches!(provider, "moonshotai" | "moonshotai-cn") || url.contains("api.moonshot.");
    let is_openrouter = provider == "openrouter" || url.contains("openrouter.ai");
    let is_cloudflare_workers =
        provider == "cloudflare-workers-ai" || url.contains("api.cloudflare.com");
    let is_cloudflare_gateway =
        provider == "cloudflare-ai-gateway" || url.contains("gateway.ai.cloudflare.com");
    let is_nvidia = provider == "nvidia" || url.contains("integrate.api.nvidia.com");
    let is_ant_ling = provider == "ant-ling" || url.contains("api.ant-ling.com");
    let is_cerebras = provider == "cerebras" || url.contains("cerebras.ai");
    let is_deepseek = provider == "deepseek" || url.to_lowercase().contains("deepseek.com");
    let is_grok = provider == "xai" || url.contains("api.x.ai");
    let is_chutes = url.contains("chutes.ai");
    let is_opencode = provider == "opencode" || url.contains("opencode.ai");
    let non_standard = is_nvidia
        || is_cerebras
        || is_grok
        || is_together
        || is_chutes
        || is_deepseek
        || is_zai
        || is_moonshot
        || is_opencode
        || is_cloudflare_workers
        || is_cloudflare_gateway
        || is_ant_ling;
    let use_max_tokens = is_chutes
        || is_deepseek
        || is_moonshot
        || is_cloudflare_gateway
        || is_together
        || is_nvidia
        || is_ant_ling
        || is_zai;
    let openrouter_developer_model =
        is_openrouter && (model.id.starts_with("anthropic/") || model.id.starts_with("openai/"));
    CompletionsCompat {
        supports_store: !non_standard,
        supports_developer_role: openrouter_developer_model || (!non_standard && !is_openrouter),
        supports_reasoning_effort: !is_grok
            && !is_zai
            && !is_moonshot
            && !is_together
            && !is_cloudflare_gateway
            && !is_nvidia
            && !is_ant_ling,
        supports_usage_in_streaming: true,
        supports_finish_reason: true,
        max_tokens_field: if use_max_tokens {
            MaxTokensField::MaxTokens
        } else {
            MaxTokensField::MaxCompletionTokens
        },
        requires_tool_result_name: false,
        requires_assistant_after_tool_result: false,
        requires_thinking_as_text: false,
        requires_reasoning_content_on_assistant_messages: is_deepseek,
        thinking_format: if is_deepseek {
            ThinkingFormat::Deepseek
        } else if is_zai {
            ThinkingFormat::Zai
        } else if is_together {
            ThinkingFormat::Together
        } else if is_ant_ling {
            ThinkingFormat::AntLing
        } else if is_openrouter {
            ThinkingFormat::Openrouter
        } else {
            ThinkingFormat::Openai
        },
        open_router_routing: None,
        vercel_gateway_routing: None,
        chat_template_kwargs: Map::new(),
        chat_template_args: Map::new(),
        zai_tool_stream: false,
        thinking_token_budget_field: None,
        // OpenAI compatibility alone does not imply strict JSON-schema tools.
        supports_strict_mode: false,
        supports_openai_grammar_tools: false,
        supports_mid_convo_system_messages: false,
        supports_mid_convo_tool_additions: false,
        cache_control_format: (provider == "openrouter" && model.id.starts_with("anthropic/"))
            .then_some(CacheControlFormat::Anthropic),
        send_session_affinity_headers: is_openrouter,
        session_affinity_format: if is_openrouter {
            SessionAffinityFormat::Openrouter
        } else {
            SessionAffinityFormat::Openai
        },
        supports_long_cache_retention: !(is_together
            || is_cloudflare_workers
            || is_cloudflare_gateway
            || is_nvidia
            || is_ant_ling),
        vllm_priority: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn model(provider: &str, url: &str, compat: Value) -> Model {
        serde_json::from_value(json!({
            "id": "m", "name": "m", "api": "openai-completions", "provider": provider,
            "baseUrl": url, "reasoning": true, "input": ["text"],
            "cost": {"input": 0, "output": 0, "cacheRead": 0, "cacheWrite": 0},
            "contextWindow": 1000, "maxTokens": 100, "compat": compat
        }))
        .unwrap()
    }

    #[test]
    fn detection_by_provider_and_url() {
        let openai =
            CompletionsCompat::of(&model("openai", "https://api.openai.com/v1", json!({})));
        assert!(
            openai.supports_store
                && openai.supports_developer_role
                && openai.supports_reasoning_effort
        );
        assert_eq!(openai.max_tokens_field, MaxTokensField::MaxCompletionTokens);
        assert!(!openai.supports_strict_mode);

        let zai =
            CompletionsCompat::of(&model("custom", "https://api.z.ai/api/paas/v4", json!({})));
        assert!(
            !zai.supports_store && !zai.supports_developer_role && !zai.supports_reasoning_effort
        );
        assert_eq!(zai.thinking_format, ThinkingFormat::Zai);
        assert_eq!(zai.max_tokens_field, MaxTokensField::MaxTokens);

        let deepseek = CompletionsCompat::of(&model("x", "https://api.DeepSeek.com", json!({})));
        assert!(deepseek.requires_reasoning_content_on_assistant_messages);

        let overridden = CompletionsCompat::of(&model(
            "groq",
            "https://api.groq.com/openai/v1",
            json!({"supportsStore": false, "maxTokensField": "max_tokens", "supportsThinkingTokenBudget": true}),
        ));
        assert!(!overridden.supports_store);
        assert_eq!(overridden.max_tokens_field, MaxTokensField::MaxTokens);
        assert_eq!(
            overridden.thinking_token_budget_field.as_deref(),
            Some("thinking_token_budget")
        );
    }
}

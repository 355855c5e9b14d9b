//! The built-in catalog matches pi 0.87.1's registry: providers in order, every provider's
//! models in order and unchanged, and the values people rely on (prices, windows, limits).

use pi_ai::{ApiRegistry, AssistantEvent, Context, StopReason, builtin_model};
use serde_json::Value;

use super::support::{collect, fixture, keyed};

/// `Object.keys(MODELS)` of pi-ai 0.87.1 (`dist/models.generated.js`).
const REFERENCE_PROVIDERS: [&str; 41] = [
    "amazon-bedrock",
    "ant-ling",
    "anthropic",
    "azure-openai-responses",
    "baseten",
    "cerebras",
    "cloudflare-ai-gateway",
    "cloudflare-workers-ai",
    "deepseek",
    "fireworks",
    "github-copilot",
    "google",
    "google-vertex",
    "groq",
    "huggingface",
    "kimi-coding",
    "meta",
    "minimax",
    "minimax-cn",
    "mistral",
    "moonshotai",
    "moonshotai-cn",
    "nvidia",
    "openai",
    "openai-codex",
    "opencode",
    "opencode-go",
    "openrouter",
    "qwen-token-plan",
    "qwen-token-plan-cn",
    "qwen-token-plan-individual",
    "radius",
    "together",
    "vercel-ai-gateway",
    "xai",
    "xiaomi",
    "xiaomi-token-plan-ams",
    "xiaomi-token-plan-cn",
    "xiaomi-token-plan-sgp",
    "zai",
    "zai-coding-cn",
];

/// A provider's models as the reference's registry lists them: the API groups of its data
/// file flattened in order (`flattenModelCatalog`).
fn reference_models(provider: &str) -> Vec<Value> {
    let path = fixture(&format!("models-0.87.1/{provider}.json"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{provider}: {e}"));
    let groups: serde_json::Map<String, Value> = serde_json::from_str(&text).unwrap();
    let mut models = serde_json::Map::new();
    for group in groups.into_values() {
        if let Value::Object(group) = group {
            models.extend(group);
        }
    }
    models.into_values().collect()
}

#[test]
fn providers_are_in_registry_order() {
    let providers: Vec<&str> = pi_ai::builtin_providers().collect();
    assert_eq!(providers, REFERENCE_PROVIDERS);
}

#[test]
fn every_provider_has_the_reference_models_in_order() {
    let mut total = 0;
    for provider in REFERENCE_PROVIDERS {
        let expected = reference_models(provider);
        let ours = pi_ai::builtin_models(provider);
        assert_eq!(ours.len(), expected.len(), "{provider}: model count");
        for (model, original) in ours.iter().zip(&expected) {
            assert_eq!(
                &serde_json::to_value(model).unwrap(),
                original,
                "{provider}"
            );
        }
        total += ours.len();
    }
    assert_eq!(total, 1495);
    let all: Vec<_> = pi_ai::all_builtin_models().collect();
    assert_eq!(all.len(), total);
    assert_eq!(all[0].id, "amazon.nova-2-lite-v1:0");
    assert_eq!(all[total - 1].provider, "zai-coding-cn");
}

#[test]
fn sample_prices_windows_and_limits() {
    let opus = builtin_model("anthropic", "claude-opus-4-8").unwrap();
    assert_eq!(
        (
            opus.cost.input,
            opus.cost.output,
            opus.cost.cache_read,
            opus.cost.cache_write
        ),
        (5.0, 25.0, 0.5, 6.25)
    );
    assert_eq!((opus.context_window, opus.max_tokens), (1_000_000, 128_000));

    let gpt = builtin_model("openai", "gpt-5.5").unwrap();
    assert_eq!((gpt.cost.input, gpt.cost.output), (5.0, 30.0));
    let tier = &gpt.cost.tiers.as_ref().unwrap()[0];
    assert_eq!((tier.input_tokens_above, tier.input), (272_000, 10.0));
    assert_eq!((gpt.context_window, gpt.max_tokens), (272_000, 128_000));
    assert_eq!(gpt.api, "openai-responses");

    let gemini = builtin_model("google", "gemini-3.1-pro-preview").unwrap();
    assert_eq!((gemini.cost.input, gemini.cost.output), (2.0, 12.0));
    assert_eq!(
        (gemini.context_window, gemini.max_tokens),
        (1_048_576, 65_536)
    );

    let kimi = builtin_model("openrouter", "moonshotai/kimi-k2.6").unwrap();
    assert_eq!((kimi.cost.input, kimi.cost.cache_read), (0.95, 0.16));
    assert_eq!((kimi.context_window, kimi.max_tokens), (262_144, 235_929));

    let nova = builtin_model("amazon-bedrock", "amazon.nova-2-lite-v1:0").unwrap();
    assert_eq!(nova.cost.cache_read, 0.0825);
    assert_eq!(nova.api, "bedrock-converse-stream");

    // A provider spanning several APIs keeps each model's own.
    let copilot: Vec<&str> = pi_ai::builtin_models("github-copilot")
        .iter()
        .map(|m| m.api.as_str())
        .collect();
    assert_eq!(copilot.first(), Some(&"anthropic-messages"));
    assert_eq!(copilot.last(), Some(&"openai-responses"));

    assert!(builtin_model("anthropic", "no-such-model").is_none());
    assert!(pi_ai::builtin_models("no-such-provider").is_empty());
}

#[tokio::test]
async fn a_model_without_an_adapter_fails_naming_its_api() {
    let model = builtin_model("amazon-bedrock", "amazon.nova-2-lite-v1:0").unwrap();
    let stream = ApiRegistry::builtin().stream(model, &Context::from("hi"), &keyed());
    let (events, message) = collect(stream).await;
    assert!(matches!(events.as_slice(), [AssistantEvent::Error { .. }]));
    assert_eq!(message.stop_reason, StopReason::Error);
    assert_eq!(
        message.error_message.as_deref(),
        Some("No API provider registered for api: bedrock-converse-stream")
    );
}

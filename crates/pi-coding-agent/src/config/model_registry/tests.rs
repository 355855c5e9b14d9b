use std::path::Path;

use serde_json::json;

use super::*;

const MODELS: &str = r#"{
  // a local server
  "providers": {
    "ollama": {
      "baseUrl": "http://localhost:11434/v1",
      "api": "openai-completions",
      "apiKey": "ollama",
      "headers": {"X-Team": "$TEAM"},
      "models": [
        {"id": "qwen2.5-coder:7b", "headers": {"X-Model": "q"}},
        {"id": "llama3.1:8b", "reasoning": true, "input": ["text", "image"]},
      ],
    },
    "anthropic": {
      "baseUrl": "https://proxy.example/anthropic",
      "modelOverrides": {"claude-opus-4-8": {"name": "Opus (proxy)"}},
    },
    "gateway": {
      "baseUrl": "https://gw.example/v1",
      "api": "openai-completions",
      "apiKey": "$GATEWAY_KEY",
      "authHeader": true,
      "models": [{"id": "gw-model"}],
    },
    "broken": {"models": [{"id": "x"}]},
  },
}"#;

fn registry(vars: &[(&str, &str)], auth: serde_json::Value) -> ModelRegistry {
    let mut env = Env::with_home("/nonexistent-home");
    for (k, v) in vars {
        env.insert(*k, *v);
    }
    let config = ModelsConfig::parse(MODELS, Path::new("/agent/models.json"));
    ModelRegistry::new(
        config,
        AuthStorage::in_memory(auth),
        env,
        PathBuf::from("/pkg/docs"),
    )
}

#[test]
fn built_in_providers_come_first_then_custom_ones_in_file_order() {
    let r = registry(&[], json!({}));
    let ids: Vec<&str> = r.provider_ids().collect();
    let builtin_count = pi_ai::builtin_providers().count();
    assert_eq!(ids[..builtin_count].first(), Some(&"amazon-bedrock"));
    assert_eq!(&ids[builtin_count..], ["ollama", "gateway", "broken"]);
    assert!(r.is_builtin("anthropic"));
    assert!(!r.is_builtin("ollama"));
}

#[test]
fn built_in_overrides_and_custom_models() {
    let r = registry(&[], json!({}));
    let opus = r.find("anthropic", "claude-opus-4-8").unwrap();
    assert_eq!(opus.name, "Opus (proxy)");
    assert_eq!(opus.base_url, "https://proxy.example/anthropic");
    assert!(
        r.models("anthropic")
            .iter()
            .all(|m| m.base_url == "https://proxy.example/anthropic")
    );
    assert_eq!(
        r.models("anthropic").len(),
        pi_ai::builtin_models("anthropic").len()
    );
    let qwen = r.find("ollama", "qwen2.5-coder:7b").unwrap();
    assert_eq!(qwen.api, "openai-completions");
    assert_eq!(qwen.context_window, 128000);
    assert!(r.find("ollama", "llama3.1:8b").unwrap().accepts_images());
    assert_eq!(r.models("broken").len(), 0);
    assert_eq!(r.all().len(), pi_ai::all_builtin_models().count() + 3);
}

#[test]
fn provider_errors_are_reported_and_spare_the_rest() {
    let r = registry(&[], json!({}));
    assert_eq!(
        r.error().unwrap(),
        "Provider \"broken\": Provider broken, model x: no \"api\" specified. Set at provider or model level."
    );
    // A schema error drops every custom model but keeps the catalog.
    let config = ModelsConfig::parse(
        r#"{"providers": {"a": {"baseUrl": 1}}}"#,
        Path::new("/m.json"),
    );
    let r = ModelRegistry::new(
        config,
        AuthStorage::in_memory(json!({})),
        Env::default(),
        PathBuf::from("/docs"),
    );
    assert!(
        r.error()
            .unwrap()
            .starts_with("Invalid models.json schema:\n  - providers.a.baseUrl: must be string")
    );
    assert_eq!(r.all().len(), pi_ai::all_builtin_models().count());
}

#[test]
fn availability_follows_auth() {
    let r = registry(
        &[("GROQ_API_KEY", "gsk")],
        json!({"xai": {"type": "api_key", "key": "k"}}),
    );
    let providers: Vec<&str> = {
        let mut seen: Vec<&str> = Vec::new();
        for model in r.available() {
            if seen.last() != Some(&model.provider.as_str()) {
                seen.push(&model.provider);
            }
        }
        seen
    };
    // gateway's key variable is missing, broken has no models.
    assert_eq!(providers, ["groq", "xai", "ollama"]);
    assert_eq!(r.auth_source("ollama"), Some(AuthSource::ModelsJson));
    assert_eq!(
        r.auth_source("groq"),
        Some(AuthSource::Environment("GROQ_API_KEY".into()))
    );
    assert!(!r.has_auth("anthropic"));
}

#[test]
fn request_auth_resolves_keys_and_headers() {
    let r = registry(&[("TEAM", "core"), ("GATEWAY_KEY", "gk")], json!({}));
    let qwen = r.find("ollama", "qwen2.5-coder:7b").unwrap().clone();
    let auth = r.request_auth(&qwen).unwrap();
    assert_eq!(auth.api_key.as_deref(), Some("ollama"));
    assert_eq!(auth.headers["X-Team"], "core");
    assert_eq!(auth.headers["X-Model"], "q");
    assert!(!format!("{auth:?}").contains("ollama\""));

    let gw = r.find("gateway", "gw-model").unwrap().clone();
    let auth = r.request_auth(&gw).unwrap();
    assert_eq!(auth.headers["Authorization"], "Bearer gk");
    assert_eq!(r.api_key_for(&gw).unwrap().as_deref(), Some("gk"));
}

#[test]
fn request_auth_errors() {
    let r = registry(&[], json!({}));
    let qwen = r.find("ollama", "qwen2.5-coder:7b").unwrap().clone();
    assert_eq!(
        r.request_auth(&qwen).unwrap_err().to_string(),
        "Failed to resolve provider \"ollama\" header \"X-Team\" from environment variable: TEAM"
    );
    let gw = r.find("gateway", "gw-model").unwrap().clone();
    assert_eq!(
        r.request_auth(&gw).unwrap_err().to_string(),
        "Failed to resolve API key for provider \"gateway\" from environment variable: GATEWAY_KEY"
    );
    let opus = r.find("anthropic", "claude-opus-4-8").unwrap().clone();
    assert_eq!(
        r.request_auth(&opus).unwrap_err().to_string(),
        "No API key found for anthropic.\n\nUse /login to log into a provider via OAuth or API key. See:\n  /pkg/docs/providers.md\n  /pkg/docs/models.md"
    );
}

#[test]
fn runtime_keys_make_a_provider_available() {
    let mut r = registry(&[], json!({}));
    assert!(!r.has_auth("openai"));
    r.set_runtime_api_key("openai", "sk-cli");
    assert!(r.has_auth("openai"));
    let model = r.models("openai")[0].clone();
    assert_eq!(r.api_key_for(&model).unwrap().as_deref(), Some("sk-cli"));
}

#[test]
fn load_reads_the_agent_directory() {
    let tmp = tempfile::tempdir().unwrap();
    let paths = ConfigPaths::new(tmp.path());
    std::fs::write(paths.models(), MODELS).unwrap();
    let mut r = ModelRegistry::load(&paths, Env::default(), PathBuf::from("/docs"));
    assert!(r.find("ollama", "llama3.1:8b").is_some());
    assert!(paths.auth().exists());
    std::fs::write(paths.models(), r#"{"providers": {}}"#).unwrap();
    r.refresh();
    assert!(r.find("ollama", "llama3.1:8b").is_none());
    assert_eq!(r.error(), None);
}

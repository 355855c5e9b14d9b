use std::path::{Path, PathBuf};

use pi_ai::{Model, ThinkingLevel};
use serde_json::{Value, json};

use super::*;
use crate::config::{AuthStorage, Env, ModelsConfig, Settings};

fn model(provider: &str, id: &str) -> Model {
    serde_json::from_value(json!({
        "id": id, "name": id, "api": "openai-completions", "provider": provider,
        "baseUrl": "http://x", "reasoning": true, "input": ["text"],
        "cost": {"input": 0, "output": 0, "cacheRead": 0, "cacheWrite": 0},
        "contextWindow": 1000, "maxTokens": 100
    }))
    .unwrap()
}

/// A registry with two custom providers sharing a model id, plus the catalog.
fn registry(auth: Value, vars: &[(&str, &str)]) -> ModelRegistry {
    let config = ModelsConfig::parse(
        r#"{"providers": {
            "alpha": {"baseUrl": "http://a", "api": "openai-completions", "apiKey": "$ALPHA_KEY",
                      "models": [{"id": "twin-model-q"}, {"id": "alpha-only", "reasoning": true}]},
            "beta": {"baseUrl": "http://b", "api": "openai-completions", "apiKey": "$BETA_KEY",
                     "models": [{"id": "twin-model-q"}, {"id": "plain", "reasoning": false}]}
        }}"#,
        Path::new("/m.json"),
    );
    assert_eq!(config.error(), None);
    let mut env = Env::with_home("/nonexistent-home");
    for (k, v) in vars {
        env.insert(*k, *v);
    }
    ModelRegistry::new(
        config,
        AuthStorage::in_memory(auth),
        env,
        PathBuf::from("/docs"),
    )
}

#[test]
fn aliases_are_ids_without_a_date() {
    assert!(is_alias("claude-sonnet-4-5"));
    assert!(is_alias("gpt-4o-latest"));
    assert!(!is_alias("claude-sonnet-4-5-20250929"));
    assert!(is_alias("x-2025092"));
}

#[test]
fn patterns_prefer_exact_then_aliases_then_the_latest_date() {
    let models = [
        model("anthropic", "claude-sonnet-4-5-20250929"),
        model("anthropic", "claude-sonnet-4-5"),
        model("anthropic", "claude-sonnet-4-0-20250101"),
        model("openrouter", "qwen/qwen3:free"),
        model("anthropic", "claude-haiku-4-5-20251001"),
        model("anthropic", "claude-haiku-4-5-20240101"),
    ];
    let refs: Vec<&Model> = models.iter().collect();
    let id = |p: &str| {
        parse_model_pattern(p, &refs, true)
            .model
            .map(|m| m.id.as_str())
    };
    assert_eq!(id("sonnet"), Some("claude-sonnet-4-5"));
    assert_eq!(
        id("CLAUDE-SONNET-4-5-20250929"),
        Some("claude-sonnet-4-5-20250929")
    );
    assert_eq!(id("anthropic/claude-sonnet-4-5"), Some("claude-sonnet-4-5"));
    assert_eq!(id("haiku"), Some("claude-haiku-4-5-20251001"));
    // Colons inside ids win over thinking suffixes.
    assert_eq!(id("qwen/qwen3:free"), Some("qwen/qwen3:free"));
    assert_eq!(id("nothing"), None);

    let found = parse_model_pattern("sonnet:high", &refs, true);
    assert_eq!(found.model.unwrap().id, "claude-sonnet-4-5");
    assert_eq!(found.thinking_level, Some(ThinkingLevel::High));
    assert_eq!(found.warning, None);

    let found = parse_model_pattern("sonnet:turbo", &refs, true);
    assert_eq!(found.model.unwrap().id, "claude-sonnet-4-5");
    assert_eq!(found.thinking_level, None);
    assert_eq!(
        found.warning.as_deref(),
        Some(
            "Invalid thinking level \"turbo\" in pattern \"sonnet:turbo\". Using default instead."
        )
    );
    assert_eq!(
        parse_model_pattern("sonnet:turbo", &refs, false).model,
        None
    );
    // A warning from an inner suffix drops the outer level.
    let found = parse_model_pattern("sonnet:turbo:high", &refs, true);
    assert_eq!(found.thinking_level, None);
    assert!(found.warning.is_some());
}

#[test]
fn exact_references_reject_ambiguous_bare_ids() {
    let models = [model("a", "same"), model("b", "same"), model("b", "other")];
    let refs: Vec<&Model> = models.iter().collect();
    assert_eq!(find_exact_model_reference("same", &refs), None);
    assert_eq!(
        find_exact_model_reference("B/Same", &refs)
            .unwrap()
            .provider,
        "b"
    );
    assert_eq!(
        find_exact_model_reference(" other ", &refs).unwrap().id,
        "other"
    );
    assert_eq!(find_exact_model_reference("", &refs), None);
}

#[test]
fn scopes_take_globs_levels_and_warn_about_misses() {
    let models = [
        model("anthropic", "claude-sonnet-4-5"),
        model("anthropic", "claude-opus-4-8"),
        model("openai", "gpt-5.5"),
        model("openrouter", "anthropic/claude-sonnet-4-5"),
        model("weird", "id[1]"),
    ];
    let refs: Vec<&Model> = models.iter().collect();
    let patterns: Vec<String> = [
        "*SONNET*",
        "anthropic/*:high",
        "gpt-5.5:low",
        "nope*",
        "nothing",
        "id[1]",
    ]
    .map(String::from)
    .to_vec();
    let (scoped, warnings) = resolve_model_scope(&patterns, &refs);
    let got: Vec<(String, Option<ThinkingLevel>)> = scoped
        .iter()
        .map(|s| {
            (
                format!("{}/{}", s.model.provider, s.model.id),
                s.thinking_level,
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            // `*` stops at `/`, as in minimatch: "*SONNET*" misses the OpenRouter id,
            // which "anthropic/*" then matches as a bare id.
            ("anthropic/claude-sonnet-4-5".to_string(), None),
            (
                "anthropic/claude-opus-4-8".to_string(),
                Some(ThinkingLevel::High)
            ),
            (
                "openrouter/anthropic/claude-sonnet-4-5".to_string(),
                Some(ThinkingLevel::High),
            ),
            ("openai/gpt-5.5".to_string(), Some(ThinkingLevel::Low)),
            ("weird/id[1]".to_string(), None),
        ]
    );
    assert_eq!(
        warnings,
        [
            "No models match pattern \"nope*\"",
            "No models match pattern \"nothing\""
        ]
    );
}

#[test]
fn cli_model_errors_use_pis_words() {
    let r = registry(json!({}), &[]);
    let err = |provider: Option<&str>, pattern: &str| {
        resolve_cli_model(provider, pattern, None, &r)
            .error
            .unwrap_or_default()
    };
    assert_eq!(
        err(Some("nosuch"), "x"),
        "Unknown provider \"nosuch\". Use --list-models to see available providers/models."
    );
    assert_eq!(
        err(None, "twin-model-q"),
        "Model \"twin-model-q\" is ambiguous across providers: alpha/twin-model-q, beta/twin-model-q. No matching provider is authenticated. Use --provider or provider/model."
    );
    assert_eq!(
        err(None, "definitely-not-a-model-zz9"),
        "Model \"definitely-not-a-model-zz9\" not found. Use --list-models to see available models."
    );
    let r = registry(json!({}), &[("ALPHA_KEY", "a"), ("BETA_KEY", "b")]);
    assert_eq!(
        resolve_cli_model(None, "twin-model-q", None, &r)
            .error
            .unwrap(),
        "Model \"twin-model-q\" is ambiguous across providers: alpha/twin-model-q, beta/twin-model-q. More than one matching provider is authenticated. Use --provider or provider/model."
    );
}

#[test]
fn cli_model_picks_the_one_authenticated_provider() {
    let r = registry(json!({}), &[("BETA_KEY", "b")]);
    let resolved = resolve_cli_model(None, "twin-model-q", None, &r);
    assert_eq!(resolved.model.unwrap().provider, "beta");
    let resolved = resolve_cli_model(None, "alpha/twin-model-q", None, &r);
    assert_eq!(resolved.model.unwrap().provider, "alpha");
    let resolved = resolve_cli_model(Some("ALPHA"), "alpha/alpha-only:high", None, &r);
    let model = resolved.model.unwrap();
    assert_eq!(
        (model.provider.as_str(), model.id.as_str()),
        ("alpha", "alpha-only")
    );
    assert_eq!(resolved.thinking_level, Some(ThinkingLevel::High));
    // The strict --model parser refuses an invalid suffix rather than guess.
    let resolved = resolve_cli_model(Some("beta"), "plain:turbo", None, &r);
    assert_eq!(resolved.model.unwrap().id, "plain:turbo");
}

#[test]
fn unknown_ids_of_a_known_provider_become_custom_models() {
    let r = registry(json!({}), &[]);
    let resolved = resolve_cli_model(Some("beta"), "brand-new-model:high", None, &r);
    let model = resolved.model.unwrap();
    assert_eq!(
        (model.id.as_str(), model.name.as_str()),
        ("brand-new-model", "brand-new-model")
    );
    assert_eq!(model.base_url, "http://b");
    assert!(
        model.reasoning,
        "a requested thinking level makes it a reasoning model"
    );
    assert_eq!(resolved.thinking_level, Some(ThinkingLevel::High));
    assert_eq!(
        resolved.warning.as_deref(),
        Some("Model \"brand-new-model\" not found for provider \"beta\". Using custom model id.")
    );
    // With --thinking the suffix stays part of the id.
    let resolved = resolve_cli_model(Some("beta"), "nm:high", Some(ThinkingLevel::Low), &r);
    assert_eq!(resolved.model.unwrap().id, "nm:high");
}

#[test]
fn initial_model_order() {
    let settings = Settings::in_memory(json!({
        "defaultProvider": "alpha", "defaultModel": "alpha-only",
        "defaultThinkingLevel": "low",
        "modelThinkingLevels": {"alpha/alpha-only": "high"}
    }));
    // The saved default needs auth.
    let r = registry(json!({}), &[("BETA_KEY", "b")]);
    let initial = find_initial_model(None, &[], false, &settings, &r).unwrap();
    assert_eq!(initial.model.unwrap().provider, "beta");
    assert_eq!(initial.thinking_level, ThinkingLevel::Medium);

    let r = registry(json!({}), &[("ALPHA_KEY", "a"), ("BETA_KEY", "b")]);
    let initial = find_initial_model(None, &[], false, &settings, &r).unwrap();
    assert_eq!(initial.model.unwrap().id, "alpha-only");
    assert_eq!(initial.thinking_level, ThinkingLevel::High);

    // A scope's first model comes first (unless continuing).
    let scoped = [ScopedModel {
        model: r.find("beta", "plain").unwrap().clone(),
        thinking_level: None,
    }];
    let initial = find_initial_model(None, &scoped, false, &settings, &r).unwrap();
    assert_eq!(initial.model.unwrap().id, "plain");
    assert_eq!(initial.thinking_level, ThinkingLevel::Low);
    let initial = find_initial_model(None, &scoped, true, &settings, &r).unwrap();
    assert_eq!(initial.model.unwrap().id, "alpha-only");

    // The command line first, and its errors.
    let initial = find_initial_model(Some(("beta", "plain")), &[], false, &settings, &r).unwrap();
    assert_eq!(initial.model.unwrap().id, "plain");
    assert!(find_initial_model(Some(("nosuch", "x")), &[], false, &settings, &r).is_err());
}

#[test]
fn provider_defaults_win_over_catalog_order() {
    let settings = Settings::in_memory(json!({}));
    let r = registry(json!({}), &[("OPENAI_API_KEY", "o"), ("GROQ_API_KEY", "g")]);
    // groq sorts before openai in the catalog, but openai's default comes first in pi's table.
    let initial = find_initial_model(None, &[], false, &settings, &r).unwrap();
    let model = initial.model.unwrap();
    assert_eq!(
        (model.provider.as_str(), model.id.as_str()),
        ("openai", "gpt-5.5")
    );
    // Nothing available at all.
    let r = registry(json!({}), &[]);
    assert_eq!(
        find_initial_model(None, &[], false, &settings, &r)
            .unwrap()
            .model,
        None
    );
}

#[test]
fn session_model_thinking_levels_and_messages() {
    let r = registry(json!({}), &[("BETA_KEY", "b"), ("ALPHA_KEY", "a")]);
    let settings =
        Settings::in_memory(json!({"modelThinkingLevels": {"alpha/alpha-only": "minimal"}}));
    let alpha = r.find("alpha", "alpha-only").unwrap().clone();
    let plain = r.find("beta", "plain").unwrap().clone();

    let chosen = choose_session_model(Some(alpha.clone()), None, None, &settings, &r);
    assert_eq!(chosen.thinking_level, ThinkingLevel::Minimal);
    // A model without reasoning thinks at off.
    let chosen = choose_session_model(
        Some(plain.clone()),
        Some(ThinkingLevel::High),
        None,
        &settings,
        &r,
    );
    assert_eq!(chosen.thinking_level, ThinkingLevel::Off);
    // xhigh clamps to what the model maps.
    let chosen = choose_session_model(
        Some(alpha.clone()),
        Some(ThinkingLevel::Xhigh),
        None,
        &settings,
        &r,
    );
    assert_eq!(chosen.thinking_level, ThinkingLevel::High);

    // An existing session restores its model and its level.
    let existing = ExistingSession {
        model: Some(("alpha", "alpha-only")),
        thinking_level: Some(ThinkingLevel::Low),
    };
    let chosen = choose_session_model(None, None, Some(existing), &settings, &r);
    assert_eq!(chosen.model.as_ref().unwrap().id, "alpha-only");
    assert_eq!(chosen.thinking_level, ThinkingLevel::Low);
    assert_eq!(chosen.fallback_message, None);
    // ...without a thinking entry it takes the default level, not the per-model one.
    let existing = ExistingSession {
        model: Some(("alpha", "alpha-only")),
        thinking_level: None,
    };
    let chosen = choose_session_model(None, None, Some(existing), &settings, &r);
    assert_eq!(chosen.thinking_level, ThinkingLevel::Medium);

    let gone = ExistingSession {
        model: Some(("gone", "old-model")),
        thinking_level: None,
    };
    let chosen = choose_session_model(None, None, Some(gone), &settings, &r);
    let model = chosen.model.unwrap();
    assert_eq!(
        chosen.fallback_message.unwrap(),
        format!(
            "Could not restore model gone/old-model. Using {}/{}",
            model.provider, model.id
        )
    );

    let empty = registry(json!({}), &[]);
    let chosen = choose_session_model(None, None, None, &settings, &empty);
    assert_eq!(chosen.model, None);
    assert_eq!(chosen.thinking_level, ThinkingLevel::Off);
    assert!(
        chosen
            .fallback_message
            .unwrap()
            .starts_with("No models available. Use /login")
    );
}

#[test]
fn model_options_from_the_command_line_and_scope() {
    let r = registry(json!({}), &[("BETA_KEY", "b"), ("ALPHA_KEY", "a")]);
    let settings = Settings::in_memory(json!({"defaultProvider": "beta", "defaultModel": "plain"}));
    let scoped = vec![
        ScopedModel {
            model: r.find("alpha", "alpha-only").unwrap().clone(),
            thinking_level: Some(ThinkingLevel::High),
        },
        ScopedModel {
            model: r.find("beta", "plain").unwrap().clone(),
            thinking_level: Some(ThinkingLevel::Low),
        },
    ];
    let options = build_model_options(
        CliModelArgs::default(),
        scoped.clone(),
        false,
        &settings,
        &r,
    );
    assert_eq!(options.model.unwrap().id, "plain");
    assert_eq!(options.thinking_level, Some(ThinkingLevel::Low));
    assert_eq!(options.scoped_models.len(), 2);

    // An existing session keeps its own model.
    let options = build_model_options(CliModelArgs::default(), scoped.clone(), true, &settings, &r);
    assert_eq!(options.model, None);

    let cli = CliModelArgs {
        provider: None,
        model: Some("alpha/alpha-only:minimal"),
        thinking: None,
    };
    let options = build_model_options(cli, scoped.clone(), false, &settings, &r);
    assert_eq!(options.model.unwrap().id, "alpha-only");
    assert_eq!(options.thinking_level, Some(ThinkingLevel::Minimal));
    assert!(options.cli_thinking_from_model);

    let cli = CliModelArgs {
        thinking: Some(ThinkingLevel::Max),
        ..cli
    };
    let options = build_model_options(cli, scoped, false, &settings, &r);
    assert_eq!(options.thinking_level, Some(ThinkingLevel::Max));
    assert!(!options.cli_thinking_from_model);

    let cli = CliModelArgs {
        provider: Some("nosuch"),
        model: Some("x"),
        thinking: None,
    };
    let options = build_model_options(cli, vec![], false, &settings, &r);
    assert_eq!(options.errors.len(), 1);
}

/// What the reference pi 0.87.1 resolves for the same patterns against the same catalog
/// (`scripts/reference/model-resolution.mjs` writes the fixture).
#[test]
fn resolution_matches_the_reference() {
    let fixture: Value = serde_json::from_str(include_str!(
        "../../../tests/fixtures/config/model-resolution.json"
    ))
    .unwrap();
    for variant in ["noAuth", "withAuth"] {
        let case = &fixture[variant];
        let mut env = Env::with_home("/nonexistent-home");
        for (k, v) in case["env"].as_object().unwrap() {
            env.insert(k.as_str(), v.as_str().unwrap());
        }
        let r = ModelRegistry::new(
            ModelsConfig::empty(),
            AuthStorage::in_memory(json!({})),
            env,
            PathBuf::from("/docs"),
        );
        let available = r.available();
        assert_eq!(
            available.len() as u64,
            case["available"].as_u64().unwrap(),
            "{variant}"
        );

        for expected in case["cli"].as_array().unwrap() {
            let provider = expected["provider"].as_str();
            let pattern = expected["model"].as_str().unwrap();
            let thinking = expected["thinking"]
                .as_str()
                .and_then(crate::config::settings::parse_thinking_level);
            let got = resolve_cli_model(provider, pattern, thinking, &r);
            let actual = json!({
                "provider": provider,
                "model": pattern,
                "thinking": expected["thinking"],
                "result": got.model.as_ref().map(|m| format!("{}/{}", m.provider, m.id)),
                "reasoning": got.model.as_ref().map(|m| m.reasoning),
                "thinkingLevel": got.thinking_level.map(|l| l.as_str()),
                "warning": got.warning,
                "error": got.error,
            });
            assert_eq!(&actual, expected, "{variant}: --model {pattern}");
        }

        for expected in case["scopes"].as_array().unwrap() {
            let patterns: Vec<String> = expected["patterns"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| p.as_str().unwrap().to_string())
                .collect();
            let (scoped, warnings) = resolve_model_scope(&patterns, &available);
            let models: Vec<Value> = scoped
                .iter()
                .map(|s| {
                    json!([
                        format!("{}/{}", s.model.provider, s.model.id),
                        s.thinking_level.map(|l| l.as_str())
                    ])
                })
                .collect();
            assert_eq!(json!(models), expected["models"], "{variant}: {patterns:?}");
            assert_eq!(
                json!(warnings),
                expected["warnings"],
                "{variant}: {patterns:?}"
            );
        }
    }
}

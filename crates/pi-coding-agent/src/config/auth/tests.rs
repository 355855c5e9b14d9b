use std::fs;

use serde_json::{Value, json};

use super::*;
use crate::config::env::Env;
use crate::config::resolve_value::ValueResolver;

const NOW: i64 = 1_700_000_000_000;

fn builtin(provider: &str) -> AuthMethods {
    builtin_auth_methods(provider, true)
}

fn custom() -> AuthMethods {
    builtin_auth_methods("my-llm", false)
}

fn values(vars: &[(&str, &str)]) -> ValueResolver {
    let mut env = Env::with_home("/nonexistent-home");
    for (k, v) in vars {
        env.insert(*k, *v);
    }
    ValueResolver::new(env)
}

#[test]
fn open_creates_a_private_empty_file() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("agent/auth.json");
    let storage = AuthStorage::open(&path);
    assert_eq!(storage.load_error(), None);
    assert_eq!(fs::read_to_string(&path).unwrap(), "{}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let file_mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        let dir_mode = fs::metadata(path.parent().unwrap())
            .unwrap()
            .permissions()
            .mode()
            & 0o777;
        assert_eq!((file_mode, dir_mode), (0o600, 0o700));
    }
    assert!(!tmp.path().join("agent/auth.json.lock").exists());
}

#[test]
fn writes_keep_other_entries_verbatim_and_see_concurrent_changes() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("auth.json");
    let original = json!({
        "openai-codex": {"type": "oauth", "refresh": "r", "access": "a", "expires": 1735689600000_u64,
                         "accountId": "acct-1", "nested": {"x": [1, 2.5]}},
        "weird": {"type": "future-kind", "blob": true}
    });
    fs::write(&path, serde_json::to_string(&original).unwrap()).unwrap();
    let mut storage = AuthStorage::open(&path);
    assert_eq!(
        storage.list(),
        [
            ("openai-codex".to_string(), "oauth".to_string()),
            ("weird".to_string(), "future-kind".to_string())
        ]
    );
    // Another process logs in meanwhile.
    let mut changed = original.clone();
    changed["xai"] = json!({"type": "api_key", "key": "xai-key"});
    fs::write(&path, serde_json::to_string(&changed).unwrap()).unwrap();

    storage
        .set("anthropic", &Credential::api_key("sk-ant"))
        .unwrap();
    let written: Value = serde_json::from_str(&fs::read_to_string(&path).unwrap()).unwrap();
    let mut expected = changed.clone();
    expected["anthropic"] = json!({"type": "api_key", "key": "sk-ant"});
    assert_eq!(written, expected);
    assert!(
        fs::read_to_string(&path)
            .unwrap()
            .starts_with("{\n  \"openai-codex\": {\n")
    );

    storage.remove("xai").unwrap();
    let written: Value = serde_json::from_str(&fs::read_to_string(&path).unwrap()).unwrap();
    assert!(written.get("xai").is_none());
    assert_eq!(written["openai-codex"], original["openai-codex"]);
    assert!(matches!(
        storage.get("weird"),
        Err(AuthError::InvalidCredential(ref p)) if p == "weird"
    ));
    assert_eq!(
        storage.get("weird").unwrap_err().to_string(),
        "Invalid auth.json credential for provider \"weird\""
    );
}

#[test]
fn an_unreadable_file_is_reported_and_never_overwritten() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("auth.json");
    fs::write(&path, "{\"anthropic\": ").unwrap();
    let mut storage = AuthStorage::open(&path);
    let error = storage.load_error().unwrap().to_string();
    assert!(
        error.starts_with("Failed to read auth.json: EOF"),
        "{error}"
    );
    assert!(storage.set("x", &Credential::api_key("k")).is_err());
    assert_eq!(fs::read_to_string(&path).unwrap(), "{\"anthropic\": ");
}

#[test]
fn runtime_key_beats_auth_json_beats_models_json_beats_environment() {
    let v = values(&[("OPENAI_API_KEY", "env-key"), ("MY_KEY", "configured")]);
    let mut storage = AuthStorage::in_memory(json!({}));
    let key = |s: &AuthStorage, configured: Option<&str>| {
        s.resolve("openai", builtin("openai"), configured, &v, NOW)
            .unwrap()
            .map(|a| (a.api_key.unwrap_or_default(), a.source))
    };
    assert_eq!(
        key(&storage, None),
        Some((
            "env-key".into(),
            AuthSource::Environment("OPENAI_API_KEY".into())
        ))
    );
    assert_eq!(
        key(&storage, Some("$MY_KEY")),
        Some(("configured".into(), AuthSource::ModelsJson))
    );
    storage
        .set("openai", &Credential::api_key("stored"))
        .unwrap();
    assert_eq!(
        key(&storage, Some("$MY_KEY")),
        Some(("stored".into(), AuthSource::Stored))
    );
    storage.set_runtime_api_key("openai", "cli");
    assert_eq!(
        key(&storage, Some("$MY_KEY")),
        Some(("cli".into(), AuthSource::Runtime))
    );
    assert_eq!(
        storage.check("openai", builtin("openai"), None, &v),
        Some(AuthSource::Runtime)
    );
    storage.remove_runtime_api_key("openai");
    assert_eq!(
        storage.check("openai", builtin("openai"), None, &v),
        Some(AuthSource::Stored)
    );
}

#[test]
fn stored_keys_resolve_templates_and_commands() {
    let v = values(&[("PATH", "/usr/bin:/bin"), ("SHARED", "from-env")]);
    let storage = AuthStorage::in_memory(json!({
        "a": {"type": "api_key", "key": "$SHARED"},
        "b": {"type": "api_key", "key": "$OWN", "env": {"OWN": "from-entry"}},
        "c": {"type": "api_key", "key": "!printf cmd-key"},
        "d": {"type": "api_key", "key": "$MISSING"},
    }));
    let key = |p: &str| {
        storage
            .resolve(p, custom(), None, &v, NOW)
            .unwrap()
            .and_then(|a| a.api_key)
    };
    assert_eq!(key("a").as_deref(), Some("from-env"));
    assert_eq!(key("b").as_deref(), Some("from-entry"));
    assert_eq!(key("c").as_deref(), Some("cmd-key"));
    // A stored entry owns a custom provider: no fallback to models.json.
    assert_eq!(
        storage
            .resolve("d", custom(), Some("literal"), &v, NOW)
            .unwrap(),
        None
    );
    assert!(!storage.has_auth("d", custom(), Some("literal"), &v));
    let b = storage
        .resolve("b", custom(), None, &v, NOW)
        .unwrap()
        .unwrap();
    assert_eq!(b.env.unwrap()["OWN"], "from-entry");
}

#[test]
fn a_built_in_provider_with_an_empty_stored_key_falls_back_to_its_environment() {
    let v = values(&[("GROQ_API_KEY", "gsk")]);
    let storage = AuthStorage::in_memory(json!({"groq": {"type": "api_key"}}));
    let auth = storage
        .resolve("groq", builtin("groq"), None, &v, NOW)
        .unwrap()
        .unwrap();
    assert_eq!(auth.api_key.as_deref(), Some("gsk"));
}

#[test]
fn oauth_tokens_are_used_until_they_expire() {
    let v = values(&[]);
    let storage = AuthStorage::in_memory(json!({
        "anthropic": {"type": "oauth", "refresh": "r", "access": "tok", "expires": NOW + 60_000},
        "xai": {"type": "oauth", "refresh": "r", "access": "old", "expires": NOW - 1},
        "groq": {"type": "oauth", "refresh": "r", "access": "x", "expires": NOW + 60_000},
    }));
    let auth = storage
        .resolve("anthropic", builtin("anthropic"), None, &v, NOW)
        .unwrap()
        .unwrap();
    assert_eq!(auth.api_key.as_deref(), Some("tok"));
    assert_eq!(auth.source, AuthSource::OAuth);
    let err = storage
        .resolve("xai", builtin("xai"), None, &v, NOW)
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "OAuth token for xai has expired and cannot be refreshed here; log in again or use an API key"
    );
    // Expired logins still count as configured, as in pi.
    assert_eq!(
        storage.check("xai", builtin("xai"), None, &v),
        Some(AuthSource::OAuth)
    );
    // OAuth stored for a provider without OAuth owns it: no credential.
    let v = values(&[("GROQ_API_KEY", "gsk")]);
    assert_eq!(
        storage
            .resolve("groq", builtin("groq"), None, &v, NOW)
            .unwrap(),
        None
    );
    assert!(!storage.has_auth("groq", builtin("groq"), None, &v));
}

#[test]
fn configured_keys_need_their_variables() {
    let v = values(&[("PRESENT", "p")]);
    let storage = AuthStorage::in_memory(json!({}));
    assert_eq!(
        storage.check("c", custom(), Some("$PRESENT"), &v),
        Some(AuthSource::ModelsJson)
    );
    assert_eq!(storage.check("c", custom(), Some("$ABSENT"), &v), None);
    assert_eq!(
        storage.check("c", custom(), Some("!never-run"), &v),
        Some(AuthSource::ModelsJson)
    );
    assert_eq!(
        storage.check("c", custom(), Some("literal"), &v),
        Some(AuthSource::ModelsJson)
    );
    assert_eq!(storage.check("c", custom(), None, &v), None);
    let err = storage
        .resolve("c", custom(), Some("$ABSENT"), &v, NOW)
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "Failed to resolve API key for provider \"c\" from environment variable: ABSENT"
    );
    // A configured key replaces the environment of a built-in provider.
    let v = values(&[("OPENAI_API_KEY", "env")]);
    assert_eq!(
        storage.check("openai", builtin("openai"), Some("$ABSENT"), &v),
        None
    );
}

#[test]
fn anthropic_gateway_tokens_authenticate_by_header() {
    let v = values(&[
        ("ANTHROPIC_AUTH_TOKEN", "gw"),
        ("ANTHROPIC_API_KEY", "sk-ant"),
    ]);
    let storage = AuthStorage::in_memory(json!({}));
    let auth = storage
        .resolve("anthropic", builtin("anthropic"), None, &v, NOW)
        .unwrap()
        .unwrap();
    assert_eq!(auth.api_key, None);
    assert_eq!(auth.headers["Authorization"], "Bearer gw");
    let v = values(&[
        ("ANTHROPIC_OAUTH_TOKEN", "oat"),
        ("ANTHROPIC_API_KEY", "sk"),
    ]);
    let auth = storage
        .resolve("anthropic", builtin("anthropic"), None, &v, NOW)
        .unwrap()
        .unwrap();
    assert_eq!(auth.api_key.as_deref(), Some("oat"));
}

#[test]
fn ambient_cloud_credentials() {
    let storage = AuthStorage::in_memory(json!({}));
    let v = values(&[("AWS_PROFILE", "dev")]);
    let auth = storage
        .resolve("amazon-bedrock", builtin("amazon-bedrock"), None, &v, NOW)
        .unwrap()
        .unwrap();
    assert_eq!(auth.api_key, None);
    assert_eq!(auth.source, AuthSource::Ambient("AWS_PROFILE"));
    assert!(!storage.has_auth(
        "amazon-bedrock",
        builtin("amazon-bedrock"),
        None,
        &values(&[])
    ));

    let tmp = tempfile::tempdir().unwrap();
    let adc = tmp.path().join("adc.json");
    fs::write(&adc, "{}").unwrap();
    let adc = adc.to_string_lossy().to_string();
    let v = values(&[
        ("GOOGLE_APPLICATION_CREDENTIALS", adc.as_str()),
        ("GOOGLE_CLOUD_PROJECT", "p"),
        ("GOOGLE_CLOUD_LOCATION", "us"),
    ]);
    assert_eq!(
        storage.check("google-vertex", builtin("google-vertex"), None, &v),
        Some(AuthSource::Ambient(
            "gcloud application default credentials"
        ))
    );
}

#[test]
fn oauth_only_providers_take_no_api_keys() {
    let v = values(&[]);
    let mut storage = AuthStorage::in_memory(json!({}));
    storage.set_runtime_api_key("openai-codex", "k");
    let methods = builtin("openai-codex");
    assert_eq!(
        storage
            .resolve("openai-codex", methods, None, &v, NOW)
            .unwrap(),
        None
    );
    // ...unless models.json gives the provider a key.
    let auth = storage
        .resolve("openai-codex", methods, Some("cfg"), &v, NOW)
        .unwrap()
        .unwrap();
    assert_eq!(auth.api_key.as_deref(), Some("k"));
}

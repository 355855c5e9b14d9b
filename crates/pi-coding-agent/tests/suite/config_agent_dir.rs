//! A realistic `~/.pi/agent` written by earlier pi versions (legacy settings keys, API-key
//! and OAuth credentials, a commented `models.json` with a custom provider and overrides)
//! loads without being touched, and a change writes exactly what the reference writes.

use std::fs;
use std::path::{Path, PathBuf};

use pi_ai::ThinkingLevel;
use pi_coding_agent::config::settings::{QueueMode, Transport};
use pi_coding_agent::config::{
    AuthSource, AuthStorage, ConfigPaths, Credential, Env, ModelRegistry, Settings,
    find_initial_model, resolve_model_scope,
};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/config");

struct AgentDir {
    _tmp: tempfile::TempDir,
    paths: ConfigPaths,
    cwd: PathBuf,
    env: Env,
}

fn agent_dir() -> AgentDir {
    let tmp = tempfile::tempdir().unwrap();
    let agent = tmp.path().join(".pi/agent");
    fs::create_dir_all(&agent).unwrap();
    for name in ["settings.json", "auth.json", "models.json"] {
        fs::copy(
            Path::new(FIXTURES).join("agent-dir").join(name),
            agent.join(name),
        )
        .unwrap();
    }
    let cwd = tmp.path().join("project");
    fs::create_dir_all(&cwd).unwrap();
    let env = Env::with_home(tmp.path())
        .set("PI_CODING_AGENT_DIR", agent.to_string_lossy())
        .set("PI_TEST_TEAM", "platform");
    AgentDir {
        paths: ConfigPaths::from_env(&env).unwrap(),
        cwd,
        env,
        _tmp: tmp,
    }
}

fn snapshot(paths: &ConfigPaths) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = fs::read_dir(paths.agent_dir())
        .unwrap()
        .map(|entry| {
            let entry = entry.unwrap();
            let bytes = if entry.path().is_file() {
                fs::read(entry.path()).unwrap()
            } else {
                Vec::new()
            };
            (entry.file_name().to_string_lossy().into_owned(), bytes)
        })
        .collect();
    files.sort();
    files
}

fn expected(name: &str) -> String {
    fs::read_to_string(Path::new(FIXTURES).join("expected").join(name)).unwrap()
}

#[test]
fn an_existing_agent_dir_loads_unchanged() {
    let d = agent_dir();
    let before = snapshot(&d.paths);

    let mut settings = Settings::load(&d.paths, &d.cwd, true, &d.env);
    assert!(settings.take_diagnostics().is_empty());
    // Legacy keys read through their migrations.
    assert_eq!(settings.steering_mode(), QueueMode::All);
    assert_eq!(settings.transport(), Transport::Websocket);
    assert_eq!(settings.skill_paths(), ["~/my-skills"]);
    assert!(!settings.enable_skill_commands());
    assert_eq!(settings.retry().max_retries, 5);
    assert_eq!(settings.provider_retry().max_retry_delay_ms, 30000);
    assert_eq!(settings.default_thinking_level(), Some(ThinkingLevel::High));
    assert_eq!(
        settings.model_thinking_level("openai", "gpt-5.5"),
        Some(ThinkingLevel::Xhigh)
    );
    assert_eq!(settings.packages().len(), 2);
    assert_eq!(settings.compaction(None).unwrap().reserve_tokens, 20000);

    let registry = ModelRegistry::load(&d.paths, d.env.clone(), PathBuf::from("/docs"));
    assert_eq!(registry.error(), None);
    assert_eq!(registry.auth().load_error(), None);

    let ollama = registry.models("ollama");
    assert_eq!(ollama.len(), 2);
    assert_eq!(ollama[0].name, "Qwen 2.5 Coder 7B");
    assert_eq!(ollama[1].context_window, 65536);
    let opus = registry
        .find("anthropic", "claude-opus-4-8")
        .unwrap()
        .clone();
    assert_eq!(opus.name, "Claude Opus 4.8 (proxy)");
    assert_eq!(opus.max_tokens, 32000);
    assert_eq!(opus.base_url, "https://llm-proxy.example.com/anthropic");

    let auth = registry.request_auth(&opus).unwrap();
    assert_eq!(auth.api_key.as_deref(), Some("sk-ant-api03-test"));
    assert_eq!(auth.headers["X-Team"], "platform");
    assert_eq!(auth.source, AuthSource::Stored);
    assert_eq!(
        registry.auth_source("openai-codex"),
        Some(AuthSource::OAuth)
    );
    let router = registry.models("openrouter")[0].clone();
    assert_eq!(
        registry.api_key_for(&router).unwrap().as_deref(),
        Some("sk-or-test")
    );
    match registry.auth().get("openai-codex").unwrap().unwrap() {
        Credential::OAuth(oauth) => assert_eq!(oauth.extra["accountId"], "acct_123"),
        other => panic!("expected an OAuth credential, got {other:?}"),
    }

    let mut providers: Vec<&str> = registry
        .available()
        .iter()
        .map(|m| m.provider.as_str())
        .collect();
    providers.dedup();
    assert_eq!(
        providers,
        ["anthropic", "openai-codex", "openrouter", "ollama"]
    );

    // The saved default has auth, so it starts, with the saved thinking level.
    let initial = find_initial_model(None, &[], false, &settings, &registry).unwrap();
    assert_eq!(initial.model.unwrap().id, "claude-opus-4-8");
    assert_eq!(initial.thinking_level, ThinkingLevel::High);
    let (scoped, warnings) =
        resolve_model_scope(&settings.enabled_models().unwrap(), &registry.available());
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(scoped[0].model.provider, "anthropic");

    // Reading everything changed nothing and left no lock behind.
    assert_eq!(snapshot(&d.paths), before);
}

#[test]
fn one_changed_setting_writes_what_pi_writes() {
    let d = agent_dir();
    let mut settings = Settings::load(&d.paths, &d.cwd, true, &d.env);
    settings.set_theme("light");
    settings.flush().unwrap();
    // pi migrates legacy keys in the same write; nothing else changes.
    assert_eq!(
        fs::read_to_string(d.paths.settings()).unwrap(),
        expected("settings.after-set-theme.json")
    );
    // Reloading sees the same settings as before, theme aside.
    let reloaded = Settings::load(&d.paths, &d.cwd, true, &d.env);
    assert_eq!(reloaded.theme(), Some("light"));
    assert_eq!(reloaded.steering_mode(), QueueMode::All);
    assert_eq!(reloaded.provider_retry().max_retry_delay_ms, 30000);
    assert_eq!(
        fs::read_to_string(d.paths.models()).unwrap(),
        fs::read_to_string(Path::new(FIXTURES).join("agent-dir/models.json")).unwrap()
    );
}

#[test]
fn one_stored_credential_writes_what_pi_writes() {
    let d = agent_dir();
    let mut auth = AuthStorage::open(d.paths.auth());
    auth.set("groq", &Credential::api_key("gsk-test")).unwrap();
    assert_eq!(
        fs::read_to_string(d.paths.auth()).unwrap(),
        expected("auth.after-set-groq.json")
    );
}

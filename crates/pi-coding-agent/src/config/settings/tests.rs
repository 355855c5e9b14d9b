use std::fs;
use std::path::Path;

use pi_ai::ThinkingLevel;
use serde_json::{Value, json};

use super::*;
use crate::config::{ConfigPaths, Env};

struct Dirs {
    _tmp: tempfile::TempDir,
    paths: ConfigPaths,
    cwd: PathBuf,
    env: Env,
}

fn dirs() -> Dirs {
    let tmp = tempfile::tempdir().unwrap();
    let agent = tmp.path().join("agent");
    let cwd = tmp.path().join("project");
    fs::create_dir_all(&agent).unwrap();
    fs::create_dir_all(cwd.join(".pi")).unwrap();
    Dirs {
        paths: ConfigPaths::new(&agent),
        cwd,
        env: Env::with_home(tmp.path()),
        _tmp: tmp,
    }
}

fn write(path: &Path, text: &str) {
    fs::write(path, text).unwrap();
}

fn read_json(path: &Path) -> Value {
    serde_json::from_str(&fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn defaults_without_files() {
    let d = dirs();
    let mut s = Settings::load(&d.paths, &d.cwd, true, &d.env);
    assert!(s.take_diagnostics().is_empty());
    assert_eq!(s.steering_mode(), QueueMode::OneAtATime);
    assert_eq!(s.transport(), Transport::Auto);
    assert_eq!(s.default_thinking_level(), None);
    assert_eq!(
        s.compaction(None).unwrap(),
        CompactionSettings {
            enabled: true,
            reserve_tokens: 16384,
            keep_recent_tokens: 20000
        }
    );
    assert_eq!(
        s.retry(),
        RetrySettings {
            enabled: true,
            max_retries: 3,
            base_delay_ms: 2000,
            max_agent_delay_ms: 60000
        }
    );
    assert_eq!(s.provider_retry().max_retry_delay_ms, 60000);
    assert_eq!(s.provider_retry().max_retries, None);
    assert_eq!(s.http_idle_timeout_ms().unwrap(), 300_000);
    assert!(s.image_auto_resize());
    assert!(!s.block_images());
    assert!(s.enable_skill_commands());
    assert_eq!(s.default_project_trust(), ProjectTrustDefault::Ask);
    assert_eq!(s.double_escape_action(), DoubleEscapeAction::Tree);
    assert_eq!(s.tree_filter_mode(), TreeFilterMode::Default);
    assert_eq!(s.cache_warming(), CacheWarming::Streaming);
    assert_eq!(s.code_block_indent(), "  ");
    assert_eq!(s.output_pad(), 1);
    assert_eq!(s.autocomplete_max_visible(), 5);
    assert_eq!(s.image_width_cells(), 60);
    assert_eq!(s.default_tools(), None);
    assert_eq!(s.branch_summary().reserve_tokens, 16384);
    assert!(!s.has_unsaved_changes());
    // Nothing to write creates no file.
    s.flush().unwrap();
    assert!(!d.paths.settings().exists());
}

#[test]
fn project_settings_merge_recursively_only_when_trusted() {
    let d = dirs();
    write(
        &d.paths.settings(),
        r#"{"compaction": {"enabled": false, "reserveTokens": 1000}, "enabledModels": ["a", "b"], "theme": "dark"}"#,
    );
    write(
        &project_settings(&d.cwd),
        "\u{feff}{\"compaction\": {\"reserveTokens\": 2000}, \"enabledModels\": [\"c\"]}",
    );
    let s = Settings::load(&d.paths, &d.cwd, true, &d.env);
    assert_eq!(
        s.merged(),
        json!({"compaction": {"enabled": false, "reserveTokens": 2000}, "enabledModels": ["c"], "theme": "dark"})
            .as_object()
            .unwrap()
    );
    let untrusted = Settings::load(&d.paths, &d.cwd, false, &d.env);
    assert_eq!(untrusted.enabled_models().unwrap(), ["a", "b"]);
    assert_eq!(untrusted.compaction(None).unwrap().reserve_tokens, 1000);

    let mut s = untrusted;
    s.set_project_trusted(true);
    assert_eq!(s.enabled_models().unwrap(), ["c"]);
    s.set_project_trusted(false);
    assert_eq!(s.enabled_models().unwrap(), ["a", "b"]);
}

#[test]
fn parse_errors_are_reported_and_that_scope_is_never_written() {
    let d = dirs();
    write(&d.paths.settings(), "{\"theme\": ");
    let mut s = Settings::load(&d.paths, &d.cwd, true, &d.env);
    let diagnostics = s.take_diagnostics();
    assert_eq!(diagnostics.len(), 1);
    let text = diagnostics[0].to_string();
    let prefix = format!("Invalid settings file {}: ", d.paths.settings().display());
    assert!(text.starts_with(&prefix), "{text}");
    assert!(text.contains("EOF while parsing"), "{text}");
    assert!(s.take_diagnostics().is_empty());

    s.set_theme("light");
    assert_eq!(s.theme(), Some("light"));
    s.flush().unwrap();
    assert_eq!(
        fs::read_to_string(d.paths.settings()).unwrap(),
        "{\"theme\": "
    );

    // Not an object is an error too; an in-memory scope is named by its scope.
    write(&d.paths.settings(), "[1]");
    let mut s = Settings::load(&d.paths, &d.cwd, true, &d.env);
    assert!(
        s.take_diagnostics()[0]
            .to_string()
            .ends_with(": expected a JSON object")
    );
    let diagnostic = SettingsDiagnostic {
        scope: SettingsScope::Project,
        path: None,
        message: "boom".into(),
    };
    assert_eq!(diagnostic.to_string(), "Invalid project settings: boom");
}

#[test]
fn flush_writes_only_modified_keys_into_the_current_file() {
    let d = dirs();
    write(
        &d.paths.settings(),
        r#"{"theme": "dark", "compaction": {"enabled": true, "keepRecentTokens": 5}}"#,
    );
    let mut s = Settings::load(&d.paths, &d.cwd, true, &d.env);
    s.set_default_model_and_provider("anthropic", "claude-x");
    s.set_compaction_enabled(false);
    assert!(s.has_unsaved_changes());

    // Another process changes the file meanwhile.
    write(
        &d.paths.settings(),
        r#"{"theme": "light", "compaction": {"enabled": true, "keepRecentTokens": 7}, "quietStartup": true}"#,
    );
    s.flush().unwrap();
    assert!(!s.has_unsaved_changes());
    let text = fs::read_to_string(d.paths.settings()).unwrap();
    assert_eq!(
        text,
        "{\n  \"theme\": \"light\",\n  \"compaction\": {\n    \"enabled\": false,\n    \"keepRecentTokens\": 7\n  },\n  \"quietStartup\": true,\n  \"defaultProvider\": \"anthropic\",\n  \"defaultModel\": \"claude-x\"\n}"
    );
    assert!(!d.paths.agent_dir().join("settings.json.lock").exists());
}

#[test]
fn removed_keys_disappear_from_the_file_and_legacy_keys_migrate_on_write() {
    let d = dirs();
    write(
        &d.paths.settings(),
        r#"{"queueMode": "all", "modelThinkingLevels": {"a/b": "high"}}"#,
    );
    let mut s = Settings::load(&d.paths, &d.cwd, true, &d.env);
    assert_eq!(s.steering_mode(), QueueMode::All);
    assert_eq!(s.model_thinking_level("a", "b"), Some(ThinkingLevel::High));
    s.remove_model_thinking_level("a", "b");
    s.flush().unwrap();
    assert_eq!(
        read_json(&d.paths.settings()),
        json!({"steeringMode": "all"})
    );
}

#[test]
fn project_writes_need_trust() {
    let d = dirs();
    let mut s = Settings::load(&d.paths, &d.cwd, false, &d.env);
    let err = s
        .set_project("packages", Some(json!(["npm:x"])))
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "Project is not trusted; refusing to write project settings"
    );
    s.set_project_trusted(true);
    s.set_project("packages", Some(json!(["npm:x"]))).unwrap();
    s.flush().unwrap();
    assert_eq!(
        read_json(&project_settings(&d.cwd)),
        json!({"packages": ["npm:x"]})
    );
    assert_eq!(s.packages(), vec![json!("npm:x")]);
}

#[test]
fn project_directory_is_created_on_first_write() {
    let tmp = tempfile::tempdir().unwrap();
    let paths = ConfigPaths::new(tmp.path().join("agent"));
    let cwd = tmp.path().join("p");
    let mut s = Settings::load(&paths, &cwd, true, &Env::default());
    s.set_quiet_startup(true);
    s.set_project("theme", Some(json!("x"))).unwrap();
    s.flush().unwrap();
    assert_eq!(read_json(&paths.settings()), json!({"quietStartup": true}));
    assert_eq!(read_json(&project_settings(&cwd)), json!({"theme": "x"}));
}

#[test]
fn compaction_overrides_and_their_errors() {
    let s = Settings::in_memory(json!({"compaction": {
        "reserveTokens": 100,
        "modelOverrides": {"p/m": {"keepRecentTokens": 9}, "p/bad": 3, "p/neg": {"reserveTokens": -1}}
    }}));
    let c = s.compaction(Some(("p", "m"))).unwrap();
    assert_eq!((c.reserve_tokens, c.keep_recent_tokens), (100, 9));
    assert_eq!(
        s.compaction(Some(("p", "bad"))).unwrap_err().to_string(),
        "Invalid compaction.modelOverrides[\"p/bad\"] setting: 3. Expected an object."
    );
    assert_eq!(
        s.compaction(Some(("p", "neg"))).unwrap_err().to_string(),
        "Invalid compaction.modelOverrides[\"p/neg\"].reserveTokens setting: -1. Expected a non-negative safe integer."
    );
    let s = Settings::in_memory(json!({"compaction": {"keepRecentTokens": "lots"}}));
    assert_eq!(
        s.compaction(None).unwrap_err().to_string(),
        "Invalid compaction.keepRecentTokens setting: lots. Expected a non-negative safe integer."
    );
    let s = Settings::in_memory(json!({"compaction": {"reserveTokens": 1.5}}));
    assert!(s.compaction(None).is_err());
}

#[test]
fn typed_values_and_env_fallbacks() {
    let s = Settings::in_memory(json!({
        "defaultThinkingLevel": "max",
        "steeringMode": "all",
        "followUpMode": "bogus",
        "transport": "websocket-cached",
        "theme": "light/dark",
        "httpIdleTimeoutMs": "disabled",
        "websocketConnectTimeoutMs": "soon",
        "retry": {"maxRetries": 5, "provider": {"maxRetries": 2, "timeoutMs": 1000}},
        "terminal": {"images": false, "trueColor": true, "hyperlinks": "auto", "imageWidthCells": 0.5},
        "defaultTools": [],
        "thinkingBudgets": {"low": 100},
        "outputPad": 0,
        "cacheWarming": "idle",
        "defaultProjectTrust": "always",
        "markdown": {"mermaid": "final"},
    }));
    assert_eq!(s.default_thinking_level(), Some(ThinkingLevel::Max));
    assert_eq!(s.steering_mode(), QueueMode::All);
    assert_eq!(s.follow_up_mode(), QueueMode::OneAtATime);
    assert_eq!(s.transport(), Transport::WebsocketCached);
    assert_eq!(s.theme_setting(), Some("light/dark"));
    assert_eq!(s.theme(), None);
    assert_eq!(s.http_idle_timeout_ms().unwrap(), 0);
    assert_eq!(
        s.websocket_connect_timeout_ms().unwrap_err().to_string(),
        "Invalid websocketConnectTimeoutMs setting: soon"
    );
    assert_eq!(s.retry().max_retries, 5);
    assert_eq!(s.provider_retry().max_retries, Some(2));
    assert_eq!(s.provider_retry().timeout_ms, Some(1000));
    assert_eq!(
        s.terminal_overrides(),
        TerminalOverrides {
            images: Some(None),
            true_color: Some(true),
            hyperlinks: None
        }
    );
    assert_eq!(s.image_width_cells(), 1);
    assert_eq!(s.default_tools(), Some(vec![]));
    assert_eq!(s.thinking_budgets().unwrap().low, Some(100));
    assert_eq!(s.output_pad(), 0);
    assert_eq!(s.cache_warming(), CacheWarming::Idle);
    assert_eq!(s.default_project_trust(), ProjectTrustDefault::Always);
    assert_eq!(s.mermaid_mode(), MermaidMode::Final);

    let env = Env::default()
        .set("EDITOR", "vim")
        .set("PI_CLEAR_ON_SHRINK", "1");
    assert_eq!(s.external_editor(&env), "vim");
    assert_eq!(s.external_editor(&Env::default()), "nano");
    assert!(s.clear_on_shrink(&env));
    assert!(!s.show_hardware_cursor(&env));
}

#[test]
fn global_only_keys_ignore_the_project() {
    let d = dirs();
    write(
        &project_settings(&d.cwd),
        r#"{"defaultProjectTrust": "always", "httpProxy": "http://evil", "cacheWarming": "idle"}"#,
    );
    let s = Settings::load(&d.paths, &d.cwd, true, &d.env);
    assert_eq!(s.default_project_trust(), ProjectTrustDefault::Ask);
    assert_eq!(s.http_proxy(), None);
    assert_eq!(s.cache_warming(), CacheWarming::Streaming);
}

#[test]
fn paths_expand_tilde_from_the_injected_home() {
    let d = dirs();
    write(
        &d.paths.settings(),
        r#"{"sessionDir": "~/sessions", "shellPath": "~/bin/zsh"}"#,
    );
    let s = Settings::load(&d.paths, &d.cwd, true, &d.env);
    let home = d.env.home().unwrap();
    assert_eq!(s.session_dir(), Some(home.join("sessions")));
    assert_eq!(s.shell_path(), Some(home.join("bin/zsh")));
}

#[test]
fn overrides_apply_to_this_run_only() {
    let mut s = Settings::in_memory(json!({"theme": "dark"}));
    s.apply_overrides(json!({"theme": "light"}).as_object().unwrap());
    assert_eq!(s.theme(), Some("light"));
    assert!(!s.has_unsaved_changes());
}

#[test]
fn in_memory_settings_flush_into_memory() {
    let mut s = Settings::in_memory(json!({"websockets": true}));
    assert_eq!(s.transport(), Transport::Websocket);
    s.set_editor_padding_x(9);
    s.set_autocomplete_max_visible(1);
    s.flush().unwrap();
    assert_eq!(s.editor_padding_x(), 3);
    assert_eq!(s.autocomplete_max_visible(), 3);
    s.reload();
    assert_eq!(s.editor_padding_x(), 3);
    assert_eq!(s.transport(), Transport::Websocket);
}

#[test]
fn reload_keeps_the_last_good_values_when_the_file_breaks() {
    let d = dirs();
    write(&d.paths.settings(), r#"{"theme": "dark"}"#);
    let mut s = Settings::load(&d.paths, &d.cwd, true, &d.env);
    write(&d.paths.settings(), "{oops");
    s.reload();
    assert_eq!(s.theme(), Some("dark"));
    assert_eq!(s.take_diagnostics().len(), 1);
    write(&d.paths.settings(), r#"{"theme": "light"}"#);
    s.reload();
    assert_eq!(s.theme(), Some("light"));
}

#[test]
fn analytics_opt_in_creates_a_tracking_id_once() {
    let mut s = Settings::in_memory(json!({}));
    s.set_enable_analytics(true);
    let id = s.tracking_id().unwrap().to_string();
    s.set_enable_analytics(false);
    s.set_enable_analytics(true);
    assert_eq!(s.tracking_id(), Some(id.as_str()));
}

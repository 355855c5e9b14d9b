//! Credentials kept by old pi versions (`oauth.json`, `settings.json`'s `apiKeys`) moved into
//! `auth.json`, once, as pi does at startup.

use serde_json::{Map, Value, json};

use super::write_private;
use crate::config::json::{parse_object, to_pretty_string};
use crate::config::paths::ConfigPaths;

/// Moves legacy credentials into a new `auth.json` and returns the providers moved.
///
/// Does nothing when `auth.json` exists. `oauth.json` is renamed to `oauth.json.migrated`;
/// `apiKeys` is removed from `settings.json`. Unreadable legacy files are skipped.
pub fn migrate_auth_to_auth_json(paths: &ConfigPaths) -> Vec<String> {
    let auth_path = paths.auth();
    if auth_path.exists() {
        return Vec::new();
    }
    let mut migrated = Map::new();
    let mut providers = Vec::new();

    let oauth_path = paths.agent_dir().join("oauth.json");
    if let Ok(text) = std::fs::read_to_string(&oauth_path)
        && let Ok(oauth) = parse_object(&text)
    {
        for (provider, credential) in oauth {
            let mut entry = Map::new();
            entry.insert("type".into(), json!("oauth"));
            if let Value::Object(fields) = credential {
                entry.extend(fields);
            }
            migrated.insert(provider.clone(), Value::Object(entry));
            providers.push(provider);
        }
        let mut renamed = oauth_path.clone().into_os_string();
        renamed.push(".migrated");
        // A failed rename only means the migration is offered again next time.
        let _ = std::fs::rename(&oauth_path, renamed);
    }

    let settings_path = paths.settings();
    if let Ok(text) = std::fs::read_to_string(&settings_path)
        && let Ok(mut settings) = parse_object(&text)
        && let Some(Value::Object(keys)) = settings.get("apiKeys").cloned()
    {
        for (provider, key) in keys {
            if let Value::String(key) = key
                && !migrated.contains_key(&provider)
            {
                migrated.insert(provider.clone(), json!({"type": "api_key", "key": key}));
                providers.push(provider);
            }
        }
        settings.shift_remove("apiKeys");
        // Best effort like pi: the keys are already safe in auth.json below.
        let _ = std::fs::write(&settings_path, to_pretty_string(&settings));
    }

    if !migrated.is_empty() {
        if let Some(dir) = auth_path.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        if write_private(&auth_path, &to_pretty_string(&migrated)).is_err() {
            return Vec::new();
        }
    }
    providers
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn legacy_credentials_move_once() {
        let tmp = tempfile::tempdir().unwrap();
        let paths = ConfigPaths::new(tmp.path());
        std::fs::write(
            tmp.path().join("oauth.json"),
            r#"{"anthropic": {"refresh": "r", "access": "a", "expires": 5}}"#,
        )
        .unwrap();
        std::fs::write(
            paths.settings(),
            r#"{"theme": "dark", "apiKeys": {"anthropic": "sk-old", "openai": "sk-oa"}}"#,
        )
        .unwrap();
        let moved = migrate_auth_to_auth_json(&paths);
        assert_eq!(moved, ["anthropic", "openai"]);
        let auth: Value =
            serde_json::from_str(&std::fs::read_to_string(paths.auth()).unwrap()).unwrap();
        assert_eq!(
            auth,
            json!({
                "anthropic": {"type": "oauth", "refresh": "r", "access": "a", "expires": 5},
                "openai": {"type": "api_key", "key": "sk-oa"}
            })
        );
        assert!(tmp.path().join("oauth.json.migrated").exists());
        let settings: Value =
            serde_json::from_str(&std::fs::read_to_string(paths.settings()).unwrap()).unwrap();
        assert_eq!(settings, json!({"theme": "dark"}));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(paths.auth())
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        assert!(migrate_auth_to_auth_json(&paths).is_empty());
    }
}

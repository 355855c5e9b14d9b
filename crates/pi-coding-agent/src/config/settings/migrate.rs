//! Settings written by older pi versions, brought to today's keys as pi does on every load.

use serde_json::{Map, Value};

/// Rewrites legacy keys in place:
///
/// - `queueMode` becomes `steeringMode` (unless that is already set);
/// - a boolean `websockets` becomes `transport` (`websocket` or `sse`) unless `transport` is set;
/// - a `skills` object (`{enableSkillCommands, customDirectories}`) becomes the
///   `enableSkillCommands` flag and a `skills` path list;
/// - `retry.maxDelayMs` becomes `retry.provider.maxRetryDelayMs`.
pub fn migrate_settings(settings: &mut Map<String, Value>) {
    if settings.contains_key("queueMode")
        && !settings.contains_key("steeringMode")
        && let Some(mode) = settings.shift_remove("queueMode")
    {
        settings.insert("steeringMode".into(), mode);
    }

    if !settings.contains_key("transport")
        && let Some(Value::Bool(websockets)) = settings.get("websockets")
    {
        let transport = if *websockets { "websocket" } else { "sse" };
        settings.insert("transport".into(), Value::from(transport));
        settings.shift_remove("websockets");
    }

    if let Some(Value::Object(skills)) = settings.get("skills") {
        let enable = skills.get("enableSkillCommands").cloned();
        let directories = match skills.get("customDirectories") {
            Some(Value::Array(dirs)) if !dirs.is_empty() => Some(Value::Array(dirs.clone())),
            _ => None,
        };
        if let Some(enable) = enable
            && !settings.contains_key("enableSkillCommands")
        {
            settings.insert("enableSkillCommands".into(), enable);
        }
        match directories {
            Some(dirs) => {
                settings.insert("skills".into(), dirs);
            }
            None => {
                settings.shift_remove("skills");
            }
        }
    }

    if let Some(Value::Object(retry)) = settings.get_mut("retry") {
        let max_delay = retry.get("maxDelayMs").filter(|v| v.is_number()).cloned();
        if let Some(max_delay) = max_delay {
            let provider_has_delay = match retry.get("provider") {
                Some(Value::Object(provider)) => provider
                    .get("maxRetryDelayMs")
                    .is_some_and(|v| !v.is_null()),
                _ => false,
            };
            if !provider_has_delay {
                let mut provider = match retry.get("provider") {
                    Some(Value::Object(provider)) => provider.clone(),
                    _ => Map::new(),
                };
                provider.insert("maxRetryDelayMs".into(), max_delay);
                retry.insert("provider".into(), Value::Object(provider));
            }
        }
        retry.shift_remove("maxDelayMs");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn migrated(value: Value) -> Value {
        let Value::Object(mut map) = value else {
            panic!("object expected")
        };
        migrate_settings(&mut map);
        Value::Object(map)
    }

    #[test]
    fn queue_mode_becomes_steering_mode_unless_set() {
        assert_eq!(
            migrated(json!({"queueMode": "all", "theme": "dark"})),
            json!({"theme": "dark", "steeringMode": "all"})
        );
        assert_eq!(
            migrated(json!({"queueMode": "all", "steeringMode": "one-at-a-time"})),
            json!({"queueMode": "all", "steeringMode": "one-at-a-time"})
        );
    }

    #[test]
    fn websockets_becomes_transport() {
        assert_eq!(
            migrated(json!({"websockets": true})),
            json!({"transport": "websocket"})
        );
        assert_eq!(
            migrated(json!({"websockets": false})),
            json!({"transport": "sse"})
        );
        assert_eq!(
            migrated(json!({"websockets": true, "transport": "auto"})),
            json!({"websockets": true, "transport": "auto"})
        );
        assert_eq!(
            migrated(json!({"websockets": "yes"})),
            json!({"websockets": "yes"})
        );
    }

    #[test]
    fn skills_object_is_flattened() {
        assert_eq!(
            migrated(
                json!({"skills": {"enableSkillCommands": false, "customDirectories": ["~/s"]}})
            ),
            json!({"skills": ["~/s"], "enableSkillCommands": false})
        );
        assert_eq!(
            migrated(json!({"skills": {"customDirectories": []}, "enableSkillCommands": true})),
            json!({"enableSkillCommands": true})
        );
        assert_eq!(migrated(json!({"skills": ["a"]})), json!({"skills": ["a"]}));
    }

    #[test]
    fn retry_max_delay_moves_to_the_provider() {
        assert_eq!(
            migrated(json!({"retry": {"enabled": true, "maxDelayMs": 5000}})),
            json!({"retry": {"enabled": true, "provider": {"maxRetryDelayMs": 5000}}})
        );
        assert_eq!(
            migrated(
                json!({"retry": {"maxDelayMs": 5000, "provider": {"maxRetryDelayMs": 1, "timeoutMs": 2}}})
            ),
            json!({"retry": {"provider": {"maxRetryDelayMs": 1, "timeoutMs": 2}}})
        );
        assert_eq!(
            migrated(json!({"retry": {"maxDelayMs": "x"}})),
            json!({"retry": {}})
        );
    }

    #[test]
    fn migrated_keys_keep_the_file_order() {
        let value = migrated(json!({"a": 1, "queueMode": "all", "b": 2}));
        let keys: Vec<&String> = value.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["a", "b", "steeringMode"]);
    }
}

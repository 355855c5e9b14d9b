//! Keybindings against pi 0.87.1 (recorded in `fixtures/interactive/keybindings-reference.json`
//! by `scripts/reference/keybindings-record.mjs`): every action's id, description and default
//! keys on four platforms, the legacy-id migration and its rewrite of the file, the user
//! bindings kept, the bindings in effect and the conflicts found.

use std::path::Path;

use pi_coding_agent::interactive::keybindings::{
    AppKeybindings, KeyPlatform, KeybindingProblem, migrate_keybindings_config,
    migrate_keybindings_file,
};
use serde_json::{Map, Value};

fn reference() -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/interactive/keybindings-reference.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// A binding value as a list of keys (pi writes one key as a plain string).
fn keys(value: &Value) -> Vec<String> {
    match value {
        Value::String(key) => vec![key.clone()],
        Value::Array(items) => items
            .iter()
            .map(|k| k.as_str().unwrap().to_owned())
            .collect(),
        other => panic!("not keys: {other}"),
    }
}

/// An object's entries in order, so that order is compared too.
fn entries(map: &Map<String, Value>) -> Vec<(String, Value)> {
    map.iter().map(|(k, v)| (k.clone(), v.clone())).collect()
}

#[test]
fn every_action_has_pis_id_description_and_default_keys() {
    let reference = reference();
    let platforms = [
        ("linux", KeyPlatform::Linux),
        ("darwin", KeyPlatform::MacOs),
        ("win32", KeyPlatform::Windows),
        ("wsl", KeyPlatform::Wsl),
    ];
    for (name, platform) in platforms {
        let bindings = AppKeybindings::defaults(platform);
        let expected = reference["defaults"][name].as_array().unwrap();
        let resolved = bindings.tui().resolved();
        assert_eq!(resolved.len(), expected.len(), "{name}: action count");
        for ((id, keys_in_effect), expected) in resolved.iter().zip(expected) {
            assert_eq!(*id, expected["id"], "{name}");
            assert_eq!(
                keys_in_effect.to_vec(),
                keys(&expected["keys"]),
                "{name}: {id}"
            );
            assert_eq!(
                bindings.tui().definition(id).unwrap().description,
                expected["description"].as_str().unwrap(),
                "{name}: {id}"
            );
        }
    }
}

#[test]
fn configs_migrate_and_apply_as_in_pi() {
    let reference = reference();
    for case in reference["cases"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let raw = case["raw"].as_object().unwrap();

        let (config, migrated) = migrate_keybindings_config(raw);
        assert_eq!(migrated, case["migrated"].as_bool().unwrap(), "{name}");
        assert_eq!(
            entries(&config),
            entries(case["migratedConfig"].as_object().unwrap()),
            "{name}: migrated config"
        );

        let mut bindings = AppKeybindings::defaults(KeyPlatform::Linux);
        bindings.apply_config(raw);
        let kept: Vec<(String, Vec<String>)> = bindings
            .user_bindings()
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let expected_kept: Vec<(String, Vec<String>)> = case["userBindings"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.clone(), keys(v)))
            .collect();
        assert_eq!(kept, expected_kept, "{name}: user bindings");
        assert_eq!(
            entries(&bindings.effective_config()),
            entries(case["effective"].as_object().unwrap()),
            "{name}: bindings in effect"
        );
        let conflicts: Vec<Value> = bindings
            .problems()
            .iter()
            .filter_map(|problem| match problem {
                KeybindingProblem::Conflict { key, actions } => {
                    Some(serde_json::json!({ "key": key, "keybindings": actions }))
                }
                _ => None,
            })
            .collect();
        assert_eq!(
            Value::from(conflicts),
            case["conflicts"],
            "{name}: conflicts"
        );
    }
}

#[test]
fn startup_rewrites_legacy_files_exactly_as_pi() {
    let reference = reference();
    for case in reference["cases"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("keybindings.json");
        let original = serde_json::to_string(&case["raw"]).unwrap();
        std::fs::write(&path, &original).unwrap();
        let rewritten = migrate_keybindings_file(dir.path()).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        match case["rewritten"].as_str() {
            Some(expected) => {
                assert!(rewritten, "{name}");
                assert_eq!(text, expected, "{name}");
            }
            None => {
                assert!(!rewritten, "{name}");
                assert_eq!(text, original, "{name}: left alone");
            }
        }
    }
    let dir = tempfile::tempdir().unwrap();
    assert!(!migrate_keybindings_file(dir.path()).unwrap(), "no file");
}

#[test]
fn whole_files_pi_cannot_use_leave_the_defaults() {
    let reference = reference();
    for case in reference["whole"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("keybindings.json"),
            case["text"].as_str().unwrap(),
        )
        .unwrap();
        let bindings = AppKeybindings::load(dir.path(), KeyPlatform::Linux);
        let kept: Vec<(String, Vec<String>)> = bindings
            .user_bindings()
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let expected: Vec<(String, Vec<String>)> = case["userBindings"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.clone(), keys(v)))
            .collect();
        assert_eq!(kept, expected, "{name}");
        assert_eq!(
            bindings.problems().is_empty(),
            !expected.is_empty(),
            "{name}: a file pi ignores is reported"
        );
    }
}

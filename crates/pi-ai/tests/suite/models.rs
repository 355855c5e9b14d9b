//! Every model of pi's built-in catalog survives our `Model` type.

use std::path::PathBuf;

use pi_ai::Model;
use serde_json::Value;

use super::support::fixture;

#[test]
fn the_reference_catalog_round_trips() {
    let mut files: Vec<PathBuf> = std::fs::read_dir(fixture("models-0.87.1"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    let mut checked = 0;
    for file in files {
        let catalog: Value =
            serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
        for (api, models) in catalog.as_object().unwrap() {
            for (id, original) in models.as_object().unwrap() {
                let model: Model = serde_json::from_value(original.clone())
                    .unwrap_or_else(|err| panic!("{}: {api}/{id}: {err}", file.display()));
                assert_eq!(&model.api, api);
                assert_eq!(
                    serde_json::to_value(&model).unwrap(),
                    *original,
                    "{api}/{id}"
                );
                checked += 1;
            }
        }
    }
    assert_eq!(checked, 1495);
}

#[test]
fn compat_and_thinking_maps_are_typed() {
    let text = std::fs::read_to_string(fixture("models-0.87.1/anthropic.json")).unwrap();
    let catalog: Value = serde_json::from_str(&text).unwrap();
    let model: Model =
        serde_json::from_value(catalog["anthropic-messages"]["claude-fable-5"].clone()).unwrap();
    let compat = model.compat.as_ref().unwrap();
    assert_eq!(compat.force_adaptive_thinking, Some(true));
    assert_eq!(
        compat.allowed_fallback_models.as_ref().unwrap()[0].model,
        "claude-opus-4-8"
    );
    assert_eq!(
        model.thinking_level_value(pi_ai::ThinkingLevel::Off),
        pi_ai::LevelValue::Unsupported
    );
    assert!(
        model
            .supported_thinking_levels()
            .contains(&pi_ai::ThinkingLevel::Max)
    );
    assert_eq!(model.prompt_cache.as_ref().unwrap().long, Some(3600));
    assert_eq!(
        model.input_limits.as_ref().unwrap().max_request_bytes,
        Some(33_554_432)
    );
}

//! The `/settings`, `/scoped-models` and `/thinking` selectors against what pi 0.87.1 renders
//! and reports for the same data and keys (`fixtures/interactive/selectors-reference.json`,
//! recorded by `scripts/reference/selectors-record.mjs`), their screens on a terminal at two
//! widths, and `/model`'s search ranking over the built-in catalog.

use std::cell::RefCell;
use std::rc::Rc;

use super::interactive_support::{on_screen, test_model};
use pi_ai::{Model, ThinkingLevel};
use pi_coding_agent::interactive::keybindings::{AppKeybindings, KeyPlatform};
use pi_coding_agent::interactive::model_selector::{ModelSelector, ModelSelectorOptions};
use pi_coding_agent::interactive::scoped_models_selector::ScopedModelsSelector;
use pi_coding_agent::interactive::settings_selector::{SettingsConfig, SettingsSelector};
use pi_coding_agent::interactive::theme::{ColorMode, Theme};
use pi_coding_agent::interactive::thinking_selector::ThinkingSelector;
use pi_tui::Component;
use serde_json::{Value, json};

fn reference() -> Value {
    let text = include_str!("../fixtures/interactive/selectors-reference.json");
    serde_json::from_str(text).unwrap()
}

fn keys() -> Rc<AppKeybindings> {
    Rc::new(AppKeybindings::defaults(KeyPlatform::Linux))
}

fn theme() -> Theme {
    Theme::dark(ColorMode::TrueColor)
}

/// The models the recording used, in its order.
fn models() -> Vec<Model> {
    vec![
        test_model("anthropic", "claude-sonnet-4-5", "Claude Sonnet 4.5"),
        test_model("anthropic", "claude-opus-4-1", "Claude Opus 4.1"),
        test_model("openai", "gpt-5", "GPT-5"),
        test_model("openai", "gpt-5-mini", "GPT-5 mini"),
        test_model("google", "gemini-2.5-pro", "Gemini 2.5 Pro"),
        test_model("google", "gemini-2.5-flash", "Gemini 2.5 Flash"),
        test_model("openrouter", "x-ai/grok-4", "Grok 4"),
        test_model("openai", "gpt-4.1", "GPT-4.1"),
        test_model("google", "gemini-2.0-flash", "Gemini 2.0 Flash"),
        test_model("anthropic", "claude-haiku-4-5", "Claude Haiku 4.5"),
    ]
}

/// The settings the recording used (its terminal could not show images).
fn settings_config() -> SettingsConfig {
    SettingsConfig::default()
}

fn reasoning(provider: &str, id: &str, map: Option<Value>) -> Model {
    Model {
        reasoning: true,
        thinking_level_map: map.map(|m| serde_json::from_value(m).unwrap()),
        ..test_model(provider, id, id)
    }
}

/// The recording's models for the per-model thinking submenu, in its order.
fn thinking_models() -> Vec<Model> {
    vec![
        test_model("openai", "gpt-4.1", "GPT-4.1"),
        reasoning(
            "openai",
            "gpt-5",
            Some(json!({ "minimal": null, "xhigh": "xhigh" })),
        ),
        reasoning("anthropic", "claude-sonnet-4-5", None),
        reasoning(
            "google",
            "gemini-2.5-pro",
            Some(json!({ "xhigh": "high", "max": "max" })),
        ),
        reasoning("anthropic", "claude-opus-4-1", None),
        test_model("openrouter", "x-ai/grok-4", "Grok 4"),
        reasoning("google", "gemini-2.5-flash", None),
    ]
}

/// The recording's settings with models to set thinking levels for.
fn thinking_settings_config() -> SettingsConfig {
    SettingsConfig {
        available_models: thinking_models(),
        current_model: Some("anthropic/claude-sonnet-4-5".into()),
        default_model: Some("google/gemini-2.5-pro".into()),
        model_thinking_levels: vec![
            ("openai/gpt-5".into(), ThinkingLevel::High),
            ("gone/old-model".into(), ThinkingLevel::Low),
        ],
        thinking_level: ThinkingLevel::Low,
        ..SettingsConfig::default()
    }
}

type Events = Rc<RefCell<Vec<Value>>>;

fn flag_or_text(value: &str) -> Value {
    match value {
        "true" => json!(true),
        "false" => json!(false),
        _ => json!(value),
    }
}

/// How pi's settings callbacks name a change of `id`, and the value they receive.
fn reference_event(id: &str, value: &str) -> Value {
    let number = || json!(value.parse::<u64>().unwrap());
    let (name, value) = match id {
        "autocompact" => ("onAutoCompactChange", flag_or_text(value)),
        "auto-resize-images" => ("onAutoResizeImagesChange", flag_or_text(value)),
        "http-idle-timeout" => ("onHttpIdleTimeoutMsChange", number()),
        "default-project-trust" => ("onDefaultProjectTrustChange", json!(value)),
        "theme" => ("onThemeChange", json!(value)),
        "anthropic-extra-usage" => (
            "onWarningsChange",
            json!({ "anthropicExtraUsage": value == "true" }),
        ),
        other => panic!("no reference callback recorded for {other}"),
    };
    json!([name, value])
}

struct Driven {
    component: Box<dyn Component>,
    events: Events,
}

fn settings(events: &Events, config: &SettingsConfig) -> Box<dyn Component> {
    let mut s = SettingsSelector::new(config, theme(), keys());
    let sink = Rc::clone(events);
    s.on_change(move |id, value| sink.borrow_mut().push(reference_event(id, value)));
    let sink = Rc::clone(events);
    s.on_theme_preview(move |setting| sink.borrow_mut().push(json!(["onThemePreview", setting])));
    let sink = Rc::clone(events);
    s.on_model_thinking(move |provider, id, level| {
        sink.borrow_mut().push(match level {
            Some(level) => json!(["onModelThinkingLevelChange", provider, id, level.as_str()]),
            None => json!(["onModelThinkingLevelRemove", provider, id]),
        })
    });
    Box::new(s)
}

fn scoped(events: &Events, enabled: Option<Vec<String>>) -> Box<dyn Component> {
    let mut s = ScopedModelsSelector::new(models(), enabled, theme(), keys());
    let sink = Rc::clone(events);
    s.on_change(move |ids| sink.borrow_mut().push(json!(["change", ids])));
    let sink = Rc::clone(events);
    s.on_persist(move |ids| sink.borrow_mut().push(json!(["persist", ids])));
    let sink = Rc::clone(events);
    s.on_cancel(move || sink.borrow_mut().push(json!(["cancel"])));
    Box::new(s)
}

fn thinking(events: &Events) -> Box<dyn Component> {
    use ThinkingLevel::*;
    let levels = vec![Off, Minimal, Low, Medium, High, Xhigh];
    let mut s = ThinkingSelector::new(Medium, levels, Some(High), theme(), keys());
    let sink = Rc::clone(events);
    s.on_select(move |l| sink.borrow_mut().push(json!(["select", l.as_str()])));
    let sink = Rc::clone(events);
    s.on_select_as_default(move |l| sink.borrow_mut().push(json!(["default", l.as_str()])));
    let sink = Rc::clone(events);
    s.on_cancel(move || sink.borrow_mut().push(json!(["cancel"])));
    Box::new(s)
}

fn drive(kind: &str) -> Driven {
    let events: Events = Rc::new(RefCell::new(Vec::new()));
    let component = match kind {
        "settings" => settings(&events, &settings_config()),
        "settingsModels" => settings(&events, &thinking_settings_config()),
        "scoped" => scoped(
            &events,
            Some(
                [
                    "openai/gpt-5",
                    "anthropic/claude-opus-4-1",
                    "gone/old-model",
                ]
                .map(String::from)
                .to_vec(),
            ),
        ),
        "scopedAll" => scoped(&events, None),
        "thinking" => thinking(&events),
        other => panic!("unknown component {other}"),
    };
    Driven { component, events }
}

fn plain(lines: &[String]) -> Vec<String> {
    lines
        .iter()
        .map(|l| pi_tui::strip_ansi(l).trim_end().to_owned())
        .collect()
}

#[test]
fn every_scenario_renders_and_reports_as_pi_does() {
    let reference = reference();
    let scenarios = reference["scenarios"].as_array().unwrap();
    assert!(scenarios.len() >= 20);
    let mut failures = Vec::new();
    for scenario in scenarios {
        let name = scenario["name"].as_str().unwrap();
        let mut driven = drive(scenario["component"].as_str().unwrap());
        for key in scenario["keys"].as_array().unwrap() {
            driven.component.handle_input(key.as_str().unwrap());
        }
        for width in [80usize, 50] {
            let ours = plain(&driven.component.render(width));
            let theirs: Vec<String> =
                serde_json::from_value(scenario["screens"][width.to_string()].clone()).unwrap();
            if ours != theirs {
                failures.push(format!(
                    "{name} at {width}:\n--- pi\n{}\n--- ours\n{}",
                    theirs.join("\n"),
                    ours.join("\n")
                ));
            }
        }
        let events = Value::Array(driven.events.borrow().clone());
        if events != scenario["events"] {
            failures.push(format!(
                "{name}: pi reported {}, we reported {events}",
                scenario["events"]
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn model_search_ranks_the_catalog_as_pi_does() {
    let catalog: Vec<Model> = pi_ai::all_builtin_models().cloned().collect();
    for case in reference()["modelSearch"].as_array().unwrap() {
        let query = case["query"].as_str().unwrap();
        let expected: Vec<String> = serde_json::from_value(case["top"].clone()).unwrap();
        let selector = ModelSelector::new(
            catalog.clone(),
            ModelSelectorOptions {
                initial_search: query.to_owned(),
                ..ModelSelectorOptions::default()
            },
            theme(),
            keys(),
        );
        let shown: Vec<String> = selector
            .shown()
            .iter()
            .take(expected.len())
            .map(|m| format!("{}/{}", m.provider, m.id))
            .collect();
        assert_eq!(shown, expected, "/model search {query:?}");
    }
}

#[test]
fn the_selectors_on_a_terminal_at_two_widths() {
    let mut shown = String::new();
    for width in [72u16, 40] {
        for kind in ["settings", "scoped", "thinking"] {
            let mut driven = drive(kind);
            let lines = driven.component.render(usize::from(width));
            for line in &lines {
                assert!(
                    pi_tui::visible_width(line) <= usize::from(width),
                    "{line:?}"
                );
            }
            shown.push_str(&format!("{kind} at {width}:\n"));
            shown.push_str(&on_screen(&lines, width));
        }
    }
    insta::assert_snapshot!(shown);
}

#[test]
fn settings_changes_are_reported_with_the_settings_values() {
    let changes = Rc::new(RefCell::new(Vec::new()));
    let config = SettingsConfig {
        supports_images: true,
        ..SettingsConfig::default()
    };
    let mut s = SettingsSelector::new(&config, theme(), keys());
    let sink = Rc::clone(&changes);
    s.on_change(move |id: &str, value: &str| sink.borrow_mut().push(format!("{id}={value}")));
    let cancelled = Rc::new(RefCell::new(false));
    let flag = Rc::clone(&cancelled);
    s.on_cancel(move || *flag.borrow_mut() = true);
    for key in ["\r", "\x1b[B", "\x1b[B", " ", "\x1b[B", " "] {
        s.handle_input(key);
    }
    // Typing searches; the search field keeps the space from changing the value.
    for c in "padding".chars() {
        s.handle_input(&c.to_string());
    }
    s.handle_input("\r");
    s.handle_input("\x1b");
    assert_eq!(
        *changes.borrow(),
        [
            "autocompact=false",
            "image-width-cells=80",
            "auto-resize-images=false",
            "editor-padding=1",
        ]
    );
    assert!(*cancelled.borrow());
    let values: Vec<(&str, &str)> = s
        .items()
        .iter()
        .map(|i| (i.id.as_str(), i.current_value.as_str()))
        .collect();
    assert!(values.contains(&("image-width-cells", "80")));
    assert!(values.contains(&("editor-padding", "1")));
}

#[test]
fn settings_rows_follow_pi_without_image_support() {
    let s = SettingsSelector::new(&SettingsConfig::default(), theme(), keys());
    let ids: Vec<&str> = s.items().iter().map(|i| i.id.as_str()).collect();
    assert_eq!(ids.len(), 31);
    assert_eq!(
        &ids[..3],
        ["autocompact", "auto-resize-images", "block-images"]
    );
    assert!(!ids.contains(&"show-images"));
    assert_eq!(ids.last(), Some(&"theme"));
}

#[test]
fn scoped_models_toggle_reorder_and_save() {
    let changes = Rc::new(RefCell::new(Vec::new()));
    let saved = Rc::new(RefCell::new(Vec::new()));
    let mut s = ScopedModelsSelector::new(models(), None, theme(), keys());
    let sink = Rc::clone(&changes);
    s.on_change(move |ids| sink.borrow_mut().push(ids.map(<[String]>::to_vec)));
    let sink = Rc::clone(&saved);
    s.on_persist(move |ids| sink.borrow_mut().push(ids.map(<[String]>::to_vec)));
    // With everything enabled there is no order to change.
    s.handle_input("\x1b[1;3B");
    assert!(changes.borrow().is_empty());
    // Clearing all, then enabling two models, gives them in the order enabled.
    s.handle_input("\x18");
    assert_eq!(s.enabled(), Some(&[][..]));
    s.handle_input("\x1b[B");
    s.handle_input("\r");
    s.handle_input("\x1b[B");
    s.handle_input("\x1b[B");
    s.handle_input("\r");
    assert_eq!(
        s.enabled().unwrap(),
        ["anthropic/claude-opus-4-1", "openai/gpt-5-mini"]
    );
    // Enabled models lead the list; moving the second up swaps them.
    assert_eq!(
        &s.shown()[..2],
        ["anthropic/claude-opus-4-1", "openai/gpt-5-mini"]
    );
    s.handle_input("\x1b[A");
    s.handle_input("\x1b[A");
    s.handle_input("\x1b[1;3A");
    assert_eq!(
        s.enabled().unwrap(),
        ["openai/gpt-5-mini", "anthropic/claude-opus-4-1"]
    );
    assert!(s.is_dirty());
    s.handle_input("\x13");
    assert!(!s.is_dirty());
    assert_eq!(
        *saved.borrow(),
        [Some(vec![
            "openai/gpt-5-mini".to_owned(),
            "anthropic/claude-opus-4-1".to_owned()
        ])]
    );
    // The provider key enables every model of the selected one's provider; enabling
    // every model collapses the list to "all".
    s.handle_input("\x10");
    assert_eq!(
        s.enabled().unwrap(),
        [
            "openai/gpt-5-mini",
            "anthropic/claude-opus-4-1",
            "openai/gpt-5",
            "openai/gpt-4.1"
        ]
    );
    s.handle_input("\x01");
    assert_eq!(s.enabled(), None);
    assert_eq!(changes.borrow().len(), 6);
    assert_eq!(changes.borrow().last(), Some(&None));
}

#[test]
fn per_model_thinking_levels_are_reported_as_provider_id_and_level() {
    let reported = Rc::new(RefCell::new(Vec::new()));
    let changes = Rc::new(RefCell::new(Vec::new()));
    let mut s = SettingsSelector::new(&thinking_settings_config(), theme(), keys());
    let sink = Rc::clone(&reported);
    s.on_model_thinking(move |provider, id, level| {
        sink.borrow_mut()
            .push((provider.to_owned(), id.to_owned(), level))
    });
    let sink = Rc::clone(&changes);
    s.on_change(move |id, value| sink.borrow_mut().push(format!("{id}={value}")));
    let summary = |s: &SettingsSelector| {
        s.items()
            .iter()
            .find(|i| i.id == "model-thinking")
            .map(|i| i.current_value.clone())
            .unwrap()
    };
    assert_eq!(summary(&s), "2 configured");
    let press = |s: &mut SettingsSelector, keys: &[&str]| {
        for key in keys {
            s.handle_input(key);
        }
    };
    // Open the row; the current model is picked and given `high`.
    press(&mut s, &["p", "e", "r", " ", "m", "o", "d", "e", "l", "\r"]);
    press(
        &mut s,
        &["\r", "\x1b[B", "\x1b[B", "\x1b[B", "\x1b[B", "\r"],
    );
    // A model id holding a slash keeps it: only `off` is offered for it.
    press(&mut s, &["g", "r", "o", "k", "\r", "\r"]);
    // gpt-5's override is cleared.
    press(
        &mut s,
        &["g", "p", "t", "-", "5", "\r", "\x1b[B", "\x1b[B", "\r"],
    );
    assert_eq!(
        *reported.borrow(),
        [
            (
                "anthropic".to_owned(),
                "claude-sonnet-4-5".to_owned(),
                Some(ThinkingLevel::High)
            ),
            (
                "openrouter".to_owned(),
                "x-ai/grok-4".to_owned(),
                Some(ThinkingLevel::Off)
            ),
            ("openai".to_owned(), "gpt-5".to_owned(), None),
        ]
    );
    // Leaving the submenu updates the row without reporting it as a setting change.
    press(&mut s, &["\x1b"]);
    assert_eq!(summary(&s), "3 configured");
    assert!(changes.borrow().is_empty());
    // Reopened, the submenu remembers the levels chosen.
    press(&mut s, &["\r"]);
    let screen = plain(&s.render(80)).join("\n");
    assert!(
        screen.contains("claude-sonnet-4-5 [anthropic]  high"),
        "{screen}"
    );
    assert!(
        screen.contains("x-ai/grok-4 [openrouter]       off"),
        "{screen}"
    );
    press(&mut s, &["\x1b"]);
    assert_eq!(summary(&s), "3 configured");
}

//! The `/trust` selector against what pi 0.87.1 renders and reports for the same data and
//! keys, and the `trust.json` its store writes when the answer is saved
//! (`fixtures/interactive/trust-reference.json`, recorded by
//! `scripts/reference/trust-record.mjs`); its screens on a terminal at two widths.

use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::rc::Rc;

use super::interactive_support::on_screen;
use pi_coding_agent::config::TrustStore;
use pi_coding_agent::config::trust::TrustEntry;
use pi_coding_agent::interactive::keybindings::{AppKeybindings, KeyPlatform};
use pi_coding_agent::interactive::theme::{ColorMode, Theme};
use pi_coding_agent::interactive::trust_selector::{
    TrustSelection, TrustSelector, apply_trust_selection, trust_saved_status,
};
use pi_tui::Component;
use serde_json::{Value, json};

fn reference() -> Vec<Value> {
    let text = include_str!("../fixtures/interactive/trust-reference.json");
    serde_json::from_str(text).unwrap()
}

fn strip(line: &str) -> String {
    let mut out = String::new();
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' && chars.peek() == Some(&'[') {
            for c in chars.by_ref() {
                if c == 'm' {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out.trim_end().to_string()
}

type Events = Rc<RefCell<Vec<Value>>>;

/// How pi's callbacks report a selection.
fn selection_value(selection: &TrustSelection) -> Value {
    let updates: Vec<Value> = selection
        .updates
        .iter()
        .map(|(path, decision)| json!({ "path": path, "decision": decision }))
        .collect();
    json!({ "trusted": selection.trusted, "updates": updates })
}

/// The selector of a recorded scenario, its keys fed, and what it reported.
fn drive(scenario: &Value) -> (TrustSelector, Events) {
    let saved = match &scenario["saved"] {
        Value::Null => None,
        saved => Some(TrustEntry {
            path: PathBuf::from(saved["path"].as_str().unwrap()),
            trusted: saved["decision"].as_bool().unwrap(),
        }),
    };
    let mut selector = TrustSelector::new(
        Path::new(scenario["cwd"].as_str().unwrap()),
        saved,
        scenario["trusted"].as_bool().unwrap(),
        Theme::dark(ColorMode::TrueColor),
        Rc::new(AppKeybindings::defaults(KeyPlatform::Linux)),
    );
    let events: Events = Rc::default();
    let sink = Rc::clone(&events);
    selector.on_select(move |s| {
        sink.borrow_mut()
            .push(json!(["select", selection_value(&s)]))
    });
    let sink = Rc::clone(&events);
    selector.on_cancel(move || sink.borrow_mut().push(json!(["cancel"])));
    for key in scenario["keys"].as_array().unwrap() {
        selector.handle_input(key.as_str().unwrap());
    }
    (selector, events)
}

#[test]
fn renders_and_reports_as_the_reference_does() {
    for scenario in reference() {
        let name = scenario["name"].as_str().unwrap();
        let (mut selector, events) = drive(&scenario);
        for width in ["80", "40"] {
            let shown: Vec<String> = selector
                .render(width.parse().unwrap())
                .iter()
                .map(|line| strip(line))
                .collect();
            let expected: Vec<String> = scenario["screens"][width]
                .as_array()
                .unwrap()
                .iter()
                .map(|line| line.as_str().unwrap().to_string())
                .collect();
            assert_eq!(shown, expected, "{name} at {width}");
        }
        assert_eq!(
            Value::Array(events.borrow().clone()),
            scenario["events"],
            "{name}"
        );
    }
}

#[test]
fn saving_an_answer_writes_what_pi_writes() {
    let mut checked = 0;
    for scenario in reference() {
        let Some(write) = scenario.get("write") else {
            continue;
        };
        let name = scenario["name"].as_str().unwrap();
        let (selector, _) = drive(&scenario);
        let selection = selector.selected().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("trust.json");
        std::fs::write(&file, write["before"].as_str().unwrap()).unwrap();
        apply_trust_selection(&TrustStore::at(&file), &selection).unwrap();
        let after = std::fs::read_to_string(&file).unwrap();
        assert_eq!(after, write["after"].as_str().unwrap(), "{name}");
        checked += 1;
    }
    assert_eq!(checked, 3);
}

#[test]
fn saving_creates_the_store_and_the_saved_answer_is_ticked_next_time() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("work").join("app");
    std::fs::create_dir_all(&project).unwrap();
    let store = TrustStore::at(dir.path().join("agent").join("trust.json"));
    let keys = Rc::new(AppKeybindings::defaults(KeyPlatform::Linux));
    let theme = Theme::dark(ColorMode::TrueColor);

    let mut selector = TrustSelector::new(&project, None, false, theme.clone(), keys.clone());
    let chosen: Rc<RefCell<Option<TrustSelection>>> = Rc::default();
    let sink = Rc::clone(&chosen);
    selector.on_select(move |s| *sink.borrow_mut() = Some(s));
    selector.handle_input("\u{1b}[B");
    selector.handle_input("\r");
    let selection = chosen.borrow_mut().take().unwrap();
    apply_trust_selection(&store, &selection).unwrap();
    assert_eq!(
        trust_saved_status(selection.trusted),
        "Saved trust decision: trusted. Restart pi for this to take effect."
    );

    let parent = std::fs::canonicalize(dir.path().join("work")).unwrap();
    let saved = store.entry(&project).unwrap().unwrap();
    assert_eq!(
        saved,
        TrustEntry {
            path: parent.clone(),
            trusted: true
        }
    );
    let mut again = TrustSelector::new(&project, Some(saved), true, theme, keys);
    let lines: Vec<String> = again.render(200).iter().map(|l| strip(l)).collect();
    assert!(lines.contains(&format!(
        " Saved decision: trusted (inherited from {})",
        parent.display()
    )));
    assert!(lines.contains(&format!(" → ✓ Trust parent folder ({})", parent.display())));
    assert_eq!(
        trust_saved_status(false),
        "Saved trust decision: untrusted. Restart pi for this to take effect."
    );
}

#[test]
fn the_selector_on_a_terminal_at_two_widths() {
    let mut shown = String::new();
    for width in [72u16, 36] {
        for scenario in reference() {
            let name = scenario["name"].as_str().unwrap();
            if !["saved-parent", "navigate", "root"].contains(&name) {
                continue;
            }
            let (mut selector, _) = drive(&scenario);
            let lines = selector.render(usize::from(width));
            for line in &lines {
                assert!(
                    pi_tui::visible_width(line) <= usize::from(width),
                    "{line:?}"
                );
            }
            shown.push_str(&format!("{name} at {width}:\n"));
            shown.push_str(&on_screen(&lines, width));
        }
    }
    insta::assert_snapshot!(shown);
}

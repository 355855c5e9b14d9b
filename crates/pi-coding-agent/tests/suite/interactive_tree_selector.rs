//! The session tree selector (`/tree`) and its "Summarize branch?" question: every line
//! against pi 0.87.1's own rendering of a branched session (`fixtures/interactive/
//! tree-reference.json`, written by `scripts/reference/tree-record.mjs`) at two widths and
//! after filter, search, fold, navigation and label keys; then the choices they report.

use std::cell::RefCell;
use std::path::Path;
use std::rc::Rc;

use pi_coding_agent::interactive::keybindings::{AppKeybindings, KeyPlatform};
use pi_coding_agent::interactive::theme::{ColorMode, Theme};
use pi_coding_agent::interactive::tree_selector::{
    BranchSummaryPrompt, BranchSummaryRequest, TreeFilter, TreeSelector, TreeSelectorOptions,
};
use pi_coding_agent::session::SessionManager;
use pi_tui::Component;
use serde_json::Value;

const UP: &str = "\x1b[A";
const DOWN: &str = "\x1b[B";
const ENTER: &str = "\r";
const ESCAPE: &str = "\x1b";
const BACKSPACE: &str = "\x7f";
const CTRL_LEFT: &str = "\x1b[1;5D";
const CTRL_RIGHT: &str = "\x1b[1;5C";
const CTRL_O: &str = "\x0f";
const CTRL_U: &str = "\x15";
const CTRL_X: &str = "\x18";

fn reference() -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/interactive/tree-reference.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn keys() -> Rc<AppKeybindings> {
    Rc::new(AppKeybindings::defaults(KeyPlatform::Linux))
}

fn theme() -> Theme {
    Theme::dark(ColorMode::TrueColor)
}

/// The recorded session, loaded as a session file is.
fn session(reference: &Value) -> SessionManager {
    let entries = reference["entries"].as_array().unwrap().iter().cloned();
    let mut manager =
        SessionManager::in_memory_with_entries(Path::new("/home/tester/demo"), entries).unwrap();
    manager
        .branch(reference["leafId"].as_str().unwrap())
        .unwrap();
    manager
}

fn selector_for(manager: &SessionManager, rows: usize) -> TreeSelector {
    TreeSelector::new(
        manager.tree().unwrap(),
        TreeSelectorOptions {
            leaf_id: manager.leaf_id().map(str::to_owned),
            terminal_rows: rows,
            home: Some("/home/tester".into()),
            ..TreeSelectorOptions::default()
        },
        theme(),
        keys(),
    )
}

fn press(c: &mut impl Component, keys: &[&str]) {
    for key in keys {
        c.handle_input(key);
    }
}

fn type_text(c: &mut impl Component, text: &str) {
    for ch in text.chars() {
        c.handle_input(&ch.to_string());
    }
}

#[test]
fn the_tree_matches_the_reference_line_for_line() {
    let reference = reference();
    let manager = session(&reference);
    assert_eq!(reference["home"], "/home/tester");
    let mut failures = Vec::new();
    for case in reference["cases"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let width = usize::try_from(case["width"].as_u64().unwrap()).unwrap();
        let rows = usize::try_from(case["rows"].as_u64().unwrap()).unwrap();
        let mut selector = TreeSelector::new(
            manager.tree().unwrap(),
            TreeSelectorOptions {
                leaf_id: manager.leaf_id().map(str::to_owned),
                initial_selected_id: case["initialSelectedId"].as_str().map(str::to_owned),
                filter: case["filter"]
                    .as_str()
                    .map_or(TreeFilter::Default, TreeFilter::from_setting),
                terminal_rows: rows,
                home: Some("/home/tester".into()),
            },
            theme(),
            keys(),
        );
        for key in case["keys"].as_array().unwrap() {
            selector.handle_input(key.as_str().unwrap());
        }
        let ours = selector.render(width);
        let theirs: Vec<&str> = case["lines"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l.as_str().unwrap())
            .collect();
        if ours != theirs {
            failures.push(format!("{name}:\n ours:   {ours:#?}\n theirs: {theirs:#?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_summary_question_matches_the_reference() {
    let reference = reference();
    for case in reference["prompts"].as_array().unwrap() {
        let width = usize::try_from(case["width"].as_u64().unwrap()).unwrap();
        let mut prompt = BranchSummaryPrompt::new(theme(), keys());
        for key in case["keys"].as_array().unwrap() {
            prompt.handle_input(key.as_str().unwrap());
        }
        let theirs: Vec<&str> = case["lines"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l.as_str().unwrap())
            .collect();
        assert_eq!(prompt.render(width), theirs, "{case}");
    }
}

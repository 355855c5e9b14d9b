//! The editor replayed against the reference: the same key sequences give the same text,
//! cursor and rendered lines; plus autocomplete, which the recording leaves out.

use std::cell::RefCell;
use std::rc::Rc;

use pi_tui::components::{Editor, EditorTheme};
use pi_tui::{Component, visible_width};
use serde_json::Value;

fn utf16_col(line: &str, byte_col: usize) -> usize {
    line.get(..byte_col).unwrap_or(line).encode_utf16().count()
}

fn editor(rows: usize) -> (Editor, Rc<RefCell<Vec<String>>>) {
    let mut e = Editor::new(EditorTheme::default());
    e.set_terminal_rows(rows);
    e.set_focused(true);
    let submitted = Rc::new(RefCell::new(Vec::new()));
    let s = submitted.clone();
    e.on_submit(move |t| s.borrow_mut().push(t.to_owned()));
    (e, submitted)
}

#[test]
fn editor_matches_the_reference() {
    let doc: Value =
        serde_json::from_str(include_str!("../fixtures/reference-editor.json")).unwrap();
    let mut failures = Vec::new();
    let mut checked = 0;
    for case in doc.as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        if name == "history" {
            continue;
        }
        let width = case["width"].as_u64().unwrap() as usize;
        let rows = case["rows"].as_u64().unwrap() as usize;
        let inputs: Vec<String> = serde_json::from_value(case["inputs"].clone()).unwrap();
        let (mut e, submitted) = editor(rows);
        e.render(width);
        for input in &inputs {
            e.handle_input(input);
            e.render(width);
        }
        let (line, col) = e.cursor();
        let cursor_line = &e.lines()[line];
        let got = serde_json::json!({
            "text": e.text(),
            "expanded": e.expanded_text(),
            "cursor": { "line": line, "col": utf16_col(cursor_line, col) },
            "submitted": *submitted.borrow(),
            "render": e.render(width),
        });
        for key in ["text", "expanded", "cursor", "submitted", "render"] {
            if got[key] != case[key] {
                failures.push(format!(
                    "{name} @{width}: {key}\n   ours: {}\n   ref:  {}",
                    got[key], case[key]
                ));
            }
        }
        for l in e.render(width) {
            if visible_width(&l) > width {
                failures.push(format!("{name} @{width}: line wider than {width}: {l:?}"));
            }
        }
        checked += 1;
    }
    assert!(checked >= 100);
    assert!(
        failures.is_empty(),
        "{} differences:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn history_browsing_matches_the_reference() {
    let doc: Value =
        serde_json::from_str(include_str!("../fixtures/reference-editor.json")).unwrap();
    let case = doc
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "history")
        .unwrap();
    let (mut e, _) = editor(24);
    for p in case["history"].as_array().unwrap() {
        e.add_to_history(p.as_str().unwrap());
    }
    e.render(30);
    e.handle_input("d");
    e.handle_input("r");
    let keys = ["\x1b[A", "\x1b[A", "\x1b[B", "\x1b[B", "\x1b[B"];
    for (key, want) in keys.iter().zip(case["snapshots"].as_array().unwrap()) {
        e.handle_input(key);
        e.render(30);
        let (line, col) = e.cursor();
        assert_eq!(e.text(), want["text"].as_str().unwrap(), "after {key:?}");
        assert_eq!(line as u64, want["cursor"]["line"].as_u64().unwrap());
        assert_eq!(
            col as u64,
            want["cursor"]["col"].as_u64().unwrap(),
            "after {key:?}"
        );
    }
}

#[test]
fn history_keeps_the_newest_hundred_without_repeats() {
    let (mut e, _) = editor(24);
    for i in 0..150 {
        e.add_to_history(&format!("prompt {i}"));
        e.add_to_history(&format!("prompt {i}"));
    }
    e.add_to_history("   ");
    assert_eq!(e.history().len(), 100);
    assert_eq!(e.history()[0], "prompt 149");
    assert_eq!(e.history()[99], "prompt 50");
}

#[test]
fn submit_expands_paste_markers_and_clears() {
    let (mut e, submitted) = editor(24);
    let big: String = (0..12).map(|i| format!("l{i}\n")).collect();
    e.handle_input(&format!("\x1b[200~{big}\x1b[201~"));
    assert_eq!(e.text(), "[paste #1 +13 lines]");
    e.handle_input("\r");
    assert_eq!(submitted.borrow()[0], big.trim());
    assert_eq!(e.text(), "");
}

#[test]
fn disabled_submit_keeps_the_text() {
    let (mut e, submitted) = editor(24);
    e.set_disable_submit(true);
    e.handle_input("x");
    e.handle_input("\r");
    assert!(submitted.borrow().is_empty());
    assert_eq!(e.text(), "x");
}

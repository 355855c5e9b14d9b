//! The session tree selector (`/tree`) and its "Summarize branch?" question: every line
//! against pi 0.87.1's own rendering of a branched session (`fixtures/interactive/
//! tree-reference.json`, written by `scripts/reference/tree-record.mjs`) at two widths and
//! after filter, search, fold, navigation and label keys; then the choices they report.

use std::cell::RefCell;
use std::path::Path;
use std::rc::Rc;

use super::interactive_support::on_screen;
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

/// A session with two branches off the first answer, built by appending: the left branch
/// was summarized and abandoned, the leaf ends the right one; one entry is labelled.
struct Branched {
    manager: SessionManager,
    first: String,
    left: String,
    right: String,
    leaf: String,
}

fn branched() -> Branched {
    use super::session_support::{assistant, memory, user};
    let mut manager = memory();
    let first = manager.append_message(&user("Plan the release")).unwrap();
    let answer = manager
        .append_message(&assistant("Here is a plan."))
        .unwrap();
    let left = manager
        .append_message(&user("Write the changelog"))
        .unwrap();
    manager
        .append_message(&assistant("Changelog written."))
        .unwrap();
    manager.append_label_change(&left, Some("docs")).unwrap();
    manager
        .branch_with_summary(
            Some(&answer),
            "Wrote a changelog, then stopped.",
            None,
            None,
            None,
        )
        .unwrap();
    manager.append_model_change("openai", "gpt-5").unwrap();
    let right = manager
        .append_message(&user("Tag the version instead"))
        .unwrap();
    let leaf = manager
        .append_message(&assistant("Tagged v1.2.0."))
        .unwrap();
    Branched {
        manager,
        first,
        left,
        right,
        leaf,
    }
}

#[test]
fn a_branched_session_on_a_terminal_at_two_widths() {
    let b = branched();
    let mut shown = String::new();
    for width in [72u16, 34] {
        let mut selector = selector_for(&b.manager, 24);
        let lines = selector.render(usize::from(width));
        for line in &lines {
            assert!(
                pi_tui::visible_width(line) <= usize::from(width),
                "{line:?}"
            );
        }
        shown.push_str(&format!("width {width}\n{}", on_screen(&lines, width)));
        press(&mut selector, &[CTRL_LEFT, CTRL_LEFT]);
        let lines = selector.render(usize::from(width));
        shown.push_str(&format!(
            "folded, width {width}\n{}",
            on_screen(&lines, width)
        ));
    }
    insta::assert_snapshot!(shown);
}

#[test]
fn filters_switch_directly_toggle_back_and_cycle() {
    let b = branched();
    let mut s = selector_for(&b.manager, 24);
    assert_eq!(s.filter(), TreeFilter::Default);
    // Bookkeeping (the label and model change) is hidden by default.
    assert_eq!(s.shown_ids().len(), 7);
    press(&mut s, &[CTRL_U]);
    assert_eq!(s.filter(), TreeFilter::UserOnly);
    // The leaf's branch comes first.
    assert_eq!(
        s.shown_ids(),
        [b.first.as_str(), b.right.as_str(), b.left.as_str()]
    );
    // The leaf is hidden: the nearest shown ancestor is selected.
    assert_eq!(s.selected_id(), Some(b.right.as_str()));
    press(&mut s, &[CTRL_U]);
    assert_eq!(s.filter(), TreeFilter::Default);
    assert_eq!(s.selected_id(), Some(b.right.as_str()));
    let mut seen = Vec::new();
    for _ in 0..5 {
        press(&mut s, &[CTRL_O]);
        seen.push(s.filter());
    }
    assert_eq!(
        seen,
        [
            TreeFilter::NoTools,
            TreeFilter::UserOnly,
            TreeFilter::LabeledOnly,
            TreeFilter::All,
            TreeFilter::Default
        ]
    );
    press(&mut s, &["\x1b[111;6u"]); // shift+ctrl+o cycles back
    assert_eq!(s.filter(), TreeFilter::All);
    assert_eq!(s.shown_ids().len(), 9);
    press(&mut s, &["\x0c"]); // ctrl+l: labeled only
    assert_eq!(s.shown_ids(), [b.left.as_str()]);
}

#[test]
fn search_narrows_backspace_widens_and_escape_clears_before_cancelling() {
    let b = branched();
    let mut s = selector_for(&b.manager, 24);
    let cancelled = Rc::new(RefCell::new(0));
    let count = Rc::clone(&cancelled);
    s.on_cancel(move || *count.borrow_mut() += 1);
    type_text(&mut s, "tag version");
    assert_eq!(s.search(), "tag version");
    assert_eq!(s.shown_ids(), [b.right.as_str()]);
    type_text(&mut s, "zz");
    assert!(s.shown_ids().is_empty());
    assert!(
        strip(&s.render(60))
            .iter()
            .any(|l| l == "  No entries found")
    );
    press(&mut s, &[BACKSPACE, BACKSPACE]);
    assert_eq!(s.shown_ids(), [b.right.as_str()]);
    // Labels are searched too.
    press(&mut s, &[ESCAPE]);
    assert_eq!(s.search(), "");
    assert_eq!(*cancelled.borrow(), 0);
    type_text(&mut s, "docs");
    assert_eq!(s.shown_ids(), [b.left.as_str()]);
    press(&mut s, &[ESCAPE, ESCAPE]);
    assert_eq!(*cancelled.borrow(), 1);
}

#[test]
fn folding_hides_a_branch_and_unfolding_shows_it() {
    let b = branched();
    let mut s = selector_for(&b.manager, 24);
    let all = s.shown_ids().len();
    // Up from the leaf to the start of its branch (the branch summary), then fold it.
    press(&mut s, &[CTRL_LEFT]);
    let segment = s.selected_id().unwrap().to_owned();
    press(&mut s, &[CTRL_LEFT]);
    assert_eq!(s.selected_id(), Some(segment.as_str()));
    assert_eq!(s.shown_ids().len(), all - 2);
    assert!(!s.shown_ids().contains(&b.leaf.as_str()));
    assert!(strip(&s.render(60)).iter().any(|l| l.contains("⊞")));
    press(&mut s, &[CTRL_RIGHT]);
    assert_eq!(s.shown_ids().len(), all);
    // Unfolded, the key walks down to the end of the branch.
    press(&mut s, &[CTRL_RIGHT]);
    assert_eq!(s.selected_id(), Some(b.leaf.as_str()));
}

#[test]
fn enter_reports_the_selected_entry_and_arrows_wrap() {
    let b = branched();
    let mut s = selector_for(&b.manager, 24);
    let chosen = Rc::new(RefCell::new(Vec::new()));
    let sink = Rc::clone(&chosen);
    s.on_select(move |id| sink.borrow_mut().push(id.to_owned()));
    let rows: Vec<String> = s.shown_ids().iter().map(|id| id.to_string()).collect();
    // The leaf's branch comes first, the abandoned one (its label first) after it.
    assert_eq!(rows[0], b.first);
    assert_eq!(rows[3], b.right);
    assert_eq!(rows[4], b.leaf);
    assert_eq!(rows[5], b.left);
    assert_eq!(s.selected_id(), Some(b.leaf.as_str()));
    press(&mut s, &[ENTER, DOWN, DOWN, ENTER, DOWN, ENTER, UP, ENTER]);
    assert_eq!(
        *chosen.borrow(),
        [
            b.leaf.clone(),
            rows[6].clone(),
            b.first.clone(),
            rows[6].clone()
        ]
    );
}

#[test]
fn a_label_is_edited_and_reported_with_its_entry() {
    let b = branched();
    let mut s = selector_for(&b.manager, 24);
    let changes = Rc::new(RefCell::new(Vec::new()));
    let sink = Rc::clone(&changes);
    s.on_label_change(move |id, label| {
        sink.borrow_mut()
            .push((id.to_owned(), label.map(str::to_owned)))
    });
    press(&mut s, &["L"]);
    assert!(s.is_editing_label());
    type_text(&mut s, "  shipped ");
    press(&mut s, &[ENTER]);
    assert!(!s.is_editing_label());
    assert!(
        strip(&s.render(60))
            .iter()
            .any(|l| l.contains("[shipped] assistant: Tagged v1.2.0."))
    );
    // An existing label opens filled in; clearing it removes it.
    press(&mut s, &["L"]);
    assert!(strip(&s.render(60)).iter().any(|l| l.contains("> shipped")));
    press(&mut s, &["\x05", "\x15", ENTER]); // ctrl+e, then ctrl+u deletes to the line start
    press(&mut s, &["L", ESCAPE]);
    assert!(!s.is_editing_label());
    assert_eq!(
        *changes.borrow(),
        [
            (b.leaf.clone(), Some("shipped".to_owned())),
            (b.leaf.clone(), None)
        ]
    );
    press(&mut s, &["\x0c"]);
    assert_eq!(s.shown_ids(), [b.left.as_str()]);
}

#[test]
fn the_copy_key_reports_the_selected_text() {
    let b = branched();
    let mut s = selector_for(&b.manager, 24);
    let copied = Rc::new(RefCell::new(Vec::new()));
    let sink = Rc::clone(&copied);
    s.on_copy(move |text| sink.borrow_mut().push(text.map(str::to_owned)));
    press(&mut s, &[CTRL_X, UP, CTRL_X]);
    assert_eq!(
        *copied.borrow(),
        [
            Some("Tagged v1.2.0.".to_owned()),
            Some("Tag the version instead".to_owned())
        ]
    );
}

#[test]
fn the_summary_question_reports_each_choice() {
    let run = |input: &[&str]| {
        let mut prompt = BranchSummaryPrompt::new(theme(), keys());
        let chosen = Rc::new(RefCell::new(None));
        let cancelled = Rc::new(RefCell::new(false));
        let (sink, flag) = (Rc::clone(&chosen), Rc::clone(&cancelled));
        prompt.on_choose(move |request| *sink.borrow_mut() = Some(request));
        prompt.on_cancel(move || *flag.borrow_mut() = true);
        for key in input {
            prompt.handle_input(key);
        }
        let result = chosen.borrow().clone();
        (result, *cancelled.borrow(), prompt)
    };
    let (none, ..) = run(&[ENTER]);
    assert_eq!(none, Some(BranchSummaryRequest::default()));
    let (plain, ..) = run(&["j", ENTER]);
    assert_eq!(
        plain,
        Some(BranchSummaryRequest {
            summarize: true,
            custom_instructions: None
        })
    );
    let (_, cancelled, _) = run(&[ESCAPE]);
    assert!(cancelled);
    // The custom prompt opens an editor; Escape there goes back to the question.
    let (nothing, cancelled, mut prompt) = run(&[DOWN, DOWN, ENTER]);
    assert!(nothing.is_none() && !cancelled && prompt.is_editing_instructions());
    let screen = strip(&prompt.render(50));
    assert!(
        screen
            .iter()
            .any(|l| l.contains("Custom summarization instructions")),
        "{screen:#?}"
    );
    prompt.handle_input(ESCAPE);
    assert!(!prompt.is_editing_instructions());
    let (custom, ..) = run(&[DOWN, DOWN, ENTER, "F", "o", "c", "u", "s", ENTER]);
    assert_eq!(
        custom,
        Some(BranchSummaryRequest {
            summarize: true,
            custom_instructions: Some("Focus".to_owned())
        })
    );
}

fn strip(lines: &[String]) -> Vec<String> {
    lines
        .iter()
        .map(|l| {
            pi_tui::strip_ansi(l)
                .trim_end()
                .replace(pi_tui::CURSOR_MARKER, "")
        })
        .collect()
}

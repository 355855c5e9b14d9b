//! Autocomplete: slash commands and their arguments, `@` file search, Tab path completion,
//! through the editor as a user types.

use std::cell::RefCell;
use std::path::PathBuf;
use std::rc::Rc;

use pi_tui::autocomplete::{CombinedAutocompleteProvider, SlashCommand, search_files};
use pi_tui::components::{Editor, EditorTheme, SelectItem};
use pi_tui::{Component, fuzzy};

/// A small project in a fresh temporary directory.
fn project() -> PathBuf {
    static COUNTER: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let root = std::env::temp_dir().join(format!("pi-tui-autocomplete-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    for dir in ["src/components", "docs", ".git/objects", "target"] {
        std::fs::create_dir_all(root.join(dir)).unwrap();
    }
    for file in [
        "src/main.rs",
        "src/lib.rs",
        "src/components/editor.rs",
        "docs/my notes.md",
        "README.md",
        ".hidden.toml",
        ".git/HEAD",
        "target/build.log",
        "Cargo.toml",
    ] {
        std::fs::write(root.join(file), "x").unwrap();
    }
    std::fs::write(root.join(".gitignore"), "target/\n").unwrap();
    root
}

fn commands() -> Vec<SlashCommand> {
    vec![
        SlashCommand::new("model", "Select model").with_arguments(|prefix| {
            ["claude-sonnet", "gpt-5", "gemini-pro"]
                .iter()
                .filter(|m| m.starts_with(prefix))
                .map(|m| SelectItem::new(*m))
                .collect()
        }),
        SlashCommand::new("compact", "Compact the session"),
        SlashCommand::new("settings", "Open settings"),
    ]
}

fn editor(root: &std::path::Path) -> (Editor, Rc<RefCell<Vec<String>>>) {
    let mut e = Editor::new(EditorTheme::default());
    e.set_autocomplete_provider(Rc::new(
        CombinedAutocompleteProvider::new(commands(), root).with_home(None),
    ));
    let submitted = Rc::new(RefCell::new(Vec::new()));
    let s = submitted.clone();
    e.on_submit(move |t| s.borrow_mut().push(t.to_owned()));
    e.render(60);
    (e, submitted)
}

fn type_text(e: &mut Editor, text: &str) {
    for c in text.chars() {
        e.handle_input(&c.to_string());
    }
}

#[test]
fn slash_opens_commands_and_tab_completes() {
    let root = project();
    let (mut e, _) = editor(&root);
    type_text(&mut e, "/");
    assert!(e.is_showing_autocomplete());
    let lines = e.render(60);
    assert!(
        lines
            .iter()
            .any(|l| l.contains("model") && l.contains("Select model")),
        "{lines:#?}"
    );
    type_text(&mut e, "co");
    let lines = e.render(60);
    assert!(lines.iter().any(|l| l.contains("→ compact")), "{lines:#?}");
    assert!(!lines.iter().any(|l| l.contains("settings")));
    e.handle_input("\t");
    assert_eq!(e.text(), "/compact ");
    assert!(!e.is_showing_autocomplete());
}

#[test]
fn enter_on_a_slash_command_submits_it() {
    let root = project();
    let (mut e, submitted) = editor(&root);
    type_text(&mut e, "/sett");
    e.handle_input("\r");
    assert_eq!(*submitted.borrow(), ["/settings"]);
}

#[test]
fn command_arguments_complete() {
    let root = project();
    let (mut e, _) = editor(&root);
    type_text(&mut e, "/model g");
    assert!(e.is_showing_autocomplete());
    let lines = e.render(60);
    assert!(lines.iter().any(|l| l.contains("gpt-5")));
    assert!(!lines.iter().any(|l| l.contains("claude")));
    e.handle_input("\x1b[B");
    e.handle_input("\t");
    assert_eq!(e.text(), "/model gemini-pro");
}

#[test]
fn at_searches_files_and_inserts_the_path() {
    let root = project();
    let (mut e, _) = editor(&root);
    type_text(&mut e, "look at @edit");
    assert!(e.is_showing_autocomplete());
    let lines = e.render(60);
    assert!(lines.iter().any(|l| l.contains("editor.rs")), "{lines:#?}");
    e.handle_input("\r");
    assert_eq!(e.text(), "look at @src/components/editor.rs ");
}

#[test]
fn at_quotes_paths_with_spaces() {
    let root = project();
    let (mut e, _) = editor(&root);
    type_text(&mut e, "@notes");
    e.handle_input("\t");
    assert_eq!(e.text(), "@\"docs/my notes.md\" ");
}

#[test]
fn file_search_skips_git_and_ignored_files_but_keeps_hidden_ones() {
    let root = project();
    let all: Vec<String> = search_files(&root, "", 100, None)
        .into_iter()
        .map(|e| e.path)
        .collect();
    assert!(all.contains(&".hidden.toml".to_string()), "{all:?}");
    assert!(all.contains(&"src/components/".to_string()));
    assert!(
        !all.iter().any(|p| p.starts_with(".git/") || p == ".git/"),
        "{all:?}"
    );
    assert!(!all.iter().any(|p| p.starts_with("target")), "{all:?}");
}

#[test]
fn tab_completes_paths() {
    let root = project();
    let (mut e, _) = editor(&root);
    type_text(&mut e, "cat ./sr");
    e.handle_input("\t");
    assert_eq!(e.text(), "cat ./src/");
    e.handle_input("\t");
    assert!(e.is_showing_autocomplete(), "several entries: a popup");
    let lines = e.render(60);
    assert!(lines.iter().any(|l| l.contains("components/")));
    e.handle_input("\x1b");
    assert!(!e.is_showing_autocomplete());
    assert_eq!(e.text(), "cat ./src/");
}

#[test]
fn fuzzy_filter_ranks_word_starts_and_swaps_letters_and_digits() {
    let items = ["gpt-4o", "o4-mini", "claude-opus-4", "gemini"];
    let got = fuzzy::fuzzy_filter(&items, "op4", |s| s.to_string());
    assert_eq!(got.first(), Some(&"claude-opus-4"));
    assert!(fuzzy::fuzzy_match("gpt4", "4gpt").matches);
    assert!(!fuzzy::fuzzy_match("xyz", "gemini").matches);
    assert_eq!(
        fuzzy::fuzzy_filter(&items, "  ", |s| s.to_string()).len(),
        4
    );
}

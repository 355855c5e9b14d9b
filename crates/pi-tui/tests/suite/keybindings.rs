//! Keybindings: pi's action ids and defaults, user overrides from keybindings.json.

use pi_tui::input::keybindings::{KeybindingsError, parse_user_bindings};
use pi_tui::{Keybindings, action};

#[test]
fn defaults_are_pis() {
    let kb = Keybindings::default();
    assert!(kb.matches("\r", action::INPUT_SUBMIT));
    assert!(kb.matches("\x1b[13;2u", action::INPUT_NEW_LINE));
    assert!(
        kb.matches("\n", action::INPUT_NEW_LINE),
        "ctrl+j inserts a new line"
    );
    assert!(kb.matches("\x1f", action::EDITOR_UNDO));
    assert!(kb.matches("\x1d", action::EDITOR_JUMP_FORWARD));
    assert!(kb.matches("\x1b\x1d", action::EDITOR_JUMP_BACKWARD));
    assert!(kb.matches("\x1bb", action::EDITOR_CURSOR_WORD_LEFT));
    assert!(kb.matches("\x1b[1;5D", action::EDITOR_CURSOR_WORD_LEFT));
    assert!(kb.matches("\x03", action::SELECT_CANCEL));
    assert!(kb.keys(action::EDITOR_HISTORY_PREVIOUS).is_empty());
    assert_eq!(
        kb.keys(action::EDITOR_CURSOR_LINE_START),
        ["home", "ctrl+home", "ctrl+a"]
    );
    assert_eq!(kb.resolved().len(), 33);
}

#[test]
fn a_user_binding_replaces_the_defaults() {
    let mut kb = Keybindings::default();
    let user = parse_user_bindings(
        r#"{ "tui.input.submit": "ctrl+s", "tui.editor.undo": ["ctrl+z", "alt+z"],
             "tui.editor.yank": [] }"#,
    )
    .unwrap();
    kb.set_user_bindings(user);
    assert!(kb.matches("\x13", action::INPUT_SUBMIT));
    assert!(!kb.matches("\r", action::INPUT_SUBMIT));
    assert!(kb.matches("\x1a", action::EDITOR_UNDO));
    assert!(kb.matches("\x1bz", action::EDITOR_UNDO));
    assert!(!kb.matches("\x1f", action::EDITOR_UNDO));
    assert!(
        !kb.matches("\x19", action::EDITOR_YANK),
        "[] disables an action"
    );
}

#[test]
fn conflicts_and_problems_are_reported() {
    let mut kb = Keybindings::default();
    kb.set_user_bindings(
        parse_user_bindings(
            r#"{ "tui.input.submit": "ctrl+x", "tui.editor.undo": "ctrl+x",
                 "tui.editor.yank": "ctrl+nothing", "app.unknown": "f1" }"#,
        )
        .unwrap(),
    );
    assert_eq!(kb.conflicts().len(), 1);
    assert_eq!(kb.conflicts()[0].key, "ctrl+x");
    let problems = kb.problems();
    assert!(problems.contains(&("tui.editor.yank".into(), "ctrl+nothing".into())));
    assert!(problems.contains(&("app.unknown".into(), String::new())));
}

#[test]
fn application_actions_can_be_defined() {
    use pi_tui::input::keybindings::KeybindingDefinition;
    let mut kb = Keybindings::default();
    kb.define(vec![(
        "app.interrupt".into(),
        KeybindingDefinition {
            default_keys: vec!["escape".into()],
            description: "Abort".into(),
        },
    )]);
    assert!(kb.matches("\x1b", "app.interrupt"));
}

#[test]
fn malformed_files_are_clear_errors() {
    assert!(matches!(
        parse_user_bindings("[1]"),
        Err(KeybindingsError::NotAnObject(_))
    ));
    assert!(matches!(
        parse_user_bindings("{"),
        Err(KeybindingsError::NotAnObject(_))
    ));
    let err = parse_user_bindings(r#"{ "tui.input.submit": 3 }"#).unwrap_err();
    assert_eq!(
        err.to_string(),
        "keybinding tui.input.submit: expected a key id or a list of key ids"
    );
}

use serde_json::json;

use super::*;

const ESCAPE: &str = "\x1b";
const CTRL_D: &str = "\x04";
const CTRL_P: &str = "\x10";
const CTRL_V: &str = "\x16";
const ALT_ENTER: &str = "\x1b\r";
const CTRL_LEFT: &str = "\x1b[1;5D";
const SHIFT_TAB: &str = "\x1b[Z";

fn editor(empty: bool) -> KeyContext {
    KeyContext::Editor {
        empty,
        autocomplete: false,
    }
}

fn with(config: serde_json::Value) -> AppKeybindings {
    let mut bindings = AppKeybindings::defaults(KeyPlatform::Linux);
    bindings.apply_config(config.as_object().unwrap());
    bindings
}

#[test]
fn the_editor_dispatches_as_pis_editor_does() {
    let bindings = AppKeybindings::defaults(KeyPlatform::Linux);
    assert_eq!(
        bindings.action_for(ESCAPE, editor(false)),
        Some(Action::Interrupt)
    );
    let completing = KeyContext::Editor {
        empty: false,
        autocomplete: true,
    };
    assert_eq!(
        bindings.action_for(ESCAPE, completing),
        None,
        "Escape closes autocomplete first"
    );
    assert_eq!(
        bindings.action_for(CTRL_D, editor(true)),
        Some(Action::Exit)
    );
    assert_eq!(
        bindings.action_for(CTRL_D, editor(false)),
        None,
        "with text, ctrl+d deletes forward in the editor"
    );
    assert_eq!(
        bindings.action_for(CTRL_P, editor(false)),
        Some(Action::ModelCycleForward)
    );
    assert_eq!(
        bindings.action_for(SHIFT_TAB, editor(false)),
        Some(Action::ThinkingCycle)
    );
    assert_eq!(
        bindings.action_for(ALT_ENTER, editor(false)),
        Some(Action::MessageFollowUp)
    );
    assert_eq!(
        bindings.action_for(CTRL_V, editor(false)),
        Some(Action::ClipboardPasteImage)
    );
    assert_eq!(bindings.action_for("a", editor(false)), None);
    assert_eq!(bindings.action_for("\r", editor(false)), None);
}

#[test]
fn each_screen_has_its_own_actions() {
    let bindings = AppKeybindings::defaults(KeyPlatform::Linux);
    assert_eq!(
        bindings.action_for(CTRL_P, KeyContext::SessionPicker),
        Some(Action::SessionTogglePath)
    );
    assert_eq!(
        bindings.action_for(CTRL_D, KeyContext::SessionPicker),
        Some(Action::SessionDelete)
    );
    assert_eq!(
        bindings.action_for(CTRL_D, KeyContext::Tree),
        Some(Action::TreeFilterDefault)
    );
    assert_eq!(
        bindings.action_for(CTRL_LEFT, KeyContext::Tree),
        Some(Action::TreeFoldOrUp)
    );
    assert_eq!(
        bindings.action_for(CTRL_P, KeyContext::ScopedModels),
        Some(Action::ModelsToggleProvider)
    );
    assert_eq!(
        bindings.action_for("\x13", KeyContext::ModelSelector),
        Some(Action::ModelsSave)
    );
    assert_eq!(
        bindings.action_for("\x13", KeyContext::ThinkingSelector),
        Some(Action::ThinkingSave)
    );
    assert_eq!(bindings.action_for(ESCAPE, KeyContext::Tree), None);
}

#[test]
fn user_keys_replace_an_actions_defaults_only() {
    let bindings = with(json!({
        "app.model.cycleForward": ["f5", "ctrl+n"],
        "app.clear": [],
        "tui.editor.cursorUp": ["up", "ctrl+p"],
    }));
    assert_eq!(
        bindings.action_for("\x1b[15~", editor(false)),
        Some(Action::ModelCycleForward)
    );
    assert_eq!(bindings.action_for(CTRL_P, editor(false)), None);
    assert_eq!(
        bindings.action_for("\x03", editor(false)),
        None,
        "[] unbinds"
    );
    assert!(bindings.tui().matches(CTRL_P, "tui.editor.cursorUp"));
    // pi 0.87.1 no longer lets a user binding evict other actions' defaults.
    let bindings = with(json!({ "tui.editor.cursorUp": ["up", "ctrl+p"] }));
    assert_eq!(
        bindings.action_for(CTRL_P, editor(false)),
        Some(Action::ModelCycleForward)
    );
}

#[test]
fn explicit_history_keys_win_in_the_editor() {
    let bindings = with(json!({ "tui.editor.historyPrevious": "ctrl+p" }));
    assert_eq!(bindings.action_for(CTRL_P, editor(false)), None);
    assert_eq!(
        bindings.action_for(CTRL_P, KeyContext::SessionPicker),
        Some(Action::SessionTogglePath)
    );
}

#[test]
fn unusable_entries_are_ignored_and_listed() {
    let bindings = with(json!({
        "app.clear": 5,
        "app.exit": ["ctrl+d", 3],
        "app.model.select": "ctrl+nothing",
        "app.nope": "f1",
        "app.tools.expand": "ctrl+k",
        "app.thinking.toggle": "ctrl+k",
    }));
    let problems: Vec<String> = bindings
        .problems()
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        problems,
        [
            "keybinding app.clear: expected a key id or a list of key ids",
            "keybinding app.exit: expected a key id or a list of key ids",
            "keybinding app.model.select: invalid key \"ctrl+nothing\"",
            "keybinding app.nope: unknown action",
            "key ctrl+k is bound to app.tools.expand, app.thinking.toggle",
        ]
    );
    assert_eq!(
        bindings.keys(Action::Clear),
        ["ctrl+c"],
        "bad values keep defaults"
    );
    assert!(bindings.matches("\x0b", Action::ThinkingToggle));
    assert!(bindings.matches("\x0b", Action::ToolsExpand));
}

#[test]
fn unreadable_files_leave_the_defaults() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("keybindings.json"), "{ nope").unwrap();
    let bindings = AppKeybindings::load(dir.path(), KeyPlatform::Linux);
    assert!(bindings.user_bindings().is_empty());
    assert!(matches!(
        bindings.problems(),
        [KeybindingProblem::Unreadable { .. }]
    ));
    std::fs::write(dir.path().join("keybindings.json"), "[\"x\"]").unwrap();
    let bindings = AppKeybindings::load(dir.path(), KeyPlatform::Linux);
    assert_eq!(
        bindings.problems()[0].to_string(),
        format!(
            "{}: keybindings must be an object of action ids to keys",
            dir.path().join("keybindings.json").display()
        )
    );
    let empty = tempfile::tempdir().unwrap();
    let bindings = AppKeybindings::load(empty.path(), KeyPlatform::Linux);
    assert!(bindings.problems().is_empty(), "no file is no problem");
}

#[test]
fn platforms_are_detected_from_the_environment() {
    let none = |_: &str| None;
    let wsl = |key: &str| (key == "WSL_DISTRO_NAME").then(|| "Ubuntu".to_owned());
    if cfg!(target_os = "linux") {
        assert_eq!(KeyPlatform::detect(none), KeyPlatform::Linux);
        assert_eq!(KeyPlatform::detect(wsl), KeyPlatform::Wsl);
    }
    assert!(KeyPlatform::Wsl.uses_windows_keys());
    assert!(!KeyPlatform::MacOs.uses_windows_keys());
    assert_eq!(
        Action::from_id("app.session.tree"),
        Some(Action::SessionTree)
    );
    assert_eq!(Action::SessionTree.to_string(), "app.session.tree");
    assert_eq!(Action::from_id("tree"), None);
}

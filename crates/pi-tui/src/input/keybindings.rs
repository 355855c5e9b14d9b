//! Named actions and the keys bound to them, with pi's `keybindings.json` ids and defaults.
//!
//! Components never compare keys directly: they ask [`Keybindings::matches`] whether input is
//! an action, so users can rebind everything. A user binding replaces the action's defaults;
//! an empty list disables the action.

use std::collections::{BTreeMap, HashMap};

use crate::input::keys::{is_valid_key_id, matches_key};

/// The action ids the TUI components use, as written in `keybindings.json`.
pub mod action {
    /// Move cursor up (browsing older history at the top).
    pub const EDITOR_CURSOR_UP: &str = "tui.editor.cursorUp";
    /// Move cursor down (browsing newer history at the bottom).
    pub const EDITOR_CURSOR_DOWN: &str = "tui.editor.cursorDown";
    /// Select the previous prompt history entry regardless of the cursor.
    pub const EDITOR_HISTORY_PREVIOUS: &str = "tui.editor.historyPrevious";
    /// Select the next prompt history entry regardless of the cursor.
    pub const EDITOR_HISTORY_NEXT: &str = "tui.editor.historyNext";
    /// Move cursor left.
    pub const EDITOR_CURSOR_LEFT: &str = "tui.editor.cursorLeft";
    /// Move cursor right.
    pub const EDITOR_CURSOR_RIGHT: &str = "tui.editor.cursorRight";
    /// Move cursor a word left.
    pub const EDITOR_CURSOR_WORD_LEFT: &str = "tui.editor.cursorWordLeft";
    /// Move cursor a word right.
    pub const EDITOR_CURSOR_WORD_RIGHT: &str = "tui.editor.cursorWordRight";
    /// Move to line start.
    pub const EDITOR_CURSOR_LINE_START: &str = "tui.editor.cursorLineStart";
    /// Move to line end.
    pub const EDITOR_CURSOR_LINE_END: &str = "tui.editor.cursorLineEnd";
    /// Jump forward to the next typed character.
    pub const EDITOR_JUMP_FORWARD: &str = "tui.editor.jumpForward";
    /// Jump backward to the next typed character.
    pub const EDITOR_JUMP_BACKWARD: &str = "tui.editor.jumpBackward";
    /// Scroll up by a page.
    pub const EDITOR_PAGE_UP: &str = "tui.editor.pageUp";
    /// Scroll down by a page.
    pub const EDITOR_PAGE_DOWN: &str = "tui.editor.pageDown";
    /// Delete the character before the cursor.
    pub const EDITOR_DELETE_CHAR_BACKWARD: &str = "tui.editor.deleteCharBackward";
    /// Delete the character under the cursor.
    pub const EDITOR_DELETE_CHAR_FORWARD: &str = "tui.editor.deleteCharForward";
    /// Delete the word before the cursor (to the kill ring).
    pub const EDITOR_DELETE_WORD_BACKWARD: &str = "tui.editor.deleteWordBackward";
    /// Delete the word after the cursor (to the kill ring).
    pub const EDITOR_DELETE_WORD_FORWARD: &str = "tui.editor.deleteWordForward";
    /// Delete to the start of the line (to the kill ring).
    pub const EDITOR_DELETE_TO_LINE_START: &str = "tui.editor.deleteToLineStart";
    /// Delete to the end of the line (to the kill ring).
    pub const EDITOR_DELETE_TO_LINE_END: &str = "tui.editor.deleteToLineEnd";
    /// Paste the most recently killed text.
    pub const EDITOR_YANK: &str = "tui.editor.yank";
    /// Replace the yanked text with the one killed before it.
    pub const EDITOR_YANK_POP: &str = "tui.editor.yankPop";
    /// Undo the last edit.
    pub const EDITOR_UNDO: &str = "tui.editor.undo";
    /// Insert a new line.
    pub const INPUT_NEW_LINE: &str = "tui.input.newLine";
    /// Submit the input.
    pub const INPUT_SUBMIT: &str = "tui.input.submit";
    /// Tab, or autocomplete.
    pub const INPUT_TAB: &str = "tui.input.tab";
    /// Copy the selection.
    pub const INPUT_COPY: &str = "tui.input.copy";
    /// Move the selection up.
    pub const SELECT_UP: &str = "tui.select.up";
    /// Move the selection down.
    pub const SELECT_DOWN: &str = "tui.select.down";
    /// Move the selection a page up.
    pub const SELECT_PAGE_UP: &str = "tui.select.pageUp";
    /// Move the selection a page down.
    pub const SELECT_PAGE_DOWN: &str = "tui.select.pageDown";
    /// Confirm the selection.
    pub const SELECT_CONFIRM: &str = "tui.select.confirm";
    /// Cancel the selection.
    pub const SELECT_CANCEL: &str = "tui.select.cancel";
}

/// An action: its default keys and what it does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeybindingDefinition {
    /// Keys bound when the user does not say otherwise.
    pub default_keys: Vec<String>,
    /// What the action does, for help screens.
    pub description: String,
}

/// A key claimed by more than one action in the user's bindings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeybindingConflict {
    /// The key.
    pub key: String,
    /// The actions that claim it.
    pub actions: Vec<String>,
}

/// A problem in a `keybindings.json`.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum KeybindingsError {
    /// The file is not valid JSON or not an object.
    #[error("keybindings are not a JSON object of action ids to keys: {0}")]
    NotAnObject(String),
    /// An action's value is neither a key id nor a list of key ids.
    #[error("keybinding {action}: expected a key id or a list of key ids")]
    BadValue {
        /// The action id.
        action: String,
    },
}

/// The user's bindings: action id to keys, as read from `keybindings.json`.
pub type UserBindings = BTreeMap<String, Vec<String>>;

/// Parses `keybindings.json`: each action id maps to one key id or a list of them.
pub fn parse_user_bindings(json: &str) -> Result<UserBindings, KeybindingsError> {
    let value: serde_json::Value =
        serde_json::from_str(json).map_err(|e| KeybindingsError::NotAnObject(e.to_string()))?;
    let serde_json::Value::Object(map) = value else {
        return Err(KeybindingsError::NotAnObject(
            "top level is not an object".into(),
        ));
    };
    let mut out = UserBindings::new();
    for (action, keys) in map {
        let keys = match keys {
            serde_json::Value::String(k) => vec![k],
            serde_json::Value::Array(items) => {
                let mut keys = Vec::with_capacity(items.len());
                for item in items {
                    let serde_json::Value::String(k) = item else {
                        return Err(KeybindingsError::BadValue { action });
                    };
                    keys.push(k);
                }
                keys
            }
            _ => return Err(KeybindingsError::BadValue { action }),
        };
        out.insert(action, keys);
    }
    Ok(out)
}

fn dedup(keys: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(keys.len());
    for k in keys {
        if !out.contains(k) {
            out.push(k.clone());
        }
    }
    out
}

/// Actions, their definitions, the user's overrides and the keys in effect.
#[derive(Debug, Clone)]
pub struct Keybindings {
    definitions: Vec<(String, KeybindingDefinition)>,
    user: UserBindings,
    keys: HashMap<String, Vec<String>>,
    conflicts: Vec<KeybindingConflict>,
}

impl Default for Keybindings {
    fn default() -> Self {
        Self::new(tui_definitions())
    }
}

impl Keybindings {
    /// Bindings for these actions, with their defaults in effect.
    pub fn new(definitions: Vec<(String, KeybindingDefinition)>) -> Self {
        let mut kb = Self {
            definitions,
            user: UserBindings::new(),
            keys: HashMap::new(),
            conflicts: Vec::new(),
        };
        kb.rebuild();
        kb
    }

    /// Adds (or replaces) action definitions, for example the application's own actions.
    pub fn define(&mut self, definitions: Vec<(String, KeybindingDefinition)>) {
        for (id, def) in definitions {
            match self
                .definitions
                .iter_mut()
                .find(|(existing, _)| *existing == id)
            {
                Some(slot) => slot.1 = def,
                None => self.definitions.push((id, def)),
            }
        }
        self.rebuild();
    }

    /// Applies the user's bindings; each replaces its action's defaults.
    pub fn set_user_bindings(&mut self, user: UserBindings) {
        self.user = user;
        self.rebuild();
    }

    fn rebuild(&mut self) {
        let mut claims: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (action, keys) in &self.user {
            if !self.definitions.iter().any(|(id, _)| id == action) {
                continue;
            }
            for key in dedup(keys) {
                claims.entry(key).or_default().push(action.clone());
            }
        }
        self.conflicts = claims
            .into_iter()
            .filter(|(_, actions)| actions.len() > 1)
            .map(|(key, actions)| KeybindingConflict { key, actions })
            .collect();
        self.keys = self
            .definitions
            .iter()
            .map(|(id, def)| {
                let keys = self.user.get(id).unwrap_or(&def.default_keys);
                (id.clone(), dedup(keys))
            })
            .collect();
    }

    /// Whether input `data` is one of the keys bound to `action`.
    pub fn matches(&self, data: &str, action: &str) -> bool {
        self.keys
            .get(action)
            .is_some_and(|keys| keys.iter().any(|k| matches_key(data, k)))
    }

    /// The keys bound to an action.
    pub fn keys(&self, action: &str) -> &[String] {
        self.keys.get(action).map_or(&[], Vec::as_slice)
    }

    /// An action's definition.
    pub fn definition(&self, action: &str) -> Option<&KeybindingDefinition> {
        self.definitions
            .iter()
            .find(|(id, _)| id == action)
            .map(|(_, d)| d)
    }

    /// Keys the user bound to more than one action.
    pub fn conflicts(&self) -> &[KeybindingConflict] {
        &self.conflicts
    }

    /// The user's bindings that name an unknown action or an invalid key, as
    /// (action, key) pairs (key empty for an unknown action), to report to the user.
    pub fn problems(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for (action, keys) in &self.user {
            if self.definition(action).is_none() {
                out.push((action.clone(), String::new()));
                continue;
            }
            out.extend(
                keys.iter()
                    .filter(|k| !is_valid_key_id(k))
                    .map(|k| (action.clone(), k.clone())),
            );
        }
        out
    }

    /// Every action with the keys in effect, in definition order.
    pub fn resolved(&self) -> Vec<(&str, &[String])> {
        self.definitions
            .iter()
            .map(|(id, _)| (id.as_str(), self.keys(id)))
            .collect()
    }
}

fn def(keys: &[&str], description: &str) -> KeybindingDefinition {
    KeybindingDefinition {
        default_keys: keys.iter().map(|k| (*k).to_owned()).collect(),
        description: description.to_owned(),
    }
}

/// The TUI's actions with pi's default keys.
pub fn tui_definitions() -> Vec<(String, KeybindingDefinition)> {
    use action::*;
    let table: [(&str, &[&str], &str); 33] = [
        (EDITOR_CURSOR_UP, &["up"], "Move cursor up"),
        (EDITOR_CURSOR_DOWN, &["down"], "Move cursor down"),
        (
            EDITOR_HISTORY_PREVIOUS,
            &[],
            "Select previous prompt history entry",
        ),
        (EDITOR_HISTORY_NEXT, &[], "Select next prompt history entry"),
        (EDITOR_CURSOR_LEFT, &["left", "ctrl+b"], "Move cursor left"),
        (
            EDITOR_CURSOR_RIGHT,
            &["right", "ctrl+f"],
            "Move cursor right",
        ),
        (
            EDITOR_CURSOR_WORD_LEFT,
            &["alt+left", "ctrl+left", "alt+b"],
            "Move cursor word left",
        ),
        (
            EDITOR_CURSOR_WORD_RIGHT,
            &["alt+right", "ctrl+right", "alt+f"],
            "Move cursor word right",
        ),
        (
            EDITOR_CURSOR_LINE_START,
            &["home", "ctrl+home", "ctrl+a"],
            "Move to line start",
        ),
        (
            EDITOR_CURSOR_LINE_END,
            &["end", "ctrl+end", "ctrl+e"],
            "Move to line end",
        ),
        (
            EDITOR_JUMP_FORWARD,
            &["ctrl+]"],
            "Jump forward to character",
        ),
        (
            EDITOR_JUMP_BACKWARD,
            &["ctrl+alt+]"],
            "Jump backward to character",
        ),
        (EDITOR_PAGE_UP, &["pageUp", "ctrl+pageUp"], "Page up"),
        (
            EDITOR_PAGE_DOWN,
            &["pageDown", "ctrl+pageDown"],
            "Page down",
        ),
        (
            EDITOR_DELETE_CHAR_BACKWARD,
            &["backspace"],
            "Delete character backward",
        ),
        (
            EDITOR_DELETE_CHAR_FORWARD,
            &["delete", "ctrl+d"],
            "Delete character forward",
        ),
        (
            EDITOR_DELETE_WORD_BACKWARD,
            &["ctrl+w", "alt+backspace"],
            "Delete word backward",
        ),
        (
            EDITOR_DELETE_WORD_FORWARD,
            &["alt+d", "alt+delete"],
            "Delete word forward",
        ),
        (
            EDITOR_DELETE_TO_LINE_START,
            &["ctrl+u"],
            "Delete to line start",
        ),
        (EDITOR_DELETE_TO_LINE_END, &["ctrl+k"], "Delete to line end"),
        (EDITOR_YANK, &["ctrl+y"], "Yank"),
        (EDITOR_YANK_POP, &["alt+y"], "Yank pop"),
        (EDITOR_UNDO, &["ctrl+-"], "Undo"),
        (INPUT_NEW_LINE, &["shift+enter", "ctrl+j"], "Insert newline"),
        (INPUT_SUBMIT, &["enter"], "Submit input"),
        (INPUT_TAB, &["tab"], "Tab / autocomplete"),
        (INPUT_COPY, &["ctrl+c"], "Copy selection"),
        (SELECT_UP, &["up"], "Move selection up"),
        (SELECT_DOWN, &["down"], "Move selection down"),
        (SELECT_PAGE_UP, &["pageUp"], "Selection page up"),
        (SELECT_PAGE_DOWN, &["pageDown"], "Selection page down"),
        (SELECT_CONFIRM, &["enter"], "Confirm selection"),
        (SELECT_CANCEL, &["escape", "ctrl+c"], "Cancel selection"),
    ];
    table
        .iter()
        .map(|(id, keys, desc)| ((*id).to_owned(), def(keys, desc)))
        .collect()
}

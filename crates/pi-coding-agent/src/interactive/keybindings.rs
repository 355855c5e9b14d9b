//! The interactive mode's keybindings: pi's application actions (`app.*`) with their
//! default keys, on top of pi-tui's editor and selector actions (`tui.*`), and the user's
//! `keybindings.json`, where an action's configured keys (one key id or a list) replace its
//! defaults and `[]` unbinds it.
//!
//! Files written for pi before 0.61 name actions without a namespace (`expandTools`); pi
//! rewrites them at startup ([`migrate_keybindings_file`]) and reads them migrated either way.
//! Entries pi cannot use are ignored as in pi, and listed by [`AppKeybindings::problems`].
//!
//! ```
//! use pi_coding_agent::interactive::keybindings::{Action, AppKeybindings, KeyContext, KeyPlatform};
//!
//! let mut bindings = AppKeybindings::defaults(KeyPlatform::Linux);
//! let editor = KeyContext::Editor { empty: true, autocomplete: false };
//! assert_eq!(bindings.action_for("\x0c", editor), Some(Action::ModelSelect)); // ctrl+l
//!
//! let config = serde_json::json!({ "selectModel": "ctrl+k" }); // a pre-0.61 id
//! bindings.apply_config(config.as_object().unwrap());
//! assert_eq!(bindings.action_for("\x0b", editor), Some(Action::ModelSelect));
//! assert_eq!(bindings.action_for("\x0c", editor), None);
//! ```

mod action;
mod migrate;

use std::path::{Path, PathBuf};

use indexmap::IndexMap;
use pi_tui::Keybindings;
use pi_tui::input::keybindings::{KeybindingDefinition, UserBindings};
use pi_tui::input::keys::is_valid_key_id;
use serde_json::{Map, Value};

pub use action::{Action, KeyContext, KeyPlatform};
pub use migrate::{migrate_keybindings_config, migrate_keybindings_file};

/// Something in `keybindings.json` pi does not use. pi ignores these silently; the screen
/// may show them.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum KeybindingProblem {
    /// The file could not be read or is not JSON (every binding is ignored).
    #[error("{}: {message}", path.display())]
    Unreadable {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
    /// The file is not a JSON object (every binding is ignored).
    #[error("{}: keybindings must be an object of action ids to keys", path.display())]
    NotAnObject {
        /// The file.
        path: PathBuf,
    },
    /// A value that is neither a key id nor a list of key ids (the entry is ignored).
    #[error("keybinding {action}: expected a key id or a list of key ids")]
    BadValue {
        /// The action id.
        action: String,
    },
    /// An id that names no action.
    #[error("keybinding {action}: unknown action")]
    UnknownAction {
        /// The id.
        action: String,
    },
    /// A key id pi cannot recognise (it never matches).
    #[error("keybinding {action}: invalid key \"{key}\"")]
    InvalidKey {
        /// The action id.
        action: String,
        /// The key id.
        key: String,
    },
    /// A key the user bound to several actions (each keeps it; which one wins depends on
    /// where the key is pressed).
    #[error("key {key} is bound to {}", actions.join(", "))]
    Conflict {
        /// The key id.
        key: String,
        /// The actions that claim it, in pi's order.
        actions: Vec<String>,
    },
}

/// Every action of the interactive mode with the keys in effect.
#[derive(Debug, Clone)]
pub struct AppKeybindings {
    platform: KeyPlatform,
    bindings: Keybindings,
    /// The user's bindings as pi keeps them (migrated, in pi's order).
    user: IndexMap<String, Vec<String>>,
    problems: Vec<KeybindingProblem>,
}

impl AppKeybindings {
    /// Every action with its default keys on `platform`.
    pub fn defaults(platform: KeyPlatform) -> AppKeybindings {
        let mut bindings = Keybindings::default();
        bindings.define(definitions(platform));
        AppKeybindings {
            platform,
            bindings,
            user: IndexMap::new(),
            problems: Vec::new(),
        }
    }

    /// The defaults with `<agent dir>/keybindings.json` applied (a missing file is no
    /// problem; an unreadable one leaves the defaults, as in pi).
    pub fn load(agent_dir: &Path, platform: KeyPlatform) -> AppKeybindings {
        let mut bindings = AppKeybindings::defaults(platform);
        bindings.reload(agent_dir);
        bindings
    }

    /// Re-reads `<agent dir>/keybindings.json` (pi's `/reload`).
    pub fn reload(&mut self, agent_dir: &Path) {
        let path = agent_dir.join("keybindings.json");
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                self.apply_config(&Map::new());
                return;
            }
            Err(error) => {
                self.apply_config(&Map::new());
                self.problems.push(KeybindingProblem::Unreadable {
                    path,
                    message: error.to_string(),
                });
                return;
            }
        };
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        match serde_json::from_str::<Value>(text) {
            Ok(Value::Object(config)) => self.apply_config(&config),
            // pi reads an array's entries as bindings of ids "0", "1", ...; none of those
            // names an action, so it amounts to no bindings.
            Ok(_) => {
                self.apply_config(&Map::new());
                self.problems.push(KeybindingProblem::NotAnObject { path });
            }
            Err(error) => {
                self.apply_config(&Map::new());
                self.problems.push(KeybindingProblem::Unreadable {
                    path,
                    message: error.to_string(),
                });
            }
        }
    }

    /// Applies a `keybindings.json` object (legacy ids migrated), replacing earlier user
    /// bindings: each action it names gets exactly the keys it lists.
    pub fn apply_config(&mut self, config: &Map<String, Value>) {
        let (migrated, _) = migrate_keybindings_config(config);
        let mut user = IndexMap::new();
        let mut problems = Vec::new();
        for (action, value) in &migrated {
            let keys = match value {
                Value::String(key) => vec![key.clone()],
                Value::Array(items) if items.iter().all(Value::is_string) => items
                    .iter()
                    .filter_map(|item| item.as_str().map(str::to_owned))
                    .collect(),
                _ => {
                    problems.push(KeybindingProblem::BadValue {
                        action: action.clone(),
                    });
                    continue;
                }
            };
            if self.bindings.definition(action).is_none() {
                problems.push(KeybindingProblem::UnknownAction {
                    action: action.clone(),
                });
            } else {
                problems.extend(keys.iter().filter(|key| !is_valid_key_id(key)).map(|key| {
                    KeybindingProblem::InvalidKey {
                        action: action.clone(),
                        key: key.clone(),
                    }
                }));
            }
            user.insert(action.clone(), keys);
        }
        problems.extend(self.conflicts_of(&user));
        self.bindings.set_user_bindings(
            user.iter()
                .map(|(action, keys)| (action.clone(), keys.clone()))
                .collect::<UserBindings>(),
        );
        self.user = user;
        self.problems = problems;
    }

    /// Keys the user bound to more than one action, in pi's order (by first claim).
    fn conflicts_of(&self, user: &IndexMap<String, Vec<String>>) -> Vec<KeybindingProblem> {
        let mut claims: IndexMap<&str, Vec<String>> = IndexMap::new();
        for (action, keys) in user {
            if self.bindings.definition(action).is_none() {
                continue;
            }
            for key in keys {
                let claimants = claims.entry(key.as_str()).or_default();
                if !claimants.contains(action) {
                    claimants.push(action.clone());
                }
            }
        }
        claims
            .into_iter()
            .filter(|(_, actions)| actions.len() > 1)
            .map(|(key, actions)| KeybindingProblem::Conflict {
                key: key.to_owned(),
                actions,
            })
            .collect()
    }

    /// The platform the defaults are for.
    pub fn platform(&self) -> KeyPlatform {
        self.platform
    }

    /// The bindings of every action, `tui.*` included, for pi-tui's components.
    pub fn tui(&self) -> &Keybindings {
        &self.bindings
    }

    /// Whether input `data` is a key bound to `action`.
    pub fn matches(&self, data: &str, action: Action) -> bool {
        self.bindings.matches(data, action.id())
    }

    /// The keys bound to `action`.
    pub fn keys(&self, action: Action) -> &[String] {
        self.bindings.keys(action.id())
    }

    /// The user's bindings as pi keeps them: migrated ids, in pi's order, entries with bad
    /// values left out.
    pub fn user_bindings(&self) -> &IndexMap<String, Vec<String>> {
        &self.user
    }

    /// What the user's file holds that pi cannot use (bad values, unknown actions, invalid
    /// keys, keys bound twice).
    pub fn problems(&self) -> &[KeybindingProblem] {
        &self.problems
    }

    /// The action input `data` triggers in `context`, checked in the order pi's screens
    /// check them; `None` when the input belongs to the focused component (the editor, the
    /// list) instead.
    pub fn action_for(&self, data: &str, context: KeyContext) -> Option<Action> {
        if let KeyContext::Editor {
            empty,
            autocomplete,
        } = context
        {
            if self.matches(data, Action::ClipboardPasteImage) {
                return Some(Action::ClipboardPasteImage);
            }
            if self.matches(data, Action::Interrupt) {
                // With autocomplete open, Escape closes it.
                return (!autocomplete).then_some(Action::Interrupt);
            }
            if empty && self.matches(data, Action::Exit) {
                return Some(Action::Exit);
            }
            // Explicit history keys win over application actions in the editor.
            if self
                .bindings
                .matches(data, pi_tui::action::EDITOR_HISTORY_PREVIOUS)
                || self
                    .bindings
                    .matches(data, pi_tui::action::EDITOR_HISTORY_NEXT)
            {
                return None;
            }
        }
        context
            .actions()
            .iter()
            .copied()
            .find(|action| self.matches(data, *action))
    }

    /// Every action id with its keys, one key as a string and several (or none) as a list,
    /// as pi reports the bindings in effect.
    pub fn effective_config(&self) -> Map<String, Value> {
        self.bindings
            .resolved()
            .into_iter()
            .map(|(id, keys)| {
                let value = match keys {
                    [key] => Value::from(key.as_str()),
                    keys => Value::from(keys.to_vec()),
                };
                (id.to_owned(), value)
            })
            .collect()
    }
}

/// Every action id in pi's order: pi-tui's, the fullscreen viewport's, the application's.
fn ordered_ids() -> Vec<String> {
    AppKeybindings::defaults(KeyPlatform::Linux)
        .tui()
        .resolved()
        .into_iter()
        .map(|(id, _)| id.to_owned())
        .collect()
}

/// The definitions pi-tui does not have: the fullscreen viewport's actions and the
/// application's, with the platform's defaults (the editor's undo too).
fn definitions(platform: KeyPlatform) -> Vec<(String, KeybindingDefinition)> {
    let windows_keys = platform.uses_windows_keys();
    let undo: &[&str] = match platform {
        KeyPlatform::Windows => &["ctrl+z"],
        KeyPlatform::Wsl => &["alt+z"],
        _ => &["ctrl+-"],
    };
    let screen: [(&str, &[&str], &str); 14] = [
        (
            "tui.altScreen.pageUp",
            &["pageUp"],
            "Scroll viewport up one page",
        ),
        (
            "tui.altScreen.pageDown",
            &["pageDown"],
            "Scroll viewport down one page",
        ),
        (
            "tui.altScreen.halfPageUp",
            &[],
            "Scroll viewport up half a page",
        ),
        (
            "tui.altScreen.halfPageDown",
            &[],
            "Scroll viewport down half a page",
        ),
        ("tui.altScreen.lineUp", &[], "Scroll viewport up one line"),
        (
            "tui.altScreen.lineDown",
            &[],
            "Scroll viewport down one line",
        ),
        (
            "tui.altScreen.previousPrompt",
            if windows_keys {
                &["ctrl+up"]
            } else {
                &["ctrl+shift+up", "ctrl+up"]
            },
            "Jump to previous semantic prompt",
        ),
        (
            "tui.altScreen.nextPrompt",
            if windows_keys {
                &["ctrl+down"]
            } else {
                &["ctrl+shift+down", "ctrl+down"]
            },
            "Jump to next semantic prompt",
        ),
        (
            "tui.altScreen.search",
            if windows_keys {
                &["ctrl+f"]
            } else {
                &["ctrl+shift+f"]
            },
            "Search the primary scroll view",
        ),
        (
            "tui.altScreen.searchNext",
            &["enter", "ctrl+g"],
            "Select the next search match",
        ),
        (
            "tui.altScreen.searchPrevious",
            &["shift+enter", "ctrl+shift+g"],
            "Select the previous search match",
        ),
        (
            "tui.altScreen.searchClose",
            &["escape"],
            "Close transcript search",
        ),
        ("tui.altScreen.top", &["home"], "Scroll viewport to top"),
        (
            "tui.altScreen.bottom",
            &["end"],
            "Scroll viewport to bottom",
        ),
    ];
    let define = |id: &str, keys: &[&str], description: &str| {
        (
            id.to_owned(),
            KeybindingDefinition {
                default_keys: keys.iter().map(|key| (*key).to_owned()).collect(),
                description: description.to_owned(),
            },
        )
    };
    let mut definitions = vec![define(pi_tui::action::EDITOR_UNDO, undo, "Undo")];
    definitions.extend(
        screen
            .iter()
            .map(|(id, keys, description)| define(id, keys, description)),
    );
    definitions.extend(Action::ALL.iter().map(|action| {
        define(
            action.id(),
            action.default_keys(platform),
            action.description(),
        )
    }));
    definitions
}

#[cfg(test)]
mod tests;

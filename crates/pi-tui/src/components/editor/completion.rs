//! The autocomplete popup: when it opens, keys while it is open, and applying a choice.

use std::rc::Rc;

use super::{Editor, Popup, PopupMode};
use crate::autocomplete::Suggestions;
use crate::component::Component;
use crate::components::SelectList;
use crate::input::keybindings::{Keybindings, action};

impl Editor {
    fn slash_menu_allowed(&self) -> bool {
        self.state.cursor_line == 0
    }

    fn at_start_of_message(&self) -> bool {
        let before = self.text_before_cursor().trim();
        self.slash_menu_allowed() && (before.is_empty() || before == "/")
    }

    fn in_slash_command(&self) -> bool {
        self.slash_menu_allowed() && self.text_before_cursor().trim_start().starts_with('/')
    }

    /// Whether the text before the cursor ends in a trigger token (`@path`, `@"quoted`, or
    /// another trigger character at a token start).
    fn at_trigger_token(&self) -> bool {
        let before = self.text_before_cursor();
        let token_start = before
            .char_indices()
            .rfind(|(_, c)| crate::autocomplete::is_separator(*c))
            .map_or(0, |(i, c)| i + c.len_utf8());
        let token = before.get(token_start..).unwrap_or_default();
        if token.starts_with("@\"") {
            return true;
        }
        token
            .chars()
            .next()
            .is_some_and(|c| self.trigger_chars.contains(&c))
    }

    /// Opens (or refreshes) the popup after typing `text`.
    pub(super) fn after_typing(&mut self, text: &str) {
        if self.popup.is_some() {
            self.update_autocomplete();
            return;
        }
        let c = text.chars().next().unwrap_or(' ');
        if text == "/" && self.at_start_of_message() {
            self.request_autocomplete(false, false);
        } else if self.trigger_chars.contains(&c) {
            if self.at_trigger_token() {
                self.request_autocomplete(false, false);
            }
        } else if (c.is_ascii_alphanumeric() || ".-_".contains(c) || !c.is_ascii())
            && (self.in_slash_command() || self.at_trigger_token())
        {
            self.request_autocomplete(false, false);
        }
    }

    /// Refreshes or opens the popup after a deletion.
    pub(super) fn after_deleting(&mut self) {
        if self.popup.is_some() {
            self.update_autocomplete();
        } else if self.in_slash_command() || self.at_trigger_token() {
            self.request_autocomplete(false, false);
        }
    }

    pub(super) fn update_autocomplete(&mut self) {
        if let Some(popup) = &self.popup {
            let force = popup.mode == PopupMode::Forced;
            self.request_autocomplete(force, false);
        }
    }

    pub(super) fn handle_tab(&mut self) {
        if self.provider.is_none() {
            return;
        }
        let before = self.text_before_cursor().trim_start();
        if self.in_slash_command() && !before.contains(' ') {
            self.request_autocomplete(false, true);
        } else {
            self.request_autocomplete(true, true);
        }
    }

    fn request_autocomplete(&mut self, force: bool, explicit_tab: bool) {
        let Some(provider) = self.provider.clone() else {
            return;
        };
        let (line, col) = (self.state.cursor_line, self.state.cursor_col);
        if force && !provider.should_trigger_file_completion(&self.state.lines, line, col) {
            return;
        }
        let Some(suggestions) = provider.suggestions(&self.state.lines, line, col, force) else {
            self.popup = None;
            return;
        };
        if suggestions.items.is_empty() {
            self.popup = None;
            return;
        }
        if force && explicit_tab && suggestions.items.len() == 1 {
            if let Some(item) = suggestions.items.first().cloned() {
                self.apply(&item, &suggestions.prefix);
            }
            return;
        }
        self.show_suggestions(
            suggestions,
            if force {
                PopupMode::Forced
            } else {
                PopupMode::Regular
            },
        );
    }

    fn show_suggestions(&mut self, suggestions: Suggestions, mode: PopupMode) {
        let Suggestions { items, prefix } = suggestions;
        let best = if prefix.is_empty() {
            None
        } else {
            items
                .iter()
                .position(|i| i.value == prefix)
                .or_else(|| items.iter().position(|i| i.value.starts_with(&prefix)))
        };
        let mut list = SelectList::new(
            items,
            self.autocomplete_max_visible,
            self.theme.select_list.clone(),
        )
        .with_keybindings(Rc::clone(&self.keybindings));
        if prefix.starts_with('/') {
            list = list.with_primary_column(12, 32);
        }
        if let Some(best) = best {
            list.set_selected_index(best);
        }
        self.popup = Some(Popup { list, prefix, mode });
    }

    fn apply(&mut self, item: &crate::components::SelectItem, prefix: &str) {
        let Some(provider) = self.provider.clone() else {
            return;
        };
        self.push_undo();
        self.last_action = None;
        let done = provider.apply_completion(
            &self.state.lines,
            self.state.cursor_line,
            self.state.cursor_col,
            item,
            prefix,
        );
        self.state.lines = if done.lines.is_empty() {
            vec![String::new()]
        } else {
            done.lines
        };
        self.state.cursor_line = done.cursor_line.min(self.state.lines.len() - 1);
        self.set_cursor_col(done.cursor_col);
        self.changed();
    }

    /// Keys while the popup is open. Returns whether the key was used up.
    pub(super) fn handle_popup_key(&mut self, data: &str, kb: &Keybindings) -> bool {
        let Some(popup) = &mut self.popup else {
            return false;
        };
        if kb.matches(data, action::SELECT_CANCEL) {
            self.popup = None;
            return true;
        }
        if kb.matches(data, action::SELECT_UP) || kb.matches(data, action::SELECT_DOWN) {
            popup.list.handle_input(data);
            return true;
        }
        let tab = kb.matches(data, action::INPUT_TAB);
        if tab || kb.matches(data, action::SELECT_CONFIRM) {
            let chosen = popup.list.selected_item().cloned();
            let prefix = popup.prefix.clone();
            self.popup = None;
            if let Some(item) = chosen {
                self.apply(&item, &prefix);
                // Enter on a slash command also submits it; elsewhere it only completes.
                return tab || !prefix.starts_with('/');
            }
            return tab;
        }
        false
    }
}

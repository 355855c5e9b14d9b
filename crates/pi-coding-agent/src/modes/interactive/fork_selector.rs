//! The `/fork` list: the session's user messages, newest selected; Enter forks before the
//! chosen one (its text comes back to the editor), Escape cancels.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;

use pi_tui::{Component, action, truncate_to_width};

use super::commands::Selection;
use crate::interactive::keybindings::AppKeybindings;
use crate::interactive::theme::{Theme, ThemeColor};

/// Messages shown at once.
const MAX_VISIBLE: usize = 10;

pub(crate) struct ForkSelector {
    /// `(entry id, text)`, oldest first.
    messages: Vec<(String, String)>,
    selected: usize,
    theme: Theme,
    keys: Rc<AppKeybindings>,
    selections: Rc<RefCell<VecDeque<Selection>>>,
}

impl ForkSelector {
    pub(crate) fn new(
        messages: Vec<(String, String)>,
        theme: Theme,
        keys: Rc<AppKeybindings>,
        selections: Rc<RefCell<VecDeque<Selection>>>,
    ) -> Self {
        ForkSelector {
            selected: messages.len().saturating_sub(1),
            messages,
            theme,
            keys,
            selections,
        }
    }
}

impl Component for ForkSelector {
    fn render(&mut self, width: usize) -> Vec<String> {
        let theme = &self.theme;
        let border = theme.fg(ThemeColor::Border, &"─".repeat(width));
        let mut lines = vec![
            String::new(),
            format!(" {}", theme.bold("Fork from Message")),
            format!(
                " {}",
                theme.fg(
                    ThemeColor::Muted,
                    "Select a user message to copy the active path up to that point into a new session"
                )
            ),
            String::new(),
            border.clone(),
            String::new(),
        ];
        let count = self.messages.len();
        let start = self
            .selected
            .saturating_sub(MAX_VISIBLE / 2)
            .min(count.saturating_sub(MAX_VISIBLE));
        let end = (start + MAX_VISIBLE).min(count);
        for (i, (_, text)) in self.messages.iter().enumerate().take(end).skip(start) {
            let selected = i == self.selected;
            let single = text.replace('\n', " ");
            let single = single.trim();
            let text = truncate_to_width(single, width.saturating_sub(2), "...", false);
            lines.push(if selected {
                format!(
                    "{}{}",
                    theme.fg(ThemeColor::Accent, "› "),
                    theme.bold(&text)
                )
            } else {
                format!("  {text}")
            });
            lines.push(theme.fg(
                ThemeColor::Muted,
                &format!("  Message {} of {count}", i + 1),
            ));
            lines.push(String::new());
        }
        if start > 0 || end < count {
            lines.push(theme.fg(
                ThemeColor::Muted,
                &format!("  ({}/{count})", self.selected + 1),
            ));
        }
        lines.push(String::new());
        lines.push(border);
        lines
            .into_iter()
            .map(|line| truncate_to_width(&line, width, "", false))
            .collect()
    }

    fn handle_input(&mut self, data: &str) {
        let keys = self.keys.tui();
        let count = self.messages.len();
        if keys.matches(data, action::SELECT_UP) && count > 0 {
            self.selected = if self.selected == 0 {
                count - 1
            } else {
                self.selected - 1
            };
        } else if keys.matches(data, action::SELECT_DOWN) && count > 0 {
            self.selected = if self.selected + 1 >= count {
                0
            } else {
                self.selected + 1
            };
        } else if keys.matches(data, action::SELECT_CONFIRM) {
            if let Some((id, _)) = self.messages.get(self.selected) {
                self.selections
                    .borrow_mut()
                    .push_back(Selection::Fork(id.clone()));
            }
        } else if keys.matches(data, action::SELECT_CANCEL) {
            self.selections.borrow_mut().push_back(Selection::Cancel);
        }
    }
}

//! pi's yes/no question in place of the editor (`/import` asks it): a title, the question,
//! "Yes" and "No", answered with Enter or cancelled with Escape (which means no).

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;

use pi_tui::components::Text;
use pi_tui::{Component, action};

use super::commands::Selection;
use crate::interactive::chat::format_keys;
use crate::interactive::keybindings::AppKeybindings;
use crate::interactive::theme::{Theme, ThemeColor};

const OPTIONS: [&str; 2] = ["Yes", "No"];

pub(crate) struct Confirm {
    title: String,
    theme: Theme,
    keys: Rc<AppKeybindings>,
    selected: usize,
    /// What a "Yes" asks for.
    on_yes: Option<Selection>,
    selections: Rc<RefCell<VecDeque<Selection>>>,
}

impl Confirm {
    /// Asks `title` (its first line bold); "Yes" sends `on_yes`, anything else cancels.
    pub(crate) fn new(
        title: String,
        on_yes: Selection,
        theme: Theme,
        keys: Rc<AppKeybindings>,
        selections: Rc<RefCell<VecDeque<Selection>>>,
    ) -> Self {
        Confirm {
            title,
            theme,
            keys,
            selected: 0,
            on_yes: Some(on_yes),
            selections,
        }
    }

    fn answer(&mut self, yes: bool) {
        let selection = match self.on_yes.take() {
            Some(selection) if yes => selection,
            _ => Selection::Declined,
        };
        self.selections.borrow_mut().push_back(selection);
    }
}

impl Component for Confirm {
    fn render(&mut self, width: usize) -> Vec<String> {
        let t = &self.theme;
        let text = |line: String| Text::with_padding(line, 1, 0).render(width);
        let border = t.fg(ThemeColor::Border, &"─".repeat(width.max(1)));
        let mut lines = vec![border.clone(), String::new()];
        lines.extend(text(t.fg(ThemeColor::Accent, &t.bold(&self.title))));
        lines.push(String::new());
        for (i, option) in OPTIONS.iter().enumerate() {
            lines.extend(text(if i == self.selected {
                format!(
                    "{}{}",
                    t.fg(ThemeColor::Accent, "→ "),
                    t.fg(ThemeColor::Accent, option)
                )
            } else {
                format!("  {}", t.fg(ThemeColor::Text, option))
            }));
        }
        lines.push(String::new());
        let tui = self.keys.tui();
        let platform = self.keys.platform();
        let hint = |key: &str, what: &str| {
            format!(
                "{}{}",
                t.fg(ThemeColor::Dim, key),
                t.fg(ThemeColor::Muted, &format!(" {what}"))
            )
        };
        lines.extend(text(format!(
            "{}  {}  {}",
            hint("↑↓", "navigate"),
            hint(
                &format_keys(tui.keys(action::SELECT_CONFIRM), platform),
                "select"
            ),
            hint(
                &format_keys(tui.keys(action::SELECT_CANCEL), platform),
                "cancel"
            )
        )));
        lines.push(String::new());
        lines.push(border);
        lines
    }

    fn handle_input(&mut self, data: &str) {
        let keys = self.keys.tui();
        if keys.matches(data, action::SELECT_UP) || data == "k" {
            self.selected = 0;
        } else if keys.matches(data, action::SELECT_DOWN) || data == "j" {
            self.selected = 1;
        } else if keys.matches(data, action::SELECT_CONFIRM) || data == "\n" {
            self.answer(self.selected == 0);
        } else if keys.matches(data, action::SELECT_CANCEL) {
            self.answer(false);
        }
    }
}

//! [`SettingsList`]: settings with their values; Enter or Space cycles a value or opens the
//! setting's submenu, and an optional search field filters by label.

use std::rc::Rc;

use crate::component::Component;
use crate::components::Input;
use crate::fuzzy::fuzzy_filter;
use crate::input::keybindings::{Keybindings, action};
use crate::style::{SelectableStyleFn, StyleFn, plain};
use crate::truncate::truncate_to_width;
use crate::width::visible_width;
use crate::wrap::wrap_text_with_ansi;

/// How a submenu ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SubmenuOutcome {
    /// Closed without a change.
    Cancelled,
    /// A value was chosen.
    Selected(String),
}

/// A component shown in place of the list while a setting is being changed.
pub trait SettingsSubmenu: Component {
    /// Whether the submenu is done, and how; polled after each key.
    fn outcome(&mut self) -> Option<SubmenuOutcome>;
}

/// Builds a setting's submenu from its current value.
pub type SubmenuFactory = Rc<dyn Fn(&str) -> std::boxed::Box<dyn SettingsSubmenu>>;

/// One setting.
#[derive(Clone)]
pub struct SettingItem {
    /// Identifies the setting in change notifications.
    pub id: String,
    /// What is shown.
    pub label: String,
    /// The value shown.
    pub current_value: String,
    /// Shown under the list while the setting is selected.
    pub description: Option<String>,
    /// Values that Enter cycles through.
    pub values: Vec<String>,
    /// A submenu that picks the value instead of cycling.
    pub submenu: Option<SubmenuFactory>,
}

impl std::fmt::Debug for SettingItem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SettingItem")
            .field("id", &self.id)
            .field("current_value", &self.current_value)
            .finish_non_exhaustive()
    }
}

impl SettingItem {
    /// A setting that cycles through `values`.
    pub fn cycle(id: &str, label: &str, current: &str, values: &[&str]) -> Self {
        Self {
            id: id.into(),
            label: label.into(),
            current_value: current.into(),
            description: None,
            values: values.iter().map(|v| (*v).to_owned()).collect(),
            submenu: None,
        }
    }

    /// Adds a description.
    pub fn with_description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }
}

/// Styles of a [`SettingsList`].
#[derive(Clone)]
pub struct SettingsListTheme {
    /// Label style; the flag says whether the row is selected.
    pub label: SelectableStyleFn,
    /// Value style; the flag says whether the row is selected.
    pub value: SelectableStyleFn,
    /// Description lines.
    pub description: StyleFn,
    /// The selection marker (two columns, like `"→ "`).
    pub cursor: String,
    /// Hint lines.
    pub hint: StyleFn,
}

impl std::fmt::Debug for SettingsListTheme {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SettingsListTheme").finish_non_exhaustive()
    }
}

impl Default for SettingsListTheme {
    fn default() -> Self {
        Self {
            label: Rc::new(|s, _| s.to_owned()),
            value: Rc::new(|s, _| s.to_owned()),
            description: plain(),
            cursor: "→ ".into(),
            hint: plain(),
        }
    }
}

type ChangeCallback = std::boxed::Box<dyn FnMut(&str, &str)>;

/// A list of settings.
pub struct SettingsList {
    items: Vec<SettingItem>,
    filtered: Vec<usize>,
    selected: usize,
    max_visible: usize,
    theme: SettingsListTheme,
    search: Option<Input>,
    submenu: Option<(usize, std::boxed::Box<dyn SettingsSubmenu>)>,
    keybindings: Rc<Keybindings>,
    on_change: Option<ChangeCallback>,
    on_cancel: Option<std::boxed::Box<dyn FnMut()>>,
}

impl std::fmt::Debug for SettingsList {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SettingsList")
            .field("items", &self.items)
            .field("selected", &self.selected)
            .finish_non_exhaustive()
    }
}

impl SettingsList {
    /// A list showing at most `max_visible` settings at a time.
    pub fn new(items: Vec<SettingItem>, max_visible: usize, theme: SettingsListTheme) -> Self {
        let filtered = (0..items.len()).collect();
        Self {
            items,
            filtered,
            selected: 0,
            max_visible: max_visible.max(1),
            theme,
            search: None,
            submenu: None,
            keybindings: Rc::new(Keybindings::default()),
            on_change: None,
            on_cancel: None,
        }
    }

    /// Adds a search field above the list.
    pub fn with_search(mut self) -> Self {
        self.search = Some(Input::new());
        self
    }

    /// Called with (id, new value) when a setting changes.
    pub fn on_change(&mut self, f: impl FnMut(&str, &str) + 'static) {
        self.on_change = Some(std::boxed::Box::new(f));
    }

    /// Called when the list is cancelled.
    pub fn on_cancel(&mut self, f: impl FnMut() + 'static) {
        self.on_cancel = Some(std::boxed::Box::new(f));
    }

    /// Sets a setting's shown value.
    pub fn update_value(&mut self, id: &str, value: &str) {
        if let Some(item) = self.items.iter_mut().find(|i| i.id == id) {
            item.current_value = value.to_owned();
        }
    }

    /// The settings and their values.
    pub fn items(&self) -> &[SettingItem] {
        &self.items
    }

    fn shown(&self, i: usize) -> Option<&SettingItem> {
        self.filtered.get(i).and_then(|&j| self.items.get(j))
    }

    fn changed(&mut self, index: usize, value: String) {
        let Some(item) = self.items.get_mut(index) else {
            return;
        };
        item.current_value = value.clone();
        let id = item.id.clone();
        if let Some(f) = self.on_change.as_mut() {
            f(&id, &value);
        }
    }

    fn activate(&mut self) {
        let Some(&index) = self.filtered.get(self.selected) else {
            return;
        };
        let Some(item) = self.items.get(index) else {
            return;
        };
        if let Some(factory) = &item.submenu {
            let menu = factory(&item.current_value);
            self.submenu = Some((index, menu));
        } else if !item.values.is_empty() {
            let at = item.values.iter().position(|v| *v == item.current_value);
            let next = at.map_or(0, |i| (i + 1) % item.values.len());
            if let Some(value) = item.values.get(next).cloned() {
                self.changed(index, value);
            }
        }
    }

    fn hint(&self, lines: &mut Vec<String>, width: usize) {
        lines.push(String::new());
        let text = if self.search.is_some() {
            "  Type to search · Enter/Space to change · Esc to cancel"
        } else {
            "  Enter/Space to change · Esc to cancel"
        };
        lines.push(truncate_to_width(
            &(self.theme.hint)(text),
            width,
            "...",
            false,
        ));
    }
}

impl Component for SettingsList {
    fn render(&mut self, width: usize) -> Vec<String> {
        if let Some((_, menu)) = &mut self.submenu {
            return menu.render(width);
        }
        let mut lines = Vec::new();
        if let Some(search) = &mut self.search {
            lines.extend(search.render(width));
            lines.push(String::new());
        }
        if self.items.is_empty() {
            lines.push((self.theme.hint)("  No settings available"));
            if self.search.is_some() {
                self.hint(&mut lines, width);
            }
            return lines;
        }
        if self.filtered.is_empty() {
            lines.push(truncate_to_width(
                &(self.theme.hint)("  No matching settings"),
                width,
                "...",
                false,
            ));
            self.hint(&mut lines, width);
            return lines;
        }
        let n = self.filtered.len();
        let start = self
            .selected
            .saturating_sub(self.max_visible / 2)
            .min(n.saturating_sub(self.max_visible));
        let end = (start + self.max_visible).min(n);
        let label_width = self
            .items
            .iter()
            .map(|i| visible_width(&i.label))
            .max()
            .unwrap_or(0)
            .min(36);
        for i in start..end {
            let Some(item) = self.shown(i) else { continue };
            let selected = i == self.selected;
            let prefix = if selected {
                self.theme.cursor.as_str()
            } else {
                "  "
            };
            let padded = format!(
                "{}{}",
                item.label,
                " ".repeat(label_width.saturating_sub(visible_width(&item.label)))
            );
            let used = visible_width(prefix) + label_width + 2;
            let value = truncate_to_width(
                &item.current_value,
                width.saturating_sub(used + 2),
                "",
                false,
            );
            let line = format!(
                "{prefix}{}  {}",
                (self.theme.label)(&padded, selected),
                (self.theme.value)(&value, selected)
            );
            lines.push(truncate_to_width(&line, width, "...", false));
        }
        if start > 0 || end < n {
            let info = format!("  ({}/{n})", self.selected + 1);
            lines.push((self.theme.hint)(&truncate_to_width(
                &info,
                width.saturating_sub(2),
                "",
                false,
            )));
        }
        if let Some(desc) = self
            .shown(self.selected)
            .and_then(|i| i.description.clone())
        {
            lines.push(String::new());
            for line in wrap_text_with_ansi(&desc, width.saturating_sub(4).max(1)) {
                lines.push((self.theme.description)(&format!("  {line}")));
            }
        }
        self.hint(&mut lines, width);
        lines
    }

    fn handle_input(&mut self, data: &str) {
        if let Some((index, menu)) = &mut self.submenu {
            menu.handle_input(data);
            let index = *index;
            if let Some(outcome) = menu.outcome() {
                self.submenu = None;
                if let SubmenuOutcome::Selected(value) = outcome {
                    self.changed(index, value);
                }
            }
            return;
        }
        let kb = Rc::clone(&self.keybindings);
        let n = self.filtered.len();
        let search_empty = self.search.as_ref().is_none_or(|s| s.value().is_empty());
        if kb.matches(data, action::SELECT_UP) {
            if n > 0 {
                self.selected = if self.selected == 0 {
                    n - 1
                } else {
                    self.selected - 1
                };
            }
        } else if kb.matches(data, action::SELECT_DOWN) {
            if n > 0 {
                self.selected = if self.selected + 1 >= n {
                    0
                } else {
                    self.selected + 1
                };
            }
        } else if kb.matches(data, action::SELECT_CONFIRM) || (data == " " && search_empty) {
            self.activate();
        } else if kb.matches(data, action::SELECT_CANCEL) {
            if let Some(f) = self.on_cancel.as_mut() {
                f();
            }
        } else if let Some(search) = &mut self.search {
            search.handle_input(data);
            let query = search.value().to_owned();
            let all: Vec<usize> = (0..self.items.len()).collect();
            let items = &self.items;
            self.filtered = fuzzy_filter(&all, &query, |&i| {
                items.get(i).map(|it| it.label.clone()).unwrap_or_default()
            });
            self.selected = 0;
        }
    }

    fn invalidate(&mut self) {
        if let Some((_, menu)) = &mut self.submenu {
            menu.invalidate();
        }
    }
}

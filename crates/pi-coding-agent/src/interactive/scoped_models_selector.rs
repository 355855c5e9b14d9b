//! [`ScopedModelsSelector`]: the list pi shows for `/scoped-models`, where the models the
//! model-cycling key steps through are picked. Enter toggles a model, the `app.models.*` keys
//! enable or clear all (or all matching the search), toggle a provider, move an enabled model
//! up or down and save; typing searches. Changes are reported as they happen and apply to the
//! running session; only the save key makes them the `enabledModels` setting.
//!
//! The selection is a list of `provider/id` patterns in cycling order, or `None` when every
//! model is enabled (pi keeps no explicit list then).

use std::rc::Rc;

use pi_ai::Model;
use pi_tui::components::{Input, Text};
use pi_tui::fuzzy::fuzzy_filter;
use pi_tui::input::keys::matches_key;
use pi_tui::{Component, action};

use super::keybindings::{Action, AppKeybindings};
use super::settings_selector::key_display;
use super::theme::{Theme, ThemeColor};

/// Rows of models shown at once.
const MAX_VISIBLE: usize = 8;

type EnabledCallback = Box<dyn FnMut(Option<&[String]>)>;

/// One row: a model pattern, the model it names (none when it is no longer available) and
/// whether it is enabled.
#[derive(Debug, Clone)]
struct Row {
    full_id: String,
    model: Option<usize>,
    enabled: bool,
}

/// The scoped models selector component. See the module documentation.
pub struct ScopedModelsSelector {
    theme: Theme,
    keys: Rc<AppKeybindings>,
    search: Input,
    models: Vec<Model>,
    /// `provider/id` of each of `models`, in the same order.
    all_ids: Vec<String>,
    /// `None`: every model is enabled.
    enabled: Option<Vec<String>>,
    rows: Vec<Row>,
    selected: usize,
    dirty: bool,
    refresh_status: Option<(String, ThemeColor)>,
    on_change: Option<EnabledCallback>,
    on_persist: Option<EnabledCallback>,
    on_cancel: Option<Box<dyn FnMut()>>,
}

impl std::fmt::Debug for ScopedModelsSelector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ScopedModelsSelector")
            .field("enabled", &self.enabled)
            .field("selected", &self.selected)
            .field("dirty", &self.dirty)
            .finish_non_exhaustive()
    }
}

fn full_id(model: &Model) -> String {
    format!("{}/{}", model.provider, model.id)
}

/// An explicit list naming every available model means "all": it collapses to `None`.
fn normalize(list: Vec<String>, all: &[String]) -> Option<Vec<String>> {
    let covers_all = list.len() == all.len() && list.iter().all(|id| all.contains(id));
    (!covers_all).then_some(list)
}

fn is_enabled(enabled: Option<&[String]>, id: &str) -> bool {
    enabled.is_none_or(|list| list.iter().any(|e| e == id))
}

fn toggle(enabled: Option<Vec<String>>, all: &[String], id: &str) -> Option<Vec<String>> {
    let Some(mut list) = enabled else {
        return Some(all.iter().filter(|e| *e != id).cloned().collect());
    };
    if let Some(at) = list.iter().position(|e| e == id) {
        list.remove(at);
        return Some(list);
    }
    list.push(id.to_owned());
    normalize(list, all)
}

fn enable_all(
    enabled: Option<Vec<String>>,
    all: &[String],
    targets: Option<&[String]>,
) -> Option<Vec<String>> {
    let mut list = enabled?;
    for id in targets.unwrap_or(all) {
        if !list.contains(id) {
            list.push(id.clone());
        }
    }
    normalize(list, all)
}

fn clear_all(
    enabled: Option<Vec<String>>,
    all: &[String],
    targets: Option<&[String]>,
) -> Option<Vec<String>> {
    match (enabled, targets) {
        (None, Some(targets)) => Some(
            all.iter()
                .filter(|id| !targets.contains(id))
                .cloned()
                .collect(),
        ),
        (None, None) | (Some(_), None) => Some(Vec::new()),
        (Some(list), Some(targets)) => Some(
            list.into_iter()
                .filter(|id| !targets.contains(id))
                .collect(),
        ),
    }
}

impl ScopedModelsSelector {
    /// A selector over the available `models` (in the order listed), with `enabled` the
    /// configured patterns in cycling order (`None` when every model is enabled).
    pub fn new(
        models: Vec<Model>,
        enabled: Option<Vec<String>>,
        theme: Theme,
        keys: Rc<AppKeybindings>,
    ) -> Self {
        let all_ids = models.iter().map(full_id).collect();
        let search = Input::new().with_keybindings(Rc::new(keys.tui().clone()));
        let mut selector = ScopedModelsSelector {
            theme,
            keys,
            search,
            models,
            all_ids,
            enabled,
            rows: Vec::new(),
            selected: 0,
            dirty: false,
            refresh_status: None,
            on_change: None,
            on_persist: None,
            on_cancel: None,
        };
        selector.refresh();
        selector
    }

    /// Called with the new selection after every change (session-only).
    pub fn on_change(&mut self, f: impl FnMut(Option<&[String]>) + 'static) {
        self.on_change = Some(Box::new(f));
    }

    /// Called with the selection when the save key (`app.models.save`) is pressed, to be
    /// written as the `enabledModels` setting.
    pub fn on_persist(&mut self, f: impl FnMut(Option<&[String]>) + 'static) {
        self.on_persist = Some(Box::new(f));
    }

    /// Called when the selector is dismissed (Escape, or Ctrl+C with an empty search).
    pub fn on_cancel(&mut self, f: impl FnMut() + 'static) {
        self.on_cancel = Some(Box::new(f));
    }

    /// Shows a line about refreshing the model catalogs (`Refreshing models…`), coloured
    /// with `color`.
    pub fn set_refresh_status(&mut self, message: impl Into<String>, color: ThemeColor) {
        self.refresh_status = Some((message.into(), color));
    }

    /// The current selection: `provider/id` patterns in cycling order, `None` for all.
    pub fn enabled(&self) -> Option<&[String]> {
        self.enabled.as_deref()
    }

    /// Whether there are changes not yet saved.
    pub fn is_dirty(&self) -> bool {
        self.dirty
    }

    /// The `provider/id` of each row shown, in order.
    pub fn shown(&self) -> Vec<&str> {
        self.rows.iter().map(|r| r.full_id.as_str()).collect()
    }

    /// Enabled models first, in cycling order, then the rest in catalog order.
    fn all_rows(&self) -> Vec<Row> {
        let model_of = |id: &str| self.all_ids.iter().position(|a| a == id);
        let ids: Vec<&String> = match &self.enabled {
            None => self.all_ids.iter().collect(),
            Some(list) => list
                .iter()
                .chain(self.all_ids.iter().filter(|id| !list.contains(id)))
                .collect(),
        };
        ids.into_iter()
            .map(|id| Row {
                full_id: id.clone(),
                model: model_of(id),
                enabled: is_enabled(self.enabled.as_deref(), id),
            })
            .collect()
    }

    fn refresh(&mut self) {
        let rows = self.all_rows();
        let query = self.search.value();
        self.rows = if query.is_empty() {
            rows
        } else {
            let models = &self.models;
            fuzzy_filter(&rows, query, |row| {
                match row.model.and_then(|i| models.get(i)) {
                    Some(m) => search_text(m),
                    None => row.full_id.clone(),
                }
            })
        };
        self.selected = self.selected.min(self.rows.len().saturating_sub(1));
    }

    fn changed(&mut self) {
        self.dirty = true;
        self.refresh();
        if let Some(f) = self.on_change.as_mut() {
            f(self.enabled.as_deref());
        }
    }

    /// The rows a bulk action applies to: those matching the search, or all without one.
    fn targets(&self) -> Option<Vec<String>> {
        (!self.search.value().is_empty())
            .then(|| self.rows.iter().map(|r| r.full_id.clone()).collect())
    }

    fn reorder(&mut self, delta: isize) {
        let Some(list) = self.enabled.as_mut() else {
            return;
        };
        let Some(row) = self.rows.get(self.selected) else {
            return;
        };
        let Some(at) = list.iter().position(|id| *id == row.full_id) else {
            return;
        };
        let Some(to) = at.checked_add_signed(delta).filter(|&to| to < list.len()) else {
            return;
        };
        list.swap(at, to);
        self.selected = self.selected.saturating_add_signed(delta);
        self.changed();
    }

    fn toggle_provider(&mut self) {
        let Some(model) = self
            .rows
            .get(self.selected)
            .and_then(|r| r.model)
            .and_then(|i| self.models.get(i))
        else {
            return;
        };
        let provider = model.provider.clone();
        let ids: Vec<String> = self
            .models
            .iter()
            .zip(&self.all_ids)
            .filter(|(m, _)| m.provider == provider)
            .map(|(_, id)| id.clone())
            .collect();
        let all_on = ids.iter().all(|id| is_enabled(self.enabled.as_deref(), id));
        let enabled = self.enabled.take();
        self.enabled = if all_on {
            clear_all(enabled, &self.all_ids, Some(&ids))
        } else {
            enable_all(enabled, &self.all_ids, Some(&ids))
        };
        self.changed();
    }

    fn footer(&self) -> String {
        let t = &self.theme;
        let available = |id: &&String| self.all_ids.contains(id);
        let count = match &self.enabled {
            None => "all enabled".to_owned(),
            Some(list) => {
                let on = list.iter().filter(available).count();
                let gone = list.len() - on;
                let mut text = format!("{on}/{} enabled", self.all_ids.len());
                if gone > 0 {
                    text.push_str(&format!(" · {gone} unavailable"));
                }
                text
            }
        };
        let parts = [
            format!(
                "{} toggle",
                key_display(self.keys.tui().keys(action::SELECT_CONFIRM))
            ),
            format!(
                "{} all",
                key_display(self.keys.keys(Action::ModelsEnableAll))
            ),
            format!(
                "{} clear",
                key_display(self.keys.keys(Action::ModelsClearAll))
            ),
            format!(
                "{} provider",
                key_display(self.keys.keys(Action::ModelsToggleProvider))
            ),
            format!(
                "{}/{} reorder",
                key_display(self.keys.keys(Action::ModelsReorderUp)),
                key_display(self.keys.keys(Action::ModelsReorderDown))
            ),
            format!("{} save", key_display(self.keys.keys(Action::ModelsSave))),
            count,
        ];
        let text = format!("  {}", parts.join(" · "));
        if self.dirty {
            format!(
                "{}{}",
                t.fg(ThemeColor::Dim, &format!("{text} ")),
                t.fg(ThemeColor::Warning, "(unsaved)")
            )
        } else {
            t.fg(ThemeColor::Dim, &text)
        }
    }

    fn list_lines(&self, width: usize) -> Vec<String> {
        let t = &self.theme;
        let mut lines = Vec::new();
        if self.rows.is_empty() {
            lines.extend(text(t.fg(ThemeColor::Muted, "  No matching models"), width));
            return lines;
        }
        let len = self.rows.len();
        let start = self
            .selected
            .saturating_sub(MAX_VISIBLE / 2)
            .min(len.saturating_sub(MAX_VISIBLE));
        let end = (start + MAX_VISIBLE).min(len);
        for (i, row) in self.rows.iter().enumerate().take(end).skip(start) {
            let model = row.model.and_then(|m| self.models.get(m));
            let is_selected = i == self.selected;
            let prefix = if is_selected {
                t.fg(ThemeColor::Accent, "→ ")
            } else {
                "  ".to_owned()
            };
            let id = match model {
                Some(m) => m.id.clone(),
                None => t.strikethrough(&row.full_id),
            };
            let id = if is_selected {
                t.fg(ThemeColor::Accent, &id)
            } else {
                id
            };
            let badge = match model {
                Some(m) => format!(" [{}]", m.provider),
                None => " [unavailable]".to_owned(),
            };
            let status = if model.is_some() && row.enabled {
                t.fg(ThemeColor::Accent, "✓ ")
            } else {
                "  ".to_owned()
            };
            let badge = t.fg(ThemeColor::Muted, &badge);
            lines.extend(text(format!("{prefix}{status}{id}{badge}"), width));
        }
        if start > 0 || end < len {
            let position = format!("  ({}/{len})", self.selected + 1);
            lines.extend(text(t.fg(ThemeColor::Muted, &position), width));
        }
        if let Some(row) = self.rows.get(self.selected) {
            lines.push(String::new());
            let about = match row.model.and_then(|m| self.models.get(m)) {
                Some(m) => format!("  Model Name: {}", m.name),
                None => "  Model unavailable".to_owned(),
            };
            lines.extend(text(t.fg(ThemeColor::Muted, &about), width));
        }
        lines
    }
}

/// What a model is searched by: its id leads, then the provider forms `/model` uses.
fn search_text(model: &Model) -> String {
    let (provider, id) = (&model.provider, &model.id);
    let mut text = format!("{id} {provider} {provider}/{id} {provider} {id}");
    if !model.name.is_empty() {
        text.push(' ');
        text.push_str(&model.name);
    }
    text
}

fn text(line: String, width: usize) -> Vec<String> {
    Text::new(line).render(width)
}

impl Component for ScopedModelsSelector {
    fn render(&mut self, width: usize) -> Vec<String> {
        let t = &self.theme;
        let border = t.fg(ThemeColor::Border, &"─".repeat(width.max(1)));
        let mut lines = vec![border.clone(), String::new()];
        let title = t.fg(ThemeColor::Accent, &t.bold("Model Configuration"));
        lines.extend(text(title, width));
        let save = key_display(self.keys.keys(Action::ModelsSave));
        let note = format!("Session-only. {save} to save to settings.");
        lines.extend(text(t.fg(ThemeColor::Muted, &note), width));
        lines.push(String::new());
        lines.extend(self.search.render(width));
        lines.push(String::new());
        lines.extend(self.list_lines(width));
        lines.push(String::new());
        if let Some((status, color)) = &self.refresh_status {
            lines.extend(text(t.fg(*color, &format!("  {status}")), width));
        }
        lines.extend(text(self.footer(), width));
        lines.push(border);
        lines
    }

    fn handle_input(&mut self, data: &str) {
        let tui = self.keys.tui();
        let len = self.rows.len();
        if tui.matches(data, action::SELECT_UP) {
            if len > 0 {
                self.selected = self.selected.checked_sub(1).unwrap_or(len - 1);
            }
        } else if tui.matches(data, action::SELECT_DOWN) {
            if len > 0 {
                self.selected = if self.selected + 1 >= len {
                    0
                } else {
                    self.selected + 1
                };
            }
        } else if self.keys.matches(data, Action::ModelsReorderUp) {
            self.reorder(-1);
        } else if self.keys.matches(data, Action::ModelsReorderDown) {
            self.reorder(1);
        } else if tui.matches(data, action::SELECT_CONFIRM) {
            if let Some(id) = self.rows.get(self.selected).map(|r| r.full_id.clone()) {
                self.enabled = toggle(self.enabled.take(), &self.all_ids, &id);
                self.changed();
            }
        } else if self.keys.matches(data, Action::ModelsEnableAll) {
            let targets = self.targets();
            self.enabled = enable_all(self.enabled.take(), &self.all_ids, targets.as_deref());
            self.changed();
        } else if self.keys.matches(data, Action::ModelsClearAll) {
            let targets = self.targets();
            self.enabled = clear_all(self.enabled.take(), &self.all_ids, targets.as_deref());
            self.changed();
        } else if self.keys.matches(data, Action::ModelsToggleProvider) {
            self.toggle_provider();
        } else if self.keys.matches(data, Action::ModelsSave) {
            if let Some(f) = self.on_persist.as_mut() {
                f(self.enabled.as_deref());
            }
            self.dirty = false;
        } else if matches_key(data, "ctrl+c") {
            if self.search.value().is_empty() {
                if let Some(f) = self.on_cancel.as_mut() {
                    f();
                }
            } else {
                self.search.set_value("");
                self.refresh();
            }
        } else if matches_key(data, "escape") {
            if let Some(f) = self.on_cancel.as_mut() {
                f();
            }
        } else {
            self.search.handle_input(data);
            self.refresh();
        }
    }

    fn set_focused(&mut self, focused: bool) {
        self.search.set_focused(focused);
    }
}

//! [`ModelSelector`]: the list pi shows for `/model` and its model key. Models appear as
//! `id [provider]`, the current one first and ticked, the default one next; typing filters
//! them fuzzily, the arrow and page keys move the selection, Enter picks a model and Escape
//! cancels. With scoped models (`--models`, `enabledModels`) Tab switches between those and
//! every available model.

use std::cmp::Ordering;
use std::rc::Rc;

use pi_ai::Model;
use pi_tui::components::{Input, Text};
use pi_tui::fuzzy::fuzzy_filter;
use pi_tui::{Component, action};

use super::chat::capitalize_keys;
use super::keybindings::{Action, AppKeybindings};
use super::theme::{Theme, ThemeColor};

/// Rows of models shown at once; the list scrolls to keep the selection in the middle.
const MAX_VISIBLE: usize = 10;

/// Which models the selector lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ModelScope {
    /// Every model of a configured provider.
    All,
    /// Only the scoped models.
    Scoped,
}

/// What the selector starts from besides the list of available models.
#[derive(Debug, Clone, Default)]
pub struct ModelSelectorOptions {
    /// The model in use, ticked and listed first.
    pub current: Option<Model>,
    /// The saved default model, listed after the current one and marked `· default`.
    pub default: Option<Model>,
    /// The scoped models, in their configured order; when there are any the selector
    /// starts on them and Tab switches scope.
    pub scoped: Vec<Model>,
    /// Text already typed into the search field (`/model gpt`).
    pub initial_search: String,
}

type ModelCallback = Box<dyn FnMut(&Model)>;

/// The model selector component. See the module documentation.
pub struct ModelSelector {
    theme: Theme,
    keys: Rc<AppKeybindings>,
    search: Input,
    all: Vec<Model>,
    scoped: Vec<Model>,
    scope: ModelScope,
    /// Indexes into the active list (`all` or `scoped`), in the order shown.
    filtered: Vec<usize>,
    selected: usize,
    current: Option<Model>,
    default: Option<Model>,
    error: Option<String>,
    on_select: Option<ModelCallback>,
    on_select_as_default: Option<ModelCallback>,
    on_cancel: Option<Box<dyn FnMut()>>,
}

impl std::fmt::Debug for ModelSelector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ModelSelector")
            .field("search", &self.search.value())
            .field("scope", &self.scope)
            .field("shown", &self.filtered.len())
            .field("selected", &self.selected)
            .finish_non_exhaustive()
    }
}

fn same_model(a: &Model, b: &Model) -> bool {
    a.provider == b.provider && a.id == b.id
}

/// The text a model is searched by. The provider leads so that `openai/gpt-5` ranks the
/// OpenAI model above a proxy's `openrouter/openai/gpt-5`, as pi ranks them.
pub fn model_search_text(model: &Model) -> String {
    let (provider, id) = (&model.provider, &model.id);
    let mut text = format!("{provider} {provider}/{id} {provider} {id}");
    if !model.name.is_empty() {
        text.push(' ');
        text.push_str(&model.name);
    }
    text
}

impl ModelSelector {
    /// A selector over the available `models`, styled with `theme` and driven by `keys`.
    pub fn new(
        models: Vec<Model>,
        options: ModelSelectorOptions,
        theme: Theme,
        keys: Rc<AppKeybindings>,
    ) -> Self {
        let search = Input::new().with_keybindings(Rc::new(keys.tui().clone()));
        let scope = if options.scoped.is_empty() {
            ModelScope::All
        } else {
            ModelScope::Scoped
        };
        let mut selector = ModelSelector {
            theme,
            keys,
            search,
            all: models,
            scoped: options.scoped,
            scope,
            filtered: Vec::new(),
            selected: 0,
            current: options.current,
            default: options.default,
            error: None,
            on_select: None,
            on_select_as_default: None,
            on_cancel: None,
        };
        selector.sort_all();
        selector.filtered = (0..selector.active().len()).collect();
        selector.selected = selector.current_index().unwrap_or(0);
        if !options.initial_search.is_empty() {
            selector.search.set_value(options.initial_search);
            selector.filter();
        }
        selector
    }

    /// Called with the model chosen with Enter.
    pub fn on_select(&mut self, f: impl FnMut(&Model) + 'static) {
        self.on_select = Some(Box::new(f));
    }

    /// Called with the model chosen with the save key (`app.models.save`) to make it the
    /// default; setting it also shows the key hints under the list.
    pub fn on_select_as_default(&mut self, f: impl FnMut(&Model) + 'static) {
        self.on_select_as_default = Some(Box::new(f));
    }

    /// Called when the selector is dismissed without a choice.
    pub fn on_cancel(&mut self, f: impl FnMut() + 'static) {
        self.on_cancel = Some(Box::new(f));
    }

    /// Shows an error (for example a models.json problem) in place of the model's name.
    pub fn set_error(&mut self, error: Option<String>) {
        self.error = error;
    }

    /// The scope being listed.
    pub fn scope(&self) -> ModelScope {
        self.scope
    }

    /// The search text typed so far.
    pub fn search(&self) -> &str {
        self.search.value()
    }

    /// The models listed, in order, after filtering.
    pub fn shown(&self) -> Vec<&Model> {
        let active = self.active();
        self.filtered
            .iter()
            .filter_map(|&i| active.get(i))
            .collect()
    }

    /// The highlighted model, if any is listed.
    pub fn selected(&self) -> Option<&Model> {
        let index = *self.filtered.get(self.selected)?;
        self.active().get(index)
    }

    fn active(&self) -> &[Model] {
        match self.scope {
            ModelScope::All => &self.all,
            ModelScope::Scoped => &self.scoped,
        }
    }

    fn is_current(&self, model: &Model) -> bool {
        self.current.as_ref().is_some_and(|c| same_model(c, model))
    }

    fn is_default(&self, model: &Model) -> bool {
        self.default.as_ref().is_some_and(|d| same_model(d, model))
    }

    fn current_index(&self) -> Option<usize> {
        let active = self.active();
        self.filtered
            .iter()
            .position(|&i| active.get(i).is_some_and(|m| self.is_current(m)))
    }

    /// Current model first, default second, then by provider; the sort is stable, so
    /// models of one provider keep their catalog order.
    fn sort_all(&mut self) {
        let mut all = std::mem::take(&mut self.all);
        all.sort_by(|a, b| {
            let rank = |m: &Model| {
                if self.is_current(m) {
                    0
                } else if self.is_default(m) {
                    1
                } else {
                    2
                }
            };
            rank(a)
                .cmp(&rank(b))
                .then_with(|| compare_providers(&a.provider, &b.provider))
        });
        self.all = all;
    }

    fn set_scope(&mut self, scope: ModelScope) {
        if self.scope == scope {
            return;
        }
        self.scope = scope;
        self.filtered = (0..self.active().len()).collect();
        self.selected = self.current_index().unwrap_or(0);
        self.filter();
    }

    /// Re-filters the active list by the search text. A query puts the best match on top;
    /// clearing it keeps the selection where it was, within the list.
    fn filter(&mut self) {
        let query = self.search.value().to_owned();
        let active = self.active();
        if query.is_empty() {
            self.filtered = (0..active.len()).collect();
            self.selected = self.selected.min(self.filtered.len().saturating_sub(1));
            return;
        }
        let indexes: Vec<usize> = (0..active.len()).collect();
        let mut filtered = fuzzy_filter(&indexes, &query, |&i| {
            let mut text = active.get(i).map(model_search_text).unwrap_or_default();
            if active.get(i).is_some_and(|m| self.is_default(m)) {
                text.push_str(" default");
            }
            text
        });
        // Typing a prefix of "default" brings the default model to the top.
        let normalized = query.trim().to_lowercase();
        if !normalized.is_empty() && "default".starts_with(&normalized) {
            let defaults: Vec<usize> = indexes
                .iter()
                .copied()
                .filter(|&i| active.get(i).is_some_and(|m| self.is_default(m)))
                .collect();
            filtered.retain(|i| !defaults.contains(i));
            filtered.splice(0..0, defaults);
        }
        self.filtered = filtered;
        self.selected = 0;
    }

    fn move_by(&mut self, delta: isize, wrap: bool) {
        let len = self.filtered.len();
        if len == 0 {
            return;
        }
        let last = len - 1;
        self.selected = if wrap {
            // One step past either end wraps around, as in pi.
            match (delta < 0, self.selected) {
                (true, 0) => last,
                (true, i) => i - 1,
                (false, i) if i == last => 0,
                (false, i) => i + 1,
            }
        } else {
            self.selected.saturating_add_signed(delta).min(last)
        };
    }

    fn choose(&mut self, as_default: bool) {
        let Some(model) = self.selected().cloned() else {
            return;
        };
        let callback = if as_default {
            self.on_select_as_default.as_mut()
        } else {
            self.on_select.as_mut()
        };
        if let Some(f) = callback {
            f(&model);
        }
    }

    fn key_display(&self, tui_action: Option<&str>, app_action: Option<Action>) -> String {
        let keys = match (tui_action, app_action) {
            (Some(a), _) => self.keys.tui().keys(a),
            (None, Some(a)) => self.keys.keys(a),
            (None, None) => &[],
        };
        capitalize_keys(&keys.join("/"))
    }

    fn list_lines(&self, width: usize) -> Vec<String> {
        let t = &self.theme;
        let mut rows: Vec<String> = Vec::new();
        let len = self.filtered.len();
        let start = self
            .selected
            .saturating_sub(MAX_VISIBLE / 2)
            .min(len.saturating_sub(MAX_VISIBLE));
        let end = (start + MAX_VISIBLE).min(len);
        let active = self.active();
        for i in start..end {
            let Some(model) = self.filtered.get(i).and_then(|&m| active.get(m)) else {
                continue;
            };
            let is_selected = i == self.selected;
            let cursor = if is_selected {
                t.fg(ThemeColor::Accent, "→ ")
            } else {
                "  ".to_owned()
            };
            let current = if self.is_current(model) {
                t.fg(ThemeColor::Accent, "✓ ")
            } else {
                "  ".to_owned()
            };
            let id = if is_selected {
                t.fg(ThemeColor::Accent, &model.id)
            } else {
                model.id.clone()
            };
            let provider = t.fg(ThemeColor::Muted, &format!("[{}]", model.provider));
            let badge = if self.is_default(model) {
                t.fg(ThemeColor::Muted, " · default")
            } else {
                String::new()
            };
            rows.push(format!("{cursor}{current}{id} {provider}{badge}"));
        }
        if start > 0 || end < len {
            let position = format!("  ({}/{})", self.selected + 1, len);
            rows.push(t.fg(ThemeColor::Muted, &position));
        }
        let mut lines: Vec<String> = rows.into_iter().flat_map(|r| text(r, width)).collect();
        if let Some(error) = &self.error {
            for line in error.split('\n') {
                lines.extend(text(t.fg(ThemeColor::Error, line), width));
            }
        } else if let Some(model) = self.selected() {
            lines.push(String::new());
            let name = format!("  Model Name: {}", model.name);
            lines.extend(text(t.fg(ThemeColor::Muted, &name), width));
        } else {
            lines.extend(text(t.fg(ThemeColor::Muted, "  No matching models"), width));
        }
        lines
    }
}

/// Orders provider names the way a locale-aware comparison does for ASCII names: case
/// is ignored first and only breaks ties.
fn compare_providers(a: &str, b: &str) -> Ordering {
    let folded = a
        .chars()
        .map(|c| c.to_ascii_lowercase())
        .cmp(b.chars().map(|c| c.to_ascii_lowercase()));
    folded.then_with(|| b.cmp(a))
}

fn text(line: String, width: usize) -> Vec<String> {
    Text::new(line).render(width)
}

impl Component for ModelSelector {
    fn render(&mut self, width: usize) -> Vec<String> {
        let t = &self.theme;
        let border = t.fg(ThemeColor::Border, &"─".repeat(width.max(1)));
        let mut lines = vec![border.clone(), String::new()];
        if self.scoped.is_empty() {
            let hint =
                "Only showing models from configured providers. Use /login to add providers.";
            lines.extend(text(t.fg(ThemeColor::Warning, hint), width));
        } else {
            let label = |scope: ModelScope, name: &str| {
                let color = if self.scope == scope {
                    ThemeColor::Accent
                } else {
                    ThemeColor::Muted
                };
                t.fg(color, name)
            };
            let scope_line = format!(
                "{}{}{}{}",
                t.fg(ThemeColor::Muted, "Scope: "),
                label(ModelScope::All, "all"),
                t.fg(ThemeColor::Muted, " | "),
                label(ModelScope::Scoped, "scoped"),
            );
            lines.extend(text(scope_line, width));
            let tab = self.keys.tui().keys(action::INPUT_TAB).join("/");
            let hint = format!(
                "{}{}",
                t.fg(ThemeColor::Dim, &tab),
                t.fg(ThemeColor::Muted, " scope (all/scoped)")
            );
            lines.extend(text(hint, width));
        }
        lines.push(String::new());
        lines.extend(self.search.render(width));
        lines.push(String::new());
        lines.extend(self.list_lines(width));
        lines.push(String::new());
        if self.on_select_as_default.is_some() {
            let hint = format!(
                "  {} to select · {} to set as default · {} to cancel",
                self.key_display(Some(action::SELECT_CONFIRM), None),
                self.key_display(None, Some(Action::ModelsSave)),
                self.key_display(Some(action::SELECT_CANCEL), None),
            );
            lines.extend(text(self.theme.fg(ThemeColor::Dim, &hint), width));
        }
        lines.push(border);
        lines
    }

    fn handle_input(&mut self, data: &str) {
        let tui = self.keys.tui();
        if tui.matches(data, action::INPUT_TAB) {
            if !self.scoped.is_empty() {
                let next = match self.scope {
                    ModelScope::All => ModelScope::Scoped,
                    ModelScope::Scoped => ModelScope::All,
                };
                self.set_scope(next);
            }
        } else if tui.matches(data, action::SELECT_UP) {
            self.move_by(-1, true);
        } else if tui.matches(data, action::SELECT_DOWN) {
            self.move_by(1, true);
        } else if tui.matches(data, action::SELECT_PAGE_UP) {
            self.move_by(-(MAX_VISIBLE as isize), false);
        } else if tui.matches(data, action::SELECT_PAGE_DOWN) {
            self.move_by(MAX_VISIBLE as isize, false);
        } else if tui.matches(data, action::SELECT_CONFIRM) {
            self.choose(false);
        } else if tui.matches(data, action::SELECT_CANCEL) {
            if let Some(f) = self.on_cancel.as_mut() {
                f();
            }
        } else if self.on_select_as_default.is_some() && self.keys.matches(data, Action::ModelsSave)
        {
            self.choose(true);
        } else {
            self.search.handle_input(data);
            self.filter();
        }
    }

    fn set_focused(&mut self, focused: bool) {
        self.search.set_focused(focused);
    }
}

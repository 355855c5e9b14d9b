//! [`ThinkingSelector`]: the list pi shows for `/thinking`. The levels the model supports
//! are listed with what each costs, the current one ticked and the default marked; typing
//! filters them, Enter picks one, the save key (`app.thinking.save`) makes the selected one
//! the default and Escape cancels.

use std::rc::Rc;

use pi_ai::ThinkingLevel;
use pi_tui::components::{Input, SelectItem, Text};
use pi_tui::fuzzy::fuzzy_filter;
use pi_tui::{Component, Keybindings, action};

use super::keybindings::{Action, AppKeybindings};
use super::settings_selector::{ListEvent, ObservedList, key_display};
use super::theme::{Theme, ThemeColor};

/// What a thinking level means, as the selectors describe it.
pub fn level_description(level: ThinkingLevel) -> &'static str {
    match level {
        ThinkingLevel::Off => "No reasoning",
        ThinkingLevel::Minimal => "Very brief reasoning (~1k tokens)",
        ThinkingLevel::Low => "Light reasoning (~2k tokens)",
        ThinkingLevel::Medium => "Moderate reasoning (~8k tokens)",
        ThinkingLevel::High => "Deep reasoning (~16k tokens)",
        ThinkingLevel::Xhigh => "Extra-high reasoning (~32k tokens)",
        ThinkingLevel::Max => "Maximum reasoning",
    }
}

type LevelCallback = Box<dyn FnMut(ThinkingLevel)>;

/// The thinking level selector component. See the module documentation.
pub struct ThinkingSelector {
    theme: Theme,
    keys: Rc<AppKeybindings>,
    tui_keys: Rc<Keybindings>,
    levels: Vec<ThinkingLevel>,
    items: Vec<SelectItem>,
    search: Input,
    list: ObservedList,
    on_select: Option<LevelCallback>,
    on_select_as_default: Option<LevelCallback>,
    on_cancel: Option<Box<dyn FnMut()>>,
}

impl std::fmt::Debug for ThinkingSelector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ThinkingSelector")
            .field("levels", &self.levels)
            .field("selected", &self.list.selected_value())
            .finish_non_exhaustive()
    }
}

impl ThinkingSelector {
    /// A selector over `levels` with `current` ticked and selected and `default` marked.
    pub fn new(
        current: ThinkingLevel,
        levels: Vec<ThinkingLevel>,
        default: Option<ThinkingLevel>,
        theme: Theme,
        keys: Rc<AppKeybindings>,
    ) -> Self {
        let items: Vec<SelectItem> = levels
            .iter()
            .map(|&level| {
                let mark = if level == current { "✓ " } else { "  " };
                let about = level_description(level);
                let description = if Some(level) == default {
                    format!("{about} · default")
                } else {
                    about.to_owned()
                };
                SelectItem::new(level.as_str())
                    .with_label(format!("{mark}{level}"))
                    .with_description(description)
            })
            .collect();
        let tui_keys = Rc::new(keys.tui().clone());
        let list = ObservedList::new(
            items.clone(),
            items.len().max(1),
            Some(current.as_str()),
            &theme,
            &tui_keys,
        );
        Self {
            search: Input::new().with_keybindings(Rc::clone(&tui_keys)),
            theme,
            keys,
            tui_keys,
            levels,
            items,
            list,
            on_select: None,
            on_select_as_default: None,
            on_cancel: None,
        }
    }

    /// Called with the level chosen with Enter.
    pub fn on_select(&mut self, f: impl FnMut(ThinkingLevel) + 'static) {
        self.on_select = Some(Box::new(f));
    }

    /// Called with the level chosen with the save key, to be made the default.
    pub fn on_select_as_default(&mut self, f: impl FnMut(ThinkingLevel) + 'static) {
        self.on_select_as_default = Some(Box::new(f));
    }

    /// Called when the selector is dismissed without a choice.
    pub fn on_cancel(&mut self, f: impl FnMut() + 'static) {
        self.on_cancel = Some(Box::new(f));
    }

    /// The highlighted level, if any is listed.
    pub fn selected(&self) -> Option<ThinkingLevel> {
        let value = self.list.selected_value()?;
        self.levels.iter().copied().find(|l| l.as_str() == value)
    }

    fn filter(&mut self) {
        let query = self.search.value();
        let items = if query.is_empty() {
            self.items.clone()
        } else {
            fuzzy_filter(&self.items, query, |item| {
                format!(
                    "{} {}",
                    item.value,
                    item.description.as_deref().unwrap_or("")
                )
            })
        };
        let keep = self.list.selected_value().map(str::to_owned);
        self.list = ObservedList::new(
            items.clone(),
            items.len().max(1),
            keep.as_deref(),
            &self.theme,
            &self.tui_keys,
        );
    }
}

impl Component for ThinkingSelector {
    fn render(&mut self, width: usize) -> Vec<String> {
        let t = &self.theme;
        let text = |line: String| Text::new(line).render(width);
        let border = t.fg(ThemeColor::Border, &"─".repeat(width.max(1)));
        let mut lines = vec![border.clone(), String::new()];
        lines.extend(text("Thinking Level".to_owned()));
        lines.push(String::new());
        let cycle = key_display(self.keys.keys(Action::ThinkingCycle));
        lines.extend(text(format!("{cycle} cycles thinking levels in-session")));
        lines.push(String::new());
        lines.extend(self.search.render(width));
        lines.push(String::new());
        lines.extend(self.list.render(width));
        lines.push(String::new());
        let hint = format!(
            "  {} to select · {} to set as default · {} to cancel",
            key_display(self.tui_keys.keys(action::SELECT_CONFIRM)),
            key_display(self.keys.keys(Action::ThinkingSave)),
            key_display(self.tui_keys.keys(action::SELECT_CANCEL)),
        );
        lines.extend(text(t.fg(ThemeColor::Dim, &hint)));
        lines.push(border);
        lines
    }

    fn handle_input(&mut self, data: &str) {
        if self.on_select_as_default.is_some() && self.keys.matches(data, Action::ThinkingSave) {
            if let (Some(level), Some(f)) = (self.selected(), self.on_select_as_default.as_mut()) {
                f(level);
            }
            return;
        }
        let is_nav = [
            action::SELECT_UP,
            action::SELECT_DOWN,
            action::SELECT_CONFIRM,
            action::SELECT_CANCEL,
        ]
        .iter()
        .any(|a| self.tui_keys.matches(data, a));
        if !is_nav {
            self.search.handle_input(data);
            self.filter();
            return;
        }
        let chosen = self.selected();
        match self.list.handle(data).0 {
            Some(ListEvent::Selected(_)) => {
                if let (Some(level), Some(f)) = (chosen, self.on_select.as_mut()) {
                    f(level);
                }
            }
            Some(ListEvent::Cancelled) => {
                if let Some(f) = self.on_cancel.as_mut() {
                    f();
                }
            }
            None => {}
        }
    }

    fn set_focused(&mut self, focused: bool) {
        self.search.set_focused(focused);
    }
}

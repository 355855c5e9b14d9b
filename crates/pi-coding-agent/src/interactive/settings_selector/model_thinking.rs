//! The "Default thinking level per model" submenu of `/settings`, in two steps: pick a
//! model (searchable), then its level or "(clear override)". Each choice is reported at
//! once and the submenu starts over at the model list until Escape leaves it, handing the
//! row its new summary.

use std::cell::RefCell;
use std::cmp::Ordering;
use std::rc::Rc;

use pi_ai::{Model, ThinkingLevel};
use pi_tui::components::{SelectItem, SettingsSubmenu, SubmenuFactory, SubmenuOutcome};
use pi_tui::{Component, Keybindings};

use super::submenu::{ListEvent, SelectSubmenu, SubmenuOptions};
use crate::config::model_resolver::LocaleOrder;
use crate::interactive::theme::{Theme, ThemeColor};
use crate::interactive::thinking_selector::level_description;

/// The level list's value for removing a model's override (never a level's name).
const CLEAR_OVERRIDE: &str = "__clear__";

/// The model list's value when there are no models to choose from.
const NO_MODELS: &str = "__none__";

/// Model names get a wider first column than other submenus' values.
const MODEL_COLUMNS: (usize, usize) = (12, 46);

/// Reports `(provider, model id, level)`; no level removes the model's override.
pub(super) type ModelThinkingCallback = Box<dyn FnMut(&str, &str, Option<ThinkingLevel>)>;

/// The callback, shared between the screen that sets it and the submenus that call it.
pub(super) type SharedModelThinking = Rc<RefCell<Option<ModelThinkingCallback>>>;

/// The models and overrides the submenu works on; the overrides outlive each opening.
pub(super) struct ModelThinking {
    /// The models to choose from.
    pub(super) models: Vec<Model>,
    /// The session's model, as `provider/id`.
    pub(super) current: Option<String>,
    /// The default model, as `provider/id`, when it is one of `models`.
    pub(super) default: Option<String>,
    /// The per-model levels, as `(provider/id, level)`.
    pub(super) overrides: Vec<(String, ThinkingLevel)>,
    /// The level models without an override use.
    pub(super) global: ThinkingLevel,
    /// Told of every change.
    pub(super) report: SharedModelThinking,
}

impl ModelThinking {
    /// What the settings row shows for `count` overrides.
    pub(super) fn summary(count: usize) -> String {
        if count == 0 {
            "none".to_owned()
        } else {
            format!("{count} configured")
        }
    }

    fn model(&self, key: &str) -> Option<&Model> {
        // A later model with the same key replaces an earlier one, as in a map.
        self.models.iter().rev().find(|m| model_key(m) == key)
    }

    fn level_of(&self, key: &str) -> Option<ThinkingLevel> {
        self.overrides
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, level)| *level)
    }

    fn set(&mut self, key: &str, level: Option<ThinkingLevel>) {
        let at = self.overrides.iter().position(|(k, _)| k == key);
        match (at, level) {
            (Some(at), Some(level)) => self.overrides[at].1 = level,
            (None, Some(level)) => self.overrides.push((key.to_owned(), level)),
            (Some(at), None) => {
                self.overrides.remove(at);
            }
            (None, None) => {}
        }
    }
}

fn model_key(model: &Model) -> String {
    format!("{}/{}", model.provider, model.id)
}

/// Builds the submenu over the shared `state`.
pub(super) fn factory(
    state: Rc<RefCell<ModelThinking>>,
    theme: &Theme,
    keys: &Rc<Keybindings>,
) -> SubmenuFactory {
    let (theme, keys) = (theme.clone(), Rc::clone(keys));
    Rc::new(move |_| {
        Box::new(ModelThinkingSubmenu::new(
            Rc::clone(&state),
            theme.clone(),
            Rc::clone(&keys),
        ))
    })
}

struct ModelThinkingSubmenu {
    state: Rc<RefCell<ModelThinking>>,
    theme: Theme,
    keys: Rc<Keybindings>,
    /// The model picked in the first step, while its level is being chosen.
    picked: Option<String>,
    menu: SelectSubmenu,
    outcome: Option<SubmenuOutcome>,
}

impl ModelThinkingSubmenu {
    fn new(state: Rc<RefCell<ModelThinking>>, theme: Theme, keys: Rc<Keybindings>) -> Self {
        let menu = model_step(&state.borrow(), &theme, &keys);
        Self {
            state,
            theme,
            keys,
            picked: None,
            menu,
            outcome: None,
        }
    }

    fn show_models(&mut self) {
        self.picked = None;
        self.menu = model_step(&self.state.borrow(), &self.theme, &self.keys);
    }

    fn show_levels(&mut self, key: String) {
        self.menu = level_step(&self.state.borrow(), &key, &self.theme, &self.keys);
        self.picked = Some(key);
    }

    /// Applies `value` from the level list to the model `key`.
    fn choose(&mut self, key: &str, value: &str) {
        let mut state = self.state.borrow_mut();
        let Some(model) = state.model(key) else {
            return;
        };
        let (provider, id) = (model.provider.clone(), model.id.clone());
        let level = if value == CLEAR_OVERRIDE {
            None
        } else {
            match ThinkingLevel::parse(value) {
                Some(level) => Some(level),
                None => return,
            }
        };
        state.set(key, level);
        let report = Rc::clone(&state.report);
        drop(state);
        if let Some(f) = report.borrow_mut().as_mut() {
            f(&provider, &id, level);
        }
    }
}

/// Step 1: the models, the session's first, then the default, then by provider.
fn model_step(state: &ModelThinking, theme: &Theme, keys: &Rc<Keybindings>) -> SelectSubmenu {
    let rank = |key: &str| {
        if state.current.as_deref() == Some(key) {
            0
        } else if state.default.as_deref() == Some(key) {
            1
        } else {
            2
        }
    };
    let mut sorted: Vec<(u8, String, &Model)> = state
        .models
        .iter()
        .map(|m| {
            let key = model_key(m);
            (rank(&key), key, m)
        })
        .collect();
    if !sorted.is_empty() {
        let mut order = LocaleOrder::new();
        sorted.sort_by(|a, b| match a.0.cmp(&b.0) {
            Ordering::Equal if a.0 == 2 => order.cmp(&a.2.provider, &b.2.provider),
            other => other,
        });
    }
    let mut items: Vec<SelectItem> = sorted
        .into_iter()
        .map(|(_, key, model)| {
            let provider = theme.fg(ThemeColor::Muted, &format!("[{}]", model.provider));
            let mut item =
                SelectItem::new(key.as_str()).with_label(format!("{} {provider}", model.id));
            if let Some(level) = state.level_of(&key) {
                item = item.with_description(level.as_str());
            }
            item
        })
        .collect();
    if items.is_empty() {
        items.push(
            SelectItem::new(NO_MODELS)
                .with_label("No models available")
                .with_description("Log in to a provider or configure an API key first"),
        );
    }
    let preselect = state.current.as_deref().or(state.default.as_deref());
    SelectSubmenu::with_options(
        "Per-Model Thinking Level",
        "Step 1/2 · Select a model to configure",
        items,
        preselect.unwrap_or(""),
        SubmenuOptions {
            searchable: true,
            columns: MODEL_COLUMNS,
        },
        theme,
        keys,
    )
}

/// Step 2: the levels the model `key` supports, the overriding one ticked, and a way back
/// to the global default when there is an override.
fn level_step(
    state: &ModelThinking,
    key: &str,
    theme: &Theme,
    keys: &Rc<Keybindings>,
) -> SelectSubmenu {
    let model = state.model(key);
    let title = match model {
        Some(m) => format!("Thinking Level for {} [{}]", m.id, m.provider),
        None => format!("Thinking Level for {key}"),
    };
    let active = state.level_of(key);
    let mut items: Vec<SelectItem> = model
        .map(Model::supported_thinking_levels)
        .unwrap_or_default()
        .into_iter()
        .map(|level| {
            let mark = if Some(level) == active { "✓ " } else { "  " };
            SelectItem::new(level.as_str())
                .with_label(format!("{mark}{level}"))
                .with_description(level_description(level))
        })
        .collect();
    if model.is_some() && active.is_some() {
        items.push(
            SelectItem::new(CLEAR_OVERRIDE)
                .with_label("  (clear override)")
                .with_description(format!("Revert to global default ({})", state.global)),
        );
    }
    SelectSubmenu::new(
        &title,
        "Step 2/2 · Select default thinking level for this model",
        items,
        active.map_or("", ThinkingLevel::as_str),
        theme,
        keys,
    )
}

impl Component for ModelThinkingSubmenu {
    fn render(&mut self, width: usize) -> Vec<String> {
        self.menu.render(width)
    }

    fn handle_input(&mut self, data: &str) {
        self.menu.handle_input(data);
        match (self.menu.take_outcome(), self.picked.take()) {
            (Some(ListEvent::Selected(value)), None) => self.show_levels(value),
            (Some(ListEvent::Selected(value)), Some(key)) => {
                self.choose(&key, &value);
                self.show_models();
            }
            (Some(ListEvent::Cancelled), Some(_)) => self.show_models(),
            (Some(ListEvent::Cancelled), None) => {
                let count = self.state.borrow().overrides.len();
                self.outcome = Some(SubmenuOutcome::Selected(ModelThinking::summary(count)));
            }
            (None, picked) => self.picked = picked,
        }
    }
}

impl SettingsSubmenu for ModelThinkingSubmenu {
    fn outcome(&mut self) -> Option<SubmenuOutcome> {
        self.outcome.take()
    }
}

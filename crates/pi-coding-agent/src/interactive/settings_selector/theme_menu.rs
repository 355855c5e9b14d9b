//! The theme submenu of `/settings`: one theme for every terminal, or "Automatic" with a
//! light and a dark theme (the setting `light/dark`). Every theme passed over is previewed;
//! leaving without a choice previews the original setting again.

use std::cell::RefCell;
use std::rc::Rc;

use pi_tui::components::{
    SelectItem, SettingItem, SettingsList, SettingsSubmenu, SubmenuFactory, SubmenuOutcome, Text,
};
use pi_tui::{Component, Keybindings};

use super::submenu::{ListEvent, SelectSubmenu};
use super::{SharedPreview, settings_list_theme};
use crate::interactive::theme::{Theme, ThemeColor};

/// The list value that stands for "Automatic" (a theme name never contains a slash).
const AUTOMATIC: &str = "/";

/// The two halves of an automatic theme setting (`light/dark`), when it is one.
fn parse_automatic(setting: &str) -> Option<(String, String)> {
    let (light, dark) = setting.split_once('/')?;
    let (light, dark) = (light.trim(), dark.trim());
    (!dark.contains('/') && !light.is_empty() && !dark.is_empty())
        .then(|| (light.to_owned(), dark.to_owned()))
}

fn preferred(themes: &[String], wanted: Option<&str>, fallback: &str) -> String {
    match wanted {
        Some(w) if themes.iter().any(|t| t == w) => w.to_owned(),
        _ if themes.iter().any(|t| t == fallback) => fallback.to_owned(),
        _ => themes.first().map_or(fallback, String::as_str).to_owned(),
    }
}

fn theme_items(themes: &[String], current: &str) -> Vec<SelectItem> {
    themes
        .iter()
        .map(|name| {
            let mark = if name == current { "✓ " } else { "  " };
            SelectItem::new(name.as_str()).with_label(format!("{mark}{name}"))
        })
        .collect()
}

/// What the submenu is choosing between, shared with the light and dark lists it opens.
struct State {
    themes: Vec<String>,
    terminal_dark: bool,
    automatic: bool,
    single: String,
    light: String,
    dark: String,
    preview: SharedPreview,
}

impl State {
    fn automatic_setting(&self) -> String {
        format!("{}/{}", self.light, self.dark)
    }

    fn setting(&self) -> String {
        if self.automatic {
            self.automatic_setting()
        } else {
            self.single.clone()
        }
    }

    fn active_automatic(&self) -> String {
        if self.terminal_dark {
            self.dark.clone()
        } else {
            self.light.clone()
        }
    }

    fn preview(&self, setting: &str) {
        if let Some(f) = self.preview.borrow_mut().as_mut() {
            f(setting);
        }
    }
}

/// Builds the theme submenu from the current setting.
pub(super) fn factory(
    themes: Vec<String>,
    terminal_dark: bool,
    theme: &Theme,
    keys: &Rc<Keybindings>,
    preview: &SharedPreview,
) -> SubmenuFactory {
    let (theme, keys, preview) = (theme.clone(), Rc::clone(keys), Rc::clone(preview));
    Rc::new(move |current: &str| {
        Box::new(ThemeSubmenu::new(
            current,
            themes.clone(),
            terminal_dark,
            &theme,
            &keys,
            &preview,
        ))
    })
}

enum View {
    Single(Box<SelectSubmenu>),
    Automatic(Box<SettingsList>),
}

struct ThemeSubmenu {
    theme: Theme,
    keys: Rc<Keybindings>,
    state: Rc<RefCell<State>>,
    original: String,
    view: View,
    /// Changes reported by the automatic view's list since the last key.
    changes: Rc<RefCell<Vec<String>>>,
    cancelled: Rc<RefCell<bool>>,
    outcome: Option<SubmenuOutcome>,
}

impl ThemeSubmenu {
    fn new(
        current: &str,
        themes: Vec<String>,
        terminal_dark: bool,
        theme: &Theme,
        keys: &Rc<Keybindings>,
        preview: &SharedPreview,
    ) -> Self {
        let automatic = parse_automatic(current);
        let (light, dark) = automatic.clone().unwrap_or_else(|| {
            let fixed = (!current.contains('/')).then_some(current);
            let name = preferred(&themes, fixed, "dark");
            (name.clone(), name)
        });
        let mut state = State {
            themes,
            terminal_dark,
            automatic: automatic.is_some(),
            single: String::new(),
            light,
            dark,
            preview: Rc::clone(preview),
        };
        let fixed = if state.automatic || current.contains('/') {
            state.automatic.then(|| state.active_automatic())
        } else {
            Some(current.to_owned())
        };
        state.single = preferred(&state.themes, fixed.as_deref(), "dark");
        let mut menu = Self {
            theme: theme.clone(),
            keys: Rc::clone(keys),
            state: Rc::new(RefCell::new(state)),
            original: current.to_owned(),
            view: View::Automatic(Box::new(SettingsList::new(
                Vec::new(),
                1,
                Default::default(),
            ))),
            changes: Rc::new(RefCell::new(Vec::new())),
            cancelled: Rc::new(RefCell::new(false)),
            outcome: None,
        };
        if menu.state.borrow().automatic {
            menu.show_automatic();
        } else {
            menu.show_single();
        }
        menu
    }

    fn show_single(&mut self) {
        let mut state = self.state.borrow_mut();
        state.automatic = false;
        let mut items = vec![
            SelectItem::new(AUTOMATIC)
                .with_label("  Automatic")
                .with_description("Use separate themes for light and dark terminal appearance"),
        ];
        items.extend(theme_items(&state.themes, &state.single));
        let shared = Rc::clone(&self.state);
        let menu = SelectSubmenu::new(
            "Theme",
            "Select a theme, or choose Automatic to follow terminal appearance.",
            items,
            &state.single,
            &self.theme,
            &self.keys,
        )
        .on_move(move |value| {
            let state = shared.borrow();
            if value == AUTOMATIC {
                state.preview(&state.automatic_setting());
            } else {
                state.preview(value);
            }
        });
        self.view = View::Single(Box::new(menu));
    }

    fn show_automatic(&mut self) {
        let mut state = self.state.borrow_mut();
        state.automatic = true;
        let side = |id: &str, label: &str, description: &str, value: &str, title: &'static str| {
            SettingItem {
                id: id.into(),
                label: label.into(),
                current_value: value.into(),
                description: Some(description.into()),
                values: Vec::new(),
                submenu: Some(self.side_factory(id == "light-theme", title)),
            }
        };
        let items = vec![
            side(
                "light-theme",
                "Light theme",
                "Theme to use in automatic mode when the terminal is light",
                &state.light,
                "Light Theme",
            ),
            side(
                "dark-theme",
                "Dark theme",
                "Theme to use in automatic mode when the terminal is dark",
                &state.dark,
                "Dark Theme",
            ),
            SettingItem::cycle("apply", "Apply", "save and go back", &["save and go back"])
                .with_description("Save and go back"),
            SettingItem::cycle(
                "single-mode",
                "Change mode",
                "switch to single theme",
                &["switch to single theme"],
            )
            .with_description("Switch to one theme for light and dark"),
        ];
        let mut list = SettingsList::new(items, 4, settings_list_theme(&self.theme));
        let changes = Rc::clone(&self.changes);
        list.on_change(move |id, _| changes.borrow_mut().push(id.to_owned()));
        let cancelled = Rc::clone(&self.cancelled);
        list.on_cancel(move || *cancelled.borrow_mut() = true);
        self.view = View::Automatic(Box::new(list));
    }

    /// The list a light or dark theme is chosen from.
    fn side_factory(&self, light: bool, title: &'static str) -> SubmenuFactory {
        let (theme, keys, state) = (
            self.theme.clone(),
            Rc::clone(&self.keys),
            Rc::clone(&self.state),
        );
        let description = if light {
            "Select the theme to use for light terminal appearance"
        } else {
            "Select the theme to use for dark terminal appearance"
        };
        Rc::new(move |current: &str| {
            let preview = Rc::clone(&state);
            let items = theme_items(&state.borrow().themes, current);
            let menu = SelectSubmenu::new(title, description, items, current, &theme, &keys)
                .on_move(move |value| preview.borrow().preview(value));
            Box::new(SideMenu {
                menu,
                light,
                state: Rc::clone(&state),
            })
        })
    }

    fn cancel(&mut self) {
        self.state.borrow().preview(&self.original);
        self.outcome = Some(SubmenuOutcome::Cancelled);
    }
}

impl Component for ThemeSubmenu {
    fn render(&mut self, width: usize) -> Vec<String> {
        match &mut self.view {
            View::Single(menu) => menu.render(width),
            View::Automatic(list) => {
                let t = &self.theme;
                let title = t.bold(&t.fg(ThemeColor::Accent, "Automatic Theme"));
                let mut lines = Text::new(title).render(width);
                lines.push(String::new());
                for note in [
                    "Choose themes for terminal light and dark appearance.",
                    "Light/dark detection requires terminal support.",
                ] {
                    lines.extend(Text::new(t.fg(ThemeColor::Muted, note)).render(width));
                }
                lines.push(String::new());
                lines.extend(list.render(width));
                lines
            }
        }
    }

    fn handle_input(&mut self, data: &str) {
        match &mut self.view {
            View::Single(menu) => {
                menu.handle_input(data);
                match menu.take_outcome() {
                    Some(ListEvent::Selected(value)) if value == AUTOMATIC => {
                        let setting = {
                            let mut state = self.state.borrow_mut();
                            state.automatic = true;
                            state.setting()
                        };
                        self.state.borrow().preview(&setting);
                        self.show_automatic();
                    }
                    Some(ListEvent::Selected(value)) => {
                        self.state.borrow_mut().single = value.clone();
                        self.outcome = Some(SubmenuOutcome::Selected(value));
                    }
                    Some(ListEvent::Cancelled) => self.cancel(),
                    None => {}
                }
            }
            View::Automatic(list) => {
                list.handle_input(data);
                let changes: Vec<String> = self.changes.borrow_mut().drain(..).collect();
                for id in changes {
                    match id.as_str() {
                        "single-mode" => {
                            let single = {
                                let mut state = self.state.borrow_mut();
                                state.automatic = false;
                                state.single = state.active_automatic();
                                state.single.clone()
                            };
                            self.state.borrow().preview(&single);
                            self.show_single();
                        }
                        "apply" => {
                            let setting = self.state.borrow().automatic_setting();
                            self.outcome = Some(SubmenuOutcome::Selected(setting));
                        }
                        _ => {}
                    }
                }
                if std::mem::take(&mut *self.cancelled.borrow_mut()) {
                    self.cancel();
                }
            }
        }
    }

    fn set_focused(&mut self, focused: bool) {
        if let View::Single(menu) = &mut self.view {
            menu.set_focused(focused);
        }
    }
}

impl SettingsSubmenu for ThemeSubmenu {
    fn outcome(&mut self) -> Option<SubmenuOutcome> {
        self.outcome.take()
    }
}

/// The light or dark theme list of the automatic view.
struct SideMenu {
    menu: SelectSubmenu,
    light: bool,
    state: Rc<RefCell<State>>,
}

impl Component for SideMenu {
    fn render(&mut self, width: usize) -> Vec<String> {
        self.menu.render(width)
    }

    fn handle_input(&mut self, data: &str) {
        self.menu.handle_input(data);
    }
}

impl SettingsSubmenu for SideMenu {
    fn outcome(&mut self) -> Option<SubmenuOutcome> {
        let event = self.menu.take_outcome()?;
        if let ListEvent::Selected(value) = &event {
            let mut state = self.state.borrow_mut();
            if self.light {
                state.light = value.clone();
            } else {
                state.dark = value.clone();
            }
        }
        let state = self.state.borrow();
        state.preview(&state.setting());
        Some(match event {
            ListEvent::Selected(value) => SubmenuOutcome::Selected(value),
            ListEvent::Cancelled => SubmenuOutcome::Cancelled,
        })
    }
}

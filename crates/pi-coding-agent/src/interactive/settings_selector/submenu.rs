//! [`SelectSubmenu`]: a titled list a setting's value is picked from, used for the theme
//! and per-model settings of `/settings`.

use std::cell::RefCell;
use std::rc::Rc;

use pi_tui::components::{SelectItem, SelectList, SelectListTheme, Text};
use pi_tui::{Component, Keybindings};

use crate::interactive::theme::{Theme, ThemeColor};

/// The first column of a submenu's list is 12 to 32 columns wide.
const PRIMARY_COLUMN: (usize, usize) = (12, 32);

/// What the list reported since it was last asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ListEvent {
    /// An item was confirmed.
    Selected(String),
    /// The list was cancelled.
    Cancelled,
}

/// The list styles pi's selectors use.
pub(crate) fn select_list_theme(theme: &Theme) -> SelectListTheme {
    SelectListTheme {
        selected_text: theme.fg_style(ThemeColor::Accent),
        description: theme.fg_style(ThemeColor::Muted),
        scroll_info: theme.fg_style(ThemeColor::Muted),
        no_match: theme.fg_style(ThemeColor::Muted),
    }
}

/// A select list whose choices, cancellation and moves are collected for the owner to read
/// after each key (the list's callbacks cannot reach the owner directly).
pub(crate) struct ObservedList {
    list: SelectList,
    events: Rc<RefCell<Vec<ListEvent>>>,
    moved: Rc<RefCell<Option<String>>>,
}

impl ObservedList {
    /// A list of `items` showing `max_visible` rows, with the item valued `preselect`
    /// selected when there is one.
    pub(crate) fn new(
        items: Vec<SelectItem>,
        max_visible: usize,
        preselect: Option<&str>,
        theme: &Theme,
        keys: &Rc<Keybindings>,
    ) -> Self {
        let at = preselect.and_then(|p| items.iter().position(|i| i.value == p));
        let mut list = SelectList::new(items, max_visible, select_list_theme(theme))
            .with_keybindings(Rc::clone(keys))
            .with_primary_column(PRIMARY_COLUMN.0, PRIMARY_COLUMN.1);
        if let Some(at) = at {
            list.set_selected_index(at);
        }
        let events = Rc::new(RefCell::new(Vec::new()));
        let moved = Rc::new(RefCell::new(None));
        let sink = Rc::clone(&events);
        list.on_select(move |item| {
            sink.borrow_mut()
                .push(ListEvent::Selected(item.value.clone()))
        });
        let sink = Rc::clone(&events);
        list.on_cancel(move || sink.borrow_mut().push(ListEvent::Cancelled));
        let sink = Rc::clone(&moved);
        list.on_selection_change(move |item| *sink.borrow_mut() = Some(item.value.clone()));
        Self {
            list,
            events,
            moved,
        }
    }

    /// The value of the selected item.
    pub(crate) fn selected_value(&self) -> Option<&str> {
        self.list.selected_item().map(|i| i.value.as_str())
    }

    /// Passes a key to the list; returns what it reported and the newly selected value
    /// when the selection moved.
    pub(crate) fn handle(&mut self, data: &str) -> (Option<ListEvent>, Option<String>) {
        self.list.handle_input(data);
        let event = self.events.borrow_mut().drain(..).next();
        (event, self.moved.borrow_mut().take())
    }

    pub(crate) fn render(&mut self, width: usize) -> Vec<String> {
        self.list.render(width)
    }
}

type ValueCallback = Box<dyn FnMut(&str)>;

/// A titled list with a description, ending with a hint line.
/// Enter picks the selected value, Escape goes back.
pub(crate) struct SelectSubmenu {
    theme: Theme,
    title: String,
    description: String,
    list: ObservedList,
    /// Called with each value the selection moves to (the theme's live preview).
    on_move: Option<ValueCallback>,
    outcome: Option<ListEvent>,
}

impl SelectSubmenu {
    /// A submenu listing `items` with `current` selected.
    pub(crate) fn new(
        title: &str,
        description: &str,
        items: Vec<SelectItem>,
        current: &str,
        theme: &Theme,
        keys: &Rc<Keybindings>,
    ) -> Self {
        let list = ObservedList::new(
            items.clone(),
            items.len().min(10),
            Some(current),
            theme,
            keys,
        );
        Self {
            theme: theme.clone(),
            title: title.to_owned(),
            description: description.to_owned(),
            list,
            on_move: None,
            outcome: None,
        }
    }

    /// Reports every value the selection moves to.
    pub(crate) fn on_move(mut self, f: impl FnMut(&str) + 'static) -> Self {
        self.on_move = Some(Box::new(f));
        self
    }

    /// How the submenu ended, once it has; taken by the caller.
    pub(crate) fn take_outcome(&mut self) -> Option<ListEvent> {
        self.outcome.take()
    }
}

impl Component for SelectSubmenu {
    fn render(&mut self, width: usize) -> Vec<String> {
        let t = &self.theme;
        let mut lines = Text::new(t.bold(&t.fg(ThemeColor::Accent, &self.title))).render(width);
        if !self.description.is_empty() {
            lines.push(String::new());
            lines.extend(Text::new(t.fg(ThemeColor::Muted, &self.description)).render(width));
        }
        lines.push(String::new());
        lines.extend(self.list.render(width));
        lines.push(String::new());
        let hint = t.fg(ThemeColor::Dim, "  Enter to select · Esc to go back");
        lines.extend(Text::new(hint).render(width));
        lines
    }

    fn handle_input(&mut self, data: &str) {
        let (event, moved) = self.list.handle(data);
        if let (Some(value), Some(f)) = (moved, self.on_move.as_mut()) {
            f(&value);
        }
        if event.is_some() {
            self.outcome = event;
        }
    }
}

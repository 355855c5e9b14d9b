//! [`SelectSubmenu`]: a titled list a setting's value is picked from, used for the theme
//! and per-model settings of `/settings`; typing can filter it.

use std::cell::RefCell;
use std::rc::Rc;

use pi_tui::components::{Input, SelectItem, SelectList, SelectListTheme, Text};
use pi_tui::fuzzy::fuzzy_filter;
use pi_tui::{Component, Keybindings, action};

use crate::interactive::theme::{Theme, ThemeColor};

/// The first column of a submenu's list is 12 to 32 columns wide.
const PRIMARY_COLUMN: (usize, usize) = (12, 32);

/// How a submenu's list is laid out, and whether typing filters it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SubmenuOptions {
    /// Typing filters the list (a search field is shown above it).
    pub(crate) searchable: bool,
    /// The least and most columns the list's first column takes.
    pub(crate) columns: (usize, usize),
}

impl Default for SubmenuOptions {
    fn default() -> Self {
        Self {
            searchable: false,
            columns: PRIMARY_COLUMN,
        }
    }
}

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
        Self::with_columns(items, max_visible, preselect, PRIMARY_COLUMN, theme, keys)
    }

    /// Like [`ObservedList::new`], with the first column `columns.0` to `columns.1` wide.
    pub(crate) fn with_columns(
        items: Vec<SelectItem>,
        max_visible: usize,
        preselect: Option<&str>,
        columns: (usize, usize),
        theme: &Theme,
        keys: &Rc<Keybindings>,
    ) -> Self {
        let at = preselect.and_then(|p| items.iter().position(|i| i.value == p));
        let mut list = SelectList::new(items, max_visible, select_list_theme(theme))
            .with_keybindings(Rc::clone(keys))
            .with_primary_column(columns.0, columns.1);
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
/// Enter picks the selected value, Escape goes back; when searchable, other keys edit a
/// search field whose words filter the list.
pub(crate) struct SelectSubmenu {
    theme: Theme,
    keys: Rc<Keybindings>,
    title: String,
    description: String,
    items: Vec<SelectItem>,
    columns: (usize, usize),
    search: Option<Input>,
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
        Self::with_options(
            title,
            description,
            items,
            current,
            SubmenuOptions::default(),
            theme,
            keys,
        )
    }

    /// A submenu listing `items` with `current` selected, laid out as `options` say.
    pub(crate) fn with_options(
        title: &str,
        description: &str,
        items: Vec<SelectItem>,
        current: &str,
        options: SubmenuOptions,
        theme: &Theme,
        keys: &Rc<Keybindings>,
    ) -> Self {
        let list = ObservedList::with_columns(
            items.clone(),
            items.len().min(10),
            Some(current),
            options.columns,
            theme,
            keys,
        );
        Self {
            theme: theme.clone(),
            keys: Rc::clone(keys),
            title: title.to_owned(),
            description: description.to_owned(),
            items,
            columns: options.columns,
            search: options
                .searchable
                .then(|| Input::new().with_keybindings(Rc::clone(keys))),
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

    /// Lists the items matching the search, the first one selected. An item matches on
    /// its label and description as shown.
    fn filter(&mut self, query: &str) {
        let items = if query.is_empty() {
            self.items.clone()
        } else {
            fuzzy_filter(&self.items, query, |item| {
                format!(
                    "{} {}",
                    item.label.as_deref().unwrap_or(&item.value),
                    item.description.as_deref().unwrap_or("")
                )
            })
        };
        let max_visible = items.len().min(10);
        self.list = ObservedList::with_columns(
            items,
            max_visible,
            None,
            self.columns,
            &self.theme,
            &self.keys,
        );
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
        if let Some(search) = self.search.as_mut() {
            lines.push(String::new());
            lines.extend(search.render(width));
        }
        lines.push(String::new());
        lines.extend(self.list.render(width));
        lines.push(String::new());
        let hint = if self.search.is_some() {
            "  Type to filter · Enter to select · Esc to go back"
        } else {
            "  Enter to select · Esc to go back"
        };
        lines.extend(Text::new(t.fg(ThemeColor::Dim, hint)).render(width));
        lines
    }

    fn handle_input(&mut self, data: &str) {
        if let Some(search) = self.search.as_mut() {
            let is_nav = [
                action::SELECT_UP,
                action::SELECT_DOWN,
                action::SELECT_CONFIRM,
                action::SELECT_CANCEL,
            ]
            .iter()
            .any(|a| self.keys.matches(data, a));
            if !is_nav {
                search.handle_input(data);
                let query = search.value().to_owned();
                self.filter(&query);
                return;
            }
        }
        let (event, moved) = self.list.handle(data);
        if let (Some(value), Some(f)) = (moved, self.on_move.as_mut()) {
            f(&value);
        }
        if event.is_some() {
            self.outcome = event;
        }
    }
}

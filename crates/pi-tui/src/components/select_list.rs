//! [`SelectList`]: a list to pick one item from, with a scrolling window around the
//! selection, optional descriptions in a second column, and prefix filtering.

use std::rc::Rc;

use crate::component::Component;
use crate::input::keybindings::{Keybindings, action};
use crate::style::{StyleFn, plain};
use crate::truncate::truncate_to_width;
use crate::width::visible_width;

const DEFAULT_PRIMARY_COLUMN_WIDTH: usize = 32;
const PRIMARY_COLUMN_GAP: usize = 2;
const MIN_DESCRIPTION_WIDTH: usize = 10;

/// One item of a [`SelectList`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SelectItem {
    /// What the item stands for; the filter matches its start.
    pub value: String,
    /// What is shown, if not the value.
    pub label: Option<String>,
    /// A one-line description shown in a second column when there is room.
    pub description: Option<String>,
}

impl SelectItem {
    /// An item showing its value.
    pub fn new(value: impl Into<String>) -> Self {
        Self {
            value: value.into(),
            ..Self::default()
        }
    }

    /// Adds a description.
    pub fn with_description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }

    /// Shows a label instead of the value.
    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    fn display(&self) -> &str {
        self.label
            .as_deref()
            .filter(|l| !l.is_empty())
            .unwrap_or(&self.value)
    }
}

/// Styles of a [`SelectList`].
#[derive(Clone)]
pub struct SelectListTheme {
    /// The selected row.
    pub selected_text: StyleFn,
    /// Descriptions of unselected rows.
    pub description: StyleFn,
    /// The `(i/n)` line shown when the list scrolls.
    pub scroll_info: StyleFn,
    /// The line shown when the filter leaves nothing.
    pub no_match: StyleFn,
}

impl std::fmt::Debug for SelectListTheme {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SelectListTheme").finish_non_exhaustive()
    }
}

impl Default for SelectListTheme {
    fn default() -> Self {
        Self {
            selected_text: plain(),
            description: plain(),
            scroll_info: plain(),
            no_match: plain(),
        }
    }
}

type ItemCallback = Box<dyn FnMut(&SelectItem)>;

/// A list to choose from with the select keybindings (up/down wrap around, enter confirms,
/// escape cancels).
pub struct SelectList {
    items: Vec<SelectItem>,
    filtered: Vec<usize>,
    selected: usize,
    max_visible: usize,
    primary_column: (usize, usize),
    theme: SelectListTheme,
    keybindings: Rc<Keybindings>,
    on_select: Option<ItemCallback>,
    on_cancel: Option<Box<dyn FnMut()>>,
    on_selection_change: Option<ItemCallback>,
}

impl std::fmt::Debug for SelectList {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SelectList")
            .field("items", &self.items.len())
            .field("selected", &self.selected)
            .finish_non_exhaustive()
    }
}

fn single_line(text: &str) -> String {
    text.split(['\r', '\n'])
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
        .trim()
        .to_owned()
}

impl SelectList {
    /// A list showing at most `max_visible` items at a time.
    pub fn new(items: Vec<SelectItem>, max_visible: usize, theme: SelectListTheme) -> Self {
        let filtered = (0..items.len()).collect();
        Self {
            items,
            filtered,
            selected: 0,
            max_visible: max_visible.max(1),
            primary_column: (DEFAULT_PRIMARY_COLUMN_WIDTH, DEFAULT_PRIMARY_COLUMN_WIDTH),
            theme,
            keybindings: Rc::new(Keybindings::default()),
            on_select: None,
            on_cancel: None,
            on_selection_change: None,
        }
    }

    /// Uses these keybindings instead of the defaults.
    pub fn with_keybindings(mut self, keybindings: Rc<Keybindings>) -> Self {
        self.keybindings = keybindings;
        self
    }

    /// Bounds of the first column's width (default 32 both).
    pub fn with_primary_column(mut self, min: usize, max: usize) -> Self {
        self.primary_column = (min.min(max).max(1), min.max(max).max(1));
        self
    }

    /// Called with the item when the selection is confirmed.
    pub fn on_select(&mut self, f: impl FnMut(&SelectItem) + 'static) {
        self.on_select = Some(Box::new(f));
    }

    /// Called when the list is cancelled.
    pub fn on_cancel(&mut self, f: impl FnMut() + 'static) {
        self.on_cancel = Some(Box::new(f));
    }

    /// Called when the selection moves.
    pub fn on_selection_change(&mut self, f: impl FnMut(&SelectItem) + 'static) {
        self.on_selection_change = Some(Box::new(f));
    }

    /// Keeps only items whose value starts with `filter` (ignoring case).
    pub fn set_filter(&mut self, filter: &str) {
        let filter = filter.to_lowercase();
        self.filtered = (0..self.items.len())
            .filter(|&i| {
                self.items
                    .get(i)
                    .is_some_and(|it| it.value.to_lowercase().starts_with(&filter))
            })
            .collect();
        self.selected = 0;
    }

    /// Selects the item at `index` among the shown ones (clamped).
    pub fn set_selected_index(&mut self, index: usize) {
        self.selected = index.min(self.filtered.len().saturating_sub(1));
    }

    /// The selected item, if any is shown.
    pub fn selected_item(&self) -> Option<&SelectItem> {
        self.filtered
            .get(self.selected)
            .and_then(|&i| self.items.get(i))
    }

    /// The index of the selection among the shown items.
    pub fn selected_index(&self) -> usize {
        self.selected
    }

    /// How many items the filter leaves.
    pub fn len(&self) -> usize {
        self.filtered.len()
    }

    /// Whether the filter leaves nothing.
    pub fn is_empty(&self) -> bool {
        self.filtered.is_empty()
    }

    fn notify_change(&mut self) {
        let item = self.selected_item().cloned();
        if let (Some(item), Some(f)) = (item, self.on_selection_change.as_mut()) {
            f(&item);
        }
    }

    fn visible_range(&self) -> (usize, usize) {
        let n = self.filtered.len();
        let start = self
            .selected
            .saturating_sub(self.max_visible / 2)
            .min(n.saturating_sub(self.max_visible));
        (start, (start + self.max_visible).min(n))
    }

    fn primary_width(&self) -> usize {
        let widest = self
            .filtered
            .iter()
            .filter_map(|&i| self.items.get(i))
            .map(|it| visible_width(it.display()) + PRIMARY_COLUMN_GAP)
            .max()
            .unwrap_or(0);
        widest.clamp(self.primary_column.0, self.primary_column.1)
    }

    fn render_item(
        &self,
        item: &SelectItem,
        selected: bool,
        width: usize,
        primary: usize,
    ) -> String {
        let prefix = if selected { "→ " } else { "  " };
        let prefix_width = 2;
        let description = item
            .description
            .as_deref()
            .map(single_line)
            .filter(|d| !d.is_empty());
        if let Some(desc) = description
            && width > 40
        {
            let column = primary.min(width.saturating_sub(prefix_width + 4)).max(1);
            let max_primary = column.saturating_sub(PRIMARY_COLUMN_GAP).max(1);
            let value = truncate_to_width(item.display(), max_primary, "", false);
            let value_width = visible_width(&value);
            let spacing = " ".repeat(column.saturating_sub(value_width).max(1));
            let start = prefix_width + value_width + spacing.len();
            let remaining = width.saturating_sub(start + 2);
            if remaining > MIN_DESCRIPTION_WIDTH {
                let desc = truncate_to_width(&desc, remaining, "", false);
                if selected {
                    return (self.theme.selected_text)(&format!("{prefix}{value}{spacing}{desc}"));
                }
                return format!(
                    "{prefix}{value}{}",
                    (self.theme.description)(&format!("{spacing}{desc}"))
                );
            }
        }
        let max = width.saturating_sub(prefix_width + 2);
        let value = truncate_to_width(item.display(), max, "", false);
        if selected {
            (self.theme.selected_text)(&format!("{prefix}{value}"))
        } else {
            format!("{prefix}{value}")
        }
    }
}

impl Component for SelectList {
    fn render(&mut self, width: usize) -> Vec<String> {
        if self.filtered.is_empty() {
            return vec![(self.theme.no_match)(&truncate_to_width(
                "  No matching commands",
                width,
                "",
                false,
            ))];
        }
        let primary = self.primary_width();
        let (start, end) = self.visible_range();
        let mut lines = Vec::with_capacity(end - start + 1);
        for i in start..end {
            if let Some(item) = self.filtered.get(i).and_then(|&j| self.items.get(j)) {
                lines.push(self.render_item(item, i == self.selected, width, primary));
            }
        }
        if start > 0 || end < self.filtered.len() {
            let info = format!("  ({}/{})", self.selected + 1, self.filtered.len());
            lines.push((self.theme.scroll_info)(&truncate_to_width(
                &info,
                width.saturating_sub(2),
                "",
                false,
            )));
        }
        lines
    }

    fn handle_input(&mut self, data: &str) {
        let kb = Rc::clone(&self.keybindings);
        let n = self.filtered.len();
        if kb.matches(data, action::SELECT_UP) {
            if n > 0 {
                self.selected = if self.selected == 0 {
                    n - 1
                } else {
                    self.selected - 1
                };
                self.notify_change();
            }
        } else if kb.matches(data, action::SELECT_DOWN) {
            if n > 0 {
                self.selected = if self.selected + 1 >= n {
                    0
                } else {
                    self.selected + 1
                };
                self.notify_change();
            }
        } else if kb.matches(data, action::SELECT_CONFIRM) {
            let item = self.selected_item().cloned();
            if let (Some(item), Some(f)) = (item, self.on_select.as_mut()) {
                f(&item);
            }
        } else if kb.matches(data, action::SELECT_CANCEL)
            && let Some(f) = self.on_cancel.as_mut()
        {
            f();
        }
    }
}

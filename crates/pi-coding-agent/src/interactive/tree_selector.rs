//! [`TreeSelector`]: the session tree pi shows for `/tree`. Every entry of the session appears
//! once as a one-line summary in an ASCII tree (`├─`, `└─`, `│`), the branch holding the
//! current leaf first and its entries marked `•`. The selector filters by kind (default, no
//! tools, user only, labeled only, all; one key per mode and two to cycle), searches as you
//! type, folds branches, edits labels, and reports Enter's entry or Escape.
//!
//! After an entry is chosen pi asks whether to summarize the branch being left: that question
//! is the [`BranchSummaryPrompt`].

mod help;
mod layout;
mod line;
mod summary_prompt;

use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use pi_tui::components::{Input, Text};
use pi_tui::{Component, action, truncate_to_width, visible_width};

use self::layout::{RenderedRow, Row, horizontal_viewport, layout};
use self::line::{EntryText, ToolCalls, collect_tool_calls, entry_text};
pub use self::summary_prompt::{BranchSummaryPrompt, BranchSummaryRequest};
use super::keybindings::{Action, AppKeybindings};
use super::theme::{Theme, ThemeBg, ThemeColor};
use crate::session::{EntryKind, SessionTree, format_iso, now_iso, parse_iso_ms};

/// Which entries the tree lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TreeFilter {
    /// Everything but bookkeeping (labels, model and thinking changes, custom state, ...).
    #[default]
    Default,
    /// The default view without tool results.
    NoTools,
    /// User messages only.
    UserOnly,
    /// Labeled entries only.
    LabeledOnly,
    /// Every entry.
    All,
}

impl TreeFilter {
    /// The modes in the order the cycle keys walk them.
    const CYCLE: [TreeFilter; 5] = [
        TreeFilter::Default,
        TreeFilter::NoTools,
        TreeFilter::UserOnly,
        TreeFilter::LabeledOnly,
        TreeFilter::All,
    ];

    /// The mode named by the `treeFilterMode` setting (`default`, `no-tools`, `user-only`,
    /// `labeled-only`, `all`); anything else is the default.
    pub fn from_setting(name: &str) -> TreeFilter {
        match name {
            "no-tools" => TreeFilter::NoTools,
            "user-only" => TreeFilter::UserOnly,
            "labeled-only" => TreeFilter::LabeledOnly,
            "all" => TreeFilter::All,
            _ => TreeFilter::Default,
        }
    }

    /// The tag shown after the position (`[no-tools]`); empty for the default.
    fn status(self) -> &'static str {
        match self {
            TreeFilter::Default => "",
            TreeFilter::NoTools => " [no-tools]",
            TreeFilter::UserOnly => " [user]",
            TreeFilter::LabeledOnly => " [labeled]",
            TreeFilter::All => " [all]",
        }
    }

    fn step(self, forward: bool) -> TreeFilter {
        let len = Self::CYCLE.len();
        let at = Self::CYCLE.iter().position(|&m| m == self).unwrap_or(0);
        let next = if forward { at + 1 } else { at + len - 1 };
        Self::CYCLE[next % len]
    }
}

/// What the selector opens on besides the tree.
#[derive(Debug, Clone, Default)]
pub struct TreeSelectorOptions {
    /// The session's leaf, marked with its path.
    pub leaf_id: Option<String>,
    /// The entry to select first (the leaf when `None`); a hidden entry selects its nearest
    /// shown ancestor.
    pub initial_selected_id: Option<String>,
    /// The filter to start with (the `treeFilterMode` setting).
    pub filter: TreeFilter,
    /// Terminal rows: the tree shows half of them, at least five.
    pub terminal_rows: usize,
    /// The home directory, written `~` in tool paths.
    pub home: Option<String>,
}

/// One entry of the session with what the tree needs to show and filter it.
#[derive(Debug)]
struct Node {
    id: String,
    /// The parent's position, if the parent is in the tree.
    parent: Option<usize>,
    /// Children, the one leading to the leaf first.
    children: Vec<usize>,
    label: Option<String>,
    label_timestamp: Option<String>,
    kind: NodeKind,
    text: EntryText,
}

/// The entry kinds the filters tell apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NodeKind {
    User,
    Assistant,
    ToolResult,
    /// Labels, model and thinking changes, custom state, context edits, session names.
    Bookkeeping,
    Usage,
    Other,
}

type IdCallback = Box<dyn FnMut(&str)>;
type LabelCallback = Box<dyn FnMut(&str, Option<&str>)>;
type CopyCallback = Box<dyn FnMut(Option<&str>)>;

/// The session tree selector. See the module documentation.
pub struct TreeSelector {
    theme: Theme,
    keys: Rc<AppKeybindings>,
    nodes: Vec<Node>,
    /// Every entry in drawing order: depth first, the leaf's branch first.
    flat: Vec<usize>,
    shown: Vec<Row>,
    /// Nearest shown ancestor and shown children of each shown entry.
    visible_parent: Vec<Option<usize>>,
    visible_children: Vec<Vec<usize>>,
    multiple_roots: bool,
    on_active_path: Vec<bool>,
    leaf: Option<usize>,
    selected: usize,
    last_selected: Option<usize>,
    max_visible: usize,
    filter: TreeFilter,
    search: String,
    folded: HashSet<usize>,
    show_label_timestamps: bool,
    label_input: Option<(usize, Input)>,
    /// Whether the selector has focus; the label editor shows the cursor only then.
    focused: bool,
    on_select: Option<IdCallback>,
    on_cancel: Option<Box<dyn FnMut()>>,
    on_label_change: Option<LabelCallback>,
    on_copy: Option<CopyCallback>,
}

impl std::fmt::Debug for TreeSelector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TreeSelector")
            .field("filter", &self.filter)
            .field("search", &self.search)
            .field("shown", &self.shown.len())
            .field("selected", &self.selected)
            .finish_non_exhaustive()
    }
}

impl TreeSelector {
    /// A selector over the session `tree`, styled with `theme` and driven by `keys`.
    pub fn new(
        tree: SessionTree,
        options: TreeSelectorOptions,
        theme: Theme,
        keys: Rc<AppKeybindings>,
    ) -> Self {
        let mut calls = ToolCalls::new();
        for node in &tree.nodes {
            collect_tool_calls(&node.entry, &mut calls);
        }
        let positions: HashMap<&str, usize> = tree
            .nodes
            .iter()
            .enumerate()
            .map(|(at, node)| (node.entry.id.as_str(), at))
            .collect();
        let home = options.home.as_deref();
        let mut nodes: Vec<Node> = tree
            .nodes
            .iter()
            .map(|node| Node {
                id: node.entry.id.clone(),
                parent: node
                    .entry
                    .parent_id
                    .as_deref()
                    .filter(|p| *p != node.entry.id)
                    .and_then(|p| positions.get(p).copied()),
                children: node.children.clone(),
                label: node.label.clone(),
                label_timestamp: node.label_timestamp.clone(),
                kind: node_kind(&node.entry.kind),
                text: entry_text(&node.entry, &calls, home),
            })
            .collect();
        let leaf = options
            .leaf_id
            .as_deref()
            .and_then(|id| positions.get(id).copied());
        drop(positions);

        let mut on_active_path = vec![false; nodes.len()];
        let mut at = leaf;
        while let Some(node) = at {
            if std::mem::replace(&mut on_active_path[node], true) {
                break; // a cycle in a damaged file
            }
            at = nodes[node].parent;
        }
        // The branch holding the leaf comes first among siblings (the sort is stable).
        let mut roots = tree.roots.clone();
        roots.sort_by_key(|&r| !on_active_path[r]);
        for node in &mut nodes {
            node.children.sort_by_key(|&c| !on_active_path[c]);
        }

        let multiple_roots = roots.len() > 1;
        let rows = layout(&roots, |n| &nodes[n].children, multiple_roots);
        let flat = rows.iter().map(|row| row.node).collect();
        let count = nodes.len();
        let mut selector = TreeSelector {
            theme,
            keys,
            nodes,
            flat,
            shown: Vec::new(),
            visible_parent: vec![None; count],
            visible_children: vec![Vec::new(); count],
            multiple_roots,
            on_active_path,
            leaf,
            selected: 0,
            last_selected: None,
            max_visible: (options.terminal_rows / 2).max(5),
            filter: options.filter,
            search: String::new(),
            folded: HashSet::new(),
            show_label_timestamps: false,
            label_input: None,
            focused: false,
            on_select: None,
            on_cancel: None,
            on_label_change: None,
            on_copy: None,
        };
        selector.apply_filter();
        let target = options.initial_selected_id.or(options.leaf_id);
        let target = target.as_deref().and_then(|id| selector.position(id));
        selector.selected = selector.nearest_shown(target);
        selector.last_selected = selector.shown.get(selector.selected).map(|r| r.node);
        selector
    }

    /// Called with the id of the entry chosen with Enter.
    pub fn on_select(&mut self, f: impl FnMut(&str) + 'static) {
        self.on_select = Some(Box::new(f));
    }

    /// Called when the selector is dismissed with Escape (and no search is typed).
    pub fn on_cancel(&mut self, f: impl FnMut() + 'static) {
        self.on_cancel = Some(Box::new(f));
    }

    /// Called with `(entry_id, label)` when a label is saved; `None` removes it.
    pub fn on_label_change(&mut self, f: impl FnMut(&str, Option<&str>) + 'static) {
        self.on_label_change = Some(Box::new(f));
    }

    /// Called with the selected entry's text when the copy key is pressed (`None` when it
    /// has none).
    pub fn on_copy(&mut self, f: impl FnMut(Option<&str>) + 'static) {
        self.on_copy = Some(Box::new(f));
    }

    /// The filter in effect.
    pub fn filter(&self) -> TreeFilter {
        self.filter
    }

    /// The search typed so far.
    pub fn search(&self) -> &str {
        &self.search
    }

    /// The ids of the entries shown, top to bottom.
    pub fn shown_ids(&self) -> Vec<&str> {
        self.shown
            .iter()
            .map(|row| self.nodes[row.node].id.as_str())
            .collect()
    }

    /// The id of the highlighted entry.
    pub fn selected_id(&self) -> Option<&str> {
        let row = self.shown.get(self.selected)?;
        Some(&self.nodes[row.node].id)
    }

    /// Whether the label editor is open.
    pub fn is_editing_label(&self) -> bool {
        self.label_input.is_some()
    }

    fn position(&self, id: &str) -> Option<usize> {
        self.nodes.iter().position(|node| node.id == id)
    }

    /// The shown row of `node` or of its nearest shown ancestor, else the last row.
    fn nearest_shown(&self, node: Option<usize>) -> usize {
        if self.shown.is_empty() {
            return 0;
        }
        let mut at = node;
        let mut steps = 0;
        while let Some(node) = at {
            if let Some(row) = self.shown.iter().position(|row| row.node == node) {
                return row;
            }
            steps += 1;
            if steps > self.nodes.len() {
                break;
            }
            at = self.nodes[node].parent;
        }
        self.shown.len() - 1
    }

    fn passes(&self, node: usize, tokens: &[String]) -> bool {
        let n = &self.nodes[node];
        if n.kind == NodeKind::Usage {
            return false;
        }
        // Assistant turns that only called tools are hidden: their results show them.
        if n.kind == NodeKind::Assistant && n.text.tool_calls_only && Some(node) != self.leaf {
            return false;
        }
        let passes = match self.filter {
            TreeFilter::Default => n.kind != NodeKind::Bookkeeping,
            TreeFilter::NoTools => !matches!(n.kind, NodeKind::Bookkeeping | NodeKind::ToolResult),
            TreeFilter::UserOnly => n.kind == NodeKind::User,
            TreeFilter::LabeledOnly => n.label.is_some(),
            TreeFilter::All => true,
        };
        if !passes || tokens.is_empty() {
            return passes;
        }
        // The label leads the searched text, as in pi.
        let labeled;
        let text = match &n.label {
            Some(label) => {
                labeled = format!("{} {}", label.to_lowercase(), n.text.search);
                &labeled
            }
            None => &n.text.search,
        };
        tokens.iter().all(|token| text.contains(token.as_str()))
    }

    /// Recomputes the shown rows from the filter, search and folds, keeping the selection on
    /// the same entry or its nearest shown ancestor.
    fn apply_filter(&mut self) {
        if let Some(row) = self.shown.get(self.selected) {
            self.last_selected = Some(row.node);
        }
        let tokens: Vec<String> = self
            .search
            .to_lowercase()
            .split_whitespace()
            .map(str::to_owned)
            .collect();
        let mut hidden_by_fold = vec![false; self.nodes.len()];
        if !self.folded.is_empty() {
            for &node in &self.flat {
                if let Some(parent) = self.nodes[node].parent
                    && (self.folded.contains(&parent) || hidden_by_fold[parent])
                {
                    hidden_by_fold[node] = true;
                }
            }
        }
        let visible: Vec<usize> = self
            .flat
            .iter()
            .copied()
            .filter(|&n| !hidden_by_fold[n] && self.passes(n, &tokens))
            .collect();
        self.relayout(&visible);
        if let Some(last) = self.last_selected {
            self.selected = self.nearest_shown(Some(last));
        } else if self.selected >= self.shown.len() {
            self.selected = self.shown.len().saturating_sub(1);
        }
        if let Some(row) = self.shown.get(self.selected) {
            self.last_selected = Some(row.node);
        }
    }

    /// Lays out the `visible` entries as a tree of their own: each hangs under its nearest
    /// visible ancestor.
    fn relayout(&mut self, visible: &[usize]) {
        let mut is_visible = vec![false; self.nodes.len()];
        for &n in visible {
            is_visible[n] = true;
        }
        for children in &mut self.visible_children {
            children.clear();
        }
        let mut roots = Vec::new();
        for &n in visible {
            let mut at = self.nodes[n].parent;
            let mut steps = 0;
            while let Some(p) = at {
                if is_visible[p] || steps > self.nodes.len() {
                    break;
                }
                steps += 1;
                at = self.nodes[p].parent;
            }
            let parent = at.filter(|&p| is_visible[p]);
            self.visible_parent[n] = parent;
            match parent {
                Some(p) => self.visible_children[p].push(n),
                None => roots.push(n),
            }
        }
        if visible.is_empty() {
            self.shown.clear();
            return;
        }
        self.multiple_roots = roots.len() > 1;
        let children = &self.visible_children;
        self.shown = layout(&roots, |n| &children[n], self.multiple_roots);
    }

    fn is_foldable(&self, node: usize) -> bool {
        if self.visible_children[node].is_empty() {
            return false;
        }
        match self.visible_parent[node] {
            None => true,
            Some(parent) => self.visible_children[parent].len() > 1,
        }
    }

    /// The row of the next branch start above (following shown parents) or below
    /// (following first children) the selection.
    fn branch_segment_start(&self, down: bool) -> usize {
        let Some(row) = self.shown.get(self.selected) else {
            return self.selected;
        };
        let row_of = |node: usize| self.shown.iter().position(|r| r.node == node);
        let mut at = row.node;
        for _ in 0..=self.nodes.len() {
            if down {
                let children = &self.visible_children[at];
                match children.as_slice() {
                    [] => return row_of(at).unwrap_or(self.selected),
                    [only] => at = *only,
                    [first, ..] => return row_of(*first).unwrap_or(self.selected),
                }
            } else {
                let Some(parent) = self.visible_parent[at] else {
                    return row_of(at).unwrap_or(self.selected);
                };
                if self.visible_children[parent].len() > 1
                    && let Some(start) = row_of(at)
                    && start < self.selected
                {
                    return start;
                }
                at = parent;
            }
        }
        self.selected
    }

    fn set_filter(&mut self, filter: TreeFilter) {
        self.filter = filter;
        self.folded.clear();
        self.apply_filter();
    }

    /// A direct filter key switches to its mode, or back to the default when already there.
    fn toggle_filter(&mut self, filter: TreeFilter) {
        let next = if self.filter == filter {
            TreeFilter::Default
        } else {
            filter
        };
        self.set_filter(next);
    }

    fn set_search(&mut self, search: String) {
        self.search = search;
        self.folded.clear();
        self.apply_filter();
    }

    fn handle_tree_key(&mut self, data: &str) {
        let tui = self.keys.tui();
        let keys = Rc::clone(&self.keys);
        let len = self.shown.len();
        if tui.matches(data, action::SELECT_UP) {
            self.selected = if self.selected == 0 {
                len.saturating_sub(1)
            } else {
                self.selected - 1
            };
        } else if tui.matches(data, action::SELECT_DOWN) {
            self.selected = if self.selected + 1 >= len {
                0
            } else {
                self.selected + 1
            };
        } else if keys.matches(data, Action::TreeFoldOrUp) {
            let node = self.shown.get(self.selected).map(|r| r.node);
            match node {
                Some(n) if self.is_foldable(n) && !self.folded.contains(&n) => {
                    self.folded.insert(n);
                    self.apply_filter();
                }
                _ => self.selected = self.branch_segment_start(false),
            }
        } else if keys.matches(data, Action::TreeUnfoldOrDown) {
            let node = self.shown.get(self.selected).map(|r| r.node);
            match node {
                Some(n) if self.folded.remove(&n) => self.apply_filter(),
                _ => self.selected = self.branch_segment_start(true),
            }
        } else if tui.matches(data, action::EDITOR_CURSOR_LEFT)
            || tui.matches(data, action::SELECT_PAGE_UP)
        {
            self.selected = self.selected.saturating_sub(self.max_visible);
        } else if tui.matches(data, action::EDITOR_CURSOR_RIGHT)
            || tui.matches(data, action::SELECT_PAGE_DOWN)
        {
            self.selected = (self.selected + self.max_visible).min(len.saturating_sub(1));
        } else if tui.matches(data, action::SELECT_CONFIRM) {
            if let Some(row) = self.shown.get(self.selected)
                && let Some(f) = self.on_select.as_mut()
            {
                f(&self.nodes[row.node].id);
            }
        } else if keys.matches(data, Action::MessageCopy) {
            let text = self
                .shown
                .get(self.selected)
                .and_then(|row| self.nodes[row.node].text.copy.as_deref());
            if let Some(f) = self.on_copy.as_mut() {
                f(text);
            }
        } else if tui.matches(data, action::SELECT_CANCEL) {
            if self.search.is_empty() {
                if let Some(f) = self.on_cancel.as_mut() {
                    f();
                }
            } else {
                self.set_search(String::new());
            }
        } else if keys.matches(data, Action::TreeFilterDefault) {
            self.set_filter(TreeFilter::Default);
        } else if keys.matches(data, Action::TreeFilterNoTools) {
            self.toggle_filter(TreeFilter::NoTools);
        } else if keys.matches(data, Action::TreeFilterUserOnly) {
            self.toggle_filter(TreeFilter::UserOnly);
        } else if keys.matches(data, Action::TreeFilterLabeledOnly) {
            self.toggle_filter(TreeFilter::LabeledOnly);
        } else if keys.matches(data, Action::TreeFilterAll) {
            self.toggle_filter(TreeFilter::All);
        } else if keys.matches(data, Action::TreeFilterCycleBackward) {
            self.set_filter(self.filter.step(false));
        } else if keys.matches(data, Action::TreeFilterCycleForward) {
            self.set_filter(self.filter.step(true));
        } else if tui.matches(data, action::EDITOR_DELETE_CHAR_BACKWARD) {
            let mut search = std::mem::take(&mut self.search);
            if search.pop().is_some() {
                self.set_search(search);
            } else {
                self.search = search;
            }
        } else if keys.matches(data, Action::TreeEditLabel) {
            if let Some(row) = self.shown.get(self.selected) {
                let node = row.node;
                let mut input = Input::new().with_keybindings(Rc::new(keys.tui().clone()));
                if let Some(label) = &self.nodes[node].label {
                    input.set_value(label.clone());
                }
                input.set_focused(self.focused);
                self.label_input = Some((node, input));
            }
        } else if keys.matches(data, Action::TreeToggleLabelTimestamp) {
            self.show_label_timestamps = !self.show_label_timestamps;
        } else if !data.is_empty() && !data.chars().any(is_control) {
            let search = format!("{}{data}", self.search);
            self.set_search(search);
        }
    }

    fn handle_label_key(&mut self, data: &str) {
        let tui = self.keys.tui();
        let Some((node, input)) = self.label_input.as_mut() else {
            return;
        };
        if tui.matches(data, action::SELECT_CONFIRM) {
            let node = *node;
            let label = input.value().trim().to_owned();
            let label = (!label.is_empty()).then_some(label);
            let n = &mut self.nodes[node];
            n.label_timestamp = label.as_ref().map(|_| now_iso());
            n.label = label;
            self.label_input = None;
            if let Some(f) = self.on_label_change.as_mut() {
                f(&self.nodes[node].id, self.nodes[node].label.as_deref());
            }
        } else if tui.matches(data, action::SELECT_CANCEL) {
            self.label_input = None;
        } else {
            input.handle_input(data);
        }
    }

    fn status(&self) -> String {
        let mut status = self.filter.status().to_owned();
        if self.show_label_timestamps {
            status.push_str(" [+label time]");
        }
        status
    }

    fn render_tree(&self, width: usize) -> Vec<String> {
        let t = &self.theme;
        if self.shown.is_empty() {
            return vec![
                truncate_to_width(
                    &t.fg(ThemeColor::Muted, "  No entries found"),
                    width,
                    "",
                    false,
                ),
                truncate_to_width(
                    &t.fg(ThemeColor::Muted, &format!("  (0/0){}", self.status())),
                    width,
                    "",
                    false,
                ),
            ];
        }
        let len = self.shown.len();
        let start = self
            .selected
            .saturating_sub(self.max_visible / 2)
            .min(len.saturating_sub(self.max_visible));
        let end = (start + self.max_visible).min(len);
        let rows: Vec<RenderedRow> = (start..end)
            .filter_map(|i| Some(self.render_row(self.shown.get(i)?, i == self.selected)))
            .collect();
        let mut lines = horizontal_viewport(&rows, width);
        let position = format!("  ({}/{}){}", self.selected + 1, len, self.status());
        lines.push(truncate_to_width(
            &t.fg(ThemeColor::Muted, &position),
            width,
            "",
            false,
        ));
        lines
    }

    fn render_row(&self, row: &Row, selected: bool) -> RenderedRow {
        let t = &self.theme;
        let node = &self.nodes[row.node];
        let display_indent = if self.multiple_roots {
            row.indent.saturating_sub(1)
        } else {
            row.indent
        };
        let has_connector = row.show_connector && !row.virtual_root_child;
        let connector_level = if has_connector {
            display_indent.checked_sub(1)
        } else {
            None
        };
        let is_folded = self.folded.contains(&row.node);
        let mut prefix = String::with_capacity(display_indent * 3);
        for level in 0..display_indent {
            if let Some(gutter) = row.gutters.iter().find(|g| g.position == level) {
                prefix.push(if gutter.show { '│' } else { ' ' });
                prefix.push_str("  ");
            } else if connector_level == Some(level) {
                prefix.push(if row.is_last { '└' } else { '├' });
                prefix.push(if is_folded {
                    '⊞'
                } else if self.is_foldable(row.node) {
                    '⊟'
                } else {
                    '─'
                });
                prefix.push(' ');
            } else {
                prefix.push_str("   ");
            }
        }
        let mut prefix_part = t.fg(ThemeColor::Dim, &prefix);
        if is_folded && !has_connector {
            prefix_part.push_str(&t.fg(ThemeColor::Accent, "⊞ "));
        }
        if self.on_active_path[row.node] {
            prefix_part.push_str(&t.fg(ThemeColor::Accent, "• "));
        }
        let anchor_col = visible_width(&prefix_part);
        let mut body = prefix_part;
        if let Some(label) = &node.label {
            body.push_str(&t.fg(ThemeColor::Warning, &format!("[{label}] ")));
            if self.show_label_timestamps
                && let Some(time) = node.label_timestamp.as_deref().and_then(label_time)
            {
                body.push_str(&t.fg(ThemeColor::Muted, &format!("{time} ")));
            }
        }
        body.push_str(&node.text.line.render(t, selected));
        let mut gutter = if selected {
            t.fg(ThemeColor::Accent, "› ")
        } else {
            "  ".to_owned()
        };
        if selected {
            gutter = t.bg(ThemeBg::SelectedBg, &gutter);
            body = t.bg(ThemeBg::SelectedBg, &body);
        }
        let body_width = visible_width(&body);
        RenderedRow {
            gutter,
            body,
            anchor_col,
            body_width,
            selected,
        }
    }

    fn render_label_input(&mut self, width: usize) -> Vec<String> {
        let t = &self.theme;
        let mut lines = vec![truncate_to_width(
            &format!("  {}", t.fg(ThemeColor::Muted, "Label (empty to remove):")),
            width,
            "",
            false,
        )];
        let hint = format!(
            "  {}  {}",
            key_hint(t, self.keys.tui().keys(action::SELECT_CONFIRM), "save"),
            key_hint(t, self.keys.tui().keys(action::SELECT_CANCEL), "cancel"),
        );
        if let Some((_, input)) = self.label_input.as_mut() {
            for line in input.render(width.saturating_sub(2)) {
                lines.push(truncate_to_width(&format!("  {line}"), width, "", false));
            }
        }
        lines.push(truncate_to_width(&hint, width, "", false));
        lines
    }
}

fn node_kind(kind: &EntryKind) -> NodeKind {
    match kind {
        EntryKind::Message(message) => match message.role() {
            "user" => NodeKind::User,
            "assistant" => NodeKind::Assistant,
            "toolResult" => NodeKind::ToolResult,
            _ => NodeKind::Other,
        },
        EntryKind::Label { .. }
        | EntryKind::ContextEdit { .. }
        | EntryKind::Custom { .. }
        | EntryKind::ModelChange { .. }
        | EntryKind::ThinkingLevelChange { .. }
        | EntryKind::SessionInfo { .. } => NodeKind::Bookkeeping,
        EntryKind::Usage(_) => NodeKind::Usage,
        _ => NodeKind::Other,
    }
}

/// C0 and C1 control characters and DEL: keys, not text to search for.
fn is_control(c: char) -> bool {
    let code = u32::from(c);
    code < 0x20 || code == 0x7f || (0x80..=0x9f).contains(&code)
}

/// A key hint: the keys dim, the description muted (`enter save`).
fn key_hint(theme: &Theme, keys: &[String], description: &str) -> String {
    format!(
        "{}{}",
        theme.fg(ThemeColor::Dim, &keys.join("/")),
        theme.fg(ThemeColor::Muted, &format!(" {description}"))
    )
}

/// When a label was set: `HH:MM` today, `M/D HH:MM` this year, else `YY/M/D HH:MM` (UTC).
fn label_time(timestamp: &str) -> Option<String> {
    let iso = format_iso(parse_iso_ms(timestamp)?);
    let now = now_iso();
    let number = |text: &str, range: std::ops::Range<usize>| -> Option<u32> {
        text.get(range)?.parse().ok()
    };
    let time = iso.get(11..16)?;
    if iso.get(..10) == now.get(..10) {
        return Some(time.to_owned());
    }
    let (month, day) = (number(&iso, 5..7)?, number(&iso, 8..10)?);
    if iso.get(..4) == now.get(..4) {
        return Some(format!("{month}/{day} {time}"));
    }
    Some(format!("{}/{month}/{day} {time}", iso.get(2..4)?))
}

impl Component for TreeSelector {
    fn render(&mut self, width: usize) -> Vec<String> {
        let t = &self.theme;
        let border = t.fg(ThemeColor::Border, &"─".repeat(width.max(1)));
        let mut lines = vec![String::new(), border.clone()];
        lines.extend(Text::with_padding(t.bold("  Session Tree"), 1, 0).render(width));
        lines.extend(help::render_help(&self.theme, &self.keys, width));
        let mut search = format!("  {}", t.fg(ThemeColor::Muted, "Type to search:"));
        if !self.search.is_empty() {
            search.push(' ');
            search.push_str(&t.fg(ThemeColor::Accent, &self.search));
        }
        lines.push(truncate_to_width(&search, width, "", false));
        lines.push(border.clone());
        lines.push(String::new());
        if self.label_input.is_some() {
            lines.extend(self.render_label_input(width));
        } else {
            lines.extend(self.render_tree(width));
        }
        lines.push(String::new());
        lines.push(border);
        lines
    }

    fn handle_input(&mut self, data: &str) {
        if self.label_input.is_some() {
            self.handle_label_key(data);
        } else {
            self.handle_tree_key(data);
        }
    }

    fn set_focused(&mut self, focused: bool) {
        self.focused = focused;
        if let Some((_, input)) = self.label_input.as_mut() {
            input.set_focused(focused);
        }
    }
}

//! [`SessionSelector`]: the picker pi shows for `/resume` and `pi --resume`. It lists the
//! sessions of the current folder or, after Tab, of every folder; one row per session shows
//! its name (or first message), message count and age, and in the "all" scope its folder.
//! Forks sit under the session they came from (threaded sort); the sort key switches to most
//! recent first and to best match first. Typing searches (see [`search`]). Enter picks a
//! session, Escape cancels; the session keys rename the highlighted session, delete it after
//! a confirmation, show paths and show only named sessions.
//!
//! Sessions come from two loaders, one per scope, called when a scope is first shown and
//! again after a rename or delete, so the picker never reads files while drawing.

pub mod search;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::time::{Duration, Instant};

use pi_tui::components::{Input, Text};
use pi_tui::{Component, action, truncate_to_width, visible_width};

use self::search::{SortMode, filter_and_sort};
use super::keybindings::{Action, AppKeybindings, KeyPlatform};
use super::theme::{Theme, ThemeBg, ThemeColor};
use crate::session::{SessionError, SessionInfo, SessionManager};

/// Rows of sessions shown at once; the list scrolls to keep the selection in the middle.
const MAX_VISIBLE: usize = 10;

/// Which sessions the picker lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionScope {
    /// The sessions of the current folder.
    Current,
    /// Every session.
    All,
}

/// Which sessions pass the name filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameFilter {
    /// Every session.
    All,
    /// Only sessions that were given a name.
    Named,
}

/// Lists the sessions of one scope, most recently active first.
pub type SessionLoader = Box<dyn FnMut() -> Vec<SessionInfo>>;

/// Gives the session file a new name; the error is shown in the picker.
pub type RenameSession = Box<dyn FnMut(&Path, &str) -> Result<(), String>>;

/// What the picker starts from besides its two loaders.
#[derive(Default)]
pub struct SessionSelectorOptions {
    /// The session in use: marked in the list and never deleted.
    pub current_session: Option<PathBuf>,
    /// Renames a session (the rename key does nothing without it). [`rename_session_file`]
    /// does it for a session that is not open; the session in use is renamed through its
    /// own manager.
    pub rename: Option<RenameSession>,
    /// Whether the hints mention renaming (default: whether `rename` is set).
    pub show_rename_hint: Option<bool>,
    /// The home directory, shown as `~` in folders and paths.
    pub home: Option<PathBuf>,
    /// The time ages are measured from, Unix milliseconds (default: now).
    pub now: Option<i64>,
}

impl std::fmt::Debug for SessionSelectorOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionSelectorOptions")
            .field("current_session", &self.current_session)
            .field("rename", &self.rename.is_some())
            .field("show_rename_hint", &self.show_rename_hint)
            .field("home", &self.home)
            .field("now", &self.now)
            .finish()
    }
}

/// Names the session stored at `path` by appending a `session_info` entry to its file.
///
/// The file is opened (and locked) for the append, so this fails for a session open for
/// writing, this process's included: name the session in use through its own manager.
pub fn rename_session_file(path: &Path, name: &str) -> Result<(), SessionError> {
    let mut manager = SessionManager::open(path, None, None)?;
    manager.append_session_info(name)?;
    Ok(())
}

/// How a session file was removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeleteMethod {
    /// Moved to the trash by the `trash` command.
    Trash,
    /// Removed from disk.
    Unlink,
}

/// Removes a session file: into the trash when a `trash` command is installed, else for good.
/// The error names what went wrong with both.
pub fn delete_session_file(path: &Path) -> Result<DeleteMethod, String> {
    let mut trash = std::process::Command::new("trash");
    if path.to_string_lossy().starts_with('-') {
        trash.arg("--");
    }
    let trashed = trash.arg(path).stdin(std::process::Stdio::null()).output();
    if trashed.as_ref().is_ok_and(|o| o.status.success()) || !path.exists() {
        return Ok(DeleteMethod::Trash);
    }
    std::fs::remove_file(path)
        .map(|()| DeleteMethod::Unlink)
        .map_err(|e| {
            let hint = match &trashed {
                Err(e) => Some(e.to_string()),
                Ok(o) => String::from_utf8_lossy(&o.stderr)
                    .trim()
                    .lines()
                    .next()
                    .map(str::to_owned),
            };
            match hint.filter(|h| !h.is_empty()) {
                Some(h) => format!("{e} (trash: {})", h.chars().take(200).collect::<String>()),
                None => e.to_string(),
            }
        })
}

/// A listed session and the canonical paths that link forks to their parents.
struct Loaded {
    info: SessionInfo,
    key: PathBuf,
    parent_key: Option<PathBuf>,
}

fn canonical(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

fn load(loader: &mut SessionLoader) -> Vec<Loaded> {
    loader()
        .into_iter()
        .map(|info| Loaded {
            key: canonical(&info.path),
            parent_key: info
                .parent_session_path
                .as_deref()
                .filter(|p| !p.is_empty())
                .map(|p| canonical(Path::new(p))),
            info,
        })
        .collect()
}

/// One row of the list: a session and where it sits in the fork tree.
#[derive(Debug, Clone)]
struct Row {
    index: usize,
    depth: usize,
    is_last: bool,
    ancestor_continues: Vec<bool>,
}

struct Status {
    error: bool,
    message: String,
    until: Instant,
}

type PathCallback = Box<dyn FnMut(&Path)>;

/// The session picker component. See the module documentation.
pub struct SessionSelector {
    theme: Theme,
    keys: Rc<AppKeybindings>,
    scope: SessionScope,
    sort: SortMode,
    name_filter: NameFilter,
    load_current: SessionLoader,
    load_all: SessionLoader,
    current: Option<Vec<Loaded>>,
    all: Option<Vec<Loaded>>,
    rows: Vec<Row>,
    selected: usize,
    selection_touched: bool,
    search: Input,
    show_path: bool,
    confirming_delete: Option<PathBuf>,
    status: Option<Status>,
    rename: Option<RenameSession>,
    show_rename_hint: bool,
    renaming: Option<PathBuf>,
    rename_input: Input,
    current_session: Option<PathBuf>,
    home: Option<PathBuf>,
    now: Option<i64>,
    on_select: Option<PathCallback>,
    on_cancel: Option<Box<dyn FnMut()>>,
}

impl std::fmt::Debug for SessionSelector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionSelector")
            .field("scope", &self.scope)
            .field("sort", &self.sort)
            .field("name_filter", &self.name_filter)
            .field("search", &self.search.value())
            .field("shown", &self.rows.len())
            .field("selected", &self.selected)
            .finish_non_exhaustive()
    }
}

impl SessionSelector {
    /// A picker over the current folder's sessions (`load_current`, called now) and every
    /// session (`load_all`, called when first shown), styled with `theme`, driven by `keys`.
    pub fn new(
        load_current: SessionLoader,
        load_all: SessionLoader,
        options: SessionSelectorOptions,
        theme: Theme,
        keys: Rc<AppKeybindings>,
    ) -> Self {
        let tui = Rc::new(keys.tui().clone());
        let show_rename_hint = options.show_rename_hint.unwrap_or(options.rename.is_some());
        let mut selector = SessionSelector {
            theme,
            scope: SessionScope::Current,
            sort: SortMode::Threaded,
            name_filter: NameFilter::All,
            load_current,
            load_all,
            current: None,
            all: None,
            rows: Vec::new(),
            selected: 0,
            selection_touched: false,
            search: Input::new().with_keybindings(tui.clone()),
            show_path: false,
            confirming_delete: None,
            status: None,
            rename: options.rename,
            show_rename_hint,
            renaming: None,
            rename_input: Input::new().with_keybindings(tui),
            current_session: options.current_session.as_deref().map(canonical),
            home: options.home,
            now: options.now,
            on_select: None,
            on_cancel: None,
            keys,
        };
        selector.load_scope();
        selector
    }

    /// Called with the path of the session chosen with Enter.
    pub fn on_select(&mut self, f: impl FnMut(&Path) + 'static) {
        self.on_select = Some(Box::new(f));
    }

    /// Called when the picker is dismissed without a choice.
    pub fn on_cancel(&mut self, f: impl FnMut() + 'static) {
        self.on_cancel = Some(Box::new(f));
    }

    /// The scope being listed.
    pub fn scope(&self) -> SessionScope {
        self.scope
    }

    /// The sort in effect.
    pub fn sort_mode(&self) -> SortMode {
        self.sort
    }

    /// The name filter in effect.
    pub fn name_filter(&self) -> NameFilter {
        self.name_filter
    }

    /// The sessions listed, in order.
    pub fn shown(&self) -> Vec<&SessionInfo> {
        let active = self.active();
        self.rows
            .iter()
            .filter_map(|r| active.get(r.index).map(|l| &l.info))
            .collect()
    }

    /// The highlighted session, if any is listed.
    pub fn selected(&self) -> Option<&SessionInfo> {
        let row = self.rows.get(self.selected)?;
        self.active().get(row.index).map(|l| &l.info)
    }

    fn active(&self) -> &[Loaded] {
        match self.scope {
            SessionScope::Current => self.current.as_deref(),
            SessionScope::All => self.all.as_deref(),
        }
        .unwrap_or(&[])
    }

    fn is_current(&self, key: &Path) -> bool {
        self.current_session.as_deref() == Some(key)
    }

    /// Lists the active scope, loading it if it is not loaded yet, and keeps the selection
    /// on the same session once the user has moved it.
    fn load_scope(&mut self) {
        let keep = self
            .selection_touched
            .then(|| self.selected().map(|s| s.path.clone()))
            .flatten();
        match self.scope {
            SessionScope::Current if self.current.is_none() => {
                self.current = Some(load(&mut self.load_current));
            }
            SessionScope::All if self.all.is_none() => {
                self.all = Some(load(&mut self.load_all));
            }
            _ => {}
        }
        self.filter();
        if !self.selection_touched {
            self.selected = 0;
        } else if let Some(path) = keep
            && let Some(i) = self.shown().iter().position(|s| s.path == path)
        {
            self.selected = i;
        }
    }

    /// Forgets both scopes' sessions and lists the active one afresh.
    fn reload(&mut self) {
        self.current = None;
        self.all = None;
        self.load_scope();
    }

    fn filter(&mut self) {
        let query = self.search.value();
        let active = self.active();
        let named: Vec<usize> = (0..active.len())
            .filter(|&i| {
                self.name_filter == NameFilter::All
                    || active.get(i).is_some_and(|l| {
                        l.info.name.as_deref().is_some_and(|n| !n.trim().is_empty())
                    })
            })
            .collect();
        self.rows = if self.sort == SortMode::Threaded && query.trim().is_empty() {
            thread(active, &named)
        } else {
            let infos: Vec<&SessionInfo> = named
                .iter()
                .filter_map(|&i| active.get(i).map(|l| &l.info))
                .collect();
            filter_and_sort(&infos, query, self.sort)
                .into_iter()
                .filter_map(|p| named.get(p))
                .map(|&index| Row {
                    index,
                    depth: 0,
                    is_last: true,
                    ancestor_continues: Vec::new(),
                })
                .collect()
        };
        self.selected = self.selected.min(self.rows.len().saturating_sub(1));
    }

    fn set_status(&mut self, error: bool, message: String, millis: u64) {
        self.status = Some(Status {
            error,
            message,
            until: Instant::now() + Duration::from_millis(millis),
        });
    }

    fn toggle_scope(&mut self) {
        self.scope = match self.scope {
            SessionScope::Current => SessionScope::All,
            SessionScope::All => SessionScope::Current,
        };
        self.load_scope();
    }

    fn toggle_sort(&mut self) {
        self.sort = match self.sort {
            SortMode::Threaded => SortMode::Recent,
            SortMode::Recent => SortMode::Relevance,
            SortMode::Relevance => SortMode::Threaded,
        };
        self.filter();
    }

    fn toggle_name_filter(&mut self) {
        self.name_filter = match self.name_filter {
            NameFilter::All => NameFilter::Named,
            NameFilter::Named => NameFilter::All,
        };
        self.filter();
    }

    fn start_delete(&mut self) {
        let Some(row) = self.rows.get(self.selected) else {
            return;
        };
        let Some(loaded) = self.active().get(row.index) else {
            return;
        };
        if self.is_current(&loaded.key) {
            let message = "Cannot delete the currently active session".to_owned();
            self.set_status(true, message, 3000);
            return;
        }
        self.confirming_delete = Some(loaded.info.path.clone());
    }

    fn delete(&mut self, path: &Path) {
        match delete_session_file(path) {
            Ok(method) => {
                for list in [&mut self.current, &mut self.all].into_iter().flatten() {
                    list.retain(|l| l.info.path != path);
                }
                let message = match method {
                    DeleteMethod::Trash => "Session moved to trash",
                    DeleteMethod::Unlink => "Session deleted",
                };
                self.set_status(false, message.to_owned(), 2000);
                self.reload();
            }
            Err(e) => self.set_status(true, format!("Failed to delete: {e}"), 3000),
        }
    }

    fn start_rename(&mut self) {
        if self.rename.is_none() {
            return;
        }
        let Some(session) = self.selected() else {
            return;
        };
        let (path, name) = (session.path.clone(), session.name.clone());
        self.rename_input.set_value(name.unwrap_or_default());
        // The name field takes the cursor even when the picker itself is not focused.
        self.rename_input.set_focused(true);
        self.renaming = Some(path);
    }

    fn confirm_rename(&mut self) {
        let name = self.rename_input.value().trim().to_owned();
        if name.is_empty() {
            return;
        }
        let (Some(path), Some(rename)) = (self.renaming.take(), self.rename.as_mut()) else {
            return;
        };
        match rename(&path, &name) {
            Ok(()) => self.reload(),
            Err(e) => self.set_status(true, format!("Failed to rename: {e}"), 3000),
        }
    }

    fn choose(&mut self) {
        let Some(path) = self.selected().map(|s| s.path.clone()) else {
            return;
        };
        self.status = None;
        if let Some(f) = self.on_select.as_mut() {
            f(&path);
        }
    }

    /// A key as pi's hints spell it (`ctrl+s`; `option` for `alt` on macOS).
    fn key_text(&self, tui_action: Option<&str>, app_action: Option<Action>) -> String {
        let keys = match (tui_action, app_action) {
            (Some(a), _) => self.keys.tui().keys(a),
            (None, Some(a)) => self.keys.keys(a),
            (None, None) => &[],
        };
        let text = keys.join("/");
        if self.keys.platform() == KeyPlatform::MacOs {
            text.split('+')
                .map(|p| {
                    if p.eq_ignore_ascii_case("alt") {
                        "option"
                    } else {
                        p
                    }
                })
                .collect::<Vec<_>>()
                .join("+")
        } else {
            text
        }
    }

    fn hint(&self, tui_action: Option<&str>, app_action: Option<Action>, what: &str) -> String {
        let t = &self.theme;
        let key = self.key_text(tui_action, app_action);
        format!(
            "{}{}",
            t.fg(ThemeColor::Dim, &key),
            t.fg(ThemeColor::Muted, &format!(" {what}"))
        )
    }

    fn header_lines(&self, width: usize) -> Vec<String> {
        let t = &self.theme;
        let title = match self.scope {
            SessionScope::Current => "Resume Session (Current Folder)",
            SessionScope::All => "Resume Session (All)",
        };
        let sort = match self.sort {
            SortMode::Threaded => "Threaded",
            SortMode::Recent => "Recent",
            SortMode::Relevance => "Fuzzy",
        };
        let name = match self.name_filter {
            NameFilter::All => "All",
            NameFilter::Named => "Named",
        };
        let scope = match self.scope {
            SessionScope::Current => format!(
                "{}{}",
                t.fg(ThemeColor::Accent, "◉ Current Folder"),
                t.fg(ThemeColor::Muted, " | ○ All")
            ),
            SessionScope::All => format!(
                "{}{}",
                t.fg(ThemeColor::Muted, "○ Current Folder | "),
                t.fg(ThemeColor::Accent, "◉ All")
            ),
        };
        let right = format!(
            "{scope}  {}{}  {}{}",
            t.fg(ThemeColor::Muted, "Name: "),
            t.fg(ThemeColor::Accent, name),
            t.fg(ThemeColor::Muted, "Sort: "),
            t.fg(ThemeColor::Accent, sort),
        );
        let right = truncate_to_width(&right, width, "", false);
        let right_width = visible_width(&right);
        let available = width.saturating_sub(right_width + 1);
        let left = truncate_to_width(&t.bold(title), available, "", false);
        let spacing = width.saturating_sub(visible_width(&left) + right_width);
        let first = format!("{left}{}{right}", " ".repeat(spacing));

        let status = self.status.as_ref().filter(|s| s.until > Instant::now());
        let (hint1, hint2) = if self.confirming_delete.is_some() {
            let confirm = format!(
                "Delete session? {} · {}",
                self.hint(Some(action::SELECT_CONFIRM), None, "confirm"),
                self.hint(Some(action::SELECT_CANCEL), None, "cancel"),
            );
            let line = truncate_to_width(&confirm, width, "…", false);
            (t.fg(ThemeColor::Error, &line), String::new())
        } else if let Some(status) = status {
            let color = if status.error {
                ThemeColor::Error
            } else {
                ThemeColor::Accent
            };
            let line = truncate_to_width(&status.message, width, "…", false);
            (t.fg(color, &line), String::new())
        } else {
            let sep = t.fg(ThemeColor::Muted, " · ");
            let hint1 = format!(
                "{}{sep}{}",
                self.hint(Some(action::INPUT_TAB), None, "scope"),
                t.fg(ThemeColor::Muted, "re:<pattern> regex · \"phrase\" exact"),
            );
            let path_state = if self.show_path { "(on)" } else { "(off)" };
            let mut parts = vec![
                self.hint(None, Some(Action::SessionToggleSort), "sort"),
                self.hint(None, Some(Action::SessionToggleNamedFilter), "named"),
                self.hint(None, Some(Action::SessionDelete), "delete"),
                self.hint(
                    None,
                    Some(Action::SessionTogglePath),
                    &format!("path {path_state}"),
                ),
            ];
            if self.show_rename_hint {
                parts.push(self.hint(None, Some(Action::SessionRename), "rename"));
            }
            (
                truncate_to_width(&hint1, width, "…", false),
                truncate_to_width(&parts.join(&sep), width, "…", false),
            )
        };
        vec![first, hint1, hint2]
    }

    fn shorten(&self, path: &str) -> String {
        if let Some(home) = self.home.as_deref().and_then(Path::to_str)
            && !home.is_empty()
            && let Some(rest) = path.strip_prefix(home)
        {
            return format!("~{rest}");
        }
        path.to_owned()
    }

    fn list_lines(&mut self, width: usize) -> Vec<String> {
        let mut lines = self.search.render(width);
        lines.push(String::new());
        let t = &self.theme;
        if self.rows.is_empty() {
            let show_cwd = self.scope == SessionScope::All;
            let message = match (self.name_filter, show_cwd) {
                (NameFilter::Named, true) => format!(
                    "  No named sessions found. Press {} to show all.",
                    self.key_text(None, Some(Action::SessionToggleNamedFilter))
                ),
                (NameFilter::Named, false) => format!(
                    "  No named sessions in current folder. Press {} to show all, or Tab to view all.",
                    self.key_text(None, Some(Action::SessionToggleNamedFilter))
                ),
                (NameFilter::All, true) => "  No sessions found".to_owned(),
                (NameFilter::All, false) => {
                    "  No sessions in current folder. Press Tab to view all.".to_owned()
                }
            };
            lines.push(t.fg(
                ThemeColor::Muted,
                &truncate_to_width(&message, width, "…", false),
            ));
            return lines;
        }
        let len = self.rows.len();
        let start = self
            .selected
            .saturating_sub(MAX_VISIBLE / 2)
            .min(len.saturating_sub(MAX_VISIBLE));
        let end = (start + MAX_VISIBLE).min(len);
        let now = self.now.unwrap_or_else(now_ms);
        let active = self.active();
        for i in start..end {
            let Some(row) = self.rows.get(i) else {
                continue;
            };
            let Some(loaded) = active.get(row.index) else {
                continue;
            };
            lines.push(self.row_line(row, loaded, i == self.selected, now, width));
        }
        if start > 0 || end < len {
            let scroll = format!("  ({}/{})", self.selected + 1, len);
            lines.push(t.fg(
                ThemeColor::Muted,
                &truncate_to_width(&scroll, width, "", false),
            ));
        }
        lines
    }

    fn row_line(
        &self,
        row: &Row,
        loaded: &Loaded,
        is_selected: bool,
        now: i64,
        width: usize,
    ) -> String {
        let t = &self.theme;
        let session = &loaded.info;
        let deleting = self.confirming_delete.as_deref() == Some(session.path.as_path());
        let prefix = tree_prefix(row);
        let text = session.name.as_deref().unwrap_or(&session.first_message);
        let text: String = text
            .chars()
            .map(|c| if c.is_ascii_control() { ' ' } else { c })
            .collect();
        let mut right = format!(
            "{} {}",
            session.message_count,
            format_age(now, session.modified)
        );
        if self.scope == SessionScope::All && !session.cwd.is_empty() {
            right = format!("{} {right}", self.shorten(&session.cwd));
        }
        if self.show_path {
            right = format!("{} {right}", self.shorten(&session.path.to_string_lossy()));
        }
        let cursor = if is_selected {
            t.fg(ThemeColor::Accent, "› ")
        } else {
            "  ".to_owned()
        };
        let available = width
            .saturating_sub(2 + visible_width(&prefix) + visible_width(&right) + 2)
            .max(10);
        let message = truncate_to_width(text.trim(), available, "…", false);
        let color = if deleting {
            Some(ThemeColor::Error)
        } else if self.is_current(&loaded.key) {
            Some(ThemeColor::Accent)
        } else if session.name.is_some() {
            Some(ThemeColor::Warning)
        } else {
            None
        };
        let mut styled = color.map_or(message.clone(), |c| t.fg(c, &message));
        if is_selected {
            styled = t.bold(&styled);
        }
        let left = format!("{cursor}{}{styled}", t.fg(ThemeColor::Dim, &prefix));
        let spacing = width
            .saturating_sub(visible_width(&left) + visible_width(&right))
            .max(1);
        let right_color = if deleting {
            ThemeColor::Error
        } else {
            ThemeColor::Dim
        };
        let mut line = format!("{left}{}{}", " ".repeat(spacing), t.fg(right_color, &right));
        if is_selected {
            line = t.bg(ThemeBg::SelectedBg, &line);
        }
        // The whole row is cut with pi's default ellipsis, three dots.
        truncate_to_width(&line, width, "...", false)
    }

    fn handle_list_input(&mut self, data: &str) {
        let keys = Rc::clone(&self.keys);
        let tui = keys.tui();
        if let Some(path) = self.confirming_delete.clone() {
            if tui.matches(data, action::SELECT_CONFIRM) {
                self.confirming_delete = None;
                self.delete(&path);
            } else if tui.matches(data, action::SELECT_CANCEL) {
                self.confirming_delete = None;
            }
            return;
        }
        if tui.matches(data, action::INPUT_TAB) {
            self.toggle_scope();
        } else if keys.matches(data, Action::SessionToggleSort) {
            self.toggle_sort();
        } else if keys.matches(data, Action::SessionToggleNamedFilter) {
            self.toggle_name_filter();
        } else if keys.matches(data, Action::SessionTogglePath) {
            self.show_path = !self.show_path;
        } else if keys.matches(data, Action::SessionDelete) {
            self.start_delete();
        } else if keys.matches(data, Action::SessionRename) {
            self.start_rename();
        } else if keys.matches(data, Action::SessionDeleteNoninvasive)
            && self.search.value().is_empty()
        {
            self.start_delete();
        } else {
            self.selection_touched = true;
            let last = self.rows.len().saturating_sub(1);
            if tui.matches(data, action::SELECT_UP) {
                self.selected = self.selected.saturating_sub(1);
            } else if tui.matches(data, action::SELECT_DOWN) {
                self.selected = (self.selected + 1).min(last);
            } else if tui.matches(data, action::SELECT_PAGE_UP) {
                self.selected = self.selected.saturating_sub(MAX_VISIBLE);
            } else if tui.matches(data, action::SELECT_PAGE_DOWN) {
                self.selected = (self.selected + MAX_VISIBLE).min(last);
            } else if tui.matches(data, action::SELECT_CONFIRM) {
                self.choose();
            } else if tui.matches(data, action::SELECT_CANCEL) {
                self.status = None;
                if let Some(f) = self.on_cancel.as_mut() {
                    f();
                }
            } else {
                self.search.handle_input(data);
                self.filter();
            }
        }
    }
}

/// Threads the sessions at `indexes` of `sessions`: forks under their parent, each level
/// ordered by the latest activity in its subtree, newest first.
fn thread(sessions: &[Loaded], indexes: &[usize]) -> Vec<Row> {
    let by_key: HashMap<&Path, usize> = indexes
        .iter()
        .filter_map(|&i| sessions.get(i).map(|l| (l.key.as_path(), i)))
        .collect();
    let mut children: HashMap<usize, Vec<usize>> = HashMap::new();
    let mut roots = Vec::new();
    for &i in indexes {
        let parent = sessions
            .get(i)
            .and_then(|l| l.parent_key.as_deref())
            .and_then(|p| by_key.get(p));
        match parent {
            Some(&p) => children.entry(p).or_default().push(i),
            None => roots.push(i),
        }
    }
    let mut latest: HashMap<usize, i64> = HashMap::new();
    fn activity(
        i: usize,
        sessions: &[Loaded],
        children: &HashMap<usize, Vec<usize>>,
        latest: &mut HashMap<usize, i64>,
    ) -> i64 {
        let mut newest = sessions.get(i).map_or(0, |l| l.info.modified);
        for &child in children.get(&i).map_or(&[][..], Vec::as_slice) {
            newest = newest.max(activity(child, sessions, children, latest));
        }
        latest.insert(i, newest);
        newest
    }
    for &root in &roots {
        activity(root, sessions, &children, &mut latest);
    }
    let newest_first = |list: &mut Vec<usize>| {
        list.sort_by_key(|i| std::cmp::Reverse(latest.get(i).copied().unwrap_or(0)));
    };
    newest_first(&mut roots);
    for list in children.values_mut() {
        newest_first(list);
    }
    let mut rows = Vec::new();
    fn walk(
        i: usize,
        depth: usize,
        ancestors: Vec<bool>,
        is_last: bool,
        children: &HashMap<usize, Vec<usize>>,
        rows: &mut Vec<Row>,
    ) {
        rows.push(Row {
            index: i,
            depth,
            is_last,
            ancestor_continues: ancestors.clone(),
        });
        let kids = children.get(&i).map_or(&[][..], Vec::as_slice);
        for (n, &child) in kids.iter().enumerate() {
            // Only forks draw a line down past their own children.
            let mut next = ancestors.clone();
            next.push(depth > 0 && !is_last);
            walk(child, depth + 1, next, n + 1 == kids.len(), children, rows);
        }
    }
    let count = roots.len();
    for (n, &root) in roots.iter().enumerate() {
        walk(root, 0, Vec::new(), n + 1 == count, &children, &mut rows);
    }
    rows
}

fn tree_prefix(row: &Row) -> String {
    if row.depth == 0 {
        return String::new();
    }
    let mut prefix: String = row
        .ancestor_continues
        .iter()
        .map(|&c| if c { "│  " } else { "   " })
        .collect();
    prefix.push_str(if row.is_last { "└─ " } else { "├─ " });
    prefix
}

/// How long ago `modified` was, as pi writes it: `now`, `5m`, `3h`, `2d`, `1w`, `4mo`, `1y`.
pub fn format_age(now: i64, modified: i64) -> String {
    let ms = now - modified;
    let mins = ms.div_euclid(60_000);
    let hours = ms.div_euclid(3_600_000);
    let days = ms.div_euclid(86_400_000);
    if mins < 1 {
        "now".to_owned()
    } else if mins < 60 {
        format!("{mins}m")
    } else if hours < 24 {
        format!("{hours}h")
    } else if days < 7 {
        format!("{days}d")
    } else if days < 30 {
        format!("{}w", days / 7)
    } else if days < 365 {
        format!("{}mo", days / 30)
    } else {
        format!("{}y", days / 365)
    }
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

fn padded(text: String, width: usize) -> Vec<String> {
    Text::with_padding(text, 1, 0).render(width)
}

impl Component for SessionSelector {
    fn render(&mut self, width: usize) -> Vec<String> {
        let border = self.theme.fg(ThemeColor::Accent, &"─".repeat(width.max(1)));
        let mut lines = vec![String::new(), border.clone(), String::new()];
        if self.renaming.is_some() {
            lines.extend(padded(self.theme.bold("Rename Session"), width));
            lines.push(String::new());
            lines.extend(self.rename_input.render(width));
            lines.push(String::new());
            let hint = format!(
                "{} to save · {} to cancel",
                self.key_text(Some(action::SELECT_CONFIRM), None),
                self.key_text(Some(action::SELECT_CANCEL), None),
            );
            lines.extend(padded(self.theme.fg(ThemeColor::Muted, &hint), width));
        } else {
            lines.extend(self.header_lines(width));
            lines.push(String::new());
            lines.extend(self.list_lines(width));
        }
        lines.push(String::new());
        lines.push(border);
        lines
    }

    fn handle_input(&mut self, data: &str) {
        if self.renaming.is_none() {
            self.handle_list_input(data);
            return;
        }
        let keys = Rc::clone(&self.keys);
        if keys.tui().matches(data, action::SELECT_CANCEL) {
            self.renaming = None;
        } else if keys.tui().matches(data, action::INPUT_SUBMIT) {
            self.confirm_rename();
        } else {
            self.rename_input.handle_input(data);
        }
    }

    fn set_focused(&mut self, focused: bool) {
        self.search.set_focused(focused);
        self.rename_input.set_focused(focused);
    }
}

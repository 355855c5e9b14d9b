//! [`TrustSelector`]: the list pi shows for `/trust`. It names the project, the saved
//! decision that applies to it (its own or an ancestor's) and whether this run trusts it, and
//! offers to trust it, to trust its parent folder or not to trust it. The answer that matches
//! the saved decision is ticked and selected first; Enter saves the selected one, Escape
//! cancels. [`apply_trust_selection`] saves a choice and [`trust_saved_status`] words it.

use std::path::{Path, PathBuf};
use std::rc::Rc;

use pi_tui::components::Text;
use pi_tui::{Component, action};

use super::keybindings::AppKeybindings;
use super::theme::{Theme, ThemeColor};
use crate::config::trust::{TrustEntry, TrustError, TrustOption, TrustStore, trust_options};

/// What a `/trust` answer saves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustSelection {
    /// Whether the answer trusts the project.
    pub trusted: bool,
    /// The decisions to save, in order (`None` forgets the directory's own decision).
    pub updates: Vec<(PathBuf, Option<bool>)>,
}

/// Saves a `/trust` answer in `store`, as pi does (one locked read-modify-write).
pub fn apply_trust_selection(
    store: &TrustStore,
    selection: &TrustSelection,
) -> Result<(), TrustError> {
    store.set_many(&selection.updates)
}

/// The status pi shows once a `/trust` answer is saved.
pub fn trust_saved_status(trusted: bool) -> String {
    let word = if trusted { "trusted" } else { "untrusted" };
    format!("Saved trust decision: {word}. Restart pi for this to take effect.")
}

type SelectCallback = Box<dyn FnMut(TrustSelection)>;

/// The `/trust` selector component. See the module documentation.
pub struct TrustSelector {
    theme: Theme,
    keys: Rc<AppKeybindings>,
    /// The header rows, fixed once built: title, directory, saved decision, this run.
    cwd: String,
    saved_line: String,
    session_line: String,
    options: Vec<TrustOption>,
    saved: Option<TrustEntry>,
    selected: usize,
    on_select: Option<SelectCallback>,
    on_cancel: Option<Box<dyn FnMut()>>,
}

impl std::fmt::Debug for TrustSelector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TrustSelector")
            .field("cwd", &self.cwd)
            .field("saved", &self.saved)
            .field("selected", &self.selected)
            .finish_non_exhaustive()
    }
}

/// The directory an answer saves its decision for (none for session-only answers).
fn saved_path(option: &TrustOption) -> Option<&Path> {
    option.updates.first().map(|(path, _)| path.as_path())
}

impl TrustSelector {
    /// A selector for the project at `cwd`, whose nearest saved decision is `saved` and
    /// which this run trusts or not (`project_trusted`).
    pub fn new(
        cwd: &Path,
        saved: Option<TrustEntry>,
        project_trusted: bool,
        theme: Theme,
        keys: Rc<AppKeybindings>,
    ) -> Self {
        let options = trust_options(cwd, false);
        let decision = match &saved {
            None => "none".to_owned(),
            Some(entry) => {
                let label = if entry.trusted {
                    "trusted"
                } else {
                    "untrusted"
                };
                let own = options.first().and_then(saved_path);
                if own.is_some_and(|own| own != entry.path) {
                    format!("{label} (inherited from {})", entry.path.display())
                } else {
                    format!("{label} ({})", entry.path.display())
                }
            }
        };
        let session = if project_trusted {
            "trusted"
        } else {
            "untrusted"
        };
        let mut selector = TrustSelector {
            cwd: cwd.display().to_string(),
            saved_line: format!("Saved decision: {decision}"),
            session_line: format!("Current session: {session}"),
            theme,
            keys,
            options,
            saved,
            selected: 0,
            on_select: None,
            on_cancel: None,
        };
        selector.selected = (0..selector.options.len())
            .find(|&i| selector.is_saved(i))
            .unwrap_or(0);
        selector
    }

    /// Called with the answer chosen with Enter.
    pub fn on_select(&mut self, f: impl FnMut(TrustSelection) + 'static) {
        self.on_select = Some(Box::new(f));
    }

    /// Called when the selector is dismissed without an answer.
    pub fn on_cancel(&mut self, f: impl FnMut() + 'static) {
        self.on_cancel = Some(Box::new(f));
    }

    /// The highlighted answer.
    pub fn selected(&self) -> Option<TrustSelection> {
        self.options
            .get(self.selected)
            .map(|option| TrustSelection {
                trusted: option.trusted,
                updates: option.updates.clone(),
            })
    }

    /// Whether answer `index` is what is saved now.
    fn is_saved(&self, index: usize) -> bool {
        let (Some(option), Some(saved)) = (self.options.get(index), &self.saved) else {
            return false;
        };
        saved.trusted == option.trusted && saved_path(option) == Some(saved.path.as_path())
    }

    /// A key hint as pi writes it: the keys dim (`escape/ctrl+c`), the description muted.
    fn hint(&self, keys: &str, description: &str) -> String {
        let t = &self.theme;
        format!(
            "{}{}",
            t.fg(ThemeColor::Dim, keys),
            t.fg(ThemeColor::Muted, &format!(" {description}"))
        )
    }
}

impl Component for TrustSelector {
    fn render(&mut self, width: usize) -> Vec<String> {
        let t = &self.theme;
        let text = |line: &str| Text::with_padding(line, 1, 0).render(width);
        let border = t.fg(ThemeColor::Border, &"─".repeat(width.max(1)));
        let mut lines = vec![border.clone(), String::new()];
        lines.extend(text(&t.fg(ThemeColor::Accent, &t.bold("Project trust"))));
        lines.extend(text(&t.fg(ThemeColor::Muted, &self.cwd)));
        lines.push(String::new());
        lines.extend(text(&t.fg(ThemeColor::Muted, &self.saved_line)));
        lines.extend(text(&t.fg(ThemeColor::Muted, &self.session_line)));
        lines.push(String::new());
        for (i, option) in self.options.iter().enumerate() {
            let chosen = i == self.selected;
            let prefix = if chosen {
                t.fg(ThemeColor::Accent, "→ ")
            } else {
                "  ".to_owned()
            };
            let mark = if self.is_saved(i) {
                t.fg(ThemeColor::Accent, "✓ ")
            } else {
                "  ".to_owned()
            };
            let color = if chosen {
                ThemeColor::Accent
            } else {
                ThemeColor::Text
            };
            let label = t.fg(color, &option.label);
            lines.extend(text(&format!("{prefix}{mark}{label}")));
        }
        lines.push(String::new());
        let tui = self.keys.tui();
        let hint = format!(
            "{}  {}  {}",
            self.hint("↑↓", "navigate"),
            self.hint(&tui.keys(action::SELECT_CONFIRM).join("/"), "save"),
            self.hint(&tui.keys(action::SELECT_CANCEL).join("/"), "cancel"),
        );
        lines.extend(text(&hint));
        lines.push(String::new());
        lines.push(border);
        lines
    }

    fn handle_input(&mut self, data: &str) {
        let tui = self.keys.tui();
        if tui.matches(data, action::SELECT_UP) || data == "k" {
            self.selected = self.selected.saturating_sub(1);
        } else if tui.matches(data, action::SELECT_DOWN) || data == "j" {
            self.selected = (self.selected + 1).min(self.options.len().saturating_sub(1));
        } else if tui.matches(data, action::SELECT_CONFIRM) || data == "\n" {
            if let (Some(selection), Some(f)) = (self.selected(), self.on_select.as_mut()) {
                f(selection);
            }
        } else if tui.matches(data, action::SELECT_CANCEL)
            && let Some(f) = self.on_cancel.as_mut()
        {
            f();
        }
    }
}

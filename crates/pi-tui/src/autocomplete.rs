//! Autocomplete for the editor: the [`AutocompleteProvider`] contract and pi's
//! [`CombinedAutocompleteProvider`] (slash commands with argument completion, `@` fuzzy file
//! search, and Tab path completion).

mod file_search;
mod paths;

use std::path::PathBuf;
use std::rc::Rc;

use crate::components::SelectItem;
use crate::fuzzy::fuzzy_filter;

pub use file_search::{FileEntry, search_files};
pub(crate) use paths::is_separator;

/// Suggestions for the text before the cursor, and the prefix they replace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestions {
    /// What may be chosen.
    pub items: Vec<SelectItem>,
    /// The text before the cursor that a chosen item replaces.
    pub prefix: String,
}

/// The editor's text after a completion was applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completion {
    /// All lines.
    pub lines: Vec<String>,
    /// The cursor's line.
    pub cursor_line: usize,
    /// The cursor's byte offset in its line.
    pub cursor_col: usize,
}

/// Supplies completions to the editor.
///
/// Implementations must not panic on any text or cursor position (the cursor is a byte
/// offset at a character boundary, or past the end of a line). They run on the UI thread,
/// so they should answer quickly; pi's file search stops after a bounded number of entries.
pub trait AutocompleteProvider {
    /// Suggestions for the cursor position. `force` is set when the user pressed Tab (file
    /// completion even where it would not pop up by itself).
    fn suggestions(
        &self,
        lines: &[String],
        cursor_line: usize,
        cursor_col: usize,
        force: bool,
    ) -> Option<Suggestions>;

    /// The text after choosing `item` for `prefix`.
    fn apply_completion(
        &self,
        lines: &[String],
        cursor_line: usize,
        cursor_col: usize,
        item: &SelectItem,
        prefix: &str,
    ) -> Completion;

    /// Whether Tab should try file completion here.
    fn should_trigger_file_completion(
        &self,
        _lines: &[String],
        _cursor_line: usize,
        _cursor_col: usize,
    ) -> bool {
        true
    }

    /// Extra characters that open the popup when typed at a token start (besides `@`, `#`).
    fn trigger_characters(&self) -> Vec<char> {
        Vec::new()
    }
}

/// Completes a command's arguments from the text typed after `/<name> `.
pub type ArgumentCompletions = Rc<dyn Fn(&str) -> Vec<SelectItem>>;

/// A slash command offered after `/` at the start of the input.
#[derive(Clone)]
pub struct SlashCommand {
    /// The name, without the slash.
    pub name: String,
    /// What it does.
    pub description: Option<String>,
    /// A hint for its arguments, like `<model>`.
    pub argument_hint: Option<String>,
    /// Completions for its arguments.
    pub argument_completions: Option<ArgumentCompletions>,
}

impl std::fmt::Debug for SlashCommand {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SlashCommand")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

impl SlashCommand {
    /// A command with a description.
    pub fn new(name: impl Into<String>, description: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            description: Some(description.into()),
            argument_hint: None,
            argument_completions: None,
        }
    }

    /// Adds argument completion.
    pub fn with_arguments(mut self, f: impl Fn(&str) -> Vec<SelectItem> + 'static) -> Self {
        self.argument_completions = Some(Rc::new(f));
        self
    }
}

/// pi's provider: slash commands, `@` file search under `base_path`, and path completion.
#[derive(Debug, Clone)]
pub struct CombinedAutocompleteProvider {
    commands: Vec<SlashCommand>,
    base_path: PathBuf,
    home: Option<PathBuf>,
}

impl CombinedAutocompleteProvider {
    /// Offers `commands` and files under `base_path`.
    pub fn new(commands: Vec<SlashCommand>, base_path: impl Into<PathBuf>) -> Self {
        Self {
            commands,
            base_path: base_path.into(),
            home: std::env::home_dir(),
        }
    }

    /// Uses another home directory for `~` (tests).
    pub fn with_home(mut self, home: Option<PathBuf>) -> Self {
        self.home = home;
        self
    }

    fn command_suggestions(&self, text: &str) -> Option<Suggestions> {
        let Some(space) = text.find(' ') else {
            let prefix = text.get(1..).unwrap_or_default();
            let items: Vec<SelectItem> = self
                .commands
                .iter()
                .map(|c| {
                    let desc = c.description.clone().unwrap_or_default();
                    let full = match &c.argument_hint {
                        Some(h) if !desc.is_empty() => format!("{h} — {desc}"),
                        Some(h) => h.clone(),
                        None => desc,
                    };
                    let item = SelectItem::new(c.name.clone()).with_label(c.name.clone());
                    if full.is_empty() {
                        item
                    } else {
                        item.with_description(full)
                    }
                })
                .collect();
            let skills = prefix.starts_with("skill:");
            let filtered = fuzzy_filter(&items, prefix, |i| match i.value.strip_prefix("skill:") {
                Some(rest) if !skills => rest.to_owned(),
                _ => i.value.clone(),
            });
            return (!filtered.is_empty()).then(|| Suggestions {
                items: filtered,
                prefix: text.to_owned(),
            });
        };
        let name = text.get(1..space).unwrap_or_default();
        let argument = text.get(space + 1..).unwrap_or_default();
        let command = self.commands.iter().find(|c| c.name == name)?;
        let items = (command.argument_completions.as_ref()?)(argument);
        (!items.is_empty()).then(|| Suggestions {
            items,
            prefix: argument.to_owned(),
        })
    }
}

impl AutocompleteProvider for CombinedAutocompleteProvider {
    fn suggestions(
        &self,
        lines: &[String],
        cursor_line: usize,
        cursor_col: usize,
        force: bool,
    ) -> Option<Suggestions> {
        let line = lines.get(cursor_line).map_or("", String::as_str);
        let before = line.get(..cursor_col.min(line.len())).unwrap_or(line);
        if let Some(at) = paths::extract_at_prefix(before) {
            let parsed = paths::parse_path_prefix(&at);
            let items = file_search::fuzzy_file_suggestions(
                &self.base_path,
                self.home.as_deref(),
                &parsed.raw,
                parsed.quoted,
            );
            return (!items.is_empty()).then_some(Suggestions { items, prefix: at });
        }
        if !force && before.starts_with('/') {
            return self.command_suggestions(before);
        }
        let prefix = paths::extract_path_prefix(before, force)?;
        let items = paths::file_suggestions(&self.base_path, self.home.as_deref(), &prefix);
        (!items.is_empty()).then_some(Suggestions { items, prefix })
    }

    fn apply_completion(
        &self,
        lines: &[String],
        cursor_line: usize,
        cursor_col: usize,
        item: &SelectItem,
        prefix: &str,
    ) -> Completion {
        paths::apply_completion(lines, cursor_line, cursor_col, item, prefix)
    }

    fn should_trigger_file_completion(
        &self,
        lines: &[String],
        cursor_line: usize,
        cursor_col: usize,
    ) -> bool {
        let line = lines.get(cursor_line).map_or("", String::as_str);
        let before = line
            .get(..cursor_col.min(line.len()))
            .unwrap_or(line)
            .trim();
        !before.starts_with('/') || before.contains(' ')
    }
}

//! Which theme files pi loads for one working directory, in order: the discovered and
//! configured ones (`sources.rs`, unless `--no-themes`), then the `--theme` paths. Reading
//! and checking the files is the theme module's job (`interactive::theme`).

use std::path::PathBuf;

use super::diagnostics::{Diagnostic, ResourceKind};
use super::loader::paths_to_load;
use super::paths::{EntryKind, path_kind, read_dir_sorted};
use super::sources::Kind;
use super::{ResourceInputs, source_inputs};

/// The theme paths of the settings and the command line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ThemeSources {
    /// User settings' `themes` (relative paths start at the agent directory).
    pub user_themes: Vec<String>,
    /// Project settings' `themes` (relative paths start at `.pi`; used only when trusted).
    pub project_themes: Vec<String>,
    /// `--theme` paths: files or directories (loaded even with `--no-themes`).
    pub cli_themes: Vec<String>,
    /// `--no-themes`: no discovered or configured themes.
    pub no_themes: bool,
}

/// One step of loading themes: a file to read, or a configured path that holds none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ThemeEntry {
    /// A file to read as a theme.
    File(PathBuf),
    /// The warning about a path that does not exist (`theme path does not exist`) or is not
    /// a `.json` file (`theme path is not a json file`).
    Problem(Diagnostic),
}

/// The theme files to load, in precedence order (of two themes with one name, the first
/// wins), with the problems of configured paths in their place (pi reports them in that
/// order). A directory given on the command line contributes every `.json` file directly in
/// it, hidden ones included, as pi's loader lists them.
pub fn theme_files(inputs: &ResourceInputs, sources: &ThemeSources) -> Vec<ThemeEntry> {
    let source = source_inputs(inputs, &sources.user_themes, &sources.project_themes);
    let (paths, _) = paths_to_load(
        Kind::Themes,
        &source,
        sources.no_themes,
        &sources.cli_themes,
    );
    let mut files = Vec::with_capacity(paths.len());
    for path in paths {
        match path_kind(&path) {
            None => files.push(warning("theme path does not exist", path)),
            Some(EntryKind::Dir) => {
                let Ok(entries) = read_dir_sorted(&path) else {
                    continue;
                };
                files.extend(
                    entries
                        .into_iter()
                        .filter(|entry| {
                            entry.kind == EntryKind::File && entry.name_bytes().ends_with(b".json")
                        })
                        .map(|entry| ThemeEntry::File(entry.path)),
                );
            }
            Some(EntryKind::File) if path.as_os_str().as_encoded_bytes().ends_with(b".json") => {
                files.push(ThemeEntry::File(path));
            }
            Some(_) => files.push(warning("theme path is not a json file", path)),
        }
    }
    files
}

fn warning(message: &str, path: PathBuf) -> ThemeEntry {
    ThemeEntry::Problem(Diagnostic::warning(ResourceKind::Theme, message, &path))
}

//! The themes pi can switch to: the built-in ones, those loaded from the theme files of the
//! working directory's resources, and any `<agent dir>/themes/<name>.json` asked for by name.

use std::path::{Path, PathBuf};

use indexmap::IndexMap;

use super::color::ColorMode;
use super::watch::ThemeWatcher;
use super::{Theme, ThemeError, ThemeFile, builtin_theme_file};
use crate::resources::{
    Diagnostic, ResourceInputs, ResourceKind, ThemeEntry, ThemeSources, theme_files,
};

/// The names of the built-in themes.
const BUILTIN: [&str; 2] = ["dark", "light"];

/// A theme read from a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadedTheme {
    /// The checked file.
    pub file: ThemeFile,
    /// Where it was read from.
    pub path: PathBuf,
}

/// A theme offered for selection, with its file (`None` for a built-in theme).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThemeListing {
    /// The theme's name.
    pub name: String,
    /// Its file.
    pub path: Option<PathBuf>,
}

/// The themes pi knows for one working directory.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ThemeCatalog {
    /// `<agent dir>/themes`, where a theme asked for by name is looked up last.
    user_dir: PathBuf,
    /// Themes loaded from the resources' theme files, by name.
    loaded: IndexMap<String, LoadedTheme>,
}

impl ThemeCatalog {
    /// A catalog with only the built-in themes and the user's theme directory.
    pub fn new(agent_dir: &Path) -> ThemeCatalog {
        ThemeCatalog {
            user_dir: agent_dir.join("themes"),
            loaded: IndexMap::new(),
        }
    }

    /// Loads the theme files of `inputs`' working directory (see
    /// [`theme_files`](crate::resources::theme_files)). Files that are not valid themes are
    /// reported as warnings with pi's message, a second theme of the same name as a
    /// collision; the first one of a name is kept.
    pub fn load(
        inputs: &ResourceInputs,
        sources: &ThemeSources,
    ) -> (ThemeCatalog, Vec<Diagnostic>) {
        let mut catalog = ThemeCatalog::new(&inputs.agent_dir);
        let mut diagnostics = Vec::new();
        let mut collisions = Vec::new();
        for file in theme_files(inputs, sources) {
            let path = match file {
                ThemeEntry::File(path) => path,
                ThemeEntry::Problem(diagnostic) => {
                    diagnostics.push(diagnostic);
                    continue;
                }
            };
            let file = match ThemeFile::read(&path) {
                Ok(file) => file,
                Err(error) => {
                    diagnostics.push(Diagnostic::warning(
                        ResourceKind::Theme,
                        error.to_string(),
                        &path,
                    ));
                    continue;
                }
            };
            match catalog.loaded.get(file.name()) {
                Some(kept) => collisions.push(Diagnostic::collision(
                    ResourceKind::Theme,
                    file.name(),
                    &kept.path,
                    &path,
                )),
                None => {
                    catalog
                        .loaded
                        .insert(file.name().to_owned(), LoadedTheme { file, path });
                }
            }
        }
        diagnostics.extend(collisions);
        (catalog, diagnostics)
    }

    /// The themes loaded from files, in precedence order.
    pub fn loaded(&self) -> impl Iterator<Item = &LoadedTheme> {
        self.loaded.values()
    }

    /// Adds or replaces the loaded theme called `name` (a hot reload keeps the name it was
    /// selected by).
    pub fn insert(&mut self, name: &str, theme: LoadedTheme) {
        self.loaded.insert(name.to_owned(), theme);
    }

    /// The theme file called `name` and where it lives: a loaded theme first, then a
    /// built-in one, then `<agent dir>/themes/<name>.json` (checked with `name` as its label).
    pub fn theme_file(&self, name: &str) -> Result<(ThemeFile, Option<PathBuf>), ThemeError> {
        if let Some(loaded) = self.loaded.get(name) {
            return Ok((loaded.file.clone(), Some(loaded.path.clone())));
        }
        if let Some(file) = builtin_theme_file(name) {
            return Ok((file.clone(), None));
        }
        let path = self.user_file(name);
        if !path.exists() {
            return Err(ThemeError::NotFound(name.to_owned()));
        }
        let text = std::fs::read_to_string(&path).map_err(|source| ThemeError::Read {
            path: path.clone(),
            source,
        })?;
        Ok((ThemeFile::parse(name, &text)?, Some(path)))
    }

    /// The theme called `name`, ready for a colour mode.
    pub fn theme(&self, name: &str, mode: ColorMode) -> Result<Theme, ThemeError> {
        let (file, path) = self.theme_file(name)?;
        Ok(file.to_theme(mode, path))
    }

    /// The theme called `name`, or the dark theme with the reason `name` could not be used
    /// (pi falls back to dark; at startup silently, after `/settings` with
    /// `Failed to load theme "<name>": <error>\nFell back to dark theme.`).
    pub fn theme_or_dark(&self, name: &str, mode: ColorMode) -> (Theme, Option<ThemeError>) {
        match self.theme(name, mode) {
            Ok(theme) => (theme, None),
            Err(error) => (Theme::dark(mode), Some(error)),
        }
    }

    /// The themes to offer in the theme selector, sorted by name: the built-in ones, the
    /// valid files in `<agent dir>/themes` and the loaded ones, each name once.
    pub fn listing(&self) -> Vec<ThemeListing> {
        let mut listed: IndexMap<String, Option<PathBuf>> = IndexMap::new();
        for name in BUILTIN {
            listed.insert(name.to_owned(), None);
        }
        for (name, path) in self.user_dir_themes() {
            listed.entry(name).or_insert(Some(path));
        }
        for (name, loaded) in &self.loaded {
            listed
                .entry(name.clone())
                .or_insert_with(|| Some(loaded.path.clone()));
        }
        let mut listing: Vec<ThemeListing> = listed
            .into_iter()
            .map(|(name, path)| ThemeListing { name, path })
            .collect();
        // Close to JavaScript's localeCompare for theme names: case does not decide first.
        listing.sort_by(|a, b| {
            a.name
                .to_lowercase()
                .cmp(&b.name.to_lowercase())
                .then_with(|| a.name.cmp(&b.name))
        });
        listing
    }

    /// A watcher for the active theme `name`, when it is a user theme pi reloads on change:
    /// only `<agent dir>/themes/<name>.json`, and only when it exists.
    pub fn watcher(&self, name: &str) -> Option<ThemeWatcher> {
        if BUILTIN.contains(&name) {
            return None;
        }
        let path = self.user_file(name);
        path.is_file()
            .then(|| ThemeWatcher::new(name.to_owned(), path))
    }

    fn user_file(&self, name: &str) -> PathBuf {
        self.user_dir.join(format!("{name}.json"))
    }

    /// The named, valid themes directly in `<agent dir>/themes`.
    fn user_dir_themes(&self) -> Vec<(String, PathBuf)> {
        let Ok(entries) = std::fs::read_dir(&self.user_dir) else {
            return Vec::new();
        };
        let mut paths: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .map(|entry| entry.path())
            .filter(|path| path.as_os_str().as_encoded_bytes().ends_with(b".json"))
            .collect();
        paths.sort();
        paths
            .into_iter()
            .filter_map(|path| {
                let file = ThemeFile::read(&path).ok()?;
                (!file.name().is_empty()).then(|| (file.name().to_owned(), path))
            })
            .collect()
    }
}

//! `settings.json`: the user's settings (`<agentDir>/settings.json`) merged with a trusted
//! project's (`<cwd>/.pi/settings.json`).
//!
//! Both files are kept as the JSON they hold, so keys this version does not know survive a
//! rewrite. Project values win; objects merge at every depth. Setters change the user file's
//! values in memory and remember which keys they touched; [`Settings::flush`] writes only
//! those keys, merged into what the file holds *now* (another pi may have written it since),
//! under the same lock the reference takes. A file that failed to parse is never written.

mod kinds;
mod migrate;
mod values;

use std::fmt;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use super::env::Env;
use super::json::{parse_object, to_pretty_string};
use super::lock::{FileLock, LockError};
use super::paths::{ConfigPaths, project_settings};

pub use kinds::{
    CacheWarming, DoubleEscapeAction, FullscreenExitOutput, FullscreenScrollbar, MermaidMode,
    ProjectTrustDefault, QueueMode, TerminalImages, Transport, TreeFilterMode, TuiMode,
};
pub use migrate::migrate_settings;
pub use values::{
    BranchSummarySettings, CompactionSettings, ProviderRetrySettings, RetrySettings,
    SettingValueError, TerminalOverrides, parse_thinking_level,
};

/// Which settings file a value comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SettingsScope {
    /// `<agentDir>/settings.json`.
    Global,
    /// `<cwd>/.pi/settings.json`.
    Project,
}

impl SettingsScope {
    /// `global` or `project`, as pi names the scopes.
    pub fn as_str(self) -> &'static str {
        match self {
            SettingsScope::Global => "global",
            SettingsScope::Project => "project",
        }
    }
}

/// A settings file that could not be read; its scope then counts as empty and is never
/// written back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettingsDiagnostic {
    /// The scope that failed.
    pub scope: SettingsScope,
    /// The file, when the settings come from one.
    pub path: Option<PathBuf>,
    /// What went wrong.
    pub message: String,
}

impl fmt::Display for SettingsDiagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.path {
            Some(path) => write!(
                f,
                "Invalid settings file {}: {}",
                path.display(),
                self.message
            ),
            None => write!(
                f,
                "Invalid {} settings: {}",
                self.scope.as_str(),
                self.message
            ),
        }
    }
}

/// Why settings could not be written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SettingsError {
    /// Project settings are only written for a trusted project.
    #[error("Project is not trusted; refusing to write project settings")]
    ProjectNotTrusted,
    /// The settings file could not be locked.
    #[error(transparent)]
    Lock(#[from] LockError),
    /// The settings file changed into something that is not a JSON object.
    #[error("Invalid settings file {}: {message}", path.display())]
    Invalid {
        /// The file.
        path: PathBuf,
        /// The parse error.
        message: String,
    },
    /// Reading or writing the file failed.
    #[error("cannot write settings file {}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// What the operating system said.
        source: std::io::Error,
    },
}

/// Where the two scopes live.
#[derive(Debug)]
enum Storage {
    Files { global: PathBuf, project: PathBuf },
    Memory { global: String, project: String },
}

/// Keys changed since the last write, with the nested keys changed inside object values.
#[derive(Debug, Default, Clone)]
struct Modified {
    fields: Vec<String>,
    nested: Vec<(String, Vec<String>)>,
}

impl Modified {
    fn mark(&mut self, field: &str, nested_key: Option<&str>) {
        if !self.fields.iter().any(|f| f == field) {
            self.fields.push(field.to_string());
        }
        if let Some(key) = nested_key {
            match self.nested.iter_mut().find(|(f, _)| f == field) {
                Some((_, keys)) if keys.iter().any(|k| k == key) => {}
                Some((_, keys)) => keys.push(key.to_string()),
                None => self.nested.push((field.to_string(), vec![key.to_string()])),
            }
        }
    }

    fn nested_keys(&self, field: &str) -> Option<&[String]> {
        self.nested
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, keys)| keys.as_slice())
    }

    fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }
}

/// The effective settings and the two files behind them.
#[derive(Debug)]
pub struct Settings {
    storage: Storage,
    home: Option<PathBuf>,
    global: Map<String, Value>,
    project: Map<String, Value>,
    merged: Map<String, Value>,
    project_trusted: bool,
    global_failed: bool,
    project_failed: bool,
    global_modified: Modified,
    project_modified: Modified,
    diagnostics: Vec<SettingsDiagnostic>,
}

impl Settings {
    /// Loads `<agentDir>/settings.json` and, when `project_trusted`, `<cwd>/.pi/settings.json`.
    ///
    /// Never fails: a file that cannot be read or parsed counts as empty and is reported by
    /// [`Settings::take_diagnostics`].
    pub fn load(paths: &ConfigPaths, cwd: &Path, project_trusted: bool, env: &Env) -> Self {
        let storage = Storage::Files {
            global: paths.settings(),
            project: project_settings(cwd),
        };
        Self::from_storage(storage, project_trusted, env.home().map(Path::to_path_buf))
    }

    /// Settings held in memory only (tests, embedders): `value` as the user settings.
    pub fn in_memory(value: Value) -> Self {
        let mut map = match value {
            Value::Object(map) => map,
            _ => Map::new(),
        };
        migrate_settings(&mut map);
        let storage = Storage::Memory {
            global: to_pretty_string(&map),
            project: String::new(),
        };
        Self::from_storage(storage, true, None)
    }

    fn from_storage(storage: Storage, project_trusted: bool, home: Option<PathBuf>) -> Self {
        let mut settings = Settings {
            storage,
            home,
            global: Map::new(),
            project: Map::new(),
            merged: Map::new(),
            project_trusted,
            global_failed: false,
            project_failed: false,
            global_modified: Modified::default(),
            project_modified: Modified::default(),
            diagnostics: Vec::new(),
        };
        settings.load_scope(SettingsScope::Global);
        settings.load_scope(SettingsScope::Project);
        settings.remerge();
        settings
    }

    fn load_scope(&mut self, scope: SettingsScope) {
        let loaded = if scope == SettingsScope::Project && !self.project_trusted {
            Ok(Map::new())
        } else {
            self.read_scope(scope)
        };
        let (map, failed) = match loaded {
            Ok(map) => (map, false),
            Err(message) => {
                self.diagnostics.push(SettingsDiagnostic {
                    scope,
                    path: self.path(scope).map(Path::to_path_buf),
                    message,
                });
                (Map::new(), true)
            }
        };
        match scope {
            SettingsScope::Global => {
                self.global = map;
                self.global_failed = failed;
            }
            SettingsScope::Project => {
                self.project = map;
                self.project_failed = failed;
            }
        }
    }

    /// Reads and migrates one scope; empty when its file does not exist.
    fn read_scope(&self, scope: SettingsScope) -> Result<Map<String, Value>, String> {
        let content = match &self.storage {
            Storage::Memory { global, project } => match scope {
                SettingsScope::Global => global.clone(),
                SettingsScope::Project => project.clone(),
            },
            Storage::Files { .. } => {
                let Some(path) = self.path(scope) else {
                    return Ok(Map::new());
                };
                if !path.exists() {
                    return Ok(Map::new());
                }
                // Read under the writers' lock so a half-written file is never seen.
                let _lock = FileLock::acquire(path).map_err(|err| err.to_string())?;
                std::fs::read_to_string(path).map_err(|err| err.to_string())?
            }
        };
        if content.is_empty() {
            return Ok(Map::new());
        }
        let mut map = parse_object(&content)?;
        migrate_settings(&mut map);
        Ok(map)
    }

    /// The file behind `scope`, when settings come from files.
    pub fn path(&self, scope: SettingsScope) -> Option<&Path> {
        match (&self.storage, scope) {
            (Storage::Files { global, .. }, SettingsScope::Global) => Some(global),
            (Storage::Files { project, .. }, SettingsScope::Project) => Some(project),
            (Storage::Memory { .. }, _) => None,
        }
    }

    fn remerge(&mut self) {
        self.merged = deep_merge(&self.global, &self.project);
    }

    /// The files that could not be read since the last call, as pi reports them
    /// (`Invalid settings file <path>: <message>`).
    pub fn take_diagnostics(&mut self) -> Vec<SettingsDiagnostic> {
        std::mem::take(&mut self.diagnostics)
    }

    /// The effective settings: user settings with the trusted project's merged over them.
    pub fn merged(&self) -> &Map<String, Value> {
        &self.merged
    }

    /// The user settings as loaded and changed since.
    pub fn global(&self) -> &Map<String, Value> {
        &self.global
    }

    /// The project settings (empty unless the project is trusted).
    pub fn project(&self) -> &Map<String, Value> {
        &self.project
    }

    /// Whether project settings are in effect.
    pub fn is_project_trusted(&self) -> bool {
        self.project_trusted
    }

    /// Trusts or distrusts the project, loading or dropping its settings.
    pub fn set_project_trusted(&mut self, trusted: bool) {
        if self.project_trusted == trusted {
            return;
        }
        self.project_trusted = trusted;
        self.project_modified = Modified::default();
        if trusted {
            self.load_scope(SettingsScope::Project);
        } else {
            self.project = Map::new();
            self.project_failed = false;
        }
        self.remerge();
    }

    /// Re-reads both files, dropping unsaved changes.
    pub fn reload(&mut self) {
        // pi keeps the last good values of a scope whose reload fails.
        let global = self.global.clone();
        self.load_scope(SettingsScope::Global);
        if self.global_failed {
            self.global = global;
        }
        self.global_modified = Modified::default();
        self.project_modified = Modified::default();
        let project = self.project.clone();
        self.load_scope(SettingsScope::Project);
        if self.project_failed {
            self.project = project;
        }
        self.remerge();
    }

    /// Merges `overrides` over the effective settings for this run only (never written).
    pub fn apply_overrides(&mut self, overrides: &Map<String, Value>) {
        self.merged = deep_merge(&self.merged, overrides);
    }

    /// Sets (or with `None` removes) a user setting; written by the next [`Settings::flush`].
    pub fn set(&mut self, key: &str, value: Option<Value>) {
        match value {
            Some(value) => {
                self.global.insert(key.to_string(), value);
            }
            None => {
                self.global.shift_remove(key);
            }
        }
        self.global_modified.mark(key, None);
        self.remerge();
    }

    /// Sets (or removes) `key.nested` in the user settings, leaving the object's other keys
    /// as the file has them when written.
    pub fn set_nested(&mut self, key: &str, nested: &str, value: Option<Value>) {
        let entry = self
            .global
            .entry(key.to_string())
            .or_insert_with(|| Value::Object(Map::new()));
        if !entry.is_object() {
            *entry = Value::Object(Map::new());
        }
        if let Value::Object(object) = entry {
            match value {
                Some(value) => {
                    object.insert(nested.to_string(), value);
                }
                None => {
                    object.shift_remove(nested);
                }
            }
        }
        self.global_modified.mark(key, Some(nested));
        self.remerge();
    }

    /// Sets (or removes) a project setting; refused unless the project is trusted.
    pub fn set_project(&mut self, key: &str, value: Option<Value>) -> Result<(), SettingsError> {
        if !self.project_trusted {
            return Err(SettingsError::ProjectNotTrusted);
        }
        match value {
            Some(value) => {
                self.project.insert(key.to_string(), value);
            }
            None => {
                self.project.shift_remove(key);
            }
        }
        self.project_modified.mark(key, None);
        self.remerge();
        Ok(())
    }

    /// Whether changes wait to be written.
    pub fn has_unsaved_changes(&self) -> bool {
        !self.global_modified.is_empty() || !self.project_modified.is_empty()
    }

    /// Writes the changed keys of each scope into its file, merged into the file's current
    /// content under the file's lock, as two-space JSON. A scope whose file failed to load
    /// is left alone, as pi leaves it.
    pub fn flush(&mut self) -> Result<(), SettingsError> {
        if !self.global_modified.is_empty() && !self.global_failed {
            self.write_scope(SettingsScope::Global)?;
            self.global_modified = Modified::default();
        }
        if !self.project_modified.is_empty() && !self.project_failed {
            if !self.project_trusted {
                return Err(SettingsError::ProjectNotTrusted);
            }
            self.write_scope(SettingsScope::Project)?;
            self.project_modified = Modified::default();
        }
        Ok(())
    }

    fn write_scope(&mut self, scope: SettingsScope) -> Result<(), SettingsError> {
        let (values, modified) = match scope {
            SettingsScope::Global => (&self.global, &self.global_modified),
            SettingsScope::Project => (&self.project, &self.project_modified),
        };
        match &mut self.storage {
            Storage::Memory { global, project } => {
                let current = match scope {
                    SettingsScope::Global => global,
                    SettingsScope::Project => project,
                };
                let base = if current.is_empty() {
                    Map::new()
                } else {
                    parse_object(current).unwrap_or_default()
                };
                *current = to_pretty_string(&merge_modified(base, values, modified));
                Ok(())
            }
            Storage::Files {
                global: global_path,
                project: project_path,
            } => {
                let path = match scope {
                    SettingsScope::Global => global_path.clone(),
                    SettingsScope::Project => project_path.clone(),
                };
                write_file(&path, values, modified)
            }
        }
    }

    fn home(&self) -> Option<&Path> {
        self.home.as_deref()
    }
}

/// Writes `modified` keys of `values` into the file at `path` under its lock.
fn write_file(
    path: &Path,
    values: &Map<String, Value>,
    modified: &Modified,
) -> Result<(), SettingsError> {
    let io_error = |source| SettingsError::Io {
        path: path.to_path_buf(),
        source,
    };
    if let Some(dir) = path.parent()
        && !dir.as_os_str().is_empty()
    {
        std::fs::create_dir_all(dir).map_err(io_error)?;
    }
    let _lock = FileLock::acquire(path)?;
    let current = match std::fs::read_to_string(path) {
        Ok(text) if !text.is_empty() => {
            let mut map = parse_object(&text).map_err(|message| SettingsError::Invalid {
                path: path.to_path_buf(),
                message,
            })?;
            migrate_settings(&mut map);
            map
        }
        Ok(_) => Map::new(),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Map::new(),
        Err(err) => return Err(io_error(err)),
    };
    let next = merge_modified(current, values, modified);
    std::fs::write(path, to_pretty_string(&next)).map_err(io_error)
}

/// The file's current content with the modified keys taken from memory; a modified object
/// changed key by key keeps the file's other nested keys.
fn merge_modified(
    mut current: Map<String, Value>,
    values: &Map<String, Value>,
    modified: &Modified,
) -> Map<String, Value> {
    for field in &modified.fields {
        let value = values.get(field);
        match (modified.nested_keys(field), value) {
            (Some(keys), Some(Value::Object(in_memory))) => {
                let mut nested = match current.get(field) {
                    Some(Value::Object(object)) => object.clone(),
                    _ => Map::new(),
                };
                for key in keys {
                    match in_memory.get(key) {
                        Some(v) => {
                            nested.insert(key.clone(), v.clone());
                        }
                        None => {
                            nested.shift_remove(key);
                        }
                    }
                }
                current.insert(field.clone(), Value::Object(nested));
            }
            (_, Some(value)) => {
                current.insert(field.clone(), value.clone());
            }
            (_, None) => {
                current.shift_remove(field);
            }
        }
    }
    current
}

/// `overrides` merged over `base`: objects merge at every depth, anything else is replaced.
pub fn deep_merge(base: &Map<String, Value>, overrides: &Map<String, Value>) -> Map<String, Value> {
    let mut result = base.clone();
    for (key, value) in overrides {
        let merged = match (result.get(key), value) {
            (Some(Value::Object(base)), Value::Object(over)) => {
                Value::Object(deep_merge(base, over))
            }
            _ => value.clone(),
        };
        result.insert(key.clone(), merged);
    }
    result
}

#[cfg(test)]
mod tests;

//! Project trust: whether a working directory may load its own `.pi` settings and resources.
//!
//! A project needs a decision only when it has something to protect: `.pi/settings.json`,
//! `.pi/{extensions,skills,prompts,themes}`, `.pi/SYSTEM.md`, `.pi/APPEND_SYSTEM.md`, or a
//! `.agents/skills` directory in it or an ancestor (other than `~/.agents/skills`). A bare
//! `.pi` directory needs none; context files (`AGENTS.md`) load regardless.
//!
//! The decision comes from, in order: `--approve`/`--no-approve`; (extensions, which this
//! version does not load); the nearest saved decision in `<agentDir>/trust.json` for the
//! directory or an ancestor; the user's `defaultProjectTrust` (`ask` prompts in interactive
//! mode and means "no" elsewhere).

use std::cmp::Ordering;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use super::json::{parse_object, to_pretty_string};
use super::lock::{FileLock, LockError};
use super::paths::{ConfigPaths, PROJECT_CONFIG_DIR, normalize_lexically};
use super::settings::ProjectTrustDefault;

/// The entries of a project's `.pi` directory that need trust.
pub const TRUST_REQUIRING_RESOURCES: [&str; 7] = [
    "settings.json",
    "extensions",
    "skills",
    "prompts",
    "themes",
    "SYSTEM.md",
    "APPEND_SYSTEM.md",
];

/// Why the trust store could not be used; the texts are pi's.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TrustError {
    /// `trust.json` is not valid JSON.
    #[error("Failed to read trust store {}: {message}", path.display())]
    Read {
        /// `trust.json`.
        path: PathBuf,
        /// The parse error.
        message: String,
    },
    /// `trust.json` holds something other than an object of decisions.
    #[error("Invalid trust store {}: {problem}", path.display())]
    Invalid {
        /// `trust.json`.
        path: PathBuf,
        /// What is wrong.
        problem: String,
    },
    /// The store could not be locked.
    #[error(transparent)]
    Lock(#[from] LockError),
    /// The store could not be written.
    #[error("cannot write trust store {}: {source}", path.display())]
    Write {
        /// `trust.json`.
        path: PathBuf,
        /// What the operating system said.
        source: std::io::Error,
    },
}

/// `path` absolute, `.`/`..` resolved and symlinks followed where it exists, as pi keys
/// trust decisions.
pub fn canonical_dir(path: &Path) -> PathBuf {
    let absolute = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(path)
    };
    let normalized = normalize_lexically(&absolute);
    std::fs::canonicalize(&normalized).unwrap_or(normalized)
}

/// Whether `cwd` has project resources that need a trust decision. `home` locates the
/// user's own `~/.agents/skills`, which never counts.
pub fn has_trust_requiring_resources(cwd: &Path, home: Option<&Path>) -> bool {
    let current = canonical_dir(cwd);
    let config_dir = current.join(PROJECT_CONFIG_DIR);
    if TRUST_REQUIRING_RESOURCES
        .iter()
        .any(|entry| config_dir.join(entry).exists())
    {
        return true;
    }
    let user_skills = home.map(|home| canonical_dir(home).join(".agents").join("skills"));
    current.ancestors().any(|dir| {
        let skills = dir.join(".agents").join("skills");
        Some(&skills) != user_skills.as_ref() && skills.exists()
    })
}

/// A saved decision and the directory it was saved for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustEntry {
    /// The directory (the project or one of its ancestors).
    pub path: PathBuf,
    /// Trusted or not.
    pub trusted: bool,
}

/// `<agentDir>/trust.json`: saved decisions keyed by canonical directory.
#[derive(Debug, Clone)]
pub struct TrustStore {
    path: PathBuf,
}

impl TrustStore {
    /// The store of the agent directory.
    pub fn new(paths: &ConfigPaths) -> Self {
        TrustStore {
            path: paths.trust(),
        }
    }

    /// The store at `path`.
    pub fn at(path: impl Into<PathBuf>) -> Self {
        TrustStore { path: path.into() }
    }

    /// The decision for `cwd`: its own or its nearest ancestor's.
    pub fn get(&self, cwd: &Path) -> Result<Option<bool>, TrustError> {
        Ok(self.entry(cwd)?.map(|entry| entry.trusted))
    }

    /// The nearest saved decision for `cwd` and where it was saved.
    pub fn entry(&self, cwd: &Path) -> Result<Option<TrustEntry>, TrustError> {
        let _lock = self.lock()?;
        let data = self.read()?;
        let start = canonical_dir(cwd);
        Ok(start
            .ancestors()
            .find_map(|dir| match data.get(dir.to_string_lossy().as_ref()) {
                Some(Value::Bool(trusted)) => Some(TrustEntry {
                    path: dir.to_path_buf(),
                    trusted: *trusted,
                }),
                _ => None,
            }))
    }

    /// Saves `decision` for `cwd` (`None` forgets it).
    pub fn set(&self, cwd: &Path, decision: Option<bool>) -> Result<(), TrustError> {
        self.set_many(&[(cwd.to_path_buf(), decision)])
    }

    /// Saves several decisions at once.
    pub fn set_many(&self, decisions: &[(PathBuf, Option<bool>)]) -> Result<(), TrustError> {
        let _lock = self.lock()?;
        let mut data = self.read()?;
        for (dir, decision) in decisions {
            let key = canonical_dir(dir).to_string_lossy().into_owned();
            match decision {
                Some(trusted) => {
                    data.insert(key, Value::Bool(*trusted));
                }
                None => {
                    data.shift_remove(&key);
                }
            }
        }
        // Sorted as JavaScript sorts strings (by UTF-16 code unit).
        let mut entries: Vec<(String, Value)> = data.into_iter().collect();
        entries.sort_by(|(a, _), (b, _)| utf16_order(a, b));
        let sorted: Map<String, Value> = entries.into_iter().collect();
        let text = format!("{}\n", to_pretty_string(&sorted));
        std::fs::write(&self.path, text).map_err(|source| TrustError::Write {
            path: self.path.clone(),
            source,
        })
    }

    fn lock(&self) -> Result<FileLock, TrustError> {
        if let Some(dir) = self.path.parent()
            && !dir.as_os_str().is_empty()
        {
            std::fs::create_dir_all(dir).map_err(|source| TrustError::Write {
                path: self.path.clone(),
                source,
            })?;
        }
        Ok(FileLock::acquire(&self.path)?)
    }

    fn read(&self) -> Result<Map<String, Value>, TrustError> {
        let text = match std::fs::read_to_string(&self.path) {
            Ok(text) => text,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(Map::new()),
            Err(err) => {
                return Err(TrustError::Read {
                    path: self.path.clone(),
                    message: err.to_string(),
                });
            }
        };
        let data = parse_object(&text).map_err(|message| {
            if message == "expected a JSON object" {
                TrustError::Invalid {
                    path: self.path.clone(),
                    problem: "expected an object".into(),
                }
            } else {
                TrustError::Read {
                    path: self.path.clone(),
                    message,
                }
            }
        })?;
        for (key, value) in &data {
            if !matches!(value, Value::Bool(_) | Value::Null) {
                return Err(TrustError::Invalid {
                    path: self.path.clone(),
                    problem: format!(
                        "value for {} must be true, false, or null",
                        Value::from(key.as_str())
                    ),
                });
            }
        }
        Ok(data)
    }
}

fn utf16_order(a: &str, b: &str) -> Ordering {
    a.encode_utf16().cmp(b.encode_utf16())
}

/// How a project's trust was decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProjectTrust {
    /// Load the project's resources.
    Trusted,
    /// Skip them.
    Untrusted,
    /// Ask the user (interactive mode with `defaultProjectTrust: "ask"`); offer
    /// [`trust_options`] under [`trust_prompt`] and apply the choice with
    /// [`TrustStore::set_many`].
    Ask,
}

/// What decides a project's trust.
#[derive(Debug, Clone, Copy)]
pub struct TrustInputs<'a> {
    /// The project directory.
    pub cwd: &'a Path,
    /// The home directory (for `~/.agents/skills`).
    pub home: Option<&'a Path>,
    /// `--approve` (`Some(true)`) or `--no-approve` (`Some(false)`).
    pub cli_override: Option<bool>,
    /// The user's `defaultProjectTrust`.
    pub default: ProjectTrustDefault,
    /// Whether a prompt can be shown (interactive mode).
    pub can_prompt: bool,
}

/// Decides whether the project at `inputs.cwd` is trusted.
pub fn resolve_project_trust(
    inputs: TrustInputs<'_>,
    store: &TrustStore,
) -> Result<ProjectTrust, TrustError> {
    let verdict = |trusted: bool| {
        if trusted {
            ProjectTrust::Trusted
        } else {
            ProjectTrust::Untrusted
        }
    };
    if let Some(trusted) = inputs.cli_override {
        return Ok(verdict(trusted));
    }
    if !has_trust_requiring_resources(inputs.cwd, inputs.home) {
        return Ok(ProjectTrust::Trusted);
    }
    if let Some(trusted) = store.get(inputs.cwd)? {
        return Ok(verdict(trusted));
    }
    Ok(match inputs.default {
        ProjectTrustDefault::Always => ProjectTrust::Trusted,
        ProjectTrustDefault::Never => ProjectTrust::Untrusted,
        ProjectTrustDefault::Ask if inputs.can_prompt => ProjectTrust::Ask,
        ProjectTrustDefault::Ask => ProjectTrust::Untrusted,
    })
}

/// The question pi asks before trusting a project.
pub fn trust_prompt(cwd: &Path) -> String {
    format!(
        "Trust project folder?\n{}\n\nThis allows pi to load .pi settings and resources, install missing project packages, and execute project extensions.",
        cwd.display()
    )
}

/// One answer to the trust prompt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustOption {
    /// The label shown.
    pub label: String,
    /// Whether choosing it trusts the project for this run.
    pub trusted: bool,
    /// The decisions it saves (none for the session-only answers).
    pub updates: Vec<(PathBuf, Option<bool>)>,
}

/// The answers to the trust prompt, in pi's order; `include_session_only` adds the
/// "(this session only)" answers.
pub fn trust_options(cwd: &Path, include_session_only: bool) -> Vec<TrustOption> {
    let dir = canonical_dir(cwd);
    let mut options = vec![TrustOption {
        label: "Trust".into(),
        trusted: true,
        updates: vec![(dir.clone(), Some(true))],
    }];
    if let Some(parent) = dir.parent() {
        options.push(TrustOption {
            label: format!("Trust parent folder ({})", parent.display()),
            trusted: true,
            updates: vec![(parent.to_path_buf(), Some(true)), (dir.clone(), None)],
        });
    }
    if include_session_only {
        options.push(TrustOption {
            label: "Trust (this session only)".into(),
            trusted: true,
            updates: Vec::new(),
        });
    }
    options.push(TrustOption {
        label: "Do not trust".into(),
        trusted: false,
        updates: vec![(dir, Some(false))],
    });
    if include_session_only {
        options.push(TrustOption {
            label: "Do not trust (this session only)".into(),
            trusted: false,
            updates: Vec::new(),
        });
    }
    options
}

#[cfg(test)]
mod tests;

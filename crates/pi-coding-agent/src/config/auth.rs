//! `auth.json`: stored API keys and OAuth credentials, and how a provider's credential is
//! found (runtime `--api-key`, then `auth.json`, then `models.json`'s `apiKey`, then the
//! environment).
//!
//! The file is created as `{}` (mode 0600, directory 0700) on first use and every read and
//! write happens under pi's lock. Entries are kept as the JSON they are, so a rewrite after
//! changing one provider leaves every other entry exactly as it was, OAuth extras included.

mod credential;
mod migrate;
mod resolve;

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use super::json::{parse_object, to_pretty_string};
use super::lock::{FileLock, LockError};
use super::resolve_value::ResolveError;

pub use credential::{ApiKeyCredential, Credential, OAuthCredential};
pub use migrate::migrate_auth_to_auth_json;
pub use resolve::{AuthMethods, AuthSource, ResolvedAuth, builtin_auth_methods};

/// Why a credential could not be read, written or used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AuthError {
    /// `auth.json` could not be read or parsed.
    #[error("Failed to read auth.json: {0}")]
    Read(String),
    /// An entry has the wrong shape.
    #[error("Invalid auth.json credential for provider \"{0}\"")]
    InvalidCredential(String),
    /// The file could not be locked.
    #[error(transparent)]
    Lock(#[from] LockError),
    /// The file could not be written.
    #[error("cannot write {}: {source}", path.display())]
    Write {
        /// `auth.json`.
        path: PathBuf,
        /// What the operating system said.
        source: std::io::Error,
    },
    /// An OAuth access token expired; this version cannot refresh it.
    #[error(
        "OAuth token for {0} has expired and cannot be refreshed here; log in again or use an API key"
    )]
    OAuthExpired(String),
    /// A configured key (`models.json` `apiKey`) did not resolve.
    #[error(transparent)]
    Resolve(#[from] ResolveError),
}

/// The credentials in `auth.json`, plus keys given for this run only.
#[derive(Debug)]
pub struct AuthStorage {
    path: Option<PathBuf>,
    data: Map<String, Value>,
    load_error: Option<String>,
    runtime_keys: HashMap<String, String>,
}

impl AuthStorage {
    /// Opens `auth.json` at `path`, creating it (and its directory) when missing.
    ///
    /// Never fails: a file that cannot be read or parsed leaves no credentials and is
    /// reported by [`AuthStorage::load_error`]; such a file is never overwritten.
    pub fn open(path: impl Into<PathBuf>) -> Self {
        let mut storage = AuthStorage {
            path: Some(path.into()),
            data: Map::new(),
            load_error: None,
            runtime_keys: HashMap::new(),
        };
        storage.reload();
        storage
    }

    /// Credentials held in memory only (tests, embedders).
    pub fn in_memory(data: Value) -> Self {
        AuthStorage {
            path: None,
            data: match data {
                Value::Object(map) => map,
                _ => Map::new(),
            },
            load_error: None,
            runtime_keys: HashMap::new(),
        }
    }

    /// The file, unless in memory.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// Why the file could not be read, if it could not.
    pub fn load_error(&self) -> Option<&str> {
        self.load_error.as_deref()
    }

    /// Re-reads the file (another pi may have logged in meanwhile).
    pub fn reload(&mut self) {
        let Some(path) = self.path.clone() else {
            return;
        };
        match read_locked(&path) {
            Ok(data) => {
                self.data = data;
                self.load_error = None;
            }
            Err(err) => {
                self.data = Map::new();
                self.load_error = Some(err.to_string());
            }
        }
    }

    /// The stored credential of `provider`, unresolved.
    pub fn get(&self, provider: &str) -> Result<Option<Credential>, AuthError> {
        match self.data.get(provider) {
            None => Ok(None),
            Some(value) => Credential::from_value(value)
                .map(Some)
                .ok_or_else(|| AuthError::InvalidCredential(provider.to_string())),
        }
    }

    /// The providers with a stored credential and its kind (`api_key`, `oauth`), in file
    /// order, followed by providers with a runtime key.
    pub fn list(&self) -> Vec<(String, String)> {
        let mut entries: Vec<(String, String)> = self
            .data
            .iter()
            .map(|(provider, value)| {
                let kind = value
                    .get("type")
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                (provider.clone(), kind.to_string())
            })
            .collect();
        for provider in self.runtime_keys.keys() {
            match entries.iter_mut().find(|(p, _)| p == provider) {
                Some(entry) => entry.1 = "api_key".into(),
                None => entries.push((provider.clone(), "api_key".into())),
            }
        }
        entries
    }

    /// Whether `auth.json` holds an entry for `provider`.
    pub fn has_stored(&self, provider: &str) -> bool {
        self.data.contains_key(provider)
    }

    /// Stores `credential` for `provider`, re-reading the file under its lock so entries
    /// written by another process meanwhile are kept.
    pub fn set(&mut self, provider: &str, credential: &Credential) -> Result<(), AuthError> {
        let value = serde_json::to_value(credential).unwrap_or(Value::Null);
        self.modify(|data| {
            data.insert(provider.to_string(), value);
        })
    }

    /// Removes the stored credential of `provider` (and its runtime key).
    pub fn remove(&mut self, provider: &str) -> Result<(), AuthError> {
        self.modify(|data| {
            data.shift_remove(provider);
        })?;
        self.runtime_keys.remove(provider);
        Ok(())
    }

    fn modify(&mut self, change: impl FnOnce(&mut Map<String, Value>)) -> Result<(), AuthError> {
        let Some(path) = self.path.clone() else {
            change(&mut self.data);
            return Ok(());
        };
        if let Some(err) = &self.load_error {
            return Err(AuthError::Read(err.clone()));
        }
        let write_error = |source| AuthError::Write {
            path: path.clone(),
            source,
        };
        ensure_file(&path).map_err(write_error)?;
        let _lock = FileLock::acquire(&path)?;
        let mut data = read_object(&path)?;
        change(&mut data);
        write_private(&path, &to_pretty_string(&data)).map_err(write_error)?;
        self.data = data;
        Ok(())
    }

    /// Uses `key` for `provider` in this run without storing it (`--api-key`).
    pub fn set_runtime_api_key(&mut self, provider: &str, key: &str) {
        self.runtime_keys
            .insert(provider.to_string(), key.to_string());
    }

    /// Forgets the runtime key of `provider`.
    pub fn remove_runtime_api_key(&mut self, provider: &str) {
        self.runtime_keys.remove(provider);
    }

    /// The runtime key of `provider`, if one was given.
    pub fn runtime_api_key(&self, provider: &str) -> Option<&str> {
        self.runtime_keys.get(provider).map(String::as_str)
    }
}

/// Reads `auth.json` under its lock, creating it first.
fn read_locked(path: &Path) -> Result<Map<String, Value>, AuthError> {
    ensure_file(path).map_err(|err| AuthError::Read(err.to_string()))?;
    let _lock = FileLock::acquire(path).map_err(|err| AuthError::Read(err.to_string()))?;
    read_object(path)
}

fn read_object(path: &Path) -> Result<Map<String, Value>, AuthError> {
    let text = std::fs::read_to_string(path).map_err(|err| AuthError::Read(err.to_string()))?;
    if text.is_empty() {
        return Ok(Map::new());
    }
    parse_object(&text).map_err(AuthError::Read)
}

/// Creates the directory (0700) and an empty `{}` file (0600) when missing.
fn ensure_file(path: &Path) -> std::io::Result<()> {
    if let Some(dir) = path.parent()
        && !dir.as_os_str().is_empty()
        && !dir.exists()
    {
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder.create(dir)?;
    }
    if !path.exists() {
        write_private(path, "{}")?;
    }
    Ok(())
}

/// Writes `text` in place; a new file gets mode 0600, an existing one keeps its mode.
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    file.write_all(text.as_bytes())
}

#[cfg(test)]
mod tests;

//! Hot reload of the active user theme: the screen polls a [`ThemeWatcher`] on its timer and
//! re-styles itself when the file changed. A poll costs one `stat`; the file is read only
//! when its modification time or size moved.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use super::{ThemeError, ThemeFile};

/// What a file looked like when it was last read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stamp {
    modified: Option<SystemTime>,
    len: u64,
}

impl Stamp {
    fn of(path: &Path) -> Option<Stamp> {
        let meta = std::fs::metadata(path).ok()?;
        Some(Stamp {
            modified: meta.modified().ok(),
            len: meta.len(),
        })
    }
}

/// Watches one theme file (`<agent dir>/themes/<name>.json`) for changes.
#[derive(Debug, Clone)]
pub struct ThemeWatcher {
    name: String,
    path: PathBuf,
    stamp: Option<Stamp>,
}

impl ThemeWatcher {
    /// Watches `path`, the file of the theme selected as `name`, from its current state.
    pub fn new(name: String, path: PathBuf) -> ThemeWatcher {
        let stamp = Stamp::of(&path);
        ThemeWatcher { name, path, stamp }
    }

    /// The name the theme was selected by.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The watched file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether the file changed since the last poll, and what it holds now: `None` when it
    /// did not change or is gone (the last good theme stays, as in pi, while an editor
    /// replaces the file); `Some(Err)` when it changed into something that is not a valid
    /// theme (pi ignores those: the file may be half-written), reported once per change.
    pub fn poll(&mut self) -> Option<Result<ThemeFile, ThemeError>> {
        let stamp = Stamp::of(&self.path)?;
        if self.stamp == Some(stamp) {
            return None;
        }
        self.stamp = Some(stamp);
        Some(ThemeFile::read(&self.path))
    }
}

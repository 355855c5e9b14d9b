//! The lock pi puts around its configuration files, compatible with the reference's
//! `proper-lockfile`: a directory `<file>.lock` created atomically with `mkdir`, removed on
//! release, and taken over when its modification time is more than ten seconds old (its
//! holder died). Both implementations therefore exclude each other.

use std::io;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// How often to try before giving up, and how long to wait between tries (pi's values).
const ATTEMPTS: u32 = 10;
const RETRY_DELAY: Duration = Duration::from_millis(20);
/// A lock directory older than this belongs to a process that died.
const STALE_AFTER: Duration = Duration::from_secs(10);

/// Why a lock could not be taken.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    /// Another process holds the lock (pi's `ELOCKED`).
    #[error("Lock file is already being held: {}", .0.display())]
    Held(PathBuf),
    /// The lock directory could not be created.
    #[error("cannot lock {}: {source}", path.display())]
    Io {
        /// The lock directory.
        path: PathBuf,
        /// What the operating system said.
        source: io::Error,
    },
}

/// A held lock; dropping it releases the lock.
#[derive(Debug)]
pub struct FileLock {
    dir: PathBuf,
}

impl FileLock {
    /// Locks `file` through `<file>.lock`, retrying briefly while another process holds it.
    pub fn acquire(file: &Path) -> Result<FileLock, LockError> {
        let mut name = file.as_os_str().to_os_string();
        name.push(".lock");
        Self::acquire_dir(PathBuf::from(name))
    }

    /// Locks through the lock directory `dir` itself.
    pub fn acquire_dir(dir: PathBuf) -> Result<FileLock, LockError> {
        for attempt in 1..=ATTEMPTS {
            match try_lock(&dir) {
                Ok(()) => return Ok(FileLock { dir }),
                Err(LockError::Held(_)) if attempt < ATTEMPTS => std::thread::sleep(RETRY_DELAY),
                Err(err) => return Err(err),
            }
        }
        Err(LockError::Held(dir))
    }
}

impl Drop for FileLock {
    fn drop(&mut self) {
        // A lock directory someone else already removed (as stale) needs no cleanup.
        let _ = std::fs::remove_dir(&self.dir);
    }
}

fn try_lock(dir: &Path) -> Result<(), LockError> {
    let io_error = |source| LockError::Io {
        path: dir.to_path_buf(),
        source,
    };
    match std::fs::create_dir(dir) {
        Ok(()) => return Ok(()),
        Err(err) if err.kind() != io::ErrorKind::AlreadyExists => return Err(io_error(err)),
        Err(_) => {}
    }
    let modified = match std::fs::metadata(dir).and_then(|m| m.modified()) {
        Ok(modified) => modified,
        // Released between our mkdir and stat: try once more, without a staleness check.
        Err(err) if err.kind() == io::ErrorKind::NotFound => {
            return create_once(dir).map_err(|err| match err.kind() {
                io::ErrorKind::AlreadyExists => LockError::Held(dir.to_path_buf()),
                _ => io_error(err),
            });
        }
        Err(err) => return Err(io_error(err)),
    };
    let age = SystemTime::now()
        .duration_since(modified)
        .unwrap_or(Duration::ZERO);
    if age <= STALE_AFTER {
        return Err(LockError::Held(dir.to_path_buf()));
    }
    match std::fs::remove_dir(dir) {
        Ok(()) => {}
        Err(err) if err.kind() == io::ErrorKind::NotFound => {}
        Err(err) => return Err(io_error(err)),
    }
    create_once(dir).map_err(|err| match err.kind() {
        io::ErrorKind::AlreadyExists => LockError::Held(dir.to_path_buf()),
        _ => io_error(err),
    })
}

fn create_once(dir: &Path) -> io::Result<()> {
    std::fs::create_dir(dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lock_is_a_directory_released_on_drop() {
        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join("settings.json");
        let lock = FileLock::acquire(&file).unwrap();
        let dir = tmp.path().join("settings.json.lock");
        assert!(dir.is_dir());
        let err = FileLock::acquire(&file).unwrap_err();
        assert!(matches!(err, LockError::Held(ref p) if *p == dir));
        assert!(
            err.to_string()
                .starts_with("Lock file is already being held")
        );
        drop(lock);
        assert!(!dir.exists());
        drop(FileLock::acquire(&file).unwrap());
    }

    #[test]
    fn a_stale_lock_is_taken_over() {
        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join("auth.json");
        let dir = tmp.path().join("auth.json.lock");
        std::fs::create_dir(&dir).unwrap();
        let old = SystemTime::now() - Duration::from_secs(60);
        std::fs::File::open(&dir)
            .unwrap()
            .set_modified(old)
            .unwrap();
        let lock = FileLock::acquire(&file).unwrap();
        assert!(dir.is_dir());
        drop(lock);
    }

    #[test]
    fn missing_parent_is_an_io_error() {
        let tmp = tempfile::tempdir().unwrap();
        let err = FileLock::acquire(&tmp.path().join("no/such/file")).unwrap_err();
        assert!(matches!(err, LockError::Io { .. }));
    }
}

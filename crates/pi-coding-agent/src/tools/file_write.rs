//! Writing files safely: one writer per file at a time, and whole-file replacement through
//! a temp file renamed over the target, so that a crash never leaves half a file.

use std::collections::HashMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::{Arc, LazyLock, Mutex, Weak};

/// Per-file locks. Files are shared by the whole process, so the table is too: an `edit`
/// and a `write` of one file from any tool set take turns.
static FILE_LOCKS: LazyLock<Mutex<HashMap<PathBuf, Weak<tokio::sync::Mutex<()>>>>> =
    LazyLock::new(|| Mutex::new(HashMap::new()));

/// Holds the lock of one file; dropping it lets the next writer in.
pub type FileLockGuard = tokio::sync::OwnedMutexGuard<()>;

/// Waits for and takes the lock of `path` (symlinks resolved, so two names of one file
/// share it).
pub async fn lock_file(path: &Path) -> FileLockGuard {
    let key = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let lock = {
        // A panic while holding the table lock cannot leave the map inconsistent.
        let mut table = FILE_LOCKS
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        table.retain(|_, lock| lock.strong_count() > 0);
        match table.get(&key).and_then(Weak::upgrade) {
            Some(lock) => lock,
            None => {
                let lock = Arc::new(tokio::sync::Mutex::new(()));
                table.insert(key, Arc::downgrade(&lock));
                lock
            }
        }
    };
    lock.lock_owned().await
}

/// Replaces the contents of `path` atomically: the data goes to a temp file beside the
/// target (same permissions), is flushed to disk, and is renamed over it. A symlink is
/// followed, so the link stays and its target changes. When no temp file can be made
/// there (a read-only directory with a writable file), the file is written in place.
pub fn write_atomic(path: &Path, content: &[u8]) -> std::io::Result<()> {
    let target = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let dir = target.parent().unwrap_or_else(|| Path::new("."));
    let name = target
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    let permissions = std::fs::metadata(&target)
        .ok()
        .map(|meta| meta.permissions());
    let mut attempt = 0u32;
    let (temp_path, mut file) = loop {
        let candidate = dir.join(format!(".{name}.pi-{}-{attempt}.tmp", std::process::id()));
        match std::fs::File::options()
            .write(true)
            .create_new(true)
            .open(&candidate)
        {
            Ok(file) => break (candidate, file),
            Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists && attempt < 100 => {
                attempt += 1
            }
            Err(_) => return std::fs::write(&target, content),
        }
    };
    let written = (|| {
        file.write_all(content)?;
        if let Some(permissions) = &permissions {
            file.set_permissions(permissions.clone())?;
        }
        file.sync_all()?;
        drop(file);
        std::fs::rename(&temp_path, &target)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&temp_path);
    }
    written
}

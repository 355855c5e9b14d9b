//! Where a session's lines live: in memory until the file is created, then in the file.
//!
//! The session manager keeps only an index in memory; an entry's text is read back from its
//! span when it is needed. A file is only ever appended to, one whole line per write, by the
//! one process that holds its lock.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{self, Seek, SeekFrom, Write};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};

use super::SessionError;

/// Where one line sits: byte offset and length, without the newline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Span {
    pub offset: u64,
    pub len: u32,
}

#[derive(Debug)]
pub(crate) enum Store {
    /// Lines not (yet) on disk, exactly as they will be written.
    Memory(Vec<u8>),
    /// An open, locked session file.
    File(LockedFile),
}

#[derive(Debug)]
pub(crate) struct LockedFile {
    file: File,
    path: PathBuf,
    /// The file may not end with a newline (a torn last line, or a failed write): the next
    /// append starts a fresh line.
    needs_newline: bool,
}

impl Store {
    pub fn memory() -> Self {
        Store::Memory(Vec::new())
    }

    /// Appends one line and returns its span.
    pub fn append(&mut self, line: &[u8]) -> Result<Span, SessionError> {
        let len = line_len(line)?;
        match self {
            Store::Memory(buffer) => {
                let offset = buffer.len() as u64;
                buffer.extend_from_slice(line);
                buffer.push(b'\n');
                Ok(Span { offset, len })
            }
            Store::File(file) => file.append(line, len),
        }
    }

    /// The line at `span`.
    pub fn read(&self, span: Span) -> Result<Vec<u8>, SessionError> {
        match self {
            Store::Memory(buffer) => usize::try_from(span.offset)
                .ok()
                .and_then(|start| buffer.get(start..start + span.len as usize))
                .map(<[u8]>::to_vec)
                .ok_or(SessionError::Changed),
            Store::File(file) => {
                let mut line = vec![0; span.len as usize];
                file.file
                    .read_exact_at(&mut line, span.offset)
                    .map_err(|err| match err.kind() {
                        io::ErrorKind::UnexpectedEof => SessionError::Changed,
                        _ => SessionError::io(&file.path, err),
                    })?;
                Ok(line)
            }
        }
    }

    /// Writes the buffered lines to a new file at `path` (which must not exist) and continues
    /// there. Offsets stay valid: the file holds exactly the buffer.
    pub fn create_file(&mut self, path: &Path) -> Result<(), SessionError> {
        let Store::Memory(buffer) = self else {
            return Ok(());
        };
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|err| SessionError::io(dir, err))?;
        }
        let mut file = OpenOptions::new()
            .read(true)
            .append(true)
            .create_new(true)
            .open(path)
            .map_err(|err| SessionError::io(path, err))?;
        lock(&file, path)?;
        if let Err(err) = file.write_all(buffer) {
            // Nothing is lost: the lines are still in memory. Remove the partial file so the
            // next attempt can create it again.
            let _ = std::fs::remove_file(path);
            return Err(SessionError::io(path, err));
        }
        *self = Store::File(LockedFile {
            file,
            path: path.to_path_buf(),
            needs_newline: false,
        });
        Ok(())
    }
}

impl LockedFile {
    /// Opens an existing file for appending, taking its lock.
    pub fn open(path: &Path) -> Result<Self, SessionError> {
        let file = OpenOptions::new()
            .read(true)
            .append(true)
            .open(path)
            .map_err(|err| SessionError::io(path, err))?;
        lock(&file, path)?;
        Ok(LockedFile {
            file,
            path: path.to_path_buf(),
            needs_newline: false,
        })
    }

    /// The file, for reading it through.
    pub fn file(&self) -> &File {
        &self.file
    }

    /// Records whether the file ends without a newline.
    pub fn set_needs_newline(&mut self, needs_newline: bool) {
        self.needs_newline = needs_newline;
    }

    fn append(&mut self, line: &[u8], len: u32) -> Result<Span, SessionError> {
        let mut bytes = Vec::with_capacity(line.len() + 2);
        if self.needs_newline {
            bytes.push(b'\n');
        }
        bytes.extend_from_slice(line);
        bytes.push(b'\n');
        // One write per line: with O_APPEND it lands whole at the end, after anything another
        // writer may have added, so the offset is read back rather than tracked.
        if let Err(err) = self.file.write_all(&bytes) {
            // Part of the line may be on disk: start the next one on a fresh line (a torn line
            // between two good ones is skipped when the file is read).
            self.needs_newline = true;
            return Err(SessionError::io(&self.path, err));
        }
        self.needs_newline = false;
        let end = self
            .file
            .seek(SeekFrom::End(0))
            .map_err(|err| SessionError::io(&self.path, err))?;
        Ok(Span {
            offset: end - 1 - u64::from(len),
            len,
        })
    }
}

fn line_len(line: &[u8]) -> Result<u32, SessionError> {
    u32::try_from(line.len()).map_err(|_| SessionError::EntryTooLarge(line.len()))
}

/// Takes the exclusive lock that keeps two pi processes from writing one session.
///
/// A lock can outlive its holder by a moment: a process being spawned (a tool's command)
/// shares the holder's open files until it starts its program. So a held lock is tried again
/// for a short while before it counts as another pi's.
fn lock(file: &File, path: &Path) -> Result<(), SessionError> {
    const ATTEMPTS: u32 = 20;
    for attempt in 1..=ATTEMPTS {
        match file.try_lock() {
            Ok(()) => return Ok(()),
            Err(TryLockError::WouldBlock) if attempt < ATTEMPTS => {
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
            Err(TryLockError::WouldBlock) => break,
            Err(TryLockError::Error(err)) => return Err(SessionError::io(path, err)),
        }
    }
    Err(SessionError::Locked(path.to_path_buf()))
}

//! Sessions: conversations stored as append-only trees in JSONL files, in pi's format
//! (version 3), readable and writable by both implementations.
//!
//! A [`SessionManager`] keeps an index of the entries in memory and the entries themselves in
//! the file: opening a large session reads it once, appending an entry writes one line, and
//! only the entries a caller asks for are decoded. [`list_sessions`] and
//! [`list_all_sessions`] skim files for the session picker in bounded memory.

mod context;
mod entry;
mod fork;
mod index;
mod lines;
mod listing;
mod manager;
mod migrate;
mod open;
mod paths;
mod store;
mod time;

use std::io;
use std::path::{Path, PathBuf};

pub use context::{ProjectedEntry, SessionContext, SessionProjection};
pub use entry::{
    BranchSummaryEntry, CURRENT_SESSION_VERSION, CompactionEntry, CustomMessageEntry, EntryKind,
    SessionEntry, SessionHeader, UsageEntry,
};
pub use index::ModelRef;
// The index, for code that works on a branch without reading its entries (compaction).
pub(crate) use index::{NodeKind, Role};
pub use listing::{SessionInfo, list_all_sessions, list_sessions};
pub use manager::{NewSessionOptions, SessionManager, SessionTree, TreeNode};
pub use open::{OpenError, OpenedSession, SessionRequest, open_session};
pub(crate) use paths::resolve_path;
pub use paths::{
    SessionLocation, SessionTarget, assert_valid_session_id, find_most_recent_session,
    find_session_by_id, resolve_session_arg,
};
pub use time::{format_iso, now_iso, parse_iso_ms};

/// Why a session operation failed. The texts are pi's where pi has one.
#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    /// Reading or writing a session file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// What the operating system said.
        source: io::Error,
    },
    /// A non-empty file whose first entry is not a session header. It is left untouched.
    #[error("Session file is not a valid pi session: {}", .0.display())]
    NotASession(PathBuf),
    /// Another process holds the session open for writing.
    #[error(
        "Session file is in use by another pi process: {} (finish there, or start a copy with --fork)",
        .0.display()
    )]
    Locked(PathBuf),
    /// No entry has this id.
    #[error("Entry {0} not found")]
    EntryNotFound(String),
    /// A context edit names an entry off the current branch.
    #[error("Entry {0} is not on the active branch")]
    NotOnBranch(String),
    /// A context edit names an entry that adds nothing editable to the context.
    #[error("Entry {0} does not contribute editable model content")]
    NotEditable(String),
    /// A context edit's replacement has no usable content.
    #[error("Context edit replacement must be null or contain string/array content")]
    InvalidReplacement,
    /// A session id with characters pi does not allow.
    #[error(
        "Session id must be non-empty, contain only alphanumeric characters, '-', '_', and '.', and start and end with an alphanumeric character"
    )]
    InvalidSessionId,
    /// Forking from a file that holds no session.
    #[error("Cannot fork: source session file is empty or invalid: {}", .0.display())]
    ForkSourceInvalid(PathBuf),
    /// The file changed under an open session (another program rewrote it).
    #[error("Session file changed on disk while pi had it open")]
    Changed,
    /// One entry over 4 GiB.
    #[error("Session entry too large to write ({0} bytes)")]
    EntryTooLarge(usize),
}

impl SessionError {
    pub(crate) fn io(path: &Path, source: io::Error) -> Self {
        SessionError::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}

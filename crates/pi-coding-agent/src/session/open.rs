//! Choosing the session a `pi` run works in, from its command line: `--no-session`,
//! `--fork`, `--session`, `--continue`, `--session-id` or a new session, as pi 0.87.1 does.

use std::path::Path;

use super::SessionError;
use super::manager::{NewSessionOptions, SessionManager};
use super::paths::{SessionLocation, SessionTarget, find_session_by_id, resolve_session_arg};

/// What the command line asked for (`--resume` is the picker's business and ends in
/// [`SessionRequest::Session`] with the chosen path).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SessionRequest {
    /// `--no-session`: nothing is written.
    InMemory {
        /// `--session-id`.
        id: Option<String>,
    },
    /// `--fork <path|id>`: a copy of that session in this project.
    Fork {
        /// The argument.
        source: String,
        /// `--session-id` for the copy.
        id: Option<String>,
    },
    /// `--session <path|id>`.
    Session(String),
    /// `--continue`: the most recent session here.
    Continue,
    /// No flag (or `--session-id <id>`: that session of this project, else a new one with
    /// that id).
    New {
        /// `--session-id`.
        id: Option<String>,
    },
}

/// The session to work in, and what to tell the user about it.
#[derive(Debug)]
pub struct OpenedSession {
    /// The session.
    pub session: SessionManager,
    /// A warning for stderr (pi prints it in yellow).
    pub warning: Option<String>,
}

/// Why no session could be chosen. The texts are pi's; the exit code is 1, except for
/// [`OpenError::Declined`] (0).
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    /// Nothing matches the `--session`/`--fork` argument.
    #[error("No session found matching '{0}'")]
    NotFound(String),
    /// `--fork --session-id <id>` names a session that exists.
    #[error("Session already exists with id '{0}'")]
    IdTaken(String),
    /// The user declined to fork another project's session here.
    #[error("Aborted.")]
    Declined,
    /// The session could not be opened, created or copied.
    #[error(transparent)]
    Session(#[from] SessionError),
}

/// Opens the session `request` names for a run in `cwd`. A `--session` id found only in
/// another project is forked here if `confirm_fork` (shown that project's directory) agrees;
/// pi asks `Fork this session into current directory? [y/N]` after printing
/// `Session found in different project: <cwd>`.
pub fn open_session(
    request: SessionRequest,
    cwd: &Path,
    location: &SessionLocation,
    confirm_fork: impl FnOnce(&str) -> bool,
) -> Result<OpenedSession, OpenError> {
    let opened = |session| OpenedSession {
        session,
        warning: None,
    };
    match request {
        SessionRequest::InMemory { id } => Ok(opened(SessionManager::in_memory(
            cwd,
            NewSessionOptions {
                id,
                parent_session: None,
            },
        )?)),
        SessionRequest::Fork { source, id } => {
            if let Some(id) = &id
                && find_session_by_id(location, cwd, id).is_some()
            {
                return Err(OpenError::IdTaken(id.clone()));
            }
            let path = match resolve_session_arg(&source, cwd, location) {
                SessionTarget::Path(path) | SessionTarget::Local(path) => path,
                SessionTarget::Global { path, .. } => path,
                SessionTarget::NotFound(arg) => return Err(OpenError::NotFound(arg)),
            };
            let options = NewSessionOptions {
                id,
                parent_session: None,
            };
            Ok(opened(SessionManager::fork_from(
                &path, cwd, location, options,
            )?))
        }
        SessionRequest::Session(arg) => match resolve_session_arg(&arg, cwd, location) {
            SessionTarget::Path(path) | SessionTarget::Local(path) => {
                let dir = location.session_dir.as_deref();
                Ok(opened(SessionManager::open(&path, dir, None)?))
            }
            SessionTarget::Global { path, cwd: theirs } => {
                if !confirm_fork(&theirs) {
                    return Err(OpenError::Declined);
                }
                let fork = SessionManager::fork_from(&path, cwd, location, Default::default())?;
                Ok(opened(fork))
            }
            SessionTarget::NotFound(arg) => Err(OpenError::NotFound(arg)),
        },
        SessionRequest::Continue => Ok(opened(SessionManager::continue_recent(cwd, location)?)),
        SessionRequest::New { id } => {
            let mut warning = None;
            if let Some(id) = &id {
                if let Some(path) = find_session_by_id(location, cwd, id) {
                    let dir = location.session_dir.as_deref();
                    return Ok(opened(SessionManager::open(&path, dir, None)?));
                }
                warning = Some(format!(
                    "Warning: No project session found with id '{id}'; creating a new session with that id."
                ));
            }
            let options = NewSessionOptions {
                id,
                parent_session: None,
            };
            Ok(OpenedSession {
                session: SessionManager::create(cwd, location, options)?,
                warning,
            })
        }
    }
}

//! Where sessions live and how they are found: per-project directories, file names, header
//! probes, `--continue` and `--session <id>` lookups.

use std::fs::File;
use std::path::{Component, Path, PathBuf};

use super::entry::SessionHeader;
use super::lines::{for_each_line, is_blank, parse_lossy};
use super::listing::{list_all_sessions, list_sessions};
use super::{SessionError, time};

/// Headers are looked for in the first megabyte of a file only.
const HEADER_SCAN_LIMIT: u64 = 1 << 20;

/// Where a program keeps its sessions: the agent directory's `sessions/--<cwd>--/` folders,
/// or one directory chosen with `--session-dir` (or its setting) for every project.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionLocation {
    /// The agent directory (`~/.pi/agent`).
    pub agent_dir: PathBuf,
    /// A directory that replaces the per-project ones.
    pub session_dir: Option<PathBuf>,
}

impl SessionLocation {
    /// The default layout under `agent_dir`.
    pub fn new(agent_dir: impl Into<PathBuf>) -> Self {
        SessionLocation {
            agent_dir: agent_dir.into(),
            session_dir: None,
        }
    }

    /// Every session in `session_dir`.
    pub fn with_session_dir(mut self, session_dir: impl Into<PathBuf>) -> Self {
        self.session_dir = Some(session_dir.into());
        self
    }

    /// `<agent dir>/sessions`.
    pub fn sessions_root(&self) -> PathBuf {
        self.agent_dir.join("sessions")
    }

    /// The directory holding the sessions of `cwd`.
    pub fn dir_for(&self, cwd: &Path) -> PathBuf {
        match &self.session_dir {
            Some(dir) => resolve_path(dir, cwd),
            None => self.default_dir_for(cwd),
        }
    }

    /// `<agent dir>/sessions/--<cwd with separators as dashes>--`.
    pub fn default_dir_for(&self, cwd: &Path) -> PathBuf {
        let cwd = cwd.to_string_lossy();
        let trimmed = cwd
            .strip_prefix('/')
            .or_else(|| cwd.strip_prefix('\\'))
            .unwrap_or(&cwd);
        let encoded: String = trimmed
            .chars()
            .map(|c| {
                if matches!(c, '/' | '\\' | ':') {
                    '-'
                } else {
                    c
                }
            })
            .collect();
        self.sessions_root().join(format!("--{encoded}--"))
    }

    /// Whether lookups in `cwd`'s directory must check each header's `cwd` (a shared custom
    /// directory holds other projects' sessions too).
    pub fn filters_cwd(&self, cwd: &Path) -> bool {
        self.session_dir.is_some() && self.dir_for(cwd) != self.default_dir_for(cwd)
    }
}

/// `path` made absolute against `cwd`, with `~` expanded and `.`/`..` resolved (without
/// touching the file system, as Node's `path.resolve`).
pub(crate) fn resolve_path(path: &Path, cwd: &Path) -> PathBuf {
    let text = path.to_string_lossy();
    let home = std::env::var_os("HOME").map(PathBuf::from);
    let expanded = match (text.as_ref(), text.strip_prefix("~/"), &home) {
        ("~", _, Some(home)) => home.clone(),
        (_, Some(rest), Some(home)) => home.join(rest),
        _ => path.to_path_buf(),
    };
    let joined = if expanded.is_absolute() {
        expanded
    } else {
        cwd.join(expanded)
    };
    let mut normal = PathBuf::new();
    for component in joined.components() {
        match component {
            Component::ParentDir => {
                normal.pop();
            }
            Component::CurDir => {}
            other => normal.push(other),
        }
    }
    normal
}

/// `<ISO time with : and . as ->_<id>.jsonl`.
pub(crate) fn session_file_name(timestamp: &str, id: &str) -> String {
    let stamp: String = timestamp
        .chars()
        .map(|c| if matches!(c, ':' | '.') { '-' } else { c })
        .collect();
    format!("{stamp}_{id}.jsonl")
}

/// A new session id: a UUID v7, so ids sort by creation time.
pub(crate) fn new_session_id() -> String {
    uuid::Uuid::now_v7().hyphenated().to_string()
}

/// A new entry id: eight hex digits not in use (a whole UUID after 100 collisions).
pub(crate) fn new_entry_id(in_use: impl Fn(&str) -> bool) -> String {
    for _ in 0..100 {
        let uuid = uuid::Uuid::new_v4().simple().to_string();
        let id = &uuid[..8];
        if !in_use(id) {
            return id.to_string();
        }
    }
    uuid::Uuid::new_v4().hyphenated().to_string()
}

/// Checks a session id chosen by the user (`--session-id`).
pub fn assert_valid_session_id(id: &str) -> Result<(), SessionError> {
    let bytes = id.as_bytes();
    let inner_ok = bytes
        .iter()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
    let ends_ok = bytes.first().is_some_and(u8::is_ascii_alphanumeric)
        && bytes.last().is_some_and(u8::is_ascii_alphanumeric);
    if inner_ok && ends_ok {
        Ok(())
    } else {
        Err(SessionError::InvalidSessionId)
    }
}

/// The header of a session file: the first line that parses, if it is a header. `None` for
/// unreadable files, other first entries, or no header within the first megabyte.
pub(crate) fn read_header(path: &Path) -> Option<SessionHeader> {
    let file = File::open(path).ok()?;
    let size = file.metadata().ok()?.len();
    let mut header = None;
    let _ = for_each_line(std::io::Read::take(file, HEADER_SCAN_LIMIT), |line| {
        // A line cut off by the scan limit is not a line.
        let cut = !line.terminated && size > HEADER_SCAN_LIMIT;
        if cut || is_blank(line.bytes) {
            return true;
        }
        match parse_lossy::<serde_json::Value>(line.bytes) {
            Some(value) => {
                header = SessionHeader::from_value(value);
                false
            }
            None => true,
        }
    });
    header
}

fn header_cwd_matches(header: &SessionHeader, cwd: &Path) -> bool {
    !header.cwd.is_empty() && resolve_path(Path::new(&header.cwd), cwd) == cwd
}

/// The session `--continue` opens: the `.jsonl` file in `dir` modified last whose header is
/// valid (and, when `cwd` is given, belongs to it).
pub fn find_most_recent_session(dir: &Path, cwd: Option<&Path>) -> Option<PathBuf> {
    let mut files: Vec<(std::time::SystemTime, PathBuf)> = std::fs::read_dir(dir)
        .ok()?
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "jsonl"))
        .filter_map(|path| Some((path.metadata().ok()?.modified().ok()?, path)))
        .collect();
    files.sort_by_key(|(modified, _)| std::cmp::Reverse(*modified));
    files.into_iter().map(|(_, path)| path).find(|path| {
        read_header(path)
            .is_some_and(|header| cwd.is_none_or(|cwd| header_cwd_matches(&header, cwd)))
    })
}

/// The file of the session with exactly this id in `cwd`'s directory, reading headers only.
pub fn find_session_by_id(location: &SessionLocation, cwd: &Path, id: &str) -> Option<PathBuf> {
    let dir = location.dir_for(cwd);
    let filter = location.filters_cwd(cwd);
    let mut names: Vec<PathBuf> = std::fs::read_dir(&dir)
        .ok()?
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "jsonl"))
        .collect();
    names.sort();
    names.into_iter().find(|path| {
        read_header(path)
            .is_some_and(|header| header.id == id && (!filter || header_cwd_matches(&header, cwd)))
    })
}

/// What a `--session` (or `--fork`) argument names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SessionTarget {
    /// A file path (which may not exist yet).
    Path(PathBuf),
    /// A session of this project.
    Local(PathBuf),
    /// A session of another project, and that project's directory.
    Global {
        /// The session file.
        path: PathBuf,
        /// The directory it belongs to.
        cwd: String,
    },
    /// Nothing matches.
    NotFound(String),
}

/// Resolves a `--session`/`--fork` argument as pi does: something that looks like a path is
/// one; otherwise an exact session id in this project, then an id prefix here, then an
/// exact id or prefix in any project.
pub fn resolve_session_arg(arg: &str, cwd: &Path, location: &SessionLocation) -> SessionTarget {
    if arg.contains('/') || arg.contains('\\') || arg.ends_with(".jsonl") {
        return SessionTarget::Path(resolve_path(Path::new(arg), cwd));
    }
    if let Some(path) = find_session_by_id(location, cwd, arg) {
        return SessionTarget::Local(path);
    }
    let local = list_sessions(location, cwd, None);
    if let Some(session) = local.into_iter().find(|s| s.id.starts_with(arg)) {
        return SessionTarget::Local(session.path);
    }
    let all = list_all_sessions(location, None);
    let found = all
        .iter()
        .position(|s| s.id == arg)
        .or_else(|| all.iter().position(|s| s.id.starts_with(arg)));
    match found {
        Some(at) => {
            let session = &all[at];
            SessionTarget::Global {
                path: session.path.clone(),
                cwd: session.cwd.clone(),
            }
        }
        None => SessionTarget::NotFound(arg.to_string()),
    }
}

/// A new file name for a session created now.
pub(crate) fn new_session_file(dir: &Path, id: &str) -> (String, PathBuf) {
    let timestamp = time::now_iso();
    let path = dir.join(session_file_name(&timestamp, id));
    (timestamp, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn project_directories_are_named_as_pi_names_them() {
        let location = SessionLocation::new("/home/user/.pi/agent");
        assert_eq!(
            location.default_dir_for(Path::new("/Users/me/proj")),
            Path::new("/home/user/.pi/agent/sessions/--Users-me-proj--")
        );
        assert_eq!(
            location.default_dir_for(Path::new("C:\\work\\x")),
            Path::new("/home/user/.pi/agent/sessions/--C--work-x--")
        );
        let custom = location.clone().with_session_dir("/tmp/s");
        assert_eq!(custom.dir_for(Path::new("/p")), Path::new("/tmp/s"));
        assert!(custom.filters_cwd(Path::new("/p")));
        assert!(!location.filters_cwd(Path::new("/p")));
    }

    #[test]
    fn file_names_and_ids() {
        assert_eq!(
            session_file_name("2025-12-09T00:52:54.397Z", "d97339c6"),
            "2025-12-09T00-52-54-397Z_d97339c6.jsonl"
        );
        let id = new_entry_id(|_| false);
        assert_eq!(id.len(), 8);
        assert!(id.chars().all(|c| c.is_ascii_hexdigit()));
        assert_eq!(new_entry_id(|_| true).len(), 36);
        assert_eq!(new_session_id().len(), 36);
        for good in ["a", "abc-1.2_x", "A9"] {
            assert!(assert_valid_session_id(good).is_ok(), "{good}");
        }
        for bad in ["", "-a", "a-", "a b", "a/b", "é"] {
            assert!(assert_valid_session_id(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn paths_resolve_like_node() {
        let cwd = Path::new("/home/user/project");
        assert_eq!(
            resolve_path(Path::new("../other/./s.jsonl"), cwd),
            Path::new("/home/user/other/s.jsonl")
        );
        assert_eq!(resolve_path(Path::new("/abs"), cwd), Path::new("/abs"));
    }
}

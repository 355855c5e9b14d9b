//! File-system errors worded as Node words them (`ENOENT: no such file or directory,
//! access '/abs/path'`), because pi's tools pass those messages to the model unchanged.

use std::io;
use std::path::Path;

use rustix::io::Errno;

/// A tool failure: its text is what the model reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToolFailure(pub String);

impl std::fmt::Display for ToolFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ToolFailure {}

impl From<String> for ToolFailure {
    fn from(text: String) -> Self {
        ToolFailure(text)
    }
}

impl From<&str> for ToolFailure {
    fn from(text: &str) -> Self {
        ToolFailure(text.to_string())
    }
}

/// The failure every tool reports when its call is cancelled.
pub fn aborted() -> ToolFailure {
    ToolFailure("Operation aborted".into())
}

/// The errno name and libuv's wording for the errors file tools meet.
const KNOWN: &[(Errno, &str, &str)] = &[
    (Errno::NOENT, "ENOENT", "no such file or directory"),
    (Errno::ACCESS, "EACCES", "permission denied"),
    (Errno::ISDIR, "EISDIR", "illegal operation on a directory"),
    (Errno::NOTDIR, "ENOTDIR", "not a directory"),
    (Errno::EXIST, "EEXIST", "file already exists"),
    (Errno::LOOP, "ELOOP", "too many symbolic links encountered"),
    (Errno::NAMETOOLONG, "ENAMETOOLONG", "name too long"),
    (Errno::PERM, "EPERM", "operation not permitted"),
    (Errno::ROFS, "EROFS", "read-only file system"),
    (Errno::NOSPC, "ENOSPC", "no space left on device"),
    (Errno::BUSY, "EBUSY", "resource busy or locked"),
    (Errno::IO, "EIO", "i/o error"),
    (Errno::MFILE, "EMFILE", "too many open files"),
    (Errno::NOTEMPTY, "ENOTEMPTY", "directory not empty"),
    (Errno::INVAL, "EINVAL", "invalid argument"),
    (Errno::XDEV, "EXDEV", "cross-device link not permitted"),
    (Errno::TXTBSY, "ETXTBSY", "text file is busy"),
    (Errno::FBIG, "EFBIG", "file too large"),
    (Errno::AGAIN, "EAGAIN", "resource temporarily unavailable"),
    (Errno::NXIO, "ENXIO", "no such device or address"),
    (Errno::NODEV, "ENODEV", "no such device"),
];

fn known(err: &io::Error) -> Option<(&'static str, &'static str)> {
    let errno = Errno::from_io_error(err)?;
    KNOWN
        .iter()
        .find(|(known, _, _)| *known == errno)
        .map(|(_, code, text)| (*code, *text))
}

/// The error's code (`ENOENT`), when it is one of the common ones.
pub fn error_code(err: &io::Error) -> Option<&'static str> {
    known(err).map(|(code, _)| code)
}

/// Node's message for a failed file-system call: `CODE: text, syscall 'path'` (or without
/// the path for calls on an open file).
pub fn node_error(err: &io::Error, syscall: &str, path: Option<&Path>) -> String {
    let Some((code, text)) = known(err) else {
        return match path {
            Some(path) => format!("{err}, {syscall} '{}'", path.display()),
            None => format!("{err}, {syscall}"),
        };
    };
    match path {
        Some(path) => format!("{code}: {text}, {syscall} '{}'", path.display()),
        None => format!("{code}: {text}, {syscall}"),
    }
}

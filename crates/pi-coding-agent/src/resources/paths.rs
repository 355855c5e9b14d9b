//! Path and text handling shared by the resource loaders, worded as pi resolves paths
//! (Node's `path.resolve`, `~` expansion, `file://` URLs) and reads files (UTF-8 with a
//! leading byte order mark dropped, invalid bytes replaced).

use std::ffi::OsString;
use std::fs;
use std::io::{self, Read};
use std::path::{Component, Path, PathBuf};

use crate::tools::node_error;

/// JavaScript's `trim` set: its white space and line terminators (Rust's differs on U+0085
/// and U+FEFF).
pub(crate) fn is_js_whitespace(ch: char) -> bool {
    matches!(
        ch,
        '\t' | '\n' | '\u{0B}' | '\u{0C}' | '\r' | ' ' | '\u{A0}' | '\u{1680}' | '\u{2000}'
            ..='\u{200A}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{202F}'
                | '\u{205F}'
                | '\u{3000}'
                | '\u{FEFF}'
    )
}

/// `text.trim()` as JavaScript trims.
pub(crate) fn js_trim(text: &str) -> &str {
    text.trim_matches(is_js_whitespace)
}

/// The text without a leading byte order mark.
pub(crate) fn strip_bom(text: &str) -> &str {
    text.strip_prefix('\u{FEFF}').unwrap_or(text)
}

/// `text` without a leading byte order mark, reusing its buffer.
pub(crate) fn strip_bom_owned(mut text: String) -> String {
    if text.starts_with('\u{FEFF}') {
        text.drain(..'\u{FEFF}'.len_utf8());
    }
    text
}

/// A file's text as Node's `readFileSync(path, "utf-8")` gives it: invalid UTF-8 becomes
/// U+FFFD. The byte order mark is kept; callers strip it where pi does.
pub(crate) fn read_text(path: &Path) -> io::Result<String> {
    read_text_worded(path).map_err(|(err, _)| err)
}

/// [`read_text`], with a failure also worded as Node words it (`EACCES: permission denied,
/// open '/p'`, or `EIO: i/o error, read` when reading an opened file fails).
pub(crate) fn read_text_worded(path: &Path) -> Result<String, (io::Error, String)> {
    let mut file = fs::File::open(path).map_err(|err| {
        let worded = node_error(&err, "open", Some(path));
        (err, worded)
    })?;
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes).map_err(|err| {
        let worded = node_error(&err, "read", None);
        (err, worded)
    })?;
    Ok(match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(err) => String::from_utf8_lossy(err.as_bytes()).into_owned(),
    })
}

/// `path` made absolute against `base` and normalized lexically, as Node's `path.resolve`
/// does (`.` and `..` folded, no trailing separator, symbolic links untouched).
pub(crate) fn resolve_lexically(base: &Path, path: &Path) -> PathBuf {
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        base.join(path)
    };
    let mut out = PathBuf::new();
    for component in joined.components() {
        match component {
            Component::ParentDir => {
                // `..` above the root stays at the root.
                if out.parent().is_some() {
                    out.pop();
                }
            }
            Component::CurDir => {}
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// A configured path resolved as pi's `resolvePath(input, base, { trim: true })`: trimmed,
/// `~` and `~/` expanded to `home`, `file://` URLs decoded, then resolved against `base`.
pub(crate) fn resolve_input_path(input: &str, base: &Path, home: &Path) -> PathBuf {
    let trimmed = js_trim(input);
    let expanded: PathBuf = if trimmed == "~" {
        home.to_path_buf()
    } else if let Some(rest) = trimmed.strip_prefix("~/") {
        home.join(rest)
    } else if let Some(path) = file_url_path(trimmed) {
        path
    } else {
        PathBuf::from(trimmed)
    };
    resolve_lexically(base, &expanded)
}

/// The path of a `file://` URL (percent escapes decoded), as Node's `fileURLToPath`.
fn file_url_path(url: &str) -> Option<PathBuf> {
    let rest = url.strip_prefix("file://")?;
    // `file://localhost/x` and `file:///x` name the same file.
    let path = rest.strip_prefix("localhost").unwrap_or(rest);
    let mut bytes = Vec::with_capacity(path.len());
    let mut iter = path.bytes();
    while let Some(byte) = iter.next() {
        if byte == b'%' {
            let hex = [iter.next()?, iter.next()?];
            let text = std::str::from_utf8(&hex).ok()?;
            bytes.push(u8::from_str_radix(text, 16).ok()?);
        } else {
            bytes.push(byte);
        }
    }
    Some(PathBuf::from(String::from_utf8(bytes).ok()?))
}

/// The path with symbolic links resolved, or the path itself when that fails (pi's
/// `canonicalizePath`).
pub(crate) fn canonicalize_or_self(path: &Path) -> PathBuf {
    fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

/// Whether `target` is `root` or lies under it (both already resolved).
pub(crate) fn is_under(target: &Path, root: &Path) -> bool {
    target.starts_with(root)
}

/// What a directory entry is once symbolic links are followed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum EntryKind {
    /// A regular file.
    File,
    /// A directory.
    Dir,
    /// Anything else (sockets, devices, ...).
    Other,
}

/// One directory entry.
#[derive(Debug)]
pub(crate) struct DirEntry {
    /// The entry's file name.
    pub name: OsString,
    /// Its full path.
    pub path: PathBuf,
    /// Its kind, symbolic links followed.
    pub kind: EntryKind,
}

impl DirEntry {
    /// The name's bytes (file names need not be UTF-8).
    pub fn name_bytes(&self) -> &[u8] {
        self.name.as_encoded_bytes()
    }

    /// Whether the name starts with a dot.
    pub fn is_hidden(&self) -> bool {
        self.name_bytes().first() == Some(&b'.')
    }

    /// Whether the name ends with `.md`.
    pub fn is_markdown(&self) -> bool {
        self.name_bytes().ends_with(b".md")
    }
}

/// The entries of `dir` sorted by name bytes, the order Node's `readdirSync` reports (libuv
/// sorts its `scandir` results). Broken symbolic links are left out, as pi skips them.
pub(crate) fn read_dir_sorted(dir: &Path) -> io::Result<Vec<DirEntry>> {
    let mut entries = Vec::new();
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        let file_type = entry.file_type()?;
        let kind = if file_type.is_symlink() {
            match fs::metadata(&path) {
                Ok(meta) => kind_of(&meta),
                Err(_) => continue,
            }
        } else if file_type.is_dir() {
            EntryKind::Dir
        } else if file_type.is_file() {
            EntryKind::File
        } else {
            EntryKind::Other
        };
        entries.push(DirEntry {
            name: entry.file_name(),
            path,
            kind,
        });
    }
    entries.sort_by(|a, b| a.name_bytes().cmp(b.name_bytes()));
    Ok(entries)
}

/// The kind of what `path` names, symbolic links followed; `None` when it does not exist.
pub(crate) fn path_kind(path: &Path) -> Option<EntryKind> {
    fs::metadata(path).ok().map(|meta| kind_of(&meta))
}

fn kind_of(meta: &fs::Metadata) -> EntryKind {
    if meta.is_dir() {
        EntryKind::Dir
    } else if meta.is_file() {
        EntryKind::File
    } else {
        EntryKind::Other
    }
}

/// `path` relative to `root` with `/` separators, as pi matches ignore rules and patterns.
pub(crate) fn relative_posix(root: &Path, path: &Path) -> String {
    let relative = path.strip_prefix(root).unwrap_or(path);
    let mut out = String::new();
    for component in relative.components() {
        if !out.is_empty() {
            out.push('/');
        }
        out.push_str(&component.as_os_str().to_string_lossy());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trims_as_javascript_does() {
        assert_eq!(js_trim("\u{FEFF} a \u{3000}"), "a");
        assert_eq!(js_trim("\u{85}a"), "\u{85}a");
    }

    #[test]
    fn resolves_like_node() {
        let base = Path::new("/work/project");
        let home = Path::new("/home/me");
        assert_eq!(
            resolve_input_path(" ../x/./y/ ", base, home),
            Path::new("/work/x/y")
        );
        assert_eq!(resolve_input_path("~", base, home), home);
        assert_eq!(
            resolve_input_path("~/skills", base, home),
            Path::new("/home/me/skills")
        );
        assert_eq!(resolve_input_path("/../../a", base, home), Path::new("/a"));
        assert_eq!(
            resolve_input_path("file:///tmp/a%20b.md", base, home),
            Path::new("/tmp/a b.md")
        );
    }

    #[test]
    fn lists_entries_in_byte_order_and_skips_broken_links() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["b", "B", "_x", "a.md"] {
            fs::write(dir.path().join(name), "").unwrap();
        }
        fs::create_dir(dir.path().join("Z")).unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink(dir.path().join("missing"), dir.path().join("broken")).unwrap();
        let entries = read_dir_sorted(dir.path()).unwrap();
        let names: Vec<_> = entries.iter().map(|e| e.name.to_string_lossy()).collect();
        assert_eq!(names, ["B", "Z", "_x", "a.md", "b"]);
        assert_eq!(entries[1].kind, EntryKind::Dir);
        assert!(entries[3].is_markdown());
    }

    #[test]
    fn reads_invalid_utf8_lossily() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        fs::write(&path, b"a\xffb").unwrap();
        assert_eq!(read_text(&path).unwrap(), "a\u{FFFD}b");
    }
}

//! Turning the paths models write into files: a leading `@`, `~`, Unicode spaces, paths
//! relative to the session's working directory, and the spellings macOS gives screenshots.

use std::path::{Component, Path, PathBuf};

use unicode_normalization::UnicodeNormalization;

const NARROW_NO_BREAK_SPACE: char = '\u{202F}';

fn is_unicode_space(ch: char) -> bool {
    matches!(
        ch,
        '\u{00A0}' | '\u{2000}'..='\u{200A}' | '\u{202F}' | '\u{205F}' | '\u{3000}'
    )
}

/// Normalizes a path as a model wrote it: Unicode spaces become plain spaces, a leading
/// `@` goes (models copy `@file` mentions), `~` and `~/` expand to the home directory and
/// `file://` URLs become paths.
pub fn expand_path(input: &str) -> String {
    let spaced: String = input
        .chars()
        .map(|ch| if is_unicode_space(ch) { ' ' } else { ch })
        .collect();
    let bare = spaced.strip_prefix('@').unwrap_or(&spaced);
    expand_home_and_url(bare)
}

fn expand_home_and_url(path: &str) -> String {
    if let Some(home) = std::env::home_dir() {
        if path == "~" {
            return home.to_string_lossy().into_owned();
        }
        if let Some(rest) = path.strip_prefix("~/") {
            return normalize_lexically(&home.join(rest))
                .to_string_lossy()
                .into_owned();
        }
    }
    if let Some(url_path) = file_url_path(path) {
        return url_path;
    }
    path.to_string()
}

/// The path of a local `file://` URL, percent-decoded.
fn file_url_path(url: &str) -> Option<String> {
    let rest = url.strip_prefix("file://")?;
    let rest = rest.strip_prefix("localhost").unwrap_or(rest);
    if !rest.starts_with('/') {
        return None;
    }
    let bytes = rest.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%'
            && let (Some(hi), Some(lo)) = (
                bytes.get(i + 1).and_then(|b| hex(*b)),
                bytes.get(i + 2).and_then(|b| hex(*b)),
            )
        {
            out.push((hi * 16 + lo) as u8);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    Some(String::from_utf8_lossy(&out).into_owned())
}

/// Resolves a model's path against `cwd` (after [`expand_path`]), lexically like Node's
/// `path.resolve`: `.` and `..` are folded, symlinks are not followed.
pub fn resolve_to_cwd(path: &str, cwd: &Path) -> PathBuf {
    let expanded = PathBuf::from(expand_path(path));
    if expanded.is_absolute() {
        return normalize_lexically(&expanded);
    }
    let base = expand_home_and_url(&cwd.to_string_lossy());
    normalize_lexically(&Path::new(&base).join(expanded))
}

/// Folds `.` and `..` and drops trailing separators without touching the file system.
pub fn normalize_lexically(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                // `..` at the root stays at the root, as in Node.
                if out.parent().is_some() {
                    out.pop();
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    if out.as_os_str().is_empty() {
        out.push(".");
    }
    out
}

/// Resolves the path for `read`: when it does not exist, tries the spellings macOS uses
/// that a model cannot type: a narrow no-break space before AM/PM in screenshot names,
/// decomposed (NFD) accents, and a curly apostrophe (French "Capture d’écran").
pub fn resolve_read_path(path: &str, cwd: &Path) -> PathBuf {
    let resolved = resolve_to_cwd(path, cwd);
    if resolved.exists() {
        return resolved;
    }
    let text = resolved.to_string_lossy().into_owned();
    let nfd: String = text.nfd().collect();
    let candidates = [
        am_pm_variant(&text),
        nfd.clone(),
        text.replace('\'', "\u{2019}"),
        nfd.replace('\'', "\u{2019}"),
    ];
    candidates
        .into_iter()
        .filter(|candidate| *candidate != text)
        .map(PathBuf::from)
        .find(|candidate| candidate.exists())
        .unwrap_or(resolved)
}

/// Puts a narrow no-break space before `AM.`/`PM.` (any case) where the text has a plain one.
fn am_pm_variant(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(index) = rest.find(' ') {
        let after = &rest[index + 1..];
        let is_meridiem = after.len() >= 3
            && after.is_char_boundary(3)
            && (after[..2].eq_ignore_ascii_case("am") || after[..2].eq_ignore_ascii_case("pm"))
            && after.as_bytes()[2] == b'.';
        out.push_str(&rest[..index]);
        out.push(if is_meridiem {
            NARROW_NO_BREAK_SPACE
        } else {
            ' '
        });
        rest = after;
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expands_at_spaces_and_urls() {
        assert_eq!(expand_path("@src/a.ts"), "src/a.ts");
        assert_eq!(expand_path("a\u{00A0}b\u{3000}c"), "a b c");
        assert_eq!(expand_path("file:///tmp/a%20b.txt"), "/tmp/a b.txt");
    }

    #[test]
    fn resolves_lexically() {
        let cwd = Path::new("/work/project");
        assert_eq!(
            resolve_to_cwd("src/../lib/./a.rs", cwd),
            Path::new("/work/project/lib/a.rs")
        );
        assert_eq!(resolve_to_cwd("/etc/", cwd), Path::new("/etc"));
        assert_eq!(resolve_to_cwd(".", cwd), Path::new("/work/project"));
        assert_eq!(resolve_to_cwd("/../x", cwd), Path::new("/x"));
    }

    #[test]
    fn am_pm_variant_uses_narrow_no_break_space() {
        assert_eq!(
            am_pm_variant("Screenshot 2024-01-01 at 10.00.00 AM.png"),
            "Screenshot 2024-01-01 at 10.00.00\u{202F}AM.png"
        );
        assert_eq!(am_pm_variant("a pm.txt b"), "a\u{202F}pm.txt b");
        assert_eq!(am_pm_variant("plain name"), "plain name");
    }
}

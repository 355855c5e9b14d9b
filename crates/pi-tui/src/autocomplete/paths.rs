//! Finding the path or `@` token before the cursor, listing completions for it, and putting
//! a chosen completion into the text.

use std::path::{Path, PathBuf};

use crate::components::SelectItem;

use super::Completion;

/// Characters that end a path token.
fn is_path_delimiter(c: char) -> bool {
    matches!(c, ' ' | '\t' | '"' | '\'' | '=') || is_separator(c)
}

/// Whitespace and CJK punctuation separate prose from completions.
pub(crate) fn is_separator(c: char) -> bool {
    c.is_whitespace()
        || "，．：；！？（）［］｛｝“”‘’…—".contains(c)
        || ('\u{3000}'..='\u{303F}').contains(&c)
}

/// Whether a token may start at byte `index` of `text`.
fn is_token_start(text: &str, index: usize) -> bool {
    let before = text.get(..index).unwrap_or_default();
    before.chars().next_back().is_none_or(is_path_delimiter)
}

fn unclosed_quote_start(text: &str) -> Option<usize> {
    let mut open = None;
    for (i, c) in text.char_indices() {
        if c == '"' {
            open = if open.is_some() { None } else { Some(i) };
        }
    }
    open
}

fn quoted_prefix(text: &str) -> Option<String> {
    let q = unclosed_quote_start(text)?;
    if q > 0 && text.get(q - 1..q) == Some("@") {
        return is_token_start(text, q - 1)
            .then(|| text.get(q - 1..).unwrap_or_default().to_owned());
    }
    is_token_start(text, q).then(|| text.get(q..).unwrap_or_default().to_owned())
}

fn last_delimiter_end(text: &str) -> usize {
    text.char_indices()
        .rfind(|(_, c)| is_path_delimiter(*c))
        .map_or(0, |(i, c)| i + c.len_utf8())
}

/// The `@` token before the cursor, if the cursor is in one.
pub(crate) fn extract_at_prefix(text: &str) -> Option<String> {
    if let Some(q) = quoted_prefix(text)
        && q.starts_with("@\"")
    {
        return Some(q);
    }
    let start = last_delimiter_end(text);
    let token = text.get(start..)?;
    token.starts_with('@').then(|| token.to_owned())
}

/// The path token before the cursor, if it looks like a path (or `force`).
pub(crate) fn extract_path_prefix(text: &str, force: bool) -> Option<String> {
    if let Some(q) = quoted_prefix(text) {
        return Some(q);
    }
    let token = text.get(last_delimiter_end(text)..).unwrap_or_default();
    if force || token.contains('/') || token.starts_with('.') || token.starts_with("~/") {
        return Some(token.to_owned());
    }
    if token.is_empty() && !text.is_empty() && text.chars().next_back().is_some_and(is_separator) {
        return Some(String::new());
    }
    None
}

/// A prefix split into the path typed and how it was written.
#[derive(Debug)]
pub(crate) struct PathPrefix {
    pub(crate) raw: String,
    pub(crate) at: bool,
    pub(crate) quoted: bool,
}

pub(crate) fn parse_path_prefix(prefix: &str) -> PathPrefix {
    let (raw, at, quoted) = if let Some(r) = prefix.strip_prefix("@\"") {
        (r, true, true)
    } else if let Some(r) = prefix.strip_prefix('"') {
        (r, false, true)
    } else if let Some(r) = prefix.strip_prefix('@') {
        (r, true, false)
    } else {
        (prefix, false, false)
    };
    PathPrefix {
        raw: raw.to_owned(),
        at,
        quoted,
    }
}

/// `@path`, quoted when it holds a separator (or was typed quoted).
pub(crate) fn completion_value(path: &str, at: bool, quoted: bool) -> String {
    let at = if at { "@" } else { "" };
    if quoted || path.chars().any(is_separator) {
        format!("{at}\"{path}\"")
    } else {
        format!("{at}{path}")
    }
}

fn expand_home(path: &str, home: Option<&Path>) -> String {
    match (path.strip_prefix("~/"), home) {
        (Some(rest), Some(home)) => {
            let mut out = home.join(rest).to_string_lossy().into_owned();
            if path.ends_with('/') && !out.ends_with('/') {
                out.push('/');
            }
            out
        }
        _ if path == "~" => {
            home.map_or_else(|| path.to_owned(), |h| h.to_string_lossy().into_owned())
        }
        _ => path.to_owned(),
    }
}

fn parent_of(p: &str) -> &str {
    match p.trim_end_matches('/').rfind('/') {
        Some(0) => "/",
        Some(i) => p.get(..i).unwrap_or_default(),
        None => ".",
    }
}

fn file_name_of(p: &str) -> &str {
    p.rsplit('/').next().unwrap_or(p)
}

/// Entries of the directory the prefix points into, whose names start with its last part.
pub(crate) fn file_suggestions(base: &Path, home: Option<&Path>, prefix: &str) -> Vec<SelectItem> {
    let PathPrefix { raw, at, quoted } = parse_path_prefix(prefix);
    let expanded = if raw.starts_with('~') {
        expand_home(&raw, home)
    } else {
        raw.clone()
    };
    let absolute = raw.starts_with('~') || expanded.starts_with('/');
    let root = matches!(raw.as_str(), "" | "./" | "../" | "~" | "~/" | "/");
    let (dir, name_prefix): (PathBuf, String) = if root || raw.ends_with('/') {
        (
            if absolute {
                PathBuf::from(&expanded)
            } else {
                base.join(&expanded)
            },
            String::new(),
        )
    } else {
        let d = parent_of(&expanded);
        let dir = if absolute {
            PathBuf::from(d)
        } else {
            base.join(d)
        };
        (dir, file_name_of(&expanded).to_owned())
    };
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let lower = name_prefix.to_lowercase();
    let mut out: Vec<SelectItem> = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !name.to_lowercase().starts_with(&lower) {
            continue;
        }
        // A symlink to a directory completes like a directory.
        let is_dir = std::fs::metadata(entry.path()).is_ok_and(|m| m.is_dir());
        let relative = if raw.ends_with('/') {
            format!("{raw}{name}")
        } else if raw.contains('/') {
            if let Some(rest) = raw.strip_prefix("~/") {
                let d = parent_of(rest);
                if d == "." {
                    format!("~/{name}")
                } else {
                    format!("~/{d}/{name}")
                }
            } else if raw.starts_with('/') {
                let d = parent_of(&raw);
                if d == "/" {
                    format!("/{name}")
                } else {
                    format!("{d}/{name}")
                }
            } else {
                let d = parent_of(&raw);
                let joined = if d == "." {
                    name.clone()
                } else {
                    format!("{d}/{name}")
                };
                if raw.starts_with("./") && !joined.starts_with("./") {
                    format!("./{joined}")
                } else {
                    joined
                }
            }
        } else if raw.starts_with('~') {
            format!("~/{name}")
        } else {
            name.clone()
        };
        let path = if is_dir {
            format!("{relative}/")
        } else {
            relative
        };
        out.push(
            SelectItem::new(completion_value(&path, at, quoted))
                .with_label(format!("{name}{}", if is_dir { "/" } else { "" })),
        );
    }
    out.sort_by(|a, b| {
        let (la, lb) = (
            a.label.as_deref().unwrap_or(""),
            b.label.as_deref().unwrap_or(""),
        );
        lb.ends_with('/')
            .cmp(&la.ends_with('/'))
            .then_with(|| la.to_lowercase().cmp(&lb.to_lowercase()))
    });
    out
}

fn with_line(lines: &[String], cursor_line: usize, line: String) -> Vec<String> {
    let mut out = lines.to_vec();
    match out.get_mut(cursor_line) {
        Some(slot) => *slot = line,
        None => out.push(line),
    }
    out
}

/// Replaces the prefix before the cursor with the chosen item.
pub(crate) fn apply_completion(
    lines: &[String],
    cursor_line: usize,
    cursor_col: usize,
    item: &SelectItem,
    prefix: &str,
) -> Completion {
    let line = lines.get(cursor_line).map_or("", String::as_str);
    let col = cursor_col.min(line.len());
    let start = col.saturating_sub(prefix.len());
    let before = line.get(..start).unwrap_or_default();
    let after = line.get(col..).unwrap_or_default();
    let quoted_prefix = prefix.starts_with('"') || prefix.starts_with("@\"");
    let after = if quoted_prefix && item.value.ends_with('"') && after.starts_with('"') {
        after.get(1..).unwrap_or_default()
    } else {
        after
    };
    let label = item.label.as_deref().unwrap_or(&item.value);
    let is_dir = label.ends_with('/');
    let value = &item.value;
    // A directory inside quotes keeps the cursor before the closing quote, to go on typing.
    let offset = if is_dir && value.ends_with('"') {
        value.len() - 1
    } else {
        value.len()
    };
    if prefix.starts_with('/')
        && before.trim().is_empty()
        && !prefix.get(1..).unwrap_or("").contains('/')
    {
        return Completion {
            lines: with_line(lines, cursor_line, format!("{before}/{value} {after}")),
            cursor_line,
            cursor_col: before.len() + value.len() + 2,
        };
    }
    if prefix.starts_with('@') {
        let suffix = if is_dir { "" } else { " " };
        return Completion {
            lines: with_line(
                lines,
                cursor_line,
                format!("{before}{value}{suffix}{after}"),
            ),
            cursor_line,
            cursor_col: before.len() + offset + suffix.len(),
        };
    }
    Completion {
        lines: with_line(lines, cursor_line, format!("{before}{value}{after}")),
        cursor_line,
        cursor_col: before.len() + offset,
    }
}

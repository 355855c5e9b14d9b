//! Prompt templates: Markdown files that become `/name` commands. Typing `/review a "b c"`
//! sends the `review` template's body with its argument placeholders filled in.
//!
//! A template's name is its file name without `.md`; its description is the frontmatter's
//! `description`, else its first non-blank line cut to 60 characters; `argument-hint`
//! documents its arguments. Placeholders: `$1`, `$2`, … (missing ones are empty), `$@` and
//! `$ARGUMENTS` (all arguments joined by spaces), `${@:N}` and `${@:N:L}` (a slice from
//! the Nth), and defaults `${N:-text}`, `${@:-text}`, `${ARGUMENTS:-text}` for missing or
//! empty values. Substituted values are never scanned again.

use std::path::{Path, PathBuf};

use serde::Serialize;

use super::diagnostics::{Diagnostic, ResourceKind, SourceInfo};
use super::frontmatter::parse_frontmatter;
use super::paths::{EntryKind, is_js_whitespace, js_trim, read_dir_sorted, read_text_worded};

/// Longest description taken from a template's first line.
const DESCRIPTION_FROM_BODY_LENGTH: usize = 60;

/// One loaded prompt template.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PromptTemplate {
    /// The command name (`review` for `/review`).
    pub name: String,
    /// What it does, for the command list.
    pub description: String,
    /// How to call it (`[focus]`), when given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub argument_hint: Option<String>,
    /// The text after the frontmatter.
    pub content: String,
    /// Where it was found.
    pub source_info: SourceInfo,
    /// The Markdown file.
    pub file_path: PathBuf,
}

/// Reads the template in `path`; `None` (with a warning) when it cannot be read or its
/// frontmatter is malformed.
pub(crate) fn load_template_file(
    path: &Path,
    source_info: SourceInfo,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<PromptTemplate> {
    let warn = |message: String| Diagnostic::warning(ResourceKind::PromptTemplate, message, path);
    let content = match read_text_worded(path) {
        Ok(content) => content,
        Err((_, worded)) => {
            diagnostics.push(warn(worded));
            return None;
        }
    };
    let frontmatter = match parse_frontmatter(&content) {
        Ok(frontmatter) => frontmatter,
        Err(err) => {
            diagnostics.push(warn(err.to_string()));
            return None;
        }
    };
    let file_name = path
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    let name = file_name
        .strip_suffix(".md")
        .unwrap_or(&file_name)
        .to_string();
    let description = match frontmatter.string("description") {
        Some(description) if !description.is_empty() => description.to_string(),
        _ => frontmatter
            .body
            .split('\n')
            .find(|line| !js_trim(line).is_empty())
            .map(description_from_line)
            .unwrap_or_default(),
    };
    let argument_hint = frontmatter
        .string("argument-hint")
        .filter(|hint| !hint.is_empty())
        .map(str::to_string);
    Some(PromptTemplate {
        name,
        description,
        argument_hint,
        content: frontmatter.body,
        source_info,
        file_path: path.to_path_buf(),
    })
}

/// The first 60 characters of `line` (counted as JavaScript counts them), `...` added when
/// it was longer.
fn description_from_line(line: &str) -> String {
    let mut units = 0;
    let mut cut = line.len();
    for (index, ch) in line.char_indices() {
        if units + ch.len_utf16() > DESCRIPTION_FROM_BODY_LENGTH {
            cut = index;
            break;
        }
        units += ch.len_utf16();
    }
    let mut description = line[..cut].to_string();
    if line.encode_utf16().count() > DESCRIPTION_FROM_BODY_LENGTH {
        description.push_str("...");
    }
    description
}

/// The Markdown files directly in a directory given on the command line (symbolic links
/// followed; hidden files and ignore files are not special here, as in pi).
pub(crate) fn template_files_in(dir: &Path) -> Vec<PathBuf> {
    read_dir_sorted(dir)
        .unwrap_or_default()
        .into_iter()
        .filter(|entry| entry.kind == EntryKind::File && entry.is_markdown())
        .map(|entry| entry.path)
        .collect()
}

/// Splits a command's argument text as a shell would, roughly: white space separates,
/// `"…"` and `'…'` group (the quotes are dropped, nothing is escaped).
pub fn parse_command_args(text: &str) -> Vec<String> {
    let mut args = Vec::new();
    let mut current = String::new();
    let mut quote = None;
    for ch in text.chars() {
        match quote {
            Some(open) if ch == open => quote = None,
            Some(_) => current.push(ch),
            None if ch == '"' || ch == '\'' => quote = Some(ch),
            None if is_js_whitespace(ch) => {
                if !current.is_empty() {
                    args.push(std::mem::take(&mut current));
                }
            }
            None => current.push(ch),
        }
    }
    if !current.is_empty() {
        args.push(current);
    }
    args
}

/// Fills the placeholders of `content` with `args`, in one left-to-right pass.
pub fn substitute_args(content: &str, args: &[String]) -> String {
    let all = args.join(" ");
    let mut out = String::with_capacity(content.len());
    let mut rest = content;
    while let Some(dollar) = rest.find('$') {
        out.push_str(&rest[..dollar]);
        let tail = &rest[dollar..];
        match placeholder(tail, args, &all) {
            Some((value, used)) => {
                out.push_str(&value);
                rest = &tail[used..];
            }
            None => {
                out.push('$');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The value of the placeholder at the start of `text` (which starts with `$`) and how many
/// bytes it spans.
fn placeholder(text: &str, args: &[String], all: &str) -> Option<(String, usize)> {
    let positional = |digits: &str| -> Option<&String> {
        let n: usize = digits.parse().unwrap_or(usize::MAX);
        n.checked_sub(1).and_then(|index| args.get(index))
    };
    if let Some(inner) = text.strip_prefix("${") {
        // `${N:-default}`, `${@:-default}`, `${ARGUMENTS:-default}`.
        let target = leading_digits(inner).or_else(|| {
            ["ARGUMENTS", "@"]
                .into_iter()
                .find(|word| inner.starts_with(word))
        });
        if let Some(target) = target
            && let Some(after) = inner[target.len()..].strip_prefix(":-")
            && let Some(close) = after.find('}')
        {
            let fallback = &after[..close];
            let value = if target == "@" || target == "ARGUMENTS" {
                all
            } else {
                positional(target).map_or("", String::as_str)
            };
            let used = 2 + target.len() + 2 + close + 1;
            let chosen = if value.is_empty() { fallback } else { value };
            return Some((chosen.to_string(), used));
        }
        // `${@:N}` and `${@:N:L}`.
        if let Some(after) = inner.strip_prefix("@:")
            && let Some(start) = leading_digits(after)
        {
            let mut used = 2 + 2 + start.len();
            let mut length = None;
            let rest = &after[start.len()..];
            if let Some(more) = rest.strip_prefix(':')
                && let Some(digits) = leading_digits(more)
            {
                length = Some(digits);
                used += 1 + digits.len();
            }
            if text[used..].starts_with('}') {
                let from = start
                    .parse::<usize>()
                    .unwrap_or(usize::MAX)
                    .saturating_sub(1);
                let from = from.min(args.len());
                let to = match length {
                    Some(digits) => from
                        .saturating_add(digits.parse().unwrap_or(usize::MAX))
                        .min(args.len()),
                    None => args.len(),
                };
                return Some((args[from..to].join(" "), used + 1));
            }
        }
        return None;
    }
    let inner = &text[1..];
    if inner.starts_with("ARGUMENTS") {
        return Some((all.to_string(), 1 + "ARGUMENTS".len()));
    }
    if inner.starts_with('@') {
        return Some((all.to_string(), 2));
    }
    let digits = leading_digits(inner)?;
    let value = positional(digits).cloned().unwrap_or_default();
    Some((value, 1 + digits.len()))
}

fn leading_digits(text: &str) -> Option<&str> {
    let end = text
        .bytes()
        .position(|b| !b.is_ascii_digit())
        .unwrap_or(text.len());
    (end > 0).then(|| &text[..end])
}

/// `text` expanded when it is `/name args` for one of `templates`; else `None`.
pub fn expand_template(text: &str, templates: &[PromptTemplate]) -> Option<String> {
    let command = text.strip_prefix('/')?;
    let name_end = command.find(is_js_whitespace).unwrap_or(command.len());
    let name = &command[..name_end];
    if name.is_empty() {
        return None;
    }
    let template = templates.iter().find(|template| template.name == name)?;
    let args_text = command[name_end..].trim_start_matches(is_js_whitespace);
    Some(substitute_args(
        &template.content,
        &parse_command_args(args_text),
    ))
}

#[cfg(test)]
mod tests;

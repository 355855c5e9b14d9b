//! Output limits shared by the tools: keep the head (file reads) or the tail (command
//! output) within a line and a byte budget, and describe what was cut in the
//! `details.truncation` object pi stores with the result.
//!
//! Lines are counted as pi counts them: split on `\n`, where a trailing newline does not
//! start another line. Whole lines are kept, except when the tail's only line is longer
//! than the budget: then its end is kept, cut at a character boundary.

use serde::Serialize;

use super::format::{to_fixed, utf16_len, utf16_prefix};

/// Most lines a tool returns (2000).
pub const DEFAULT_MAX_LINES: usize = 2000;
/// Most bytes a tool returns (50 KB).
pub const DEFAULT_MAX_BYTES: usize = 50 * 1024;
/// Longest grep line, in UTF-16 code units, before it is cut.
pub const GREP_MAX_LINE_LENGTH: usize = 500;
/// No line limit: JavaScript's `Number.MAX_SAFE_INTEGER`, which pi stores as `maxLines`.
pub const UNLIMITED_LINES: usize = 9_007_199_254_740_991;

/// Which budget cut the output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TruncatedBy {
    /// The line budget.
    Lines,
    /// The byte budget.
    Bytes,
}

/// What a truncation kept, as pi stores it under `details.truncation` (fields in pi's order).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Truncation {
    /// The text kept.
    pub content: String,
    /// Whether anything was cut.
    pub truncated: bool,
    /// Which budget cut it.
    pub truncated_by: Option<TruncatedBy>,
    /// Lines in the whole input.
    pub total_lines: usize,
    /// UTF-8 bytes in the whole input.
    pub total_bytes: usize,
    /// Lines kept.
    pub output_lines: usize,
    /// UTF-8 bytes kept.
    pub output_bytes: usize,
    /// Whether the kept text starts inside a line (tail truncation of one huge line).
    pub last_line_partial: bool,
    /// Whether the first line alone is over the byte budget (head truncation keeps nothing).
    pub first_line_exceeds_limit: bool,
    /// The line budget.
    pub max_lines: usize,
    /// The byte budget.
    pub max_bytes: usize,
}

/// Line and byte budgets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Most lines kept.
    pub max_lines: usize,
    /// Most bytes kept.
    pub max_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_lines: DEFAULT_MAX_LINES,
            max_bytes: DEFAULT_MAX_BYTES,
        }
    }
}

impl Limits {
    /// The byte budget only (grep, find and ls cap their entries themselves).
    pub fn bytes_only() -> Self {
        Limits {
            max_lines: UNLIMITED_LINES,
            ..Limits::default()
        }
    }

    fn untruncated(self, content: &str, total_lines: usize) -> Truncation {
        Truncation {
            content: content.to_string(),
            truncated: false,
            truncated_by: None,
            total_lines,
            total_bytes: content.len(),
            output_lines: total_lines,
            output_bytes: content.len(),
            last_line_partial: false,
            first_line_exceeds_limit: false,
            max_lines: self.max_lines,
            max_bytes: self.max_bytes,
        }
    }
}

/// Lines as pi counts them: none for empty text, and no extra line after a final newline.
pub fn split_lines_for_counting(content: &str) -> Vec<&str> {
    if content.is_empty() {
        return Vec::new();
    }
    let mut lines: Vec<&str> = content.split('\n').collect();
    if content.ends_with('\n') {
        lines.pop();
    }
    lines
}

/// Keeps whole lines from the start (file reads). When the first line alone is over the
/// byte budget nothing is kept and `first_line_exceeds_limit` is set.
pub fn truncate_head(content: &str, limits: Limits) -> Truncation {
    let lines = split_lines_for_counting(content);
    let total_lines = lines.len();
    if total_lines <= limits.max_lines && content.len() <= limits.max_bytes {
        return limits.untruncated(content, total_lines);
    }
    let first_line_bytes = lines.first().map_or(0, |line| line.len());
    let mut result = Truncation {
        content: String::new(),
        truncated: true,
        truncated_by: Some(TruncatedBy::Bytes),
        total_lines,
        total_bytes: content.len(),
        output_lines: 0,
        output_bytes: 0,
        last_line_partial: false,
        first_line_exceeds_limit: false,
        max_lines: limits.max_lines,
        max_bytes: limits.max_bytes,
    };
    if first_line_bytes > limits.max_bytes {
        result.first_line_exceeds_limit = true;
        return result;
    }
    let (kept, kept_bytes, by) = keep_head(lines.iter().copied(), limits);
    result.content = kept.join("\n");
    result.truncated_by = Some(by);
    result.output_lines = kept.len();
    result.output_bytes = kept_bytes;
    result
}

/// The whole lines that fit from the start, their byte count (separators included) and
/// which budget stopped them; shared by [`truncate_head`] and the streaming file reader.
pub(crate) fn keep_head<'a>(
    lines: impl Iterator<Item = &'a str>,
    limits: Limits,
) -> (Vec<&'a str>, usize, TruncatedBy) {
    let mut kept = Vec::new();
    let mut bytes = 0;
    let mut by = TruncatedBy::Lines;
    for (index, line) in lines.take(limits.max_lines).enumerate() {
        let line_bytes = line.len() + usize::from(index > 0);
        if bytes + line_bytes > limits.max_bytes {
            by = TruncatedBy::Bytes;
            break;
        }
        kept.push(line);
        bytes += line_bytes;
    }
    if kept.len() >= limits.max_lines && bytes <= limits.max_bytes {
        by = TruncatedBy::Lines;
    }
    (kept, bytes, by)
}

/// Keeps whole lines from the end (command output). When the last line alone is over the
/// byte budget its end is kept and `last_line_partial` is set.
pub fn truncate_tail(content: &str, limits: Limits) -> Truncation {
    let lines = split_lines_for_counting(content);
    let total_lines = lines.len();
    if total_lines <= limits.max_lines && content.len() <= limits.max_bytes {
        return limits.untruncated(content, total_lines);
    }
    let mut kept: Vec<&str> = Vec::new();
    let mut bytes = 0;
    let mut by = TruncatedBy::Lines;
    let mut last_line_partial = false;
    for line in lines.iter().rev() {
        if kept.len() >= limits.max_lines {
            break;
        }
        let line_bytes = line.len() + usize::from(!kept.is_empty());
        if bytes + line_bytes > limits.max_bytes {
            by = TruncatedBy::Bytes;
            if kept.is_empty() {
                let tail = utf8_suffix(line, limits.max_bytes);
                kept.push(tail);
                bytes = tail.len();
                last_line_partial = true;
            }
            break;
        }
        kept.push(line);
        bytes += line_bytes;
    }
    if kept.len() >= limits.max_lines && bytes <= limits.max_bytes {
        by = TruncatedBy::Lines;
    }
    kept.reverse();
    let kept_content = kept.join("\n");
    Truncation {
        output_bytes: kept_content.len(),
        content: kept_content,
        truncated: true,
        truncated_by: Some(by),
        total_lines,
        total_bytes: content.len(),
        output_lines: kept.len(),
        last_line_partial,
        first_line_exceeds_limit: false,
        max_lines: limits.max_lines,
        max_bytes: limits.max_bytes,
    }
}

/// The longest suffix of `text` of at most `max_bytes` bytes that starts on a character.
pub fn utf8_suffix(text: &str, max_bytes: usize) -> &str {
    if text.len() <= max_bytes {
        return text;
    }
    let mut start = text.len() - max_bytes;
    while !text.is_char_boundary(start) {
        start += 1;
    }
    &text[start..]
}

/// Cuts a line to `max_chars` UTF-16 code units plus `... [truncated]` (grep's long
/// lines); the flag says whether it was cut.
pub fn truncate_line(line: &str, max_chars: usize) -> (String, bool) {
    if utf16_len(line) <= max_chars {
        return (line.to_string(), false);
    }
    (
        format!("{}... [truncated]", utf16_prefix(line, max_chars)),
        true,
    )
}

/// A byte count as pi prints it: `512B`, `1.5KB`, `2.0MB`.
pub fn format_size(bytes: usize) -> String {
    const KB: f64 = 1024.0;
    let value = bytes as f64;
    if bytes < 1024 {
        format!("{bytes}B")
    } else if bytes < 1024 * 1024 {
        format!("{}KB", to_fixed(value / KB, 1))
    } else {
        format!("{}MB", to_fixed(value / (KB * KB), 1))
    }
}

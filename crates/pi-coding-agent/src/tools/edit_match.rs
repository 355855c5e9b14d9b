//! Finding and applying `edit` replacements: exact text first, then a match that forgives
//! what models get wrong (Unicode compatibility forms, trailing spaces, curly quotes,
//! dashes, special spaces). Every edit is matched against the original text; a fuzzy
//! match rewrites only the lines it touches.

use unicode_normalization::UnicodeNormalization;

use super::errors::ToolFailure;
use super::format::utf16_len;

/// One replacement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    /// Text to find (must be unique).
    pub old_text: String,
    /// Text to put in its place.
    pub new_text: String,
}

/// The text before and after the edits (both with `\n` line endings).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppliedEdits {
    /// The original text.
    pub base_content: String,
    /// The edited text.
    pub new_content: String,
}

/// The line ending a file mostly uses: `\r\n` when its first line ends so.
pub fn detect_line_ending(content: &str) -> &'static str {
    match (content.find("\r\n"), content.find('\n')) {
        (Some(crlf), Some(lf)) if crlf < lf => "\r\n",
        _ => "\n",
    }
}

/// Turns `\r\n` and lone `\r` into `\n`.
pub fn normalize_to_lf(text: &str) -> String {
    text.replace("\r\n", "\n").replace('\r', "\n")
}

/// Turns `\n` back into `ending`.
pub fn restore_line_endings(text: &str, ending: &str) -> String {
    if ending == "\r\n" {
        text.replace('\n', "\r\n")
    } else {
        text.to_string()
    }
}

/// JavaScript's `trimEnd` set: its white space and line terminators (not Rust's, which
/// differs on U+0085 and U+FEFF).
fn is_js_whitespace(ch: char) -> bool {
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

/// The text as the fuzzy match compares it: NFKC, no trailing white space on any line, and
/// ASCII quotes, hyphens and spaces for their typographic look-alikes.
pub fn normalize_for_fuzzy_match(text: &str) -> String {
    let nfkc: String = text.nfkc().collect();
    let mut out = String::with_capacity(nfkc.len());
    for (index, line) in nfkc.split('\n').enumerate() {
        if index > 0 {
            out.push('\n');
        }
        for ch in line.trim_end_matches(is_js_whitespace).chars() {
            out.push(match ch {
                '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' => '\'',
                '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' => '"',
                '\u{2010}'..='\u{2015}' | '\u{2212}' => '-',
                '\u{00A0}' | '\u{2002}'..='\u{200A}' | '\u{202F}' | '\u{205F}' | '\u{3000}' => ' ',
                other => other,
            });
        }
    }
    out
}

/// Where `old_text` was found: byte offsets in the text searched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FoundText {
    /// Start of the match.
    pub index: usize,
    /// Length of the match.
    pub len: usize,
    /// Whether it was found only after fuzzy normalization (offsets are then in the
    /// normalized text).
    pub fuzzy: bool,
}

/// Finds `old_text` exactly, else in the fuzzy-normalized `content`.
pub fn fuzzy_find_text(content: &str, old_text: &str) -> Option<FoundText> {
    Haystack::new(content).find(old_text)
}

/// A text to search, with its fuzzy-normalized form computed once when first needed.
struct Haystack<'a> {
    text: &'a str,
    normalized: std::cell::OnceCell<String>,
}

impl<'a> Haystack<'a> {
    fn new(text: &'a str) -> Self {
        Haystack {
            text,
            normalized: std::cell::OnceCell::new(),
        }
    }

    fn normalized(&self) -> &str {
        self.normalized
            .get_or_init(|| normalize_for_fuzzy_match(self.text))
    }

    fn find(&self, old_text: &str) -> Option<FoundText> {
        if let Some(index) = self.text.find(old_text) {
            return Some(FoundText {
                index,
                len: old_text.len(),
                fuzzy: false,
            });
        }
        let fuzzy_old = normalize_for_fuzzy_match(old_text);
        self.normalized().find(&fuzzy_old).map(|index| FoundText {
            index,
            len: fuzzy_old.len(),
            fuzzy: true,
        })
    }

    /// Occurrences of `old_text` in fuzzy-normalized space, counted as JavaScript's
    /// `split(needle).length - 1` counts them (an empty needle splits every code unit).
    fn count(&self, old_text: &str) -> i64 {
        let fuzzy_old = normalize_for_fuzzy_match(old_text);
        if fuzzy_old.is_empty() {
            return utf16_len(self.normalized()) as i64 - 1;
        }
        self.normalized().matches(fuzzy_old.as_str()).count() as i64
    }
}

fn not_found(path: &str, index: usize, total: usize) -> ToolFailure {
    ToolFailure(if total == 1 {
        format!(
            "Could not find the exact text in {path}. The old text must match exactly including all whitespace and newlines."
        )
    } else {
        format!(
            "Could not find edits[{index}] in {path}. The oldText must match exactly including all whitespace and newlines."
        )
    })
}

fn duplicate(path: &str, index: usize, total: usize, occurrences: i64) -> ToolFailure {
    ToolFailure(if total == 1 {
        format!(
            "Found {occurrences} occurrences of the text in {path}. The text must be unique. Please provide more context to make it unique."
        )
    } else {
        format!(
            "Found {occurrences} occurrences of edits[{index}] in {path}. Each oldText must be unique. Please provide more context to make it unique."
        )
    })
}

fn empty_old_text(path: &str, index: usize, total: usize) -> ToolFailure {
    ToolFailure(if total == 1 {
        format!("oldText must not be empty in {path}.")
    } else {
        format!("edits[{index}].oldText must not be empty in {path}.")
    })
}

fn no_change(path: &str, total: usize) -> ToolFailure {
    ToolFailure(if total == 1 {
        format!(
            "No changes made to {path}. The replacement produced identical content. This might indicate an issue with special characters or the text not existing as expected."
        )
    } else {
        format!("No changes made to {path}. The replacements produced identical content.")
    })
}

/// A located replacement.
#[derive(Debug, Clone)]
struct Replacement {
    edit_index: usize,
    index: usize,
    len: usize,
    new_text: String,
}

/// Applies `edits` to `content` (already `\n`-only). All edits are matched against the
/// original, must each be found once and must not overlap; nothing is applied unless all
/// are. `path` names the file in error messages.
pub fn apply_edits(content: &str, edits: &[Edit], path: &str) -> Result<AppliedEdits, ToolFailure> {
    let edits: Vec<Edit> = edits
        .iter()
        .map(|edit| Edit {
            old_text: normalize_to_lf(&edit.old_text),
            new_text: normalize_to_lf(&edit.new_text),
        })
        .collect();
    let total = edits.len();
    if let Some(index) = edits.iter().position(|edit| edit.old_text.is_empty()) {
        return Err(empty_old_text(path, index, total));
    }
    let original = Haystack::new(content);
    let used_fuzzy = edits.iter().any(|edit| {
        original
            .find(&edit.old_text)
            .is_some_and(|found| found.fuzzy)
    });
    let base = if used_fuzzy {
        original.normalized().to_string()
    } else {
        content.to_string()
    };
    let haystack = Haystack::new(&base);
    let mut replacements = Vec::with_capacity(total);
    for (edit_index, edit) in edits.iter().enumerate() {
        let found = haystack
            .find(&edit.old_text)
            .ok_or_else(|| not_found(path, edit_index, total))?;
        let occurrences = haystack.count(&edit.old_text);
        if occurrences > 1 {
            return Err(duplicate(path, edit_index, total, occurrences));
        }
        replacements.push(Replacement {
            edit_index,
            index: found.index,
            len: found.len,
            new_text: edit.new_text.clone(),
        });
    }
    replacements.sort_by_key(|replacement| replacement.index);
    for pair in replacements.windows(2) {
        let (previous, current) = (&pair[0], &pair[1]);
        if previous.index + previous.len > current.index {
            return Err(ToolFailure(format!(
                "edits[{}] and edits[{}] overlap in {path}. Merge them into one edit or target disjoint regions.",
                previous.edit_index, current.edit_index
            )));
        }
    }
    let new_content = if used_fuzzy {
        apply_preserving_unchanged_lines(content, &base, &replacements)?
    } else {
        apply_replacements(&base, &replacements, 0)
    };
    if new_content == content {
        return Err(no_change(path, total));
    }
    Ok(AppliedEdits {
        base_content: content.to_string(),
        new_content,
    })
}

/// Applies sorted, disjoint replacements whose offsets are relative to `offset`.
fn apply_replacements(content: &str, replacements: &[Replacement], offset: usize) -> String {
    let mut out = String::with_capacity(content.len());
    let mut at = 0;
    for replacement in replacements {
        let start = replacement.index - offset;
        out.push_str(&content[at..start]);
        out.push_str(&replacement.new_text);
        at = start + replacement.len;
    }
    out.push_str(&content[at..]);
    out
}

/// Lines with their endings (`[^\n]*\n|[^\n]+`).
fn split_lines_with_endings(content: &str) -> Vec<&str> {
    content.split_inclusive('\n').collect()
}

/// Applies replacements found in the normalized `base` to `original`: only the lines a
/// replacement touches are taken from `base` (with the replacement); every other line
/// keeps its original bytes.
fn apply_preserving_unchanged_lines(
    original: &str,
    base: &str,
    replacements: &[Replacement],
) -> Result<String, ToolFailure> {
    let original_lines = split_lines_with_endings(original);
    let mut spans = Vec::new();
    let mut offset = 0;
    for line in split_lines_with_endings(base) {
        spans.push((offset, offset + line.len()));
        offset += line.len();
    }
    if original_lines.len() != spans.len() {
        return Err(
            "Cannot preserve unchanged lines because the base content has a different line count."
                .into(),
        );
    }
    let outside = || ToolFailure("Replacement range is outside the base content.".into());
    // Groups of touched lines [start, end) with their replacements.
    let mut groups: Vec<(usize, usize, Vec<Replacement>)> = Vec::new();
    for replacement in replacements {
        let start = replacement.index;
        let end = replacement.index + replacement.len;
        let first = spans
            .iter()
            .position(|(line_start, line_end)| start >= *line_start && start < *line_end)
            .ok_or_else(outside)?;
        let mut last = first;
        while last < spans.len() && spans[last].1 < end {
            last += 1;
        }
        if last >= spans.len() {
            return Err(outside());
        }
        match groups.last_mut() {
            Some(group) if first < group.1 => {
                group.1 = group.1.max(last + 1);
                group.2.push(replacement.clone());
            }
            _ => groups.push((first, last + 1, vec![replacement.clone()])),
        }
    }
    let mut out = String::with_capacity(original.len());
    let mut next_line = 0;
    for (first, end, group) in &groups {
        out.extend(original_lines[next_line..*first].iter().copied());
        let (start_offset, end_offset) = (spans[*first].0, spans[*end - 1].1);
        out.push_str(&apply_replacements(
            &base[start_offset..end_offset],
            group,
            start_offset,
        ));
        next_line = *end;
    }
    out.extend(original_lines[next_line..].iter().copied());
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edit(old: &str, new: &str) -> Edit {
        Edit {
            old_text: old.into(),
            new_text: new.into(),
        }
    }

    #[test]
    fn fuzzy_normalization() {
        assert_eq!(normalize_for_fuzzy_match("a  \nb\t"), "a\nb");
        assert_eq!(
            normalize_for_fuzzy_match("\u{201C}x\u{201D} \u{2014} \u{2018}y\u{2019}"),
            "\"x\" - 'y'"
        );
        assert_eq!(normalize_for_fuzzy_match("ＡＢＣ"), "ABC");
        // U+0085 is not JavaScript white space; U+FEFF is.
        assert_eq!(normalize_for_fuzzy_match("a\u{FEFF}"), "a");
    }

    #[test]
    fn fuzzy_match_rewrites_only_touched_lines() {
        let content = "keep  \ntarget  \nafter\n";
        let applied = apply_edits(content, &[edit("target\n", "changed\n")], "f").unwrap();
        assert_eq!(applied.new_content, "keep  \nchanged\nafter\n");
    }

    #[test]
    fn errors() {
        let err = |content: &str, edits: &[Edit]| apply_edits(content, edits, "f").unwrap_err().0;
        assert!(err("a a", &[edit("a", "b")]).starts_with("Found 2 occurrences of the text in f."));
        assert_eq!(
            err("abc", &[edit("", "x")]),
            "oldText must not be empty in f."
        );
        assert!(
            err("abc", &[edit("b", "b")])
                .starts_with("No changes made to f. The replacement produced")
        );
        assert_eq!(
            err("one\ntwo\n", &[edit("one\ntwo", "x"), edit("two\n", "y")]),
            "edits[0] and edits[1] overlap in f. Merge them into one edit or target disjoint regions."
        );
    }
}

//! The edit tool's diff as pi draws it: removed lines red, added green, context dim, and
//! for a line replaced by one other line the changed words in reverse video.

use super::ChatStyle;
use crate::interactive::theme::ThemeColor;

struct DiffLine<'a> {
    prefix: char,
    number: &'a str,
    content: &'a str,
}

/// `-12 text`, `+12 text` or ` 12 text` (the number padded on the left).
fn parse(line: &str) -> Option<DiffLine<'_>> {
    let prefix = line.chars().next()?;
    if !matches!(prefix, '+' | '-' | ' ') {
        return None;
    }
    let rest = &line[1..];
    let spaces = rest.len() - rest.trim_start().len();
    let digits = rest[spaces..]
        .bytes()
        .take_while(u8::is_ascii_digit)
        .count();
    let number_end = spaces + digits;
    // The number may be absent (only spaces), but a space must separate it from the text.
    let (number, content) = if rest[number_end..].starts_with(' ') {
        (&rest[..number_end], &rest[number_end + 1..])
    } else if digits == 0 && spaces > 0 {
        (&rest[..spaces - 1], &rest[spaces..])
    } else {
        return None;
    };
    Some(DiffLine {
        prefix,
        number,
        content,
    })
}

fn replace_tabs(text: &str) -> String {
    text.replace('\t', "   ")
}

/// Words, runs of whitespace and single punctuation marks, as word diffs split text.
fn tokens(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut kind = None;
    for (i, c) in text.char_indices() {
        let k = if c.is_alphanumeric() || c == '_' {
            0
        } else if c.is_whitespace() {
            1
        } else {
            2
        };
        if kind != Some(k) || k == 2 {
            if i > start {
                out.push(&text[start..i]);
            }
            start = i;
        }
        kind = Some(k);
    }
    if start < text.len() {
        out.push(&text[start..]);
    }
    out
}

/// The old and new line with the words that differ in reverse video (leading whitespace
/// of the first change left plain).
fn intra_line(style: &ChatStyle, old: &str, new: &str) -> (String, String) {
    let a = tokens(old);
    let b = tokens(new);
    // Longest common subsequence over tokens; lines are short.
    let mut table = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            table[i][j] = if a[i] == b[j] {
                table[i + 1][j + 1] + 1
            } else {
                table[i + 1][j].max(table[i][j + 1])
            };
        }
    }
    let (mut removed, mut added) = (String::new(), String::new());
    let (mut first_removed, mut first_added) = (true, true);
    let mark = |out: &mut String, first: &mut bool, value: &str| {
        let mut value = value;
        if *first {
            let trimmed = value.trim_start();
            out.push_str(&value[..value.len() - trimmed.len()]);
            value = trimmed;
            *first = false;
        }
        if !value.is_empty() {
            out.push_str(&style.theme.inverse(value));
        }
    };
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            removed.push_str(a[i]);
            added.push_str(b[j]);
            i += 1;
            j += 1;
        } else if j < b.len() && (i == a.len() || table[i][j + 1] >= table[i + 1][j]) {
            let start = j;
            while j < b.len()
                && (i == a.len() || (a[i] != b[j] && table[i][j + 1] >= table[i + 1][j]))
            {
                j += 1;
            }
            mark(&mut added, &mut first_added, &b[start..j].concat());
        } else {
            let start = i;
            while i < a.len()
                && (j == b.len() || (a[i] != b[j] && table[i + 1][j] > table[i][j + 1]))
            {
                i += 1;
            }
            if i == start {
                i += 1;
            }
            mark(&mut removed, &mut first_removed, &a[start..i].concat());
        }
    }
    (removed, added)
}

/// The diff text (`details.diff` of an edit result) as styled lines joined by `\n`.
pub(super) fn render_diff(style: &ChatStyle, diff: &str) -> String {
    let lines: Vec<&str> = diff.split('\n').collect();
    let mut out: Vec<String> = Vec::with_capacity(lines.len());
    let removed_color = ThemeColor::ToolDiffRemoved;
    let added_color = ThemeColor::ToolDiffAdded;
    let mut i = 0;
    while i < lines.len() {
        let Some(parsed) = parse(lines[i]) else {
            out.push(style.fg(ThemeColor::ToolDiffContext, lines[i]));
            i += 1;
            continue;
        };
        match parsed.prefix {
            '-' => {
                let mut removed = Vec::new();
                while let Some(p) = lines
                    .get(i)
                    .and_then(|l| parse(l))
                    .filter(|p| p.prefix == '-')
                {
                    removed.push(p);
                    i += 1;
                }
                let mut added = Vec::new();
                while let Some(p) = lines
                    .get(i)
                    .and_then(|l| parse(l))
                    .filter(|p| p.prefix == '+')
                {
                    added.push(p);
                    i += 1;
                }
                if let ([old], [new]) = (&removed[..], &added[..]) {
                    let (r, a) = intra_line(
                        style,
                        &replace_tabs(old.content),
                        &replace_tabs(new.content),
                    );
                    out.push(style.fg(removed_color, &format!("-{} {r}", old.number)));
                    out.push(style.fg(added_color, &format!("+{} {a}", new.number)));
                } else {
                    for line in &removed {
                        out.push(style.fg(
                            removed_color,
                            &format!("-{} {}", line.number, replace_tabs(line.content)),
                        ));
                    }
                    for line in &added {
                        out.push(style.fg(
                            added_color,
                            &format!("+{} {}", line.number, replace_tabs(line.content)),
                        ));
                    }
                }
            }
            '+' => {
                out.push(style.fg(
                    added_color,
                    &format!("+{} {}", parsed.number, replace_tabs(parsed.content)),
                ));
                i += 1;
            }
            _ => {
                out.push(style.fg(
                    ThemeColor::ToolDiffContext,
                    &format!(" {} {}", parsed.number, replace_tabs(parsed.content)),
                ));
                i += 1;
            }
        }
    }
    out.join("\n")
}

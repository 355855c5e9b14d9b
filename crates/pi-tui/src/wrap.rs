//! Word wrap for styled text: lines never exceed the width, words move whole to the next line
//! when they can, and the style in force at a break is re-opened on the continuation line.

use unicode_segmentation::UnicodeSegmentation;

use crate::ansi::{Piece, StyleState, pieces};
use crate::width::{grapheme_width, visible_width};

/// Wraps `text` to lines of at most `width` columns.
///
/// Words break at spaces; a word longer than a line is cut between graphemes; CJK ideographs
/// and kana break anywhere, as in CJK typesetting. Newlines (`\n`, `\r\n`, `\r`) start new
/// lines. Styles (SGR and OSC 8 links) carry over: a continuation line re-opens what was in
/// force, and underline and links are closed at each break so they do not bleed into
/// padding. Lines are not padded, and trailing spaces at a break are dropped.
///
/// ```
/// use pi_tui::wrap_text_with_ansi;
/// assert_eq!(wrap_text_with_ansi("hello wide world", 10), ["hello wide", "world"]);
/// let red = wrap_text_with_ansi("\x1b[31mred text here\x1b[0m", 8);
/// assert_eq!(red, ["\x1b[31mred text", "\x1b[31mhere\x1b[0m"]);
/// ```
pub fn wrap_text_with_ansi(text: &str, width: usize) -> Vec<String> {
    if text.is_empty() {
        return vec![String::new()];
    }
    let width = width.max(1);
    let mut result = Vec::new();
    let mut state = StyleState::default();
    for (i, input_line) in split_lines(text).enumerate() {
        let prefix = if i > 0 {
            state.opening()
        } else {
            String::new()
        };
        let line = format!("{prefix}{input_line}");
        result.extend(wrap_single_line(&line, width));
        state.apply_all(input_line);
    }
    if result.is_empty() {
        result.push(String::new());
    }
    result
}

fn split_lines(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = Some(text);
    std::iter::from_fn(move || {
        let s = rest?;
        match s.find(['\r', '\n']) {
            None => {
                rest = None;
                Some(s)
            }
            Some(i) => {
                let skip = if s.get(i..i + 2) == Some("\r\n") {
                    2
                } else {
                    1
                };
                rest = s.get(i + skip..);
                s.get(..i)
            }
        }
    })
}

/// Whether a grapheme is a CJK letter that may start or end a line anywhere.
fn breaks_anywhere(g: &str) -> bool {
    g.chars().next().is_some_and(|c| {
        matches!(c as u32,
            0x1100..=0x11FF       // Hangul Jamo
            | 0x2E80..=0x2FDF     // CJK radicals
            | 0x3005..=0x3007     // iteration marks
            | 0x3021..=0x3029
            | 0x3040..=0x30FF     // Hiragana, Katakana
            | 0x3100..=0x312F     // Bopomofo
            | 0x3130..=0x318F     // Hangul compatibility Jamo
            | 0x31A0..=0x31FF
            | 0x3400..=0x4DBF     // CJK extension A
            | 0x4E00..=0x9FFF     // CJK unified ideographs
            | 0xA960..=0xA97F
            | 0xAC00..=0xD7FF     // Hangul syllables
            | 0xF900..=0xFAFF     // CJK compatibility ideographs
            | 0xFF66..=0xFF9F     // halfwidth Katakana
            | 0x20000..=0x3FFFF) // CJK extensions B..
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TokenKind {
    Space,
    Word,
}

/// Splits a line into runs of spaces and of non-spaces (each CJK letter its own token), with
/// escape sequences attached to the visible text that follows them.
fn tokens(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut kind = None;
    let mut pending = String::new();
    for piece in pieces(line) {
        match piece {
            Piece::Escape(seq) => pending.push_str(seq),
            Piece::Text(t) => {
                for g in t.graphemes(true) {
                    let is_space = g == " ";
                    if !is_space && breaks_anywhere(g) {
                        if !current.is_empty() {
                            out.push(std::mem::take(&mut current));
                        }
                        kind = None;
                        out.push(format!("{}{g}", std::mem::take(&mut pending)));
                        continue;
                    }
                    let this = if is_space {
                        TokenKind::Space
                    } else {
                        TokenKind::Word
                    };
                    if !current.is_empty() && kind != Some(this) {
                        out.push(std::mem::take(&mut current));
                    }
                    current.push_str(&pending);
                    pending.clear();
                    kind = Some(this);
                    current.push_str(g);
                }
            }
        }
    }
    if !pending.is_empty() {
        if !current.is_empty() {
            current.push_str(&pending);
        } else if let Some(last) = out.last_mut() {
            last.push_str(&pending);
        } else {
            current = pending;
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

fn wrap_single_line(line: &str, width: usize) -> Vec<String> {
    if line.is_empty() {
        return vec![String::new()];
    }
    if visible_width(line) <= width {
        return vec![line.to_owned()];
    }
    let mut wrapped: Vec<String> = Vec::new();
    let mut state = StyleState::default();
    let mut current = String::new();
    let mut current_width = 0;
    for token in tokens(line) {
        let token_width = visible_width(&token);
        let is_space = token.trim().is_empty();
        if token_width > width && !is_space {
            if !current.is_empty() {
                current.push_str(&state.line_end());
                wrapped.push(std::mem::take(&mut current));
            }
            let mut broken = break_long_word(&token, width, &mut state);
            current = broken.pop().unwrap_or_default();
            wrapped.extend(broken);
            current_width = visible_width(&current);
            continue;
        }
        if current_width + token_width > width && current_width > 0 {
            let mut finished = current.trim_end().to_owned();
            finished.push_str(&state.line_end());
            wrapped.push(finished);
            if is_space {
                current = state.opening();
                current_width = 0;
            } else {
                current = format!("{}{token}", state.opening());
                current_width = token_width;
            }
        } else {
            current.push_str(&token);
            current_width += token_width;
        }
        state.apply_all(&token);
    }
    if !current.is_empty() {
        wrapped.push(current);
    }
    // A run of spaces may still sit at the end of the last line, past the width.
    let mut out: Vec<String> = wrapped.iter().map(|l| fit(l, width)).collect();
    if out.is_empty() {
        out.push(String::new());
    }
    out
}

/// Removes trailing whitespace, which would otherwise push a line past the width, also from
/// before the escape sequences that close a line. Leading whitespace wider than the line (the
/// only other way to overflow) is cut to the width.
fn fit(line: &str, width: usize) -> String {
    let trimmed = line.trim_end();
    if visible_width(trimmed) <= width {
        return trimmed.to_owned();
    }
    let mut parts: Vec<Piece<'_>> = pieces(trimmed).collect();
    for part in parts.iter_mut().rev() {
        match part {
            Piece::Escape(_) => {}
            Piece::Text(t) => {
                let kept = t.trim_end();
                let done = !kept.is_empty();
                *t = kept;
                if done {
                    break;
                }
            }
        }
    }
    let rebuilt: String = parts
        .iter()
        .map(|p| match p {
            Piece::Text(t) | Piece::Escape(t) => *t,
        })
        .collect();
    if visible_width(&rebuilt) <= width {
        return rebuilt;
    }
    crate::slice::slice_by_column(&rebuilt, 0, width, true)
}

/// Cuts a word that is wider than a line between graphemes. The last piece is returned as
/// the line to continue on.
fn break_long_word(word: &str, width: usize, state: &mut StyleState) -> Vec<String> {
    let mut lines = Vec::new();
    let mut current = state.opening();
    let mut current_width = 0;
    for piece in pieces(word) {
        match piece {
            Piece::Escape(seq) => {
                current.push_str(seq);
                state.apply(seq);
            }
            Piece::Text(t) => {
                for g in t.graphemes(true) {
                    let w = grapheme_width(g);
                    if w > width {
                        // A line narrower than one character cannot show it. A tab becomes a
                        // line of its own that trimming leaves empty (as the reference does);
                        // anything else is left out rather than overflow.
                        if g == "\t" {
                            if current_width > 0 {
                                current.push_str(&state.line_end());
                                lines.push(std::mem::take(&mut current));
                            }
                            lines.push(std::mem::replace(&mut current, state.opening()));
                            current_width = 0;
                        }
                        continue;
                    }
                    if current_width + w > width && current_width > 0 {
                        current.push_str(&state.line_end());
                        lines.push(std::mem::take(&mut current));
                        current = state.opening();
                        current_width = 0;
                    }
                    current.push_str(g);
                    current_width += w;
                }
            }
        }
    }
    lines.push(current);
    lines
}

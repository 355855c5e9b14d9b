//! Column ranges of styled lines, for compositing an overlay over content.

use unicode_segmentation::UnicodeSegmentation;

use crate::ansi::{Piece, StyleState, pieces};
use crate::width::grapheme_width;

/// Columns `start_col .. start_col + length` of `line`, with the escape sequences that style
/// them. With `strict`, a wide character straddling the end is left out rather than
/// overflowing the range.
pub fn slice_by_column(line: &str, start_col: usize, length: usize, strict: bool) -> String {
    slice_with_width(line, start_col, length, strict).0
}

/// Like [`slice_by_column`], also returning how many columns the slice occupies.
pub fn slice_with_width(
    line: &str,
    start_col: usize,
    length: usize,
    strict: bool,
) -> (String, usize) {
    if length == 0 {
        return (String::new(), 0);
    }
    let end_col = start_col + length;
    let mut out = String::new();
    let mut out_width = 0;
    let mut pending = String::new();
    let mut col = 0;
    for piece in pieces(line) {
        match piece {
            Piece::Escape(seq) => {
                if col >= start_col && col < end_col {
                    out.push_str(seq);
                } else if col < start_col {
                    pending.push_str(seq);
                }
            }
            Piece::Text(t) => {
                for g in t.graphemes(true) {
                    let w = grapheme_width(g);
                    let in_range = col >= start_col && col < end_col;
                    let fits = !strict || col + w <= end_col;
                    if in_range && fits {
                        out.push_str(&pending);
                        pending.clear();
                        out.push_str(g);
                        out_width += w;
                    }
                    col += w;
                    if col >= end_col {
                        return (out, out_width);
                    }
                }
            }
        }
    }
    (out, out_width)
}

/// The parts of a line left and right of an overlay.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Segments {
    /// Columns before the overlay, with their styles.
    pub before: String,
    /// Width of `before`, which may be less than asked when a wide character straddles.
    pub before_width: usize,
    /// Columns after the overlay, opening with the style that was in force there.
    pub after: String,
    /// Width of `after`.
    pub after_width: usize,
}

/// Splits `line` in one pass into the columns before `before_end` and the `after_len`
/// columns from `after_start`, so an overlay can be placed between them. The after part
/// starts with the style in force at `after_start`, so it looks as it did before.
pub fn extract_segments(
    line: &str,
    before_end: usize,
    after_start: usize,
    after_len: usize,
    strict_after: bool,
) -> Segments {
    let mut seg = Segments::default();
    let mut state = StyleState::default();
    let mut pending_before = String::new();
    let mut after_started = false;
    let after_end = after_start + after_len;
    let done = |col: usize| {
        if after_len == 0 {
            col >= before_end
        } else {
            col >= after_end
        }
    };
    let mut col = 0;
    for piece in pieces(line) {
        match piece {
            Piece::Escape(seq) => {
                state.apply(seq);
                if col < before_end {
                    pending_before.push_str(seq);
                } else if col >= after_start && col < after_end && after_started {
                    seg.after.push_str(seq);
                }
            }
            Piece::Text(t) => {
                for g in t.graphemes(true) {
                    let w = grapheme_width(g);
                    if col < before_end && col + w <= before_end {
                        seg.before.push_str(&pending_before);
                        pending_before.clear();
                        seg.before.push_str(g);
                        seg.before_width += w;
                    } else if col >= after_start
                        && col < after_end
                        && (!strict_after || col + w <= after_end)
                    {
                        if !after_started {
                            seg.after.push_str(&state.opening());
                            after_started = true;
                        }
                        seg.after.push_str(g);
                        seg.after_width += w;
                    }
                    col += w;
                    if done(col) {
                        return seg;
                    }
                }
            }
        }
    }
    seg
}

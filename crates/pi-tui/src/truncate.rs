//! Cutting a styled line down to a number of columns.

use unicode_segmentation::UnicodeSegmentation;

use crate::ansi::{Piece, StyleState, pieces};
use crate::width::{grapheme_width, visible_width};

const RESET: &str = "\x1b[0m";

/// Cuts `text` to at most `max_width` columns, ending it with `ellipsis` when anything was cut.
///
/// Escape sequences are kept up to the cut (a style that only starts after it is dropped), an
/// open hyperlink is closed, and a reset follows the kept text so the ellipsis is unstyled.
/// Wide characters are never split: one that would straddle the limit is left out. With `pad`,
/// the result is filled with spaces to exactly `max_width` columns.
///
/// ```
/// use pi_tui::truncate_to_width;
/// assert_eq!(truncate_to_width("hello world", 8, "...", false), "hello\x1b[0m...\x1b[0m");
/// assert_eq!(truncate_to_width("short", 8, "...", true), "short   ");
/// ```
pub fn truncate_to_width(text: &str, max_width: usize, ellipsis: &str, pad: bool) -> String {
    if max_width == 0 {
        return String::new();
    }
    let text_width = visible_width(text);
    if text_width <= max_width {
        return padded(text.to_owned(), text_width, max_width, pad);
    }
    let ellipsis_width = visible_width(ellipsis);
    if ellipsis_width >= max_width {
        // No room for any text: show as much of the ellipsis as fits.
        let (clipped, width) = take_columns(ellipsis, max_width);
        if width == 0 {
            return padded(String::new(), 0, max_width, pad);
        }
        return padded(format!("{RESET}{clipped}{RESET}"), width, max_width, pad);
    }
    let (kept, kept_width) = take_columns(text, max_width - ellipsis_width);
    let mut state = StyleState::default();
    state.apply_all(&kept);
    let mut out = kept;
    out.push_str(&state.link_close());
    out.push_str(RESET);
    if !ellipsis.is_empty() {
        out.push_str(ellipsis);
        out.push_str(RESET);
    }
    padded(out, kept_width + ellipsis_width, max_width, pad)
}

fn padded(mut s: String, width: usize, max_width: usize, pad: bool) -> String {
    if pad && width < max_width {
        s.extend(std::iter::repeat_n(' ', max_width - width));
    }
    s
}

/// The longest prefix of `text` that fits in `max_width` columns, with its width. Escape
/// sequences are kept only when visible text follows them inside the prefix.
pub(crate) fn take_columns(text: &str, max_width: usize) -> (String, usize) {
    let mut out = String::new();
    let mut pending = String::new();
    let mut width = 0;
    for piece in pieces(text) {
        match piece {
            Piece::Escape(seq) => pending.push_str(seq),
            Piece::Text(t) => {
                for g in t.graphemes(true) {
                    let w = grapheme_width(g);
                    if width + w > max_width {
                        return (out, width);
                    }
                    out.push_str(&pending);
                    pending.clear();
                    out.push_str(g);
                    width += w;
                }
            }
        }
    }
    (out, width)
}

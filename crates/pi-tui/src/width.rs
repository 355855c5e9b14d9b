//! How many terminal columns text occupies: grapheme clusters, East Asian width, emoji, tabs,
//! and escape sequences that take no room at all.

use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

use crate::ansi::{Piece, pieces};

/// Columns a tab takes: pi expands tabs to three spaces rather than trusting tab stops, so a
/// line's width does not depend on where it starts.
pub const TAB_WIDTH: usize = 3;

fn is_printable_ascii(s: &str) -> bool {
    s.bytes().all(|b| (0x20..=0x7e).contains(&b))
}

/// Columns one grapheme cluster occupies.
///
/// Regional indicators count 2 even alone (terminals draw a half-streamed flag wide, and
/// counting 1 would let the line overflow); emoji sequences count 2; control characters 0.
pub fn grapheme_width(grapheme: &str) -> usize {
    if grapheme == "\t" {
        return TAB_WIDTH;
    }
    let Some(first) = grapheme.chars().next() else {
        return 0;
    };
    if ('\u{1F1E6}'..='\u{1F1FF}').contains(&first) {
        return 2;
    }
    if grapheme.chars().all(char::is_control) {
        return 0;
    }
    grapheme.width()
}

/// Columns `s` occupies on a terminal: escape sequences (CSI, OSC, APC) take none, tabs take
/// [`TAB_WIDTH`], and every grapheme cluster is measured as a whole.
///
/// ```
/// use pi_tui::visible_width;
/// assert_eq!(visible_width("hello"), 5);
/// assert_eq!(visible_width("\x1b[31mred\x1b[0m"), 3);
/// assert_eq!(visible_width("日本"), 4);
/// assert_eq!(visible_width("👍🏽"), 2);
/// ```
pub fn visible_width(s: &str) -> usize {
    if is_printable_ascii(s) {
        return s.len();
    }
    pieces(s)
        .map(|p| match p {
            Piece::Text(t) => text_width(t),
            Piece::Escape(_) => 0,
        })
        .sum()
}

/// Width of text that holds no escape sequences.
pub(crate) fn text_width(t: &str) -> usize {
    if is_printable_ascii(t) {
        return t.len();
    }
    t.graphemes(true).map(grapheme_width).sum()
}

//! Editing pieces shared by [`crate::components::Input`] and [`crate::components::Editor`]:
//! the kill ring, the undo stack, word motion and grapheme steps.

mod kill_ring;
mod undo;
mod word;

pub use kill_ring::KillRing;
pub use undo::UndoStack;
pub use word::{find_word_backward, find_word_forward, is_punctuation};

use unicode_segmentation::UnicodeSegmentation;

/// Byte length of the grapheme that ends at `cursor` in `text` (0 at the start).
pub fn grapheme_before(text: &str, cursor: usize) -> usize {
    text.get(..cursor)
        .and_then(|t| t.graphemes(true).next_back())
        .map_or(0, str::len)
}

/// Byte length of the grapheme that starts at `cursor` in `text` (0 at the end).
pub fn grapheme_after(text: &str, cursor: usize) -> usize {
    text.get(cursor..)
        .and_then(|t| t.graphemes(true).next())
        .map_or(0, str::len)
}

/// What the last edit was, so kills accumulate and typing coalesces into one undo step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LastAction {
    /// Characters of one word typed in a row.
    TypeWord,
    /// Text killed (deleted to the kill ring).
    Kill,
    /// Text yanked from the kill ring.
    Yank,
}

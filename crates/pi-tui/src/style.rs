//! Styles as functions from text to styled text, as pi's themes give them, plus a few SGR
//! helpers for themes built in code.

use std::rc::Rc;

use crate::width::visible_width;

/// Styles a piece of text (wraps it in SGR sequences, or leaves it alone).
pub type StyleFn = Rc<dyn Fn(&str) -> String>;

/// Styles a piece of text differently when it is selected.
pub type SelectableStyleFn = Rc<dyn Fn(&str, bool) -> String>;

/// A style that changes nothing.
pub fn plain() -> StyleFn {
    Rc::new(str::to_owned)
}

/// A style that wraps text in `open` and `close` SGR sequences.
pub fn sgr(open: &'static str, close: &'static str) -> StyleFn {
    Rc::new(move |s: &str| format!("{open}{s}{close}"))
}

/// Bold text.
pub fn bold() -> StyleFn {
    sgr("\x1b[1m", "\x1b[22m")
}

/// Dim text.
pub fn dim() -> StyleFn {
    sgr("\x1b[2m", "\x1b[22m")
}

/// Italic text.
pub fn italic() -> StyleFn {
    sgr("\x1b[3m", "\x1b[23m")
}

/// Underlined text.
pub fn underline() -> StyleFn {
    sgr("\x1b[4m", "\x1b[24m")
}

/// Struck-through text.
pub fn strikethrough() -> StyleFn {
    sgr("\x1b[9m", "\x1b[29m")
}

/// Reverse video.
pub fn inverse() -> StyleFn {
    sgr("\x1b[7m", "\x1b[27m")
}

/// Foreground from the 256-colour palette.
pub fn fg(color: u8) -> StyleFn {
    Rc::new(move |s: &str| format!("\x1b[38;5;{color}m{s}\x1b[39m"))
}

/// Background from the 256-colour palette.
pub fn bg(color: u8) -> StyleFn {
    Rc::new(move |s: &str| format!("\x1b[48;5;{color}m{s}\x1b[49m"))
}

/// Pads `line` with spaces to `width` columns and styles the whole (a background that
/// reaches the right edge).
pub fn apply_background_to_line(line: &str, width: usize, style: &StyleFn) -> String {
    let pad = width.saturating_sub(visible_width(line));
    style(&format!("{line}{}", " ".repeat(pad)))
}

/// An OSC 8 hyperlink around `text`.
pub fn hyperlink(text: &str, url: &str) -> String {
    // A control character in the URL would end the sequence early.
    let url: String = url.chars().filter(|c| !c.is_control()).collect();
    format!("\x1b]8;;{url}\x1b\\{text}\x1b]8;;\x1b\\")
}

//! [`Notice`]: the one-off lines pi adds to the chat: errors, warnings and status.

use std::rc::Rc;

use pi_tui::Component;
use pi_tui::components::Text;

use super::{ChatStyle, LineCache};
use crate::interactive::theme::ThemeColor;

/// What a notice says, which decides its colour and prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoticeKind {
    /// `Error: …` in the error colour.
    Error,
    /// `Warning: …` in the warning colour.
    Warning,
    /// A status message, dim.
    Status,
}

/// A blank row, then the notice's text (wrapped, one column of padding).
pub struct Notice {
    style: Rc<ChatStyle>,
    kind: NoticeKind,
    message: String,
    cache: LineCache,
}

impl std::fmt::Debug for Notice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Notice")
            .field("kind", &self.kind)
            .field("message", &self.message)
            .finish_non_exhaustive()
    }
}

impl Notice {
    /// A notice of this kind.
    pub fn new(kind: NoticeKind, message: impl Into<String>, style: Rc<ChatStyle>) -> Self {
        Notice {
            style,
            kind,
            message: message.into(),
            cache: LineCache::default(),
        }
    }

    /// Replaces the message (pi updates the last status line instead of adding another).
    pub fn set_message(&mut self, message: impl Into<String>) {
        self.message = message.into();
        self.cache.clear();
    }

    /// The notice's kind.
    pub fn kind(&self) -> NoticeKind {
        self.kind
    }
}

impl Component for Notice {
    fn render(&mut self, width: usize) -> Vec<String> {
        if let Some(lines) = self.cache.get(width) {
            return lines;
        }
        let style = &self.style;
        let (text, pad) = match self.kind {
            NoticeKind::Error => (
                style.fg(ThemeColor::Error, &format!("Error: {}", self.message)),
                style.output_pad,
            ),
            NoticeKind::Warning => (
                style.fg(ThemeColor::Warning, &format!("Warning: {}", self.message)),
                1,
            ),
            NoticeKind::Status => (style.fg(ThemeColor::Dim, &self.message), 1),
        };
        let mut lines = vec![String::new()];
        lines.extend(Text::with_padding(text, pad, 0).render(width));
        self.cache.put(width, &lines);
        lines
    }

    fn invalidate(&mut self) {
        self.cache.clear();
    }
}

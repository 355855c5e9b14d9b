//! [`UserMessage`]: what the user typed, as Markdown on the user-message background.

use std::rc::Rc;

use pi_tui::Component;
use pi_tui::components::Markdown;
use pi_tui::style::apply_background_to_line;

use super::{ChatStyle, LineCache, mark_zone};
use crate::interactive::theme::{ThemeBg, ThemeColor};

/// A user message: its text as Markdown in the user-message colour, on the user-message
/// background with one row of padding above and below, marked as a prompt zone (OSC 133).
pub struct UserMessage {
    style: Rc<ChatStyle>,
    markdown: Markdown,
    cache: LineCache,
}

impl std::fmt::Debug for UserMessage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UserMessage")
            .field("text", &self.markdown.text())
            .finish_non_exhaustive()
    }
}

impl UserMessage {
    /// The message with this text.
    pub fn new(text: &str, style: Rc<ChatStyle>) -> Self {
        let markdown = Self::markdown(text, &style);
        UserMessage {
            style,
            markdown,
            cache: LineCache::default(),
        }
    }

    fn markdown(text: &str, style: &ChatStyle) -> Markdown {
        Markdown::new(text, 0, 0, style.markdown_theme())
            .with_text_style(style.theme.fg_style(ThemeColor::UserMessageText))
    }

    /// The message's text.
    pub fn text(&self) -> &str {
        self.markdown.text()
    }
}

impl Component for UserMessage {
    fn render(&mut self, width: usize) -> Vec<String> {
        if let Some(lines) = self.cache.get(width) {
            return lines;
        }
        let pad = self.style.output_pad;
        let inner = width.saturating_sub(pad * 2).max(1);
        let body = self.markdown.render(inner);
        let mut lines = Vec::new();
        if !body.is_empty() {
            let bg = self.style.theme.bg_style(ThemeBg::UserMessageBg);
            let margin = " ".repeat(pad);
            let empty = apply_background_to_line("", width, &bg);
            lines.push(empty.clone());
            for line in body {
                lines.push(apply_background_to_line(
                    &format!("{margin}{line}"),
                    width,
                    &bg,
                ));
            }
            lines.push(empty);
            mark_zone(&mut lines);
        }
        self.cache.put(width, &lines);
        lines
    }

    fn invalidate(&mut self) {
        self.markdown.invalidate();
        self.cache.clear();
    }
}

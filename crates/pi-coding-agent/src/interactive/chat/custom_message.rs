//! [`CustomMessage`]: a message an extension added to the conversation (`custom` role).

use std::rc::Rc;

use pi_tui::Component;
use pi_tui::components::{Markdown, Spacer, Text};

use super::{ChatStyle, LineCache, in_box, message_label};
use crate::interactive::theme::{ThemeBg, ThemeColor};
use crate::messages::CustomRoleMessage;

/// An extension's message: a blank row, then on the custom-message background its
/// `[customType]` label and its text as Markdown.
pub struct CustomMessage {
    style: Rc<ChatStyle>,
    custom_type: String,
    text: String,
    cache: LineCache,
}

impl std::fmt::Debug for CustomMessage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CustomMessage")
            .field("custom_type", &self.custom_type)
            .finish_non_exhaustive()
    }
}

impl CustomMessage {
    /// The message's label and text (its text blocks joined by line breaks).
    pub fn new(message: &CustomRoleMessage, style: Rc<ChatStyle>) -> Self {
        CustomMessage {
            style,
            custom_type: message.custom_type.clone(),
            text: message.content.text("\n"),
            cache: LineCache::default(),
        }
    }
}

impl Component for CustomMessage {
    fn render(&mut self, width: usize) -> Vec<String> {
        if let Some(lines) = self.cache.get(width) {
            return lines;
        }
        let style = &self.style;
        let mut children: Vec<std::boxed::Box<dyn Component>> = vec![
            std::boxed::Box::new(Text::new(message_label(style, &self.custom_type))),
            std::boxed::Box::new(Spacer::new(1)),
            std::boxed::Box::new(
                Markdown::new(self.text.as_str(), 0, 0, style.markdown_theme())
                    .with_text_style(style.theme.fg_style(ThemeColor::CustomMessageText)),
            ),
        ];
        let bg = style.theme.bg_style(ThemeBg::CustomMessageBg);
        let mut lines = vec![String::new()];
        lines.extend(in_box(&mut children, 1, 1, &bg, width));
        self.cache.put(width, &lines);
        lines
    }

    fn invalidate(&mut self) {
        self.cache.clear();
    }
}

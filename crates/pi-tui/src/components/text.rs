//! [`Text`]: wrapped text with padding and an optional background.

use crate::component::Component;
use crate::style::{StyleFn, apply_background_to_line};
use crate::width::visible_width;
use crate::wrap::wrap_text_with_ansi;

/// Text wrapped to the width, with horizontal and vertical padding. Whitespace-only text
/// renders as nothing.
#[derive(Clone)]
pub struct Text {
    text: String,
    padding_x: usize,
    padding_y: usize,
    background: Option<StyleFn>,
    cache: Option<(usize, Vec<String>)>,
}

impl std::fmt::Debug for Text {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Text")
            .field("text", &self.text)
            .finish_non_exhaustive()
    }
}

impl Text {
    /// Text without padding.
    pub fn new(text: impl Into<String>) -> Self {
        Self::with_padding(text, 0, 0)
    }

    /// Text with `padding_x` columns left and right and `padding_y` empty rows above and
    /// below (pi's default is 1 and 1).
    pub fn with_padding(text: impl Into<String>, padding_x: usize, padding_y: usize) -> Self {
        Self {
            text: text.into(),
            padding_x,
            padding_y,
            background: None,
            cache: None,
        }
    }

    /// Fills every row, padding included, with a background style.
    pub fn with_background(mut self, background: StyleFn) -> Self {
        self.background = Some(background);
        self
    }

    /// Replaces the text.
    pub fn set_text(&mut self, text: impl Into<String>) {
        self.text = text.into();
        self.cache = None;
    }

    /// The text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Replaces (or removes) the background style.
    pub fn set_background(&mut self, background: Option<StyleFn>) {
        self.background = background;
        self.cache = None;
    }

    fn fill(&self, line: String, width: usize) -> String {
        match &self.background {
            Some(bg) => apply_background_to_line(&line, width, bg),
            None => {
                let pad = width.saturating_sub(visible_width(&line));
                format!("{line}{}", " ".repeat(pad))
            }
        }
    }
}

impl Component for Text {
    fn render(&mut self, width: usize) -> Vec<String> {
        if let Some((w, lines)) = &self.cache
            && *w == width
        {
            return lines.clone();
        }
        let mut result = Vec::new();
        if !self.text.trim().is_empty() {
            let text = self.text.replace('\t', "   ");
            let padding_x = self.padding_x.min(width.saturating_sub(1) / 2);
            let content_width = width.saturating_sub(padding_x * 2).max(1);
            let margin = " ".repeat(padding_x);
            let empty = self.fill(String::new(), width);
            result.extend(std::iter::repeat_n(empty.clone(), self.padding_y));
            for line in wrap_text_with_ansi(&text, content_width) {
                result.push(self.fill(format!("{margin}{line}{margin}"), width));
            }
            result.extend(std::iter::repeat_n(empty, self.padding_y));
        }
        self.cache = Some((width, result.clone()));
        result
    }

    fn invalidate(&mut self) {
        self.cache = None;
    }
}

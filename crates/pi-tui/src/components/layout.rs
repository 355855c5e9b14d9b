//! Layout components: [`Box`] (padding and background around children), [`Spacer`] and
//! [`TruncatedText`].

use crate::component::{Component, ComponentRef};
use crate::style::{StyleFn, apply_background_to_line};
use crate::truncate::truncate_to_width;
use crate::width::visible_width;

/// Children drawn inside padding, every row filled to the width (with a background, if set).
pub struct Box {
    children: Vec<ComponentRef>,
    padding_x: usize,
    padding_y: usize,
    background: Option<StyleFn>,
}

impl std::fmt::Debug for Box {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Box")
            .field("children", &self.children.len())
            .finish_non_exhaustive()
    }
}

impl Box {
    /// An empty box with this padding.
    pub fn new(padding_x: usize, padding_y: usize) -> Self {
        Self {
            children: Vec::new(),
            padding_x,
            padding_y,
            background: None,
        }
    }

    /// Fills the box with a background style.
    pub fn with_background(mut self, background: StyleFn) -> Self {
        self.background = Some(background);
        self
    }

    /// Replaces (or removes) the background.
    pub fn set_background(&mut self, background: Option<StyleFn>) {
        self.background = background;
    }

    /// Appends a child.
    pub fn add_child(&mut self, child: ComponentRef) {
        self.children.push(child);
    }

    /// Removes a child.
    pub fn remove_child(&mut self, child: &ComponentRef) {
        self.children
            .retain(|c| !crate::component::same_component(c, child));
    }

    /// Removes every child.
    pub fn clear(&mut self) {
        self.children.clear();
    }

    fn fill(&self, line: &str, width: usize) -> String {
        match &self.background {
            Some(bg) => apply_background_to_line(line, width, bg),
            None => format!(
                "{line}{}",
                " ".repeat(width.saturating_sub(visible_width(line)))
            ),
        }
    }
}

impl Component for Box {
    fn render(&mut self, width: usize) -> Vec<String> {
        let content_width = width.saturating_sub(self.padding_x * 2).max(1);
        let pad = " ".repeat(self.padding_x);
        let mut body = Vec::new();
        for child in &self.children {
            if let Ok(mut child) = child.try_borrow_mut() {
                body.extend(
                    child
                        .render(content_width)
                        .into_iter()
                        .map(|l| format!("{pad}{l}")),
                );
            }
        }
        if body.is_empty() {
            return body;
        }
        let mut out = Vec::with_capacity(body.len() + self.padding_y * 2);
        let empty = self.fill("", width);
        out.extend(std::iter::repeat_n(empty.clone(), self.padding_y));
        out.extend(body.iter().map(|l| self.fill(l, width)));
        out.extend(std::iter::repeat_n(empty, self.padding_y));
        out
    }

    fn invalidate(&mut self) {
        for child in &self.children {
            if let Ok(mut child) = child.try_borrow_mut() {
                child.invalidate();
            }
        }
    }
}

/// Empty rows.
#[derive(Debug, Clone, Copy)]
pub struct Spacer {
    lines: usize,
}

impl Spacer {
    /// `lines` empty rows.
    pub fn new(lines: usize) -> Self {
        Self { lines }
    }

    /// Changes the number of rows.
    pub fn set_lines(&mut self, lines: usize) {
        self.lines = lines;
    }
}

impl Component for Spacer {
    fn render(&mut self, _width: usize) -> Vec<String> {
        vec![String::new(); self.lines]
    }
}

/// One line of text, cut with an ellipsis when too wide (only the first line of the text is
/// shown), padded to the width.
#[derive(Debug, Clone)]
pub struct TruncatedText {
    text: String,
    padding_x: usize,
    padding_y: usize,
}

impl TruncatedText {
    /// Text without padding.
    pub fn new(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            padding_x: 0,
            padding_y: 0,
        }
    }

    /// Text with padding around it.
    pub fn with_padding(text: impl Into<String>, padding_x: usize, padding_y: usize) -> Self {
        Self {
            text: text.into(),
            padding_x,
            padding_y,
        }
    }

    /// Replaces the text.
    pub fn set_text(&mut self, text: impl Into<String>) {
        self.text = text.into();
    }
}

impl Component for TruncatedText {
    fn render(&mut self, width: usize) -> Vec<String> {
        let empty = " ".repeat(width);
        let available = width.saturating_sub(self.padding_x * 2).max(1);
        let first = self.text.split('\n').next().unwrap_or_default();
        let shown = truncate_to_width(first, available, "...", false);
        let pad = " ".repeat(self.padding_x);
        let line = format!("{pad}{shown}{pad}");
        let fill = width.saturating_sub(visible_width(&line));
        let mut out = vec![empty.clone(); self.padding_y];
        out.push(truncate_to_width(
            &format!("{line}{}", " ".repeat(fill)),
            width,
            "",
            false,
        ));
        out.extend(std::iter::repeat_n(empty, self.padding_y));
        out
    }
}

//! [`Markdown`]: pi's renderer for assistant messages: headings, paragraphs, fenced code with
//! a highlighter hook, nested and task lists, tables drawn with box characters and fitted to
//! the width, block quotes, rules, and links as OSC 8 hyperlinks.

mod parse;
mod table;

use std::rc::Rc;

use parse::{Block, Inline, Item};

use crate::component::Component;
use crate::style::{StyleFn, apply_background_to_line, hyperlink, plain};
use crate::width::visible_width;
use crate::wrap::wrap_text_with_ansi;

/// Turns a code block's text (and language, if given) into highlighted lines.
pub type HighlightFn = Rc<dyn Fn(&str, Option<&str>) -> Vec<String>>;

/// Styles of a [`Markdown`] component.
#[derive(Clone)]
pub struct MarkdownTheme {
    /// Headings.
    pub heading: StyleFn,
    /// Link text.
    pub link: StyleFn,
    /// A link's URL when shown in parentheses.
    pub link_url: StyleFn,
    /// Inline code.
    pub code: StyleFn,
    /// Code block lines (when there is no highlighter).
    pub code_block: StyleFn,
    /// The ``` lines around code blocks.
    pub code_block_border: StyleFn,
    /// Quoted text.
    pub quote: StyleFn,
    /// The `│ ` in front of quoted lines.
    pub quote_border: StyleFn,
    /// Horizontal rules.
    pub hr: StyleFn,
    /// List bullets and numbers.
    pub list_bullet: StyleFn,
    /// Bold.
    pub bold: StyleFn,
    /// Italic.
    pub italic: StyleFn,
    /// Strikethrough.
    pub strikethrough: StyleFn,
    /// Underline.
    pub underline: StyleFn,
    /// Syntax highlighting for code blocks.
    pub highlight_code: Option<HighlightFn>,
    /// Indent of code block lines (pi's default: two spaces).
    pub code_block_indent: String,
    /// Whether links become OSC 8 hyperlinks (else the URL follows in parentheses).
    pub hyperlinks: bool,
}

impl std::fmt::Debug for MarkdownTheme {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MarkdownTheme")
            .field("hyperlinks", &self.hyperlinks)
            .finish_non_exhaustive()
    }
}

impl Default for MarkdownTheme {
    /// Plain text except bold, italic, strikethrough and underline, which use SGR.
    fn default() -> Self {
        Self {
            heading: plain(),
            link: plain(),
            link_url: plain(),
            code: plain(),
            code_block: plain(),
            code_block_border: plain(),
            quote: plain(),
            quote_border: plain(),
            hr: plain(),
            list_bullet: plain(),
            bold: crate::style::bold(),
            italic: crate::style::italic(),
            strikethrough: crate::style::strikethrough(),
            underline: crate::style::underline(),
            highlight_code: None,
            code_block_indent: "  ".into(),
            hyperlinks: true,
        }
    }
}

/// Rendered markdown, cached by width until the text changes.
pub struct Markdown {
    text: String,
    padding_x: usize,
    padding_y: usize,
    theme: MarkdownTheme,
    background: Option<StyleFn>,
    text_style: Option<TextStyle>,
    cache: Option<(usize, Vec<String>)>,
}

/// The style of plain text in a [`Markdown`] component, and the escape sequence that opens
/// it, re-emitted after each inline span (bold, code, a link) whose own reset ends it.
#[derive(Clone)]
struct TextStyle {
    style: StyleFn,
    prefix: String,
}

impl std::fmt::Debug for Markdown {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Markdown")
            .field("text", &self.text)
            .finish_non_exhaustive()
    }
}

/// Drops a partial closing fence (one or two backticks on the last line of an unfinished
/// code block), so a message streaming in does not flash a stray backtick.
fn trim_partial_fence(text: &str) -> &str {
    let Some((head, last)) = text.rsplit_once('\n') else {
        return text;
    };
    let partial = !last.is_empty()
        && last.len() < 3
        && (last.chars().all(|c| c == '`') || last.chars().all(|c| c == '~'));
    let fence = if last.starts_with('`') { "```" } else { "~~~" };
    let open_fences = head
        .lines()
        .filter(|l| l.trim_start().starts_with(fence))
        .count();
    if partial && open_fences % 2 == 1 {
        head
    } else {
        text
    }
}

impl Markdown {
    /// Markdown with padding around it.
    pub fn new(
        text: impl Into<String>,
        padding_x: usize,
        padding_y: usize,
        theme: MarkdownTheme,
    ) -> Self {
        Self {
            text: text.into(),
            padding_x,
            padding_y,
            theme,
            background: None,
            text_style: None,
            cache: None,
        }
    }

    /// Styles plain text (paragraphs, list items, quotes; not headings or code) with
    /// `style`, for example a colour for user messages or italic colour for thinking.
    pub fn with_text_style(mut self, style: StyleFn) -> Self {
        // The style's opening sequence is what precedes a placeholder once styled.
        let styled = style("\0");
        let prefix = styled
            .find('\0')
            .map(|at| styled[..at].to_owned())
            .unwrap_or_default();
        self.text_style = Some(TextStyle { style, prefix });
        self.cache = None;
        self
    }

    /// Fills the rows with a background style.
    pub fn with_background(mut self, background: StyleFn) -> Self {
        self.background = Some(background);
        self
    }

    /// Replaces the text (a streaming message calls this per token).
    pub fn set_text(&mut self, text: impl Into<String>) {
        self.text = text.into();
        self.cache = None;
    }

    /// Appends to the text.
    pub fn push_str(&mut self, more: &str) {
        self.text.push_str(more);
        self.cache = None;
    }

    /// The source text.
    pub fn text(&self) -> &str {
        &self.text
    }

    fn inline(&self, inlines: &[Inline]) -> String {
        self.inline_styled(inlines, self.text_style.as_ref())
    }

    fn inline_styled(&self, inlines: &[Inline], text_style: Option<&TextStyle>) -> String {
        let t = &self.theme;
        let mut out = String::new();
        let prefix = text_style.map_or("", |s| s.prefix.as_str());
        for (i, node) in inlines.iter().enumerate() {
            // The plain-text style is re-opened after a span only when text follows it.
            let reopen = if i + 1 < inlines.len() { prefix } else { "" };
            match node {
                Inline::Text(s) | Inline::Html(s) => match text_style {
                    Some(style) => {
                        for (i, segment) in s.split('\n').enumerate() {
                            if i > 0 {
                                out.push('\n');
                            }
                            out.push_str(&(style.style)(segment));
                        }
                    }
                    None => out.push_str(s),
                },
                Inline::Code(c) => {
                    out.push_str(&(t.code)(c));
                    out.push_str(reopen);
                }
                Inline::Strong(c) => {
                    out.push_str(&(t.bold)(&self.inline_styled(c, text_style)));
                    out.push_str(reopen);
                }
                Inline::Emphasis(c) => {
                    out.push_str(&(t.italic)(&self.inline_styled(c, text_style)));
                    out.push_str(reopen);
                }
                Inline::Strikethrough(c) => {
                    out.push_str(&(t.strikethrough)(&self.inline_styled(c, text_style)));
                    out.push_str(reopen);
                }
                Inline::Break => out.push('\n'),
                Inline::Link { url, children } => {
                    let text = self.inline_styled(children, text_style);
                    let styled = (t.link)(&(t.underline)(&text));
                    if t.hyperlinks {
                        out.push_str(&hyperlink(&styled, url));
                    } else {
                        let bare = url.strip_prefix("mailto:").unwrap_or(url);
                        out.push_str(&styled);
                        if crate::ansi::strip_ansi(&text) != *url
                            && crate::ansi::strip_ansi(&text) != bare
                        {
                            out.push_str(&(t.link_url)(&format!(" ({url})")));
                        }
                    }
                    out.push_str(reopen);
                }
            }
        }
        out
    }

    fn blocks(&self, blocks: &[Block], width: usize) -> Vec<String> {
        let mut lines = Vec::new();
        for (i, block) in blocks.iter().enumerate() {
            lines.extend(self.block(block, width));
            let next = blocks.get(i + 1);
            // A paragraph runs straight into a list written right below it; everything else
            // is separated by one empty line.
            let tight = matches!(
                (block, next),
                (
                    Block::Paragraph(_),
                    Some(Block::List {
                        blank_before: false,
                        ..
                    })
                )
            );
            if next.is_some() && !tight {
                lines.push(String::new());
            }
        }
        lines
    }

    fn block(&self, block: &Block, width: usize) -> Vec<String> {
        let t = &self.theme;
        match block {
            Block::Heading(level, inlines) => {
                let style = |s: &str| {
                    let inner = if *level == 1 {
                        (t.underline)(s)
                    } else {
                        s.to_owned()
                    };
                    (t.heading)(&(t.bold)(&inner))
                };
                let text = style(&self.inline_styled(inlines, None));
                if *level >= 3 {
                    vec![format!(
                        "{}{text}",
                        style(&format!("{} ", "#".repeat(usize::from(*level))))
                    )]
                } else {
                    vec![text]
                }
            }
            Block::Paragraph(inlines) => vec![self.inline(inlines)],
            Block::Code { lang, text } => {
                let mut lines = vec![(t.code_block_border)(&format!("```{lang}"))];
                let indent = &t.code_block_indent;
                match &t.highlight_code {
                    Some(h) => {
                        let lang = (!lang.is_empty()).then_some(lang.as_str());
                        lines.extend(h(text, lang).into_iter().map(|l| format!("{indent}{l}")));
                    }
                    None => lines.extend(
                        text.split('\n')
                            .map(|l| format!("{indent}{}", (t.code_block)(l))),
                    ),
                }
                lines.push((t.code_block_border)("```"));
                lines
            }
            Block::List {
                start,
                loose,
                items,
                ..
            } => self.list(*start, *loose, items, 0, width),
            Block::Table { header, rows } => {
                let header: Vec<String> = header.iter().map(|c| self.inline(c)).collect();
                let rows: Vec<Vec<String>> = rows
                    .iter()
                    .map(|r| r.iter().map(|c| self.inline(c)).collect())
                    .collect();
                table::render(&header, &rows, width, &t.bold)
            }
            Block::Quote(blocks) => {
                let inner_width = width.saturating_sub(2).max(1);
                let mut inner = self.blocks(blocks, inner_width);
                while inner.last().is_some_and(String::is_empty) {
                    inner.pop();
                }
                let mut lines = Vec::new();
                for line in inner {
                    let styled = (t.quote)(&(t.italic)(&line));
                    for wrapped in wrap_text_with_ansi(&styled, inner_width) {
                        lines.push(format!("{}{wrapped}", (t.quote_border)("│ ")));
                    }
                }
                lines
            }
            Block::Rule => vec![(t.hr)(&"─".repeat(width.min(80)))],
            Block::Html(h) => vec![h.trim().to_owned()],
        }
    }

    fn list(
        &self,
        start: Option<u64>,
        loose: bool,
        items: &[Item],
        depth: usize,
        width: usize,
    ) -> Vec<String> {
        let mut lines = Vec::new();
        let indent = "    ".repeat(depth);
        for (i, item) in items.iter().enumerate() {
            let bullet = match start {
                Some(n) => format!("{}. ", n + i as u64),
                None => "- ".to_owned(),
            };
            let task = match item.task {
                Some(true) => "[x] ",
                Some(false) => "[ ] ",
                None => "",
            };
            let marker = format!("{bullet}{task}");
            let first = format!("{indent}{}", (self.theme.list_bullet)(&marker));
            let continuation = format!("{indent}{}", " ".repeat(visible_width(&marker)));
            let item_width = width.saturating_sub(visible_width(&first)).max(1);
            let mut any = false;
            for block in &item.blocks {
                if let Block::List {
                    start,
                    loose,
                    items,
                    ..
                } = block
                {
                    lines.extend(self.list(*start, *loose, items, depth + 1, width));
                    any = true;
                    continue;
                }
                for line in self.block(block, item_width) {
                    for wrapped in wrap_text_with_ansi(&line, item_width) {
                        let prefix = if any { &continuation } else { &first };
                        lines.push(format!("{prefix}{wrapped}"));
                        any = true;
                    }
                }
            }
            if !any {
                lines.push(first);
            }
            if loose && i + 1 < items.len() {
                lines.push(String::new());
            }
        }
        lines
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

impl Component for Markdown {
    fn render(&mut self, width: usize) -> Vec<String> {
        if let Some((w, lines)) = &self.cache
            && *w == width
        {
            return lines.clone();
        }
        let content_width = width.saturating_sub(self.padding_x * 2).max(1);
        let mut result = Vec::new();
        if !self.text.trim().is_empty() {
            let source = self.text.replace('\t', "   ");
            let blocks = parse::parse(trim_partial_fence(&source));
            let margin = " ".repeat(self.padding_x);
            let empty = self.fill("", width);
            result.extend(std::iter::repeat_n(empty.clone(), self.padding_y));
            for line in self.blocks(&blocks, content_width) {
                if crate::renderer::is_image_line(&line) {
                    result.push(line);
                    continue;
                }
                for wrapped in wrap_text_with_ansi(&line, content_width) {
                    result.push(self.fill(&format!("{margin}{wrapped}{margin}"), width));
                }
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

//! Markdown source to a small block tree, with pulldown-cmark (CommonMark plus tables,
//! strikethrough and task lists).

use pulldown_cmark::{CodeBlockKind, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

/// Inline content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Inline {
    Text(String),
    Code(String),
    Strong(Vec<Inline>),
    Emphasis(Vec<Inline>),
    Strikethrough(Vec<Inline>),
    Link { url: String, children: Vec<Inline> },
    Break,
    Html(String),
}

/// A list item: its task state, if it is one, and its blocks.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Item {
    pub(crate) task: Option<bool>,
    pub(crate) blocks: Vec<Block>,
    /// Whether inline content is being gathered into the last paragraph (tight items have
    /// no paragraph tags around their text).
    open_run: bool,
}

/// Block content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Block {
    Heading(u8, Vec<Inline>),
    Paragraph(Vec<Inline>),
    Code {
        lang: String,
        text: String,
    },
    List {
        start: Option<u64>,
        loose: bool,
        blank_before: bool,
        items: Vec<Item>,
    },
    Table {
        header: Vec<Vec<Inline>>,
        rows: Vec<Vec<Vec<Inline>>>,
    },
    Quote(Vec<Block>),
    Rule,
    Html(String),
}

enum Frame {
    Blocks(Vec<Block>),
    Inlines(Vec<Inline>),
    Link {
        url: String,
        children: Vec<Inline>,
    },
    Item(Item),
    List {
        start: Option<u64>,
        blank_before: bool,
        items: Vec<Item>,
    },
    Table {
        header: Vec<Vec<Inline>>,
        rows: Vec<Vec<Vec<Inline>>>,
        row: Vec<Vec<Inline>>,
    },
    Code {
        lang: String,
        text: String,
    },
}

/// Parses markdown into blocks. Never fails: anything unusual becomes text.
pub(crate) fn parse(source: &str) -> Vec<Block> {
    let options =
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS;
    let mut stack: Vec<Frame> = vec![Frame::Blocks(Vec::new())];
    let mut tight_lists: Vec<bool> = Vec::new();
    for (event, range) in Parser::new_ext(source, options).into_offset_iter() {
        match event {
            Event::Start(Tag::List(start)) => {
                // Whether an empty line separates the list from what comes before it.
                let before = source.get(..range.start).unwrap_or_default();
                let blank_before = before.trim_end_matches([' ', '\t']).ends_with("\n\n");
                tight_lists.push(true);
                stack.push(Frame::List {
                    start,
                    blank_before,
                    items: Vec::new(),
                });
            }
            Event::Start(tag) => open(&mut stack, tag),
            Event::End(end) => close(&mut stack, &mut tight_lists, end),
            Event::Text(t) => match stack.last_mut() {
                Some(Frame::Code { text, .. }) => text.push_str(&t),
                _ => push_inline(&mut stack, Inline::Text(t.into_string())),
            },
            Event::Code(c) => push_inline(&mut stack, Inline::Code(c.into_string())),
            Event::InlineMath(m) | Event::DisplayMath(m) => {
                push_inline(&mut stack, Inline::Text(m.into_string()))
            }
            Event::SoftBreak | Event::HardBreak => push_inline(&mut stack, Inline::Break),
            Event::Html(h) => push_block(&mut stack, Block::Html(h.trim_end().to_owned())),
            Event::InlineHtml(h) => push_inline(&mut stack, Inline::Html(h.into_string())),
            Event::Rule => push_block(&mut stack, Block::Rule),
            Event::TaskListMarker(checked) => {
                if let Some(Frame::Item(item)) =
                    stack.iter_mut().rev().find(|f| matches!(f, Frame::Item(_)))
                {
                    item.task = Some(checked);
                }
            }
            Event::FootnoteReference(r) => push_inline(&mut stack, Inline::Text(format!("[^{r}]"))),
        }
    }
    // Close whatever is still open (never happens with pulldown-cmark, but costs nothing).
    while stack.len() > 1 {
        close(&mut stack, &mut tight_lists, TagEnd::Paragraph);
    }
    match stack.pop() {
        Some(Frame::Blocks(b)) => b,
        _ => Vec::new(),
    }
}

fn open(stack: &mut Vec<Frame>, tag: Tag<'_>) {
    match tag {
        Tag::Paragraph | Tag::Heading { .. } | Tag::TableCell => {
            stack.push(Frame::Inlines(Vec::new()))
        }
        Tag::Emphasis | Tag::Strong | Tag::Strikethrough => stack.push(Frame::Inlines(Vec::new())),
        Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. } => {
            stack.push(Frame::Link {
                url: dest_url.into_string(),
                children: Vec::new(),
            });
        }
        Tag::CodeBlock(kind) => {
            let lang = match kind {
                CodeBlockKind::Fenced(l) => {
                    l.split_whitespace().next().unwrap_or_default().to_owned()
                }
                CodeBlockKind::Indented => String::new(),
            };
            stack.push(Frame::Code {
                lang,
                text: String::new(),
            });
        }
        Tag::Item => stack.push(Frame::Item(Item::default())),
        Tag::BlockQuote(_) => stack.push(Frame::Blocks(Vec::new())),
        Tag::Table(_) => stack.push(Frame::Table {
            header: Vec::new(),
            rows: Vec::new(),
            row: Vec::new(),
        }),
        Tag::TableHead | Tag::TableRow => {}
        _ => stack.push(Frame::Blocks(Vec::new())),
    }
}

fn take_inlines(stack: &mut Vec<Frame>) -> Vec<Inline> {
    match stack.pop() {
        Some(Frame::Inlines(i)) => i,
        Some(other) => {
            stack.push(other);
            Vec::new()
        }
        None => Vec::new(),
    }
}

fn close(stack: &mut Vec<Frame>, tight: &mut Vec<bool>, end: TagEnd) {
    match end {
        TagEnd::Paragraph => {
            let inlines = take_inlines(stack);
            // A paragraph tag inside an item means the list is loose.
            if let Some(Frame::Item(_)) = stack.last()
                && let Some(t) = tight.last_mut()
            {
                *t = false;
            }
            push_block(stack, Block::Paragraph(inlines));
        }
        TagEnd::Heading(level) => {
            let inlines = take_inlines(stack);
            let n = match level {
                HeadingLevel::H1 => 1,
                HeadingLevel::H2 => 2,
                HeadingLevel::H3 => 3,
                HeadingLevel::H4 => 4,
                HeadingLevel::H5 => 5,
                HeadingLevel::H6 => 6,
            };
            push_block(stack, Block::Heading(n, inlines));
        }
        TagEnd::Emphasis => {
            let i = take_inlines(stack);
            push_inline(stack, Inline::Emphasis(i));
        }
        TagEnd::Strong => {
            let i = take_inlines(stack);
            push_inline(stack, Inline::Strong(i));
        }
        TagEnd::Strikethrough => {
            let i = take_inlines(stack);
            push_inline(stack, Inline::Strikethrough(i));
        }
        TagEnd::Link | TagEnd::Image => {
            if let Some(Frame::Link { url, children }) = stack.pop() {
                push_inline(stack, Inline::Link { url, children });
            }
        }
        TagEnd::CodeBlock => {
            if let Some(Frame::Code { lang, text }) = stack.pop() {
                push_block(
                    stack,
                    Block::Code {
                        lang,
                        text: text.strip_suffix('\n').unwrap_or(&text).to_owned(),
                    },
                );
            }
        }
        TagEnd::Item => {
            if let Some(Frame::Item(item)) = stack.pop()
                && let Some(Frame::List { items, .. }) = stack.last_mut()
            {
                items.push(item);
            }
        }
        TagEnd::List(_) => {
            let is_tight = tight.pop().unwrap_or(true);
            if let Some(Frame::List {
                start,
                blank_before,
                items,
            }) = stack.pop()
            {
                push_block(
                    stack,
                    Block::List {
                        start,
                        loose: !is_tight,
                        blank_before,
                        items,
                    },
                );
            }
        }
        TagEnd::BlockQuote(_) => {
            if let Some(Frame::Blocks(blocks)) = stack.pop() {
                push_block(stack, Block::Quote(blocks));
            }
        }
        TagEnd::TableCell => {
            let cell = take_inlines(stack);
            if let Some(Frame::Table { row, .. }) = stack.last_mut() {
                row.push(cell);
            }
        }
        TagEnd::TableHead => {
            if let Some(Frame::Table { header, row, .. }) = stack.last_mut() {
                *header = std::mem::take(row);
            }
        }
        TagEnd::TableRow => {
            if let Some(Frame::Table { rows, row, .. }) = stack.last_mut() {
                rows.push(std::mem::take(row));
            }
        }
        TagEnd::Table => {
            if let Some(Frame::Table { header, rows, .. }) = stack.pop() {
                push_block(stack, Block::Table { header, rows });
            }
        }
        _ => {
            if let Some(Frame::Blocks(blocks)) = stack.pop() {
                for b in blocks {
                    push_block(stack, b);
                }
            }
        }
    }
}

fn push_inline(stack: &mut [Frame], inline: Inline) {
    match stack.last_mut() {
        Some(Frame::Inlines(v)) | Some(Frame::Link { children: v, .. }) => v.push(inline),
        Some(Frame::Item(item)) => {
            if item.open_run
                && let Some(Block::Paragraph(last)) = item.blocks.last_mut()
            {
                last.push(inline);
            } else {
                item.blocks.push(Block::Paragraph(vec![inline]));
                item.open_run = true;
            }
        }
        _ => push_block(stack, Block::Paragraph(vec![inline])),
    }
}

fn push_block(stack: &mut [Frame], block: Block) {
    match stack.last_mut() {
        Some(Frame::Blocks(v)) => v.push(block),
        Some(Frame::Item(item)) => {
            item.open_run = false;
            item.blocks.push(block);
        }
        Some(Frame::Inlines(v)) | Some(Frame::Link { children: v, .. }) => {
            if let Block::Html(h) = block {
                v.push(Inline::Html(h));
            }
        }
        _ => {}
    }
}

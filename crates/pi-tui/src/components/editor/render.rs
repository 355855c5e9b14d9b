//! Drawing the editor: border lines (with scroll indicators), the visible window of wrapped
//! lines with the cursor, and the autocomplete popup below.

use unicode_segmentation::UnicodeSegmentation;

use super::Editor;
use super::layout::word_wrap_line;
use crate::component::{CURSOR_MARKER, Component};
use crate::slice::slice_by_column;
use crate::width::visible_width;

/// A wrapped line to draw, with the cursor's byte offset if it is on it.
struct LayoutLine {
    text: String,
    cursor: Option<usize>,
}

fn scroll_border(arrow: &str, hidden: usize, width: usize) -> String {
    let label = format!(" {arrow} {hidden} more ");
    let label_width = visible_width(&label);
    if label_width + 2 <= width {
        let left = (width - label_width) / 2;
        return format!(
            "{}{label}{}",
            "─".repeat(left),
            "─".repeat(width - left - label_width)
        );
    }
    let indicator = format!("─── {arrow} {hidden} more ");
    let w = visible_width(&indicator);
    if w <= width {
        return format!("{indicator}{}", "─".repeat(width - w));
    }
    let dots = "...".get(..width.min(3)).unwrap_or_default();
    format!(
        "{}{dots}",
        slice_by_column(&indicator, 0, width - dots.len(), true)
    )
}

impl Editor {
    /// The top border: plain, with the scroll indicator, with the border label, or with
    /// both when they fit (the label left, the indicator centred).
    fn top_border(&self, width: usize) -> String {
        let border = &self.theme.border;
        let hidden = self.scroll_offset;
        let label = self
            .border_label
            .as_deref()
            .filter(|label| !label.is_empty() && width >= 6)
            .map(|label| crate::truncate::truncate_to_width(label, width - 5, "", false));
        let Some(label) = label else {
            return border(&if hidden > 0 {
                scroll_border("↑", hidden, width)
            } else {
                "─".repeat(width)
            });
        };
        let label_width = visible_width(&label);
        let left = 3 + label_width + 1;
        if hidden > 0 {
            let indicator = format!(" ↑ {hidden} more ");
            let indicator_width = visible_width(&indicator);
            let start = width.saturating_sub(indicator_width) / 2;
            if indicator_width + 2 <= width && start > left {
                return format!(
                    "{}{label}{}",
                    border("── "),
                    border(&format!(
                        " {}{indicator}{}",
                        "─".repeat(start - left),
                        "─".repeat(width - start - indicator_width)
                    ))
                );
            }
        }
        format!(
            "{}{label}{}",
            border("── "),
            border(&format!(" {}", "─".repeat(width.saturating_sub(left))))
        )
    }

    pub(super) fn max_visible_lines(&self) -> usize {
        (self.terminal_rows * 3 / 10).max(5)
    }

    fn layout(&self, width: usize) -> Vec<LayoutLine> {
        let ids = self.valid_paste_ids();
        let mut out = Vec::new();
        for (i, line) in self.state.lines.iter().enumerate() {
            let current = i == self.state.cursor_line;
            let chunks = word_wrap_line(line, width, &ids);
            let n = chunks.len();
            for (k, c) in chunks.into_iter().enumerate() {
                let col = self.state.cursor_col;
                let last = k + 1 == n;
                let has = current && col >= c.start && (if last { true } else { col < c.end });
                out.push(LayoutLine {
                    text: line.get(c.start..c.end).unwrap_or_default().to_owned(),
                    cursor: has.then(|| (col - c.start).min(c.end - c.start)),
                });
            }
        }
        out
    }

    pub(super) fn render_lines(&mut self, width: usize) -> Vec<String> {
        let padding_x = self.padding_x.min(width.saturating_sub(1) / 2);
        let content_width = width.saturating_sub(padding_x * 2).max(1);
        // Without padding one column stays free for the cursor at the end of a line.
        let layout_width = content_width
            .saturating_sub(usize::from(padding_x == 0))
            .max(1);
        self.layout_width = layout_width;
        let layout = self.layout(layout_width);
        let max_visible = self.max_visible_lines();
        let cursor_index = layout.iter().position(|l| l.cursor.is_some()).unwrap_or(0);
        if cursor_index < self.scroll_offset {
            self.scroll_offset = cursor_index;
        } else if cursor_index >= self.scroll_offset + max_visible {
            self.scroll_offset = cursor_index + 1 - max_visible;
        }
        self.scroll_offset = self
            .scroll_offset
            .min(layout.len().saturating_sub(max_visible));
        let end = (self.scroll_offset + max_visible).min(layout.len());
        let visible = layout.get(self.scroll_offset..end).unwrap_or_default();
        let pad = " ".repeat(padding_x);
        let mut out = Vec::with_capacity(visible.len() + 2);
        let border = &self.theme.border;
        out.push(self.top_border(width));
        let marker = if self.focused { CURSOR_MARKER } else { "" };
        for line in visible {
            let mut text = line.text.clone();
            let mut text_width = visible_width(&line.text);
            let mut cursor_in_padding = false;
            if let Some(at) = line.cursor {
                let before = line.text.get(..at).unwrap_or(&line.text);
                let after = line.text.get(at..).unwrap_or_default();
                if after.is_empty() {
                    text = format!("{before}{marker}\x1b[7m \x1b[0m");
                    text_width += 1;
                    cursor_in_padding = text_width > content_width && padding_x > 0;
                } else {
                    let ids = self.valid_paste_ids();
                    let first = super::layout::segments(after, &ids)
                        .first()
                        .map_or_else(|| after.graphemes(true).next().unwrap_or(""), |(_, s)| *s);
                    let rest = after.get(first.len()..).unwrap_or_default();
                    text = format!("{before}{marker}\x1b[7m{first}\x1b[0m{rest}");
                }
            }
            let fill = " ".repeat(content_width.saturating_sub(text_width));
            let right = if cursor_in_padding {
                pad.get(1..).unwrap_or_default()
            } else {
                pad.as_str()
            };
            out.push(format!("{pad}{text}{fill}{right}"));
        }
        let below = layout.len().saturating_sub(end);
        out.push(border(&if below > 0 {
            scroll_border("↓", below, width)
        } else {
            "─".repeat(width)
        }));
        if let Some(popup) = &mut self.popup {
            for line in popup.list.render(content_width) {
                let fill = " ".repeat(content_width.saturating_sub(visible_width(&line)));
                out.push(format!("{pad}{line}{fill}{pad}"));
            }
        }
        out
    }
}

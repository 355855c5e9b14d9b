//! [`CompactionSummary`]: the summary that replaced older history, collapsed to one line
//! until expanded.

use std::rc::Rc;

use pi_tui::Component;
use pi_tui::components::{Markdown, Spacer, Text};

use super::{ChatStyle, LineCache, in_box, message_label};
use crate::interactive::theme::{ThemeBg, ThemeColor};
use crate::messages::CompactionSummaryMessage;

/// A compaction summary: `[compaction]`, then `Compacted from N tokens (ctrl+o to expand)`
/// or, expanded, the summary as Markdown under a bold header.
pub struct CompactionSummary {
    style: Rc<ChatStyle>,
    message: CompactionSummaryMessage,
    expanded: bool,
    cache: LineCache,
}

impl std::fmt::Debug for CompactionSummary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CompactionSummary")
            .field("expanded", &self.expanded)
            .finish_non_exhaustive()
    }
}

impl CompactionSummary {
    /// The summary, collapsed.
    pub fn new(message: CompactionSummaryMessage, style: Rc<ChatStyle>) -> Self {
        CompactionSummary {
            style,
            message,
            expanded: false,
            cache: LineCache::default(),
        }
    }

    /// Expands or collapses the summary.
    pub fn set_expanded(&mut self, expanded: bool) {
        self.expanded = expanded;
        self.cache.clear();
    }
}

/// A count with thousands separators, as `toLocaleString` writes it in English.
pub fn with_separators(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

impl Component for CompactionSummary {
    fn render(&mut self, width: usize) -> Vec<String> {
        if let Some(lines) = self.cache.get(width) {
            return lines;
        }
        let style = &self.style;
        let tokens = with_separators(self.message.tokens_before);
        let body: std::boxed::Box<dyn Component> = if self.expanded {
            std::boxed::Box::new(
                Markdown::new(
                    format!(
                        "**Compacted from {tokens} tokens**\n\n{}",
                        self.message.summary
                    ),
                    0,
                    0,
                    style.markdown_theme(),
                )
                .with_text_style(style.theme.fg_style(ThemeColor::CustomMessageText)),
            )
        } else {
            std::boxed::Box::new(Text::new(format!(
                "{}{}{}",
                style.fg(
                    ThemeColor::CustomMessageText,
                    &format!("Compacted from {tokens} tokens (")
                ),
                style.fg(ThemeColor::Dim, &style.expand_key),
                style.fg(ThemeColor::CustomMessageText, " to expand)"),
            )))
        };
        let mut children: Vec<std::boxed::Box<dyn Component>> = vec![
            std::boxed::Box::new(Text::new(message_label(style, "compaction"))),
            std::boxed::Box::new(Spacer::new(1)),
            body,
        ];
        let bg = style.theme.bg_style(ThemeBg::CustomMessageBg);
        let lines = in_box(&mut children, 1, 1, &bg, width);
        self.cache.put(width, &lines);
        lines
    }

    fn invalidate(&mut self) {
        self.cache.clear();
    }
}

//! [`BranchSummary`]: the summary of a branch left behind in the session tree, collapsed
//! to one line until expanded.

use std::rc::Rc;

use pi_tui::Component;
use pi_tui::components::{Markdown, Spacer, Text};

use super::{ChatStyle, LineCache, in_box, message_label};
use crate::interactive::theme::{ThemeBg, ThemeColor};
use crate::messages::BranchSummaryMessage;

/// A branch summary: `[branch]`, then `Branch summary (ctrl+o to expand)` or, expanded,
/// the summary as Markdown under a bold header.
pub struct BranchSummary {
    style: Rc<ChatStyle>,
    message: BranchSummaryMessage,
    expanded: bool,
    cache: LineCache,
}

impl std::fmt::Debug for BranchSummary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BranchSummary")
            .field("expanded", &self.expanded)
            .finish_non_exhaustive()
    }
}

impl BranchSummary {
    /// The summary, collapsed.
    pub fn new(message: BranchSummaryMessage, style: Rc<ChatStyle>) -> Self {
        BranchSummary {
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

impl Component for BranchSummary {
    fn render(&mut self, width: usize) -> Vec<String> {
        if let Some(lines) = self.cache.get(width) {
            return lines;
        }
        let style = &self.style;
        let body: std::boxed::Box<dyn Component> = if self.expanded {
            std::boxed::Box::new(
                Markdown::new(
                    format!("**Branch Summary**\n\n{}", self.message.summary),
                    0,
                    0,
                    style.markdown_theme(),
                )
                .with_text_style(style.theme.fg_style(ThemeColor::CustomMessageText)),
            )
        } else {
            std::boxed::Box::new(Text::new(format!(
                "{}{}{}",
                style.fg(ThemeColor::CustomMessageText, "Branch summary ("),
                style.fg(ThemeColor::Dim, &style.expand_key),
                style.fg(ThemeColor::CustomMessageText, " to expand)"),
            )))
        };
        let mut children: Vec<std::boxed::Box<dyn Component>> = vec![
            std::boxed::Box::new(Text::new(message_label(style, "branch"))),
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

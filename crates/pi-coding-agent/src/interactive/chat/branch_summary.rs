//! [`BranchSummary`]: the summary of a branch left behind in the session tree, collapsed
//! to one line until expanded.

use std::rc::Rc;

use pi_tui::Component;

use super::{ChatStyle, LineCache, summary_box};
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
        let title = ["Branch summary", "Branch Summary"];
        let lines = summary_box(
            &self.style,
            "branch",
            title,
            &self.message.summary,
            self.expanded,
            width,
        );
        self.cache.put(width, &lines);
        lines
    }

    fn invalidate(&mut self) {
        self.cache.clear();
    }
}

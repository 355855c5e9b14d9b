//! [`CompactionSummary`]: the summary that replaced older history, collapsed to one line
//! until expanded.

use std::rc::Rc;

use pi_tui::Component;

use super::{ChatStyle, LineCache, summary_box};
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
        let tokens = with_separators(self.message.tokens_before);
        let title = format!("Compacted from {tokens} tokens");
        let lines = summary_box(
            &self.style,
            "compaction",
            [&title, &title],
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

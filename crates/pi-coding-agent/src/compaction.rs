//! Compaction and branch summaries: keeping a long session within the model's context window.
//!
//! A compaction replaces the older part of the current branch with a structured summary
//! written by the session's own model; the most recent `keepRecentTokens` stay verbatim.
//! A branch summary records what was done on a branch the user leaves in the session tree.
//! Both are pi's, step for step:
//!
//! - [`estimate`]: how full the context is (the last response's usage plus chars/4
//!   estimates of what came after it) and when that calls for compacting;
//! - [`prepare`]: where to cut ([`prepare_compaction`]): never at a tool result, a turn split
//!   in two when one turn alone exceeds the budget, metadata kept with what follows it;
//! - [`serialize`] and [`file_ops`]: the conversation as text for the summarizer, and the
//!   files read and modified, carried from one summary to the next;
//! - [`summarize`]: the summary requests (history, split-turn prefix) with their prompts,
//!   limits and retries;
//! - [`branch_summary`]: the entries a tree navigation leaves behind and their summary.
//!
//! The session side (when to compact, events, overflow recovery) is in
//! [`crate::agent_session`].
//!
//! ```
//! use pi_coding_agent::compaction::{estimate_tokens, should_compact};
//! use pi_coding_agent::config::settings::CompactionSettings;
//!
//! let settings = CompactionSettings { enabled: true, reserve_tokens: 16384, keep_recent_tokens: 20000 };
//! // A 200k-token window compacts beyond 183,616 tokens.
//! assert!(should_compact(190_000, 200_000, &settings));
//! assert!(!should_compact(180_000, 200_000, &settings));
//! let message: pi_agent_core::AgentMessage = pi_ai::UserMessage::text("four").into();
//! assert_eq!(estimate_tokens(&message), 1);
//! ```

pub mod branch_summary;
pub mod estimate;
pub mod file_ops;
pub mod prepare;
pub mod serialize;
pub mod summarize;

use pi_ai::Usage;
use serde::Serialize;
use serde_json::Value;

pub use branch_summary::{
    BranchEntries, BranchSummary, BranchSummaryOutcome, PreparedBranch,
    collect_entries_for_branch_summary, generate_branch_summary, prepare_branch_entries,
};
pub use estimate::{
    ContextEstimate, calculate_context_tokens, estimate_context_tokens,
    estimate_projected_context_tokens, estimate_tokens, last_assistant_usage, should_compact,
};
pub use file_ops::FileOps;
pub use prepare::{CompactionPreparation, CutPoint, find_cut_point, prepare_compaction};
pub use serialize::serialize_conversation;
pub use summarize::{
    RetryListener, SUMMARIZATION_SYSTEM_PROMPT, SummarizationRetry, Summarizer, SummaryError,
    compact, generate_summary,
};

/// What a compaction produced: the summary and where the kept history starts (pi's
/// `CompactionResult`, also the `compact` RPC response and the `compaction_end` result).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CompactionResult {
    /// The summary, file lists included.
    pub summary: String,
    /// The first entry kept verbatim.
    pub first_kept_entry_id: String,
    /// Estimated context tokens before the compaction.
    pub tokens_before: u64,
    /// Estimated context tokens right after it (set once the compaction is in the session).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub estimated_tokens_after: Option<u64>,
    /// Usage of the summary requests.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub usage: Option<Usage>,
    /// `{readFiles, modifiedFiles}`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub details: Option<Value>,
}

/// Why a compaction runs (`compaction_start.reason`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum CompactionReason {
    /// `/compact` or the RPC `compact` command.
    Manual,
    /// The context grew past the threshold.
    Threshold,
    /// The provider said the context overflowed (or a response was cut short).
    Overflow,
}

impl CompactionReason {
    /// The name pi uses.
    pub fn as_str(self) -> &'static str {
        match self {
            CompactionReason::Manual => "manual",
            CompactionReason::Threshold => "threshold",
            CompactionReason::Overflow => "overflow",
        }
    }
}

/// The arguments of `/compact [--dry-run] [instructions]`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CompactArgs {
    /// Only show what would be summarized and kept ([`crate::agent_session::AgentSession::compaction_preview`]).
    pub dry_run: bool,
    /// What the summary should focus on.
    pub custom_instructions: Option<String>,
}

impl CompactArgs {
    /// Reads the text after `/compact`: a leading `--dry-run`, then the instructions.
    pub fn parse(arguments: &str) -> Self {
        let arguments = arguments.trim();
        let (dry_run, rest) = match arguments.strip_prefix("--dry-run") {
            Some(rest) if rest.is_empty() || rest.starts_with(char::is_whitespace) => (true, rest),
            _ => (false, arguments),
        };
        let rest = rest.trim();
        CompactArgs {
            dry_run,
            custom_instructions: (!rest.is_empty()).then(|| rest.to_string()),
        }
    }
}

/// Length of `text` in UTF-16 code units, as JavaScript counts it (pi's estimates and
/// truncation limits are in these units).
pub(crate) fn js_len(text: &str) -> u64 {
    if text.is_ascii() {
        return text.len() as u64;
    }
    text.chars().map(|c| c.len_utf16() as u64).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compact_arguments_take_a_dry_run_flag_then_instructions() {
        assert_eq!(CompactArgs::parse(""), CompactArgs::default());
        assert_eq!(
            CompactArgs::parse("  focus on the parser "),
            CompactArgs {
                dry_run: false,
                custom_instructions: Some("focus on the parser".into()),
            }
        );
        assert_eq!(
            CompactArgs::parse("--dry-run"),
            CompactArgs {
                dry_run: true,
                custom_instructions: None,
            }
        );
        assert_eq!(
            CompactArgs::parse("--dry-run keep tests"),
            CompactArgs {
                dry_run: true,
                custom_instructions: Some("keep tests".into()),
            }
        );
        // Only the flag itself counts.
        assert!(!CompactArgs::parse("--dry-running tips").dry_run);
    }
}

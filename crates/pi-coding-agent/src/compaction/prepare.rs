//! What a compaction would summarize and keep: the cut point on the current branch.
//!
//! Everything works on the session's projection (the entries the context is built from,
//! context edits applied), so an attempt hidden by a `context_edit` neither counts nor is
//! summarized. The span starts after the previous compaction's checkpoint, which already
//! holds the history it kept, so that history is summarized again with the new messages.

use super::estimate::{estimate_projected_context_tokens, estimate_tokens, is_context_visible};
use super::file_ops::FileOps;
use crate::config::settings::CompactionSettings;
use crate::session::{EntryKind, ProjectedEntry, SessionError, SessionManager};
use pi_agent_core::AgentMessage;

/// Where to cut a run of projected entries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CutPoint {
    /// The first entry kept verbatim.
    pub first_kept_entry_index: usize,
    /// Where the turn the cut falls into starts, when the cut splits a turn.
    pub turn_start_index: Option<usize>,
    /// Whether the cut falls inside a turn (at an assistant message after its user message).
    pub is_split_turn: bool,
}

/// Everything a compaction needs, worked out without calling the model.
#[derive(Debug, Clone, PartialEq)]
pub struct CompactionPreparation {
    /// The first entry kept verbatim.
    pub first_kept_entry_id: String,
    /// The history the summary replaces (system messages excluded).
    pub messages_to_summarize: Vec<AgentMessage>,
    /// The start of a split turn, summarized on its own.
    pub turn_prefix_messages: Vec<AgentMessage>,
    /// The messages kept verbatim (system messages excluded).
    pub kept_messages: Vec<AgentMessage>,
    /// Whether the cut splits a turn.
    pub is_split_turn: bool,
    /// Estimated context tokens now.
    pub tokens_before: u64,
    /// The previous compaction's summary, updated rather than rewritten.
    pub previous_summary: Option<String>,
    /// Files read and modified, the previous summary's included.
    pub file_ops: FileOps,
    /// The settings the cut was made with.
    pub settings: CompactionSettings,
}

fn is_cut_point_message(message: &AgentMessage) -> bool {
    matches!(
        message.role(),
        "user" | "assistant" | "bashExecution" | "custom" | "branchSummary" | "compactionSummary"
    )
}

fn is_turn_start_message(message: &AgentMessage) -> bool {
    matches!(
        message.role(),
        "user" | "bashExecution" | "custom" | "branchSummary" | "compactionSummary"
    )
}

fn is_compaction(entry: &ProjectedEntry) -> bool {
    matches!(entry.entry.kind, EntryKind::Compaction(_))
}

fn starts_turn(entry: &ProjectedEntry) -> bool {
    !is_compaction(entry) && entry.messages.iter().any(is_turn_start_message)
}

fn entry_tokens(entry: &ProjectedEntry) -> u64 {
    entry.messages.iter().map(estimate_tokens).sum()
}

/// Finds where to cut `entries[start..end]` so that about `keep_recent_tokens` stay.
///
/// Walking back from the newest entry, the cut goes to the first valid cut point (a message
/// that is not a tool result) at or after the entry where the kept tokens reach the budget;
/// if the budget is never reached everything is kept. A cut just before an omitted recovery
/// attempt moves past it, and metadata entries before the cut stay with it.
pub fn find_cut_point(
    entries: &[ProjectedEntry],
    start: usize,
    end: usize,
    keep_recent_tokens: u64,
) -> CutPoint {
    let cut_points: Vec<usize> = (start..end)
        .filter(|&i| {
            let entry = &entries[i];
            !is_compaction(entry) && entry.messages.iter().any(is_cut_point_message)
        })
        .collect();
    let (Some(&first), Some(&last)) = (cut_points.first(), cut_points.last()) else {
        return CutPoint {
            first_kept_entry_index: start,
            turn_start_index: None,
            is_split_turn: false,
        };
    };
    let mut accumulated = 0;
    let mut exceeded_budget = false;
    let mut cut = first;
    for i in (start..end).rev() {
        let tokens = entry_tokens(&entries[i]);
        if tokens == 0 {
            continue;
        }
        accumulated += tokens;
        if accumulated >= keep_recent_tokens {
            exceeded_budget = true;
            // Trailing tool results alone over the budget keep the call they answer.
            cut = cut_points.iter().copied().find(|&c| c >= i).unwrap_or(last);
            break;
        }
    }
    if exceeded_budget && is_recovery_omission_suffix(&entries[(cut + 1).min(end)..end]) {
        cut += 1;
    }
    while cut > start {
        let previous = &entries[cut - 1];
        if is_compaction(previous) || !previous.messages.is_empty() {
            break;
        }
        cut -= 1;
    }
    let starts = entries.get(cut).is_some_and(starts_turn);
    let turn_start_index = if starts {
        None
    } else {
        (start..=cut.min(end.saturating_sub(1)))
            .rev()
            .find(|&i| entries.get(i).is_some_and(starts_turn))
    };
    CutPoint {
        first_kept_entry_index: cut,
        turn_start_index,
        is_split_turn: !starts && turn_start_index.is_some(),
    }
}

/// Whether everything after the cut is a recovered attempt: an omitted assistant message,
/// the edits omitting it, and nothing else the model would see. Keeping such a suffix
/// verbatim keeps nothing, so the cut may move past the input it answered.
fn is_recovery_omission_suffix(suffix: &[ProjectedEntry]) -> bool {
    let visible = |entry: &ProjectedEntry| {
        !matches!(entry.entry.kind, EntryKind::ContextEdit { .. })
            && is_context_visible(&entry.entry)
    };
    let omitted = |entry: &ProjectedEntry| visible(entry) && entry.messages.is_empty();
    let omitted_ids: Vec<&str> = suffix
        .iter()
        .filter(|entry| omitted(entry))
        .map(|entry| entry.entry.id.as_str())
        .collect();
    // A replacement of input the attempt answered means the attempt answered other input.
    let external_replacement = suffix.iter().any(|entry| match &entry.entry.kind {
        EntryKind::ContextEdit {
            target_id,
            replacement: Some(_),
        } => !omitted_ids.contains(&target_id.as_str()),
        _ => false,
    });
    let omitted_assistant = suffix.iter().any(|entry| {
        omitted(entry)
            && entry
                .entry
                .message()
                .is_some_and(|message| message.role() == "assistant")
    });
    !external_replacement
        && omitted_assistant
        && suffix
            .iter()
            .all(|entry| !is_compaction(entry) && (!visible(entry) || omitted(entry)))
}

/// The messages an entry adds to a summary: none from a compaction (its summary travels as
/// the previous summary), no system messages (the compaction stores the prompt itself).
fn summarizable(entry: &ProjectedEntry) -> impl Iterator<Item = &AgentMessage> {
    let skip = is_compaction(entry);
    entry
        .messages
        .iter()
        .filter(move |message| !skip && message.role() != "system")
}

/// Works out a compaction of the current branch, or `None` when there is nothing to do (the
/// branch ends with a compaction, or nothing precedes the kept part).
pub fn prepare_compaction(
    session: &SessionManager,
    settings: CompactionSettings,
) -> Result<Option<CompactionPreparation>, SessionError> {
    let leaf_is_compaction = session
        .leaf_id()
        .and_then(|leaf| session.index().position(leaf))
        .is_some_and(|at| session.index().nodes[at].kind == crate::session::NodeKind::Compaction);
    if leaf_is_compaction {
        return Ok(None);
    }
    let projection = session.build_session_projection()?;
    let entries = &projection.entries;
    // The newest compaction comes first in the projection; older ones inside its kept
    // range contribute nothing.
    let previous = entries
        .iter()
        .position(|entry| is_compaction(entry) && !entry.messages.is_empty());
    let (previous_summary, previous_details, boundary_start) = match previous {
        Some(at) => match &entries[at].entry.kind {
            EntryKind::Compaction(compaction) => (
                Some(compaction.summary.clone()),
                (compaction.from_hook != Some(true))
                    .then(|| compaction.details.clone())
                    .flatten(),
                at + 1,
            ),
            _ => (None, None, 0),
        },
        None => (None, None, 0),
    };
    let end = entries.len();
    let tokens_before = estimate_projected_context_tokens(session, &projection).tokens;
    let cut = find_cut_point(entries, boundary_start, end, settings.keep_recent_tokens);
    let Some(first_kept) = entries.get(cut.first_kept_entry_index) else {
        return Ok(None);
    };
    let history_end = match (cut.is_split_turn, cut.turn_start_index) {
        (true, Some(turn_start)) => turn_start,
        _ => cut.first_kept_entry_index,
    };
    let collect = |range: std::ops::Range<usize>| -> Vec<AgentMessage> {
        entries
            .get(range)
            .unwrap_or_default()
            .iter()
            .flat_map(summarizable)
            .cloned()
            .collect()
    };
    let messages_to_summarize = collect(boundary_start..history_end.max(boundary_start));
    let turn_prefix_messages = match (cut.is_split_turn, cut.turn_start_index) {
        (true, Some(turn_start)) => collect(turn_start..cut.first_kept_entry_index),
        _ => Vec::new(),
    };
    if messages_to_summarize.is_empty() && turn_prefix_messages.is_empty() {
        return Ok(None);
    }
    let kept_messages = entries[cut.first_kept_entry_index..]
        .iter()
        .flat_map(|entry| &entry.messages)
        .filter(|message| message.role() != "system")
        .cloned()
        .collect();
    let mut file_ops = FileOps::default();
    file_ops.add_details(previous_details.as_ref());
    for message in messages_to_summarize.iter().chain(&turn_prefix_messages) {
        file_ops.add_message(message);
    }
    Ok(Some(CompactionPreparation {
        first_kept_entry_id: first_kept.entry.id.clone(),
        messages_to_summarize,
        turn_prefix_messages,
        kept_messages,
        is_split_turn: cut.is_split_turn,
        tokens_before,
        previous_summary,
        file_ops,
        settings,
    }))
}

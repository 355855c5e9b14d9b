//! Branch summaries: when the user moves to another point of the session tree, what was done
//! on the branch being left, summarized so the new position does not lose it.

use std::collections::HashSet;

use pi_agent_core::{AgentMessage, CustomMessage};
use pi_ai::Usage;
use serde_json::{Map, Value};

use super::estimate::estimate_tokens;
use super::file_ops::{FileOps, format_file_operations};
use super::serialize::serialize_conversation;
use super::summarize::{Summarizer, SummaryError, summary_text};
use crate::messages::{BranchSummaryMessage, CompactionSummaryMessage, convert_to_llm};
use crate::session::{EntryKind, SessionEntry, SessionError, SessionManager, parse_iso_ms};

/// Put before every generated branch summary.
const BRANCH_SUMMARY_PREAMBLE: &str = "The user explored a different conversation branch before returning here.\nSummary of that exploration:\n\n";

const BRANCH_SUMMARY_PROMPT: &str =
    "Create a structured summary of this conversation branch for context when returning later.

Use this EXACT format:

## Goal
[What was the user trying to accomplish in this branch?]

## Constraints & Preferences
- [Any constraints, preferences, or requirements mentioned]
- [Or \"(none)\" if none were mentioned]

## Progress
### Done
- [x] [Completed tasks/changes]

### In Progress
- [ ] [Work that was started but not finished]

### Blocked
- [Issues preventing progress, if any]

## Key Decisions
- **[Decision]**: [Brief rationale]

## Next Steps
1. [What should happen next to continue this work]

Keep each section concise. Preserve exact file paths, function names, and error messages.";

/// A branch summary's output limit (or the model's, when smaller).
const BRANCH_SUMMARY_MAX_TOKENS: u64 = 4096;

/// The entries between the old leaf and the point both paths share.
#[derive(Debug, Clone, PartialEq)]
pub struct BranchEntries {
    /// From just after the common ancestor to the old leaf, oldest first.
    pub entries: Vec<SessionEntry>,
    /// The deepest entry on both paths (`None` when they share nothing).
    pub common_ancestor_id: Option<String>,
}

/// The entries a move from `old_leaf_id` to `target_id` leaves behind: the old leaf and its
/// ancestors up to (not including) the deepest entry also on the target's path. Compaction
/// entries on the way are included; their summaries are context too.
pub fn collect_entries_for_branch_summary(
    session: &SessionManager,
    old_leaf_id: Option<&str>,
    target_id: &str,
) -> Result<BranchEntries, SessionError> {
    let index = session.index();
    let Some(old_leaf) = old_leaf_id.and_then(|id| index.position(id)) else {
        return Ok(BranchEntries {
            entries: Vec::new(),
            common_ancestor_id: None,
        });
    };
    let old_path: HashSet<usize> = index.path_to(old_leaf).into_iter().collect();
    let target_path = index
        .position(target_id)
        .map_or_else(Vec::new, |at| index.path_to(at));
    let common = target_path
        .iter()
        .rev()
        .copied()
        .find(|at| old_path.contains(at));
    let mut positions = Vec::new();
    let mut current = Some(old_leaf);
    while let Some(at) = current.filter(|&at| Some(at) != common) {
        positions.push(at);
        current = index.nodes[at]
            .parent
            .as_deref()
            .and_then(|parent| index.position(parent));
    }
    positions.reverse();
    let entries = positions
        .into_iter()
        .map(|at| session.read(at))
        .collect::<Result<_, _>>()?;
    Ok(BranchEntries {
        entries,
        common_ancestor_id: common.map(|at| index.nodes[at].id.to_string()),
    })
}

/// The message an entry adds to a branch summary: transcript messages except tool results
/// (the calls say enough), extension messages, and earlier summaries.
fn entry_message(entry: &SessionEntry) -> Option<AgentMessage> {
    let timestamp = || parse_iso_ms(&entry.timestamp).unwrap_or(0);
    match &entry.kind {
        EntryKind::Message(message) if message.role() == "toolResult" => None,
        EntryKind::Message(message) => Some((**message).clone()),
        EntryKind::CustomMessage(custom) => {
            let mut fields = Map::new();
            fields.insert("customType".into(), custom.custom_type.clone().into());
            fields.insert("content".into(), custom.content.clone());
            fields.insert("display".into(), custom.display.into());
            if let Some(details) = &custom.details {
                fields.insert("details".into(), details.clone());
            }
            fields.insert("timestamp".into(), timestamp().into());
            Some(AgentMessage::Custom(CustomMessage::new("custom", fields)))
        }
        EntryKind::BranchSummary(summary) => Some(
            BranchSummaryMessage {
                summary: summary.summary.clone(),
                from_id: summary.from_id.clone(),
                timestamp: timestamp(),
            }
            .to_agent_message(),
        ),
        EntryKind::Compaction(compaction) => Some(
            CompactionSummaryMessage {
                summary: compaction.summary.clone(),
                tokens_before: compaction.tokens_before,
                timestamp: timestamp(),
            }
            .to_agent_message(),
        ),
        _ => None,
    }
}

/// What a branch summary is made from.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PreparedBranch {
    /// The messages that fit the budget, oldest first.
    pub messages: Vec<AgentMessage>,
    /// Files of every entry (not only those that fit), earlier summaries' lists included.
    pub file_ops: FileOps,
    /// Estimated tokens of `messages`.
    pub total_tokens: u64,
}

/// Takes messages from the newest entry back until `token_budget` (0: no limit) is used; a
/// summary entry that does not fit is still taken while less than 90% is used.
pub fn prepare_branch_entries(entries: &[SessionEntry], token_budget: u64) -> PreparedBranch {
    let mut prepared = PreparedBranch::default();
    for entry in entries {
        if let EntryKind::BranchSummary(summary) = &entry.kind
            && summary.from_hook != Some(true)
        {
            prepared.file_ops.add_details(summary.details.as_ref());
        }
    }
    let mut taken: Vec<AgentMessage> = Vec::new();
    for entry in entries.iter().rev() {
        let Some(message) = entry_message(entry) else {
            continue;
        };
        prepared.file_ops.add_message(&message);
        let tokens = estimate_tokens(&message);
        if token_budget > 0 && prepared.total_tokens + tokens > token_budget {
            let is_summary = matches!(
                entry.kind,
                EntryKind::Compaction(_) | EntryKind::BranchSummary(_)
            );
            if is_summary && (prepared.total_tokens as f64) < token_budget as f64 * 0.9 {
                taken.push(message);
                prepared.total_tokens += tokens;
            }
            break;
        }
        taken.push(message);
        prepared.total_tokens += tokens;
    }
    taken.reverse();
    prepared.messages = taken;
    prepared
}

/// A finished branch summary.
#[derive(Debug, Clone, PartialEq)]
pub struct BranchSummary {
    /// The summary, preamble and file lists included.
    pub summary: String,
    /// Usage of the request (none when nothing needed summarizing).
    pub usage: Option<Usage>,
    /// Files only read.
    pub read_files: Vec<String>,
    /// Files written or edited.
    pub modified_files: Vec<String>,
}

impl BranchSummary {
    /// The entry's `details`: `{readFiles, modifiedFiles}`.
    pub fn details(&self) -> Value {
        serde_json::json!({"readFiles": self.read_files, "modifiedFiles": self.modified_files})
    }
}

/// How a branch summary ended.
#[derive(Debug, Clone, PartialEq)]
pub enum BranchSummaryOutcome {
    /// A summary.
    Summary(BranchSummary),
    /// The request was cancelled.
    Aborted,
    /// The request failed; pi's message.
    Failed(String),
}

/// Summarizes `entries` (oldest first) within the model's window less `reserve_tokens`.
/// `custom_instructions` are appended as an additional focus, or replace the instructions
/// when `replace_instructions` is set.
pub async fn generate_branch_summary(
    entries: &[SessionEntry],
    summarizer: &Summarizer,
    custom_instructions: Option<&str>,
    replace_instructions: bool,
    reserve_tokens: u64,
) -> BranchSummaryOutcome {
    let window = match summarizer.model.context_window {
        0 => 128_000,
        window => window,
    };
    let prepared = prepare_branch_entries(entries, window.saturating_sub(reserve_tokens));
    if prepared.messages.is_empty() {
        return BranchSummaryOutcome::Summary(BranchSummary {
            summary: "No content to summarize".to_string(),
            usage: None,
            read_files: Vec::new(),
            modified_files: Vec::new(),
        });
    }
    let conversation = serialize_conversation(&convert_to_llm(&prepared.messages));
    let instructions = match custom_instructions.filter(|c| !c.is_empty()) {
        Some(custom) if replace_instructions => custom.to_string(),
        Some(custom) => format!("{BRANCH_SUMMARY_PROMPT}\n\nAdditional focus: {custom}"),
        None => BRANCH_SUMMARY_PROMPT.to_string(),
    };
    let prompt = format!("<conversation>\n{conversation}\n</conversation>\n\n{instructions}");
    let response = summarizer
        .request(
            &prompt,
            summarizer.max_tokens(BRANCH_SUMMARY_MAX_TOKENS),
            false,
        )
        .await;
    let text = match summary_text(&response, "Branch summarization") {
        Ok(text) => text,
        Err(SummaryError::Aborted) => return BranchSummaryOutcome::Aborted,
        Err(SummaryError::Failed(message)) => return BranchSummaryOutcome::Failed(message),
    };
    let (read_files, modified_files) = prepared.file_ops.lists();
    let summary = format!(
        "{BRANCH_SUMMARY_PREAMBLE}{text}{}",
        format_file_operations(&read_files, &modified_files)
    );
    BranchSummaryOutcome::Summary(BranchSummary {
        summary,
        usage: Some(response.usage),
        read_files,
        modified_files,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn entry(value: Value) -> SessionEntry {
        SessionEntry::from_value(value).unwrap()
    }

    fn user(id: &str, text: &str) -> SessionEntry {
        entry(
            json!({"type": "message", "id": id, "parentId": null, "timestamp": "2025-01-01T00:00:00.000Z",
            "message": {"role": "user", "content": text, "timestamp": 1}}),
        )
    }

    fn summary(id: &str, text: &str, details: Value) -> SessionEntry {
        entry(json!({"type": "branch_summary", "id": id, "parentId": null,
            "timestamp": "2025-01-01T00:00:00.000Z", "fromId": "x", "summary": text, "details": details}))
    }

    #[test]
    fn the_newest_messages_fit_the_budget_and_summaries_get_a_last_chance() {
        let entries = vec![
            user("a", &"a".repeat(40)),
            summary(
                "s",
                &"s".repeat(40),
                json!({"readFiles": ["old.rs"], "modifiedFiles": ["m.rs"]}),
            ),
            user("b", &"b".repeat(40)),
            user("c", &"c".repeat(40)),
        ];
        // 10 tokens each: c and b fit 25; the summary does not, but 20 < 90% of 25.
        let prepared = prepare_branch_entries(&entries, 25);
        let roles: Vec<&str> = prepared.messages.iter().map(AgentMessage::role).collect();
        assert_eq!(roles, ["branchSummary", "user", "user"]);
        assert_eq!(prepared.total_tokens, 30);
        // File lists come from every entry, even those left out.
        assert_eq!(
            prepared.file_ops.lists(),
            (vec!["old.rs".to_string()], vec!["m.rs".to_string()])
        );
        // At 90% used, no last chance.
        let prepared = prepare_branch_entries(&entries, 22);
        assert_eq!(prepared.messages.len(), 2);
        // No budget: everything.
        assert_eq!(prepare_branch_entries(&entries, 0).messages.len(), 4);
    }

    #[test]
    fn tool_results_and_state_entries_add_nothing() {
        let entries = vec![
            entry(
                json!({"type": "message", "id": "t", "parentId": null, "timestamp": "t",
                "message": {"role": "toolResult", "toolCallId": "1", "toolName": "read",
                    "content": [{"type": "text", "text": "file"}], "isError": false, "timestamp": 1}}),
            ),
            entry(
                json!({"type": "label", "id": "l", "parentId": null, "timestamp": "t", "targetId": "t"}),
            ),
            entry(
                json!({"type": "custom_message", "customType": "ext", "content": "note", "display": true,
                "id": "c", "parentId": null, "timestamp": "2025-01-01T00:00:00.000Z"}),
            ),
        ];
        let prepared = prepare_branch_entries(&entries, 0);
        let roles: Vec<&str> = prepared.messages.iter().map(AgentMessage::role).collect();
        assert_eq!(roles, ["custom"]);
    }
}

//! What a session has cost and how full its context is, and the session tree as JSON.

use std::path::PathBuf;

use pi_agent_core::AgentMessage;
use pi_ai::{Message, StopReason, Usage};
use serde::Serialize;

use super::super::AgentSession;
use crate::compaction::{calculate_context_tokens, estimate_projected_context_tokens};
use crate::session::{EntryKind, SessionError, SessionTree};

/// Message counts, tokens and cost over the whole session file (every branch, compacted
/// history included), and the current context's size.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionStats {
    /// The session file, unless the session is not saved.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub session_file: Option<PathBuf>,
    /// The session id.
    pub session_id: String,
    /// User messages.
    pub user_messages: u64,
    /// Assistant messages.
    pub assistant_messages: u64,
    /// Tool calls made by assistant messages.
    pub tool_calls: u64,
    /// Tool results.
    pub tool_results: u64,
    /// Messages of every role.
    pub total_messages: u64,
    /// Token totals.
    pub tokens: TokenTotals,
    /// Total cost in US dollars.
    pub cost: f64,
    /// The context's size now, when a model with a context window is selected.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub context_usage: Option<ContextUsage>,
}

/// Tokens by kind.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TokenTotals {
    /// Prompt tokens not served from cache.
    pub input: u64,
    /// Output tokens.
    pub output: u64,
    /// Prompt tokens read from cache.
    pub cache_read: u64,
    /// Prompt tokens written to cache.
    pub cache_write: u64,
    /// The sum of the four.
    pub total: u64,
}

/// How full the context window is.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ContextUsage {
    /// Estimated tokens; unknown (`null`) after a compaction until a response reports usage.
    pub tokens: Option<u64>,
    /// The model's context window.
    pub context_window: u64,
    /// `tokens` as a percentage of the window.
    pub percent: Option<f64>,
}

impl AgentSession {
    /// Counts, token totals and cost of every entry in the session file, and the context's
    /// current size.
    pub fn session_stats(&self) -> Result<SessionStats, SessionError> {
        let (entries, session_file, session_id) = {
            let session = self.session();
            (
                session.entries()?,
                session.session_file().map(|path| path.to_path_buf()),
                session.session_id().to_string(),
            )
        };
        let mut stats = SessionStats {
            session_file,
            session_id,
            user_messages: 0,
            assistant_messages: 0,
            tool_calls: 0,
            tool_results: 0,
            total_messages: 0,
            tokens: TokenTotals::default(),
            cost: 0.0,
            context_usage: None,
        };
        let add = |usage: &Usage, stats: &mut SessionStats| {
            stats.tokens.input += usage.input;
            stats.tokens.output += usage.output;
            stats.tokens.cache_read += usage.cache_read;
            stats.tokens.cache_write += usage.cache_write;
            stats.cost += usage.cost.total;
        };
        for entry in &entries {
            match &entry.kind {
                EntryKind::Usage(usage) => add(&usage.usage, &mut stats),
                EntryKind::Compaction(compaction) => {
                    if let Some(usage) = &compaction.usage {
                        add(usage, &mut stats);
                    }
                }
                EntryKind::BranchSummary(summary) => {
                    if let Some(usage) = &summary.usage {
                        add(usage, &mut stats);
                    }
                }
                EntryKind::Message(message) => {
                    stats.total_messages += 1;
                    match message.as_llm() {
                        Some(Message::User(_)) => stats.user_messages += 1,
                        Some(Message::ToolResult(result)) => {
                            stats.tool_results += 1;
                            if let Some(usage) = &result.usage {
                                add(usage, &mut stats);
                            }
                        }
                        Some(Message::Assistant(assistant)) => {
                            stats.assistant_messages += 1;
                            stats.tool_calls += assistant
                                .content
                                .iter()
                                .filter(|block| {
                                    matches!(block, pi_ai::AssistantContent::ToolCall(_))
                                })
                                .count() as u64;
                            add(&assistant.usage, &mut stats);
                        }
                        _ => {}
                    }
                }
                _ => {}
            }
        }
        stats.tokens.total = stats.tokens.input
            + stats.tokens.output
            + stats.tokens.cache_read
            + stats.tokens.cache_write;
        stats.context_usage = self.context_usage()?;
        Ok(stats)
    }

    /// The context's size against the model's window: the last response's usage plus an
    /// estimate of what came after it (pi's footer figure). `None` without a model or window;
    /// unknown tokens right after a compaction, until a response reports usage again.
    pub fn context_usage(&self) -> Result<Option<ContextUsage>, SessionError> {
        let Some(model) = self.model() else {
            return Ok(None);
        };
        let context_window = model.context_window;
        if context_window == 0 {
            return Ok(None);
        }
        let session = self.session();
        let projection = session.build_session_projection()?;
        let branch = session.branch_entries(None)?;
        if let Some(compaction_at) = branch
            .iter()
            .rposition(|entry| matches!(entry.kind, EntryKind::Compaction(_)))
        {
            // Usage from before the compaction describes a context that no longer exists.
            let answered_after = branch[compaction_at + 1..].iter().any(|entry| {
                projection.entries.iter().any(|projected| {
                    projected.entry.id == entry.id && projected.messages.iter().any(reports_usage)
                })
            });
            if !answered_after {
                return Ok(Some(ContextUsage {
                    tokens: None,
                    context_window,
                    percent: None,
                }));
            }
        }
        let tokens = estimate_projected_context_tokens(&session, &projection).tokens;
        Ok(Some(ContextUsage {
            tokens: Some(tokens),
            context_window,
            percent: Some(tokens as f64 / context_window as f64 * 100.0),
        }))
    }

    /// The session tree as pi's JSON: `[{entry, children, label?, labelTimestamp?}]`,
    /// written without recursion (a long session is a deep tree).
    pub fn tree_json(&self) -> Result<String, SessionError> {
        let tree = self.session().tree()?;
        Ok(write_tree(&tree))
    }
}

/// Whether a message is a response whose usage tells the context's size.
fn reports_usage(message: &AgentMessage) -> bool {
    message.as_assistant().is_some_and(|assistant| {
        !matches!(
            assistant.stop_reason,
            StopReason::Aborted | StopReason::Error
        ) && calculate_context_tokens(&assistant.usage) > 0
    })
}

/// Serializes the tree with an explicit stack.
fn write_tree(tree: &SessionTree) -> String {
    let mut out = String::from("[");
    // Each frame: the children still to write, and the node they belong to (none for the
    // roots).
    let mut stack: Vec<(std::slice::Iter<'_, usize>, Option<usize>)> =
        vec![(tree.roots.iter(), None)];
    let mut needs_comma = false;
    while let Some((children, owner)) = stack.last_mut() {
        match children.next() {
            Some(&at) => {
                if needs_comma {
                    out.push(',');
                }
                let node = &tree.nodes[at];
                out.push_str("{\"entry\":");
                out.push_str(
                    &pi_ai::js_number::to_string(&node.entry.to_value()).unwrap_or_default(),
                );
                out.push_str(",\"children\":[");
                needs_comma = false;
                stack.push((node.children.iter(), Some(at)));
            }
            None => {
                let owner = *owner;
                stack.pop();
                out.push(']');
                if let Some(at) = owner {
                    let node = &tree.nodes[at];
                    if let Some(label) = &node.label {
                        out.push_str(",\"label\":");
                        out.push_str(&json_string(label));
                    }
                    if let Some(time) = &node.label_timestamp {
                        out.push_str(",\"labelTimestamp\":");
                        out.push_str(&json_string(time));
                    }
                    out.push('}');
                }
                needs_comma = true;
            }
        }
    }
    out
}

fn json_string(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_else(|_| "\"\"".to_string())
}

//! What the model sees of a session: the path from the root to the leaf, with the latest
//! compaction standing in for what it summarized and context edits applied.

use std::collections::HashMap;

use pi_agent_core::{AgentMessage, CustomMessage};
use serde_json::{Map, Value};

use super::entry::{EntryKind, SessionEntry};
use super::index::{Index, ModelRef, NodeKind, Role};
use super::time::parse_iso_ms;
use crate::messages::{BranchSummaryMessage, CompactionSummaryMessage};

/// The messages for the model, and the model and thinking level the path last chose.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionContext {
    /// The transcript, custom roles included (see [`crate::messages::convert_to_llm`]).
    pub messages: Vec<AgentMessage>,
    /// The last thinking level set on the path (`off` if none).
    pub thinking_level: String,
    /// The model of the last model change or assistant message on the path.
    pub model: Option<ModelRef>,
}

/// The context with each message's source entry.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionProjection {
    /// The selected entries, in order, each with the messages it contributes.
    pub entries: Vec<ProjectedEntry>,
    /// The last thinking level set on the path (`off` if none).
    pub thinking_level: String,
    /// The model of the last model change or assistant message on the path.
    pub model: Option<ModelRef>,
}

/// One selected entry and what it adds to the context (nothing, for state-only entries and
/// entries an edit removed).
#[derive(Debug, Clone, PartialEq)]
pub struct ProjectedEntry {
    /// The entry as stored.
    pub entry: SessionEntry,
    /// Its messages after context edits.
    pub messages: Vec<AgentMessage>,
}

/// The thinking level and model chosen along `path` (from the index alone: no entry is read).
pub(crate) fn path_settings(index: &Index, path: &[usize]) -> (String, Option<ModelRef>) {
    let mut thinking_level = "off".to_string();
    let mut model = None;
    for &at in path {
        let node = &index.nodes[at];
        match node.kind {
            NodeKind::ThinkingLevelChange => {
                if let Some(level) = &node.thinking_level {
                    thinking_level = level.to_string();
                }
            }
            NodeKind::ModelChange | NodeKind::Message(Role::Assistant) => {
                if let Some(chosen) = &node.model {
                    model = Some(chosen.as_ref().clone());
                }
            }
            _ => {}
        }
    }
    (thinking_level, model)
}

/// The entries of `path` the context is built from: without a compaction all of them; with
/// one, the latest compaction, then the entries from its `firstKeptEntryId` up to it (system
/// messages excepted, the compaction carries its own), then everything after it.
///
/// `first_kept` reads the compaction's `firstKeptEntryId`.
pub(crate) fn select_context(
    index: &Index,
    path: &[usize],
    first_kept: impl FnOnce(usize) -> Option<String>,
) -> Vec<usize> {
    let Some(at) = path
        .iter()
        .rposition(|&p| index.nodes[p].kind == NodeKind::Compaction)
    else {
        return path.to_vec();
    };
    let compaction = path[at];
    let first_kept = first_kept(compaction);
    let mut selected = vec![compaction];
    let mut keeping = false;
    for &p in &path[..at] {
        let node = &index.nodes[p];
        keeping |= first_kept.as_deref() == Some(&*node.id);
        if keeping && node.kind != NodeKind::Message(Role::System) {
            selected.push(p);
        }
    }
    selected.extend_from_slice(&path[at + 1..]);
    selected
}

/// Projects the selected entries: the latest context edit per target applies, and only the
/// leading compaction contributes its checkpoint and summary.
pub(crate) fn project(entries: Vec<SessionEntry>) -> Vec<ProjectedEntry> {
    let mut edits: HashMap<String, Option<Value>> = HashMap::new();
    for entry in &entries {
        if let EntryKind::ContextEdit {
            target_id,
            replacement,
        } = &entry.kind
        {
            edits.insert(target_id.clone(), replacement.clone());
        }
    }
    entries
        .into_iter()
        .enumerate()
        .map(|(position, entry)| ProjectedEntry {
            messages: project_entry(entry.clone(), position, &edits),
            entry,
        })
        .collect()
}

/// The messages one selected entry contributes, at `position` in the selection, with
/// `edits` (the latest per target) applied.
pub(crate) fn project_entry(
    entry: SessionEntry,
    position: usize,
    edits: &HashMap<String, Option<Value>>,
) -> Vec<AgentMessage> {
    if matches!(entry.kind, EntryKind::Compaction(_)) && position > 0 {
        return Vec::new();
    }
    let edit = edits.get(&entry.id).cloned();
    let messages = entry_messages(entry);
    match edit {
        None => messages,
        Some(None) => Vec::new(),
        Some(Some(content)) => messages
            .into_iter()
            .map(|message| replace_content(message, &content))
            .collect(),
    }
}

/// What one entry contributes to the context on its own.
pub(crate) fn entry_messages(entry: SessionEntry) -> Vec<AgentMessage> {
    let timestamp = || parse_iso_ms(&entry.timestamp).unwrap_or(0);
    match &entry.kind {
        EntryKind::Message(_) => entry.into_message().into_iter().collect(),
        EntryKind::CustomMessage(custom) => {
            let mut fields = Map::new();
            fields.insert("customType".into(), custom.custom_type.clone().into());
            fields.insert("content".into(), custom.content.clone());
            fields.insert("display".into(), custom.display.into());
            if let Some(details) = &custom.details {
                fields.insert("details".into(), details.clone());
            }
            fields.insert("timestamp".into(), timestamp().into());
            vec![AgentMessage::Custom(CustomMessage::new("custom", fields))]
        }
        EntryKind::BranchSummary(summary) if !summary.summary.is_empty() => {
            vec![
                BranchSummaryMessage {
                    summary: summary.summary.clone(),
                    from_id: summary.from_id.clone(),
                    timestamp: timestamp(),
                }
                .to_agent_message(),
            ]
        }
        EntryKind::Compaction(compaction) => {
            let summary = CompactionSummaryMessage {
                summary: compaction.summary.clone(),
                tokens_before: compaction.tokens_before,
                timestamp: timestamp(),
            }
            .to_agent_message();
            match &compaction.system_message {
                Some(system) => vec![system.clone().into(), summary],
                None => vec![summary],
            }
        }
        _ => Vec::new(),
    }
}

/// `message` with its content replaced (a string becomes one text block for assistant and
/// tool-result messages, which hold only blocks). A replacement the role cannot hold leaves
/// the message as it was.
fn replace_content(message: AgentMessage, content: &Value) -> AgentMessage {
    let role = message.role();
    if !matches!(role, "user" | "assistant" | "toolResult" | "custom") {
        return message;
    }
    let content = match (role, content) {
        ("assistant" | "toolResult", Value::String(text)) => {
            serde_json::json!([{"type": "text", "text": text}])
        }
        _ => content.clone(),
    };
    let Ok(Value::Object(mut object)) = serde_json::to_value(&message) else {
        return message;
    };
    object.insert("content".into(), content);
    serde_json::from_value(Value::Object(object)).unwrap_or(message)
}

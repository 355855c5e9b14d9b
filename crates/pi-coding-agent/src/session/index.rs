//! The in-memory index of a session: for every entry its id, parent, kind and where its line
//! is, plus what the tree needs at once (labels, name, model and thinking changes). Entry
//! bodies stay in the file.

use std::collections::HashMap;

use indexmap::IndexMap;
use serde::Deserialize;

use super::entry::{EntryKind, SessionEntry};
use super::lines::{MaybeObject, MaybeStr, clean_json};
use super::store::Span;

/// A model as `{provider, modelId}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelRef {
    /// The provider.
    pub provider: String,
    /// The model id.
    pub model_id: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    System,
    User,
    Assistant,
    ToolResult,
    Other,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum NodeKind {
    Message(Role),
    ThinkingLevelChange,
    ModelChange,
    Compaction,
    BranchSummary,
    Custom,
    CustomMessage,
    ContextEdit,
    Usage,
    Label,
    SessionInfo,
    Unknown,
}

#[derive(Debug, Clone)]
pub(crate) struct Node {
    pub id: Box<str>,
    pub parent: Option<Box<str>>,
    pub timestamp: Box<str>,
    pub span: Span,
    pub kind: NodeKind,
    /// The model an assistant message came from, or a model change's model.
    pub model: Option<Box<ModelRef>>,
    /// A thinking-level change's level.
    pub thinking_level: Option<Box<str>>,
}

/// A label and when it was set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct LabelState {
    pub label: String,
    pub timestamp: String,
}

/// Entries in file order, with lookups.
#[derive(Debug, Default)]
pub(crate) struct Index {
    pub nodes: Vec<Node>,
    pub by_id: HashMap<Box<str>, usize>,
    /// Current label per target id, in the order labels were first set (as pi's `Map`).
    pub labels: IndexMap<String, LabelState>,
    /// The latest `session_info` name (empty clears).
    pub name: Option<String>,
    pub has_assistant: bool,
}

/// What the index reads of a line without decoding its payload.
#[derive(Deserialize)]
struct Probe<'a> {
    #[serde(rename = "type", default, borrow)]
    kind: MaybeStr<'a>,
    #[serde(default, borrow)]
    id: MaybeStr<'a>,
    #[serde(rename = "parentId", default, borrow)]
    parent_id: MaybeStr<'a>,
    #[serde(default, borrow)]
    timestamp: MaybeStr<'a>,
    #[serde(rename = "thinkingLevel", default, borrow)]
    thinking_level: MaybeStr<'a>,
    #[serde(default, borrow)]
    provider: MaybeStr<'a>,
    #[serde(rename = "modelId", default, borrow)]
    model_id: MaybeStr<'a>,
    #[serde(rename = "targetId", default, borrow)]
    target_id: MaybeStr<'a>,
    #[serde(default, borrow)]
    label: MaybeStr<'a>,
    #[serde(default, borrow)]
    name: MaybeStr<'a>,
    #[serde(default, borrow)]
    message: MaybeObject<MessageProbe<'a>>,
}

#[derive(Deserialize)]
struct MessageProbe<'a> {
    #[serde(default, borrow)]
    role: MaybeStr<'a>,
    #[serde(default, borrow)]
    provider: MaybeStr<'a>,
    #[serde(default, borrow)]
    model: MaybeStr<'a>,
}

/// What the index keeps of one entry, before it is added.
pub(crate) struct Indexed {
    pub node: Node,
    pub label: Option<(String, Option<String>)>,
    pub name: Option<Option<String>>,
}

fn role_of(role: Option<&str>) -> Role {
    match role {
        Some("system") => Role::System,
        Some("user") => Role::User,
        Some("assistant") => Role::Assistant,
        Some("toolResult") => Role::ToolResult,
        _ => Role::Other,
    }
}

fn kind_of(entry_type: &str, role: Role) -> NodeKind {
    match entry_type {
        "message" => NodeKind::Message(role),
        "thinking_level_change" => NodeKind::ThinkingLevelChange,
        "model_change" => NodeKind::ModelChange,
        "compaction" => NodeKind::Compaction,
        "branch_summary" => NodeKind::BranchSummary,
        "custom" => NodeKind::Custom,
        "custom_message" => NodeKind::CustomMessage,
        "context_edit" => NodeKind::ContextEdit,
        "usage" => NodeKind::Usage,
        "label" => NodeKind::Label,
        "session_info" => NodeKind::SessionInfo,
        _ => NodeKind::Unknown,
    }
}

fn model_ref(provider: Option<&str>, model_id: Option<&str>) -> Option<Box<ModelRef>> {
    Some(Box::new(ModelRef {
        provider: provider?.to_string(),
        model_id: model_id?.to_string(),
    }))
}

/// Skims one line of a session file; `None` for lines that are not entries (blank,
/// malformed, the header, or without a string `type` and `id`).
pub(crate) fn skim(bytes: &[u8], span: Span) -> Option<Indexed> {
    let probe: Probe = match serde_json::from_slice(bytes) {
        Ok(probe) => probe,
        // Invalid UTF-8 or lone surrogates: the slow, forgiving path.
        Err(_) => return skim_value(bytes, span),
    };
    indexed(&probe, span)
}

fn skim_value(bytes: &[u8], span: Span) -> Option<Indexed> {
    let text = clean_json(bytes)?;
    let probe: Probe = serde_json::from_str(&text).ok()?;
    indexed(&probe, span)
}

fn indexed(probe: &Probe, span: Span) -> Option<Indexed> {
    let entry_type = probe.kind.as_deref()?;
    if entry_type == "session" {
        return None;
    }
    let message = probe.message.0.as_ref();
    let role = role_of(message.and_then(|m| m.role.as_deref()));
    let kind = kind_of(entry_type, role);
    let model = match kind {
        NodeKind::Message(Role::Assistant) => model_ref(
            message.and_then(|m| m.provider.as_deref()),
            message.and_then(|m| m.model.as_deref()),
        ),
        NodeKind::ModelChange => model_ref(probe.provider.as_deref(), probe.model_id.as_deref()),
        _ => None,
    };
    let label = (kind == NodeKind::Label)
        .then(|| {
            let target = probe.target_id.as_deref()?;
            Some((
                target.to_string(),
                probe.label.as_deref().map(str::to_string),
            ))
        })
        .flatten();
    let name = (kind == NodeKind::SessionInfo).then(|| probe.name.as_deref().map(str::to_string));
    Some(Indexed {
        node: Node {
            id: probe.id.boxed()?,
            parent: probe.parent_id.boxed(),
            timestamp: probe.timestamp.boxed().unwrap_or_default(),
            span,
            kind,
            model,
            thinking_level: probe.thinking_level.boxed().filter(|_| {
                // Only a thinking-level change sets the level.
                entry_type == "thinking_level_change"
            }),
        },
        label,
        name,
    })
}

/// What the index keeps of an entry this process writes.
pub(crate) fn indexed_entry(entry: &SessionEntry, span: Span) -> Indexed {
    let (kind, model, thinking_level) = match &entry.kind {
        EntryKind::Message(message) => {
            let role = role_of(Some(message.role()));
            let model = message.as_assistant().map(|assistant| {
                Box::new(ModelRef {
                    provider: assistant.provider.clone(),
                    model_id: assistant.model.clone(),
                })
            });
            (NodeKind::Message(role), model, None)
        }
        EntryKind::ModelChange { provider, model_id } => (
            NodeKind::ModelChange,
            Some(Box::new(ModelRef {
                provider: provider.clone(),
                model_id: model_id.clone(),
            })),
            None,
        ),
        EntryKind::ThinkingLevelChange { thinking_level } => (
            NodeKind::ThinkingLevelChange,
            None,
            Some(thinking_level.as_str().into()),
        ),
        other => (kind_of(other.type_name(), Role::Other), None, None),
    };
    let label = match &entry.kind {
        EntryKind::Label { target_id, label } => Some((target_id.clone(), label.clone())),
        _ => None,
    };
    let name = match &entry.kind {
        EntryKind::SessionInfo { name } => Some(name.clone()),
        _ => None,
    };
    Indexed {
        node: Node {
            id: entry.id.as_str().into(),
            parent: entry.parent_id.as_deref().map(Box::from),
            timestamp: entry.timestamp.as_str().into(),
            span,
            kind,
            model,
            thinking_level,
        },
        label,
        name,
    }
}

impl Index {
    /// Adds an entry (a later entry with a known id replaces the earlier one in lookups, as
    /// pi's map does).
    pub fn push(&mut self, indexed: Indexed) {
        let Indexed { node, label, name } = indexed;
        if let Some((target, label)) = label {
            match label.filter(|label| !label.is_empty()) {
                Some(label) => {
                    let state = LabelState {
                        label,
                        timestamp: node.timestamp.to_string(),
                    };
                    self.labels.insert(target, state);
                }
                None => {
                    self.labels.shift_remove(&target);
                }
            }
        }
        if let Some(name) = name {
            self.name = name
                .map(|name| name.trim().to_string())
                .filter(|name| !name.is_empty());
        }
        self.has_assistant |= node.kind == NodeKind::Message(Role::Assistant);
        self.by_id.insert(node.id.clone(), self.nodes.len());
        self.nodes.push(node);
    }

    pub fn position(&self, id: &str) -> Option<usize> {
        self.by_id.get(id).copied()
    }

    /// Positions from the root to `leaf`, following parent links (a loop in a damaged file
    /// ends the walk instead of hanging it).
    pub fn path_to(&self, leaf: usize) -> Vec<usize> {
        let mut path = vec![leaf];
        let mut current = leaf;
        while let Some(parent) = self.nodes[current]
            .parent
            .as_deref()
            .and_then(|id| self.position(id))
        {
            if path.len() > self.nodes.len() {
                break;
            }
            path.push(parent);
            current = parent;
        }
        path.reverse();
        path
    }
}

//! Session file lines, typed: the header and the entries, written in the key order pi uses.
//!
//! Reading is lenient: a field of the wrong type is as good as absent, an entry whose
//! payload cannot be understood is kept as [`EntryKind::Unknown`], and fields this version
//! does not know are kept in `extra`.

use pi_agent_core::AgentMessage;
use pi_ai::{SystemMessage, Usage};

use super::lines::parse_lossy;
use serde_json::{Map, Value};

/// The format version this module writes.
pub const CURRENT_SESSION_VERSION: u64 = 3;

/// The first line of a session file.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionHeader {
    /// Format version; absent in version 1 files.
    pub version: Option<u64>,
    /// The session id (a UUID, or the id the user chose).
    pub id: String,
    /// When the session was created (ISO 8601).
    pub timestamp: String,
    /// The working directory it belongs to (empty in old files).
    pub cwd: String,
    /// The session this one was forked from.
    pub parent_session: Option<String>,
    /// Other fields (version 1 files carry `provider`, `modelId`, ...).
    pub extra: Map<String, Value>,
}

impl SessionHeader {
    /// Reads a header; `None` unless `value` is an object with type `session` and a string id.
    pub fn from_value(value: Value) -> Option<Self> {
        let Value::Object(map) = value else {
            return None;
        };
        let mut fields = Fields(map);
        if fields.string("type").as_deref() != Some("session") {
            return None;
        }
        let id = fields.string("id")?;
        Some(SessionHeader {
            version: fields.take("version").and_then(|v| v.as_u64()),
            id,
            timestamp: fields.string("timestamp").unwrap_or_default(),
            cwd: fields.string("cwd").unwrap_or_default(),
            parent_session: fields.string("parentSession"),
            extra: fields.0,
        })
    }

    /// The header as pi writes it.
    pub fn to_value(&self) -> Value {
        let mut map = Map::new();
        map.insert("type".into(), "session".into());
        if let Some(version) = self.version {
            map.insert("version".into(), version.into());
        }
        map.insert("id".into(), self.id.clone().into());
        map.insert("timestamp".into(), self.timestamp.clone().into());
        map.insert("cwd".into(), self.cwd.clone().into());
        if let Some(parent) = &self.parent_session {
            map.insert("parentSession".into(), parent.clone().into());
        }
        map.extend(self.extra.clone());
        Value::Object(map)
    }
}

/// One entry of the session tree.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionEntry {
    /// Eight hex digits (or a UUID).
    pub id: String,
    /// The entry this one continues; `None` for a root.
    pub parent_id: Option<String>,
    /// When it was written (ISO 8601; message timestamps inside are Unix milliseconds).
    pub timestamp: String,
    /// What it records.
    pub kind: EntryKind,
    /// Fields this version does not model.
    pub extra: Map<String, Value>,
}

/// What an entry records.
#[derive(Debug, Clone, PartialEq)]
pub enum EntryKind {
    /// A transcript message (`message`).
    Message(Box<AgentMessage>),
    /// `thinking_level_change`.
    ThinkingLevelChange {
        /// The new level.
        thinking_level: String,
    },
    /// `model_change`.
    ModelChange {
        /// The provider.
        provider: String,
        /// The model id.
        model_id: String,
    },
    /// `usage`: model work outside the transcript (cache warming, ...).
    Usage(UsageEntry),
    /// `compaction`: a summary replacing earlier history.
    Compaction(Box<CompactionEntry>),
    /// `branch_summary`: a summary of the branch the user left.
    BranchSummary(BranchSummaryEntry),
    /// `custom`: extension state, never in the model's context.
    Custom {
        /// The extension's identifier.
        custom_type: String,
        /// Its data.
        data: Option<Value>,
    },
    /// `custom_message`: an extension's message, in the model's context.
    CustomMessage(CustomMessageEntry),
    /// `context_edit`: replaces or hides an earlier entry's content in the model's context.
    ContextEdit {
        /// The edited entry.
        target_id: String,
        /// The new content, or `None` to leave the entry out.
        replacement: Option<Value>,
    },
    /// `label`: a bookmark on an entry; `None` clears it.
    Label {
        /// The labelled entry.
        target_id: String,
        /// The label.
        label: Option<String>,
    },
    /// `session_info`: the session's display name.
    SessionInfo {
        /// The name (empty clears it).
        name: Option<String>,
    },
    /// An entry type this version does not know, or one it could not read; its fields are in
    /// `extra`.
    Unknown {
        /// The entry's `type`.
        entry_type: String,
    },
}

enum Decoded {
    Entry(Box<SessionEntry>),
    /// An entry whose payload is not what its type says.
    Unreadable,
    NotAnEntry,
}

/// The payload of a `usage` entry.
#[derive(Debug, Clone, PartialEq)]
pub struct UsageEntry {
    /// What the usage was for (`cache_warm`, ...).
    pub kind: String,
    /// The provider.
    pub provider: String,
    /// The model id.
    pub model: String,
    /// Tokens and cost.
    pub usage: Usage,
    /// A qualifier for notices.
    pub note: Option<String>,
}

/// The payload of a `compaction` entry.
#[derive(Debug, Clone, PartialEq)]
pub struct CompactionEntry {
    /// The summary of what was compacted.
    pub summary: String,
    /// The first entry kept from before the compaction (its own id keeps none).
    pub first_kept_entry_id: String,
    /// Context tokens before the compaction.
    pub tokens_before: u64,
    /// Implementation data (files read and modified, ...).
    pub details: Option<Value>,
    /// Usage of the summarization.
    pub usage: Option<Usage>,
    /// Whether an extension made it.
    pub from_hook: Option<bool>,
    /// The system prompt and tools at the boundary.
    pub system_message: Option<SystemMessage>,
}

/// The payload of a `branch_summary` entry.
#[derive(Debug, Clone, PartialEq)]
pub struct BranchSummaryEntry {
    /// The leaf of the branch that was left (or `root`).
    pub from_id: String,
    /// The summary.
    pub summary: String,
    /// Implementation data.
    pub details: Option<Value>,
    /// Usage of the summarization.
    pub usage: Option<Usage>,
    /// Whether an extension made it.
    pub from_hook: Option<bool>,
}

/// The payload of a `custom_message` entry.
#[derive(Debug, Clone, PartialEq)]
pub struct CustomMessageEntry {
    /// The extension's identifier.
    pub custom_type: String,
    /// A string or text and image blocks.
    pub content: Value,
    /// Whether the interface shows it.
    pub display: bool,
    /// Extension data, never sent to the model.
    pub details: Option<Value>,
}

impl EntryKind {
    /// The entry's `type` as written in the file.
    pub fn type_name(&self) -> &str {
        match self {
            EntryKind::Message(_) => "message",
            EntryKind::ThinkingLevelChange { .. } => "thinking_level_change",
            EntryKind::ModelChange { .. } => "model_change",
            EntryKind::Usage(_) => "usage",
            EntryKind::Compaction(_) => "compaction",
            EntryKind::BranchSummary(_) => "branch_summary",
            EntryKind::Custom { .. } => "custom",
            EntryKind::CustomMessage(_) => "custom_message",
            EntryKind::ContextEdit { .. } => "context_edit",
            EntryKind::Label { .. } => "label",
            EntryKind::SessionInfo { .. } => "session_info",
            EntryKind::Unknown { entry_type } => entry_type,
        }
    }
}

impl SessionEntry {
    /// Reads an entry; `None` unless `value` is an object with a string `type` and `id`.
    pub fn from_value(value: Value) -> Option<Self> {
        match Self::decode(value.clone()) {
            Decoded::Entry(entry) => Some(*entry),
            Decoded::Unreadable => Self::unknown(value),
            Decoded::NotAnEntry => None,
        }
    }

    /// Reads an entry from a line of a session file (see [`Self::from_value`]).
    pub(crate) fn from_line(bytes: &[u8]) -> Option<Self> {
        match Self::decode(parse_lossy(bytes)?) {
            Decoded::Entry(entry) => Some(*entry),
            // Rare: parse again rather than keep a copy of every line just in case.
            Decoded::Unreadable => Self::unknown(parse_lossy(bytes)?),
            Decoded::NotAnEntry => None,
        }
    }

    fn decode(value: Value) -> Decoded {
        let Value::Object(map) = value else {
            return Decoded::NotAnEntry;
        };
        let mut fields = Fields(map);
        let (Some(entry_type), Some(id)) = (fields.string("type"), fields.string("id")) else {
            return Decoded::NotAnEntry;
        };
        let parent_id = fields.string("parentId");
        let timestamp = fields.string("timestamp").unwrap_or_default();
        match read_kind(&entry_type, &mut fields) {
            Some(kind) => Decoded::Entry(Box::new(SessionEntry {
                id,
                parent_id,
                timestamp,
                kind,
                extra: fields.0,
            })),
            None => Decoded::Unreadable,
        }
    }

    /// An entry whose payload could not be read: kept whole in `extra`.
    fn unknown(value: Value) -> Option<Self> {
        let Value::Object(map) = value else {
            return None;
        };
        let mut fields = Fields(map);
        let entry_type = fields.string("type")?;
        Some(SessionEntry {
            id: fields.string("id")?,
            parent_id: fields.string("parentId"),
            timestamp: fields.string("timestamp").unwrap_or_default(),
            kind: EntryKind::Unknown { entry_type },
            extra: fields.0,
        })
    }

    /// The messages this entry holds, moved out (`message` entries only).
    pub(crate) fn into_message(self) -> Option<AgentMessage> {
        match self.kind {
            EntryKind::Message(message) => Some(*message),
            _ => None,
        }
    }

    /// The entry as pi writes it: `type`, `id`, `parentId`, `timestamp`, then the payload
    /// (`custom` and `custom_message` entries put the payload before the base fields).
    pub fn to_value(&self) -> Value {
        let mut map = Map::new();
        map.insert("type".into(), self.kind.type_name().into());
        let base_last = matches!(
            self.kind,
            EntryKind::Custom { .. } | EntryKind::CustomMessage(_)
        );
        if !base_last {
            self.insert_base(&mut map);
        }
        self.insert_payload(&mut map);
        if base_last {
            self.insert_base(&mut map);
        }
        map.extend(self.extra.clone());
        Value::Object(map)
    }

    /// The message, for a `message` entry.
    pub fn message(&self) -> Option<&AgentMessage> {
        match &self.kind {
            EntryKind::Message(message) => Some(message),
            _ => None,
        }
    }

    fn insert_base(&self, map: &mut Map<String, Value>) {
        map.insert("id".into(), self.id.clone().into());
        map.insert(
            "parentId".into(),
            self.parent_id.clone().map_or(Value::Null, Value::String),
        );
        map.insert("timestamp".into(), self.timestamp.clone().into());
    }

    fn insert_payload(&self, map: &mut Map<String, Value>) {
        let mut put = |key: &str, value: Value| {
            map.insert(key.into(), value);
        };
        match &self.kind {
            EntryKind::Message(message) => put("message", to_json(message)),
            EntryKind::ThinkingLevelChange { thinking_level } => {
                put("thinkingLevel", thinking_level.clone().into());
            }
            EntryKind::ModelChange { provider, model_id } => {
                put("provider", provider.clone().into());
                put("modelId", model_id.clone().into());
            }
            EntryKind::Usage(usage) => {
                put("kind", usage.kind.clone().into());
                put("provider", usage.provider.clone().into());
                put("model", usage.model.clone().into());
                put("usage", to_json(&usage.usage));
                if let Some(note) = &usage.note {
                    put("note", note.clone().into());
                }
            }
            EntryKind::Compaction(compaction) => {
                put("summary", compaction.summary.clone().into());
                put(
                    "firstKeptEntryId",
                    compaction.first_kept_entry_id.clone().into(),
                );
                put("tokensBefore", compaction.tokens_before.into());
                if let Some(details) = &compaction.details {
                    put("details", details.clone());
                }
                if let Some(usage) = &compaction.usage {
                    put("usage", to_json(usage));
                }
                if let Some(from_hook) = compaction.from_hook {
                    put("fromHook", from_hook.into());
                }
                if let Some(system) = &compaction.system_message {
                    put("systemMessage", system_message_json(system));
                }
            }
            EntryKind::BranchSummary(summary) => {
                put("fromId", summary.from_id.clone().into());
                put("summary", summary.summary.clone().into());
                if let Some(details) = &summary.details {
                    put("details", details.clone());
                }
                if let Some(usage) = &summary.usage {
                    put("usage", to_json(usage));
                }
                if let Some(from_hook) = summary.from_hook {
                    put("fromHook", from_hook.into());
                }
            }
            EntryKind::Custom { custom_type, data } => {
                put("customType", custom_type.clone().into());
                if let Some(data) = data {
                    put("data", data.clone());
                }
            }
            EntryKind::CustomMessage(message) => {
                put("customType", message.custom_type.clone().into());
                put("content", message.content.clone());
                put("display", message.display.into());
                if let Some(details) = &message.details {
                    put("details", details.clone());
                }
            }
            EntryKind::ContextEdit {
                target_id,
                replacement,
            } => {
                put("targetId", target_id.clone().into());
                let replacement = replacement.as_ref().map_or(Value::Null, |content| {
                    let mut object = Map::new();
                    object.insert("content".into(), content.clone());
                    Value::Object(object)
                });
                put("replacement", replacement);
            }
            EntryKind::Label { target_id, label } => {
                put("targetId", target_id.clone().into());
                if let Some(label) = label {
                    put("label", label.clone().into());
                }
            }
            EntryKind::SessionInfo { name } => {
                if let Some(name) = name {
                    put("name", name.clone().into());
                }
            }
            EntryKind::Unknown { .. } => {}
        }
    }
}

/// A compaction's replayed system prompt as pi writes it: a whole message, `role` first and
/// `timestamp` last (the order of pi-ai's `getCurrentSystemMessage`).
fn system_message_json(system: &SystemMessage) -> Value {
    let Value::Object(mut fields) = to_json(system) else {
        return Value::Null;
    };
    let mut map = Map::with_capacity(fields.len() + 1);
    map.insert("role".into(), "system".into());
    for key in ["content", "sections", "toolsAdded", "toolsRemoved"] {
        if let Some(value) = fields.shift_remove(key) {
            map.insert(key.into(), value);
        }
    }
    let timestamp = fields.shift_remove("timestamp");
    map.extend(fields);
    if let Some(timestamp) = timestamp {
        map.insert("timestamp".into(), timestamp);
    }
    Value::Object(map)
}

fn to_json<T: serde::Serialize>(value: &T) -> Value {
    // The message model serializes to JSON by construction (no maps with non-string keys).
    serde_json::to_value(value).unwrap_or(Value::Null)
}

fn read_kind(entry_type: &str, fields: &mut Fields) -> Option<EntryKind> {
    Some(match entry_type {
        "message" => {
            let mut message = fields.take("message")?;
            fill_null_content(&mut message);
            EntryKind::Message(Box::new(serde_json::from_value(message).ok()?))
        }
        "thinking_level_change" => EntryKind::ThinkingLevelChange {
            thinking_level: fields.string("thinkingLevel")?,
        },
        "model_change" => EntryKind::ModelChange {
            provider: fields.string("provider")?,
            model_id: fields.string("modelId")?,
        },
        "usage" => EntryKind::Usage(UsageEntry {
            kind: fields.string("kind")?,
            provider: fields.string("provider")?,
            model: fields.string("model")?,
            usage: fields.decode("usage")?,
            note: fields.string("note"),
        }),
        "compaction" => EntryKind::Compaction(Box::new(CompactionEntry {
            summary: fields.string("summary")?,
            first_kept_entry_id: fields.string("firstKeptEntryId")?,
            tokens_before: fields.count("tokensBefore"),
            details: fields.take("details"),
            usage: fields.decode("usage"),
            from_hook: fields.take("fromHook").and_then(|v| v.as_bool()),
            system_message: fields.system_message("systemMessage"),
        })),
        "branch_summary" => EntryKind::BranchSummary(BranchSummaryEntry {
            from_id: fields.string("fromId")?,
            summary: fields.string("summary").unwrap_or_default(),
            details: fields.take("details"),
            usage: fields.decode("usage"),
            from_hook: fields.take("fromHook").and_then(|v| v.as_bool()),
        }),
        "custom" => EntryKind::Custom {
            custom_type: fields.string("customType")?,
            data: fields.take("data"),
        },
        "custom_message" => EntryKind::CustomMessage(CustomMessageEntry {
            custom_type: fields.string("customType")?,
            content: fields.take("content").unwrap_or(Value::Array(Vec::new())),
            display: fields.take("display").and_then(|v| v.as_bool())?,
            details: fields.take("details"),
        }),
        "context_edit" => EntryKind::ContextEdit {
            target_id: fields.string("targetId")?,
            replacement: match fields.take("replacement")? {
                Value::Null => None,
                Value::Object(mut object) => Some(object.remove("content")?),
                _ => return None,
            },
        },
        "label" => EntryKind::Label {
            target_id: fields.string("targetId")?,
            label: fields.string("label"),
        },
        "session_info" => EntryKind::SessionInfo {
            name: fields.string("name"),
        },
        _ => return None,
    })
}

/// Old or hand-edited files may hold messages with `content: null`: pi reads those as empty.
fn fill_null_content(message: &mut Value) {
    let Some(object) = message.as_object_mut() else {
        return;
    };
    let empty = match object.get("role").and_then(Value::as_str) {
        Some("system") => Value::String(String::new()),
        Some("user" | "assistant" | "toolResult") => Value::Array(Vec::new()),
        _ => return,
    };
    match object.get_mut("content") {
        Some(content @ Value::Null) => *content = empty,
        None => {
            object.insert("content".into(), empty);
        }
        Some(_) => {}
    }
}

/// An entry's fields, taken out one by one; what remains is `extra`.
struct Fields(Map<String, Value>);

impl Fields {
    fn take(&mut self, key: &str) -> Option<Value> {
        self.0.shift_remove(key)
    }

    /// A string field (absent, or of another type: `None`, and left in place).
    fn string(&mut self, key: &str) -> Option<String> {
        if !self.0.get(key).is_some_and(Value::is_string) {
            return None;
        }
        match self.take(key) {
            Some(Value::String(text)) => Some(text),
            _ => None,
        }
    }

    fn decode<T: serde::de::DeserializeOwned>(&mut self, key: &str) -> Option<T> {
        let value = self.0.get(key)?;
        let decoded = serde_json::from_value(value.clone()).ok()?;
        self.0.shift_remove(key);
        Some(decoded)
    }

    /// A compaction's `systemMessage` (a system message with its `role`), left in place when
    /// it cannot be read.
    fn system_message(&mut self, key: &str) -> Option<SystemMessage> {
        let mut value = self.0.get(key)?.clone();
        let object = value.as_object_mut()?;
        if object
            .shift_remove("role")
            .is_some_and(|role| role != "system")
        {
            return None;
        }
        let decoded = serde_json::from_value(value).ok()?;
        self.0.shift_remove(key);
        Some(decoded)
    }

    /// A token count: a non-negative number (JavaScript may have written it as a float).
    fn count(&mut self, key: &str) -> u64 {
        let value = self.take(key);
        let number = value.as_ref().and_then(Value::as_f64).unwrap_or(0.0);
        if number.is_finite() && number > 0.0 {
            number.round() as u64
        } else {
            0
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn round_trip(line: &str) {
        let value: Value = serde_json::from_str(line).unwrap();
        let entry = SessionEntry::from_value(value).unwrap();
        assert_eq!(serde_json::to_string(&entry.to_value()).unwrap(), line);
    }

    #[test]
    fn entries_are_written_in_pi_key_order() {
        round_trip(
            r#"{"type":"message","id":"a1b2c3d4","parentId":null,"timestamp":"2026-11-21T09:32:16.131Z","message":{"role":"user","content":"hi","timestamp":1}}"#,
        );
        round_trip(
            r#"{"type":"thinking_level_change","id":"98eca4d3","parentId":"6654575f","timestamp":"2026-11-21T09:32:16.122Z","thinkingLevel":"medium"}"#,
        );
        round_trip(
            r#"{"type":"custom","customType":"ext","data":{"n":1},"id":"h8i9j0k1","parentId":"g7h8i9j0","timestamp":"2024-12-03T14:20:00.000Z"}"#,
        );
        round_trip(
            r#"{"type":"custom_message","customType":"ext","content":"Injected","display":true,"id":"i9j0k1l2","parentId":"h8i9j0k1","timestamp":"2024-12-03T14:25:00.000Z"}"#,
        );
        round_trip(
            r#"{"type":"compaction","id":"f6g7h8i9","parentId":"e5f6g7h8","timestamp":"2024-12-03T14:10:00.000Z","summary":"S","firstKeptEntryId":"c3d4e5f6","tokensBefore":50000,"details":{"readFiles":[]},"fromHook":false}"#,
        );
        round_trip(
            r#"{"type":"branch_summary","id":"g7h8i9j0","parentId":"a1b2c3d4","timestamp":"2024-12-03T14:15:00.000Z","fromId":"f6g7h8i9","summary":"Branch"}"#,
        );
        round_trip(
            r#"{"type":"context_edit","id":"g6h7i8j9","parentId":"f6g7h8i9","timestamp":"2024-12-03T14:11:00.000Z","targetId":"c3d4e5f6","replacement":null}"#,
        );
        round_trip(
            r#"{"type":"label","id":"j0k1l2m3","parentId":"i9j0k1l2","timestamp":"2024-12-03T14:30:00.000Z","targetId":"a1b2c3d4"}"#,
        );
        round_trip(
            r#"{"type":"session_info","id":"k1l2m3n4","parentId":"j0k1l2m3","timestamp":"2024-12-03T14:35:00.000Z","name":"Refactor"}"#,
        );
    }

    #[test]
    fn a_compaction_keeps_its_system_message_as_pi_writes_it() {
        round_trip(
            r#"{"type":"compaction","id":"347f5182","parentId":"6db6017f","timestamp":"2026-11-21T13:32:56.240Z","summary":"S","firstKeptEntryId":"90be7c7f","tokensBefore":1394,"details":{"readFiles":[],"modifiedFiles":[]},"fromHook":false,"systemMessage":{"role":"system","content":"","sections":{"preamble":"You are pi."},"timestamp":1795267976240}}"#,
        );
        let entry = SessionEntry::from_value(json!({
            "type": "compaction", "id": "1", "parentId": null, "timestamp": "t", "summary": "S",
            "firstKeptEntryId": "1", "tokensBefore": 1,
            "systemMessage": {"role": "system", "content": "p", "timestamp": 5}
        }))
        .unwrap();
        let EntryKind::Compaction(compaction) = &entry.kind else {
            panic!("a compaction");
        };
        let system = compaction.system_message.as_ref().unwrap();
        assert_eq!(system.timestamp, 5);
        assert!(system.extra.is_empty());
    }

    #[test]
    fn unknown_types_and_fields_survive() {
        round_trip(
            r#"{"type":"future_thing","id":"00000001","parentId":"00000000","timestamp":"t","payload":[1,2]}"#,
        );
        round_trip(
            r#"{"type":"model_change","id":"00000001","parentId":null,"timestamp":"t","provider":"p","modelId":"m","reason":"user"}"#,
        );
        // A payload that cannot be read is kept whole.
        let entry = SessionEntry::from_value(json!({
            "type": "message", "id": "00000002", "parentId": null, "timestamp": "t",
            "message": {"role": "assistant", "content": "not blocks"}
        }))
        .unwrap();
        assert!(
            matches!(&entry.kind, EntryKind::Unknown { entry_type } if entry_type == "message")
        );
        assert_eq!(entry.extra["message"]["content"], "not blocks");
    }

    #[test]
    fn null_content_reads_as_empty() {
        let entry = SessionEntry::from_value(json!({
            "type": "message", "id": "00000003", "parentId": null, "timestamp": "t",
            "message": {"role": "user", "content": null, "timestamp": 4}
        }))
        .unwrap();
        let message = entry.message().unwrap();
        assert_eq!(serde_json::to_value(message).unwrap()["content"], json!([]));
    }

    #[test]
    fn headers_need_a_session_type_and_an_id() {
        let header = SessionHeader::from_value(json!({
            "type": "session", "id": "x", "timestamp": "t", "cwd": "/p", "provider": "anthropic"
        }))
        .unwrap();
        assert_eq!(header.version, None);
        assert_eq!(header.extra["provider"], "anthropic");
        assert!(SessionHeader::from_value(json!({"type": "session"})).is_none());
        assert!(SessionHeader::from_value(json!({"type": "message", "id": "x"})).is_none());
    }
}

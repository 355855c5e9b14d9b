//! The commands a client sends, read from one JSON line with clear errors for each field
//! that is missing or of the wrong type. Unknown fields are ignored, as pi ignores them.

use pi_agent_core::QueueMode;
use pi_ai::{ImageContent, ThinkingLevel};
use serde_json::{Map, Value};

use crate::agent_session::StreamingBehavior;

/// A command, with the fields its type needs.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Command {
    Prompt {
        message: String,
        images: Vec<ImageContent>,
        streaming_behavior: Option<StreamingBehavior>,
    },
    Steer {
        message: String,
        images: Vec<ImageContent>,
    },
    FollowUp {
        message: String,
        images: Vec<ImageContent>,
    },
    Abort,
    ClearQueue,
    NewSession {
        parent_session: Option<String>,
    },
    GetState,
    SetModel {
        provider: String,
        model_id: String,
    },
    CycleModel,
    GetAvailableModels,
    SetThinkingLevel {
        level: ThinkingLevel,
    },
    CycleThinkingLevel,
    GetAvailableThinkingLevels,
    SetSteeringMode {
        mode: QueueMode,
    },
    SetFollowUpMode {
        mode: QueueMode,
    },
    Compact {
        custom_instructions: Option<String>,
    },
    /// Our extension: what `compact` would do, without doing it.
    CompactionPreview {
        custom_instructions: Option<String>,
    },
    SetAutoCompaction {
        enabled: bool,
    },
    SetAutoRetry {
        enabled: bool,
    },
    AbortRetry,
    Bash {
        command: String,
        exclude_from_context: bool,
    },
    AbortBash,
    GetSessionStats,
    ExportHtml {
        output_path: Option<String>,
    },
    SwitchSession {
        session_path: String,
    },
    Fork {
        entry_id: String,
    },
    Clone,
    GetForkMessages,
    GetEntries {
        since: Option<String>,
    },
    GetTree,
    /// Our extension: move within the session tree (`/tree`).
    NavigateTree {
        target_id: String,
        summarize: bool,
        custom_instructions: Option<String>,
        replace_instructions: bool,
        label: Option<String>,
    },
    GetLastAssistantText,
    SetSessionName {
        name: String,
    },
    GetMessages,
    GetCommands,
    /// An answer to an extension dialog; without extensions there is nothing to answer.
    ExtensionUiResponse,
}

/// One input line, read.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Parsed {
    /// A command (the id is echoed in its response, whatever JSON value it is).
    Command {
        id: Option<Value>,
        name: String,
        command: Command,
    },
    /// A command of a known shape whose fields are wrong, or of an unknown type.
    Invalid {
        id: Option<Value>,
        name: String,
        error: String,
    },
    /// Not a command at all: no JSON, not an object, or no `type` (the id is kept when
    /// there is one).
    Malformed { id: Option<Value>, error: String },
}

/// Reads one line.
pub(super) fn parse(line: &str) -> Parsed {
    let value: Value = match serde_json::from_str(line) {
        Ok(value) => value,
        Err(err) => {
            return Parsed::Malformed {
                id: None,
                error: err.to_string(),
            };
        }
    };
    let Value::Object(mut fields) = value else {
        return Parsed::Malformed {
            id: None,
            error: "a command must be a JSON object".to_string(),
        };
    };
    let id = fields.remove("id").filter(|id| !id.is_null());
    let name = match fields.get("type") {
        Some(Value::String(name)) => name.clone(),
        Some(_) => {
            return Parsed::Malformed {
                id,
                error: "\"type\" must be a string".to_string(),
            };
        }
        None => {
            return Parsed::Malformed {
                id,
                error: "missing \"type\"".to_string(),
            };
        }
    };
    match command(&name, &fields) {
        Ok(command) => Parsed::Command { id, name, command },
        Err(error) => Parsed::Invalid { id, name, error },
    }
}

fn command(name: &str, fields: &Map<String, Value>) -> Result<Command, String> {
    let f = Fields(fields);
    Ok(match name {
        "prompt" => Command::Prompt {
            message: f.string("message")?,
            images: f.images()?,
            streaming_behavior: match f.optional_string("streamingBehavior")? {
                None => None,
                Some(name) => Some(StreamingBehavior::parse(&name).ok_or_else(|| {
                    format!(
                        "Invalid streamingBehavior \"{name}\": expected \"steer\" or \"followUp\""
                    )
                })?),
            },
        },
        "steer" => Command::Steer {
            message: f.string("message")?,
            images: f.images()?,
        },
        "follow_up" => Command::FollowUp {
            message: f.string("message")?,
            images: f.images()?,
        },
        "abort" => Command::Abort,
        "clear_queue" => Command::ClearQueue,
        "new_session" => Command::NewSession {
            parent_session: f.optional_string("parentSession")?,
        },
        "get_state" => Command::GetState,
        "set_model" => Command::SetModel {
            provider: f.string("provider")?,
            model_id: f.string("modelId")?,
        },
        "cycle_model" => Command::CycleModel,
        "get_available_models" => Command::GetAvailableModels,
        "set_thinking_level" => {
            let level = f.string("level")?;
            Command::SetThinkingLevel {
                level: ThinkingLevel::parse(&level).ok_or_else(|| {
                    format!(
                        "Invalid thinking level \"{level}\": expected one of {}",
                        ThinkingLevel::ALL.map(ThinkingLevel::as_str).join(", ")
                    )
                })?,
            }
        }
        "cycle_thinking_level" => Command::CycleThinkingLevel,
        "get_available_thinking_levels" => Command::GetAvailableThinkingLevels,
        "set_steering_mode" => Command::SetSteeringMode {
            mode: f.queue_mode()?,
        },
        "set_follow_up_mode" => Command::SetFollowUpMode {
            mode: f.queue_mode()?,
        },
        "compact" => Command::Compact {
            custom_instructions: f.optional_string("customInstructions")?,
        },
        "compaction_preview" => Command::CompactionPreview {
            custom_instructions: f.optional_string("customInstructions")?,
        },
        "set_auto_compaction" => Command::SetAutoCompaction {
            enabled: f.boolean("enabled")?,
        },
        "set_auto_retry" => Command::SetAutoRetry {
            enabled: f.boolean("enabled")?,
        },
        "abort_retry" => Command::AbortRetry,
        "bash" => Command::Bash {
            command: f.string("command")?,
            exclude_from_context: f.optional_boolean("excludeFromContext")?.unwrap_or(false),
        },
        "abort_bash" => Command::AbortBash,
        "get_session_stats" => Command::GetSessionStats,
        "export_html" => Command::ExportHtml {
            output_path: f.optional_string("outputPath")?,
        },
        "switch_session" => Command::SwitchSession {
            session_path: f.string("sessionPath")?,
        },
        "fork" => Command::Fork {
            entry_id: f.string("entryId")?,
        },
        "clone" => Command::Clone,
        "get_fork_messages" => Command::GetForkMessages,
        "get_entries" => Command::GetEntries {
            since: f.optional_string("since")?,
        },
        "get_tree" => Command::GetTree,
        "navigate_tree" => Command::NavigateTree {
            target_id: f.string("targetId")?,
            summarize: f.optional_boolean("summarize")?.unwrap_or(false),
            custom_instructions: f.optional_string("customInstructions")?,
            replace_instructions: f.optional_boolean("replaceInstructions")?.unwrap_or(false),
            label: f.optional_string("label")?,
        },
        "get_last_assistant_text" => Command::GetLastAssistantText,
        "set_session_name" => Command::SetSessionName {
            name: f.string("name")?,
        },
        "get_messages" => Command::GetMessages,
        "get_commands" => Command::GetCommands,
        "extension_ui_response" => Command::ExtensionUiResponse,
        other => return Err(format!("Unknown command: {other}")),
    })
}

struct Fields<'a>(&'a Map<String, Value>);

impl Fields<'_> {
    fn string(&self, key: &str) -> Result<String, String> {
        self.optional_string(key)?
            .ok_or_else(|| format!("Missing \"{key}\": expected a string"))
    }

    fn optional_string(&self, key: &str) -> Result<Option<String>, String> {
        match self.0.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(text)) => Ok(Some(text.clone())),
            Some(other) => Err(wrong_type(key, "a string", other)),
        }
    }

    fn boolean(&self, key: &str) -> Result<bool, String> {
        self.optional_boolean(key)?
            .ok_or_else(|| format!("Missing \"{key}\": expected true or false"))
    }

    fn optional_boolean(&self, key: &str) -> Result<Option<bool>, String> {
        match self.0.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Bool(value)) => Ok(Some(*value)),
            Some(other) => Err(wrong_type(key, "true or false", other)),
        }
    }

    fn queue_mode(&self) -> Result<QueueMode, String> {
        let mode = self.string("mode")?;
        QueueMode::parse(&mode).ok_or_else(|| {
            format!("Invalid mode \"{mode}\": expected \"all\" or \"one-at-a-time\"")
        })
    }

    fn images(&self) -> Result<Vec<ImageContent>, String> {
        let items = match self.0.get("images") {
            None | Some(Value::Null) => return Ok(Vec::new()),
            Some(Value::Array(items)) => items,
            Some(other) => return Err(wrong_type("images", "an array of images", other)),
        };
        items
            .iter()
            .enumerate()
            .map(|(at, item)| {
                let is_image = item.get("type").and_then(Value::as_str) == Some("image");
                let data = item.get("data").and_then(Value::as_str);
                let mime_type = item.get("mimeType").and_then(Value::as_str);
                match (is_image, data, mime_type) {
                    (true, Some(data), Some(mime_type)) => Ok(ImageContent::new(data, mime_type)),
                    _ => Err(format!(
                        "Invalid \"images[{at}]\": expected {{\"type\": \"image\", \"data\": <base64>, \"mimeType\": <string>}}"
                    )),
                }
            })
            .collect()
    }
}

fn wrong_type(key: &str, expected: &str, found: &Value) -> String {
    let found = match found {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    };
    format!("Invalid \"{key}\": expected {expected}, got {found}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn error_of(line: &str) -> (Option<Value>, String, String) {
        match parse(line) {
            Parsed::Invalid { id, name, error } => (id, name, error),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_prompt_with_images_and_a_behavior() {
        let parsed = parse(
            r#"{"id":"r1","type":"prompt","message":"look","images":[{"type":"image","data":"AAAA","mimeType":"image/png"}],"streamingBehavior":"followUp","extra":1}"#,
        );
        assert_eq!(
            parsed,
            Parsed::Command {
                id: Some(json!("r1")),
                name: "prompt".into(),
                command: Command::Prompt {
                    message: "look".into(),
                    images: vec![ImageContent::new("AAAA", "image/png")],
                    streaming_behavior: Some(StreamingBehavior::FollowUp),
                },
            }
        );
    }

    #[test]
    fn ids_of_any_json_type_are_kept() {
        let Parsed::Command { id, .. } = parse(r#"{"id":7,"type":"get_state"}"#) else {
            panic!()
        };
        assert_eq!(id, Some(json!(7)));
        let Parsed::Command { id, .. } = parse(r#"{"type":"get_state"}"#) else {
            panic!()
        };
        assert_eq!(id, None);
    }

    #[test]
    fn wrong_types_name_the_field() {
        assert_eq!(
            error_of(r#"{"id":"x","type":"prompt","message":5}"#),
            (
                Some(json!("x")),
                "prompt".into(),
                "Invalid \"message\": expected a string, got a number".into()
            )
        );
        assert_eq!(
            error_of(r#"{"type":"set_auto_retry","enabled":"yes"}"#).2,
            "Invalid \"enabled\": expected true or false, got a string"
        );
        assert_eq!(
            error_of(r#"{"type":"set_model","provider":"p"}"#).2,
            "Missing \"modelId\": expected a string"
        );
        assert_eq!(
            error_of(r#"{"type":"set_thinking_level","level":"huge"}"#).2,
            "Invalid thinking level \"huge\": expected one of off, minimal, low, medium, high, xhigh, max"
        );
        assert_eq!(
            error_of(r#"{"type":"steer","message":"m","images":[{"type":"image"}]}"#).2,
            "Invalid \"images[0]\": expected {\"type\": \"image\", \"data\": <base64>, \"mimeType\": <string>}"
        );
    }

    #[test]
    fn unknown_commands_keep_their_id() {
        assert_eq!(
            error_of(r#"{"id":"u","type":"teleport"}"#),
            (
                Some(json!("u")),
                "teleport".into(),
                "Unknown command: teleport".into()
            )
        );
    }

    #[test]
    fn lines_that_are_no_command() {
        for line in [
            "",
            "{",
            "[1,2]",
            "42",
            "null",
            r#"{"id":"a"}"#,
            r#"{"type":3}"#,
        ] {
            assert!(matches!(parse(line), Parsed::Malformed { .. }), "{line}");
        }
    }
}

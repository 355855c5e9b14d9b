//! The message roles the coding agent adds to the transcript, and how the model sees them.
//!
//! Sessions store these verbatim (`"role": "bashExecution"`, ...); [`convert_to_llm`] turns
//! each into the user message the model reads, with the reference's exact wording.

use pi_agent_core::{AgentMessage, CustomMessage};
use pi_ai::{InputContent, Message, TextContent, UserContent, UserMessage};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Prefix of the user text a compaction summary becomes.
pub const COMPACTION_SUMMARY_PREFIX: &str = "The conversation history before this point was compacted into the following summary:\n\n<summary>\n";
/// Suffix of the user text a compaction summary becomes.
pub const COMPACTION_SUMMARY_SUFFIX: &str = "\n</summary>";
/// Prefix of the user text a branch summary becomes.
pub const BRANCH_SUMMARY_PREFIX: &str =
    "The following is a summary of a branch that this conversation came back from:\n\n<summary>\n";
/// Suffix of the user text a branch summary becomes.
pub const BRANCH_SUMMARY_SUFFIX: &str = "</summary>";

/// A shell command the user ran with `!` (or `!!`, which keeps it from the model).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BashExecutionMessage {
    /// The command line.
    pub command: String,
    /// Its output, stdout and stderr merged (possibly truncated).
    #[serde(default)]
    pub output: String,
    /// The exit code; absent when the command was killed or never finished.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exit_code: Option<i64>,
    /// Whether the user cancelled it.
    #[serde(default)]
    pub cancelled: bool,
    /// Whether `output` was truncated.
    #[serde(default)]
    pub truncated: bool,
    /// Where the whole output was saved when it was truncated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub full_output_path: Option<String>,
    /// Unix milliseconds.
    pub timestamp: i64,
    /// Set for `!!` commands: shown and stored, never sent to the model.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exclude_from_context: Option<bool>,
}

/// A message an extension put into the conversation (role `custom`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomRoleMessage {
    /// The extension's identifier.
    pub custom_type: String,
    /// What the model reads.
    pub content: UserContent,
    /// Whether the interface shows it.
    pub display: bool,
    /// Extension data, never sent to the model.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub details: Option<Value>,
    /// Unix milliseconds.
    pub timestamp: i64,
}

/// The summary of a branch the conversation came back from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BranchSummaryMessage {
    /// The summary text.
    pub summary: String,
    /// The entry the summary was made from.
    pub from_id: String,
    /// Unix milliseconds.
    pub timestamp: i64,
}

/// The summary that replaces compacted history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CompactionSummaryMessage {
    /// The summary text.
    pub summary: String,
    /// Context tokens before the compaction.
    pub tokens_before: u64,
    /// Unix milliseconds.
    pub timestamp: i64,
}

macro_rules! agent_message {
    ($ty:ty, $role:literal) => {
        impl $ty {
            /// The transcript message, with the role and field order pi writes.
            pub fn to_agent_message(&self) -> AgentMessage {
                let fields = match serde_json::to_value(self) {
                    Ok(Value::Object(fields)) => fields,
                    // Plain structs of strings, numbers and JSON values always serialize to
                    // an object.
                    _ => Map::new(),
                };
                AgentMessage::Custom(CustomMessage::new($role, fields))
            }
        }
    };
}

agent_message!(BashExecutionMessage, "bashExecution");
agent_message!(CustomRoleMessage, "custom");
agent_message!(BranchSummaryMessage, "branchSummary");
agent_message!(CompactionSummaryMessage, "compactionSummary");

/// The text the model reads for a user's shell command.
pub fn bash_execution_to_text(message: &BashExecutionMessage) -> String {
    let mut text = format!("Ran `{}`\n", message.command);
    if message.output.is_empty() {
        text.push_str("(no output)");
    } else {
        text.push_str(&format!("```\n{}\n```", message.output));
    }
    if message.cancelled {
        text.push_str("\n\n(command cancelled)");
    } else if let Some(code) = message.exit_code.filter(|code| *code != 0) {
        text.push_str(&format!("\n\nCommand exited with code {code}"));
    }
    if let (true, Some(path)) = (message.truncated, &message.full_output_path) {
        text.push_str(&format!("\n\n[Output truncated. Full output: {path}]"));
    }
    text
}

/// The messages the model sees for a transcript: LLM messages pass through, the coding
/// agent's roles become user messages, and anything else (or anything malformed) is left out.
pub fn convert_to_llm(messages: &[AgentMessage]) -> Vec<Message> {
    messages.iter().filter_map(to_llm).collect()
}

fn to_llm(message: &AgentMessage) -> Option<Message> {
    let custom = match message {
        AgentMessage::Llm(message) => return Some(message.clone()),
        AgentMessage::Custom(custom) => custom,
    };
    let timestamp = message.timestamp();
    let (content, timestamp) = match custom.role.as_str() {
        "bashExecution" => {
            let bash: BashExecutionMessage = custom.decode().ok()?;
            if bash.exclude_from_context == Some(true) {
                return None;
            }
            (text_blocks(bash_execution_to_text(&bash)), bash.timestamp)
        }
        "custom" => {
            let content: UserContent =
                serde_json::from_value(custom.fields.get("content")?.clone()).ok()?;
            let blocks = match content {
                UserContent::Text(text) => text_blocks(text),
                UserContent::Blocks(blocks) => blocks,
            };
            (blocks, timestamp)
        }
        "branchSummary" => {
            let summary = custom.fields.get("summary")?.as_str()?;
            let text = format!("{BRANCH_SUMMARY_PREFIX}{summary}{BRANCH_SUMMARY_SUFFIX}");
            (text_blocks(text), timestamp)
        }
        "compactionSummary" => {
            let summary = custom.fields.get("summary")?.as_str()?;
            let text = format!("{COMPACTION_SUMMARY_PREFIX}{summary}{COMPACTION_SUMMARY_SUFFIX}");
            (text_blocks(text), timestamp)
        }
        _ => return None,
    };
    Some(Message::User(UserMessage {
        content: UserContent::Blocks(content),
        timestamp,
        extra: Map::new(),
    }))
}

fn text_blocks(text: String) -> Vec<InputContent> {
    vec![InputContent::Text(TextContent::new(text))]
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn user_text(message: &Message) -> String {
        match message {
            Message::User(user) => user.content.text("\n"),
            other => panic!("expected a user message, got {other:?}"),
        }
    }

    fn bash(output: &str, exit_code: Option<i64>, cancelled: bool) -> BashExecutionMessage {
        BashExecutionMessage {
            command: "make test".into(),
            output: output.into(),
            exit_code,
            cancelled,
            truncated: false,
            full_output_path: None,
            timestamp: 5,
            exclude_from_context: None,
        }
    }

    #[test]
    fn bash_executions_read_as_pi_words_them() {
        assert_eq!(
            bash_execution_to_text(&bash("ok", Some(0), false)),
            "Ran `make test`\n```\nok\n```"
        );
        assert_eq!(
            bash_execution_to_text(&bash("", Some(2), false)),
            "Ran `make test`\n(no output)\n\nCommand exited with code 2"
        );
        assert_eq!(
            bash_execution_to_text(&bash("partial", None, true)),
            "Ran `make test`\n```\npartial\n```\n\n(command cancelled)"
        );
        let mut truncated = bash("tail", Some(1), false);
        truncated.truncated = true;
        truncated.full_output_path = Some("/tmp/pi-bash-1.log".into());
        assert_eq!(
            bash_execution_to_text(&truncated),
            "Ran `make test`\n```\ntail\n```\n\nCommand exited with code 1\n\n\
             [Output truncated. Full output: /tmp/pi-bash-1.log]"
        );
    }

    #[test]
    fn coding_agent_roles_become_user_messages() {
        let mut excluded = bash("secret", Some(0), false);
        excluded.exclude_from_context = Some(true);
        let messages = vec![
            bash("ok", Some(0), false).to_agent_message(),
            excluded.to_agent_message(),
            CustomRoleMessage {
                custom_type: "note".into(),
                content: UserContent::Text("remember this".into()),
                display: true,
                details: None,
                timestamp: 6,
            }
            .to_agent_message(),
            BranchSummaryMessage {
                summary: "tried A".into(),
                from_id: "abcd1234".into(),
                timestamp: 7,
            }
            .to_agent_message(),
            CompactionSummaryMessage {
                summary: "did B".into(),
                tokens_before: 1000,
                timestamp: 8,
            }
            .to_agent_message(),
            AgentMessage::Custom(CustomMessage::new("unknownRole", Map::new())),
            UserMessage::text("plain").into(),
        ];
        let llm = convert_to_llm(&messages);
        let texts: Vec<String> = llm.iter().map(user_text).collect();
        assert_eq!(
            texts,
            [
                "Ran `make test`\n```\nok\n```",
                "remember this",
                "The following is a summary of a branch that this conversation came back from:\n\n<summary>\ntried A</summary>",
                "The conversation history before this point was compacted into the following summary:\n\n<summary>\ndid B\n</summary>",
                "plain",
            ]
        );
        let timestamps: Vec<i64> = llm.iter().map(Message::timestamp).take(4).collect();
        assert_eq!(timestamps, [5, 6, 7, 8]);
    }

    #[test]
    fn roles_serialize_in_pi_field_order() {
        let message = serde_json::to_string(&bash("ok", Some(0), false).to_agent_message());
        assert_eq!(
            message.unwrap(),
            r#"{"role":"bashExecution","command":"make test","output":"ok","exitCode":0,"cancelled":false,"truncated":false,"timestamp":5}"#
        );
        let summary = CompactionSummaryMessage {
            summary: "s".into(),
            tokens_before: 3,
            timestamp: 1,
        };
        assert_eq!(
            serde_json::to_value(summary.to_agent_message()).unwrap(),
            json!({"role": "compactionSummary", "summary": "s", "tokensBefore": 3, "timestamp": 1})
        );
    }
}

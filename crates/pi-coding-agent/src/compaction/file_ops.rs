//! The files a stretch of conversation read and changed, gathered from the `read`, `write`
//! and `edit` tool calls and carried from one summary to the next.

use std::collections::BTreeSet;

use pi_agent_core::AgentMessage;
use pi_ai::AssistantContent;
use serde_json::{Value, json};

/// Paths by what the tools did with them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileOps {
    /// Read with `read`.
    pub read: BTreeSet<String>,
    /// Written with `write`.
    pub written: BTreeSet<String>,
    /// Changed with `edit`.
    pub edited: BTreeSet<String>,
}

impl FileOps {
    /// Adds the paths of `message`'s tool calls (assistant messages only; a call without a
    /// string `path` is ignored).
    pub fn add_message(&mut self, message: &AgentMessage) {
        let Some(assistant) = message.as_assistant() else {
            return;
        };
        for block in &assistant.content {
            let AssistantContent::ToolCall(call) = block else {
                continue;
            };
            let Some(path) = call.arguments.get("path").and_then(Value::as_str) else {
                continue;
            };
            if path.is_empty() {
                continue;
            }
            let set = match call.name.as_str() {
                "read" => &mut self.read,
                "write" => &mut self.written,
                "edit" => &mut self.edited,
                _ => continue,
            };
            set.insert(path.to_string());
        }
    }

    /// Adds the lists of an earlier summary's `details` (`readFiles`, `modifiedFiles`); other
    /// shapes are ignored.
    pub fn add_details(&mut self, details: Option<&Value>) {
        let list = |key: &str| {
            details
                .and_then(|d| d.get(key))
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .map(str::to_string)
        };
        self.read.extend(list("readFiles"));
        // Modified files count as edited, which is all the distinction the lists keep.
        self.edited.extend(list("modifiedFiles"));
    }

    /// `(readFiles, modifiedFiles)`: files only read, and files written or edited, each
    /// sorted as JavaScript sorts strings (by UTF-16 units).
    pub fn lists(&self) -> (Vec<String>, Vec<String>) {
        let modified: BTreeSet<&String> = self.edited.iter().chain(&self.written).collect();
        let mut read: Vec<String> = self
            .read
            .iter()
            .filter(|path| !modified.contains(path))
            .cloned()
            .collect();
        let mut modified: Vec<String> = modified.into_iter().cloned().collect();
        read.sort_by(|a, b| a.encode_utf16().cmp(b.encode_utf16()));
        modified.sort_by(|a, b| a.encode_utf16().cmp(b.encode_utf16()));
        (read, modified)
    }

    /// The `details` a summary stores: `{readFiles, modifiedFiles}`.
    pub fn details(&self) -> Value {
        let (read, modified) = self.lists();
        json!({"readFiles": read, "modifiedFiles": modified})
    }
}

/// The file lists appended to a summary: `<read-files>` and `<modified-files>` sections,
/// each only when it has entries.
pub fn format_file_operations(read: &[String], modified: &[String]) -> String {
    let mut sections = Vec::with_capacity(2);
    if !read.is_empty() {
        sections.push(format!("<read-files>\n{}\n</read-files>", read.join("\n")));
    }
    if !modified.is_empty() {
        sections.push(format!(
            "<modified-files>\n{}\n</modified-files>",
            modified.join("\n")
        ));
    }
    if sections.is_empty() {
        return String::new();
    }
    format!("\n\n{}", sections.join("\n\n"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use pi_ai::{AssistantMessage, ToolCall};

    fn calls(calls: &[(&str, Value)]) -> AgentMessage {
        let mut message = AssistantMessage::empty("a", "p", "m");
        for (name, arguments) in calls {
            let arguments = arguments.as_object().cloned().unwrap_or_default();
            message
                .content
                .push(AssistantContent::ToolCall(ToolCall::new(
                    "id", *name, arguments,
                )));
        }
        message.into()
    }

    #[test]
    fn read_only_files_and_modified_files_are_listed_apart() {
        let mut ops = FileOps::default();
        ops.add_message(&calls(&[
            ("read", json!({"path": "src/b.rs"})),
            ("read", json!({"path": "src/a.rs"})),
            ("edit", json!({"path": "src/a.rs", "edits": []})),
            ("write", json!({"path": "NEW.md", "content": ""})),
            ("bash", json!({"path": "ignored"})),
            ("read", json!({"path": 7})),
        ]));
        ops.add_details(Some(
            &json!({"readFiles": ["old.txt"], "modifiedFiles": ["Z.txt"]}),
        ));
        let (read, modified) = ops.lists();
        assert_eq!(read, ["old.txt", "src/b.rs"]);
        assert_eq!(modified, ["NEW.md", "Z.txt", "src/a.rs"]);
        assert_eq!(
            format_file_operations(&read, &modified),
            "\n\n<read-files>\nold.txt\nsrc/b.rs\n</read-files>\n\n<modified-files>\nNEW.md\nZ.txt\nsrc/a.rs\n</modified-files>"
        );
        assert_eq!(format_file_operations(&[], &[]), "");
        assert_eq!(
            format_file_operations(&[], &["x".into()]),
            "\n\n<modified-files>\nx\n</modified-files>"
        );
    }
}

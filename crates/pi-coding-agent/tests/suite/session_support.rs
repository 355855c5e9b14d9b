//! Helpers for the session tests: messages, scratch directories, fixture paths.

use std::path::{Path, PathBuf};

use pi_agent_core::AgentMessage;
use pi_ai::{AssistantContent, AssistantMessage, StopReason, TextContent, UserMessage};
use pi_coding_agent::session::{NewSessionOptions, SessionEntry, SessionLocation, SessionManager};
use serde_json::Value;

pub fn user(text: &str) -> AgentMessage {
    let mut message = UserMessage::text(text);
    message.timestamp = 1_700_000_000_000;
    message.into()
}

pub fn assistant(text: &str) -> AgentMessage {
    let mut message = AssistantMessage::empty("anthropic-messages", "anthropic", "claude-test");
    message.content = vec![AssistantContent::Text(TextContent::new(text))];
    message.stop_reason = StopReason::Stop;
    message.timestamp = 1_700_000_000_001;
    message.into()
}

pub fn memory() -> SessionManager {
    SessionManager::in_memory(
        Path::new("/home/user/project"),
        NewSessionOptions::default(),
    )
    .unwrap()
}

/// A scratch agent directory and project directory.
pub struct Scratch {
    pub dir: tempfile::TempDir,
}

impl Scratch {
    pub fn new() -> Self {
        Scratch {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn location(&self) -> SessionLocation {
        SessionLocation::new(self.path().join("agent"))
    }

    pub fn cwd(&self) -> PathBuf {
        let cwd = self.path().join("project");
        std::fs::create_dir_all(&cwd).unwrap();
        cwd
    }

    pub fn create(&self) -> SessionManager {
        SessionManager::create(&self.cwd(), &self.location(), NewSessionOptions::default()).unwrap()
    }
}

/// The repository's `fixtures/` directory.
pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures")
}

/// The lines of a file, parsed.
pub fn json_lines(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| serde_json::from_str(line).unwrap())
        .collect()
}

/// The text of a context message (user string, or the first text block).
pub fn text_of(message: &AgentMessage) -> String {
    let value = serde_json::to_value(message).unwrap();
    match &value["content"] {
        Value::String(text) => text.clone(),
        Value::Array(blocks) => blocks[0]["text"].as_str().unwrap_or_default().to_string(),
        _ => value["summary"].as_str().unwrap_or_default().to_string(),
    }
}

pub fn ids(entries: &[SessionEntry]) -> Vec<String> {
    entries.iter().map(|entry| entry.id.clone()).collect()
}

pub fn is_type(entry: &SessionEntry, name: &str) -> bool {
    entry.kind.type_name() == name
}

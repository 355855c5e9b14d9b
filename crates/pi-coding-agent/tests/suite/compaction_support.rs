//! An agent session on disk, talking to the loopback provider server, with its events
//! recorded: the setting of the compaction and tree-navigation tests.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use indexmap::IndexMap;
use pi_agent_core::{AgentTool, QueueMode};
use pi_ai::testing::{RecordedRequest, TestServer, Turn};
use pi_ai::{Model, ThinkingLevel};
use pi_coding_agent::agent_session::{
    AgentSession, AgentSessionConfig, Credentials, RequestCredentials, SessionEvent,
};
use pi_coding_agent::config::Settings;
use pi_coding_agent::config::settings::RetrySettings;
use pi_coding_agent::session::{NewSessionOptions, SessionLocation, SessionManager};
use pi_coding_agent::tools::{ToolName, ToolsOptions, create_tools};
use serde_json::Value;

/// Every provider has a key.
pub struct TestCredentials;

impl Credentials for TestCredentials {
    fn request_credentials(&self, _model: &Model) -> Result<RequestCredentials, String> {
        Ok(RequestCredentials {
            api_key: Some("test-key".into()),
            ..RequestCredentials::default()
        })
    }

    fn has_auth(&self, _provider: &str) -> bool {
        true
    }
}

/// No provider has a key.
pub struct NoCredentials;

impl Credentials for NoCredentials {
    fn request_credentials(&self, model: &Model) -> Result<RequestCredentials, String> {
        Err(format!("no key for {}", model.provider))
    }

    fn has_auth(&self, _provider: &str) -> bool {
        false
    }
}

pub struct Harness {
    pub server: TestServer,
    pub session: AgentSession,
    pub events: Arc<Mutex<Vec<Value>>>,
    pub cwd: PathBuf,
    pub file: PathBuf,
    _dir: tempfile::TempDir,
}

/// How a harness is set up.
pub struct Setup {
    pub api: &'static str,
    pub model: Option<Model>,
    pub no_model: bool,
    pub settings: Value,
    pub credentials: Arc<dyn Credentials>,
    pub retry: RetrySettings,
}

impl Default for Setup {
    fn default() -> Self {
        Setup {
            api: "openai-completions",
            model: None,
            no_model: false,
            settings: serde_json::json!({}),
            credentials: Arc::new(TestCredentials),
            retry: RetrySettings {
                enabled: true,
                max_retries: 2,
                base_delay_ms: 1,
                max_agent_delay_ms: 20,
            },
        }
    }
}

impl Harness {
    pub async fn new(setup: Setup, tweak: impl FnOnce(&mut Model)) -> Harness {
        let server = TestServer::start().await.unwrap();
        let dir = tempfile::tempdir().unwrap();
        let cwd = dir.path().join("project");
        std::fs::create_dir_all(&cwd).unwrap();
        std::fs::write(cwd.join("notes.txt"), "some notes\n").unwrap();
        let location = SessionLocation::new(dir.path().join("agent"));
        let manager =
            SessionManager::create(&cwd, &location, NewSessionOptions::default()).unwrap();
        let file = manager.session_file().unwrap().to_path_buf();
        let mut model = setup
            .model
            .clone()
            .unwrap_or_else(|| server.model(setup.api, "m"));
        tweak(&mut model);
        let tool_set = create_tools(&cwd, ToolsOptions::default());
        let tools: Vec<Arc<dyn AgentTool>> = [
            ToolName::Read,
            ToolName::Bash,
            ToolName::Edit,
            ToolName::Write,
        ]
        .into_iter()
        .map(|name| tool_set.get(name))
        .collect();
        let mut sections = IndexMap::new();
        sections.insert(
            "preamble".to_string(),
            "You are a test assistant.".to_string(),
        );
        let session = AgentSession::new(
            manager,
            AgentSessionConfig {
                model: (!setup.no_model).then_some(model),
                thinking_level: ThinkingLevel::Off,
                tools,
                system_prompt: sections,
                expand_prompt: None,
                credentials: setup.credentials,
                retry: setup.retry,
                steering_mode: QueueMode::OneAtATime,
                follow_up_mode: QueueMode::OneAtATime,
                block_images: false,
                auto_resize_images: true,
                request: Default::default(),
                stream_fn: None,
                docs_dir: PathBuf::from("/pkg/docs"),
            },
        )
        .unwrap();
        session.set_compaction_settings(&Settings::in_memory(setup.settings));
        let events = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&events);
        session.subscribe(move |event: &SessionEvent<'_>| {
            sink.lock().unwrap().push(event.to_value());
        });
        Harness {
            server,
            session,
            events,
            cwd,
            file,
            _dir: dir,
        }
    }

    pub fn push(&self, turn: Turn) {
        self.server.push(turn);
    }

    pub async fn prompt(&self, text: &str) {
        self.session.prompt(text, Vec::new()).await.unwrap();
    }

    /// Recorded events of these types, in order.
    pub fn events_of(&self, types: &[&str]) -> Vec<Value> {
        self.events
            .lock()
            .unwrap()
            .iter()
            .filter(|event| types.contains(&event["type"].as_str().unwrap_or_default()))
            .cloned()
            .collect()
    }

    /// The types of all recorded events but streaming deltas.
    pub fn event_types(&self) -> Vec<String> {
        self.events
            .lock()
            .unwrap()
            .iter()
            .map(|event| event["type"].as_str().unwrap_or_default().to_string())
            .filter(|kind| kind != "message_update")
            .collect()
    }

    pub fn clear_events(&self) {
        self.events.lock().unwrap().clear();
    }

    /// The session file's lines (the header first).
    pub fn file_entries(&self) -> Vec<Value> {
        read_lines(&self.file)
    }

    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.server.requests()
    }

    /// The text of the last user message of a recorded request (OpenAI Chat Completions).
    pub fn last_user_text(request: &RecordedRequest) -> String {
        let messages = request.body["messages"].as_array().unwrap();
        let user = messages.iter().rev().find(|m| m["role"] == "user").unwrap();
        match &user["content"] {
            Value::String(text) => text.clone(),
            Value::Array(blocks) => blocks
                .iter()
                .filter_map(|b| b["text"].as_str())
                .collect::<Vec<_>>()
                .join(""),
            _ => String::new(),
        }
    }
}

pub fn read_lines(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect()
}

/// `(type, role)` of each entry, the role only for messages.
pub fn kinds(entries: &[Value]) -> Vec<String> {
    entries
        .iter()
        .map(|entry| match entry["message"]["role"].as_str() {
            Some(role) => format!("message:{role}"),
            None => entry["type"].as_str().unwrap_or_default().to_string(),
        })
        .collect()
}

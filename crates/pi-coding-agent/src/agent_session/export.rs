//! Exporting the session as an HTML page (`/export`, RPC `export_html`).

use std::path::{Path, PathBuf};

use super::{AgentSession, lock};
use crate::export_html::{self, ExportError, ExportedTool, PageExtras};

impl AgentSession {
    /// Writes the session as one HTML page, opened at the current entry and showing the
    /// system prompt and tools, to `output` or to `pi-session-<file name>.html` in the
    /// current directory; returns the path written.
    pub fn export_html(&self, output: Option<&Path>) -> Result<PathBuf, ExportError> {
        let (file, leaf) = {
            let session = self.session();
            let file = match session.session_file() {
                Some(file) if session.is_persisted() => file.to_path_buf(),
                _ => return Err(ExportError::InMemory),
            };
            (file, session.leaf_id().map(str::to_string))
        };
        // The file appears with the first answer; before that there is nothing to show.
        if !file.exists() {
            return Err(ExportError::NothingToExport);
        }
        let system_prompt =
            crate::resources::render_sections(&lock(&self.shared.config).system_prompt);
        let tools: Vec<ExportedTool> = self
            .agent
            .state()
            .tools
            .iter()
            .map(|tool| ExportedTool {
                name: tool.name().to_string(),
                description: tool.description().to_string(),
                parameters: tool.parameters().clone(),
            })
            .collect();
        let output = export_html::output_path(&file, output);
        let extras = PageExtras {
            leaf_id: leaf.as_deref(),
            system_prompt: Some(&system_prompt),
            tools: Some(&tools),
        };
        export_html::export_session_file(&file, &output, &extras)?;
        Ok(output)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use indexmap::IndexMap;
    use pi_agent_core::QueueMode;
    use pi_ai::{Model, ThinkingLevel};
    use serde_json::Value;

    use super::*;
    use crate::agent_session::{AgentSessionConfig, Credentials, RequestCredentials};
    use crate::config::settings::RetrySettings;
    use crate::session::{NewSessionOptions, SessionLocation, SessionManager};

    struct NoCredentials;

    impl Credentials for NoCredentials {
        fn request_credentials(&self, _model: &Model) -> Result<RequestCredentials, String> {
            Err("no credentials in tests".into())
        }

        fn has_auth(&self, _provider: &str) -> bool {
            false
        }
    }

    fn agent_session(session: SessionManager, cwd: &Path) -> AgentSession {
        let tools = crate::tools::create_tools(cwd, Default::default()).defaults();
        let config = AgentSessionConfig {
            model: None,
            thinking_level: ThinkingLevel::Off,
            tools,
            system_prompt: IndexMap::from([
                ("preamble".to_string(), "You are pi.".to_string()),
                (
                    "cwd".to_string(),
                    "Current working directory: /w".to_string(),
                ),
            ]),
            expand_prompt: None,
            credentials: Arc::new(NoCredentials),
            retry: RetrySettings {
                enabled: false,
                max_retries: 0,
                base_delay_ms: 0,
                max_agent_delay_ms: 0,
            },
            steering_mode: QueueMode::OneAtATime,
            follow_up_mode: QueueMode::OneAtATime,
            block_images: false,
            auto_resize_images: false,
            request: Default::default(),
            stream_fn: None,
            docs_dir: PathBuf::new(),
        };
        AgentSession::new(session, config).unwrap()
    }

    fn page_data(page: &Path) -> Value {
        let page = std::fs::read_to_string(page).unwrap();
        let marker = r#"<script id="session-data" type="application/json">"#;
        let start = page.find(marker).unwrap() + marker.len();
        let end = start + page[start..].find("</script>").unwrap();
        serde_json::from_str(&page[start..end]).unwrap()
    }

    #[test]
    fn the_page_opens_at_the_current_entry_with_prompt_and_tools() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("s.jsonl");
        let fixture = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../fixtures/sessions-0.87.1/tools-anthropic.jsonl");
        std::fs::copy(fixture, &file).unwrap();
        let session = agent_session(SessionManager::open(&file, None, None).unwrap(), dir.path());
        let earlier = session.session().entries().unwrap()[4].id.clone();
        session.session().branch(&earlier).unwrap();

        let output = dir.path().join("page.html");
        assert_eq!(session.export_html(Some(&output)).unwrap(), output);
        let data = page_data(&output);
        assert_eq!(data["leafId"], earlier.as_str());
        assert_eq!(
            data["systemPrompt"],
            "You are pi.\n\nCurrent working directory: /w"
        );
        let tools: Vec<&str> = data["tools"]
            .as_array()
            .unwrap()
            .iter()
            .map(|tool| tool["name"].as_str().unwrap())
            .collect();
        assert_eq!(tools, ["read", "bash", "edit", "write"]);
        assert!(data["tools"][0]["parameters"]["properties"]["path"].is_object());
        assert_eq!(
            data["entries"].as_array().unwrap().len(),
            session.session().entry_count()
        );
    }

    #[test]
    fn sessions_without_a_file_have_nothing_to_export() {
        let dir = tempfile::tempdir().unwrap();
        let memory = SessionManager::in_memory(dir.path(), NewSessionOptions::default()).unwrap();
        let err = agent_session(memory, dir.path())
            .export_html(None)
            .unwrap_err();
        assert_eq!(err.to_string(), "Cannot export in-memory session to HTML");

        let location = SessionLocation::new(dir.path().join("agent"));
        let fresh =
            SessionManager::create(dir.path(), &location, NewSessionOptions::default()).unwrap();
        let err = agent_session(fresh, dir.path())
            .export_html(None)
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "Nothing to export yet - start a conversation first"
        );
    }
}

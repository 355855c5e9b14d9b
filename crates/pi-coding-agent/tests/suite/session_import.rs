//! `/import`: a session file from elsewhere copied into the session directory and continued,
//! as pi's `importFromJsonl` does, with real files.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use indexmap::IndexMap;
use pi_agent_core::QueueMode;
use pi_ai::{Model, ThinkingLevel};
use pi_coding_agent::agent_session::{
    AgentSession, AgentSessionConfig, CommandError, SessionRuntime, SessionServices,
};
use pi_coding_agent::config::ScopedModel;
use pi_coding_agent::config::settings::RetrySettings;
use pi_coding_agent::session::{NewSessionOptions, SessionLocation, SessionManager};
use pi_coding_agent::tools::BashOptions;
use serde_json::Value;

use super::compaction_support::NoCredentials;
use super::session_support::fixtures;

/// Sessions without a model: importing needs none.
struct Services;

impl SessionServices for Services {
    fn build(&self, session: SessionManager) -> Result<AgentSession, String> {
        AgentSession::new(
            session,
            AgentSessionConfig {
                model: None,
                thinking_level: ThinkingLevel::Off,
                tools: Vec::new(),
                system_prompt: IndexMap::new(),
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
                docs_dir: PathBuf::from("/pkg/docs"),
            },
        )
        .map_err(|err| err.to_string())
    }

    fn available_models(&self) -> Vec<Model> {
        Vec::new()
    }

    fn scoped_models(&self) -> Vec<ScopedModel> {
        Vec::new()
    }

    fn set_model_scope(&self, _: Option<&[String]>) {}

    fn thinking_level_for(&self, _: &Model) -> Option<ThinkingLevel> {
        None
    }

    fn save_setting(&self, _: &str, _: Option<&str>, _: Value) -> Result<(), String> {
        Ok(())
    }

    fn shell(&self) -> BashOptions {
        BashOptions::default()
    }

    fn commands(&self) -> Vec<Value> {
        Vec::new()
    }

    fn kill_running_commands(&self) {}
}

struct Setup {
    dir: tempfile::TempDir,
    runtime: SessionRuntime,
    sessions: PathBuf,
    /// A copy of pi's recorded session, its directory set to one that exists here.
    export: PathBuf,
}

fn setup() -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let cwd = dir.path().join("project");
    std::fs::create_dir_all(&cwd).unwrap();
    let sessions = dir.path().join("sessions");
    let location = SessionLocation::new(dir.path().join("agent")).with_session_dir(&sessions);
    let manager = SessionManager::create(&cwd, &location, NewSessionOptions::default()).unwrap();
    let session = Services.build(manager).unwrap();
    let runtime = SessionRuntime::new(Arc::new(Services), session);

    let recorded =
        std::fs::read_to_string(fixtures().join("sessions-0.87.1/continued-session.jsonl"))
            .unwrap();
    let (header, rest) = recorded.split_once('\n').unwrap();
    let mut header: Value = serde_json::from_str(header).unwrap();
    header["cwd"] = Value::from(cwd.to_str().unwrap());
    let exports = dir.path().join("exports");
    std::fs::create_dir_all(&exports).unwrap();
    let export = exports.join("shared.jsonl");
    std::fs::write(&export, format!("{header}\n{rest}")).unwrap();
    Setup {
        dir,
        runtime,
        sessions,
        export,
    }
}

fn current_file(runtime: &SessionRuntime) -> Option<PathBuf> {
    runtime
        .session()
        .session()
        .session_file()
        .map(Path::to_path_buf)
}

#[tokio::test]
async fn an_imported_session_is_copied_in_and_becomes_current() {
    let s = setup();
    let original = std::fs::read(&s.export).unwrap();
    let expected = SessionManager::open(&s.export, None, None)
        .unwrap()
        .build_session_context()
        .unwrap()
        .messages;
    assert!(expected.len() >= 4, "the recording has a conversation");

    let imported = s.runtime.import_from_jsonl(&s.export).await.unwrap();
    assert_eq!(imported, s.sessions.join("shared.jsonl"));
    assert_eq!(
        current_file(&s.runtime).as_deref(),
        Some(imported.as_path())
    );
    let session = s.runtime.session();
    assert_eq!(session.messages(), expected);
    assert_eq!(
        session.session().session_id(),
        "01a1fd73-054a-77db-ab31-cd8fa634a31d"
    );
    // pi copies the file and leaves the one given alone.
    assert_eq!(std::fs::read(&s.export).unwrap(), original);
    assert!(std::fs::read(&imported).unwrap().starts_with(&original));

    // A second import of the same name does not overwrite the first.
    let again = s.runtime.import_from_jsonl(&s.export).await.unwrap();
    assert_eq!(again, s.sessions.join("shared-1.jsonl"));
    assert_eq!(current_file(&s.runtime).as_deref(), Some(again.as_path()));
    assert!(imported.exists());
    let third = s.runtime.import_from_jsonl(&s.export).await.unwrap();
    assert_eq!(third, s.sessions.join("shared-2.jsonl"));
    drop(s.dir);
}

#[tokio::test]
async fn a_file_already_in_the_session_directory_is_continued_in_place() {
    let s = setup();
    std::fs::create_dir_all(&s.sessions).unwrap();
    let stored = s.sessions.join("stored.jsonl");
    std::fs::copy(&s.export, &stored).unwrap();
    let imported = s.runtime.import_from_jsonl(&stored).await.unwrap();
    assert_eq!(imported, stored);
    assert_eq!(current_file(&s.runtime).as_deref(), Some(stored.as_path()));
    let names: Vec<String> = std::fs::read_dir(&s.sessions)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with("stored"))
        .collect();
    assert_eq!(names, ["stored.jsonl"]);
}

#[tokio::test]
async fn a_missing_file_is_refused_with_pis_error_and_the_session_stays() {
    let s = setup();
    let before = current_file(&s.runtime);
    let missing = s.dir.path().join("nowhere").join("gone.jsonl");
    let err = s.runtime.import_from_jsonl(&missing).await.unwrap_err();
    assert!(matches!(err, CommandError::ImportFileNotFound(_)));
    assert_eq!(
        err.to_string(),
        format!("File not found: {}", missing.display())
    );
    assert_eq!(current_file(&s.runtime), before);
    assert!(!s.sessions.join("gone.jsonl").exists());
}

#[tokio::test]
async fn a_relative_path_is_resolved_against_the_process_directory() {
    let s = setup();
    let process_cwd = std::env::current_dir().unwrap();
    let err = s
        .runtime
        .import_from_jsonl(Path::new("no-such-dir/../missing-export.jsonl"))
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "File not found: {}",
            process_cwd.join("missing-export.jsonl").display()
        )
    );
}

#[tokio::test]
async fn a_directory_is_refused_and_leaves_no_copy_behind() {
    let s = setup();
    let before = current_file(&s.runtime);
    let folder = s.dir.path().join("folder.jsonl");
    std::fs::create_dir_all(&folder).unwrap();
    let err = s.runtime.import_from_jsonl(&folder).await.unwrap_err();
    assert!(matches!(err, CommandError::Session(_)), "{err}");
    assert!(!s.sessions.join("folder.jsonl").exists());
    assert_eq!(current_file(&s.runtime), before);
}

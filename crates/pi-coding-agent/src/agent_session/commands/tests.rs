//! The session commands on real session files, with a scripted model.

use std::path::Path;
use std::sync::{Arc, Mutex};

use pi_agent_core::QueueMode;
use pi_ai::faux::{FauxProvider, FauxResponse};
use pi_ai::{Model, ThinkingLevel};
use serde_json::{Value, json};

use super::*;
use crate::agent_session::{AgentSession, AgentSessionConfig, Credentials, RequestCredentials};
use crate::session::{NewSessionOptions, SessionLocation, SessionManager};

struct Keys;

impl Credentials for Keys {
    fn request_credentials(&self, _: &Model) -> Result<RequestCredentials, String> {
        Ok(RequestCredentials::default())
    }

    fn has_auth(&self, provider: &str) -> bool {
        provider != "keyless"
    }
}

fn config(faux: &FauxProvider, model: Model) -> AgentSessionConfig {
    crate::agent_session::test_support::faux_config(faux, model, Arc::new(Keys))
}

/// A persisted session in `dir` answered by `faux`.
fn session_in(dir: &Path, faux: &FauxProvider) -> AgentSession {
    let location = SessionLocation::new(dir.join("agent")).with_session_dir(dir.join("sessions"));
    let manager = SessionManager::create(dir, &location, NewSessionOptions::default()).unwrap();
    AgentSession::new(manager, config(faux, faux.model())).unwrap()
}

/// Every event's JSON, recorded.
fn record(session: &AgentSession) -> Arc<Mutex<Vec<Value>>> {
    let events = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&events);
    session.subscribe(move |event| sink.lock().unwrap().push(event.to_value()));
    events
}

fn of_type(events: &Arc<Mutex<Vec<Value>>>, kind: &str) -> Vec<Value> {
    events
        .lock()
        .unwrap()
        .iter()
        .filter(|e| e["type"] == kind)
        .cloned()
        .collect()
}

#[tokio::test]
async fn queued_messages_are_announced_counted_and_cleared() {
    let dir = tempfile::tempdir().unwrap();
    let session = session_in(dir.path(), &FauxProvider::new([]));
    let events = record(&session);
    session.steer("change course", Vec::new());
    session.follow_up("then summarize", Vec::new());
    session.steer("and hurry", Vec::new());
    assert_eq!(session.pending_message_count(), 3);
    assert_eq!(
        session.clear_queue(),
        QueuedMessages {
            steering: vec!["change course".into(), "and hurry".into()],
            follow_up: vec!["then summarize".into()],
        }
    );
    assert_eq!(session.pending_message_count(), 0);
    assert!(!session.agent().has_queued_messages());
    let updates = of_type(&events, "queue_update");
    assert_eq!(
        updates.last().unwrap(),
        &json!({"type": "queue_update", "steering": [], "followUp": []})
    );
    assert_eq!(
        updates[1],
        json!({"type": "queue_update", "steering": ["change course"], "followUp": ["then summarize"]})
    );
}

#[tokio::test]
async fn a_busy_agent_queues_with_a_behavior_and_refuses_without() {
    let dir = tempfile::tempdir().unwrap();
    let faux = FauxProvider::new([
        FauxResponse::text("a long answer streamed slowly to keep the agent busy"),
        FauxResponse::text("answer to the follow-up"),
    ])
    .with_tokens_per_second(40.0);
    let session = session_in(dir.path(), &faux);
    let prepared = session
        .prompt_or_queue("first", Vec::new(), None)
        .await
        .unwrap()
        .unwrap();
    let running = tokio::spawn({
        let session = session.clone();
        async move { session.run_prepared(prepared).await }
    });
    while !session.is_streaming() {
        tokio::task::yield_now().await;
    }
    let refused = session.prompt_or_queue("second", Vec::new(), None).await;
    assert!(matches!(refused, Err(PromptError::Busy)));
    let queued = session
        .prompt_or_queue("second", Vec::new(), Some(StreamingBehavior::FollowUp))
        .await
        .unwrap();
    assert!(queued.is_none());
    assert_eq!(session.queued_messages().follow_up, ["second"]);
    running.await.unwrap().unwrap();
    session.wait_until_settled().await;
    assert_eq!(session.pending_message_count(), 0);
    assert_eq!(
        session.last_assistant_text().as_deref(),
        Some("answer to the follow-up")
    );
    let roles: Vec<String> = session
        .messages()
        .iter()
        .map(|m| m.role().to_string())
        .collect();
    assert_eq!(roles, ["user", "assistant", "user", "assistant"]);
}

#[tokio::test]
async fn a_shell_command_is_recorded_and_reaches_the_model_with_the_next_prompt() {
    let dir = tempfile::tempdir().unwrap();
    let seen = Arc::new(Mutex::new(String::new()));
    let capture = Arc::clone(&seen);
    let faux = FauxProvider::new([FauxResponse::dynamic(move |context, _| {
        *capture.lock().unwrap() = serde_json::to_string(&context.messages).unwrap();
        FauxResponse::text("It printed hello.")
    })]);
    let session = session_in(dir.path(), &faux);
    let events = record(&session);
    let result = session
        .execute_bash("echo hello", &Default::default(), false, Some("b1"))
        .await
        .unwrap();
    assert_eq!(result.output, "hello\n");
    assert_eq!(result.exit_code, Some(0));
    assert_eq!(
        of_type(&events, "bash_execution_update"),
        [json!({"type": "bash_execution_update", "id": "b1", "delta": "hello\n"})]
    );
    let last = serde_json::to_value(session.messages().last().unwrap()).unwrap();
    assert_eq!(last["role"], "bashExecution");
    assert_eq!(last["command"], "echo hello");
    session
        .execute_bash("echo secret", &Default::default(), true, None)
        .await
        .unwrap();
    session
        .prompt("What did it print?", Vec::new())
        .await
        .unwrap();
    let context = seen.lock().unwrap().clone();
    assert!(
        context.contains("Ran `echo hello`\\n```\\nhello\\n\\n```"),
        "{context}"
    );
    assert!(!context.contains("secret"), "{context}");
    let file = session.session().session_file().unwrap().to_path_buf();
    let written = std::fs::read_to_string(file).unwrap();
    assert_eq!(written.matches("\"role\":\"bashExecution\"").count(), 2);
    assert!(written.contains("\"excludeFromContext\":true"));
}

#[tokio::test]
async fn a_shell_command_ending_during_a_run_is_recorded_after_it() {
    let dir = tempfile::tempdir().unwrap();
    let faux = FauxProvider::new([FauxResponse::text(
        "a long answer streamed slowly so that the command ends first",
    )])
    .with_tokens_per_second(40.0);
    let session = session_in(dir.path(), &faux);
    let prompt = tokio::spawn({
        let session = session.clone();
        async move { session.prompt("go", Vec::new()).await }
    });
    while !session.is_streaming() {
        tokio::task::yield_now().await;
    }
    session
        .execute_bash("echo meanwhile", &Default::default(), false, None)
        .await
        .unwrap();
    prompt.await.unwrap().unwrap();
    let roles: Vec<String> = session
        .messages()
        .iter()
        .map(|m| m.role().to_string())
        .collect();
    assert_eq!(roles, ["user", "assistant", "bashExecution"]);
}

#[tokio::test]
async fn aborting_a_shell_command_reports_it_cancelled() {
    let dir = tempfile::tempdir().unwrap();
    let session = session_in(dir.path(), &FauxProvider::new([]));
    let running = tokio::spawn({
        let session = session.clone();
        async move {
            session
                .execute_bash("sleep 30", &Default::default(), false, None)
                .await
        }
    });
    while !session.is_bash_running() {
        tokio::task::yield_now().await;
    }
    session.abort_bash();
    let result = running.await.unwrap().unwrap();
    assert!(result.cancelled);
    assert_eq!(result.exit_code, None);
    assert!(!session.is_bash_running());
}

#[tokio::test]
async fn forks_start_before_user_messages_and_clones_at_any_entry() {
    let dir = tempfile::tempdir().unwrap();
    let faux = FauxProvider::new([FauxResponse::text("one"), FauxResponse::text("two")]);
    let session = session_in(dir.path(), &faux);
    session.prompt("first question", Vec::new()).await.unwrap();
    session.prompt("second question", Vec::new()).await.unwrap();
    let forks = session.fork_messages().unwrap();
    let texts: Vec<&str> = forks.iter().map(|f| f.text.as_str()).collect();
    assert_eq!(texts, ["first question", "second question"]);
    let second = &forks[1];
    let target = session
        .fork_target(&second.entry_id, ForkPosition::Before)
        .unwrap();
    assert_eq!(target.selected_text.as_deref(), Some("second question"));
    let parent = session.session().entry(&second.entry_id).unwrap().unwrap();
    assert_eq!(target.leaf_id, parent.parent_id);
    let leaf = session.session().leaf_id().unwrap().to_string();
    assert!(matches!(
        session.fork_target(&leaf, ForkPosition::Before),
        Err(CommandError::InvalidForkEntry)
    ));
    assert!(matches!(
        session.fork_target("missing", ForkPosition::At),
        Err(CommandError::InvalidForkEntry)
    ));
    let at = session.fork_target(&leaf, ForkPosition::At).unwrap();
    assert_eq!(at.leaf_id.as_deref(), Some(leaf.as_str()));
    assert_eq!(at.selected_text, None);
    assert_eq!(session.last_assistant_text().as_deref(), Some("two"));
}

#[tokio::test]
async fn entries_after_a_cursor_and_the_tree_with_labels() {
    let dir = tempfile::tempdir().unwrap();
    let faux = FauxProvider::new([FauxResponse::text("a"), FauxResponse::text("b")]);
    let session = session_in(dir.path(), &faux);
    session.prompt("one", Vec::new()).await.unwrap();
    let (all, leaf) = session.entries_since(None).unwrap();
    assert_eq!(leaf.as_deref(), all.last().unwrap()["id"].as_str());
    let first_answer = all.last().unwrap()["id"].as_str().unwrap().to_string();
    session.prompt("two", Vec::new()).await.unwrap();
    let (after, _) = session.entries_since(Some(&first_answer)).unwrap();
    let kinds: Vec<&str> = after
        .iter()
        .map(|e| e["message"]["role"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["user", "assistant"]);
    assert!(matches!(
        session.entries_since(Some("nope")),
        Err(CommandError::EntryNotFound(id)) if id == "nope"
    ));

    // A second branch from the first answer, and a label on it.
    {
        let mut manager = session.session();
        manager.branch(&first_answer).unwrap();
        manager
            .append_label_change(&first_answer, Some("checkpoint"))
            .unwrap();
    }
    let tree: Value = serde_json::from_str(&session.tree_json().unwrap()).unwrap();
    let roots = tree.as_array().unwrap();
    assert_eq!(roots.len(), 1);
    // Walk down the single path to the first answer.
    let mut node = &roots[0];
    while node["entry"]["id"] != first_answer {
        assert_eq!(node["children"].as_array().unwrap().len(), 1, "{node}");
        node = &node["children"][0];
    }
    assert_eq!(node["label"], "checkpoint");
    assert!(node["labelTimestamp"].is_string());
    let children = node["children"].as_array().unwrap();
    assert_eq!(children.len(), 2);
    assert_eq!(children[0]["entry"]["message"]["role"], "user");
    assert_eq!(children[1]["entry"]["type"], "label");
    let keys: Vec<&String> = node.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["entry", "children", "label", "labelTimestamp"]);
}

#[test]
fn a_deep_tree_is_written_without_recursion() {
    let dir = tempfile::tempdir().unwrap();
    let mut manager = SessionManager::in_memory(dir.path(), Default::default()).unwrap();
    for n in 0..20_000 {
        manager.append_session_info(&format!("name {n}")).unwrap();
    }
    let faux = FauxProvider::new([]);
    let session = AgentSession::new(manager, config(&faux, faux.model())).unwrap();
    // Run on a small stack: a recursive writer would overflow it.
    let json = std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(move || session.tree_json().unwrap())
        .unwrap()
        .join()
        .unwrap();
    assert!(json.starts_with("[{\"entry\":{\"type\":"));
    assert_eq!(json.matches("\"children\":[").count(), 20_002);
}

#[tokio::test]
async fn stats_of_the_reference_rpc_session() {
    let fixture =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rpc-parity/rpc-main.jsonl");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("session.jsonl");
    std::fs::copy(&fixture, &file).unwrap();
    let manager = SessionManager::open(&file, None, Some(dir.path())).unwrap();
    let faux = FauxProvider::new([]);
    let mut model = faux.model();
    model.provider = "mock-anth".into();
    model.id = "multi-pi".into();
    let session = AgentSession::new(manager, config(&faux, model)).unwrap();
    let stats = serde_json::to_value(session.session_stats().unwrap()).unwrap();
    // As the reference answered `get_session_stats` at the end of this session.
    assert_eq!(
        stats,
        json!({
            "sessionFile": file,
            "sessionId": "01a1fd73-4c13-7674-b9d3-b654609ea28d",
            "userMessages": 4, "assistantMessages": 6, "toolCalls": 3, "toolResults": 3,
            "totalMessages": 15,
            "tokens": {"input": 10204, "output": 222, "cacheRead": 0, "cacheWrite": 0, "total": 10426},
            "cost": 0.0,
            "contextUsage": {"tokens": 1991, "contextWindow": 128000, "percent": 1.5554687500000002},
        })
    );
}

#[tokio::test]
async fn thinking_levels_cycle_through_what_the_model_supports() {
    let dir = tempfile::tempdir().unwrap();
    let faux = FauxProvider::new([]);
    let session = session_in(dir.path(), &faux);
    assert_eq!(session.available_thinking_levels(), [ThinkingLevel::Off]);
    assert_eq!(session.cycle_thinking_level().unwrap(), None);
    let mut reasoning = faux.model();
    reasoning.id = "faux-2".into();
    reasoning.reasoning = true;
    session
        .set_model_checked(reasoning.clone(), ThinkingLevel::High)
        .await
        .unwrap();
    assert_eq!(session.thinking_level(), ThinkingLevel::High);
    let levels = session.available_thinking_levels();
    assert!(
        levels.len() > 1 && levels[0] == ThinkingLevel::Off,
        "{levels:?}"
    );
    let mut seen = Vec::new();
    for _ in 0..levels.len() {
        seen.push(session.cycle_thinking_level().unwrap().unwrap());
    }
    assert_eq!(seen.last(), Some(&ThinkingLevel::High));
    let mut keyless = faux.model();
    keyless.provider = "keyless".into();
    let refused = session.set_model_checked(keyless, ThinkingLevel::Off).await;
    assert_eq!(
        refused.unwrap_err().to_string(),
        "No API key for keyless/faux-1"
    );

    // Cycling models: to the next candidate, with its scope's level.
    let plain = faux.model();
    let cycled = session
        .cycle_model(
            &[
                (plain.clone(), None),
                (reasoning.clone(), Some(ThinkingLevel::Low)),
            ],
            true,
            |_| None,
        )
        .unwrap()
        .unwrap();
    assert!(cycled.model.same_as(&plain));
    assert_eq!(cycled.thinking_level, ThinkingLevel::Off);
    let cycled = session
        .cycle_model(
            &[(plain, None), (reasoning, Some(ThinkingLevel::Low))],
            true,
            |_| None,
        )
        .unwrap()
        .unwrap();
    assert_eq!(cycled.thinking_level, ThinkingLevel::Low);
    assert!(session.cycle_model(&[], false, |_| None).unwrap().is_none());
}

#[tokio::test]
async fn naming_the_session_trims_and_announces() {
    let dir = tempfile::tempdir().unwrap();
    let session = session_in(dir.path(), &FauxProvider::new([]));
    let events = record(&session);
    assert!(matches!(
        session.set_session_name(" \n "),
        Err(CommandError::EmptySessionName)
    ));
    session.set_session_name("  fix\nthe build ").unwrap();
    assert_eq!(session.session().session_name(), Some("fix the build"));
    assert_eq!(
        of_type(&events, "session_info_changed"),
        [json!({"type": "session_info_changed", "name": "fix the build"})]
    );
}

#[tokio::test]
async fn switches_and_modes() {
    let dir = tempfile::tempdir().unwrap();
    let session = session_in(dir.path(), &FauxProvider::new([]));
    session.set_steering_mode(QueueMode::All);
    session.set_follow_up_mode(QueueMode::All);
    assert_eq!(session.steering_mode(), QueueMode::All);
    assert_eq!(session.follow_up_mode(), QueueMode::All);
    assert!(!session.auto_retry_enabled());
    session.set_auto_retry(true);
    assert!(session.auto_retry_enabled());
    assert!(session.auto_compaction_enabled());
    session.set_auto_compaction(false);
    assert!(!session.auto_compaction_enabled());
}

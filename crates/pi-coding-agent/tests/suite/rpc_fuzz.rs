//! Random and malformed input to `pi --mode rpc`: every line gets its answer, the process
//! stays up, and every session file it wrote still loads.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use pi_ai::testing::Turn;
use pi_coding_agent::session::SessionManager;
use proptest::prelude::*;
use serde_json::{Map, Value, json};

use super::binary_support::Pi;
use super::rpc_support::RpcClient;

/// Every command pi answers (`extension_ui_response` gets no answer and is left out).
const COMMANDS: [&str; 37] = [
    "prompt",
    "steer",
    "follow_up",
    "abort",
    "clear_queue",
    "new_session",
    "get_state",
    "set_model",
    "cycle_model",
    "get_available_models",
    "set_thinking_level",
    "cycle_thinking_level",
    "get_available_thinking_levels",
    "set_steering_mode",
    "set_follow_up_mode",
    "compact",
    "compaction_preview",
    "set_auto_compaction",
    "set_auto_retry",
    "abort_retry",
    "bash",
    "abort_bash",
    "get_session_stats",
    "export_html",
    "switch_session",
    "fork",
    "clone",
    "get_fork_messages",
    "get_entries",
    "get_tree",
    "navigate_tree",
    "get_last_assistant_text",
    "set_session_name",
    "get_messages",
    "get_commands",
    "teleport",
    "",
];

/// Field names commands read, and some they do not.
const FIELDS: [&str; 16] = [
    "message",
    "images",
    "streamingBehavior",
    "provider",
    "modelId",
    "level",
    "mode",
    "enabled",
    "customInstructions",
    "excludeFromContext",
    "entryId",
    "since",
    "name",
    "targetId",
    "summarize",
    "unknownField",
];

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        "\\PC{0,12}".prop_map(Value::from),
        prop_oneof![
            Just("steer"),
            Just("followUp"),
            Just("all"),
            Just("one-at-a-time"),
            Just("high"),
            Just("off"),
        ]
        .prop_map(Value::from),
    ];
    leaf.prop_recursive(2, 8, 3, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..3).prop_map(Value::from),
            prop::collection::vec(("[a-z]{1,5}", inner), 0..3)
                .prop_map(|fields| Value::Object(fields.into_iter().collect())),
        ]
    })
}

/// One input line.
#[derive(Debug, Clone)]
enum Input {
    /// A command object (its id is added when sent).
    Command(Map<String, Value>),
    /// Text that may or may not be JSON.
    Text(String),
    /// Bytes without a line feed.
    Garbage(Vec<u8>),
    /// A long line of this many bytes.
    Huge(usize),
}

fn input() -> impl Strategy<Value = Input> {
    let command = (
        prop::sample::select(COMMANDS.to_vec()),
        prop::collection::vec((prop::sample::select(FIELDS.to_vec()), json_value()), 0..4),
        any::<bool>(),
    )
        .prop_map(|(kind, fields, typed)| {
            let mut object: Map<String, Value> = fields
                .into_iter()
                .map(|(key, value)| (key.to_string(), value))
                .collect();
            if typed {
                object.insert("type".into(), kind.into());
            } else {
                object.insert("type".into(), json!(7));
            }
            Input::Command(object)
        });
    prop_oneof![
        6 => command,
        2 => "[^\n]{0,40}".prop_map(Input::Text),
        1 => prop::collection::vec(any::<u8>().prop_filter("no LF", |b| *b != b'\n'), 0..200)
            .prop_map(Input::Garbage),
        1 => (1usize..3).prop_map(|megabytes| Input::Huge(megabytes << 20)),
    ]
}

/// Keeps side effects inside the test's directory: shell commands are harmless and paths
/// point into `root`.
fn tame(command: &mut Map<String, Value>, root: &std::path::Path, n: usize) {
    match command.get("type").and_then(Value::as_str) {
        Some("bash") => {
            command.insert("command".into(), json!("echo fuzz"));
        }
        Some("switch_session") => {
            let path = root.join(format!("switched-{n}.jsonl"));
            command.insert("sessionPath".into(), json!(path));
        }
        Some("export_html") => {
            let path = root.join(format!("export-{n}.html"));
            command.insert("outputPath".into(), json!(path));
        }
        _ => {}
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 8, ..ProptestConfig::default() })]

    #[test]
    fn every_line_is_answered_and_sessions_still_load(lines in prop::collection::vec(input(), 1..40)) {
        let pi = Pi::new();
        // Failed requests are not retried: the run ends at once.
        std::fs::write(
            pi.agent.join("settings.json"),
            r#"{"retry": {"enabled": false, "provider": {"maxRetries": 0}}}"#,
        ).unwrap();
        for n in 0..15 {
            pi.push(Turn::text(format!("answer {n}")));
        }
        let root = pi.work.join("fuzz");
        std::fs::create_dir_all(&root).unwrap();
        let mut client = RpcClient::start(&pi, &["--model", "test-openai/m"]);
        let mut ids = HashSet::new();
        let mut anonymous = 0usize;
        for (n, line) in lines.iter().enumerate() {
            match line {
                Input::Command(object) => {
                    let mut object = object.clone();
                    tame(&mut object, &root, n);
                    let id = format!("f{n}");
                    object.insert("id".into(), json!(id));
                    ids.insert(id);
                    client.send(&Value::Object(object));
                }
                Input::Text(text) => {
                    let mut bytes = text.clone().into_bytes();
                    bytes.push(b'\n');
                    client.write_raw(&bytes);
                    anonymous += 1;
                }
                Input::Garbage(bytes) => {
                    let mut bytes = bytes.clone();
                    bytes.push(b'\n');
                    client.write_raw(&bytes);
                    anonymous += 1;
                }
                Input::Huge(size) => {
                    let mut bytes = vec![b'['; *size];
                    bytes.push(b'\n');
                    client.write_raw(&bytes);
                    anonymous += 1;
                }
            }
        }
        // Wait for every answer.
        let deadline = Instant::now() + Duration::from_secs(60);
        let mut seen_ids = HashSet::new();
        let mut seen_anonymous = 0usize;
        while seen_ids.len() < ids.len() || seen_anonymous < anonymous {
            prop_assert!(Instant::now() < deadline, "missing answers: {:?}", ids.difference(&seen_ids).collect::<Vec<_>>());
            let record = client.wait_for(|record| record["type"] == "response");
            match record["id"].as_str() {
                Some(id) => {
                    prop_assert!(seen_ids.insert(id.to_string()), "two answers for {}", id);
                }
                None => {
                    prop_assert_eq!(&record["command"], "parse");
                    seen_anonymous += 1;
                }
            }
        }
        prop_assert_eq!(&seen_ids, &ids);
        // Still alive and answering.
        let state = client.request(&json!({"id": "alive", "type": "get_state"}));
        prop_assert_eq!(&state["success"], true);
        let (code, transcript) = client.finish();
        prop_assert_eq!(code, 0);
        for line in &transcript {
            prop_assert!(serde_json::from_str::<Value>(line).is_ok(), "not JSON: {}", line);
        }
        let mut files = pi.session_files();
        files.extend(
            std::fs::read_dir(&root)
                .unwrap()
                .flatten()
                .map(|entry| entry.path())
                .filter(|path| path.extension().is_some_and(|e| e == "jsonl")),
        );
        for file in files {
            let session = SessionManager::open(&file, None, None);
            prop_assert!(session.is_ok(), "{}: {:?}", file.display(), session.err());
            prop_assert!(session.unwrap().build_session_context().is_ok());
        }
    }
}

//! `pi --mode rpc` end to end: the reference's RPC transcript replayed line for line, every
//! command's response and errors, queues, shell commands, session replacement, and bad
//! input that must never stop the process.

use pi_ai::testing::{Fault, Turn};
use serde_json::{Value, json};

use super::binary_support::{Pi, read_jsonl};
use super::rpc_support::RpcClient;

fn fixtures() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rpc-parity")
}

/// The reference's providers: one model `multi-pi` (reasoning) on Chat Completions and on
/// Anthropic Messages.
fn reference_models(pi: &Pi) -> Value {
    let mut models = pi.models_json();
    let model = json!([{"id": "multi-pi", "reasoning": true}]);
    models["providers"]["mock-chat"] = json!({
        "baseUrl": format!("{}/v1", pi.server.url()),
        "api": "openai-completions",
        "apiKey": "sk-mock",
        "models": model,
    });
    models["providers"]["mock-anth"] = json!({
        "baseUrl": pi.server.url(),
        "api": "anthropic-messages",
        "apiKey": "sk-ant-mock",
        "models": model,
    });
    models
}

#[test]
fn rpc_mode_matches_the_reference_transcript() {
    let pi = Pi::new();
    std::fs::write(pi.work.join("copy.txt"), "copied\n").unwrap();
    std::fs::write(pi.work.join("out.txt"), "").unwrap();
    pi.write_models(&reference_models(&pi));
    for n in 0..7 {
        let body = std::fs::read(fixtures().join(format!("turn-{n}.sse"))).unwrap();
        pi.push(Turn::raw(body));
    }
    let mut command = pi.command();
    command.env(
        "PI_PACKAGE_DIR",
        "/usr/local/lib/node_modules/@earendil-works/pi-coding-agent",
    );
    let mut client =
        RpcClient::start_with(command, &["--provider", "mock-chat", "--model", "multi-pi"]);
    let input = std::fs::read_to_string(fixtures().join("rpc-session.in.jsonl")).unwrap();
    let reference_fork_ids = ["47c21ecc", "e70a1d05", "22788e83", "498c2738"];
    let mut our_fork_ids: Vec<String> = Vec::new();
    for line in input.lines() {
        let mut command: Value = serde_json::from_str(line).unwrap();
        if command["type"] == "fork" {
            // Entry ids are random: fork from our entry at the reference's position.
            let at = reference_fork_ids
                .iter()
                .position(|id| command["entryId"] == *id)
                .unwrap();
            command["entryId"] = json!(our_fork_ids[at]);
        }
        let response = client.request(&command);
        assert_eq!(response["success"], true, "{response}");
        if command["type"] == "get_fork_messages" {
            our_fork_ids = response["data"]["messages"]
                .as_array()
                .unwrap()
                .iter()
                .map(|m| m["entryId"].as_str().unwrap().to_string())
                .collect();
        }
        if command["type"] == "prompt" {
            client.wait_for(|record| record["type"] == "agent_settled");
        }
    }
    let (code, transcript) = client.finish();
    assert_eq!(code, 0);
    let work = pi.work.to_string_lossy().into_owned();
    let url = pi.server.url();
    let ours = normalize(
        &transcript
            .join("\n")
            .replace(&work, "/home/user/project")
            .replace(&url, "<url>"),
    );
    let reference = normalize(
        &std::fs::read_to_string(fixtures().join("rpc-session.out.jsonl"))
            .unwrap()
            .replace("http://127.0.0.1:37427", "<url>"),
    );
    let kinds = |records: &[Value]| -> Vec<String> {
        records
            .iter()
            .map(|r| {
                let inner = r["assistantMessageEvent"]["type"]
                    .as_str()
                    .unwrap_or_default();
                let role = r["message"]["role"].as_str().unwrap_or_default();
                let command = r["command"].as_str().unwrap_or_default();
                format!(
                    "{} {inner}{role}{command}",
                    r["type"].as_str().unwrap_or_default()
                )
            })
            .collect()
    };
    assert_eq!(kinds(&ours), kinds(&reference));
    for (n, (ours, reference)) in ours.iter().zip(&reference).enumerate() {
        assert_eq!(ours, reference, "record {n}");
    }
    // The fork wrote a session of its own, holding the branch before the forked message.
    let files = pi.session_files();
    assert_eq!(files.len(), 2, "{files:?}");
}

/// Times, session ids and files, entry ids and the usage of a `message_update` vary from
/// run to run (see `binary.rs::normalize_events`); so does the order in which parallel
/// tools finish.
fn normalize(jsonl: &str) -> Vec<Value> {
    fn scrub(value: &mut Value) {
        match value {
            Value::Object(map) => {
                for (key, value) in map.iter_mut() {
                    if key == "timestamp" {
                        *value = json!(0);
                    } else {
                        scrub(value);
                    }
                }
            }
            Value::Array(items) => items.iter_mut().for_each(scrub),
            _ => {}
        }
    }
    let mut records: Vec<Value> = jsonl
        .lines()
        .map(|line| {
            let mut record: Value = serde_json::from_str(line).unwrap();
            if record["type"] == "message_start" {
                record["message"]
                    .as_object_mut()
                    .unwrap()
                    .remove("responseId");
            }
            if record["type"] == "message_update" {
                for (_, count) in record["usage"].as_object_mut().unwrap().iter_mut() {
                    if count.is_number() {
                        *count = json!(0);
                    }
                }
                record["usage"]["cost"] = json!("<cost>");
                record["usage"].as_object_mut().unwrap().remove("reasoning");
            }
            let fork_messages = record["command"] == "get_fork_messages";
            if let Some(data) = record.get_mut("data").and_then(Value::as_object_mut) {
                for key in ["sessionFile", "sessionId"] {
                    if data.contains_key(key) {
                        data.insert(key.into(), json!(format!("<{key}>")));
                    }
                }
                if fork_messages {
                    for message in data["messages"].as_array_mut().unwrap() {
                        message["entryId"] = json!("<entry>");
                    }
                }
            }
            scrub(&mut record);
            record
        })
        .collect();
    // Tools of one turn finish in any order: compare their ends sorted.
    let mut at = 0;
    while at < records.len() {
        let end = (at..records.len())
            .find(|&i| records[i]["type"] != "tool_execution_end")
            .unwrap_or(records.len());
        records[at..end].sort_by_key(|r| r["toolCallId"].to_string());
        at = end.max(at + 1);
    }
    records
}

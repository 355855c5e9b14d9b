//! `pi --mode rpc` end to end: the reference's RPC transcript replayed line for line, every
//! command's response and errors, queues, shell commands, session replacement, and bad
//! input that must never stop the process.

use std::time::Duration;

use pi_ai::testing::Turn;
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

/// Waits for a prompt's answer and its run.
fn prompt(client: &mut RpcClient, id: &str, message: &str) {
    let response = client.request(&json!({"id": id, "type": "prompt", "message": message}));
    assert_eq!(response["success"], true, "{response}");
    client.wait_for(|record| record["type"] == "agent_settled");
}

fn state(client: &mut RpcClient) -> Value {
    client.request(&json!({"id": "state", "type": "get_state"}))["data"].clone()
}

/// The text of the last user message of a recorded request (any wire API).
fn last_user_text(request: &pi_ai::testing::RecordedRequest) -> String {
    request.body.to_string()
}

#[test]
fn shell_output_reaches_the_model_with_the_next_prompt() {
    let pi = Pi::new();
    pi.push(Turn::text("It printed it."));
    let mut client = RpcClient::start(&pi, &["--model", "test-openai/m"]);
    let response = client.request(&json!({"id": "b", "type": "bash", "command": "echo from-rpc"}));
    assert_eq!(
        response["data"],
        json!({"output": "from-rpc\n", "exitCode": 0, "cancelled": false, "truncated": false})
    );
    let update = client
        .records()
        .into_iter()
        .find(|r| r["type"] == "bash_execution_update")
        .unwrap();
    assert_eq!(
        update,
        json!({"type": "bash_execution_update", "id": "b", "delta": "from-rpc\n"})
    );
    let hidden = client.request(&json!({
        "id": "h", "type": "bash", "command": "echo hidden-output", "excludeFromContext": true
    }));
    assert_eq!(hidden["success"], true);
    prompt(&mut client, "p", "What did the shell print?");
    let body = last_user_text(&pi.server.requests()[0]);
    assert!(body.contains("Ran `echo from-rpc`"), "{body}");
    assert!(!body.contains("hidden-output"), "{body}");

    // A command that runs until aborted.
    client.send(&json!({"id": "long", "type": "bash", "command": "echo started; sleep 30"}));
    client.wait_for(|r| r["type"] == "bash_execution_update" && r["id"] == "long");
    let aborted = client.request(&json!({"id": "ab", "type": "abort_bash"}));
    assert_eq!(aborted["success"], true);
    let result = client.wait_for(|r| r["type"] == "response" && r["id"] == "long");
    assert_eq!(
        result["data"],
        json!({"output": "started\n", "cancelled": true, "truncated": false})
    );
    let (code, _) = client.finish();
    assert_eq!(code, 0);
    let entries = pi.session_entries();
    let roles: Vec<&str> = entries
        .iter()
        .filter_map(|e| e["message"]["role"].as_str())
        .collect();
    // The system message is written with the first prompt, as pi writes it.
    assert_eq!(
        roles,
        [
            "bashExecution",
            "bashExecution",
            "system",
            "user",
            "assistant",
            "bashExecution"
        ]
    );
}

#[test]
fn steering_and_follow_ups_reach_the_model_in_order() {
    let pi = Pi::new();
    pi.push(
        Turn::text("a long answer that streams for a while")
            .with_chunks(20)
            .with_delay(Duration::from_millis(40)),
    );
    pi.push(Turn::text("Steered."));
    pi.push(Turn::text("Followed up."));
    let mut client = RpcClient::start(&pi, &["--model", "test-openai/m"]);
    client.request(&json!({"id": "p", "type": "prompt", "message": "start"}));
    client.wait_for(|r| r["type"] == "message_update");
    let refused = client.request(&json!({"id": "q", "type": "prompt", "message": "now"}));
    assert_eq!(
        refused["error"],
        "Agent is already processing. Specify streamingBehavior ('steer' or 'followUp') to queue the message."
    );
    client.request(&json!({"id": "s", "type": "steer", "message": "change of plan"}));
    client.request(&json!({
        "id": "f", "type": "prompt", "message": "and then this", "streamingBehavior": "followUp"
    }));
    let busy = state(&mut client);
    assert_eq!(busy["isStreaming"], true);
    assert_eq!(busy["pendingMessageCount"], 2);
    client.wait_for(|r| r["type"] == "agent_settled");
    let updates: Vec<Value> = client
        .records()
        .into_iter()
        .filter(|r| r["type"] == "queue_update")
        .collect();
    assert_eq!(
        updates,
        [
            json!({"type": "queue_update", "steering": ["change of plan"], "followUp": []}),
            json!({"type": "queue_update", "steering": ["change of plan"], "followUp": ["and then this"]}),
            json!({"type": "queue_update", "steering": [], "followUp": ["and then this"]}),
            json!({"type": "queue_update", "steering": [], "followUp": []}),
        ]
    );
    let requests = pi.server.requests();
    assert_eq!(requests.len(), 3);
    assert!(last_user_text(&requests[1]).contains("change of plan"));
    assert!(last_user_text(&requests[2]).contains("and then this"));
    assert_eq!(client.finish().0, 0);
}

#[test]
fn clearing_the_queue_and_aborting_a_run() {
    let pi = Pi::new();
    pi.push(
        Turn::text("a long answer that streams for a good while before it ends")
            .with_chunks(40)
            .with_delay(Duration::from_millis(50)),
    );
    let mut client = RpcClient::start(&pi, &["--model", "test-openai/m"]);
    client.request(&json!({"id": "p", "type": "prompt", "message": "start"}));
    client.wait_for(|r| r["type"] == "message_update");
    client.request(&json!({"id": "s", "type": "steer", "message": "one"}));
    client.request(&json!({"id": "f", "type": "follow_up", "message": "two"}));
    let cleared = client.request(&json!({"id": "c", "type": "clear_queue"}));
    assert_eq!(
        cleared["data"],
        json!({"steering": ["one"], "followUp": ["two"]})
    );
    let aborted = client.request(&json!({"id": "a", "type": "abort"}));
    assert_eq!(aborted["success"], true);
    // `abort` answers once the run has settled.
    let records = client.records();
    let settled = records
        .iter()
        .position(|r| r["type"] == "agent_settled")
        .unwrap();
    let answered = records.iter().position(|r| r["id"] == "a").unwrap();
    assert!(settled < answered);
    let text = client.request(&json!({"id": "t", "type": "get_last_assistant_text"}));
    let partial = text["data"]["text"].as_str().unwrap();
    assert!(!partial.is_empty());
    assert!("a long answer that streams for a good while before it ends".starts_with(partial));
    assert_eq!(state(&mut client)["isStreaming"], false);
    assert_eq!(pi.server.requests().len(), 1);
    assert_eq!(client.finish().0, 0);
    let last = pi.session_entries().pop().unwrap();
    assert_eq!(last["message"]["stopReason"], "aborted");
}

#[test]
fn sessions_are_replaced_by_new_switch_clone_and_fork() {
    let pi = Pi::new();
    for text in ["One.", "Two.", "Three."] {
        pi.push(Turn::text(text));
    }
    let mut client = RpcClient::start(&pi, &["--model", "test-openai/m"]);
    prompt(&mut client, "p1", "first");
    let first = state(&mut client);
    let first_file = first["sessionFile"].as_str().unwrap().to_string();
    assert_eq!(first["messageCount"], 3);

    let created =
        client.request(&json!({"id": "n", "type": "new_session", "parentSession": first_file}));
    assert_eq!(created["data"], json!({"cancelled": false}));
    let fresh = state(&mut client);
    assert_ne!(fresh["sessionFile"], first_file.as_str());
    assert_ne!(fresh["sessionId"], first["sessionId"]);
    assert_eq!(fresh["messageCount"], 0);
    prompt(&mut client, "p2", "second");
    let second_file = state(&mut client)["sessionFile"]
        .as_str()
        .unwrap()
        .to_string();
    let header = &read_jsonl(std::path::Path::new(&second_file))[0];
    assert_eq!(header["parentSession"], first_file.as_str());

    let switched =
        client.request(&json!({"id": "w", "type": "switch_session", "sessionPath": first_file}));
    assert_eq!(switched["data"], json!({"cancelled": false}));
    let back = state(&mut client);
    assert_eq!(back["sessionFile"], first_file.as_str());
    assert_eq!(back["messageCount"], 3);
    // Switching to the session already open reloads it.
    let again =
        client.request(&json!({"id": "w2", "type": "switch_session", "sessionPath": first_file}));
    assert_eq!(again["success"], true, "{again}");

    let cloned = client.request(&json!({"id": "c", "type": "clone"}));
    assert_eq!(cloned["data"], json!({"cancelled": false}));
    let clone = state(&mut client);
    assert_ne!(clone["sessionFile"], first_file.as_str());
    assert_eq!(clone["messageCount"], 3);

    let forks = client.request(&json!({"id": "m", "type": "get_fork_messages"}));
    let entry = forks["data"]["messages"][0]["entryId"].clone();
    assert_eq!(forks["data"]["messages"][0]["text"], "first");
    let forked = client.request(&json!({"id": "f", "type": "fork", "entryId": entry}));
    assert_eq!(forked["data"], json!({"text": "first", "cancelled": false}));
    // The fork keeps what came before the message: the system prompt.
    assert_eq!(state(&mut client)["messageCount"], 1);
    prompt(&mut client, "p3", "first, again");
    assert_eq!(state(&mut client)["messageCount"], 3);

    let bad = client.request(
        &json!({"id": "x", "type": "switch_session", "sessionPath": pi.work.join("input.txt")}),
    );
    assert_eq!(bad["success"], false);
    assert!(
        bad["error"]
            .as_str()
            .unwrap()
            .contains("not a valid pi session"),
        "{bad}"
    );
    assert_eq!(state(&mut client)["messageCount"], 3);
    assert_eq!(client.finish().0, 0);
    // first, second, the clone and the fork.
    assert_eq!(pi.session_files().len(), 4);
}

#[test]
fn entries_tree_name_and_html_export() {
    let pi = Pi::new();
    pi.push(Turn::text("One."));
    pi.push(Turn::text("Two."));
    let mut client = RpcClient::start(&pi, &["--model", "test-openai/m", "--name", "start"]);
    prompt(&mut client, "p1", "first");
    let all = client.request(&json!({"id": "e", "type": "get_entries"}));
    let entries = all["data"]["entries"].as_array().unwrap().clone();
    assert_eq!(all["data"]["leafId"], entries.last().unwrap()["id"]);
    let cursor = entries.last().unwrap()["id"].clone();
    let renamed =
        client.request(&json!({"id": "n", "type": "set_session_name", "name": " renamed\n"}));
    assert_eq!(renamed["success"], true);
    assert!(
        client
            .records()
            .iter()
            .any(|r| r == &json!({"type": "session_info_changed", "name": "renamed"}))
    );
    assert_eq!(state(&mut client)["sessionName"], "renamed");
    prompt(&mut client, "p2", "second");
    let after = client.request(&json!({"id": "e2", "type": "get_entries", "since": cursor}));
    let kinds: Vec<String> = after["data"]["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            format!(
                "{}:{}",
                e["type"].as_str().unwrap(),
                e["message"]["role"].as_str().unwrap_or("")
            )
        })
        .collect();
    assert_eq!(
        kinds,
        ["session_info:", "message:user", "message:assistant"]
    );
    let missing = client.request(&json!({"id": "e3", "type": "get_entries", "since": "nope"}));
    assert_eq!(missing["error"], "Entry not found: nope");

    let tree = client.request(&json!({"id": "t", "type": "get_tree"}));
    let roots = tree["data"]["tree"].as_array().unwrap();
    assert_eq!(roots.len(), 1);
    assert_eq!(roots[0]["entry"]["type"], "session_info");
    let mut depth = 0;
    let mut node = &roots[0];
    while let Some(child) = node["children"].as_array().and_then(|c| c.first()) {
        node = child;
        depth += 1;
    }
    assert_eq!(node["entry"]["id"], tree["data"]["leafId"]);
    assert_eq!(
        depth + 1,
        after["data"]["entries"].as_array().unwrap().len() + entries.len()
    );

    let page = pi.work.join("page.html");
    let exported = client.request(&json!({"id": "x", "type": "export_html", "outputPath": page}));
    assert_eq!(exported["data"]["path"], page.to_string_lossy().as_ref());
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>") || html.starts_with("<!doctype html>"));
    assert_eq!(client.finish().0, 0);
}

#[test]
fn compaction_its_dry_run_and_tree_navigation() {
    let pi = Pi::new();
    std::fs::write(
        pi.agent.join("settings.json"),
        r#"{"compaction": {"keepRecentTokens": 6}}"#,
    )
    .unwrap();
    pi.push(Turn::text("First answer."));
    pi.push(Turn::text("Second answer."));
    pi.push(Turn::text("## Goal\nSummary of the first exchange."));
    let mut client = RpcClient::start(&pi, &["--model", "test-openai/m"]);
    let early = client.request(&json!({"id": "c0", "type": "compact"}));
    assert_eq!(early["error"], "Nothing to compact (session too small)");
    prompt(&mut client, "p1", "first prompt");
    prompt(&mut client, "p2", "second prompt");
    let forks = client.request(&json!({"id": "m", "type": "get_fork_messages"}));
    let second_user = forks["data"]["messages"][1]["entryId"].clone();

    let preview = client.request(&json!({"id": "d", "type": "compaction_preview"}));
    assert_eq!(preview["data"]["firstKeptEntryId"], second_user);
    assert_eq!(pi.server.requests().len(), 2, "a dry run asks no model");

    let compacted = client
        .request(&json!({"id": "c", "type": "compact", "customInstructions": "keep it short"}));
    assert_eq!(compacted["success"], true, "{compacted}");
    assert_eq!(
        compacted["data"]["summary"],
        "## Goal\nSummary of the first exchange."
    );
    assert_eq!(compacted["data"]["firstKeptEntryId"], second_user);
    let types: Vec<String> = client
        .records()
        .iter()
        .filter(|r| r["type"].as_str().unwrap().starts_with("compaction_"))
        .map(|r| {
            format!(
                "{} {}",
                r["type"].as_str().unwrap(),
                r["reason"].as_str().unwrap()
            )
        })
        .collect();
    // The first, refused compaction is announced too, as pi does.
    assert_eq!(
        types,
        [
            "compaction_start manual",
            "compaction_end manual",
            "compaction_start manual",
            "compaction_end manual"
        ]
    );
    let failed = client
        .records()
        .into_iter()
        .find(|r| r["type"] == "compaction_end")
        .unwrap();
    assert_eq!(
        failed["errorMessage"],
        "Compaction failed: Nothing to compact (session too small)"
    );
    let stats = client.request(&json!({"id": "s", "type": "get_session_stats"}));
    assert_eq!(stats["data"]["contextUsage"]["tokens"], Value::Null);
    assert_eq!(stats["data"]["contextUsage"]["percent"], Value::Null);

    // Back to the second question: its text returns for re-editing.
    let navigated =
        client.request(&json!({"id": "n", "type": "navigate_tree", "targetId": second_user}));
    assert_eq!(
        navigated["data"],
        json!({"editorText": "second prompt", "cancelled": false})
    );
    let entries = client.request(&json!({"id": "e", "type": "get_entries"}));
    let parent = entries["data"]["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["id"] == second_user)
        .unwrap()["parentId"]
        .clone();
    assert_eq!(entries["data"]["leafId"], parent);
    let missing = client.request(&json!({"id": "n2", "type": "navigate_tree", "targetId": "nope"}));
    assert_eq!(missing["error"], "Entry nope not found");
    assert_eq!(client.finish().0, 0);
}

#[test]
fn a_prompt_with_an_image() {
    let pi = Pi::new();
    let mut models = pi.models_json();
    models["providers"]["test-openai"]["models"] = json!([{"id": "m", "input": ["text", "image"]}]);
    pi.write_models(&models);
    pi.push(Turn::text("A red pixel."));
    let mut client = RpcClient::start(&pi, &["--model", "test-openai/m"]);
    let png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";
    let response = client.request(&json!({
        "id": "p", "type": "prompt", "message": "What is this?",
        "images": [{"type": "image", "data": png, "mimeType": "image/png"}]
    }));
    assert_eq!(response["success"], true);
    client.wait_for(|r| r["type"] == "agent_settled");
    let body = pi.server.requests()[0].body.to_string();
    assert!(body.contains("data:image/png;base64,"), "{body}");
    let bad =
        client.request(&json!({"id": "b", "type": "prompt", "message": "x", "images": "nope"}));
    assert_eq!(
        bad["error"],
        "Invalid \"images\": expected an array of images, got a string"
    );
    assert_eq!(client.finish().0, 0);
}

#[test]
fn the_last_line_without_a_newline_is_answered_at_the_end_of_input() {
    let pi = Pi::new();
    let mut client = RpcClient::start(&pi, &["--model", "test-openai/m", "--no-session"]);
    client.write_raw(b"{\"id\":\"a\",\"type\":\"get_state\"}\r\n{\"id\":\"b\",\"type\":\"get_available_thinking_levels\"}");
    let (code, transcript) = client.finish();
    assert_eq!(code, 0);
    let records: Vec<Value> = transcript
        .iter()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(records.len(), 2, "{transcript:?}");
    assert_eq!(records[0]["id"], "a");
    assert_eq!(records[0]["data"].get("sessionFile"), None);
    assert_eq!(
        records[1],
        json!({"id": "b", "type": "response", "command": "get_available_thinking_levels", "success": true, "data": {"levels": ["off"]}})
    );
}

#[test]
fn sigterm_and_sighup_end_rpc_mode_with_their_codes() {
    for (signal, code) in [("-TERM", 143), ("-HUP", 129)] {
        let pi = Pi::new();
        let mut client = RpcClient::start(&pi, &["--model", "test-openai/m"]);
        client.request(&json!({"id": "s", "type": "get_state"}));
        let status = std::process::Command::new("kill")
            .args([signal, &client.pid().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        assert_eq!(client.wait_exit(), code, "{signal}");
    }
}

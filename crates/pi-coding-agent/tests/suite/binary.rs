//! The `pi` binary end to end: print and JSON modes against each wire API, sessions on
//! disk, files really changed by tools, retries, failures and configuration errors.

use pi_ai::testing::{Fault, Turn};
use serde_json::json;

use super::binary_support::{APIS, Pi, entry_kinds, read_jsonl};

fn model_arg(provider: &str, id: &str) -> String {
    format!("{provider}/{id}")
}

#[test]
fn hello_in_print_mode_for_every_api() {
    for (api, provider) in APIS {
        let pi = Pi::new();
        pi.push(Turn::text("Hello from the test server!"));
        let run = pi.run(
            &["--model", &model_arg(provider, "m"), "-p", "Say hello"],
            "",
        );
        assert_eq!(run.code, 0, "{api}: {}", run.stderr);
        assert_eq!(run.stdout, "Hello from the test server!\n", "{api}");
        let entries = pi.session_entries();
        assert_eq!(
            entry_kinds(&entries),
            [
                "session",
                "model_change",
                "thinking_level_change",
                "message:system",
                "message:user",
                "message:assistant"
            ],
            "{api}"
        );
        assert_eq!(entries[1]["provider"], provider);
        assert_eq!(entries[1]["modelId"], "m");
        // A model without reasoning thinks at `off`.
        assert_eq!(entries[2]["thinkingLevel"], "off");
        assert_eq!(entries[4]["message"]["content"][0]["text"], "Say hello");
        let system = &entries[3]["message"];
        assert_eq!(system["content"], "");
        assert!(system["sections"]["preamble"].is_string());
        assert_eq!(system["toolsAdded"].as_array().map(Vec::len), Some(4));
    }
}

#[test]
fn a_five_tool_task_changes_real_files() {
    for (api, provider) in APIS {
        let pi = Pi::new();
        pi.push(
            Turn::text("Let me look around.")
                .with_tool_call("bash", json!({"command": "rm -f out.txt && ls"})),
        );
        pi.push(Turn::default().with_tool_call("read", json!({"path": "input.txt"})));
        pi.push(Turn::default().with_tool_call("bash", json!({"command": "echo hi"})));
        pi.push(Turn::default().with_tool_call(
            "write",
            json!({"path": "out.txt", "content": "hello from the test\n"}),
        ));
        pi.push(Turn::default().with_tool_call(
            "edit",
            json!({"path": "out.txt", "edits": [{"oldText": "hello", "newText": "goodbye"}]}),
        ));
        pi.push(Turn::text("Done."));
        let run = pi.run(
            &["--model", &model_arg(provider, "m"), "--mode", "json", "go"],
            "",
        );
        assert_eq!(run.code, 0, "{api}: {}", run.stderr);
        assert_eq!(
            std::fs::read_to_string(pi.work.join("out.txt")).unwrap(),
            "goodbye from the test\n",
            "{api}"
        );
        let events = run.events();
        assert_eq!(events[0]["type"], "session", "{api}");
        let ends: Vec<_> = events
            .iter()
            .filter(|e| e["type"] == "tool_execution_end")
            .map(|e| {
                (
                    e["toolName"].as_str().unwrap().to_string(),
                    e["isError"].clone(),
                )
            })
            .collect();
        assert_eq!(
            ends,
            [
                ("bash".to_string(), json!(false)),
                ("read".to_string(), json!(false)),
                ("bash".to_string(), json!(false)),
                ("write".to_string(), json!(false)),
                ("edit".to_string(), json!(false)),
            ],
            "{api}"
        );
        let types = run.event_types();
        assert_eq!(
            types[types.len() - 2..],
            ["agent_end", "agent_settled"],
            "{api}"
        );
        let entries = pi.session_entries();
        assert_eq!(
            entries
                .iter()
                .filter(|e| e["message"]["role"] == "toolResult")
                .count(),
            5
        );
    }
}

#[test]
fn json_mode_message_updates_carry_only_the_delta() {
    let pi = Pi::new();
    pi.push(Turn::text("abc def ghi"));
    let run = pi.run(&["--model", "test-openai/m", "--mode", "json", "hi"], "");
    assert_eq!(run.code, 0, "{}", run.stderr);
    let updates: Vec<_> = run
        .events()
        .into_iter()
        .filter(|e| e["type"] == "message_update")
        .collect();
    assert!(!updates.is_empty());
    for update in &updates {
        let keys: Vec<_> = update.as_object().unwrap().keys().cloned().collect();
        assert_eq!(keys, ["type", "usage", "assistantMessageEvent"]);
        assert!(update["assistantMessageEvent"].get("partial").is_none());
    }
    let types = run.event_types();
    assert_eq!(
        types[..7],
        [
            "session",
            "agent_start",
            "turn_start",
            "message_start",
            "message_end",
            "message_start",
            "message_end"
        ]
    );
}

#[test]
fn thinking_is_streamed_and_stored() {
    for (api, provider) in APIS {
        let pi = Pi::new();
        pi.push(Turn::text("The answer.").with_thinking("Let me think about it."));
        let model = model_arg(provider, "r");
        let run = pi.run(
            &[
                "--model",
                &model,
                "--thinking",
                "high",
                "--mode",
                "json",
                "q",
            ],
            "",
        );
        assert_eq!(run.code, 0, "{api}: {}", run.stderr);
        let kinds: Vec<_> = run
            .events()
            .iter()
            .filter(|e| e["type"] == "message_update")
            .map(|e| {
                e["assistantMessageEvent"]["type"]
                    .as_str()
                    .unwrap()
                    .to_string()
            })
            .collect();
        assert!(
            kinds.contains(&"thinking_delta".to_string()),
            "{api}: {kinds:?}"
        );
        let entries = pi.session_entries();
        assert_eq!(entries[2]["thinkingLevel"], "high", "{api}");
        let assistant = entries.last().unwrap();
        // (Mistral opens every answer with an empty text block.)
        let thinking = assistant["message"]["content"]
            .as_array()
            .unwrap()
            .iter()
            .find(|block| block["type"] == "thinking")
            .unwrap_or_else(|| panic!("{api}: {assistant}"));
        assert_eq!(thinking["thinking"], "Let me think about it.", "{api}");
    }
}

#[test]
fn a_429_is_retried_with_events() {
    for (api, provider) in APIS {
        let pi = Pi::new();
        std::fs::write(
            pi.agent.join("settings.json"),
            r#"{"retry": {"baseDelayMs": 10}}"#,
        )
        .unwrap();
        pi.push(Turn::fault(Fault::Http {
            status: 429,
            retry_after: None,
            message: Some("Rate limit exceeded".into()),
        }));
        pi.push(Turn::text("Recovered."));
        let run = pi.run(
            &["--model", &model_arg(provider, "m"), "--mode", "json", "hi"],
            "",
        );
        assert_eq!(run.code, 0, "{api}: {}", run.stderr);
        let events = run.events();
        let start = events
            .iter()
            .find(|e| e["type"] == "auto_retry_start")
            .unwrap();
        assert_eq!(start["attempt"], 1, "{api}");
        assert_eq!(start["maxAttempts"], 3);
        assert_eq!(start["delayMs"], 10);
        assert!(
            start["errorMessage"].as_str().unwrap().contains("429"),
            "{start}"
        );
        let end = events
            .iter()
            .find(|e| e["type"] == "auto_retry_end")
            .unwrap();
        assert_eq!(
            end,
            &json!({"type": "auto_retry_end", "success": true, "attempt": 1})
        );
        let agent_ends: Vec<_> = events
            .iter()
            .filter(|e| e["type"] == "agent_end")
            .map(|e| e["willRetry"].clone())
            .collect();
        assert_eq!(agent_ends, [json!(true), json!(false)], "{api}");
        // The failed attempt stays in the file, hidden from the model by a context edit.
        let kinds = entry_kinds(&pi.session_entries());
        assert_eq!(
            kinds[3..],
            [
                "message:system",
                "message:user",
                "message:assistant",
                "context_edit",
                "message:assistant"
            ],
            "{api}"
        );
        // The retried request does not replay the failure.
        let requests = pi.server.requests();
        assert_eq!(requests.len(), 2);
    }
}

#[test]
fn a_cut_stream_fails_in_print_mode_and_the_session_stays_loadable() {
    for (api, provider) in APIS {
        let pi = Pi::new();
        std::fs::write(
            pi.agent.join("settings.json"),
            r#"{"retry": {"enabled": false}}"#,
        )
        .unwrap();
        pi.push(
            Turn::text("this answer will be cut short").with_fault(Fault::Cut { after_events: 2 }),
        );
        let run = pi.run(&["--model", &model_arg(provider, "m"), "-p", "hi"], "");
        assert_eq!(run.code, 1, "{api}");
        assert!(!run.stderr.is_empty(), "{api}");
        assert!(run.stdout.is_empty(), "{api}: {}", run.stdout);
        let entries = pi.session_entries();
        assert_eq!(
            entries.last().unwrap()["message"]["stopReason"],
            "error",
            "{api}"
        );
        // And it continues.
        pi.push(Turn::text("Second try."));
        let run = pi.run(
            &["--model", &model_arg(provider, "m"), "-c", "-p", "again"],
            "",
        );
        assert_eq!(run.code, 0, "{api}: {}", run.stderr);
        assert_eq!(run.stdout, "Second try.\n");
    }
}

#[test]
fn file_arguments_and_piped_stdin_form_the_first_prompt() {
    let pi = Pi::new();
    std::fs::write(pi.work.join("notes.md"), "remember this").unwrap();
    pi.push(Turn::text("ok"));
    let run = pi.run(
        &["--model", "test-openai/m", "@notes.md", "What is in it?"],
        "piped text\n",
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let entries = pi.session_entries();
    let user = entries
        .iter()
        .find(|e| e["message"]["role"] == "user")
        .unwrap();
    let notes = pi
        .work
        .join("notes.md")
        .canonicalize()
        .unwrap_or(pi.work.join("notes.md"));
    let _ = notes;
    let text = user["message"]["content"][0]["text"].as_str().unwrap();
    assert!(text.starts_with("piped text<file name=\""), "{text}");
    assert!(
        text.ends_with("notes.md\">\nremember this\n</file>\nWhat is in it?"),
        "{text}"
    );
    // The request carried it too.
    let body = &pi.server.requests()[0].body;
    assert!(body.to_string().contains("remember this"));
}

#[test]
fn a_missing_file_argument_is_an_error() {
    let pi = Pi::new();
    let run = pi.run(&["--model", "test-openai/m", "-p", "@nope.md", "hi"], "");
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stderr,
        format!(
            "Error: File not found: {}\n",
            pi.work.join("nope.md").display()
        )
    );
}

#[test]
fn continue_session_and_no_session() {
    let pi = Pi::new();
    pi.push(Turn::text("first answer"));
    let run = pi.run(&["--model", "test-openai/m", "-p", "one"], "");
    assert_eq!(run.code, 0, "{}", run.stderr);
    let first = pi.session_files();
    assert_eq!(first.len(), 1);

    // --continue appends to the same file and sends the history.
    pi.push(Turn::text("second answer"));
    let run = pi.run(&["-c", "-p", "two"], "");
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "second answer\n");
    assert_eq!(pi.session_files(), first);
    let body = pi.server.requests()[1].body.to_string();
    assert!(body.contains("first answer"), "{body}");
    let kinds = entry_kinds(&read_jsonl(&first[0]));
    assert_eq!(kinds.iter().filter(|k| *k == "message:user").count(), 2);
    // The model was restored from the session: no second model change.
    assert_eq!(kinds.iter().filter(|k| *k == "model_change").count(), 1);

    // --session by id prefix opens it too.
    let id = read_jsonl(&first[0])[0]["id"].as_str().unwrap().to_string();
    pi.push(Turn::text("third answer"));
    let run = pi.run(&["--session", &id[..8], "-p", "three"], "");
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(pi.session_files(), first);

    // --no-session writes nothing.
    pi.push(Turn::text("ephemeral"));
    let run = pi.run(
        &["--no-session", "--model", "test-openai/m", "-p", "four"],
        "",
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "ephemeral\n");
    assert_eq!(pi.session_files(), first);
}

#[test]
fn list_models_shows_configured_providers() {
    let pi = Pi::new();
    let run = pi.run(&["--list-models"], "");
    assert_eq!(run.code, 0, "{}", run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert!(lines[0].starts_with("provider"), "{}", run.stdout);
    assert!(run.stdout.contains("test-openai"), "{}", run.stdout);
    let run = pi.run(&["--list-models", "zzzz-nothing"], "");
    assert_eq!(run.stdout, "No models matching \"zzzz-nothing\"\n");
}

#[test]
fn a_bad_models_json_is_named() {
    let pi = Pi::new();
    std::fs::write(
        pi.agent.join("models.json"),
        "{\"providers\": {\"x\": {\"models\": 3}}}",
    )
    .unwrap();
    let run = pi.run(&["--model", "test-openai/m", "-p", "hi"], "");
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("models.json"), "{}", run.stderr);
}

#[test]
fn no_model_and_missing_key_errors() {
    let pi = Pi::new();
    std::fs::remove_file(pi.agent.join("models.json")).unwrap();
    let run = pi.run(&["-p", "hi"], "");
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.starts_with("No models available."),
        "{}",
        run.stderr
    );

    let mut models = pi.models_json();
    models["providers"]["test-openai"]
        .as_object_mut()
        .unwrap()
        .remove("apiKey");
    models["providers"]["test-openai"]["apiKey"] = json!("$PI_TEST_UNSET_KEY");
    pi.write_models(&models);
    let run = pi.run(&["--model", "test-openai/m", "-p", "hi"], "");
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(
        run.stderr.contains("No API key found for test-openai."),
        "{}",
        run.stderr
    );
}

/// The reference's JSON-mode transcript of the five-tool task, replayed: the same provider
/// responses (rebuilt from the transcript by `scripts/reference/json-parity-streams.py`) in
/// the same kind of directory must give the same events, field for field; only times, the
/// session id and the working directory differ.
#[test]
fn json_mode_matches_the_reference_transcript() {
    let fixtures =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/json-parity");
    let pi = Pi::new();
    std::fs::write(pi.work.join("copy.txt"), "some input\n").unwrap();
    let mut models = pi.models_json();
    models["providers"]["mock-chat"] = json!({
        "baseUrl": format!("{}/v1", pi.server.url()),
        "api": "openai-completions",
        "apiKey": "sk-mock",
        "models": [{"id": "tools-pi"}],
    });
    pi.write_models(&models);
    for n in 0..6 {
        let body = std::fs::read(fixtures.join(format!("turn-{n}.sse"))).unwrap();
        pi.push(Turn::raw(body));
    }
    let output = pi
        .command()
        .env(
            "PI_PACKAGE_DIR",
            "/usr/local/lib/node_modules/@earendil-works/pi-coding-agent",
        )
        .args([
            "--provider",
            "mock-chat",
            "--model",
            "tools-pi",
            "--mode",
            "json",
        ])
        .arg("Run the five-step exercise.")
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let work = pi.work.to_string_lossy().into_owned();
    let ours = normalize_events(
        &String::from_utf8_lossy(&output.stdout).replace(&work, "/home/user/project"),
    );
    let reference = normalize_events(
        &std::fs::read_to_string(fixtures.join("json-tools-openai-completions.jsonl")).unwrap(),
    );
    let kinds = |events: &[serde_json::Value]| -> Vec<String> {
        events
            .iter()
            .map(|e| {
                let inner = e["assistantMessageEvent"]["type"]
                    .as_str()
                    .unwrap_or_default();
                let role = e["message"]["role"].as_str().unwrap_or_default();
                format!("{} {inner}{role}", e["type"].as_str().unwrap_or_default())
            })
            .collect()
    };
    assert_eq!(kinds(&ours), kinds(&reference));
    for (n, (ours, reference)) in ours.iter().zip(&reference).enumerate() {
        assert_eq!(ours, reference, "event {n}");
    }
}

/// Times and the session id vary from run to run. So do two things in the reference that
/// show whatever its adapter had parsed when the event was written: the usage of a
/// `message_update` (often the final usage, which no streaming reader can know yet) and the
/// response id of an assistant `message_start` (see docs/compatibility.md). The usage's
/// presence and fields are compared, not its numbers.
fn normalize_events(jsonl: &str) -> Vec<serde_json::Value> {
    fn scrub(value: &mut serde_json::Value) {
        match value {
            serde_json::Value::Object(map) => {
                for (key, value) in map.iter_mut() {
                    if key == "timestamp" {
                        *value = json!(0);
                    } else {
                        scrub(value);
                    }
                }
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(scrub),
            _ => {}
        }
    }
    jsonl
        .lines()
        .map(|line| {
            let mut event: serde_json::Value = serde_json::from_str(line).unwrap();
            if event["type"] == "session" {
                event["id"] = json!("<session>");
            }
            // Also timing: whether the response id was parsed before the message started.
            if event["type"] == "message_start" {
                event["message"]
                    .as_object_mut()
                    .unwrap()
                    .remove("responseId");
            }
            if event["type"] == "message_update" {
                for (_, count) in event["usage"].as_object_mut().unwrap().iter_mut() {
                    if count.is_number() {
                        *count = json!(0);
                    }
                }
                event["usage"]["cost"] = json!("<cost>");
                // Reported by the provider's last chunk only.
                event["usage"].as_object_mut().unwrap().remove("reasoning");
            }
            scrub(&mut event);
            event
        })
        .collect()
}

#[test]
fn ctrl_c_in_print_mode_aborts_and_keeps_the_session() {
    let pi = Pi::new();
    pi.push(
        Turn::text("a long answer that never finishes")
            .with_fault(Fault::Stall { after_events: 2 }),
    );
    let output = pi.interrupted(&["--model", "test-openai/m", "-p", "write a novel"]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "Request was aborted\n"
    );
    let entries = pi.session_entries();
    let last = entries.last().unwrap();
    assert_eq!(last["message"]["stopReason"], "aborted");
    // The session is whole: it continues.
    pi.push(Turn::text("Fine, a haiku."));
    let run = pi.run(&["-c", "-p", "shorter then"], "");
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "Fine, a haiku.\n");
}

#[test]
fn ctrl_c_cancels_a_pending_retry() {
    let pi = Pi::new();
    std::fs::write(
        pi.agent.join("settings.json"),
        r#"{"retry": {"baseDelayMs": 60000}}"#,
    )
    .unwrap();
    pi.push(Turn::fault(Fault::http(503)));
    let output = pi.interrupted(&["--model", "test-openai/m", "--mode", "json", "hi"]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let events: Vec<serde_json::Value> = stdout
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    let start = events
        .iter()
        .find(|e| e["type"] == "auto_retry_start")
        .unwrap();
    assert_eq!(start["delayMs"], 60000);
    let end = events
        .iter()
        .find(|e| e["type"] == "auto_retry_end")
        .unwrap();
    assert_eq!(
        end,
        &json!({"type": "auto_retry_end", "success": false, "attempt": 1, "finalError": "Retry cancelled"})
    );
    assert_eq!(events.last().unwrap()["type"], "agent_settled");
    // No second request was made.
    assert_eq!(pi.server.requests().len(), 1);
}

//! Our request bodies equal the reference's: conversations pi 0.87.1 had with the mock LLM
//! server (its session files) are replayed turn by turn, and each request we send must equal
//! the one pi sent (`fixtures/mock-requests.jsonl`) in every field.

use pi_ai::testing::{TestServer, Turn};
use pi_ai::{
    InputKind, Message, Model, ModelCost, SimpleStreamOptions, StreamOptions, ThinkingLevel,
};
use serde_json::Value;

use super::support::{diff, fixture_lines};

/// A request the reference sent.
struct Recorded {
    api: String,
    body: Value,
}

fn recorded() -> Vec<Recorded> {
    fixture_lines("mock-requests.jsonl")
        .iter()
        .map(|line| {
            let row: Value = serde_json::from_str(line).unwrap();
            Recorded {
                api: row["api"].as_str().unwrap().to_string(),
                body: row["body"].clone(),
            }
        })
        .collect()
}

struct Session {
    id: String,
    messages: Vec<Message>,
    provider: String,
    model: String,
    thinking: Option<ThinkingLevel>,
}

fn session(name: &str) -> Session {
    let mut session = Session {
        id: String::new(),
        messages: Vec::new(),
        provider: String::new(),
        model: String::new(),
        thinking: None,
    };
    for line in fixture_lines(&format!("sessions-0.87.1/{name}.jsonl")) {
        let entry: Value = serde_json::from_str(&line).unwrap();
        match entry["type"].as_str().unwrap() {
            "session" => session.id = entry["id"].as_str().unwrap().to_string(),
            "model_change" => {
                session.provider = entry["provider"].as_str().unwrap().to_string();
                session.model = entry["modelId"].as_str().unwrap().to_string();
            }
            "thinking_level_change" => {
                session.thinking = serde_json::from_value(entry["thinkingLevel"].clone()).ok();
            }
            "message" => session
                .messages
                .push(serde_json::from_value(entry["message"].clone()).unwrap()),
            _ => {}
        }
    }
    session
}

/// The model as the reference's `models.json` declared it for the mock (pi's defaults for
/// custom models: text input, no cost, 128k context, 16k output).
fn model(server: &TestServer, session: &Session) -> (Model, &'static str, &'static str) {
    let (api, key, wire) = match session.provider.as_str() {
        "mock-anth" => ("anthropic-messages", "sk-ant-mock", "anthropic"),
        "mock-chat" => ("openai-completions", "sk-mock", "openai-chat"),
        "mock-resp" => ("openai-responses", "sk-mock", "openai-responses"),
        "mock-gem" => ("google-generative-ai", "mock", "gemini"),
        other => panic!("no replay for provider {other}"),
    };
    let mut model = server.model(api, &session.model);
    model.provider = session.provider.clone();
    model.reasoning = session.model != "tools-pi";
    model.input = vec![InputKind::Text];
    model.cost = ModelCost::default();
    (model, key, wire)
}

/// Replays `name` and returns how many requests matched the reference.
async fn replay(name: &str) -> usize {
    let session = session(name);
    let references = recorded();
    let server = TestServer::start().await.unwrap();
    let (model, key, wire) = model(&server, &session);
    let mut matched = 0;
    for (index, message) in session.messages.iter().enumerate() {
        if !matches!(message, Message::Assistant(_)) {
            continue;
        }
        let context = pi_ai::Context {
            messages: session.messages[..index].to_vec(),
            ..Default::default()
        };
        server.push(Turn::text("ok"));
        let options = SimpleStreamOptions {
            base: StreamOptions {
                api_key: Some(key.into()),
                // pi keys prompt caching by the session.
                session_id: Some(session.id.clone()),
                ..StreamOptions::default()
            },
            reasoning: session.thinking,
            ..SimpleStreamOptions::default()
        };
        let reply = pi_ai::complete_simple(&model, &context, &options)
            .await
            .unwrap();
        assert_eq!(reply.error_message, None, "{name}");
        let requests = server.requests();
        let ours = &requests.last().unwrap().body;
        let candidates: Vec<&Recorded> = references
            .iter()
            .filter(|r| r.api == wire && r.body["model"] == ours["model"])
            .filter(|r| conversation_len(&r.body) == conversation_len(ours))
            .filter(|r| {
                // Gemini calls its messages `contents`.
                let turns = |body: &Value| {
                    body.get("messages")
                        .or_else(|| body.get("contents"))
                        .and_then(Value::as_array)
                        .map(Vec::len)
                };
                turns(&r.body) == turns(ours)
            })
            .collect();
        assert!(
            !candidates.is_empty(),
            "{name}: no reference request for turn at message {index}"
        );
        if !candidates.iter().any(|r| r.body == *ours) {
            let closest = candidates[0];
            panic!(
                "{name}, request before message {index} differs from the reference:\n{}",
                diff(&closest.body, ours, "")
            );
        }
        matched += 1;
    }
    matched
}

/// How many messages (or Responses input items) a request body carries.
fn conversation_len(body: &Value) -> Option<usize> {
    body.get("messages")
        .or_else(|| body.get("input"))
        .and_then(Value::as_array)
        .map(Vec::len)
}

#[tokio::test]
async fn anthropic_tool_session() {
    assert_eq!(replay("tools-anthropic").await, 6);
}

#[tokio::test]
async fn anthropic_thinking_session() {
    assert_eq!(replay("thinking-anthropic").await, 2);
}

#[tokio::test]
async fn openai_completions_tool_session() {
    assert_eq!(replay("tools-openai-completions").await, 6);
}

#[tokio::test]
async fn openai_completions_thinking_session() {
    assert_eq!(replay("thinking-openai-completions").await, 2);
}

#[tokio::test]
async fn openai_responses_thinking_session() {
    assert_eq!(replay("thinking-openai-responses").await, 2);
}

#[tokio::test]
async fn google_thinking_session() {
    assert_eq!(replay("thinking-google").await, 2);
}

#[tokio::test]
async fn openai_completions_continued_session() {
    assert_eq!(replay("continued-session").await, 5);
}

/// Tricky contexts (images, a transcript written by another provider, Responses-style call
/// ids, failed turns, empty thinking, subscription tokens, caching, routing) through both
/// adapters: the bodies the reference built for them are in `fixtures/request-bodies/`.
#[tokio::test]
async fn tricky_contexts_build_the_reference_bodies() {
    use std::sync::{Arc, Mutex};

    let read = |name: &str| -> Value {
        let path = super::support::fixture(&format!("request-bodies/{name}"));
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
    };
    let cases = read("cases.json");
    let context: pi_ai::Context = serde_json::from_value(read("context.json")).unwrap();
    let mut reference = read("reference.json");
    for case in cases.as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let model: Model = serde_json::from_value(case["model"].clone()).unwrap();
        let o = &case["options"];
        let captured = Arc::new(Mutex::new(Value::Null));
        let sink = Arc::clone(&captured);
        // Cancelled as soon as the body is built, so nothing is sent anywhere.
        let cancel = pi_ai::CancellationToken::new();
        let stop = cancel.clone();
        let hook: pi_ai::PayloadHook = Arc::new(move |body: &mut Value, _: &Model| {
            *sink.lock().unwrap() = body.clone();
            stop.cancel();
        });
        let options = SimpleStreamOptions {
            base: StreamOptions {
                api_key: o["apiKey"].as_str().map(str::to_string),
                temperature: o["temperature"].as_f64(),
                session_id: o["sessionId"].as_str().map(str::to_string),
                cache_retention: serde_json::from_value(o["cacheRetention"].clone()).ok(),
                metadata: o["metadata"].as_object().cloned(),
                tool_choice: serde_json::from_value(o["toolChoice"].clone()).ok(),
                on_payload: Some(hook),
                cancel: Some(cancel),
                ..StreamOptions::default()
            },
            reasoning: serde_json::from_value(o["reasoning"].clone()).ok(),
            ..SimpleStreamOptions::default()
        };
        let reply = pi_ai::complete_simple(&model, &context, &options)
            .await
            .unwrap();
        assert_eq!(
            reply.stop_reason,
            pi_ai::StopReason::Aborted,
            "{name}: never sent"
        );
        let mut expected = reference[name].take();
        // The reference's SDK moves `betas` into the anthropic-beta header.
        if let Some(object) = expected.as_object_mut() {
            object.remove("betas");
        }
        let ours = captured.lock().unwrap().clone();
        assert!(
            ours == expected,
            "{name} differs from the reference:\n{}",
            diff(&expected, &ours, "")
        );
    }
}

/// Google and Mistral requests as they go over the wire, for the contexts and options in
/// `fixtures/request-bodies/wire-cases.json` (thinking levels on Gemini 2.5, 3 and Gemma 4,
/// replayed signatures, foreign tool-call ids, images per model generation, Magistral's
/// reasoning mode and Mistral's reasoning effort): each must equal what the reference sent
/// (`wire-reference.json`) in path, headers and body.
#[tokio::test]
async fn google_and_mistral_requests_equal_the_reference_on_the_wire() {
    let read = |name: &str| -> Value {
        let path = super::support::fixture(&format!("request-bodies/{name}"));
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
    };
    let cases = read("wire-cases.json");
    let reference = read("wire-reference.json");
    for case in cases.as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let context: pi_ai::Context =
            serde_json::from_value(read(case["context"].as_str().unwrap())).unwrap();
        let server = TestServer::start().await.unwrap();
        let mut model: Model = serde_json::from_value(case["model"].clone()).unwrap();
        model.base_url = server.model(&model.api, &model.id).base_url;
        server.push(Turn::text("ok"));
        let o = &case["options"];
        let options = SimpleStreamOptions {
            base: StreamOptions {
                api_key: o["apiKey"].as_str().map(str::to_string),
                temperature: o["temperature"].as_f64(),
                max_tokens: o["maxTokens"].as_u64(),
                session_id: o["sessionId"].as_str().map(str::to_string),
                cache_retention: serde_json::from_value(o["cacheRetention"].clone()).ok(),
                tool_choice: serde_json::from_value(o["toolChoice"].clone()).ok(),
                ..StreamOptions::default()
            },
            reasoning: serde_json::from_value(o["reasoning"].clone()).ok(),
            thinking_budgets: serde_json::from_value(o["thinkingBudgets"].clone()).ok(),
        };
        let reply = pi_ai::complete_simple(&model, &context, &options)
            .await
            .unwrap();
        assert_eq!(reply.error_message, None, "{name}");
        let requests = server.requests();
        let ours = &requests[0];
        let expected = &reference[name];
        assert_eq!(ours.path, expected["path"], "{name}: path");
        for (header, value) in expected["headers"].as_object().unwrap() {
            // fetch's own default, not the adapter's.
            if header == "accept" && model.api == "google-generative-ai" {
                continue;
            }
            assert_eq!(
                ours.header(header),
                value.as_str(),
                "{name}: header {header}"
            );
        }
        if model.api == "google-generative-ai" {
            assert_eq!(ours.header("x-affinity"), None, "{name}");
        } else if expected["headers"].get("x-affinity").is_none() {
            assert_eq!(
                ours.header("x-affinity"),
                None,
                "{name}: no affinity header"
            );
        }
        assert!(
            ours.body == expected["body"],
            "{name} differs from the reference:\n{}",
            diff(&expected["body"], &ours.body, "")
        );
    }
}

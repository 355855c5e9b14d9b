//! Helpers shared by the suites.

use std::path::PathBuf;

use futures_util::StreamExt;
use pi_ai::testing::TestServer;
use pi_ai::{AssistantEvent, AssistantMessage, AssistantStream, Context, StreamOptions};
use serde_json::Value;

/// A file under the workspace's `fixtures/`.
pub fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures")
        .join(name)
}

/// The lines of a fixture file.
pub fn fixture_lines(name: &str) -> Vec<String> {
    let text = std::fs::read_to_string(fixture(name)).unwrap_or_else(|err| panic!("{name}: {err}"));
    text.lines().map(str::to_string).collect()
}

/// Options with a test key.
pub fn keyed() -> StreamOptions {
    StreamOptions {
        api_key: Some("sk-test-key".into()),
        ..StreamOptions::default()
    }
}

/// A loopback test server.
pub async fn server() -> TestServer {
    TestServer::start().await.expect("bind a loopback port")
}

/// Streams "Hello" to `api`'s test model on `server`.
pub async fn run(
    server: &TestServer,
    api: &str,
    options: &StreamOptions,
) -> (Vec<AssistantEvent>, AssistantMessage) {
    let model = server.model(api, "test-model");
    collect(pi_ai::stream(&model, &Context::from("Hello"), options)).await
}

/// Whether a value parsed from a prefix (partial JSON) could still become `full`.
pub fn consistent(partial: &Value, full: &Value) -> bool {
    match (partial, full) {
        (Value::Object(p), Value::Object(f)) => p
            .iter()
            .all(|(k, v)| f.get(k).is_some_and(|fv| consistent(v, fv))),
        (Value::Array(p), Value::Array(f)) => {
            p.len() <= f.len() && p.iter().zip(f).all(|(a, b)| consistent(a, b))
        }
        (Value::String(p), Value::String(f)) => f.starts_with(p.as_str()),
        (p, f) => p == f,
    }
}

/// Every event of a stream, and the final message.
pub async fn collect(mut stream: AssistantStream) -> (Vec<AssistantEvent>, AssistantMessage) {
    let mut events = Vec::new();
    while let Some(event) = stream.next().await {
        events.push(event);
    }
    let last = match events.last() {
        Some(AssistantEvent::Done { message, .. }) => *message.clone(),
        Some(AssistantEvent::Error { error, .. }) => *error.clone(),
        other => panic!("stream ended without a terminal event: {other:?}"),
    };
    (events, last)
}

/// The event types, for asserting on sequences.
pub fn kinds(events: &[AssistantEvent]) -> Vec<String> {
    events
        .iter()
        .map(|event| {
            serde_json::to_value(event).unwrap()["type"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect()
}

/// A readable list of the paths where two JSON values differ.
pub fn diff(expected: &Value, actual: &Value, path: &str) -> String {
    match (expected, actual) {
        (Value::Object(e), Value::Object(a)) => {
            let mut out = String::new();
            for key in e.keys().chain(a.keys().filter(|k| !e.contains_key(*k))) {
                let (ev, av) = (
                    e.get(key).unwrap_or(&Value::Null),
                    a.get(key).unwrap_or(&Value::Null),
                );
                out.push_str(&diff(ev, av, &format!("{path}/{key}")));
            }
            out
        }
        (Value::Array(e), Value::Array(a)) if e.len() == a.len() => e
            .iter()
            .zip(a)
            .enumerate()
            .map(|(i, (ev, av))| diff(ev, av, &format!("{path}/{i}")))
            .collect(),
        (e, a) if e == a => String::new(),
        (e, a) => {
            let clip = |v: &Value| v.to_string().chars().take(300).collect::<String>();
            format!("  {path}: reference {} / ours {}\n", clip(e), clip(a))
        }
    }
}

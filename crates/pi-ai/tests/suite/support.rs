//! Helpers shared by the suites.

use std::path::PathBuf;

use futures_util::StreamExt;
use pi_ai::{AssistantEvent, AssistantMessage, AssistantStream, StreamOptions};

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

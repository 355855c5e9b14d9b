//! The same response body gives the same events as in the reference: recorded bodies
//! (`fixtures/streams/*.sse`) are streamed through our adapters and every event is compared
//! with what the reference emitted for them (`*.events.jsonl`).

use pi_ai::testing::{TestServer, Turn};
use pi_ai::{Context, ModelCost, StreamOptions};
use serde_json::Value;

use super::support::{collect, fixture, fixture_lines};

async fn compare(body: &str, api: &str) {
    let server = TestServer::start().await.unwrap();
    let raw = std::fs::read(fixture(&format!("streams/{body}.sse"))).unwrap();
    server.push(Turn::raw(raw));
    let mut model = server.model(api, "bench");
    model.provider = "recorded".into();
    model.reasoning = true;
    model.cost = ModelCost {
        input: 3.0,
        output: 15.0,
        cache_read: 0.3,
        cache_write: 3.75,
        tiers: None,
    };
    let options = StreamOptions {
        api_key: Some("k".into()),
        ..StreamOptions::default()
    };
    let (events, _) = collect(pi_ai::stream(&model, &Context::from("go"), &options)).await;
    let expected = fixture_lines(&format!("streams/{body}.events.jsonl"));
    assert_eq!(events.len(), expected.len(), "{body}: event count");
    for (index, (ours, reference)) in events.iter().zip(&expected).enumerate() {
        let mut ours = serde_json::to_value(ours).unwrap();
        let mut reference: Value = serde_json::from_str(reference).unwrap();
        // Our toolcall_start also names the call (as pi's JSON mode shows it); times differ.
        if ours["type"] == "toolcall_start" {
            let object = ours.as_object_mut().unwrap();
            object.remove("id");
            object.remove("toolName");
        }
        for message in [&mut ours, &mut reference] {
            for key in ["message", "error"] {
                if let Some(object) = message.get_mut(key).and_then(Value::as_object_mut) {
                    object.remove("timestamp");
                }
            }
        }
        assert_eq!(ours, reference, "{body}: event {index}");
    }
}

#[tokio::test]
async fn anthropic_events_match_the_reference() {
    compare("anthropic", "anthropic-messages").await;
}

#[tokio::test]
async fn openai_completions_events_match_the_reference() {
    compare("openai-chat", "openai-completions").await;
}

#[tokio::test]
async fn openai_responses_events_match_the_reference() {
    compare("openai-responses", "openai-responses").await;
}

#[tokio::test]
async fn google_events_match_the_reference() {
    compare("google", "google-generative-ai").await;
}

#[tokio::test]
async fn mistral_events_match_the_reference() {
    compare("mistral", "mistral-conversations").await;
}

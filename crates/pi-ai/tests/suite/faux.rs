//! The scripted in-process provider.

use std::time::Duration;

use futures_util::StreamExt;
use pi_ai::faux::{FauxProvider, FauxResponse, text_block, thinking_block, tool_call_block};
use pi_ai::{ApiRegistry, AssistantEvent, CancellationToken, Context, StopReason, StreamOptions};
use serde_json::json;

use super::support::{collect, kinds};

fn registry(faux: &FauxProvider) -> ApiRegistry {
    let mut registry = ApiRegistry::new();
    registry.register(faux.clone());
    registry
}

#[tokio::test]
async fn plays_text_thinking_and_tool_calls_in_order() {
    let faux = FauxProvider::new([
        FauxResponse::blocks(vec![
            thinking_block("Plan the call."),
            text_block("Listing."),
            tool_call_block("ls", json!({"path": "src"})),
        ]),
        FauxResponse::text("Done."),
    ])
    .with_token_size(1, 1);
    let registry = registry(&faux);
    let (events, first) =
        collect(registry.stream(&faux.model(), &"go".into(), &StreamOptions::default())).await;
    assert_eq!(first.stop_reason, StopReason::ToolUse);
    let kinds = kinds(&events);
    assert_eq!(kinds.first().map(String::as_str), Some("start"));
    assert_eq!(
        kinds.iter().filter(|k| *k == "thinking_delta").count(),
        4,
        "4-char tokens: {kinds:?}"
    );
    let call = first.tool_calls().next().unwrap();
    assert_eq!(call.arguments["path"], "src");
    let second = registry
        .complete(&faux.model(), &"next".into(), &StreamOptions::default())
        .await;
    assert_eq!(second.text(), "Done.");
    assert_eq!(faux.call_count(), 2);
    assert_eq!(faux.pending(), 0);
}

#[tokio::test]
async fn errors_and_an_empty_queue_end_in_error_events() {
    let faux = FauxProvider::new([FauxResponse::error("scripted failure")]);
    let registry = registry(&faux);
    let failed = registry
        .complete(&faux.model(), &"x".into(), &StreamOptions::default())
        .await;
    assert_eq!(failed.stop_reason, StopReason::Error);
    assert_eq!(failed.error_message.as_deref(), Some("scripted failure"));
    let (events, empty) =
        collect(registry.stream(&faux.model(), &"x".into(), &StreamOptions::default())).await;
    assert_eq!(kinds(&events), ["error"]);
    assert_eq!(
        empty.error_message.as_deref(),
        Some("No more faux responses queued")
    );
}

#[tokio::test]
async fn responses_can_depend_on_the_request() {
    let faux = FauxProvider::new([FauxResponse::dynamic(|context: &Context, _| {
        FauxResponse::text(format!("You sent {} message(s).", context.messages.len()))
    })]);
    let reply = registry(&faux)
        .complete(&faux.model(), &"hi".into(), &StreamOptions::default())
        .await;
    assert_eq!(reply.text(), "You sent 1 message(s).");
}

#[tokio::test]
async fn usage_is_estimated_with_a_simulated_prompt_cache() {
    let faux = FauxProvider::new([FauxResponse::text("a"), FauxResponse::text("b")]);
    let registry = registry(&faux);
    let options = StreamOptions {
        session_id: Some("s1".into()),
        ..StreamOptions::default()
    };
    let context = Context::from("A question long enough to be worth caching between two turns.");
    let first = registry.complete(&faux.model(), &context, &options).await;
    assert_eq!(
        (first.usage.cache_read, first.usage.cache_write > 0),
        (0, true)
    );
    let second = registry.complete(&faux.model(), &context, &options).await;
    assert!(
        second.usage.cache_read > 0 && second.usage.cache_write == 0,
        "{:?}",
        second.usage
    );
}

// Virtual time: the pacing is measured exactly, without depending on the machine's speed.
#[tokio::test(start_paused = true)]
async fn token_rate_paces_the_stream_and_cancellation_stops_it() {
    let faux =
        FauxProvider::new([FauxResponse::text("x".repeat(400))]).with_tokens_per_second(1000.0);
    let registry = registry(&faux);
    let cancel = CancellationToken::new();
    let options = StreamOptions {
        cancel: Some(cancel.clone()),
        ..StreamOptions::default()
    };
    let mut stream = registry.stream(&faux.model(), &"go".into(), &options);
    let started = tokio::time::Instant::now();
    let mut deltas = 0;
    while let Some(event) = stream.next().await {
        if matches!(event, AssistantEvent::TextDelta { .. }) {
            deltas += 1;
            if deltas == 2 {
                cancel.cancel();
            }
        }
        if let AssistantEvent::Error { reason, error } = &event {
            assert_eq!(*reason, StopReason::Aborted);
            // Chunks cycle through 3, 4 and 5 tokens of four characters.
            assert_eq!(error.text().len(), 12 + 16, "two chunks arrived");
        }
    }
    assert_eq!(deltas, 2);
    // Two chunks, seven tokens in all, at 1000 tokens/s: 7 ms of (virtual) time.
    assert_eq!(started.elapsed(), Duration::from_millis(7));
}

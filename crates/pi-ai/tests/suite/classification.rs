//! Failed messages classified as pi 0.87.1 classifies them (context overflow, retryable,
//! recoverable length stop), and the retry hints servers send reaching the message.

use std::time::Duration;

use pi_ai::testing::{Fault, TestServer, Turn};
use pi_ai::{
    AssistantMessage, Context, StopReason, is_context_overflow, is_recoverable_length,
    is_retryable_assistant_error, retry_delay_hint,
};
use serde_json::Value;

use super::support::{collect, fixture_lines, keyed};

/// Every adapter that speaks HTTP.
const APIS: [&str; 6] = [
    "anthropic-messages",
    "openai-completions",
    "openai-responses",
    "azure-openai-responses",
    "google-generative-ai",
    "mistral-conversations",
];

fn message(case: &Value) -> AssistantMessage {
    let mut message = AssistantMessage::empty("test", case["provider"].as_str().unwrap(), "m");
    message.stop_reason = serde_json::from_value(case["stopReason"].clone()).unwrap();
    message.error_message = case["errorMessage"].as_str().map(str::to_string);
    let usage = &case["usage"];
    message.usage.input = usage["input"].as_u64().unwrap();
    message.usage.output = usage["output"].as_u64().unwrap();
    message.usage.cache_read = usage["cacheRead"].as_u64().unwrap();
    message
}

#[test]
fn classification_matches_the_reference() {
    let lines = fixture_lines("error-classes.jsonl");
    assert!(lines.len() > 150);
    for line in lines {
        let case: Value = serde_json::from_str(&line).unwrap();
        let message = message(&case);
        let window = case["contextWindow"].as_u64();
        let desired = case["desiredMaxOutput"].as_u64().unwrap();
        let verdict = |key: &str| case[key].as_bool().unwrap();
        assert_eq!(
            is_context_overflow(&message, window),
            verdict("overflow"),
            "overflow: {line}"
        );
        assert_eq!(
            is_context_overflow(&message, None),
            verdict("overflowWithoutWindow"),
            "overflow without window: {line}"
        );
        assert_eq!(
            is_retryable_assistant_error(&message),
            verdict("retryable"),
            "retryable: {line}"
        );
        assert_eq!(
            is_recoverable_length(&message, desired),
            verdict("recoverableLength"),
            "recoverable length: {line}"
        );
    }
}

async fn failed_request(api: &str, turn: Turn) -> AssistantMessage {
    let server = TestServer::start().await.unwrap();
    server.push(turn);
    let model = server.model(api, "m");
    let stream = pi_ai::stream(&model, &Context::from("hi"), &keyed());
    let (_, message) = collect(stream).await;
    assert_eq!(message.stop_reason, StopReason::Error, "{api}");
    message
}

fn rate_limited() -> Turn {
    Turn::fault(Fault::http(429))
}

#[tokio::test]
async fn retry_after_seconds_reach_the_message() {
    for api in APIS {
        let message = failed_request(api, rate_limited().with_header("Retry-After", "2")).await;
        assert_eq!(message.retry_after, Some(Duration::from_secs(2)), "{api}");
        assert_eq!(retry_delay_hint(&message), Some(Duration::from_secs(2)));
        assert!(is_retryable_assistant_error(&message), "{api}");
        // The hint stays out of pi's JSON.
        let json = serde_json::to_string(&message).unwrap();
        assert!(!json.contains("retry"), "{api}: {json}");
    }
}

#[tokio::test]
async fn retry_after_ms_reaches_the_message() {
    for api in APIS {
        let message =
            failed_request(api, rate_limited().with_header("retry-after-ms", "1500")).await;
        assert_eq!(
            retry_delay_hint(&message),
            Some(Duration::from_millis(1500)),
            "{api}"
        );
    }
}

#[tokio::test]
async fn rate_limit_resets_reach_the_message() {
    let turn = rate_limited()
        .with_header("x-ratelimit-remaining-tokens", "0")
        .with_header("x-ratelimit-reset-tokens", "6m0s");
    let message = failed_request("openai-completions", turn).await;
    assert_eq!(retry_delay_hint(&message), Some(Duration::from_secs(360)));
}

#[tokio::test]
async fn without_headers_the_body_text_may_still_hint() {
    let quiet = failed_request("openai-completions", rate_limited()).await;
    assert_eq!(quiet.retry_after, None);
    assert_eq!(retry_delay_hint(&quiet), None);

    let turn = Turn::fault(Fault::Http {
        status: 429,
        retry_after: None,
        message: Some("Rate limit reached for gpt-test. Please try again in 1.898s.".into()),
    });
    let message = failed_request("openai-completions", turn).await;
    assert_eq!(
        retry_delay_hint(&message),
        Some(Duration::from_millis(1898))
    );
}

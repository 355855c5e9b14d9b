use reqwest::header::HeaderValue;

use super::*;

fn failed(error: &str) -> AssistantMessage {
    let mut message = AssistantMessage::empty("openai-completions", "p", "m");
    message.stop_reason = StopReason::Error;
    message.error_message = Some(error.to_string());
    message
}

fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
    let mut map = HeaderMap::new();
    for (name, value) in pairs {
        map.insert(*name, HeaderValue::from_static(value));
    }
    map
}

fn at(seconds: u64) -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(seconds)
}

#[test]
fn the_patterns_compile() {
    let p = patterns();
    assert!(p.retryable.is_match("overloaded"));
    assert!(p.not_retryable.is_match("BILLING"));
    assert!(p.delay_hint.is_match("Please retry in 1s"));
}

#[test]
fn transient_failures_are_retryable() {
    for text in [
        r#"529 {"type":"overloaded_error","message":"Overloaded"}"#,
        "We're currently experiencing high demand, which may cause temporary errors.",
        "429 Rate limit reached for gpt-4o in organization org-x on tokens per min",
        "503 Service Unavailable",
        "500 Internal server error",
        "520 status code (no body)",
        "Provider returned error",
        "exceeded request buffer limit while retrying upstream",
        "Connection error: connection refused",
        "Connection lost while streaming the response: error decoding response body",
        "other side closed",
        "getaddrinfo ENOTFOUND api.anthropic.com",
        "upstream connect error or disconnect/reset before headers. reset reason: overflow",
        "socket hang up",
        "Request timed out: operation timed out",
        "terminated",
        "WebSocket closed before the response completed",
        "Anthropic stream ended before message_stop",
        "Server requested 120s retry delay (max: 60s). 429 rate_limit_error",
        "An error occurred while processing your request. You can retry your request.",
        "ResourceExhausted: too many concurrent requests",
    ] {
        assert!(is_retryable_assistant_error(&failed(text)), "{text}");
    }
}

#[test]
fn account_limits_and_other_errors_are_not() {
    for text in [
        "429 You exceeded your current quota, please check your plan and billing details.",
        r#"429 {"type":"error","error":{"type":"GoUsageLimitError"}}"#,
        "429 FreeUsageLimitError: free tier limit",
        "Monthly usage limit reached. Enable usage from your available balance.",
        "insufficient_quota",
        "503 Out of budget",
        "Quota exceeded for this project (429)",
        "401 invalid x-api-key",
        "400 messages: text content blocks must be non-empty",
        "",
    ] {
        assert!(!is_retryable_assistant_error(&failed(text)), "{text}");
    }
    let mut aborted = failed("503 Service Unavailable");
    aborted.stop_reason = StopReason::Aborted;
    assert!(!is_retryable_assistant_error(&aborted));
    let mut no_text = failed("");
    no_text.error_message = None;
    assert!(!is_retryable_assistant_error(&no_text));
}

#[test]
fn retry_after_ms_wins_over_retry_after() {
    let map = headers(&[("retry-after", "2"), ("retry-after-ms", "150")]);
    assert_eq!(retry_after(&map, at(0)), Some(Duration::from_millis(150)));
    let map = headers(&[("retry-after", "2")]);
    assert_eq!(retry_after(&map, at(0)), Some(Duration::from_secs(2)));
    let map = headers(&[("retry-after", "1.5")]);
    assert_eq!(retry_after(&map, at(0)), Some(Duration::from_millis(1500)));
}

#[test]
fn retry_after_as_an_http_date() {
    let map = headers(&[("retry-after", "Thu, 01 Jan 1970 00:01:40 GMT")]);
    assert_eq!(retry_after(&map, at(70)), Some(Duration::from_secs(30)));
    // A date already past asks for no wait at all.
    assert_eq!(retry_after(&map, at(200)), Some(Duration::ZERO));
    let date = http_date("Sun, 06 Nov 1994 08:49:37 GMT").unwrap();
    assert_eq!(date, at(784_111_777));
}

#[test]
fn numbers_read_like_parse_float() {
    assert_eq!(leading_number("2, soon"), Some(2.0));
    assert_eq!(leading_number("1.5s"), Some(1.5));
    assert_eq!(leading_number("-3"), Some(-3.0));
    assert_eq!(leading_number("soon"), None);
    // Negative and absurd values never panic.
    let map = headers(&[("retry-after-ms", "-40")]);
    assert_eq!(retry_after(&map, at(0)), Some(Duration::ZERO));
    let huge = "9".repeat(400);
    let mut map = HeaderMap::new();
    map.insert("retry-after", HeaderValue::from_str(&huge).unwrap());
    assert_eq!(retry_after(&map, at(0)), None);
}

#[test]
fn garbage_headers_give_no_delay() {
    for value in ["soon", "Someday, 99 Foo 2024 25:00:00 GMT", ""] {
        let mut map = HeaderMap::new();
        map.insert("retry-after", HeaderValue::from_str(value).unwrap());
        assert_eq!(retry_delay_from_headers(&map, at(0)), None, "{value:?}");
    }
}

#[test]
fn rate_limit_resets_prefer_the_exhausted_limit() {
    let map = headers(&[
        ("x-ratelimit-remaining-requests", "0"),
        ("x-ratelimit-reset-requests", "1s"),
        ("x-ratelimit-remaining-tokens", "1200"),
        ("x-ratelimit-reset-tokens", "6m0s"),
    ]);
    assert_eq!(
        retry_delay_from_headers(&map, at(0)),
        Some(Duration::from_secs(1))
    );
    // Without remaining counts, the longest reset.
    let map = headers(&[
        ("x-ratelimit-reset-requests", "120ms"),
        ("x-ratelimit-reset-tokens", "2m59.56s"),
    ]);
    assert_eq!(
        retry_delay_from_headers(&map, at(0)),
        Some(Duration::from_millis(179_560))
    );
    // Seconds, and Unix times.
    let map = headers(&[("x-ratelimit-reset", "20")]);
    assert_eq!(
        retry_delay_from_headers(&map, at(0)),
        Some(Duration::from_secs(20))
    );
    let map = headers(&[("x-ratelimit-reset", "1700000060")]);
    assert_eq!(
        retry_delay_from_headers(&map, at(1_700_000_000)),
        Some(Duration::from_secs(60))
    );
    // retry-after still comes first.
    let map = headers(&[("retry-after", "3"), ("x-ratelimit-reset", "20")]);
    assert_eq!(
        retry_delay_from_headers(&map, at(0)),
        Some(Duration::from_secs(3))
    );
}

#[test]
fn durations_in_go_style_and_words() {
    let cases = [
        ("7s", 7_000),
        ("1m30s", 90_000),
        ("2m59.56s", 179_560),
        ("120ms", 120),
        ("1h2m3.5s", 3_723_500),
        ("6 seconds.", 6_000),
        ("42 min.", 2_520_000),
        ("5.3s. Learn more", 5_300),
        ("30s retry delay", 30_000),
    ];
    for (text, ms) in cases {
        assert_eq!(
            parse_duration(text),
            Some(Duration::from_millis(ms)),
            "{text}"
        );
    }
    for text in ["", "soon", "5 sheep", "s"] {
        assert_eq!(parse_duration(text), None, "{text}");
    }
}

#[test]
fn hints_in_error_texts() {
    let cases = [
        (
            "Server requested 120s retry delay (max: 60s). 429 rate_limit_error",
            120_000,
        ),
        (
            r#"429 {"error":{"code":429,"status":"RESOURCE_EXHAUSTED","details":[{"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay": "7s"}]}}"#,
            7_000,
        ),
        (
            "You exceeded your current quota. Please retry in 56.588379858s.",
            56_588,
        ),
        (
            "429 Rate limit reached for gpt-4o on tokens per min (TPM): Limit 30000, Used 30000. Please try again in 1.898s.",
            1_898,
        ),
        (
            "Rate limit reached for model `llama-3.3-70b` on tokens per day. Please try again in 2m59.56s.",
            179_560,
        ),
        (
            "Requests have exceeded token rate limit of your current pricing tier. Please retry after 6 seconds.",
            6_000,
        ),
        (
            "You have hit your ChatGPT usage limit (plus plan). Try again in ~42 min.",
            2_520_000,
        ),
    ];
    for (text, ms) in cases {
        let hint = retry_delay_hint(&failed(text)).map(|d| d.as_millis());
        assert_eq!(hint, Some(ms), "{text}");
    }
    for text in [
        "503 Service Unavailable",
        "Please retry later",
        "try again in a moment",
    ] {
        assert_eq!(retry_delay_hint(&failed(text)), None, "{text}");
    }
}

#[test]
fn the_header_hint_wins_and_needs_an_error() {
    let mut message = failed("429 Please try again in 20s.");
    message.retry_after = Some(Duration::from_secs(2));
    assert_eq!(retry_delay_hint(&message), Some(Duration::from_secs(2)));
    message.stop_reason = StopReason::Stop;
    assert_eq!(retry_delay_hint(&message), None);
}

mod properties {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        #[test]
        fn any_text_or_header_is_read_without_panicking(text in any::<String>()) {
            let _ = retry_delay_hint(&failed(&text));
            let _ = is_retryable_assistant_error(&failed(&text));
            let _ = crate::is_context_overflow(&failed(&text), Some(1000));
            if let Ok(value) = HeaderValue::from_str(&text) {
                for name in ["retry-after", "retry-after-ms", "x-ratelimit-reset-tokens"] {
                    let mut map = HeaderMap::new();
                    map.insert(name, value.clone());
                    let _ = retry_delay_from_headers(&map, SystemTime::now());
                }
            }
        }

        #[test]
        fn go_durations_add_up(h in 0u64..48, m in 0u64..60, s in 0u64..60, ms in 0u64..1000) {
            let text = format!("{h}h{m}m{s}s{ms}ms");
            let expected = Duration::from_millis(((h * 60 + m) * 60 + s) * 1000 + ms);
            let parsed = parse_duration(&text).unwrap();
            let error = parsed.abs_diff(expected);
            prop_assert!(error < Duration::from_micros(1), "{text}: {parsed:?}");
        }
    }
}

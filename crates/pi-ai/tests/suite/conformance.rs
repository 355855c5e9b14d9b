//! The behaviours every adapter is held to, one check each, run against an API through the
//! loopback test server. The per-API suites call them, passing what differs between APIs
//! explicitly, and assert what is their own on the returned events and messages.

use std::time::Duration;

use futures_util::StreamExt;
use pi_ai::testing::{Fault, RecordedRequest, ScriptedStop, ScriptedUsage, Turn};
use pi_ai::{
    AssistantContent, AssistantEvent, AssistantMessage, CancellationToken, Context, Model,
    ModelCost, SimpleStreamOptions, StartError, StopReason, StreamOptions, ThinkingContent,
    ThinkingLevel, Usage,
};
use serde_json::{Value, json};

use super::support::{collect, consistent, keyed, kinds, run, server};

/// The text deltas (or thinking deltas) of `events`, joined.
pub fn texts(events: &[AssistantEvent], thinking: bool) -> String {
    events
        .iter()
        .filter_map(|event| match event {
            AssistantEvent::TextDelta { delta, .. } if !thinking => Some(delta.as_str()),
            AssistantEvent::ThinkingDelta { delta, .. } if thinking => Some(delta.as_str()),
            _ => None,
        })
        .collect()
}

/// "Hello, streaming world!" in four chunks streams as four deltas in one text block and
/// stops normally with a response id. `empty_first_delta`: the API opens the text with an
/// empty delta (Mistral).
pub async fn streamed_text(
    api: &str,
    empty_first_delta: bool,
) -> (Vec<AssistantEvent>, AssistantMessage) {
    let server = server().await;
    server.push(Turn::text("Hello, streaming world!").with_chunks(4));
    let (events, message) = run(&server, api, &keyed()).await;
    let mut expected = vec!["start", "text_start"];
    if empty_first_delta {
        expected.push("text_delta");
    }
    expected.extend([
        "text_delta",
        "text_delta",
        "text_delta",
        "text_delta",
        "text_end",
        "done",
    ]);
    assert_eq!(kinds(&events), expected, "{api}");
    assert_eq!(texts(&events, false), "Hello, streaming world!", "{api}");
    assert_eq!(message.text(), "Hello, streaming world!", "{api}");
    assert_eq!(message.stop_reason, StopReason::Stop, "{api}");
    assert_eq!(message.api, api);
    assert!(
        message
            .response_id
            .as_deref()
            .is_some_and(|id| !id.is_empty()),
        "{api}"
    );
    (events, message)
}

/// After every event of a streamed answer with thinking, the partial message holds exactly
/// the text and thinking streamed so far. `summary_replaces`: a thinking block's end
/// carries the final text, which replaces what streamed (the Responses API's summaries).
/// Gives the text, the thinking deltas joined, and the final message.
pub async fn partial_follows_every_event(
    api: &str,
    summary_replaces: bool,
) -> (String, String, AssistantMessage) {
    let server = server().await;
    server.push(
        Turn::text("One two three four five")
            .with_thinking("Hmm, let me see")
            .with_chunks(5),
    );
    let model = server.model(api, "test-model");
    let mut stream = pi_ai::stream(&model, &Context::from("Hi"), &keyed());
    let (mut text, mut thinking, mut deltas) = (String::new(), String::new(), String::new());
    while let Some(event) = stream.next().await {
        match &event {
            AssistantEvent::TextDelta { delta, .. } => text.push_str(delta),
            AssistantEvent::ThinkingDelta { delta, .. } => {
                thinking.push_str(delta);
                deltas.push_str(delta);
            }
            AssistantEvent::ThinkingEnd { content, .. } if summary_replaces => {
                thinking.clone_from(content);
            }
            _ => {}
        }
        if event.is_terminal() {
            break;
        }
        let partial = stream.partial();
        assert_eq!(partial.text(), text, "{api}");
        let partial_thinking: String = partial
            .content
            .iter()
            .filter_map(|b| match b {
                AssistantContent::Thinking(t) => Some(t.thinking.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(partial_thinking, thinking, "{api}");
    }
    let message = stream.partial().clone();
    assert_eq!(message.stop_reason, StopReason::Stop, "{api}");
    (text, deltas, message)
}

/// "Step by step." thinking before "The answer." streams as a thinking block first. `lead`
/// is how many blocks precede it (Mistral opens with an empty text block). Gives the block.
pub async fn thinking_block(api: &str, lead: usize) -> ThinkingContent {
    let server = server().await;
    server.push(Turn::text("The answer.").with_thinking("Step by step."));
    let (events, message) = run(&server, api, &keyed()).await;
    let first = 1 + 3 * lead;
    assert_eq!(
        kinds(&events)[first..first + 2],
        ["thinking_start", "thinking_delta"],
        "{api}"
    );
    let AssistantContent::Thinking(thinking) = &message.content[lead] else {
        panic!("{api}: no thinking")
    };
    assert_eq!(thinking.thinking, "Step by step.", "{api}");
    assert_eq!(message.text(), "The answer.", "{api}");
    thinking.clone()
}

/// How an API streams tool-call arguments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arguments {
    /// In fragments: at least 16 non-empty deltas for the two calls.
    Fragments,
    /// Each call whole: one delta with all of its arguments (Gemini).
    Whole,
}

/// Two tool calls in one answer: every argument delta keeps the partial arguments
/// consistent with the final ones, and both calls end whole, with distinct ids. Gives the
/// final message.
pub async fn parallel_tool_calls(api: &str, arguments: Arguments) -> AssistantMessage {
    let server = server().await;
    let first = json!({"command": "ls -la /tmp && echo \"done\"", "timeout": 30});
    let second = json!({"path": "src/main.rs", "edits": [{"oldText": "a\nb", "newText": "c ☃"}]});
    server.push(
        Turn::text("Running both.")
            .with_tool_call("bash", first.clone())
            .with_tool_call("edit", second.clone())
            .with_chunks(9),
    );
    let model = server.model(api, "test-model");
    let mut stream = pi_ai::stream(&model, &Context::from("Go"), &keyed());
    let mut deltas = Vec::new();
    while let Some(event) = stream.next().await {
        if let AssistantEvent::ToolcallDelta {
            content_index,
            delta,
        } = &event
        {
            deltas.push(delta.clone());
            let AssistantContent::ToolCall(call) = &stream.partial().content[*content_index] else {
                panic!("{api}: delta for a non-tool block")
            };
            let full = if call.name == "bash" { &first } else { &second };
            assert!(
                consistent(&Value::Object(call.arguments.clone()), full),
                "{api}: {:?}",
                call.arguments
            );
        }
    }
    match arguments {
        Arguments::Fragments => {
            let fragments = deltas.iter().filter(|d| !d.is_empty()).count();
            assert!(
                fragments >= 16,
                "{api}: arguments arrived in only {fragments} fragments"
            );
        }
        Arguments::Whole => {
            let parsed: Vec<Value> = deltas
                .iter()
                .map(|d| serde_json::from_str(d).unwrap())
                .collect();
            assert_eq!(parsed, [first.clone(), second.clone()], "{api}");
        }
    }
    let message = stream.partial().clone();
    assert_eq!(message.stop_reason, StopReason::ToolUse, "{api}");
    let calls: Vec<_> = message.tool_calls().collect();
    assert_eq!(calls.len(), 2, "{api}");
    assert_eq!(
        (
            calls[0].name.as_str(),
            Value::Object(calls[0].arguments.clone())
        ),
        ("bash", first),
        "{api}"
    );
    assert_eq!(
        (
            calls[1].name.as_str(),
            Value::Object(calls[1].arguments.clone())
        ),
        ("edit", second),
        "{api}"
    );
    assert_ne!(calls[0].id, calls[1].id, "{api}");
    message
}

/// 1000 input, 200 output, 4000 cache-read, 500 cache-write and 50 reasoning tokens are
/// counted and priced. `reports_cache_writes`: the API reports cache writes (else they
/// count as none); `reasoning`: the reasoning tokens it reports. Gives the usage.
pub async fn usage_and_cost(
    api: &str,
    reports_cache_writes: bool,
    reasoning: Option<u64>,
) -> Usage {
    let server = server().await;
    let usage = ScriptedUsage {
        input: 1000,
        output: 200,
        cache_read: 4000,
        cache_write: 500,
        reasoning: 50,
    };
    server.push(Turn::text("Priced.").with_usage(usage));
    let mut model: Model = server.model(api, "priced");
    model.cost = ModelCost {
        input: 3.0,
        output: 15.0,
        cache_read: 0.3,
        cache_write: 3.75,
        tiers: None,
    };
    let message = pi_ai::complete(&model, &Context::from("Hi"), &keyed()).await;
    let u = message.usage;
    // Cached prompt tokens are not billed as input.
    let (cache_write, total_tokens, cache_write_cost, total_cost) = if reports_cache_writes {
        (500, 5700, 0.001875, 0.009075)
    } else {
        (0, 5200, 0.0, 0.0072)
    };
    assert_eq!(
        (u.input, u.output, u.cache_read, u.cache_write),
        (1000, 200, 4000, cache_write),
        "{api}"
    );
    assert_eq!(u.total_tokens, total_tokens, "{api}");
    assert_eq!(u.reasoning, reasoning, "{api}");
    let close = |a: f64, b: f64| (a - b).abs() < 1e-12;
    assert!(close(u.cost.input, 0.003), "{api}: {}", u.cost.input);
    assert!(close(u.cost.output, 0.003), "{api}");
    assert!(close(u.cost.cache_read, 0.0012), "{api}");
    assert!(close(u.cost.cache_write, cache_write_cost), "{api}");
    assert!(close(u.cost.total, total_cost), "{api}");
    u
}

/// "Some text." ending in `stop` ends as `expected`: a `done` event without an error, or
/// an `error` event with `error`; the text that arrived is kept either way. Gives the
/// message.
pub async fn stops_with(
    api: &str,
    stop: &ScriptedStop,
    expected: StopReason,
    error: Option<&str>,
) -> AssistantMessage {
    let server = server().await;
    server.push(Turn::text("Some text.").with_stop(stop.clone()));
    let (events, message) = run(&server, api, &keyed()).await;
    assert_eq!(message.stop_reason, expected, "{api} {stop:?}");
    assert_eq!(message.error_message.as_deref(), error, "{api} {stop:?}");
    match events.last() {
        Some(AssistantEvent::Done { reason, .. }) => {
            assert_eq!(*reason, expected, "{api} {stop:?}");
            assert_eq!(error, None, "{api} {stop:?}: done instead of an error");
        }
        Some(AssistantEvent::Error { reason, .. }) => {
            assert_eq!(*reason, expected, "{api} {stop:?}");
            assert!(error.is_some(), "{api} {stop:?}: an error instead of done");
        }
        other => panic!("{api} {stop:?}: {other:?}"),
    }
    assert_eq!(message.text(), "Some text.", "{api} {stop:?}");
    message
}

/// An answer with a tool call stops as `toolUse`, the provider's reason being `raw`.
pub async fn tool_calls_stop_as_tool_use(api: &str, raw: &str) {
    let server = server().await;
    server.push(Turn::default().with_tool_call("ls", json!({})));
    let (_, message) = run(&server, api, &keyed()).await;
    assert_eq!(message.stop_reason, StopReason::ToolUse, "{api}");
    assert_eq!(message.raw_stop_reason.as_deref(), Some(raw), "{api}");
}

/// Error statuses 400, 401, 429 and 500 with the message "nope" end the stream without a
/// start, with the text `expected` gives for the status.
pub async fn http_errors(api: &str, expected: impl Fn(u16) -> String) {
    for status in [400u16, 401, 429, 500] {
        let server = server().await;
        server.push(Turn::fault(Fault::Http {
            status,
            retry_after: None,
            message: Some("nope".into()),
        }));
        let (events, message) = run(&server, api, &keyed()).await;
        assert_eq!(
            kinds(&events),
            ["error"],
            "{api} {status}: no start before a failed request"
        );
        assert_eq!(message.stop_reason, StopReason::Error, "{api} {status}");
        assert_eq!(message.error_message, Some(expected(status)), "{api}");
    }
}

/// Retryable failures are retried as the server asks; a longer wait than allowed fails at
/// once, and without retries the first failure is final. `slow_message` is the message of
/// the 429 asking for too long a wait. Gives the text that failure ends with.
pub async fn retries_honour_retry_after(api: &str, slow_message: Option<&str>) -> String {
    let server = server().await;
    let quick = Fault::Http {
        status: 429,
        retry_after: Some(Duration::from_millis(10)),
        message: None,
    };
    server.push(Turn::fault(quick.clone()));
    server.push(Turn::fault(Fault::http(503)));
    server.push(Turn::text("Third time lucky."));
    let options = StreamOptions {
        max_retries: 2,
        ..keyed()
    };
    let (_, message) = run(&server, api, &options).await;
    assert_eq!(message.text(), "Third time lucky.", "{api}");
    assert_eq!(server.requests().len(), 3, "{api}");

    let server = self::server().await;
    server.push(Turn::fault(Fault::Http {
        status: 429,
        retry_after: Some(Duration::from_secs(120)),
        message: slow_message.map(str::to_string),
    }));
    let (_, message) = run(&server, api, &options).await;
    let error = message.error_message.unwrap();
    assert!(
        error.starts_with("Server requested 120s retry delay (max: 60s). "),
        "{api}: {error}"
    );
    assert_eq!(server.requests().len(), 1, "{api}");

    let server = self::server().await;
    server.push(Turn::fault(quick));
    let (_, message) = run(&server, api, &keyed()).await;
    assert_eq!(message.stop_reason, StopReason::Error, "{api}");
    error
}

/// A connection cut after `after_events` events ends in an error that keeps the text that
/// arrived. Gives the message.
pub async fn cut_midway_keeps_what_arrived(api: &str, after_events: usize) -> AssistantMessage {
    let server = server().await;
    server.push(
        Turn::text("Hello there, friend of mine")
            .with_chunks(6)
            .with_fault(Fault::Cut { after_events }),
    );
    let (events, message) = run(&server, api, &keyed()).await;
    assert_eq!(
        kinds(&events).first().map(String::as_str),
        Some("start"),
        "{api}"
    );
    assert!(
        matches!(
            events.last(),
            Some(AssistantEvent::Error {
                reason: StopReason::Error,
                ..
            })
        ),
        "{api}"
    );
    assert_eq!(message.stop_reason, StopReason::Error, "{api}");
    let text = message.text();
    assert!(
        !text.is_empty() && "Hello there, friend of mine".starts_with(&text),
        "{api}: {text:?}"
    );
    let error = message.error_message.clone().unwrap();
    assert!(error.contains("Connection lost"), "{api}: {error}");
    message
}

/// Cancelling at the first text of a stream that stalls after `stall_after` events ends it
/// as aborted, keeping the partial text. Gives the text it ends with.
pub async fn cancel_mid_stream(api: &str, stall_after: usize) -> String {
    let server = server().await;
    server.push(
        Turn::text("This answer never finishes")
            .with_chunks(5)
            .with_fault(Fault::Stall {
                after_events: stall_after,
            }),
    );
    let cancel = CancellationToken::new();
    let options = StreamOptions {
        cancel: Some(cancel.clone()),
        ..keyed()
    };
    let model = server.model(api, "test-model");
    let mut stream = pi_ai::stream(&model, &Context::from("Hi"), &options);
    let mut seen = Vec::new();
    while let Some(event) = stream.next().await {
        if matches!(&event, AssistantEvent::TextDelta { delta, .. } if !delta.is_empty()) {
            cancel.cancel();
        }
        seen.push(event);
    }
    let Some(AssistantEvent::Error { reason, error }) = seen.last() else {
        panic!("{api}: {seen:?}")
    };
    assert_eq!(*reason, StopReason::Aborted, "{api}");
    assert!(!error.text().is_empty(), "{api}: partial text kept");
    error.error_message.clone().unwrap()
}

/// A request cancelled before it starts ends as aborted with a lone `error` event. Gives
/// the text it ends with.
pub async fn cancel_before_start(api: &str) -> String {
    let server = server().await;
    let cancelled = CancellationToken::new();
    cancelled.cancel();
    let options = StreamOptions {
        cancel: Some(cancelled),
        ..keyed()
    };
    let (events, message) = run(&server, api, &options).await;
    assert_eq!(kinds(&events), ["error"], "{api}");
    assert_eq!(message.stop_reason, StopReason::Aborted, "{api}");
    message.error_message.unwrap()
}

/// Without a key the level-based call refuses to start and the raw call ends in an error
/// event; nothing is sent.
pub async fn a_missing_key_is_the_only_early_failure(api: &str) {
    let server = server().await;
    let model = server.model(api, "test-model");
    let result = pi_ai::stream_simple(
        &model,
        &Context::from("Hi"),
        &SimpleStreamOptions::default(),
    );
    let Err(StartError::NoApiKey { provider }) = result else {
        panic!("{api}: started without a key")
    };
    assert_eq!(provider, format!("test-{api}"));
    // The raw call reports it as an error event instead.
    let (events, message) = run(&server, api, &StreamOptions::default()).await;
    assert_eq!(kinds(&events), ["error"], "{api}");
    assert_eq!(
        message.error_message,
        Some(format!("No API key for provider: test-{api}"))
    );
    assert!(server.requests().is_empty(), "{api}");
}

/// The request sent with `options` plus an `X-Extra: 1` header: it carries pi's user agent
/// and the caller's header.
pub async fn request_with_headers(api: &str, mut options: StreamOptions) -> RecordedRequest {
    let server = server().await;
    server.push(Turn::text("ok"));
    options
        .headers
        .insert(0, ("X-Extra".into(), Some("1".into())));
    run(&server, api, &options).await;
    let request = server.requests().remove(0);
    assert!(
        request.header("user-agent").unwrap().starts_with("pi ("),
        "{api}"
    );
    assert_eq!(request.header("x-extra"), Some("1"), "{api}");
    request
}

/// A server that does not answer gives a lone `error` event naming the connection error,
/// without the URL.
pub async fn unreachable_server(api: &str) {
    // Nothing listens on the port any more.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let server = server().await;
    let mut model = server.model(api, "test-model");
    model.base_url = format!("http://127.0.0.1:{port}");
    let (events, message) = collect(pi_ai::stream(&model, &Context::from("Hi"), &keyed())).await;
    assert_eq!(kinds(&events), ["error"], "{api}");
    let error = message.error_message.unwrap();
    assert!(error.starts_with("Connection error: "), "{api}: {error}");
    assert!(
        !error.contains(&port.to_string()),
        "{api}: the URL stays out of errors: {error}"
    );
}

/// A response `body` with a `{not json` event ends the stream with an error that quotes
/// it. Gives the events.
pub async fn malformed_event(api: &str, body: String) -> Vec<AssistantEvent> {
    let server = server().await;
    server.push(Turn::raw(body));
    let (events, message) = run(&server, api, &keyed()).await;
    assert!(
        matches!(events.last(), Some(AssistantEvent::Error { .. })),
        "{api}"
    );
    let error = message.error_message.unwrap();
    assert!(error.contains("{not json"), "{api}: {error}");
    events
}

/// The bodies of level-based requests, one per `(model, level)`, each answered "ok".
pub async fn simple_request_bodies(
    server: &pi_ai::testing::TestServer,
    runs: &[(&Model, Option<ThinkingLevel>)],
) -> Vec<Value> {
    for (model, level) in runs {
        server.push(Turn::text("ok"));
        let options = SimpleStreamOptions {
            base: keyed(),
            reasoning: *level,
            ..SimpleStreamOptions::default()
        };
        pi_ai::complete_simple(model, &Context::from("Hi"), &options)
            .await
            .unwrap();
    }
    server.requests().into_iter().map(|r| r.body).collect()
}

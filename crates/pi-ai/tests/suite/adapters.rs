//! One behaviour, every wire format: each test runs against both built-in adapters through
//! the loopback test server.

use std::time::Duration;

use futures_util::StreamExt;
use pi_ai::testing::{Fault, ScriptedStop, ScriptedUsage, TestServer, Turn};
use pi_ai::{
    AssistantContent, AssistantEvent, CancellationToken, Context, Model, ModelCost,
    SimpleStreamOptions, StartError, StopReason, StreamOptions, ThinkingLevel,
};
use serde_json::{Value, json};

use super::support::{collect, keyed, kinds};

const ANTHROPIC: &str = "anthropic-messages";
const OPENAI: &str = "openai-completions";
const APIS: [&str; 2] = [ANTHROPIC, OPENAI];

async fn server() -> TestServer {
    TestServer::start().await.expect("bind a loopback port")
}

async fn run(
    server: &TestServer,
    api: &str,
    options: &StreamOptions,
) -> (Vec<AssistantEvent>, pi_ai::AssistantMessage) {
    let model = server.model(api, "test-model");
    collect(pi_ai::stream(&model, &Context::from("Hello"), options)).await
}

#[tokio::test]
async fn streamed_text() {
    for api in APIS {
        let server = server().await;
        server.push(Turn::text("Hello, streaming world!").with_chunks(4));
        let (events, message) = run(&server, api, &keyed()).await;
        assert_eq!(
            kinds(&events),
            [
                "start",
                "text_start",
                "text_delta",
                "text_delta",
                "text_delta",
                "text_delta",
                "text_end",
                "done"
            ],
            "{api}"
        );
        let deltas: String = events
            .iter()
            .filter_map(|e| match e {
                AssistantEvent::TextDelta { delta, .. } => Some(delta.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(deltas, "Hello, streaming world!", "{api}");
        assert_eq!(message.text(), "Hello, streaming world!", "{api}");
        assert_eq!(message.stop_reason, StopReason::Stop, "{api}");
        assert_eq!(message.api, api);
        assert_eq!(
            message.response_id.as_deref().map(|id| id.is_empty()),
            Some(false),
            "{api}"
        );
    }
}

#[tokio::test]
async fn the_partial_message_follows_every_event() {
    for api in APIS {
        let server = server().await;
        server.push(
            Turn::text("One two three four five")
                .with_thinking("Hmm, let me see")
                .with_chunks(5),
        );
        let model = server.model(api, "test-model");
        let mut stream = pi_ai::stream(&model, &Context::from("Hi"), &keyed());
        let (mut text, mut thinking) = (String::new(), String::new());
        while let Some(event) = stream.next().await {
            match &event {
                AssistantEvent::TextDelta { delta, .. } => text.push_str(delta),
                AssistantEvent::ThinkingDelta { delta, .. } => thinking.push_str(delta),
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
        assert_eq!(stream.partial().stop_reason, StopReason::Stop);
    }
}

#[tokio::test]
async fn thinking_keeps_its_signature() {
    for api in APIS {
        let server = server().await;
        server.push(Turn::text("The answer.").with_thinking("Step by step."));
        let (events, message) = run(&server, api, &keyed()).await;
        assert_eq!(
            kinds(&events)[1..3],
            ["thinking_start", "thinking_delta"],
            "{api}"
        );
        let AssistantContent::Thinking(thinking) = &message.content[0] else {
            panic!("{api}: no thinking")
        };
        assert_eq!(thinking.thinking, "Step by step.");
        // Anthropic signs thinking; Chat Completions records which field it came in.
        let expected = if api == ANTHROPIC {
            "sig-13"
        } else {
            "reasoning_content"
        };
        assert_eq!(
            thinking.thinking_signature.as_deref(),
            Some(expected),
            "{api}"
        );
        assert_eq!(message.text(), "The answer.");
    }
}

#[tokio::test]
async fn redacted_thinking_keeps_the_opaque_payload() {
    let server = server().await;
    server.push(Turn::text("Done.").with_redacted_thinking("b3BhcXVl"));
    let (events, message) = run(&server, ANTHROPIC, &keyed()).await;
    assert_eq!(kinds(&events)[1..3], ["thinking_start", "thinking_end"]);
    let AssistantContent::Thinking(thinking) = &message.content[0] else {
        panic!("no thinking")
    };
    assert_eq!(thinking.thinking, "[Reasoning redacted]");
    assert_eq!(thinking.redacted, Some(true));
    assert_eq!(thinking.thinking_signature.as_deref(), Some("b3BhcXVl"));

    // Replayed to the same model as redacted_thinking.
    let mut context = Context::from("Hello");
    context.messages.push(message.into());
    context
        .messages
        .push(pi_ai::UserMessage::text("Again").into());
    server.push(Turn::text("Ok."));
    let model = server.model(ANTHROPIC, "test-model");
    pi_ai::complete(&model, &context, &keyed()).await;
    let body = &server.requests()[1].body;
    assert_eq!(
        body["messages"][1]["content"][0],
        json!({"type": "redacted_thinking", "data": "b3BhcXVl"})
    );
}

#[tokio::test]
async fn parallel_tool_calls_with_arguments_split_over_many_deltas() {
    for api in APIS {
        let server = server().await;
        let first = json!({"command": "ls -la /tmp && echo \"done\"", "timeout": 30});
        let second =
            json!({"path": "src/main.rs", "edits": [{"oldText": "a\nb", "newText": "c ☃"}]});
        server.push(
            Turn::text("Running both.")
                .with_tool_call("bash", first.clone())
                .with_tool_call("edit", second.clone())
                .with_chunks(9),
        );
        let model = server.model(api, "test-model");
        let mut stream = pi_ai::stream(&model, &Context::from("Go"), &keyed());
        let mut deltas = 0;
        while let Some(event) = stream.next().await {
            if let AssistantEvent::ToolcallDelta {
                content_index,
                delta,
            } = &event
            {
                deltas += usize::from(!delta.is_empty());
                // Mid-stream arguments are always consistent with the final ones.
                let AssistantContent::ToolCall(call) = &stream.partial().content[*content_index]
                else {
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
        assert!(
            deltas >= 16,
            "{api}: arguments arrived in only {deltas} fragments"
        );
        let message = stream.partial().clone();
        assert_eq!(message.stop_reason, StopReason::ToolUse, "{api}");
        let calls: Vec<_> = message.tool_calls().collect();
        assert_eq!(calls.len(), 2, "{api}");
        assert_eq!(
            (
                calls[0].name.as_str(),
                Value::Object(calls[0].arguments.clone())
            ),
            ("bash", first)
        );
        assert_eq!(
            (
                calls[1].name.as_str(),
                Value::Object(calls[1].arguments.clone())
            ),
            ("edit", second)
        );
        assert_ne!(calls[0].id, calls[1].id);
    }
}

/// Whether a partial JSON value could still become `full`.
fn consistent(partial: &Value, full: &Value) -> bool {
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

#[tokio::test]
async fn usage_and_cost() {
    for api in APIS {
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
        let u = &message.usage;
        assert_eq!(
            (u.input, u.output, u.cache_read, u.cache_write),
            (1000, 200, 4000, 500),
            "{api}"
        );
        assert_eq!(u.total_tokens, 5700, "{api}");
        assert_eq!(u.reasoning, Some(50), "{api}");
        let close = |a: f64, b: f64| (a - b).abs() < 1e-12;
        assert!(close(u.cost.input, 0.003), "{api}: {}", u.cost.input);
        assert!(close(u.cost.output, 0.003), "{api}");
        assert!(close(u.cost.cache_read, 0.0012), "{api}");
        assert!(close(u.cost.cache_write, 0.001875), "{api}");
        assert!(close(u.cost.total, 0.009075), "{api}");
        if api == ANTHROPIC {
            assert_eq!(u.cache_write_1h, Some(0));
        }
    }
}

#[tokio::test]
async fn every_stop_reason() {
    let cases: [(ScriptedStop, StopReason, [&str; 2]); 5] = [
        (ScriptedStop::Stop, StopReason::Stop, ["", ""]),
        (ScriptedStop::Length, StopReason::Length, ["", ""]),
        (
            ScriptedStop::Refusal,
            StopReason::Error,
            [
                "The model refused to complete the request",
                "Provider finish_reason: content_filter",
            ],
        ),
        (
            ScriptedStop::Raw("quantum".into()),
            StopReason::Error,
            [
                "Unhandled stop reason: quantum",
                "Provider finish_reason: quantum",
            ],
        ),
        (
            ScriptedStop::Missing,
            StopReason::Error,
            [
                "Anthropic stream ended without a stop reason",
                "Stream ended without finish_reason",
            ],
        ),
    ];
    for (index, api) in APIS.iter().enumerate() {
        for (stop, expected, errors) in &cases {
            let server = server().await;
            server.push(Turn::text("Some text.").with_stop(stop.clone()));
            let (events, message) = run(&server, api, &keyed()).await;
            assert_eq!(message.stop_reason, *expected, "{api} {stop:?}");
            match events.last() {
                Some(AssistantEvent::Done { reason, .. }) => assert_eq!(reason, expected),
                Some(AssistantEvent::Error { reason, error }) => {
                    assert_eq!(reason, expected);
                    assert_eq!(
                        error.error_message.as_deref(),
                        Some(errors[index]),
                        "{api} {stop:?}"
                    );
                    // The text that did arrive is kept.
                    assert_eq!(error.text(), "Some text.");
                }
                other => panic!("{other:?}"),
            }
        }
        // toolUse comes with tool calls.
        let server = server().await;
        server.push(Turn::default().with_tool_call("ls", json!({})));
        let (_, message) = run(&server, api, &keyed()).await;
        assert_eq!(message.stop_reason, StopReason::ToolUse, "{api}");
        assert_eq!(
            message.raw_stop_reason.as_deref(),
            Some(if *api == ANTHROPIC {
                "tool_use"
            } else {
                "tool_calls"
            })
        );
    }
}

#[tokio::test]
async fn http_errors_carry_the_provider_body() {
    for api in APIS {
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
            assert_eq!(message.stop_reason, StopReason::Error);
            let error = message.error_message.unwrap();
            let expected = if api == ANTHROPIC {
                let kind = match status {
                    400 => "invalid_request_error",
                    401 => "authentication_error",
                    429 => "rate_limit_error",
                    _ => "api_error",
                };
                format!(
                    r#"{status} {{"type":"error","error":{{"type":"{kind}","message":"nope"}}}}"#
                )
            } else {
                let kind = match status {
                    401 => "invalid_api_key",
                    429 => "rate_limit_exceeded",
                    500 => "server_error",
                    _ => "invalid_request_error",
                };
                format!(
                    r#"{status}: {{"message":"nope","type":"{kind}","param":null,"code":"{kind}"}}"#
                )
            };
            assert_eq!(error, expected, "{api}");
        }
    }
}

#[tokio::test]
async fn retries_honour_retry_after_and_refuse_long_waits() {
    for api in APIS {
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
        assert_eq!(server.requests().len(), 3);

        // A server asking for a longer wait than allowed fails at once, naming the wait.
        let server = self::server().await;
        let slow = Fault::Http {
            status: 429,
            retry_after: Some(Duration::from_secs(120)),
            message: None,
        };
        server.push(Turn::fault(slow));
        let (_, message) = run(&server, api, &options).await;
        let error = message.error_message.unwrap();
        assert!(
            error.starts_with("Server requested 120s retry delay (max: 60s). 429"),
            "{api}: {error}"
        );
        assert_eq!(server.requests().len(), 1);

        // Without retries the first failure is final.
        let server = self::server().await;
        server.push(Turn::fault(quick));
        let (_, message) = run(&server, api, &keyed()).await;
        assert_eq!(message.stop_reason, StopReason::Error);
    }
}

#[tokio::test]
async fn a_stream_cut_midway_keeps_what_arrived() {
    for api in APIS {
        let server = server().await;
        server.push(
            Turn::text("Hello there, friend of mine")
                .with_chunks(6)
                .with_fault(Fault::Cut { after_events: 5 }),
        );
        let (events, message) = run(&server, api, &keyed()).await;
        assert_eq!(
            kinds(&events).first().map(String::as_str),
            Some("start"),
            "{api}"
        );
        assert!(matches!(
            events.last(),
            Some(AssistantEvent::Error {
                reason: StopReason::Error,
                ..
            })
        ));
        assert_eq!(message.stop_reason, StopReason::Error);
        let text = message.text();
        assert!(
            !text.is_empty() && "Hello there, friend of mine".starts_with(&text),
            "{api}: {text:?}"
        );
        let error = message.error_message.unwrap();
        assert!(error.contains("Connection lost"), "{api}: {error}");
        if api == ANTHROPIC {
            // Anthropic reports input tokens up front, so they survive the cut.
            assert!(message.usage.input > 0);
        }
    }
}

#[tokio::test]
async fn cancellation_mid_stream_ends_aborted() {
    for api in APIS {
        let server = server().await;
        server.push(
            Turn::text("This answer never finishes")
                .with_chunks(5)
                .with_fault(Fault::Stall { after_events: 4 }),
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
            if matches!(event, AssistantEvent::TextDelta { .. }) {
                cancel.cancel();
            }
            seen.push(event);
        }
        let Some(AssistantEvent::Error { reason, error }) = seen.last() else {
            panic!("{api}: {seen:?}")
        };
        assert_eq!(*reason, StopReason::Aborted, "{api}");
        assert_eq!(error.error_message.as_deref(), Some("Request was aborted"));
        assert!(!error.text().is_empty(), "{api}: partial text kept");

        // Cancelled before the request even starts.
        let cancelled = CancellationToken::new();
        cancelled.cancel();
        let options = StreamOptions {
            cancel: Some(cancelled),
            ..keyed()
        };
        let (events, message) = run(&server, api, &options).await;
        assert_eq!(kinds(&events), ["error"]);
        assert_eq!(message.stop_reason, StopReason::Aborted);
    }
}

#[tokio::test]
async fn a_missing_key_is_the_only_early_failure() {
    for api in APIS {
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
        assert_eq!(
            StartError::NoApiKey {
                provider: "groq".into()
            }
            .to_string(),
            "No API key for provider: groq"
        );
        // The raw call reports it as an error event instead.
        let (events, message) = run(&server, api, &StreamOptions::default()).await;
        assert_eq!(kinds(&events), ["error"]);
        assert_eq!(
            message.error_message,
            Some(format!("No API key for provider: test-{api}"))
        );
        assert!(server.requests().is_empty());
    }
}

#[tokio::test]
async fn requests_carry_auth_and_pi_headers() {
    for api in APIS {
        let server = server().await;
        server.push(Turn::text("ok"));
        let options = StreamOptions {
            headers: vec![
                ("X-Extra".into(), Some("1".into())),
                ("Accept".into(), None),
            ],
            ..keyed()
        };
        run(&server, api, &options).await;
        let request = &server.requests()[0];
        assert!(
            request.header("user-agent").unwrap().starts_with("pi ("),
            "{api}"
        );
        assert_eq!(request.header("x-extra"), Some("1"));
        assert_ne!(
            request.header("accept"),
            Some("application/json"),
            "a None header removes the default"
        );
        if api == ANTHROPIC {
            assert_eq!(request.path, "/v1/messages?beta=true");
            assert_eq!(request.header("x-api-key"), Some("sk-test-key"));
            assert_eq!(request.header("anthropic-version"), Some("2023-06-01"));
        } else {
            assert_eq!(request.path, "/v1/chat/completions");
            assert_eq!(request.header("authorization"), Some("Bearer sk-test-key"));
        }
    }
}

#[tokio::test]
async fn thinking_levels_shape_the_request() {
    let server = server().await;
    for _ in 0..4 {
        server.push(Turn::text("ok"));
    }
    let mut anthropic = server.model(ANTHROPIC, "claude-x");
    anthropic.reasoning = true;
    let mut openai = server.model(OPENAI, "gpt-x");
    openai.reasoning = true;
    let simple = |level| SimpleStreamOptions {
        base: keyed(),
        reasoning: level,
        ..SimpleStreamOptions::default()
    };
    for (model, level) in [
        (&anthropic, Some(ThinkingLevel::Low)),
        (&anthropic, None),
        (&openai, Some(ThinkingLevel::Max)),
        (&openai, None),
    ] {
        pi_ai::complete_simple(model, &Context::from("Hi"), &simple(level))
            .await
            .unwrap();
    }
    let bodies: Vec<Value> = server.requests().into_iter().map(|r| r.body).collect();
    assert_eq!(
        bodies[0]["thinking"],
        json!({"type": "enabled", "budget_tokens": 2048, "display": "summarized"})
    );
    assert_eq!(bodies[0]["max_tokens"], 16384);
    assert_eq!(
        server.requests()[0].header("anthropic-beta"),
        Some("interleaved-thinking-2025-05-14")
    );
    assert_eq!(bodies[1]["thinking"], json!({"type": "disabled"}));
    // `max` is not supported without a mapping: clamped down to `high`.
    assert_eq!(bodies[2]["reasoning_effort"], "high");
    assert_eq!(bodies[3].get("reasoning_effort"), None);
}

#[tokio::test]
async fn tool_results_and_images_replay_in_each_wire_format() {
    let image = pi_ai::ImageContent::new("iVBORw0KGgo=", "image/png");
    let call = |id: &str| pi_ai::ToolCall::new(id, "read", serde_json::Map::new());
    let mut assistant =
        pi_ai::AssistantMessage::empty(ANTHROPIC, "test-anthropic-messages", "test-model");
    assistant.content = vec![
        AssistantContent::ToolCall(call("t1")),
        AssistantContent::ToolCall(call("t2")),
    ];
    assistant.stop_reason = StopReason::ToolUse;
    let mut with_image = pi_ai::ToolResultMessage::text(&call("t2"), "", false);
    with_image.content = vec![pi_ai::InputContent::Image(image.clone())];
    let context = Context {
        messages: vec![
            pi_ai::UserMessage {
                content: pi_ai::UserContent::Blocks(vec![
                    pi_ai::InputContent::Text(pi_ai::TextContent::new("What is in this picture?")),
                    pi_ai::InputContent::Image(image.clone()),
                ]),
                timestamp: 1,
                extra: serde_json::Map::new(),
            }
            .into(),
            assistant.into(),
            pi_ai::ToolResultMessage::text(&call("t1"), "line one\nline two", false).into(),
            with_image.into(),
        ],
        ..Context::default()
    };
    let server = server().await;
    server.push(Turn::text("ok"));
    server.push(Turn::text("ok"));
    let anthropic = server.model(ANTHROPIC, "test-model");
    pi_ai::complete(&anthropic, &context, &keyed()).await;
    let mut openai = server.model(OPENAI, "test-model");
    pi_ai::complete(&openai, &context, &keyed()).await;
    let requests = server.requests();

    // Anthropic: consecutive results share one user message; an image-only result gets a
    // text block first; the conversation's last block is cached.
    let messages = &requests[0].body["messages"];
    assert_eq!(
        messages[0]["content"][1]["source"],
        json!({"type": "base64", "media_type": "image/png", "data": "iVBORw0KGgo="})
    );
    assert_eq!(messages[2]["role"], "user");
    assert_eq!(
        messages[2]["content"][0],
        json!({"type": "tool_result", "tool_use_id": "t1", "content": "line one\nline two", "is_error": false})
    );
    assert_eq!(
        messages[2]["content"][1]["content"][0],
        json!({"type": "text", "text": "(see attached image)"})
    );
    assert_eq!(
        messages[2]["content"][1]["cache_control"],
        json!({"type": "ephemeral"})
    );

    // OpenAI: one tool message per result, images follow in a user message.
    let messages = &requests[1].body["messages"];
    assert_eq!(
        messages[0]["content"][1],
        json!({"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgo="}})
    );
    assert_eq!(messages[1]["content"], Value::Null);
    assert_eq!(
        messages[2],
        json!({"role": "tool", "content": "line one\nline two", "tool_call_id": "t1"})
    );
    assert_eq!(
        messages[3],
        json!({"role": "tool", "content": "(see attached image)", "tool_call_id": "t2"})
    );
    assert_eq!(
        messages[4]["content"][0],
        json!({"type": "text", "text": "Attached image(s) from tool result:"})
    );

    // A model without image input gets placeholders instead.
    openai.input = vec![pi_ai::InputKind::Text];
    server.push(Turn::text("ok"));
    pi_ai::complete(&openai, &context, &keyed()).await;
    let messages = &server.requests()[2].body["messages"];
    assert_eq!(
        messages[0]["content"][1],
        json!({"type": "text", "text": "(image omitted: model does not support images)"})
    );
    assert_eq!(
        messages[3]["content"],
        "(tool image omitted: model does not support images)"
    );
    assert_eq!(
        messages.as_array().unwrap().len(),
        4,
        "no image message follows"
    );
}

#[tokio::test]
async fn network_and_parse_failures_are_error_events() {
    for api in APIS {
        // Nothing listens on the port any more.
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        drop(listener);
        let server = server().await;
        let mut model = server.model(api, "test-model");
        model.base_url = format!("http://127.0.0.1:{port}");
        let (events, message) =
            collect(pi_ai::stream(&model, &Context::from("Hi"), &keyed())).await;
        assert_eq!(kinds(&events), ["error"], "{api}");
        let error = message.error_message.unwrap();
        assert!(error.starts_with("Connection error: "), "{api}: {error}");
        assert!(
            !error.contains(&port.to_string()),
            "{api}: the URL stays out of errors: {error}"
        );

        // A malformed event ends the stream and says what it was.
        let (name, start) = if api == ANTHROPIC {
            (
                "content_block_delta",
                "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"m\",\"usage\":{}}}\n\n",
            )
        } else {
            (
                "message",
                "data: {\"id\":\"c\",\"choices\":[{\"delta\":{\"content\":\"Hi\"}}]}\n\n",
            )
        };
        server.push(Turn::raw(format!(
            "{start}event: {name}\ndata: {{not json\n\n"
        )));
        let (events, message) = run(&server, api, &keyed()).await;
        assert!(
            matches!(events.last(), Some(AssistantEvent::Error { .. })),
            "{api}"
        );
        let error = message.error_message.unwrap();
        assert!(error.contains("{not json"), "{api}: {error}");
    }
}

//! The adapter behaviours of `adapters.rs`, for `google-generative-ai` and
//! `mistral-conversations`, through the loopback test server speaking Gemini's and Mistral's
//! wire formats. Where the two APIs differ from each other (Gemini sends function calls
//! whole, Mistral opens every response with an empty text delta) the tests say so.

use std::time::Duration;

use futures_util::StreamExt;
use pi_ai::testing::{Fault, ScriptedStop, ScriptedUsage, TestServer, Turn};
use pi_ai::{
    AssistantContent, AssistantEvent, AssistantMessage, CancellationToken, Context, Model,
    ModelCost, SimpleStreamOptions, StartError, StopReason, StreamOptions, ThinkingLevel,
};
use serde_json::{Value, json};

use super::support::{collect, keyed, kinds};

const GOOGLE: &str = "google-generative-ai";
const MISTRAL: &str = "mistral-conversations";
const APIS: [&str; 2] = [GOOGLE, MISTRAL];

async fn server() -> TestServer {
    TestServer::start().await.expect("bind a loopback port")
}

async fn run(
    server: &TestServer,
    api: &str,
    options: &StreamOptions,
) -> (Vec<AssistantEvent>, AssistantMessage) {
    let model = server.model(api, "test-model");
    collect(pi_ai::stream(&model, &Context::from("Hello"), options)).await
}

/// Mistral's first chunk carries an empty content delta, which (as in pi) opens an empty
/// text block; `lead` is how many blocks precede the answer.
fn lead(api: &str) -> usize {
    usize::from(api == MISTRAL)
}

#[tokio::test]
async fn streamed_text() {
    for api in APIS {
        let server = server().await;
        server.push(Turn::text("Hello, streaming world!").with_chunks(4));
        let (events, message) = run(&server, api, &keyed()).await;
        let mut expected = vec!["start", "text_start"];
        if api == MISTRAL {
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
        assert_eq!(message.text(), "Hello, streaming world!", "{api}");
        assert_eq!(message.content.len(), 1, "{api}: one text block");
        assert_eq!(message.stop_reason, StopReason::Stop, "{api}");
        assert_eq!(message.api, api);
        assert_eq!(
            message.raw_stop_reason.as_deref(),
            Some(if api == GOOGLE { "STOP" } else { "stop" })
        );
        assert!(
            message
                .response_id
                .as_deref()
                .is_some_and(|id| !id.is_empty()),
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
        assert_eq!(text, "One two three four five");
        assert_eq!(thinking, "Hmm, let me see");
    }
}

#[tokio::test]
async fn thinking_and_its_signature() {
    for api in APIS {
        let server = server().await;
        server.push(Turn::text("The answer.").with_thinking("Step by step."));
        let (events, message) = run(&server, api, &keyed()).await;
        let first = 1 + 3 * lead(api);
        assert_eq!(
            kinds(&events)[first..first + 2],
            ["thinking_start", "thinking_delta"],
            "{api}"
        );
        let AssistantContent::Thinking(thinking) = &message.content[lead(api)] else {
            panic!("{api}: no thinking")
        };
        assert_eq!(thinking.thinking, "Step by step.");
        // Gemini signs its thoughts (the signature stays with its block); Mistral does not.
        let expected = (api == GOOGLE).then_some("c2ln00000013");
        assert_eq!(thinking.thinking_signature.as_deref(), expected, "{api}");
        assert_eq!(message.text(), "The answer.");
    }
}

#[tokio::test]
async fn parallel_tool_calls() {
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
        let mut deltas = Vec::new();
        while let Some(event) = stream.next().await {
            if let AssistantEvent::ToolcallDelta {
                content_index,
                delta,
            } = &event
            {
                deltas.push(delta.clone());
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
        if api == GOOGLE {
            // Gemini sends each call whole: one delta with all of its arguments.
            let parsed: Vec<Value> = deltas
                .iter()
                .map(|d| serde_json::from_str(d).unwrap())
                .collect();
            assert_eq!(parsed, [first.clone(), second.clone()]);
        } else {
            assert!(
                deltas.len() >= 16,
                "{api}: arguments arrived in only {} fragments",
                deltas.len()
            );
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
        if api == MISTRAL {
            assert_eq!(calls[0].id, "call00000");
        }
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

/// Gemini often sends no call id: pi makes one up as `<name>_<ms>_<counter>`, also when a
/// response repeats an id.
#[tokio::test]
async fn gemini_tool_call_ids_are_generated_when_missing_or_repeated() {
    let server = server().await;
    let mut turn = Turn::default()
        .with_tool_call("read", json!({"path": "a"}))
        .with_tool_call("read", json!({"path": "b"}))
        .with_tool_call("ls", json!({}));
    turn.tool_calls[1].id = Some("call-7".into());
    turn.tool_calls[2].id = Some("call-7".into());
    server.push(turn);
    let (_, message) = run(&server, GOOGLE, &keyed()).await;
    let ids: Vec<&str> = message.tool_calls().map(|c| c.id.as_str()).collect();
    assert_eq!(ids[1], "call-7");
    for (id, name) in [(ids[0], "read"), (ids[2], "ls")] {
        let parts: Vec<&str> = id.rsplitn(3, '_').collect();
        assert_eq!(parts.len(), 3, "{id}");
        assert_eq!(parts[2], name, "{id}");
        assert!(parts[1].parse::<u64>().unwrap() > 1_700_000_000_000, "{id}");
        assert!(parts[0].parse::<u64>().unwrap() > 0, "{id}");
    }
    assert_ne!(ids[0], ids[2]);
    assert_eq!(message.stop_reason, StopReason::ToolUse);
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
        // Neither API reports cache writes; cached prompt tokens are not billed as input.
        assert_eq!(
            (u.input, u.output, u.cache_read, u.cache_write),
            (1000, 200, 4000, 0),
            "{api}"
        );
        assert_eq!(u.total_tokens, 5200, "{api}");
        // Gemini reports thought tokens (part of the output); Mistral does not.
        let reasoning = (api == GOOGLE).then_some(50);
        assert_eq!(u.reasoning, reasoning, "{api}");
        let close = |a: f64, b: f64| (a - b).abs() < 1e-12;
        assert!(close(u.cost.input, 0.003), "{api}: {}", u.cost.input);
        assert!(close(u.cost.output, 0.003), "{api}");
        assert!(close(u.cost.cache_read, 0.0012), "{api}");
        assert!(close(u.cost.cache_write, 0.0), "{api}");
        assert!(close(u.cost.total, 0.0072), "{api}");
        assert_eq!(u.cache_write_1h, None);
    }
}

#[tokio::test]
async fn every_stop_reason() {
    let cases: [(ScriptedStop, StopReason, [&str; 2]); 6] = [
        (ScriptedStop::Stop, StopReason::Stop, ["", ""]),
        (ScriptedStop::Length, StopReason::Length, ["", ""]),
        (
            ScriptedStop::Refusal,
            StopReason::Error,
            [
                "Provider stopped with: SAFETY",
                "Provider stopped with: error",
            ],
        ),
        (
            ScriptedStop::Raw("RECITATION".into()),
            StopReason::Error,
            [
                "Provider stopped with: RECITATION",
                "Provider stopped with: RECITATION",
            ],
        ),
        (
            ScriptedStop::Raw("quantum".into()),
            StopReason::Error,
            [
                "Unhandled stop reason: quantum",
                "Provider stopped with: quantum",
            ],
        ),
        (
            ScriptedStop::Missing,
            StopReason::Error,
            [
                "Google stream ended without a finish reason",
                "Mistral stream ended without a finish reason",
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
        // toolUse comes with tool calls; Gemini says STOP and pi infers it.
        let server = server().await;
        server.push(Turn::default().with_tool_call("ls", json!({})));
        let (_, message) = run(&server, api, &keyed()).await;
        assert_eq!(message.stop_reason, StopReason::ToolUse, "{api}");
        let raw = if *api == GOOGLE { "STOP" } else { "tool_calls" };
        assert_eq!(message.raw_stop_reason.as_deref(), Some(raw));
    }
    // A length stop with a tool call stays a length stop.
    let server = server().await;
    server.push(
        Turn::default()
            .with_tool_call("ls", json!({}))
            .with_stop(ScriptedStop::Length),
    );
    let (_, message) = run(&server, GOOGLE, &keyed()).await;
    assert_eq!(message.stop_reason, StopReason::Length);
}

/// A prompt Gemini blocks gets no candidate at all, only prompt feedback.
#[tokio::test]
async fn a_blocked_gemini_prompt_ends_without_a_finish_reason() {
    let server = server().await;
    server.push(Turn::raw(
        "data: {\"promptFeedback\":{\"blockReason\":\"SAFETY\"},\"usageMetadata\":{\"promptTokenCount\":7,\"totalTokenCount\":7},\"responseId\":\"r1\"}\r\n\r\n",
    ));
    let (events, message) = run(&server, GOOGLE, &keyed()).await;
    assert_eq!(kinds(&events), ["start", "error"]);
    assert_eq!(
        message.error_message.as_deref(),
        Some("Google stream ended without a finish reason")
    );
    assert_eq!(message.usage.input, 7);
    assert_eq!(message.response_id.as_deref(), Some("r1"));
}

/// An error object in place of a chunk ends the stream with Google's wording.
#[tokio::test]
async fn a_gemini_error_chunk_ends_the_stream() {
    let server = server().await;
    server.push(Turn::raw(concat!(
        "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"Hal\"}],\"role\":\"model\"}}]}\r\n\r\n",
        "data: {\"error\":{\"code\":503,\"message\":\"The model is overloaded.\",\"status\":\"UNAVAILABLE\"}}\r\n\r\n",
    )));
    let (_, message) = run(&server, GOOGLE, &keyed()).await;
    assert_eq!(
        message.error_message.as_deref(),
        Some(
            r#"got status: UNAVAILABLE. {"error":{"code":503,"message":"The model is overloaded.","status":"UNAVAILABLE"}}"#
        )
    );
    assert_eq!(message.text(), "Hal");
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
            let expected = if api == GOOGLE {
                let name = match status {
                    400 => "INVALID_ARGUMENT",
                    401 => "UNAUTHENTICATED",
                    429 => "RESOURCE_EXHAUSTED",
                    _ => "INTERNAL",
                };
                format!(r#"{{"error":{{"code":{status},"message":"nope","status":"{name}"}}}}"#)
            } else {
                let kind = match status {
                    400 => "invalid_request_error",
                    401 => "unauthorized",
                    429 => "rate_limited",
                    _ => "internal_server_error",
                };
                format!(
                    r#"Mistral API error ({status}): {{"object":"error","message":"nope","type":"{kind}","param":null,"code":null}}"#
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

        let server = self::server().await;
        server.push(Turn::fault(Fault::Http {
            status: 429,
            retry_after: Some(Duration::from_secs(120)),
            message: None,
        }));
        let (_, message) = run(&server, api, &options).await;
        let error = message.error_message.unwrap();
        assert!(
            error.starts_with("Server requested 120s retry delay (max: 60s). "),
            "{api}: {error}"
        );
        assert_eq!(server.requests().len(), 1);
    }
}

#[tokio::test]
async fn a_stream_cut_midway_keeps_what_arrived() {
    for api in APIS {
        let server = server().await;
        server.push(
            Turn::text("Hello there, friend of mine")
                .with_chunks(6)
                .with_fault(Fault::Cut { after_events: 4 }),
        );
        let (events, message) = run(&server, api, &keyed()).await;
        assert_eq!(kinds(&events).first().map(String::as_str), Some("start"));
        assert!(matches!(
            events.last(),
            Some(AssistantEvent::Error {
                reason: StopReason::Error,
                ..
            })
        ));
        let text = message.text();
        assert!(
            !text.is_empty() && "Hello there, friend of mine".starts_with(&text),
            "{api}: {text:?}"
        );
        let error = message.error_message.unwrap();
        assert!(error.contains("Connection lost"), "{api}: {error}");
        if api == GOOGLE {
            // Gemini reports the prompt size with every chunk, so it survives the cut.
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
                .with_fault(Fault::Stall { after_events: 3 }),
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
        // The reference reports the platform's abort error here.
        assert_eq!(
            error.error_message.as_deref(),
            Some("This operation was aborted")
        );
        assert!(!error.text().is_empty(), "{api}: partial text kept");

        let cancelled = CancellationToken::new();
        cancelled.cancel();
        let options = StreamOptions {
            cancel: Some(cancelled),
            ..keyed()
        };
        let (events, message) = run(&server, api, &options).await;
        assert_eq!(kinds(&events), ["error"]);
        assert_eq!(message.stop_reason, StopReason::Aborted);
        let expected = if api == GOOGLE {
            "Request aborted"
        } else {
            "This operation was aborted"
        };
        assert_eq!(message.error_message.as_deref(), Some(expected));
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
            headers: vec![("X-Extra".into(), Some("1".into()))],
            session_id: Some("session-9".into()),
            ..keyed()
        };
        run(&server, api, &options).await;
        let request = &server.requests()[0];
        assert!(
            request.header("user-agent").unwrap().starts_with("pi ("),
            "{api}"
        );
        assert_eq!(request.header("x-extra"), Some("1"));
        assert_eq!(request.header("content-type"), Some("application/json"));
        if api == GOOGLE {
            assert_eq!(
                request.path,
                "/v1beta/models/test-model:streamGenerateContent?alt=sse"
            );
            assert_eq!(request.header("x-goog-api-key"), Some("sk-test-key"));
            assert_eq!(request.header("authorization"), None);
        } else {
            assert_eq!(request.path, "/mistral/v1/chat/completions");
            assert_eq!(request.header("authorization"), Some("Bearer sk-test-key"));
            assert_eq!(request.header("accept"), Some("text/event-stream"));
            // The session keys Mistral's prompt cache and pins the replica that holds it.
            assert_eq!(request.header("x-affinity"), Some("session-9"));
            assert_eq!(request.body["prompt_cache_key"], "session-9");
        }
    }
    // An explicit key header wins over the API key.
    let server = server().await;
    server.push(Turn::text("ok"));
    let options = StreamOptions {
        headers: vec![("x-goog-api-key".into(), Some("from-header".into()))],
        ..keyed()
    };
    run(&server, GOOGLE, &options).await;
    assert_eq!(
        server.requests()[0].header("x-goog-api-key"),
        Some("from-header")
    );
}

#[tokio::test]
async fn thinking_levels_shape_the_request() {
    let server = server().await;
    let mut flash = server.model(GOOGLE, "gemini-2.5-flash");
    flash.reasoning = true;
    let mut gemini3 = server.model(GOOGLE, "gemini-3-pro-preview");
    gemini3.reasoning = true;
    let mut magistral = server.model(MISTRAL, "magistral-small");
    magistral.reasoning = true;
    let mut medium = server.model(MISTRAL, "mistral-medium-2604");
    medium.reasoning = true;
    let simple = |level| SimpleStreamOptions {
        base: keyed(),
        reasoning: level,
        ..SimpleStreamOptions::default()
    };
    let runs = [
        (&flash, Some(ThinkingLevel::Medium)),
        (&flash, None),
        (&gemini3, Some(ThinkingLevel::Minimal)),
        (&magistral, Some(ThinkingLevel::Low)),
        (&magistral, None),
        (&medium, Some(ThinkingLevel::High)),
    ];
    for (model, level) in runs {
        server.push(Turn::text("ok"));
        pi_ai::complete_simple(model, &Context::from("Hi"), &simple(level))
            .await
            .unwrap();
    }
    let bodies: Vec<Value> = server.requests().into_iter().map(|r| r.body).collect();
    assert_eq!(
        bodies[0]["generationConfig"]["thinkingConfig"],
        json!({"includeThoughts": true, "thinkingBudget": 8192})
    );
    assert_eq!(
        bodies[1]["generationConfig"]["thinkingConfig"],
        json!({"thinkingBudget": 0})
    );
    assert_eq!(
        bodies[2]["generationConfig"]["thinkingConfig"],
        json!({"includeThoughts": true, "thinkingLevel": "MINIMAL"})
    );
    assert_eq!(bodies[3]["prompt_mode"], "reasoning");
    assert_eq!(bodies[3].get("reasoning_effort"), None);
    assert_eq!(bodies[4].get("prompt_mode"), None);
    assert_eq!(bodies[5]["reasoning_effort"], "high");
    assert_eq!(bodies[5].get("prompt_mode"), None);
}

/// Gemini replays thought signatures only to the model that made them, and only valid
/// (base64) ones; Gemini 3 gets call ids and images inside the function response, Gemini
/// 2.5 neither; every response to one model turn travels in one user turn.
#[tokio::test]
async fn gemini_replay_follows_the_model_generation() {
    let image = pi_ai::ImageContent::new("iVBORw0KGgo=", "image/png");
    let call = |id: &str, signature: &str| pi_ai::ToolCall {
        thought_signature: Some(signature.into()),
        ..pi_ai::ToolCall::new(id, "read", serde_json::Map::new())
    };
    let server = server().await;
    let gemini3 = server.model(GOOGLE, "gemini-3-flash-preview");
    let gemini25 = server.model(GOOGLE, "gemini-2.5-flash");
    let mut assistant = AssistantMessage::empty(GOOGLE, &gemini3.provider, &gemini3.id);
    assistant.content = vec![
        AssistantContent::Thinking(pi_ai::ThinkingContent::signed("Plan.", "c2lnbmF0dXJl")),
        AssistantContent::ToolCall(call("c1", "Y2FsbHNpZw==")),
        AssistantContent::ToolCall(call("c2", "not base64!")),
    ];
    assistant.stop_reason = StopReason::ToolUse;
    let mut with_image = pi_ai::ToolResultMessage::text(&call("c2", ""), "", false);
    with_image.content = vec![pi_ai::InputContent::Image(image)];
    let context = Context {
        messages: vec![
            pi_ai::UserMessage::text("Go").into(),
            assistant.into(),
            pi_ai::ToolResultMessage::text(&call("c1", ""), "one", false).into(),
            with_image.into(),
        ],
        ..Context::default()
    };
    for model in [&gemini3, &gemini25] {
        server.push(Turn::text("ok"));
        pi_ai::complete(model, &context, &keyed()).await;
    }
    let requests = server.requests();
    let same = &requests[0].body["contents"];
    assert_eq!(
        same[1]["parts"],
        json!([
            {"text": "Plan.", "thought": true, "thoughtSignature": "c2lnbmF0dXJl"},
            {"functionCall": {"args": {}, "id": "c1", "name": "read"}, "thoughtSignature": "Y2FsbHNpZw=="},
            {"functionCall": {"args": {}, "id": "c2", "name": "read"}}
        ])
    );
    assert_eq!(
        same[2]["parts"],
        json!([
            {"functionResponse": {"name": "read", "response": {"output": "one"}, "id": "c1"}},
            {"functionResponse": {"name": "read", "response": {"output": "(see attached image)"},
                "parts": [{"inlineData": {"mimeType": "image/png", "data": "iVBORw0KGgo="}}],
                "id": "c2"}}
        ])
    );
    assert_eq!(same.as_array().unwrap().len(), 3);
    let other = &requests[1].body["contents"];
    assert_eq!(
        other[1]["parts"],
        json!([
            {"text": "Plan."},
            {"functionCall": {"args": {}, "name": "read"}},
            {"functionCall": {"args": {}, "name": "read"}}
        ])
    );
    assert_eq!(
        other[3]["parts"],
        json!([{"text": "Tool result image:"},
               {"inlineData": {"mimeType": "image/png", "data": "iVBORw0KGgo="}}])
    );
}

/// Mistral accepts only nine-character alphanumeric call ids: other providers' ids are
/// rewritten consistently in calls and results.
#[tokio::test]
async fn mistral_rewrites_foreign_tool_call_ids() {
    let server = server().await;
    let mut assistant = AssistantMessage::empty("anthropic-messages", "anthropic", "claude");
    let call = pi_ai::ToolCall::new("toolu_01ABCdef|x", "ls", serde_json::Map::new());
    assistant.content = vec![AssistantContent::ToolCall(call.clone())];
    assistant.stop_reason = StopReason::ToolUse;
    let context = Context {
        messages: vec![
            pi_ai::UserMessage::text("Go").into(),
            assistant.into(),
            pi_ai::ToolResultMessage::text(&call, "listing", false).into(),
        ],
        ..Context::default()
    };
    server.push(Turn::text("ok"));
    pi_ai::complete(&server.model(MISTRAL, "m"), &context, &keyed()).await;
    let messages = &server.requests()[0].body["messages"];
    let id = messages[1]["tool_calls"][0]["id"].as_str().unwrap();
    assert_eq!(id.len(), 9);
    assert!(id.chars().all(|c| c.is_ascii_alphanumeric()), "{id}");
    assert_eq!(messages[2]["tool_call_id"], id);
    assert_eq!(
        messages[2]["content"],
        json!([{"type": "text", "text": "listing"}])
    );
}

#[tokio::test]
async fn network_and_parse_failures_are_error_events() {
    for api in APIS {
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

        server.push(Turn::raw("data: {not json\n\n"));
        let (events, message) = run(&server, api, &keyed()).await;
        assert_eq!(kinds(&events), ["start", "error"], "{api}");
        let error = message.error_message.unwrap();
        assert!(error.contains("{not json"), "{api}: {error}");
    }
    // JSON that is not a chunk.
    let server = server().await;
    server.push(Turn::raw("data: {\"object\":\"error\"}\n\n"));
    let (_, message) = run(&server, MISTRAL, &keyed()).await;
    assert_eq!(
        message.error_message.as_deref(),
        Some("Invalid Mistral streaming event")
    );
}

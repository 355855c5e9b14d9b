//! One behaviour, every wire format: each test runs against both built-in adapters through
//! the loopback test server.

use pi_ai::testing::{ScriptedStop, Turn};
use pi_ai::{AssistantContent, Context, StartError, StopReason, StreamOptions, ThinkingLevel};
use serde_json::{Value, json};

use super::conformance::{self as check, Arguments};
use super::support::{keyed, kinds, run, server};

const ANTHROPIC: &str = "anthropic-messages";
const OPENAI: &str = "openai-completions";
const APIS: [&str; 2] = [ANTHROPIC, OPENAI];

#[tokio::test]
async fn streamed_text() {
    for api in APIS {
        check::streamed_text(api, false).await;
    }
}

#[tokio::test]
async fn the_partial_message_follows_every_event() {
    for api in APIS {
        check::partial_follows_every_event(api, false).await;
    }
}

#[tokio::test]
async fn thinking_keeps_its_signature() {
    for api in APIS {
        let thinking = check::thinking_block(api, 0).await;
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
        check::parallel_tool_calls(api, Arguments::Fragments).await;
    }
}

#[tokio::test]
async fn usage_and_cost() {
    for api in APIS {
        let usage = check::usage_and_cost(api, true, Some(50)).await;
        if api == ANTHROPIC {
            assert_eq!(usage.cache_write_1h, Some(0));
        }
    }
}

#[tokio::test]
async fn every_stop_reason() {
    let cases: [(ScriptedStop, StopReason, [Option<&str>; 2]); 5] = [
        (ScriptedStop::Stop, StopReason::Stop, [None, None]),
        (ScriptedStop::Length, StopReason::Length, [None, None]),
        (
            ScriptedStop::Refusal,
            StopReason::Error,
            [
                Some("The model refused to complete the request"),
                Some("Provider finish_reason: content_filter"),
            ],
        ),
        (
            ScriptedStop::Raw("quantum".into()),
            StopReason::Error,
            [
                Some("Unhandled stop reason: quantum"),
                Some("Provider finish_reason: quantum"),
            ],
        ),
        (
            ScriptedStop::Missing,
            StopReason::Error,
            [
                Some("Anthropic stream ended without a stop reason"),
                Some("Stream ended without finish_reason"),
            ],
        ),
    ];
    for (index, api) in APIS.iter().enumerate() {
        for (stop, expected, errors) in &cases {
            check::stops_with(api, stop, *expected, errors[index]).await;
        }
        // toolUse comes with tool calls.
        let raw = if *api == ANTHROPIC {
            "tool_use"
        } else {
            "tool_calls"
        };
        check::tool_calls_stop_as_tool_use(api, raw).await;
    }
}

#[tokio::test]
async fn http_errors_carry_the_provider_body() {
    check::http_errors(ANTHROPIC, |status| {
        let kind = match status {
            400 => "invalid_request_error",
            401 => "authentication_error",
            429 => "rate_limit_error",
            _ => "api_error",
        };
        format!(r#"{status} {{"type":"error","error":{{"type":"{kind}","message":"nope"}}}}"#)
    })
    .await;
    check::http_errors(OPENAI, |status| {
        let kind = match status {
            401 => "invalid_api_key",
            429 => "rate_limit_exceeded",
            500 => "server_error",
            _ => "invalid_request_error",
        };
        format!(r#"{status}: {{"message":"nope","type":"{kind}","param":null,"code":"{kind}"}}"#)
    })
    .await;
}

#[tokio::test]
async fn retries_honour_retry_after_and_refuse_long_waits() {
    for api in APIS {
        let error = check::retries_honour_retry_after(api, None).await;
        assert!(
            error.starts_with("Server requested 120s retry delay (max: 60s). 429"),
            "{api}: {error}"
        );
    }
}

#[tokio::test]
async fn a_stream_cut_midway_keeps_what_arrived() {
    for api in APIS {
        let message = check::cut_midway_keeps_what_arrived(api, 5).await;
        if api == ANTHROPIC {
            // Anthropic reports input tokens up front, so they survive the cut.
            assert!(message.usage.input > 0);
        }
    }
}

#[tokio::test]
async fn cancellation_mid_stream_ends_aborted() {
    for api in APIS {
        assert_eq!(
            check::cancel_mid_stream(api, 4).await,
            "Request was aborted"
        );
        // Cancelled before the request even starts.
        check::cancel_before_start(api).await;
    }
}

#[tokio::test]
async fn a_missing_key_is_the_only_early_failure() {
    for api in APIS {
        check::a_missing_key_is_the_only_early_failure(api).await;
    }
    assert_eq!(
        StartError::NoApiKey {
            provider: "groq".into()
        }
        .to_string(),
        "No API key for provider: groq"
    );
}

#[tokio::test]
async fn requests_carry_auth_and_pi_headers() {
    for api in APIS {
        let options = StreamOptions {
            headers: vec![("Accept".into(), None)],
            ..keyed()
        };
        let request = check::request_with_headers(api, options).await;
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
    // Chat Completions endpoints that ask for session affinity get all three headers.
    let server = server().await;
    server.push(Turn::text("ok"));
    let mut model = server.model(OPENAI, "test-model");
    model.compat =
        Some(serde_json::from_value(json!({"sendSessionAffinityHeaders": true})).unwrap());
    let options = StreamOptions {
        session_id: Some("session-2".into()),
        ..keyed()
    };
    pi_ai::complete(&model, &Context::from("Hi"), &options).await;
    let request = &server.requests()[0];
    for name in ["session_id", "x-client-request-id", "x-session-affinity"] {
        assert_eq!(request.header(name), Some("session-2"), "{name}");
    }
}

#[tokio::test]
async fn thinking_levels_shape_the_request() {
    let server = server().await;
    let mut anthropic = server.model(ANTHROPIC, "claude-x");
    anthropic.reasoning = true;
    let mut openai = server.model(OPENAI, "gpt-x");
    openai.reasoning = true;
    let runs = [
        (&anthropic, Some(ThinkingLevel::Low)),
        (&anthropic, None),
        (&openai, Some(ThinkingLevel::Max)),
        (&openai, None),
    ];
    let bodies = check::simple_request_bodies(&server, &runs).await;
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
        check::unreachable_server(api).await;
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
        check::malformed_event(api, format!("{start}event: {name}\ndata: {{not json\n\n")).await;
    }
}

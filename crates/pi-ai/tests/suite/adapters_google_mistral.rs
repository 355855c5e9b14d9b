//! The adapter behaviours of `adapters.rs`, for `google-generative-ai` and
//! `mistral-conversations`, through the loopback test server speaking Gemini's and Mistral's
//! wire formats. Where the two APIs differ from each other (Gemini sends function calls
//! whole, Mistral opens every response with an empty text delta) the tests say so.

use pi_ai::testing::{ScriptedStop, Turn};
use pi_ai::{
    AssistantContent, AssistantMessage, Context, StopReason, StreamOptions, ThinkingLevel,
};
use serde_json::json;

use super::conformance::{self as check, Arguments};
use super::support::{keyed, kinds, run, server};

const GOOGLE: &str = "google-generative-ai";
const MISTRAL: &str = "mistral-conversations";
const APIS: [&str; 2] = [GOOGLE, MISTRAL];

/// Mistral's first chunk carries an empty content delta, which (as in pi) opens an empty
/// text block; `lead` is how many blocks precede the answer.
fn lead(api: &str) -> usize {
    usize::from(api == MISTRAL)
}

#[tokio::test]
async fn streamed_text() {
    for api in APIS {
        let (_, message) = check::streamed_text(api, api == MISTRAL).await;
        assert_eq!(message.content.len(), 1, "{api}: one text block");
        assert_eq!(
            message.raw_stop_reason.as_deref(),
            Some(if api == GOOGLE { "STOP" } else { "stop" })
        );
    }
}

#[tokio::test]
async fn the_partial_message_follows_every_event() {
    for api in APIS {
        let (text, thinking, _) = check::partial_follows_every_event(api, false).await;
        assert_eq!(text, "One two three four five");
        assert_eq!(thinking, "Hmm, let me see");
    }
}

#[tokio::test]
async fn thinking_and_its_signature() {
    for api in APIS {
        let thinking = check::thinking_block(api, lead(api)).await;
        // Gemini signs its thoughts (the signature stays with its block); Mistral does not.
        let expected = (api == GOOGLE).then_some("c2ln00000013");
        assert_eq!(thinking.thinking_signature.as_deref(), expected, "{api}");
    }
}

#[tokio::test]
async fn parallel_tool_calls() {
    // Gemini sends each call whole: one delta with all of its arguments.
    check::parallel_tool_calls(GOOGLE, Arguments::Whole).await;
    let message = check::parallel_tool_calls(MISTRAL, Arguments::Fragments).await;
    assert_eq!(message.tool_calls().next().unwrap().id, "call00000");
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
        // Neither API reports cache writes; Gemini reports thought tokens (part of the
        // output), Mistral does not.
        let reasoning = (api == GOOGLE).then_some(50);
        let usage = check::usage_and_cost(api, false, reasoning).await;
        assert_eq!(usage.cache_write_1h, None);
    }
}

#[tokio::test]
async fn every_stop_reason() {
    let cases: [(ScriptedStop, StopReason, [Option<&str>; 2]); 6] = [
        (ScriptedStop::Stop, StopReason::Stop, [None, None]),
        (ScriptedStop::Length, StopReason::Length, [None, None]),
        (
            ScriptedStop::Refusal,
            StopReason::Error,
            [
                Some("Provider stopped with: SAFETY"),
                Some("Provider stopped with: error"),
            ],
        ),
        (
            ScriptedStop::Raw("RECITATION".into()),
            StopReason::Error,
            [
                Some("Provider stopped with: RECITATION"),
                Some("Provider stopped with: RECITATION"),
            ],
        ),
        (
            ScriptedStop::Raw("quantum".into()),
            StopReason::Error,
            [
                Some("Unhandled stop reason: quantum"),
                Some("Provider stopped with: quantum"),
            ],
        ),
        (
            ScriptedStop::Missing,
            StopReason::Error,
            [
                Some("Google stream ended without a finish reason"),
                Some("Mistral stream ended without a finish reason"),
            ],
        ),
    ];
    for (index, api) in APIS.iter().enumerate() {
        for (stop, expected, errors) in &cases {
            check::stops_with(api, stop, *expected, errors[index]).await;
        }
        // toolUse comes with tool calls; Gemini says STOP and pi infers it.
        let raw = if *api == GOOGLE { "STOP" } else { "tool_calls" };
        check::tool_calls_stop_as_tool_use(api, raw).await;
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
    check::http_errors(GOOGLE, |status| {
        let name = match status {
            400 => "INVALID_ARGUMENT",
            401 => "UNAUTHENTICATED",
            429 => "RESOURCE_EXHAUSTED",
            _ => "INTERNAL",
        };
        format!(r#"{{"error":{{"code":{status},"message":"nope","status":"{name}"}}}}"#)
    })
    .await;
    check::http_errors(MISTRAL, |status| {
        let kind = match status {
            400 => "invalid_request_error",
            401 => "unauthorized",
            429 => "rate_limited",
            _ => "internal_server_error",
        };
        format!(
            r#"Mistral API error ({status}): {{"object":"error","message":"nope","type":"{kind}","param":null,"code":null}}"#
        )
    })
    .await;
}

#[tokio::test]
async fn retries_honour_retry_after_and_refuse_long_waits() {
    for api in APIS {
        check::retries_honour_retry_after(api, None).await;
    }
}

#[tokio::test]
async fn a_stream_cut_midway_keeps_what_arrived() {
    for api in APIS {
        let message = check::cut_midway_keeps_what_arrived(api, 4).await;
        if api == GOOGLE {
            // Gemini reports the prompt size with every chunk, so it survives the cut.
            assert!(message.usage.input > 0);
        }
    }
}

#[tokio::test]
async fn cancellation_mid_stream_ends_aborted() {
    for api in APIS {
        // The reference reports the platform's abort error here.
        let error = check::cancel_mid_stream(api, 3).await;
        assert_eq!(error, "This operation was aborted");
        let expected = if api == GOOGLE {
            "Request aborted"
        } else {
            "This operation was aborted"
        };
        assert_eq!(check::cancel_before_start(api).await, expected);
    }
}

#[tokio::test]
async fn a_missing_key_is_the_only_early_failure() {
    for api in APIS {
        check::a_missing_key_is_the_only_early_failure(api).await;
    }
}

#[tokio::test]
async fn requests_carry_auth_and_pi_headers() {
    for api in APIS {
        let options = StreamOptions {
            session_id: Some("session-9".into()),
            ..keyed()
        };
        let request = check::request_with_headers(api, options).await;
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
    let runs = [
        (&flash, Some(ThinkingLevel::Medium)),
        (&flash, None),
        (&gemini3, Some(ThinkingLevel::Minimal)),
        (&magistral, Some(ThinkingLevel::Low)),
        (&magistral, None),
        (&medium, Some(ThinkingLevel::High)),
    ];
    let bodies = check::simple_request_bodies(&server, &runs).await;
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
        check::unreachable_server(api).await;
        let events = check::malformed_event(api, "data: {not json\n\n".into()).await;
        assert_eq!(kinds(&events), ["start", "error"], "{api}");
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

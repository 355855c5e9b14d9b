//! The Responses adapters (`openai-responses`, `azure-openai-responses`) through the loopback
//! test server: the same behaviours the other adapters are held to, with the texts and
//! request shapes of the reference.

use std::collections::HashMap;

use pi_ai::testing::{Fault, ScriptedStop, ScriptedUsage, Turn};
use pi_ai::{
    AssistantContent, Context, SimpleStreamOptions, StopReason, StreamOptions, ThinkingLevel, Tool,
};
use serde_json::{Value, json};

use super::conformance::{self as check, Arguments, texts};
use super::support::{keyed, run, server};

const RESPONSES: &str = "openai-responses";
const AZURE: &str = "azure-openai-responses";
const APIS: [&str; 2] = [RESPONSES, AZURE];

#[tokio::test]
async fn streamed_text_keeps_its_message_id() {
    for api in APIS {
        let (_, message) = check::streamed_text(api, false).await;
        assert_eq!(message.raw_stop_reason.as_deref(), Some("completed"));
        assert_eq!(message.response_id.as_deref(), Some("resp_test"));
        let AssistantContent::Text(text) = &message.content[0] else {
            panic!("{api}: no text block")
        };
        assert_eq!(
            text.text_signature.as_deref(),
            Some(r#"{"v":1,"id":"msg_test_0"}"#)
        );
    }
}

#[tokio::test]
async fn the_partial_message_follows_every_event() {
    for api in APIS {
        // The finished item's summary replaces what streamed.
        let (_, deltas, message) = check::partial_follows_every_event(api, true).await;
        // The summary part's end is a paragraph break, as in pi.
        assert_eq!(deltas, "Hmm, let me see\n\n");
        let AssistantContent::Thinking(block) = &message.content[0] else {
            panic!("{api}: no thinking")
        };
        assert_eq!(block.thinking, "Hmm, let me see", "the final summary wins");
    }
}

#[tokio::test]
async fn thinking_keeps_the_encrypted_reasoning_item() {
    for api in APIS {
        let thinking = check::thinking_block(api, 0).await;
        let item: Value = serde_json::from_str(thinking.thinking_signature.as_deref().unwrap())
            .expect("the signature is the reasoning item");
        assert_eq!(
            item,
            json!({"id": "rs_test_0", "type": "reasoning",
                   "summary": [{"type": "summary_text", "text": "Step by step."}],
                   "encrypted_content": "encrypted:13"})
        );
    }
}

#[tokio::test]
async fn parallel_tool_calls_with_arguments_split_over_many_deltas() {
    for api in APIS {
        let message = check::parallel_tool_calls(api, Arguments::Fragments).await;
        let calls: Vec<_> = message.tool_calls().collect();
        // Stored as `call_id|item_id`.
        assert_eq!(calls[0].id, "call_test_0|fc_test_0");
        assert_eq!(calls[1].id, "call_test_1|fc_test_1");
    }
}

#[tokio::test]
async fn usage_and_cost() {
    for api in APIS {
        check::usage_and_cost(api, true, Some(50)).await;
    }
}

#[tokio::test]
async fn service_tiers_are_requested_and_priced() {
    let server = server().await;
    let usage = ScriptedUsage {
        input: 1000,
        output: 100,
        ..ScriptedUsage::default()
    };
    server.push(Turn::text("Fast.").with_usage(usage));
    let mut model = server.model(RESPONSES, "gpt-5.5");
    model.cost.input = 1.0;
    model.cost.output = 10.0;
    let mut registry = pi_ai::ApiRegistry::builtin();
    registry.register(pi_ai::OpenAiResponses {
        service_tier: Some("priority".into()),
        ..Default::default()
    });
    let message = registry
        .complete(&model, &Context::from("Hi"), &keyed())
        .await;
    assert_eq!(server.requests()[0].body["service_tier"], "priority");
    // gpt-5.5 priority costs two and a half times the list price.
    assert!((message.usage.cost.total - 2.5 * 0.002).abs() < 1e-12);
}

#[tokio::test]
async fn every_stop_reason() {
    let ended = "OpenAI Responses stream ended before a terminal response event";
    let cases: [(ScriptedStop, StopReason, Option<&str>, Option<&str>); 8] = [
        (
            ScriptedStop::Stop,
            StopReason::Stop,
            None,
            Some("completed"),
        ),
        (
            ScriptedStop::Length,
            StopReason::Length,
            None,
            Some("incomplete.max_output_tokens"),
        ),
        (
            ScriptedStop::Refusal,
            StopReason::Error,
            Some("Response incomplete: content_filter"),
            Some("incomplete.content_filter"),
        ),
        (
            ScriptedStop::Raw("incomplete".into()),
            StopReason::Error,
            Some("Response incomplete without a provider reason"),
            Some("incomplete"),
        ),
        (
            ScriptedStop::Raw("cancelled".into()),
            StopReason::Error,
            Some("An unknown error occurred"),
            Some("cancelled"),
        ),
        (
            ScriptedStop::Raw("failed".into()),
            StopReason::Error,
            Some("Unknown error (no error details in response)"),
            Some("failed"),
        ),
        (
            ScriptedStop::Raw("quantum".into()),
            StopReason::Error,
            Some("Unhandled stop reason: quantum"),
            Some("quantum"),
        ),
        (ScriptedStop::Missing, StopReason::Error, Some(ended), None),
    ];
    for api in APIS {
        for (stop, expected, error, raw) in &cases {
            let message = check::stops_with(api, stop, *expected, *error).await;
            assert_eq!(message.raw_stop_reason.as_deref(), *raw, "{api} {stop:?}");
        }
        // toolUse comes with tool calls.
        check::tool_calls_stop_as_tool_use(api, "completed").await;
    }
}

#[tokio::test]
async fn http_errors_carry_the_status_and_body() {
    for api in APIS {
        let prefix = if api == AZURE {
            "Azure OpenAI API error".to_string()
        } else {
            format!("test-{api} API error")
        };
        check::http_errors(api, |status| {
            let kind = match status {
                401 => "invalid_api_key",
                429 => "rate_limit_exceeded",
                500 => "server_error",
                _ => "invalid_request_error",
            };
            format!(
                r#"{prefix} ({status}): {{"message":"nope","type":"{kind}","param":null,"code":"{kind}"}}"#
            )
        })
        .await;
    }
    // The official provider is named as pi names it.
    let server = server().await;
    server.push(Turn::fault(Fault::http(503)));
    let mut model = server.model(RESPONSES, "gpt-5");
    model.provider = "openai".into();
    let message = pi_ai::complete(&model, &Context::from("Hi"), &keyed()).await;
    assert!(
        message
            .error_message
            .unwrap()
            .starts_with("OpenAI API error (503): {")
    );
}

#[tokio::test]
async fn retries_honour_retry_after_and_refuse_long_waits() {
    for api in APIS {
        let error = check::retries_honour_retry_after(api, Some("slow down")).await;
        assert_eq!(
            error, "Server requested 120s retry delay (max: 60s). 429 slow down",
            "{api}"
        );
    }
}

#[tokio::test]
async fn a_stream_cut_midway_keeps_what_arrived() {
    for api in APIS {
        check::cut_midway_keeps_what_arrived(api, 7).await;
    }
}

#[tokio::test]
async fn cancellation_ends_aborted_with_the_reference_texts() {
    for api in APIS {
        // pi's SDK ends a cancelled body quietly, so the missing terminal event is reported.
        assert_eq!(
            check::cancel_mid_stream(api, 7).await,
            "OpenAI Responses stream ended before a terminal response event"
        );
        assert_eq!(check::cancel_before_start(api).await, "Request aborted");
    }
}

#[tokio::test]
async fn a_missing_key_is_the_only_early_failure() {
    for api in APIS {
        check::a_missing_key_is_the_only_early_failure(api).await;
    }
}

#[tokio::test]
async fn openai_requests_carry_auth_session_and_pi_headers() {
    let server = server().await;
    server.push(Turn::text("ok"));
    server.push(Turn::text("ok"));
    let options = StreamOptions {
        session_id: Some("session-1".into()),
        headers: vec![
            ("X-Extra".into(), Some("1".into())),
            ("Accept".into(), None),
        ],
        ..keyed()
    };
    run(&server, RESPONSES, &options).await;
    let request = &server.requests()[0];
    assert_eq!(request.path, "/v1/responses");
    assert_eq!(request.header("authorization"), Some("Bearer sk-test-key"));
    assert!(request.header("user-agent").unwrap().starts_with("pi ("));
    assert_eq!(request.header("session_id"), Some("session-1"));
    assert_eq!(request.header("x-client-request-id"), Some("session-1"));
    // Unlike Chat Completions, the Responses adapter sends no `x-session-affinity`.
    assert_eq!(request.header("x-session-affinity"), None);
    assert_eq!(request.header("x-extra"), Some("1"));
    assert_ne!(
        request.header("accept"),
        Some("application/json"),
        "a None header removes the default"
    );
    assert_eq!(request.body["prompt_cache_key"], "session-1");
    assert_eq!(request.body["store"], false);

    // No caching: no session headers, no cache key.
    let options = StreamOptions {
        cache_retention: Some(pi_ai::CacheRetention::None),
        ..options
    };
    run(&server, RESPONSES, &options).await;
    let request = &server.requests()[1];
    assert_eq!(request.header("session_id"), None);
    assert_eq!(request.body.get("prompt_cache_key"), None);
}

#[tokio::test]
async fn azure_takes_url_version_deployment_and_key_from_the_environment() {
    let server = server().await;
    server.push(Turn::text("ok"));
    server.push(Turn::text("ok"));
    let mut model = server.model(AZURE, "gpt-5");
    model.provider = "azure-openai-responses".into();
    model.base_url = String::new();
    let base_url = format!("{}/openai/v1/", server.url());
    let env: HashMap<String, String> = [
        ("AZURE_OPENAI_API_KEY", "az-secret"),
        ("AZURE_OPENAI_BASE_URL", base_url.as_str()),
        ("AZURE_OPENAI_API_VERSION", "2025-04-01-preview"),
        (
            "AZURE_OPENAI_DEPLOYMENT_NAME_MAP",
            "gpt-4=old, gpt-5=prod-gpt5",
        ),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    let options = SimpleStreamOptions {
        base: StreamOptions {
            env: Some(env),
            session_id: Some("s-az".into()),
            cache_retention: Some(pi_ai::CacheRetention::None),
            ..StreamOptions::default()
        },
        reasoning: None,
        ..SimpleStreamOptions::default()
    };
    let reply = pi_ai::complete_simple(&model, &Context::from("Hi"), &options)
        .await
        .unwrap();
    assert_eq!(reply.text(), "ok", "{:?}", reply.error_message);
    let request = &server.requests()[0];
    assert_eq!(
        request.path,
        "/openai/v1/responses?api-version=2025-04-01-preview"
    );
    assert_eq!(request.header("api-key"), Some("az-secret"));
    assert_eq!(request.header("authorization"), None);
    assert_eq!(request.body["model"], "prod-gpt5");
    // Azure keys the cache by session even without retention.
    assert_eq!(request.body["prompt_cache_key"], "s-az");

    // Settings on the adapter win over the environment; the version defaults to v1.
    let mut registry = pi_ai::ApiRegistry::builtin();
    registry.register(pi_ai::AzureOpenAiResponses {
        base_url: Some(format!("{}/v1", server.url())),
        deployment_name: Some("pinned".into()),
        ..Default::default()
    });
    model.base_url = "http://127.0.0.1:9".into();
    registry
        .complete(&model, &Context::from("Hi"), &keyed())
        .await;
    let request = &server.requests()[1];
    assert_eq!(request.path, "/v1/responses?api-version=v1");
    assert_eq!(request.body["model"], "pinned");

    // Without any base URL the request fails before it is sent.
    model.base_url = String::new();
    let message = pi_ai::complete(&model, &Context::from("Hi"), &keyed()).await;
    assert!(
        message
            .error_message
            .unwrap()
            .starts_with("Azure OpenAI base URL is required.")
    );
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn thinking_levels_shape_the_request() {
    let server = server().await;
    let mut model = server.model(RESPONSES, "gpt-x");
    model.reasoning = true;
    let mut copilot = model.clone();
    copilot.provider = "github-copilot".into();
    let mut mapped = model.clone();
    mapped.thinking_level_map =
        Some(serde_json::from_value(json!({"off": null, "high": "xhigh", "max": "max"})).unwrap());
    let cases = [
        (&model, Some(ThinkingLevel::Low)),
        (&model, Some(ThinkingLevel::Max)),
        (&model, None),
        (&copilot, None),
        (&mapped, Some(ThinkingLevel::High)),
        (&mapped, None),
    ];
    let bodies = check::simple_request_bodies(&server, &cases).await;
    let reasoning = |i: usize| bodies[i].get("reasoning").cloned();
    assert_eq!(
        reasoning(0),
        Some(json!({"effort": "low", "summary": "auto"}))
    );
    assert_eq!(bodies[0]["include"], json!(["reasoning.encrypted_content"]));
    // `max` is not supported without a mapping: clamped down to `high`.
    assert_eq!(
        reasoning(1),
        Some(json!({"effort": "high", "summary": "auto"}))
    );
    // Reasoning models think unless told not to.
    assert_eq!(reasoning(2), Some(json!({"effort": "none"})));
    assert_eq!(bodies[2].get("include"), None);
    assert_eq!(reasoning(3), None, "Copilot decides itself");
    assert_eq!(
        reasoning(4),
        Some(json!({"effort": "xhigh", "summary": "auto"}))
    );
    assert_eq!(reasoning(5), None, "off is unsupported");
    assert_eq!(bodies[0]["input"][0]["role"], "user");
}

/// A conversation with our own earlier turn: reasoning, message ids and call ids go back as
/// they came.
#[tokio::test]
async fn our_own_turns_replay_as_items() {
    let server = server().await;
    server.push(
        Turn::text("Let me look.")
            .with_thinking("Need a listing.")
            .with_tool_call("ls", json!({"path": "."})),
    );
    server.push(Turn::text("Two files."));
    let mut model = server.model(RESPONSES, "gpt-x");
    model.reasoning = true;
    let mut context = Context {
        system_prompt: Some("Be brief.".into()),
        tools: Some(vec![Tool::new(
            "ls",
            "List files",
            json!({"type": "object", "properties": {"path": {"type": "string"}}}),
        )]),
        ..Context::from("What is here?")
    };
    let first = pi_ai::complete(&model, &context, &keyed()).await;
    let call = first.tool_calls().next().unwrap().clone();
    context.messages.push(first.into());
    context
        .messages
        .push(pi_ai::ToolResultMessage::text(&call, "a.txt\nb.txt", false).into());
    let second = pi_ai::complete(&model, &context, &keyed()).await;
    assert_eq!(second.text(), "Two files.");
    let body = &server.requests()[1].body;
    assert_eq!(
        body["input"],
        json!([
            {"role": "developer", "content": "Be brief."},
            {"role": "user", "content": [{"type": "input_text", "text": "What is here?"}]},
            {"id": "rs_test_0", "type": "reasoning",
             "summary": [{"type": "summary_text", "text": "Need a listing."}],
             "encrypted_content": "encrypted:15"},
            {"type": "message", "role": "assistant",
             "content": [{"type": "output_text", "text": "Let me look.", "annotations": []}],
             "status": "completed", "id": "msg_test_1"},
            {"type": "function_call", "id": "fc_test_0", "call_id": "call_test_0", "name": "ls",
             "arguments": "{\"path\":\".\"}"},
            {"type": "function_call_output", "call_id": "call_test_0", "output": "a.txt\nb.txt"}
        ])
    );
    assert_eq!(
        body["tools"],
        json!([{"type": "function", "name": "ls", "description": "List files",
                "parameters": {"type": "object", "properties": {"path": {"type": "string"}}}}])
    );
}

/// Refusals stream as text; errors inside the stream end it with pi's texts.
#[tokio::test]
async fn refusals_and_errors_inside_the_stream() {
    let frame = |data: Value| {
        format!(
            "event: {}\ndata: {data}\n\n",
            data["type"].as_str().unwrap()
        )
    };
    let refusal = [
        json!({"type": "response.created", "response": {"id": "resp_r"}}),
        json!({"type": "response.output_item.added", "output_index": 0,
               "item": {"type": "message", "id": "msg_r", "content": []}}),
        json!({"type": "response.refusal.delta", "output_index": 0, "delta": "I can't "}),
        json!({"type": "response.refusal.delta", "output_index": 0, "delta": "help."}),
        json!({"type": "response.output_item.done", "output_index": 0, "item": {"type": "message",
               "id": "msg_r", "content": [{"type": "refusal", "refusal": "I can't help."}]}}),
        json!({"type": "response.completed", "response": {"id": "resp_r", "status": "completed"}}),
    ];
    let server = server().await;
    server.push(Turn::raw(refusal.map(frame).concat()));
    let (events, message) = run(&server, RESPONSES, &keyed()).await;
    assert_eq!(texts(&events, false), "I can't help.");
    assert_eq!(message.text(), "I can't help.");
    assert_eq!(message.stop_reason, StopReason::Stop);

    let streams = [
        (
            json!({"type": "error", "code": "server_error", "message": "The server had an error"}),
            "Error Code server_error: The server had an error",
        ),
        (
            json!({"type": "response.failed", "response": {"status": "failed",
                   "error": {"code": "rate_limit_exceeded", "message": "Slow down"}}}),
            "rate_limit_exceeded: Slow down",
        ),
        (
            json!({"error": {"message": "Overloaded", "type": "server_error"}}),
            "Overloaded",
        ),
    ];
    for (event, expected) in streams {
        server.push(Turn::raw(
            frame(json!({"type": "response.created", "response": {"id": "resp_e"}}))
                + &frame(json!({"type": "response.output_item.added", "output_index": 0,
                    "item": {"type": "message", "id": "m", "content": []}}))
                + &frame(json!({"type": "response.output_text.delta", "output_index": 0, "delta": "Part"}))
                + &format!("data: {event}\n\n"),
        ));
        let (_, message) = run(&server, RESPONSES, &keyed()).await;
        assert_eq!(message.stop_reason, StopReason::Error);
        assert_eq!(message.error_message.as_deref(), Some(expected));
        assert_eq!(message.text(), "Part", "what arrived is kept");
        assert_eq!(message.response_id.as_deref(), Some("resp_e"));
    }
}

#[tokio::test]
async fn network_and_parse_failures_are_error_events() {
    for api in APIS {
        check::unreachable_server(api).await;
        let body = "event: response.created\ndata: {\"type\":\"response.created\",\"response\":{\"id\":\"r\"}}\n\n\
             event: response.output_text.delta\ndata: {not json\n\n";
        check::malformed_event(api, body.into()).await;
    }
}

/// Tools a later system message adds are loaded where they appear, when the endpoint can:
/// as `additional_tools`, or as a completed client-side tool search. The expected inputs are
/// what the reference built for the same transcript.
#[tokio::test]
async fn later_tool_additions_are_anchored_in_place() {
    let tool = |name: &str| {
        json!({"name": name, "description": format!("The {name} tool"),
               "parameters": {"type": "object", "properties": {"q": {"type": "string"}}, "required": ["q"]}})
    };
    let context: Context = serde_json::from_value(json!({"messages": [
        {"role": "system", "content": "Base.", "toolsAdded": [tool("read")], "timestamp": 1},
        {"role": "user", "content": "hi", "timestamp": 2},
        {"role": "system", "content": "", "sections": {"extra": "More rules."},
         "toolsAdded": [tool("grep"), tool("find")], "timestamp": 3},
        {"role": "user", "content": "again", "timestamp": 4}
    ]}))
    .unwrap();
    let declared = |name: &str, extra: Value| {
        let mut wire = json!({"type": "function", "name": name,
            "description": format!("The {name} tool"),
            "parameters": {"type": "object", "properties": {"q": {"type": "string"}}, "required": ["q"]}});
        wire.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        wire
    };
    let update = json!({"role": "system", "content": "Updated system prompt section \"extra\":\n\nMore rules."});
    let head = [
        json!({"role": "system", "content": "Base."}),
        json!({"role": "user", "content": [{"type": "input_text", "text": "hi"}]}),
    ];
    let again = json!({"role": "user", "content": [{"type": "input_text", "text": "again"}]});
    let additional = json!({"type": "additional_tools", "role": "developer",
        "tools": [declared("grep", json!({})), declared("find", json!({}))]});
    let deferred = json!({"defer_loading": true, "strict": false});
    let search = [
        json!({"type": "tool_search_call", "call_id": "pi_tool_load_4w0aqq1l3azfe",
               "execution": "client", "status": "completed",
               "arguments": {"query": "grep find", "limit": 2}}),
        json!({"type": "tool_search_output", "call_id": "pi_tool_load_4w0aqq1l3azfe",
               "execution": "client", "status": "completed",
               "tools": [declared("grep", deferred.clone()), declared("find", deferred)]}),
    ];
    let cases = [
        (
            json!({"supportsMidConvoSystemMessages": true, "supportsAdditionalTools": true}),
            [&head[..], &[additional, update.clone(), again.clone()]].concat(),
            json!([declared("read", json!({}))]),
        ),
        (
            json!({"supportsMidConvoSystemMessages": true, "supportsToolSearch": true,
                   "supportsStrictMode": true}),
            [&head[..], &search[..], &[update, again]].concat(),
            json!([declared("read", json!({"strict": false}))]),
        ),
    ];
    let server = server().await;
    for (compat, input, tools) in cases {
        server.push(Turn::text("ok"));
        let mut model = server.model(RESPONSES, "m");
        model.compat = Some(serde_json::from_value(compat).unwrap());
        pi_ai::complete(&model, &context, &keyed()).await;
        let body = server.requests().pop().unwrap().body;
        assert_eq!(body["input"], Value::Array(input));
        assert_eq!(body["tools"], tools);
    }
}

/// Grammar tools go out as custom tools and their calls replay as custom tool calls (the
/// expected body is the reference's for the same context).
#[tokio::test]
async fn grammar_tools_and_their_calls() {
    let server = server().await;
    let mut model = server.model(RESPONSES, "m");
    model.compat =
        Some(serde_json::from_value(json!({"supportsOpenAIGrammarTools": true})).unwrap());
    let context: Context = serde_json::from_value(json!({
        "systemPrompt": "Sys",
        "tools": [{"name": "patch", "description": "Apply a patch",
            "parameters": {"type": "object", "properties": {"diff": {"type": "string"}}, "required": ["diff"]},
            "constrainedSampling": {"type": "grammar", "variants": {"openai_lark": "start: /.+/"}}}],
        "messages": [
            {"role": "user", "content": "fix it", "timestamp": 1},
            {"role": "assistant", "content": [{"type": "toolCall", "id": "call_9|ctc_9", "name": "patch",
                "arguments": {"diff": "--- a"}, "namespace": "ns"}],
             "api": "openai-responses", "provider": model.provider, "model": "m",
             "usage": {"input": 0, "output": 0, "cacheRead": 0, "cacheWrite": 0, "totalTokens": 0,
                "cost": {"input": 0, "output": 0, "cacheRead": 0, "cacheWrite": 0, "total": 0}},
             "stopReason": "toolUse", "timestamp": 2},
            {"role": "toolResult", "toolCallId": "call_9|ctc_9", "toolName": "patch",
             "content": [{"type": "text", "text": "applied"}], "isError": false, "timestamp": 3}
        ]}))
    .unwrap();
    server.push(Turn::text("ok"));
    pi_ai::complete(&model, &context, &keyed()).await;
    let body = &server.requests()[0].body;
    assert_eq!(
        body["input"],
        json!([
            {"role": "system", "content": "Sys"},
            {"role": "user", "content": [{"type": "input_text", "text": "fix it"}]},
            {"type": "custom_tool_call", "id": "ctc_9", "call_id": "call_9", "name": "patch",
             "input": "--- a", "namespace": "ns"},
            {"type": "custom_tool_call_output", "call_id": "call_9", "output": "applied"}
        ])
    );
    assert_eq!(
        body["tools"],
        json!([{"type": "custom", "name": "patch", "description": "Apply a patch",
                "format": {"type": "grammar", "syntax": "lark", "definition": "start: /.+/"}}])
    );
}

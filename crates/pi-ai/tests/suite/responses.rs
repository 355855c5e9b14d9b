//! The Responses adapters (`openai-responses`, `azure-openai-responses`) through the loopback
//! test server: the same behaviours the other adapters are held to, with the texts and
//! request shapes of the reference.

use std::collections::HashMap;
use std::time::Duration;

use futures_util::StreamExt;
use pi_ai::testing::{Fault, ScriptedStop, ScriptedUsage, TestServer, Turn};
use pi_ai::{
    AssistantContent, AssistantEvent, AssistantMessage, CancellationToken, Context, Model,
    ModelCost, SimpleStreamOptions, StartError, StopReason, StreamOptions, ThinkingLevel, Tool,
};
use serde_json::{Value, json};

use super::support::{collect, keyed, kinds};

const RESPONSES: &str = "openai-responses";
const AZURE: &str = "azure-openai-responses";
const APIS: [&str; 2] = [RESPONSES, AZURE];

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

fn texts(events: &[AssistantEvent], thinking: bool) -> String {
    events
        .iter()
        .filter_map(|event| match event {
            AssistantEvent::TextDelta { delta, .. } if !thinking => Some(delta.as_str()),
            AssistantEvent::ThinkingDelta { delta, .. } if thinking => Some(delta.as_str()),
            _ => None,
        })
        .collect()
}

#[tokio::test]
async fn streamed_text_keeps_its_message_id() {
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
        assert_eq!(texts(&events, false), "Hello, streaming world!");
        assert_eq!(message.text(), "Hello, streaming world!");
        assert_eq!(message.stop_reason, StopReason::Stop);
        assert_eq!(message.raw_stop_reason.as_deref(), Some("completed"));
        assert_eq!(message.api, api);
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
                // The finished item's summary replaces what streamed.
                AssistantEvent::ThinkingEnd { content, .. } => thinking.clone_from(content),
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
        // The summary part's end is a paragraph break, as in pi.
        assert_eq!(deltas, "Hmm, let me see\n\n");
        let AssistantContent::Thinking(block) = &stream.partial().content[0] else {
            panic!("{api}: no thinking")
        };
        assert_eq!(block.thinking, "Hmm, let me see", "the final summary wins");
    }
}

#[tokio::test]
async fn thinking_keeps_the_encrypted_reasoning_item() {
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
        let item: Value = serde_json::from_str(thinking.thinking_signature.as_deref().unwrap())
            .expect("the signature is the reasoning item");
        assert_eq!(
            item,
            json!({"id": "rs_test_0", "type": "reasoning",
                   "summary": [{"type": "summary_text", "text": "Step by step."}],
                   "encrypted_content": "encrypted:13"})
        );
        assert_eq!(message.text(), "The answer.");
    }
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
        assert!(deltas >= 16, "{api}: only {deltas} fragments");
        let message = stream.partial().clone();
        assert_eq!(message.stop_reason, StopReason::ToolUse, "{api}");
        let calls: Vec<_> = message.tool_calls().collect();
        assert_eq!(calls.len(), 2, "{api}");
        // Stored as `call_id|item_id`.
        assert_eq!(calls[0].id, "call_test_0|fc_test_0");
        assert_eq!(calls[1].id, "call_test_1|fc_test_1");
        assert_eq!(Value::Object(calls[0].arguments.clone()), first);
        assert_eq!(Value::Object(calls[1].arguments.clone()), second);
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
            let server = server().await;
            server.push(Turn::text("Some text.").with_stop(stop.clone()));
            let (events, message) = run(&server, api, &keyed()).await;
            assert_eq!(message.stop_reason, *expected, "{api} {stop:?}");
            assert_eq!(message.error_message.as_deref(), *error, "{api} {stop:?}");
            assert_eq!(message.raw_stop_reason.as_deref(), *raw, "{api} {stop:?}");
            let terminal = events.last().unwrap();
            assert_eq!(
                matches!(terminal, AssistantEvent::Done { .. }),
                error.is_none(),
                "{api} {stop:?}"
            );
            // The text that did arrive is kept.
            assert_eq!(message.text(), "Some text.", "{api} {stop:?}");
        }
        // toolUse comes with tool calls.
        let server = server().await;
        server.push(Turn::default().with_tool_call("ls", json!({})));
        let (_, message) = run(&server, api, &keyed()).await;
        assert_eq!(message.stop_reason, StopReason::ToolUse, "{api}");
        assert_eq!(message.raw_stop_reason.as_deref(), Some("completed"));
    }
}

#[tokio::test]
async fn http_errors_carry_the_status_and_body() {
    for api in APIS {
        for status in [400u16, 401, 429, 500] {
            let server = server().await;
            server.push(Turn::fault(Fault::Http {
                status,
                retry_after: None,
                message: Some("nope".into()),
            }));
            let (events, message) = run(&server, api, &keyed()).await;
            assert_eq!(kinds(&events), ["error"], "{api} {status}: no start");
            assert_eq!(message.stop_reason, StopReason::Error);
            let kind = match status {
                401 => "invalid_api_key",
                429 => "rate_limit_exceeded",
                500 => "server_error",
                _ => "invalid_request_error",
            };
            let prefix = if api == AZURE {
                "Azure OpenAI API error".to_string()
            } else {
                format!("test-{api} API error")
            };
            assert_eq!(
                message.error_message.unwrap(),
                format!(
                    r#"{prefix} ({status}): {{"message":"nope","type":"{kind}","param":null,"code":"{kind}"}}"#
                ),
                "{api}"
            );
        }
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
        let server = server().await;
        let quick = Fault::Http {
            status: 429,
            retry_after: Some(Duration::from_millis(10)),
            message: None,
        };
        server.push(Turn::fault(quick));
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
            message: Some("slow down".into()),
        }));
        let (_, message) = run(&server, api, &options).await;
        assert_eq!(
            message.error_message.as_deref(),
            Some("Server requested 120s retry delay (max: 60s). 429 slow down"),
            "{api}"
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
                .with_fault(Fault::Cut { after_events: 7 }),
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
    }
}

#[tokio::test]
async fn cancellation_ends_aborted_with_the_reference_texts() {
    for api in APIS {
        let server = server().await;
        server.push(
            Turn::text("This answer never finishes")
                .with_chunks(5)
                .with_fault(Fault::Stall { after_events: 7 }),
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
        // pi's SDK ends a cancelled body quietly, so the missing terminal event is reported.
        assert_eq!(
            error.error_message.as_deref(),
            Some("OpenAI Responses stream ended before a terminal response event")
        );
        assert!(!error.text().is_empty(), "{api}: partial text kept");

        // Cancelled before the request starts.
        let cancelled = CancellationToken::new();
        cancelled.cancel();
        let options = StreamOptions {
            cancel: Some(cancelled),
            ..keyed()
        };
        let (events, message) = run(&server, api, &options).await;
        assert_eq!(kinds(&events), ["error"]);
        assert_eq!(message.stop_reason, StopReason::Aborted);
        assert_eq!(message.error_message.as_deref(), Some("Request aborted"));
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
    let simple = |level| SimpleStreamOptions {
        base: keyed(),
        reasoning: level,
        ..SimpleStreamOptions::default()
    };
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
    for (model, level) in cases {
        server.push(Turn::text("ok"));
        pi_ai::complete_simple(model, &Context::from("Hi"), &simple(level))
            .await
            .unwrap();
    }
    let bodies: Vec<Value> = server.requests().into_iter().map(|r| r.body).collect();
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
        assert!(!error.contains(&port.to_string()), "{api}: {error}");

        server.push(Turn::raw(
            "event: response.created\ndata: {\"type\":\"response.created\",\"response\":{\"id\":\"r\"}}\n\n\
             event: response.output_text.delta\ndata: {not json\n\n",
        ));
        let (events, message) = run(&server, api, &keyed()).await;
        assert!(matches!(events.last(), Some(AssistantEvent::Error { .. })));
        let error = message.error_message.unwrap();
        assert!(error.contains("{not json"), "{api}: {error}");
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

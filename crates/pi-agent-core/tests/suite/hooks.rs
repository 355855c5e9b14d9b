//! Hooks shape a run.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use pi_agent_core::{
    AfterToolCall, Agent, AgentHooks, AgentMessage, BeforeToolCall, BoxFuture, RequestContext,
    ToolCallBlock, ToolResultOverride, TurnContext, TurnDecision, TurnUpdate,
};
use pi_ai::faux::{FauxProvider, FauxResponse};
use pi_ai::{CancellationToken, UserMessage};
use serde_json::json;

use super::support::{Recorder, agent_with, calls, echo, result_text};

#[derive(Default)]
struct Gatekeeper {
    requests: AtomicUsize,
    keys: Mutex<Vec<String>>,
}

impl AgentHooks for Gatekeeper {
    fn before_tool_call<'a>(
        &'a self,
        call: BeforeToolCall<'a>,
        _: &'a CancellationToken,
    ) -> BoxFuture<'a, Option<ToolCallBlock>> {
        Box::pin(async move {
            match call.args["value"].as_str() {
                Some("forbidden") => Some(ToolCallBlock {
                    reason: Some("Not allowed here".into()),
                    terminate: false,
                }),
                Some("quietly") => Some(ToolCallBlock::default()),
                Some("rewrite") => {
                    // Changes reach the tool without another validation.
                    call.args["value"] = json!("rewritten");
                    None
                }
                _ => None,
            }
        })
    }

    fn after_tool_call<'a>(
        &'a self,
        call: AfterToolCall<'a>,
        _: &'a CancellationToken,
    ) -> BoxFuture<'a, Result<Option<ToolResultOverride>, String>> {
        Box::pin(async move {
            match call.args["value"].as_str() {
                Some("redact") => Ok(Some(ToolResultOverride {
                    content: Some(vec![pi_ai::InputContent::Text(pi_ai::TextContent::new(
                        "[redacted]",
                    ))]),
                    is_error: Some(true),
                    ..ToolResultOverride::default()
                })),
                Some("explode") => Err("after hook failed".into()),
                _ => Ok(None),
            }
        })
    }

    fn api_key<'a>(&'a self, provider: &'a str) -> BoxFuture<'a, Option<String>> {
        Box::pin(async move {
            let n = self.requests.fetch_add(1, Ordering::SeqCst);
            let key = format!("{provider}-token-{n}");
            self.keys.lock().unwrap().push(key.clone());
            Some(key)
        })
    }
}

#[tokio::test]
async fn before_and_after_tool_call() {
    let ran = Arc::new(Mutex::new(Vec::new()));
    let faux = FauxProvider::new([
        calls(&[
            ("t1", "echo", json!({"value": "forbidden"})),
            ("t2", "echo", json!({"value": "quietly"})),
            ("t3", "echo", json!({"value": "rewrite"})),
            ("t4", "echo", json!({"value": "redact"})),
            ("t5", "echo", json!({"value": "explode"})),
        ]),
        FauxResponse::text("done"),
    ]);
    let hooks = Arc::new(Gatekeeper::default());
    let mut options = agent_with(&faux, vec![echo(Arc::clone(&ran))]);
    options.hooks = hooks.clone();
    // Keys from the hook win over the configured one, fresh for every request.
    options.request.base.api_key = Some("static".into());
    let seen_keys = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&seen_keys);
    let provider = faux.clone();
    options.stream_fn = Arc::new(move |model, context, options| {
        sink.lock()
            .unwrap()
            .push(options.base.api_key.clone().unwrap_or_default());
        pi_ai::ApiProvider::stream_simple(&provider, model, context, options)
    });
    let agent = Agent::new(options);
    let recorder = Recorder::default();
    recorder.attach(&agent);
    agent.prompt("go").await.unwrap();

    assert_eq!(*ran.lock().unwrap(), ["rewritten", "redact", "explode"]);
    let ends: Vec<(String, bool)> = recorder
        .json()
        .iter()
        .filter(|e| e["type"] == "tool_execution_end")
        .map(|e| (result_text(e), e["isError"].as_bool().unwrap()))
        .collect();
    assert_eq!(
        ends,
        [
            ("Not allowed here".to_string(), true),
            ("Tool execution was blocked".to_string(), true),
            ("echoed: rewritten".to_string(), false),
            ("[redacted]".to_string(), true),
            ("after hook failed".to_string(), true),
        ]
    );
    assert_eq!(*seen_keys.lock().unwrap(), ["faux-token-0", "faux-token-1"]);
}

struct Turns {
    decide: Box<dyn Fn(usize) -> Option<TurnDecision> + Send + Sync>,
    turns: AtomicUsize,
    injected: AtomicUsize,
}

impl AgentHooks for Turns {
    fn finish_turn<'a>(
        &'a self,
        _: TurnContext<'a>,
        _: &'a CancellationToken,
    ) -> BoxFuture<'a, Option<TurnDecision>> {
        let turn = self.turns.fetch_add(1, Ordering::SeqCst);
        Box::pin(async move { (self.decide)(turn) })
    }

    fn prepare_next_turn<'a>(
        &'a self,
        turn: TurnContext<'a>,
        _: &'a CancellationToken,
    ) -> BoxFuture<'a, Option<TurnUpdate>> {
        Box::pin(async move {
            // Before the second request, add a note (once).
            if turn.message.tool_calls().next().is_some()
                && self.injected.fetch_add(1, Ordering::SeqCst) == 0
            {
                let note: AgentMessage = UserMessage::text("(note from the app)").into();
                return Some(TurnUpdate {
                    messages: vec![note],
                    ..TurnUpdate::default()
                });
            }
            None
        })
    }

    fn prepare_request<'a>(
        &'a self,
        request: RequestContext<'a>,
        _: &'a CancellationToken,
    ) -> BoxFuture<'a, Option<TurnUpdate>> {
        Box::pin(async move {
            let mut model = request.model.clone();
            model.name = "Switched".into();
            Some(TurnUpdate {
                model: Some(model),
                ..TurnUpdate::default()
            })
        })
    }
}

fn turns(decide: impl Fn(usize) -> Option<TurnDecision> + Send + Sync + 'static) -> Arc<Turns> {
    Arc::new(Turns {
        decide: Box::new(decide),
        turns: AtomicUsize::new(0),
        injected: AtomicUsize::new(0),
    })
}

#[tokio::test]
async fn finish_turn_ends_or_continues_and_prepare_hooks_change_the_next_request() {
    // End after the first turn even though the model called a tool.
    let ran = Arc::new(Mutex::new(Vec::new()));
    let faux = FauxProvider::new([
        calls(&[("t1", "echo", json!({"value": "a"}))]),
        FauxResponse::text("never"),
    ]);
    let mut options = agent_with(&faux, vec![echo(Arc::clone(&ran))]);
    options.hooks = turns(|_| Some(TurnDecision::End));
    let agent = Agent::new(options);
    let recorder = Recorder::default();
    recorder.attach(&agent);
    agent.prompt("go").await.unwrap();
    assert_eq!(faux.call_count(), 1);
    let outline = recorder.outline();
    assert_eq!(outline[outline.len() - 2..], ["turn_end", "agent_end"]);

    // Continue once after a plain answer: one more request with the same context.
    let faux = FauxProvider::new([FauxResponse::text("first"), FauxResponse::text("second")]);
    let mut options = agent_with(&faux, Vec::new());
    options.hooks = turns(|turn| (turn == 0).then_some(TurnDecision::Continue));
    let agent = Agent::new(options);
    agent.prompt("go").await.unwrap();
    assert_eq!(faux.call_count(), 2);
    assert_eq!(agent.last_assistant_message().unwrap().text(), "second");

    // prepare_next_turn injects a message before the second request; prepare_request sees
    // every request.
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&seen);
    let faux = FauxProvider::new([
        calls(&[("t1", "echo", json!({"value": "a"}))]),
        FauxResponse::dynamic(move |context, _| {
            let last = context
                .messages
                .last()
                .map(|m| serde_json::to_value(m).unwrap())
                .unwrap();
            sink.lock().unwrap().push(last);
            FauxResponse::text("done")
        }),
    ]);
    let mut options = agent_with(&faux, vec![echo(ran)]);
    let hooks = turns(|_| None);
    options.hooks = hooks.clone();
    let agent = Agent::new(options);
    agent.prompt("go").await.unwrap();
    let last = seen.lock().unwrap()[0].clone();
    assert_eq!(last["role"], "user");
    assert_eq!(last["content"], "(note from the app)");
    assert_eq!(hooks.injected.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn transform_context_prunes_what_the_model_sees() {
    struct KeepLastTwo;
    impl AgentHooks for KeepLastTwo {
        fn transform_context<'a>(
            &'a self,
            messages: Vec<AgentMessage>,
            _: &'a CancellationToken,
        ) -> BoxFuture<'a, Vec<AgentMessage>> {
            Box::pin(async move {
                let skip = messages.len().saturating_sub(2);
                messages.into_iter().skip(skip).collect()
            })
        }
    }
    let count = Arc::new(AtomicUsize::new(0));
    let sink = Arc::clone(&count);
    let faux = FauxProvider::new([FauxResponse::dynamic(move |context, _| {
        sink.store(context.messages.len(), Ordering::SeqCst);
        FauxResponse::text("ok")
    })]);
    let mut options = agent_with(&faux, Vec::new());
    options.hooks = Arc::new(KeepLastTwo);
    options.messages = (0..4)
        .map(|n| UserMessage::text(format!("old {n}")).into())
        .collect();
    let agent = Agent::new(options);
    agent.prompt("new").await.unwrap();
    assert_eq!(count.load(Ordering::SeqCst), 2);
    // The transcript itself is untouched.
    assert_eq!(agent.state().messages.len(), 6);
}

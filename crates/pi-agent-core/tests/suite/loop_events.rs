//! Event order for the shapes a run can take.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use pi_agent_core::{
    Agent, AgentContext, AgentEvent, AgentLoopConfig, AgentMessage, AgentToolResult, CustomMessage,
    ExecutionMode, FnTool, run_agent_loop,
};
use pi_ai::faux::{FauxProvider, FauxResponse};
use pi_ai::{CancellationToken, StopReason, UserMessage};
use serde_json::json;
use tokio::sync::Notify;

use super::support::{Recorder, agent_with, calls, echo, result_text};

#[tokio::test]
async fn text_only_run() {
    let faux = FauxProvider::new([FauxResponse::text("Hi there!")]);
    let agent = Agent::new(agent_with(&faux, Vec::new()));
    let recorder = Recorder::default();
    recorder.attach(&agent);
    agent.prompt("Hello").await.unwrap();
    assert_eq!(
        recorder.outline(),
        [
            "agent_start",
            "turn_start",
            "message_start:user",
            "message_end:user",
            "message_start:assistant",
            "message_end:assistant",
            "turn_end",
            "agent_end"
        ]
    );
    let updates: Vec<String> = recorder
        .events()
        .into_iter()
        .filter(|e| e.starts_with("message_update"))
        .collect();
    assert_eq!(
        updates.first().map(String::as_str),
        Some("message_update:text_start")
    );
    assert_eq!(
        updates.last().map(String::as_str),
        Some("message_update:text_end")
    );
    let json = recorder.json();
    let end = json.last().unwrap();
    assert_eq!(end["type"], "agent_end");
    assert_eq!(end["messages"].as_array().unwrap().len(), 2);
    assert_eq!(agent.state().messages.len(), 2);
    assert!(!agent.state().is_streaming);
}

#[tokio::test]
async fn a_tool_call_and_its_result() {
    let ran = Arc::new(Mutex::new(Vec::new()));
    let faux = FauxProvider::new([
        calls(&[("tool-1", "echo", json!({"value": "hello"}))]),
        FauxResponse::text("done"),
    ]);
    let agent = Agent::new(agent_with(&faux, vec![echo(Arc::clone(&ran))]));
    let recorder = Recorder::default();
    recorder.attach(&agent);
    agent.prompt("echo something").await.unwrap();
    assert_eq!(*ran.lock().unwrap(), ["hello"]);
    assert_eq!(
        recorder.outline(),
        [
            "agent_start",
            "turn_start",
            "message_start:user",
            "message_end:user",
            "message_start:assistant",
            "message_end:assistant",
            "tool_execution_start:tool-1",
            "tool_execution_end:tool-1:ok",
            "message_start:toolResult",
            "message_end:toolResult",
            "turn_end",
            "turn_start",
            "message_start:assistant",
            "message_end:assistant",
            "turn_end",
            "agent_end"
        ]
    );
    // The agent declared its tools in the transcript's leading system message.
    let system = serde_json::to_value(&agent.state().messages[0]).unwrap();
    assert_eq!(system["role"], "system");
    assert_eq!(system["toolsAdded"][0]["name"], "echo");
    let json = recorder.json();
    let end = json
        .iter()
        .find(|e| e["type"] == "tool_execution_end")
        .unwrap();
    assert_eq!(
        end["result"],
        json!({"content": [{"type": "text", "text": "echoed: hello"}], "details": {"value": "hello"}})
    );
    let turn_end = json.iter().find(|e| e["type"] == "turn_end").unwrap();
    assert_eq!(turn_end["toolResults"][0]["toolCallId"], "tool-1");
    assert_eq!(turn_end["toolResults"][0]["isError"], false);
    // The second request saw the tool result.
    assert_eq!(faux.call_count(), 2);
}

/// A tool that waits for `gate` when called with "first".
fn gated(gate: Arc<Notify>, order: Arc<Mutex<Vec<String>>>, mode: Option<ExecutionMode>) -> FnTool {
    let tool = FnTool::new(
        "slow",
        "Waits",
        json!({"type": "object", "properties": {"value": {"type": "string"}}, "required": ["value"]}),
        move |input| {
            let (gate, order) = (Arc::clone(&gate), Arc::clone(&order));
            async move {
                let value = input.args["value"].as_str().unwrap_or_default().to_string();
                order.lock().unwrap().push(format!("start:{value}"));
                if value == "first" {
                    gate.notified().await;
                }
                order.lock().unwrap().push(format!("end:{value}"));
                Ok(AgentToolResult::text(value))
            }
        },
    );
    match mode {
        Some(mode) => tool.with_execution_mode(mode),
        None => tool,
    }
}

#[tokio::test]
async fn parallel_calls_end_in_completion_order_and_report_in_call_order() {
    let gate = Arc::new(Notify::new());
    let order = Arc::new(Mutex::new(Vec::new()));
    let faux = FauxProvider::new([
        calls(&[
            ("tool-1", "slow", json!({"value": "first"})),
            ("tool-2", "slow", json!({"value": "second"})),
        ]),
        FauxResponse::text("done"),
    ]);
    let agent = Agent::new(agent_with(
        &faux,
        vec![Arc::new(gated(Arc::clone(&gate), Arc::clone(&order), None))],
    ));
    let recorder = Recorder::default();
    recorder.attach(&agent);
    // Release the first call once the second has finished.
    let watcher = {
        let (order, gate) = (Arc::clone(&order), Arc::clone(&gate));
        tokio::spawn(async move {
            while !order.lock().unwrap().contains(&"end:second".to_string()) {
                tokio::time::sleep(Duration::from_millis(1)).await;
            }
            gate.notify_one();
        })
    };
    agent.prompt("run both").await.unwrap();
    watcher.await.unwrap();
    assert_eq!(
        *order.lock().unwrap(),
        ["start:first", "start:second", "end:second", "end:first"]
    );
    let events = recorder.outline();
    let ends: Vec<&String> = events
        .iter()
        .filter(|e| e.starts_with("tool_execution_end"))
        .collect();
    assert_eq!(
        ends,
        [
            "tool_execution_end:tool-2:ok",
            "tool_execution_end:tool-1:ok"
        ]
    );
    let json = recorder.json();
    let results: Vec<&str> = json
        .iter()
        .filter(|e| e["type"] == "message_end" && e["message"]["role"] == "toolResult")
        .map(|e| e["message"]["toolCallId"].as_str().unwrap())
        .collect();
    assert_eq!(results, ["tool-1", "tool-2"]);
    // Every call was announced before any ran to completion.
    let starts = events
        .iter()
        .position(|e| e == "tool_execution_start:tool-2")
        .unwrap();
    let first_end = events
        .iter()
        .position(|e| e.starts_with("tool_execution_end"))
        .unwrap();
    assert!(starts < first_end);
}

#[tokio::test]
async fn sequential_mode_from_config_or_from_one_tool() {
    for (config_mode, tool_mode) in [
        (ExecutionMode::Sequential, None),
        (ExecutionMode::Parallel, Some(ExecutionMode::Sequential)),
    ] {
        let gate = Arc::new(Notify::new());
        let order = Arc::new(Mutex::new(Vec::new()));
        let faux = FauxProvider::new([
            calls(&[
                ("tool-1", "slow", json!({"value": "first"})),
                ("tool-2", "slow", json!({"value": "second"})),
            ]),
            FauxResponse::text("done"),
        ]);
        let mut options = agent_with(
            &faux,
            vec![Arc::new(gated(
                Arc::clone(&gate),
                Arc::clone(&order),
                tool_mode,
            ))],
        );
        options.tool_execution = config_mode;
        let agent = Agent::new(options);
        let recorder = Recorder::default();
        recorder.attach(&agent);
        gate.notify_one(); // a permit: the first call goes through when it gets there
        agent.prompt("run both").await.unwrap();
        assert_eq!(
            *order.lock().unwrap(),
            ["start:first", "end:first", "start:second", "end:second"]
        );
        // Sequential mode reports each result right after its call.
        let outline = recorder.outline();
        let tool_part: Vec<&String> = outline
            .iter()
            .filter(|e| e.starts_with("tool_") || e.ends_with(":toolResult"))
            .collect();
        assert_eq!(
            tool_part,
            [
                "tool_execution_start:tool-1",
                "tool_execution_end:tool-1:ok",
                "message_start:toolResult",
                "message_end:toolResult",
                "tool_execution_start:tool-2",
                "tool_execution_end:tool-2:ok",
                "message_start:toolResult",
                "message_end:toolResult"
            ]
        );
    }
}

#[tokio::test]
async fn calls_cut_off_by_the_output_limit_are_not_run() {
    let ran = Arc::new(Mutex::new(Vec::new()));
    let faux = FauxProvider::new([
        calls(&[("tool-1", "echo", json!({"value": "hel"}))]).with_stop_reason(StopReason::Length),
        FauxResponse::text("done"),
    ]);
    let agent = Agent::new(agent_with(&faux, vec![echo(Arc::clone(&ran))]));
    let recorder = Recorder::default();
    recorder.attach(&agent);
    agent.prompt("echo").await.unwrap();
    assert!(ran.lock().unwrap().is_empty());
    let json = recorder.json();
    let end = json
        .iter()
        .find(|e| e["type"] == "tool_execution_end")
        .unwrap();
    assert_eq!(end["isError"], true);
    assert_eq!(
        result_text(end),
        "Tool call \"echo\" was not executed: the response hit the output token limit, so its arguments may be truncated. Re-issue the tool call with complete arguments."
    );
    // The loop went on so the model can re-issue the call.
    assert_eq!(faux.call_count(), 2);
    assert_eq!(agent.last_assistant_message().unwrap().text(), "done");
}

#[tokio::test]
async fn the_low_level_loop_returns_what_it_added_and_emits_message_updates() {
    let faux = FauxProvider::new([FauxResponse::thinking_then_text("Hmm", "Done")]);
    let mut config = AgentLoopConfig::new(faux.model());
    let provider = faux.clone();
    config.stream_fn = Arc::new(move |model, context, options| {
        pi_ai::ApiProvider::stream_simple(&provider, model, context, options)
    });
    let mut seen = Vec::new();
    let mut emit = |event: &AgentEvent<'_>| {
        if let AgentEvent::MessageUpdate {
            assistant_message_event,
            message,
        } = event
        {
            let kind = serde_json::to_value(assistant_message_event).unwrap()["type"]
                .as_str()
                .unwrap()
                .to_string();
            seen.push((kind, message.content.len()));
        }
    };
    let prompt: AgentMessage = UserMessage::text("Hello").into();
    let added = run_agent_loop(
        vec![prompt],
        AgentContext::default(),
        config,
        CancellationToken::new(),
        &mut emit,
    )
    .await;
    assert_eq!(
        added.iter().map(AgentMessage::role).collect::<Vec<_>>(),
        ["user", "assistant"]
    );
    assert_eq!(seen.first(), Some(&("thinking_start".to_string(), 1)));
    assert_eq!(seen.last(), Some(&("text_end".to_string(), 2)));
}

#[tokio::test]
async fn custom_messages_reach_the_model_only_through_convert_to_llm() {
    struct Notifications;
    impl pi_agent_core::AgentHooks for Notifications {
        fn convert_to_llm(&self, messages: &[AgentMessage]) -> Vec<pi_ai::Message> {
            messages
                .iter()
                .filter_map(|m| match m {
                    AgentMessage::Custom(custom) if custom.role == "notification" => {
                        let text = custom.fields["text"].as_str().unwrap_or_default();
                        Some(UserMessage::text(format!("[note] {text}")).into())
                    }
                    other => other.as_llm().cloned(),
                })
                .collect()
        }
    }
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&seen);
    let faux = FauxProvider::new([FauxResponse::dynamic(move |context, _| {
        let texts = context
            .messages
            .iter()
            .filter_map(|m| match m {
                pi_ai::Message::User(user) => Some(user.content.text("")),
                _ => None,
            })
            .collect::<Vec<_>>();
        *sink.lock().unwrap() = texts;
        FauxResponse::text("ok")
    })]);
    let mut options = agent_with(&faux, Vec::new());
    options.hooks = Arc::new(Notifications);
    let mut fields = serde_json::Map::new();
    fields.insert("text".into(), json!("disk almost full"));
    fields.insert("timestamp".into(), json!(1));
    options.messages = vec![CustomMessage::new("notification", fields).into()];
    let agent = Agent::new(options);
    agent.prompt("Hello").await.unwrap();
    assert_eq!(*seen.lock().unwrap(), ["[note] disk almost full", "Hello"]);
    // The custom message stays in the transcript as it was.
    assert_eq!(agent.state().messages[0].role(), "notification");
}

//! Tool failures become results the model reads; progress and aborts.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use pi_agent_core::{
    Agent, AgentTool, AgentToolResult, BoxFuture, FnTool, ToolCallInput, ToolError,
};
use pi_ai::StopReason;
use pi_ai::faux::{FauxProvider, FauxResponse};
use serde_json::{Value, json};

use super::support::{Recorder, agent_with, calls, echo, result_text};

fn end_events(recorder: &Recorder) -> Vec<Value> {
    recorder
        .json()
        .into_iter()
        .filter(|e| e["type"] == "tool_execution_end")
        .collect()
}

#[tokio::test]
async fn missing_tools_invalid_arguments_and_failures_are_error_results() {
    let failing = FnTool::new("fail", "Fails", json!({"type": "object"}), |_| async {
        Err::<AgentToolResult, ToolError>("disk on fire".into())
    });
    let ran = Arc::new(Mutex::new(Vec::new()));
    let faux = FauxProvider::new([
        calls(&[
            ("t1", "nope", json!({})),
            ("t2", "echo", json!({"wrong": 1})),
            ("t3", "fail", json!({})),
            ("t4", "echo", json!({"value": 42})),
        ]),
        FauxResponse::text("I see."),
    ]);
    let agent = Agent::new(agent_with(
        &faux,
        vec![echo(Arc::clone(&ran)), Arc::new(failing)],
    ));
    let recorder = Recorder::default();
    recorder.attach(&agent);
    agent.prompt("go").await.unwrap();
    let ends = end_events(&recorder);
    assert_eq!(ends.len(), 4);
    assert_eq!(result_text(&ends[0]), "Tool nope not found");
    assert_eq!(
        result_text(&ends[1]),
        "Validation failed for tool \"echo\":\n  - value: must have required properties value\n\nReceived arguments:\n{\n  \"wrong\": 1\n}"
    );
    assert_eq!(result_text(&ends[2]), "disk on fire");
    assert!(
        ends[..3]
            .iter()
            .all(|e| e["isError"] == true && e["result"]["details"] == json!({}))
    );
    // 42 was coerced to the schema's string.
    assert_eq!(ends[3]["isError"], false);
    assert_eq!(*ran.lock().unwrap(), ["42"]);
    // The loop went on and the model saw every result.
    assert_eq!(agent.last_assistant_message().unwrap().text(), "I see.");
    let results: Vec<bool> = agent
        .state()
        .messages
        .iter()
        .filter_map(|m| match m.as_llm() {
            Some(pi_ai::Message::ToolResult(r)) => Some(r.is_error),
            _ => None,
        })
        .collect();
    assert_eq!(results, [true, true, true, false]);
}

#[tokio::test]
async fn progress_is_reported_before_the_end_and_late_reports_are_ignored() {
    let leaked = Arc::new(Mutex::new(None));
    let keep = Arc::clone(&leaked);
    let streaming = FnTool::new(
        "count",
        "Counts",
        json!({"type": "object"}),
        move |input: ToolCallInput| {
            let keep = Arc::clone(&keep);
            async move {
                let mut text = String::new();
                for n in 1..=3 {
                    text.push_str(&n.to_string());
                    input.progress.update(AgentToolResult::text(text.clone()));
                }
                *keep.lock().unwrap() = Some(input.progress.clone());
                Ok(AgentToolResult::text(text))
            }
        },
    );
    let faux = FauxProvider::new([
        calls(&[("c1", "count", json!({}))]),
        FauxResponse::text("ok"),
    ]);
    let agent = Agent::new(agent_with(&faux, vec![Arc::new(streaming)]));
    let recorder = Recorder::default();
    recorder.attach(&agent);
    agent.prompt("count").await.unwrap();
    // A report after the tool finished goes nowhere.
    leaked
        .lock()
        .unwrap()
        .as_ref()
        .unwrap()
        .update(AgentToolResult::text("late"));
    let json = recorder.json();
    let tool_events: Vec<(String, String)> = json
        .iter()
        .filter(|e| e["type"].as_str().unwrap().starts_with("tool_execution"))
        .map(|e| {
            let text = e["partialResult"]["content"][0]["text"]
                .as_str()
                .or(e["result"]["content"][0]["text"].as_str());
            (
                e["type"].as_str().unwrap().to_string(),
                text.unwrap_or_default().to_string(),
            )
        })
        .collect();
    assert_eq!(
        tool_events,
        [
            ("tool_execution_start".into(), String::new()),
            ("tool_execution_update".into(), "1".into()),
            ("tool_execution_update".into(), "12".into()),
            ("tool_execution_update".into(), "123".into()),
            ("tool_execution_end".into(), "123".into()),
        ]
    );
}

#[tokio::test]
async fn a_batch_where_every_result_terminates_ends_the_run() {
    let stop = FnTool::new("stop", "Stops", json!({"type": "object"}), |_| async {
        Ok(AgentToolResult {
            terminate: Some(true),
            ..AgentToolResult::text("stopping")
        })
    });
    let ran = Arc::new(Mutex::new(Vec::new()));
    // Both terminate: no further request.
    let faux = FauxProvider::new([
        calls(&[("a", "stop", json!({})), ("b", "stop", json!({}))]),
        FauxResponse::text("never"),
    ]);
    let agent = Agent::new(agent_with(
        &faux,
        vec![Arc::new(stop.clone()), echo(Arc::clone(&ran))],
    ));
    agent.prompt("go").await.unwrap();
    assert_eq!(faux.call_count(), 1);
    // One does not: the run goes on.
    let faux = FauxProvider::new([
        calls(&[
            ("a", "stop", json!({})),
            ("b", "echo", json!({"value": "x"})),
        ]),
        FauxResponse::text("after"),
    ]);
    let agent = Agent::new(agent_with(&faux, vec![Arc::new(stop), echo(ran)]));
    agent.prompt("go").await.unwrap();
    assert_eq!(faux.call_count(), 2);
}

/// A tool that waits until cancelled (or a long time).
struct Waiter {
    cancelled: Arc<Mutex<bool>>,
}

impl AgentTool for Waiter {
    fn name(&self) -> &str {
        "wait"
    }
    fn description(&self) -> &str {
        "Waits"
    }
    fn parameters(&self) -> &Value {
        static SCHEMA: std::sync::OnceLock<Value> = std::sync::OnceLock::new();
        SCHEMA.get_or_init(|| json!({"type": "object"}))
    }
    fn execute(&self, input: ToolCallInput) -> BoxFuture<'_, Result<AgentToolResult, ToolError>> {
        let cancelled = Arc::clone(&self.cancelled);
        Box::pin(async move {
            tokio::select! {
                () = input.cancel.cancelled() => {
                    *cancelled.lock().unwrap() = true;
                    Err("cancelled".into())
                }
                () = tokio::time::sleep(Duration::from_secs(3600)) => Ok(AgentToolResult::text("slept")),
            }
        })
    }
}

#[tokio::test]
async fn abort_during_tools_is_prompt_and_leaves_every_call_answered() {
    let cancelled = Arc::new(Mutex::new(false));
    let ran = Arc::new(Mutex::new(Vec::new()));
    let faux = FauxProvider::new([
        calls(&[
            ("w1", "wait", json!({})),
            ("e1", "echo", json!({"value": "fast"})),
            ("w2", "wait", json!({})),
        ]),
        FauxResponse::text("unreachable"),
    ]);
    let waiter = Arc::new(Waiter {
        cancelled: Arc::clone(&cancelled),
    });
    let agent = Agent::new(agent_with(&faux, vec![waiter, echo(Arc::clone(&ran))]));
    let recorder = Recorder::default();
    recorder.attach(&agent);
    let aborter = agent.clone();
    agent.subscribe(move |event| {
        // Abort once the fast call is done and the waiters are stuck.
        if let pi_agent_core::AgentEvent::ToolExecutionEnd {
            tool_call_id: "e1", ..
        } = event
        {
            aborter.abort();
        }
    });
    tokio::time::timeout(Duration::from_secs(10), agent.prompt("go"))
        .await
        .expect("abort is prompt")
        .unwrap();
    let ends = end_events(&recorder);
    let by_id: Vec<(String, String)> = ends
        .iter()
        .map(|e| {
            (
                e["toolCallId"].as_str().unwrap().to_string(),
                result_text(e),
            )
        })
        .collect();
    assert_eq!(by_id.len(), 3, "{by_id:?}");
    assert!(by_id.contains(&("e1".into(), "echoed: fast".into())));
    assert!(
        by_id
            .iter()
            .filter(|(id, _)| id.starts_with('w'))
            .all(|(_, text)| text == "Operation aborted")
    );
    // Every call has exactly one result, in call order, and the run ended aborted.
    let state = agent.state();
    let results: Vec<&str> = state
        .messages
        .iter()
        .filter_map(|m| match m.as_llm() {
            Some(pi_ai::Message::ToolResult(r)) => Some(r.tool_call_id.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(results, ["w1", "e1", "w2"]);
    let last = state.messages.last().unwrap().as_assistant().unwrap();
    assert_eq!(last.stop_reason, StopReason::Aborted);
    assert_eq!(state.error_message.as_deref(), Some("Request was aborted"));
    assert!(!state.is_streaming);
    drop(state);
    assert!(recorder.outline().last().is_some_and(|e| e == "agent_end"));
}

#[tokio::test]
async fn prepare_arguments_adapts_legacy_forms_before_validation() {
    struct Edit;
    impl AgentTool for Edit {
        fn name(&self) -> &str {
            "edit"
        }
        fn description(&self) -> &str {
            "Edits"
        }
        fn parameters(&self) -> &Value {
            static SCHEMA: std::sync::OnceLock<Value> = std::sync::OnceLock::new();
            SCHEMA.get_or_init(|| {
                json!({"type": "object", "required": ["edits"], "properties": {"edits": {"type": "array",
                    "items": {"type": "object", "required": ["oldText", "newText"],
                        "properties": {"oldText": {"type": "string"}, "newText": {"type": "string"}}}}}})
            })
        }
        fn prepare_arguments(&self, arguments: Value) -> Value {
            match (arguments.get("oldText"), arguments.get("newText")) {
                (Some(old), Some(new)) => json!({"edits": [{"oldText": old, "newText": new}]}),
                _ => arguments,
            }
        }
        fn execute(
            &self,
            input: ToolCallInput,
        ) -> BoxFuture<'_, Result<AgentToolResult, ToolError>> {
            Box::pin(async move { Ok(AgentToolResult::text(input.args["edits"].to_string())) })
        }
    }
    let faux = FauxProvider::new([
        calls(&[("t", "edit", json!({"oldText": "a", "newText": "b"}))]),
        FauxResponse::text("ok"),
    ]);
    let agent = Agent::new(agent_with(&faux, vec![Arc::new(Edit)]));
    let recorder = Recorder::default();
    recorder.attach(&agent);
    agent.prompt("edit").await.unwrap();
    let ends = end_events(&recorder);
    assert_eq!(result_text(&ends[0]), r#"[{"oldText":"a","newText":"b"}]"#);
}

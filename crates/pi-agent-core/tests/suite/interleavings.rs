//! Random interleavings of prompts, steering, follow-ups and aborts keep the run's
//! invariants: one `agent_end` per run, one result per tool call, messages that start,
//! update and end in order.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use pi_agent_core::{Agent, AgentEvent, AgentToolResult, FnTool};
use pi_ai::faux::{FauxProvider, FauxResponse};
use pi_ai::{StopReason, UserMessage};
use proptest::prelude::*;
use serde_json::{Value, json};

use super::support::{agent_with, calls};

#[derive(Debug, Clone)]
enum Op {
    Prompt,
    Steer,
    FollowUp,
    Abort,
    Continue,
}

#[derive(Debug, Clone)]
enum Reply {
    Text(usize),
    Tools(Vec<u64>),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => Just(Op::Prompt),
        2 => Just(Op::Steer),
        2 => Just(Op::FollowUp),
        1 => Just(Op::Abort),
        1 => Just(Op::Continue),
    ]
}

fn reply() -> impl Strategy<Value = Reply> {
    prop_oneof![
        (1usize..60).prop_map(Reply::Text),
        prop::collection::vec(0u64..40, 1..4).prop_map(Reply::Tools),
    ]
}

/// One recorded event, owned.
#[derive(Debug, Clone)]
struct Seen {
    kind: &'static str,
    value: Value,
}

fn run_case(replies: Vec<Reply>, ops: Vec<(u64, Op)>) -> Result<(), TestCaseError> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .start_paused(true)
        .build()
        .unwrap();
    let (seen, final_messages) = runtime.block_on(async move {
        let responses = replies.iter().enumerate().map(|(turn, reply)| match reply {
            Reply::Text(words) => FauxResponse::text("word ".repeat(*words)),
            Reply::Tools(delays) => {
                let list: Vec<(String, &str, Value)> = delays
                    .iter()
                    .enumerate()
                    .map(|(n, ms)| (format!("c{turn}-{n}"), "sleep", json!({"ms": ms})))
                    .collect();
                let borrowed: Vec<(&str, &str, Value)> = list.iter().map(|(id, name, args)| (id.as_str(), *name, args.clone())).collect();
                calls(&borrowed)
            }
        });
        let faux = FauxProvider::new(responses.collect::<Vec<_>>()).with_tokens_per_second(400.0);
        let sleeper = FnTool::new("sleep", "Sleeps", json!({"type": "object", "properties": {"ms": {"type": "integer"}}}), |input| async move {
            let ms = input.args["ms"].as_u64().unwrap_or(0);
            tokio::select! {
                () = tokio::time::sleep(Duration::from_millis(ms)) => Ok(AgentToolResult::text(format!("slept {ms}"))),
                () = input.cancel.cancelled() => Err("interrupted".into()),
            }
        });
        let agent = Agent::new(agent_with(&faux, vec![Arc::new(sleeper)]));
        // The leading system message (declaring the tool) exists before any run.
        let initial = agent.state().messages.len();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&seen);
        agent.subscribe(move |event: &AgentEvent<'_>| {
            sink.lock().unwrap().push(Seen { kind: event.kind(), value: serde_json::to_value(event).unwrap() });
        });
        let mut runs = Vec::new();
        for (delay, op) in ops {
            tokio::time::sleep(Duration::from_millis(delay)).await;
            match op {
                Op::Prompt => {
                    let agent = agent.clone();
                    runs.push(tokio::spawn(async move { agent.prompt("go").await.is_ok() }));
                }
                Op::Continue => {
                    let agent = agent.clone();
                    runs.push(tokio::spawn(async move { agent.continue_run().await.is_ok() }));
                }
                Op::Steer => agent.steer(UserMessage::text("steer")),
                Op::FollowUp => agent.follow_up(UserMessage::text("follow")),
                Op::Abort => agent.abort(),
            }
        }
        for run in runs {
            run.await.unwrap();
        }
        agent.wait_for_idle().await;
        let messages = serde_json::to_value(&agent.state().messages[initial..]).unwrap();
        let seen = seen.lock().unwrap().clone();
        (seen, messages)
    });

    // One agent_end per run, runs never overlap.
    let mut open = false;
    for event in &seen {
        match event.kind {
            "agent_start" => {
                prop_assert!(!open, "a run started inside another");
                open = true;
            }
            "agent_end" => {
                prop_assert!(open, "agent_end without a run");
                open = false;
            }
            _ => prop_assert!(open, "{} outside a run", event.kind),
        }
    }
    prop_assert!(!open, "a run never ended");

    // Messages start, update and end in order; tool executions happen between messages.
    let mut streaming = false;
    for event in &seen {
        match event.kind {
            "message_start" => {
                prop_assert!(!streaming, "message_start inside a message");
                streaming = true;
            }
            "message_update" => prop_assert!(streaming, "message_update outside a message"),
            "message_end" => {
                prop_assert!(streaming, "message_end without a start");
                streaming = false;
            }
            _ => prop_assert!(!streaming, "{} inside a message", event.kind),
        }
    }

    // Every tool call of a completed response has exactly one result, after it.
    let transcript = final_messages.as_array().unwrap();
    let mut results: HashMap<String, usize> = HashMap::new();
    for message in transcript {
        if message["role"] == "toolResult" {
            *results
                .entry(message["toolCallId"].as_str().unwrap().to_string())
                .or_default() += 1;
        }
    }
    for (index, message) in transcript.iter().enumerate() {
        if message["role"] != "assistant" {
            continue;
        }
        let stop = message["stopReason"].as_str().unwrap();
        let failed = stop == StopReason::Error.as_str() || stop == StopReason::Aborted.as_str();
        for block in message["content"].as_array().unwrap() {
            if block["type"] != "toolCall" || failed {
                continue;
            }
            let id = block["id"].as_str().unwrap();
            prop_assert_eq!(
                results.get(id).copied(),
                Some(1),
                "call {} needs one result",
                id
            );
            let position = transcript
                .iter()
                .position(|m| m["toolCallId"] == id)
                .unwrap();
            prop_assert!(position > index);
        }
    }
    // The transcript is exactly the ended messages, in order.
    let ended: Vec<&Value> = seen
        .iter()
        .filter(|e| e.kind == "message_end")
        .map(|e| &e.value["message"])
        .collect();
    prop_assert_eq!(ended.len(), transcript.len());
    for (a, b) in ended.iter().zip(transcript) {
        prop_assert_eq!(*a, b);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn invariants_hold_for_any_interleaving(
        replies in prop::collection::vec(reply(), 1..8),
        ops in prop::collection::vec((0u64..80, op()), 1..10),
    ) {
        run_case(replies, ops)?;
    }
}

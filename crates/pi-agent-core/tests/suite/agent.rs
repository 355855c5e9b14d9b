//! The stateful agent: prompts, queues, continue rules, abort, tool and prompt changes.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use pi_agent_core::{
    Agent, AgentError, AgentEvent, AgentMessage, AgentToolResult, FnTool, QueueMode,
};
use pi_ai::faux::{FauxProvider, FauxResponse};
use pi_ai::{StopReason, UserMessage};
use serde_json::json;
use tokio::sync::Notify;

use super::support::{Recorder, agent_with, calls, echo};

fn user_texts(agent: &Agent) -> Vec<String> {
    agent
        .state()
        .messages
        .iter()
        .filter_map(|m| match m.as_llm() {
            Some(pi_ai::Message::User(user)) => Some(user.content.text("")),
            _ => None,
        })
        .collect()
}

#[tokio::test]
async fn a_second_prompt_while_busy_is_refused() {
    let faux = FauxProvider::new([FauxResponse::text("slow answer ".repeat(50))])
        .with_tokens_per_second(2000.0);
    let agent = Agent::new(agent_with(&faux, Vec::new()));
    let running = {
        let agent = agent.clone();
        tokio::spawn(async move { agent.prompt("first").await })
    };
    while !agent.state().is_streaming {
        tokio::task::yield_now().await;
    }
    let error = agent.prompt("second").await.unwrap_err();
    assert_eq!(
        error.to_string(),
        "Agent is already processing a prompt. Use steer() or followUp() to queue messages, or wait for completion."
    );
    assert_eq!(
        agent.continue_run().await.unwrap_err(),
        AgentError::BusyContinuing
    );
    assert_eq!(
        agent.reset().unwrap_err().to_string(),
        "Agent is already processing. Wait for completion before resetting."
    );
    agent.wait_for_idle().await;
    running.await.unwrap().unwrap();
    assert!(!agent.state().is_streaming);
}

#[tokio::test]
async fn steering_arrives_after_the_whole_tool_batch() {
    let ran = Arc::new(Mutex::new(Vec::new()));
    let faux = FauxProvider::new([
        calls(&[
            ("t1", "echo", json!({"value": "first"})),
            ("t2", "echo", json!({"value": "second"})),
        ]),
        FauxResponse::text("done"),
    ]);
    let agent = Agent::new(agent_with(&faux, vec![echo(Arc::clone(&ran))]));
    let recorder = Recorder::default();
    recorder.attach(&agent);
    let steerer = agent.clone();
    agent.subscribe(move |event| {
        if let AgentEvent::ToolExecutionStart {
            tool_call_id: "t1", ..
        } = event
        {
            steerer.steer(UserMessage::text("interrupt"));
        }
    });
    agent.prompt("start").await.unwrap();
    // Nothing was skipped.
    assert_eq!(*ran.lock().unwrap(), ["first", "second"]);
    let messages: Vec<String> = recorder
        .json()
        .iter()
        .filter(|e| e["type"] == "message_start")
        .map(|e| match e["message"]["role"].as_str().unwrap() {
            "toolResult" => format!("tool:{}", e["message"]["toolCallId"].as_str().unwrap()),
            "user" => serde_json::to_string(&e["message"]["content"]).unwrap(),
            role => role.to_string(),
        })
        .collect();
    let interrupt = messages
        .iter()
        .position(|m| m.contains("interrupt"))
        .unwrap();
    assert!(messages.iter().position(|m| m == "tool:t2").unwrap() < interrupt);
    assert_eq!(messages.last().map(String::as_str), Some("assistant"));
    assert_eq!(faux.call_count(), 2);
}

#[tokio::test]
async fn follow_ups_run_when_the_agent_would_stop() {
    let faux = FauxProvider::new([
        FauxResponse::text("one"),
        FauxResponse::text("two"),
        FauxResponse::text("three"),
    ]);
    let agent = Agent::new(agent_with(&faux, Vec::new()));
    agent.follow_up(UserMessage::text("and then?"));
    agent.follow_up(UserMessage::text("finally?"));
    assert!(agent.has_queued_messages());
    assert_eq!(
        agent.peek_queued_messages().len(),
        1,
        "one at a time by default"
    );
    let recorder = Recorder::default();
    recorder.attach(&agent);
    agent.prompt("start").await.unwrap();
    assert_eq!(user_texts(&agent), ["start", "and then?", "finally?"]);
    assert_eq!(faux.call_count(), 3);
    assert!(!agent.has_queued_messages());
    // One run: one agent_end.
    assert_eq!(
        recorder
            .events()
            .iter()
            .filter(|e| *e == "agent_end")
            .count(),
        1
    );

    // In `all` mode the queue is delivered at once.
    let faux = FauxProvider::new([FauxResponse::text("one"), FauxResponse::text("two")]);
    let agent = Agent::new(agent_with(&faux, Vec::new()));
    agent.set_follow_up_mode(QueueMode::All);
    agent.follow_up(UserMessage::text("a"));
    agent.follow_up(UserMessage::text("b"));
    assert_eq!(agent.peek_queued_messages().len(), 2);
    agent.prompt("start").await.unwrap();
    assert_eq!(user_texts(&agent), ["start", "a", "b"]);
    assert_eq!(faux.call_count(), 2);
}

#[tokio::test]
async fn continue_rules() {
    let faux = FauxProvider::new([
        FauxResponse::text("answer"),
        FauxResponse::text("steered"),
        FauxResponse::text("followed"),
    ]);
    let agent = Agent::new(agent_with(&faux, Vec::new()));
    assert_eq!(
        agent.continue_run().await.unwrap_err(),
        AgentError::NoMessages
    );
    assert_eq!(
        AgentError::NoMessages.to_string(),
        "No messages to continue from"
    );

    // After a user message (a failed run, say), continue asks the model.
    agent.append_message(UserMessage::text("question").into());
    agent.continue_run().await.unwrap();
    assert_eq!(agent.last_assistant_message().unwrap().text(), "answer");

    // After an assistant message it needs something queued.
    let error = agent.continue_run().await.unwrap_err();
    assert_eq!(
        error.to_string(),
        "Cannot continue from message role: assistant"
    );
    agent.steer(UserMessage::text("steer"));
    agent.continue_run().await.unwrap();
    assert_eq!(agent.last_assistant_message().unwrap().text(), "steered");
    agent.follow_up(UserMessage::text("follow"));
    agent.continue_run().await.unwrap();
    assert_eq!(agent.last_assistant_message().unwrap().text(), "followed");
    assert_eq!(user_texts(&agent), ["question", "steer", "follow"]);
}

#[tokio::test]
async fn abort_while_streaming_ends_the_run_cleanly() {
    let faux =
        FauxProvider::new([FauxResponse::text("word ".repeat(200))]).with_tokens_per_second(500.0);
    let agent = Agent::new(agent_with(&faux, Vec::new()));
    let recorder = Recorder::default();
    recorder.attach(&agent);
    let aborter = agent.clone();
    let deltas = Arc::new(Mutex::new(0));
    let counter = Arc::clone(&deltas);
    agent.subscribe(move |event| {
        if let AgentEvent::MessageUpdate { .. } = event {
            let mut seen = counter.lock().unwrap();
            *seen += 1;
            if *seen == 3 {
                aborter.abort();
            }
        }
    });
    tokio::time::timeout(Duration::from_secs(10), agent.prompt("talk"))
        .await
        .expect("abort is prompt")
        .unwrap();
    let last = agent.last_assistant_message().unwrap();
    assert_eq!(last.stop_reason, StopReason::Aborted);
    assert!(!last.text().is_empty(), "the partial answer is kept");
    assert_eq!(
        agent.state().error_message.as_deref(),
        Some("Request was aborted")
    );
    let outline = recorder.outline();
    assert_eq!(
        outline[outline.len() - 3..],
        ["message_end:assistant", "turn_end", "agent_end"]
    );
    // The agent takes new prompts afterwards.
    faux.push(FauxResponse::text("back"));
    agent.prompt("again").await.unwrap();
    assert_eq!(agent.last_assistant_message().unwrap().text(), "back");
}

#[tokio::test]
async fn a_missing_api_key_ends_the_run_with_an_error_message() {
    let server = pi_ai::testing::TestServer::start().await.unwrap();
    let mut options =
        pi_agent_core::AgentOptions::new(server.model("anthropic-messages", "claude-test"));
    options.system_prompt = Some("Be brief.".into());
    let agent = Agent::new(options);
    let recorder = Recorder::default();
    recorder.attach(&agent);
    agent.prompt("hi").await.unwrap();
    let last = agent.last_assistant_message().unwrap();
    assert_eq!(last.stop_reason, StopReason::Error);
    assert_eq!(
        last.error_message.as_deref(),
        Some("No API key for provider: test-anthropic-messages")
    );
    assert_eq!(agent.state().error_message, last.error_message);
    assert!(recorder.outline().ends_with(&[
        "message_start:assistant".into(),
        "message_end:assistant".into(),
        "turn_end".into(),
        "agent_end".into()
    ]));
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn prompt_and_tool_changes_are_declared_with_system_messages() {
    let ran = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&seen);
    let faux = FauxProvider::new([
        FauxResponse::dynamic(move |context, _| {
            sink.lock()
                .unwrap()
                .push(serde_json::to_value(&context.messages).unwrap());
            FauxResponse::text("one")
        }),
        FauxResponse::text("two"),
    ]);
    let mut options = agent_with(&faux, vec![echo(Arc::clone(&ran))]);
    options.system_prompt = Some("You are terse.".into());
    let agent = Agent::new(options);
    assert_eq!(agent.state().system_prompt(), "You are terse.");
    agent.prompt("first").await.unwrap();
    // The leading system message carried prompt and tools: nothing new was declared.
    let first = seen.lock().unwrap()[0].clone();
    assert_eq!(first[0]["role"], "system");
    assert_eq!(first[0]["content"], "You are terse.");
    assert_eq!(first[0]["toolsAdded"][0]["name"], "echo");
    assert_eq!(first.as_array().unwrap().len(), 2);

    // Swap the tools: the next prompt is preceded by a system message with the difference.
    let noop = FnTool::new(
        "noop",
        "Does nothing",
        json!({"type": "object"}),
        |_| async { Ok(AgentToolResult::text("")) },
    );
    agent.set_tools(vec![Arc::new(noop)]);
    agent.prompt("second").await.unwrap();
    let messages = agent.state().messages.clone();
    let declared = messages
        .iter()
        .rev()
        .find(|m| m.role() == "system")
        .unwrap();
    let value = serde_json::to_value(declared).unwrap();
    assert_eq!(value["toolsAdded"][0]["name"], "noop");
    assert_eq!(value["toolsRemoved"], json!([{"name": "echo"}]));
    let roles: Vec<&str> = messages.iter().map(AgentMessage::role).collect();
    assert_eq!(
        roles,
        ["system", "user", "assistant", "system", "user", "assistant"]
    );

    // reset keeps the replayed prompt and tools.
    agent.steer(UserMessage::text("queued"));
    agent.reset().unwrap();
    let state = agent.state();
    assert_eq!(state.messages.len(), 1);
    let value = serde_json::to_value(&state.messages[0]).unwrap();
    assert_eq!(value["content"], "You are terse.");
    assert_eq!(value["toolsAdded"][0]["name"], "noop");
    drop(state);
    assert!(!agent.has_queued_messages());
}

#[tokio::test]
async fn images_ride_along_with_a_text_prompt() {
    let seen = Arc::new(Mutex::new(serde_json::Value::Null));
    let sink = Arc::clone(&seen);
    let faux = FauxProvider::new([FauxResponse::dynamic(move |context, _| {
        *sink.lock().unwrap() = serde_json::to_value(&context.messages[0]).unwrap();
        FauxResponse::text("a red dot")
    })]);
    let agent = Agent::new(agent_with(&faux, Vec::new()));
    let image = pi_ai::ImageContent::new("iVBORw0KGgo=", "image/png");
    agent
        .prompt(pi_agent_core::Prompt::Text {
            text: "What is this?".into(),
            images: vec![image],
        })
        .await
        .unwrap();
    let user = seen.lock().unwrap().clone();
    assert_eq!(
        user["content"][0],
        json!({"type": "text", "text": "What is this?"})
    );
    assert_eq!(user["content"][1]["type"], "image");
}

#[tokio::test]
async fn wait_for_idle_returns_when_the_run_ends() {
    let gate = Arc::new(Notify::new());
    let hold = Arc::clone(&gate);
    let blocker = FnTool::new("block", "Blocks", json!({"type": "object"}), move |_| {
        let hold = Arc::clone(&hold);
        async move {
            hold.notified().await;
            Ok(AgentToolResult::text("released"))
        }
    });
    let faux = FauxProvider::new([
        calls(&[("b", "block", json!({}))]),
        FauxResponse::text("done"),
    ]);
    let agent = Agent::new(agent_with(&faux, vec![Arc::new(blocker)]));
    let running = {
        let agent = agent.clone();
        tokio::spawn(async move { agent.prompt("go").await })
    };
    while agent.state().pending_tool_calls.is_empty() {
        tokio::task::yield_now().await;
    }
    assert!(agent.state().pending_tool_calls.contains("b"));
    gate.notify_one();
    agent.wait_for_idle().await;
    assert!(!agent.state().is_streaming);
    assert!(agent.state().pending_tool_calls.is_empty());
    running.await.unwrap().unwrap();
}

#[tokio::test]
async fn queues_clear_and_listeners_unsubscribe() {
    let faux = FauxProvider::new([FauxResponse::text("one"), FauxResponse::text("two")]);
    let agent = Agent::new(agent_with(&faux, Vec::new()));
    agent.steer(UserMessage::text("steer"));
    agent.follow_up(UserMessage::text("later"));
    agent.clear_steering_queue();
    assert_eq!(agent.peek_queued_messages().len(), 1);
    agent.clear_follow_up_queue();
    assert!(!agent.has_queued_messages());
    agent.steer(UserMessage::text("steer"));
    agent.follow_up(UserMessage::text("later"));
    agent.clear_all_queues();
    assert!(!agent.has_queued_messages());

    let first = Recorder::default();
    let second = Recorder::default();
    first.attach(&agent);
    let subscription = second.attach(&agent);
    agent.prompt("one").await.unwrap();
    agent.unsubscribe(subscription);
    let heard = second.json().len();
    agent.prompt("two").await.unwrap();
    assert_eq!(
        second.json().len(),
        heard,
        "an unsubscribed listener hears nothing more"
    );
    assert_eq!(
        first.events().iter().filter(|e| *e == "agent_end").count(),
        2
    );
    assert_eq!(user_texts(&agent), ["one", "two"]);
}

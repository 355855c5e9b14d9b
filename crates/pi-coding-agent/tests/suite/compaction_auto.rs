//! Automatic compaction in a session: after a run and between turns when the context passes
//! the threshold, recovery of an overflowing or truncated request (once per prompt), and the
//! guard that keeps compaction from looping.

use pi_ai::testing::{Fault, ScriptedStop, ScriptedUsage, Turn};
use serde_json::{Value, json};

use super::compaction_support::{Harness, Setup, kinds};

const OVERFLOW: &str =
    "Your input exceeds the context window of this model. Please adjust your input and try again.";

fn overflow() -> Turn {
    Turn::fault(Fault::Http {
        status: 400,
        retry_after: None,
        message: Some(OVERFLOW.into()),
    })
}

fn usage(input: u64) -> ScriptedUsage {
    ScriptedUsage {
        input,
        output: 10,
        ..ScriptedUsage::default()
    }
}

fn settings(value: Value) -> Setup {
    Setup {
        settings: value,
        ..Setup::default()
    }
}

fn compaction_events(h: &Harness) -> Vec<Value> {
    h.events_of(&["compaction_start", "compaction_end"])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_overflow_is_hidden_compacted_and_retried_once() {
    let h = Harness::new(
        settings(json!({"compaction": {"keepRecentTokens": 1}})),
        |_| {},
    )
    .await;
    h.push(Turn::text("First answer."));
    h.prompt("first prompt").await;
    h.clear_events();
    h.push(overflow());
    h.push(Turn::text("## Goal\nHistory summary."));
    h.push(Turn::text("## Original Request\nThe second prompt."));
    h.push(Turn::text("Recovered answer."));
    h.prompt("second prompt").await;

    // The same steps as the reference (fixtures/compaction/overflow-recovery.events.jsonl).
    assert_eq!(
        h.event_types(),
        [
            "agent_start",
            "turn_start",
            "message_start",
            "message_end",
            "message_start",
            "message_end",
            "turn_end",
            "agent_end",
            "entry_appended",
            "compaction_start",
            "compaction_end",
            "agent_start",
            "turn_start",
            "message_start",
            "message_end",
            "turn_end",
            "agent_end",
            "agent_settled"
        ]
    );
    let entries = h.file_entries();
    assert_eq!(
        kinds(&entries),
        [
            "session",
            "model_change",
            "thinking_level_change",
            "message:system",
            "message:user",
            "message:assistant",
            "message:user",
            "message:assistant",
            "context_edit",
            "compaction",
            "message:assistant"
        ]
    );
    let failed = &entries[7];
    assert_eq!(failed["message"]["stopReason"], "error");
    // The failed attempt stays in the file, hidden from the model by the edit.
    assert_eq!(entries[8]["targetId"], failed["id"]);
    assert_eq!(entries[8]["replacement"], Value::Null);
    let appended = &h.events_of(&["entry_appended"])[0];
    assert_eq!(appended["entry"], entries[8]);
    // The cut moved past the hidden attempt: the turn's prompt is summarized on its own.
    let compaction = &entries[9];
    assert_eq!(compaction["firstKeptEntryId"], failed["id"]);
    assert_eq!(
        compaction["summary"],
        "## Goal\nHistory summary.\n\n---\n\n**Turn Context (split turn):**\n\n## Original Request\nThe second prompt."
    );
    let events = compaction_events(&h);
    assert_eq!(
        events[0],
        json!({"type": "compaction_start", "reason": "overflow"})
    );
    assert_eq!(events[1]["reason"], "overflow");
    assert_eq!(events[1]["willRetry"], true);
    assert_eq!(events[1]["aborted"], false);
    assert_eq!(events[1]["result"]["firstKeptEntryId"], failed["id"]);

    let requests = h.requests();
    assert_eq!(requests.len(), 5);
    let history = Harness::last_user_text(&requests[2]);
    assert!(
        history.starts_with(
            "<conversation>\n[User]: first prompt\n\n[Assistant]: First answer.\n</conversation>"
        ),
        "{history}"
    );
    assert_eq!(requests[2].body["max_completion_tokens"], 13107);
    let prefix = Harness::last_user_text(&requests[3]);
    assert!(
        prefix.starts_with("# Conversation\n[User]: second prompt\n\n# Instructions\nThe messages above are earlier context"),
        "{prefix}"
    );
    assert!(prefix.ends_with("Do not infer or recreate later messages."));
    assert_eq!(requests[3].body["max_completion_tokens"], 8192);
    // The retry: the prompt and the summary, without the failed attempt.
    let retry = requests[4].body["messages"].as_array().unwrap();
    assert_eq!(retry.len(), 2, "{retry:?}");
    assert!(Harness::last_user_text(&requests[4]).starts_with(
        "The conversation history before this point was compacted into the following summary:"
    ));
    assert!(requests[4].body.get("tools").is_some());
    let last = h.session.messages();
    assert_eq!(
        last.last().unwrap().as_assistant().unwrap().text(),
        "Recovered answer."
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_overflow_in_the_same_prompt_stops_with_pi_message() {
    let h = Harness::new(
        settings(json!({"compaction": {"keepRecentTokens": 1}})),
        |_| {},
    )
    .await;
    h.push(Turn::text("First answer."));
    h.prompt("first prompt").await;
    h.clear_events();
    h.push(overflow());
    h.push(Turn::text("## Goal\nHistory summary."));
    h.push(Turn::text("## Original Request\nThe second prompt."));
    h.push(overflow());
    h.prompt("second prompt").await;
    let events = compaction_events(&h);
    assert_eq!(events.len(), 3, "{events:?}");
    assert_eq!(
        events[2],
        json!({
            "type": "compaction_end",
            "reason": "overflow",
            "aborted": false,
            "willRetry": false,
            "errorMessage": "Context overflow recovery failed after one compact-and-retry attempt. Try reducing context or switching to a larger-context model."
        })
    );
    assert_eq!(h.requests().len(), 5, "no further request");
    let types = h.event_types();
    assert_eq!(types.last().unwrap(), "agent_settled");

    // Before the next prompt the unrecovered overflow is reported once more (as pi does), and
    // the prompt goes out without compacting.
    h.clear_events();
    h.push(Turn::text("Fine now."));
    h.prompt("third prompt").await;
    let events = compaction_events(&h);
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0]["type"], "compaction_end");
    assert_eq!(h.requests().len(), 6);
    let last = h.session.messages();
    assert_eq!(
        last.last().unwrap().as_assistant().unwrap().text(),
        "Fine now."
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_truncated_response_is_recovered_once() {
    let h = Harness::new(
        settings(json!({"compaction": {"keepRecentTokens": 1}})),
        |_| {},
    )
    .await;
    h.push(Turn::text("First answer."));
    h.prompt("first prompt").await;
    h.clear_events();
    // Cut short well below the model's 16,384 output tokens.
    h.push(
        Turn::text("Partial")
            .with_stop(ScriptedStop::Length)
            .with_usage(usage(100)),
    );
    h.push(Turn::text("## Goal\nHistory summary."));
    h.push(Turn::text("## Original Request\nThe second prompt."));
    h.push(
        Turn::text("Partial again")
            .with_stop(ScriptedStop::Length)
            .with_usage(usage(100)),
    );
    h.prompt("second prompt").await;
    let events = compaction_events(&h);
    assert_eq!(events.len(), 3, "{events:?}");
    assert_eq!(events[1]["willRetry"], true);
    assert_eq!(
        events[2]["errorMessage"],
        "Truncated response recovery failed after one compact-and-retry attempt."
    );
    let entries = h.file_entries();
    let edits = entries
        .iter()
        .filter(|e| e["type"] == "context_edit")
        .count();
    assert_eq!(edits, 1);
}

/// A 1,000-token window with a 200-token reserve: compaction past 800 tokens.
fn small_window(model: &mut pi_ai::Model) {
    model.context_window = 1000;
}

fn threshold_settings() -> Setup {
    settings(json!({"compaction": {"reserveTokens": 200, "keepRecentTokens": 1}}))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_context_past_the_threshold_is_compacted_after_the_run() {
    let h = Harness::new(threshold_settings(), small_window).await;
    h.push(Turn::text("First answer.").with_usage(usage(300)));
    h.prompt("first prompt").await;
    assert!(compaction_events(&h).is_empty());
    h.clear_events();
    h.push(Turn::text("Second answer.").with_usage(usage(850)));
    h.push(Turn::text("## Goal\nHistory."));
    h.push(Turn::text("## Original Request\nSecond."));
    h.prompt("second prompt").await;
    let types = h.event_types();
    let settled = types.len() - 1;
    assert_eq!(
        types[settled - 3..],
        [
            "agent_end",
            "compaction_start",
            "compaction_end",
            "agent_settled"
        ]
    );
    let events = compaction_events(&h);
    assert_eq!(events[0]["reason"], "threshold");
    assert_eq!(events[1]["willRetry"], false);
    assert!(events[1].get("errorMessage").is_none(), "{:?}", events[1]);
    // Nothing is retried: the answer stands, after the summary.
    assert_eq!(h.requests().len(), 4);
    let roles: Vec<String> = h
        .session
        .messages()
        .iter()
        .map(|m| m.role().to_string())
        .collect();
    assert_eq!(roles, ["system", "compactionSummary", "assistant"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_context_growing_past_the_threshold_between_turns_is_compacted_there() {
    // A 10,000-token window, compacting past 8,000. The run's prompt (4 tokens), the call
    // (8) and its result (3) make the 13 tokens kept.
    let h = Harness::new(
        settings(json!({"compaction": {"reserveTokens": 2000, "keepRecentTokens": 13}})),
        |model| model.context_window = 10_000,
    )
    .await;
    h.push(Turn::text("First answer.").with_usage(usage(100)));
    h.prompt("first prompt").await;
    h.clear_events();
    h.push(
        Turn::text("Reading.")
            .with_tool_call("read", json!({"path": "notes.txt"}))
            .with_usage(usage(9000)),
    );
    h.push(Turn::text("## Goal\nHistory."));
    h.push(Turn::text("Done reading.").with_usage(usage(3000)));
    h.prompt("read the notes").await;
    let types = h.event_types();
    let start = types.iter().position(|t| t == "compaction_start").unwrap();
    assert_eq!(types[start - 2..start], ["message_end", "turn_end"]);
    assert_eq!(
        types[start + 1..start + 3],
        ["compaction_end", "turn_start"]
    );
    assert_eq!(compaction_events(&h).len(), 2);
    // The next request of the run carries the summary and the kept tool call.
    let requests = h.requests();
    assert_eq!(requests.len(), 4);
    let messages = requests[3].body["messages"].as_array().unwrap();
    let text = serde_json::to_string(messages).unwrap();
    assert!(
        text.contains("compacted into the following summary"),
        "{text}"
    );
    assert!(!text.contains("first prompt"), "{text}");
    assert!(text.contains("some notes"), "{text}");
    let entries = h.file_entries();
    let compaction_at = entries
        .iter()
        .position(|e| e["type"] == "compaction")
        .unwrap();
    assert_eq!(
        kinds(&entries[compaction_at - 2..]),
        [
            "message:assistant",
            "message:toolResult",
            "compaction",
            "message:assistant"
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_compaction_that_does_not_help_is_not_repeated() {
    // A summary of 1,000 tokens alone is over the 800-token threshold.
    let h = Harness::new(
        settings(json!({"compaction": {"reserveTokens": 200, "keepRecentTokens": 13}})),
        small_window,
    )
    .await;
    h.push(Turn::text("First answer.").with_usage(usage(50)));
    h.prompt("first prompt").await;
    h.clear_events();
    let long_summary = format!("## Goal\n{}", "x".repeat(4000));
    let read = || {
        Turn::default()
            .with_tool_call("read", json!({"path": "notes.txt"}))
            .with_usage(usage(900))
    };
    h.push(read());
    h.push(Turn::text(long_summary.clone()));
    h.push(read());
    h.push(read());
    h.push(Turn::text("Done.").with_usage(usage(900)));
    h.prompt("read three times").await;
    let events = compaction_events(&h);
    // One compaction between turns; it could not get under the threshold, so no more
    // (neither between the later turns nor after the run).
    assert_eq!(events.len(), 2, "{events:?}");
    assert_eq!(events[0]["reason"], "threshold");
    assert!(events[1]["result"].is_object(), "{:?}", events[1]);
    assert_eq!(events[1]["willRetry"], false);
    let message = events[1]["errorMessage"].as_str().unwrap();
    assert!(
        message.starts_with("Compaction left the context above the automatic compaction threshold"),
        "{message}"
    );
    assert!(message.contains("of 800 tokens"), "{message}");
    assert!(message.contains("automatic compaction stops until the next prompt"));
    assert_eq!(h.requests().len(), 6);
    let entries = h.file_entries();
    assert_eq!(
        entries.iter().filter(|e| e["type"] == "compaction").count(),
        1
    );

    // A new prompt may try once more (before it is sent), and stops again.
    h.clear_events();
    h.push(Turn::text("## Original Request\nread."));
    h.push(Turn::text("Again.").with_usage(usage(900)));
    h.prompt("once more").await;
    let events = compaction_events(&h);
    assert_eq!(events.len(), 2, "{events:?}");
    assert!(events[1]["errorMessage"].is_string());
    assert_eq!(h.requests().len(), 8);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_summarizer_stops_automatic_compaction_for_the_prompt() {
    let h = Harness::new(
        settings(json!({"compaction": {"reserveTokens": 200, "keepRecentTokens": 13}})),
        small_window,
    )
    .await;
    h.push(Turn::text("First answer.").with_usage(usage(50)));
    h.prompt("first prompt").await;
    h.clear_events();
    let read = || {
        Turn::default()
            .with_tool_call("read", json!({"path": "notes.txt"}))
            .with_usage(usage(900))
    };
    h.push(read());
    h.push(Turn::fault(Fault::Http {
        status: 400,
        retry_after: None,
        message: Some("summaries are broken".into()),
    }));
    h.push(read());
    h.push(read());
    h.push(Turn::text("Done.").with_usage(usage(900)));
    h.prompt("read three times").await;
    let events = compaction_events(&h);
    assert_eq!(events.len(), 2, "{events:?}");
    let message = events[1]["errorMessage"].as_str().unwrap();
    assert!(
        message.starts_with("Auto-compaction failed: Summarization failed: 400"),
        "{message}"
    );
    assert!(events[1].get("result").is_none());
    // Every turn of the run still ran: one summary request only.
    assert_eq!(h.requests().len(), 1 + 1 + 1 + 3);
    assert!(h.file_entries().iter().all(|e| e["type"] != "compaction"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn automatic_compaction_can_be_switched_off() {
    let h = Harness::new(threshold_settings(), small_window).await;
    assert!(h.session.auto_compaction_enabled());
    h.session.set_auto_compaction(false);
    assert!(!h.session.auto_compaction_enabled());
    h.push(Turn::text("First answer.").with_usage(usage(950)));
    h.prompt("first prompt").await;
    h.push(Turn::text("Second answer.").with_usage(usage(990)));
    h.prompt("second prompt").await;
    assert!(compaction_events(&h).is_empty());

    // Switched on again, the next prompt compacts before it is sent.
    h.session.set_auto_compaction(true);
    h.clear_events();
    h.push(Turn::text("## Goal\nHistory."));
    h.push(Turn::text("## Original Request\nSecond."));
    h.push(Turn::text("Third answer.").with_usage(usage(100)));
    h.prompt("third prompt").await;
    let types = h.event_types();
    assert_eq!(
        types[..3],
        ["compaction_start", "compaction_end", "agent_start"]
    );
    let last = h.requests();
    let text = serde_json::to_string(&last.last().unwrap().body["messages"]).unwrap();
    assert!(
        text.contains("compacted into the following summary"),
        "{text}"
    );
    assert!(text.contains("third prompt"));
}

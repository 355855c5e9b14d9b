//! pi's compaction suite (`compaction.test.ts`) on our session: usage and estimates, the cut
//! point, repeated compactions, the large legacy session; plus the 0.87.1 rules for recovery
//! attempts hidden by context edits.

use std::path::Path;

use pi_agent_core::AgentMessage;
use pi_ai::{AssistantContent, AssistantMessage, StopReason, TextContent, Usage, UserMessage};
use pi_coding_agent::compaction::{
    estimate_context_tokens, find_cut_point, last_assistant_usage, prepare_compaction,
};
use pi_coding_agent::config::settings::CompactionSettings;
use pi_coding_agent::session::{SessionManager, SessionProjection};
use serde_json::{Value, json};

use super::session_support::{fixtures, json_lines};

fn usage(input: u64, output: u64, cache_read: u64, cache_write: u64) -> Usage {
    Usage {
        input,
        output,
        cache_read,
        cache_write,
        total_tokens: input + output + cache_read + cache_write,
        ..Usage::default()
    }
}

fn user(text: &str) -> AgentMessage {
    UserMessage::text(text).into()
}

fn assistant_with(text: &str, usage: Usage, stop: StopReason) -> AgentMessage {
    let mut message =
        AssistantMessage::empty("anthropic-messages", "anthropic", "claude-sonnet-4-5");
    message.content = vec![AssistantContent::Text(TextContent::new(text))];
    message.usage = usage;
    message.stop_reason = stop;
    message.into()
}

fn assistant(text: &str, usage: Usage) -> AgentMessage {
    assistant_with(text, usage, StopReason::Stop)
}

/// Builds entries with ids `e0`, `e1`, ... chained by parent.
struct Entries(Vec<Value>);

impl Entries {
    fn new() -> Self {
        Entries(Vec::new())
    }

    fn next_ids(&self) -> (String, Value) {
        let id = format!("e{}", self.0.len());
        let parent = self
            .0
            .last()
            .map_or(Value::Null, |entry| entry["id"].clone());
        (id, parent)
    }

    fn message(&mut self, message: AgentMessage) -> String {
        let (id, parent) = self.next_ids();
        self.0.push(json!({
            "type": "message", "id": id, "parentId": parent,
            "timestamp": "2025-01-01T00:00:00.000Z", "message": message,
        }));
        id
    }

    fn compaction(&mut self, summary: &str, first_kept: &str) -> String {
        let (id, parent) = self.next_ids();
        self.0.push(json!({
            "type": "compaction", "id": id, "parentId": parent,
            "timestamp": "2025-01-01T00:00:01.000Z", "summary": summary,
            "firstKeptEntryId": first_kept, "tokensBefore": 10000,
        }));
        id
    }

    fn entry(&mut self, kind: &str, fields: Value) -> String {
        let (id, parent) = self.next_ids();
        let mut entry = json!({"type": kind, "id": id, "parentId": parent, "timestamp": "2025-01-01T00:00:00.000Z"});
        entry
            .as_object_mut()
            .unwrap()
            .extend(fields.as_object().unwrap().clone());
        self.0.push(entry);
        id
    }

    fn session(&self) -> SessionManager {
        SessionManager::in_memory_with_entries(Path::new("/p"), self.0.clone()).unwrap()
    }
}

fn settings(keep_recent_tokens: u64) -> CompactionSettings {
    CompactionSettings {
        enabled: true,
        reserve_tokens: 16384,
        keep_recent_tokens,
    }
}

fn projection(session: &SessionManager) -> SessionProjection {
    session.build_session_projection().unwrap()
}

/// The text of user, assistant and summary messages, one per line.
fn text_of(messages: &[AgentMessage]) -> String {
    messages
        .iter()
        .map(|message| match message {
            AgentMessage::Llm(pi_ai::Message::User(user)) => user.content.text(" "),
            AgentMessage::Llm(pi_ai::Message::Assistant(assistant)) => assistant.text(),
            AgentMessage::Custom(custom) => custom.fields["summary"].as_str().unwrap_or("").into(),
            _ => String::new(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn the_last_usable_usage_skips_aborted_responses() {
    let mut entries = Entries::new();
    entries.message(user("Hello"));
    entries.message(assistant("Hi", usage(100, 50, 0, 0)));
    entries.message(user("How are you?"));
    entries.message(assistant_with(
        "Aborted",
        usage(300, 150, 0, 0),
        StopReason::Aborted,
    ));
    let session = entries.session();
    let list = session.entries().unwrap();
    assert_eq!(last_assistant_usage(&list).unwrap().input, 100);
    assert!(last_assistant_usage(&list[..1]).is_none());
    let context = session.build_session_context().unwrap();
    assert_eq!(estimate_context_tokens(&context.messages).usage_tokens, 150);
}

#[test]
fn the_cut_lands_on_a_user_or_assistant_message() {
    let mut entries = Entries::new();
    for i in 0..10 {
        entries.message(user(&format!("User {i}")));
        entries.message(assistant(
            &format!("Assistant {i}"),
            usage(0, 100, (i + 1) * 1000, 0),
        ));
    }
    let session = entries.session();
    let projected = projection(&session);
    let cut = find_cut_point(&projected.entries, 0, projected.entries.len(), 25);
    let role = projected.entries[cut.first_kept_entry_index].messages[0].role();
    assert!(role == "user" || role == "assistant");
    // Walking back: "Assistant 9" is 3 tokens, "User 9" 2, ... 25 is reached at "User 5".
    assert_eq!(cut.first_kept_entry_index, 10);
    assert!(!cut.is_split_turn);
}

#[test]
fn without_a_valid_cut_point_the_start_is_kept() {
    let mut entries = Entries::new();
    entries.entry("model_change", json!({"provider": "p", "modelId": "m"}));
    let session = entries.session();
    let projected = projection(&session);
    let cut = find_cut_point(&projected.entries, 0, projected.entries.len(), 1000);
    assert_eq!(cut.first_kept_entry_index, 0);
    assert!(
        prepare_compaction(&session, settings(1000))
            .unwrap()
            .is_none()
    );
}

#[test]
fn everything_is_kept_when_it_fits() {
    let mut entries = Entries::new();
    entries.message(user("1"));
    entries.message(assistant("a", usage(0, 50, 500, 0)));
    entries.message(user("2"));
    entries.message(assistant("b", usage(0, 50, 1000, 0)));
    let session = entries.session();
    let projected = projection(&session);
    let cut = find_cut_point(&projected.entries, 0, 4, 50_000);
    assert_eq!(cut.first_kept_entry_index, 0);
    // Nothing before the kept part: nothing to compact.
    assert!(
        prepare_compaction(&session, settings(50_000))
            .unwrap()
            .is_none()
    );
}

#[test]
fn a_cut_inside_a_turn_splits_it() {
    let mut entries = Entries::new();
    entries.message(user("Turn 1"));
    entries.message(assistant("A1", usage(0, 100, 1000, 0)));
    entries.message(user("Turn 2"));
    entries.message(assistant(&"x".repeat(40), usage(0, 100, 5000, 0)));
    entries.message(assistant(&"y".repeat(40), usage(0, 100, 8000, 0)));
    entries.message(assistant(&"z".repeat(40), usage(0, 100, 10000, 0)));
    let session = entries.session();
    let projected = projection(&session);
    let cut = find_cut_point(&projected.entries, 0, 6, 15);
    assert_eq!(cut.first_kept_entry_index, 4);
    assert!(cut.is_split_turn);
    assert_eq!(cut.turn_start_index, Some(2));
    let preparation = prepare_compaction(&session, settings(15)).unwrap().unwrap();
    assert!(preparation.is_split_turn);
    assert_eq!(text_of(&preparation.messages_to_summarize), "Turn 1\nA1");
    assert_eq!(
        text_of(&preparation.turn_prefix_messages),
        format!("Turn 2\n{}", "x".repeat(40))
    );
}

#[test]
fn metadata_before_the_cut_stays_with_it() {
    let mut entries = Entries::new();
    entries.message(user("one"));
    entries.message(assistant("first answer", usage(10, 10, 0, 0)));
    let model_change = entries.entry("model_change", json!({"provider": "p", "modelId": "m2"}));
    entries.entry("thinking_level_change", json!({"thinkingLevel": "high"}));
    entries.message(user("two"));
    entries.message(assistant("second answer", usage(10, 10, 0, 0)));
    let session = entries.session();
    let preparation = prepare_compaction(&session, settings(5)).unwrap().unwrap();
    assert_eq!(preparation.first_kept_entry_id, model_change);
    // A cut at metadata does not start a turn, so (as in pi) the exchange before it counts
    // as the start of a split turn.
    assert!(preparation.is_split_turn);
    assert!(preparation.messages_to_summarize.is_empty());
    assert_eq!(
        text_of(&preparation.turn_prefix_messages),
        "one\nfirst answer"
    );
}

#[test]
fn kept_messages_survive_a_second_compaction_while_they_fit() {
    let mut entries = Entries::new();
    entries.message(user("user msg 1 (summarized by compaction1)"));
    entries.message(assistant("assistant msg 1", usage(100, 50, 0, 0)));
    let u2 = entries.message(user("user msg 2 - kept by compaction1"));
    entries.message(assistant("assistant msg 2", usage(100, 50, 0, 0)));
    entries.message(user("user msg 3 - kept by compaction1"));
    entries.message(assistant("assistant msg 3", usage(5000, 1000, 0, 0)));
    entries.compaction("First summary", &u2);
    entries.message(user("user msg 4 (new after compaction1)"));
    entries.message(assistant("assistant msg 4", usage(8000, 2000, 0, 0)));
    let session = entries.session();
    let context = session.build_session_context().unwrap();
    let preparation = prepare_compaction(&session, settings(20_000)).unwrap();
    // Everything fits: nothing after the previous checkpoint needs summarizing.
    assert!(preparation.is_none());
    assert!(text_of(&context.messages).contains("user msg 2 - kept by compaction1"));
}

#[test]
fn kept_messages_are_summarized_again_when_the_window_moves_past_them() {
    let mut entries = Entries::new();
    entries.message(user(&"user msg 1 (summarized by compaction1)".repeat(4)));
    entries.message(assistant(
        &"assistant msg 1".repeat(4),
        usage(100, 50, 0, 0),
    ));
    let u2 = entries.message(user(&"user msg 2 - kept by compaction1 ".repeat(12)));
    entries.message(assistant(
        &"assistant msg 2 ".repeat(12),
        usage(100, 50, 0, 0),
    ));
    entries.message(user(&"user msg 3 - kept by compaction1 ".repeat(12)));
    entries.message(assistant(
        &"assistant msg 3 ".repeat(12),
        usage(5000, 1000, 0, 0),
    ));
    entries.compaction("First summary", &u2);
    entries.message(user(&"user msg 4 (new after compaction1) ".repeat(12)));
    entries.message(assistant(
        &"assistant msg 4 ".repeat(12),
        usage(8000, 2000, 0, 0),
    ));
    let session = entries.session();
    let preparation = prepare_compaction(&session, settings(100))
        .unwrap()
        .unwrap();
    let summarized = text_of(&preparation.messages_to_summarize);
    assert!(summarized.contains("user msg 2 - kept by compaction1"));
    assert!(summarized.contains("user msg 3 - kept by compaction1"));
    assert!(!summarized.contains("First summary"));
    assert!(!summarized.contains("summarized by compaction1"));
    assert_eq!(
        preparation.previous_summary.as_deref(),
        Some("First summary")
    );
}

#[test]
fn the_branch_ending_in_a_compaction_is_already_compacted() {
    let mut entries = Entries::new();
    let u1 = entries.message(user("one"));
    entries.message(assistant("answer", usage(10, 10, 0, 0)));
    entries.compaction("S", &u1);
    assert!(
        prepare_compaction(&entries.session(), settings(1))
            .unwrap()
            .is_none()
    );
}

#[test]
fn a_hidden_recovery_attempt_lets_the_cut_pass_its_input() {
    let mut entries = Entries::new();
    entries.message(user("first"));
    entries.message(assistant("first answer", usage(10, 10, 0, 0)));
    let prompt = entries.message(user(&"a large prompt ".repeat(20)));
    let mut failed =
        AssistantMessage::empty("anthropic-messages", "anthropic", "claude-sonnet-4-5");
    failed.stop_reason = StopReason::Error;
    failed.error_message = Some("prompt is too long".into());
    let attempt = entries.message(failed.into());
    entries.entry(
        "context_edit",
        json!({"targetId": attempt, "replacement": null}),
    );
    let session = entries.session();
    let preparation = prepare_compaction(&session, settings(10)).unwrap().unwrap();
    // The kept part starts at the hidden attempt: the prompt itself is summarized, as the
    // start of a split turn.
    assert_eq!(preparation.first_kept_entry_id, attempt);
    assert!(preparation.is_split_turn);
    assert_eq!(
        text_of(&preparation.messages_to_summarize),
        "first\nfirst answer"
    );
    assert_eq!(
        text_of(&preparation.turn_prefix_messages),
        "a large prompt ".repeat(20)
    );
    assert!(preparation.kept_messages.is_empty());

    // A replacement of the prompt means the attempt answered other input: no move.
    let mut entries = Entries(session_values(&session));
    entries.entry(
        "context_edit",
        json!({"targetId": prompt, "replacement": {"content": "shorter"}}),
    );
    let preparation = prepare_compaction(&entries.session(), settings(1))
        .unwrap()
        .unwrap();
    assert_eq!(preparation.first_kept_entry_id, prompt);
}

fn session_values(session: &SessionManager) -> Vec<Value> {
    session
        .entries()
        .unwrap()
        .iter()
        .map(|e| e.to_value())
        .collect()
}

#[test]
fn the_large_legacy_session_compacts_at_a_message() {
    let lines = json_lines(&fixtures().join("sessions-v1-migrated/large-session.jsonl"));
    let session = SessionManager::in_memory_with_entries(Path::new("/p"), lines).unwrap();
    let context = session.build_session_context().unwrap();
    assert!(context.messages.len() > 100);
    assert!(context.model.is_some());
    let preparation = prepare_compaction(&session, settings(20_000))
        .unwrap()
        .unwrap();
    let kept = session
        .entry(&preparation.first_kept_entry_id)
        .unwrap()
        .unwrap();
    let role = kept.message().unwrap().role();
    assert!(role == "user" || role == "assistant", "{role}");
    assert!(preparation.tokens_before > 20_000);
    assert!(preparation.messages_to_summarize.len() > 100);

    // With the compaction appended, the context is the summary and the kept part.
    let mut values: Vec<Value> = session_values(&session);
    let last = values.last().unwrap()["id"].clone();
    values.push(json!({
        "type": "compaction", "id": "compaction-test-id", "parentId": last,
        "timestamp": "2025-12-31T00:00:00.000Z", "summary": "The summary.",
        "firstKeptEntryId": preparation.first_kept_entry_id, "tokensBefore": preparation.tokens_before,
    }));
    let compacted = SessionManager::in_memory_with_entries(Path::new("/p"), values).unwrap();
    let reloaded = compacted.build_session_context().unwrap();
    assert!(reloaded.messages.len() < context.messages.len());
    assert_eq!(reloaded.messages[0].role(), "compactionSummary");
    assert_eq!(reloaded.messages.len(), 1 + preparation.kept_messages.len());
}

//! Building the model's context from a session (ported from pi's build-context suite), with
//! 0.87's system messages in compactions and context edits.

use std::path::Path;

use pi_coding_agent::messages::convert_to_llm;
use pi_coding_agent::session::{ModelRef, SessionContext, SessionManager};
use serde_json::{Value, json};

use super::session_support::{assistant, memory, text_of, user};

const TS: &str = "2025-01-01T00:00:00Z";

fn msg(id: &str, parent: Option<&str>, role: &str, text: &str) -> Value {
    let message = if role == "user" {
        json!({"role": "user", "content": text, "timestamp": 1})
    } else {
        json!({
            "role": "assistant", "content": [{"type": "text", "text": text}],
            "api": "anthropic-messages", "provider": "anthropic", "model": "claude-test",
            "usage": {"input": 1, "output": 1, "cacheRead": 0, "cacheWrite": 0, "totalTokens": 2,
                      "cost": {"input": 0, "output": 0, "cacheRead": 0, "cacheWrite": 0, "total": 0}},
            "stopReason": "stop", "timestamp": 1
        })
    };
    json!({"type": "message", "id": id, "parentId": parent, "timestamp": TS, "message": message})
}

fn compaction(id: &str, parent: &str, summary: &str, first_kept: &str) -> Value {
    json!({"type": "compaction", "id": id, "parentId": parent, "timestamp": TS,
           "summary": summary, "firstKeptEntryId": first_kept, "tokensBefore": 1000})
}

fn branch_summary(id: &str, parent: &str, summary: &str, from: &str) -> Value {
    json!({"type": "branch_summary", "id": id, "parentId": parent, "timestamp": TS,
           "summary": summary, "fromId": from})
}

/// The context at `leaf` (the last entry when `None` or unknown).
fn context(entries: Vec<Value>, leaf: Option<&str>) -> SessionContext {
    let mut session =
        SessionManager::in_memory_with_entries(Path::new("/home/user/project"), entries).unwrap();
    if let Some(leaf) = leaf {
        let _ = session.branch(leaf);
    }
    session.build_session_context().unwrap()
}

fn texts(context: &SessionContext) -> Vec<String> {
    context.messages.iter().map(text_of).collect()
}

fn roles(context: &SessionContext) -> Vec<&str> {
    context.messages.iter().map(|m| m.role()).collect()
}

#[test]
fn trivial_sessions() {
    let empty = context(Vec::new(), None);
    assert!(empty.messages.is_empty());
    assert_eq!(empty.thinking_level, "off");
    assert_eq!(empty.model, None);

    let simple = context(
        vec![
            msg("1", None, "user", "hello"),
            msg("2", Some("1"), "assistant", "hi there"),
            msg("3", Some("2"), "user", "how are you"),
            msg("4", Some("3"), "assistant", "great"),
        ],
        None,
    );
    assert_eq!(roles(&simple), ["user", "assistant", "user", "assistant"]);
}

#[test]
fn hidden_custom_messages_are_still_context() {
    let ctx = context(
        vec![
            msg("1", None, "user", "hello"),
            json!({"type": "custom_message", "customType": "pi-inline-skill-snapshot",
                   "content": "hidden context", "display": false, "id": "2", "parentId": "1",
                   "timestamp": TS}),
            msg("3", Some("2"), "assistant", "hi"),
        ],
        Some("3"),
    );
    assert_eq!(roles(&ctx), ["user", "custom", "assistant"]);
    let custom = serde_json::to_value(&ctx.messages[1]).unwrap();
    assert_eq!(
        custom,
        json!({"role": "custom", "customType": "pi-inline-skill-snapshot",
               "content": "hidden context", "display": false, "timestamp": 1_735_689_600_000i64})
    );
    let llm = convert_to_llm(&ctx.messages);
    assert_eq!(
        serde_json::to_value(&llm[1]).unwrap()["content"],
        json!([{"type": "text", "text": "hidden context"}])
    );
}

#[test]
fn thinking_level_and_model_come_from_the_path() {
    let ctx = context(
        vec![
            msg("1", None, "user", "hello"),
            json!({"type": "thinking_level_change", "id": "2", "parentId": "1", "timestamp": TS,
                   "thinkingLevel": "high"}),
            msg("3", Some("2"), "assistant", "thinking hard"),
        ],
        None,
    );
    assert_eq!(ctx.thinking_level, "high");
    assert_eq!(ctx.messages.len(), 2);
    let anthropic = Some(ModelRef {
        provider: "anthropic".into(),
        model_id: "claude-test".into(),
    });
    assert_eq!(ctx.model, anthropic);

    let change = |parent: &str| {
        json!({"type": "model_change", "id": "2", "parentId": parent, "timestamp": TS,
               "provider": "openai", "modelId": "gpt-4"})
    };
    // A later assistant message overrides the change.
    let ctx = context(
        vec![
            msg("1", None, "user", "hello"),
            change("1"),
            msg("3", Some("2"), "assistant", "hi"),
        ],
        None,
    );
    assert_eq!(ctx.model, anthropic);
    let ctx = context(vec![msg("1", None, "user", "hello"), change("1")], None);
    assert_eq!(
        ctx.model,
        Some(ModelRef {
            provider: "openai".into(),
            model_id: "gpt-4".into()
        })
    );
}

#[test]
fn a_compaction_stands_in_for_what_it_summarized() {
    let ctx = context(
        vec![
            msg("1", None, "user", "first"),
            msg("2", Some("1"), "assistant", "response1"),
            msg("3", Some("2"), "user", "second"),
            msg("4", Some("3"), "assistant", "response2"),
            compaction("5", "4", "Summary of first two turns", "3"),
            msg("6", Some("5"), "user", "third"),
            msg("7", Some("6"), "assistant", "response3"),
        ],
        None,
    );
    assert_eq!(
        texts(&ctx),
        [
            "Summary of first two turns",
            "second",
            "response2",
            "third",
            "response3"
        ]
    );
    assert_eq!(ctx.messages[0].role(), "compactionSummary");
    let llm = convert_to_llm(&ctx.messages);
    assert_eq!(
        serde_json::to_value(&llm[0]).unwrap()["content"][0]["text"],
        "The conversation history before this point was compacted into the following summary:\n\n<summary>\nSummary of first two turns\n</summary>"
    );

    let ctx = context(
        vec![
            msg("1", None, "user", "first"),
            msg("2", Some("1"), "assistant", "response"),
            compaction("3", "2", "Empty summary", "1"),
            msg("4", Some("3"), "user", "second"),
        ],
        None,
    );
    assert_eq!(ctx.messages.len(), 4);

    // The latest compaction wins; the earlier one, inside its kept range, adds nothing.
    let ctx = context(
        vec![
            msg("1", None, "user", "a"),
            msg("2", Some("1"), "assistant", "b"),
            compaction("3", "2", "First summary", "1"),
            msg("4", Some("3"), "user", "c"),
            msg("5", Some("4"), "assistant", "d"),
            compaction("6", "5", "Second summary", "4"),
            msg("7", Some("6"), "user", "e"),
        ],
        None,
    );
    assert_eq!(texts(&ctx), ["Second summary", "c", "d", "e"]);

    // Retain-none: the compaction names itself.
    let ctx = context(
        vec![
            msg("1", None, "user", "a"),
            msg("2", Some("1"), "assistant", "b"),
            compaction("3", "2", "All of it", "3"),
            msg("4", Some("3"), "user", "c"),
        ],
        None,
    );
    assert_eq!(texts(&ctx), ["All of it", "c"]);
}

#[test]
fn compactions_carry_the_system_prompt_and_drop_older_system_messages() {
    let system = |id: &str, parent: Option<&str>, text: &str| {
        json!({"type": "message", "id": id, "parentId": parent, "timestamp": TS,
               "message": {"role": "system", "content": text, "timestamp": 1}})
    };
    let mut checkpoint = compaction("5", "4", "S", "3");
    checkpoint["systemMessage"] = json!({"role": "system", "content": "You help.", "timestamp": 9});
    let ctx = context(
        vec![
            system("1", None, "You help."),
            msg("2", Some("1"), "user", "q1"),
            system("3", Some("2"), "More rules."),
            msg("4", Some("3"), "assistant", "a1"),
            checkpoint,
            msg("6", Some("5"), "user", "q2"),
        ],
        None,
    );
    assert_eq!(
        roles(&ctx),
        ["system", "compactionSummary", "assistant", "user"]
    );
    assert_eq!(text_of(&ctx.messages[0]), "You help.");
}

#[test]
fn branches_and_branch_summaries() {
    let entries = vec![
        msg("1", None, "user", "start"),
        msg("2", Some("1"), "assistant", "response"),
        msg("3", Some("2"), "user", "branch A"),
        msg("4", Some("2"), "user", "branch B"),
    ];
    assert_eq!(texts(&context(entries.clone(), Some("3")))[2], "branch A");
    assert_eq!(texts(&context(entries, Some("4")))[2], "branch B");

    let ctx = context(
        vec![
            msg("1", None, "user", "start"),
            msg("2", Some("1"), "assistant", "response"),
            msg("3", Some("2"), "user", "abandoned path"),
            branch_summary("4", "2", "Summary of abandoned work", "3"),
            msg("5", Some("4"), "user", "new direction"),
        ],
        Some("5"),
    );
    assert_eq!(
        texts(&ctx),
        [
            "start",
            "response",
            "Summary of abandoned work",
            "new direction"
        ]
    );
    let llm = convert_to_llm(&ctx.messages);
    assert_eq!(
        serde_json::to_value(&llm[2]).unwrap()["content"][0]["text"],
        "The following is a summary of a branch that this conversation came back from:\n\n<summary>\nSummary of abandoned work</summary>"
    );

    // An empty summary adds nothing.
    let ctx = context(
        vec![
            msg("1", None, "user", "start"),
            branch_summary("2", "1", "", "1"),
        ],
        None,
    );
    assert_eq!(ctx.messages.len(), 1);
}

#[test]
fn a_tree_with_branches_and_a_compaction() {
    let entries = vec![
        msg("1", None, "user", "start"),
        msg("2", Some("1"), "assistant", "r1"),
        msg("3", Some("2"), "user", "q2"),
        msg("4", Some("3"), "assistant", "r2"),
        compaction("5", "4", "Compacted history", "3"),
        msg("6", Some("5"), "user", "q3"),
        msg("7", Some("6"), "assistant", "r3"),
        msg("8", Some("3"), "user", "wrong path"),
        msg("9", Some("8"), "assistant", "wrong response"),
        branch_summary("10", "3", "Tried wrong approach", "9"),
        msg("11", Some("10"), "user", "better approach"),
    ];
    assert_eq!(
        texts(&context(entries.clone(), Some("7"))),
        ["Compacted history", "q2", "r2", "q3", "r3"]
    );
    assert_eq!(
        texts(&context(entries, Some("11"))),
        [
            "start",
            "r1",
            "q2",
            "Tried wrong approach",
            "better approach"
        ]
    );
}

#[test]
fn unknown_leaves_and_orphans() {
    let entries = vec![
        msg("1", None, "user", "hello"),
        msg("2", Some("1"), "assistant", "hi"),
    ];
    assert_eq!(context(entries, Some("nonexistent")).messages.len(), 2);
    let orphan = vec![
        msg("1", None, "user", "hello"),
        msg("2", Some("missing"), "assistant", "orphan"),
    ];
    assert_eq!(texts(&context(orphan, Some("2"))), ["orphan"]);
}

#[test]
fn context_edits_replace_or_hide_content_on_their_branch() {
    let mut session = memory();
    let question = session
        .append_message(&user("a very long question"))
        .unwrap();
    let answer = session
        .append_message(&assistant("a failed answer"))
        .unwrap();
    session
        .append_context_edit(&question, Some(json!("short question")))
        .unwrap();
    session
        .append_context_edit(&answer, Some(json!("fixed answer")))
        .unwrap();
    let ctx = session.build_session_context().unwrap();
    assert_eq!(texts(&ctx), ["short question", "fixed answer"]);
    let edited = serde_json::to_value(&ctx.messages[1]).unwrap();
    assert_eq!(
        edited["content"],
        json!([{"type": "text", "text": "fixed answer"}])
    );
    assert_eq!(edited["model"], "claude-test", "metadata stays");

    session.append_context_edit(&answer, None).unwrap();
    assert_eq!(
        texts(&session.build_session_context().unwrap()),
        ["short question"]
    );
    // The raw history is unchanged.
    let raw = session.entry(&answer).unwrap().unwrap();
    assert_eq!(text_of(raw.message().unwrap()), "a failed answer");

    // Edits are branch-relative.
    session.branch(&answer).unwrap();
    assert_eq!(
        texts(&session.build_session_context().unwrap()),
        ["a very long question", "a failed answer"]
    );

    let label = session.append_label_change(&question, Some("q")).unwrap();
    let err = session.append_context_edit(&label, None).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("Entry {label} does not contribute editable model content")
    );
    let err = session.append_context_edit("nope", None).unwrap_err();
    assert_eq!(err.to_string(), "Entry nope not found");
    let err = session
        .append_context_edit(&question, Some(json!({"x": 1})))
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "Context edit replacement must be null or contain string/array content"
    );
    session.branch(&question).unwrap();
    let err = session.append_context_edit(&answer, None).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("Entry {answer} is not on the active branch")
    );
}

#[test]
fn compactions_store_the_prompt_in_effect() {
    let mut session = memory();
    let system = pi_ai::SystemMessage {
        content: pi_ai::UserContent::Text("You are pi.".into()),
        sections: None,
        tools_added: None,
        tools_removed: None,
        timestamp: 1,
        extra: Default::default(),
    };
    session.append_message(&system.into()).unwrap();
    let first = session.append_message(&user("q")).unwrap();
    session.append_message(&assistant("a")).unwrap();
    let id = session
        .append_compaction("summary", Some(&first), 50, None, None, None)
        .unwrap();
    let entry = session.entry(&id).unwrap().unwrap();
    let value = entry.to_value();
    assert_eq!(value["systemMessage"]["content"], "You are pi.");
    let written = pi_coding_agent::session::parse_iso_ms(value["timestamp"].as_str().unwrap());
    assert_eq!(value["systemMessage"]["timestamp"].as_i64(), written);
    assert_eq!(
        roles(&session.build_session_context().unwrap()),
        ["system", "compactionSummary", "user", "assistant"]
    );
}

#[test]
fn whether_the_branch_sets_a_thinking_level() {
    let mut session = SessionManager::in_memory_with_entries(
        Path::new("/home/user/project"),
        vec![
            msg("1", None, "user", "hello"),
            json!({"type": "thinking_level_change", "id": "2", "parentId": "1", "timestamp": TS,
                   "thinkingLevel": "high"}),
            msg("3", Some("1"), "assistant", "another branch"),
        ],
    )
    .unwrap();
    assert!(!session.branch_sets_thinking_level());
    session.branch("2").unwrap();
    assert!(session.branch_sets_thinking_level());
}

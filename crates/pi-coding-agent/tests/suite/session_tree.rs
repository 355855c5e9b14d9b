//! The session tree: appends, the leaf, paths, the tree view, branching, labels and
//! branched sessions (ported from pi's tree-traversal and labels suites).

use pi_ai::{InputContent, TextContent, ToolResultMessage, Usage, UsageCost};
use pi_coding_agent::session::{EntryKind, SessionLocation, SessionManager};
use serde_json::json;

use super::session_support::{Scratch, assistant, ids, is_type, json_lines, memory, text_of, user};

fn usage() -> Usage {
    Usage {
        input: 10,
        output: 20,
        cache_read: 30,
        cache_write: 40,
        total_tokens: 100,
        cost: UsageCost {
            input: 0.1,
            output: 0.2,
            cache_read: 0.3,
            cache_write: 0.4,
            total: 1.0,
        },
        ..Default::default()
    }
}

#[test]
fn appends_chain_parents_and_move_the_leaf() {
    let mut session = memory();
    assert_eq!(session.leaf_id(), None);
    let id1 = session.append_message(&user("first")).unwrap();
    assert_eq!(session.leaf_id(), Some(id1.as_str()));
    let id2 = session.append_message(&assistant("second")).unwrap();
    let thinking = session.append_thinking_level_change("high").unwrap();
    let model = session.append_model_change("openai", "gpt-4").unwrap();
    let custom = session
        .append_custom_entry("my_data", Some(json!({"key": "value"})))
        .unwrap();
    let compaction = session
        .append_compaction(
            "summary",
            Some(&id1),
            1000,
            None,
            Some(false),
            Some(usage()),
        )
        .unwrap();
    let id3 = session.append_message(&user("third")).unwrap();
    assert_eq!(session.leaf_id(), Some(id3.as_str()));

    let entries = session.entries().unwrap();
    assert_eq!(
        ids(&entries),
        [
            id1.as_str(),
            id2.as_str(),
            thinking.as_str(),
            model.as_str(),
            custom.as_str(),
            compaction.as_str(),
            id3.as_str()
        ]
    );
    let parents: Vec<Option<String>> = entries.iter().map(|e| e.parent_id.clone()).collect();
    assert_eq!(
        parents,
        [
            None,
            Some(id1.clone()),
            Some(id2.clone()),
            Some(thinking.clone()),
            Some(model.clone()),
            Some(custom.clone()),
            Some(compaction.clone()),
        ]
    );
    assert!(matches!(&entries[3].kind,
        EntryKind::ModelChange { provider, model_id } if provider == "openai" && model_id == "gpt-4"));
    assert!(matches!(&entries[4].kind,
        EntryKind::Custom { custom_type, data } if custom_type == "my_data" && data == &Some(json!({"key": "value"}))));
    let EntryKind::Compaction(entry) = &entries[5].kind else {
        panic!("not a compaction: {:?}", entries[5]);
    };
    assert_eq!(
        (
            entry.summary.as_str(),
            entry.first_kept_entry_id.as_str(),
            entry.tokens_before
        ),
        ("summary", id1.as_str(), 1000)
    );
    assert_eq!(entry.usage, Some(usage()));
    assert!(entries.iter().all(|e| e.id.len() == 8));
    assert_eq!(session.entry_count(), 7);
}

#[test]
fn branches_are_paths_from_the_root() {
    let mut session = memory();
    assert!(session.branch_entries(None).unwrap().is_empty());
    let id1 = session.append_message(&user("1")).unwrap();
    let id2 = session.append_message(&assistant("2")).unwrap();
    let id3 = session.append_thinking_level_change("high").unwrap();
    let id4 = session.append_message(&user("3")).unwrap();
    assert_eq!(
        ids(&session.branch_entries(None).unwrap()),
        [id1.as_str(), id2.as_str(), id3.as_str(), id4.as_str()]
    );
    assert_eq!(
        ids(&session.branch_entries(Some(&id2)).unwrap()),
        [id1.as_str(), id2.as_str()]
    );
    assert_eq!(session.leaf_entry().unwrap().unwrap().id, id4);
    assert!(session.entry("nonexistent").unwrap().is_none());
    let first = session.entry(&id1).unwrap().unwrap();
    assert_eq!(text_of(first.message().unwrap()), "1");
}

#[test]
fn the_tree_holds_every_branch_with_children_by_time() {
    let mut session = memory();
    assert!(session.tree().unwrap().roots.is_empty());
    let _id1 = session.append_message(&user("1")).unwrap();
    let id2 = session.append_message(&assistant("2")).unwrap();
    let id3 = session.append_message(&user("3")).unwrap();
    let _id4 = session.append_message(&assistant("4")).unwrap();
    session.branch(&id2).unwrap();
    let id5 = session.append_message(&user("5")).unwrap();
    let _id6 = session.append_message(&assistant("6")).unwrap();
    session.branch(&id5).unwrap();
    let _id7 = session.append_message(&user("7")).unwrap();

    let tree = session.tree().unwrap();
    assert_eq!(tree.roots.len(), 1);
    let node = |at: usize| &tree.nodes[at];
    let root = node(tree.roots[0]);
    assert_eq!(root.children.len(), 1);
    let node2 = node(root.children[0]);
    assert_eq!(node2.entry.id, id2);
    let mut children: Vec<&str> = node2
        .children
        .iter()
        .map(|&c| node(c).entry.id.as_str())
        .collect();
    children.sort_unstable();
    let mut expected = vec![id3.as_str(), id5.as_str()];
    expected.sort_unstable();
    assert_eq!(children, expected);
    let node5 = node2
        .children
        .iter()
        .map(|&c| node(c))
        .find(|n| n.entry.id == id5)
        .unwrap();
    assert_eq!(node5.children.len(), 2);
}

#[test]
fn branching_moves_the_leaf_and_rejects_unknown_entries() {
    let mut session = memory();
    let id1 = session.append_message(&user("1")).unwrap();
    let _id2 = session.append_message(&assistant("2")).unwrap();
    session.branch(&id1).unwrap();
    assert_eq!(session.leaf_id(), Some(id1.as_str()));
    let id3 = session.append_message(&user("branched")).unwrap();
    assert_eq!(
        session.entry(&id3).unwrap().unwrap().parent_id.as_deref(),
        Some(id1.as_str())
    );
    let err = session.branch("nonexistent").unwrap_err();
    assert_eq!(err.to_string(), "Entry nonexistent not found");
    let err = session
        .branch_with_summary(Some("nonexistent"), "summary", None, None, None)
        .unwrap_err();
    assert_eq!(err.to_string(), "Entry nonexistent not found");

    session.reset_leaf();
    let root = session.append_message(&user("new root")).unwrap();
    assert_eq!(session.entry(&root).unwrap().unwrap().parent_id, None);
}

#[test]
fn branch_summaries_record_the_branch_left() {
    let mut session = memory();
    let id1 = session.append_message(&user("1")).unwrap();
    let _id2 = session.append_message(&assistant("2")).unwrap();
    let id3 = session.append_message(&user("3")).unwrap();
    let summary = session
        .branch_with_summary(
            Some(&id1),
            "Summary of abandoned work",
            None,
            Some(false),
            Some(usage()),
        )
        .unwrap();
    assert_eq!(session.leaf_id(), Some(summary.as_str()));
    let entry = session.entry(&summary).unwrap().unwrap();
    assert_eq!(entry.parent_id.as_deref(), Some(id1.as_str()));
    let EntryKind::BranchSummary(branch) = &entry.kind else {
        panic!("not a branch summary");
    };
    assert_eq!(branch.from_id, id3);
    assert_eq!(branch.summary, "Summary of abandoned work");
    assert_eq!(branch.usage, Some(usage()));
    // Before the first entry, the branch point is `root`.
    session.reset_leaf();
    let from_root = session
        .branch_with_summary(None, "s", None, None, None)
        .unwrap();
    let entry = session.entry(&from_root).unwrap().unwrap();
    assert!(matches!(&entry.kind, EntryKind::BranchSummary(b) if b.from_id == "root"));
    assert_eq!(entry.parent_id, None);
}

#[test]
fn the_context_follows_the_current_branch_only() {
    let mut session = memory();
    session.append_message(&user("msg1")).unwrap();
    let id2 = session.append_message(&assistant("msg2")).unwrap();
    session.append_message(&user("msg3")).unwrap();
    session.branch(&id2).unwrap();
    session.append_message(&assistant("msg4-branch")).unwrap();
    let context = session.build_session_context().unwrap();
    let texts: Vec<String> = context.messages.iter().map(text_of).collect();
    assert_eq!(texts, ["msg1", "msg2", "msg4-branch"]);
}

#[test]
fn labels_set_clear_and_name_the_latest() {
    let mut session = memory();
    let id1 = session.append_message(&user("1")).unwrap();
    let id2 = session.append_message(&assistant("2")).unwrap();
    session
        .append_label_change(&id1, Some("checkpoint"))
        .unwrap();
    session.append_label_change(&id2, Some("answer")).unwrap();
    session.append_label_change(&id1, Some("renamed")).unwrap();
    assert_eq!(session.label(&id1), Some("renamed"));
    session.append_label_change(&id2, None).unwrap();
    assert_eq!(session.label(&id2), None);
    session.append_label_change(&id1, Some("")).unwrap();
    assert_eq!(session.label(&id1), None);
    let err = session
        .append_label_change("missing", Some("x"))
        .unwrap_err();
    assert_eq!(err.to_string(), "Entry missing not found");

    session.append_label_change(&id2, Some("final")).unwrap();
    let tree = session.tree().unwrap();
    let node2 = tree.nodes.iter().find(|n| n.entry.id == id2).unwrap();
    assert_eq!(node2.label.as_deref(), Some("final"));
    assert!(node2.label_timestamp.is_some());
    // Labels are entries of the tree, never part of the context.
    assert_eq!(session.build_session_context().unwrap().messages.len(), 2);

    session.append_session_info("  My\r\nsession  ").unwrap();
    assert_eq!(session.session_name(), Some("My session"));
    session.append_session_info("").unwrap();
    assert_eq!(session.session_name(), None);
}

#[test]
fn branched_sessions_in_memory_keep_only_the_path() {
    let mut session = memory();
    let id1 = session.append_message(&user("1")).unwrap();
    let id2 = session.append_message(&assistant("2")).unwrap();
    let id3 = session.append_message(&user("3")).unwrap();
    session.append_message(&assistant("4")).unwrap();
    session.branch(&id3).unwrap();
    session.append_message(&user("5")).unwrap();
    let err = session.create_branched_session("nonexistent").unwrap_err();
    assert_eq!(err.to_string(), "Entry nonexistent not found");
    assert_eq!(session.create_branched_session(&id2).unwrap(), None);
    assert_eq!(
        ids(&session.entries().unwrap()),
        [id1.as_str(), id2.as_str()]
    );

    let mut session = memory();
    let id1 = session.append_message(&user("1")).unwrap();
    let id2 = session.append_message(&assistant("2")).unwrap();
    session.append_message(&user("3")).unwrap();
    session.branch(&id2).unwrap();
    let id4 = session.append_message(&user("4")).unwrap();
    let id5 = session.append_message(&assistant("5")).unwrap();
    session.create_branched_session(&id5).unwrap();
    assert_eq!(
        ids(&session.entries().unwrap()),
        [id1.as_str(), id2.as_str(), id4.as_str(), id5.as_str()]
    );
}

#[test]
fn branched_sessions_on_disk_are_written_with_their_first_assistant_message() {
    let scratch = Scratch::new();
    let location = SessionLocation::new(scratch.path()).with_session_dir(scratch.path());
    let mut session =
        SessionManager::create(&scratch.cwd(), &location, Default::default()).unwrap();
    let id1 = session.append_message(&user("first question")).unwrap();
    let id2 = session.append_message(&assistant("first answer")).unwrap();
    session.append_message(&user("second question")).unwrap();
    session.append_message(&assistant("second answer")).unwrap();
    let original = session.session_file().unwrap().to_path_buf();

    // From the first user message: nothing to write yet.
    let branched = session.create_branched_session(&id1).unwrap().unwrap();
    assert!(!branched.exists());
    assert_eq!(
        session.header().parent_session.as_deref(),
        Some(original.to_str().unwrap())
    );
    session
        .append_custom_entry("preset-state", Some(json!({"name": "plan"})))
        .unwrap();
    session.append_message(&assistant("new answer")).unwrap();
    assert!(branched.exists());
    let records = json_lines(&branched);
    assert_eq!(records.iter().filter(|r| r["type"] == "session").count(), 1);
    let mut entry_ids: Vec<&str> = records[1..]
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    let count = entry_ids.len();
    entry_ids.sort_unstable();
    entry_ids.dedup();
    assert_eq!(entry_ids.len(), count);

    // From a point after an assistant message: written at once.
    let mut session = SessionManager::open(&original, None, None).unwrap();
    let branched = session.create_branched_session(&id2).unwrap().unwrap();
    assert!(branched.exists());
    assert_eq!(json_lines(&branched).len(), 3);
}

#[test]
fn branched_sessions_recreate_labels_and_relink_around_them() {
    let scratch = Scratch::new();
    let mut session = scratch.create();
    let id1 = session.append_message(&user("q")).unwrap();
    let id2 = session.append_message(&assistant("a")).unwrap();
    let label = session.append_label_change(&id1, Some("start")).unwrap();
    let id3 = session.append_message(&user("q2")).unwrap();
    let compaction = session
        .append_compaction("sum", Some(&label), 10, None, None, None)
        .unwrap();
    let id4 = session.append_message(&assistant("a2")).unwrap();
    let file = session.create_branched_session(&id4).unwrap().unwrap();
    let entries = session.entries().unwrap();
    // The path without the label, re-linked, then the label re-created at the end.
    assert_eq!(
        &ids(&entries)[..5],
        [
            id1.as_str(),
            id2.as_str(),
            id3.as_str(),
            compaction.as_str(),
            id4.as_str()
        ]
    );
    assert_eq!(entries[2].parent_id.as_deref(), Some(id2.as_str()));
    let EntryKind::Compaction(kept) = &entries[3].kind else {
        panic!("not a compaction");
    };
    assert_eq!(
        kept.first_kept_entry_id, id3,
        "a kept label points at its successor"
    );
    assert!(matches!(&entries[5].kind,
        EntryKind::Label { target_id, label } if target_id == &id1 && label.as_deref() == Some("start")));
    assert_eq!(entries[5].parent_id.as_deref(), Some(id4.as_str()));
    assert_eq!(session.label(&id1), Some("start"));
    assert_eq!(json_lines(&file).len(), 7);
}

#[test]
fn usage_of_tools_and_summaries_survives_a_reload() {
    let scratch = Scratch::new();
    let mut session = scratch.create();
    let root = session.append_message(&user("question")).unwrap();
    session.append_message(&assistant("answer")).unwrap();
    let result = ToolResultMessage {
        tool_call_id: "call-1".into(),
        tool_name: "nested-model".into(),
        content: vec![InputContent::Text(TextContent::new("result"))],
        details: None,
        usage: Some(usage()),
        is_error: false,
        timestamp: 5,
        extra: Default::default(),
    };
    session.append_message(&result.into()).unwrap();
    session
        .append_compaction(
            "summary",
            Some(&root),
            100,
            None,
            Some(false),
            Some(usage()),
        )
        .unwrap();
    session
        .branch_with_summary(
            Some(&root),
            "branch summary",
            None,
            Some(false),
            Some(usage()),
        )
        .unwrap();
    let file = session.session_file().unwrap().to_path_buf();
    drop(session);
    let reopened = SessionManager::open(&file, None, None).unwrap();
    let entries = reopened.entries().unwrap();
    assert!(entries.iter().any(|e| matches!(&e.kind,
        EntryKind::Compaction(c) if c.usage == Some(usage()))));
    assert!(entries.iter().any(|e| matches!(&e.kind,
        EntryKind::BranchSummary(b) if b.usage == Some(usage()))));
    let tool = entries
        .iter()
        .find(|e| is_type(e, "message") && e.message().unwrap().role() == "toolResult");
    let value = serde_json::to_value(tool.unwrap().message().unwrap()).unwrap();
    assert_eq!(value["usage"], serde_json::to_value(usage()).unwrap());
}

#[test]
fn custom_entries_join_the_tree_but_not_the_context() {
    let mut session = memory();
    let message = session.append_message(&user("hello")).unwrap();
    let custom = session
        .append_custom_entry("my_data", Some(json!({"foo": "bar"})))
        .unwrap();
    let answer = session.append_message(&assistant("hi")).unwrap();
    let path = session.branch_entries(None).unwrap();
    assert_eq!(
        ids(&path),
        [message.as_str(), custom.as_str(), answer.as_str()]
    );
    assert_eq!(path[1].parent_id.as_deref(), Some(message.as_str()));
    assert_eq!(session.build_session_context().unwrap().messages.len(), 2);
}

#[test]
fn unknown_entries_and_fields_survive_a_branched_copy() {
    let scratch = Scratch::new();
    let file = scratch.path().join("future.jsonl");
    let lines = [
        json!({"type": "session", "version": 3, "id": "s", "timestamp": "2026-01-01T00:00:00.000Z",
               "cwd": scratch.cwd(), "origin": "a future pi"}),
        json!({"type": "message", "id": "a1", "parentId": null, "timestamp": "2026-01-01T00:00:01.000Z",
               "message": {"role": "user", "content": "q", "timestamp": 1, "mood": "curious"},
               "tags": ["x"]}),
        json!({"type": "hologram", "id": "a2", "parentId": "a1", "timestamp": "2026-01-01T00:00:02.000Z",
               "payload": {"depth": 3}}),
        json!({"type": "message", "id": "a3", "parentId": "a2", "timestamp": "2026-01-01T00:00:03.000Z",
               "message": {"role": "assistant", "content": [{"type": "text", "text": "a"}],
                           "api": "x", "provider": "p", "model": "m",
                           "usage": {"input": 0, "output": 0, "cacheRead": 0, "cacheWrite": 0,
                                     "totalTokens": 0, "cost": {"input": 0, "output": 0,
                                     "cacheRead": 0, "cacheWrite": 0, "total": 0}},
                           "stopReason": "stop", "timestamp": 3}}),
    ];
    let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
    std::fs::write(&file, &text).unwrap();
    let mut session = SessionManager::open(&file, None, None).unwrap();
    let copy = session.create_branched_session("a3").unwrap().unwrap();
    let copied = json_lines(&copy);
    assert_eq!(copied[1], lines[1]);
    assert_eq!(copied[2], lines[2]);
    assert_eq!(copied[3], lines[3]);
    let unknown = session.entry("a2").unwrap().unwrap();
    assert!(matches!(&unknown.kind, EntryKind::Unknown { entry_type } if entry_type == "hologram"));
    assert_eq!(unknown.extra["payload"], json!({"depth": 3}));
}

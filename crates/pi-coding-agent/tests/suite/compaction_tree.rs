//! Navigating the session tree (`/tree`): moving the leaf within one session file, user
//! messages returned for re-editing, branch summaries (the request held to the one pi 0.87.1
//! sent in `fixtures/mock-requests.jsonl`), labels, cancellation and refusals.

use std::time::Duration;

use pi_ai::testing::{Fault, Turn};
use pi_coding_agent::agent_session::{CompactionError, NavigateOptions};
use serde_json::{Value, json};

use super::compaction_support::{Harness, Setup, kinds};
use super::session_support::fixtures;

const SUMMARY: &str = "## Goal\nAnswer questions about the work directory.\n\n## Constraints & Preferences\n- (none)\n\n## Progress\n### Done\n- [x] Listed files\n\n### In Progress\n- [ ] (none)\n\n### Blocked\n- (none)\n\n## Key Decisions\n- **Mock**: scripted answers\n\n## Next Steps\n1. Continue";

fn summarize() -> NavigateOptions {
    NavigateOptions {
        summarize: true,
        ..NavigateOptions::default()
    }
}

/// The id of the `n`th (from 0) entry of the file holding a message of `role`.
fn message_id(h: &Harness, role: &str, n: usize) -> String {
    h.file_entries()
        .iter()
        .filter(|e| e["message"]["role"] == role)
        .nth(n)
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string()
}

fn leaf(h: &Harness) -> Option<String> {
    h.session.session().leaf_id().map(str::to_string)
}

/// u1 -> a1 -> u2 -> a2.
async fn two_exchanges() -> Harness {
    let h = Harness::new(Setup::default(), |_| {}).await;
    h.push(Turn::text("First answer."));
    h.prompt("first prompt").await;
    h.push(Turn::text("Second answer."));
    h.prompt("second prompt").await;
    h
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_user_message_target_returns_its_text_and_leaves_the_leaf_before_it() {
    let h = two_exchanges().await;
    let entries = h.file_entries().len();
    let u1 = message_id(&h, "user", 0);
    let parent = h
        .file_entries()
        .iter()
        .find(|e| e["id"] == u1.as_str())
        .unwrap()["parentId"]
        .clone();
    let result = h
        .session
        .navigate_tree(&u1, NavigateOptions::default())
        .await
        .unwrap();
    assert_eq!(result.editor_text.as_deref(), Some("first prompt"));
    assert!(!result.cancelled);
    assert!(result.summary_entry.is_none());
    assert_eq!(leaf(&h).map(Value::from), Some(parent));
    assert_eq!(h.file_entries().len(), entries, "nothing written");
    let roles: Vec<String> = h
        .session
        .messages()
        .iter()
        .map(|m| m.role().to_string())
        .collect();
    assert_eq!(roles, ["system"]);
    assert_eq!(
        result.to_value(),
        json!({"editorText": "first prompt", "cancelled": false})
    );

    // Sending it again starts a new branch beside the old one.
    h.push(Turn::text("Another first answer."));
    h.prompt("first prompt, reworded").await;
    let request = h.requests().last().unwrap().body["messages"].clone();
    assert_eq!(request.as_array().unwrap().len(), 2, "{request}");
    let tree = h.session.session().tree().unwrap();
    assert_eq!(tree.roots.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_target_becomes_the_leaf() {
    let h = two_exchanges().await;
    let a1 = message_id(&h, "assistant", 0);
    let result = h
        .session
        .navigate_tree(&a1, NavigateOptions::default())
        .await
        .unwrap();
    assert_eq!(result.editor_text, None);
    assert_eq!(leaf(&h).as_deref(), Some(a1.as_str()));
    h.push(Turn::text("Branch answer."));
    h.prompt("branch prompt").await;
    let children = h.session.session().children(&a1).unwrap();
    assert_eq!(children.len(), 2);
    let texts: Vec<String> = h.requests()[2].body["messages"]
        .as_array()
        .unwrap()
        .iter()
        .skip(1)
        .map(|m| {
            m["content"].as_str().map_or_else(
                || m["content"][0]["text"].as_str().unwrap().to_string(),
                str::to_string,
            )
        })
        .collect();
    assert_eq!(texts, ["first prompt", "First answer.", "branch prompt"]);

    // Navigating to where the leaf is changes nothing.
    let entries = h.file_entries();
    let here = leaf(&h).unwrap();
    let result = h.session.navigate_tree(&here, summarize()).await.unwrap();
    assert!(!result.cancelled && result.summary_entry.is_none());
    assert_eq!(h.file_entries(), entries);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_branch_summary_request_is_the_reference_request() {
    // The conversation behind rows 26-31 of fixtures/mock-requests.jsonl.
    let h = Harness::new(Setup::default(), |model| {
        model.id = "multi-pi".into();
        model.reasoning = true;
    })
    .await;
    h.push(Turn::text("Listing.").with_tool_call("bash", json!({"command": "ls"})));
    h.push(Turn::text("There is one file here: input.txt."));
    h.prompt("First question: list files please.").await;
    h.push(Turn::text("Answer on the main line."));
    h.prompt("Second question on the main line.").await;
    let first_answer = message_id(&h, "assistant", 1);
    h.session
        .navigate_tree(&first_answer, NavigateOptions::default())
        .await
        .unwrap();
    h.push(Turn::text("Answer on the branch."));
    h.prompt("Continue on a branch from the first answer.")
        .await;
    let old_leaf = leaf(&h).unwrap();
    let first_user = message_id(&h, "user", 0);

    h.push(Turn::text(SUMMARY).with_chunks(3));
    let result = h
        .session
        .navigate_tree(&first_user, summarize())
        .await
        .unwrap();
    assert_eq!(
        result.editor_text.as_deref(),
        Some("First question: list files please.")
    );

    let reference: Value = std::fs::read_to_string(fixtures().join("mock-requests.jsonl"))
        .unwrap()
        .lines()
        .nth(29)
        .map(|line| serde_json::from_str(line).unwrap())
        .unwrap();
    let requests = h.requests();
    let ours = &requests.last().unwrap().body;
    assert_eq!(ours, &reference["body"]);

    let entries = h.file_entries();
    let summary = result.summary_entry.unwrap().to_value();
    assert_eq!(entries.last().unwrap(), &summary);
    assert_eq!(summary["type"], "branch_summary");
    assert_eq!(summary["fromId"], old_leaf.as_str());
    let first_user_entry = entries
        .iter()
        .find(|e| e["id"] == first_user.as_str())
        .unwrap();
    assert_eq!(summary["parentId"], first_user_entry["parentId"]);
    assert_eq!(
        summary["summary"],
        format!(
            "The user explored a different conversation branch before returning here.\nSummary of that exploration:\n\n{SUMMARY}"
        )
    );
    assert_eq!(
        summary["details"],
        json!({"readFiles": [], "modifiedFiles": []})
    );
    assert_eq!(summary["fromHook"], false);
    assert!(summary["usage"]["totalTokens"].as_u64().unwrap() > 0);
    let keys: Vec<&String> = summary.as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        [
            "type",
            "id",
            "parentId",
            "timestamp",
            "fromId",
            "summary",
            "details",
            "usage",
            "fromHook"
        ]
    );
    assert_eq!(leaf(&h).as_deref(), summary["id"].as_str());

    // The next request is row 31's: the prompt, the branch summary, the new message.
    h.push(Turn::text("Going on."));
    h.prompt("Go on after summary.").await;
    let next = h.requests().last().unwrap().body["messages"].clone();
    let reference_next: Value = std::fs::read_to_string(fixtures().join("mock-requests.jsonl"))
        .unwrap()
        .lines()
        .nth(30)
        .map(|line| serde_json::from_str(line).unwrap())
        .unwrap();
    assert_eq!(
        next.as_array().unwrap()[1..],
        reference_next["body"]["messages"].as_array().unwrap()[1..]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn summaries_carry_file_lists_labels_and_instructions() {
    let h = Harness::new(Setup::default(), |_| {}).await;
    h.push(Turn::text("First answer."));
    h.prompt("first prompt").await;
    h.push(Turn::default().with_tool_call("read", json!({"path": "notes.txt"})));
    h.push(Turn::default().with_tool_call("write", json!({"path": "new.txt", "content": "x"})));
    h.push(Turn::text("Files done."));
    h.prompt("work on files").await;
    let a1 = message_id(&h, "assistant", 0);
    h.push(Turn::text("## Goal\nFiles."));
    let result = h
        .session
        .navigate_tree(
            &a1,
            NavigateOptions {
                summarize: true,
                custom_instructions: Some("Only list the files.".into()),
                replace_instructions: true,
                label: Some("before files".into()),
            },
        )
        .await
        .unwrap();
    let prompt = Harness::last_user_text(h.requests().last().unwrap());
    assert!(prompt.starts_with("<conversation>\n[User]: work on files\n\n[Assistant tool calls]: read(path=\"notes.txt\")"), "{prompt}");
    assert!(
        !prompt.contains("[Tool result]"),
        "tool results are left out: {prompt}"
    );
    assert!(
        prompt.ends_with("</conversation>\n\nOnly list the files."),
        "{prompt}"
    );
    let summary = result.summary_entry.unwrap();
    let value = summary.to_value();
    assert_eq!(
        value["summary"],
        "The user explored a different conversation branch before returning here.\nSummary of that exploration:\n\n## Goal\nFiles.\n\n<read-files>\nnotes.txt\n</read-files>\n\n<modified-files>\nnew.txt\n</modified-files>"
    );
    assert_eq!(
        value["details"],
        json!({"readFiles": ["notes.txt"], "modifiedFiles": ["new.txt"]})
    );
    assert_eq!(value["parentId"], a1.as_str());
    // The label sits on the summary, and the leaf after the label.
    let entries = h.file_entries();
    let label = entries.last().unwrap();
    assert_eq!(label["type"], "label");
    assert_eq!(label["targetId"], summary.id.as_str());
    assert_eq!(label["label"], "before files");
    assert_eq!(h.session.session().label(&summary.id), Some("before files"));

    // Additional focus when the instructions do not replace pi's.
    let u2 = message_id(&h, "user", 1);
    h.push(Turn::text("## Goal\nAgain."));
    h.session
        .navigate_tree(
            &u2,
            NavigateOptions {
                summarize: true,
                custom_instructions: Some("Mention the label.".into()),
                ..NavigateOptions::default()
            },
        )
        .await
        .unwrap();
    let prompt = Harness::last_user_text(h.requests().last().unwrap());
    assert!(prompt.contains("Create a structured summary of this conversation branch"));
    assert!(prompt.ends_with(
        "Preserve exact file paths, function names, and error messages.\n\nAdditional focus: Mention the label."
    ));
    // A summary of a summary: the earlier one is part of the conversation.
    assert!(
        prompt.contains("[User]: The following is a summary of a branch"),
        "{prompt}"
    );

    // Without a summary, the label goes on the target.
    let a2 = message_id(&h, "assistant", 1);
    h.session
        .navigate_tree(
            &a2,
            NavigateOptions {
                label: Some("mark".into()),
                ..NavigateOptions::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(h.session.session().label(&a2), Some("mark"));
    assert_eq!(
        kinds(&h.file_entries()[h.file_entries().len() - 1..]),
        ["label"]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nothing_to_summarize_moves_without_a_summary() {
    let h = two_exchanges().await;
    let a1 = message_id(&h, "assistant", 0);
    let a2 = message_id(&h, "assistant", 1);
    h.session
        .navigate_tree(&a1, NavigateOptions::default())
        .await
        .unwrap();
    let entries = h.file_entries().len();
    // Forward to a descendant: nothing is left behind.
    let result = h.session.navigate_tree(&a2, summarize()).await.unwrap();
    assert!(result.summary_entry.is_none());
    assert_eq!(h.file_entries().len(), entries);
    assert_eq!(leaf(&h).as_deref(), Some(a2.as_str()));
    assert_eq!(h.requests().len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_aborted_summary_cancels_the_navigation() {
    let h = two_exchanges().await;
    let entries = h.file_entries();
    let before = leaf(&h);
    h.push(Turn::fault(Fault::Stall { after_events: 1 }));
    let u1 = message_id(&h, "user", 0);
    let session = h.session.clone();
    let navigation = tokio::spawn(async move { session.navigate_tree(&u1, summarize()).await });
    // Cancel once the summary request is out (and stalled).
    for _ in 0..400 {
        if h.requests().len() == 3 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert_eq!(h.requests().len(), 3);
    assert!(h.session.is_compacting());
    // Another navigation meanwhile is refused.
    let a1 = message_id(&h, "assistant", 0);
    let busy = h
        .session
        .navigate_tree(&a1, NavigateOptions::default())
        .await
        .unwrap_err();
    assert_eq!(
        busy.to_string(),
        "Wait for the current compaction or tree navigation to finish before navigating the session tree."
    );
    h.session.abort_branch_summary();
    let result = navigation.await.unwrap().unwrap();
    assert!(result.cancelled);
    assert!(result.aborted);
    assert!(result.summary_entry.is_none());
    assert_eq!(h.file_entries(), entries);
    assert_eq!(leaf(&h), before);
    assert!(!h.session.is_compacting());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn navigation_refusals_use_pi_texts() {
    let h = two_exchanges().await;
    let error = h
        .session
        .navigate_tree("nope", NavigateOptions::default())
        .await
        .unwrap_err();
    assert!(matches!(error, CompactionError::EntryNotFound(_)));
    assert_eq!(error.to_string(), "Entry nope not found");

    // While the agent answers.
    h.push(Turn::text("Slow answer.").with_delay(Duration::from_millis(50)));
    let session = h.session.clone();
    let run = tokio::spawn(async move { session.prompt("third prompt", Vec::new()).await });
    for _ in 0..200 {
        if h.session.is_streaming() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    let a1 = message_id(&h, "assistant", 0);
    let error = h
        .session
        .navigate_tree(&a1, NavigateOptions::default())
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "Wait for the current response to finish before navigating the session tree."
    );
    run.await.unwrap().unwrap();

    let no_model = Harness::new(
        Setup {
            no_model: true,
            ..Setup::default()
        },
        |_| {},
    )
    .await;
    let first = {
        let mut session = no_model.session.session();
        let first = session
            .append_message(&pi_ai::UserMessage::text("hi").into())
            .unwrap();
        session
            .append_message(&pi_ai::UserMessage::text("there").into())
            .unwrap();
        first
    };
    let error = no_model
        .session
        .navigate_tree(&first, summarize())
        .await
        .unwrap_err();
    assert_eq!(error.to_string(), "No model available for summarization");
}

//! Manual compaction (`/compact`, RPC `compact`) and its dry run, on a real session file
//! against the loopback provider server: the summary request, the entry, the rebuilt context,
//! the events and pi's error texts.

use pi_ai::testing::{Fault, Turn};
use pi_coding_agent::agent_session::CompactionError;
use pi_coding_agent::compaction::SUMMARIZATION_SYSTEM_PROMPT;
use serde_json::json;

use super::compaction_support::{Harness, NoCredentials, Setup, kinds};

const SUMMARY: &str = "## Goal\nSummary of the first exchange.";

fn keep_recent(tokens: u64) -> Setup {
    Setup {
        settings: json!({"compaction": {"keepRecentTokens": tokens}}),
        ..Setup::default()
    }
}

/// Two exchanges; with a budget of 6 tokens the second one is kept, the first summarized.
async fn two_exchanges() -> Harness {
    let h = Harness::new(keep_recent(6), |_| {}).await;
    h.push(Turn::text("First answer."));
    h.prompt("first prompt").await;
    h.push(Turn::text("Second answer."));
    h.prompt("second prompt").await;
    h
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn manual_compaction_summarizes_the_history_and_keeps_the_recent_part() {
    let h = two_exchanges().await;
    h.clear_events();
    h.push(Turn::text(SUMMARY));
    let result = h.session.compact(None).await.unwrap();

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
            "compaction"
        ]
    );
    let second_user = &entries[6];
    assert_eq!(result.first_kept_entry_id, second_user["id"]);
    assert_eq!(result.summary, SUMMARY);
    assert_eq!(
        result.details,
        Some(json!({"readFiles": [], "modifiedFiles": []}))
    );
    assert!(result.tokens_before > 0);
    assert!(result.usage.is_some());

    let compaction = &entries[8];
    assert_eq!(compaction["parentId"], entries[7]["id"]);
    assert_eq!(compaction["summary"], SUMMARY);
    assert_eq!(compaction["firstKeptEntryId"], second_user["id"]);
    assert_eq!(compaction["tokensBefore"], result.tokens_before);
    assert_eq!(compaction["fromHook"], false);
    assert_eq!(
        compaction["details"],
        json!({"readFiles": [], "modifiedFiles": []})
    );
    assert!(compaction["usage"]["totalTokens"].as_u64().unwrap() > 0);
    assert_eq!(compaction["systemMessage"]["role"], "system");
    assert_eq!(
        compaction["systemMessage"]["sections"]["preamble"],
        "You are a test assistant."
    );
    let keys: Vec<&String> = compaction.as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        [
            "type",
            "id",
            "parentId",
            "timestamp",
            "summary",
            "firstKeptEntryId",
            "tokensBefore",
            "details",
            "usage",
            "fromHook",
            "systemMessage"
        ]
    );

    // The summary request: the conversation as text, pi's prompt, no tools, 80% of the reserve.
    let requests = h.requests();
    assert_eq!(requests.len(), 3);
    let body = &requests[2].body;
    assert!(body.get("tools").is_none(), "{body}");
    assert_eq!(body["max_completion_tokens"], 13107);
    assert_eq!(body["messages"][0]["content"], SUMMARIZATION_SYSTEM_PROMPT);
    let prompt = Harness::last_user_text(&requests[2]);
    assert!(
        prompt.starts_with(
            "<conversation>\n[User]: first prompt\n\n[Assistant]: First answer.\n</conversation>\n\nThe messages above are a conversation to summarize."
        ),
        "{prompt}"
    );
    assert!(prompt.ends_with("Preserve exact file paths, function names, and error messages."));
    assert!(!prompt.contains("previous-summary"));

    // Events: start and end, with the result.
    let events = h.events_of(&["compaction_start", "compaction_end"]);
    assert_eq!(
        events[0],
        json!({"type": "compaction_start", "reason": "manual"})
    );
    assert_eq!(events[1]["reason"], "manual");
    assert_eq!(events[1]["aborted"], false);
    assert_eq!(events[1]["willRetry"], false);
    assert_eq!(events[1]["result"]["summary"], SUMMARY);
    assert_eq!(
        events[1]["result"]["estimatedTokensAfter"],
        result.estimated_tokens_after.unwrap()
    );
    assert!(events[1].get("errorMessage").is_none());

    // The model now sees the prompt, the summary and the kept exchange.
    let roles: Vec<String> = h
        .session
        .messages()
        .iter()
        .map(|m| m.role().to_string())
        .collect();
    assert_eq!(roles, ["system", "compactionSummary", "user", "assistant"]);
    h.push(Turn::text("Third answer."));
    h.prompt("third prompt").await;
    let next = &h.requests()[3].body["messages"];
    let texts: Vec<String> = next
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            m["content"]
                .as_str()
                .map(str::to_string)
                .unwrap_or_else(|| m["content"][0]["text"].as_str().unwrap_or("").to_string())
        })
        .collect();
    assert_eq!(
        texts[1],
        format!(
            "The conversation history before this point was compacted into the following summary:\n\n<summary>\n{SUMMARY}\n</summary>"
        )
    );
    assert_eq!(
        texts[2..],
        ["second prompt", "Second answer.", "third prompt"]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_compaction_updates_the_first_summary_and_resummarizes_what_it_kept() {
    let h = two_exchanges().await;
    h.push(Turn::text(SUMMARY));
    h.session.compact(None).await.unwrap();
    h.push(Turn::text("Third answer."));
    h.prompt("third prompt").await;
    h.push(Turn::text("## Goal\nUpdated."));
    let result = h
        .session
        .compact(Some("keep the file names".into()))
        .await
        .unwrap();
    assert_eq!(result.summary, "## Goal\nUpdated.");
    let requests = h.requests();
    let prompt = Harness::last_user_text(requests.last().unwrap());
    // What the first compaction kept is summarized now.
    assert!(
        prompt.starts_with(
            "<conversation>\n[User]: second prompt\n\n[Assistant]: Second answer.\n</conversation>\n\n<previous-summary>\n## Goal\nSummary of the first exchange.\n</previous-summary>\n\nThe messages above are NEW conversation messages to incorporate into the existing summary provided in <previous-summary> tags."
        ),
        "{prompt}"
    );
    assert!(prompt.ends_with(
        "Preserve exact file paths, function names, and error messages.\n\nAdditional focus: keep the file names"
    ));
    let entries = h.file_entries();
    let compactions: Vec<_> = entries
        .iter()
        .filter(|e| e["type"] == "compaction")
        .collect();
    assert_eq!(compactions.len(), 2);
    let roles: Vec<String> = h
        .session
        .messages()
        .iter()
        .map(|m| m.role().to_string())
        .collect();
    assert_eq!(roles, ["system", "compactionSummary", "user", "assistant"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn files_read_and_changed_are_listed_after_the_summary() {
    // "thanks" and "Fine." (2 + 2 tokens) are kept; the tool turn is summarized.
    let h = Harness::new(keep_recent(3), |_| {}).await;
    h.push(Turn::default().with_tool_call("read", json!({"path": "notes.txt"})));
    h.push(
        Turn::default().with_tool_call("write", json!({"path": "out.txt", "content": "written\n"})),
    );
    h.push(Turn::default().with_tool_call(
        "edit",
        json!({"path": "out.txt", "edits": [{"oldText": "written", "newText": "edited"}]}),
    ));
    h.push(Turn::text("Done with the files."));
    h.prompt("work on the files").await;
    assert_eq!(
        std::fs::read_to_string(h.cwd.join("out.txt")).unwrap(),
        "edited\n"
    );
    h.push(Turn::text("Fine."));
    h.prompt("thanks").await;
    h.push(Turn::text(SUMMARY));
    let result = h.session.compact(None).await.unwrap();
    assert_eq!(
        result.summary,
        format!(
            "{SUMMARY}\n\n<read-files>\nnotes.txt\n</read-files>\n\n<modified-files>\nout.txt\n</modified-files>"
        )
    );
    assert_eq!(
        result.details,
        Some(json!({"readFiles": ["notes.txt"], "modifiedFiles": ["out.txt"]}))
    );
    let prompt = Harness::last_user_text(h.requests().last().unwrap());
    assert!(
        prompt.contains("[Assistant tool calls]: read(path=\"notes.txt\")"),
        "{prompt}"
    );
    assert!(prompt.contains("[Tool result]: some notes\n"), "{prompt}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn compaction_refuses_with_pi_texts() {
    let h = Harness::new(keep_recent(6), |_| {}).await;
    let error = h.session.compact(None).await.unwrap_err();
    assert!(matches!(error, CompactionError::NothingToCompact));
    assert_eq!(error.to_string(), "Nothing to compact (session too small)");
    let end = h.events_of(&["compaction_end"]);
    assert_eq!(
        end[0],
        json!({
            "type": "compaction_end",
            "reason": "manual",
            "aborted": false,
            "willRetry": false,
            "errorMessage": "Compaction failed: Nothing to compact (session too small)"
        })
    );

    h.push(Turn::text("First answer."));
    h.prompt("first prompt").await;
    h.push(Turn::text("Second answer."));
    h.prompt("second prompt").await;
    h.push(Turn::text(SUMMARY));
    h.session.compact(None).await.unwrap();
    let error = h.session.compact(None).await.unwrap_err();
    assert_eq!(error.to_string(), "Already compacted");
    assert!(h.session.compaction_preview(None).is_err());
    assert_eq!(h.requests().len(), 3, "no request for a refused compaction");

    let no_model = Harness::new(
        Setup {
            no_model: true,
            ..Setup::default()
        },
        |_| {},
    )
    .await;
    let error = no_model.session.compact(None).await.unwrap_err();
    assert!(
        error.to_string().starts_with("No model selected."),
        "{error}"
    );

    let no_key = Harness::new(
        Setup {
            credentials: std::sync::Arc::new(NoCredentials),
            ..Setup::default()
        },
        |_| {},
    )
    .await;
    let error = no_key.session.compact(None).await.unwrap_err();
    assert!(
        error
            .to_string()
            .starts_with("No API key found for test-openai-completions."),
        "{error}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_summarizer_leaves_the_session_as_it_was() {
    let h = two_exchanges().await;
    let before = std::fs::read_to_string(&h.file).unwrap();
    h.push(Turn::fault(Fault::Http {
        status: 400,
        retry_after: None,
        message: Some("summary request rejected".into()),
    }));
    let error = h.session.compact(None).await.unwrap_err();
    let text = error.to_string();
    assert!(text.starts_with("Summarization failed: 400"), "{text}");
    assert!(text.contains("summary request rejected"), "{text}");
    assert_eq!(std::fs::read_to_string(&h.file).unwrap(), before);
    let end = h.events_of(&["compaction_end"]);
    assert_eq!(end[0]["errorMessage"], format!("Compaction failed: {text}"));

    // A summary cut at the token limit is no summary either.
    h.push(Turn::text("## Goal\nCut sh").with_stop(pi_ai::testing::ScriptedStop::Length));
    let error = h.session.compact(None).await.unwrap_err();
    assert_eq!(
        error.to_string(),
        "Summarization failed: generation hit the token cap and the summary is incomplete"
    );
    // So is one that calls a tool.
    h.push(Turn::default().with_tool_call("read", json!({"path": "x"})));
    let error = h.session.compact(None).await.unwrap_err();
    assert_eq!(error.to_string(), "Summarization attempted to call a tool");
    assert_eq!(std::fs::read_to_string(&h.file).unwrap(), before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn transient_summary_failures_are_retried_with_events() {
    let h = two_exchanges().await;
    h.clear_events();
    h.push(Turn::fault(Fault::http(503)));
    h.push(Turn::text(SUMMARY));
    let result = h.session.compact(None).await.unwrap();
    assert_eq!(result.summary, SUMMARY);
    assert_eq!(
        h.event_types(),
        [
            "compaction_start",
            "summarization_retry_scheduled",
            "summarization_retry_attempt_start",
            "summarization_retry_finished",
            "compaction_end"
        ]
    );
    let scheduled = &h.events_of(&["summarization_retry_scheduled"])[0];
    assert_eq!(scheduled["attempt"], 1);
    assert_eq!(scheduled["maxAttempts"], 2);
    assert_eq!(scheduled["delayMs"], 1);
    assert!(
        scheduled["errorMessage"]
            .as_str()
            .unwrap()
            .starts_with("503")
    );
    assert_eq!(
        h.events_of(&["summarization_retry_attempt_start"])[0],
        json!({"type": "summarization_retry_attempt_start", "source": "compaction", "reason": "manual"})
    );
    assert_eq!(
        h.events_of(&["summarization_retry_finished"])[0],
        json!({"type": "summarization_retry_finished"})
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dry_run_shows_what_would_happen_without_asking_the_model() {
    let h = two_exchanges().await;
    let requests = h.requests().len();
    let entries = h.file_entries();
    let preview = h
        .session
        .compaction_preview(Some("focus on tests"))
        .unwrap();
    assert_eq!(h.requests().len(), requests, "no model call");
    assert_eq!(h.file_entries(), entries, "nothing written");
    assert_eq!(preview.first_kept_entry_id, entries[6]["id"]);
    assert_eq!(preview.summarize.messages, 2);
    assert_eq!(preview.keep.messages, 2);
    assert_eq!(preview.turn_prefix.messages, 0);
    // "second prompt" (13 chars) and "Second answer." (14): 4 + 4 tokens.
    assert_eq!(preview.keep.tokens, 8);
    assert!(!preview.is_split_turn);
    assert!(!preview.has_previous_summary);
    assert_eq!(preview.context_window, 128_000);
    assert_eq!(preview.threshold, 128_000 - 16_384);
    assert!(!preview.would_auto_compact);
    assert_eq!(preview.summary_max_tokens, 13_107);
    let value = serde_json::to_value(&preview).unwrap();
    assert_eq!(value["customInstructions"], "focus on tests");
    assert_eq!(value["keep"], json!({"messages": 2, "tokens": 8}));

    // The real compaction does what the preview said.
    h.push(Turn::text(SUMMARY));
    let result = h.session.compact(None).await.unwrap();
    assert_eq!(result.first_kept_entry_id, preview.first_kept_entry_id);
    assert_eq!(result.tokens_before, preview.tokens_before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn summaries_think_at_the_session_level_only_on_reasoning_models() {
    for reasoning in [true, false] {
        let h = Harness::new(keep_recent(6), |model| model.reasoning = reasoning).await;
        h.session
            .set_thinking_level(pi_ai::ThinkingLevel::High)
            .unwrap();
        h.push(Turn::text("First answer."));
        h.prompt("first prompt").await;
        h.push(Turn::text("Second answer."));
        h.prompt("second prompt").await;
        h.push(Turn::text(SUMMARY));
        h.session.compact(None).await.unwrap();
        let body = h.requests().last().unwrap().body.clone();
        let effort = body.get("reasoning_effort").cloned();
        if reasoning {
            assert_eq!(effort, Some(json!("high")), "{body}");
        } else {
            assert_eq!(effort, None, "{body}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_compaction_can_be_cancelled_and_holds_prompts_off_meanwhile() {
    let h = two_exchanges().await;
    let before = std::fs::read_to_string(&h.file).unwrap();
    h.clear_events();
    h.push(Turn::fault(Fault::Stall { after_events: 1 }));
    let session = h.session.clone();
    let compaction = tokio::spawn(async move { session.compact(None).await });
    // Cancel once the summary request is out (and stalled), so that it took its turn.
    for _ in 0..400 {
        if h.requests().len() == 3 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    assert_eq!(h.requests().len(), 3);
    assert!(h.session.is_compacting());
    let refused = h.session.prompt("meanwhile", Vec::new()).await.unwrap_err();
    assert_eq!(
        refused.to_string(),
        "Cannot submit a prompt while compaction is in progress. Wait for compaction to finish and retry."
    );
    h.session.abort_compaction();
    let error = compaction.await.unwrap().unwrap_err();
    assert!(matches!(error, CompactionError::Cancelled));
    assert_eq!(error.to_string(), "Compaction cancelled");
    assert!(!h.session.is_compacting());
    assert_eq!(
        h.events_of(&["compaction_end"])[0],
        json!({"type": "compaction_end", "reason": "manual", "aborted": true, "willRetry": false})
    );
    assert_eq!(std::fs::read_to_string(&h.file).unwrap(), before);

    // The session is usable again.
    h.push(Turn::text("Third answer."));
    h.prompt("third prompt").await;
}

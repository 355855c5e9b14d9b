//! The `pi` binary recovering from a context overflow in JSON mode, against each wire API:
//! the same events and session entries as pi 0.87.1 wrote for the same conversation
//! (`fixtures/compaction/overflow-recovery.*`, recorded with `overflow.mock.json`).

use pi_ai::testing::{Fault, Turn};
use serde_json::Value;

use super::binary_support::{APIS, Pi, entry_kinds, read_jsonl};
use super::session_support::fixtures;

const OVERFLOW: &str = "prompt is too long: 300000 tokens > 200000 maximum";

/// What is compared of an event: its type, and for the compaction and entry events the
/// fields that do not depend on ids, times or token counts.
fn shape(event: &Value) -> Value {
    let kind = event["type"].as_str().unwrap_or_default();
    match kind {
        "compaction_start" => event.clone(),
        "compaction_end" => {
            let result = &event["result"];
            serde_json::json!({
                "type": kind,
                "reason": event["reason"],
                "aborted": event["aborted"],
                "willRetry": event["willRetry"],
                "summary": result["summary"],
                "details": result["details"],
                "resultKeys": result.as_object().map(|o| o.keys().cloned().collect::<Vec<_>>()),
            })
        }
        "entry_appended" => serde_json::json!({
            "type": kind,
            "entry": event["entry"]["type"],
            "replacement": event["entry"]["replacement"],
        }),
        "message_start" | "message_end" => serde_json::json!({
            "type": kind,
            "role": event["message"]["role"],
            "stopReason": event["message"]["stopReason"],
        }),
        "agent_end" => serde_json::json!({"type": kind, "willRetry": event["willRetry"]}),
        _ => serde_json::json!({"type": kind}),
    }
}

fn shapes(events: &[Value]) -> Vec<Value> {
    events
        .iter()
        .filter(|event| event["type"] != "message_update" && event["type"] != "session")
        .map(shape)
        .collect()
}

#[test]
fn an_overflow_is_recovered_as_the_reference_recovers_it() {
    let reference_events =
        read_jsonl(&fixtures().join("compaction/overflow-recovery.events.jsonl"));
    let reference_entries = read_jsonl(&fixtures().join("compaction/overflow-recovery.jsonl"));
    for (api, provider) in APIS {
        let pi = Pi::new();
        std::fs::write(
            pi.agent.join("settings.json"),
            r#"{"compaction": {"keepRecentTokens": 1}}"#,
        )
        .unwrap();
        pi.push(Turn::text("First answer."));
        pi.push(Turn::fault(Fault::Http {
            status: 400,
            retry_after: None,
            message: Some(OVERFLOW.into()),
        }));
        pi.push(Turn::text("## Goal\nHistory summary."));
        pi.push(Turn::text("## Original Request\nThe second prompt."));
        pi.push(Turn::text("Recovered answer."));
        let run = pi.run(
            &[
                "--model",
                &format!("{provider}/m"),
                "--mode",
                "json",
                "first prompt",
                "second prompt",
            ],
            "",
        );
        assert_eq!(run.code, 0, "{api}: {}", run.stderr);
        let events = run.events();
        assert_eq!(shapes(&events), shapes(&reference_events), "{api}");

        let entries = pi.session_entries();
        assert_eq!(
            entry_kinds(&entries),
            entry_kinds(&reference_entries),
            "{api}"
        );
        let compaction = entries.iter().find(|e| e["type"] == "compaction").unwrap();
        let reference = reference_entries
            .iter()
            .find(|e| e["type"] == "compaction")
            .unwrap();
        let keys = |entry: &Value| {
            entry
                .as_object()
                .unwrap()
                .keys()
                .cloned()
                .collect::<Vec<_>>()
        };
        assert_eq!(keys(compaction), keys(reference), "{api}");
        assert_eq!(compaction["summary"], reference["summary"], "{api}");
        // The kept part starts at the hidden attempt, as in the reference.
        let failed = entries
            .iter()
            .find(|e| e["message"]["stopReason"] == "error")
            .unwrap();
        assert_eq!(compaction["firstKeptEntryId"], failed["id"], "{api}");
        let system_keys = keys(&compaction["systemMessage"]);
        assert_eq!(system_keys, keys(&reference["systemMessage"]), "{api}");
        // The retried request saw the summary and nothing of the failed attempt.
        let requests = pi.server.requests();
        assert_eq!(requests.len(), 5, "{api}");
        let retry = serde_json::to_string(&requests[4].body).unwrap();
        assert!(
            retry.contains("compacted into the following summary"),
            "{api}"
        );
        assert!(!retry.contains("\"second prompt\""), "{api}: {retry}");
        let stdout_last = events.last().unwrap();
        assert_eq!(stdout_last["type"], "agent_settled", "{api}");
    }
}

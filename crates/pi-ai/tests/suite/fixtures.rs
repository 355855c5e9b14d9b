//! Every message pi ever wrote to a session survives our types.

use pi_ai::Message;
use serde_json::Value;

use super::support::fixture_lines;

const SESSIONS_087: [&str; 8] = [
    "continued-session",
    "rpc-main",
    "thinking-anthropic",
    "thinking-google",
    "thinking-openai-completions",
    "thinking-openai-responses",
    "tools-anthropic",
    "tools-openai-completions",
];

/// Roles the coding agent adds on top of pi-ai's; they belong to the agent layer.
const AGENT_ROLES: [&str; 4] = [
    "bashExecution",
    "custom",
    "branchSummary",
    "compactionSummary",
];

/// Round-trips every LLM message of `file`; returns how many were checked.
fn round_trip(file: &str, legacy: bool) -> usize {
    let mut checked = 0;
    for (number, line) in fixture_lines(file).iter().enumerate() {
        let entry: Value = serde_json::from_str(line).unwrap();
        if entry["type"] != "message" {
            continue;
        }
        let original = entry["message"].clone();
        let role = original["role"].as_str().unwrap();
        if AGENT_ROLES.contains(&role) {
            continue;
        }
        let text = serde_json::to_string(&original).unwrap();
        let message: Message = pi_ai::lossy_json::from_str(&text)
            .unwrap_or_else(|err| panic!("{file}:{}: {err}", number + 1));
        let written = serde_json::to_value(&message).unwrap();
        let mut expected = original.clone();
        if legacy {
            // pi's first versions wrote no usage total; ours writes 0 (read back as "unknown").
            if let Some(usage) = expected.get_mut("usage").and_then(Value::as_object_mut) {
                usage.entry("totalTokens").or_insert(Value::from(0));
            }
        }
        assert_eq!(
            written,
            expected,
            "{file}:{}: round trip changed the message",
            number + 1
        );
        // And the text we write is the text pi wrote, key for key.
        if !legacy {
            assert_eq!(
                serde_json::to_string(&message).unwrap().len(),
                text.len(),
                "{file}:{}",
                number + 1
            );
        }
        checked += 1;
    }
    checked
}

#[test]
fn sessions_of_pi_0_87_round_trip_exactly() {
    let checked: usize = SESSIONS_087
        .iter()
        .map(|name| round_trip(&format!("sessions-0.87.1/{name}.jsonl"), false))
        .sum();
    // Every message entry of these files has an LLM role except one bash execution.
    assert_eq!(checked, 72);
}

#[test]
fn legacy_sessions_round_trip() {
    let checked = round_trip("sessions-v1/large-session.jsonl", true)
        + round_trip("sessions-v1/before-compaction.jsonl", true);
    assert!(checked > 1800, "checked {checked}");
}

#[test]
fn lone_surrogates_in_a_session_line_do_not_fail_decoding() {
    // What JSON.stringify writes for a string cut in the middle of an emoji.
    let line =
        r#"{"role":"user","content":[{"type":"text","text":"cut \ud83d here"}],"timestamp":1}"#;
    let message: Message = pi_ai::lossy_json::from_str(line).unwrap();
    let Message::User(user) = message else {
        panic!("not a user message")
    };
    assert_eq!(user.content.text(""), "cut  here");
}

#[test]
fn malformed_messages_are_rejected_with_the_reason() {
    let error =
        serde_json::from_str::<Message>(r#"{"role":"assistant","content":[]}"#).unwrap_err();
    assert!(error.to_string().contains("missing field"), "{error}");
    let error = serde_json::from_str::<Message>(r#"{"role":"robot","content":"x","timestamp":1}"#)
        .unwrap_err();
    assert!(
        error.to_string().contains("unknown variant `robot`"),
        "{error}"
    );
}

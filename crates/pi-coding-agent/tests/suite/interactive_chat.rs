//! The chat components against pi 0.87.1's own, rendered under node for the same data and
//! widths (`fixtures/interactive/chat-reference.json`, written by
//! `scripts/reference/chat-record.mjs`): every line, escape sequences included. Then the
//! components on a terminal, as snapshots.

use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::time::Instant;

use super::interactive_support::on_screen;
use pi_coding_agent::interactive::chat::{
    AssistantMessage, BashExecution, BranchSummary, ChatStyle, CompactionSummary, CustomMessage,
    ToolExecution, ToolOutcome, UserMessage,
};
use pi_coding_agent::interactive::keybindings::{AppKeybindings, KeyPlatform};
use pi_coding_agent::interactive::theme::{ColorMode, Theme};
use pi_coding_agent::messages::{
    BranchSummaryMessage, CompactionSummaryMessage, CustomRoleMessage,
};
use pi_tui::Component;
use serde_json::Value;

fn reference() -> Vec<Value> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/interactive/chat-reference.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn style() -> Rc<ChatStyle> {
    ChatStyle::new(
        Theme::dark(ColorMode::TrueColor),
        &AppKeybindings::defaults(KeyPlatform::Linux),
        PathBuf::from("/home/user/project"),
        Some(PathBuf::from("/home/user")),
    )
    .shared()
}

/// Our component for a recorded case.
fn component(case: &Value, style: &Rc<ChatStyle>) -> Box<dyn Component> {
    let data = &case["data"];
    let expanded = data["expanded"].as_bool().unwrap_or(false);
    match case["kind"].as_str().unwrap() {
        "user" => Box::new(UserMessage::new(
            data["text"].as_str().unwrap(),
            style.clone(),
        )),
        "assistant" => Box::new(AssistantMessage::new(
            Some(serde_json::from_value(data["message"].clone()).unwrap()),
            data["hideThinking"].as_bool().unwrap(),
            style.clone(),
        )),
        "compaction" => {
            let message: CompactionSummaryMessage =
                serde_json::from_value(data["message"].clone()).unwrap();
            let mut c = CompactionSummary::new(message, style.clone());
            c.set_expanded(expanded);
            Box::new(c)
        }
        "branch" => {
            let message: BranchSummaryMessage =
                serde_json::from_value(data["message"].clone()).unwrap();
            let mut c = BranchSummary::new(message, style.clone());
            c.set_expanded(expanded);
            Box::new(c)
        }
        "custom" => {
            let message: CustomRoleMessage =
                serde_json::from_value(data["message"].clone()).unwrap();
            Box::new(CustomMessage::new(&message, style.clone()))
        }
        "tool" => {
            let args = data["args"].as_object().unwrap().clone();
            let mut c = ToolExecution::new(
                data["tool"].as_str().unwrap(),
                "call_1",
                args,
                style.clone(),
            );
            c.set_expanded(expanded);
            if let Some(result) = data["result"].as_object() {
                let outcome = ToolOutcome {
                    content: serde_json::from_value(result["content"].clone()).unwrap(),
                    details: result.get("details").cloned(),
                    is_error: result["isError"].as_bool().unwrap(),
                };
                c.update_result(outcome, false, Instant::now());
            }
            Box::new(c)
        }
        "bashExecution" => {
            let mut c = BashExecution::new(
                data["command"].as_str().unwrap(),
                data["exclude"].as_bool().unwrap_or(false),
                style.clone(),
            );
            c.append_output(data["output"].as_str().unwrap());
            c.set_complete(
                data["exitCode"].as_i64(),
                data["cancelled"].as_bool().unwrap_or(false),
                false,
                None,
            );
            c.set_expanded(expanded);
            Box::new(c)
        }
        other => panic!("unknown kind {other}"),
    }
}

#[test]
fn chat_components_match_the_reference_line_for_line() {
    let style = style();
    let cases = reference();
    assert!(cases.len() > 90);
    let mut failures = Vec::new();
    for case in &cases {
        let name = format!(
            "{} {}",
            case["kind"].as_str().unwrap(),
            case["name"].as_str().unwrap()
        );
        let width = usize::try_from(case["width"].as_u64().unwrap()).unwrap();
        let expected: Vec<String> = serde_json::from_value(case["lines"].clone()).unwrap();
        let ours = component(case, &style).render(width);
        if ours != expected {
            failures.push(format!("{name}\n  ours: {ours:?}\n  pi:   {expected:?}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} differ:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[test]
fn a_conversation_on_a_terminal() {
    let style = style();
    let assistant: pi_ai::AssistantMessage = serde_json::from_value(serde_json::json!({
        "role": "assistant",
        "content": [
            {"type": "thinking", "thinking": "The test fails on **empty** input."},
            {"type": "text", "text": "I'll run the tests:\n\n- `cargo test`\n- then fix it"},
            {"type": "toolCall", "id": "c1", "name": "bash", "arguments": {"command": "cargo test"}}
        ],
        "api": "anthropic-messages", "provider": "anthropic", "model": "m",
        "usage": {"input": 0, "output": 0, "cacheRead": 0, "cacheWrite": 0, "totalTokens": 0,
                  "cost": {"input": 0, "output": 0, "cacheRead": 0, "cacheWrite": 0, "total": 0}},
        "stopReason": "toolUse", "timestamp": 0
    }))
    .unwrap();
    let mut args = serde_json::Map::new();
    args.insert("command".into(), "cargo test".into());
    let mut tool = ToolExecution::new("bash", "c1", args, style.clone());
    let started = Instant::now();
    tool.mark_execution_started(started);
    let output: String = (1..=8).map(|i| format!("test case_{i} ... ok\n")).collect();
    tool.update_result(
        ToolOutcome {
            content: vec![pi_ai::InputContent::Text(pi_ai::TextContent::new(output))],
            details: None,
            is_error: false,
        },
        false,
        started + std::time::Duration::from_millis(2340),
    );
    let mut components: Vec<Box<dyn Component>> = vec![
        Box::new(UserMessage::new("Why does `parse` fail?", style.clone())),
        Box::new(AssistantMessage::new(
            Some(assistant.clone()),
            false,
            style.clone(),
        )),
        Box::new(tool),
        Box::new(AssistantMessage::new(Some(assistant), true, style.clone())),
    ];
    let mut shown = String::new();
    for width in [60u16, 32] {
        let lines: Vec<String> = components
            .iter_mut()
            .flat_map(|c| c.render(usize::from(width)))
            .collect();
        shown.push_str(&format!("width {width}\n{}", on_screen(&lines, width)));
    }
    insta::assert_snapshot!(shown);
}

#[test]
fn renders_come_from_the_cache_until_something_changes() {
    let style = style();
    let mut bash = BashExecution::new("seq 3", false, style);
    bash.append_output("1\n2\n");
    let first = bash.render(50);
    assert_eq!(bash.render(50), first);
    bash.append_output("3");
    bash.set_complete(Some(2), false, false, None);
    let done = bash.render(50);
    assert_ne!(done, first);
    assert!(
        done.iter()
            .any(|l| pi_tui::strip_ansi(l).contains("(exit 2)"))
    );
}

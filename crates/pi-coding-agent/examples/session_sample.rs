//! Writes and reads sessions for `scripts/session-parity.sh`, which hands them to the
//! reference pi and back.
//!
//! ```text
//! session_sample write <file> <cwd>   # a session with tools, thinking, branches, labels,
//!                                     # a compaction and a name
//! session_sample show <file>          # what we read: entries, leaf and context, as JSON
//! ```
#![allow(clippy::print_stdout, reason = "a command-line tool reports on stdout")]

use std::error::Error;
use std::path::Path;

use pi_agent_core::AgentMessage;
use pi_ai::{
    AssistantContent, AssistantMessage, InputContent, StopReason, TextContent, ThinkingContent,
    ToolCall, ToolResultMessage, UserMessage,
};
use pi_coding_agent::session::SessionManager;
use serde_json::json;

fn main() -> Result<(), Box<dyn Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["write", file, cwd] => write(Path::new(file), Path::new(cwd)),
        ["show", file] => show(Path::new(file)),
        _ => Err("usage: session_sample write <file> <cwd> | show <file>".into()),
    }
}

fn answer(content: Vec<AssistantContent>, stop: StopReason) -> AgentMessage {
    let mut message = AssistantMessage::empty("openai-completions", "mock-chat", "hello");
    message.content = content;
    message.stop_reason = stop;
    message.into()
}

fn text(text: &str) -> AssistantContent {
    AssistantContent::Text(TextContent::new(text))
}

fn write(file: &Path, cwd: &Path) -> Result<(), Box<dyn Error>> {
    let mut session = SessionManager::open(file, None, Some(cwd))?;
    session.append_model_change("mock-chat", "hello")?;
    session.append_thinking_level_change("medium")?;
    let first = session.append_message(&UserMessage::text("List the files, please.").into())?;
    let mut arguments = serde_json::Map::new();
    arguments.insert("command".into(), "ls".into());
    let call = ToolCall::new("call_sample_1", "bash", arguments);
    session.append_message(&answer(
        vec![
            AssistantContent::Thinking(ThinkingContent::new("I will run ls.")),
            text("Listing."),
            AssistantContent::ToolCall(call.clone()),
        ],
        StopReason::ToolUse,
    ))?;
    let result = ToolResultMessage {
        content: vec![InputContent::Text(TextContent::new("input.txt\n"))],
        ..ToolResultMessage::text(&call, "", false)
    };
    session.append_message(&result.into())?;
    let listed =
        session.append_message(&answer(vec![text("There is input.txt.")], StopReason::Stop))?;
    session.append_label_change(&first, Some("start"))?;
    // A branch that is left: asked, answered, then abandoned for another question.
    session.append_message(&UserMessage::text("ABANDONED question").into())?;
    session.append_message(&answer(vec![text("ABANDONED answer")], StopReason::Stop))?;
    session.branch_with_summary(
        Some(&listed),
        "The user asked something and dropped it.",
        None,
        None,
        None,
    )?;
    let kept = session.append_message(&UserMessage::text("What is in input.txt?").into())?;
    session.append_message(&answer(
        vec![text("It says: some input.")],
        StopReason::Stop,
    ))?;
    session.append_compaction(
        "COMPACTED: the user listed files and read input.txt.",
        Some(&kept),
        1234,
        Some(json!({"readFiles": ["input.txt"], "modifiedFiles": []})),
        None,
        None,
    )?;
    session.append_session_info("Sample session")?;
    session.append_message(&UserMessage::text("Thanks.").into())?;
    session.append_message(&answer(vec![text("You are welcome.")], StopReason::Stop))?;
    println!("{}", session.leaf_id().unwrap_or_default());
    Ok(())
}

fn show(file: &Path) -> Result<(), Box<dyn Error>> {
    let session = SessionManager::open(file, None, None)?;
    let context = session.build_session_context()?;
    let summary = json!({
        "entries": session.entry_count(),
        "leaf": session.leaf_id(),
        "name": session.session_name(),
        "thinkingLevel": context.thinking_level,
        "context": context.messages.iter().map(|m| m.role()).collect::<Vec<_>>(),
    });
    println!("{summary}");
    Ok(())
}

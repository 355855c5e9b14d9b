//! Print mode (`-p`, `--mode text`) and JSON mode (`--mode json`): run the prompts one after
//! another, then print the answer (text) or every event as it happens (JSON).

use std::io::Write;

use pi_ai::{AssistantContent, ImageContent, StopReason};

use crate::agent_session::{AgentSession, SessionEvent};

/// What print mode writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrintOutput {
    /// The final answer's text blocks.
    Text,
    /// The session header, then one JSON line per event.
    Json,
}

/// The prompts of one print-mode run.
#[derive(Debug, Clone, Default)]
pub struct PrintInput {
    /// The first prompt (stdin, `@file` text and the first message), with its images.
    pub initial: Option<(String, Vec<ImageContent>)>,
    /// The remaining messages, each its own prompt.
    pub messages: Vec<String>,
}

/// Runs the prompts and prints the result; returns the process exit code.
///
/// `out` receives the answer or the events; errors go to `err`. A failed or aborted final
/// response is an error (exit code 1) with its message.
pub async fn run_print_mode(
    session: &AgentSession,
    output: PrintOutput,
    input: PrintInput,
    out: impl Write + Send + 'static,
    mut err: impl Write,
) -> i32 {
    let out = std::sync::Arc::new(std::sync::Mutex::new(out));
    let subscription = match output {
        PrintOutput::Json => {
            let header = pi_ai::js_number::to_string(&session.session().header().to_value())
                .unwrap_or_default();
            write_line(&out, &header);
            let sink = std::sync::Arc::clone(&out);
            Some(session.subscribe(move |event: &SessionEvent<'_>| {
                write_line(&sink, &event.to_json_line());
            }))
        }
        PrintOutput::Text => None,
    };
    let prompts = input
        .initial
        .into_iter()
        .chain(input.messages.into_iter().map(|text| (text, Vec::new())));
    let mut code = 0;
    for (text, images) in prompts {
        if let Err(error) = session.prompt(&text, images).await {
            let _ = writeln!(err, "{error}");
            code = 1;
            break;
        }
    }
    if let Some(subscription) = subscription {
        session.unsubscribe(subscription);
    }
    if code == 0 && output == PrintOutput::Text {
        code = print_answer(session, &out, &mut err);
    }
    if let Ok(mut out) = out.lock() {
        let _ = out.flush();
    }
    code
}

/// Prints the last assistant message's text blocks, or its error.
fn print_answer<W: Write>(
    session: &AgentSession,
    out: &std::sync::Mutex<W>,
    err: &mut impl Write,
) -> i32 {
    let messages = session.messages();
    let Some(last) = messages.last().and_then(|m| m.as_assistant()) else {
        return 0;
    };
    if matches!(last.stop_reason, StopReason::Error | StopReason::Aborted) {
        let message = last
            .error_message
            .clone()
            .unwrap_or_else(|| format!("Request {}", last.stop_reason.as_str()));
        let _ = writeln!(err, "{message}");
        return 1;
    }
    for block in &last.content {
        if let AssistantContent::Text(text) = block {
            write_line(out, &text.text);
        }
    }
    0
}

fn write_line<W: Write>(out: &std::sync::Mutex<W>, line: &str) {
    if let Ok(mut out) = out.lock() {
        // A closed stdout (`pi -p ... | head`) is not an error worth reporting.
        let _ = out.write_all(line.as_bytes());
        let _ = out.write_all(b"\n");
    }
}

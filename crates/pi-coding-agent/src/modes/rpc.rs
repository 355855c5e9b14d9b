//! RPC mode (`--mode rpc`): pi as a long-lived child process driven by JSON commands on
//! stdin, answering with one `response` record per command and streaming the session's
//! events on stdout, all as strict JSONL (see `docs/rpc.md`).
//!
//! Commands run concurrently, as pi runs them: each starts as soon as its line is read, in
//! input order, and they interleave where they wait (a prompt streams while `steer`,
//! `get_state` or `abort` are answered). Everything runs on one task, so a command's
//! synchronous part (answering `get_state`, accepting a prompt) is never overtaken by a
//! later line. Bad input of any kind is answered with an error and the session goes on. At
//! the end of input pi stops what runs (as `abort` does), answers every command it read,
//! and exits with status 0.

mod command;
mod framing;
mod handlers;
mod output;

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use futures_util::StreamExt as _;
use futures_util::stream::FuturesUnordered;
use tokio::io::AsyncRead;

use crate::agent_session::SessionRuntime;
use command::Parsed;
use framing::{Line, LineReader, MAX_LINE_BYTES};
use output::{Output, Reply};

/// How long work may take to stop at exit before pi leaves anyway.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

/// The state the commands share.
struct Rpc {
    runtime: SessionRuntime,
    output: Output,
    /// The longest line read.
    max_line: usize,
    /// Set when input ended: prompts not yet running are no longer started.
    closing: AtomicBool,
    /// Held by a prompt from its checks until its run has started, so that two prompts
    /// never both pass the "agent is idle" check, and by a session replacement, so that no
    /// prompt is checked against a session that is going away.
    prompt_gate: tokio::sync::Mutex<()>,
}

/// Runs RPC mode over `input` and `output` until the input ends (exit code 0) or a
/// SIGTERM (143) or SIGHUP (129) arrives.
pub async fn run_rpc_mode(
    runtime: SessionRuntime,
    input: impl AsyncRead + Unpin,
    output: impl Write + Send + 'static,
) -> i32 {
    run_with_limit(runtime, input, output, MAX_LINE_BYTES).await
}

async fn run_with_limit(
    runtime: SessionRuntime,
    input: impl AsyncRead + Unpin,
    output: impl Write + Send + 'static,
    max_line: usize,
) -> i32 {
    let rpc = Rpc {
        runtime,
        output: Output::new(output),
        max_line,
        closing: AtomicBool::new(false),
        prompt_gate: tokio::sync::Mutex::new(()),
    };
    let events = rpc.output.clone();
    rpc.runtime
        .subscribe(move |event| events.line(&event.to_json_line()));
    let mut reader = LineReader::new(input, max_line);
    let mut running = FuturesUnordered::new();
    let mut terminate = signal(tokio::signal::unix::SignalKind::terminate());
    let mut hangup = signal(tokio::signal::unix::SignalKind::hangup());
    let code = loop {
        tokio::select! {
            line = reader.next_line() => match line {
                Ok(Some(line)) => running.push(handle_line(&rpc, line)),
                // A read error ends the input as its end does.
                Ok(None) | Err(_) => break 0,
            },
            Some(()) = running.next(), if !running.is_empty() => {}
            Some(()) = recv(&mut terminate) => break 143,
            Some(()) = recv(&mut hangup) => break 129,
        }
    };
    // Let the commands just read start, as they would have had input gone on.
    while let Some(Some(())) = futures_util::FutureExt::now_or_never(running.next()) {}
    rpc.closing.store(true, Ordering::SeqCst);
    // The commands still running are polled while the session stops: the run being
    // aborted lives among them.
    let finish = async {
        let drain = async { while running.next().await.is_some() {} };
        futures_util::future::join(rpc.runtime.shut_down(), drain).await;
    };
    let grace = if code == 0 {
        SHUTDOWN_GRACE
    } else {
        Duration::from_secs(2)
    };
    if tokio::time::timeout(grace, finish).await.is_err() {
        rpc.runtime.services().kill_running_commands();
    }
    code
}

/// Answers one line of input.
async fn handle_line(rpc: &Rpc, line: Line) {
    let text = match line {
        Line::Text(text) => text,
        Line::TooLong(length) => {
            rpc.output.respond(
                None,
                "parse",
                Reply::Failed(format!(
                    "Failed to parse command: line of {length} bytes is over the limit of {} bytes",
                    rpc.max_line
                )),
            );
            return;
        }
    };
    match command::parse(&text) {
        Parsed::Malformed { id, error } => rpc.output.respond(
            id.as_ref(),
            "parse",
            Reply::Failed(format!("Failed to parse command: {error}")),
        ),
        Parsed::Invalid { id, name, error } => {
            rpc.output.respond(id.as_ref(), &name, Reply::Failed(error));
        }
        Parsed::Command { id, name, command } => {
            handlers::handle(rpc, id.as_ref(), &name, command).await;
        }
    }
}

fn signal(kind: tokio::signal::unix::SignalKind) -> Option<tokio::signal::unix::Signal> {
    tokio::signal::unix::signal(kind).ok()
}

/// The next delivery of `signal`; never, without a handler.
async fn recv(signal: &mut Option<tokio::signal::unix::Signal>) -> Option<()> {
    match signal {
        Some(signal) => signal.recv().await,
        None => std::future::pending().await,
    }
}

#[cfg(test)]
mod tests;

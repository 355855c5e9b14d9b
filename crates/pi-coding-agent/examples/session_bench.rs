//! Whole-process session figures for `scripts/bench.sh`: generates large sessions, then
//! opens, continues and lists them the way `pi` does.
//!
//! ```text
//! session_bench generate <file> <megabytes> [compacted]
//! session_bench generate-many <dir> <count> <megabytes each>
//! session_bench open <file>          # open, build the context, append one entry
//! session_bench list <dir>           # list every session in <dir>
//! ```
#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "a command-line tool reports on its standard streams"
)]

#[path = "../benches/support/sessions.rs"]
mod sessions;

use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use pi_ai::UserMessage;
use pi_coding_agent::session::{SessionLocation, SessionManager, list_all_sessions};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg = |n: usize| args.get(n).map(String::as_str).unwrap_or_default();
    let megabytes = |n: usize| arg(n).parse::<u64>().unwrap_or(1) << 20;
    let result = match arg(0) {
        "generate" => {
            sessions::write_session(Path::new(arg(1)), megabytes(2), arg(3) == "compacted")
                .map(|w| println!("wrote {} entries, {} bytes", w.entries, w.bytes))
                .map_err(|err| err.to_string())
        }
        "generate-many" => {
            let count = arg(2).parse().unwrap_or(1);
            sessions::write_sessions(Path::new(arg(1)), count, megabytes(3))
                .map_err(|err| err.to_string())
        }
        "open" => open(Path::new(arg(1))),
        "list" => {
            let start = Instant::now();
            let location = SessionLocation::new("/nonexistent").with_session_dir(arg(1));
            let sessions = list_all_sessions(&location, None);
            println!(
                "listed {} sessions in {:?}",
                sessions.len(),
                start.elapsed()
            );
            Ok(())
        }
        _ => Err("usage: session_bench generate|generate-many|open|list ...".into()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("session_bench: {err}");
            ExitCode::FAILURE
        }
    }
}

fn open(file: &Path) -> Result<(), String> {
    let start = Instant::now();
    let mut session = SessionManager::open(file, None, None).map_err(|e| e.to_string())?;
    let context = session.build_session_context().map_err(|e| e.to_string())?;
    let opened = start.elapsed();
    session
        .append_message(&UserMessage::text("one more thing").into())
        .map_err(|e| e.to_string())?;
    println!(
        "opened {} entries, {} context messages in {opened:?}",
        session.entry_count(),
        context.messages.len()
    );
    Ok(())
}

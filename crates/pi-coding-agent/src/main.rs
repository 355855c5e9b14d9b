//! `pi`, the terminal AI coding agent.
//!
//! The binary wires the command line, configuration (`~/.pi/agent`), sessions, the built-in
//! tools and the print, JSON, RPC and interactive modes on top of `pi-ai`, `pi-agent-core`
//! and `pi-tui`. This build answers `--version` and `--help`; the modes arrive with the
//! command-line parser.

use std::io::Write;
use std::process::ExitCode;

const HELP: &str = "\
pi - AI coding assistant

Usage:
  pi [options] [@files...] [messages...]

Options:
  --help, -h      Show this help
  --version, -v   Show version number
";

fn main() -> ExitCode {
    let arg = std::env::args().nth(1);
    let text = match arg.as_deref() {
        Some("--version" | "-v") => format!("{}\n", env!("CARGO_PKG_VERSION")),
        Some("--help" | "-h") | None => HELP.to_string(),
        Some(other) => {
            let mut stderr = std::io::stderr().lock();
            // A closed stderr leaves nothing useful to do; the exit code still says it failed.
            let _ = writeln!(stderr, "pi: unknown option {other}; try pi --help");
            return ExitCode::FAILURE;
        }
    };
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(text.as_bytes()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) if err.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(_) => ExitCode::FAILURE,
    }
}

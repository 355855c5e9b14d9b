//! The `pi` program: the startup sequence from the command line to a running mode.
//!
//! Order matters and follows pi: flags, early answers (`--version`, `--help`), the mode, the
//! session (its directory may come from settings), configuration for the session's working
//! directory, resources and the system prompt, the model, then the mode runs.

mod migrations;
mod services;
mod startup;

use std::ffi::OsString;
use std::io::{IsTerminal, Read, Write};
use std::path::Path;
use std::process::ExitCode;

use crate::cli::{self, Args, Mode};

/// Runs `pi` with `argv` (without the program name); returns the exit code.
pub fn main(argv: Vec<OsString>) -> ExitCode {
    let code = run(argv);
    ExitCode::from(u8::try_from(code).unwrap_or(1))
}

fn run(argv: Vec<OsString>) -> i32 {
    if let Some(command) = argv.first().and_then(|arg| arg.to_str())
        && matches!(
            command,
            "install" | "remove" | "uninstall" | "update" | "list" | "config" | "auth"
        )
    {
        eprintln_plain(&format!(
            "pi {command}: not supported yet (package management and auth commands are not available in this build)"
        ));
        return 1;
    }
    let args = cli::parse_args(argv);
    for diagnostic in &args.diagnostics {
        eprintln_plain(&diagnostic.line());
    }
    if args.diagnostics.iter().any(cli::Diagnostic::is_error) {
        return 1;
    }
    if args.version {
        return print_stdout(&format!("{}\n", env!("CARGO_PKG_VERSION")));
    }
    if args.help {
        return print_stdout(cli::HELP);
    }
    if let Some(input) = &args.export {
        return export(input, args.messages.first());
    }
    let mode = app_mode(
        &args,
        std::io::stdin().is_terminal(),
        std::io::stdout().is_terminal(),
    );
    if args.mode == Some(Mode::Rpc) && !args.file_args.is_empty() {
        eprintln_plain("Error: @file arguments are not supported in RPC mode");
        return 1;
    }
    unsupported_notes(&args, mode);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln_plain(&format!("Error: cannot start: {err}"));
            return 1;
        }
    };
    let code = match runtime.block_on(startup::run(args, mode)) {
        startup::Started::Exited(code) => code,
        // The chat screen owns this thread; the agent works on the runtime's.
        startup::Started::Interactive(launch) => {
            let (session_runtime, options) = *launch;
            crate::modes::run_interactive_mode(runtime.handle().clone(), session_runtime, options)
        }
    };
    // Do not wait for blocking reads of a stdin that is still open (RPC mode ended by a
    // signal).
    runtime.shutdown_background();
    code
}

/// `pi --export <session.jsonl> [output.html]`: writes the page and says where.
fn export(input: &str, output: Option<&String>) -> i32 {
    let output = output.map(Path::new);
    match crate::export_html::export_from_file(Path::new(input), output) {
        Ok(path) => print_stdout(&format!("Exported to: {}\n", path.display())),
        Err(err) => {
            eprintln_plain(&format!("Error: {err}"));
            1
        }
    }
}

/// How this run talks to its user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppMode {
    /// The chat interface.
    Interactive,
    /// Print the final answer.
    Print,
    /// Print every event as JSON.
    Json,
    /// JSON commands and responses.
    Rpc,
}

/// pi's choice: `--mode rpc`/`json` win; `-p` or a non-terminal stdin or stdout means print.
pub fn app_mode(args: &Args, stdin_is_terminal: bool, stdout_is_terminal: bool) -> AppMode {
    match args.mode {
        Some(Mode::Rpc) => AppMode::Rpc,
        Some(Mode::Json) => AppMode::Json,
        _ if args.print || !stdin_is_terminal || !stdout_is_terminal => AppMode::Print,
        _ => AppMode::Interactive,
    }
}

/// Flags whose features this build does not have yet say so instead of doing nothing.
fn unsupported_notes(args: &Args, mode: AppMode) {
    let mut notes = Vec::new();
    if !args.extensions.is_empty() || args.no_extensions {
        notes.push("extensions (-e, --no-extensions)");
    }
    if !args.unknown_flags.is_empty() {
        notes.push("extension flags");
    }
    if mode != AppMode::Interactive
        && (!args.themes.is_empty() || args.no_themes || args.use_theme.is_some())
    {
        notes.push("themes (--theme, --no-themes, --use-theme)");
    }
    if args.resume && mode != AppMode::Interactive {
        notes.push("the session picker (--resume)");
    }
    if args.tui_mode.is_some() {
        notes.push("--tui-mode");
    }
    for note in notes {
        eprintln_plain(&format!("Note: {note} not supported yet; ignored"));
    }
}

/// All of stdin when it is not a terminal, trimmed; `None` when empty or a terminal.
pub(crate) fn read_piped_stdin() -> Option<String> {
    let mut stdin = std::io::stdin();
    if stdin.is_terminal() {
        return None;
    }
    let mut bytes = Vec::new();
    stdin.read_to_end(&mut bytes).ok()?;
    let text = String::from_utf8_lossy(&bytes);
    let trimmed = text.trim();
    (!trimmed.is_empty()).then(|| trimmed.to_string())
}

pub(crate) fn print_stdout(text: &str) -> i32 {
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Ok(()) => 0,
        Err(err) if err.kind() == std::io::ErrorKind::BrokenPipe => 0,
        Err(_) => 1,
    }
}

/// One line on stderr; nothing useful is left to do if stderr is closed.
pub(crate) fn eprintln_plain(line: &str) {
    let _ = writeln!(std::io::stderr().lock(), "{line}");
}

//! `bash`: runs a command in the working directory, streaming its merged output, keeping
//! the tail within the limits (the full output goes to a temp file), and killing the whole
//! process tree on timeout or abort.

use std::os::fd::OwnedFd;
use std::os::unix::process::ExitStatusExt as _;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::Arc;
use std::time::Duration;

use pi_agent_core::{
    AgentTool, AgentToolResult, BoxFuture, ToolCallInput, ToolError, ToolProgress,
};
use pi_ai::{CancellationToken, ConstrainedSampling, Strictness};
use serde_json::{Map, Value, json};
use tokio::io::AsyncReadExt as _;
use tokio::time::Instant;

use super::args::{optional_f64, required_str};
use super::errors::{ToolFailure, error_code};
use super::format::js_number;
use super::output::{OutputAccumulator, OutputSnapshot};
use super::shell::{RunningCommands, SessionEnv, kill_process_tree, shell_config, shell_env};
use super::text_result;
use super::truncate::{DEFAULT_MAX_BYTES, Limits, TruncatedBy, format_size};

const DESCRIPTION: &str = "Execute a bash command in the current working directory. Returns stdout and stderr. Output is truncated to last 2000 lines or 50KB (whichever is hit first). If truncated, full output is saved to a temp file. Optionally provide a timeout in seconds.";

/// Longest timeout (the largest JavaScript timer, in milliseconds).
const MAX_TIMEOUT_MS: f64 = 2_147_483_647.0;
/// Least time between two progress updates.
const UPDATE_INTERVAL: Duration = Duration::from_millis(100);
/// How long output may pause after the shell exited before the command counts as done
/// (a background child can hold the output open forever).
const EXIT_IDLE_GRACE: Duration = Duration::from_millis(100);

/// Asks for the current session's variables when a command starts.
pub type SessionEnvFn = Arc<dyn Fn() -> SessionEnv + Send + Sync>;

/// Settings of the `bash` tool.
#[derive(Clone)]
pub struct BashOptions {
    /// The shell to use (`shellPath` setting); it must exist.
    pub shell_path: Option<PathBuf>,
    /// Lines run before every command (`shellCommandPrefix` setting).
    pub command_prefix: Option<String>,
    /// pi's managed tools directory (`<agentDir>/bin`), put first on `PATH`.
    pub bin_dir: Option<PathBuf>,
    /// Whether commands see the `PI_*` session variables (on by default; inherited ones
    /// are removed either way).
    pub expose_session_environment: bool,
    /// The current session's variables.
    pub session_env: Option<SessionEnvFn>,
}

impl Default for BashOptions {
    fn default() -> Self {
        BashOptions {
            shell_path: None,
            command_prefix: None,
            bin_dir: None,
            expose_session_environment: true,
            session_env: None,
        }
    }
}

impl std::fmt::Debug for BashOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BashOptions")
            .field("shell_path", &self.shell_path)
            .field("command_prefix", &self.command_prefix)
            .field("bin_dir", &self.bin_dir)
            .field(
                "expose_session_environment",
                &self.expose_session_environment,
            )
            .finish_non_exhaustive()
    }
}

/// The `bash` tool.
#[derive(Debug)]
pub struct BashTool {
    cwd: PathBuf,
    options: BashOptions,
    running: RunningCommands,
    parameters: Value,
    sampling: ConstrainedSampling,
}

impl BashTool {
    /// A `bash` tool running commands in `cwd`; `running` tracks their process groups.
    pub fn new(cwd: impl Into<PathBuf>, options: BashOptions, running: RunningCommands) -> Self {
        BashTool {
            cwd: cwd.into(),
            options,
            running,
            parameters: json!({
                "type": "object",
                "required": ["command"],
                "properties": {
                    "command": {"type": "string", "description": "Shell command to execute"},
                    "timeout": {"type": "number", "description": "Timeout in seconds (optional, no default timeout)"}
                }
            }),
            sampling: ConstrainedSampling::JsonSchema {
                strict: Strictness::Prefer,
            },
        }
    }
}

impl AgentTool for BashTool {
    fn name(&self) -> &str {
        "bash"
    }

    fn description(&self) -> &str {
        DESCRIPTION
    }

    fn parameters(&self) -> &Value {
        &self.parameters
    }

    fn constrained_sampling(&self) -> Option<&ConstrainedSampling> {
        Some(&self.sampling)
    }

    fn execute(&self, input: ToolCallInput) -> BoxFuture<'_, Result<AgentToolResult, ToolError>> {
        Box::pin(async move {
            let command = required_str(&input.args, "command")?;
            let timeout = optional_f64(&input.args, "timeout");
            Ok(self
                .run(command, timeout, &input.cancel, &input.progress)
                .await?)
        })
    }
}

/// Why a command did not finish on its own.
enum ExecError {
    Aborted,
    TimedOut,
    Failed(ToolFailure),
}

impl From<ToolFailure> for ExecError {
    fn from(failure: ToolFailure) -> Self {
        ExecError::Failed(failure)
    }
}

impl BashTool {
    async fn run(
        &self,
        command: &str,
        timeout: Option<f64>,
        cancel: &CancellationToken,
        progress: &ToolProgress,
    ) -> Result<AgentToolResult, ToolFailure> {
        let command = match &self.options.command_prefix {
            Some(prefix) if !prefix.is_empty() => format!("{prefix}\n{command}"),
            _ => command.to_string(),
        };
        let session = self
            .options
            .session_env
            .as_ref()
            .filter(|_| self.options.expose_session_environment)
            .map(|current| current());
        let env = shell_env(self.options.bin_dir.as_deref(), session.as_ref());
        let mut stream = Streamer::new(progress.clone());
        progress.update(AgentToolResult::default());
        let outcome = self.exec(&command, timeout, env, cancel, &mut stream).await;
        let snapshot = stream.finish();
        let last_line_bytes = stream.output.last_line_bytes();
        let exit_code = match outcome {
            Ok(code) => code,
            Err(ExecError::Failed(failure)) => return Err(failure),
            Err(ExecError::Aborted) => {
                let (text, _) = format_output(&snapshot, last_line_bytes, "");
                return Err(append_status(&text, "Command aborted").into());
            }
            Err(ExecError::TimedOut) => {
                let (text, _) = format_output(&snapshot, last_line_bytes, "");
                let seconds = js_number(timeout.unwrap_or(0.0));
                let status = format!("Command timed out after {seconds} seconds");
                return Err(append_status(&text, &status).into());
            }
        };
        let (text, details) = format_output(&snapshot, last_line_bytes, "(no output)");
        if exit_code != 0 {
            let status = format!("Command exited with code {exit_code}");
            return Err(append_status(&text, &status).into());
        }
        let mut result = text_result(text);
        result.details = details;
        Ok(result)
    }

    async fn exec(
        &self,
        command: &str,
        timeout: Option<f64>,
        env: Vec<(std::ffi::OsString, std::ffi::OsString)>,
        cancel: &CancellationToken,
        stream: &mut Streamer,
    ) -> Result<i32, ExecError> {
        let timeout = resolve_timeout(timeout)?;
        if cancel.is_cancelled() {
            return Err(ExecError::Aborted);
        }
        let shell = shell_config(self.options.shell_path.as_deref())?;
        if !self.cwd.exists() {
            return Err(ToolFailure(format!(
                "Working directory does not exist: {}\nCannot execute bash commands.",
                self.cwd.display()
            ))
            .into());
        }
        let io_failure = |err: std::io::Error| ExecError::Failed(ToolFailure(err.to_string()));
        // One pipe for both streams keeps stdout and stderr in the order they were written.
        let (reader, writer) = std::io::pipe().map_err(io_failure)?;
        let mut cmd = tokio::process::Command::new(&shell.shell);
        cmd.args(&shell.args)
            .arg(command)
            .current_dir(&self.cwd)
            .env_clear()
            .envs(env)
            .stdin(Stdio::null())
            .stdout(writer.try_clone().map_err(io_failure)?)
            .stderr(writer)
            .process_group(0);
        let spawned = cmd.spawn();
        // The command holds our copies of the pipe's write end: without dropping it the
        // pipe would never reach its end.
        drop(cmd);
        let mut child = spawned.map_err(|err| {
            let code = error_code(&err).map_or_else(|| err.to_string(), str::to_string);
            ToolFailure(format!("spawn {} {code}", shell.shell.display()))
        })?;
        let pid = child.id().unwrap_or_default();
        let mut guard = TreeGuard::new(pid, self.running.clone());
        let mut pipe = tokio::net::unix::pipe::Receiver::from_owned_fd(OwnedFd::from(reader))
            .map_err(io_failure)?;

        let timeout_at = timeout.map(|timeout| Instant::now() + timeout);
        let mut timed_out = false;
        let mut aborted = false;
        let mut exit_status = None;
        let mut eof = false;
        let mut idle_until: Option<Instant> = None;
        let mut buffer = vec![0u8; 64 * 1024];
        let far = || Instant::now() + Duration::from_secs(86_400 * 365);
        while !(eof && exit_status.is_some()) {
            let update_at = stream.update_due();
            tokio::select! {
                () = cancel.cancelled(), if !aborted && !timed_out => {
                    aborted = true;
                    kill_process_tree(pid);
                }
                () = tokio::time::sleep_until(timeout_at.unwrap_or_else(far)), if timeout_at.is_some() && !timed_out && !aborted => {
                    timed_out = true;
                    kill_process_tree(pid);
                }
                () = tokio::time::sleep_until(update_at.unwrap_or_else(far)), if update_at.is_some() => {
                    stream.emit();
                }
                read = pipe.read(&mut buffer), if !eof => match read {
                    Ok(0) => eof = true,
                    Ok(n) => {
                        stream.data(&buffer[..n]);
                        if exit_status.is_some() {
                            idle_until = Some(Instant::now() + EXIT_IDLE_GRACE);
                        }
                    }
                    Err(err) if err.kind() == std::io::ErrorKind::Interrupted => {}
                    Err(_) => eof = true,
                },
                status = child.wait(), if exit_status.is_none() => {
                    exit_status = Some(status.map_err(io_failure)?);
                    // Children left in the background stay alive, as in a terminal.
                    guard.disarm();
                    idle_until = Some(Instant::now() + EXIT_IDLE_GRACE);
                }
                () = tokio::time::sleep_until(idle_until.unwrap_or_else(far)), if idle_until.is_some() && !eof => {
                    break;
                }
            }
        }
        if aborted || cancel.is_cancelled() {
            return Err(ExecError::Aborted);
        }
        if timed_out {
            return Err(ExecError::TimedOut);
        }
        let status = exit_status
            .ok_or_else(|| ToolFailure("Command terminated without an exit code".into()))?;
        // A shell killed by a signal reports 128 + the signal, as shells do.
        Ok(status
            .code()
            .or_else(|| status.signal().map(|signal| 128 + signal))
            .unwrap_or(1))
    }
}

fn resolve_timeout(timeout: Option<f64>) -> Result<Option<Duration>, ToolFailure> {
    let Some(seconds) = timeout else {
        return Ok(None);
    };
    if !seconds.is_finite() || seconds <= 0.0 {
        return Err("Invalid timeout: must be a finite number of seconds".into());
    }
    let millis = seconds * 1000.0;
    if millis > MAX_TIMEOUT_MS {
        return Err(format!(
            "Invalid timeout: maximum is {} seconds",
            js_number(MAX_TIMEOUT_MS / 1000.0)
        )
        .into());
    }
    Ok(Some(Duration::from_secs_f64(seconds)))
}

/// Kills the command's process tree if the call ends (or is dropped) while it runs.
struct TreeGuard {
    pid: u32,
    armed: bool,
    running: RunningCommands,
}

impl TreeGuard {
    fn new(pid: u32, running: RunningCommands) -> Self {
        running.track(pid);
        TreeGuard {
            pid,
            armed: true,
            running,
        }
    }

    fn disarm(&mut self) {
        self.armed = false;
    }
}

impl Drop for TreeGuard {
    fn drop(&mut self) {
        if self.armed {
            kill_process_tree(self.pid);
        }
        self.running.untrack(self.pid);
    }
}

/// Collects output and reports it as progress, at most every 100 ms.
struct Streamer {
    output: OutputAccumulator,
    progress: ToolProgress,
    dirty: bool,
    last_update: Option<Instant>,
}

impl Streamer {
    fn new(progress: ToolProgress) -> Self {
        Streamer {
            output: OutputAccumulator::new(Limits::default(), "pi-bash"),
            progress,
            dirty: false,
            last_update: None,
        }
    }

    fn data(&mut self, chunk: &[u8]) {
        self.output.append(chunk);
        self.dirty = true;
        if self
            .last_update
            .is_none_or(|last| last.elapsed() >= UPDATE_INTERVAL)
        {
            self.emit();
        }
    }

    fn update_due(&self) -> Option<Instant> {
        self.dirty.then(|| {
            self.last_update
                .map_or_else(Instant::now, |last| last + UPDATE_INTERVAL)
        })
    }

    fn emit(&mut self) {
        if !self.dirty {
            return;
        }
        self.dirty = false;
        self.last_update = Some(Instant::now());
        let snapshot = self.output.snapshot(true);
        let mut details = Map::new();
        if snapshot.truncation.truncated {
            details.insert("truncation".into(), json!(snapshot.truncation));
        }
        if let Some(path) = &snapshot.full_output_path {
            details.insert("fullOutputPath".into(), json!(path));
        }
        let mut update = text_result(snapshot.truncation.content);
        update.details = Some(Value::Object(details));
        self.progress.update(update);
    }

    fn finish(&mut self) -> OutputSnapshot {
        self.output.finish();
        self.emit();
        let snapshot = self.output.snapshot(true);
        self.output.close_temp_file();
        snapshot
    }
}

fn append_status(text: &str, status: &str) -> String {
    if text.is_empty() {
        status.to_string()
    } else {
        format!("{text}\n\n{status}")
    }
}

/// The result text with pi's truncation notice, and the details when truncated.
fn format_output(
    snapshot: &OutputSnapshot,
    last_line_bytes: usize,
    empty_text: &str,
) -> (String, Option<Value>) {
    let truncation = &snapshot.truncation;
    let mut text = if truncation.content.is_empty() {
        empty_text.to_string()
    } else {
        truncation.content.clone()
    };
    if !truncation.truncated {
        return (text, None);
    }
    let full = snapshot.full_output_path.as_deref().map_or_else(
        || "undefined".to_string(),
        |path: &Path| path.display().to_string(),
    );
    let start = truncation.total_lines as i64 - truncation.output_lines as i64 + 1;
    let end = truncation.total_lines;
    if truncation.last_line_partial {
        text.push_str(&format!(
            "\n\n[Showing last {} of line {end} (line is {}). Full output: {full}]",
            format_size(truncation.output_bytes),
            format_size(last_line_bytes)
        ));
    } else if truncation.truncated_by == Some(TruncatedBy::Lines) {
        text.push_str(&format!(
            "\n\n[Showing lines {start}-{end} of {end}. Full output: {full}]"
        ));
    } else {
        text.push_str(&format!(
            "\n\n[Showing lines {start}-{end} of {end} ({} limit). Full output: {full}]",
            format_size(DEFAULT_MAX_BYTES)
        ));
    }
    let mut details = Map::new();
    details.insert("truncation".into(), json!(truncation));
    if let Some(path) = &snapshot.full_output_path {
        details.insert("fullOutputPath".into(), json!(path));
    }
    (text, Some(Value::Object(details)))
}

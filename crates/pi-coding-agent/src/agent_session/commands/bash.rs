//! Shell commands the user runs (`!command` in the editor, RPC `bash`): output streamed as
//! `bash_execution_update` events, the result recorded as a `bashExecution` message that
//! the model reads with the next prompt.

use std::os::fd::OwnedFd;
use std::path::PathBuf;
use std::process::Stdio;

use pi_ai::CancellationToken;
use serde::Serialize;
use tokio::io::AsyncReadExt;

use super::super::{AgentSession, SessionEvent};
use crate::messages::BashExecutionMessage;
use crate::tools::{
    BashOptions, DEFAULT_MAX_BYTES, Limits, Utf8Stream, kill_process_tree, shell_config, shell_env,
    truncate_tail,
};

/// How a user's shell command ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BashResult {
    /// The output (stdout and stderr in arrival order), its tail when truncated.
    pub output: String,
    /// The exit code; absent when the command was cancelled.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exit_code: Option<i64>,
    /// Whether it was cancelled.
    pub cancelled: bool,
    /// Whether `output` is only the tail.
    pub truncated: bool,
    /// Where the whole output was saved, once it outgrew the limits.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub full_output_path: Option<PathBuf>,
}

/// Why a shell command could not run.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BashError {
    /// No shell, no working directory, or the process could not start (pi's texts).
    #[error("{0}")]
    Start(String),
}

impl AgentSession {
    /// Runs `command` in the session's directory with the `bash` tool's shell settings,
    /// announcing its output as it comes (`id` names the request in those events). The
    /// result is recorded as a `bashExecution` message, hidden from the model when
    /// `exclude_from_context`; while the agent works, recording waits until it settles.
    pub async fn execute_bash(
        &self,
        command: &str,
        shell: &BashOptions,
        exclude_from_context: bool,
        id: Option<&str>,
    ) -> Result<BashResult, BashError> {
        let cancel = CancellationToken::new();
        let key = {
            let mut commands = self.commands();
            commands.next_bash += 1;
            let key = commands.next_bash;
            commands.running_bash.push((key, cancel.clone()));
            key
        };
        let cwd = self.session().cwd().to_path_buf();
        let resolved = match &shell.command_prefix {
            Some(prefix) => format!("{prefix}\n{command}"),
            None => command.to_string(),
        };
        let result = run(&resolved, &cwd, shell, &cancel, |delta| {
            self.shared
                .emit(&SessionEvent::BashExecutionUpdate { id, delta });
        })
        .await;
        self.commands().running_bash.retain(|(k, _)| *k != key);
        let result = result?;
        self.record_bash_result(command, &result, exclude_from_context);
        Ok(result)
    }

    /// Cancels every running user shell command.
    pub fn abort_bash(&self) {
        for (_, cancel) in &self.commands().running_bash {
            cancel.cancel();
        }
    }

    /// Whether a user shell command is running.
    pub fn is_bash_running(&self) -> bool {
        !self.commands().running_bash.is_empty()
    }

    /// Records a shell command's result: now, or when the agent settles if it is working (a
    /// message between a tool call and its result would break the transcript).
    pub fn record_bash_result(&self, command: &str, result: &BashResult, exclude: bool) {
        let message = BashExecutionMessage {
            command: command.to_string(),
            output: result.output.clone(),
            exit_code: result.exit_code,
            cancelled: result.cancelled,
            truncated: result.truncated,
            full_output_path: result
                .full_output_path
                .as_ref()
                .map(|path| path.to_string_lossy().into_owned()),
            timestamp: pi_ai::now_ms(),
            exclude_from_context: exclude.then_some(true),
        };
        if self.is_streaming() {
            self.commands().pending_bash.push(message);
            return;
        }
        self.append_bash_messages(vec![message]);
    }

    /// Records the shell commands that ended while the agent worked.
    pub(in crate::agent_session) fn flush_pending_bash(&self) {
        let pending = std::mem::take(&mut self.commands().pending_bash);
        if !pending.is_empty() {
            self.append_bash_messages(pending);
        }
    }

    fn append_bash_messages(&self, messages: Vec<BashExecutionMessage>) {
        let appended = {
            let mut session = self.session();
            messages.iter().try_for_each(|message| {
                session
                    .append_message(&message.to_agent_message())
                    .map(drop)
            })
        };
        let refreshed = appended.and_then(|()| self.refresh_context());
        if let Err(err) = refreshed {
            lock_run(self).persist_error.get_or_insert(err);
        }
    }
}

fn lock_run(session: &AgentSession) -> std::sync::MutexGuard<'_, super::super::RunState> {
    super::super::lock(&session.shared.run)
}

/// Output kept while a command runs: the sanitized text (a rolling tail of twice the
/// display limit) and, once the output outgrows the limit, a temp file with all of it.
struct Collected {
    chunks: std::collections::VecDeque<String>,
    kept_bytes: usize,
    raw_bytes: usize,
    full_output: Option<(PathBuf, Option<std::fs::File>)>,
}

impl Collected {
    fn new() -> Self {
        Collected {
            chunks: std::collections::VecDeque::new(),
            kept_bytes: 0,
            raw_bytes: 0,
            full_output: None,
        }
    }

    fn push(&mut self, raw_len: usize, text: String) {
        self.raw_bytes += raw_len;
        if self.raw_bytes > DEFAULT_MAX_BYTES {
            self.spill();
        }
        self.write_full(&text);
        self.kept_bytes += text.len();
        self.chunks.push_back(text);
        while self.kept_bytes > DEFAULT_MAX_BYTES * 2 && self.chunks.len() > 1 {
            if let Some(dropped) = self.chunks.pop_front() {
                self.kept_bytes -= dropped.len();
            }
        }
    }

    /// Starts the full-output file with what is kept so far.
    fn spill(&mut self) {
        if self.full_output.is_some() {
            return;
        }
        let path = std::env::temp_dir().join(format!("pi-bash-{:016x}.log", random_u64()));
        // Without the file the output is still shown; only the full copy is missing.
        let file = std::fs::File::options()
            .write(true)
            .create_new(true)
            .open(&path)
            .ok();
        self.full_output = Some((path, file));
        let kept: Vec<String> = self.chunks.iter().cloned().collect();
        for chunk in kept {
            self.write_full(&chunk);
        }
    }

    fn write_full(&mut self, text: &str) {
        use std::io::Write as _;
        if let Some((_, file @ Some(_))) = &mut self.full_output
            && let Some(handle) = file.as_mut()
            && handle.write_all(text.as_bytes()).is_err()
        {
            *file = None;
        }
    }

    fn finish(mut self, exit_code: Option<i64>, cancelled: bool) -> BashResult {
        let text: String = self.chunks.iter().map(String::as_str).collect();
        let tail = truncate_tail(&text, Limits::default());
        if tail.truncated {
            self.spill();
        }
        let output = if tail.truncated { tail.content } else { text };
        BashResult {
            output,
            exit_code,
            cancelled,
            truncated: tail.truncated,
            full_output_path: self.full_output.map(|(path, _)| path),
        }
    }
}

/// Runs `command` with the configured shell in its own process group; a cancelled command's
/// whole process tree is killed.
async fn run(
    command: &str,
    cwd: &std::path::Path,
    options: &BashOptions,
    cancel: &CancellationToken,
    mut on_output: impl FnMut(&str),
) -> Result<BashResult, BashError> {
    let shell = shell_config(options.shell_path.as_deref()).map_err(|e| BashError::Start(e.0))?;
    if !cwd.exists() {
        return Err(BashError::Start(format!(
            "Working directory does not exist: {}\nCannot execute bash commands.",
            cwd.display()
        )));
    }
    let failed = |err: std::io::Error| BashError::Start(err.to_string());
    // One pipe for both streams keeps stdout and stderr in the order they were written.
    let (reader, writer) = std::io::pipe().map_err(failed)?;
    let mut cmd = tokio::process::Command::new(&shell.shell);
    cmd.args(&shell.args)
        .arg(command)
        .current_dir(cwd)
        .env_clear()
        .envs(shell_env(options.bin_dir.as_deref(), None))
        .stdin(Stdio::null())
        .stdout(writer.try_clone().map_err(failed)?)
        .stderr(writer)
        .process_group(0);
    let spawned = cmd.spawn();
    // The command holds our copies of the pipe's write end; dropping it lets the pipe end.
    drop(cmd);
    let mut child = spawned
        .map_err(|err| BashError::Start(format!("spawn {}: {err}", shell.shell.display())))?;
    let pid = child.id().unwrap_or_default();
    let mut pipe =
        tokio::net::unix::pipe::Receiver::from_owned_fd(OwnedFd::from(reader)).map_err(failed)?;
    let mut decoder = Utf8Stream::default();
    let mut collected = Collected::new();
    let mut buffer = vec![0u8; 64 * 1024];
    let mut emit = |collected: &mut Collected, raw_len: usize, text: &str| {
        let text = sanitize(text);
        if !text.is_empty() {
            on_output(&text);
        }
        collected.push(raw_len, text);
    };
    let mut cancelled = false;
    let mut status = None;
    let mut eof = false;
    while !(eof && status.is_some()) {
        tokio::select! {
            () = cancel.cancelled(), if !cancelled => {
                cancelled = true;
                kill_process_tree(pid);
            }
            read = pipe.read(&mut buffer), if !eof => match read {
                Ok(0) | Err(_) => eof = true,
                Ok(n) => {
                    let text = decoder.decode(&buffer[..n]);
                    emit(&mut collected, n, &text);
                }
            },
            exited = child.wait(), if status.is_none() => {
                status = Some(exited.map_err(failed)?);
                // A background child may hold the pipe open: read what is there, then stop.
                if !eof {
                    let drained = tokio::time::timeout(
                        std::time::Duration::from_millis(100),
                        pipe.read(&mut buffer),
                    ).await;
                    match drained {
                        Ok(Ok(n)) if n > 0 => {
                            let text = decoder.decode(&buffer[..n]);
                            emit(&mut collected, n, &text);
                        }
                        _ => eof = true,
                    }
                }
            }
        }
    }
    let rest = decoder.finish();
    emit(&mut collected, 0, &rest);
    let cancelled = cancelled || cancel.is_cancelled();
    let exit_code = match (cancelled, status) {
        (true, _) | (false, None) => None,
        (false, Some(status)) => {
            use std::os::unix::process::ExitStatusExt as _;
            Some(i64::from(
                status
                    .code()
                    .or_else(|| status.signal().map(|signal| 128 + signal))
                    .unwrap_or(1),
            ))
        }
    };
    Ok(collected.finish(exit_code, cancelled))
}

/// pi's cleaning of command output: escape sequences removed, control characters other
/// than tab and newline dropped (carriage returns too), as are U+FFF9..U+FFFB.
fn sanitize(text: &str) -> String {
    let stripped = if text.contains('\x1b') || text.contains('\u{9b}') {
        pi_tui::strip_ansi(text)
    } else {
        text.to_string()
    };
    stripped
        .chars()
        .filter(|&c| {
            let code = u32::from(c);
            c == '\t' || c == '\n' || (code > 0x1f && !(0xfff9..=0xfffb).contains(&code))
        })
        .collect()
}

/// 64 random bits for temp file names.
fn random_u64() -> u64 {
    use std::hash::{BuildHasher as _, Hasher as _};
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    if let Ok(elapsed) = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
        hasher.write_u128(elapsed.as_nanos());
    }
    hasher.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sanitizing_drops_escapes_controls_and_carriage_returns() {
        assert_eq!(
            sanitize("\x1b[31mred\x1b[0m\r\nnext\x07\tx\u{fffa}y"),
            "red\nnext\txy"
        );
        assert_eq!(sanitize("plain ünïcode\n"), "plain ünïcode\n");
    }

    #[tokio::test]
    async fn a_command_streams_its_output_and_exit_code() {
        let dir = tempfile::tempdir().unwrap();
        let mut seen = String::new();
        let result = run(
            "printf 'a\\r\\nb'; echo err >&2; exit 3",
            dir.path(),
            &BashOptions::default(),
            &CancellationToken::new(),
            |delta| seen.push_str(delta),
        )
        .await
        .unwrap();
        assert_eq!(result.output, "a\nberr\n");
        assert_eq!(seen, result.output);
        assert_eq!(result.exit_code, Some(3));
        assert!(!result.cancelled && !result.truncated);
        assert_eq!(result.full_output_path, None);
    }

    #[tokio::test]
    async fn long_output_keeps_the_tail_and_saves_the_whole() {
        let dir = tempfile::tempdir().unwrap();
        let result = run(
            "seq 1 30000",
            dir.path(),
            &BashOptions::default(),
            &CancellationToken::new(),
            |_| {},
        )
        .await
        .unwrap();
        assert!(result.truncated);
        assert!(result.output.ends_with("29999\n30000"));
        assert!(!result.output.starts_with("1\n"));
        let path = result.full_output_path.unwrap();
        let full = std::fs::read_to_string(&path).unwrap();
        assert!(full.starts_with("1\n2\n3\n"));
        assert!(full.ends_with("30000\n"));
        std::fs::remove_file(path).unwrap();
    }

    #[tokio::test]
    async fn a_cancelled_command_is_killed_without_an_exit_code() {
        let dir = tempfile::tempdir().unwrap();
        let cancel = CancellationToken::new();
        let trigger = cancel.clone();
        let started = std::time::Instant::now();
        let result = run(
            "echo started; sleep 30",
            dir.path(),
            &BashOptions::default(),
            &cancel,
            move |_| trigger.cancel(),
        )
        .await
        .unwrap();
        assert!(started.elapsed() < std::time::Duration::from_secs(10));
        assert!(result.cancelled);
        assert_eq!(result.exit_code, None);
        assert_eq!(result.output, "started\n");
    }

    #[tokio::test]
    async fn a_missing_directory_is_reported() {
        let err = run(
            "true",
            std::path::Path::new("/nonexistent/pi-test-dir"),
            &BashOptions::default(),
            &CancellationToken::new(),
            |_| {},
        )
        .await
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "Working directory does not exist: /nonexistent/pi-test-dir\nCannot execute bash commands."
        );
    }
}

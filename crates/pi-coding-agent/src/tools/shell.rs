//! Which shell runs commands, with which environment, and how a command's whole process
//! tree is stopped.

use std::collections::HashSet;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use super::errors::ToolFailure;

/// The shell and the arguments that precede the command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShellConfig {
    /// The shell program.
    pub shell: PathBuf,
    /// Arguments before the command (`-c`).
    pub args: Vec<String>,
}

/// pi's choice of shell: the configured `shellPath` (which must exist), else `/bin/bash`,
/// else `bash` on `PATH`, else `sh`.
pub fn shell_config(custom: Option<&Path>) -> Result<ShellConfig, ToolFailure> {
    let bash = |shell: PathBuf| ShellConfig {
        shell,
        args: vec!["-c".into()],
    };
    if let Some(custom) = custom {
        let expanded = PathBuf::from(super::path::expand_path(&custom.to_string_lossy()));
        if expanded.exists() {
            return Ok(bash(expanded));
        }
        return Err(ToolFailure(format!(
            "Custom shell path not found: {}",
            custom.display()
        )));
    }
    let default = Path::new("/bin/bash");
    if default.exists() {
        return Ok(bash(default.to_path_buf()));
    }
    if let Some(found) = find_on_path("bash") {
        return Ok(bash(found));
    }
    Ok(bash(PathBuf::from("sh")))
}

fn find_on_path(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|candidate| candidate.is_file())
}

/// The variables pi sets for commands about the session (`PI_SESSION_ID`, ...).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SessionEnv {
    /// The session id.
    pub session_id: String,
    /// The session file, unless the session is not saved.
    pub session_file: Option<PathBuf>,
    /// The current model's provider.
    pub provider: Option<String>,
    /// The current model's id.
    pub model: Option<String>,
    /// The current thinking level.
    pub reasoning_level: Option<String>,
}

const SESSION_VARIABLES: [&str; 5] = [
    "PI_SESSION_ID",
    "PI_SESSION_FILE",
    "PI_PROVIDER",
    "PI_MODEL",
    "PI_REASONING_LEVEL",
];

/// The environment of a command: this process's, with `bin_dir` (pi's managed tools)
/// first on `PATH` and the session variables replaced by `session`'s.
pub fn shell_env(
    bin_dir: Option<&Path>,
    session: Option<&SessionEnv>,
) -> Vec<(OsString, OsString)> {
    let mut env: Vec<(OsString, OsString)> = std::env::vars_os()
        .filter(|(key, _)| !SESSION_VARIABLES.iter().any(|name| key == name))
        .collect();
    if let Some(bin_dir) = bin_dir {
        let path_key = env
            .iter()
            .position(|(key, _)| key.to_string_lossy().eq_ignore_ascii_case("path"));
        let current = path_key
            .map(|index| env[index].1.clone())
            .unwrap_or_default();
        let present = std::env::split_paths(&current).any(|entry| entry == bin_dir);
        if !present {
            let mut entries = vec![bin_dir.to_path_buf()];
            entries.extend(
                std::env::split_paths(&current).filter(|entry| !entry.as_os_str().is_empty()),
            );
            if let Ok(joined) = std::env::join_paths(entries) {
                match path_key {
                    Some(index) => env[index].1 = joined,
                    None => env.push(("PATH".into(), joined)),
                }
            }
        }
    }
    if let Some(session) = session {
        let mut set = |key: &str, value: Option<OsString>| {
            if let Some(value) = value {
                env.push((key.into(), value));
            }
        };
        set("PI_SESSION_ID", Some(session.session_id.clone().into()));
        set(
            "PI_SESSION_FILE",
            session.session_file.clone().map(Into::into),
        );
        set("PI_PROVIDER", session.provider.clone().map(Into::into));
        set("PI_MODEL", session.model.clone().map(Into::into));
        set(
            "PI_REASONING_LEVEL",
            session.reasoning_level.clone().map(Into::into),
        );
    }
    env
}

/// Kills a process group (a command started in its own group, with everything it spawned),
/// or the process alone when the group is gone.
pub fn kill_process_tree(pid: u32) {
    use rustix::process::{Pid, Signal, kill_process, kill_process_group};
    let Some(pid) = i32::try_from(pid).ok().and_then(Pid::from_raw) else {
        return;
    };
    if kill_process_group(pid, Signal::KILL).is_err() {
        let _ = kill_process(pid, Signal::KILL);
    }
}

/// The process groups of commands still running, so that an application can stop them
/// all when it exits (they live in their own groups and would outlive it).
#[derive(Debug, Clone, Default)]
pub struct RunningCommands {
    pids: Arc<Mutex<HashSet<u32>>>,
}

impl RunningCommands {
    fn with<R>(&self, f: impl FnOnce(&mut HashSet<u32>) -> R) -> R {
        // A panic while holding this lock cannot leave the set inconsistent.
        let mut pids = self
            .pids
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        f(&mut pids)
    }

    pub(crate) fn track(&self, pid: u32) {
        self.with(|pids| pids.insert(pid));
    }

    pub(crate) fn untrack(&self, pid: u32) {
        self.with(|pids| pids.remove(&pid));
    }

    /// Kills every running command's process tree.
    pub fn kill_all(&self) {
        for pid in self.with(std::mem::take) {
            kill_process_tree(pid);
        }
    }
}

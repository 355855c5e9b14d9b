//! Crash safety: a writer process is killed with SIGKILL at arbitrary points, round after
//! round on the same file; every entry it reported written must still be there, and the
//! file must keep loading and growing.
//!
//! The writer is this same test binary, started again with `PI_SESSION_CRASH_FILE` set.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};

use pi_coding_agent::session::SessionManager;

use super::session_support::{Scratch, assistant, user};

const WRITER_FILE: &str = "PI_SESSION_CRASH_FILE";
const TEST_NAME: &str = "suite::session_crash::killed_writers_never_lose_a_reported_entry";
const ROUNDS: u64 = 24;

#[test]
fn killed_writers_never_lose_a_reported_entry() {
    match std::env::var_os(WRITER_FILE) {
        Some(file) => write_until_killed(Path::new(&file)),
        None => kill_writers_repeatedly(),
    }
}

/// The writer: appends entries of every size forever, reporting each id once it is on disk
/// (a new session's first entries wait in memory for the first assistant message).
fn write_until_killed(file: &Path) {
    let mut session = SessionManager::open(file, None, None).unwrap();
    let mut stdout = std::io::stdout().lock();
    let mut pending = Vec::new();
    for n in 0u64.. {
        let id = match n % 4 {
            0 => session.append_message(&user(&format!("question {n}"))),
            1 => session.append_message(&assistant(&"answer ".repeat((n % 7 * 1500) as usize))),
            2 => session.append_thinking_level_change(if n % 8 == 2 { "high" } else { "low" }),
            _ => {
                let target = session.leaf_id().unwrap().to_string();
                session.append_label_change(&target, Some(&format!("mark {n}")))
            }
        }
        .unwrap();
        pending.push(id);
        if file.exists() {
            for id in pending.drain(..) {
                writeln!(stdout, "written {id}").unwrap();
            }
            stdout.flush().unwrap();
        }
    }
}

fn kill_writers_repeatedly() {
    let scratch = Scratch::new();
    let file = scratch.path().join("crash.jsonl");
    let mut reported: Vec<String> = Vec::new();
    for round in 0..ROUNDS {
        // Kill after a varying number of reports (a simple generator keeps runs repeatable).
        let kill_after = (round * 2_654_435_761 % 61 + 1) as usize;
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args(["--exact", TEST_NAME, "--nocapture", "--test-threads=1"])
            .env(WRITER_FILE, &file)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let mut seen = 0;
        for line in lines.by_ref() {
            let line = line.unwrap();
            if let Some(id) = line.strip_prefix("written ") {
                reported.push(id.to_string());
                seen += 1;
                if seen == kill_after {
                    break;
                }
            }
        }
        child.kill().unwrap();
        child.wait().unwrap();
        // Reports already in the pipe were written too.
        for line in lines {
            if let Some(id) = line.unwrap().strip_prefix("written ") {
                reported.push(id.to_string());
            }
        }

        let session = SessionManager::open(&file, None, None).unwrap();
        for id in &reported {
            assert!(
                session.entry(id).unwrap().is_some(),
                "round {round}: entry {id} was reported written but is gone"
            );
        }
        let entries = session.entries().unwrap();
        for entry in &entries {
            if let Some(parent) = &entry.parent_id {
                assert!(
                    session.entry(parent).unwrap().is_some(),
                    "dangling parent {parent}"
                );
            }
        }
        // Each round continues the one chain.
        assert_eq!(session.branch_entries(None).unwrap().len(), entries.len());
    }
    assert!(reported.len() >= ROUNDS as usize);
}

//! A client for `pi --mode rpc`: writes commands, reads every line printed, waits for
//! responses and events with a deadline.

use std::io::{BufRead, Write};
use std::process::{Child, ChildStdin, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use serde_json::Value;

use super::binary_support::Pi;

/// How long any one wait may take before the test fails.
const DEADLINE: Duration = Duration::from_secs(60);

pub struct RpcClient {
    child: Child,
    stdin: Option<ChildStdin>,
    lines: Receiver<String>,
    /// Every line printed so far.
    pub transcript: Vec<String>,
}

impl RpcClient {
    /// Starts `pi --mode rpc <args>` in `pi`'s home.
    pub fn start(pi: &Pi, args: &[&str]) -> RpcClient {
        Self::start_with(pi.command(), args)
    }

    pub fn start_with(mut command: std::process::Command, args: &[&str]) -> RpcClient {
        let mut child = command
            .args(["--mode", "rpc"])
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (sender, lines) = channel();
        std::thread::spawn(move || {
            // Split on LF only, like a strict JSONL client.
            let mut reader = std::io::BufReader::new(stdout);
            let mut line = Vec::new();
            while reader.read_until(b'\n', &mut line).unwrap_or(0) > 0 {
                if line.last() == Some(&b'\n') {
                    line.pop();
                }
                if sender
                    .send(String::from_utf8(std::mem::take(&mut line)).unwrap())
                    .is_err()
                {
                    break;
                }
            }
        });
        RpcClient {
            stdin: child.stdin.take(),
            child,
            lines,
            transcript: Vec::new(),
        }
    }

    /// Writes raw bytes to pi's stdin.
    pub fn write_raw(&mut self, bytes: &[u8]) {
        let stdin = self.stdin.as_mut().unwrap();
        stdin.write_all(bytes).unwrap();
        stdin.flush().unwrap();
    }

    /// Sends one command.
    pub fn send(&mut self, command: &Value) {
        let mut line = serde_json::to_vec(command).unwrap();
        line.push(b'\n');
        self.write_raw(&line);
    }

    /// Sends a command and waits for its response (matched by id).
    pub fn request(&mut self, command: &Value) -> Value {
        self.send(command);
        let id = command["id"].clone();
        assert!(!id.is_null(), "requests need an id: {command}");
        self.wait_for(|record| record["type"] == "response" && record["id"] == id)
    }

    /// Waits for the next record matching `wanted`; earlier ones stay in the transcript.
    pub fn wait_for(&mut self, wanted: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + DEADLINE;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    let record: Value = serde_json::from_str(&line)
                        .unwrap_or_else(|err| panic!("not JSON ({err}): {line}"));
                    self.transcript.push(line);
                    if wanted(&record) {
                        return record;
                    }
                }
                Err(RecvTimeoutError::Timeout) => {
                    panic!("timed out; transcript:\n{}", self.transcript.join("\n"))
                }
                Err(RecvTimeoutError::Disconnected) => {
                    panic!("pi exited; transcript:\n{}", self.transcript.join("\n"))
                }
            }
        }
    }

    /// Closes stdin and waits for pi to exit; returns its exit code (the rest of its output
    /// joins the transcript).
    pub fn finish(mut self) -> (i32, Vec<String>) {
        drop(self.stdin.take());
        let deadline = Instant::now() + DEADLINE;
        let status = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break status;
            }
            assert!(Instant::now() < deadline, "pi did not exit at end of input");
            std::thread::sleep(Duration::from_millis(20));
        };
        while let Ok(line) = self.lines.recv_timeout(Duration::from_secs(5)) {
            self.transcript.push(line);
        }
        (
            status.code().unwrap_or(-1),
            std::mem::take(&mut self.transcript),
        )
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Waits for pi to exit on its own; returns its exit code.
    pub fn wait_exit(&mut self) -> i32 {
        let deadline = Instant::now() + DEADLINE;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.code().unwrap_or(-1);
            }
            assert!(Instant::now() < deadline, "pi did not exit");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// The parsed records of the transcript.
    pub fn records(&self) -> Vec<Value> {
        self.transcript
            .iter()
            .map(|line| serde_json::from_str(line).unwrap())
            .collect()
    }
}

impl Drop for RpcClient {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

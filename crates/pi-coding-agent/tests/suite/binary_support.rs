//! Runs the real `pi` binary in a throwaway home against the loopback provider server.

use std::path::{Path, PathBuf};

use pi_ai::testing::{TestServer, Turn};
use serde_json::{Value, json};

/// The wire APIs the binary is tested against, with the provider each is configured as.
pub const APIS: [(&str, &str); 5] = [
    ("anthropic-messages", "test-anthropic"),
    ("openai-completions", "test-openai"),
    ("openai-responses", "test-responses"),
    ("google-generative-ai", "test-google"),
    ("mistral-conversations", "test-mistral"),
];

/// A temp home with an agent dir, a work dir and a provider server.
pub struct Pi {
    _dir: tempfile::TempDir,
    pub home: PathBuf,
    pub agent: PathBuf,
    pub work: PathBuf,
    pub server: TestServer,
    _runtime: tokio::runtime::Runtime,
}

/// What a run printed.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// stdout's JSON lines.
    pub fn events(&self) -> Vec<Value> {
        self.stdout
            .lines()
            .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}")))
            .collect()
    }

    /// The `type`s of stdout's JSON lines.
    pub fn event_types(&self) -> Vec<String> {
        self.events()
            .iter()
            .map(|event| event["type"].as_str().unwrap_or_default().to_string())
            .collect()
    }
}

impl Pi {
    pub fn new() -> Pi {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let server = runtime.block_on(TestServer::start()).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let home = dir.path().join("home");
        let agent = home.join(".pi/agent");
        let work = dir.path().join("work");
        std::fs::create_dir_all(&agent).unwrap();
        std::fs::create_dir_all(&work).unwrap();
        std::fs::write(work.join("input.txt"), "some input\n").unwrap();
        let pi = Pi {
            _dir: dir,
            home,
            agent,
            work,
            server,
            _runtime: runtime,
        };
        pi.write_models(&pi.models_json());
        pi
    }

    /// `models.json` with one provider per API, each serving models `m` and `r` (reasoning).
    pub fn models_json(&self) -> Value {
        let url = self.server.url();
        let mut providers = serde_json::Map::new();
        for (api, provider) in APIS {
            // Each API appends its own path; the server tells them apart by it.
            let base_url = match api {
                "anthropic-messages" => url.clone(),
                "google-generative-ai" => format!("{url}/v1beta"),
                "mistral-conversations" => format!("{url}/mistral"),
                _ => format!("{url}/v1"),
            };
            providers.insert(
                provider.to_string(),
                json!({
                    "baseUrl": base_url,
                    "api": api,
                    "apiKey": "test-key",
                    "models": [{"id": "m"}, {"id": "r", "reasoning": true}],
                }),
            );
        }
        json!({ "providers": providers })
    }

    pub fn write_models(&self, models: &Value) {
        std::fs::write(
            self.agent.join("models.json"),
            serde_json::to_string_pretty(models).unwrap(),
        )
        .unwrap();
    }

    pub fn push(&self, turn: Turn) {
        self.server.push(turn);
    }

    /// The command, with a clean environment.
    pub fn command(&self) -> std::process::Command {
        let mut command = std::process::Command::new(assert_cmd::cargo::cargo_bin!("pi"));
        command
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", &self.home)
            .env("PI_CODING_AGENT_DIR", &self.agent)
            .env("PI_OFFLINE", "1")
            .current_dir(&self.work);
        command
    }

    /// Runs `pi args...` with `stdin` and waits for it.
    pub fn run(&self, args: &[&str], stdin: &str) -> Run {
        let output = assert_cmd::Command::from_std(self.command())
            .args(args)
            .write_stdin(stdin)
            .output()
            .unwrap();
        Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    /// Runs `pi args...`, sends it Ctrl+C (SIGINT) once its first request is being answered,
    /// and waits for it.
    pub fn interrupted(&self, args: &[&str]) -> std::process::Output {
        let child = self
            .command()
            .args(args)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        while self.server.requests().is_empty() && std::time::Instant::now() < deadline {
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        // Past the request: streaming, or waiting to retry.
        std::thread::sleep(std::time::Duration::from_millis(300));
        let status = std::process::Command::new("kill")
            .args(["-INT", &child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        child.wait_with_output().unwrap()
    }

    /// The session files written so far.
    pub fn session_files(&self) -> Vec<PathBuf> {
        let mut files = Vec::new();
        let root = self.agent.join("sessions");
        for dir in std::fs::read_dir(&root).into_iter().flatten().flatten() {
            for file in std::fs::read_dir(dir.path())
                .into_iter()
                .flatten()
                .flatten()
            {
                files.push(file.path());
            }
        }
        files.sort();
        files
    }

    /// The entries of the only session file.
    pub fn session_entries(&self) -> Vec<Value> {
        let files = self.session_files();
        assert_eq!(files.len(), 1, "{files:?}");
        read_jsonl(&files[0])
    }
}

pub fn read_jsonl(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect()
}

/// `(type, role)` of each entry, the role only for messages.
pub fn entry_kinds(entries: &[Value]) -> Vec<String> {
    entries
        .iter()
        .map(|entry| match entry["message"]["role"].as_str() {
            Some(role) => format!("message:{role}"),
            None => entry["type"].as_str().unwrap_or_default().to_string(),
        })
        .collect()
}

//! End-to-end tests of interactive mode: the real `pi` binary runs in a tmux pane against
//! the loopback provider server; keys go in with `send-keys`, the screen comes back with
//! `capture-pane`, and after each step the session file is checked.
//!
//! tmux comes from Debian's `tmux` package (`.ci/run` installs it when missing). Waits are
//! generous and only bound how long a broken build hangs; nothing asserts on timing.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use pi_ai::testing::Turn;
use serde_json::{Value, json};

use super::binary_support::{Pi, read_jsonl};

const WAIT: Duration = Duration::from_secs(30);

/// One tmux server (on its own socket) with one pane running `pi`.
struct Tmux {
    socket: PathBuf,
    _dir: tempfile::TempDir,
}

impl Tmux {
    /// Starts `pi args...` in a `columns`×`rows` pane, in the test's home, against its
    /// server. When pi exits the pane prints `EXIT=<code>` and stays.
    fn start(pi: &Pi, args: &[&str], columns: u16, rows: u16) -> Tmux {
        Tmux::start_with(pi, args, columns, rows, "")
    }

    /// As [`Tmux::start`], with `exports` (shell `export` arguments) added.
    fn start_with(pi: &Pi, args: &[&str], columns: u16, rows: u16, exports: &str) -> Tmux {
        let (tmux, script) = Tmux::prepare(pi, args, exports);
        tmux.new_session(columns, rows, &format!("bash '{}'", script.display()));
        tmux
    }

    /// `pi` started from an interactive shell, which has job control (Ctrl+Z, `fg`).
    fn start_in_shell(pi: &Pi, args: &[&str], columns: u16, rows: u16) -> Tmux {
        let (tmux, script) = Tmux::prepare(pi, args, "");
        tmux.new_session(columns, rows, "bash --norc --noprofile -i");
        tmux.type_text(&format!("bash '{}'", script.display()));
        tmux.keys(&["Enter"]);
        tmux
    }

    /// A tmux server and the script that runs `pi` in the test's home.
    fn prepare(pi: &Pi, args: &[&str], exports: &str) -> (Tmux, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let socket = dir.path().join("tmux.sock");
        let script = dir.path().join("run.sh");
        let quoted: Vec<String> = args.iter().map(|a| format!("'{a}'")).collect();
        std::fs::write(
            &script,
            format!(
                "cd '{work}'\nexport HOME='{home}' PI_CODING_AGENT_DIR='{agent}' PI_OFFLINE=1 TERM=xterm-256color COLORTERM= {exports}\nunset TMUX_PANE\n'{pi}' {args}\necho EXIT=$?\nsleep 600\n",
                work = pi.work.display(),
                home = pi.home.display(),
                agent = pi.agent.display(),
                pi = assert_cmd::cargo::cargo_bin!("pi").display(),
                args = quoted.join(" "),
            ),
        )
        .unwrap();
        (Tmux { socket, _dir: dir }, script)
    }

    fn new_session(&self, columns: u16, rows: u16, command: &str) {
        let status = self
            .command()
            .args(["-f", "/dev/null", "new-session", "-d", "-x"])
            .arg(columns.to_string())
            .arg("-y")
            .arg(rows.to_string())
            .arg(command)
            .status()
            .expect("tmux runs (install Debian's tmux package)");
        assert!(status.success(), "tmux new-session failed");
    }

    fn command(&self) -> Command {
        let mut command = Command::new("tmux");
        command.arg("-S").arg(&self.socket);
        command
    }

    /// Sends keys as tmux names them (`Enter`, `Escape`, `C-c`).
    fn keys(&self, keys: &[&str]) {
        let status = self.command().arg("send-keys").args(keys).status().unwrap();
        assert!(status.success());
    }

    /// Types text literally.
    fn type_text(&self, text: &str) {
        let status = self
            .command()
            .args(["send-keys", "-l", text])
            .status()
            .unwrap();
        assert!(status.success());
    }

    /// The visible screen as text.
    fn screen(&self) -> String {
        let output = self
            .command()
            .args(["capture-pane", "-p"])
            .output()
            .unwrap();
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    /// The visible screen with its colours (as tmux writes them).
    fn styled_screen(&self) -> String {
        let output = self
            .command()
            .args(["capture-pane", "-p", "-e"])
            .output()
            .unwrap();
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    /// Waits until the screen satisfies `done` and has settled (a frame may reach the
    /// terminal in pieces); panics with the screen after [`WAIT`].
    fn wait_until(&self, what: &str, done: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        let mut previous: Option<String> = None;
        loop {
            let screen = self.screen();
            if done(&screen) {
                if previous.as_deref() == Some(screen.as_str()) {
                    return screen;
                }
                previous = Some(screen);
                std::thread::sleep(Duration::from_millis(30));
                continue;
            }
            previous = None;
            assert!(
                start.elapsed() < WAIT,
                "timed out waiting for {what}; the screen:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Waits until `text` is on screen.
    fn wait_for(&self, text: &str) -> String {
        self.wait_until(&format!("{text:?}"), |screen| screen.contains(text))
    }

    fn resize(&self, columns: u16, rows: u16) {
        let status = self
            .command()
            .args(["resize-window", "-x"])
            .arg(columns.to_string())
            .arg("-y")
            .arg(rows.to_string())
            .status()
            .unwrap();
        assert!(status.success());
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.command().arg("kill-server").status();
    }
}

fn tmux_available() -> bool {
    let available = Command::new("tmux").arg("-V").output().is_ok();
    assert!(
        available || std::env::var_os("PI_SKIP_TMUX_TESTS").is_some(),
        "tmux is missing: install Debian's tmux package (or set PI_SKIP_TMUX_TESTS)"
    );
    available
}

/// The one session file pi wrote, parsed.
fn session(pi: &Pi) -> Vec<Value> {
    let files = pi.session_files();
    assert_eq!(files.len(), 1, "one session file: {files:?}");
    read_jsonl(&files[0])
}

/// The conversation's messages (the stored system prompt left out).
fn messages(entries: &[Value]) -> Vec<&Value> {
    entries
        .iter()
        .filter(|e| e["type"] == "message" && e["message"]["role"] != "system")
        .map(|e| &e["message"])
        .collect()
}

fn roles(entries: &[Value]) -> Vec<String> {
    messages(entries)
        .iter()
        .map(|m| m["role"].as_str().unwrap_or_default().to_owned())
        .collect()
}

/// Waits for the session file to reach `count` messages (it is written as messages end).
fn wait_for_messages(pi: &Pi, count: usize) -> Vec<Value> {
    let start = Instant::now();
    loop {
        let files = pi.session_files();
        if let Some(file) = files.first() {
            let entries = read_jsonl(file);
            if messages(&entries).len() >= count {
                return entries;
            }
        }
        assert!(
            start.elapsed() < WAIT,
            "session never reached {count} messages"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

const MODEL: [&str; 4] = ["--provider", "test-anthropic", "--model", "m"];

#[test]
fn a_prompt_streams_runs_a_tool_and_fills_the_footer() {
    if !tmux_available() {
        return;
    }
    let pi = Pi::new();
    pi.push(
        Turn::text("Let me **check** the directory first.")
            .with_tool_call("bash", json!({"command": "echo tool-ran"}))
            .with_chunks(8)
            .with_delay(Duration::from_millis(40)),
    );
    pi.push(Turn::text("All done: the tool ran.").with_chunks(6));
    let tmux = Tmux::start(&pi, &MODEL, 100, 30);
    let screen = tmux.wait_for("Pi can explain its own features");
    assert!(screen.contains("escape interrupt"), "{screen}");
    assert!(
        screen.contains("(test-anthropic) m"),
        "footer names the model:\n{screen}"
    );

    tmux.type_text("list the files");
    tmux.keys(&["Enter"]);
    tmux.wait_for("Working");
    let screen = tmux.wait_for("$ echo tool-ran");
    assert!(
        screen.contains("Let me check the directory first."),
        "{screen}"
    );
    let screen = tmux.wait_for("All done: the tool ran.");
    assert!(
        screen.contains("tool-ran\n"),
        "the tool's output:\n{screen}"
    );
    let screen = tmux.wait_until("the working spinner to go", |s| !s.contains("Working"));
    assert!(
        screen.contains("↑"),
        "token figures in the footer:\n{screen}"
    );

    let entries = wait_for_messages(&pi, 4);
    assert_eq!(
        roles(&entries),
        ["user", "assistant", "toolResult", "assistant"]
    );
    let msgs = messages(&entries);
    assert_eq!(msgs[0]["content"][0]["text"], "list the files");
    assert!(
        msgs[2]["content"][0]["text"]
            .as_str()
            .unwrap()
            .contains("tool-ran")
    );

    // Escape twice on an empty editor opens the tree (`doubleEscapeAction` by default).
    tmux.keys(&["Escape"]);
    std::thread::sleep(Duration::from_millis(150));
    tmux.keys(&["Escape"]);
    tmux.wait_for("Session Tree");
}

#[test]
fn enter_steers_while_working_and_escape_aborts_and_restores_the_queue() {
    if !tmux_available() {
        return;
    }
    let pi = Pi::new();
    pi.push(
        Turn::text("This answer takes a long time to arrive, piece by piece, slowly.")
            .with_chunks(60)
            .with_delay(Duration::from_millis(200)),
    );
    let tmux = Tmux::start(&pi, &MODEL, 100, 30);
    tmux.wait_for("Pi can explain");
    tmux.type_text("start a long answer");
    tmux.keys(&["Enter"]);
    tmux.wait_for("Working");
    tmux.type_text("change of plan");
    tmux.keys(&["Enter"]);
    let screen = tmux.wait_for("Steering: change of plan");
    assert!(screen.contains("to edit all queued messages"), "{screen}");

    tmux.keys(&["Escape"]);
    let screen = tmux.wait_for("Operation aborted");
    assert!(!screen.contains("Steering: change of plan"), "{screen}");
    // The queued message went back into the editor.
    let editor_line = screen
        .lines()
        .rev()
        .find(|line| line.contains("change of plan"))
        .unwrap_or_default();
    assert!(!editor_line.contains("Steering"), "{screen}");

    let entries = wait_for_messages(&pi, 2);
    let msgs = messages(&entries);
    assert_eq!(roles(&entries), ["user", "assistant"]);
    assert_eq!(msgs[1]["stopReason"], "aborted");
}

#[test]
fn a_bang_command_runs_and_is_recorded() {
    if !tmux_available() {
        return;
    }
    let pi = Pi::new();
    pi.push(Turn::text("It printed hi."));
    let tmux = Tmux::start(&pi, &MODEL, 100, 30);
    tmux.wait_for("Pi can explain");
    tmux.type_text("!echo hi");
    tmux.keys(&["Enter"]);
    let screen = tmux.wait_until("the output", |s| s.lines().any(|line| line.trim() == "hi"));
    assert!(screen.contains("$ echo hi"), "{screen}");
    // The session file is written with the first answer; the command reaches the model.
    tmux.type_text("what did it print?");
    tmux.keys(&["Enter"]);
    tmux.wait_for("It printed hi.");

    let entries = wait_for_messages(&pi, 3);
    assert_eq!(roles(&entries), ["bashExecution", "user", "assistant"]);
    let bash = messages(&entries)[0];
    assert_eq!(bash["command"], "echo hi");
    assert_eq!(bash["output"], "hi\n");
    assert_eq!(bash["exitCode"], 0);
    let request = pi.server.requests().last().unwrap().body.to_string();
    assert!(request.contains("Ran `echo hi`"), "{request}");
}

#[test]
fn the_model_selector_switches_models_and_the_session_records_it() {
    if !tmux_available() {
        return;
    }
    let pi = Pi::new();
    pi.push(Turn::text("Hello from m."));
    let tmux = Tmux::start(&pi, &MODEL, 100, 30);
    tmux.wait_for("Pi can explain");
    // A message first, so the session file exists.
    tmux.type_text("hi");
    tmux.keys(&["Enter"]);
    tmux.wait_for("Hello from m.");
    tmux.type_text("/model");
    tmux.keys(&["Enter"]);
    tmux.wait_for("[test-google]");
    tmux.type_text("test-openai r");
    let screen = tmux.wait_until("the filtered list", |s| !s.contains("[test-google]"));
    assert!(screen.contains("r [test-openai]"), "{screen}");
    tmux.keys(&["Enter"]);
    let screen = tmux.wait_for("Model: r");
    assert!(
        screen.contains("(test-openai) r"),
        "the footer follows:\n{screen}"
    );

    let entries = session(&pi);
    let change = entries
        .iter()
        .rev()
        .find(|e| e["type"] == "model_change")
        .expect("a model_change entry");
    assert_eq!(change["provider"], "test-openai");
    assert_eq!(change["modelId"], "r");
}

#[test]
fn resizing_redraws_and_ctrl_c_twice_quits_with_the_resume_hint() {
    if !tmux_available() {
        return;
    }
    let pi = Pi::new();
    pi.push(Turn::text(
        "A reply that is long enough to wrap once the window is narrower than it is.",
    ));
    let tmux = Tmux::start(&pi, &MODEL, 100, 30);
    tmux.wait_for("Pi can explain");
    tmux.type_text("hello");
    tmux.keys(&["Enter"]);
    tmux.wait_for("narrower than it is.");
    tmux.resize(50, 30);
    let screen = tmux.wait_until("the narrower layout", |s| {
        s.lines().any(|line| line.trim_end() == "─".repeat(50))
    });
    for line in screen.lines() {
        assert!(
            pi_tui::visible_width(line) <= 50,
            "a line wider than the window: {line:?}\n{screen}"
        );
    }
    tmux.keys(&["C-c"]);
    tmux.keys(&["C-c"]);
    let screen = tmux.wait_for("EXIT=0");
    assert!(
        screen.contains("To resume this session: pi --session"),
        "{screen}"
    );
    let entries = session(&pi);
    assert_eq!(roles(&entries), ["user", "assistant"]);
    assert_exists(&pi.session_files()[0]);
}

fn assert_exists(path: &Path) {
    assert!(path.exists(), "{}", path.display());
}

#[test]
fn resume_switches_to_an_earlier_session_and_continues_it() {
    if !tmux_available() {
        return;
    }
    let pi = Pi::new();
    pi.push(Turn::text("First answer."));
    pi.push(Turn::text("Second answer."));
    pi.push(Turn::text("Back in the first."));
    let tmux = Tmux::start(&pi, &MODEL, 100, 30);
    tmux.wait_for("Pi can explain");
    tmux.type_text("first question");
    tmux.keys(&["Enter"]);
    tmux.wait_for("First answer.");
    tmux.type_text("/new");
    tmux.keys(&["Enter"]);
    tmux.wait_for("New session started");
    tmux.type_text("second question");
    tmux.keys(&["Enter"]);
    tmux.wait_for("Second answer.");
    assert_eq!(pi.session_files().len(), 2);

    tmux.type_text("/resume");
    tmux.keys(&["Enter"]);
    let screen = tmux.wait_for("first question");
    assert!(
        screen.contains("second question"),
        "both sessions listed:\n{screen}"
    );
    tmux.type_text("first");
    tmux.wait_for("› first question");
    tmux.keys(&["Enter"]);
    let screen = tmux.wait_for("Resumed session");
    assert!(screen.contains("First answer."), "{screen}");
    assert!(!screen.contains("Second answer."), "{screen}");

    tmux.type_text("and again");
    tmux.keys(&["Enter"]);
    tmux.wait_for("Back in the first.");
    let files = pi.session_files();
    let first = files
        .iter()
        .map(|f| read_jsonl(f))
        .find(|entries| {
            messages(entries)
                .iter()
                .any(|m| m["content"][0]["text"] == "first question")
        })
        .expect("the first session");
    assert_eq!(roles(&first), ["user", "assistant", "user", "assistant"]);
}

#[test]
fn the_tree_goes_back_to_a_message_and_the_next_prompt_branches() {
    if !tmux_available() {
        return;
    }
    let pi = Pi::new();
    pi.push(Turn::text("Answer one."));
    pi.push(Turn::text("Answer two."));
    pi.push(Turn::text("Answer on a new branch."));
    let tmux = Tmux::start(&pi, &MODEL, 100, 40);
    tmux.wait_for("Pi can explain");
    tmux.type_text("question one");
    tmux.keys(&["Enter"]);
    tmux.wait_for("Answer one.");
    tmux.type_text("question two");
    tmux.keys(&["Enter"]);
    tmux.wait_for("Answer two.");

    tmux.type_text("/tree");
    tmux.keys(&["Enter"]);
    tmux.wait_for("Session Tree");
    tmux.type_text("question one");
    let screen = tmux.wait_until("the search", |s| !s.contains("user: question two"));
    assert!(screen.contains("user: question one"), "{screen}");
    tmux.keys(&["Enter"]);
    tmux.wait_for("Summarize branch?");
    tmux.keys(&["Enter"]); // No summary
    let screen = tmux.wait_for("Navigated to selected point");
    assert!(!screen.contains("Answer two."), "{screen}");
    // The message chosen comes back to the editor; sending it again makes a branch.
    tmux.keys(&["Enter"]);
    tmux.wait_for("Answer on a new branch.");

    let entries = session(&pi);
    let users: Vec<&Value> = entries
        .iter()
        .filter(|e| e["type"] == "message" && e["message"]["role"] == "user")
        .collect();
    assert_eq!(users.len(), 3);
    assert_eq!(users[0]["message"]["content"][0]["text"], "question one");
    assert_eq!(users[2]["message"]["content"][0]["text"], "question one");
    assert_eq!(
        users[0]["parentId"], users[2]["parentId"],
        "the resent message branches from the same point"
    );
}

#[test]
fn a_setting_changed_in_settings_is_saved() {
    if !tmux_available() {
        return;
    }
    let pi = Pi::new();
    let tmux = Tmux::start(&pi, &MODEL, 100, 40);
    tmux.wait_for("Pi can explain");
    tmux.type_text("/settings");
    tmux.keys(&["Enter"]);
    tmux.wait_for("Auto-compact");
    tmux.type_text("quiet");
    tmux.wait_for("Quiet startup");
    tmux.wait_until("the search", |s| !s.contains("Auto-compact"));
    tmux.keys(&["Enter"]);
    tmux.keys(&["Escape"]);
    tmux.wait_until("the editor back", |s| !s.contains("Quiet startup"));
    let settings: Value =
        serde_json::from_str(&std::fs::read_to_string(pi.agent.join("settings.json")).unwrap())
            .unwrap();
    assert_eq!(settings["quietStartup"], true);

    // The next start is quiet: no header.
    tmux.keys(&["C-d"]);
    tmux.wait_for("EXIT=0");
    let quiet = Tmux::start(&pi, &MODEL, 100, 20);
    let screen = quiet.wait_for("(test-anthropic) m");
    assert!(!screen.contains("Pi can explain"), "{screen}");
}

#[test]
fn keys_cycle_thinking_and_models_edit_externally_and_queue_follow_ups() {
    if !tmux_available() {
        return;
    }
    let pi = Pi::new();
    pi.push(
        Turn::text("A slow answer, so that messages can be queued while it streams.")
            .with_chunks(100)
            .with_delay(Duration::from_millis(150)),
    );
    pi.push(Turn::text("Answering the follow-up."));
    // An "editor" that rewrites the file it is given, as Ctrl+G runs it.
    let editor = pi.work.join("edit.sh");
    std::fs::write(
        &editor,
        "#!/bin/sh\nprintf 'written in the editor' > \"$1\"\n",
    )
    .unwrap();
    std::fs::set_permissions(&editor, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    std::fs::write(
        pi.agent.join("settings.json"),
        json!({"externalEditor": editor}).to_string(),
    )
    .unwrap();
    let tmux = Tmux::start(
        &pi,
        &["--provider", "test-anthropic", "--model", "r"],
        100,
        40,
    );
    tmux.wait_for("(test-anthropic) r • medium");

    tmux.keys(&["BTab"]);
    tmux.wait_for("Thinking level: high");
    tmux.wait_for("r • high");

    tmux.keys(&["C-p"]);
    let screen = tmux.wait_for("Switched to ");
    assert!(!screen.contains("(test-anthropic) r •"), "{screen}");

    tmux.keys(&["C-g"]);
    tmux.wait_for("written in the editor");

    tmux.keys(&["C-c"]);
    tmux.wait_until("the editor cleared", |s| {
        !s.contains("written in the editor")
    });
    tmux.type_text("start");
    tmux.keys(&["Enter"]);
    tmux.wait_for("Working");
    tmux.type_text("then this");
    tmux.keys(&["M-Enter"]);
    tmux.wait_for("Follow-up: then this");
    tmux.keys(&["M-Up"]);
    let screen = tmux.wait_for("Restored 1 queued message to editor");
    assert!(!screen.contains("Follow-up: then this"), "{screen}");
    tmux.keys(&["M-Enter"]);
    tmux.wait_for("Follow-up: then this");
    tmux.wait_for("Answering the follow-up.");

    let entries = wait_for_messages(&pi, 4);
    let msgs = messages(&entries);
    assert_eq!(roles(&entries), ["user", "assistant", "user", "assistant"]);
    assert_eq!(msgs[2]["content"][0]["text"], "then this");
    assert!(
        entries
            .iter()
            .any(|e| e["type"] == "thinking_level_change" && e["thinkingLevel"] == "high"),
        "the thinking change is recorded"
    );
}

#[test]
fn compact_summarizes_the_session_and_the_chat_shows_the_summary() {
    if !tmux_available() {
        return;
    }
    let pi = Pi::new();
    // Keep almost nothing verbatim, so a short session has something to compact.
    std::fs::write(
        pi.agent.join("settings.json"),
        json!({"compaction": {"keepRecentTokens": 1}}).to_string(),
    )
    .unwrap();
    pi.push(Turn::text("An answer worth summarizing."));
    pi.push(Turn::text("Another answer."));
    // The summary, and the summary of the split turn's prefix.
    pi.push(Turn::text("## Goal\nKeep the summary short.").with_delay(Duration::from_millis(300)));
    pi.push(Turn::text("## Goal\nKeep the summary short.").with_delay(Duration::from_millis(300)));
    let tmux = Tmux::start(&pi, &MODEL, 100, 30);
    tmux.wait_for("Pi can explain");
    tmux.type_text("tell me something");
    tmux.keys(&["Enter"]);
    tmux.wait_for("An answer worth summarizing.");
    tmux.type_text("and more");
    tmux.keys(&["Enter"]);
    tmux.wait_for("Another answer.");
    tmux.type_text("/compact");
    tmux.keys(&["Enter"]);
    tmux.wait_for("Compacting context...");
    let screen = tmux.wait_for("Compacted from");
    assert!(screen.contains("[compaction]"), "{screen}");

    let entries = session(&pi);
    let compaction = entries
        .iter()
        .find(|e| e["type"] == "compaction")
        .expect("a compaction entry");
    assert!(
        compaction["summary"]
            .as_str()
            .unwrap()
            .contains("Keep the summary short."),
        "{compaction}"
    );
}

#[test]
fn the_theme_file_reloads_keys_rebind_and_an_image_pastes_as_a_file() {
    if !tmux_available() {
        return;
    }
    let pi = Pi::new();
    let dark = include_str!("../../src/interactive/theme/dark.json");
    let theme = |accent: &str| {
        dark.replace("\"name\": \"dark\"", "\"name\": \"mine\"")
            .replace(
                "\"accent\": \"#8abeb7\"",
                &format!("\"accent\": \"{accent}\""),
            )
    };
    std::fs::create_dir_all(pi.agent.join("themes")).unwrap();
    std::fs::write(pi.agent.join("themes/mine.json"), theme("#8abeb7")).unwrap();
    std::fs::write(
        pi.agent.join("settings.json"),
        json!({"theme": "mine"}).to_string(),
    )
    .unwrap();
    std::fs::write(
        pi.agent.join("keybindings.json"),
        json!({"app.thinking.cycle": "ctrl+y"}).to_string(),
    )
    .unwrap();
    // A clipboard holding a PNG, as xclip reports it.
    let bin = pi.work.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    std::fs::write(
        bin.join("xclip"),
        "#!/bin/sh\ncase \"$*\" in *TARGETS*) printf 'text/plain\\nimage/png\\n';; *image/png*) printf '\\211PNG-bytes';; *) exit 1;; esac\n",
    )
    .unwrap();
    std::fs::set_permissions(
        bin.join("xclip"),
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .unwrap();
    let exports = format!("DISPLAY=:99 PATH='{}':$PATH", bin.display());
    let tmux = Tmux::start_with(
        &pi,
        &["--provider", "test-anthropic", "--model", "r"],
        100,
        30,
        &exports,
    );
    tmux.wait_for("Pi can explain");
    assert!(!tmux.styled_screen().contains("38;5;196"), "not red yet");

    // Hot reload: the accent (the logo) turns red.
    std::fs::write(pi.agent.join("themes/mine.json"), theme("#ff0000")).unwrap();
    let start = Instant::now();
    while !tmux.styled_screen().contains("38;5;196") {
        assert!(
            start.elapsed() < WAIT,
            "the theme never reloaded:\n{}",
            tmux.styled_screen()
        );
        std::thread::sleep(Duration::from_millis(100));
    }

    // keybindings.json moved thinking-level cycling to Ctrl+Y.
    tmux.keys(&["C-y"]);
    tmux.wait_for("Thinking level: high");

    // Ctrl+V with an image on the clipboard inserts the path of a file holding it.
    tmux.keys(&["C-v"]);
    let screen = tmux.wait_for("pi-clipboard-");
    let path = screen
        .split_whitespace()
        .find(|word| word.contains("pi-clipboard-"))
        .unwrap();
    assert!(path.ends_with(".png"), "{path}");
    assert_eq!(std::fs::read(path).unwrap(), b"\x89PNG-bytes");
    let _ = std::fs::remove_file(path);
}

#[test]
fn ctrl_z_suspends_to_the_shell_and_fg_brings_the_screen_back() {
    if !tmux_available() {
        return;
    }
    let pi = Pi::new();
    pi.push(Turn::text("Still here after fg."));
    let tmux = Tmux::start_in_shell(&pi, &MODEL, 100, 30);
    tmux.wait_for("Pi can explain");
    tmux.type_text("half typed");
    tmux.keys(&["C-z"]);
    tmux.wait_for("Stopped");
    tmux.type_text("fg");
    tmux.keys(&["Enter"]);
    let screen = tmux.wait_until("the screen redrawn after fg", |s| {
        s.lines()
            .skip_while(|l| !l.contains("fg"))
            .any(|l| l.contains("(test-anthropic) m"))
    });
    assert!(
        screen.contains("half typed"),
        "the editor kept its text:\n{screen}"
    );
    tmux.keys(&["C-u"]);
    tmux.type_text("hello again");
    tmux.keys(&["Enter"]);
    tmux.wait_for("Still here after fg.");
    let entries = wait_for_messages(&pi, 2);
    assert_eq!(roles(&entries), ["user", "assistant"]);
}

#[test]
fn trust_saves_the_decision_and_import_replaces_the_session() {
    if !tmux_available() {
        return;
    }
    let pi = Pi::new();
    pi.push(Turn::text("Continuing the imported one."));
    let fixture = include_str!("../../../../fixtures/sessions-0.87.1/continued-session.jsonl");
    let imported = pi.work.join("shared.jsonl");
    std::fs::write(
        &imported,
        fixture.replace(
            "\"cwd\":\"/home/user/project\"",
            &format!("\"cwd\":{}", json!(pi.work)),
        ),
    )
    .unwrap();
    let tmux = Tmux::start(&pi, &MODEL, 100, 40);
    tmux.wait_for("Pi can explain");

    tmux.type_text("/trust");
    tmux.keys(&["Enter"]);
    tmux.wait_for("Project trust");
    tmux.keys(&["Enter"]);
    let screen = tmux.wait_for("Saved trust decision:");
    assert!(
        screen.contains("Restart pi for this to take effect."),
        "{screen}"
    );
    let trust = std::fs::read_to_string(pi.agent.join("trust.json")).unwrap();
    assert!(trust.contains(&*pi.work.to_string_lossy()), "{trust}");

    tmux.type_text("/import shared.jsonl");
    tmux.keys(&["Enter"]);
    tmux.wait_for("Replace current session with shared.jsonl?");
    tmux.keys(&["Enter"]);
    let screen = tmux.wait_for("Session imported from: shared.jsonl");
    assert!(
        screen.contains("Anything else?"),
        "the imported conversation:\n{screen}"
    );
    tmux.type_text("go on");
    tmux.keys(&["Enter"]);
    tmux.wait_for("Continuing the imported one.");
    assert_eq!(
        std::fs::read_to_string(&imported).unwrap().len(),
        fixture
            .replace(
                "\"cwd\":\"/home/user/project\"",
                &format!("\"cwd\":{}", json!(pi.work))
            )
            .len(),
        "the imported file itself is left alone"
    );
}

#[test]
fn reload_picks_up_a_new_skill_for_the_listing_and_the_next_request() {
    if !tmux_available() {
        return;
    }
    let pi = Pi::new();
    pi.push(Turn::text("Noted."));
    let tmux = Tmux::start(&pi, &MODEL, 100, 40);
    let screen = tmux.wait_for("Pi can explain");
    assert!(!screen.contains("[Skills]"), "{screen}");
    let skill = pi.agent.join("skills/fresh");
    std::fs::create_dir_all(&skill).unwrap();
    std::fs::write(
        skill.join("SKILL.md"),
        "---\nname: fresh\ndescription: Added while pi ran\n---\nDo the fresh thing.\n",
    )
    .unwrap();
    tmux.type_text("/reload");
    tmux.keys(&["Enter"]);
    let screen = tmux.wait_for("Reloaded keybindings, extensions, skills, prompts, themes");
    assert!(
        screen.contains("[Skills]") && screen.contains("fresh"),
        "{screen}"
    );
    tmux.type_text("hello");
    tmux.keys(&["Enter"]);
    tmux.wait_for("Noted.");
    let request = pi.server.requests().last().unwrap().body.to_string();
    assert!(
        request.contains("Added while pi ran"),
        "the new skill reaches the model"
    );
}

//! `bash`: output, errors, timeouts, aborts, the command prefix, truncation with the full
//! output in a temp file, progress, and killing the whole process tree.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use pi_agent_core::ToolProgress;
use pi_ai::CancellationToken;
use pi_coding_agent::tools::ToolName::Bash;
use pi_coding_agent::tools::{BashOptions, SessionEnv, ToolsOptions};
use serde_json::json;

use super::tools_support::{Workspace, call, text};

fn with_bash(options: BashOptions) -> Workspace {
    Workspace::with_options(ToolsOptions {
        bash: options,
        ..ToolsOptions::default()
    })
}

fn full_output_path(message: &str) -> PathBuf {
    let start = message.find("Full output: ").unwrap() + "Full output: ".len();
    let end = message[start..].find(']').unwrap() + start;
    PathBuf::from(&message[start..end])
}

#[tokio::test]
async fn runs_a_command() {
    let ws = Workspace::new();
    let result = ws.ok(Bash, json!({"command": "echo 'test output'"})).await;
    assert_eq!(text(&result), "test output\n");
    assert_eq!(result.details, None);
}

#[tokio::test]
async fn runs_in_the_working_directory() {
    let ws = Workspace::new();
    let result = ws.ok(Bash, json!({"command": "pwd"})).await;
    let expected = std::fs::canonicalize(ws.path()).unwrap();
    assert_eq!(text(&result).trim_end(), expected.to_string_lossy());
}

#[tokio::test]
async fn non_zero_exit_is_an_error_with_the_output() {
    let ws = Workspace::new();
    // An empty output still reads "(no output)" before the status.
    assert_eq!(
        ws.err(Bash, json!({"command": "exit 1"})).await,
        "(no output)\n\nCommand exited with code 1"
    );
    assert_eq!(
        ws.err(Bash, json!({"command": "echo some output; exit 2"}))
            .await,
        "some output\n\n\nCommand exited with code 2"
    );
}

#[tokio::test]
async fn no_output_says_so() {
    let ws = Workspace::new();
    assert_eq!(
        text(&ws.ok(Bash, json!({"command": "true"})).await),
        "(no output)"
    );
}

#[tokio::test]
async fn stdout_and_stderr_arrive_in_order() {
    let ws = Workspace::new();
    let result = ws
        .ok(
            Bash,
            json!({"command": "echo one; echo two >&2; echo three; echo four >&2"}),
        )
        .await;
    assert_eq!(text(&result), "one\ntwo\nthree\nfour\n");
}

#[tokio::test]
async fn timeout_kills_and_reports() {
    let ws = Workspace::new();
    let err = ws
        .err(
            Bash,
            json!({"command": "echo started; sleep 5", "timeout": 0.3}),
        )
        .await;
    assert_eq!(err, "started\n\n\nCommand timed out after 0.3 seconds");
    let err = ws
        .err(Bash, json!({"command": "sleep 5", "timeout": 0.25}))
        .await;
    assert_eq!(err, "Command timed out after 0.25 seconds");
}

#[tokio::test]
async fn invalid_timeouts_are_rejected() {
    let ws = Workspace::new();
    for timeout in [json!(0), json!(-3)] {
        assert_eq!(
            ws.err(Bash, json!({"command": "echo hi", "timeout": timeout}))
                .await,
            "Invalid timeout: must be a finite number of seconds"
        );
    }
    assert_eq!(
        ws.err(Bash, json!({"command": "echo hi", "timeout": 3_000_000}))
            .await,
        "Invalid timeout: maximum is 2147483.647 seconds"
    );
}

#[tokio::test]
async fn missing_working_directory_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("does/not/exist");
    let tools = pi_coding_agent::tools::create_tools(&missing, ToolsOptions::default());
    let err = call(
        &*tools.get(Bash),
        json!({"command": "echo test"}),
        CancellationToken::new(),
        ToolProgress::ignored(),
    )
    .await
    .unwrap_err();
    assert_eq!(
        err,
        format!(
            "Working directory does not exist: {}\nCannot execute bash commands.",
            missing.display()
        )
    );
}

#[tokio::test]
async fn missing_custom_shell_is_an_error() {
    let ws = with_bash(BashOptions {
        shell_path: Some("/custom/bash".into()),
        ..BashOptions::default()
    });
    assert_eq!(
        ws.err(Bash, json!({"command": "echo test"})).await,
        "Custom shell path not found: /custom/bash"
    );
}

#[tokio::test]
async fn command_prefix_runs_first() {
    let ws = with_bash(BashOptions {
        command_prefix: Some("export TEST_VAR=hello".into()),
        ..BashOptions::default()
    });
    assert_eq!(
        text(&ws.ok(Bash, json!({"command": "echo $TEST_VAR"})).await).trim(),
        "hello"
    );
    let ws = with_bash(BashOptions {
        command_prefix: Some("echo prefix-output".into()),
        ..BashOptions::default()
    });
    assert_eq!(
        text(&ws.ok(Bash, json!({"command": "echo command-output"})).await).trim(),
        "prefix-output\ncommand-output"
    );
}

#[tokio::test]
async fn session_variables_replace_inherited_ones() {
    let ws = with_bash(BashOptions {
        session_env: Some(Arc::new(|| SessionEnv {
            session_id: "session-1".into(),
            session_file: None,
            provider: Some("faux".into()),
            model: Some("m1".into()),
            reasoning_level: None,
        })),
        bin_dir: Some("/opt/pi-agent/bin".into()),
        ..BashOptions::default()
    });
    let result = ws
        .ok(Bash, json!({"command": "echo \"$PI_SESSION_ID|${PI_SESSION_FILE-unset}|$PI_PROVIDER|$PI_MODEL\"; echo \"$PATH\" | cut -d: -f1"}))
        .await;
    assert_eq!(
        text(&result),
        "session-1|unset|faux|m1\n/opt/pi-agent/bin\n"
    );
}

#[tokio::test]
async fn line_truncation_keeps_the_tail_and_the_full_output() {
    let ws = Workspace::new();
    let result = ws.ok(Bash, json!({"command": "seq 3000"})).await;
    let output = text(&result);
    let details = result.details.unwrap();
    assert_eq!(details["truncation"]["truncated"], true);
    assert_eq!(details["truncation"]["truncatedBy"], "lines");
    assert_eq!(details["truncation"]["totalLines"], 3000);
    assert_eq!(details["truncation"]["outputLines"], 2000);
    let path = details["fullOutputPath"].as_str().unwrap();
    assert!(output.starts_with("1001\n"));
    assert!(output.ends_with(&format!(
        "3000\n\n[Showing lines 1001-3000 of 3000. Full output: {path}]"
    )));
    let full = std::fs::read_to_string(path).unwrap();
    assert!(full.starts_with("1\n2\n3\n"));
    assert!(full.ends_with("2998\n2999\n3000\n"));
    std::fs::remove_file(path).unwrap();
}

#[tokio::test]
async fn a_trailing_newline_is_not_another_line() {
    let ws = Workspace::new();
    let result = ws
        .ok(
            Bash,
            json!({"command": "for i in $(seq -w 1 4000); do echo line-$i; done"}),
        )
        .await;
    let details = result.details.clone().unwrap();
    assert_eq!(details["truncation"]["totalLines"], 4000);
    assert_eq!(details["truncation"]["outputLines"], 2000);
    let output = text(&result);
    assert!(output.contains("line-2001"));
    assert!(output.contains("line-4000"));
    assert!(output.contains("[Showing lines 2001-4000 of 4000. Full output: "));
    std::fs::remove_file(details["fullOutputPath"].as_str().unwrap()).unwrap();
}

#[tokio::test]
async fn a_huge_last_line_keeps_its_end() {
    let ws = Workspace::new();
    let result = ws
        .ok(
            Bash,
            json!({"command": "head -c 60000 /dev/zero | tr '\\0' x"}),
        )
        .await;
    let details = result.details.clone().unwrap();
    let path = details["fullOutputPath"].as_str().unwrap();
    assert_eq!(
        text(&result),
        format!(
            "{}\n\n[Showing last 50.0KB of line 1 (line is 58.6KB). Full output: {path}]",
            "x".repeat(51_200)
        )
    );
    assert_eq!(details["truncation"]["lastLinePartial"], true);
    assert_eq!(std::fs::read(path).unwrap().len(), 60_000);
    std::fs::remove_file(path).unwrap();
}

#[tokio::test]
async fn byte_truncation_notice() {
    let ws = Workspace::new();
    let result = ws
        .ok(
            Bash,
            json!({"command": "for i in $(seq 1 1000); do printf 'row %04d %0100d\\n' $i 0; done"}),
        )
        .await;
    let details = result.details.clone().unwrap();
    let path = details["fullOutputPath"].as_str().unwrap();
    // 465 rows of 110 bytes (109 for the first) fit in 50 KB.
    assert!(text(&result).ends_with(&format!(
        "[Showing lines 536-1000 of 1000 (50.0KB limit). Full output: {path}]"
    )));
    std::fs::remove_file(path).unwrap();
}

#[tokio::test]
async fn truncated_errors_name_the_full_output() {
    let ws = Workspace::new();
    let err = ws.err(Bash, json!({"command": "seq 3000; exit 3"})).await;
    assert!(err.ends_with("\n\nCommand exited with code 3"));
    assert!(err.contains("[Showing lines 1001-3000 of 3000. Full output: "));
    let path = full_output_path(&err);
    assert!(
        std::fs::read_to_string(&path)
            .unwrap()
            .ends_with("2998\n2999\n3000\n")
    );
    std::fs::remove_file(path).unwrap();
}

#[tokio::test]
async fn signal_deaths_fail_with_128_plus_the_signal() {
    let ws = Workspace::new();
    assert_eq!(
        ws.err(Bash, json!({"command": "echo dying; kill -9 $$"}))
            .await,
        "dying\n\n\nCommand exited with code 137"
    );
}

#[tokio::test]
async fn utf8_split_and_invalid_bytes() {
    let ws = Workspace::new();
    assert_eq!(
        text(
            &ws.ok(
                Bash,
                json!({"command": "printf '\\342\\202'; printf '\\254\\n'"})
            )
            .await
        ),
        "€\n"
    );
    assert_eq!(
        text(&ws.ok(Bash, json!({"command": "printf 'a\\377b\\n'"})).await),
        "a\u{FFFD}b\n"
    );
}

#[tokio::test]
async fn abort_kills_and_reports() {
    let ws = Workspace::new();
    let cancel = CancellationToken::new();
    let trigger = cancel.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(200)).await;
        trigger.cancel();
    });
    let err = call(
        &*ws.tool(Bash),
        json!({"command": "echo before; sleep 5"}),
        cancel,
        ToolProgress::ignored(),
    )
    .await
    .unwrap_err();
    assert_eq!(err, "before\n\n\nCommand aborted");
}

#[tokio::test]
async fn already_cancelled_never_runs() {
    let ws = Workspace::new();
    let cancel = CancellationToken::new();
    cancel.cancel();
    let err = call(
        &*ws.tool(Bash),
        json!({"command": "touch ran"}),
        cancel,
        ToolProgress::ignored(),
    )
    .await
    .unwrap_err();
    assert_eq!(err, "Command aborted");
    assert!(!ws.join("ran").exists());
}

/// Whether a process is gone (or, on Linux, a zombie waiting to be reaped).
fn is_dead(pid: i32) -> bool {
    let Some(pid) = rustix::process::Pid::from_raw(pid) else {
        return true;
    };
    if rustix::process::test_kill_process(pid).is_err() {
        return true;
    }
    std::fs::read_to_string(format!("/proc/{}/stat", pid.as_raw_nonzero())).is_ok_and(|stat| {
        stat.rsplit(')')
            .next()
            .is_some_and(|rest| rest.trim_start().starts_with('Z'))
    })
}

async fn wait_until_dead(pid: i32) -> bool {
    for _ in 0..100 {
        if is_dead(pid) {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    false
}

#[tokio::test]
async fn timeout_kills_the_whole_process_tree() {
    let ws = Workspace::new();
    // A child and a grandchild that would outlive the shell, each writing its pid.
    let command =
        "sleep 30 & echo $! > child.pid; sh -c 'sleep 30 & echo $! > grandchild.pid; wait' & wait";
    let err = ws
        .err(Bash, json!({"command": command, "timeout": 0.5}))
        .await;
    // Both pid files are written well before the timeout.
    assert_eq!(err, "Command timed out after 0.5 seconds");
    for file in ["child.pid", "grandchild.pid"] {
        let pid: i32 = ws.read(file).trim().parse().unwrap();
        assert!(wait_until_dead(pid).await, "{file} ({pid}) survived");
    }
}

#[tokio::test]
async fn abort_kills_the_whole_process_tree() {
    let ws = Workspace::new();
    let cancel = CancellationToken::new();
    let trigger = cancel.clone();
    let pid_file = ws.join("child.pid");
    tokio::spawn(async move {
        while !pid_file.exists() {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        trigger.cancel();
    });
    let command = "sleep 30 & echo $! > child.pid.tmp; mv child.pid.tmp child.pid; wait";
    let err = call(
        &*ws.tool(Bash),
        json!({"command": command}),
        cancel,
        ToolProgress::ignored(),
    )
    .await
    .unwrap_err();
    assert_eq!(err, "Command aborted");
    let pid: i32 = ws.read("child.pid").trim().parse().unwrap();
    assert!(wait_until_dead(pid).await, "child {pid} survived");
}

#[tokio::test]
async fn background_children_do_not_hold_the_result() {
    let ws = Workspace::new();
    // The background sleep keeps the output pipe open; the command still finishes.
    let result = ws
        .ok(Bash, json!({"command": "sleep 1 & echo early"}))
        .await;
    assert_eq!(text(&result), "early\n");
}

#[tokio::test]
async fn running_commands_can_be_killed_at_exit() {
    let ws = Workspace::new();
    let tools = ws.tools.clone();
    let running = tools.running_commands().clone();
    let pid_file = ws.join("shell.pid");
    let killer = tokio::spawn(async move {
        while !pid_file.exists() {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        running.kill_all();
    });
    let err = ws
        .err(
            Bash,
            json!({"command": "echo $$ > shell.pid.tmp; mv shell.pid.tmp shell.pid; sleep 30"}),
        )
        .await;
    killer.await.unwrap();
    assert_eq!(err, "(no output)\n\nCommand exited with code 137");
}

#[tokio::test]
async fn session_variables_can_be_hidden() {
    let ws = with_bash(BashOptions {
        expose_session_environment: false,
        session_env: Some(Arc::new(|| SessionEnv {
            session_id: "session-1".into(),
            ..SessionEnv::default()
        })),
        ..BashOptions::default()
    });
    let result = ws
        .ok(Bash, json!({"command": "echo \"${PI_SESSION_ID-unset}\""}))
        .await;
    assert_eq!(text(&result), "unset\n");
}

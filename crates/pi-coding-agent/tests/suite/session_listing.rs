//! Listing sessions for the picker (ported from pi's session-info suites): what each entry
//! shows, the order, and files with lines far larger than the read buffer.

use std::io::Write;
use std::path::Path;

use pi_coding_agent::session::{list_all_sessions, list_sessions, parse_iso_ms};
use serde_json::json;

use super::session_support::{Scratch, fixtures};

fn write(path: &Path, lines: &[serde_json::Value]) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let mut file = std::fs::File::create(path).unwrap();
    for line in lines {
        writeln!(file, "{line}").unwrap();
    }
}

fn header(id: &str, cwd: &Path, timestamp: &str) -> serde_json::Value {
    json!({"type": "session", "version": 3, "id": id, "timestamp": timestamp,
           "cwd": cwd.to_string_lossy()})
}

fn message(id: &str, role: &str, content: serde_json::Value, timestamp: i64) -> serde_json::Value {
    json!({"type": "message", "id": id, "parentId": null, "timestamp": "2025-01-01T00:00:00.000Z",
           "message": {"role": role, "content": content, "timestamp": timestamp}})
}

#[test]
fn each_session_shows_what_the_picker_needs() {
    let scratch = Scratch::new();
    let cwd = scratch.cwd();
    let location = scratch.location();
    let dir = location.dir_for(&cwd);
    write(
        &dir.join("a.jsonl"),
        &[
            header("aaa", &cwd, "2025-01-01T00:00:00.000Z"),
            message("1", "user", json!("first question"), 1_735_689_700_000),
            message(
                "2",
                "assistant",
                json!([{"type": "thinking", "thinking": "hmm"}, {"type": "text", "text": "an"},
                       {"type": "text", "text": "answer"}]),
                1_735_689_800_000,
            ),
            message(
                "3",
                "toolResult",
                json!([{"type": "text", "text": "tool output"}]),
                1_735_689_999_999,
            ),
            json!({"type": "session_info", "id": "4", "parentId": "3", "timestamp": "t", "name": " Named "}),
        ],
    );
    write(
        &dir.join("b.jsonl"),
        &[
            {
                let mut h = header("bbb", &cwd, "2025-02-01T00:00:00.000Z");
                h["parentSession"] = json!("/somewhere/else.jsonl");
                h
            },
            json!({"type": "model_change", "id": "1", "parentId": null, "timestamp": "t",
                   "provider": "p", "modelId": "m"}),
        ],
    );
    std::fs::write(dir.join("c.jsonl"), "{\"type\":\"message\"}\n").unwrap();
    std::fs::write(dir.join("notes.txt"), "ignored").unwrap();

    let sessions = list_sessions(&location, &cwd, None);
    assert_eq!(sessions.len(), 2);
    // The session without messages is dated by its header, so it sorts first.
    let (b, a) = (&sessions[0], &sessions[1]);
    assert_eq!(b.id, "bbb");
    assert_eq!(b.first_message, "(no messages)");
    assert_eq!(b.message_count, 0);
    assert_eq!(
        b.modified,
        parse_iso_ms("2025-02-01T00:00:00.000Z").unwrap()
    );
    assert_eq!(
        b.parent_session_path.as_deref(),
        Some("/somewhere/else.jsonl")
    );

    assert_eq!(a.id, "aaa");
    assert_eq!(a.cwd, cwd.to_string_lossy());
    assert_eq!(a.name.as_deref(), Some("Named"));
    assert_eq!(a.message_count, 3);
    assert_eq!(a.first_message, "first question");
    assert_eq!(a.all_messages_text, "first question an answer");
    // Modified is the last user or assistant message, not tool results.
    assert_eq!(a.modified, 1_735_689_800_000);
    assert_eq!(a.created, parse_iso_ms("2025-01-01T00:00:00.000Z").unwrap());
    assert_eq!(a.path, dir.join("a.jsonl"));
}

#[test]
fn all_projects_are_listed_together() {
    let scratch = Scratch::new();
    let location = scratch.location();
    for (n, project) in ["one", "two", "three"].iter().enumerate() {
        let cwd = scratch.path().join(project);
        write(
            &location.dir_for(&cwd).join("s.jsonl"),
            &[
                header(project, &cwd, "2025-01-01T00:00:00.000Z"),
                message(
                    "1",
                    "user",
                    json!(format!("hello from {project}")),
                    1_000 + n as i64,
                ),
            ],
        );
    }
    let progress = std::sync::Mutex::new(Vec::new());
    let report = |loaded: usize, total: usize| progress.lock().unwrap().push((loaded, total));
    let all = list_all_sessions(&location, Some(&report));
    let ids: Vec<&str> = all.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids, ["three", "two", "one"]);
    let mut seen = progress.into_inner().unwrap();
    seen.sort_unstable();
    assert_eq!(seen, [(1, 3), (2, 3), (3, 3)]);
    assert!(list_sessions(&location, &scratch.path().join("nowhere"), None).is_empty());
}

#[test]
fn lines_larger_than_the_read_buffer_are_streamed() {
    let scratch = Scratch::new();
    let cwd = scratch.cwd();
    let location = scratch.location();
    let image = "A".repeat(3 << 20);
    let long_text = "word ".repeat(500_000);
    write(
        &location.dir_for(&cwd).join("big.jsonl"),
        &[
            header("big", &cwd, "2025-01-01T00:00:00.000Z"),
            message(
                "1",
                "user",
                json!([{"type": "text", "text": "look at this"},
                       {"type": "image", "data": image, "mimeType": "image/png"}]),
                5,
            ),
            message(
                "2",
                "assistant",
                json!([{"type": "text", "text": long_text}]),
                6,
            ),
            message("3", "user", json!("and then"), 7),
        ],
    );
    let sessions = list_sessions(&location, &cwd, None);
    assert_eq!(sessions.len(), 1);
    let info = &sessions[0];
    assert_eq!(info.message_count, 3);
    assert_eq!(info.first_message, "look at this");
    assert_eq!(info.modified, 7);
    assert!(
        info.all_messages_text
            .starts_with("look at this and then word word")
    );
    assert!(
        info.all_messages_text.len() <= 16 * 1024 + 1,
        "the search text is bounded"
    );
}

#[test]
fn reference_sessions_list() {
    let scratch = Scratch::new();
    let location = scratch
        .location()
        .with_session_dir(scratch.path().join("s"));
    let dir = scratch.path().join("s");
    std::fs::create_dir_all(&dir).unwrap();
    for entry in std::fs::read_dir(fixtures().join("sessions-0.87.1")).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, dir.join(path.file_name().unwrap())).unwrap();
    }
    let sessions = list_all_sessions(&location, None);
    assert_eq!(sessions.len(), 8);
    for info in &sessions {
        assert_eq!(info.cwd, "/home/user/project");
        assert_ne!(info.first_message, "(no messages)");
        assert!(info.message_count >= 3);
    }
    let rpc = sessions
        .iter()
        .find(|s| s.path.ends_with("rpc-main.jsonl"))
        .unwrap();
    assert!(rpc.all_messages_text.len() > rpc.first_message.len());
    // A project filter applies in a shared directory: no session belongs to `cwd`.
    assert!(list_sessions(&location, &scratch.cwd(), None).is_empty());
    let project = list_sessions(&location, Path::new("/home/user/project"), None);
    assert_eq!(project.len(), 8);
}

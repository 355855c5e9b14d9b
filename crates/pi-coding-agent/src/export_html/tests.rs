use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use super::*;
use crate::session::SessionManager;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures")
}

/// The session data a page embeds.
fn page_data(page: &str) -> Value {
    let start = page
        .find(r#"<script id="session-data" type="application/json">"#)
        .expect("data element")
        + r#"<script id="session-data" type="application/json">"#.len();
    let end = start + page[start..].find("</script>").expect("end of data");
    serde_json::from_str(&page[start..end]).expect("data is JSON")
}

fn export(input: &Path, extras: &PageExtras<'_>) -> (String, Value) {
    let output = input.with_extension("html");
    export_session_file(input, &output, extras).unwrap();
    let page = std::fs::read_to_string(&output).unwrap();
    let data = page_data(&page);
    (page, data)
}

fn lines(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter_map(|line| serde_json::from_str(line).ok())
        .collect()
}

fn write_lines(path: &Path, lines: &[Value]) {
    let text: String = lines.iter().map(|line| format!("{line}\n")).collect();
    std::fs::write(path, text).unwrap();
}

fn header() -> Value {
    json!({"type": "session", "version": 3, "id": "s1", "timestamp": "2026-01-01T00:00:00.000Z", "cwd": "/w"})
}

fn user(id: &str, parent: Option<&str>, text: &str) -> Value {
    json!({"type": "message", "id": id, "parentId": parent, "timestamp": "2026-01-01T00:00:01.000Z",
           "message": {"role": "user", "content": [{"type": "text", "text": text}], "timestamp": 1}})
}

#[test]
fn default_names_follow_pi() {
    assert_eq!(
        default_output_path(Path::new("/s/2026-01-01T00-00-00-000Z_abc.jsonl")),
        PathBuf::from("pi-session-2026-01-01T00-00-00-000Z_abc.html")
    );
    assert_eq!(
        default_output_path(Path::new("notes.json")),
        PathBuf::from("pi-session-notes.json.html")
    );
    assert_eq!(
        output_path(Path::new("/s/a.jsonl"), Some(Path::new("out/page.html"))),
        PathBuf::from("out/page.html")
    );
}

#[test]
fn every_fixture_session_is_embedded_whole() {
    let dir = tempfile::tempdir().unwrap();
    for name in [
        "tools-anthropic.jsonl",
        "thinking-openai-responses.jsonl",
        "rpc-main.jsonl",
    ] {
        let input = dir.path().join(name);
        std::fs::copy(fixtures().join("sessions-0.87.1").join(name), &input).unwrap();
        let (page, data) = export(&input, &PageExtras::default());
        let file = lines(&input);
        assert_eq!(data["header"], file[0], "{name}");
        assert_eq!(data["entries"].as_array().unwrap(), &file[1..], "{name}");
        assert_eq!(data["leafId"], file.last().unwrap()["id"], "{name}");
        assert!(data.get("systemPrompt").is_none() && data.get("tools").is_none());
        assert!(
            page.starts_with("<!DOCTYPE html>") && page.contains("<title>Session Export</title>")
        );
    }
}

#[test]
fn session_text_cannot_leave_the_data_element() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("s.jsonl");
    let hostile = "</script><script>document.title='pwned'</script><!-- & -->";
    write_lines(&input, &[header(), user("a1", None, hostile)]);
    let (page, data) = export(&input, &PageExtras::default());
    assert_eq!(data["entries"][0]["message"]["content"][0]["text"], hostile);
    assert!(!page.contains("document.title='pwned'</script>"));
    // Only the page's own two script elements.
    assert_eq!(page.matches("<script").count(), 2);
    assert_eq!(page.matches("</script>").count(), 2);
}

#[test]
fn extras_set_the_leaf_prompt_and_tools() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("s.jsonl");
    write_lines(
        &input,
        &[
            header(),
            user("a1", None, "one"),
            user("a2", Some("a1"), "two"),
        ],
    );
    let tools = [ExportedTool {
        name: "read".into(),
        description: "Read <files>".into(),
        parameters: json!({"type": "object", "properties": {}}),
    }];
    let extras = PageExtras {
        leaf_id: Some("a1"),
        system_prompt: Some("You are </script> pi"),
        tools: Some(&tools),
    };
    let (page, data) = export(&input, &extras);
    assert_eq!(data["leafId"], "a1");
    assert_eq!(data["systemPrompt"], "You are </script> pi");
    assert_eq!(data["tools"][0]["description"], "Read <files>");
    assert!(!page.contains("Read <files>"));
}

#[test]
fn lines_are_read_as_pi_reads_them() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("s.jsonl");
    let mut bytes = Vec::new();
    bytes.extend_from_slice(b"not json\n\n");
    bytes.extend_from_slice(format!("{}\r\n", header()).as_bytes());
    bytes.extend_from_slice(format!("{}\n", user("a1", None, "kept")).as_bytes());
    bytes.extend_from_slice(b"[1,2]\n{\"broken\": \n");
    // Invalid UTF-8 and a lone surrogate: decoded forgivingly, as pi decodes them.
    bytes.extend_from_slice(
        b"{\"type\":\"label\",\"id\":\"l1\",\"parentId\":\"a1\",\"label\":\"\xff\\ud800x\"}\n",
    );
    bytes.extend_from_slice(b"{\"type\":\"session\",\"version\":3,\"id\":\"again\"}\n");
    bytes.extend_from_slice(format!("{}", user("a2", Some("a1"), "torn")).as_bytes());
    bytes.truncate(bytes.len() - 5);
    std::fs::write(&input, bytes).unwrap();
    let (_, data) = export(&input, &PageExtras::default());
    assert_eq!(data["header"]["id"], "s1");
    let ids: Vec<&str> = data["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| entry["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["a1", "l1"]);
    assert_eq!(data["entries"][1]["label"], "\u{fffd}x");
    assert_eq!(data["leafId"], "l1");
}

#[test]
fn errors_name_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.jsonl");
    let err = export_from_file(&missing, None).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("File not found: {}", missing.display())
    );

    let text = dir.path().join("notes.jsonl");
    std::fs::write(&text, "hello\nworld\n").unwrap();
    let err = export_from_file(&text, Some(&dir.path().join("x.html"))).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("Session file is not a valid pi session: {}", text.display())
    );

    let input = dir.path().join("s.jsonl");
    write_lines(&input, &[header()]);
    let output = dir.path().join("no/such/dir/page.html");
    let err = export_from_file(&input, Some(&output)).unwrap_err();
    assert!(
        err.to_string()
            .starts_with(&format!("Cannot write {}: ", output.display())),
        "{err}"
    );

    let err = export_from_file(dir.path(), Some(&dir.path().join("x.html"))).unwrap_err();
    assert!(err.to_string().starts_with("Cannot read "), "{err}");
}

#[test]
fn a_failed_write_leaves_nothing_behind() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("s.jsonl");
    write_lines(&input, &[header()]);
    // The output is a directory: writing succeeds, the rename over it fails.
    let output = dir.path().join("page.html");
    std::fs::create_dir(&output).unwrap();
    assert!(export_session_file(&input, &output, &PageExtras::default()).is_err());
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|entry| entry.unwrap().file_name())
        .collect();
    assert_eq!(left.len(), 2, "{left:?}");
}

#[test]
fn an_empty_file_becomes_a_session_as_in_pi() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("empty.jsonl");
    std::fs::write(&input, "").unwrap();
    let (_, data) = export(&input, &PageExtras::default());
    assert_eq!(data["header"]["type"], "session");
    assert_eq!(data["entries"], json!([]));
    assert_eq!(data["leafId"], Value::Null);
    assert_eq!(lines(&input).len(), 1, "the header was written");
}

#[test]
fn an_old_session_is_migrated_first() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("old.jsonl");
    std::fs::copy(
        fixtures().join("sessions-v1/before-compaction.jsonl"),
        &input,
    )
    .unwrap();
    let (_, data) = export(&input, &PageExtras::default());
    assert_eq!(data["header"]["version"], 3);
    let entries = data["entries"].as_array().unwrap();
    assert!(!entries.is_empty());
    assert!(entries.iter().all(|entry| entry["id"].is_string()));
    assert_eq!(entries, &lines(&input)[1..]);
}

#[test]
fn a_session_in_use_or_read_only_can_be_exported() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("s.jsonl");
    std::fs::copy(
        fixtures().join("sessions-0.87.1/tools-anthropic.jsonl"),
        &input,
    )
    .unwrap();
    let mut permissions = std::fs::metadata(&input).unwrap().permissions();
    permissions.set_readonly(true);
    std::fs::set_permissions(&input, permissions).unwrap();
    // Another pi holds the session's lock.
    let open = SessionManager::open(&input, None, None);
    let (_, data) = export(&input, &PageExtras::default());
    assert_eq!(
        data["entries"].as_array().unwrap().len(),
        lines(&input).len() - 1
    );
    drop(open);
}

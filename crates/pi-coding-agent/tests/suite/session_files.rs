//! Session files: where they go, when they appear, how they grow, what survives damage, and
//! how sessions are found again (ported from pi's file-operations, save-entry and
//! custom-session-id suites, plus our durability rules).

use std::io::Write;
use std::path::Path;

use pi_coding_agent::session::{
    NewSessionOptions, SessionError, SessionLocation, SessionManager, SessionTarget,
    find_most_recent_session, find_session_by_id, resolve_session_arg,
};
use serde_json::json;

use super::session_support::{Scratch, assistant, json_lines, text_of, user};

fn header_line(id: &str, cwd: &Path) -> String {
    json!({"type": "session", "version": 3, "id": id, "timestamp": "2025-01-01T00:00:00.000Z",
           "cwd": cwd.to_string_lossy()})
    .to_string()
}

fn user_line(id: &str, parent: Option<&str>, text: &str) -> String {
    json!({"type": "message", "id": id, "parentId": parent, "timestamp": "2025-01-01T00:00:01.000Z",
           "message": {"role": "user", "content": text, "timestamp": 1}})
    .to_string()
}

#[test]
fn files_are_named_and_placed_as_pi_places_them() {
    let scratch = Scratch::new();
    let cwd = scratch.cwd();
    let mut session = scratch.create();
    let file = session.session_file().unwrap().to_path_buf();
    let encoded = format!(
        "--{}--",
        cwd.to_string_lossy()
            .trim_start_matches('/')
            .replace('/', "-")
    );
    assert_eq!(
        file.parent().unwrap(),
        scratch.path().join("agent/sessions").join(encoded)
    );
    let name = file.file_name().unwrap().to_string_lossy().into_owned();
    let (stamp, rest) = name.split_once('_').unwrap();
    assert_eq!(rest, format!("{}.jsonl", session.session_id()));
    assert_eq!(stamp.len(), "2025-12-09T00-52-54-397Z".len());
    assert!(!stamp.contains(':') && !stamp.contains('.'));
    // UUID v7: version nibble 7.
    assert_eq!(session.session_id().as_bytes()[14], b'7');
    assert_eq!(session.header().cwd, cwd.to_string_lossy());

    // Nothing is written before the first assistant message...
    session.append_thinking_level_change("high").unwrap();
    session.append_message(&user("hello")).unwrap();
    assert!(!file.exists());
    // ...then the header and everything buffered, and one line per entry after that.
    session.append_message(&assistant("hi")).unwrap();
    let lines = json_lines(&file);
    assert_eq!(lines.len(), 4);
    assert_eq!(lines[0]["type"], "session");
    assert_eq!(lines[0]["version"], 3);
    assert_eq!(lines[1]["thinkingLevel"], "high");
    let before = std::fs::read(&file).unwrap();
    session.append_message(&user("more")).unwrap();
    let after = std::fs::read(&file).unwrap();
    assert!(
        after.starts_with(&before),
        "earlier bytes are never rewritten"
    );
    assert_eq!(
        after[before.len()..]
            .iter()
            .filter(|&&b| b == b'\n')
            .count(),
        1
    );
    assert!(after.ends_with(b"\n"));
}

#[test]
fn sessions_without_an_answer_never_reach_the_disk() {
    let scratch = Scratch::new();
    let mut session = scratch.create();
    session.append_model_change("openai", "gpt-4").unwrap();
    session.append_message(&user("hello")).unwrap();
    let file = session.session_file().unwrap().to_path_buf();
    drop(session);
    assert!(!file.exists());

    let memory = SessionManager::in_memory(&scratch.cwd(), NewSessionOptions::default()).unwrap();
    assert!(!memory.is_persisted());
    assert_eq!(memory.session_file(), None);
}

#[test]
fn a_reopened_session_continues_under_its_last_entry() {
    let scratch = Scratch::new();
    let mut session = scratch.create();
    session.append_message(&user("one")).unwrap();
    let last = session.append_message(&assistant("two")).unwrap();
    let file = session.session_file().unwrap().to_path_buf();
    let id = session.session_id().to_string();
    drop(session);

    let mut reopened = SessionManager::open(&file, None, None).unwrap();
    assert_eq!(reopened.session_id(), id);
    assert_eq!(reopened.leaf_id(), Some(last.as_str()));
    assert_eq!(reopened.cwd(), scratch.cwd());
    let next = reopened.append_message(&user("three")).unwrap();
    assert_eq!(
        reopened.entry(&next).unwrap().unwrap().parent_id.as_deref(),
        Some(last.as_str())
    );
    let texts: Vec<String> = reopened
        .build_session_context()
        .unwrap()
        .messages
        .iter()
        .map(text_of)
        .collect();
    assert_eq!(texts, ["one", "two", "three"]);
}

#[test]
fn a_torn_last_line_is_ignored_and_the_next_entry_starts_a_new_line() {
    let scratch = Scratch::new();
    let cwd = scratch.cwd();
    let file = scratch.path().join("torn.jsonl");
    let text = format!(
        "{}\n{}\n{{\"type\":\"message\",\"id\":\"bbbb",
        header_line("s1", &cwd),
        user_line("aaaaaaaa", None, "kept")
    );
    std::fs::write(&file, text).unwrap();
    let mut session = SessionManager::open(&file, None, None).unwrap();
    assert_eq!(session.entry_count(), 1);
    let id = session
        .append_message(&assistant("after the tear"))
        .unwrap();
    drop(session);

    let session = SessionManager::open(&file, None, None).unwrap();
    assert_eq!(session.entry_count(), 2);
    let entry = session.entry(&id).unwrap().unwrap();
    assert_eq!(entry.parent_id.as_deref(), Some("aaaaaaaa"));
    let raw = std::fs::read_to_string(&file).unwrap();
    assert!(
        raw.contains("\"id\":\"bbbb\n{"),
        "the torn line stays, closed"
    );
}

#[test]
fn malformed_lines_are_skipped_and_kept() {
    let scratch = Scratch::new();
    let cwd = scratch.cwd();
    let file = scratch.path().join("damaged.jsonl");
    let text = format!(
        "\n{}\nnot json at all\n\n{}\n{{\"broken\": \n{}\n",
        header_line("s2", &cwd),
        user_line("aaaaaaaa", None, "first"),
        user_line("bbbbbbbb", Some("aaaaaaaa"), "second")
    );
    std::fs::write(&file, &text).unwrap();
    let mut session = SessionManager::open(&file, None, None).unwrap();
    assert_eq!(session.entry_count(), 2);
    assert_eq!(session.leaf_id(), Some("bbbbbbbb"));
    session.append_message(&assistant("third")).unwrap();
    let raw = std::fs::read_to_string(&file).unwrap();
    assert!(
        raw.starts_with(&text),
        "nothing before the new entry changed"
    );
}

#[test]
fn a_file_that_is_not_a_session_is_refused_and_left_alone() {
    let scratch = Scratch::new();
    let file = scratch.path().join("notes.jsonl");
    let text = "{\"type\":\"message\",\"id\":\"x\"}\nhello\n";
    std::fs::write(&file, text).unwrap();
    let err = SessionManager::open(&file, None, None).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("Session file is not a valid pi session: {}", file.display())
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), text);

    // Only an empty file is made into a session, at once.
    let empty = scratch.path().join("empty.jsonl");
    std::fs::write(&empty, "").unwrap();
    let session = SessionManager::open(&empty, None, None).unwrap();
    let lines = json_lines(&empty);
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["id"], session.session_id());

    // A missing file starts a new session bound to that path, written lazily.
    let missing = scratch.path().join("sub/new.jsonl");
    let mut session = SessionManager::open(&missing, None, None).unwrap();
    assert_eq!(session.session_file(), Some(missing.as_path()));
    session.append_message(&user("q")).unwrap();
    assert!(!missing.exists());
    session.append_message(&assistant("a")).unwrap();
    assert_eq!(json_lines(&missing).len(), 3);
}

#[test]
fn a_session_is_written_by_one_process_at_a_time() {
    let scratch = Scratch::new();
    let mut first = scratch.create();
    first.append_message(&user("q")).unwrap();
    first.append_message(&assistant("a")).unwrap();
    let file = first.session_file().unwrap().to_path_buf();
    let err = SessionManager::open(&file, None, None).unwrap_err();
    assert!(matches!(err, SessionError::Locked(_)));
    assert!(
        err.to_string()
            .starts_with("Session file is in use by another pi process: ")
    );
    drop(first);
    assert!(SessionManager::open(&file, None, None).is_ok());
}

#[test]
fn custom_session_ids() {
    let scratch = Scratch::new();
    let options = NewSessionOptions {
        id: Some("my-session.1".into()),
        parent_session: None,
    };
    let session = SessionManager::create(&scratch.cwd(), &scratch.location(), options).unwrap();
    assert_eq!(session.session_id(), "my-session.1");
    assert!(
        session
            .session_file()
            .unwrap()
            .to_string_lossy()
            .ends_with("_my-session.1.jsonl")
    );
    let bad = NewSessionOptions {
        id: Some("-bad".into()),
        parent_session: None,
    };
    let err = SessionManager::create(&scratch.cwd(), &scratch.location(), bad).unwrap_err();
    assert_eq!(
        err.to_string(),
        "Session id must be non-empty, contain only alphanumeric characters, '-', '_', and '.', and start and end with an alphanumeric character"
    );
}

fn write_session(dir: &Path, name: &str, id: &str, cwd: &Path) -> std::path::PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    let path = dir.join(name);
    let mut file = std::fs::File::create(&path).unwrap();
    writeln!(file, "{}", header_line(id, cwd)).unwrap();
    writeln!(
        file,
        "{}",
        user_line("aaaaaaaa", None, &format!("about {id}"))
    )
    .unwrap();
    path
}

fn set_mtime(path: &Path, seconds_ago: u64) {
    let time = std::time::SystemTime::now() - std::time::Duration::from_secs(seconds_ago);
    std::fs::File::options()
        .write(true)
        .open(path)
        .unwrap()
        .set_modified(time)
        .unwrap();
}

#[test]
fn continue_opens_the_most_recently_modified_session() {
    let scratch = Scratch::new();
    let cwd = scratch.cwd();
    let location = scratch.location();
    let dir = location.dir_for(&cwd);
    let old = write_session(&dir, "a.jsonl", "old-one", &cwd);
    let new = write_session(&dir, "b.jsonl", "new-one", &cwd);
    let invalid = dir.join("c.jsonl");
    std::fs::write(&invalid, "garbage\n").unwrap();
    set_mtime(&old, 100);
    set_mtime(&new, 50);
    assert_eq!(find_most_recent_session(&dir, None), Some(new.clone()));
    let session = SessionManager::continue_recent(&cwd, &location).unwrap();
    assert_eq!(session.session_id(), "new-one");

    let empty = Scratch::new();
    let session = SessionManager::continue_recent(&empty.cwd(), &empty.location()).unwrap();
    assert_eq!(session.entry_count(), 0);
    assert!(!session.session_file().unwrap().exists());
}

#[test]
fn a_shared_session_directory_is_filtered_by_project() {
    let scratch = Scratch::new();
    let cwd = scratch.cwd();
    let shared = scratch.path().join("shared");
    let location = SessionLocation::new(scratch.path().join("agent")).with_session_dir(&shared);
    let ours = write_session(&shared, "a.jsonl", "ours", &cwd);
    let theirs = write_session(&shared, "b.jsonl", "theirs", Path::new("/elsewhere"));
    set_mtime(&ours, 100);
    set_mtime(&theirs, 10);
    let session = SessionManager::continue_recent(&cwd, &location).unwrap();
    assert_eq!(session.session_id(), "ours");
    assert_eq!(find_session_by_id(&location, &cwd, "theirs"), None);
    assert_eq!(find_session_by_id(&location, &cwd, "ours"), Some(ours));
}

#[test]
fn session_arguments_resolve_as_pi_resolves_them() {
    let scratch = Scratch::new();
    let cwd = scratch.cwd();
    let location = scratch.location();
    let here = write_session(
        &location.dir_for(&cwd),
        "a.jsonl",
        "0195-local-session",
        &cwd,
    );
    let other_cwd = scratch.path().join("other");
    let there = write_session(
        &location.dir_for(&other_cwd),
        "b.jsonl",
        "0196-remote-session",
        &other_cwd,
    );
    assert_eq!(
        resolve_session_arg("0195-local-session", &cwd, &location),
        SessionTarget::Local(here.clone())
    );
    assert_eq!(
        resolve_session_arg("0195", &cwd, &location),
        SessionTarget::Local(here)
    );
    assert_eq!(
        resolve_session_arg("0196", &cwd, &location),
        SessionTarget::Global {
            path: there,
            cwd: other_cwd.to_string_lossy().into_owned()
        }
    );
    assert_eq!(
        resolve_session_arg("zzz", &cwd, &location),
        SessionTarget::NotFound("zzz".into())
    );
    assert_eq!(
        resolve_session_arg("sub/file.jsonl", &cwd, &location),
        SessionTarget::Path(cwd.join("sub/file.jsonl"))
    );
    assert_eq!(
        resolve_session_arg("x.jsonl", &cwd, &location),
        SessionTarget::Path(cwd.join("x.jsonl"))
    );
}

#[test]
fn forks_copy_a_session_into_another_project() {
    let scratch = Scratch::new();
    let mut source = scratch.create();
    source.append_message(&user("question")).unwrap();
    let answer = source.append_message(&assistant("answer")).unwrap();
    let source_file = source.session_file().unwrap().to_path_buf();
    drop(source);
    let target_cwd = scratch.path().join("elsewhere");
    let options = NewSessionOptions {
        id: Some("forked".into()),
        parent_session: None,
    };
    let fork =
        SessionManager::fork_from(&source_file, &target_cwd, &scratch.location(), options).unwrap();
    assert_eq!(fork.session_id(), "forked");
    assert_eq!(fork.leaf_id(), Some(answer.as_str()));
    assert_eq!(fork.cwd(), target_cwd);
    let header = fork.header();
    assert_eq!(header.cwd, target_cwd.to_string_lossy());
    assert_eq!(
        header.parent_session.as_deref(),
        Some(source_file.to_str().unwrap())
    );
    let fork_file = fork.session_file().unwrap();
    assert_eq!(
        fork_file.parent().unwrap(),
        scratch.location().dir_for(&target_cwd)
    );
    let source_lines: Vec<String> = std::fs::read_to_string(&source_file)
        .unwrap()
        .lines()
        .skip(1)
        .map(str::to_string)
        .collect();
    let fork_lines: Vec<String> = std::fs::read_to_string(fork_file)
        .unwrap()
        .lines()
        .skip(1)
        .map(str::to_string)
        .collect();
    assert_eq!(fork_lines, source_lines, "entries are copied byte for byte");

    let empty = scratch.path().join("empty.jsonl");
    std::fs::write(&empty, "").unwrap();
    let err =
        SessionManager::fork_from(&empty, &target_cwd, &scratch.location(), Default::default())
            .unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "Cannot fork: source session file is empty or invalid: {}",
            empty.display()
        )
    );
}

#[test]
fn new_sessions_start_over_in_the_same_directory() {
    let scratch = Scratch::new();
    let mut session = scratch.create();
    session.append_message(&user("q")).unwrap();
    session.append_message(&assistant("a")).unwrap();
    let first = session.session_file().unwrap().to_path_buf();
    let options = NewSessionOptions {
        id: None,
        parent_session: Some(first.to_string_lossy().into_owned()),
    };
    session.new_session(options).unwrap();
    assert_eq!(session.entry_count(), 0);
    assert_eq!(session.leaf_id(), None);
    let second = session.session_file().unwrap().to_path_buf();
    assert_ne!(first, second);
    assert_eq!(first.parent(), second.parent());
    session.append_message(&user("q2")).unwrap();
    session.append_message(&assistant("a2")).unwrap();
    let lines = json_lines(&second);
    assert_eq!(lines[0]["parentSession"], first.to_string_lossy().as_ref());
    assert_eq!(lines.len(), 3);
}

#[test]
fn the_command_line_picks_the_session_as_pi_picks_it() {
    use pi_coding_agent::session::{OpenError, SessionRequest, open_session};
    let scratch = Scratch::new();
    let cwd = scratch.cwd();
    let location = scratch.location();
    let never = |_: &str| -> bool { panic!("no question expected") };

    let opened = open_session(
        SessionRequest::InMemory { id: None },
        &cwd,
        &location,
        never,
    )
    .unwrap();
    assert!(!opened.session.is_persisted());

    let opened = open_session(
        SessionRequest::New {
            id: Some("chosen".into()),
        },
        &cwd,
        &location,
        never,
    )
    .unwrap();
    assert_eq!(
        opened.warning.as_deref(),
        Some(
            "Warning: No project session found with id 'chosen'; creating a new session with that id."
        )
    );
    let mut session = opened.session;
    session.append_message(&user("q")).unwrap();
    session.append_message(&assistant("a")).unwrap();
    drop(session);
    // The same id again opens that session.
    let opened = open_session(
        SessionRequest::New {
            id: Some("chosen".into()),
        },
        &cwd,
        &location,
        never,
    )
    .unwrap();
    assert_eq!(
        (opened.session.entry_count(), opened.warning.as_deref()),
        (2, None)
    );
    drop(opened);

    let err = open_session(
        SessionRequest::Session("nothing".into()),
        &cwd,
        &location,
        never,
    )
    .unwrap_err();
    assert_eq!(err.to_string(), "No session found matching 'nothing'");
    let fork = SessionRequest::Fork {
        source: "chosen".into(),
        id: Some("chosen".into()),
    };
    let err = open_session(fork, &cwd, &location, never).unwrap_err();
    assert_eq!(err.to_string(), "Session already exists with id 'chosen'");

    // Another project's session: forked here only if the user agrees.
    let other = scratch.path().join("other");
    let mut theirs = SessionManager::create(
        &other,
        &location,
        NewSessionOptions {
            id: Some("theirs-1".into()),
            parent_session: None,
        },
    )
    .unwrap();
    theirs.append_message(&user("q")).unwrap();
    theirs.append_message(&assistant("a")).unwrap();
    drop(theirs);
    let asked = std::cell::RefCell::new(None);
    let err = open_session(
        SessionRequest::Session("theirs".into()),
        &cwd,
        &location,
        |dir: &str| {
            *asked.borrow_mut() = Some(dir.to_string());
            false
        },
    )
    .unwrap_err();
    assert!(matches!(err, OpenError::Declined));
    assert_eq!(asked.borrow().as_deref(), Some(other.to_str().unwrap()));
    let opened = open_session(
        SessionRequest::Session("theirs".into()),
        &cwd,
        &location,
        |_: &str| true,
    )
    .unwrap();
    assert_eq!(opened.session.cwd(), cwd);
    assert_eq!(opened.session.entry_count(), 2);
    assert_ne!(opened.session.session_id(), "theirs-1");
}

#[test]
fn lines_javascript_can_write_and_rust_strings_cannot_hold_still_load() {
    let scratch = Scratch::new();
    let cwd = scratch.cwd();
    let file = scratch.path().join("odd.jsonl");
    let mut bytes = format!("{}\n", header_line("s3", &cwd)).into_bytes();
    // A lone surrogate escape, then a raw byte that is not UTF-8.
    bytes.extend_from_slice(
        br#"{"type":"message","id":"aaaaaaaa","parentId":null,"timestamp":"t","message":{"role":"user","content":"half \ud83d an emoji","timestamp":1}}"#,
    );
    bytes.push(b'\n');
    bytes.extend_from_slice(b"{\"type\":\"message\",\"id\":\"bbbbbbbb\",\"parentId\":\"aaaaaaaa\",\"timestamp\":\"t\",\"message\":{\"role\":\"user\",\"content\":\"bad \xff byte\",\"timestamp\":2}}\n");
    std::fs::write(&file, &bytes).unwrap();
    let session = SessionManager::open(&file, None, None).unwrap();
    let texts: Vec<String> = session
        .build_session_context()
        .unwrap()
        .messages
        .iter()
        .map(text_of)
        .collect();
    assert_eq!(texts, ["half  an emoji", "bad \u{fffd} byte"]);
    let listed = pi_coding_agent::session::list_all_sessions(
        &SessionLocation::new("/nonexistent").with_session_dir(scratch.path()),
        None,
    );
    assert_eq!(listed[0].first_message, "half  an emoji");
}

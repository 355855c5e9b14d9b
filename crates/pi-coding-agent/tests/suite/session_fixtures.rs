//! Files the reference pi wrote: every one loads, every entry reads back to the same line,
//! and version 1 files migrate exactly as pi 0.87.1 migrates them.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use pi_coding_agent::session::{SessionManager, parse_iso_ms};
use serde_json::Value;

use super::session_support::{Scratch, fixtures};

/// A writable copy of a fixture (opening a session takes a write lock).
fn copy(scratch: &Scratch, fixture: &Path) -> PathBuf {
    let target = scratch.path().join(fixture.file_name().unwrap());
    std::fs::copy(fixture, &target).unwrap();
    target
}

fn fixture_files(dir: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(fixtures().join(dir))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "jsonl"))
        .collect();
    files.sort();
    assert!(!files.is_empty());
    files
}

#[test]
fn every_reference_session_loads_and_reads_back_unchanged() {
    let scratch = Scratch::new();
    for fixture in fixture_files("sessions-0.87.1") {
        let path = copy(&scratch, &fixture);
        let session = SessionManager::open(&path, None, None).unwrap();
        let text = std::fs::read_to_string(&fixture).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        let entries = session.entries().unwrap();
        assert_eq!(entries.len(), lines.len() - 1, "{}", fixture.display());
        for (entry, line) in entries.iter().zip(&lines[1..]) {
            let written = serde_json::to_string(&entry.to_value()).unwrap();
            assert_eq!(&written, line, "{}", fixture.display());
        }
        let header = serde_json::to_string(&session.header().to_value()).unwrap();
        assert_eq!(header, lines[0]);
        assert_eq!(session.cwd(), Path::new("/home/user/project"));

        // No compaction in these files: the context is every message on the path.
        let path_messages = session
            .branch_entries(None)
            .unwrap()
            .iter()
            .filter(|entry| entry.message().is_some())
            .count();
        let context = session.build_session_context().unwrap();
        assert_eq!(
            context.messages.len(),
            path_messages,
            "{}",
            fixture.display()
        );
        assert_eq!(context.messages[0].role(), "system");
        assert!(context.model.is_some());
        // The file is untouched by reading it.
        assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
    }
}

#[test]
fn a_session_continued_by_a_second_process_is_one_chain() {
    let scratch = Scratch::new();
    let path = copy(
        &scratch,
        &fixtures().join("sessions-0.87.1/continued-session.jsonl"),
    );
    let session = SessionManager::open(&path, None, None).unwrap();
    assert_eq!(
        session.branch_entries(None).unwrap().len(),
        session.entry_count(),
        "every entry is on the path to the leaf"
    );
    let context = session.build_session_context().unwrap();
    assert_eq!(context.thinking_level, "medium");
    assert_eq!(context.model.unwrap().provider, "mock-chat");
}

/// Replaces our generated ids with the reference's, position by position, so the two
/// migrations can be compared byte for byte.
fn with_reference_ids(ours: &str, reference: &str) -> String {
    let ours: Vec<Value> = ours
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let theirs: Vec<Value> = reference
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(ours.len(), theirs.len());
    let mapping: HashMap<String, String> = ours
        .iter()
        .zip(&theirs)
        .filter_map(|(a, b)| Some((a["id"].as_str()?.to_string(), b["id"].as_str()?.to_string())))
        .collect();
    ours.into_iter()
        .map(|mut line| {
            for key in ["id", "parentId", "firstKeptEntryId"] {
                if let Some(Value::String(id)) = line.get_mut(key)
                    && let Some(mapped) = mapping.get(id.as_str())
                {
                    *id = mapped.clone();
                }
            }
            pi_ai::js_number::to_string(&line).unwrap() + "\n"
        })
        .collect()
}

#[test]
fn version_1_files_migrate_as_the_reference_migrates_them() {
    let scratch = Scratch::new();
    for name in ["before-compaction.jsonl", "large-session.jsonl"] {
        let original = fixtures().join("sessions-v1").join(name);
        let path = copy(&scratch, &original);
        let session = SessionManager::open(&path, None, None).unwrap();
        assert_eq!(session.header().version, Some(3));
        drop(session);

        let migrated = std::fs::read_to_string(&path).unwrap();
        let reference =
            std::fs::read_to_string(fixtures().join("sessions-v1-migrated").join(name)).unwrap();
        let renamed = with_reference_ids(&migrated, &reference);
        if let Some((line, (ours, theirs))) = renamed
            .lines()
            .zip(reference.lines())
            .enumerate()
            .find(|(_, (a, b))| a != b)
        {
            panic!(
                "{name}: line {} differs from pi's migration:\n{ours}\n{theirs}",
                line + 1
            );
        }
        assert_eq!(renamed.len(), reference.len(), "{name}");
        // The original is kept beside it.
        let backup = PathBuf::from(format!("{}.v1.bak", path.display()));
        assert_eq!(
            std::fs::read(&backup).unwrap(),
            std::fs::read(&original).unwrap()
        );

        // Migrating is done once.
        let again = SessionManager::open(&path, None, None).unwrap();
        drop(again);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), migrated);
        assert!(!Path::new(&format!("{}.v3.bak", path.display())).exists());
    }
}

#[test]
fn migrated_compactions_shape_the_context() {
    let scratch = Scratch::new();
    let path = copy(
        &scratch,
        &fixtures().join("sessions-v1/before-compaction.jsonl"),
    );
    let session = SessionManager::open(&path, None, None).unwrap();
    let context = session.build_session_context().unwrap();
    assert_eq!(context.messages[0].role(), "compactionSummary");
    let entries = session.build_context_entries().unwrap();
    assert_eq!(entries[0].kind.type_name(), "compaction");
    // Everything kept follows the compaction's firstKeptEntryId.
    let pi_coding_agent::session::EntryKind::Compaction(compaction) = &entries[0].kind else {
        panic!("the context starts with the latest compaction");
    };
    assert_eq!(entries[1].id, compaction.first_kept_entry_id);
    // Model and thinking level come from the whole path, compacted part included.
    assert!(context.model.is_some());

    let large = copy(
        &scratch,
        &fixtures().join("sessions-v1/large-session.jsonl"),
    );
    let session = SessionManager::open(&large, None, None).unwrap();
    let context = session.build_session_context().unwrap();
    assert_eq!(context.messages.len(), 914);
    let timestamps: Vec<i64> = session
        .entries()
        .unwrap()
        .iter()
        .filter_map(|entry| parse_iso_ms(&entry.timestamp))
        .collect();
    assert_eq!(timestamps.len(), session.entry_count());
}

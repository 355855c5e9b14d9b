//! Session hot paths: appending to sessions of any size, opening a 100 MB session to continue
//! it (with and without its history behind a compaction), and listing 1,000 sessions (1 GB).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::path::Path;
use std::time::Duration;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use pi_ai::UserMessage;
use pi_coding_agent::session::{SessionLocation, SessionManager, list_all_sessions};
use support::sessions::{write_session, write_sessions};

const MB: u64 = 1 << 20;

fn append(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let mut group = c.benchmark_group("session_append");
    for megabytes in [1, 100] {
        let file = dir.path().join(format!("{megabytes}.jsonl"));
        write_session(&file, megabytes * MB, false).unwrap();
        let mut session = SessionManager::open(&file, None, None).unwrap();
        let message = UserMessage::text("one more line for the session").into();
        group.bench_function(format!("into_{megabytes}MB"), |b| {
            b.iter(|| session.append_message(&message).unwrap())
        });
    }
    group.finish();
}

fn open(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let mut group = c.benchmark_group("session_open_100MB");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(10));
    for (name, compacted) in [("compacted", true), ("whole_history", false)] {
        let file = dir.path().join(format!("{name}.jsonl"));
        write_session(&file, 100 * MB, compacted).unwrap();
        group.bench_function(name, |b| {
            b.iter(|| {
                let session = SessionManager::open(&file, None, None).unwrap();
                session.build_session_context().unwrap().messages.len()
            })
        });
    }
    group.finish();
}

fn list(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    write_sessions(dir.path(), 1000, MB).unwrap();
    let location = SessionLocation::new(Path::new("/nonexistent")).with_session_dir(dir.path());
    let mut group = c.benchmark_group("session_list");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(10));
    group.bench_function("1000_sessions_1GB", |b| {
        b.iter_batched(
            || (),
            |()| list_all_sessions(&location, None).len(),
            BatchSize::PerIteration,
        )
    });
    group.finish();
}

criterion_group!(benches, append, open, list);
criterion_main!(benches);

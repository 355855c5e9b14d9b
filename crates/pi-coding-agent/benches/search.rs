//! `grep` and `find` over a large generated tree (10,000 files, 40 MB of text in 200
//! directories, with a `.gitignore`d `node_modules`), through the tools as the agent calls
//! them. When `rg` and `fd` are installed the same searches run through them with the flags
//! pi 0.87.1 passes, for comparison (process start-up included, as pi pays it).
// Setup failures end the benchmark, which is all they can do.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use criterion::{Criterion, criterion_group, criterion_main};
use pi_agent_core::{AgentTool, ToolCallInput, ToolProgress};
use pi_ai::CancellationToken;
use pi_coding_agent::tools::{ToolName, ToolsOptions, create_tools};
use serde_json::{Value, json};

const DIRS: usize = 200;
const FILES_PER_DIR: usize = 50;
const LINES_PER_FILE: usize = 50;

const WORDS: [&str; 16] = [
    "alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet",
    "kilo", "lima", "mike", "november", "oscar", "papa",
];

/// A deterministic tree: `d<i>/f<j>.{rs,ts,md}` with lines of words; one file in 500 holds
/// `needle_marker`; `node_modules` (ignored) holds more of the same.
fn generate(root: &Path) {
    let mut state = 0x2545_f491_u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    std::fs::write(root.join(".gitignore"), "node_modules/\n").unwrap();
    std::fs::create_dir(root.join(".git")).unwrap();
    for dir in 0..DIRS {
        let base = if dir % 20 == 19 {
            root.join("node_modules").join(format!("d{dir}"))
        } else {
            root.join(format!("d{dir}"))
        };
        std::fs::create_dir_all(&base).unwrap();
        for file in 0..FILES_PER_DIR {
            let ext = ["rs", "ts", "md"][file % 3];
            let mut out = std::io::BufWriter::new(
                std::fs::File::create(base.join(format!("f{file}.{ext}"))).unwrap(),
            );
            for line in 0..LINES_PER_FILE {
                let words: Vec<&str> = (0..10).map(|_| WORDS[(next() % 16) as usize]).collect();
                writeln!(out, "{line:04} {}", words.join(" ")).unwrap();
            }
            if (dir * FILES_PER_DIR + file).is_multiple_of(500) {
                writeln!(out, "needle_marker found here").unwrap();
            }
        }
    }
}

fn call(tool: &dyn AgentTool, args: Value, runtime: &tokio::runtime::Runtime) -> usize {
    runtime.block_on(async {
        let input = ToolCallInput {
            call_id: "bench".into(),
            args,
            cancel: CancellationToken::new(),
            progress: ToolProgress::ignored(),
        };
        let result = tool.execute(input).await.unwrap();
        serde_json::to_string(&result.content).unwrap().len()
    })
}

fn find_program(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|dir| names.iter().map(move |name| dir.join(name)))
        .find(|candidate| candidate.is_file())
}

fn run(program: &Path, args: &[&str]) -> usize {
    let output = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    output.stdout.len()
}

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    generate(dir.path());
    let root = dir.path().to_str().unwrap().to_string();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let tools = create_tools(dir.path(), ToolsOptions::default());
    let (grep, find) = (tools.get(ToolName::Grep), tools.get(ToolName::Find));
    let rg = find_program(&["rg"]);
    let fd = find_program(&["fd", "fdfind"]);

    let mut group = c.benchmark_group("grep");
    group.sample_size(20);
    // A rare pattern: every file is searched.
    group.bench_function("rare/tool", |b| {
        b.iter(|| call(&*grep, json!({"pattern": "needle_marker"}), &runtime))
    });
    // A common pattern: the 100-match limit stops the search early.
    group.bench_function("common/tool", |b| {
        b.iter(|| call(&*grep, json!({"pattern": "alpha bravo"}), &runtime))
    });
    group.bench_function("rare_glob/tool", |b| {
        b.iter(|| {
            call(
                &*grep,
                json!({"pattern": "needle_marker", "glob": "*.ts"}),
                &runtime,
            )
        })
    });
    if let Some(rg) = &rg {
        let args = |pattern: &'static str| {
            [
                "--json",
                "--line-number",
                "--color=never",
                "--hidden",
                "--",
                pattern,
            ]
        };
        group.bench_function("rare/rg", |b| {
            b.iter(|| run(rg, &[&args("needle_marker")[..], &[root.as_str()]].concat()))
        });
        group.bench_function("rare_glob/rg", |b| {
            b.iter(|| {
                run(
                    rg,
                    &[
                        "--json",
                        "--line-number",
                        "--color=never",
                        "--hidden",
                        "--glob",
                        "*.ts",
                        "--",
                        "needle_marker",
                        &root,
                    ],
                )
            })
        });
    }
    group.finish();

    let mut group = c.benchmark_group("find");
    group.sample_size(20);
    group.bench_function("all_rs/tool", |b| {
        b.iter(|| {
            call(
                &*find,
                json!({"pattern": "*.rs", "limit": 100000}),
                &runtime,
            )
        })
    });
    group.bench_function("limited/tool", |b| {
        b.iter(|| call(&*find, json!({"pattern": "*.rs"}), &runtime))
    });
    group.bench_function("rare/tool", |b| {
        b.iter(|| call(&*find, json!({"pattern": "f7.ts"}), &runtime))
    });
    group.bench_function("full_path/tool", |b| {
        b.iter(|| call(&*find, json!({"pattern": "d1*/f1*.md"}), &runtime))
    });
    if let Some(fd) = &fd {
        let fd_run = |pattern: &str, limit: &str, full_path: bool| {
            let mut args = vec![
                "--glob",
                "--color=never",
                "--hidden",
                "--max-results",
                limit,
            ];
            if full_path {
                args.push("--full-path");
            }
            args.extend(["--", pattern, root.as_str()]);
            run(fd, &args)
        };
        group.bench_function("all_rs/fd", |b| b.iter(|| fd_run("*.rs", "100000", false)));
        group.bench_function("limited/fd", |b| b.iter(|| fd_run("*.rs", "1000", false)));
        group.bench_function("rare/fd", |b| b.iter(|| fd_run("f7.ts", "1000", false)));
        group.bench_function("full_path/fd", |b| {
            b.iter(|| fd_run("**/d1*/f1*.md", "1000", true))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

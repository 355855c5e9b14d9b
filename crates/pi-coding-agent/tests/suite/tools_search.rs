//! `grep`, `find` and `ls`: naming, limits, context, hidden files, ignore files, notices and
//! errors (ported from pi's tools tests, texts checked verbatim).

use pi_coding_agent::tools::ToolName::{Find, Grep, Ls};
use serde_json::json;

use super::tools_support::{Workspace, text};

#[tokio::test]
async fn grep_names_a_single_file_by_its_basename() {
    let ws = Workspace::new();
    ws.write("example.txt", "first line\nmatch line\nlast line");
    let result = ws
        .ok(
            Grep,
            json!({"pattern": "match", "path": ws.abs("example.txt")}),
        )
        .await;
    assert_eq!(text(&result), "example.txt:2: match line");
    assert_eq!(result.details, None);
}

#[tokio::test]
async fn grep_limit_with_context() {
    let ws = Workspace::new();
    ws.write(
        "context.txt",
        "before\nmatch one\nafter\nmiddle\nmatch two\nafter two",
    );
    let result = ws
        .ok(
            Grep,
            json!({"pattern": "match", "path": "context.txt", "limit": 1, "context": 1}),
        )
        .await;
    assert_eq!(
        text(&result),
        "context.txt-1- before\ncontext.txt:2: match one\ncontext.txt-3- after\n\n[1 matches limit reached. Use limit=2 for more, or refine pattern]"
    );
    assert_eq!(result.details.unwrap(), json!({"matchLimitReached": 1}));
}

#[tokio::test]
async fn grep_context_blocks_repeat_overlapping_lines() {
    let ws = Workspace::new();
    ws.write("c.txt", "a\nm1\nm2\nb\n");
    let result = ws
        .ok(Grep, json!({"pattern": "m", "path": "c.txt", "context": 1}))
        .await;
    assert_eq!(
        text(&result),
        "c.txt-1- a\nc.txt:2: m1\nc.txt-3- m2\nc.txt-2- m1\nc.txt:3: m2\nc.txt-4- b"
    );
}

#[tokio::test]
async fn grep_directory_paths_are_relative_and_sorted() {
    let ws = Workspace::new();
    ws.write("b.txt", "needle b\n");
    ws.write("a/z.txt", "needle z\n");
    ws.write("a.txt", "needle a\n");
    let result = ws.ok(Grep, json!({"pattern": "needle"})).await;
    assert_eq!(
        text(&result),
        "a/z.txt:1: needle z\na.txt:1: needle a\nb.txt:1: needle b"
    );
}

#[tokio::test]
async fn grep_includes_hidden_files_and_honours_ignore_files() {
    let ws = Workspace::new();
    ws.write(".hidden/h.txt", "secret\n");
    ws.write("v.txt", "secret\n");
    ws.write(".ignore", "skipped.txt\n");
    ws.write("skipped.txt", "secret\n");
    let result = ws.ok(Grep, json!({"pattern": "secret"})).await;
    assert_eq!(text(&result), ".hidden/h.txt:1: secret\nv.txt:1: secret");
}

#[tokio::test]
async fn grep_gitignore_applies_inside_a_repository() {
    let ws = Workspace::new();
    ws.write(".gitignore", "ignored.txt\n");
    ws.write("ignored.txt", "x\n");
    ws.write("kept.txt", "x\n");
    // Outside a git repository .gitignore does not apply, as with rg.
    assert_eq!(
        text(&ws.ok(Grep, json!({"pattern": "^x"})).await),
        "ignored.txt:1: x\nkept.txt:1: x"
    );
    std::fs::create_dir(ws.join(".git")).unwrap();
    assert_eq!(
        text(&ws.ok(Grep, json!({"pattern": "^x"})).await),
        "kept.txt:1: x"
    );
}

#[tokio::test]
async fn grep_options() {
    let ws = Workspace::new();
    ws.write("a.txt", "hello\nHeLLo\na.b(\naxb(\n");
    ws.write("b.ts", "hello\n");
    assert_eq!(
        text(
            &ws.ok(
                Grep,
                json!({"pattern": "HELLO", "ignoreCase": true, "path": "a.txt"})
            )
            .await
        ),
        "a.txt:1: hello\na.txt:2: HeLLo"
    );
    assert_eq!(
        text(
            &ws.ok(
                Grep,
                json!({"pattern": "a.b(", "literal": true, "path": "a.txt"})
            )
            .await
        ),
        "a.txt:3: a.b("
    );
    assert_eq!(
        text(
            &ws.ok(Grep, json!({"pattern": "hello", "glob": "*.ts"}))
                .await
        ),
        "b.ts:1: hello"
    );
}

#[tokio::test]
async fn grep_cuts_long_lines() {
    let ws = Workspace::new();
    ws.write("long.txt", format!("needle{}\n", "y".repeat(700)));
    let result = ws
        .ok(Grep, json!({"pattern": "needle", "path": "long.txt"}))
        .await;
    assert_eq!(
        text(&result),
        format!(
            "long.txt:1: needle{}... [truncated]\n\n[Some lines truncated to 500 chars. Use read tool to see full lines]",
            "y".repeat(494)
        )
    );
    assert_eq!(result.details.unwrap(), json!({"linesTruncated": true}));
}

#[tokio::test]
async fn grep_byte_limit_notice() {
    let ws = Workspace::new();
    let lines: String = (1..=400)
        .map(|i| format!("row {i} {}\n", "w".repeat(300)))
        .collect();
    ws.write("f.txt", lines);
    let result = ws
        .ok(
            Grep,
            json!({"pattern": "row", "path": "f.txt", "limit": 1000}),
        )
        .await;
    assert!(text(&result).ends_with("\n\n[50.0KB limit reached]"));
    let truncation = &result.details.unwrap()["truncation"];
    assert_eq!(truncation["truncatedBy"], "bytes");
    assert_eq!(truncation["maxLines"], 9_007_199_254_740_991_u64);
}

#[tokio::test]
async fn grep_no_matches_and_errors() {
    let ws = Workspace::new();
    ws.write("a.txt", "text\n");
    assert_eq!(
        text(&ws.ok(Grep, json!({"pattern": "--help"})).await),
        "No matches found"
    );
    assert_eq!(
        ws.err(Grep, json!({"pattern": "x", "path": "nope"})).await,
        format!("Path not found: {}", ws.abs("nope"))
    );
    assert_eq!(
        ws.err(Grep, json!({"pattern": "("})).await,
        "rg: regex parse error:\n    (?:()\n    ^\nerror: unclosed group"
    );
}

#[tokio::test]
async fn grep_skips_binary_files_unless_named() {
    let ws = Workspace::new();
    ws.write("bin.dat", b"needle\x00\x01\x02\nneedle again\n");
    ws.write("t.txt", "needle\n");
    assert_eq!(
        text(&ws.ok(Grep, json!({"pattern": "needle"})).await),
        "t.txt:1: needle"
    );
    assert_eq!(
        text(
            &ws.ok(Grep, json!({"pattern": "needle", "path": "bin.dat"}))
                .await
        ),
        "bin.dat:1: needle\u{0}\u{1}\u{2}\nbin.dat:2: needle again"
    );
}

#[tokio::test]
async fn find_includes_hidden_files_not_ignored() {
    let ws = Workspace::new();
    ws.write(".secret/hidden.txt", "hidden");
    ws.write("visible.txt", "visible");
    let result = ws
        .ok(Find, json!({"pattern": "**/*.txt", "path": ws.abs("")}))
        .await;
    assert_eq!(text(&result), ".secret/hidden.txt\nvisible.txt");
}

#[tokio::test]
async fn find_respects_gitignore_outside_repositories() {
    let ws = Workspace::new();
    ws.write(".gitignore", "ignored.txt\n");
    ws.write("ignored.txt", "ignored");
    ws.write("kept.txt", "kept");
    assert_eq!(
        text(&ws.ok(Find, json!({"pattern": "**/*.txt"})).await),
        "kept.txt"
    );
}

#[tokio::test]
async fn find_matches_names_or_full_paths() {
    let ws = Workspace::new();
    for file in [
        "src/a.ts",
        "src/deep/b.ts",
        "other/c.ts",
        "x.ts",
        "lib/src/d.js",
        "A.TXT",
        "b.txt",
    ] {
        ws.write(file, "");
    }
    assert_eq!(
        text(&ws.ok(Find, json!({"pattern": "src/**/*.ts"})).await),
        "src/a.ts\nsrc/deep/b.ts"
    );
    assert_eq!(
        text(&ws.ok(Find, json!({"pattern": "src"})).await),
        "lib/src/\nsrc/"
    );
    // Smart case, as fd: lower-case patterns ignore case.
    assert_eq!(
        text(&ws.ok(Find, json!({"pattern": "*.txt"})).await),
        "A.TXT\nb.txt"
    );
    assert_eq!(
        text(&ws.ok(Find, json!({"pattern": "*.TXT"})).await),
        "A.TXT"
    );
}

#[tokio::test]
async fn find_limit_and_empty_results() {
    let ws = Workspace::new();
    for file in ["1.txt", "2.txt", "3.txt", "4.txt"] {
        ws.write(file, "");
    }
    let result = ws.ok(Find, json!({"pattern": "*.txt", "limit": 4})).await;
    assert_eq!(
        text(&result),
        "1.txt\n2.txt\n3.txt\n4.txt\n\n[4 results limit reached. Use limit=8 for more, or refine pattern]"
    );
    assert_eq!(result.details.unwrap(), json!({"resultLimitReached": 4}));
    let result = ws.ok(Find, json!({"pattern": "*.txt", "limit": 2})).await;
    assert_eq!(text(&result).lines().count(), 4);
    assert_eq!(
        text(&ws.ok(Find, json!({"pattern": "--help"})).await),
        "No files found matching pattern"
    );
}

#[tokio::test]
async fn find_errors() {
    let ws = Workspace::new();
    ws.write("a.txt", "");
    assert_eq!(
        ws.err(Find, json!({"pattern": "["})).await,
        "[fd error]: error parsing glob '[': unclosed character class; missing ']'"
    );
    assert_eq!(
        ws.err(Find, json!({"pattern": "*", "path": "nope"})).await,
        format!(
            "[fd error]: Search path '{}' is not a directory.\n[fd error]: No valid search paths given.",
            ws.abs("nope")
        )
    );
}

#[tokio::test]
async fn ls_lists_dotfiles_and_directories() {
    let ws = Workspace::new();
    ws.write(".hidden-file", "secret");
    std::fs::create_dir(ws.join(".hidden-dir")).unwrap();
    ws.write("b.txt", "");
    ws.write("A.md", "");
    let result = ws.ok(Ls, json!({"path": ws.abs("")})).await;
    assert_eq!(text(&result), ".hidden-dir/\n.hidden-file\nA.md\nb.txt");
    assert_eq!(result.details, None);
}

#[tokio::test]
async fn ls_sorts_like_locale_compare() {
    let ws = Workspace::new();
    for name in [
        "test.py",
        "test_utils.py",
        "test-a",
        "Zeta",
        "alpha",
        "_config.yml",
        "éclair",
        "eclair",
        "10.txt",
        "9.txt",
    ] {
        ws.write(name, "");
    }
    assert_eq!(
        text(&ws.ok(Ls, json!({})).await),
        "_config.yml\n10.txt\n9.txt\nalpha\neclair\néclair\ntest_utils.py\ntest-a\ntest.py\nZeta"
    );
}

#[tokio::test]
async fn ls_limits_links_and_errors() {
    let ws = Workspace::new();
    for name in ["a", "b", "c"] {
        ws.write(name, "");
    }
    let result = ws.ok(Ls, json!({"limit": 2})).await;
    assert_eq!(
        text(&result),
        "a\nb\n\n[2 entries limit reached. Use limit=4 for more]"
    );
    assert_eq!(result.details.unwrap(), json!({"entryLimitReached": 2}));

    std::fs::create_dir(ws.join("realdir")).unwrap();
    std::os::unix::fs::symlink("realdir", ws.join("linkdir")).unwrap();
    std::os::unix::fs::symlink("missing", ws.join("broken")).unwrap();
    assert_eq!(
        text(&ws.ok(Ls, json!({})).await),
        "a\nb\nc\nlinkdir/\nrealdir/"
    );

    std::fs::create_dir(ws.join("empty")).unwrap();
    assert_eq!(
        text(&ws.ok(Ls, json!({"path": "empty"})).await),
        "(empty directory)"
    );
    assert_eq!(
        ws.err(Ls, json!({"path": "nope"})).await,
        format!("Path not found: {}", ws.abs("nope"))
    );
    assert_eq!(
        ws.err(Ls, json!({"path": "a"})).await,
        format!("Not a directory: {}", ws.abs("a"))
    );
}

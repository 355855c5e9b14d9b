//! `edit` and `write`: exact and fuzzy matching, uniqueness, multi-edit rules, BOM and line
//! endings, the diff and patch, legacy arguments, and writes (ported from pi's tools tests).

use pi_coding_agent::tools::ToolName::{Edit, Write};
use serde_json::{Value, json};

use super::tools_support::{Workspace, text};

fn edits(pairs: &[(&str, &str)]) -> Value {
    Value::Array(
        pairs
            .iter()
            .map(|(old, new)| json!({"oldText": old, "newText": new}))
            .collect(),
    )
}

#[tokio::test]
async fn replaces_text_with_diff_and_patch() {
    let ws = Workspace::new();
    ws.write("edit-test.txt", "Hello, world!");
    let result = ws
        .ok(
            Edit,
            json!({"path": "edit-test.txt", "edits": edits(&[("world", "testing")])}),
        )
        .await;
    assert_eq!(
        text(&result),
        "Successfully replaced 1 block(s) in edit-test.txt."
    );
    assert_eq!(ws.read("edit-test.txt"), "Hello, testing!");
    let details = result.details.unwrap();
    assert_eq!(details["diff"], "-1 Hello, world!\n+1 Hello, testing!");
    assert_eq!(details["firstChangedLine"], 1);
    assert_eq!(
        details["patch"],
        "--- edit-test.txt\n+++ edit-test.txt\n@@ -1,1 +1,1 @@\n-Hello, world!\n\\ No newline at end of file\n+Hello, testing!\n\\ No newline at end of file\n"
    );
}

#[tokio::test]
async fn not_found() {
    let ws = Workspace::new();
    ws.write("f.txt", "Hello, world!");
    assert_eq!(
        ws.err(
            Edit,
            json!({"path": "f.txt", "edits": edits(&[("nonexistent", "testing")])})
        )
        .await,
        "Could not find the exact text in f.txt. The old text must match exactly including all whitespace and newlines."
    );
}

#[tokio::test]
async fn missing_file_names_the_error_code() {
    let ws = Workspace::new();
    let missing = ws.abs("missing.txt");
    assert_eq!(
        ws.err(
            Edit,
            json!({"path": missing, "edits": edits(&[("hello", "world")])})
        )
        .await,
        format!("Could not edit file: {missing}. Error code: ENOENT.")
    );
    ws.write("file.txt", "x");
    assert_eq!(
        ws.err(
            Edit,
            json!({"path": "file.txt/inner", "edits": edits(&[("x", "y")])})
        )
        .await,
        "Could not edit file: file.txt/inner. Error code: ENOTDIR."
    );
}

#[tokio::test]
async fn duplicates_are_refused() {
    let ws = Workspace::new();
    ws.write("f.txt", "foo foo foo");
    assert_eq!(
        ws.err(
            Edit,
            json!({"path": "f.txt", "edits": edits(&[("foo", "bar")])})
        )
        .await,
        "Found 3 occurrences of the text in f.txt. The text must be unique. Please provide more context to make it unique."
    );
}

#[tokio::test]
async fn multiple_disjoint_edits() {
    let ws = Workspace::new();
    ws.write("f.txt", "alpha\nbeta\ngamma\ndelta\n");
    let result = ws
        .ok(Edit, json!({"path": "f.txt", "edits": edits(&[("alpha\n", "ALPHA\n"), ("gamma\n", "GAMMA\n")])}))
        .await;
    assert_eq!(text(&result), "Successfully replaced 2 block(s) in f.txt.");
    assert_eq!(ws.read("f.txt"), "ALPHA\nbeta\nGAMMA\ndelta\n");
    assert_eq!(
        result.details.unwrap()["diff"],
        "-1 alpha\n+1 ALPHA\n 2 beta\n-3 gamma\n+3 GAMMA\n 4 delta"
    );
}

#[tokio::test]
async fn large_gaps_collapse_in_the_diff() {
    let ws = Workspace::new();
    let lines: String = (1..=600).map(|i| format!("line {i:03}\n")).collect();
    ws.write("f.txt", &lines);
    let result = ws
        .ok(
            Edit,
            json!({"path": "f.txt", "edits": edits(&[("line 100\n", "LINE 100\n"), ("line 300\n", "LINE 300\n"), ("line 500\n", "LINE 500\n")])}),
        )
        .await;
    let details = result.details.unwrap();
    let diff = details["diff"].as_str().unwrap();
    assert!(diff.contains("+100 LINE 100"));
    assert!(diff.contains("+300 LINE 300"));
    assert!(diff.contains("+500 LINE 500"));
    assert!(diff.contains("     ..."));
    assert!(!diff.contains("line 250"));
    assert!(diff.lines().count() < 50);
    assert_eq!(details["firstChangedLine"], 100);
    assert!(
        details["patch"]
            .as_str()
            .unwrap()
            .contains("@@ -96,9 +96,9 @@\n line 096\n")
    );
}

#[tokio::test]
async fn edits_match_the_original_not_each_other() {
    let ws = Workspace::new();
    ws.write("f.txt", "foo\nbar\nbaz\n");
    ws.ok(
        Edit,
        json!({"path": "f.txt", "edits": edits(&[("foo\n", "foo bar\n"), ("bar\n", "BAR\n")])}),
    )
    .await;
    assert_eq!(ws.read("f.txt"), "foo bar\nBAR\nbaz\n");
}

#[tokio::test]
async fn multi_edit_errors() {
    let ws = Workspace::new();
    ws.write("f.txt", "one\ntwo\nthree\n");
    let err = |args| async { ws.err(Edit, args).await };
    assert_eq!(
        err(json!({"path": "f.txt", "edits": []})).await,
        "Edit tool input is invalid. edits must contain at least one replacement."
    );
    assert_eq!(
        err(
            json!({"path": "f.txt", "edits": edits(&[("one\ntwo\n", "X"), ("two\nthree\n", "Y")])})
        )
        .await,
        "edits[0] and edits[1] overlap in f.txt. Merge them into one edit or target disjoint regions."
    );
    assert_eq!(
        err(json!({"path": "f.txt", "edits": edits(&[("one\n", "ONE\n"), ("missing\n", "M\n")])}))
            .await,
        "Could not find edits[1] in f.txt. The oldText must match exactly including all whitespace and newlines."
    );
    assert_eq!(
        err(json!({"path": "f.txt", "edits": edits(&[("e", "E"), ("one", "ONE")])})).await,
        "Found 3 occurrences of edits[0] in f.txt. Each oldText must be unique. Please provide more context to make it unique."
    );
    assert_eq!(
        err(json!({"path": "f.txt", "edits": edits(&[("one", "ONE"), ("", "x")])})).await,
        "edits[1].oldText must not be empty in f.txt."
    );
    assert_eq!(
        err(json!({"path": "f.txt", "edits": edits(&[("", "x")])})).await,
        "oldText must not be empty in f.txt."
    );
    assert_eq!(
        err(json!({"path": "f.txt", "edits": edits(&[("one", "one"), ("two", "two")])})).await,
        "No changes made to f.txt. The replacements produced identical content."
    );
    assert_eq!(
        err(json!({"path": "f.txt", "edits": edits(&[("one", "one")])})).await,
        "No changes made to f.txt. The replacement produced identical content. This might indicate an issue with special characters or the text not existing as expected."
    );
    // Nothing was applied by any of the failed calls.
    assert_eq!(ws.read("f.txt"), "one\ntwo\nthree\n");
}

#[tokio::test]
async fn legacy_argument_forms() {
    let ws = Workspace::new();
    ws.write("f.txt", "alpha\nbeta\ngamma\n");
    ws.ok(
        Edit,
        json!({"path": "f.txt", "oldText": "beta", "newText": "BETA"}),
    )
    .await;
    ws.ok(
        Edit,
        json!({"path": "f.txt", "edits": "[{\"oldText\": \"alpha\", \"newText\": \"ALPHA\"}]"}),
    )
    .await;
    ws.ok(
        Edit,
        json!({"path": "f.txt", "edits": {"oldText": "gamma", "newText": "GAMMA"}}),
    )
    .await;
    assert_eq!(ws.read("f.txt"), "ALPHA\nBETA\nGAMMA\n");
}

#[tokio::test]
async fn fuzzy_matching() {
    let cases: &[(&str, &str, &str, &str)] = &[
        // (file, oldText, newText, expected file)
        (
            "line one   \nline two  \nline three\n",
            "line one\nline two\n",
            "replaced\n",
            "replaced\nline three\n",
        ),
        (
            "你好，世界\n你好（世界）\n",
            "你好,世界\n你好(世界)\n",
            "你好，pi\n你好(pi)\n",
            "你好，pi\n你好(pi)\n",
        ),
        (
            "ＡＢＣ１２３\ncafe\u{301}\n",
            "ABC123\ncafé\n",
            "XYZ789\ncoffee\n",
            "XYZ789\ncoffee\n",
        ),
        (
            "console.log(\u{2018}hello\u{2019});\n",
            "console.log('hello');",
            "console.log('world');",
            "console.log('world');\n",
        ),
        (
            "const msg = \u{201C}Hello World\u{201D};\n",
            "const msg = \"Hello World\";",
            "const msg = \"Goodbye\";",
            "const msg = \"Goodbye\";\n",
        ),
        (
            "range: 1\u{2013}5\nbreak\u{2014}here\n",
            "range: 1-5\nbreak-here",
            "range: 10-50\nbreak--here",
            "range: 10-50\nbreak--here\n",
        ),
        (
            "hello\u{A0}world\n",
            "hello world",
            "hello universe",
            "hello universe\n",
        ),
    ];
    for (file, old, new, expected) in cases {
        let ws = Workspace::new();
        ws.write("f.txt", file);
        let result = ws
            .ok(
                Edit,
                json!({"path": "f.txt", "edits": edits(&[(old, new)])}),
            )
            .await;
        assert_eq!(text(&result), "Successfully replaced 1 block(s) in f.txt.");
        assert_eq!(ws.read("f.txt"), *expected, "editing {file:?}");
    }
}

#[tokio::test]
async fn exact_match_is_preferred() {
    let ws = Workspace::new();
    ws.write(
        "f.txt",
        "const x = 'exact';\nconst y = \u{2018}other\u{2019};\n",
    );
    ws.ok(
        Edit,
        json!({"path": "f.txt", "edits": edits(&[("const x = 'exact';", "const x = 'changed';")])}),
    )
    .await;
    // The exact match leaves the curly quotes elsewhere alone.
    assert_eq!(
        ws.read("f.txt"),
        "const x = 'changed';\nconst y = \u{2018}other\u{2019};\n"
    );
}

#[tokio::test]
async fn fuzzy_duplicates_and_misses() {
    let ws = Workspace::new();
    ws.write("f.txt", "hello world   \nhello world\n");
    assert!(
        ws.err(
            Edit,
            json!({"path": "f.txt", "edits": edits(&[("hello world", "replaced")])})
        )
        .await
        .starts_with("Found 2 occurrences of the text in f.txt.")
    );
    ws.write("g.txt", "completely different content\n");
    assert!(
        ws.err(
            Edit,
            json!({"path": "g.txt", "edits": edits(&[("this does not exist", "x")])})
        )
        .await
        .starts_with("Could not find the exact text in g.txt.")
    );
}

#[tokio::test]
async fn fuzzy_edits_keep_untouched_lines() {
    let ws = Workspace::new();
    ws.write(
        "f.txt",
        "console.log(\u{2018}hello\u{2019});\nhello\u{A0}world\n",
    );
    ws.ok(
        Edit,
        json!({"path": "f.txt", "edits": edits(&[("console.log('hello');\n", "console.log('world');\n"), ("hello world\n", "hello universe\n")])}),
    )
    .await;
    assert_eq!(ws.read("f.txt"), "console.log('world');\nhello universe\n");

    let original = "keep before  \nfirst target  \nfirst after\nkeep middle   \nsecond target  \nsecond after\nkeep after  \n";
    ws.write("g.txt", original);
    let result = ws
        .ok(
            Edit,
            json!({"path": "g.txt", "edits": edits(&[("first target\nfirst after", "FIRST\nFIRST2"), ("second target\nsecond after", "SECOND\nSECOND2")])}),
        )
        .await;
    assert_eq!(
        ws.read("g.txt"),
        "keep before  \nFIRST\nFIRST2\nkeep middle   \nSECOND\nSECOND2\nkeep after  \n"
    );
    assert_eq!(result.details.unwrap()["firstChangedLine"], 2);

    ws.write("h.txt", "replace me   \nafter   \n");
    ws.ok(
        Edit,
        json!({"path": "h.txt", "edits": edits(&[("replace me\n", "after\n")])}),
    )
    .await;
    assert_eq!(ws.read("h.txt"), "after\nafter   \n");
}

#[tokio::test]
async fn line_endings_and_bom_are_kept() {
    let ws = Workspace::new();
    ws.write("crlf.txt", "first\r\nsecond\r\nthird\r\n");
    ws.ok(
        Edit,
        json!({"path": "crlf.txt", "edits": edits(&[("second\n", "REPLACED\n")])}),
    )
    .await;
    assert_eq!(ws.read("crlf.txt"), "first\r\nREPLACED\r\nthird\r\n");

    ws.write("lf.txt", "first\nsecond\nthird\n");
    ws.ok(
        Edit,
        json!({"path": "lf.txt", "edits": edits(&[("second\n", "REPLACED\n")])}),
    )
    .await;
    assert_eq!(ws.read("lf.txt"), "first\nREPLACED\nthird\n");

    ws.write("bom.txt", "\u{FEFF}first\r\nsecond\r\nthird\r\nfourth\r\n");
    ws.ok(Edit, json!({"path": "bom.txt", "edits": edits(&[("second\n", "SECOND\n"), ("fourth\n", "FOURTH\n")])})).await;
    assert_eq!(
        ws.read("bom.txt"),
        "\u{FEFF}first\r\nSECOND\r\nthird\r\nFOURTH\r\n"
    );
}

#[tokio::test]
async fn duplicates_across_line_ending_variants() {
    let ws = Workspace::new();
    ws.write("mixed.txt", "hello\r\nworld\r\n---\r\nhello\nworld\n");
    assert!(
        ws.err(
            Edit,
            json!({"path": "mixed.txt", "edits": edits(&[("hello\nworld\n", "replaced\n")])})
        )
        .await
        .starts_with("Found 2 occurrences")
    );
}

#[tokio::test]
async fn replacement_text_is_literal() {
    let ws = Workspace::new();
    ws.write("f.txt", "the price is\n");
    ws.ok(
        Edit,
        json!({"path": "f.txt", "edits": edits(&[("price", "$& $1 $$")])}),
    )
    .await;
    assert_eq!(ws.read("f.txt"), "the $& $1 $$ is\n");
}

#[tokio::test]
async fn non_utf8_files_are_refused_untouched() {
    let ws = Workspace::new();
    ws.write("latin1.txt", b"caf\xe9\nline\n");
    assert_eq!(
        ws.err(
            Edit,
            json!({"path": "latin1.txt", "edits": edits(&[("line", "LINE")])})
        )
        .await,
        "Could not edit file: latin1.txt. It is not UTF-8 text; edit it with bash instead."
    );
    assert_eq!(
        std::fs::read(ws.join("latin1.txt")).unwrap(),
        b"caf\xe9\nline\n"
    );
}

#[tokio::test]
async fn edits_keep_permissions_and_follow_symlinks() {
    use std::os::unix::fs::PermissionsExt as _;
    let ws = Workspace::new();
    let script = ws.write("run.sh", "echo old\n");
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o750)).unwrap();
    std::os::unix::fs::symlink("run.sh", ws.join("link.sh")).unwrap();
    ws.ok(
        Edit,
        json!({"path": "link.sh", "edits": edits(&[("old", "new")])}),
    )
    .await;
    assert_eq!(ws.read("run.sh"), "echo new\n");
    assert!(
        std::fs::symlink_metadata(ws.join("link.sh"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(
        std::fs::metadata(&script).unwrap().permissions().mode() & 0o777,
        0o750
    );
    // No temp file is left behind.
    let names: Vec<_> = std::fs::read_dir(ws.path())
        .unwrap()
        .map(|entry| entry.unwrap().file_name())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
}

#[tokio::test]
async fn concurrent_edits_of_one_file_take_turns() {
    let ws = Workspace::new();
    let lines: String = (0..40).map(|i| format!("line {i}\n")).collect();
    ws.write("f.txt", &lines);
    let tool = ws.tool(Edit);
    let calls = (0..40).map(|i| {
        let tool = tool.clone();
        async move {
            let args = json!({"path": "f.txt", "edits": edits(&[(&format!("line {i}\n"), &format!("LINE {i}\n"))])});
            super::tools_support::call(&*tool, args, Default::default(), pi_agent_core::ToolProgress::ignored()).await
        }
    });
    for result in futures_join(calls).await {
        result.unwrap();
    }
    let expected: String = (0..40).map(|i| format!("LINE {i}\n")).collect();
    assert_eq!(ws.read("f.txt"), expected);
}

async fn futures_join<F>(futures: impl Iterator<Item = F>) -> Vec<F::Output>
where
    F: std::future::Future + Send + 'static,
    F::Output: Send + 'static,
{
    let handles: Vec<_> = futures.map(tokio::spawn).collect();
    let mut out = Vec::new();
    for handle in handles {
        out.push(handle.await.unwrap());
    }
    out
}

#[tokio::test]
async fn write_creates_parents_and_overwrites() {
    let ws = Workspace::new();
    let result = ws
        .ok(
            Write,
            json!({"path": "nested/dir/test.txt", "content": "Nested content"}),
        )
        .await;
    assert_eq!(text(&result), "Successfully wrote to nested/dir/test.txt");
    assert_eq!(result.details, None);
    assert_eq!(ws.read("nested/dir/test.txt"), "Nested content");
    let absolute = ws.abs("nested/dir/test.txt");
    let result = ws
        .ok(Write, json!({"path": absolute, "content": "héllo 😀\n"}))
        .await;
    assert_eq!(text(&result), format!("Successfully wrote to {absolute}"));
    assert_eq!(ws.read("nested/dir/test.txt"), "héllo 😀\n");
}

#[tokio::test]
async fn write_errors() {
    let ws = Workspace::new();
    std::fs::create_dir(ws.join("sub")).unwrap();
    assert_eq!(
        ws.err(Write, json!({"path": "sub", "content": "x"})).await,
        format!(
            "EISDIR: illegal operation on a directory, open '{}'",
            ws.abs("sub")
        )
    );
    ws.write("f.txt", "x");
    assert_eq!(
        ws.err(Write, json!({"path": "f.txt/inner.txt", "content": "x"}))
            .await,
        format!("EEXIST: file already exists, mkdir '{}'", ws.abs("f.txt"))
    );
}

#[tokio::test]
async fn diff_preview_without_writing() {
    use pi_coding_agent::tools::{Edit as Replacement, compute_edits_diff};
    let ws = Workspace::new();
    ws.write("f.txt", "line one\nline two\nline three\n");
    let edit = |old: &str, new: &str| {
        vec![Replacement {
            old_text: old.into(),
            new_text: new.into(),
        }]
    };
    let preview = compute_edits_diff("f.txt", &edit("line two", "LINE TWO"), ws.path()).unwrap();
    assert_eq!(
        preview.diff,
        " 1 line one\n-2 line two\n+2 LINE TWO\n 3 line three"
    );
    assert_eq!(preview.first_changed_line, Some(2));
    assert_eq!(ws.read("f.txt"), "line one\nline two\nline three\n");
    let missing = ws.abs("missing-preview.txt");
    assert_eq!(
        compute_edits_diff(&missing, &edit("hello", "world"), ws.path())
            .unwrap_err()
            .to_string(),
        format!("Could not edit file: {missing}. Error code: ENOENT.")
    );
    assert!(
        compute_edits_diff("f.txt", &edit("does not exist", "x"), ws.path())
            .unwrap_err()
            .to_string()
            .starts_with("Could not find the exact text in f.txt.")
    );
}

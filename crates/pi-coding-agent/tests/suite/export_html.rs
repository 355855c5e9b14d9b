//! `pi --export`: the command, its errors, and the page it writes, opened in a real headless
//! Chromium.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use super::browser_support::Browser;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/export")
        .join(name)
}

fn session_fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/sessions-0.87.1")
        .join(name)
}

/// A work directory and a home for running `pi`.
struct Work {
    dir: tempfile::TempDir,
}

impl Work {
    fn new() -> Work {
        let work = Work {
            dir: tempfile::tempdir().unwrap(),
        };
        std::fs::create_dir_all(work.home()).unwrap();
        work
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn home(&self) -> PathBuf {
        self.path().join("home")
    }

    /// Copies `source` into the work directory as `name`.
    fn copy(&self, source: &Path, name: &str) -> PathBuf {
        let path = self.path().join(name);
        std::fs::copy(source, &path).unwrap();
        path
    }

    /// Runs `pi args...` in the work directory: (exit code, stdout, stderr).
    fn pi(&self, args: &[&str]) -> (i32, String, String) {
        let output = Command::new(env!("CARGO_BIN_EXE_pi"))
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", self.home())
            .env("PI_CODING_AGENT_DIR", self.home().join(".pi/agent"))
            .env("PI_OFFLINE", "1")
            .current_dir(self.path())
            .args(args)
            .output()
            .unwrap();
        (
            output.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&output.stdout).into_owned(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    }

    /// Exports `session` with the binary; returns the page's path.
    fn export(&self, session: &Path) -> PathBuf {
        let (code, stdout, stderr) = self.pi(&["--export", session.to_str().unwrap()]);
        assert_eq!(code, 0, "{stderr}");
        let name = stdout
            .strip_prefix("Exported to: ")
            .and_then(|rest| rest.strip_suffix('\n'))
            .unwrap_or_else(|| panic!("unexpected output: {stdout:?}"));
        self.path().join(name)
    }
}

#[test]
fn export_writes_the_page_where_pi_does() {
    let work = Work::new();
    let session = work.copy(
        &session_fixture("tools-anthropic.jsonl"),
        "2026-01-01_abc.jsonl",
    );

    let (code, stdout, stderr) = work.pi(&["--export", "2026-01-01_abc.jsonl"]);
    assert_eq!((code, stderr.as_str()), (0, ""));
    assert_eq!(stdout, "Exported to: pi-session-2026-01-01_abc.html\n");
    let page = std::fs::read_to_string(work.path().join("pi-session-2026-01-01_abc.html")).unwrap();
    assert!(page.contains(r#"<script id="session-data" type="application/json">"#));

    std::fs::create_dir(work.path().join("out")).unwrap();
    let (code, stdout, _) = work.pi(&["--export", session.to_str().unwrap(), "out/page.html"]);
    assert_eq!(code, 0);
    assert_eq!(stdout, "Exported to: out/page.html\n");
    assert!(work.path().join("out/page.html").is_file());

    let (code, stdout, _) = work.pi(&["--export", "2026-01-01_abc.jsonl", "~/saved.html"]);
    assert_eq!(code, 0);
    let saved = work.home().join("saved.html");
    assert_eq!(stdout, format!("Exported to: {}\n", saved.display()));
    assert!(saved.is_file());
}

#[test]
fn export_errors_are_pi_s() {
    let work = Work::new();
    let (code, stdout, stderr) = work.pi(&["--export", "missing.jsonl"]);
    assert_eq!((code, stdout.as_str()), (1, ""));
    let missing = work.path().join("missing.jsonl");
    assert_eq!(
        stderr,
        format!("Error: File not found: {}\n", missing.display())
    );

    std::fs::write(work.path().join("notes.jsonl"), "hello\nworld\n").unwrap();
    let (code, _, stderr) = work.pi(&["--export", "notes.jsonl"]);
    assert_eq!(code, 1);
    let notes = work.path().join("notes.jsonl");
    assert_eq!(
        stderr,
        format!(
            "Error: Session file is not a valid pi session: {}\n",
            notes.display()
        )
    );

    let session = work.copy(&session_fixture("tools-anthropic.jsonl"), "s.jsonl");
    let (code, _, stderr) = work.pi(&["--export", session.to_str().unwrap(), "no/dir/x.html"]);
    assert_eq!(code, 1);
    assert!(
        stderr.starts_with("Error: Cannot write no/dir/x.html: "),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1);
}

/// Evaluates `expression` once the page has been drawn: what appears is laid out, and so
/// has visible text, from the next frame on.
fn after_frame(browser: &mut Browser, expression: &str) -> Value {
    browser.eval(&format!(
        "new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(() =>
           done({expression}))))"
    ))
}

/// The visible text of an element.
fn text(browser: &mut Browser, selector: &str) -> String {
    let expression = format!("document.querySelector({selector:?}).innerText");
    after_frame(browser, &expression)
        .as_str()
        .unwrap_or_default()
        .to_string()
}

/// The visible text of each row of the session tree.
fn tree_rows(browser: &mut Browser) -> Vec<String> {
    let rows = after_frame(
        browser,
        "[...document.querySelectorAll('#tree .tree-node')].map((row) => row.innerText)",
    );
    serde_json::from_value(rows).unwrap()
}

fn click_row(browser: &mut Browser, containing: &str) {
    let clicked = browser.eval(&format!(
        "(() => {{ const row = [...document.querySelectorAll('#tree .tree-node')]
            .find((row) => row.innerText.includes({containing:?}));
          if (!row) return false; row.click(); return true; }})()"
    ));
    assert_eq!(
        clicked,
        Value::Bool(true),
        "no tree row with {containing:?}"
    );
}

fn press(browser: &mut Browser, key: &str) {
    browser.eval(&format!(
        "document.dispatchEvent(new KeyboardEvent('keydown', {{ key: {key:?}, bubbles: true }}))"
    ));
}

fn search(browser: &mut Browser, query: &str) {
    browser.eval(&format!(
        "(() => {{ const input = document.getElementById('search'); input.value = {query:?};
          input.dispatchEvent(new Event('input')); }})()"
    ));
}

fn filter(browser: &mut Browser, name: &str) {
    browser.eval(&format!(
        "document.querySelector('[data-filter=\"{name}\"]').click()"
    ));
}

fn count(browser: &mut Browser, selector: &str) -> u64 {
    browser
        .eval(&format!("document.querySelectorAll({selector:?}).length"))
        .as_u64()
        .unwrap()
}

#[test]
fn the_page_shows_the_conversation_in_chromium() {
    let Some(mut browser) = Browser::launch() else {
        return;
    };
    let work = Work::new();

    // A real session of the reference: tool calls with their results.
    let page = work.export(&work.copy(&session_fixture("tools-anthropic.jsonl"), "tools.jsonl"));
    browser.open(&page);
    assert_eq!(browser.eval("document.title"), "Session Export");
    let messages = text(&mut browser, "#messages");
    for expected in [
        "Run the five-step exercise.",
        "Let me look around.",
        "$ rm -f out.txt && ls",
        "read input.txt",
        "some input",
        "$ echo hi",
        "write out.txt",
        "hello from the mock",
        "edit out.txt",
        "+1 goodbye from the mock",
        "Done: listed the directory",
    ] {
        assert!(
            messages.contains(expected),
            "{expected:?} not shown in:\n{messages}"
        );
    }

    // Branches, labels, summaries, Markdown, highlighting and images.
    let page = work.export(&work.copy(&fixture("branched-session.jsonl"), "branched.jsonl"));
    browser.open(&page);
    assert_eq!(text(&mut browser, "h1"), "Session: Markdown and branches");
    let messages = text(&mut browser, "#messages");
    for expected in [
        "Show me some markdown, please.",
        "The user wants markdown. I will show a few constructs.",
        "first item with inline code",
        "Branch summary",
        "The user went back to read a file instead.",
        "Read the main file instead",
        "read ~/project/src/main.rs",
        "println!(\"hi\");",
        "Compacted from 12,345 tokens",
        "[reminder]",
        "A custom note from an extension",
        "$ cargo --version",
        "[skill] review",
        "Please review main.rs",
        "The review found no problems in main.rs.",
    ] {
        assert!(
            messages.contains(expected),
            "{expected:?} not shown in:\n{messages}"
        );
    }
    assert!(
        !messages.contains("Run ls in the project"),
        "the other branch is not shown"
    );
    assert_eq!(text(&mut browser, "#messages h2"), "Overview");
    assert_eq!(count(&mut browser, "#messages table td"), 4);
    assert_eq!(
        count(&mut browser, "#messages a[href='https://example.com/docs']"),
        1
    );
    assert_eq!(count(&mut browser, "#messages li.task input:checked"), 1);
    assert_eq!(text(&mut browser, "#messages del"), "strike");
    let keywords = browser
        .eval("[...document.querySelectorAll('#messages .hl-keyword')].map((k) => k.textContent)");
    assert!(
        keywords.as_array().unwrap().contains(&Value::from("fn")),
        "{keywords}"
    );
    assert!(
        keywords.as_array().unwrap().contains(&Value::from("let")),
        "{keywords}"
    );
    let image = browser.eval("document.querySelector('#messages img.message-image').src");
    assert!(
        image
            .as_str()
            .unwrap()
            .starts_with("data:image/png;base64,iVBOR"),
        "{image}"
    );

    let rows = tree_rows(&mut browser);
    assert_eq!(text(&mut browser, "#tree-status"), "16 / 20 entries");
    assert!(
        rows.iter()
            .any(|row| row.contains("├─") && row.contains("[branch summary]")),
        "{rows:?}"
    );
    assert!(
        rows.iter().any(
            |row| row.contains("└─") && row.contains("[first try] user: Run ls in the project")
        ),
        "{rows:?}"
    );
    assert!(
        rows.iter()
            .any(|row| row.contains("[compaction: 12k tokens]")),
        "{rows:?}"
    );

    // Clicking the other branch shows it, up to its newest entry.
    click_row(&mut browser, "Run ls in the project");
    let messages = text(&mut browser, "#messages");
    assert!(messages.contains("$ ls\nfile-a\nfile-b"), "{messages}");
    assert!(
        messages.contains("There are two files: file-a and file-b."),
        "{messages}"
    );
    assert!(!messages.contains("The review found"), "{messages}");
    assert!(text(&mut browser, "#tree .tree-node.active").contains("Run ls in the project"));

    // Search, filters, and Escape back to the session's own leaf.
    search(&mut browser, "review");
    let rows = tree_rows(&mut browser);
    assert!(
        rows.iter().any(|row| row.contains("skill: review")),
        "{rows:?}"
    );
    assert!(
        !rows.iter().any(|row| row.contains("Read the main file")),
        "{rows:?}"
    );
    press(&mut browser, "Escape");
    assert_eq!(browser.eval("document.getElementById('search').value"), "");
    assert!(text(&mut browser, "#messages").contains("The review found no problems"));
    filter(&mut browser, "user-only");
    let rows = tree_rows(&mut browser);
    assert_eq!(
        rows.iter().filter(|row| row.contains("user: ")).count(),
        4,
        "{rows:?}"
    );
    assert!(
        !rows.iter().any(|row| row.contains("assistant:")),
        "{rows:?}"
    );
    filter(&mut browser, "labeled-only");
    let rows = tree_rows(&mut browser);
    assert!(
        rows.iter().any(|row| row.contains("[first try]")),
        "{rows:?}"
    );
    assert!(
        !rows.iter().any(|row| row.contains("Read the main file")),
        "{rows:?}"
    );
    filter(&mut browser, "all");
    assert_eq!(text(&mut browser, "#tree-status"), "19 / 20 entries");

    // T hides thinking; O opens every collapsed box (the compaction summary, the system prompt).
    press(&mut browser, "t");
    let messages = text(&mut browser, "#messages");
    assert!(!messages.contains("The user wants markdown."), "{messages}");
    assert!(messages.contains("Thinking ..."));
    press(&mut browser, "o");
    let messages = text(&mut browser, "#messages");
    assert!(messages.contains("read src/main.rs"), "{messages}");
    assert!(
        messages.contains("You are pi, a coding agent."),
        "{messages}"
    );
    assert!(
        messages.contains("Review the code carefully and list problems."),
        "{messages}"
    );

    // A link to an entry of another branch opens that branch there.
    browser.open_url(&format!("file://{}?leafId=a3&targetId=u2", page.display()));
    assert!(text(&mut browser, "#messages").contains("There are two files"));
    assert_eq!(
        browser.eval("document.getElementById('entry-u2').classList.contains('highlight')"),
        Value::Bool(true)
    );

    assert_eq!(browser.errors(), Vec::<String>::new());
}

#[test]
fn session_text_cannot_run_script_in_the_page() {
    let Some(mut browser) = Browser::launch() else {
        return;
    };
    let work = Work::new();
    let page = work.export(&work.copy(&fixture("hostile-session.jsonl"), "hostile.jsonl"));
    browser.open(&page);
    // Render every entry: open every collapsed box and visit every branch.
    press(&mut browser, "o");
    browser.eval("for (const row of document.querySelectorAll('#tree .tree-node')) row.click()");
    filter(&mut browser, "all");
    browser.eval("for (const row of document.querySelectorAll('#tree .tree-node')) row.click()");
    press(&mut browser, "o");

    assert_eq!(browser.eval("document.title"), "Session Export");
    assert_eq!(browser.eval("typeof window.__pwned"), "undefined");
    assert_eq!(browser.eval("typeof parent.__pwned"), "undefined");
    assert_eq!(
        count(
            &mut browser,
            "[onerror], [onload], [onclick], [onmouseover], [srcdoc], iframe, frame, svg, object, embed"
        ),
        0
    );
    assert_eq!(browser.eval("document.scripts.length"), 2);
    let links = browser.eval("[...document.querySelectorAll('a')].map((a) => a.href)");
    for link in links.as_array().unwrap() {
        let link = link.as_str().unwrap().to_ascii_lowercase();
        assert!(
            !link.starts_with("javascript:") && !link.starts_with("data:"),
            "{link}"
        );
    }
    let images =
        browser.eval("[...document.querySelectorAll('#content img')].map((img) => img.src)");
    for image in images.as_array().unwrap() {
        assert!(
            image
                .as_str()
                .unwrap()
                .starts_with("data:image/png;base64,"),
            "{image}"
        );
    }

    // The attempts are shown, as text.
    let messages = text(&mut browser, "#messages");
    for shown in [
        "Hostile user text: <img src=x onerror=\"document.title='pwned';window.__pwned=1\">",
        "</script><script>document.title='pwned';window.__pwned=1</script>",
        "<div onclick=\"window.__pwned=1\">raw block html</div>",
        "Links: click me and tabbed and data",
        "read ~/<img src=x onerror=",
        "Custom <img src=x onerror=",
    ] {
        assert!(
            messages.contains(shown),
            "{shown:?} not shown in:\n{messages}"
        );
    }
    assert!(text(&mut browser, "h1").contains("<img src=x onerror="));
    let rows = tree_rows(&mut browser);
    assert!(
        rows.iter().any(|row| row.contains("[<svg onload=")),
        "{rows:?}"
    );

    assert_eq!(browser.errors(), Vec::<String>::new());
}

/// A 1×1 PNG.
const PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4,
    0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0xda, 0x63, 0x64, 0xf8, 0xcf, 0x50,
    0x0f, 0x00, 0x03, 0x86, 0x01, 0x80, 0x5a, 0x34, 0x7d, 0x6b, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45,
    0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
];

/// Markdown the way the page renders it, as HTML: `(source, rendered)`.
const MARKDOWN_CASES: &[(&str, &str)] = &[
    (
        "# Title\n\nSome **bold**, *em*, ***both***, `code`, ~~gone~~ and ~one~.",
        "<h1>Title</h1><p>Some <strong>bold</strong>, <em>em</em>, <strong><em>both</em></strong>, \
         <code>code</code>, <del>gone</del> and ~one~.</p>",
    ),
    (
        "snake_case_name, _em_ and __strong__",
        "<p>snake_case_name, <em>em</em> and <strong>strong</strong></p>",
    ),
    ("*a **b** c*", "<p><em>a <strong>b</strong> c</em></p>"),
    ("one\ntwo  \nthree", "<p>one<br>two<br>three</p>"),
    (
        "- a\n- b\n  - c\n- d",
        "<ul><li>a</li><li>b<ul><li>c</li></ul></li><li>d</li></ul>",
    ),
    (
        "1. one\n2. two\n\n3) three",
        "<ol><li>one</li><li>two</li></ol><ol start=\"3\"><li>three</li></ol>",
    ),
    (
        "- loose\n\n- list",
        "<ul><li><p>loose</p></li><li><p>list</p></li></ul>",
    ),
    (
        "> quote\n> more",
        "<blockquote><p>quote<br>more</p></blockquote>",
    ),
    (
        "```\nplain <b>\n```",
        "<pre><code class=\"code-block\">plain &lt;b&gt;</code></pre>",
    ),
    (
        "| a | b |\n|---|:-:|\n| 1 | 2 |",
        "<div class=\"table-wrap\"><table><thead><tr><th>a</th><th class=\"align-center\">b</th>\
         </tr></thead><tbody><tr><td>1</td><td class=\"align-center\">2</td></tr></tbody></table></div>",
    ),
    ("Setext\n===\n\nSub\n---", "<h1>Setext</h1><h2>Sub</h2>"),
    (
        "[link](https://x.y/a_(b)) <https://a.b> https://c.d/e. www.f.com",
        "<p><a href=\"https://x.y/a_(b)\" rel=\"noopener noreferrer\">link</a> \
         <a href=\"https://a.b\" rel=\"noopener noreferrer\">https://a.b</a> \
         <a href=\"https://c.d/e\" rel=\"noopener noreferrer\">https://c.d/e</a>. \
         <a href=\"http://www.f.com\" rel=\"noopener noreferrer\">www.f.com</a></p>",
    ),
    (
        "[bad](javascript:alert(1)) ![img](data:image/png;base64,AA) ![ok](x.png \"t\")",
        "<p><span>bad</span> img <img class=\"markdown-image\" alt=\"ok\" src=\"x.png\" \
         title=\"t\"></p>",
    ),
    (
        "&amp; &lt;b&gt; &#65; &bogus;",
        "<p>&amp; &lt;b&gt; A &amp;bogus;</p>",
    ),
    (
        "\\*not em\\* and <div>raw</div>",
        "<p>*not em* and &lt;div&gt;raw&lt;/div&gt;</p>",
    ),
    ("para\n- item", "<p>para</p><ul><li>item</li></ul>"),
    ("para\n2. not a list", "<p>para<br>2. not a list</p>"),
    ("**unclosed and a * b", "<p>**unclosed and a * b</p>"),
];

/// Code the way the page highlights it: `(language, code, rendered)`.
const HIGHLIGHT_CASES: &[(&str, &str, &str)] = &[
    (
        "rust",
        "fn main() { let s = \"hi\"; } // done",
        "<span class=\"hl-keyword\">fn</span> <span class=\"hl-function\">main</span>() { \
         <span class=\"hl-keyword\">let</span> s = <span class=\"hl-string\">\"hi\"</span>; } \
         <span class=\"hl-comment\">// done</span>",
    ),
    (
        "py",
        "return None  # nothing",
        "<span class=\"hl-keyword\">return</span> <span class=\"hl-literal\">None</span>  \
         <span class=\"hl-comment\"># nothing</span>",
    ),
    (
        "json",
        "{\"key\": [1, true]}",
        "{<span class=\"hl-attr\">\"key\"</span>: [<span class=\"hl-number\">1</span>, \
         <span class=\"hl-literal\">true</span>]}",
    ),
    (
        "bash",
        "echo \"$HOME\" ${DIR}/a#b # c",
        "echo <span class=\"hl-string\">\"$HOME\"</span> <span class=\"hl-variable\">${DIR}</span>/a#b \
         <span class=\"hl-comment\"># c</span>",
    ),
    (
        "html",
        "<a href=\"x\">t</a>",
        "&lt;<span class=\"hl-tag\">a</span> <span class=\"hl-attr\">href</span>=\
         <span class=\"hl-string\">\"x\"</span>&gt;t&lt;/<span class=\"hl-tag\">a</span>&gt;",
    ),
    ("unknown", "plain <b>", "plain &lt;b&gt;"),
];

#[test]
fn markdown_and_code_render_as_expected_in_chromium() {
    let Some(mut browser) = Browser::launch() else {
        return;
    };
    let work = Work::new();
    let page = work.export(&work.copy(&fixture("branched-session.jsonl"), "branched.jsonl"));
    // The image one case shows, beside the page (no test reaches the network).
    std::fs::write(work.path().join("x.png"), PNG).unwrap();
    browser.open(&page);
    for (source, expected) in MARKDOWN_CASES {
        let rendered = browser.eval(&format!(
            "(() => {{ const box = document.createElement('div');
               box.appendChild(Markdown.render({source:?}, {{ highlight: Highlight.highlight }}));
               return box.innerHTML; }})()"
        ));
        assert_eq!(rendered, *expected, "{source:?}");
    }
    // Deep nesting and runs of unmatched openers render (plainly) instead of exhausting the
    // stack or taking quadratic time.
    let hostile = browser.eval(
        "['- '.repeat(5000) + 'x', '> '.repeat(5000) + 'x', '['.repeat(5000) + 'a' + '](x)'.repeat(5000),
          '**a '.repeat(5000), '*a '.repeat(5000), '[a]('.repeat(5000), '# ' + ' '.repeat(50000) + 'x']
          .map((source) => { const box = document.createElement('div');
            box.appendChild(Markdown.render(source, {}));
            return box.textContent.length; })",
    );
    // Forty levels of lists, quotes or links are built; the rest is text (the list and quote
    // markers of deeper levels stay, a trailing space is trimmed).
    assert_eq!(
        hostile,
        serde_json::json!([9921, 9921, 24801, 19999, 14999, 20000, 1])
    );
    for (language, code, expected) in HIGHLIGHT_CASES {
        let rendered = browser.eval(&format!(
            "(() => {{ const box = document.createElement('div');
               box.appendChild(Highlight.highlight({code:?}, {language:?}));
               return box.innerHTML; }})()"
        ));
        assert_eq!(rendered, *expected, "{language}: {code:?}");
    }
    assert_eq!(browser.errors(), Vec::<String>::new());
}

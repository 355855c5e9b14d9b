//! Markdown compared with the reference on a corpus (styles shown as tags), plus snapshots
//! with real styles and the structural rules of the reference's suite.

use std::rc::Rc;

use pi_tui::components::{Markdown, MarkdownTheme};
use pi_tui::{Component, visible_width};
use serde_json::Value;

fn tag(open: &'static str, close: &'static str) -> pi_tui::style::StyleFn {
    Rc::new(move |s: &str| format!("{open}{s}{close}"))
}

fn tagged_theme() -> MarkdownTheme {
    MarkdownTheme {
        code: tag("<c>", "</c>"),
        bold: tag("<b>", "</b>"),
        italic: tag("<i>", "</i>"),
        strikethrough: tag("<s>", "</s>"),
        underline: pi_tui::style::plain(),
        hyperlinks: false,
        ..MarkdownTheme::default()
    }
}

#[test]
fn markdown_matches_the_reference() {
    let doc: Value =
        serde_json::from_str(include_str!("../fixtures/reference-markdown.json")).unwrap();
    let mut failures = Vec::new();
    let mut matched = 0;
    for case in doc.as_array().unwrap() {
        let text = case["text"].as_str().unwrap();
        let width = case["width"].as_u64().unwrap() as usize;
        let expected: Vec<String> = serde_json::from_value(case["lines"].clone()).unwrap();
        let got = Markdown::new(text, 0, 0, tagged_theme()).render(width);
        for line in &got {
            assert!(visible_width(line) <= width, "{text:?} @{width}: {line:?}");
        }
        if got == expected {
            matched += 1;
        } else {
            failures.push(format!(
                "{text:?} @{width}\n  ours: {got:#?}\n  ref:  {expected:#?}"
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} differences ({matched} match):\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_eq!(matched, doc.as_array().unwrap().len());
}

fn styled(text: &str, width: usize) -> Vec<String> {
    let theme = MarkdownTheme {
        heading: pi_tui::style::fg(6),
        code: pi_tui::style::fg(3),
        code_block_border: pi_tui::style::dim(),
        list_bullet: pi_tui::style::fg(4),
        quote_border: pi_tui::style::fg(8),
        ..MarkdownTheme::default()
    };
    Markdown::new(text, 1, 0, theme).render(width)
}

fn snap(lines: &[String]) -> String {
    lines.join("\n").replace('\x1b', "␛")
}

#[test]
fn styled_document_snapshot() {
    let doc = "# pi\n\nA **terminal** coding agent with `tools`.\n\n\
               - read\n- edit\n    - with `edits[]`\n\n\
               > quoted *advice*\n\n\
               | tool | purpose |\n|---|---|\n| bash | run commands |\n\n\
               ```sh\ncargo test\n```\n\nSee [docs](https://pi.dev/docs).";
    let lines = styled(doc, 40);
    for line in &lines {
        assert!(visible_width(line) <= 40);
    }
    insta::assert_snapshot!(snap(&lines));
}

#[test]
fn links_are_osc8_hyperlinks() {
    let lines = Markdown::new("[pi](https://pi.dev)", 0, 0, MarkdownTheme::default()).render(20);
    assert!(
        lines[0].contains("\x1b]8;;https://pi.dev\x1b\\"),
        "{lines:?}"
    );
    assert!(lines[0].contains("\x1b]8;;\x1b\\"));
    assert_eq!(visible_width(&lines[0]), 20);
}

#[test]
fn code_blocks_go_through_the_highlighter() {
    let theme = MarkdownTheme {
        highlight_code: Some(Rc::new(|code: &str, lang: Option<&str>| {
            code.lines()
                .map(|l| format!("[{}]{l}", lang.unwrap_or("?")))
                .collect()
        })),
        ..MarkdownTheme::default()
    };
    let lines = Markdown::new("```rust\nlet a = 1;\nlet b = 2;\n```", 0, 0, theme).render(30);
    let trimmed: Vec<&str> = lines.iter().map(|l| l.trim_end()).collect();
    assert_eq!(
        trimmed,
        ["```rust", "  [rust]let a = 1;", "  [rust]let b = 2;", "```"]
    );
}

#[test]
fn tables_fit_narrow_widths() {
    let table = "| a long header | another long header | x |\n|---|---|---|\n| cell with many words in it | short | y |";
    for width in [20, 24, 30, 40, 60] {
        let lines = Markdown::new(table, 0, 0, MarkdownTheme::default()).render(width);
        for line in &lines {
            assert!(visible_width(line) <= width, "@{width}: {line:?}");
        }
        assert!(
            lines.iter().any(|l| l.starts_with('┌') || l.contains('|')),
            "@{width}: {lines:#?}"
        );
    }
}

#[test]
fn streaming_token_by_token_never_overflows() {
    let full = "# Streaming\n\nHere is **bold** text, a list:\n\n- one\n- two\n\n```rust\nfn main() {}\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |\n";
    let mut md = Markdown::new("", 1, 0, MarkdownTheme::default());
    let mut text = String::new();
    for c in full.chars() {
        text.push(c);
        md.set_text(text.clone());
        for line in md.render(24) {
            assert!(visible_width(&line) <= 24, "after {text:?}: {line:?}");
        }
    }
    let partial =
        Markdown::new("```js\nconst x = 1;\n``", 0, 0, MarkdownTheme::default()).render(30);
    assert!(!partial.iter().any(|l| l.trim() == "``"), "{partial:#?}");
}

//! The footer against pi 0.87.1's own footer component, rendered under node for the same
//! session entries, model, context use and widths (`fixtures/interactive/footer-reference.json`,
//! written by `scripts/reference/footer-record.mjs`): every line, escape sequences included.
//! Also the git branch of repositories whose refs live in a reftable, from files git wrote.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use pi_ai::ThinkingLevel;
use pi_coding_agent::interactive::footer::{
    ContextUsage, FooterData, FooterModel, GitBranch, UsageSummary, render_footer,
};
use pi_coding_agent::interactive::theme::{ColorMode, Theme};
use pi_coding_agent::session::SessionEntry;
use serde_json::Value;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/interactive")
}

fn reference() -> Value {
    let text = std::fs::read_to_string(fixtures().join("footer-reference.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

#[test]
fn the_footer_matches_the_reference_line_for_line() {
    let reference = reference();
    let summaries: HashMap<&str, UsageSummary> = reference["entrySets"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(name, entries)| {
            let entries: Vec<SessionEntry> = entries
                .as_array()
                .unwrap()
                .iter()
                .map(|entry| SessionEntry::from_value(entry.clone()).unwrap())
                .collect();
            (name.as_str(), UsageSummary::from_entries(&entries))
        })
        .collect();
    let cases = reference["cases"].as_array().unwrap();
    assert!(cases.len() > 50);
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let model = case["model"].as_object().map(|model| FooterModel {
            id: model["id"].as_str().unwrap(),
            provider: model["provider"].as_str().unwrap(),
            reasoning: model["reasoning"].as_bool().unwrap(),
            context_window: model["contextWindow"].as_u64().unwrap(),
        });
        let context = case["contextUsage"].as_object().map(|usage| ContextUsage {
            context_window: usage["contextWindow"].as_u64().unwrap(),
            percent: usage["percent"].as_f64(),
        });
        let statuses: Vec<(String, String)> = case["statuses"]
            .as_array()
            .unwrap()
            .iter()
            .map(|pair| {
                (
                    pair[0].as_str().unwrap().to_owned(),
                    pair[1].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        let cwd = PathBuf::from(case["cwd"].as_str().unwrap());
        let home = case["home"].as_str().map(PathBuf::from);
        let data = FooterData {
            git_branch: case["gitBranch"].as_str(),
            session_name: case["sessionName"].as_str(),
            usage: summaries[case["entries"].as_str().unwrap()],
            using_subscription: case["usingSubscription"].as_bool().unwrap(),
            context,
            auto_compact: case["autoCompact"].as_bool().unwrap(),
            experimental: case["experimental"].as_bool().unwrap(),
            model,
            thinking_level: ThinkingLevel::parse(case["thinkingLevel"].as_str().unwrap()).unwrap(),
            available_provider_count: usize::try_from(case["providerCount"].as_u64().unwrap())
                .unwrap(),
            extension_statuses: &statuses,
            ..FooterData::new(&cwd, home.as_deref())
        };
        let theme = match case["theme"].as_str() {
            Some("light") => Theme::light(ColorMode::TrueColor),
            _ => Theme::dark(ColorMode::TrueColor),
        };
        let width = usize::try_from(case["width"].as_u64().unwrap()).unwrap();
        let expected: Vec<&str> = case["lines"]
            .as_array()
            .unwrap()
            .iter()
            .map(|line| line.as_str().unwrap())
            .collect();
        assert_eq!(render_footer(&data, &theme, width), expected, "{name}");
    }
}

/// Copies a git directory kept as `fixtures/interactive/git/<name>` to `<dir>/.git`.
fn checkout_of(name: &str, dir: &Path) {
    let source = fixtures().join("git").join(name);
    let target = dir.join(".git");
    for entry in walk(&source) {
        let relative = entry.strip_prefix(&source).unwrap();
        let to = target.join(relative);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(&entry, &to).unwrap();
    }
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}

#[test]
fn the_branch_of_a_reftable_repository_is_read_from_its_tables() {
    let dir = tempfile::tempdir().unwrap();
    checkout_of("reftable-branch", dir.path());
    assert_eq!(
        GitBranch::new(&dir.path().join("src")).get(),
        Some("feature/x")
    );
    let dir = tempfile::tempdir().unwrap();
    checkout_of("reftable-detached", dir.path());
    assert_eq!(GitBranch::new(dir.path()).get(), Some("detached"));
}

/// The footer's lines as a terminal shows them: drawn into a terminal emulator exactly as
/// wide, each row followed by the foreground colours its cells take, in order.
fn on_screen(lines: &[String], width: u16) -> String {
    let mut terminal = pi_tui::VirtualTerminal::new(width, 4);
    terminal.feed(&lines.join("\r\n"));
    let screen = terminal.screen().unwrap();
    let mut out = String::new();
    for (row, text) in terminal.screen_rows().iter().enumerate().take(lines.len()) {
        let row = u16::try_from(row).unwrap();
        let mut colours: Vec<String> = Vec::new();
        for column in 0..width {
            let cell = screen.cell(row, column).unwrap();
            let colour = format!("{:?}", cell.fgcolor());
            if !cell.contents().trim().is_empty() && colours.last() != Some(&colour) {
                colours.push(colour);
            }
        }
        out.push_str(&format!("|{text}|  {}\n", colours.join(" ")));
    }
    out
}

#[test]
fn footers_on_a_terminal() {
    let statuses = vec![("lint".to_owned(), "✓ clean".to_owned())];
    let model = FooterModel {
        id: "claude-sonnet-4-5",
        provider: "anthropic",
        reasoning: true,
        context_window: 200_000,
    };
    let mut usage = UsageSummary::default();
    usage.totals.input = 48_210;
    usage.totals.output = 3_904;
    usage.totals.cache_read = 120_000;
    usage.totals.cost = 0.4213;
    usage.latest_cache_hit_rate = Some(88.26);
    let cwd = PathBuf::from("/home/me/src/pi-rs");
    let home = PathBuf::from("/home/me");
    let data = FooterData {
        git_branch: Some("interactive-base"),
        session_name: Some("footer"),
        usage,
        context: Some(ContextUsage {
            context_window: 200_000,
            percent: Some(76.4),
        }),
        model: Some(model),
        thinking_level: ThinkingLevel::High,
        available_provider_count: 2,
        extension_statuses: &statuses,
        ..FooterData::new(&cwd, Some(&home))
    };
    let theme = Theme::dark(ColorMode::Ansi256);
    let mut shown = String::new();
    for width in [100u16, 64, 40] {
        shown.push_str(&format!("width {width}\n"));
        shown.push_str(&on_screen(
            &render_footer(&data, &theme, usize::from(width)),
            width,
        ));
    }
    insta::assert_snapshot!(shown);
}

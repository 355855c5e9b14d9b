//! Interactive mode hot paths: the footer drawn for every frame, a key looked up in the
//! keybindings for every keystroke, and the theme and keybindings built at startup.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use pi_ai::ThinkingLevel;
use pi_coding_agent::interactive::footer::{
    ContextUsage, FooterData, FooterModel, UsageSummary, render_footer,
};
use pi_coding_agent::interactive::keybindings::{AppKeybindings, KeyContext, KeyPlatform};
use pi_coding_agent::interactive::theme::{ColorMode, Theme, ThemeFile};

fn footer(c: &mut Criterion) {
    let theme = Theme::dark(ColorMode::TrueColor);
    let mut usage = UsageSummary::default();
    usage.totals.input = 48_210;
    usage.totals.output = 3_904;
    usage.totals.cache_read = 120_000;
    usage.totals.cost = 0.4213;
    usage.latest_cache_hit_rate = Some(88.26);
    let data = FooterData {
        git_branch: Some("main"),
        session_name: Some("a session"),
        usage,
        context: Some(ContextUsage {
            context_window: 200_000,
            percent: Some(42.0),
        }),
        model: Some(FooterModel {
            id: "claude-sonnet-4-5",
            provider: "anthropic",
            reasoning: true,
            context_window: 200_000,
        }),
        thinking_level: ThinkingLevel::Medium,
        available_provider_count: 2,
        ..FooterData::new(
            Path::new("/home/me/src/project"),
            Some(Path::new("/home/me")),
        )
    };
    c.bench_function("footer_render_120", |b| {
        b.iter(|| render_footer(&data, &theme, 120))
    });
}

fn keys(c: &mut Criterion) {
    let bindings = AppKeybindings::defaults(KeyPlatform::Linux);
    let editor = KeyContext::Editor {
        empty: false,
        autocomplete: false,
    };
    c.bench_function("keybindings_action_for_plain_key", |b| {
        b.iter(|| bindings.action_for("a", editor))
    });
    c.bench_function("keybindings_defaults", |b| {
        b.iter(|| AppKeybindings::defaults(KeyPlatform::Linux))
    });
}

fn themes(c: &mut Criterion) {
    let json = include_str!("../src/interactive/theme/dark.json");
    c.bench_function("theme_parse_dark", |b| {
        b.iter(|| ThemeFile::parse("dark", json).unwrap())
    });
    c.bench_function("theme_build_dark", |b| {
        b.iter(|| Theme::dark(ColorMode::Ansi256))
    });
}

criterion_group!(benches, footer, keys, themes);
criterion_main!(benches);

//! A keystroke in the editor under a long transcript (the whole frame: input, editor and
//! transcript render, diff, bytes out), and a Markdown message streaming in token by token.
// Setup failures end the benchmark, which is all they can do; printing byte counts is the
// point.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stderr)]

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use pi_tui::components::{Editor, EditorTheme, Markdown, MarkdownTheme, Text};
use pi_tui::{Component, Container, Tui, VirtualTerminal, shared};

/// A transcript of `lines` lines, as messages of four lines each.
fn transcript(lines: usize) -> Container {
    let mut c = Container::new();
    for i in 0..lines / 4 {
        c.add_child(shared(Text::new(format!(
            "message {i}: the quick brown fox jumps over the lazy dog\n\
             then reads src/main.rs and edits it, runs cargo test\n\
             and reports that all the tests passed without trouble\n\
             in about a second, 日本語 and emoji 👍 included {i}"
        ))));
    }
    c
}

fn keystroke(c: &mut Criterion) {
    let mut group = c.benchmark_group("keystroke");
    for n in [100, 1_000, 10_000] {
        let mut tui = Tui::new(VirtualTerminal::without_emulator(100, 40));
        let history = shared(transcript(n));
        tui.add_child(history.clone());
        let editor = shared(Editor::new(EditorTheme::default()));
        tui.add_child(editor.clone());
        tui.set_focus(Some(editor.clone()));
        tui.start().unwrap();
        tui.render().unwrap();
        let lines = history.borrow_mut().render(100).len();
        let mut typed = false;
        let mut key = |tui: &mut Tui<VirtualTerminal>| {
            // Type a character, then delete it, so the editor does not grow.
            tui.handle_input(if typed { "\x7f" } else { "a" });
            typed = !typed;
            tui.render().unwrap();
        };
        let before = tui.terminal().bytes_written();
        key(&mut tui);
        eprintln!(
            "keystroke/{n}: {lines} transcript lines, {} bytes written for the keystroke",
            tui.terminal().bytes_written() - before
        );
        group.bench_function(BenchmarkId::from_parameter(n), |b| {
            b.iter(|| key(black_box(&mut tui)))
        });
    }
    group.finish();
}

/// A reply as a model streams it: prose, a list, code and a table, split into tokens.
fn reply_tokens(paragraphs: usize) -> Vec<String> {
    let mut text = String::new();
    for i in 0..paragraphs {
        text.push_str(&format!(
            "Paragraph {i} explains **what changed** in `src/lib.rs` and why it matters.\n\n\
             - first point about the change\n- second point with a [link](https://pi.dev)\n\n\
             ```rust\nfn example_{i}() -> usize {{\n    {i}\n}}\n```\n\n"
        ));
    }
    let mut tokens = Vec::new();
    let mut current = String::new();
    for c in text.chars() {
        current.push(c);
        if c.is_whitespace() {
            tokens.push(std::mem::take(&mut current));
        }
    }
    tokens.push(current);
    tokens
}

fn markdown_stream(c: &mut Criterion) {
    let mut group = c.benchmark_group("markdown_stream");
    group.sample_size(10);
    for paragraphs in [5, 20] {
        let tokens = reply_tokens(paragraphs);
        group.throughput(Throughput::Elements(tokens.len() as u64));
        group.bench_function(BenchmarkId::new("tokens", tokens.len()), |b| {
            b.iter_custom(|iters| {
                let mut total = std::time::Duration::ZERO;
                for _ in 0..iters {
                    let mut tui = Tui::new(VirtualTerminal::without_emulator(100, 40));
                    tui.add_child(shared(transcript(1_000)));
                    let message = shared(Markdown::new("", 1, 0, MarkdownTheme::default()));
                    tui.add_child(message.clone());
                    tui.start().unwrap();
                    tui.render().unwrap();
                    let start = std::time::Instant::now();
                    for token in &tokens {
                        message.borrow_mut().push_str(token);
                        tui.render().unwrap();
                    }
                    total += start.elapsed();
                }
                total
            });
        });
    }
    group.finish();
}

criterion_group!(benches, keystroke, markdown_stream);
criterion_main!(benches);

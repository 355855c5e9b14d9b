//! Differential rendering: a transcript of N lines where one line changes per frame (a
//! spinner, the line being typed), and one line appended per frame (streaming output).
//! Bytes written per frame are printed once per size: they must not grow with N.
// Setup failures end the benchmark, which is all they can do; printing the byte counts is
// the point.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stderr)]

use std::cell::RefCell;
use std::hint::black_box;
use std::rc::Rc;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use pi_tui::{Component, Tui, VirtualTerminal, shared};

struct Lines(Vec<String>);

impl Component for Lines {
    fn render(&mut self, _width: usize) -> Vec<String> {
        self.0.clone()
    }
}

fn transcript(n: usize) -> Vec<String> {
    (0..n)
        .map(|i| format!("\x1b[2m{i:>5}\x1b[22m message line with some text, 日本語 and 😀 {i}"))
        .collect()
}

fn setup(n: usize) -> (Tui<VirtualTerminal>, Rc<RefCell<Lines>>) {
    let mut tui = Tui::new(VirtualTerminal::without_emulator(120, 40));
    let lines = shared(Lines(transcript(n)));
    tui.add_child(lines.clone());
    tui.start().unwrap();
    tui.render().unwrap();
    (tui, lines)
}

fn one_line_changed(c: &mut Criterion) {
    let mut group = c.benchmark_group("render/one_line_changed");
    for n in [100, 1_000, 10_000] {
        let (mut tui, lines) = setup(n);
        let before = tui.terminal().bytes_written();
        let mut tick = 0usize;
        let mut frame = |tui: &mut Tui<VirtualTerminal>| {
            tick += 1;
            lines.borrow_mut().0[n - 2] = format!("⠋ working {tick}");
            tui.render().unwrap();
        };
        frame(&mut tui);
        eprintln!(
            "render/one_line_changed/{n}: {} bytes written per frame",
            tui.terminal().bytes_written() - before
        );
        group.bench_function(BenchmarkId::from_parameter(n), |b| {
            b.iter(|| frame(black_box(&mut tui)));
        });
    }
    group.finish();
}

fn append_line(c: &mut Criterion) {
    let mut group = c.benchmark_group("render/append_line");
    for n in [1_000, 10_000] {
        let append = |tui: &mut Tui<VirtualTerminal>, lines: &Rc<RefCell<Lines>>| {
            let mut l = lines.borrow_mut();
            let next = l.0.len();
            l.0.push(format!("appended line {next}"));
            drop(l);
            tui.render().unwrap();
        };
        let (mut tui, lines) = setup(n);
        let before = tui.terminal().bytes_written();
        append(&mut tui, &lines);
        eprintln!(
            "render/append_line/{n}: {} bytes written per frame",
            tui.terminal().bytes_written() - before
        );
        // Each sample starts again from n lines, so the transcript does not grow with the
        // number of iterations criterion picks.
        group.bench_function(BenchmarkId::from_parameter(n), |b| {
            b.iter_custom(|iters| {
                let (mut tui, lines) = setup(n);
                let start = std::time::Instant::now();
                for _ in 0..iters {
                    append(black_box(&mut tui), &lines);
                }
                start.elapsed()
            });
        });
    }
    group.finish();
}

fn width(c: &mut Criterion) {
    let mixed = "\x1b[1mpi\x1b[0m: reading src/main.rs — 日本語テキスト 👍🏽 🇺🇸 e\u{301}tude \
                 \x1b]8;;https://pi.dev\x07link\x1b]8;;\x07 tab\there and plain ascii words";
    let ascii = "plain ascii line of a typical transcript, about eighty columns wide......";
    let mut group = c.benchmark_group("width");
    group.bench_function("visible_width/mixed", |b| {
        b.iter(|| pi_tui::visible_width(black_box(mixed)));
    });
    group.bench_function("visible_width/ascii", |b| {
        b.iter(|| pi_tui::visible_width(black_box(ascii)));
    });
    group.bench_function("wrap/mixed/40", |b| {
        b.iter(|| pi_tui::wrap_text_with_ansi(black_box(mixed), 40));
    });
    group.bench_function("truncate/mixed/40", |b| {
        b.iter(|| pi_tui::truncate_to_width(black_box(mixed), 40, "...", false));
    });
    group.finish();
}

criterion_group!(benches, one_line_changed, append_line, width);
criterion_main!(benches);

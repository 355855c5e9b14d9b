//! The built-in model catalog: what the first lookups of a process pay. `index` is the cost
//! of the first catalog call (the provider index, no model parsed), `provider/anthropic` of a
//! first lookup in one provider, `all` of listing every model. Parsed here the way the crate
//! parses its embedded `data/models.jsonl`.
// Setup failures end the benchmark, which is all they can do.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use pi_ai::Model;
use serde::Deserialize;

const CATALOG: &str = include_str!("../data/models.jsonl");

#[derive(Deserialize)]
struct IndexEntry {
    provider: String,
    models: usize,
}

/// Each provider's name and model lines.
fn index() -> Vec<(String, &'static str)> {
    let (header, mut rest) = CATALOG.split_once('\n').unwrap();
    let entries: Vec<IndexEntry> = serde_json::from_str(header).unwrap();
    entries
        .into_iter()
        .map(|entry| {
            let mut end = 0;
            for _ in 0..entry.models {
                end += rest[end..].find('\n').unwrap() + 1;
            }
            let (lines, tail) = rest.split_at(end);
            rest = tail;
            (entry.provider, lines)
        })
        .collect()
}

fn parse(lines: &str) -> Vec<Model> {
    serde_json::Deserializer::from_str(lines)
        .into_iter::<Model>()
        .map(Result::unwrap)
        .collect()
}

fn catalog(c: &mut Criterion) {
    let blocks = index();
    let anthropic = blocks.iter().find(|(p, _)| p == "anthropic").unwrap().1;
    let mut group = c.benchmark_group("catalog");
    group.bench_function("index", |b| b.iter(index));
    group.throughput(Throughput::Bytes(anthropic.len() as u64));
    group.bench_function("provider/anthropic", |b| b.iter(|| parse(anthropic)));
    group.throughput(Throughput::Bytes(CATALOG.len() as u64));
    group.bench_function("all", |b| {
        b.iter(|| {
            blocks
                .iter()
                .map(|(_, lines)| parse(lines).len())
                .sum::<usize>()
        })
    });
    group.finish();
}

criterion_group!(benches, catalog);
criterion_main!(benches);

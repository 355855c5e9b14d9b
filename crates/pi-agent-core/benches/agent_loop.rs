//! Agent-loop overhead per event: a faux model streams thousands of small deltas; the same
//! stream is consumed directly (baseline) and through an agent with a subscribed listener.
// Setup failures end the benchmark, which is all they can do.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use futures_util::StreamExt;
use pi_agent_core::{Agent, AgentOptions};
use pi_ai::faux::{FauxProvider, FauxResponse};
use pi_ai::{ApiProvider, Context, StreamOptions};

/// Deltas per response (one token of four characters each).
const DELTAS: usize = 10_000;

fn answer() -> String {
    "word".repeat(DELTAS)
}

fn bench(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let mut group = c.benchmark_group("agent_loop");
    group.throughput(Throughput::Elements(DELTAS as u64));
    group.sample_size(30);

    group.bench_function("raw_stream", |b| {
        b.iter(|| {
            let faux = FauxProvider::new([FauxResponse::text(answer())]).with_token_size(1, 1);
            runtime.block_on(async {
                let mut stream = faux.stream(
                    &faux.model(),
                    &Context::from("go"),
                    &StreamOptions::default(),
                );
                let mut events = 0usize;
                while stream.next().await.is_some() {
                    events += 1;
                }
                assert!(events > DELTAS);
            })
        });
    });

    group.bench_function("agent", |b| {
        b.iter(|| {
            let faux = FauxProvider::new([FauxResponse::text(answer())]).with_token_size(1, 1);
            let mut options = AgentOptions::new(faux.model());
            let provider = faux.clone();
            options.stream_fn = Arc::new(move |model, context, options| {
                provider.stream_simple(model, context, options)
            });
            let agent = Agent::new(options);
            let updates = Arc::new(AtomicUsize::new(0));
            let counter = Arc::clone(&updates);
            agent.subscribe(move |event| {
                if let pi_agent_core::AgentEvent::MessageUpdate { message, .. } = event {
                    // A listener that looks at the streaming message, as a UI would.
                    counter.fetch_add(message.content.len(), Ordering::Relaxed);
                }
            });
            runtime.block_on(agent.prompt("go")).unwrap();
            assert!(updates.load(Ordering::Relaxed) > DELTAS);
        });
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

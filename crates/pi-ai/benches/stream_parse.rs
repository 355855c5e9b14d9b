//! Stream parsing throughput: a recorded provider stream, expanded to several megabytes, goes
//! through the whole client path (loopback HTTP, SSE framing, JSON, events, the partial
//! message) for each wire format.
// Setup failures end the benchmark, which is all they can do.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use futures_util::StreamExt;
use pi_ai::testing::{TestServer, Turn};
use pi_ai::{Context, StopReason, StreamOptions};

/// Size the recorded stream is expanded to.
const TARGET_BYTES: usize = 4 * 1024 * 1024;

fn recorded(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/streams")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|err| panic!("{}: {err}", path.display()))
}

/// The recorded stream with every text-delta event repeated so the body reaches the target
/// size: same events, just a longer answer.
fn expand(body: &str, is_text_delta: impl Fn(&str) -> bool) -> String {
    let frames: Vec<&str> = body.split_inclusive("\n\n").collect();
    let text_bytes: usize = frames
        .iter()
        .filter(|f| is_text_delta(f))
        .map(|f| f.len())
        .sum();
    let repeat = (TARGET_BYTES / text_bytes.max(1)).max(1);
    let mut out = String::with_capacity(TARGET_BYTES + body.len());
    for frame in frames {
        let times = if is_text_delta(frame) { repeat } else { 1 };
        for _ in 0..times {
            out.push_str(frame);
        }
    }
    out
}

fn bench(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let server = runtime.block_on(TestServer::start()).unwrap();
    let cases = [
        (
            "anthropic-messages",
            expand(&recorded("anthropic.sse"), |f| f.contains("\"text_delta\"")),
        ),
        (
            "openai-completions",
            expand(&recorded("openai-chat.sse"), |f| {
                f.contains("\"delta\":{\"content\"")
            }),
        ),
        (
            "openai-responses",
            expand(&recorded("openai-responses.sse"), |f| {
                f.starts_with("event: response.output_text.delta\n")
            }),
        ),
        (
            "google-generative-ai",
            expand(&recorded("google.sse"), |f| {
                f.contains("{\"text\":")
                    && !f.contains("\"thought\"")
                    && !f.contains("finishReason")
            }),
        ),
        (
            "mistral-conversations",
            expand(&recorded("mistral.sse"), |f| {
                f.contains("\"delta\":{\"content\":\"") && f.contains("\"finish_reason\":null")
            }),
        ),
    ];
    let mut group = c.benchmark_group("stream_parse");
    group.sample_size(20);
    for (api, body) in cases {
        let model = server.model(api, "bench");
        let options = StreamOptions {
            api_key: Some("sk-bench".into()),
            ..StreamOptions::default()
        };
        let context = Context::from("go");
        group.throughput(Throughput::Bytes(body.len() as u64));
        group.bench_function(api, |b| {
            b.iter(|| {
                server.push(Turn::raw(body.clone()));
                runtime.block_on(async {
                    let mut stream = pi_ai::stream(&model, &context, &options);
                    let mut events = 0usize;
                    while let Some(event) = stream.next().await {
                        events += 1;
                        if event.is_terminal() {
                            break;
                        }
                    }
                    assert_eq!(stream.partial().stop_reason, StopReason::ToolUse, "{api}");
                    events
                })
            });
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

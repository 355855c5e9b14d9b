//! Parsers never panic, and streaming never changes what they see.

use bytes::Bytes;
use futures_util::{StreamExt, stream};
use pi_ai::partial_json::{parse_partial, parse_streaming_json};
use pi_ai::sse::{self, SseEvent};
use proptest::prelude::*;
use serde_json::Value;

use super::support::consistent;

fn decode(chunks: Vec<Vec<u8>>) -> Vec<Result<SseEvent, String>> {
    let items: Vec<Result<Bytes, std::convert::Infallible>> =
        chunks.into_iter().map(|c| Ok(Bytes::from(c))).collect();
    let events = sse::events(stream::iter(items)).map(|item| item.map_err(|err| err.to_string()));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    runtime.block_on(events.collect())
}

/// `bytes` cut at `cuts` (positions taken modulo the length).
fn split_at(bytes: &[u8], cuts: &[usize]) -> Vec<Vec<u8>> {
    let mut positions: Vec<usize> = cuts
        .iter()
        .map(|c| if bytes.is_empty() { 0 } else { c % bytes.len() })
        .collect();
    positions.sort_unstable();
    positions.dedup();
    let mut chunks = Vec::new();
    let mut start = 0;
    for position in positions {
        chunks.push(bytes[start..position].to_vec());
        start = position;
    }
    chunks.push(bytes[start..].to_vec());
    chunks
}

/// SSE bodies made of the pieces real streams use, in any order.
fn sse_body() -> impl Strategy<Value = String> {
    let line = prop_oneof![
        "[a-z_]{1,12}".prop_map(|name| format!("event: {name}\n")),
        "[ -~é😀]{0,40}".prop_map(|data| format!("data: {data}\n")),
        "[ -~]{0,20}".prop_map(|data| format!("data:{data}\r\n")),
        Just("\n".to_string()),
        Just("\r\n".to_string()),
        Just(": keep-alive\n".to_string()),
        Just("id: 7\n".to_string()),
        Just("retry: 100\n".to_string()),
    ];
    prop::collection::vec(line, 0..40).prop_map(|lines| lines.concat())
}

/// Arbitrary JSON objects, as tool arguments look.
fn json_object() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        (-1e6f64..1e6).prop_map(Value::from),
        "[ -~é☃😀\\n\\t\"\\\\]{0,16}".prop_map(Value::String),
    ];
    let value = leaf.prop_recursive(4, 32, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map("[a-zA-Z_]{1,8}", inner, 0..6)
                .prop_map(|map| Value::Object(map.into_iter().collect())),
        ]
    });
    prop::collection::btree_map("[a-zA-Z_]{1,8}", value, 0..6)
        .prop_map(|map| Value::Object(map.into_iter().collect()))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn sse_never_panics_on_arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..512),
                                          cuts in prop::collection::vec(any::<usize>(), 0..8)) {
        let _ = decode(split_at(&bytes, &cuts));
    }

    #[test]
    fn sse_is_linear_in_any_chunking(body in sse_body(), cuts in prop::collection::vec(any::<usize>(), 0..12)) {
        // The same events whether the body comes whole or byte by byte.
        let bytes: Vec<Vec<u8>> = body.as_bytes().iter().map(|b| vec![*b]).collect();
        prop_assert_eq!(decode(bytes), decode(split_at(body.as_bytes(), &cuts)));
    }

    #[test]
    fn sse_events_do_not_depend_on_chunking(body in sse_body(), cuts in prop::collection::vec(any::<usize>(), 0..12)) {
        let whole = decode(vec![body.clone().into_bytes()]);
        prop_assert_eq!(decode(split_at(body.as_bytes(), &cuts)), whole);
    }

    #[test]
    fn partial_json_never_panics(text in "\\PC{0,200}") {
        let _ = parse_streaming_json(&text);
        let _ = parse_partial(&text);
    }

    #[test]
    fn partial_json_never_panics_on_json_like_noise(text in "[\\[\\]{}\":,\\\\ utrefalsn0-9.eE+-]{0,200}") {
        let _ = parse_streaming_json(&text);
    }

    #[test]
    fn every_prefix_of_a_document_is_consistent_with_it(document in json_object()) {
        let text = serde_json::to_string(&document).unwrap();
        for (end, _) in text.char_indices() {
            let parsed = Value::Object(parse_streaming_json(&text[..end]));
            prop_assert!(consistent(&parsed, &document), "prefix {:?} gave {}", &text[..end], parsed);
        }
        prop_assert_eq!(Value::Object(parse_streaming_json(&text)), document);
    }

    #[test]
    fn pretty_printed_prefixes_are_consistent_too(document in json_object()) {
        let text = serde_json::to_string_pretty(&document).unwrap();
        for (end, _) in text.char_indices() {
            let parsed = Value::Object(parse_streaming_json(&text[..end]));
            prop_assert!(consistent(&parsed, &document), "prefix {:?} gave {}", &text[..end], parsed);
        }
    }
}

//! Splitting raw input into sequences, compared with the reference's StdinBuffer.

use std::time::{Duration, Instant};

use pi_tui::{InputEvent, StdinBuffer};
use serde_json::Value;

fn events_of(chunks: &[&str]) -> Vec<InputEvent> {
    let mut buffer = StdinBuffer::default();
    let now = Instant::now();
    let mut events = Vec::new();
    for chunk in chunks {
        events.extend(buffer.process(chunk.as_bytes(), now));
    }
    events.extend(buffer.flush());
    events
}

#[test]
fn splits_like_the_reference() {
    let doc: Value =
        serde_json::from_str(include_str!("../fixtures/reference-stdin.json")).unwrap();
    let cases = doc.as_array().unwrap();
    assert!(cases.len() > 50);
    for case in cases {
        let chunks: Vec<String> = serde_json::from_value(case["chunks"].clone()).unwrap();
        let chunks: Vec<&str> = chunks.iter().map(String::as_str).collect();
        let expected: Vec<InputEvent> = case["events"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| match (e.get("sequence"), e.get("paste")) {
                (Some(s), _) => InputEvent::Sequence(s.as_str().unwrap().to_owned()),
                (_, Some(p)) => InputEvent::Paste(p.as_str().unwrap().to_owned()),
                _ => panic!("bad fixture event {e}"),
            })
            .collect();
        assert_eq!(events_of(&chunks), expected, "chunks {chunks:?}");
    }
}

#[test]
fn emoji_stays_one_sequence() {
    // The reference splits characters outside the BMP into UTF-16 halves; we keep them whole.
    assert_eq!(
        events_of(&["😀x"]),
        [
            InputEvent::Sequence("😀".into()),
            InputEvent::Sequence("x".into())
        ]
    );
}

#[test]
fn utf8_split_across_reads_is_joined() {
    // (A read of one lone byte above 127 is the Alt form instead; see below.)
    let bytes = "aé".as_bytes();
    let mut buffer = StdinBuffer::default();
    let now = Instant::now();
    assert_eq!(
        buffer.process(&bytes[..2], now),
        [InputEvent::Sequence("a".into())]
    );
    assert_eq!(
        buffer.process(&bytes[2..], now),
        [InputEvent::Sequence("é".into())]
    );
}

#[test]
fn high_bit_byte_is_alt_key() {
    let mut buffer = StdinBuffer::default();
    let events = buffer.process(&[b'a' + 128], Instant::now());
    assert_eq!(events, [InputEvent::Sequence("\x1ba".into())]);
}

#[test]
fn lone_escape_waits_for_its_deadline() {
    let mut buffer = StdinBuffer::new(Duration::from_millis(10), Duration::from_millis(50));
    let start = Instant::now();
    assert!(buffer.process(b"\x1b", start).is_empty());
    assert_eq!(buffer.deadline(), Some(start + Duration::from_millis(10)));
    assert!(
        buffer
            .flush_expired(start + Duration::from_millis(5))
            .is_empty()
    );
    assert_eq!(
        buffer.flush_expired(start + Duration::from_millis(10)),
        [InputEvent::Sequence("\x1b".into())]
    );
    assert_eq!(buffer.deadline(), None);
}

#[test]
fn escape_then_rest_of_sequence_before_deadline_is_one_key() {
    let mut buffer = StdinBuffer::default();
    let now = Instant::now();
    assert!(buffer.process(b"\x1b", now).is_empty());
    assert_eq!(
        buffer.process(b"[A", now),
        [InputEvent::Sequence("\x1b[A".into())]
    );
}

#[test]
fn unfinished_sequence_uses_the_longer_timeout() {
    let mut buffer = StdinBuffer::new(Duration::from_millis(10), Duration::from_millis(50));
    let start = Instant::now();
    assert!(buffer.process(b"\x1b[1;", start).is_empty());
    assert_eq!(buffer.deadline(), Some(start + Duration::from_millis(50)));
}

#[test]
fn paste_spanning_many_reads_has_no_deadline() {
    let mut buffer = StdinBuffer::default();
    let now = Instant::now();
    assert!(buffer.process(b"\x1b[200~part one", now).is_empty());
    assert!(buffer.in_paste());
    assert_eq!(buffer.deadline(), None);
    assert_eq!(
        buffer.process(b" and two\x1b[201~", now),
        [InputEvent::Paste("part one and two".into())]
    );
    assert_eq!(
        InputEvent::Paste("x".into()).into_data(),
        "\x1b[200~x\x1b[201~"
    );
}

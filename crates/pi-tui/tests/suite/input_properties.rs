//! The input splitter and key parser never panic, and splitting does not depend on how the
//! bytes were cut into reads.

use std::time::Instant;

use pi_tui::{InputEvent, StdinBuffer};
use proptest::prelude::*;

fn split(chunks: &[Vec<u8>]) -> Vec<InputEvent> {
    let mut buffer = StdinBuffer::default();
    let now = Instant::now();
    let mut events = Vec::new();
    for chunk in chunks {
        events.extend(buffer.process(chunk, now));
    }
    events.extend(buffer.flush());
    events
}

/// Input made of the pieces terminals send, so that sequences are common.
fn terminal_input() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        "[a-z ]{1,5}",
        Just("\x1b".to_owned()),
        Just("\x1b[".to_owned()),
        Just("\x1b[A".to_owned()),
        Just("\x1b[1;5C".to_owned()),
        Just("\x1b[97;5u".to_owned()),
        Just("\x1b[27;2;13~".to_owned()),
        Just("\x1bO".to_owned()),
        Just("\x1b]11;rgb:0/0/0\x07".to_owned()),
        Just("\x1b[200~".to_owned()),
        Just("\x1b[201~".to_owned()),
        Just("\x1b[<0;1;2M".to_owned()),
        Just("\x1b[M".to_owned()),
        Just("日本".to_owned()),
        Just("😀".to_owned()),
        Just("\r\n\t\x7f".to_owned()),
    ];
    prop::collection::vec(piece, 0..16).prop_map(|v| v.concat())
}

proptest! {
    #[test]
    fn splitter_never_panics_on_bytes(chunks in prop::collection::vec(prop::collection::vec(any::<u8>(), 0..32), 0..8)) {
        let events = split(&chunks);
        for event in events {
            let _ = pi_tui::input::keys::parse_key(&event.into_data(), false);
        }
    }

    #[test]
    fn where_reads_are_cut_does_not_matter(input in terminal_input(), cuts in prop::collection::vec(0usize..200, 0..6)) {
        // Cuts fall at character boundaries, as terminals write whole characters (a lone
        // byte above 127 in a read means Alt+key, tested separately).
        let bytes = input.as_bytes();
        let mut points: Vec<usize> = cuts
            .into_iter()
            .map(|c| {
                let mut p = c % (bytes.len() + 1);
                while !input.is_char_boundary(p) {
                    p -= 1;
                }
                // Right after an ESC nobody can tell Escape-then-"[A" from ESC[A: skip it.
                while p > 0 && bytes[p - 1] == 0x1b {
                    p -= 1;
                }
                p
            })
            .collect();
        points.sort_unstable();
        let mut chunks = Vec::new();
        let mut last = 0;
        for p in points {
            chunks.push(bytes[last..p].to_vec());
            last = p;
        }
        chunks.push(bytes[last..].to_vec());
        // A lone ESC or an unfinished sequence at a cut is only flushed on timeout, which
        // this comparison never reaches: the whole input must give the same events.
        let whole = split(&[bytes.to_vec()]);
        let cut = split(&chunks);
        let joined_whole: String = whole.into_iter().map(InputEvent::into_data).collect();
        let joined_cut: String = cut.into_iter().map(InputEvent::into_data).collect();
        prop_assert_eq!(joined_cut, joined_whole);
    }

    #[test]
    fn key_parser_never_panics(s in any::<String>()) {
        let _ = pi_tui::input::keys::parse_key(&s, true);
        let _ = pi_tui::input::keys::parse_key(&s, false);
        let _ = pi_tui::input::keys::matches_key(&s, "ctrl+shift+p");
        let _ = pi_tui::input::keys::matches_key(&s, "enter");
    }
}

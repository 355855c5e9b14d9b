//! Width, truncation and wrapping compared with the reference's answers on the same inputs.

use pi_tui::{truncate_to_width, visible_width, wrap_text_with_ansi};
use serde_json::Value;

fn reference() -> Value {
    let text = include_str!("../fixtures/reference-width.json");
    serde_json::from_str(text).unwrap()
}

fn cases<'a>(doc: &'a Value, key: &str) -> &'a Vec<Value> {
    doc[key].as_array().unwrap()
}

#[test]
fn visible_width_matches_reference() {
    let doc = reference();
    for case in cases(&doc, "width") {
        let input = case["input"].as_str().unwrap();
        let expected = case["width"].as_u64().unwrap() as usize;
        assert_eq!(visible_width(input), expected, "visible_width({input:?})");
    }
}

#[test]
fn truncate_matches_reference() {
    let doc = reference();
    let mut checked = 0;
    for case in cases(&doc, "truncate") {
        let input = case["input"].as_str().unwrap();
        let width = case["width"].as_u64().unwrap() as usize;
        let ellipsis = case["ellipsis"].as_str().unwrap();
        let pad = case["pad"].as_bool().unwrap();
        let expected = case["output"].as_str().unwrap();
        let got = truncate_to_width(input, width, ellipsis, pad);
        assert_eq!(
            got, expected,
            "truncate_to_width({input:?}, {width}, {ellipsis:?}, {pad})"
        );
        checked += 1;
    }
    assert!(checked > 500);
}

#[test]
fn wrap_matches_reference() {
    let doc = reference();
    for case in cases(&doc, "wrap") {
        let input = case["input"].as_str().unwrap();
        let width = case["width"].as_u64().unwrap() as usize;
        let expected: Vec<String> = serde_json::from_value(case["output"].clone()).unwrap();
        let got = wrap_text_with_ansi(input, width);
        if expected.iter().any(|l| visible_width(l) > width) {
            // The reference overflows when a character is wider than the whole line (a CJK
            // letter at width 1); we never emit a line wider than asked.
            assert!(
                got.iter().all(|l| visible_width(l) <= width),
                "{input:?} at {width}: {got:?}"
            );
            continue;
        }
        assert_eq!(got, expected, "wrap_text_with_ansi({input:?}, {width})");
    }
}

#[test]
fn regional_indicator_alone_is_wide() {
    // Regression from the reference's suite: a half-streamed flag must count 2 columns.
    assert_eq!(visible_width("\u{1F1FA}"), 2);
    assert_eq!(visible_width("\u{1F1FA}\u{1F1F8}"), 2);
}

#[test]
fn cursor_movement_sequences_take_no_room() {
    // The reference only ends CSI at m, G, K, H or J; any final byte ends it here.
    assert_eq!(visible_width("\x1b[2Aab\x1b[5C"), 2);
    assert_eq!(visible_width("a\x1b[?25lb"), 2);
}

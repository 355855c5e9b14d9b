//! Key identification compared with the reference: for every recorded input sequence, the
//! canonical id and the full set of key ids that match it, with the Kitty protocol off and on.

use pi_tui::input::keys::{
    decode_kitty_printable, decode_printable_key, is_key_release, is_key_repeat, matches_key,
    matches_key_with, parse_key,
};
use serde_json::Value;

#[test]
fn keys_match_the_reference() {
    let doc: Value = serde_json::from_str(include_str!("../fixtures/reference-keys.json")).unwrap();
    let ids: Vec<String> = serde_json::from_value(doc["ids"].clone()).unwrap();
    let cases = doc["cases"].as_array().unwrap();
    assert!(cases.len() > 500 && ids.len() > 500);
    let mut failures = Vec::new();
    for case in cases {
        let kitty = case["kitty"].as_bool().unwrap();
        let input = case["input"].as_str().unwrap();
        let parsed = case["parsed"].as_str().map(str::to_owned);
        let expected: Vec<String> = serde_json::from_value(case["matches"].clone()).unwrap();
        let got_parsed = parse_key(input, kitty);
        if got_parsed != parsed {
            failures.push(format!(
                "parse_key({input:?}, kitty={kitty}) = {got_parsed:?}, reference {parsed:?}"
            ));
        }
        // The reference cannot name the plus key ("ctrl++" splits into nothing); we can.
        let got: Vec<&String> = ids
            .iter()
            .filter(|id| !id.ends_with('+'))
            .filter(|id| matches_key_with(input, id, kitty))
            .collect();
        let want: Vec<&String> = expected.iter().collect();
        if got != want {
            failures.push(format!(
                "matches for {input:?} (kitty={kitty}): {got:?}, reference {want:?}"
            ));
        }
        assert_eq!(
            is_key_release(input),
            case["release"].as_bool().unwrap(),
            "{input:?}"
        );
        assert_eq!(
            is_key_repeat(input),
            case["repeat"].as_bool().unwrap(),
            "{input:?}"
        );
        let printable = case["printable"].as_str().map(str::to_owned);
        assert_eq!(
            decode_kitty_printable(input),
            printable,
            "printable {input:?}"
        );
    }
    assert!(
        failures.is_empty(),
        "{} differences:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn key_ids_ignore_case_and_modifier_order() {
    assert!(matches_key("\x1b[112;6u", "ctrl+shift+p"));
    assert!(matches_key("\x1b[112;6u", "Shift+Ctrl+P"));
    assert!(matches_key("\x1b[5~", "pageUp"));
    assert!(matches_key("\x1b[5~", "pageup"));
    assert!(matches_key("\x1b", "esc"));
    assert!(matches_key("\r", "return"));
}

#[test]
fn unknown_key_ids_match_nothing() {
    assert!(!matches_key("a", ""));
    assert!(!matches_key("a", "ctrl+"));
    assert!(!matches_key("a", "hyper+a"));
    assert!(!matches_key("\x1b[A", "upp"));
}

#[test]
fn modify_other_keys_printables_decode() {
    assert_eq!(decode_printable_key("\x1b[27;2;65~").as_deref(), Some("A"));
    assert_eq!(decode_printable_key("\x1b[27;5;97~"), None);
    assert_eq!(decode_printable_key("\x1b[97u").as_deref(), Some("a"));
}

#[test]
fn release_events_are_recognised() {
    assert!(is_key_release("\x1b[97;1:3u"));
    assert!(!is_key_release("\x1b[200~\x1b[97;1:3u\x1b[201~"));
    assert!(is_key_repeat("\x1b[1;1:2A"));
}

#[test]
fn the_plus_key_can_be_named() {
    assert!(matches_key("+", "+"));
    assert!(matches_key("\x1b+", "alt++"));
    assert!(pi_tui::input::keys::is_valid_key_id("ctrl++"));
    assert!(!pi_tui::input::keys::is_valid_key_id("ctrl+nope"));
    assert!(!pi_tui::input::keys::is_valid_key_id("hyper+a"));
}

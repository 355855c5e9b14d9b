//! Naming keys: which key (with which modifiers) an input sequence is, in every encoding
//! terminals use: legacy control characters and escape sequences, xterm's modifyOtherKeys,
//! and the Kitty keyboard protocol (with key release and repeat, and base-layout keys for
//! non-Latin keyboard layouts).
//!
//! Key ids are written like pi's `keybindings.json`: `[ctrl+][shift+][alt+][super+]<key>`,
//! with `<key>` a letter, digit or symbol, or one of `escape`/`esc`, `enter`/`return`, `tab`,
//! `space`, `backspace`, `delete`, `insert`, `clear`, `home`, `end`, `pageUp`, `pageDown`,
//! `up`, `down`, `left`, `right`, `f1`..`f12`. Case and modifier order do not matter.

mod kitty;
mod legacy;

pub use kitty::KeyEventType;
use kitty::{parse_kitty, parse_modify_other_keys};
use legacy::{legacy_key_id, legacy_modified, legacy_sequences};

const SHIFT: u32 = 1;
const ALT: u32 = 2;
const CTRL: u32 = 4;
const SUPER: u32 = 8;
/// Caps Lock and Num Lock, which never change which key was meant.
const LOCK_MASK: u32 = 64 + 128;

const CP_ESCAPE: i64 = 27;
const CP_TAB: i64 = 9;
const CP_ENTER: i64 = 13;
const CP_SPACE: i64 = 32;
const CP_BACKSPACE: i64 = 127;
const CP_KP_ENTER: i64 = 57414;

// Keys without a codepoint get negative stand-ins, as in the Kitty protocol's own tables.
const CP_UP: i64 = -1;
const CP_DOWN: i64 = -2;
const CP_RIGHT: i64 = -3;
const CP_LEFT: i64 = -4;
const CP_DELETE: i64 = -10;
const CP_INSERT: i64 = -11;
const CP_PAGE_UP: i64 = -12;
const CP_PAGE_DOWN: i64 = -13;
const CP_HOME: i64 = -14;
const CP_END: i64 = -15;

const SYMBOLS: &str = "`-=[]\\;',./!@#$%^&*()_+|~{}:<>?";

fn is_symbol(c: char) -> bool {
    SYMBOLS.contains(c)
}

fn char_of(cp: i64) -> Option<char> {
    u32::try_from(cp).ok().and_then(char::from_u32)
}

fn is_symbol_cp(cp: i64) -> bool {
    char_of(cp).is_some_and(is_symbol)
}

/// Keypad keys reported by Kitty under their own codepoints, mapped to the main keys.
fn normalize_keypad(cp: i64) -> i64 {
    match cp {
        57399..=57408 => cp - 57399 + 48,
        57409 => 46,
        57410 => 47,
        57411 => 42,
        57412 => 45,
        57413 => 43,
        57415 => 61,
        57416 => 44,
        57417 => CP_LEFT,
        57418 => CP_RIGHT,
        57419 => CP_UP,
        57420 => CP_DOWN,
        57421 => CP_PAGE_UP,
        57422 => CP_PAGE_DOWN,
        57423 => CP_HOME,
        57424 => CP_END,
        57425 => CP_INSERT,
        57426 => CP_DELETE,
        _ => cp,
    }
}

/// With Shift held, an uppercase letter names the same key as its lowercase one.
fn normalize_shifted_letter(cp: i64, modifier: u32) -> i64 {
    if (modifier & !LOCK_MASK) & SHIFT != 0 && (65..=90).contains(&cp) {
        cp + 32
    } else {
        cp
    }
}

fn matches_kitty(data: &str, expected_cp: i64, expected_mod: u32) -> bool {
    let Some(key) = parse_kitty(data) else {
        return false;
    };
    if key.modifier & !LOCK_MASK != expected_mod & !LOCK_MASK {
        return false;
    }
    let actual = normalize_shifted_letter(normalize_keypad(key.codepoint), key.modifier);
    let expected = normalize_shifted_letter(normalize_keypad(expected_cp), expected_mod);
    if actual == expected {
        return true;
    }
    // Non-Latin layouts: the key's position on a US layout names it.
    if key.base_layout == Some(expected_cp) {
        let latin = (97..=122).contains(&actual);
        return !latin && !is_symbol_cp(actual);
    }
    false
}

fn matches_mok(data: &str, expected_cp: i64, expected_mod: u32) -> bool {
    parse_modify_other_keys(data) == Some((expected_cp, expected_mod))
}

fn matches_printable_mok(data: &str, expected_cp: i64, expected_mod: u32) -> bool {
    if expected_mod == 0 {
        return false;
    }
    let Some((cp, m)) = parse_modify_other_keys(data) else {
        return false;
    };
    m == expected_mod
        && normalize_shifted_letter(cp, m) == normalize_shifted_letter(expected_cp, expected_mod)
}

/// The control character Ctrl+key sends in legacy mode.
fn raw_ctrl(key: char) -> Option<char> {
    let c = key.to_ascii_lowercase();
    if c.is_ascii_lowercase() || matches!(c, '[' | '\\' | ']' | '_') {
        return char::from_u32(u32::from(c) & 0x1f);
    }
    (c == '-').then_some('\x1f')
}

/// Whether `key_id` names a key pi can recognise (used to report bad keybindings).
pub fn is_valid_key_id(key_id: &str) -> bool {
    let Some((key, _)) = parse_key_id(key_id) else {
        return false;
    };
    let named = [
        "escape",
        "esc",
        "enter",
        "return",
        "tab",
        "space",
        "backspace",
        "delete",
        "insert",
        "clear",
        "home",
        "end",
        "pageup",
        "pagedown",
        "up",
        "down",
        "left",
        "right",
        "f1",
        "f2",
        "f3",
        "f4",
        "f5",
        "f6",
        "f7",
        "f8",
        "f9",
        "f10",
        "f11",
        "f12",
    ];
    let mut chars = key.chars();
    named.contains(&key.as_str())
        || matches!((chars.next(), chars.next()), (Some(c), None)
            if c.is_ascii_lowercase() || c.is_ascii_digit() || is_symbol(c))
}

/// A key id taken apart: the key name (lowercase) and modifier bits.
fn parse_key_id(id: &str) -> Option<(String, u32)> {
    let lower = id.to_lowercase();
    // A trailing "+" is the plus key itself ("ctrl++").
    let (mods, key) = if let Some(m) = lower.strip_suffix("++") {
        (m, "+".to_owned())
    } else if lower == "+" {
        ("", "+".to_owned())
    } else {
        match lower.rsplit_once('+') {
            Some((m, k)) => (m, k.to_owned()),
            None => ("", lower.clone()),
        }
    };
    if key.is_empty() {
        return None;
    }
    let mut modifier = 0;
    for part in mods.split('+').filter(|p| !p.is_empty()) {
        modifier |= match part {
            "shift" => SHIFT,
            "alt" => ALT,
            "ctrl" => CTRL,
            "super" => SUPER,
            // An unknown modifier is a mistake in a key id; matching the bare key instead
            // (as the reference does) would fire the binding on the wrong key.
            _ => return None,
        };
    }
    Some((key, modifier))
}

/// Whether `data` is the key `key_id`, with legacy meanings for ambiguous sequences (a
/// terminal without the Kitty protocol). See [`matches_key_with`].
///
/// ```
/// use pi_tui::input::keys::matches_key;
/// assert!(matches_key("\x10", "ctrl+p"));
/// assert!(matches_key("\x1b[112;6u", "ctrl+shift+p")); // Kitty protocol
/// assert!(matches_key("\x1b[27;2;13~", "shift+enter")); // modifyOtherKeys
/// assert!(!matches_key("\r", "shift+enter"));
/// ```
pub fn matches_key(data: &str, key_id: &str) -> bool {
    matches_key_with(data, key_id, false)
}

/// Whether `data` is the key `key_id`. Under the Kitty protocol (`kitty`), ESC CR and a
/// bare LF are Shift+Enter (terminal key mappings send them), and ESC plus a letter is no
/// longer Alt+letter.
pub fn matches_key_with(data: &str, key_id: &str, kitty: bool) -> bool {
    let Some((key, m)) = parse_key_id(key_id) else {
        return false;
    };
    match key.as_str() {
        "escape" | "esc" => {
            m == 0
                && (data == "\x1b"
                    || matches_kitty(data, CP_ESCAPE, 0)
                    || matches_mok(data, CP_ESCAPE, 0))
        }
        "space" => {
            if !kitty && ((m == CTRL && data == "\0") || (m == ALT && data == "\x1b ")) {
                return true;
            }
            (m == 0 && data == " ")
                || matches_kitty(data, CP_SPACE, m)
                || matches_mok(data, CP_SPACE, m)
        }
        "tab" => match m {
            SHIFT => {
                data == "\x1b[Z"
                    || matches_kitty(data, CP_TAB, SHIFT)
                    || matches_mok(data, CP_TAB, SHIFT)
            }
            0 => data == "\t" || matches_kitty(data, CP_TAB, 0),
            _ => matches_kitty(data, CP_TAB, m) || matches_mok(data, CP_TAB, m),
        },
        "enter" | "return" => {
            let kitty_or_mok = matches_kitty(data, CP_ENTER, m)
                || matches_kitty(data, CP_KP_ENTER, m)
                || matches_mok(data, CP_ENTER, m);
            match m {
                SHIFT => kitty_or_mok || (kitty && (data == "\x1b\r" || data == "\n")),
                ALT => kitty_or_mok || (!kitty && data == "\x1b\r"),
                0 => {
                    data == "\r"
                        || (!kitty && data == "\n")
                        || data == "\x1bOM"
                        || matches_kitty(data, CP_ENTER, 0)
                        || matches_kitty(data, CP_KP_ENTER, 0)
                }
                _ => kitty_or_mok,
            }
        }
        "backspace" => {
            let coded = matches_kitty(data, CP_BACKSPACE, m) || matches_mok(data, CP_BACKSPACE, m);
            match m {
                ALT => data == "\x1b\x7f" || data == "\x1b\x08" || coded,
                0 => data == "\x7f" || data == "\x08" || coded,
                _ => coded,
            }
        }
        "insert" | "delete" | "home" | "end" | "pageup" | "pagedown" => {
            let cp = match key.as_str() {
                "insert" => CP_INSERT,
                "delete" => CP_DELETE,
                "home" => CP_HOME,
                "end" => CP_END,
                "pageup" => CP_PAGE_UP,
                _ => CP_PAGE_DOWN,
            };
            if m == 0 {
                return legacy_sequences(&key).contains(&data) || matches_kitty(data, cp, 0);
            }
            legacy_modified(data, &key, m) || matches_kitty(data, cp, m)
        }
        "clear" => {
            if m == 0 {
                legacy_sequences("clear").contains(&data)
            } else {
                legacy_modified(data, "clear", m)
            }
        }
        "up" | "down" | "left" | "right" => arrow_matches(data, &key, m, kitty),
        "f1" | "f2" | "f3" | "f4" | "f5" | "f6" | "f7" | "f8" | "f9" | "f10" | "f11" | "f12" => {
            m == 0 && legacy_sequences(&key).contains(&data)
        }
        _ => printable_matches(data, &key, m, kitty),
    }
}

fn arrow_matches(data: &str, key: &str, m: u32, kitty: bool) -> bool {
    let cp = match key {
        "up" => CP_UP,
        "down" => CP_DOWN,
        "left" => CP_LEFT,
        _ => CP_RIGHT,
    };
    let legacy_alt: &[&str] = match key {
        "up" => &["\x1bp"],
        "down" => &["\x1bn"],
        "left" => &["\x1b[1;3D", "\x1bb"],
        _ => &["\x1b[1;3C", "\x1bf"],
    };
    match m {
        ALT => {
            let emacs_upper = match key {
                "left" => "\x1bB",
                "right" => "\x1bF",
                _ => "",
            };
            legacy_alt.contains(&data)
                || (!kitty && !emacs_upper.is_empty() && data == emacs_upper)
                || matches_kitty(data, cp, ALT)
        }
        0 => legacy_sequences(key).contains(&data) || matches_kitty(data, cp, 0),
        _ => legacy_modified(data, key, m) || matches_kitty(data, cp, m),
    }
}

fn printable_matches(data: &str, key: &str, m: u32, kitty: bool) -> bool {
    let mut chars = key.chars();
    let (Some(c), None) = (chars.next(), chars.next()) else {
        return false;
    };
    let letter = c.is_ascii_lowercase();
    let digit = c.is_ascii_digit();
    if !letter && !digit && !is_symbol(c) {
        return false;
    }
    let cp = i64::from(u32::from(c));
    let ctrl_char = raw_ctrl(c);
    let alt_prefixed = |s: char| {
        let mut it = data.chars();
        it.next() == Some('\x1b') && it.next() == Some(s) && it.next().is_none()
    };
    if m == CTRL | ALT && !kitty && ctrl_char.is_some_and(alt_prefixed) {
        return true;
    }
    if m == ALT && !kitty && alt_prefixed(c) {
        return true;
    }
    let single = |s: char| {
        let mut it = data.chars();
        it.next() == Some(s) && it.next().is_none()
    };
    match m {
        CTRL => {
            ctrl_char.is_some_and(single)
                || matches_kitty(data, cp, CTRL)
                || matches_printable_mok(data, cp, CTRL)
        }
        SHIFT if letter && single(c.to_ascii_uppercase()) => true,
        0 => single(c) || matches_kitty(data, cp, 0),
        _ => matches_kitty(data, cp, m) || matches_printable_mok(data, cp, m),
    }
}

/// Whether `data` is a Kitty key-release event (never true for a paste).
pub fn is_key_release(data: &str) -> bool {
    event_suffix(data, '3')
}

/// Whether `data` is a Kitty key-repeat event (never true for a paste).
pub fn is_key_repeat(data: &str) -> bool {
    event_suffix(data, '2')
}

fn event_suffix(data: &str, kind: char) -> bool {
    if data.contains("\x1b[200~") {
        return false;
    }
    ['u', '~', 'A', 'B', 'C', 'D', 'H', 'F'].iter().any(|end| {
        let mut pat = [0u8; 3];
        pat[0] = b':';
        pat[1] = kind as u8;
        pat[2] = *end as u8;
        std::str::from_utf8(&pat).is_ok_and(|p| data.contains(p))
    })
}

fn with_modifiers(name: &str, modifier: u32) -> Option<String> {
    let m = modifier & !LOCK_MASK;
    if m & !(SHIFT | CTRL | ALT | SUPER) != 0 {
        return None;
    }
    let mut out = String::new();
    for (bit, label) in [
        (SHIFT, "shift+"),
        (CTRL, "ctrl+"),
        (ALT, "alt+"),
        (SUPER, "super+"),
    ] {
        if m & bit != 0 {
            out.push_str(label);
        }
    }
    out.push_str(name);
    Some(out)
}

fn format_key(codepoint: i64, modifier: u32, base_layout: Option<i64>) -> Option<String> {
    let identity = normalize_shifted_letter(normalize_keypad(codepoint), modifier);
    let plain =
        (97..=122).contains(&identity) || (48..=57).contains(&identity) || is_symbol_cp(identity);
    let cp = if plain {
        identity
    } else {
        base_layout.unwrap_or(identity)
    };
    let name: String = match cp {
        CP_ESCAPE => "escape".into(),
        CP_TAB => "tab".into(),
        CP_ENTER | CP_KP_ENTER => "enter".into(),
        CP_SPACE => "space".into(),
        CP_BACKSPACE => "backspace".into(),
        CP_DELETE => "delete".into(),
        CP_INSERT => "insert".into(),
        CP_HOME => "home".into(),
        CP_END => "end".into(),
        CP_PAGE_UP => "pageUp".into(),
        CP_PAGE_DOWN => "pageDown".into(),
        CP_UP => "up".into(),
        CP_DOWN => "down".into(),
        CP_LEFT => "left".into(),
        CP_RIGHT => "right".into(),
        48..=57 | 97..=122 => char_of(cp)?.to_string(),
        _ if is_symbol_cp(cp) => char_of(cp)?.to_string(),
        _ => return None,
    };
    with_modifiers(&name, modifier)
}

/// The canonical key id of `data` (`"ctrl+c"`, `"shift+enter"`, `"pageUp"`, `"a"`), or
/// `None` if it is not a key pi knows. `kitty` says whether the Kitty protocol is active.
///
/// ```
/// use pi_tui::input::keys::parse_key;
/// assert_eq!(parse_key("\x03", false).as_deref(), Some("ctrl+c"));
/// assert_eq!(parse_key("\x1b[1;5D", false).as_deref(), Some("ctrl+left"));
/// assert_eq!(parse_key("\n", true).as_deref(), Some("shift+enter"));
/// ```
pub fn parse_key(data: &str, kitty: bool) -> Option<String> {
    if let Some(k) = parse_kitty(data) {
        return format_key(k.codepoint, k.modifier, k.base_layout);
    }
    if let Some((cp, m)) = parse_modify_other_keys(data) {
        return format_key(cp, m, None);
    }
    if kitty && (data == "\x1b\r" || data == "\n") {
        return Some("shift+enter".into());
    }
    if let Some(id) = legacy_key_id(data) {
        return Some(id.into());
    }
    let fixed = match data {
        "\x1b" => Some("escape"),
        "\x1c" => Some("ctrl+\\"),
        "\x1d" => Some("ctrl+]"),
        "\x1f" => Some("ctrl+-"),
        "\x1b\x1b" => Some("ctrl+alt+["),
        "\x1b\x1c" => Some("ctrl+alt+\\"),
        "\x1b\x1d" => Some("ctrl+alt+]"),
        "\x1b\x1f" => Some("ctrl+alt+-"),
        "\t" => Some("tab"),
        "\r" | "\x1bOM" => Some("enter"),
        "\n" if !kitty => Some("enter"),
        "\0" => Some("ctrl+space"),
        " " => Some("space"),
        "\x7f" | "\x08" => Some("backspace"),
        "\x1b[Z" => Some("shift+tab"),
        "\x1b\r" if !kitty => Some("alt+enter"),
        "\x1b " if !kitty => Some("alt+space"),
        "\x1b\x7f" | "\x1b\x08" => Some("alt+backspace"),
        "\x1bB" if !kitty => Some("alt+left"),
        "\x1bF" if !kitty => Some("alt+right"),
        _ => None,
    };
    if let Some(id) = fixed {
        return Some(id.into());
    }
    let mut chars = data.chars();
    match (chars.next(), chars.next(), chars.next()) {
        (Some('\x1b'), Some(c), None) if !kitty => {
            let code = u32::from(c);
            if (1..=26).contains(&code) {
                return char::from_u32(code + 96).map(|l| format!("ctrl+alt+{l}"));
            }
            if c.is_ascii_lowercase() || c.is_ascii_digit() || is_symbol(c) {
                return Some(format!("alt+{c}"));
            }
        }
        (Some(c), None, None) => {
            let code = u32::from(c);
            if (1..=26).contains(&code) {
                return char::from_u32(code + 96).map(|l| format!("ctrl+{l}"));
            }
            if (32..=126).contains(&code) {
                return Some(c.to_string());
            }
        }
        _ => {}
    }
    match data {
        "\x1b[A" => Some("up".into()),
        "\x1b[B" => Some("down".into()),
        "\x1b[C" => Some("right".into()),
        "\x1b[D" => Some("left".into()),
        "\x1b[H" | "\x1bOH" => Some("home".into()),
        "\x1b[F" | "\x1bOF" => Some("end".into()),
        _ => None,
    }
}

/// The text a Kitty CSI-u sequence types, when it is a printable key with at most Shift (and
/// lock keys) held: `ESC[97u` is `a`, `ESC[97:65;2u` is `A`.
pub fn decode_kitty_printable(data: &str) -> Option<String> {
    if !data.ends_with('u') {
        return None;
    }
    let k = parse_kitty(data)?;
    if k.modifier & !(SHIFT | LOCK_MASK) != 0 {
        return None;
    }
    let mut cp = k.codepoint;
    if k.modifier & SHIFT != 0
        && let Some(s) = k.shifted
    {
        cp = s;
    }
    let cp = normalize_keypad(cp);
    if cp >= 32 {
        char_of(cp).map(String::from)
    } else {
        None
    }
}

/// The text a printable key types, from the Kitty protocol or modifyOtherKeys (which
/// terminals use for printable keys once it is on).
pub fn decode_printable_key(data: &str) -> Option<String> {
    if let Some(text) = decode_kitty_printable(data) {
        return Some(text);
    }
    let (cp, m) = parse_modify_other_keys(data)?;
    if (m & !LOCK_MASK) & !SHIFT != 0 || cp < 32 {
        return None;
    }
    char_of(cp).map(String::from)
}

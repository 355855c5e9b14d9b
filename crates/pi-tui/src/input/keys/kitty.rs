//! Parsing the Kitty keyboard protocol's sequences (CSI-u, modified arrows and functional
//! keys) and xterm's modifyOtherKeys.

use super::{
    CP_DELETE, CP_DOWN, CP_END, CP_HOME, CP_INSERT, CP_LEFT, CP_PAGE_DOWN, CP_PAGE_UP, CP_RIGHT,
    CP_UP,
};

/// Whether a Kitty key event is a press, a repeat or a release.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum KeyEventType {
    /// The key went down (also every legacy sequence).
    #[default]
    Press,
    /// The key is held and repeating.
    Repeat,
    /// The key went up.
    Release,
}

fn event_type(s: Option<&str>) -> KeyEventType {
    match s.and_then(|s| s.parse::<u32>().ok()) {
        Some(2) => KeyEventType::Repeat,
        Some(3) => KeyEventType::Release,
        _ => KeyEventType::Press,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct KittyKey {
    pub(super) codepoint: i64,
    pub(super) shifted: Option<i64>,
    pub(super) base_layout: Option<i64>,
    pub(super) modifier: u32,
    pub(super) event: KeyEventType,
}

fn digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

fn num(s: &str) -> Option<i64> {
    if digits(s) { s.parse().ok() } else { None }
}

/// A modifier field (`1 + bits`) as bits; `0` and garbage are no modifiers.
fn modifier_of(s: Option<&str>) -> Option<u32> {
    match s {
        None => Some(0),
        Some(s) => {
            let v: u32 = num(s).and_then(|v| u32::try_from(v).ok())?;
            Some(v.saturating_sub(1))
        }
    }
}

/// Splits `a[:b[:c]]` into at most three fields.
fn colon_fields(s: &str) -> Vec<&str> {
    s.split(':').collect()
}

pub(super) fn parse_kitty(data: &str) -> Option<KittyKey> {
    let body = data.strip_prefix("\x1b[")?;
    if let Some(body) = body.strip_suffix('u') {
        // <cp>[:<shifted>[:<base>]][;<mod>[:<event>]]
        let (keys, mods) = match body.split_once(';') {
            Some((k, m)) => (k, Some(m)),
            None => (body, None),
        };
        let key_fields = colon_fields(keys);
        let codepoint = num(key_fields.first()?)?;
        let shifted = match key_fields.get(1) {
            None | Some(&"") => None,
            Some(s) => Some(num(s)?),
        };
        let base_layout = match key_fields.get(2) {
            None => None,
            Some(s) => Some(num(s)?),
        };
        if key_fields.len() > 3 {
            return None;
        }
        let (modifier, event) = match mods {
            None => (0, KeyEventType::Press),
            Some(m) => {
                let f = colon_fields(m);
                if f.len() > 2 {
                    return None;
                }
                let modifier = modifier_of(f.first().copied())?;
                if let Some(e) = f.get(1) {
                    num(e)?;
                }
                (modifier, event_type(f.get(1).copied()))
            }
        };
        return Some(KittyKey {
            codepoint,
            shifted,
            base_layout,
            modifier,
            event,
        });
    }
    let last = body.chars().last()?;
    let params = body.get(..body.len() - last.len_utf8())?;
    match last {
        'A' | 'B' | 'C' | 'D' | 'H' | 'F' => {
            // ESC[1;<mod>[:<event>]<letter>
            let rest = params.strip_prefix("1;")?;
            let f = colon_fields(rest);
            if f.len() > 2 || !digits(f.first()?) {
                return None;
            }
            if let Some(e) = f.get(1) {
                num(e)?;
            }
            let codepoint = match last {
                'A' => CP_UP,
                'B' => CP_DOWN,
                'C' => CP_RIGHT,
                'D' => CP_LEFT,
                'H' => CP_HOME,
                _ => CP_END,
            };
            Some(KittyKey {
                codepoint,
                shifted: None,
                base_layout: None,
                modifier: modifier_of(f.first().copied())?,
                event: event_type(f.get(1).copied()),
            })
        }
        '~' => {
            // ESC[<n>[;<mod>][:<event>]~
            let (n, rest) = match params.split_once(';') {
                Some((n, rest)) => (n, Some(rest)),
                None => (params, None),
            };
            let (n, mut event) = match n.split_once(':') {
                Some((n, e)) if rest.is_none() => (n, Some(e)),
                _ => (n, None),
            };
            let modifier = match rest {
                None => 0,
                Some(r) => {
                    let f = colon_fields(r);
                    if f.len() > 2 {
                        return None;
                    }
                    event = f.get(1).copied();
                    modifier_of(f.first().copied())?
                }
            };
            if let Some(e) = event {
                num(e)?;
            }
            let codepoint = match num(n)? {
                2 => CP_INSERT,
                3 => CP_DELETE,
                5 => CP_PAGE_UP,
                6 => CP_PAGE_DOWN,
                7 => CP_HOME,
                8 => CP_END,
                _ => return None,
            };
            Some(KittyKey {
                codepoint,
                shifted: None,
                base_layout: None,
                modifier,
                event: event_type(event),
            })
        }
        _ => None,
    }
}

/// `ESC[27;<mod>;<code>~`: xterm modifyOtherKeys.
pub(super) fn parse_modify_other_keys(data: &str) -> Option<(i64, u32)> {
    let body = data.strip_prefix("\x1b[27;")?.strip_suffix('~')?;
    let (m, code) = body.split_once(';')?;
    let modifier = u32::try_from(num(m)?).ok()?.saturating_sub(1);
    Some((num(code)?, modifier))
}

//! JSON decoding that survives lone UTF-16 surrogates.
//!
//! JavaScript strings may hold unpaired surrogates, and `JSON.stringify` writes them as
//! escapes (`"\ud83d"`), so pi's session files can contain them. Rust strings cannot, and
//! serde_json rejects such escapes. [`from_str`] drops them, as pi itself does before it
//! sends text to a provider, and decodes everything else unchanged.

use std::borrow::Cow;

use serde::de::DeserializeOwned;

/// Decodes `text`, dropping lone surrogate escapes if that is what stood in the way.
pub fn from_str<T: DeserializeOwned>(text: &str) -> serde_json::Result<T> {
    match serde_json::from_str(text) {
        Ok(value) => Ok(value),
        Err(err) => match without_lone_surrogates(text) {
            Cow::Owned(cleaned) => serde_json::from_str(&cleaned),
            Cow::Borrowed(_) => Err(err),
        },
    }
}

/// `text` with every `\uXXXX` escape of an unpaired surrogate removed from its strings.
pub fn without_lone_surrogates(text: &str) -> Cow<'_, str> {
    let bytes = text.as_bytes();
    let mut out: Option<String> = None;
    let mut copied = 0;
    let mut in_string = false;
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if !in_string {
            in_string = b == b'"';
            i += 1;
            continue;
        }
        match b {
            b'"' => {
                in_string = false;
                i += 1;
            }
            b'\\' if bytes.get(i + 1) == Some(&b'u') => {
                let unit = hex_unit(bytes, i + 2);
                let low_after =
                    hex_unit(bytes, i + 8).filter(|_| bytes.get(i + 6..i + 8) == Some(b"\\u"));
                match unit {
                    Some(0xD800..=0xDBFF) if matches!(low_after, Some(0xDC00..=0xDFFF)) => i += 12,
                    Some(0xD800..=0xDFFF) => {
                        // Unpaired: copy what came before and skip the six-byte escape.
                        let buffer = out.get_or_insert_with(|| String::with_capacity(text.len()));
                        buffer.push_str(text.get(copied..i).unwrap_or_default());
                        i += 6;
                        copied = i;
                    }
                    _ => i += 2,
                }
            }
            b'\\' => i += 2,
            _ => i += 1,
        }
    }
    match out {
        Some(mut buffer) => {
            buffer.push_str(text.get(copied..).unwrap_or_default());
            Cow::Owned(buffer)
        }
        None => Cow::Borrowed(text),
    }
}

fn hex_unit(bytes: &[u8], start: usize) -> Option<u16> {
    let digits = bytes.get(start..start + 4)?;
    let text = std::str::from_utf8(digits).ok()?;
    u16::from_str_radix(text, 16).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    #[test]
    fn lone_surrogates_are_dropped_and_pairs_kept() {
        let text = r#"{"a":"x\ud83dy","b":"\ude00z","c":"\ud83d\ude00","d":"\\ud83d"}"#;
        let value: Value = from_str(text).unwrap();
        assert_eq!(value["a"], "xy");
        assert_eq!(value["b"], "z");
        assert_eq!(value["c"], "😀");
        // An escaped backslash followed by "ud83d" is plain text, not an escape.
        assert_eq!(value["d"], "\\ud83d");
    }

    #[test]
    fn valid_text_is_not_copied() {
        assert!(matches!(
            without_lone_surrogates(r#"{"a":"\ud83d\ude00"}"#),
            Cow::Borrowed(_)
        ));
        assert!(from_str::<Value>("{").is_err());
    }
}

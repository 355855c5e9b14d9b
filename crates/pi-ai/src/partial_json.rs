//! Tolerant parsing of tool-call arguments while they stream in.
//!
//! Providers stream a tool call's arguments as JSON fragments, and the partial message shows
//! the arguments parsed so far after every fragment. [`parse_streaming_json`] never fails: it
//! returns everything that can be known from a prefix of a JSON object.
//!
//! - a string cut mid-way is returned as far as it goes (an escape cut mid-way is dropped);
//! - a number, `true`, `false` or `null` touching the end of the input may still grow, so it
//!   is left out, as is a key whose value has not started;
//! - objects and arrays cut mid-way are closed;
//! - raw control characters inside strings and unknown escapes (`\q`) are taken literally,
//!   which is what models mean when they emit them;
//! - lone UTF-16 surrogate escapes are dropped.
//!
//! So for any prefix of a valid document the result is *consistent* with the document: every
//! key it holds is in the document, strings are prefixes of the final strings, arrays are
//! prefixes of the final arrays.

use serde_json::{Map, Value};

/// Nesting deeper than this is not parsed (the rest counts as not yet arrived).
const MAX_DEPTH: usize = 256;

/// Parses (possibly incomplete) tool arguments into an object; anything else gives `{}`.
pub fn parse_streaming_json(text: &str) -> Map<String, Value> {
    if text.trim().is_empty() {
        return Map::new();
    }
    let value = match serde_json::from_str::<Value>(text) {
        Ok(value) => value,
        Err(_) => parse_partial(text).unwrap_or(Value::Null),
    };
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

/// The value a prefix of JSON text describes, if any of it could be read.
pub fn parse_partial(text: &str) -> Option<Value> {
    let mut parser = Parser {
        bytes: text.as_bytes(),
        text,
        pos: 0,
        depth: 0,
    };
    parser.skip_whitespace();
    match parser.value() {
        Ok(value) => Some(value),
        Err(Cut { partial }) => partial,
    }
}

/// Where parsing stopped early, with what the unfinished value held so far.
struct Cut {
    partial: Option<Value>,
}

type Step<T> = Result<T, Cut>;

struct Parser<'a> {
    bytes: &'a [u8],
    text: &'a str,
    pos: usize,
    depth: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn skip_whitespace(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    fn value(&mut self) -> Step<Value> {
        match self.peek() {
            Some(b'{') => self.object(),
            Some(b'[') => self.array(),
            Some(b'"') => self.string().map(Value::String).map_err(|cut| Cut {
                partial: cut.map(Value::String),
            }),
            Some(b't') => self.literal("true", Value::Bool(true)),
            Some(b'f') => self.literal("false", Value::Bool(false)),
            Some(b'n') => self.literal("null", Value::Null),
            Some(b'-' | b'0'..=b'9') => self.number(),
            _ => Err(Cut { partial: None }),
        }
    }

    fn nested(&mut self) -> Step<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(Cut { partial: None });
        }
        Ok(())
    }

    fn object(&mut self) -> Step<Value> {
        self.nested()?;
        self.pos += 1; // '{'
        let mut map = Map::new();
        loop {
            self.skip_whitespace();
            match self.peek() {
                Some(b'}') => {
                    self.pos += 1;
                    self.depth -= 1;
                    return Ok(Value::Object(map));
                }
                Some(b'"') => {}
                _ => {
                    return Err(Cut {
                        partial: Some(Value::Object(map)),
                    });
                }
            }
            let Ok(key) = self.string() else {
                return Err(Cut {
                    partial: Some(Value::Object(map)),
                });
            };
            self.skip_whitespace();
            if self.peek() != Some(b':') {
                return Err(Cut {
                    partial: Some(Value::Object(map)),
                });
            }
            self.pos += 1;
            self.skip_whitespace();
            match self.value() {
                Ok(value) => {
                    map.insert(key, value);
                }
                Err(Cut { partial }) => {
                    if let Some(value) = partial {
                        map.insert(key, value);
                    }
                    return Err(Cut {
                        partial: Some(Value::Object(map)),
                    });
                }
            }
            self.skip_whitespace();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {}
                _ => {
                    return Err(Cut {
                        partial: Some(Value::Object(map)),
                    });
                }
            }
        }
    }

    fn array(&mut self) -> Step<Value> {
        self.nested()?;
        self.pos += 1; // '['
        let mut items = Vec::new();
        loop {
            self.skip_whitespace();
            if self.peek() == Some(b']') {
                self.pos += 1;
                self.depth -= 1;
                return Ok(Value::Array(items));
            }
            match self.value() {
                Ok(value) => items.push(value),
                Err(Cut { partial }) => {
                    items.extend(partial);
                    return Err(Cut {
                        partial: Some(Value::Array(items)),
                    });
                }
            }
            self.skip_whitespace();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b']') => {}
                _ => {
                    return Err(Cut {
                        partial: Some(Value::Array(items)),
                    });
                }
            }
        }
    }

    /// A string starting at the opening quote. On a cut, the error holds the text so far.
    fn string(&mut self) -> Result<String, Option<String>> {
        self.pos += 1; // opening quote
        let mut out = String::new();
        loop {
            // Copy the run of plain characters up to the next quote or backslash at once.
            let run_end = self.bytes[self.pos..]
                .iter()
                .position(|&b| b == b'"' || b == b'\\')
                .map_or(self.bytes.len(), |offset| self.pos + offset);
            // Quotes and backslashes are ASCII, so both ends are on character boundaries.
            out.push_str(self.text.get(self.pos..run_end).unwrap_or_default());
            self.pos = run_end;
            match self.peek() {
                None => return Err(Some(out)),
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(out);
                }
                _ => {
                    if !self.escape(&mut out) {
                        return Err(Some(out));
                    }
                }
            }
        }
    }

    /// Decodes the escape at a backslash into `out`; false when the input ends inside it.
    fn escape(&mut self, out: &mut String) -> bool {
        let Some(&kind) = self.bytes.get(self.pos + 1) else {
            return false;
        };
        let simple = match kind {
            b'"' => Some('"'),
            b'\\' => Some('\\'),
            b'/' => Some('/'),
            b'b' => Some('\u{8}'),
            b'f' => Some('\u{c}'),
            b'n' => Some('\n'),
            b'r' => Some('\r'),
            b't' => Some('\t'),
            _ => None,
        };
        if let Some(c) = simple {
            out.push(c);
            self.pos += 2;
            return true;
        }
        if kind == b'u' {
            match self.hex4(self.pos + 2) {
                Hex::Cut => return false,
                Hex::Unit(unit) => return self.unicode_escape(unit, out),
                Hex::Invalid => {}
            }
        }
        // Not a JSON escape: the backslash is meant literally.
        out.push('\\');
        self.pos += 1;
        true
    }

    /// Handles `\uXXXX` (already read as `unit`), pairing surrogates.
    fn unicode_escape(&mut self, unit: u16, out: &mut String) -> bool {
        let after = self.pos + 6;
        if !(0xD800..0xDC00).contains(&unit) {
            // A lone low surrogate has no character; it is dropped.
            if let Some(c) = char::from_u32(u32::from(unit)) {
                out.push(c);
            }
            self.pos = after;
            return true;
        }
        match (self.bytes.get(after), self.bytes.get(after + 1)) {
            (None, _) | (Some(b'\\'), None) => return false,
            (Some(b'\\'), Some(b'u')) => match self.hex4(after + 2) {
                Hex::Cut => return false,
                Hex::Unit(low @ 0xDC00..0xE000) => {
                    let code =
                        0x10000 + ((u32::from(unit) - 0xD800) << 10) + (u32::from(low) - 0xDC00);
                    if let Some(c) = char::from_u32(code) {
                        out.push(c);
                    }
                    self.pos = after + 6;
                    return true;
                }
                _ => {}
            },
            _ => {}
        }
        // A lone high surrogate: dropped.
        self.pos = after;
        true
    }

    fn hex4(&self, start: usize) -> Hex {
        let mut unit: u16 = 0;
        for offset in 0..4 {
            let Some(&b) = self.bytes.get(start + offset) else {
                return Hex::Cut;
            };
            let Some(digit) = (b as char).to_digit(16) else {
                return Hex::Invalid;
            };
            // At most four hex digits: fits in 16 bits.
            unit = unit << 4 | digit as u16;
        }
        Hex::Unit(unit)
    }

    fn literal(&mut self, word: &str, value: Value) -> Step<Value> {
        let rest = &self.bytes[self.pos..];
        if rest.starts_with(word.as_bytes()) {
            self.pos += word.len();
            Ok(value)
        } else {
            Err(Cut { partial: None })
        }
    }

    fn number(&mut self) -> Step<Value> {
        let start = self.pos;
        let mut end = start;
        while matches!(
            self.bytes.get(end),
            Some(b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9')
        ) {
            end += 1;
        }
        if end == self.bytes.len() {
            // Touches the end of the input: more digits may follow.
            return Err(Cut { partial: None });
        }
        let Some(token) = self.text.get(start..end) else {
            return Err(Cut { partial: None });
        };
        match serde_json::from_str::<serde_json::Number>(token) {
            Ok(number) => {
                self.pos = end;
                Ok(Value::Number(number))
            }
            Err(_) => Err(Cut { partial: None }),
        }
    }
}

enum Hex {
    Unit(u16),
    Cut,
    Invalid,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parse(text: &str) -> Value {
        Value::Object(parse_streaming_json(text))
    }

    #[test]
    fn empty_and_non_objects_give_an_empty_object() {
        assert_eq!(parse(""), json!({}));
        assert_eq!(parse("   "), json!({}));
        assert_eq!(parse("[1, 2]"), json!({}));
        assert_eq!(parse("\"str"), json!({}));
        assert_eq!(parse("garbage"), json!({}));
    }

    #[test]
    fn prefixes_close_what_is_open() {
        assert_eq!(parse("{"), json!({}));
        assert_eq!(parse("{\"comm"), json!({}));
        assert_eq!(parse("{\"command\""), json!({}));
        assert_eq!(parse("{\"command\":"), json!({}));
        assert_eq!(parse("{\"command\":\"ls -"), json!({"command": "ls -"}));
        assert_eq!(parse("{\"a\":1"), json!({}));
        assert_eq!(parse("{\"a\":1,"), json!({"a": 1}));
        assert_eq!(parse("{\"a\":tru"), json!({}));
        assert_eq!(
            parse("{\"a\":[1,2,{\"b\":\"x"),
            json!({"a": [1, 2, {"b": "x"}]})
        );
        assert_eq!(parse("{\"a\":\"x\\"), json!({"a": "x"}));
        assert_eq!(parse("{\"a\":\"x\\u00"), json!({"a": "x"}));
        assert_eq!(parse("{\"a\":\"\\ud83d"), json!({"a": ""}));
        assert_eq!(parse("{\"a\":\"\\ud83d\\ude00"), json!({"a": "😀"}));
    }

    #[test]
    fn repairs_what_models_get_wrong() {
        assert_eq!(parse("{\"a\":\"tab\there\"}"), json!({"a": "tab\there"}));
        assert_eq!(parse("{\"a\":\"C:\\q\"}"), json!({"a": "C:\\q"}));
        assert_eq!(parse("{\"a\":\"\\ud83d x\"}"), json!({"a": " x"}));
    }

    #[test]
    fn complete_documents_parse_exactly() {
        let text = r#"{"path":"a.txt","edits":[{"oldText":"x","newText":"y"}],"n":-1.5e3}"#;
        assert_eq!(parse(text), serde_json::from_str::<Value>(text).unwrap());
    }

    #[test]
    fn deep_nesting_does_not_overflow_the_stack() {
        let text = format!("{{\"a\":{}", "[".repeat(100_000));
        let parsed = parse(&text);
        assert!(parsed.get("a").is_some());
    }
}

//! Reading and writing pi's JSON configuration files the way the reference does: a leading
//! BOM ignored, `models.json` read as JSONC, files written as `JSON.stringify(value, null, 2)`
//! writes them.

use std::io;

use serde::Serialize;
use serde_json::ser::{Formatter, PrettyFormatter};
use serde_json::{Map, Value};

/// `text` without a leading byte-order mark.
pub fn strip_bom(text: &str) -> &str {
    text.strip_prefix('\u{feff}').unwrap_or(text)
}

/// `text` with `//` line comments and trailing commas removed, leaving string literals
/// untouched: the JSONC that pi accepts in `models.json` (block comments are not part of it).
pub fn strip_jsonc(text: &str) -> String {
    let without_comments = rewrite_outside_strings(text, |rest| {
        rest.starts_with("//")
            .then(|| rest.find('\n').unwrap_or(rest.len()))
    });
    rewrite_outside_strings(&without_comments, |rest| {
        let after = rest.strip_prefix(',')?;
        let trimmed = after.trim_start();
        (trimmed.starts_with('}') || trimmed.starts_with(']')).then_some(1)
    })
}

/// Copies `text`, calling `skip` at every position outside string literals; `Some(n)` drops
/// the next `n` bytes.
fn rewrite_outside_strings(text: &str, mut skip: impl FnMut(&str) -> Option<usize>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if c == '"'
            && let Some(len) = string_literal_len(rest)
        {
            out.push_str(&rest[..len]);
            rest = &rest[len..];
            continue;
        }
        if let Some(n) = skip(rest) {
            rest = rest.get(n..).unwrap_or("");
            continue;
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// The length of the string literal `text` starts with, closing quote included; `None` when
/// it never closes.
fn string_literal_len(text: &str) -> Option<usize> {
    let mut escaped = false;
    for (i, c) in text.char_indices().skip(1) {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '"' => return Some(i + 1),
            _ => {}
        }
    }
    None
}

/// Parses a JSON object file's text (BOM stripped); anything but an object is an error.
pub fn parse_object(text: &str) -> Result<Map<String, Value>, String> {
    match serde_json::from_str::<Value>(strip_bom(text)) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err("expected a JSON object".into()),
        Err(err) => Err(err.to_string()),
    }
}

/// `value` as `JSON.stringify(value, null, 2)` writes it: two-space indent, numbers in
/// JavaScript's format.
pub fn to_pretty_string<T: Serialize + ?Sized>(value: &T) -> String {
    let mut out = Vec::with_capacity(256);
    let mut serializer = serde_json::Serializer::with_formatter(&mut out, JsPretty::default());
    // Serializing JSON values into memory cannot fail.
    let _ = value.serialize(&mut serializer);
    String::from_utf8(out).unwrap_or_default()
}

/// serde_json's pretty layout with JavaScript's number format.
#[derive(Default)]
struct JsPretty(PrettyFormatter<'static>);

impl Formatter for JsPretty {
    fn write_f64<W: ?Sized + io::Write>(&mut self, writer: &mut W, value: f64) -> io::Result<()> {
        writer.write_all(pi_ai::js_number::format(value).as_bytes())
    }
    fn write_f32<W: ?Sized + io::Write>(&mut self, writer: &mut W, value: f32) -> io::Result<()> {
        self.write_f64(writer, f64::from(value))
    }
    fn begin_array<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.begin_array(writer)
    }
    fn end_array<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.end_array(writer)
    }
    fn begin_array_value<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.0.begin_array_value(writer, first)
    }
    fn end_array_value<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.end_array_value(writer)
    }
    fn begin_object<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.begin_object(writer)
    }
    fn end_object<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.end_object(writer)
    }
    fn begin_object_key<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.0.begin_object_key(writer, first)
    }
    fn begin_object_value<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.begin_object_value(writer)
    }
    fn end_object_value<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.end_object_value(writer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn jsonc_loses_line_comments_and_trailing_commas_only() {
        let text = "{\n  // a comment\n  \"url\": \"http://x//y\", // trailing\n  \"a\": [1, 2,],\n  \"s\": \"a,]\",\n}\n";
        let stripped = strip_jsonc(text);
        let value: Value = serde_json::from_str(&stripped).unwrap();
        assert_eq!(
            value,
            json!({"url": "http://x//y", "a": [1, 2], "s": "a,]"})
        );
        // Block comments are not JSONC here, as in pi.
        assert!(serde_json::from_str::<Value>(&strip_jsonc("{/* c */}")).is_err());
        // Escaped quotes stay inside their string.
        let text = r#"{"k": "a\"//b", "n": 1,}"#;
        let value: Value = serde_json::from_str(&strip_jsonc(text)).unwrap();
        assert_eq!(value, json!({"k": "a\"//b", "n": 1}));
    }

    #[test]
    fn pretty_output_matches_json_stringify() {
        let value = json!({"a": 1, "b": [1.0, 0.5, "x"], "c": {}, "d": [], "e": {"f": null}});
        assert_eq!(
            to_pretty_string(&value),
            "{\n  \"a\": 1,\n  \"b\": [\n    1,\n    0.5,\n    \"x\"\n  ],\n  \"c\": {},\n  \"d\": [],\n  \"e\": {\n    \"f\": null\n  }\n}"
        );
    }

    #[test]
    fn objects_parse_after_a_bom() {
        assert_eq!(parse_object("\u{feff}{\"a\":1}").unwrap()["a"], json!(1));
        assert_eq!(parse_object("[]").unwrap_err(), "expected a JSON object");
        assert!(parse_object("{").unwrap_err().contains("EOF"));
    }
}

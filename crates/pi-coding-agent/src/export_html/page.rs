//! The page: the template with the style sheet, the session data and the viewer filled in.

use std::io::Write;
use std::path::Path;

use serde::Serialize;

use super::ExportError;

const TEMPLATE: &str = include_str!("template.html");
const STYLE: &str = include_str!("viewer.css");
/// The viewer: the Markdown renderer, the highlighter, the entry views, then the page itself.
const SCRIPT: &str = concat!(
    include_str!("markdown_inline.js"),
    include_str!("markdown.js"),
    include_str!("highlight.js"),
    include_str!("render.js"),
    include_str!("viewer.js")
);

/// Where the page is written; write failures name the output file.
#[derive(Debug)]
pub(super) struct Sink<'p, W> {
    out: W,
    path: &'p Path,
}

impl<'p, W: Write> Sink<'p, W> {
    /// A sink writing to `out`, reporting failures as failures to write `path`.
    pub(super) fn new(out: W, path: &'p Path) -> Self {
        Sink { out, path }
    }

    /// Writes `bytes` as they are.
    pub(super) fn put(&mut self, bytes: &[u8]) -> Result<(), ExportError> {
        self.out
            .write_all(bytes)
            .map_err(|source| self.failed(source))
    }

    /// Writes JSON text so that it can sit inside a `<script>` element: `<`, `>` and `&`
    /// (which valid JSON has only inside strings) become `\u` escapes, so no `</script>` or
    /// `<!--` in a session can end or change the element.
    pub(super) fn put_json(&mut self, json: &[u8]) -> Result<(), ExportError> {
        let mut start = 0;
        for at in memchr::memchr3_iter(b'<', b'>', b'&', json) {
            let escape: &[u8] = match json.get(at) {
                Some(b'<') => b"\\u003c",
                Some(b'>') => b"\\u003e",
                _ => b"\\u0026",
            };
            self.put(json.get(start..at).unwrap_or_default())?;
            self.put(escape)?;
            start = at + 1;
        }
        self.put(json.get(start..).unwrap_or_default())
    }

    /// Writes `value` as escaped JSON.
    pub(super) fn put_value(&mut self, value: &impl Serialize) -> Result<(), ExportError> {
        // Serializing strings, tool lists and `Value`s cannot fail.
        let json = serde_json::to_vec(value).unwrap_or_default();
        self.put_json(&json)
    }

    /// Flushes what is buffered.
    pub(super) fn finish(&mut self) -> Result<(), ExportError> {
        self.out.flush().map_err(|source| self.failed(source))
    }

    fn failed(&self, source: std::io::Error) -> ExportError {
        ExportError::Write {
            path: self.path.to_path_buf(),
            source,
        }
    }
}

/// A fresh value for the content security policy's nonce: only elements carrying it may run
/// script or style, and a session cannot know it in advance.
pub(super) fn nonce() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

/// Writes the page, with `data` writing the session data in its place.
pub(super) fn write_page<W: Write>(
    sink: &mut Sink<'_, W>,
    nonce: &str,
    data: impl FnOnce(&mut Sink<'_, W>) -> Result<(), ExportError>,
) -> Result<(), ExportError> {
    let mut data = Some(data);
    let mut rest = TEMPLATE;
    while let Some((before, after)) = rest.split_once("{{") {
        let Some((name, tail)) = after.split_once("}}") else {
            break;
        };
        sink.put(before.as_bytes())?;
        match name {
            "NONCE" => sink.put(nonce.as_bytes())?,
            "STYLE" => sink.put(STYLE.as_bytes())?,
            "SCRIPT" => sink.put(SCRIPT.as_bytes())?,
            "SESSION_DATA" => {
                if let Some(data) = data.take() {
                    data(sink)?;
                }
            }
            other => {
                sink.put(b"{{")?;
                sink.put(other.as_bytes())?;
                sink.put(b"}}")?;
            }
        }
        rest = tail;
    }
    sink.put(rest.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn escaped(json: &str) -> String {
        let mut out = Vec::new();
        Sink::new(&mut out, Path::new("x"))
            .put_json(json.as_bytes())
            .unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn json_in_a_script_element_cannot_close_it() {
        let json = r#"{"text":"</script><script>alert(1)</script> & <!-- x -->"}"#;
        let out = escaped(json);
        assert!(!out.contains('<') && !out.contains('>') && !out.contains('&'));
        let back: serde_json::Value = serde_json::from_str(&out).unwrap();
        let original: serde_json::Value = serde_json::from_str(json).unwrap();
        assert_eq!(back, original);
    }

    #[test]
    fn the_assets_cannot_end_their_elements_early() {
        assert!(!STYLE.to_ascii_lowercase().contains("</style"));
        assert!(!SCRIPT.to_ascii_lowercase().contains("</script"));
        assert!(!SCRIPT.contains("<!--"));
        for placeholder in ["{{NONCE}}", "{{STYLE}}", "{{SCRIPT}}", "{{SESSION_DATA}}"] {
            assert!(TEMPLATE.contains(placeholder), "{placeholder}");
        }
    }

    #[test]
    fn the_template_is_filled_in() {
        let mut out = Vec::new();
        let mut sink = Sink::new(&mut out, Path::new("x"));
        write_page(&mut sink, "abc123", |sink| sink.put(b"{\"entries\":[]}")).unwrap();
        let page = String::from_utf8(out).unwrap();
        assert!(!page.contains("{{"), "placeholders left");
        assert!(page.contains("'nonce-abc123'"));
        assert!(page.contains(
            r#"<script id="session-data" type="application/json">{"entries":[]}</script>"#
        ));
        assert!(page.contains(STYLE) && page.contains(SCRIPT));
    }
}

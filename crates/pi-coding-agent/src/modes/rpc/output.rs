//! Everything RPC mode writes to stdout: one JSON record per line, responses and events
//! alike, each written whole (so records never interleave) and flushed at once.

use std::io::Write;
use std::sync::{Arc, Mutex};

use serde_json::{Map, Value};

/// The shared writer of records.
#[derive(Clone)]
pub(super) struct Output {
    out: Arc<Mutex<Box<dyn Write + Send>>>,
}

impl std::fmt::Debug for Output {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Output").finish_non_exhaustive()
    }
}

/// What a command answers: nothing more than success, data, or an error.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Reply {
    /// `success: true` without data.
    Done,
    /// `success: true` with `data`.
    Data(Value),
    /// `success: true` with data already written as JSON (large or deep values).
    RawData(String),
    /// `success: false` with the error text.
    Failed(String),
}

impl Output {
    pub(super) fn new(out: impl Write + Send + 'static) -> Self {
        Output {
            out: Arc::new(Mutex::new(Box::new(out))),
        }
    }

    /// Writes one record and a LF. A closed stdout is not worth reporting (nobody listens).
    pub(super) fn line(&self, record: &str) {
        let mut out = self
            .out
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let mut bytes = Vec::with_capacity(record.len() + 1);
        bytes.extend_from_slice(record.as_bytes());
        bytes.push(b'\n');
        let _ = out.write_all(&bytes).and_then(|()| out.flush());
    }

    /// Writes the response to command `command` (with its `id`, if it had one).
    pub(super) fn respond(&self, id: Option<&Value>, command: &str, reply: Reply) {
        let mut head = Map::new();
        if let Some(id) = id {
            head.insert("id".into(), id.clone());
        }
        head.insert("type".into(), "response".into());
        head.insert("command".into(), command.into());
        let record = match reply {
            Reply::Done => {
                head.insert("success".into(), true.into());
                to_json(&Value::Object(head))
            }
            Reply::Data(data) => {
                head.insert("success".into(), true.into());
                head.insert("data".into(), data);
                to_json(&Value::Object(head))
            }
            Reply::RawData(data) => {
                head.insert("success".into(), true.into());
                let mut record = to_json(&Value::Object(head));
                record.pop();
                record.push_str(",\"data\":");
                record.push_str(&data);
                record.push('}');
                record
            }
            Reply::Failed(error) => {
                head.insert("success".into(), false.into());
                head.insert("error".into(), error.into());
                to_json(&Value::Object(head))
            }
        };
        self.line(&record);
    }
}

/// JSON text with numbers as JavaScript writes them.
pub(super) fn to_json(value: &impl serde::Serialize) -> String {
    pi_ai::js_number::to_string(value).unwrap_or_else(|_| "null".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[derive(Clone, Default)]
    struct Sink(Arc<Mutex<Vec<u8>>>);

    impl Write for Sink {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn responses_have_pi_field_order() {
        let sink = Sink::default();
        let output = Output::new(sink.clone());
        output.respond(Some(&json!("a")), "get_state", Reply::Done);
        output.respond(None, "x", Reply::Data(json!({"n": 1.0, "s": "\u{2028}"})));
        output.respond(Some(&json!(3)), "get_tree", Reply::RawData("[]".into()));
        output.respond(None, "parse", Reply::Failed("bad".into()));
        let written = String::from_utf8(sink.0.lock().unwrap().clone()).unwrap();
        assert_eq!(
            written,
            concat!(
                "{\"id\":\"a\",\"type\":\"response\",\"command\":\"get_state\",\"success\":true}\n",
                "{\"type\":\"response\",\"command\":\"x\",\"success\":true,\"data\":{\"n\":1,\"s\":\"\u{2028}\"}}\n",
                "{\"id\":3,\"type\":\"response\",\"command\":\"get_tree\",\"success\":true,\"data\":[]}\n",
                "{\"type\":\"response\",\"command\":\"parse\",\"success\":false,\"error\":\"bad\"}\n",
            )
        );
    }
}

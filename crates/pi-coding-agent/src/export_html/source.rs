//! Reading a session file for export: read-only and without its lock, so that a session
//! another pi is working in, or a file without write permission, can still be exported.
//!
//! Lines are read as pi reads them (blank and malformed ones skipped, the first JSON value
//! must be the session header) and copied through without being decoded. Only a line that
//! plain parsing rejects (invalid UTF-8, lone surrogate escapes) is decoded forgivingly
//! and written out again.

use std::borrow::Cow;
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::Value;

use super::page::Sink;
use super::{ExportError, PageExtras};
use crate::session::{CURRENT_SESSION_VERSION, SessionError, SessionManager};

/// An open session file, read up to and including its header.
#[derive(Debug)]
pub(super) struct SessionFile {
    path: PathBuf,
    reader: BufReader<File>,
    header: Vec<u8>,
}

/// One JSON object line: its text (as in the file, or cleaned), its `type` and `id`.
struct ObjectLine<'a> {
    text: Cow<'a, [u8]>,
    kind: Option<String>,
    id: Option<String>,
}

/// What a strict parse needs to know about an entry; any other field is skipped.
#[derive(Deserialize)]
struct Probe<'a> {
    #[serde(rename = "type", borrow, default)]
    kind: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    id: Option<Cow<'a, str>>,
    #[serde(default)]
    version: Option<u64>,
}

impl SessionFile {
    /// Opens the session at `path`. An empty file or one in an older format is first
    /// opened as a session, which (as in pi) gives it a header or migrates it.
    pub(super) fn open(path: &Path) -> Result<Self, ExportError> {
        match Self::read_header(path)? {
            Some(file) => Ok(file),
            None => {
                SessionManager::open(path, None, None)?;
                Self::read_header(path)?.ok_or_else(|| not_a_session(path))
            }
        }
    }

    /// The file with its header read, or `None` if it needs opening as a session first.
    fn read_header(path: &Path) -> Result<Option<Self>, ExportError> {
        let read_error = |source| ExportError::Read {
            path: path.to_path_buf(),
            source,
        };
        let file = File::open(path).map_err(read_error)?;
        let is_empty = file.metadata().map_err(read_error)?.len() == 0;
        let mut reader = BufReader::with_capacity(1 << 16, file);
        let mut buffer = Vec::new();
        loop {
            buffer.clear();
            if reader.read_until(b'\n', &mut buffer).map_err(read_error)? == 0 {
                // No JSON anywhere: an empty file becomes a session, anything else is not one.
                return if is_empty {
                    Ok(None)
                } else {
                    Err(not_a_session(path))
                };
            }
            let Some((line, version)) = header_line(&buffer) else {
                continue;
            };
            return match line {
                Some(header) if version >= CURRENT_SESSION_VERSION => Ok(Some(SessionFile {
                    path: path.to_path_buf(),
                    reader,
                    header,
                })),
                Some(_) => Ok(None),
                None => Err(not_a_session(path)),
            };
        }
    }

    /// Writes the page's session data: `{"header":…,"entries":[…],"leafId":…}` plus the
    /// system prompt and tools of `extras`. The leaf is `extras.leaf_id`, else the last
    /// entry (as pi opens a session at its last entry).
    pub(super) fn write_data<W: std::io::Write>(
        mut self,
        sink: &mut Sink<'_, W>,
        extras: &PageExtras<'_>,
    ) -> Result<(), ExportError> {
        sink.put(b"{\"header\":")?;
        sink.put_json(&self.header)?;
        sink.put(b",\"entries\":[")?;
        let mut last_id: Option<String> = None;
        let mut first = true;
        let mut buffer = Vec::new();
        loop {
            buffer.clear();
            let read = self
                .reader
                .read_until(b'\n', &mut buffer)
                .map_err(|source| ExportError::Read {
                    path: self.path.clone(),
                    source,
                })?;
            if read == 0 {
                break;
            }
            let Some(line) = object_line(&buffer) else {
                continue;
            };
            // A second header (pi never writes one) is not an entry.
            if line.kind.as_deref() == Some("session") {
                continue;
            }
            if !first {
                sink.put(b",")?;
            }
            first = false;
            sink.put_json(&line.text)?;
            if line.id.is_some() {
                last_id = line.id;
            }
        }
        sink.put(b"],\"leafId\":")?;
        let leaf = extras.leaf_id.or(last_id.as_deref());
        sink.put_value(&leaf)?;
        if let Some(prompt) = extras.system_prompt {
            sink.put(b",\"systemPrompt\":")?;
            sink.put_value(&prompt)?;
        }
        if let Some(tools) = extras.tools {
            sink.put(b",\"tools\":")?;
            sink.put_value(&tools)?;
        }
        sink.put(b"}")
    }
}

fn not_a_session(path: &Path) -> ExportError {
    ExportError::Session(SessionError::NotASession(path.to_path_buf()))
}

/// For the first JSON line of a file: `Some((Some(header), version))` if it is a session
/// header, `Some((None, 0))` if it is other JSON, `None` if it is not JSON (skipped).
fn header_line(bytes: &[u8]) -> Option<(Option<Vec<u8>>, u64)> {
    let trimmed = bytes.trim_ascii();
    if trimmed.is_empty() {
        return None;
    }
    if let Some(probe) = strict_probe(trimmed) {
        if probe.kind.as_deref() != Some("session") || probe.id.is_none() {
            return Some((None, 0));
        }
        return Some((Some(trimmed.to_vec()), probe.version.unwrap_or(1)));
    }
    let value = lossy_value(trimmed)?;
    let is_header = value.get("type").and_then(Value::as_str) == Some("session")
        && value.get("id").is_some_and(Value::is_string);
    if !is_header {
        return Some((None, 0));
    }
    let version = value.get("version").and_then(Value::as_u64).unwrap_or(1);
    Some((serde_json::to_vec(&value).ok(), version))
}

/// A line holding a JSON object, or `None` (blank, malformed or not an object: skipped).
fn object_line(bytes: &[u8]) -> Option<ObjectLine<'_>> {
    let trimmed = bytes.trim_ascii();
    if trimmed.first() != Some(&b'{') {
        return None;
    }
    if let Some(probe) = strict_probe(trimmed) {
        return Some(ObjectLine {
            text: Cow::Borrowed(trimmed),
            kind: probe.kind.map(Cow::into_owned),
            id: probe.id.map(Cow::into_owned),
        });
    }
    let value = lossy_value(trimmed)?;
    if !value.is_object() {
        return None;
    }
    let field = |name: &str| value.get(name).and_then(Value::as_str).map(str::to_string);
    Some(ObjectLine {
        kind: field("type"),
        id: field("id"),
        text: Cow::Owned(serde_json::to_vec(&value).ok()?),
    })
}

/// The probe of a line holding a well-formed JSON object in valid UTF-8 (the parser skips
/// the fields it ignores without checking their UTF-8, so that is checked first).
fn strict_probe(bytes: &[u8]) -> Option<Probe<'_>> {
    if bytes.first() != Some(&b'{') || std::str::from_utf8(bytes).is_err() {
        return None;
    }
    serde_json::from_slice(bytes).ok()
}

/// A line plain parsing rejected, decoded as pi reads it: invalid UTF-8 becomes U+FFFD and
/// lone surrogate escapes are dropped.
fn lossy_value(bytes: &[u8]) -> Option<Value> {
    pi_ai::lossy_json::from_str(&String::from_utf8_lossy(bytes)).ok()
}

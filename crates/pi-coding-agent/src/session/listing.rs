//! Listing sessions for the picker: each file is skimmed line by line, keeping only what the
//! picker shows, so a thousand sessions of a gigabyte list in bounded memory.

use std::borrow::Cow;
use std::fmt;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::UNIX_EPOCH;

use serde::Deserialize;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::lines::{MaybeNumber, MaybeObject, MaybeStr, clean_json};
use super::paths::{SessionLocation, resolve_path};
use super::time::parse_iso_ms;

/// Text kept per session for searching: what the user wrote, then what the assistant wrote.
const USER_TEXT_LIMIT: usize = 12 * 1024;
const ASSISTANT_TEXT_LIMIT: usize = 4 * 1024;
/// The first user message is kept up to this many bytes.
const FIRST_MESSAGE_LIMIT: usize = 4 * 1024;
const READ_BUFFER: usize = 1 << 20;

/// What the session picker shows of a session.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionInfo {
    /// The session file.
    pub path: PathBuf,
    /// The session id.
    pub id: String,
    /// The directory it belongs to (empty for old sessions).
    pub cwd: String,
    /// Its name, if it was given one.
    pub name: Option<String>,
    /// The session it was forked from.
    pub parent_session_path: Option<String>,
    /// Creation time, Unix milliseconds.
    pub created: i64,
    /// Time of the last user or assistant message (else creation, else the file's mtime).
    pub modified: i64,
    /// Number of message entries.
    pub message_count: usize,
    /// The first user message's text (its first 4 KiB), or `(no messages)`.
    pub first_message: String,
    /// Text to search: user messages (first 12 KiB), then assistant messages (first 4 KiB).
    pub all_messages_text: String,
}

/// The sessions of `cwd`, most recently active first. `progress` hears `(loaded, total)`.
pub fn list_sessions(
    location: &SessionLocation,
    cwd: &Path,
    progress: Option<&(dyn Fn(usize, usize) + Sync)>,
) -> Vec<SessionInfo> {
    let dir = location.dir_for(cwd);
    let mut sessions = infos(jsonl_files(&dir), progress);
    if location.filters_cwd(cwd) {
        sessions.retain(|s| !s.cwd.is_empty() && resolve_path(Path::new(&s.cwd), cwd) == cwd);
    }
    sort(&mut sessions);
    sessions
}

/// Every session of every project (or of the custom session directory), most recently active
/// first.
pub fn list_all_sessions(
    location: &SessionLocation,
    progress: Option<&(dyn Fn(usize, usize) + Sync)>,
) -> Vec<SessionInfo> {
    let files = match &location.session_dir {
        Some(dir) => jsonl_files(dir),
        None => {
            let Ok(dirs) = std::fs::read_dir(location.sessions_root()) else {
                return Vec::new();
            };
            let mut files: Vec<PathBuf> = dirs
                .filter_map(Result::ok)
                .filter(|entry| entry.path().is_dir())
                .flat_map(|entry| jsonl_files(&entry.path()))
                .collect();
            // A project directory linked under two names is listed once.
            let mut seen = std::collections::HashSet::new();
            files.retain(|path| seen.insert(std::fs::canonicalize(path).unwrap_or(path.clone())));
            files
        }
    };
    let mut sessions = infos(files, progress);
    sort(&mut sessions);
    sessions
}

fn sort(sessions: &mut [SessionInfo]) {
    sessions.sort_by_key(|s| std::cmp::Reverse(s.modified));
}

fn jsonl_files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "jsonl"))
        .collect();
    files.sort_by(|a, b| b.cmp(a));
    files
}

/// Skims `files` on a few threads; unreadable files and files that are not sessions are left
/// out.
fn infos(
    files: Vec<PathBuf>,
    progress: Option<&(dyn Fn(usize, usize) + Sync)>,
) -> Vec<SessionInfo> {
    let total = files.len();
    let workers = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .clamp(1, 8)
        .min(total.max(1));
    let next = AtomicUsize::new(0);
    let loaded = AtomicUsize::new(0);
    let results: Mutex<Vec<(usize, SessionInfo)>> = Mutex::new(Vec::with_capacity(total));
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                loop {
                    let at = next.fetch_add(1, Ordering::Relaxed);
                    let Some(path) = files.get(at) else { break };
                    let info = session_info(path);
                    if let (Some(info), Ok(mut results)) = (info, results.lock()) {
                        results.push((at, info));
                    }
                    let done = loaded.fetch_add(1, Ordering::Relaxed) + 1;
                    if let Some(progress) = progress {
                        progress(done, total);
                    }
                }
            });
        }
    });
    let mut results = results
        .into_inner()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    results.sort_by_key(|(at, _)| *at);
    results.into_iter().map(|(_, info)| info).collect()
}

/// What the picker needs of one line.
#[derive(Deserialize, Default)]
struct Probe<'a> {
    #[serde(rename = "type", default, borrow)]
    kind: MaybeStr<'a>,
    #[serde(default, borrow)]
    id: MaybeStr<'a>,
    #[serde(default, borrow)]
    cwd: MaybeStr<'a>,
    #[serde(default, borrow)]
    timestamp: MaybeStr<'a>,
    #[serde(rename = "parentSession", default, borrow)]
    parent_session: MaybeStr<'a>,
    #[serde(default, borrow)]
    name: MaybeStr<'a>,
    #[serde(default, borrow)]
    message: MaybeObject<MessageProbe<'a>>,
}

#[derive(Default)]
struct MessageProbe<'a> {
    role: MaybeStr<'a>,
    timestamp: MaybeNumber,
    content: Content<'a>,
}

impl<'de: 'a, 'a> Deserialize<'de> for MessageProbe<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct MessageVisitor<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for MessageVisitor<'a> {
            type Value = MessageProbe<'a>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a message")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut probe = MessageProbe::default();
                while let Some(key) = map.next_key::<MaybeStr<'de>>()? {
                    match key.as_deref().unwrap_or_default() {
                        "role" => probe.role = map.next_value()?,
                        "timestamp" => probe.timestamp = map.next_value()?,
                        // Tool results are most of a session's bytes and show nothing in the
                        // picker: their content is skipped unread (pi writes `role` first).
                        "content" if probe.role.0.is_some() && !probe.is_conversation() => {
                            map.next_value::<IgnoredAny>()?;
                            probe.content.present = true;
                        }
                        "content" => probe.content = map.next_value()?,
                        _ => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                Ok(probe)
            }
        }
        deserializer.deserialize_map(MessageVisitor(std::marker::PhantomData))
    }
}

impl MessageProbe<'_> {
    fn is_conversation(&self) -> bool {
        matches!(self.role.as_deref(), Some("user" | "assistant"))
    }
}

/// A message's text: a string, or the text blocks of a list joined with spaces. `present`
/// tells an absent `content` from one that has no text.
#[derive(Default)]
struct Content<'a> {
    present: bool,
    text: Option<Cow<'a, str>>,
}

impl<'de: 'a, 'a> Deserialize<'de> for Content<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ContentVisitor<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for ContentVisitor<'a> {
            type Value = Content<'a>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("message content")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Content {
                    present: true,
                    text: Some(Cow::Borrowed(v)),
                })
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Content {
                    present: true,
                    text: Some(Cow::Owned(v.to_string())),
                })
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut texts: Vec<Cow<'a, str>> = Vec::new();
                while let Some(block) = seq.next_element::<MaybeObject<Block<'a>>>()? {
                    if let Some(block) = block.0
                        && block.kind.as_deref() == Some("text")
                        && let Some(text) = block.text.0
                    {
                        texts.push(text);
                    }
                }
                Ok(Content {
                    present: true,
                    text: Some(Cow::Owned(texts.join(" "))),
                })
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(present())
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
                Ok(present())
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
                Ok(present())
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
                Ok(present())
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
                Ok(present())
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(present())
            }
        }
        fn present<'a>() -> Content<'a> {
            Content {
                present: true,
                text: None,
            }
        }
        deserializer.deserialize_any(ContentVisitor(std::marker::PhantomData))
    }
}

#[derive(Deserialize, Default)]
struct Block<'a> {
    #[serde(rename = "type", default, borrow)]
    kind: MaybeStr<'a>,
    #[serde(default, borrow)]
    text: MaybeStr<'a>,
}

/// The picker's view of a file, built line by line.
#[derive(Default)]
struct Summary {
    header: Option<(String, String, String, Option<String>)>,
    name: Option<String>,
    message_count: usize,
    last_activity: Option<i64>,
    first_message: String,
    user_text: String,
    assistant_text: String,
}

enum Step {
    Continue,
    NotASession,
}

impl Summary {
    fn add(&mut self, probe: Probe<'_>) -> Step {
        if self.header.is_none() {
            if probe.kind.as_deref() != Some("session") {
                return Step::NotASession;
            }
            let Some(id) = probe.id.0 else {
                return Step::NotASession;
            };
            self.header = Some((
                id.into_owned(),
                probe.cwd.0.map(Cow::into_owned).unwrap_or_default(),
                probe.timestamp.0.map(Cow::into_owned).unwrap_or_default(),
                probe.parent_session.0.map(Cow::into_owned),
            ));
            return Step::Continue;
        }
        match probe.kind.as_deref() {
            Some("session_info") => {
                self.name = probe
                    .name
                    .as_deref()
                    .map(|name| name.trim().to_string())
                    .filter(|name| !name.is_empty());
            }
            Some("message") => self.add_message(probe),
            _ => {}
        }
        Step::Continue
    }

    fn add_message(&mut self, probe: Probe<'_>) {
        self.message_count += 1;
        let Some(message) = probe.message.0 else {
            return;
        };
        let role = message.role.as_deref();
        if !matches!(role, Some("user" | "assistant")) || !message.content.present {
            return;
        }
        let activity = match message.timestamp.0 {
            Some(ms) => Some(ms as i64),
            None => probe.timestamp.as_deref().and_then(parse_iso_ms),
        };
        if let Some(activity) = activity {
            self.last_activity = Some(self.last_activity.map_or(activity, |t| t.max(activity)));
        }
        let Some(text) = message.content.text.filter(|text| !text.is_empty()) else {
            return;
        };
        if role == Some("user") {
            if self.first_message.is_empty() {
                self.first_message = clip(&text, FIRST_MESSAGE_LIMIT).to_string();
            }
            append_clipped(&mut self.user_text, &text, USER_TEXT_LIMIT);
        } else {
            append_clipped(&mut self.assistant_text, &text, ASSISTANT_TEXT_LIMIT);
        }
    }

    fn finish(self, path: &Path, mtime: i64) -> Option<SessionInfo> {
        let (id, cwd, timestamp, parent_session_path) = self.header?;
        let created = parse_iso_ms(&timestamp);
        let modified = self
            .last_activity
            .filter(|t| *t > 0)
            .or(created)
            .unwrap_or(mtime);
        let mut all_messages_text = self.user_text;
        if !self.assistant_text.is_empty() {
            if !all_messages_text.is_empty() {
                all_messages_text.push(' ');
            }
            all_messages_text.push_str(&self.assistant_text);
        }
        Some(SessionInfo {
            path: path.to_path_buf(),
            id,
            cwd,
            name: self.name,
            parent_session_path,
            created: created.unwrap_or(mtime),
            modified,
            message_count: self.message_count,
            first_message: if self.first_message.is_empty() {
                "(no messages)".to_string()
            } else {
                self.first_message
            },
            all_messages_text,
        })
    }
}

/// `text` cut to at most `limit` bytes, at a character boundary.
fn clip(text: &str, limit: usize) -> &str {
    if text.len() <= limit {
        return text;
    }
    let mut end = limit;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

fn append_clipped(buffer: &mut String, text: &str, limit: usize) {
    let room = limit.saturating_sub(buffer.len() + usize::from(!buffer.is_empty()));
    if room == 0 {
        return;
    }
    if !buffer.is_empty() {
        buffer.push(' ');
    }
    buffer.push_str(clip(text, room));
}

/// Skims one file. Lines that fit the read buffer are parsed in place; longer ones (inline
/// images, huge outputs) are streamed, so memory stays bounded by the buffer.
pub(crate) fn session_info(path: &Path) -> Option<SessionInfo> {
    let file = File::open(path).ok()?;
    let mtime = file
        .metadata()
        .and_then(|meta| meta.modified())
        .ok()
        .and_then(|time| time.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |elapsed| elapsed.as_millis() as i64);
    let mut reader = BufReader::with_capacity(READ_BUFFER, file);
    let mut summary = Summary::default();
    loop {
        let buffer = reader.fill_buf().ok()?;
        if buffer.is_empty() {
            break;
        }
        let step = match memchr::memchr(b'\n', buffer) {
            Some(end) => {
                let step = skim_slice(&buffer[..end], &mut summary);
                reader.consume(end + 1);
                step
            }
            None => skim_streamed(&mut reader, &mut summary).ok()?,
        };
        if let Step::NotASession = step {
            return None;
        }
    }
    summary.finish(path, mtime)
}

fn skim_slice(bytes: &[u8], summary: &mut Summary) -> Step {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Step::Continue;
    }
    if summary.header.is_some() && is_tool_result_line(bytes) {
        summary.message_count += 1;
        return Step::Continue;
    }
    match serde_json::from_slice::<Probe>(bytes) {
        Ok(probe) => summary.add(probe),
        // Invalid UTF-8 or lone surrogates: decode forgivingly, then skim the clean text.
        Err(_) => match clean_json(bytes) {
            Some(clean) => match serde_json::from_str::<Probe>(&clean) {
                Ok(probe) => summary.add(probe),
                Err(_) => Step::Continue,
            },
            // Malformed lines are skipped, as pi skips them.
            None => Step::Continue,
        },
    }
}

fn skim_streamed(reader: &mut BufReader<File>, summary: &mut Summary) -> io::Result<Step> {
    let mut line = LineReader {
        inner: reader,
        done: false,
    };
    let parsed = {
        let buffered = BufReader::with_capacity(64 * 1024, &mut line);
        let mut deserializer = serde_json::Deserializer::from_reader(buffered);
        <Probe<'static> as Deserialize<'static>>::deserialize(&mut deserializer)
            .and_then(|probe| deserializer.end().map(|()| probe))
    };
    // Whatever the parser left of the line is skipped.
    io::copy(&mut line, &mut io::sink())?;
    Ok(match parsed {
        Ok(probe) => summary.add(probe),
        Err(_) => Step::Continue,
    })
}

/// Whether a line is a tool-result message entry as pi writes it, told from its first bytes
/// so that the bulk of it (the tool's output) need not be scanned: it opens with
/// `{"type":"message"`, its top level holds nothing but strings before
/// `"message":{"role":"toolResult"` (quotes inside strings are escaped, so the marker
/// cannot come from a value), and it closes with `}`.
fn is_tool_result_line(bytes: &[u8]) -> bool {
    const START: &[u8] = br#"{"type":"message","#;
    const MARKER: &[u8] = br#""message":{"role":"toolResult""#;
    if !bytes.starts_with(START) || bytes.trim_ascii_end().last() != Some(&b'}') {
        return false;
    }
    let head = &bytes[..bytes.len().min(512)];
    match memchr::memmem::find(head, MARKER) {
        Some(at) => !head[1..at].contains(&b'{') && !head[1..at].contains(&b'['),
        None => false,
    }
}

/// Reads one line of the inner reader, newline excluded, and stops after it.
struct LineReader<'r> {
    inner: &'r mut BufReader<File>,
    done: bool,
}

impl Read for LineReader<'_> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if self.done || out.is_empty() {
            return Ok(0);
        }
        let buffer = self.inner.fill_buf()?;
        if buffer.is_empty() {
            self.done = true;
            return Ok(0);
        }
        let (available, newline) = match memchr::memchr(b'\n', buffer) {
            Some(end) => (end, true),
            None => (buffer.len(), false),
        };
        let count = available.min(out.len());
        out[..count].copy_from_slice(&buffer[..count]);
        let line_ends = newline && count == available;
        self.inner.consume(count + usize::from(line_ends));
        self.done = line_ends;
        Ok(count)
    }
}

#[cfg(test)]
mod tests {
    use super::is_tool_result_line;

    #[test]
    fn tool_result_lines_are_told_from_their_start() {
        let line = br#"{"type":"message","id":"a","parentId":null,"timestamp":"t","message":{"role":"toolResult","content":[]}}"#;
        assert!(is_tool_result_line(line));
        for other in [
            // Another role, another type, a torn line, a nested object before the marker.
            &br#"{"type":"message","id":"a","message":{"role":"user","content":"x"}}"#[..],
            br#"{"type":"custom","id":"a","message":{"role":"toolResult"}}"#,
            br#"{"type":"message","id":"a","message":{"role":"toolResult","content":[{"#,
            br#"{"type":"message","x":{"message":{"role":"toolResult"}},"message":{"role":"user"}}"#,
            br#"{"type":"message","id":"\"message\":{\"role\":\"toolResult\"","message":{}}"#,
        ] {
            assert!(!is_tool_result_line(other), "{}", String::from_utf8_lossy(other));
        }
    }
}

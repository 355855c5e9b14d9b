//! Splitting raw terminal input into complete sequences.
//!
//! A read from the terminal may hold several keys (`"ab"`), one key split across reads
//! (`"\x1b["` then `"A"`), replies to queries, or a bracketed paste of any size. The
//! [`StdinBuffer`] turns that byte stream into one [`InputEvent`] per key or reply, and one
//! per paste. Time is passed in by the caller, so tests need no sleeping: a lone ESC becomes
//! the Escape key once [`StdinBuffer::deadline`] has passed.

use std::time::{Duration, Instant};

const ESC: char = '\x1b';
const PASTE_START: &str = "\x1b[200~";
const PASTE_END: &str = "\x1b[201~";

/// How long a lone ESC waits for the rest of a sequence before it counts as the Escape key.
pub const DEFAULT_ESCAPE_TIMEOUT: Duration = Duration::from_millis(10);
/// How long any other unfinished sequence waits before it is given up and passed on as is.
pub const DEFAULT_SEQUENCE_TIMEOUT: Duration = Duration::from_millis(50);

/// One complete piece of terminal input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InputEvent {
    /// A key, a reply to a query, or one typed character.
    Sequence(String),
    /// The text of a bracketed paste, without its markers.
    Paste(String),
}

impl InputEvent {
    /// The event as components receive it: a paste gets its bracketed-paste markers back.
    pub fn into_data(self) -> String {
        match self {
            Self::Sequence(s) => s,
            Self::Paste(p) => format!("{PASTE_START}{p}{PASTE_END}"),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Completeness {
    NotEscape,
    Complete,
    Incomplete,
}

fn csi_completeness(data: &str) -> Completeness {
    let Some(payload) = data.get(2..) else {
        return Completeness::Incomplete;
    };
    let Some(last) = payload.chars().last() else {
        return Completeness::Incomplete;
    };
    if !('\x40'..='\x7e').contains(&last) {
        return Completeness::Incomplete;
    }
    // SGR mouse reports (`ESC[<b;x;yM`) contain no final byte before their end, but a
    // truncated one could end in a digit-free letter: only a full report is complete.
    if let Some(mouse) = payload.strip_prefix('<') {
        let body = mouse.strip_suffix(['M', 'm']);
        let ok = body.is_some_and(|b| {
            let parts: Vec<&str> = b.split(';').collect();
            parts.len() == 3
                && parts
                    .iter()
                    .all(|p| !p.is_empty() && p.bytes().all(|c| c.is_ascii_digit()))
        });
        return if ok {
            Completeness::Complete
        } else {
            Completeness::Incomplete
        };
    }
    Completeness::Complete
}

fn completeness(data: &str) -> Completeness {
    let Some(after) = data.strip_prefix(ESC) else {
        return Completeness::NotEscape;
    };
    if after.is_empty() {
        return Completeness::Incomplete;
    }
    let ends_st = data.len() > 2 && data.ends_with("\x1b\\");
    match after.as_bytes().first() {
        Some(b'[') if after.starts_with("[M") => {
            // Legacy mouse report: ESC [ M and three bytes.
            if data.chars().count() >= 6 {
                Completeness::Complete
            } else {
                Completeness::Incomplete
            }
        }
        Some(b'[') => csi_completeness(data),
        Some(b']') if ends_st || data.ends_with('\x07') => Completeness::Complete,
        Some(b'P' | b'_') if ends_st => Completeness::Complete,
        Some(b']' | b'P' | b'_') => Completeness::Incomplete,
        Some(b'O') if after.chars().count() >= 2 => Completeness::Complete,
        Some(b'O') => Completeness::Incomplete,
        _ => Completeness::Complete,
    }
}

/// A Kitty `CSI <codepoint> u` for a printable key without modifiers: some terminals send
/// the plain character right after it, which must then be dropped.
fn unmodified_kitty_printable(seq: &str) -> Option<u32> {
    let body = seq.strip_prefix("\x1b[")?.strip_suffix('u')?;
    let mut parts = body.split(':');
    let code: u32 = parts.next()?.parse().ok()?;
    let rest: Vec<&str> = parts.collect();
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    let shape_ok = match rest.as_slice() {
        [] => true,
        [a] => digits(a),
        [a, b] => digits(a) && !b.is_empty() && digits(b),
        _ => false,
    };
    (shape_ok && code >= 32).then_some(code)
}

/// Splits `buffer` into complete sequences; returns them and the unfinished rest.
fn split_sequences(buffer: &str) -> (Vec<String>, String) {
    let mut out = Vec::new();
    let mut pos = 0;
    while let Some(remaining) = buffer.get(pos..) {
        if remaining.is_empty() {
            break;
        }
        if !remaining.starts_with(ESC) {
            let Some(c) = remaining.chars().next() else {
                break;
            };
            out.push(c.to_string());
            pos += c.len_utf8();
            continue;
        }
        let mut found = None;
        for (end, _) in remaining
            .char_indices()
            .skip(1)
            .chain([(remaining.len(), ' ')])
        {
            let candidate = &remaining[..end];
            // An ESC inside a CSI or SS3 sequence cancels it, as in terminals: what came
            // before is passed on as it is and the ESC starts the next sequence.
            if end > 2
                && candidate.ends_with(ESC)
                && matches!(remaining.as_bytes().get(1), Some(b'[' | b'O'))
            {
                found = Some(end - 1);
                break;
            }
            match completeness(candidate) {
                Completeness::Incomplete => continue,
                Completeness::Complete | Completeness::NotEscape => {
                    // ESC ESC followed by an introducer: the first ESC is the Escape key and
                    // the second starts a new sequence.
                    if candidate == "\x1b\x1b"
                        && remaining[end..].starts_with(['[', ']', 'O', 'P', '_'])
                    {
                        found = Some(1);
                    } else {
                        found = Some(end);
                    }
                    break;
                }
            }
        }
        match found {
            Some(len) => {
                out.push(remaining[..len].to_owned());
                pos += len;
            }
            None => return (out, remaining.to_owned()),
        }
    }
    (out, String::new())
}

/// Reassembles raw terminal reads into complete input events. See the [module docs](self).
#[derive(Debug)]
pub struct StdinBuffer {
    buffer: String,
    /// Bytes of a UTF-8 character cut by the end of a read.
    partial_utf8: Vec<u8>,
    paste: Option<String>,
    pending_kitty_printable: Option<u32>,
    deadline: Option<Instant>,
    escape_timeout: Duration,
    sequence_timeout: Duration,
}

impl Default for StdinBuffer {
    fn default() -> Self {
        Self::new(DEFAULT_ESCAPE_TIMEOUT, DEFAULT_SEQUENCE_TIMEOUT)
    }
}

impl StdinBuffer {
    /// A buffer with the given wait for a lone ESC and for other unfinished sequences.
    pub fn new(escape_timeout: Duration, sequence_timeout: Duration) -> Self {
        Self {
            buffer: String::new(),
            partial_utf8: Vec::new(),
            paste: None,
            pending_kitty_printable: None,
            deadline: None,
            escape_timeout,
            sequence_timeout,
        }
    }

    /// Feeds one read's bytes; returns the events they complete.
    ///
    /// A read of a single byte above 127 is the "meta sends high bit" form of Alt+key and
    /// becomes ESC plus that key. Invalid UTF-8 is replaced, never an error.
    pub fn process(&mut self, data: &[u8], now: Instant) -> Vec<InputEvent> {
        let text = match data {
            [b] if *b > 127 && self.partial_utf8.is_empty() => {
                format!("{ESC}{}", char::from(b - 128))
            }
            _ => self.decode(data),
        };
        self.process_str(&text, now)
    }

    /// Feeds text that is already decoded.
    pub fn process_str(&mut self, text: &str, now: Instant) -> Vec<InputEvent> {
        let mut events = Vec::new();
        self.deadline = None;
        self.buffer.push_str(text);
        self.drain(&mut events);
        if !self.buffer.is_empty() {
            let wait = if self.buffer == "\x1b" {
                self.escape_timeout
            } else {
                self.sequence_timeout
            };
            self.deadline = Some(now + wait);
        }
        events
    }

    fn decode(&mut self, data: &[u8]) -> String {
        let mut bytes = std::mem::take(&mut self.partial_utf8);
        bytes.extend_from_slice(data);
        match std::str::from_utf8(&bytes) {
            Ok(s) => s.to_owned(),
            Err(err) if err.error_len().is_none() => {
                // The read ended inside a character: keep its first bytes for the next read.
                let (valid, rest) = bytes.split_at(err.valid_up_to());
                self.partial_utf8 = rest.to_vec();
                String::from_utf8_lossy(valid).into_owned()
            }
            Err(_) => String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    fn drain(&mut self, events: &mut Vec<InputEvent>) {
        loop {
            if let Some(paste) = &mut self.paste {
                paste.push_str(&std::mem::take(&mut self.buffer));
                let Some(end) = paste.find(PASTE_END) else {
                    return;
                };
                let rest = paste.split_off(end);
                let content = std::mem::take(paste);
                self.paste = None;
                self.pending_kitty_printable = None;
                events.push(InputEvent::Paste(content));
                self.buffer = rest.get(PASTE_END.len()..).unwrap_or_default().to_owned();
                continue;
            }
            if let Some(start) = self.buffer.find(PASTE_START) {
                let before = self.buffer.get(..start).unwrap_or_default().to_owned();
                let (sequences, rest) = split_sequences(&before);
                for seq in sequences {
                    self.emit(seq, events);
                }
                // An unfinished sequence cut short by the paste (a lone ESC) is complete as it
                // is; the reference drops it.
                if !rest.is_empty() {
                    self.emit(rest, events);
                }
                self.pending_kitty_printable = None;
                let after = self
                    .buffer
                    .get(start + PASTE_START.len()..)
                    .unwrap_or_default();
                self.paste = Some(String::new());
                self.buffer = after.to_owned();
                continue;
            }
            let (sequences, rest) = split_sequences(&self.buffer);
            self.buffer = rest;
            for seq in sequences {
                self.emit(seq, events);
            }
            return;
        }
    }

    fn emit(&mut self, seq: String, events: &mut Vec<InputEvent>) {
        let mut chars = seq.chars();
        if let (Some(c), None) = (chars.next(), chars.next())
            && Some(u32::from(c)) == self.pending_kitty_printable
        {
            self.pending_kitty_printable = None;
            return;
        }
        self.pending_kitty_printable = unmodified_kitty_printable(&seq);
        events.push(InputEvent::Sequence(seq));
    }

    /// When the unfinished input should be given up on, if any is waiting.
    pub fn deadline(&self) -> Option<Instant> {
        self.deadline
    }

    /// Passes on unfinished input whose deadline has passed (a lone ESC becomes Escape).
    pub fn flush_expired(&mut self, now: Instant) -> Vec<InputEvent> {
        match self.deadline {
            Some(deadline) if now >= deadline => self.flush(),
            _ => Vec::new(),
        }
    }

    /// Passes on whatever unfinished input is waiting: a paste whose end never came as a
    /// paste, anything else as one sequence.
    pub fn flush(&mut self) -> Vec<InputEvent> {
        self.deadline = None;
        self.pending_kitty_printable = None;
        let mut events = Vec::new();
        if let Some(paste) = self.paste.take() {
            events.push(InputEvent::Paste(paste));
        }
        if !self.buffer.is_empty() {
            events.push(InputEvent::Sequence(std::mem::take(&mut self.buffer)));
        }
        events
    }

    /// Whether a bracketed paste has started and not yet ended.
    pub fn in_paste(&self) -> bool {
        self.paste.is_some()
    }

    /// Drops everything buffered, including a paste in progress.
    pub fn clear(&mut self) {
        *self = Self::new(self.escape_timeout, self.sequence_timeout);
    }
}

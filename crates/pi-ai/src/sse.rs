//! Server-sent events: the framing every provider streams in.
//!
//! A linear decoder of the WHATWG event-stream format: lines end in LF, CRLF or CR (also
//! when split across chunks), `data:` lines join with `\n`, comments and unknown fields are
//! skipped, a leading byte-order mark is ignored, and invalid UTF-8 becomes U+FFFD. Unlike a
//! browser it also delivers an event the server did not terminate with a blank line before
//! closing, as pi does.
//!
//! We decode by hand rather than with `eventsource-stream`: that crate copies the rest of its
//! buffer after every line, so a large network chunk costs time quadratic in its size, and it
//! stops on the first invalid UTF-8 byte. Everything goes through [`events`], so the decoder
//! can be swapped in one place.

use std::collections::VecDeque;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use futures_util::Stream;

/// One server-sent event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SseEvent {
    /// The `event:` field (`message` when absent).
    pub event: String,
    /// The `data:` lines joined with `\n`.
    pub data: String,
}

/// Why an event stream could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SseError {
    /// Reading the body failed.
    #[error("{0}")]
    Transport(String),
}

/// An incremental event-stream decoder: feed it bytes, take events.
#[derive(Debug, Default)]
pub struct SseDecoder {
    /// Bytes of a line that has not ended yet.
    line: Vec<u8>,
    /// The event type being built.
    event: Vec<u8>,
    /// The data being built (lines joined with `\n`, with a trailing `\n`).
    data: Vec<u8>,
    /// The last chunk ended in CR: an LF at the start of the next one ends nothing.
    after_cr: bool,
    started: bool,
}

impl SseDecoder {
    /// A decoder at the start of a stream.
    pub fn new() -> Self {
        SseDecoder::default()
    }

    /// Decodes `chunk`, appending completed events to `out`.
    pub fn feed(&mut self, mut chunk: &[u8], out: &mut VecDeque<SseEvent>) {
        if !self.started && !chunk.is_empty() {
            self.started = true;
            if let Some(rest) = chunk.strip_prefix(b"\xEF\xBB\xBF") {
                chunk = rest;
            }
        }
        if self.after_cr {
            self.after_cr = false;
            if let Some(rest) = chunk.strip_prefix(b"\n") {
                chunk = rest;
            }
        }
        while let Some(end) = chunk.iter().position(|&b| b == b'\n' || b == b'\r') {
            let (line, rest) = chunk.split_at(end);
            let terminator_len = match rest {
                [b'\r', b'\n', ..] => 2,
                [b'\r'] => {
                    self.after_cr = true;
                    1
                }
                _ => 1,
            };
            if self.line.is_empty() {
                self.process_line(line, out);
            } else {
                let mut pending = std::mem::take(&mut self.line);
                pending.extend_from_slice(line);
                self.process_line(&pending, out);
                pending.clear();
                self.line = pending;
            }
            chunk = rest.get(terminator_len..).unwrap_or_default();
        }
        self.line.extend_from_slice(chunk);
    }

    /// Ends the stream: a final unterminated line and event are delivered.
    pub fn finish(&mut self, out: &mut VecDeque<SseEvent>) {
        if !self.line.is_empty() {
            let line = std::mem::take(&mut self.line);
            self.process_line(&line, out);
        }
        self.dispatch(out);
    }

    fn process_line(&mut self, line: &[u8], out: &mut VecDeque<SseEvent>) {
        if line.is_empty() {
            return self.dispatch(out);
        }
        if line.first() == Some(&b':') {
            return;
        }
        let (field, value) = match line.iter().position(|&b| b == b':') {
            Some(colon) => {
                let value = line.get(colon + 1..).unwrap_or_default();
                (
                    line.get(..colon).unwrap_or_default(),
                    value.strip_prefix(b" ").unwrap_or(value),
                )
            }
            None => (line, &[][..]),
        };
        match field {
            b"data" => {
                self.data.extend_from_slice(value);
                self.data.push(b'\n');
            }
            b"event" => {
                self.event.clear();
                self.event.extend_from_slice(value);
            }
            // `id` and `retry` only matter for reconnecting, which providers do not support.
            _ => {}
        }
    }

    fn dispatch(&mut self, out: &mut VecDeque<SseEvent>) {
        if self.data.is_empty() {
            self.event.clear();
            return;
        }
        self.data.pop(); // the `\n` after the last data line
        let event = if self.event.is_empty() {
            "message".to_string()
        } else {
            text(&self.event)
        };
        out.push_back(SseEvent {
            event,
            data: text(&self.data),
        });
        self.event.clear();
        self.data.clear();
    }
}

fn text(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_string(),
        Err(_) => String::from_utf8_lossy(bytes).into_owned(),
    }
}

/// The events of a byte stream. A transport error is passed on and ends the stream.
pub fn events<S, E>(bytes: S) -> SseStream<S>
where
    S: Stream<Item = Result<Bytes, E>>,
    E: std::fmt::Display,
{
    SseStream {
        bytes: Box::pin(bytes),
        decoder: SseDecoder::new(),
        ready: VecDeque::new(),
        done: false,
    }
}

/// A stream of [`SseEvent`]s decoded from a byte stream.
pub struct SseStream<S> {
    bytes: Pin<Box<S>>,
    decoder: SseDecoder,
    ready: VecDeque<SseEvent>,
    done: bool,
}

impl<S> std::fmt::Debug for SseStream<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SseStream")
            .field("ready", &self.ready.len())
            .field("done", &self.done)
            .finish()
    }
}

impl<S, E> Stream for SseStream<S>
where
    S: Stream<Item = Result<Bytes, E>>,
    E: std::fmt::Display,
{
    type Item = Result<SseEvent, SseError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        loop {
            if let Some(event) = this.ready.pop_front() {
                return Poll::Ready(Some(Ok(event)));
            }
            if this.done {
                return Poll::Ready(None);
            }
            match this.bytes.as_mut().poll_next(cx) {
                Poll::Ready(Some(Ok(chunk))) => this.decoder.feed(&chunk, &mut this.ready),
                Poll::Ready(Some(Err(err))) => {
                    this.done = true;
                    return Poll::Ready(Some(Err(SseError::Transport(err.to_string()))));
                }
                Poll::Ready(None) => {
                    this.done = true;
                    this.decoder.finish(&mut this.ready);
                }
                Poll::Pending => return Poll::Pending,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(chunks: &[&[u8]]) -> Vec<SseEvent> {
        let mut decoder = SseDecoder::new();
        let mut out = VecDeque::new();
        for chunk in chunks {
            decoder.feed(chunk, &mut out);
        }
        decoder.finish(&mut out);
        out.into()
    }

    fn event(event: &str, data: &str) -> SseEvent {
        SseEvent {
            event: event.into(),
            data: data.into(),
        }
    }

    #[test]
    fn fields_comments_and_line_endings() {
        let body: &[u8] = b": ping\r\nevent: delta\r\ndata: a\r\ndata:b\r\n\r\ndata: {\"x\":1}\n\nevent: e\rdata: c\r\r";
        assert_eq!(
            decode(&[body]),
            [
                event("delta", "a\nb"),
                event("message", "{\"x\":1}"),
                event("e", "c")
            ]
        );
    }

    #[test]
    fn crlf_split_across_chunks_ends_one_line() {
        assert_eq!(
            decode(&[b"data: a\r", b"\ndata: b\r", b"\n\r", b"\n"]),
            [event("message", "a\nb")]
        );
    }

    #[test]
    fn multibyte_characters_split_across_chunks() {
        let body = "data: héllo 😀\n\n".as_bytes();
        let (a, b) = body.split_at(9);
        assert_eq!(decode(&[a, b]), [event("message", "héllo 😀")]);
    }

    #[test]
    fn events_without_data_reset_and_the_last_event_is_flushed() {
        assert_eq!(
            decode(&[b"\xEF\xBB\xBFevent: x\n\ndata: y\nid: 3\nretry: 5\nfield\ndata"]),
            [event("message", "y\n")]
        );
    }

    #[test]
    fn invalid_utf8_is_replaced_not_fatal() {
        assert_eq!(
            decode(&[b"data: a\xFFb\n\ndata: ok\n\n"]),
            [event("message", "a\u{FFFD}b"), event("message", "ok")]
        );
    }
}

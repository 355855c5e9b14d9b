//! Server-sent events: the framing every provider streams in.
//!
//! Everything goes through [`events`], so the decoder behind it can be swapped in one place.

use bytes::Bytes;
use eventsource_stream::{EventStreamError, Eventsource};
use futures_util::{Stream, StreamExt};

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
    /// The body is not valid UTF-8.
    #[error("the event stream is not valid UTF-8")]
    Utf8,
    /// A line could not be parsed as an event-stream field.
    #[error("malformed event stream: {0}")]
    Malformed(String),
    /// Reading the body failed.
    #[error("{0}")]
    Transport(String),
}

/// Decodes a byte stream into server-sent events.
pub fn events<S, E>(bytes: S) -> impl Stream<Item = Result<SseEvent, SseError>>
where
    S: Stream<Item = Result<Bytes, E>>,
    E: std::fmt::Display,
{
    bytes.eventsource().map(|item| match item {
        Ok(event) => Ok(SseEvent {
            event: event.event,
            data: event.data,
        }),
        Err(EventStreamError::Utf8(_)) => Err(SseError::Utf8),
        Err(EventStreamError::Parser(err)) => Err(SseError::Malformed(err.to_string())),
        Err(EventStreamError::Transport(err)) => Err(SseError::Transport(err.to_string())),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::stream;

    async fn decode(chunks: &[&[u8]]) -> Vec<Result<SseEvent, SseError>> {
        let chunks: Vec<Result<Bytes, std::convert::Infallible>> = chunks
            .iter()
            .map(|c| Ok(Bytes::copy_from_slice(c)))
            .collect();
        events(stream::iter(chunks)).collect().await
    }

    fn event(event: &str, data: &str) -> Result<SseEvent, SseError> {
        Ok(SseEvent {
            event: event.into(),
            data: data.into(),
        })
    }

    #[tokio::test]
    async fn fields_comments_and_line_endings() {
        let body: &[u8] =
            b": ping\r\nevent: delta\r\ndata: a\r\ndata: b\r\n\r\ndata: {\"x\":1}\n\n";
        assert_eq!(
            decode(&[body]).await,
            [event("delta", "a\nb"), event("message", "{\"x\":1}")]
        );
    }

    #[tokio::test]
    async fn multibyte_characters_split_across_chunks() {
        let body = "data: héllo 😀\n\n".as_bytes();
        let (a, b) = body.split_at(9);
        assert_eq!(decode(&[a, b]).await, [event("message", "héllo 😀")]);
    }
}

//! Strict JSONL framing: records end at LF only (U+2028 and U+2029 are valid inside JSON
//! strings, so they never split a record), one carriage return before the LF is dropped,
//! and a last record without LF is read at end of input. Lines longer than a limit are
//! skipped and reported, so that no input can exhaust memory.

use tokio::io::{AsyncRead, AsyncReadExt};

/// The longest record read (a prompt carrying large images stays well below it).
pub(super) const MAX_LINE_BYTES: usize = 256 * 1024 * 1024;

/// One record of input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Line {
    /// A record's text (invalid UTF-8 replaced by U+FFFD).
    Text(String),
    /// A record over the limit, skipped; its length so far.
    TooLong(usize),
}

/// Reads records from a byte stream.
#[derive(Debug)]
pub(super) struct LineReader<R> {
    input: R,
    buffer: Vec<u8>,
    /// Where the unread part of `buffer` starts.
    start: usize,
    /// Where the search for the next LF resumes.
    scanned: usize,
    max_line: usize,
    /// Bytes of an over-long record being skipped until its LF.
    skipping: Option<usize>,
    eof: bool,
}

impl<R: AsyncRead + Unpin> LineReader<R> {
    pub(super) fn new(input: R, max_line: usize) -> Self {
        LineReader {
            input,
            buffer: Vec::new(),
            start: 0,
            scanned: 0,
            max_line,
            skipping: None,
            eof: false,
        }
    }

    /// The next record; `None` at end of input.
    pub(super) async fn next_line(&mut self) -> std::io::Result<Option<Line>> {
        loop {
            if let Some(line) = self.take_line() {
                return Ok(Some(line));
            }
            if self.eof {
                return Ok(self.take_rest());
            }
            // Drop what was read before growing the buffer.
            self.buffer.drain(..self.start);
            self.scanned -= self.start;
            self.start = 0;
            let mut chunk = [0u8; 64 * 1024];
            let read = self.input.read(&mut chunk).await?;
            if read == 0 {
                self.eof = true;
                continue;
            }
            self.buffer.extend_from_slice(&chunk[..read]);
        }
    }

    /// A complete record from the buffer, if one is there.
    fn take_line(&mut self) -> Option<Line> {
        match memchr::memchr(b'\n', &self.buffer[self.scanned..]) {
            Some(at) => {
                let end = self.scanned + at;
                let record = &self.buffer[self.start..end];
                self.start = end + 1;
                self.scanned = self.start;
                match self.skipping.take() {
                    Some(skipped) => Some(Line::TooLong(skipped + record.len())),
                    None if record.len() > self.max_line => Some(Line::TooLong(record.len())),
                    None => Some(Line::Text(decode(record))),
                }
            }
            None => {
                self.scanned = self.buffer.len();
                let pending = self.buffer.len() - self.start;
                if pending > self.max_line || self.skipping.is_some() {
                    // Keep nothing of an over-long record but its length.
                    self.skipping = Some(self.skipping.unwrap_or(0) + pending);
                    self.buffer.clear();
                    self.start = 0;
                    self.scanned = 0;
                }
                None
            }
        }
    }

    /// The last record, which has no LF.
    fn take_rest(&mut self) -> Option<Line> {
        let rest = &self.buffer[self.start..];
        let line = match self.skipping.take() {
            Some(skipped) => Some(Line::TooLong(skipped + rest.len())),
            None if rest.is_empty() => None,
            None => Some(Line::Text(decode(rest))),
        };
        self.buffer.clear();
        self.start = 0;
        self.scanned = 0;
        line
    }
}

fn decode(record: &[u8]) -> String {
    let record = record.strip_suffix(b"\r").unwrap_or(record);
    String::from_utf8_lossy(record).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Feeds `chunks` one read at a time.
    struct Chunks(std::collections::VecDeque<Vec<u8>>);

    impl AsyncRead for Chunks {
        fn poll_read(
            mut self: std::pin::Pin<&mut Self>,
            _: &mut std::task::Context<'_>,
            buf: &mut tokio::io::ReadBuf<'_>,
        ) -> std::task::Poll<std::io::Result<()>> {
            // An empty read means the end of input: skip empty chunks.
            while self.0.front().is_some_and(Vec::is_empty) {
                self.0.pop_front();
            }
            if let Some(mut chunk) = self.0.pop_front() {
                let n = chunk.len().min(buf.remaining());
                buf.put_slice(&chunk[..n]);
                if n < chunk.len() {
                    chunk.drain(..n);
                    self.0.push_front(chunk);
                }
            }
            std::task::Poll::Ready(Ok(()))
        }
    }

    fn read_all(chunks: Vec<Vec<u8>>, max: usize) -> Vec<Line> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        runtime.block_on(async {
            let mut reader = LineReader::new(Chunks(chunks.into()), max);
            let mut lines = Vec::new();
            while let Some(line) = reader.next_line().await.unwrap() {
                lines.push(line);
            }
            lines
        })
    }

    fn texts(lines: &[&str]) -> Vec<Line> {
        lines.iter().map(|l| Line::Text((*l).to_string())).collect()
    }

    #[test]
    fn lf_only_framing_with_cr_stripped_and_a_final_line() {
        let input = "{\"a\":\"x\u{2028}y\u{2029}z\"}\r\n\n{\"b\":1}\r\r\n{\"c\":2}";
        assert_eq!(
            read_all(vec![input.as_bytes().to_vec()], MAX_LINE_BYTES),
            texts(&[
                "{\"a\":\"x\u{2028}y\u{2029}z\"}",
                "",
                "{\"b\":1}\r",
                "{\"c\":2}"
            ])
        );
    }

    #[test]
    fn characters_split_across_reads_are_joined_and_garbage_replaced() {
        let bytes = "é€\n".as_bytes().to_vec();
        let chunks = bytes.iter().map(|b| vec![*b]).collect();
        assert_eq!(read_all(chunks, MAX_LINE_BYTES), texts(&["é€"]));
        assert_eq!(
            read_all(vec![vec![0xff, b'a', 0xc3, b'\n']], MAX_LINE_BYTES),
            texts(&["\u{fffd}a\u{fffd}"])
        );
    }

    #[test]
    fn an_over_long_line_read_at_once_is_reported() {
        let mut input = vec![b'x'; 100];
        input.extend_from_slice(b"\nok\n");
        assert_eq!(
            read_all(vec![input], 50),
            vec![Line::TooLong(100), Line::Text("ok".into())]
        );
    }

    #[test]
    fn over_long_lines_are_skipped_and_reported() {
        let long = vec![b'x'; 100];
        let mut input = long.clone();
        input.extend_from_slice(b"\nok\n");
        input.extend_from_slice(&long);
        let chunks = input.chunks(7).map(<[u8]>::to_vec).collect();
        assert_eq!(
            read_all(chunks, 50),
            vec![
                Line::TooLong(100),
                Line::Text("ok".into()),
                Line::TooLong(100)
            ]
        );
    }

    proptest! {
        #[test]
        fn records_survive_any_split(
            records in prop::collection::vec("[^\n]{0,40}", 0..8),
            cuts in prop::collection::vec(0usize..400, 0..10),
            final_newline in any::<bool>(),
        ) {
            let mut input = records.join("\n");
            if final_newline && !records.is_empty() {
                input.push('\n');
            }
            let bytes = input.as_bytes();
            let mut cuts: Vec<usize> = cuts.into_iter().map(|c| c.min(bytes.len())).collect();
            cuts.sort_unstable();
            let mut chunks = Vec::new();
            let mut start = 0;
            for cut in cuts {
                chunks.push(bytes[start..cut].to_vec());
                start = cut;
            }
            chunks.push(bytes[start..].to_vec());
            let expected: Vec<Line> = if input.is_empty() {
                Vec::new()
            } else {
                let mut records = records.clone();
                if !final_newline && records.last().is_some_and(String::is_empty) {
                    // An empty last record without LF is no record.
                    records.pop();
                }
                records
                    .into_iter()
                    .map(|r| Line::Text(r.strip_suffix('\r').map(str::to_string).unwrap_or(r)))
                    .collect()
            };
            prop_assert_eq!(read_all(chunks, MAX_LINE_BYTES), expected);
        }
    }
}

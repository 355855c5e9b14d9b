//! The output of a running command with bounded memory: a decoded tail for display, running
//! line and byte counts, and the full raw output spilled to a temp file once it outgrows
//! the limits.

use std::fs::File;
use std::io::Write as _;
use std::path::PathBuf;

use super::truncate::{Limits, TruncatedBy, Truncation, truncate_tail};
use super::utf8::Utf8Stream;

/// A view of the output so far.
#[derive(Debug, Clone)]
pub struct OutputSnapshot {
    /// The tail truncation of the output (totals are of the whole output).
    pub truncation: Truncation,
    /// Where the full output is, once it was spilled.
    pub full_output_path: Option<PathBuf>,
}

/// Collects a command's output.
#[derive(Debug)]
pub struct OutputAccumulator {
    limits: Limits,
    max_rolling_bytes: usize,
    temp_file_prefix: &'static str,
    decoder: Utf8Stream,
    raw_chunks: Vec<Vec<u8>>,
    tail_text: String,
    tail_starts_at_line_boundary: bool,
    total_raw_bytes: usize,
    total_decoded_bytes: usize,
    completed_lines: usize,
    total_lines: usize,
    current_line_bytes: usize,
    has_open_line: bool,
    finished: bool,
    temp_file_path: Option<PathBuf>,
    temp_file: Option<File>,
}

impl OutputAccumulator {
    /// An empty accumulator; spilled output goes to `<tmp>/<prefix>-<16 hex>.log`.
    pub fn new(limits: Limits, temp_file_prefix: &'static str) -> Self {
        OutputAccumulator {
            limits,
            max_rolling_bytes: (limits.max_bytes * 2).max(1),
            temp_file_prefix,
            decoder: Utf8Stream::default(),
            raw_chunks: Vec::new(),
            tail_text: String::new(),
            tail_starts_at_line_boundary: true,
            total_raw_bytes: 0,
            total_decoded_bytes: 0,
            completed_lines: 0,
            total_lines: 0,
            current_line_bytes: 0,
            has_open_line: false,
            finished: false,
            temp_file_path: None,
            temp_file: None,
        }
    }

    /// Adds a chunk of raw output.
    pub fn append(&mut self, data: &[u8]) {
        if self.finished {
            return;
        }
        self.total_raw_bytes += data.len();
        let text = self.decoder.decode(data);
        self.append_decoded(&text);
        if self.temp_file.is_some() || self.should_use_temp_file() {
            self.ensure_temp_file();
            self.write_temp(data);
        } else if !data.is_empty() {
            self.raw_chunks.push(data.to_vec());
        }
    }

    /// Marks the end of the output.
    pub fn finish(&mut self) {
        if self.finished {
            return;
        }
        self.finished = true;
        let rest = self.decoder.finish();
        self.append_decoded(&rest);
        if self.should_use_temp_file() {
            self.ensure_temp_file();
        }
    }

    /// The output so far; when `persist_if_truncated`, a truncated output is spilled first
    /// so that the notice can name the file.
    pub fn snapshot(&mut self, persist_if_truncated: bool) -> OutputSnapshot {
        let tail = truncate_tail(self.snapshot_text(), self.limits);
        let truncated = self.total_lines > self.limits.max_lines
            || self.total_decoded_bytes > self.limits.max_bytes;
        let truncated_by = if truncated {
            tail.truncated_by
                .or(Some(if self.total_decoded_bytes > self.limits.max_bytes {
                    TruncatedBy::Bytes
                } else {
                    TruncatedBy::Lines
                }))
        } else {
            None
        };
        let truncation = Truncation {
            truncated,
            truncated_by,
            total_lines: self.total_lines,
            total_bytes: self.total_decoded_bytes,
            ..tail
        };
        if persist_if_truncated && truncation.truncated {
            self.ensure_temp_file();
        }
        OutputSnapshot {
            truncation,
            full_output_path: self.temp_file_path.clone(),
        }
    }

    /// Flushes and closes the temp file.
    pub fn close_temp_file(&mut self) {
        if let Some(mut file) = self.temp_file.take() {
            let _ = file.flush();
        }
    }

    /// Bytes of the line still open at the end of the output (`0` after a final newline).
    pub fn last_line_bytes(&self) -> usize {
        self.current_line_bytes
    }

    fn append_decoded(&mut self, text: &str) {
        if text.is_empty() {
            return;
        }
        self.total_decoded_bytes += text.len();
        self.tail_text.push_str(text);
        if self.tail_text.len() > self.max_rolling_bytes * 2 {
            self.trim_tail();
        }
        match memchr::memrchr(b'\n', text.as_bytes()) {
            None => {
                self.current_line_bytes += text.len();
                self.has_open_line = true;
            }
            Some(last) => {
                self.completed_lines += memchr::memchr_iter(b'\n', text.as_bytes()).count();
                self.current_line_bytes = text.len() - last - 1;
                self.has_open_line = self.current_line_bytes > 0;
            }
        }
        self.total_lines = self.completed_lines + usize::from(self.has_open_line);
    }

    fn trim_tail(&mut self) {
        if self.tail_text.len() <= self.max_rolling_bytes {
            return;
        }
        let mut start = self.tail_text.len() - self.max_rolling_bytes;
        while !self.tail_text.is_char_boundary(start) {
            start += 1;
        }
        if start > 0 {
            self.tail_starts_at_line_boundary = self.tail_text.as_bytes()[start - 1] == b'\n';
        }
        self.tail_text.drain(..start);
    }

    fn snapshot_text(&self) -> &str {
        if self.tail_starts_at_line_boundary {
            return &self.tail_text;
        }
        match self.tail_text.find('\n') {
            Some(index) => &self.tail_text[index + 1..],
            None => &self.tail_text,
        }
    }

    fn should_use_temp_file(&self) -> bool {
        self.total_raw_bytes > self.limits.max_bytes
            || self.total_decoded_bytes > self.limits.max_bytes
            || self.total_lines > self.limits.max_lines
    }

    fn ensure_temp_file(&mut self) {
        if self.temp_file_path.is_some() {
            return;
        }
        let path = std::env::temp_dir().join(format!(
            "{}-{:016x}.log",
            self.temp_file_prefix,
            random_u64()
        ));
        // Without the file the output is still shown; only the full copy is missing.
        if let Ok(file) = File::options().write(true).create_new(true).open(&path) {
            self.temp_file = Some(file);
        }
        self.temp_file_path = Some(path);
        for chunk in std::mem::take(&mut self.raw_chunks) {
            self.write_temp(&chunk);
        }
    }

    fn write_temp(&mut self, data: &[u8]) {
        if let Some(file) = &mut self.temp_file
            && file.write_all(data).is_err()
        {
            self.temp_file = None;
        }
    }
}

/// 64 random bits for temp file names, from the standard library's per-process random hash
/// keys mixed with the time and a counter.
fn random_u64() -> u64 {
    use std::hash::{BuildHasher as _, Hasher as _};
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    if let Ok(elapsed) = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
        hasher.write_u128(elapsed.as_nanos());
    }
    hasher.finish()
}

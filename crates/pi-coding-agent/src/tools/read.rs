//! `read`: a text file (a window of lines, within the output limits, with notices saying how
//! to continue) or an image (as an attachment).

use std::fs::File;
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use pi_agent_core::{AgentTool, AgentToolResult, BoxFuture, ToolCallInput, ToolError};
use pi_ai::{
    CancellationToken, ConstrainedSampling, ImageContent, InputContent, Strictness, TextContent,
};
use serde_json::{Value, json};

use super::args::{optional_f64, required_str};
use super::errors::{ToolFailure, aborted, node_error};
use super::format::js_number;
use super::image::{
    IMAGE_SNIFF_BYTES, ProcessedImage, ResizeOptions, detect_image_mime, process_image,
};
use super::path::resolve_read_path;
use super::truncate::{DEFAULT_MAX_BYTES, Limits, TruncatedBy, Truncation, format_size, keep_head};
use super::utf8::Utf8Stream;
use super::{run_abortable, text_result};

const DESCRIPTION: &str = "Read the contents of a file. Supports text files and images (jpg, png, gif, webp, bmp). Images are sent as attachments. For text files, output is truncated to 2000 lines or 50KB (whichever is hit first). Use offset/limit for large files. When you need the full file, continue with offset until complete.";

const NON_VISION_NOTE: &str =
    "[Current model does not support images. The image will be omitted from this request.]";

/// Bytes inspected for a NUL that marks a file as binary.
const BINARY_SNIFF_BYTES: usize = 8192;

/// What the current model does with images (models change during a session).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ModelImages {
    /// Whether the model takes images at all.
    pub supported: bool,
    /// The model's own resize limits, when it has any.
    pub resize: Option<ResizeOptions>,
}

/// Asks which model is current when an image is read.
pub type ModelImagesFn = Arc<dyn Fn() -> ModelImages + Send + Sync>;

/// Settings of the `read` tool.
#[derive(Clone)]
pub struct ReadOptions {
    /// Shrink images to the limits before sending them (`images.autoResize`, on by default).
    pub auto_resize_images: bool,
    /// Limits used when the model has none of its own.
    pub resize: ResizeOptions,
    /// The current model's image support; without it, images are assumed supported.
    pub model_images: Option<ModelImagesFn>,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            auto_resize_images: true,
            resize: ResizeOptions::default(),
            model_images: None,
        }
    }
}

impl std::fmt::Debug for ReadOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReadOptions")
            .field("auto_resize_images", &self.auto_resize_images)
            .field("resize", &self.resize)
            .finish_non_exhaustive()
    }
}

/// The `read` tool.
#[derive(Debug)]
pub struct ReadTool {
    cwd: PathBuf,
    options: ReadOptions,
    parameters: Value,
    sampling: ConstrainedSampling,
}

impl ReadTool {
    /// A `read` tool resolving paths against `cwd`.
    pub fn new(cwd: impl Into<PathBuf>, options: ReadOptions) -> Self {
        ReadTool {
            cwd: cwd.into(),
            options,
            parameters: json!({
                "type": "object",
                "required": ["path"],
                "properties": {
                    "path": {"type": "string", "description": "Path to the file to read (relative or absolute)"},
                    "offset": {"type": "number", "description": "Line number to start reading from (1-indexed)"},
                    "limit": {"type": "number", "description": "Maximum number of lines to read"}
                }
            }),
            sampling: ConstrainedSampling::JsonSchema {
                strict: Strictness::Prefer,
            },
        }
    }
}

impl AgentTool for ReadTool {
    fn name(&self) -> &str {
        "read"
    }

    fn description(&self) -> &str {
        DESCRIPTION
    }

    fn parameters(&self) -> &Value {
        &self.parameters
    }

    fn constrained_sampling(&self) -> Option<&ConstrainedSampling> {
        Some(&self.sampling)
    }

    fn execute(&self, input: ToolCallInput) -> BoxFuture<'_, Result<AgentToolResult, ToolError>> {
        Box::pin(async move {
            if input.cancel.is_cancelled() {
                return Err(aborted().into());
            }
            let path = required_str(&input.args, "path")?.to_string();
            let offset = optional_f64(&input.args, "offset");
            let limit = optional_f64(&input.args, "limit");
            let cwd = self.cwd.clone();
            let options = self.options.clone();
            let cancel = input.cancel.clone();
            // Reading is blocking work; an abort answers at once, as pi's does.
            run_abortable(&input.cancel, move || {
                read(&cwd, &path, offset, limit, &options, &cancel)
            })
            .await
        })
    }
}

fn read(
    cwd: &Path,
    path: &str,
    offset: Option<f64>,
    limit: Option<f64>,
    options: &ReadOptions,
    cancel: &CancellationToken,
) -> Result<AgentToolResult, ToolFailure> {
    let absolute = resolve_read_path(path, cwd);
    rustix::fs::access(&absolute, rustix::fs::Access::READ_OK)
        .map_err(|errno| node_error(&errno.into(), "access", Some(&absolute)))?;
    let mut file =
        File::open(&absolute).map_err(|err| node_error(&err, "open", Some(&absolute)))?;
    let sniff =
        read_prefix(&mut file, BINARY_SNIFF_BYTES).map_err(|err| node_error(&err, "read", None))?;
    let image_prefix = &sniff[..sniff.len().min(IMAGE_SNIFF_BYTES)];
    if let Some(mime_type) = detect_image_mime(image_prefix) {
        let mut bytes = sniff;
        file.read_to_end(&mut bytes)
            .map_err(|err| node_error(&err, "read", None))?;
        return Ok(read_image(&bytes, mime_type, options));
    }
    if memchr::memchr(0, &sniff).is_some() {
        return Err(ToolFailure(format!(
            "Cannot read binary file: {}. Use bash to inspect it (for example file, xxd or strings).",
            absolute.display()
        )));
    }
    let (text, details) = read_text(&mut file, sniff, path, offset, limit, cancel)?;
    let mut result = text_result(text);
    result.details = details;
    Ok(result)
}

fn read_prefix(file: &mut File, len: usize) -> std::io::Result<Vec<u8>> {
    let mut buffer = Vec::with_capacity(len);
    file.take(len as u64).read_to_end(&mut buffer)?;
    Ok(buffer)
}

fn read_image(bytes: &[u8], mime_type: &str, options: &ReadOptions) -> AgentToolResult {
    let model = options.model_images.as_ref().map(|current| current());
    let resize = model
        .and_then(|model| model.resize)
        .unwrap_or(options.resize);
    let non_vision_note = model
        .filter(|model| !model.supported)
        .map(|_| NON_VISION_NOTE);
    match process_image(bytes, mime_type, options.auto_resize_images, resize) {
        ProcessedImage::Omitted(message) => {
            let mut note = format!("Read image file [{mime_type}]\n{message}");
            if let Some(extra) = non_vision_note {
                note = format!("{note}\n{extra}");
            }
            text_result(note)
        }
        ProcessedImage::Ready {
            data,
            mime_type,
            hints,
        } => {
            let mut note = format!("Read image file [{mime_type}]");
            if !hints.is_empty() {
                note = format!("{note}\n{}", hints.join("\n"));
            }
            if let Some(extra) = non_vision_note {
                note = format!("{note}\n{extra}");
            }
            AgentToolResult {
                content: vec![
                    InputContent::Text(TextContent::new(note)),
                    InputContent::Image(ImageContent::new(data, mime_type)),
                ],
                ..AgentToolResult::default()
            }
        }
    }
}

/// The lines of a file `read` returns, gathered while the file streams past so that a huge
/// file never sits in memory: only the lines that can be shown are kept, the rest are
/// counted.
struct Selection {
    start: usize,
    end: Option<usize>,
    limits: Limits,
    index: usize,
    line_bytes: usize,
    line_text: String,
    line_too_long: bool,
    kept: Vec<String>,
    kept_bytes: usize,
    keeping: bool,
    count: usize,
    bytes: usize,
    first_bytes: usize,
    last_empty: bool,
}

impl Selection {
    fn new(start: usize, end: Option<usize>, limits: Limits) -> Self {
        Selection {
            start,
            end,
            limits,
            index: 0,
            line_bytes: 0,
            line_text: String::new(),
            line_too_long: false,
            kept: Vec::new(),
            kept_bytes: 0,
            keeping: true,
            count: 0,
            bytes: 0,
            first_bytes: 0,
            last_empty: false,
        }
    }

    fn selected(&self) -> bool {
        self.index >= self.start && self.end.is_none_or(|end| self.index < end)
    }

    fn push(&mut self, text: &str) {
        for (i, piece) in text.split('\n').enumerate() {
            if i > 0 {
                self.end_line();
            }
            if !self.selected() {
                continue;
            }
            self.line_bytes += piece.len();
            if self.keeping && !self.line_too_long {
                if self.line_text.len() + piece.len() <= self.limits.max_bytes {
                    self.line_text.push_str(piece);
                } else {
                    self.line_too_long = true;
                    self.line_text = String::new();
                }
            }
        }
    }

    fn end_line(&mut self) {
        if self.selected() {
            self.count += 1;
            self.bytes += self.line_bytes;
            if self.count == 1 {
                self.first_bytes = self.line_bytes;
            }
            self.last_empty = self.line_bytes == 0;
            if self.keeping {
                let separator = usize::from(!self.kept.is_empty());
                // One line past the line budget is kept: a final empty line does not count.
                if !self.line_too_long
                    && self.kept.len() <= self.limits.max_lines
                    && self.kept_bytes + separator + self.line_bytes <= self.limits.max_bytes
                {
                    self.kept.push(std::mem::take(&mut self.line_text));
                    self.kept_bytes += separator + self.line_bytes;
                } else {
                    self.keeping = false;
                }
            }
        }
        self.index += 1;
        self.line_bytes = 0;
        self.line_text.clear();
        self.line_too_long = false;
    }

    /// The head truncation of the selected text, as `truncate_head` would compute it on the
    /// whole selection.
    fn truncation(&self) -> Truncation {
        let limits = self.limits;
        let total_lines = match self.count {
            0 => 0,
            n if self.last_empty => n - 1,
            n => n,
        };
        let total_bytes = self.bytes + self.count.saturating_sub(1);
        let mut result = Truncation {
            content: String::new(),
            truncated: true,
            truncated_by: Some(TruncatedBy::Bytes),
            total_lines,
            total_bytes,
            output_lines: 0,
            output_bytes: 0,
            last_line_partial: false,
            first_line_exceeds_limit: false,
            max_lines: limits.max_lines,
            max_bytes: limits.max_bytes,
        };
        if total_lines <= limits.max_lines && total_bytes <= limits.max_bytes {
            result.content = self.kept.join("\n");
            result.truncated = false;
            result.truncated_by = None;
            result.output_lines = total_lines;
            result.output_bytes = total_bytes;
            return result;
        }
        if self.first_bytes > limits.max_bytes {
            result.first_line_exceeds_limit = true;
            return result;
        }
        let (kept, kept_bytes, mut by) = keep_head(self.kept.iter().map(String::as_str), limits);
        // Lines past the kept ones were not stored because they did not fit the bytes.
        if kept.len() < limits.max_lines && kept.len() < self.count {
            by = TruncatedBy::Bytes;
        }
        result.content = kept.join("\n");
        result.truncated_by = Some(by);
        result.output_lines = kept.len();
        result.output_bytes = kept_bytes;
        result
    }
}

/// JavaScript's `Array.prototype.slice` index for `value` in an array of `len`.
fn slice_index(value: f64, len: usize) -> usize {
    let value = value.trunc();
    if value < 0.0 {
        (len as f64 + value).max(0.0) as usize
    } else {
        value.min(len as f64) as usize
    }
}

fn stream_lines(
    file: &mut File,
    first: Vec<u8>,
    selection: &mut Selection,
    cancel: &CancellationToken,
) -> Result<(), ToolFailure> {
    let mut decoder = Utf8Stream::default();
    selection.push(&decoder.decode(&first));
    let mut buffer = vec![0u8; 256 * 1024];
    loop {
        if cancel.is_cancelled() {
            return Err(aborted());
        }
        let read = file
            .read(&mut buffer)
            .map_err(|err| node_error(&err, "read", None))?;
        if read == 0 {
            break;
        }
        selection.push(&decoder.decode(&buffer[..read]));
    }
    selection.push(&decoder.finish());
    selection.end_line();
    Ok(())
}

fn count_lines(file: &mut File, first: &[u8]) -> Result<usize, ToolFailure> {
    let mut newlines = memchr::memchr_iter(b'\n', first).count();
    let mut buffer = vec![0u8; 256 * 1024];
    loop {
        let read = file
            .read(&mut buffer)
            .map_err(|err| node_error(&err, "read", None))?;
        if read == 0 {
            return Ok(newlines + 1);
        }
        newlines += memchr::memchr_iter(b'\n', &buffer[..read]).count();
    }
}

fn read_text(
    file: &mut File,
    first: Vec<u8>,
    path: &str,
    offset: Option<f64>,
    limit: Option<f64>,
    cancel: &CancellationToken,
) -> Result<(String, Option<Value>), ToolFailure> {
    let start_line = match offset {
        Some(offset) if offset != 0.0 => (offset - 1.0).max(0.0),
        _ => 0.0,
    };
    let start_display = start_line + 1.0;
    // A negative end counts from the end of the file, so only then are lines counted first.
    let end_line_raw = limit.map(|limit| start_line + limit);
    let known_total = match end_line_raw {
        Some(end) if end < 0.0 => {
            let total = count_lines(file, &first)?;
            use std::io::Seek as _;
            file.seek(std::io::SeekFrom::Start(0))
                .map_err(|err| node_error(&err, "read", None))?;
            Some(total)
        }
        _ => None,
    };
    let slice_start = start_line.trunc() as usize;
    let slice_end = end_line_raw.map(|end| match known_total {
        Some(total) => slice_index(end.min(total as f64), total),
        None => end.trunc().max(0.0) as usize,
    });
    let first = if known_total.is_some() {
        Vec::new()
    } else {
        first
    };
    let mut selection = Selection::new(slice_start, slice_end, Limits::default());
    stream_lines(file, first, &mut selection, cancel)?;
    let total = selection.index;
    let total_f = total as f64;
    if start_line >= total_f {
        return Err(ToolFailure(format!(
            "Offset {} is beyond end of file ({total} lines total)",
            js_number(offset.unwrap_or(0.0))
        )));
    }
    let user_limited = limit.map(|limit| (start_line + limit).min(total_f) - start_line);
    let truncation = selection.truncation();
    let details = |truncation: &Truncation| Some(json!({ "truncation": truncation }));
    if truncation.first_line_exceeds_limit {
        let size = format_size(selection.first_bytes);
        let text = format!(
            "[Line {line} is {size}, exceeds {limit} limit. Use bash: sed -n '{line}p' {path} | head -c {DEFAULT_MAX_BYTES}]",
            line = js_number(start_display),
            limit = format_size(DEFAULT_MAX_BYTES),
        );
        return Ok((text, details(&truncation)));
    }
    if truncation.truncated {
        let end_display = start_display + truncation.output_lines as f64 - 1.0;
        let next = js_number(end_display + 1.0);
        let (from, to) = (js_number(start_display), js_number(end_display));
        let notice = match truncation.truncated_by {
            Some(TruncatedBy::Lines) => {
                format!("[Showing lines {from}-{to} of {total}. Use offset={next} to continue.]")
            }
            _ => format!(
                "[Showing lines {from}-{to} of {total} ({} limit). Use offset={next} to continue.]",
                format_size(DEFAULT_MAX_BYTES)
            ),
        };
        let text = format!("{}\n\n{notice}", truncation.content);
        return Ok((text, details(&truncation)));
    }
    if let Some(user_limited) = user_limited
        && start_line + user_limited < total_f
    {
        let remaining = js_number(total_f - (start_line + user_limited));
        let next = js_number(start_line + user_limited + 1.0);
        let text = format!(
            "{}\n\n[{remaining} more lines in file. Use offset={next} to continue.]",
            truncation.content
        );
        return Ok((text, None));
    }
    Ok((truncation.content, None))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tools::truncate::truncate_head;

    fn select(text: &str, start: usize, end: Option<usize>, limits: Limits) -> Selection {
        let mut selection = Selection::new(start, end, limits);
        // Feed in small pieces to exercise lines split across chunks.
        let bytes = text.as_bytes();
        let mut stream = Utf8Stream::default();
        for chunk in bytes.chunks(3) {
            selection.push(&stream.decode(chunk));
        }
        selection.push(&stream.finish());
        selection.end_line();
        selection
    }

    #[test]
    fn streaming_selection_matches_truncate_head() {
        let limits = Limits {
            max_lines: 3,
            max_bytes: 12,
        };
        for text in [
            "",
            "\n",
            "a\nb\n",
            "a\nb\nc\nd\n",
            "abcdefghijklmn\nb",
            "ab\ncd\nef\n\n",
            "é\nü\n",
        ] {
            for start in 0..3 {
                let lines: Vec<&str> = text.split('\n').collect();
                let begin = start.min(lines.len());
                let selected = lines[begin..].join("\n");
                let expected = truncate_head(&selected, limits);
                let got = select(text, start, None, limits).truncation();
                assert_eq!(got, expected, "text {text:?} start {start}");
            }
        }
    }
}

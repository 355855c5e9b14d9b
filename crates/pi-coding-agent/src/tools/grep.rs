//! `grep`: searches file contents in-process with ripgrep's own libraries, configured as
//! pi runs `rg` (hidden files searched, ignore files honoured), with pi's output format.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use grep_regex::{RegexMatcher, RegexMatcherBuilder};
use grep_searcher::{BinaryDetection, Searcher, SearcherBuilder, Sink, SinkMatch};
use ignore::overrides::OverrideBuilder;
use ignore::{WalkBuilder, WalkState};
use pi_agent_core::{AgentTool, AgentToolResult, BoxFuture, ToolCallInput, ToolError};
use pi_ai::CancellationToken;
use serde_json::{Map, Value, json};

use super::args::{optional_bool, optional_f64, optional_str, required_str};
use super::errors::{ToolFailure, aborted};
use super::format::{js_json_number, js_number};
use super::truncate::{
    DEFAULT_MAX_BYTES, GREP_MAX_LINE_LENGTH, Limits, format_size, truncate_head, truncate_line,
};
use super::{run_abortable, search_path, search_threads, text_result};

const DESCRIPTION: &str = "Search file contents for a pattern. Returns matching lines with file paths and line numbers. Respects .gitignore. Output is truncated to 100 matches or 50KB (whichever is hit first). Long lines are truncated to 500 chars.";
const DEFAULT_LIMIT: f64 = 100.0;

/// The `grep` tool.
#[derive(Debug)]
pub struct GrepTool {
    cwd: PathBuf,
    parameters: Value,
}

impl GrepTool {
    /// A `grep` tool searching from `cwd`.
    pub fn new(cwd: impl Into<PathBuf>) -> Self {
        GrepTool {
            cwd: cwd.into(),
            parameters: json!({
                "type": "object",
                "required": ["pattern"],
                "properties": {
                    "pattern": {"type": "string", "description": "Search pattern (regex or literal string)"},
                    "path": {"type": "string", "description": "Directory or file to search (default: current directory)"},
                    "glob": {"type": "string", "description": "Filter files by glob pattern, e.g. '*.ts' or '**/*.spec.ts'"},
                    "ignoreCase": {"type": "boolean", "description": "Case-insensitive search (default: false)"},
                    "literal": {"type": "boolean", "description": "Treat pattern as literal string instead of regex (default: false)"},
                    "context": {"type": "number", "description": "Number of lines to show before and after each match (default: 0)"},
                    "limit": {"type": "number", "description": "Maximum number of matches to return (default: 100)"}
                }
            }),
        }
    }
}

/// What to search for and where.
#[derive(Debug, Clone)]
pub struct GrepRequest {
    /// The regex (or literal text).
    pub pattern: String,
    /// File or directory to search.
    pub search_path: PathBuf,
    /// Directory `glob` is relative to.
    pub cwd: PathBuf,
    /// Only files matching this glob.
    pub glob: Option<String>,
    /// Case-insensitive.
    pub ignore_case: bool,
    /// The pattern is literal text.
    pub literal: bool,
    /// Most matching lines.
    pub limit: usize,
}

/// The matching lines of one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileMatches {
    /// The file.
    pub path: PathBuf,
    /// Line numbers (from 1) and texts, without the line break.
    pub lines: Vec<(u64, String)>,
}

impl AgentTool for GrepTool {
    fn name(&self) -> &str {
        "grep"
    }

    fn description(&self) -> &str {
        DESCRIPTION
    }

    fn parameters(&self) -> &Value {
        &self.parameters
    }

    fn execute(&self, input: ToolCallInput) -> BoxFuture<'_, Result<AgentToolResult, ToolError>> {
        Box::pin(async move {
            if input.cancel.is_cancelled() {
                return Err(aborted().into());
            }
            let args = &input.args;
            let pattern = required_str(args, "pattern")?.to_string();
            let search_path = search_path(args, &self.cwd);
            let context = optional_f64(args, "context")
                .filter(|context| *context > 0.0)
                .unwrap_or(0.0)
                .floor() as usize;
            let limit = optional_f64(args, "limit")
                .unwrap_or(DEFAULT_LIMIT)
                .max(1.0);
            let request = GrepRequest {
                pattern,
                search_path,
                cwd: self.cwd.clone(),
                glob: optional_str(args, "glob")
                    .filter(|glob| !glob.is_empty())
                    .map(str::to_string),
                ignore_case: optional_bool(args, "ignoreCase"),
                literal: optional_bool(args, "literal"),
                limit: limit.ceil() as usize,
            };
            let cancel = input.cancel.clone();
            run_abortable(&input.cancel, move || {
                grep(&request, context, limit, &cancel)
            })
            .await
        })
    }
}

fn grep(
    request: &GrepRequest,
    context: usize,
    limit: f64,
    cancel: &CancellationToken,
) -> Result<AgentToolResult, ToolFailure> {
    let is_directory = std::fs::metadata(&request.search_path)
        .map_err(|_| ToolFailure(format!("Path not found: {}", request.search_path.display())))?
        .is_dir();
    let (files, limit_reached) = grep_search(request, cancel)?;
    if cancel.is_cancelled() {
        return Err(aborted());
    }
    if files.iter().all(|file| file.lines.is_empty()) {
        return Ok(text_result("No matches found"));
    }
    let format_path = |file: &Path| -> String {
        if is_directory && let Ok(relative) = file.strip_prefix(&request.search_path) {
            let relative = relative.to_string_lossy().replace('\\', "/");
            if !relative.is_empty() && !relative.starts_with("..") {
                return relative;
            }
        }
        file.file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_default()
    };
    let mut lines_truncated = false;
    let mut output = Vec::new();
    let mut cut = |text: &str| {
        let (text, was_cut) = truncate_line(text, GREP_MAX_LINE_LENGTH);
        lines_truncated |= was_cut;
        text
    };
    for file in &files {
        let shown = format_path(&file.path);
        if context == 0 {
            for (number, text) in &file.lines {
                let text = text.replace("\r\n", "\n").replace('\r', "");
                let text = text.strip_suffix('\n').unwrap_or(&text);
                output.push(format!("{shown}:{number}: {}", cut(text)));
            }
            continue;
        }
        // Context comes from the file itself, re-read once.
        let file_lines: Vec<String> = std::fs::read(&file.path)
            .map(|bytes| {
                let text = String::from_utf8_lossy(&bytes)
                    .replace("\r\n", "\n")
                    .replace('\r', "\n");
                text.split('\n').map(str::to_string).collect()
            })
            .unwrap_or_default();
        for (number, _) in &file.lines {
            let number = *number as usize;
            if file_lines.is_empty() {
                output.push(format!("{shown}:{number}: (unable to read file)"));
                continue;
            }
            let start = number.saturating_sub(context).max(1);
            let end = file_lines.len().min(number + context);
            for current in start..=end {
                let text = file_lines
                    .get(current - 1)
                    .map_or("", String::as_str)
                    .replace('\r', "");
                if current == number {
                    output.push(format!("{shown}:{current}: {}", cut(&text)));
                } else {
                    output.push(format!("{shown}-{current}- {}", cut(&text)));
                }
            }
        }
    }
    let truncation = truncate_head(&output.join("\n"), Limits::bytes_only());
    let mut text = truncation.content.clone();
    let mut details = Map::new();
    let mut notices = Vec::new();
    if limit_reached {
        notices.push(format!(
            "{} matches limit reached. Use limit={} for more, or refine pattern",
            js_number(limit),
            js_number(limit * 2.0)
        ));
        details.insert("matchLimitReached".into(), js_json_number(limit));
    }
    if truncation.truncated {
        notices.push(format!("{} limit reached", format_size(DEFAULT_MAX_BYTES)));
        details.insert("truncation".into(), json!(truncation));
    }
    if lines_truncated {
        notices.push(format!(
            "Some lines truncated to {GREP_MAX_LINE_LENGTH} chars. Use read tool to see full lines"
        ));
        details.insert("linesTruncated".into(), Value::Bool(true));
    }
    if !notices.is_empty() {
        text.push_str(&format!("\n\n[{}]", notices.join(". ")));
    }
    let mut result = text_result(text);
    if !details.is_empty() {
        result.details = Some(Value::Object(details));
    }
    Ok(result)
}

/// ripgrep's wording for pattern errors, hints included.
fn pattern_error(err: &grep_regex::Error) -> ToolFailure {
    let message = err.to_string();
    let hint = if message.contains("the literal") && message.contains("not allowed") {
        "\n\nConsider enabling multiline mode with the --multiline flag (or -U for short).\nWhen multiline mode is enabled, new line characters can be matched."
    } else if message.contains("pattern contains \"\\0\"") {
        "\n\nConsider enabling text mode with the --text flag (or -a for short). Otherwise,\nbinary detection is enabled and matching a NUL byte is impossible."
    } else {
        ""
    };
    ToolFailure(format!("rg: {message}{hint}"))
}

fn matcher(request: &GrepRequest) -> Result<RegexMatcher, ToolFailure> {
    RegexMatcherBuilder::new()
        .multi_line(true)
        .unicode(true)
        .octal(false)
        .fixed_strings(request.literal)
        .case_insensitive(request.ignore_case)
        .line_terminator(Some(b'\n'))
        .dot_matches_new_line(false)
        .ban_byte(Some(b'\x00'))
        .build_many(&[request.pattern.as_str()])
        .map_err(|err| pattern_error(&err))
}

/// Searches as `rg --hidden` does: ignore files honoured (`.gitignore` inside git
/// repositories), binary files skipped unless named explicitly. Files come back sorted
/// by path; the flag says whether the match limit stopped the search.
pub fn grep_search(
    request: &GrepRequest,
    cancel: &CancellationToken,
) -> Result<(Vec<FileMatches>, bool), ToolFailure> {
    let matcher = matcher(request)?;
    let mut builder = WalkBuilder::new(&request.search_path);
    builder
        .hidden(false)
        .parents(true)
        .ignore(true)
        .git_global(true)
        .git_ignore(true)
        .git_exclude(true)
        .require_git(true)
        .follow_links(false)
        .threads(search_threads())
        .add_custom_ignore_filename(".rgignore");
    if let Some(glob) = &request.glob {
        let mut overrides = OverrideBuilder::new(&request.cwd);
        overrides
            .add(glob)
            .map_err(|err| ToolFailure(format!("rg: {err}")))?;
        let overrides = overrides
            .build()
            .map_err(|err| ToolFailure(format!("rg: {err}")))?;
        builder.overrides(overrides);
    }
    let found = Mutex::new(Vec::new());
    let slots = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let limit = request.limit;
    builder.build_parallel().run(|| {
        let matcher = matcher.clone();
        let (found, slots, stop) = (&found, &slots, &stop);
        let mut explicit = searcher(BinaryDetection::convert(b'\x00'));
        let mut implicit = searcher(BinaryDetection::quit(b'\x00'));
        Box::new(move |entry| {
            if stop.load(Ordering::Relaxed) || cancel.is_cancelled() {
                return WalkState::Quit;
            }
            let Ok(entry) = entry else {
                return WalkState::Continue;
            };
            let mut sink = Collect {
                lines: Vec::new(),
                slots,
                stop,
                limit,
            };
            // Unreadable files are skipped, as ripgrep goes on past them.
            if entry.depth() == 0 {
                if entry.file_type().is_some_and(|kind| kind.is_dir()) {
                    return WalkState::Continue;
                }
                search_explicit(&mut explicit, &matcher, entry.path(), &mut sink);
            } else {
                if !entry.file_type().is_some_and(|kind| kind.is_file()) {
                    return WalkState::Continue;
                }
                let _ = implicit.search_path(&matcher, entry.path(), &mut sink);
            }
            if !sink.lines.is_empty() {
                let mut found = found
                    .lock()
                    .unwrap_or_else(|poisoned| poisoned.into_inner());
                found.push(FileMatches {
                    path: entry.into_path(),
                    lines: sink.lines,
                });
            }
            if stop.load(Ordering::Relaxed) {
                WalkState::Quit
            } else {
                WalkState::Continue
            }
        })
    });
    let mut files = found
        .into_inner()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok((files, stop.load(Ordering::Relaxed)))
}

/// Files up to this size that were named explicitly are searched whole, as ripgrep searches
/// them memory-mapped (which also leaves NUL bytes in place instead of ending lines there).
const EXPLICIT_WHOLE_FILE_LIMIT: u64 = 64 * 1024 * 1024;

fn search_explicit(
    searcher: &mut Searcher,
    matcher: &RegexMatcher,
    path: &Path,
    sink: &mut Collect<'_>,
) {
    let small = std::fs::metadata(path).is_ok_and(|meta| meta.len() <= EXPLICIT_WHOLE_FILE_LIMIT);
    if small && let Ok(bytes) = std::fs::read(path) {
        let _ = searcher.search_slice(matcher, &bytes, sink);
    } else {
        let _ = searcher.search_path(matcher, path, sink);
    }
}

fn searcher(binary: BinaryDetection) -> Searcher {
    SearcherBuilder::new()
        .line_terminator(grep_matcher::LineTerminator::byte(b'\n'))
        .line_number(true)
        .multi_line(false)
        .binary_detection(binary)
        .build()
}

/// Takes matching lines while the shared match budget lasts.
struct Collect<'a> {
    lines: Vec<(u64, String)>,
    slots: &'a AtomicUsize,
    stop: &'a AtomicBool,
    limit: usize,
}

impl Sink for Collect<'_> {
    type Error = std::io::Error;

    fn matched(
        &mut self,
        _searcher: &Searcher,
        found: &SinkMatch<'_>,
    ) -> Result<bool, Self::Error> {
        let first = found.line_number().unwrap_or(0);
        for (offset, line) in found.lines().enumerate() {
            let slot = self.slots.fetch_add(1, Ordering::Relaxed);
            if slot >= self.limit {
                self.stop.store(true, Ordering::Relaxed);
                return Ok(false);
            }
            let line = line.strip_suffix(b"\n").unwrap_or(line);
            self.lines.push((
                first + offset as u64,
                String::from_utf8_lossy(line).into_owned(),
            ));
            if slot + 1 >= self.limit {
                self.stop.store(true, Ordering::Relaxed);
                return Ok(false);
            }
        }
        Ok(!self.stop.load(Ordering::Relaxed))
    }
}

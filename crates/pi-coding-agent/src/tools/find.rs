//! `find`: finds files and directories by glob in-process, walking as pi runs `fd`
//! (hidden entries included, ignore files honoured, `.gitignore` also outside git
//! repositories), with paths relative to the search directory.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use globset::GlobBuilder;
use ignore::{WalkBuilder, WalkState};
use pi_agent_core::{AgentTool, AgentToolResult, BoxFuture, ToolCallInput, ToolError};
use pi_ai::CancellationToken;
use regex::bytes::{Regex, RegexBuilder};
use serde_json::{Map, Value, json};

use super::args::{optional_f64, required_str};
use super::errors::{ToolFailure, aborted};
use super::format::{js_json_number, js_number};
use super::truncate::{DEFAULT_MAX_BYTES, Limits, format_size, truncate_head};
use super::{run_abortable, search_path, search_threads, text_result};

const DESCRIPTION: &str = "Search for files by glob pattern. Returns matching file paths relative to the search directory. Respects .gitignore. Output is truncated to 1000 results or 50KB (whichever is hit first).";
const DEFAULT_LIMIT: f64 = 1000.0;

/// The `find` tool.
#[derive(Debug)]
pub struct FindTool {
    cwd: PathBuf,
    parameters: Value,
}

impl FindTool {
    /// A `find` tool searching from `cwd`.
    pub fn new(cwd: impl Into<PathBuf>) -> Self {
        FindTool {
            cwd: cwd.into(),
            parameters: json!({
                "type": "object",
                "required": ["pattern"],
                "properties": {
                    "pattern": {"type": "string", "description": "Glob pattern to match files, e.g. '*.ts', '**/*.json', or 'src/**/*.spec.ts'"},
                    "path": {"type": "string", "description": "Directory to search in (default: current directory)"},
                    "limit": {"type": "number", "description": "Maximum number of results (default: 1000)"}
                }
            }),
        }
    }
}

impl AgentTool for FindTool {
    fn name(&self) -> &str {
        "find"
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
            let pattern = required_str(&input.args, "pattern")?.to_string();
            let search_path = search_path(&input.args, &self.cwd);
            let limit = optional_f64(&input.args, "limit").unwrap_or(DEFAULT_LIMIT);
            let cancel = input.cancel.clone();
            run_abortable(&input.cancel, move || {
                find(&pattern, &search_path, limit, &cancel)
            })
            .await
        })
    }
}

fn fd_error(message: impl std::fmt::Display) -> ToolFailure {
    ToolFailure(format!("[fd error]: {message}"))
}

/// Whether a regex has an uppercase letter (fd's smart case: only then is it
/// case-sensitive).
fn has_uppercase(pattern: &str) -> bool {
    use regex_syntax::hir::{Class, Hir, HirKind};
    fn walk(hir: &Hir) -> bool {
        match hir.kind() {
            HirKind::Literal(literal) => match std::str::from_utf8(&literal.0) {
                Ok(text) => text.chars().any(char::is_uppercase),
                Err(_) => literal
                    .0
                    .iter()
                    .any(|byte| char::from(*byte).is_uppercase()),
            },
            HirKind::Class(Class::Unicode(ranges)) => ranges
                .iter()
                .any(|range| range.start().is_uppercase() || range.end().is_uppercase()),
            HirKind::Class(Class::Bytes(ranges)) => ranges.iter().any(|range| {
                char::from(range.start()).is_uppercase() || char::from(range.end()).is_uppercase()
            }),
            HirKind::Capture(capture) => walk(&capture.sub),
            HirKind::Repetition(repetition) => walk(&repetition.sub),
            HirKind::Concat(hirs) | HirKind::Alternation(hirs) => hirs.iter().any(walk),
            _ => false,
        }
    }
    regex_syntax::ParserBuilder::new()
        .utf8(false)
        .build()
        .parse(pattern)
        .map(|hir| walk(&hir))
        .unwrap_or(false)
}

/// What to find and where.
#[derive(Debug, Clone)]
pub struct FindRequest {
    /// The glob, as the model wrote it.
    pub pattern: String,
    /// The directory searched.
    pub search_path: PathBuf,
    /// Most results.
    pub limit: Option<usize>,
}

/// A glob compiled as fd compiles it: matched against the file name, or against the whole
/// absolute path when it contains `/` (then prefixed with `**/` unless anchored).
fn compile(pattern: &str) -> Result<(Regex, bool), ToolFailure> {
    let full_path = pattern.contains('/');
    let pattern =
        if full_path && !pattern.starts_with('/') && !pattern.starts_with("**/") && pattern != "**"
        {
            format!("**/{pattern}")
        } else {
            pattern.to_string()
        };
    let regex = if pattern.is_empty() {
        String::new()
    } else {
        GlobBuilder::new(&pattern)
            .literal_separator(true)
            .build()
            .map_err(fd_error)?
            .regex()
            .to_string()
    };
    let regex = RegexBuilder::new(&regex)
        .case_insensitive(!has_uppercase(&regex))
        .dot_matches_new_line(true)
        .build()
        .map_err(fd_error)?;
    Ok((regex, full_path))
}

fn inside_git_repository(dir: &Path) -> bool {
    dir.ancestors().any(|dir| dir.join(".git").exists())
}

/// fd's global ignore file (`$XDG_CONFIG_HOME/fd/ignore`, else `~/.config/fd/ignore`).
fn global_fd_ignore() -> Option<PathBuf> {
    let config = std::env::var_os("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .filter(|dir| dir.is_absolute())
        .or_else(|| std::env::home_dir().map(|home| home.join(".config")))?;
    Some(config.join("fd").join("ignore")).filter(|file| file.is_file())
}

/// Finds entries as `fd --glob --hidden` does; results are absolute paths sorted by path
/// (directories flagged), and whether the limit stopped the search.
pub fn find_paths(
    request: &FindRequest,
    cancel: &CancellationToken,
) -> Result<(Vec<(PathBuf, bool)>, bool), ToolFailure> {
    // fd checks the search path before the pattern.
    if !request.search_path.is_dir() {
        return Err(ToolFailure(format!(
            "[fd error]: Search path '{}' is not a directory.\n[fd error]: No valid search paths given.",
            request.search_path.display()
        )));
    }
    let (regex, full_path) = compile(&request.pattern)?;
    let mut builder = WalkBuilder::new(&request.search_path);
    builder
        .hidden(false)
        .ignore(true)
        .parents(true)
        .git_ignore(true)
        .git_global(true)
        .git_exclude(true)
        // Outside a repository pi asks fd to honour .gitignore anyway.
        .require_git(inside_git_repository(&request.search_path))
        .follow_links(false)
        .threads(search_threads())
        .add_custom_ignore_filename(".fdignore");
    if let Some(file) = global_fd_ignore() {
        let _ = builder.add_ignore(file);
    }
    let found = Mutex::new(Vec::new());
    let count = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let limit = request.limit.unwrap_or(usize::MAX);
    builder.build_parallel().run(|| {
        let (regex, found, count, stop) = (&regex, &found, &count, &stop);
        Box::new(move |entry| {
            if stop.load(Ordering::Relaxed) || cancel.is_cancelled() {
                return WalkState::Quit;
            }
            let entry = match entry {
                Ok(entry) if entry.depth() == 0 => return WalkState::Continue,
                Ok(entry) => entry,
                // Broken links are reported as errors by the walker but listed by fd.
                Err(ignore::Error::WithPath { path, .. })
                    if path
                        .symlink_metadata()
                        .is_ok_and(|meta| meta.file_type().is_symlink()) =>
                {
                    return accept(regex, full_path, path, false, found, count, stop, limit);
                }
                Err(_) => return WalkState::Continue,
            };
            let is_dir = entry.file_type().is_some_and(|kind| kind.is_dir());
            accept(
                regex,
                full_path,
                entry.into_path(),
                is_dir,
                found,
                count,
                stop,
                limit,
            )
        })
    });
    let mut paths = found
        .into_inner()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    paths.sort();
    Ok((paths, stop.load(Ordering::Relaxed)))
}

#[allow(clippy::too_many_arguments)]
fn accept(
    regex: &Regex,
    full_path: bool,
    path: PathBuf,
    is_dir: bool,
    found: &Mutex<Vec<(PathBuf, bool)>>,
    count: &AtomicUsize,
    stop: &AtomicBool,
    limit: usize,
) -> WalkState {
    let subject = if full_path {
        path.as_os_str()
    } else {
        match path.file_name() {
            Some(name) => name,
            None => return WalkState::Continue,
        }
    };
    if !regex.is_match(subject.as_encoded_bytes()) {
        return WalkState::Continue;
    }
    let slot = count.fetch_add(1, Ordering::Relaxed);
    if slot >= limit {
        stop.store(true, Ordering::Relaxed);
        return WalkState::Quit;
    }
    found
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .push((path, is_dir));
    if slot + 1 >= limit {
        stop.store(true, Ordering::Relaxed);
        return WalkState::Quit;
    }
    WalkState::Continue
}

fn find(
    pattern: &str,
    search_path: &Path,
    limit: f64,
    cancel: &CancellationToken,
) -> Result<AgentToolResult, ToolFailure> {
    // fd takes no limit for 0 (and pi then always reports the limit as reached).
    let max_results = (limit >= 1.0).then(|| limit.floor() as usize);
    let request = FindRequest {
        pattern: pattern.to_string(),
        search_path: search_path.to_path_buf(),
        limit: max_results,
    };
    let (paths, _) = find_paths(&request, cancel)?;
    if cancel.is_cancelled() {
        return Err(aborted());
    }
    if paths.is_empty() {
        return Ok(text_result("No files found matching pattern"));
    }
    let relative: Vec<String> = paths
        .iter()
        .map(|(path, is_dir)| {
            let relative = path.strip_prefix(search_path).unwrap_or(path);
            let mut text = relative.to_string_lossy().replace('\\', "/");
            if *is_dir && !text.ends_with('/') {
                text.push('/');
            }
            text
        })
        .collect();
    let limit_reached = relative.len() as f64 >= limit;
    let truncation = truncate_head(&relative.join("\n"), Limits::bytes_only());
    let mut text = truncation.content.clone();
    let mut details = Map::new();
    let mut notices = Vec::new();
    if limit_reached {
        notices.push(format!(
            "{} results limit reached. Use limit={} for more, or refine pattern",
            js_number(limit),
            js_number(limit * 2.0)
        ));
        details.insert("resultLimitReached".into(), js_json_number(limit));
    }
    if truncation.truncated {
        notices.push(format!("{} limit reached", format_size(DEFAULT_MAX_BYTES)));
        details.insert("truncation".into(), json!(truncation));
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smart_case() {
        assert!(!has_uppercase("(?-u)^[^/]*\\.ts$"));
        assert!(has_uppercase("^README\\.md$"));
    }
}

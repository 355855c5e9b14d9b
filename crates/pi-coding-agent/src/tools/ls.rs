//! `ls`: a directory's entries sorted as people sort them (case-insensitive, Unicode
//! collation), directories marked with `/`, dotfiles included.

use std::path::{Path, PathBuf};

use pi_agent_core::{AgentTool, AgentToolResult, BoxFuture, ToolCallInput, ToolError};
use serde_json::{Map, Value, json};

use super::args::optional_f64;
use super::errors::{ToolFailure, aborted, node_error};
use super::format::{js_json_number, js_number};
use super::truncate::{DEFAULT_MAX_BYTES, Limits, format_size, truncate_head};
use super::{run_abortable, search_path, text_result};

const DESCRIPTION: &str = "List directory contents. Returns entries sorted alphabetically, with '/' suffix for directories. Includes dotfiles. Output is truncated to 500 entries or 50KB (whichever is hit first).";
const DEFAULT_LIMIT: f64 = 500.0;

/// The `ls` tool.
#[derive(Debug)]
pub struct LsTool {
    cwd: PathBuf,
    parameters: Value,
}

impl LsTool {
    /// An `ls` tool resolving paths against `cwd`.
    pub fn new(cwd: impl Into<PathBuf>) -> Self {
        LsTool {
            cwd: cwd.into(),
            parameters: json!({
                "type": "object",
                "properties": {
                    "path": {"type": "string", "description": "Directory to list (default: current directory)"},
                    "limit": {"type": "number", "description": "Maximum number of entries to return (default: 500)"}
                }
            }),
        }
    }
}

impl AgentTool for LsTool {
    fn name(&self) -> &str {
        "ls"
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
            let dir = search_path(&input.args, &self.cwd);
            let limit = optional_f64(&input.args, "limit").unwrap_or(DEFAULT_LIMIT);
            run_abortable(&input.cancel, move || list(&dir, limit)).await
        })
    }
}

/// Sorts names as JavaScript's `a.toLowerCase().localeCompare(b.toLowerCase())` does
/// (Unicode collation, CLDR root order: `_` before `-` before `.`, accents after their
/// letters). Names that collate equal keep their order, as JavaScript's stable sort keeps
/// them.
pub fn sort_like_locale_compare(names: &mut Vec<String>) {
    let mut collator = feruca::Collator::new(feruca::Tailoring::default(), false, false);
    let mut keyed: Vec<(String, String)> = names
        .drain(..)
        .map(|name| (name.to_lowercase(), name))
        .collect();
    keyed.sort_by(|(a, _), (b, _)| collator.collate(a, b));
    names.extend(keyed.into_iter().map(|(_, name)| name));
}

fn list(dir: &Path, limit: f64) -> Result<AgentToolResult, ToolFailure> {
    if !dir.exists() {
        return Err(ToolFailure(format!("Path not found: {}", dir.display())));
    }
    let metadata = std::fs::metadata(dir).map_err(|err| node_error(&err, "stat", Some(dir)))?;
    if !metadata.is_dir() {
        return Err(ToolFailure(format!("Not a directory: {}", dir.display())));
    }
    let cannot_read = |err: std::io::Error| {
        ToolFailure(format!(
            "Cannot read directory: {}",
            node_error(&err, "scandir", Some(dir))
        ))
    };
    let mut names = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(cannot_read)? {
        let entry = entry.map_err(cannot_read)?;
        names.push(entry.file_name().to_string_lossy().into_owned());
    }
    sort_like_locale_compare(&mut names);
    let mut results = Vec::new();
    let mut limit_reached = false;
    for name in names {
        if results.len() as f64 >= limit {
            limit_reached = true;
            break;
        }
        // Entries that cannot be examined (broken links) are left out.
        let Ok(metadata) = std::fs::metadata(dir.join(&name)) else {
            continue;
        };
        let suffix = if metadata.is_dir() { "/" } else { "" };
        results.push(format!("{name}{suffix}"));
    }
    if results.is_empty() {
        return Ok(text_result("(empty directory)"));
    }
    let truncation = truncate_head(&results.join("\n"), Limits::bytes_only());
    let mut output = truncation.content.clone();
    let mut details = Map::new();
    let mut notices = Vec::new();
    if limit_reached {
        notices.push(format!(
            "{} entries limit reached. Use limit={} for more",
            js_number(limit),
            js_number(limit * 2.0)
        ));
        details.insert("entryLimitReached".into(), js_json_number(limit));
    }
    if truncation.truncated {
        notices.push(format!("{} limit reached", format_size(DEFAULT_MAX_BYTES)));
        details.insert("truncation".into(), json!(truncation));
    }
    if !notices.is_empty() {
        output.push_str(&format!("\n\n[{}]", notices.join(". ")));
    }
    let mut result = text_result(output);
    if !details.is_empty() {
        result.details = Some(Value::Object(details));
    }
    Ok(result)
}

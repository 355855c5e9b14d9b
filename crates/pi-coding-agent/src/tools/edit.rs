//! `edit`: exact-text replacements in one file, several disjoint ones per call, all or
//! nothing; the file's BOM and line endings are kept, and the result carries a numbered
//! diff and a unified patch.

use std::path::PathBuf;

use pi_agent_core::{AgentTool, AgentToolResult, BoxFuture, ToolCallInput, ToolError};
use pi_ai::{ConstrainedSampling, Strictness};
use serde_json::{Map, Value, json};

use super::args::required_str;
use super::edit_diff::{EditDiff, generate_diff_string, generate_unified_patch};
use super::edit_match::{
    Edit, apply_edits, detect_line_ending, normalize_to_lf, restore_line_endings,
};
use super::errors::{ToolFailure, aborted, error_code, node_error};
use super::file_write::{lock_file, write_atomic};
use super::path::resolve_to_cwd;
use super::{run_blocking, text_result};

const DESCRIPTION: &str = "Edit a single file using exact text replacement. Every edits[].oldText must match a unique, non-overlapping region of the original file. If two changes affect the same block or nearby lines, merge them into one edit instead of emitting overlapping edits. Do not include large unchanged regions just to connect distant changes.";

/// Lines of context around each change in the diff and the patch.
const DIFF_CONTEXT: usize = 4;

/// The `edit` tool.
#[derive(Debug)]
pub struct EditTool {
    cwd: PathBuf,
    parameters: Value,
    sampling: ConstrainedSampling,
}

impl EditTool {
    /// An `edit` tool resolving paths against `cwd`.
    pub fn new(cwd: impl Into<PathBuf>) -> Self {
        EditTool {
            cwd: cwd.into(),
            parameters: json!({
                "type": "object",
                "required": ["path", "edits"],
                "properties": {
                    "path": {"type": "string", "description": "Path to the file to edit (relative or absolute)"},
                    "edits": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["oldText", "newText"],
                            "properties": {
                                "oldText": {"type": "string", "description": "Exact text for one targeted replacement. It must be unique in the original file and must not overlap with any other edits[].oldText in the same call."},
                                "newText": {"type": "string", "description": "Replacement text for this targeted edit."}
                            }
                        },
                        "description": "One or more targeted replacements. Each edit is matched against the original file, not incrementally. Do not include overlapping or nested edits. If two changes touch the same block or nearby lines, merge them into one edit instead."
                    }
                }
            }),
            sampling: ConstrainedSampling::JsonSchema {
                strict: Strictness::Prefer,
            },
        }
    }
}

fn is_single_edit(value: &Value) -> bool {
    value.get("oldText").is_some_and(Value::is_string)
        && value.get("newText").is_some_and(Value::is_string)
}

/// Accepts what models send besides `edits: [...]`: `edits` as a JSON string or as one
/// object, and the older top-level `oldText`/`newText` (appended as the last edit).
pub fn prepare_edit_arguments(arguments: Value) -> Value {
    let Value::Object(mut args) = arguments else {
        return arguments;
    };
    match args.get("edits") {
        Some(Value::String(text)) => {
            if let Ok(parsed) = serde_json::from_str::<Value>(text) {
                if parsed.is_array() {
                    args.insert("edits".into(), parsed);
                } else if is_single_edit(&parsed) {
                    args.insert("edits".into(), Value::Array(vec![parsed]));
                }
            }
        }
        Some(single) if is_single_edit(single) => {
            let single = single.clone();
            args.insert("edits".into(), Value::Array(vec![single]));
        }
        _ => {}
    }
    let (Some(Value::String(old_text)), Some(Value::String(new_text))) =
        (args.get("oldText"), args.get("newText"))
    else {
        return Value::Object(args);
    };
    let legacy = json!({"oldText": old_text, "newText": new_text});
    let mut edits = match args.get("edits") {
        Some(Value::Array(edits)) => edits.clone(),
        _ => Vec::new(),
    };
    edits.push(legacy);
    let mut rest: Map<String, Value> = args
        .into_iter()
        .filter(|(key, _)| key != "oldText" && key != "newText")
        .collect();
    rest.insert("edits".into(), Value::Array(edits));
    Value::Object(rest)
}

fn parse_edits(args: &Value) -> Result<Vec<Edit>, ToolFailure> {
    let invalid = || {
        ToolFailure(
            "Edit tool input is invalid. edits must contain at least one replacement.".into(),
        )
    };
    let edits = args
        .get("edits")
        .and_then(Value::as_array)
        .ok_or_else(invalid)?;
    if edits.is_empty() {
        return Err(invalid());
    }
    edits
        .iter()
        .map(|edit| {
            let text = |key: &str| edit.get(key).and_then(Value::as_str).map(str::to_string);
            match (text("oldText"), text("newText")) {
                (Some(old_text), Some(new_text)) => Ok(Edit { old_text, new_text }),
                _ => Err(invalid()),
            }
        })
        .collect()
}

impl AgentTool for EditTool {
    fn name(&self) -> &str {
        "edit"
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

    fn prepare_arguments(&self, arguments: Value) -> Value {
        prepare_edit_arguments(arguments)
    }

    fn execute(&self, input: ToolCallInput) -> BoxFuture<'_, Result<AgentToolResult, ToolError>> {
        Box::pin(async move {
            let path = required_str(&input.args, "path")?.to_string();
            let edits = parse_edits(&input.args)?;
            let absolute = resolve_to_cwd(&path, &self.cwd);
            let _lock = lock_file(&absolute).await;
            // Checked between steps rather than on the abort signal, so that the lock is
            // held until a started write has finished.
            if input.cancel.is_cancelled() {
                return Err(aborted().into());
            }
            let cancel = input.cancel.clone();
            let result = run_blocking(move || edit_file(&absolute, &path, &edits, &cancel)).await?;
            if input.cancel.is_cancelled() {
                return Err(aborted().into());
            }
            Ok(result)
        })
    }
}

/// The diff an edit would make, without making it (for previews): the same matching and
/// errors as the tool, except that the file only has to be readable.
pub fn compute_edits_diff(
    path: &str,
    edits: &[Edit],
    cwd: &std::path::Path,
) -> Result<EditDiff, ToolFailure> {
    let absolute = resolve_to_cwd(path, cwd);
    if let Err(errno) = rustix::fs::access(&absolute, rustix::fs::Access::READ_OK) {
        let err = std::io::Error::from(errno);
        let detail = error_code(&err).map_or_else(
            || format!("Error: {err}"),
            |code| format!("Error code: {code}"),
        );
        return Err(ToolFailure(format!(
            "Could not edit file: {path}. {detail}."
        )));
    }
    let bytes = std::fs::read(&absolute).map_err(|err| node_error(&err, "read", None))?;
    let raw = String::from_utf8_lossy(&bytes);
    let content = raw.strip_prefix('\u{FEFF}').unwrap_or(&raw);
    let applied = apply_edits(&normalize_to_lf(content), edits, path)?;
    Ok(generate_diff_string(
        &applied.base_content,
        &applied.new_content,
        DIFF_CONTEXT,
    ))
}

fn edit_file(
    absolute: &std::path::Path,
    path: &str,
    edits: &[Edit],
    cancel: &pi_ai::CancellationToken,
) -> Result<AgentToolResult, ToolFailure> {
    let could_not_edit =
        |detail: String| ToolFailure(format!("Could not edit file: {path}. {detail}."));
    if let Err(errno) = rustix::fs::access(
        absolute,
        rustix::fs::Access::READ_OK | rustix::fs::Access::WRITE_OK,
    ) {
        let err = std::io::Error::from(errno);
        let detail = error_code(&err).map_or_else(
            || format!("Error: {err}"),
            |code| format!("Error code: {code}"),
        );
        return Err(could_not_edit(detail));
    }
    let bytes = std::fs::read(absolute).map_err(|err| node_error(&err, "read", None))?;
    if cancel.is_cancelled() {
        return Err(aborted());
    }
    // Decoding invalid UTF-8 lossily and writing it back would destroy those bytes.
    let raw = String::from_utf8(bytes)
        .map_err(|_| could_not_edit("It is not UTF-8 text; edit it with bash instead".into()))?;
    let (bom, content) = match raw.strip_prefix('\u{FEFF}') {
        Some(rest) => ("\u{FEFF}", rest),
        None => ("", raw.as_str()),
    };
    let ending = detect_line_ending(content);
    let normalized = normalize_to_lf(content);
    let applied = apply_edits(&normalized, edits, path)?;
    if cancel.is_cancelled() {
        return Err(aborted());
    }
    let final_content = format!(
        "{bom}{}",
        restore_line_endings(&applied.new_content, ending)
    );
    write_atomic(absolute, final_content.as_bytes())
        .map_err(|err| node_error(&err, "open", Some(absolute)))?;
    let diff = generate_diff_string(&applied.base_content, &applied.new_content, DIFF_CONTEXT);
    let patch = generate_unified_patch(
        path,
        &applied.base_content,
        &applied.new_content,
        DIFF_CONTEXT,
    );
    let mut details = Map::new();
    details.insert("diff".into(), Value::String(diff.diff));
    details.insert("patch".into(), Value::String(patch));
    if let Some(line) = diff.first_changed_line {
        details.insert("firstChangedLine".into(), json!(line));
    }
    let mut result = text_result(format!(
        "Successfully replaced {} block(s) in {path}.",
        edits.len()
    ));
    result.details = Some(Value::Object(details));
    Ok(result)
}

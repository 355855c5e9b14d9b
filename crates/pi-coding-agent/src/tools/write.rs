//! `write`: creates or replaces a file (parent directories included), atomically.

use std::path::{Path, PathBuf};

use pi_agent_core::{AgentTool, AgentToolResult, BoxFuture, ToolCallInput, ToolError};
use pi_ai::{ConstrainedSampling, Strictness};
use serde_json::{Value, json};

use super::args::required_str;
use super::errors::{ToolFailure, aborted, node_error};
use super::file_write::{lock_file, write_atomic};
use super::path::resolve_to_cwd;
use super::{run_blocking, text_result};

const DESCRIPTION: &str = "Write content to a file. Creates the file if it doesn't exist, overwrites if it does. Automatically creates parent directories.";

/// The `write` tool.
#[derive(Debug)]
pub struct WriteTool {
    cwd: PathBuf,
    parameters: Value,
    sampling: ConstrainedSampling,
}

impl WriteTool {
    /// A `write` tool resolving paths against `cwd`.
    pub fn new(cwd: impl Into<PathBuf>) -> Self {
        WriteTool {
            cwd: cwd.into(),
            parameters: json!({
                "type": "object",
                "required": ["path", "content"],
                "properties": {
                    "path": {"type": "string", "description": "Path to the file to write (relative or absolute)"},
                    "content": {"type": "string", "description": "Content to write to the file"}
                }
            }),
            sampling: ConstrainedSampling::JsonSchema {
                strict: Strictness::Prefer,
            },
        }
    }
}

impl AgentTool for WriteTool {
    fn name(&self) -> &str {
        "write"
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
            let path = required_str(&input.args, "path")?.to_string();
            let content = required_str(&input.args, "content")?.to_string();
            let absolute = resolve_to_cwd(&path, &self.cwd);
            let _lock = lock_file(&absolute).await;
            if input.cancel.is_cancelled() {
                return Err(aborted().into());
            }
            run_blocking(move || write_file(&absolute, &content)).await?;
            if input.cancel.is_cancelled() {
                return Err(aborted().into());
            }
            Ok(text_result(format!("Successfully wrote to {path}")))
        })
    }
}

fn write_file(absolute: &Path, content: &str) -> Result<(), ToolFailure> {
    if let Some(dir) = absolute.parent() {
        std::fs::create_dir_all(dir).map_err(|err| node_error(&err, "mkdir", Some(dir)))?;
    }
    if absolute.is_dir() {
        let err = std::io::Error::from(rustix::io::Errno::ISDIR);
        return Err(node_error(&err, "open", Some(absolute)).into());
    }
    write_atomic(absolute, content.as_bytes())
        .map_err(|err| node_error(&err, "open", Some(absolute)).into())
}

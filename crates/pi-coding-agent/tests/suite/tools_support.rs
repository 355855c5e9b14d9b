//! Helpers for the tool tests: a temp directory, tools built for it, and calls that return
//! the result or the error text.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use pi_agent_core::{AgentTool, AgentToolResult, ToolCallInput, ToolProgress};
use pi_ai::{CancellationToken, InputContent};
use pi_coding_agent::tools::{ToolName, ToolSet, ToolsOptions, create_tools};
use serde_json::Value;

/// A temp directory with the tools built for it.
pub struct Workspace {
    pub dir: tempfile::TempDir,
    pub tools: ToolSet,
}

impl Workspace {
    pub fn new() -> Self {
        Self::with_options(ToolsOptions::default())
    }

    pub fn with_options(options: ToolsOptions) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let tools = create_tools(dir.path(), options);
        Workspace { dir, tools }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn join(&self, relative: &str) -> PathBuf {
        self.dir.path().join(relative)
    }

    /// The absolute path of `relative` as text.
    pub fn abs(&self, relative: &str) -> String {
        self.join(relative).to_string_lossy().into_owned()
    }

    pub fn write(&self, relative: &str, content: impl AsRef<[u8]>) -> PathBuf {
        let path = self.join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, content).unwrap();
        path
    }

    pub fn read(&self, relative: &str) -> String {
        std::fs::read_to_string(self.join(relative)).unwrap()
    }

    pub fn tool(&self, name: ToolName) -> Arc<dyn AgentTool> {
        self.tools.get(name)
    }

    /// Runs a tool on `args` (after its argument preparation, as the agent does).
    pub async fn call(&self, name: ToolName, args: Value) -> Result<AgentToolResult, String> {
        call(
            &*self.tool(name),
            args,
            CancellationToken::new(),
            ToolProgress::ignored(),
        )
        .await
    }

    pub async fn ok(&self, name: ToolName, args: Value) -> AgentToolResult {
        match self.call(name, args).await {
            Ok(result) => result,
            Err(err) => panic!("{name} failed: {err}"),
        }
    }

    pub async fn err(&self, name: ToolName, args: Value) -> String {
        match self.call(name, args).await {
            Ok(result) => panic!("{name} succeeded: {}", text(&result)),
            Err(err) => err,
        }
    }
}

pub async fn call(
    tool: &dyn AgentTool,
    args: Value,
    cancel: CancellationToken,
    progress: ToolProgress,
) -> Result<AgentToolResult, String> {
    let args = tool.prepare_arguments(args);
    let input = ToolCallInput {
        call_id: "call-1".into(),
        args,
        cancel,
        progress,
    };
    tool.execute(input).await.map_err(|err| err.to_string())
}

/// The text blocks of a result, joined by newlines.
pub fn text(result: &AgentToolResult) -> String {
    result
        .content
        .iter()
        .filter_map(|block| match block {
            InputContent::Text(text) => Some(text.text.as_str()),
            InputContent::Image(_) => None,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

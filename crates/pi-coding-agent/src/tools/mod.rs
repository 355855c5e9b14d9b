//! The built-in tools: `read`, `bash`, `edit`, `write`, `grep`, `find` and `ls`, with pi's
//! names, schemas, descriptions, limits and messages (models are tuned to them).
//!
//! Build them for a working directory with [`create_tools`]; a [`ToolSet`] hands out the
//! default set (`read`, `bash`, `edit`, `write`), the read-only set (`read`, `grep`, `find`,
//! `ls`) or any selection by name.

mod args;
mod bash;
mod edit;
mod edit_diff;
mod edit_match;
mod errors;
mod file_write;
mod find;
mod format;
mod grep;
mod image;
mod ls;
mod output;
mod path;
mod read;
mod shell;
mod truncate;
mod utf8;
mod write;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use pi_agent_core::{AgentTool, AgentToolResult};

pub use bash::{BashOptions, BashTool, SessionEnvFn};
pub use edit::{EditTool, compute_edits_diff, prepare_edit_arguments};
pub use edit_diff::{DiffPart, EditDiff, diff_lines, generate_diff_string, generate_unified_patch};
pub use edit_match::{
    AppliedEdits, Edit, FoundText, apply_edits, detect_line_ending, fuzzy_find_text,
    normalize_for_fuzzy_match, normalize_to_lf, restore_line_endings,
};
pub use errors::ToolFailure;
pub(crate) use errors::node_error;
pub use file_write::{lock_file, write_atomic};
pub use find::{FindRequest, FindTool, find_paths};
pub use format::{js_number, to_fixed};
pub use grep::{FileMatches, GrepRequest, GrepTool, grep_search};
pub use image::{
    ProcessedImage, ResizeOptions, ResizedImage, detect_image_mime, process_image, resize_image,
};
pub use ls::{LsTool, sort_like_locale_compare};
pub use output::{OutputAccumulator, OutputSnapshot};
pub use path::{expand_path, resolve_read_path, resolve_to_cwd};
pub use read::{ModelImages, ModelImagesFn, ReadOptions, ReadTool};
pub use shell::{
    RunningCommands, SessionEnv, ShellConfig, kill_process_tree, shell_config, shell_env,
};
pub use truncate::{
    DEFAULT_MAX_BYTES, DEFAULT_MAX_LINES, GREP_MAX_LINE_LENGTH, Limits, TruncatedBy, Truncation,
    UNLIMITED_LINES, format_size, truncate_head, truncate_line, truncate_tail,
};
pub use utf8::Utf8Stream;
pub use write::WriteTool;

/// A built-in tool.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ToolName {
    /// `read`: file contents and images.
    Read,
    /// `bash`: shell commands.
    Bash,
    /// `edit`: exact-text replacements.
    Edit,
    /// `write`: whole files.
    Write,
    /// `grep`: content search.
    Grep,
    /// `find`: files by glob.
    Find,
    /// `ls`: directory listings.
    Ls,
}

/// The tools active by default.
pub const DEFAULT_TOOLS: [ToolName; 4] = [
    ToolName::Read,
    ToolName::Bash,
    ToolName::Edit,
    ToolName::Write,
];

/// The read-only preset.
pub const READ_ONLY_TOOLS: [ToolName; 4] =
    [ToolName::Read, ToolName::Grep, ToolName::Find, ToolName::Ls];

impl ToolName {
    /// Every built-in tool, in pi's order.
    pub const ALL: [ToolName; 7] = [
        ToolName::Read,
        ToolName::Bash,
        ToolName::Edit,
        ToolName::Write,
        ToolName::Grep,
        ToolName::Find,
        ToolName::Ls,
    ];

    /// The name the model calls it by.
    pub fn as_str(self) -> &'static str {
        match self {
            ToolName::Read => "read",
            ToolName::Bash => "bash",
            ToolName::Edit => "edit",
            ToolName::Write => "write",
            ToolName::Grep => "grep",
            ToolName::Find => "find",
            ToolName::Ls => "ls",
        }
    }

    /// The tool called `name`.
    pub fn parse(name: &str) -> Option<ToolName> {
        ToolName::ALL.into_iter().find(|tool| tool.as_str() == name)
    }

    /// Its one-line summary in the system prompt's tool list.
    pub fn prompt_snippet(self) -> &'static str {
        match self {
            ToolName::Read => "Read file contents",
            ToolName::Bash => "Execute bash commands (ls, grep, find, etc.)",
            ToolName::Edit => {
                "Make precise file edits with exact text replacement, including multiple disjoint edits in one call"
            }
            ToolName::Write => "Create or overwrite files",
            ToolName::Grep => "Search file contents for patterns (respects .gitignore)",
            ToolName::Find => "Find files by glob pattern (respects .gitignore)",
            ToolName::Ls => "List directory contents",
        }
    }

    /// Its guidelines for the system prompt. `bash` has one only when the `PI_*` session
    /// variables are exposed ([`BashOptions::expose_session_environment`]).
    pub fn prompt_guidelines(self, options: &ToolsOptions) -> &'static [&'static str] {
        match self {
            ToolName::Read => &["Use read to examine files instead of cat or sed."],
            ToolName::Bash if options.bash.expose_session_environment => &[
                "You can inspect PI_* environment variables for current model and session details.",
            ],
            ToolName::Edit => &[
                "Use edit for precise changes (edits[].oldText must match exactly)",
                "When changing multiple separate locations in one file, use one edit call with multiple entries in edits[] instead of multiple edit calls",
                "Each edits[].oldText is matched against the original file, not after earlier edits are applied. Do not emit overlapping or nested edits. Merge nearby changes into one edit.",
                "Keep edits[].oldText as small as possible while still being unique in the file. Do not pad with large unchanged regions.",
            ],
            ToolName::Write => &["Use write only for new files or complete rewrites."],
            _ => &[],
        }
    }
}

impl std::fmt::Display for ToolName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for ToolName {
    type Err = ToolFailure;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        ToolName::parse(name).ok_or_else(|| ToolFailure(format!("Unknown tool name: {name}")))
    }
}

/// Settings of the built-in tools.
#[derive(Debug, Clone, Default)]
pub struct ToolsOptions {
    /// `read`'s image handling.
    pub read: ReadOptions,
    /// `bash`'s shell, prefix and environment.
    pub bash: BashOptions,
}

/// The built-in tools of one working directory.
///
/// ```
/// use pi_coding_agent::tools::{ToolName, ToolsOptions, create_tools};
///
/// let tools = create_tools("/tmp", ToolsOptions::default());
/// let names: Vec<String> = tools.defaults().iter().map(|tool| tool.name().to_string()).collect();
/// assert_eq!(names, ["read", "bash", "edit", "write"]);
/// assert_eq!(tools.get(ToolName::Grep).name(), "grep");
/// ```
#[derive(Clone)]
pub struct ToolSet {
    cwd: PathBuf,
    /// One tool per name, in [`ToolName::ALL`] order.
    tools: [Arc<dyn AgentTool>; 7],
    running: RunningCommands,
}

impl std::fmt::Debug for ToolSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ToolSet")
            .field("cwd", &self.cwd)
            .field("tools", &ToolName::ALL)
            .finish()
    }
}

/// Builds one built-in tool for `cwd`.
pub fn create_tool(
    name: ToolName,
    cwd: &Path,
    options: &ToolsOptions,
    running: &RunningCommands,
) -> Arc<dyn AgentTool> {
    match name {
        ToolName::Read => Arc::new(ReadTool::new(cwd, options.read.clone())),
        ToolName::Bash => Arc::new(BashTool::new(cwd, options.bash.clone(), running.clone())),
        ToolName::Edit => Arc::new(EditTool::new(cwd)),
        ToolName::Write => Arc::new(WriteTool::new(cwd)),
        ToolName::Grep => Arc::new(GrepTool::new(cwd)),
        ToolName::Find => Arc::new(FindTool::new(cwd)),
        ToolName::Ls => Arc::new(LsTool::new(cwd)),
    }
}

/// Builds every built-in tool for `cwd`.
pub fn create_tools(cwd: impl Into<PathBuf>, options: ToolsOptions) -> ToolSet {
    let cwd = cwd.into();
    let running = RunningCommands::default();
    let tools = ToolName::ALL.map(|name| create_tool(name, &cwd, &options, &running));
    ToolSet {
        cwd,
        tools,
        running,
    }
}

impl ToolSet {
    /// The working directory the tools resolve paths against.
    pub fn cwd(&self) -> &Path {
        &self.cwd
    }

    /// One tool.
    pub fn get(&self, name: ToolName) -> Arc<dyn AgentTool> {
        self.tools[name as usize].clone()
    }

    /// The tools named, in that order.
    pub fn select(&self, names: &[ToolName]) -> Vec<Arc<dyn AgentTool>> {
        names.iter().map(|name| self.get(*name)).collect()
    }

    /// `read`, `bash`, `edit`, `write`.
    pub fn defaults(&self) -> Vec<Arc<dyn AgentTool>> {
        self.select(&DEFAULT_TOOLS)
    }

    /// `read`, `grep`, `find`, `ls`.
    pub fn read_only(&self) -> Vec<Arc<dyn AgentTool>> {
        self.select(&READ_ONLY_TOOLS)
    }

    /// All seven.
    pub fn all(&self) -> Vec<Arc<dyn AgentTool>> {
        self.select(&ToolName::ALL)
    }

    /// The commands `bash` is running, to stop them when the application exits.
    pub fn running_commands(&self) -> &RunningCommands {
        &self.running
    }
}

/// A text-only result.
fn text_result(text: impl Into<String>) -> AgentToolResult {
    AgentToolResult::text(text)
}

/// Threads for walking and searching directory trees (ripgrep's choice: the available
/// parallelism, at most 12).
fn search_threads() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get().min(12))
}

/// Runs blocking file work off the async threads, answering an abort at once (the work
/// sees `cancel` too and stops at its next check).
async fn run_abortable<T, F>(
    cancel: &pi_ai::CancellationToken,
    work: F,
) -> Result<T, pi_agent_core::ToolError>
where
    F: FnOnce() -> Result<T, ToolFailure> + Send + 'static,
    T: Send + 'static,
{
    tokio::select! {
        result = run_blocking(work) => Ok(result?),
        () = cancel.cancelled() => Err(errors::aborted().into()),
    }
}

/// The directory a search tool works in: its `path` argument (empty or absent: the cwd).
fn search_path(args: &serde_json::Value, cwd: &std::path::Path) -> std::path::PathBuf {
    let path = args::optional_str(args, "path")
        .filter(|path| !path.is_empty())
        .unwrap_or(".");
    path::resolve_to_cwd(path, cwd)
}

/// Runs blocking file work off the async threads.
async fn run_blocking<T, F>(work: F) -> Result<T, ToolFailure>
where
    F: FnOnce() -> Result<T, ToolFailure> + Send + 'static,
    T: Send + 'static,
{
    match tokio::task::spawn_blocking(work).await {
        Ok(result) => result,
        Err(err) => Err(ToolFailure(format!("Tool task failed: {err}"))),
    }
}

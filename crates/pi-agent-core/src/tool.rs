//! Tools the agent can run: the [`AgentTool`] trait, results and progress.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use pi_ai::{
    CancellationToken, ConstrainedSampling, ImageContent, InputContent, TextContent, Tool, Usage,
};
use serde::Serialize;
use serde_json::Value;
use tokio::sync::mpsc;

/// A boxed future, as tools and hooks return them.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// What a tool failure carries: its message becomes the error result the model reads.
pub type ToolError = Box<dyn std::error::Error + Send + Sync>;

/// The outcome of a tool call (or, as progress, the outcome so far).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AgentToolResult {
    /// What the model sees.
    pub content: Vec<InputContent>,
    /// Structured details for the UI and the session (never sent to the model).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub details: Option<Value>,
    /// Usage of model work done inside the tool.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub usage: Option<Usage>,
    /// Asks the agent to stop after this batch (only when every result of the batch asks).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub terminate: Option<bool>,
}

impl AgentToolResult {
    /// A text result.
    pub fn text(text: impl Into<String>) -> Self {
        AgentToolResult {
            content: vec![InputContent::Text(TextContent::new(text))],
            ..Self::default()
        }
    }

    /// An image result.
    pub fn image(image: ImageContent) -> Self {
        AgentToolResult {
            content: vec![InputContent::Image(image)],
            ..Self::default()
        }
    }

    /// The same result with `details`.
    pub fn with_details(mut self, details: Value) -> Self {
        self.details = Some(details);
        self
    }

    /// The error result the loop reports for `message` (empty details, as pi writes them).
    pub(crate) fn error(message: impl Into<String>) -> Self {
        AgentToolResult::text(message).with_details(Value::Object(Default::default()))
    }
}

/// How the calls of one assistant message run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ExecutionMode {
    /// Prepared in order, then run concurrently (the default).
    #[default]
    Parallel,
    /// Prepared, run and finished one after another.
    Sequential,
}

/// Reports a running tool's progress. Each report is the whole result so far, not a delta;
/// reports after the tool finished are ignored.
#[derive(Clone)]
pub struct ToolProgress {
    sender: Option<mpsc::UnboundedSender<(usize, AgentToolResult)>>,
    slot: usize,
    open: Arc<AtomicBool>,
}

impl fmt::Debug for ToolProgress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ToolProgress")
            .field("open", &self.open.load(Ordering::Relaxed))
            .finish()
    }
}

impl ToolProgress {
    pub(crate) fn new(
        sender: mpsc::UnboundedSender<(usize, AgentToolResult)>,
        slot: usize,
    ) -> Self {
        ToolProgress {
            sender: Some(sender),
            slot,
            open: Arc::new(AtomicBool::new(true)),
        }
    }

    /// Progress that goes nowhere (for calling a tool outside an agent).
    pub fn ignored() -> Self {
        ToolProgress {
            sender: None,
            slot: 0,
            open: Arc::new(AtomicBool::new(false)),
        }
    }

    /// Reports the result so far.
    pub fn update(&self, partial: AgentToolResult) {
        if let (true, Some(sender)) = (self.open.load(Ordering::Acquire), &self.sender) {
            // The receiver outlives every tool of the batch; a send can only fail after the run
            // was abandoned, when nobody wants the update.
            let _ = sender.send((self.slot, partial));
        }
    }

    pub(crate) fn close(&self) {
        self.open.store(false, Ordering::Release);
    }
}

/// Everything a tool gets for one call.
#[derive(Debug, Clone)]
pub struct ToolCallInput {
    /// The call id.
    pub call_id: String,
    /// The arguments, validated against the tool's schema (and coerced to it).
    pub args: Value,
    /// Cancelled when the run is aborted.
    pub cancel: CancellationToken,
    /// Where to report progress.
    pub progress: ToolProgress,
}

/// A tool the agent can run.
///
/// Contract: `execute` honours `input.cancel` and reports failure by returning `Err` (the
/// error's message becomes an error result the model reads); it never panics.
pub trait AgentTool: Send + Sync {
    /// The name the model calls it by.
    fn name(&self) -> &str;

    /// A label for user interfaces.
    fn label(&self) -> &str {
        self.name()
    }

    /// What the tool does, for the model.
    fn description(&self) -> &str;

    /// JSON Schema of the arguments object.
    fn parameters(&self) -> &Value;

    /// Provider-side constrained sampling for the arguments.
    fn constrained_sampling(&self) -> Option<&ConstrainedSampling> {
        None
    }

    /// Forces a mode for batches that contain this tool (`Sequential` wins).
    fn execution_mode(&self) -> Option<ExecutionMode> {
        None
    }

    /// Adjusts raw arguments before validation (for compatibility with older argument forms).
    fn prepare_arguments(&self, arguments: Value) -> Value {
        arguments
    }

    /// Runs one call.
    fn execute(&self, input: ToolCallInput) -> BoxFuture<'_, Result<AgentToolResult, ToolError>>;

    /// The declaration the model sees.
    fn declaration(&self) -> Tool {
        Tool {
            name: self.name().to_string(),
            description: self.description().to_string(),
            parameters: self.parameters().clone(),
            constrained_sampling: self.constrained_sampling().cloned(),
        }
    }
}

type Execute =
    dyn Fn(ToolCallInput) -> BoxFuture<'static, Result<AgentToolResult, ToolError>> + Send + Sync;

/// A tool made of a name, a schema and an async function.
///
/// ```
/// use pi_agent_core::{AgentToolResult, FnTool};
/// use serde_json::json;
///
/// let shout = FnTool::new("shout", "Upper-cases text", json!({
///     "type": "object",
///     "properties": {"text": {"type": "string"}},
///     "required": ["text"]
/// }), |input| async move {
///     let text = input.args["text"].as_str().unwrap_or_default().to_uppercase();
///     Ok(AgentToolResult::text(text))
/// });
/// assert_eq!(pi_agent_core::AgentTool::name(&shout), "shout");
/// ```
#[derive(Clone)]
pub struct FnTool {
    name: String,
    label: String,
    description: String,
    parameters: Value,
    mode: Option<ExecutionMode>,
    execute: Arc<Execute>,
}

impl fmt::Debug for FnTool {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FnTool")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

impl FnTool {
    /// A tool running `execute` for each call.
    pub fn new<F, Fut>(
        name: impl Into<String>,
        description: impl Into<String>,
        parameters: Value,
        execute: F,
    ) -> Self
    where
        F: Fn(ToolCallInput) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<AgentToolResult, ToolError>> + Send + 'static,
    {
        let name = name.into();
        FnTool {
            label: name.clone(),
            name,
            description: description.into(),
            parameters,
            mode: None,
            execute: Arc::new(move |input| Box::pin(execute(input))),
        }
    }

    /// Sets the UI label.
    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.label = label.into();
        self
    }

    /// Forces an execution mode for batches with this tool.
    pub fn with_execution_mode(mut self, mode: ExecutionMode) -> Self {
        self.mode = Some(mode);
        self
    }
}

impl AgentTool for FnTool {
    fn name(&self) -> &str {
        &self.name
    }

    fn label(&self) -> &str {
        &self.label
    }

    fn description(&self) -> &str {
        &self.description
    }

    fn parameters(&self) -> &Value {
        &self.parameters
    }

    fn execution_mode(&self) -> Option<ExecutionMode> {
        self.mode
    }

    fn execute(&self, input: ToolCallInput) -> BoxFuture<'_, Result<AgentToolResult, ToolError>> {
        (self.execute)(input)
    }
}

/// The JSON Schema of `T` as a tool's parameters: a plain object schema with every
/// definition inlined (providers reject `$ref` and `$schema`).
///
/// ```
/// #[derive(schemars::JsonSchema)]
/// struct ReadArgs {
///     /// Path to the file.
///     path: String,
///     /// First line to read.
///     offset: Option<u64>,
/// }
/// let schema = pi_agent_core::parameters_for::<ReadArgs>();
/// assert_eq!(schema["type"], "object");
/// assert_eq!(schema["required"], serde_json::json!(["path"]));
/// assert_eq!(schema["properties"]["path"]["description"], "Path to the file.");
/// ```
pub fn parameters_for<T: schemars::JsonSchema>() -> Value {
    let generator = schemars::generate::SchemaSettings::draft2020_12()
        .with(|settings| settings.inline_subschemas = true)
        .into_generator();
    let mut schema = generator.into_root_schema_for::<T>().to_value();
    if let Some(object) = schema.as_object_mut() {
        object.remove("$schema");
        object.remove("title");
    }
    schema
}

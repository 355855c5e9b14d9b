//! The pi agent loop, built on [`pi_ai`]: ask the model, run the tools it calls, feed the
//! results back, until it stops.
//!
//! - [`Agent`] holds a transcript, tools and a model; [`Agent::prompt`] runs until the model
//!   stops, [`Agent::steer`] and [`Agent::follow_up`] queue what the user says meanwhile,
//!   [`Agent::abort`] stops a run promptly.
//! - [`AgentTool`] is a tool: a JSON Schema for its arguments (see [`parameters_for`]) and an
//!   async, cancellable `execute` that can report progress. Arguments are validated (and
//!   coerced) before a tool sees them; failures of every kind reach the model as error
//!   results, and the run goes on.
//! - [`AgentEvent`]s report every step with pi's JSON shapes; [`AgentHooks`] let an
//!   application decide what the model sees and which calls may run.
//!
//! ```
//! use std::sync::Arc;
//! use pi_agent_core::{Agent, AgentEvent, AgentOptions, AgentToolResult, FnTool};
//! use pi_ai::faux::{FauxProvider, FauxResponse};
//! use serde_json::json;
//!
//! # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
//! // A scripted model: first it calls the tool, then it answers.
//! let faux = FauxProvider::new([
//!     FauxResponse::tool_call("add", json!({"a": 2, "b": "3"})),
//!     FauxResponse::text("2 + 3 = 5"),
//! ]);
//! let add = FnTool::new("add", "Adds two numbers", json!({
//!     "type": "object",
//!     "properties": {"a": {"type": "number"}, "b": {"type": "number"}},
//!     "required": ["a", "b"]
//! }), |input| async move {
//!     // "3" arrived as a string; validation coerced it to the schema's number.
//!     let sum = input.args["a"].as_f64().unwrap_or(0.0) + input.args["b"].as_f64().unwrap_or(0.0);
//!     Ok(AgentToolResult::text(sum.to_string()))
//! });
//!
//! let mut options = AgentOptions::new(faux.model());
//! options.system_prompt = Some("You add numbers.".into());
//! options.tools = vec![Arc::new(add)];
//! options.stream_fn = Arc::new(move |model, context, options| {
//!     pi_ai::ApiProvider::stream_simple(&faux, model, context, options)
//! });
//! let agent = Agent::new(options);
//! agent.subscribe(|event| {
//!     if let AgentEvent::ToolExecutionEnd { result, .. } = event {
//!         assert_eq!(serde_json::to_value(result).unwrap()["content"][0]["text"], "5");
//!     }
//! });
//! agent.prompt("What is 2 + 3?").await.unwrap();
//! assert_eq!(agent.last_assistant_message().unwrap().text(), "2 + 3 = 5");
//! # });
//! ```
#![deny(missing_docs, clippy::print_stdout, clippy::print_stderr)]

mod agent;
mod agent_loop;
mod event;
mod hooks;
mod message;
mod tool;
mod tool_execution;
mod validation;

pub use agent::{Agent, AgentError, AgentOptions, AgentState, Prompt, QueueMode, Subscription};
pub use agent_loop::{
    AgentLoopConfig, ContinueError, Emit, StreamFn, default_stream_fn, run_agent_loop,
    run_agent_loop_continue,
};
pub use event::AgentEvent;
pub use hooks::{
    AfterToolCall, AgentContext, AgentHooks, BeforeToolCall, NoHooks, RequestContext,
    ToolCallBlock, ToolResultOverride, TurnContext, TurnDecision, TurnUpdate,
};
pub use message::{AgentMessage, CustomMessage};
pub use pi_ai;
pub use tool::{
    AgentTool, AgentToolResult, BoxFuture, ExecutionMode, FnTool, ToolCallInput, ToolError,
    ToolProgress, parameters_for,
};
pub use validation::{ValidationError, validate_tool_arguments};

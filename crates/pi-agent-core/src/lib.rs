//! The pi agent loop, built on [`pi_ai`].
//!
//! This crate will hold the event-driven loop that drives a conversation between a model and
//! its tools:
//!
//! - `Agent`: state (system prompt, model, thinking level, tools, messages), `prompt`,
//!   `continue`, abort, and the steering and follow-up queues;
//! - `AgentTool`: a named tool with a JSON-Schema for its parameters and an async, cancellable
//!   `execute` that can report progress;
//! - `AgentEvent`: `agent_start`/`agent_end`, `turn_start`/`turn_end`,
//!   `message_start`/`message_update`/`message_end` and
//!   `tool_execution_start`/`update`/`end`, with pi's JSON shapes;
//! - parallel (default) or sequential tool execution with results in assistant order, and the
//!   hooks around tool calls, context transformation and turn boundaries.
//!
//! Like `pi-ai`, it never prints and never reads configuration on its own.
#![deny(missing_docs, clippy::print_stdout, clippy::print_stderr)]

pub use pi_ai;

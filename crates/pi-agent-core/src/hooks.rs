//! Hooks: where an application shapes a run (what the model sees, which tool calls may run,
//! when a run ends). Every method has a default, so implement only what you need.

use std::sync::Arc;

use pi_ai::{
    AssistantMessage, CancellationToken, InputContent, Message, Model, ThinkingLevel, ToolCall,
    ToolResultMessage, Usage,
};
use serde_json::Value;

use crate::message::AgentMessage;
use crate::tool::{AgentTool, AgentToolResult, BoxFuture};

/// The transcript and tools of a run.
#[derive(Clone, Default)]
pub struct AgentContext {
    /// The transcript (system messages carry the prompt and tool declarations).
    pub messages: Vec<AgentMessage>,
    /// Tools the agent can run.
    pub tools: Vec<Arc<dyn AgentTool>>,
}

impl std::fmt::Debug for AgentContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let tools: Vec<&str> = self.tools.iter().map(|tool| tool.name()).collect();
        f.debug_struct("AgentContext")
            .field("messages", &self.messages.len())
            .field("tools", &tools)
            .finish()
    }
}

impl AgentContext {
    /// The tool named `name`.
    pub fn tool(&self, name: &str) -> Option<&Arc<dyn AgentTool>> {
        self.tools.iter().find(|tool| tool.name() == name)
    }
}

/// A tool call about to run (its arguments already validated).
#[derive(Debug)]
pub struct BeforeToolCall<'a> {
    /// The assistant message that asked for it.
    pub assistant_message: &'a AssistantMessage,
    /// The call as the model sent it.
    pub tool_call: &'a ToolCall,
    /// The validated arguments; changes made here reach the tool (without revalidation).
    pub args: &'a mut Value,
    /// The run's context.
    pub context: &'a AgentContext,
}

/// A `before_tool_call` verdict.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ToolCallBlock {
    /// Shown to the model as the error (`Tool execution was blocked` when `None`).
    pub reason: Option<String>,
    /// Ask to stop after this batch.
    pub terminate: bool,
}

/// A tool call that ran.
#[derive(Debug, Clone, Copy)]
pub struct AfterToolCall<'a> {
    /// The assistant message that asked for it.
    pub assistant_message: &'a AssistantMessage,
    /// The call as the model sent it.
    pub tool_call: &'a ToolCall,
    /// The validated arguments.
    pub args: &'a Value,
    /// What the tool returned.
    pub result: &'a AgentToolResult,
    /// Whether that is an error.
    pub is_error: bool,
    /// The run's context.
    pub context: &'a AgentContext,
}

/// Field-wise replacements for a tool result (no deep merge).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ToolResultOverride {
    /// Replaces the content.
    pub content: Option<Vec<InputContent>>,
    /// Replaces the details.
    pub details: Option<Value>,
    /// Replaces the error flag.
    pub is_error: Option<bool>,
    /// Replaces the usage.
    pub usage: Option<Usage>,
    /// Replaces the termination hint.
    pub terminate: Option<bool>,
}

/// A completed turn.
#[derive(Debug, Clone, Copy)]
pub struct TurnContext<'a> {
    /// The assistant message of the turn.
    pub message: &'a AssistantMessage,
    /// Its tool results.
    pub tool_results: &'a [ToolResultMessage],
    /// The context after the turn.
    pub context: &'a AgentContext,
    /// The messages the run has added so far.
    pub new_messages: &'a [AgentMessage],
}

/// What `finish_turn` decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TurnDecision {
    /// End the run now (no queues are polled).
    End,
    /// Make at least one more request.
    Continue,
}

/// Replacements for the next request or turn.
#[derive(Debug, Clone, Default)]
pub struct TurnUpdate {
    /// A new context.
    pub context: Option<AgentContext>,
    /// Messages to add first (`prepare_next_turn` only).
    pub messages: Vec<AgentMessage>,
    /// Another model.
    pub model: Option<Model>,
    /// Another thinking level.
    pub thinking_level: Option<ThinkingLevel>,
}

/// The state a request is about to be made with.
#[derive(Debug, Clone, Copy)]
pub struct RequestContext<'a> {
    /// The context.
    pub context: &'a AgentContext,
    /// The model.
    pub model: &'a Model,
    /// The thinking level.
    pub thinking_level: ThinkingLevel,
}

/// Where an application shapes an agent run.
///
/// Contract: hooks do not panic; the async ones honour `cancel`.
pub trait AgentHooks: Send + Sync {
    /// Turns the transcript into what the model sees. The default keeps the LLM roles
    /// (system messages included) and drops the rest.
    fn convert_to_llm(&self, messages: &[AgentMessage]) -> Vec<Message> {
        messages
            .iter()
            .filter_map(|message| message.as_llm().cloned())
            .collect()
    }

    /// Rewrites the transcript before each request (pruning, injected context).
    fn transform_context<'a>(
        &'a self,
        messages: Vec<AgentMessage>,
        _cancel: &'a CancellationToken,
    ) -> BoxFuture<'a, Vec<AgentMessage>> {
        Box::pin(async move { messages })
    }

    /// The API key for each request (so expiring tokens can be refreshed between requests).
    fn api_key<'a>(&'a self, _provider: &'a str) -> BoxFuture<'a, Option<String>> {
        Box::pin(async { None })
    }

    /// May block a tool call before it runs.
    fn before_tool_call<'a>(
        &'a self,
        _call: BeforeToolCall<'a>,
        _cancel: &'a CancellationToken,
    ) -> BoxFuture<'a, Option<ToolCallBlock>> {
        Box::pin(async { None })
    }

    /// May change a tool result after the tool ran.
    fn after_tool_call<'a>(
        &'a self,
        _call: AfterToolCall<'a>,
        _cancel: &'a CancellationToken,
    ) -> BoxFuture<'a, Result<Option<ToolResultOverride>, String>> {
        Box::pin(async { Ok(None) })
    }

    /// Decides, before `turn_end`, whether the run ends or continues.
    fn finish_turn<'a>(
        &'a self,
        _turn: TurnContext<'a>,
        _cancel: &'a CancellationToken,
    ) -> BoxFuture<'a, Option<TurnDecision>> {
        Box::pin(async { None })
    }

    /// Called before every request; may swap context, model or thinking level.
    fn prepare_request<'a>(
        &'a self,
        _request: RequestContext<'a>,
        _cancel: &'a CancellationToken,
    ) -> BoxFuture<'a, Option<TurnUpdate>> {
        Box::pin(async { None })
    }

    /// Called between turns; may swap state or add messages (compaction happens here).
    fn prepare_next_turn<'a>(
        &'a self,
        _turn: TurnContext<'a>,
        _cancel: &'a CancellationToken,
    ) -> BoxFuture<'a, Option<TurnUpdate>> {
        Box::pin(async { None })
    }

    /// Messages the user sent while the agent worked, delivered after the tool batch.
    fn steering_messages(&self) -> Vec<AgentMessage> {
        Vec::new()
    }

    /// Messages to handle when the agent would otherwise stop.
    fn follow_up_messages(&self) -> Vec<AgentMessage> {
        Vec::new()
    }
}

/// Hooks that change nothing.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoHooks;

impl AgentHooks for NoHooks {}

//! The agent loop: ask the model, run the tools it calls, feed the results back, until it
//! stops; then handle follow-ups. Messages stay [`AgentMessage`]s until the moment a request
//! is built.

use std::sync::{Arc, OnceLock};

use futures_util::StreamExt;
use pi_ai::{
    ApiRegistry, AssistantEvent, AssistantMessage, AssistantStream, CancellationToken, Context,
    Message, Model, SimpleStreamOptions, StartError, StopReason, SystemMessage, ThinkingLevel,
    Tool, ToolReference, ToolResultMessage, UserContent,
};

use crate::event::{AgentEvent, assistant};
use crate::hooks::{
    AgentContext, AgentHooks, RequestContext, TurnContext, TurnDecision, TurnUpdate,
};
use crate::message::AgentMessage;
use crate::tool::ExecutionMode;
use crate::tool_execution::{execute_tool_calls, fail_truncated_tool_calls};

/// Starts a model response; the loop calls it once per request.
pub type StreamFn = Arc<
    dyn Fn(&Model, &Context, &SimpleStreamOptions) -> Result<AssistantStream, StartError>
        + Send
        + Sync,
>;

/// Receives every event of a run, in order.
pub type Emit<'e> = &'e mut (dyn FnMut(&AgentEvent<'_>) + Send);

/// pi-ai's built-in adapters, shared by every agent that does not bring its own.
pub fn default_stream_fn() -> StreamFn {
    static REGISTRY: OnceLock<ApiRegistry> = OnceLock::new();
    Arc::new(|model, context, options| {
        REGISTRY
            .get_or_init(ApiRegistry::builtin)
            .stream_simple(model, context, options)
    })
}

/// How a run talks to the model and what shapes it.
#[derive(Clone)]
pub struct AgentLoopConfig {
    /// The model to ask.
    pub model: Model,
    /// The thinking level (`Off` asks for none).
    pub thinking_level: ThinkingLevel,
    /// Request options (API key, session id, budgets, ...); thinking and cancellation are
    /// set by the loop.
    pub options: SimpleStreamOptions,
    /// How tool batches run.
    pub tool_execution: ExecutionMode,
    /// How responses are streamed.
    pub stream_fn: StreamFn,
    /// The application's hooks.
    pub hooks: Arc<dyn AgentHooks>,
}

impl std::fmt::Debug for AgentLoopConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AgentLoopConfig")
            .field("model", &self.model.id)
            .field("thinking_level", &self.thinking_level)
            .field("tool_execution", &self.tool_execution)
            .finish_non_exhaustive()
    }
}

impl AgentLoopConfig {
    /// A config for `model` using pi-ai's adapters and no hooks.
    pub fn new(model: Model) -> Self {
        AgentLoopConfig {
            model,
            thinking_level: ThinkingLevel::Off,
            options: SimpleStreamOptions::default(),
            tool_execution: ExecutionMode::Parallel,
            stream_fn: default_stream_fn(),
            hooks: Arc::new(crate::hooks::NoHooks),
        }
    }
}

/// Why a continuation cannot start.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ContinueError {
    /// The transcript is empty.
    #[error("Cannot continue: no messages in context")]
    NoMessages,
    /// The model already answered the last message.
    #[error("Cannot continue from message role: assistant")]
    FromAssistant,
}

/// Runs the agent on `prompts` added to `context`; returns the messages the run added.
pub async fn run_agent_loop(
    prompts: Vec<AgentMessage>,
    mut context: AgentContext,
    config: AgentLoopConfig,
    cancel: CancellationToken,
    emit: Emit<'_>,
) -> Vec<AgentMessage> {
    let initial = declare_tool_changes(&context, prompts);
    context.messages.extend(initial.iter().cloned());
    emit(&AgentEvent::AgentStart);
    emit(&AgentEvent::TurnStart);
    for message in &initial {
        emit(&AgentEvent::MessageStart { message });
        emit(&AgentEvent::MessageEnd { message });
    }
    let mut run = Run {
        context,
        config,
        cancel,
        new_messages: initial,
    };
    run.run(emit).await;
    run.new_messages
}

/// Runs the agent on `context` as it is (after a failure, or with tool results pending).
pub async fn run_agent_loop_continue(
    context: AgentContext,
    config: AgentLoopConfig,
    cancel: CancellationToken,
    emit: Emit<'_>,
) -> Result<Vec<AgentMessage>, ContinueError> {
    match context.messages.last() {
        None => return Err(ContinueError::NoMessages),
        Some(message) if message.role() == "assistant" => return Err(ContinueError::FromAssistant),
        Some(_) => {}
    }
    emit(&AgentEvent::AgentStart);
    emit(&AgentEvent::TurnStart);
    let mut run = Run {
        context,
        config,
        cancel,
        new_messages: Vec::new(),
    };
    run.run(emit).await;
    Ok(run.new_messages)
}

/// One run's mutable state.
struct Run {
    context: AgentContext,
    config: AgentLoopConfig,
    cancel: CancellationToken,
    new_messages: Vec<AgentMessage>,
}

/// The last completed turn, kept for the hooks of the next one.
struct CompletedTurn {
    message: AssistantMessage,
    tool_results: Vec<ToolResultMessage>,
}

impl Run {
    fn hooks(&self) -> Arc<dyn AgentHooks> {
        Arc::clone(&self.config.hooks)
    }

    fn turn_context<'a>(&'a self, turn: &'a CompletedTurn) -> TurnContext<'a> {
        TurnContext {
            message: &turn.message,
            tool_results: &turn.tool_results,
            context: &self.context,
            new_messages: &self.new_messages,
        }
    }

    fn apply_update(&mut self, update: TurnUpdate) -> Vec<AgentMessage> {
        if let Some(context) = update.context {
            self.context = context;
        }
        if let Some(model) = update.model {
            self.config.model = model;
        }
        if let Some(level) = update.thinking_level {
            self.config.thinking_level = level;
        }
        update.messages
    }

    async fn run(&mut self, emit: Emit<'_>) {
        let hooks = self.hooks();
        let mut last_turn: Option<CompletedTurn> = None;
        let mut explicit_continuation = false;
        // The user may have typed while the run was being set up.
        let mut pending = hooks.steering_messages();
        loop {
            let mut more_tool_calls = true;
            while more_tool_calls || !pending.is_empty() {
                let mut prepared = Vec::new();
                if let Some(turn) = &last_turn {
                    let update = hooks
                        .prepare_next_turn(self.turn_context(turn), &self.cancel)
                        .await;
                    if let Some(update) = update {
                        prepared = self.apply_update(update);
                    }
                    // Preparing (compacting, say) can take a while: pick up steering sent
                    // meanwhile, unless a poll already returned some (one-at-a-time mode would
                    // otherwise deliver two messages in this turn).
                    if pending.is_empty() {
                        pending = hooks.steering_messages();
                    }
                    emit(&AgentEvent::TurnStart);
                }
                prepared.append(&mut pending);
                for message in declare_tool_changes(&self.context, prepared) {
                    emit(&AgentEvent::MessageStart { message: &message });
                    emit(&AgentEvent::MessageEnd { message: &message });
                    self.context.messages.push(message.clone());
                    self.new_messages.push(message);
                }
                let request = RequestContext {
                    context: &self.context,
                    model: &self.config.model,
                    thinking_level: self.config.thinking_level,
                };
                if let Some(update) = hooks.prepare_request(request, &self.cancel).await {
                    self.apply_update(TurnUpdate {
                        messages: Vec::new(),
                        ..update
                    });
                }

                let message = self.stream_response(emit).await;
                self.context.messages.push(assistant(message.clone()));
                self.new_messages.push(assistant(message.clone()));
                if message.stop_reason.is_failure() {
                    let turn = CompletedTurn {
                        message,
                        tool_results: Vec::new(),
                    };
                    hooks
                        .finish_turn(self.turn_context(&turn), &self.cancel)
                        .await;
                    emit(&AgentEvent::TurnEnd {
                        message: &turn.message,
                        tool_results: &[],
                    });
                    emit(&AgentEvent::AgentEnd {
                        messages: &self.new_messages,
                    });
                    return;
                }

                let mut tool_results = Vec::new();
                more_tool_calls = false;
                if message.tool_calls().next().is_some() {
                    // A length stop may have cut the arguments: run none of the calls.
                    let batch = if message.stop_reason == StopReason::Length {
                        fail_truncated_tool_calls(&message, emit)
                    } else {
                        execute_tool_calls(
                            &self.context,
                            &message,
                            &self.config,
                            &self.cancel,
                            emit,
                        )
                        .await
                    };
                    more_tool_calls = !batch.terminate;
                    for result in batch.messages {
                        self.context.messages.push(result.clone().into());
                        self.new_messages.push(result.clone().into());
                        tool_results.push(result);
                    }
                }
                let turn = CompletedTurn {
                    message,
                    tool_results,
                };
                let decision = hooks
                    .finish_turn(self.turn_context(&turn), &self.cancel)
                    .await;
                emit(&AgentEvent::TurnEnd {
                    message: &turn.message,
                    tool_results: &turn.tool_results,
                });
                if decision == Some(TurnDecision::End) {
                    emit(&AgentEvent::AgentEnd {
                        messages: &self.new_messages,
                    });
                    return;
                }
                explicit_continuation = decision == Some(TurnDecision::Continue);
                last_turn = Some(turn);
                pending = hooks.steering_messages();
                if more_tool_calls || !pending.is_empty() {
                    explicit_continuation = false;
                }
            }
            // The agent would stop here: follow-ups first.
            let follow_ups = hooks.follow_up_messages();
            if !follow_ups.is_empty() {
                explicit_continuation = false;
                pending = follow_ups;
                continue;
            }
            // Nothing scheduled another request, but finish_turn asked for one.
            if explicit_continuation {
                explicit_continuation = false;
                continue;
            }
            break;
        }
        emit(&AgentEvent::AgentEnd {
            messages: &self.new_messages,
        });
    }

    /// Streams one response, emitting its events; returns the final message.
    async fn stream_response(&mut self, emit: Emit<'_>) -> AssistantMessage {
        let hooks = self.hooks();
        let transformed = hooks
            .transform_context(self.context.messages.clone(), &self.cancel)
            .await;
        let llm_messages = hooks.convert_to_llm(&transformed);
        drop(transformed);
        let context = Context {
            system_prompt: None,
            messages: llm_messages,
            tools: None,
        };
        let model = &self.config.model;
        let mut options = self.config.options.clone();
        if let Some(key) = hooks.api_key(&model.provider).await {
            options.base.api_key = Some(key);
        }
        options.base.cancel = Some(self.cancel.clone());
        options.reasoning =
            Some(self.config.thinking_level).filter(|level| *level != ThinkingLevel::Off);

        let mut stream = match (self.config.stream_fn)(model, &context, &options) {
            Ok(stream) => stream,
            Err(error) => {
                let mut message = AssistantMessage::empty(&model.api, &model.provider, &model.id);
                message.stop_reason = StopReason::Error;
                message.error_message = Some(error.to_string());
                return finish_message(message, false, emit);
            }
        };
        let mut started = false;
        while let Some(event) = stream.next().await {
            match event {
                AssistantEvent::Start => {
                    started = true;
                    let partial = assistant(stream.partial().clone());
                    emit(&AgentEvent::MessageStart { message: &partial });
                }
                AssistantEvent::Done { message, .. }
                | AssistantEvent::Error { error: message, .. } => {
                    return finish_message(*message, started, emit);
                }
                event => {
                    if started {
                        emit(&AgentEvent::MessageUpdate {
                            message: stream.partial(),
                            assistant_message_event: &event,
                        });
                    }
                }
            }
        }
        // A stream always ends with done or error; this is only the stream's own fallback.
        stream.result().await
    }
}

/// Emits the end (and the start, if the stream never started) of the final message.
fn finish_message(message: AssistantMessage, started: bool, emit: Emit<'_>) -> AssistantMessage {
    let message = assistant(message);
    if !started {
        emit(&AgentEvent::MessageStart { message: &message });
    }
    emit(&AgentEvent::MessageEnd { message: &message });
    match message {
        AgentMessage::Llm(Message::Assistant(message)) => message,
        // `assistant` always builds an assistant message.
        _ => AssistantMessage::empty("", "", ""),
    }
}

/// Announces differences between the runnable tools and the tools the transcript declares,
/// with a system message before the first pending non-system message. A pending system
/// message's own tool fields are treated as intent and replaced by the actual difference.
pub(crate) fn declare_tool_changes(
    context: &AgentContext,
    pending: Vec<AgentMessage>,
) -> Vec<AgentMessage> {
    let system_index = pending.iter().rposition(|m| m.role() == "system");
    let mut baseline = pending;
    let mut intent = false;
    if let Some(AgentMessage::Llm(Message::System(system))) =
        system_index.and_then(|i| baseline.get_mut(i))
    {
        intent = system.tools_added.as_ref().is_some_and(|t| !t.is_empty())
            || system.tools_removed.as_ref().is_some_and(|t| !t.is_empty());
        system.tools_added = None;
        system.tools_removed = None;
    }
    let declared = pi_ai::current_tools(
        context
            .messages
            .iter()
            .chain(baseline.iter())
            .filter_map(AgentMessage::as_llm),
    );
    let runnable: Vec<Tool> = context
        .tools
        .iter()
        .map(|tool| tool.declaration())
        .collect();
    let (added, removed) = tool_state_changes(&declared, &runnable);
    let unchanged = added.is_empty() && removed.is_empty();
    if let Some(index) = system_index {
        if unchanged && !intent {
            return baseline;
        }
        if let Some(AgentMessage::Llm(Message::System(system))) = baseline.get_mut(index) {
            system.tools_added = (!added.is_empty()).then_some(added);
            system.tools_removed = (!removed.is_empty()).then_some(removed);
        }
        return baseline;
    }
    if unchanged {
        return baseline;
    }
    let update = SystemMessage {
        content: UserContent::Text(String::new()),
        sections: None,
        tools_added: (!added.is_empty()).then_some(added),
        tools_removed: (!removed.is_empty()).then_some(removed),
        timestamp: pi_ai::now_ms(),
        extra: Default::default(),
    };
    let at = baseline
        .iter()
        .position(|m| m.role() != "system")
        .unwrap_or(baseline.len());
    baseline.insert(at, update.into());
    baseline
}

/// Tools to declare and to withdraw; a changed definition is both.
fn tool_state_changes(previous: &[&Tool], current: &[Tool]) -> (Vec<Tool>, Vec<ToolReference>) {
    let added = current
        .iter()
        .filter(|tool| !previous.contains(tool))
        .cloned()
        .collect();
    let removed = previous
        .iter()
        .filter(|tool| !current.iter().any(|c| c == **tool))
        .map(|tool| ToolReference {
            name: tool.name.clone(),
        })
        .collect();
    (added, removed)
}

//! [`Agent`]: a transcript, tools and a model, driven by the loop, with queues for what the
//! user says while it works.

use std::collections::{BTreeSet, VecDeque};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use pi_ai::{
    AssistantMessage, CancellationToken, ImageContent, InputContent, Message, Model,
    PartialMessage, SimpleStreamOptions, SystemMessage, TextContent, ThinkingLevel, UserContent,
    UserMessage,
};
use serde::{Deserialize, Serialize};
use tokio::sync::watch;

use crate::agent_loop::{
    AgentLoopConfig, ContinueError, StreamFn, default_stream_fn, run_agent_loop,
    run_agent_loop_continue,
};
use crate::event::AgentEvent;
use crate::hooks::{
    AfterToolCall, AgentContext, AgentHooks, BeforeToolCall, NoHooks, RequestContext,
    ToolCallBlock, ToolResultOverride, TurnContext, TurnDecision, TurnUpdate,
};
use crate::message::AgentMessage;
use crate::tool::{AgentTool, BoxFuture, ExecutionMode};

/// How many queued messages one delivery takes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum QueueMode {
    /// Everything queued.
    All,
    /// The oldest message only (the default).
    #[default]
    OneAtATime,
}

impl QueueMode {
    /// The name pi writes (`all`, `one-at-a-time`).
    pub fn as_str(self) -> &'static str {
        match self {
            QueueMode::All => "all",
            QueueMode::OneAtATime => "one-at-a-time",
        }
    }

    /// The mode pi calls `name`.
    pub fn parse(name: &str) -> Option<QueueMode> {
        [QueueMode::All, QueueMode::OneAtATime]
            .into_iter()
            .find(|mode| mode.as_str() == name)
    }
}

/// Why an agent call was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AgentError {
    /// A prompt arrived while a run was active.
    #[error(
        "Agent is already processing a prompt. Use steer() or followUp() to queue messages, or wait for completion."
    )]
    Busy,
    /// `continue_run` while a run was active.
    #[error("Agent is already processing. Wait for completion before continuing.")]
    BusyContinuing,
    /// `reset` while a run was active.
    #[error("Agent is already processing. Wait for completion before resetting.")]
    BusyResetting,
    /// `continue_run` on an empty transcript.
    #[error("No messages to continue from")]
    NoMessages,
    /// `continue_run` after an assistant message with nothing queued.
    #[error("Cannot continue from message role: assistant")]
    FromAssistant,
}

/// What to prompt with.
#[derive(Debug, Clone)]
pub enum Prompt {
    /// A user message of text and images.
    Text {
        /// The text.
        text: String,
        /// Attached images.
        images: Vec<ImageContent>,
    },
    /// Ready-made messages.
    Messages(Vec<AgentMessage>),
}

impl From<&str> for Prompt {
    fn from(text: &str) -> Self {
        Prompt::Text {
            text: text.to_string(),
            images: Vec::new(),
        }
    }
}

impl From<String> for Prompt {
    fn from(text: String) -> Self {
        Prompt::Text {
            text,
            images: Vec::new(),
        }
    }
}

impl From<AgentMessage> for Prompt {
    fn from(message: AgentMessage) -> Self {
        Prompt::Messages(vec![message])
    }
}

impl From<Vec<AgentMessage>> for Prompt {
    fn from(messages: Vec<AgentMessage>) -> Self {
        Prompt::Messages(messages)
    }
}

impl From<UserMessage> for Prompt {
    fn from(message: UserMessage) -> Self {
        Prompt::Messages(vec![message.into()])
    }
}

impl Prompt {
    fn into_messages(self) -> Vec<AgentMessage> {
        match self {
            Prompt::Messages(messages) => messages,
            Prompt::Text { text, images } => {
                let mut content = vec![InputContent::Text(TextContent::new(text))];
                content.extend(images.into_iter().map(InputContent::Image));
                let message = UserMessage {
                    content: UserContent::Blocks(content),
                    timestamp: pi_ai::now_ms(),
                    extra: Default::default(),
                };
                vec![message.into()]
            }
        }
    }
}

/// How an agent is built.
#[derive(Clone)]
pub struct AgentOptions {
    /// The system prompt (seeds the leading system message of a new transcript).
    pub system_prompt: Option<String>,
    /// The model.
    pub model: Model,
    /// The thinking level.
    pub thinking_level: ThinkingLevel,
    /// The tools.
    pub tools: Vec<Arc<dyn AgentTool>>,
    /// An existing transcript.
    pub messages: Vec<AgentMessage>,
    /// Request options (API key, session id, thinking budgets, ...).
    pub request: SimpleStreamOptions,
    /// How responses are streamed (default: pi-ai's built-in adapters).
    pub stream_fn: StreamFn,
    /// The application's hooks.
    pub hooks: Arc<dyn AgentHooks>,
    /// How steering messages are delivered.
    pub steering_mode: QueueMode,
    /// How follow-up messages are delivered.
    pub follow_up_mode: QueueMode,
    /// How tool batches run.
    pub tool_execution: ExecutionMode,
}

impl std::fmt::Debug for AgentOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AgentOptions")
            .field("model", &self.model.id)
            .finish_non_exhaustive()
    }
}

impl AgentOptions {
    /// Options for `model` with everything else at its default.
    pub fn new(model: Model) -> Self {
        AgentOptions {
            system_prompt: None,
            model,
            thinking_level: ThinkingLevel::Off,
            tools: Vec::new(),
            messages: Vec::new(),
            request: SimpleStreamOptions::default(),
            stream_fn: default_stream_fn(),
            hooks: Arc::new(NoHooks),
            steering_mode: QueueMode::OneAtATime,
            follow_up_mode: QueueMode::OneAtATime,
            tool_execution: ExecutionMode::Parallel,
        }
    }
}

/// What an agent holds.
#[derive(Clone)]
pub struct AgentState {
    /// The model for the next request.
    pub model: Model,
    /// The thinking level for the next request.
    pub thinking_level: ThinkingLevel,
    /// The tools it can run.
    pub tools: Vec<Arc<dyn AgentTool>>,
    /// The transcript.
    pub messages: Vec<AgentMessage>,
    /// Whether a run is active.
    pub is_streaming: bool,
    /// The assistant message being streamed.
    pub streaming_message: Option<PartialMessage>,
    /// Ids of the tool calls running now.
    pub pending_tool_calls: BTreeSet<String>,
    /// The error of the last failed or aborted response.
    pub error_message: Option<String>,
}

impl std::fmt::Debug for AgentState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AgentState")
            .field("model", &self.model.id)
            .field("messages", &self.messages.len())
            .field("is_streaming", &self.is_streaming)
            .finish_non_exhaustive()
    }
}

impl AgentState {
    /// The current system prompt, replayed from the transcript's system messages.
    pub fn system_prompt(&self) -> String {
        pi_ai::current_system_message(self.messages.iter().filter_map(AgentMessage::as_llm))
            .map(|system| system.prompt_text())
            .unwrap_or_default()
    }
}

type Listener = Arc<dyn Fn(&AgentEvent<'_>) + Send + Sync>;

/// An id to unsubscribe a listener with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Subscription(usize);

#[derive(Default)]
struct Queue {
    mode: QueueMode,
    messages: VecDeque<AgentMessage>,
}

impl Queue {
    fn peek(&self) -> Vec<AgentMessage> {
        match self.mode {
            QueueMode::All => self.messages.iter().cloned().collect(),
            QueueMode::OneAtATime => self.messages.front().cloned().into_iter().collect(),
        }
    }

    fn drain(&mut self) -> Vec<AgentMessage> {
        match self.mode {
            QueueMode::All => self.messages.drain(..).collect(),
            QueueMode::OneAtATime => self.messages.pop_front().into_iter().collect(),
        }
    }
}

struct Settings {
    request: SimpleStreamOptions,
    stream_fn: StreamFn,
    hooks: Arc<dyn AgentHooks>,
    tool_execution: ExecutionMode,
}

struct Inner {
    state: Mutex<AgentState>,
    steering: Mutex<Queue>,
    follow_up: Mutex<Queue>,
    settings: Mutex<Settings>,
    listeners: Mutex<Vec<(usize, Listener)>>,
    next_listener: AtomicUsize,
    run: Mutex<Option<CancellationToken>>,
    idle: watch::Sender<bool>,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // State updates are single assignments; a panicking listener cannot leave them half done.
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// An agent: a transcript and tools, a model to drive them, and queues for messages sent
/// while it works. Clones share the agent, so one task can run a prompt while another
/// steers or aborts it.
#[derive(Clone)]
pub struct Agent {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Agent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Agent")
            .field("state", &*lock(&self.inner.state))
            .finish()
    }
}

impl Agent {
    /// A new agent. A transcript that does not start with a system message gets one for the
    /// system prompt and tools.
    pub fn new(options: AgentOptions) -> Self {
        let mut messages = options.messages;
        let starts_with_system = messages.first().is_some_and(|m| m.role() == "system");
        let prompt = options.system_prompt.filter(|p| !p.is_empty());
        if !starts_with_system && (prompt.is_some() || !options.tools.is_empty()) {
            let tools: Vec<pi_ai::Tool> = options
                .tools
                .iter()
                .map(|tool| tool.declaration())
                .collect();
            let system = SystemMessage {
                content: UserContent::Text(prompt.unwrap_or_default()),
                sections: None,
                tools_added: (!tools.is_empty()).then_some(tools),
                tools_removed: None,
                timestamp: 0,
                extra: Default::default(),
            };
            messages.insert(0, system.into());
        }
        let state = AgentState {
            model: options.model,
            thinking_level: options.thinking_level,
            tools: options.tools,
            messages,
            is_streaming: false,
            streaming_message: None,
            pending_tool_calls: BTreeSet::new(),
            error_message: None,
        };
        let (idle, _) = watch::channel(true);
        Agent {
            inner: Arc::new(Inner {
                state: Mutex::new(state),
                steering: Mutex::new(Queue {
                    mode: options.steering_mode,
                    messages: VecDeque::new(),
                }),
                follow_up: Mutex::new(Queue {
                    mode: options.follow_up_mode,
                    messages: VecDeque::new(),
                }),
                settings: Mutex::new(Settings {
                    request: options.request,
                    stream_fn: options.stream_fn,
                    hooks: options.hooks,
                    tool_execution: options.tool_execution,
                }),
                listeners: Mutex::new(Vec::new()),
                next_listener: AtomicUsize::new(0),
                run: Mutex::new(None),
                idle,
            }),
        }
    }

    /// Calls `listener` for every event, in order, until unsubscribed.
    pub fn subscribe(
        &self,
        listener: impl Fn(&AgentEvent<'_>) + Send + Sync + 'static,
    ) -> Subscription {
        let id = self.inner.next_listener.fetch_add(1, Ordering::Relaxed);
        lock(&self.inner.listeners).push((id, Arc::new(listener)));
        Subscription(id)
    }

    /// Stops calling a listener.
    pub fn unsubscribe(&self, subscription: Subscription) {
        lock(&self.inner.listeners).retain(|(id, _)| *id != subscription.0);
    }

    /// Reads the state.
    pub fn state(&self) -> MutexGuard<'_, AgentState> {
        lock(&self.inner.state)
    }

    /// Sets the model for the next request.
    pub fn set_model(&self, model: Model) {
        self.state().model = model;
    }

    /// Sets the thinking level for the next request.
    pub fn set_thinking_level(&self, level: ThinkingLevel) {
        self.state().thinking_level = level;
    }

    /// Replaces the tools (differences are announced to the model before the next request).
    pub fn set_tools(&self, tools: Vec<Arc<dyn AgentTool>>) {
        self.state().tools = tools;
    }

    /// Replaces the transcript.
    pub fn set_messages(&self, messages: Vec<AgentMessage>) {
        self.state().messages = messages;
    }

    /// Appends a message to the transcript.
    pub fn append_message(&self, message: AgentMessage) {
        self.state().messages.push(message);
    }

    /// Changes how steering messages are delivered.
    pub fn set_steering_mode(&self, mode: QueueMode) {
        lock(&self.inner.steering).mode = mode;
    }

    /// Changes how follow-up messages are delivered.
    pub fn set_follow_up_mode(&self, mode: QueueMode) {
        lock(&self.inner.follow_up).mode = mode;
    }

    /// Queues a message for after the current tool batch.
    pub fn steer(&self, message: impl Into<AgentMessage>) {
        lock(&self.inner.steering)
            .messages
            .push_back(message.into());
    }

    /// Queues a message for when the agent would otherwise stop.
    pub fn follow_up(&self, message: impl Into<AgentMessage>) {
        lock(&self.inner.follow_up)
            .messages
            .push_back(message.into());
    }

    /// Empties the steering queue.
    pub fn clear_steering_queue(&self) {
        lock(&self.inner.steering).messages.clear();
    }

    /// Empties the follow-up queue.
    pub fn clear_follow_up_queue(&self) {
        lock(&self.inner.follow_up).messages.clear();
    }

    /// Empties both queues.
    pub fn clear_all_queues(&self) {
        self.clear_steering_queue();
        self.clear_follow_up_queue();
    }

    /// Whether anything is queued.
    pub fn has_queued_messages(&self) -> bool {
        !lock(&self.inner.steering).messages.is_empty()
            || !lock(&self.inner.follow_up).messages.is_empty()
    }

    /// The messages the next delivery would take, without taking them.
    pub fn peek_queued_messages(&self) -> Vec<AgentMessage> {
        let steering = lock(&self.inner.steering).peek();
        if steering.is_empty() {
            lock(&self.inner.follow_up).peek()
        } else {
            steering
        }
    }

    /// The active run's cancellation token.
    pub fn signal(&self) -> Option<CancellationToken> {
        lock(&self.inner.run).clone()
    }

    /// Aborts the active run: the response stops streaming and running tools are cancelled.
    pub fn abort(&self) {
        if let Some(token) = lock(&self.inner.run).as_ref() {
            token.cancel();
        }
    }

    /// Waits until no run is active.
    pub async fn wait_for_idle(&self) {
        let mut idle = self.inner.idle.subscribe();
        // The sender lives as long as the agent, which `self` keeps alive.
        let _ = idle.wait_for(|idle| *idle).await;
    }

    /// Clears the transcript (keeping the replayed system prompt and tools) and the queues.
    pub fn reset(&self) -> Result<(), AgentError> {
        if lock(&self.inner.run).is_some() {
            return Err(AgentError::BusyResetting);
        }
        let mut state = self.state();
        let baseline =
            pi_ai::current_system_message(state.messages.iter().filter_map(AgentMessage::as_llm));
        state.messages = baseline.into_iter().map(AgentMessage::from).collect();
        state.is_streaming = false;
        state.streaming_message = None;
        state.pending_tool_calls.clear();
        state.error_message = None;
        drop(state);
        self.clear_all_queues();
        Ok(())
    }

    /// Runs the agent on a prompt until it stops.
    pub async fn prompt(&self, prompt: impl Into<Prompt>) -> Result<(), AgentError> {
        let cancel = self.begin_run(AgentError::Busy)?;
        self.run_prompt(prompt.into().into_messages(), cancel, false)
            .await;
        Ok(())
    }

    /// Runs the agent on the transcript as it is: after a failure, or with tool results or a
    /// user message waiting. After an assistant message it takes queued steering, else
    /// queued follow-ups, else fails.
    pub async fn continue_run(&self) -> Result<(), AgentError> {
        let cancel = self.begin_run(AgentError::BusyContinuing)?;
        let last_role = {
            let state = self.state();
            match state.messages.last() {
                Some(_) if state.messages.iter().all(|m| m.role() == "system") => None,
                last => last.map(|m| m.role().to_string()),
            }
        };
        match last_role.as_deref() {
            None => {
                self.finish_run();
                Err(AgentError::NoMessages)
            }
            Some("assistant") => {
                let steering = lock(&self.inner.steering).drain();
                if !steering.is_empty() {
                    self.run_prompt(steering, cancel, true).await;
                    return Ok(());
                }
                let follow_ups = lock(&self.inner.follow_up).drain();
                if !follow_ups.is_empty() {
                    self.run_prompt(follow_ups, cancel, false).await;
                    return Ok(());
                }
                self.finish_run();
                Err(AgentError::FromAssistant)
            }
            Some(_) => {
                let (context, config) = self.snapshot(false);
                let agent = self.clone();
                let mut emit = move |event: &AgentEvent<'_>| agent.process(event);
                let result = run_agent_loop_continue(context, config, cancel, &mut emit).await;
                self.finish_run();
                match result {
                    Ok(_) => Ok(()),
                    Err(ContinueError::NoMessages) => Err(AgentError::NoMessages),
                    Err(ContinueError::FromAssistant) => Err(AgentError::FromAssistant),
                }
            }
        }
    }

    fn begin_run(&self, busy: AgentError) -> Result<CancellationToken, AgentError> {
        let mut run = lock(&self.inner.run);
        if run.is_some() {
            return Err(busy);
        }
        let token = CancellationToken::new();
        *run = Some(token.clone());
        drop(run);
        self.inner.idle.send_replace(false);
        let mut state = self.state();
        state.is_streaming = true;
        state.streaming_message = None;
        state.error_message = None;
        Ok(token)
    }

    fn finish_run(&self) {
        {
            let mut state = self.state();
            state.is_streaming = false;
            state.streaming_message = None;
            state.pending_tool_calls.clear();
        }
        *lock(&self.inner.run) = None;
        self.inner.idle.send_replace(true);
    }

    async fn run_prompt(
        &self,
        messages: Vec<AgentMessage>,
        cancel: CancellationToken,
        skip_initial_steering: bool,
    ) {
        let (context, config) = self.snapshot(skip_initial_steering);
        let agent = self.clone();
        let mut emit = move |event: &AgentEvent<'_>| agent.process(event);
        run_agent_loop(messages, context, config, cancel, &mut emit).await;
        self.finish_run();
    }

    fn snapshot(&self, skip_initial_steering: bool) -> (AgentContext, AgentLoopConfig) {
        let state = self.state();
        let context = AgentContext {
            messages: state.messages.clone(),
            tools: state.tools.clone(),
        };
        let settings = lock(&self.inner.settings);
        let hooks = QueueHooks {
            user: Arc::clone(&settings.hooks),
            agent: self.clone(),
            skip_steering_poll: AtomicBool::new(skip_initial_steering),
        };
        let config = AgentLoopConfig {
            model: state.model.clone(),
            thinking_level: state.thinking_level,
            options: settings.request.clone(),
            tool_execution: settings.tool_execution,
            stream_fn: Arc::clone(&settings.stream_fn),
            hooks: Arc::new(hooks),
        };
        (context, config)
    }

    /// Updates the state for an event, then tells the listeners.
    fn process(&self, event: &AgentEvent<'_>) {
        {
            let mut state = self.state();
            match event {
                AgentEvent::MessageStart { message } => {
                    state.streaming_message = message
                        .as_assistant()
                        .map(|m| PartialMessage::new(m.clone()));
                }
                AgentEvent::MessageUpdate {
                    assistant_message_event,
                    ..
                } => {
                    if let Some(partial) = state.streaming_message.as_mut() {
                        partial.apply(assistant_message_event);
                    }
                }
                AgentEvent::MessageEnd { message } => {
                    state.streaming_message = None;
                    state.messages.push((*message).clone());
                }
                AgentEvent::ToolExecutionStart { tool_call_id, .. } => {
                    state.pending_tool_calls.insert((*tool_call_id).to_string());
                }
                AgentEvent::ToolExecutionEnd { tool_call_id, .. } => {
                    state.pending_tool_calls.remove(*tool_call_id);
                }
                AgentEvent::TurnEnd { message, .. } => {
                    if let Some(error) = &message.error_message {
                        state.error_message = Some(error.clone());
                    }
                }
                AgentEvent::AgentEnd { .. } => state.streaming_message = None,
                _ => {}
            }
        }
        let listeners: Vec<Listener> = lock(&self.inner.listeners)
            .iter()
            .map(|(_, l)| Arc::clone(l))
            .collect();
        for listener in listeners {
            listener(event);
        }
    }

    /// The last assistant message, if any.
    pub fn last_assistant_message(&self) -> Option<AssistantMessage> {
        self.state()
            .messages
            .iter()
            .rev()
            .find_map(|m| m.as_assistant().cloned())
    }
}

/// The application's hooks, with the agent's queues feeding steering and follow-ups.
struct QueueHooks {
    user: Arc<dyn AgentHooks>,
    agent: Agent,
    skip_steering_poll: AtomicBool,
}

impl AgentHooks for QueueHooks {
    fn convert_to_llm(&self, messages: &[AgentMessage]) -> Vec<Message> {
        self.user.convert_to_llm(messages)
    }

    fn transform_context<'a>(
        &'a self,
        messages: Vec<AgentMessage>,
        cancel: &'a CancellationToken,
    ) -> BoxFuture<'a, Vec<AgentMessage>> {
        self.user.transform_context(messages, cancel)
    }

    fn api_key<'a>(&'a self, provider: &'a str) -> BoxFuture<'a, Option<String>> {
        self.user.api_key(provider)
    }

    fn before_tool_call<'a>(
        &'a self,
        call: BeforeToolCall<'a>,
        cancel: &'a CancellationToken,
    ) -> BoxFuture<'a, Option<ToolCallBlock>> {
        self.user.before_tool_call(call, cancel)
    }

    fn after_tool_call<'a>(
        &'a self,
        call: AfterToolCall<'a>,
        cancel: &'a CancellationToken,
    ) -> BoxFuture<'a, Result<Option<ToolResultOverride>, String>> {
        self.user.after_tool_call(call, cancel)
    }

    fn finish_turn<'a>(
        &'a self,
        turn: TurnContext<'a>,
        cancel: &'a CancellationToken,
    ) -> BoxFuture<'a, Option<TurnDecision>> {
        self.user.finish_turn(turn, cancel)
    }

    fn prepare_request<'a>(
        &'a self,
        request: RequestContext<'a>,
        cancel: &'a CancellationToken,
    ) -> BoxFuture<'a, Option<TurnUpdate>> {
        self.user.prepare_request(request, cancel)
    }

    fn prepare_next_turn<'a>(
        &'a self,
        turn: TurnContext<'a>,
        cancel: &'a CancellationToken,
    ) -> BoxFuture<'a, Option<TurnUpdate>> {
        self.user.prepare_next_turn(turn, cancel)
    }

    fn steering_messages(&self) -> Vec<AgentMessage> {
        if self.skip_steering_poll.swap(false, Ordering::AcqRel) {
            return Vec::new();
        }
        lock(&self.agent.inner.steering).drain()
    }

    fn follow_up_messages(&self) -> Vec<AgentMessage> {
        lock(&self.agent.inner.follow_up).drain()
    }
}

//! `AgentSession`: one agent bound to one session file, with pi's prompt handling, system
//! prompt, persistence and automatic retry. The print, JSON and RPC modes drive it.
//!
//! Every message is written to the session as it ends, so an interrupted run leaves a
//! consistent, loadable file. A request that fails with a transient error is retried after
//! a growing pause; the failed attempt stays in the file but is hidden from the model by a
//! `context_edit` entry. A context that grows too large is compacted (see [`compaction`]).

mod commands;
mod compaction;
mod events;
mod export;
mod hooks;
mod retry;
mod runtime;
#[cfg(test)]
pub(crate) mod test_support;

use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard, Weak};

use indexmap::IndexMap;
use pi_agent_core::{
    Agent, AgentEvent, AgentMessage, AgentOptions, AgentTool, QueueMode, StreamFn,
};
use pi_ai::CancellationToken;
use pi_ai::{
    AssistantMessage, ImageContent, InputContent, Message, Model, SimpleStreamOptions, StopReason,
    SystemMessage, TextContent, ThinkingLevel, UserContent, UserMessage,
};
use serde_json::Value;

use crate::config::guidance;
use crate::session::{SessionContext, SessionError, SessionManager};
use crate::tools::{ProcessedImage, ResizeOptions, process_image};

pub use commands::{
    BashError, BashResult, CommandError, ContextUsage, CycledModel, ForkMessage, ForkPosition,
    ForkTarget, QueuedMessages, SessionStats, StreamingBehavior, TokenTotals,
};
pub use compaction::{
    CompactionError, CompactionPreview, NavigateOptions, NavigateResult, PreviewPart,
};
pub use events::{SessionEvent, SummarySource};
pub use hooks::{Credentials, RequestCredentials};
pub use retry::{is_retryable, retry_delay_ms};
pub use runtime::{SessionRuntime, SessionServices};

use crate::config::settings::{RetrySettings, SettingValueError};

/// Rewrites a prompt before it is sent (`/skill:` and prompt-template expansion).
pub type PromptExpander = Arc<dyn Fn(&str) -> String + Send + Sync>;

/// A session listener.
pub type SessionListener = Arc<dyn Fn(&SessionEvent<'_>) + Send + Sync>;

/// Why a prompt was not run.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PromptError {
    /// No model is selected (pi's guidance text).
    #[error("{0}")]
    NoModel(String),
    /// The model's provider has no credentials (pi's guidance text).
    #[error("{0}")]
    NoApiKey(String),
    /// A prompt arrived while the agent works, without saying how to queue it.
    #[error(
        "Agent is already processing. Specify streamingBehavior ('steer' or 'followUp') to queue the message."
    )]
    Busy,
    /// The session could not be written; the run stopped being recorded.
    #[error("Could not save the session: {0}")]
    Persist(#[from] SessionError),
    /// A manual compaction is running.
    #[error(
        "Cannot submit a prompt while compaction is in progress. Wait for compaction to finish and retry."
    )]
    Compacting,
    /// A setting the run needs is invalid (pi's message).
    #[error("{0}")]
    InvalidSetting(SettingValueError),
}

/// A prompt that passed [`AgentSession::prepare_prompt`], ready to run.
#[derive(Debug, Clone)]
pub struct PreparedPrompt {
    messages: Vec<AgentMessage>,
}

/// How an [`AgentSession`] is set up.
#[derive(Clone)]
pub struct AgentSessionConfig {
    /// The model, if one is available.
    pub model: Option<Model>,
    /// The thinking level (clamped to the model).
    pub thinking_level: ThinkingLevel,
    /// The active tools.
    pub tools: Vec<Arc<dyn AgentTool>>,
    /// The system prompt's sections, in order.
    pub system_prompt: IndexMap<String, String>,
    /// `/skill:` and template expansion, when enabled.
    pub expand_prompt: Option<PromptExpander>,
    /// API keys per provider.
    pub credentials: Arc<dyn Credentials>,
    /// `settings.retry`.
    pub retry: RetrySettings,
    /// `steeringMode`.
    pub steering_mode: QueueMode,
    /// `followUpMode`.
    pub follow_up_mode: QueueMode,
    /// `images.blockImages`: images never reach the model.
    pub block_images: bool,
    /// `images.autoResize`.
    pub auto_resize_images: bool,
    /// Request options (thinking budgets, retry limits); the session id is set here.
    pub request: SimpleStreamOptions,
    /// How responses are streamed (default: pi-ai's built-in adapters).
    pub stream_fn: Option<StreamFn>,
    /// pi's documentation, named by the no-model and no-key errors.
    pub docs_dir: PathBuf,
}

impl std::fmt::Debug for AgentSessionConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AgentSessionConfig")
            .field("model", &self.model.as_ref().map(|m| &m.id))
            .field("thinking_level", &self.thinking_level)
            .finish_non_exhaustive()
    }
}

/// One agent working in one session.
#[derive(Clone)]
pub struct AgentSession {
    agent: Agent,
    shared: Arc<Shared>,
}

impl std::fmt::Debug for AgentSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AgentSession").finish_non_exhaustive()
    }
}

struct Shared {
    /// The agent (the session's hooks reach it through here).
    agent: Agent,
    session: Mutex<SessionManager>,
    listeners: Mutex<Vec<(usize, SessionListener)>>,
    run: Mutex<RunState>,
    queues: Mutex<Queues>,
    config: Mutex<Settings>,
    has_model: Mutex<bool>,
    compaction: Mutex<compaction::CompactionState>,
    /// What the RPC-style commands keep (queue modes, user shell commands, switches).
    commands: commands::CommandState,
}

struct Settings {
    system_prompt: IndexMap<String, String>,
    expand_prompt: Option<PromptExpander>,
    credentials: Arc<dyn Credentials>,
    retry: RetrySettings,
    auto_resize_images: bool,
    docs_dir: PathBuf,
}

#[derive(Default)]
struct RunState {
    retry_attempt: u32,
    abort_requested: bool,
    retry_cancel: Option<CancellationToken>,
    /// The last assistant message of the current run and its entry id.
    last_assistant: Option<(AssistantMessage, Option<String>)>,
    /// The first failure to write the session during a run.
    persist_error: Option<SessionError>,
    next_listener: usize,
}

#[derive(Default)]
struct Queues {
    steering: Vec<String>,
    follow_up: Vec<String>,
}

/// `mutex`, locked even if a holder panicked.
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // A listener that panicked must not take the session down with it.
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl AgentSession {
    /// Binds an agent to `session`. A new session records the model and thinking level
    /// first; a resumed one gets a thinking-level entry if it has none.
    pub fn new(session: SessionManager, config: AgentSessionConfig) -> Result<Self, SessionError> {
        let context = session.build_session_context()?;
        Self::with_context(session, context, config)
    }

    /// [`AgentSession::new`] for a caller that has already built `session`'s context (reading
    /// a long history twice at startup would double its cost).
    pub fn with_context(
        mut session: SessionManager,
        context: SessionContext,
        config: AgentSessionConfig,
    ) -> Result<Self, SessionError> {
        let has_thinking_entry = session.branch_sets_thinking_level();
        let thinking_level = match &config.model {
            Some(model) => model.clamp_thinking_level(config.thinking_level),
            None => ThinkingLevel::Off,
        };
        if context.messages.is_empty() {
            if let Some(model) = &config.model {
                session.append_model_change(&model.provider, &model.id)?;
            }
            session.append_thinking_level_change(thinking_level.as_str())?;
        } else if !has_thinking_entry {
            session.append_thinking_level_change(thinking_level.as_str())?;
        }

        let mut request = config.request.clone();
        request.base.session_id = Some(session.session_id().to_string());
        let mut options = AgentOptions::new(config.model.clone().unwrap_or_else(no_model));
        options.thinking_level = thinking_level;
        options.messages = context.messages;
        options.request = request;
        let stream_fn = config
            .stream_fn
            .clone()
            .unwrap_or_else(pi_agent_core::default_stream_fn);
        let stream_fn = hooks::authenticated(stream_fn, Arc::clone(&config.credentials));
        options.stream_fn = Arc::clone(&stream_fn);
        options.steering_mode = config.steering_mode;
        options.follow_up_mode = config.follow_up_mode;
        let compaction = compaction::CompactionState::new(stream_fn, options.request.clone());
        let commands = commands::CommandState::new(&config);

        // The agent reaches the session (events, compaction between turns) through weak
        // references, so that dropping the session drops the agent too.
        let shared = Arc::new_cyclic(|weak: &Weak<Shared>| {
            options.hooks = Arc::new(compaction::RunHooks::new(
                hooks::SessionHooks {
                    block_images: config.block_images,
                },
                weak.clone(),
            ));
            let agent = Agent::new(options);
            // Set after construction: the first request's system message declares the
            // tools, so that the session records them.
            agent.set_tools(config.tools.clone());
            let handler = weak.clone();
            agent.subscribe(move |event| {
                if let Some(shared) = handler.upgrade() {
                    shared.handle_agent_event(event);
                }
            });
            Shared {
                agent,
                compaction: Mutex::new(compaction),
                commands,
                session: Mutex::new(session),
                listeners: Mutex::new(Vec::new()),
                run: Mutex::new(RunState::default()),
                queues: Mutex::new(Queues::default()),
                has_model: Mutex::new(config.model.is_some()),
                config: Mutex::new(Settings {
                    system_prompt: config.system_prompt,
                    expand_prompt: config.expand_prompt,
                    credentials: config.credentials,
                    retry: config.retry,
                    auto_resize_images: config.auto_resize_images,
                    docs_dir: config.docs_dir,
                }),
            }
        });
        let agent = shared.agent.clone();
        Ok(AgentSession { agent, shared })
    }

    /// The agent (state, queues, abort).
    pub fn agent(&self) -> &Agent {
        &self.agent
    }

    /// The session, locked. Do not hold it across an `await`.
    pub fn session(&self) -> MutexGuard<'_, SessionManager> {
        lock(&self.shared.session)
    }

    /// The current model, if one is selected.
    pub fn model(&self) -> Option<Model> {
        lock(&self.shared.has_model).then(|| self.agent.state().model.clone())
    }

    /// The current thinking level.
    pub fn thinking_level(&self) -> ThinkingLevel {
        self.agent.state().thinking_level
    }

    /// The transcript the model sees (custom roles included).
    pub fn messages(&self) -> Vec<AgentMessage> {
        self.agent.state().messages.clone()
    }

    /// Calls `listener` with every event; returns a handle for [`AgentSession::unsubscribe`].
    pub fn subscribe(&self, listener: impl Fn(&SessionEvent<'_>) + Send + Sync + 'static) -> usize {
        let id = {
            let mut run = lock(&self.shared.run);
            run.next_listener += 1;
            run.next_listener
        };
        lock(&self.shared.listeners).push((id, Arc::new(listener)));
        id
    }

    /// Stops calling a listener.
    pub fn unsubscribe(&self, id: usize) {
        lock(&self.shared.listeners).retain(|(other, _)| *other != id);
    }

    /// Switches the model (recorded in the session) and clamps the thinking level to it.
    pub fn set_model(&self, model: Model) -> Result<(), SessionError> {
        self.switch_model(model, self.thinking_level())
    }

    /// Records and applies a model change, then `level` (clamped to the model).
    fn switch_model(&self, model: Model, level: ThinkingLevel) -> Result<(), SessionError> {
        self.session()
            .append_model_change(&model.provider, &model.id)?;
        *lock(&self.shared.has_model) = true;
        self.agent.set_model(model);
        self.set_thinking_level(level)
    }

    /// Sets the thinking level, clamped to the model; a change is recorded and announced.
    pub fn set_thinking_level(&self, level: ThinkingLevel) -> Result<(), SessionError> {
        let effective = match self.model() {
            Some(model) => model.clamp_thinking_level(level),
            None => ThinkingLevel::Off,
        };
        if effective == self.thinking_level() {
            return Ok(());
        }
        self.agent.set_thinking_level(effective);
        self.session()
            .append_thinking_level_change(effective.as_str())?;
        self.shared
            .emit(&SessionEvent::ThinkingLevelChanged { level: effective });
        Ok(())
    }

    /// Replaces the system prompt's sections; the change reaches the model with the next
    /// prompt, as a patch of the sections that differ.
    pub fn set_system_prompt(&self, sections: IndexMap<String, String>) {
        lock(&self.shared.config).system_prompt = sections;
    }

    /// Whether the agent is working.
    pub fn is_streaming(&self) -> bool {
        self.agent.state().is_streaming
    }

    /// Sends `text` (with `images`) and runs the agent until it settles, retrying transient
    /// failures as `settings.retry` allows.
    pub async fn prompt(&self, text: &str, images: Vec<ImageContent>) -> Result<(), PromptError> {
        let prepared = self.prepare_prompt(text, images).await?;
        self.run_prepared(prepared).await
    }

    /// The checks and preparation of [`AgentSession::prompt`] (expansion, model, credentials,
    /// compaction due from the last response, images, system prompt update), without
    /// running: a prompt that passes them is accepted.
    pub async fn prepare_prompt(
        &self,
        text: &str,
        images: Vec<ImageContent>,
    ) -> Result<PreparedPrompt, PromptError> {
        let (expand, credentials, docs, auto_resize) = {
            let config = lock(&self.shared.config);
            (
                config.expand_prompt.clone(),
                Arc::clone(&config.credentials),
                config.docs_dir.clone(),
                config.auto_resize_images,
            )
        };
        self.ensure_not_compacting()?;
        let text = match &expand {
            Some(expand) => expand(text),
            None => text.to_string(),
        };
        if self.is_streaming() {
            return Err(PromptError::Busy);
        }
        let Some(model) = self.model() else {
            return Err(PromptError::NoModel(guidance::no_model_selected(&docs)));
        };
        let provider = model.provider.clone();
        let has_auth = tokio::task::spawn_blocking(move || credentials.has_auth(&provider))
            .await
            .unwrap_or(false);
        if !has_auth {
            return Err(PromptError::NoApiKey(guidance::no_api_key_found(
                &model.provider,
                &docs,
            )));
        }

        // Compacting first (a previous response may call for it); the prompt goes on anyway.
        self.compaction_before_prompt().await?;

        let (images, hints) = normalize_images(images, &model, auto_resize);
        let text = if hints.is_empty() {
            text
        } else {
            format!("{text}\n\n{}", hints.join("\n"))
        };
        let mut content = vec![InputContent::Text(TextContent::new(text))];
        content.extend(images.into_iter().map(InputContent::Image));
        let user = UserMessage {
            content: UserContent::Blocks(content),
            timestamp: pi_ai::now_ms(),
            extra: Default::default(),
        };
        let mut messages: Vec<AgentMessage> = Vec::with_capacity(2);
        if let Some(update) = self.system_prompt_update() {
            messages.push(update.into());
        }
        messages.push(Message::User(user).into());
        Ok(PreparedPrompt { messages })
    }

    /// Runs an accepted prompt until the agent settles.
    pub async fn run_prepared(&self, prepared: PreparedPrompt) -> Result<(), PromptError> {
        if self.is_streaming() {
            return Err(PromptError::Busy);
        }
        let _running = self.shared.commands.run_guard();
        self.run_agent_prompt(prepared.messages).await;
        if let Some(err) = lock(&self.shared.run).persist_error.take() {
            return Err(PromptError::Persist(err));
        }
        match self.take_compaction_setting_error() {
            Some(error) => Err(PromptError::InvalidSetting(error)),
            None => Ok(()),
        }
    }

    /// Stops the current run, any pending retry, compaction and branch summary, then waits
    /// until the session is idle.
    pub async fn abort(&self) {
        {
            let mut run = lock(&self.shared.run);
            run.abort_requested = true;
            if let Some(cancel) = &run.retry_cancel {
                cancel.cancel();
            }
        }
        self.abort_compaction();
        self.abort_branch_summary();
        self.agent.abort();
        self.agent.wait_for_idle().await;
        self.wait_for_compaction().await;
    }

    /// Cancels a pending retry (the failed response then stands).
    pub fn abort_retry(&self) {
        if let Some(cancel) = &lock(&self.shared.run).retry_cancel {
            cancel.cancel();
        }
    }

    /// Whether a retry is waiting to run.
    pub fn is_retrying(&self) -> bool {
        lock(&self.shared.run).retry_cancel.is_some()
    }

    /// The system message patching the sections the model has to the current ones, if any
    /// differ.
    fn system_prompt_update(&self) -> Option<SystemMessage> {
        let wanted = lock(&self.shared.config).system_prompt.clone();
        let current = {
            let state = self.agent.state();
            pi_ai::current_system_message(state.messages.iter().filter_map(AgentMessage::as_llm))
        };
        crate::resources::system_prompt_update(current.as_ref(), &wanted, pi_ai::now_ms())
    }

    /// Runs the agent, then retries and delivers queued messages until nothing is left.
    async fn run_agent_prompt(&self, messages: Vec<AgentMessage>) {
        lock(&self.shared.run).abort_requested = false;
        // `Busy` cannot happen: callers check that no run is active.
        let _ = self.agent.prompt(messages).await;
        loop {
            if self.abort_requested() {
                break;
            }
            if self.after_run().await {
                if self.abort_requested() {
                    break;
                }
                let _ = self.agent.continue_run().await;
                continue;
            }
            if self.abort_requested() || !self.agent.has_queued_messages() {
                break;
            }
            let _ = self.agent.continue_run().await;
        }
        if self.abort_requested() {
            self.shared.finish_cancelled_retry();
        }
        self.flush_pending_bash();
        self.shared.emit(&SessionEvent::AgentSettled);
    }

    fn abort_requested(&self) -> bool {
        lock(&self.shared.run).abort_requested
    }

    /// Decides what follows a run: `true` to continue the agent (a retry is due, or messages
    /// are queued).
    async fn after_run(&self) -> bool {
        let last = lock(&self.shared.run).last_assistant.take();
        if self.abort_requested() {
            self.shared.finish_cancelled_retry();
            return false;
        }
        let Some((message, entry_id)) = last else {
            return self.agent.has_queued_messages();
        };
        let context_window = self.shared.context_window();
        if is_retryable(&message, context_window)
            && self.prepare_retry(&message, entry_id.clone()).await
        {
            return !self.abort_requested();
        }
        if self.abort_requested() {
            self.shared.finish_cancelled_retry();
            return false;
        }
        let attempt = {
            let mut run = lock(&self.shared.run);
            std::mem::take(&mut run.retry_attempt)
        };
        if message.stop_reason == StopReason::Error && attempt > 0 {
            self.shared.emit(&SessionEvent::AutoRetryEnd {
                success: false,
                attempt,
                final_error: message.error_message.as_deref(),
            });
        }
        if self
            .check_compaction(&message, entry_id.as_deref(), true)
            .await
        {
            return !self.abort_requested();
        }
        self.agent.has_queued_messages()
    }

    /// Schedules a retry of `message`'s request: announces it, hides the failed attempt
    /// from the model and waits. `false` when retries are off or used up, or the wait was
    /// cancelled.
    async fn prepare_retry(&self, message: &AssistantMessage, entry_id: Option<String>) -> bool {
        let settings = lock(&self.shared.config).retry;
        if !settings.enabled {
            return false;
        }
        let (attempt, cancel) = {
            let mut run = lock(&self.shared.run);
            if u64::from(run.retry_attempt) >= settings.max_retries {
                return false;
            }
            run.retry_attempt += 1;
            let cancel = CancellationToken::new();
            run.retry_cancel = Some(cancel.clone());
            (run.retry_attempt, cancel)
        };
        let delay_ms = retry_delay_ms(&settings, attempt, pi_ai::retry_delay_hint(message));
        let error = message.error_message.as_deref().unwrap_or("Unknown error");
        self.shared.emit(&SessionEvent::AutoRetryStart {
            attempt,
            max_attempts: u32::try_from(settings.max_retries).unwrap_or(u32::MAX),
            delay_ms,
            error_message: error,
        });
        if let Some(entry_id) = entry_id {
            self.omit_from_context(&entry_id);
        }
        let slept = tokio::select! {
            () = tokio::time::sleep(std::time::Duration::from_millis(delay_ms)) => true,
            () = cancel.cancelled() => false,
        };
        lock(&self.shared.run).retry_cancel = None;
        if !slept {
            self.shared.finish_cancelled_retry();
        }
        slept
    }

    /// Hides an entry from the model with a `context_edit` and reloads the transcript.
    fn omit_from_context(&self, entry_id: &str) {
        let outcome = {
            let mut session = self.session();
            session
                .append_context_edit(entry_id, None)
                .and_then(|id| session.entry(&id))
                .and_then(|entry| Ok((entry, session.build_session_context()?)))
        };
        match outcome {
            Ok((entry, context)) => {
                self.agent.set_messages(context.messages);
                if let Some(entry) = entry {
                    let value = entry.to_value();
                    self.shared
                        .emit(&SessionEvent::EntryAppended { entry: &value });
                }
            }
            Err(err) => {
                lock(&self.shared.run).persist_error.get_or_insert(err);
            }
        }
    }
}

impl Shared {
    /// The current model's context window (0 while no model is selected).
    fn context_window(&self) -> u64 {
        self.agent.state().model.context_window
    }

    fn emit(&self, event: &SessionEvent<'_>) {
        let listeners: Vec<SessionListener> = lock(&self.listeners)
            .iter()
            .map(|(_, listener)| Arc::clone(listener))
            .collect();
        for listener in listeners {
            listener(event);
        }
    }

    fn finish_cancelled_retry(&self) {
        let attempt = std::mem::take(&mut lock(&self.run).retry_attempt);
        if attempt > 0 {
            self.emit(&SessionEvent::AutoRetryEnd {
                success: false,
                attempt,
                final_error: Some("Retry cancelled"),
            });
        }
    }

    fn will_retry(&self, messages: &[AgentMessage]) -> bool {
        let settings = lock(&self.config).retry;
        let run = lock(&self.run);
        if run.abort_requested
            || !settings.enabled
            || u64::from(run.retry_attempt) >= settings.max_retries
        {
            return false;
        }
        drop(run);
        messages
            .iter()
            .rev()
            .find_map(AgentMessage::as_assistant)
            .is_some_and(|message| is_retryable(message, self.context_window()))
    }

    /// Persists ended messages and reports every event.
    fn handle_agent_event(&self, event: &AgentEvent<'_>) {
        self.track_recovery(event);
        if let AgentEvent::MessageStart { message } = event
            && message.role() == "user"
        {
            self.dequeue(message);
        }
        match event {
            AgentEvent::AgentEnd { messages } => self.emit(&SessionEvent::AgentEnd {
                messages,
                will_retry: self.will_retry(messages),
            }),
            other => self.emit(&SessionEvent::Agent(other)),
        }
        if let AgentEvent::MessageEnd { message } = event {
            self.persist(message);
        }
    }

    /// Takes a delivered steering or follow-up message off its queue.
    fn dequeue(&self, message: &AgentMessage) {
        let Some(text) = message.as_llm().and_then(|m| match m {
            Message::User(user) => Some(user.content.text("")),
            _ => None,
        }) else {
            return;
        };
        let mut queues = lock(&self.queues);
        let queues = &mut *queues;
        let removed = [&mut queues.steering, &mut queues.follow_up]
            .into_iter()
            .any(
                |queue| match queue.iter().position(|queued| *queued == text) {
                    Some(at) => {
                        queue.remove(at);
                        true
                    }
                    None => false,
                },
            );
        if removed {
            let (steering, follow_up) = (queues.steering.clone(), queues.follow_up.clone());
            self.emit(&SessionEvent::QueueUpdate {
                steering: &steering,
                follow_up: &follow_up,
            });
        }
    }

    fn persist(&self, message: &AgentMessage) {
        let appended = {
            let mut session = lock(&self.session);
            match message {
                // Extension messages are entries of their own; the other custom roles
                // (bash executions, summaries) are recorded by whoever creates them.
                AgentMessage::Custom(custom) if custom.role == "custom" => {
                    let field = |name: &str| custom.fields.get(name).cloned();
                    session.append_custom_message_entry(
                        field("customType")
                            .and_then(|v| v.as_str().map(str::to_string))
                            .unwrap_or_default()
                            .as_str(),
                        field("content").unwrap_or(Value::Null),
                        field("display").and_then(|v| v.as_bool()).unwrap_or(true),
                        field("details"),
                    )
                }
                AgentMessage::Custom(_) => return,
                AgentMessage::Llm(_) => session.append_message(message),
            }
        };
        let mut run = lock(&self.run);
        match appended {
            Ok(id) => {
                if let Some(assistant) = message.as_assistant() {
                    run.last_assistant = Some((assistant.clone(), Some(id)));
                    let succeeded = assistant.stop_reason != StopReason::Error;
                    if succeeded && run.retry_attempt > 0 {
                        let attempt = std::mem::take(&mut run.retry_attempt);
                        drop(run);
                        self.emit(&SessionEvent::AutoRetryEnd {
                            success: true,
                            attempt,
                            final_error: None,
                        });
                    }
                }
            }
            Err(err) => {
                if let Some(assistant) = message.as_assistant() {
                    run.last_assistant = Some((assistant.clone(), None));
                }
                run.persist_error.get_or_insert(err);
            }
        }
    }
}

/// The agent's model while none is selected; prompts are refused before it is used.
fn no_model() -> Model {
    Model {
        id: String::new(),
        name: String::new(),
        api: String::new(),
        provider: String::new(),
        base_url: String::new(),
        reasoning: false,
        thinking_level_map: None,
        input: Vec::new(),
        input_limits: None,
        cost: Default::default(),
        prompt_cache: None,
        context_window: 0,
        max_tokens: 0,
        sampling_params: None,
        headers: None,
        compat: None,
        extra: Default::default(),
    }
}

/// Sizes prompt images for `model`; returns the images and notes for the model.
fn normalize_images(
    images: Vec<ImageContent>,
    model: &Model,
    auto_resize: bool,
) -> (Vec<ImageContent>, Vec<String>) {
    use base64::Engine as _;
    let resize = model
        .input_limits
        .as_ref()
        .and_then(|limits| limits.images.as_ref())
        .and_then(|images| images.resize.as_ref())
        .map_or_else(ResizeOptions::default, |resize| {
            let defaults = ResizeOptions::default();
            let clamp = |value: Option<u64>, default: u32| {
                value.map_or(default, |v| u32::try_from(v).unwrap_or(u32::MAX))
            };
            ResizeOptions {
                max_width: clamp(resize.max_width, defaults.max_width),
                max_height: clamp(resize.max_height, defaults.max_height),
                max_bytes: resize.max_bytes.map_or(defaults.max_bytes, |v| {
                    usize::try_from(v).unwrap_or(usize::MAX)
                }),
                jpeg_quality: resize.jpeg_quality.map_or(defaults.jpeg_quality, |v| {
                    u8::try_from(v.min(100)).unwrap_or(80)
                }),
            }
        });
    let mut ready = Vec::with_capacity(images.len());
    let mut hints = Vec::new();
    for image in images {
        let Ok(bytes) = base64::engine::general_purpose::STANDARD.decode(&image.data) else {
            hints.push(format!(
                "[Image omitted: invalid {} data.]",
                image.mime_type
            ));
            continue;
        };
        match process_image(&bytes, &image.mime_type, auto_resize, resize) {
            ProcessedImage::Ready {
                data,
                mime_type,
                hints: notes,
            } => {
                ready.push(ImageContent::new(data, mime_type));
                hints.extend(notes);
            }
            ProcessedImage::Omitted(notice) => hints.push(notice),
        }
    }
    (ready, hints)
}

//! What a client can ask of a running session besides prompting: queueing steering and
//! follow-up messages, queue modes and switches, models and thinking levels, the session's
//! name, entries and tree, the user messages a fork can start from, and shell commands the
//! user runs (see [`bash`]). The RPC mode drives these; the interactive mode will too.

mod bash;
mod stats;

use std::path::PathBuf;
use std::sync::Mutex;

use pi_agent_core::{AgentMessage, QueueMode};
use pi_ai::{
    AssistantContent, ImageContent, InputContent, Message, Model, StopReason, TextContent,
    ThinkingLevel, UserContent, UserMessage,
};
use serde::Serialize;
use serde_json::Value;

use super::{AgentSession, AgentSessionConfig, PreparedPrompt, PromptError, SessionEvent, lock};
use crate::messages::BashExecutionMessage;
use crate::session::{SessionError, SessionManager};

pub use bash::{BashError, BashResult};
pub use stats::{ContextUsage, SessionStats, TokenTotals};

/// Why a command failed. The texts are pi's, which RPC clients see.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CommandError {
    /// The prompt was refused.
    #[error(transparent)]
    Prompt(#[from] PromptError),
    /// The session could not be read or written.
    #[error(transparent)]
    Session(#[from] SessionError),
    /// `set_session_name` with nothing but whitespace.
    #[error("Session name cannot be empty")]
    EmptySessionName,
    /// A fork from an entry that is not a user message (or does not exist).
    #[error("Invalid entry ID for forking")]
    InvalidForkEntry,
    /// A clone of a session without entries.
    #[error("Cannot clone session: no current entry selected")]
    NothingToClone,
    /// A fork or clone of a session whose file does not exist yet.
    #[error(
        "This session has not been saved yet. Wait for the first assistant response before cloning or forking it."
    )]
    NotSaved,
    /// `get_entries` with a cursor that names no entry.
    #[error("Entry not found: {0}")]
    EntryNotFound(String),
    /// A model whose provider has no credentials.
    #[error("No API key for {provider}/{model_id}")]
    NoApiKey {
        /// The provider.
        provider: String,
        /// The model id.
        model_id: String,
    },
    /// A shell command could not be started.
    #[error(transparent)]
    Bash(#[from] BashError),
    /// The next session could not be set up.
    #[error("{0}")]
    Setup(String),
    /// `import_from_jsonl` of a path where there is no file.
    #[error("File not found: {}", .0.display())]
    ImportFileNotFound(PathBuf),
}

/// What happens to a prompt sent while the agent works.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StreamingBehavior {
    /// Delivered after the current tool calls, before the next model request.
    Steer,
    /// Delivered when the agent would otherwise stop.
    FollowUp,
}

impl StreamingBehavior {
    /// The behaviour pi calls `name` (`steer`, `followUp`).
    pub fn parse(name: &str) -> Option<StreamingBehavior> {
        match name {
            "steer" => Some(StreamingBehavior::Steer),
            "followUp" => Some(StreamingBehavior::FollowUp),
            _ => None,
        }
    }
}

/// The texts waiting in the queues.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct QueuedMessages {
    /// Steering messages, oldest first.
    pub steering: Vec<String>,
    /// Follow-up messages, oldest first.
    pub follow_up: Vec<String>,
}

/// A user message a fork can start from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ForkMessage {
    /// The message's entry.
    pub entry_id: String,
    /// Its text.
    pub text: String,
}

/// Where a new session made from this one ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ForkPosition {
    /// Just before a user message, whose text goes back to the user (`fork`).
    Before,
    /// At an entry, kept (`clone`).
    At,
}

/// What a fork or clone takes from this session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForkTarget {
    /// The last entry the new session keeps; `None` keeps nothing.
    pub leaf_id: Option<String>,
    /// The text of the user message forked from, for re-editing.
    pub selected_text: Option<String>,
}

/// The model a cycle moved to.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CycledModel {
    /// The model.
    pub model: Model,
    /// The thinking level now in effect.
    pub thinking_level: ThinkingLevel,
    /// Whether the cycle went through the `--models` scope.
    pub is_scoped: bool,
}

/// The session-side state of the commands.
pub(super) struct CommandState {
    inner: Mutex<CommandInner>,
    /// `true` while no prompt runs (after its `agent_settled`).
    idle: tokio::sync::watch::Sender<bool>,
}

struct CommandInner {
    steering_mode: QueueMode,
    follow_up_mode: QueueMode,
    /// Shell commands that ended while the agent worked, recorded when it settles (so that
    /// they never land between a tool call and its result).
    pending_bash: Vec<BashExecutionMessage>,
    running_bash: Vec<(u64, pi_ai::CancellationToken)>,
    next_bash: u64,
}

impl CommandState {
    pub(super) fn new(config: &AgentSessionConfig) -> Self {
        CommandState {
            inner: Mutex::new(CommandInner {
                steering_mode: config.steering_mode,
                follow_up_mode: config.follow_up_mode,
                pending_bash: Vec::new(),
                running_bash: Vec::new(),
                next_bash: 0,
            }),
            idle: tokio::sync::watch::Sender::new(true),
        }
    }

    /// Marks a prompt as running until the returned guard is dropped.
    pub(super) fn run_guard(&self) -> RunGuard<'_> {
        self.idle.send_replace(false);
        RunGuard(&self.idle)
    }
}

/// Marks the session idle again when a prompt's run ends, however it ends.
pub(super) struct RunGuard<'a>(&'a tokio::sync::watch::Sender<bool>);

impl Drop for RunGuard<'_> {
    fn drop(&mut self) {
        self.0.send_replace(true);
    }
}

impl AgentSession {
    fn commands(&self) -> std::sync::MutexGuard<'_, CommandInner> {
        lock(&self.shared.commands.inner)
    }

    /// Runs `text` now, or queues it if the agent is working and `behavior` says how;
    /// `Ok(Some(_))` is a prompt to run with [`AgentSession::run_prepared`], `Ok(None)` a
    /// queued message. Working without a behavior is [`PromptError::Busy`].
    pub async fn prompt_or_queue(
        &self,
        text: &str,
        images: Vec<ImageContent>,
        behavior: Option<StreamingBehavior>,
    ) -> Result<Option<PreparedPrompt>, PromptError> {
        if self.is_streaming() {
            match behavior {
                None => return Err(PromptError::Busy),
                Some(behavior) => {
                    let text = self.expand(text);
                    self.queue(text, images, behavior);
                    return Ok(None);
                }
            }
        }
        self.prepare_prompt(text, images).await.map(Some)
    }

    /// Queues a message for after the current tool calls (skills and templates expanded).
    pub fn steer(&self, text: &str, images: Vec<ImageContent>) {
        let text = self.expand(text);
        self.queue(text, images, StreamingBehavior::Steer);
    }

    /// Queues a message for when the agent would stop (skills and templates expanded).
    pub fn follow_up(&self, text: &str, images: Vec<ImageContent>) {
        let text = self.expand(text);
        self.queue(text, images, StreamingBehavior::FollowUp);
    }

    fn expand(&self, text: &str) -> String {
        let expand = lock(&self.shared.config).expand_prompt.clone();
        match expand {
            Some(expand) => expand(text),
            None => text.to_string(),
        }
    }

    fn queue(&self, text: String, images: Vec<ImageContent>, behavior: StreamingBehavior) {
        let mut content = vec![InputContent::Text(TextContent::new(text.clone()))];
        content.extend(images.into_iter().map(InputContent::Image));
        let message = UserMessage {
            content: UserContent::Blocks(content),
            timestamp: pi_ai::now_ms(),
            extra: Default::default(),
        };
        {
            let mut queues = lock(&self.shared.queues);
            match behavior {
                StreamingBehavior::Steer => queues.steering.push(text),
                StreamingBehavior::FollowUp => queues.follow_up.push(text),
            }
        }
        self.emit_queue_update();
        match behavior {
            StreamingBehavior::Steer => self.agent.steer(Message::User(message)),
            StreamingBehavior::FollowUp => self.agent.follow_up(Message::User(message)),
        }
    }

    fn emit_queue_update(&self) {
        let queued = self.queued_messages();
        self.shared.emit(&SessionEvent::QueueUpdate {
            steering: &queued.steering,
            follow_up: &queued.follow_up,
        });
    }

    /// The queued texts.
    pub fn queued_messages(&self) -> QueuedMessages {
        let queues = lock(&self.shared.queues);
        QueuedMessages {
            steering: queues.steering.clone(),
            follow_up: queues.follow_up.clone(),
        }
    }

    /// Empties both queues and returns what they held.
    pub fn clear_queue(&self) -> QueuedMessages {
        let cleared = {
            let mut queues = lock(&self.shared.queues);
            QueuedMessages {
                steering: std::mem::take(&mut queues.steering),
                follow_up: std::mem::take(&mut queues.follow_up),
            }
        };
        self.agent.clear_all_queues();
        self.emit_queue_update();
        cleared
    }

    /// How many messages wait in the queues.
    pub fn pending_message_count(&self) -> usize {
        let queues = lock(&self.shared.queues);
        queues.steering.len() + queues.follow_up.len()
    }

    /// How steering messages are delivered.
    pub fn steering_mode(&self) -> QueueMode {
        self.commands().steering_mode
    }

    /// How follow-up messages are delivered.
    pub fn follow_up_mode(&self) -> QueueMode {
        self.commands().follow_up_mode
    }

    /// Changes how steering messages are delivered (saving it is the caller's business).
    pub fn set_steering_mode(&self, mode: QueueMode) {
        self.commands().steering_mode = mode;
        self.agent.set_steering_mode(mode);
    }

    /// Changes how follow-up messages are delivered (saving it is the caller's business).
    pub fn set_follow_up_mode(&self, mode: QueueMode) {
        self.commands().follow_up_mode = mode;
        self.agent.set_follow_up_mode(mode);
    }

    /// Whether failed requests are retried automatically.
    pub fn auto_retry_enabled(&self) -> bool {
        lock(&self.shared.config).retry.enabled
    }

    /// Turns automatic retries on or off; a retry waiting now still runs unless aborted.
    pub fn set_auto_retry(&self, enabled: bool) {
        lock(&self.shared.config).retry.enabled = enabled;
    }

    /// The thinking levels the current model supports (all of them without a model).
    pub fn available_thinking_levels(&self) -> Vec<ThinkingLevel> {
        match self.model() {
            Some(model) => model.supported_thinking_levels(),
            None => ThinkingLevel::ALL.to_vec(),
        }
    }

    /// Moves to the next thinking level the model supports; `None` for a model that does
    /// not reason.
    pub fn cycle_thinking_level(&self) -> Result<Option<ThinkingLevel>, SessionError> {
        if !self.model().is_some_and(|model| model.reasoning) {
            return Ok(None);
        }
        let levels = self.available_thinking_levels();
        let current = self.thinking_level();
        let next = levels
            .iter()
            .position(|level| *level == current)
            .map_or(0, |at| (at + 1) % levels.len());
        let Some(&level) = levels.get(next) else {
            return Ok(None);
        };
        self.set_thinking_level(level)?;
        Ok(Some(level))
    }

    /// Switches to `model` (its provider must have credentials) at `thinking_level`, clamped.
    pub async fn set_model_checked(
        &self,
        model: Model,
        thinking_level: ThinkingLevel,
    ) -> Result<(), CommandError> {
        let credentials = lock(&self.shared.config).credentials.clone();
        let provider = model.provider.clone();
        let has_auth = tokio::task::spawn_blocking(move || credentials.has_auth(&provider))
            .await
            .unwrap_or(false);
        if !has_auth {
            return Err(CommandError::NoApiKey {
                provider: model.provider,
                model_id: model.id,
            });
        }
        self.switch_model(model, thinking_level)?;
        Ok(())
    }

    /// Moves to the model after the current one in `candidates` (each with the thinking level
    /// its scope asks for); `level_for` gives the level for a candidate without one. `None`
    /// when there is nothing to cycle through.
    pub fn cycle_model(
        &self,
        candidates: &[(Model, Option<ThinkingLevel>)],
        is_scoped: bool,
        level_for: impl Fn(&Model) -> Option<ThinkingLevel>,
    ) -> Result<Option<CycledModel>, SessionError> {
        if candidates.len() <= 1 {
            return Ok(None);
        }
        let current = self.model();
        let at = current
            .as_ref()
            .and_then(|current| candidates.iter().position(|(m, _)| m.same_as(current)))
            .unwrap_or(0);
        let Some((model, explicit)) = candidates.get((at + 1) % candidates.len()) else {
            return Ok(None);
        };
        let level = explicit
            .or_else(|| level_for(model))
            .unwrap_or_else(|| self.thinking_level());
        self.switch_model(model.clone(), level)?;
        Ok(Some(CycledModel {
            model: model.clone(),
            thinking_level: self.thinking_level(),
            is_scoped,
        }))
    }

    /// Names the session (trimmed; line breaks become spaces) and announces it.
    pub fn set_session_name(&self, name: &str) -> Result<(), CommandError> {
        let name = name.trim();
        if name.is_empty() {
            return Err(CommandError::EmptySessionName);
        }
        let current = {
            let mut session = self.session();
            session.append_session_info(name)?;
            session.session_name().map(str::to_string)
        };
        self.shared.emit(&SessionEvent::SessionInfoChanged {
            name: current.as_deref(),
        });
        Ok(())
    }

    /// The user messages of the whole session (every branch), in file order, that have text.
    pub fn fork_messages(&self) -> Result<Vec<ForkMessage>, SessionError> {
        let entries = self.session().entries()?;
        Ok(entries
            .into_iter()
            .filter_map(|entry| {
                let text = user_text(entry.message()?)?;
                (!text.is_empty()).then_some(ForkMessage {
                    entry_id: entry.id,
                    text,
                })
            })
            .collect())
    }

    /// The text of the last assistant message (skipping an aborted empty one), trimmed;
    /// `None` when there is none or it has no text.
    pub fn last_assistant_text(&self) -> Option<String> {
        let state = self.agent.state();
        let last = state.messages.iter().rev().find_map(|message| {
            message.as_assistant().filter(|assistant| {
                !(assistant.stop_reason == StopReason::Aborted && assistant.content.is_empty())
            })
        })?;
        let text: String = last
            .content
            .iter()
            .filter_map(|block| match block {
                AssistantContent::Text(text) => Some(text.text.as_str()),
                _ => None,
            })
            .collect();
        let text = text.trim();
        (!text.is_empty()).then(|| text.to_string())
    }

    /// Every entry after `since` (all of them without a cursor), as written, with the leaf.
    pub fn entries_since(
        &self,
        since: Option<&str>,
    ) -> Result<(Vec<Value>, Option<String>), CommandError> {
        let session = self.session();
        let entries = session.entries()?;
        let start = match since {
            None => 0,
            Some(id) => {
                entries
                    .iter()
                    .position(|entry| entry.id == id)
                    .ok_or_else(|| CommandError::EntryNotFound(id.to_string()))?
                    + 1
            }
        };
        let values = entries[start..].iter().map(|e| e.to_value()).collect();
        Ok((values, session.leaf_id().map(str::to_string)))
    }

    /// Where a fork (`Before` a user message) or clone (`At` an entry) of this session ends.
    pub fn fork_target(
        &self,
        entry_id: &str,
        position: ForkPosition,
    ) -> Result<ForkTarget, CommandError> {
        let entry = self
            .session()
            .entry(entry_id)?
            .ok_or(CommandError::InvalidForkEntry)?;
        match position {
            ForkPosition::At => Ok(ForkTarget {
                leaf_id: Some(entry.id),
                selected_text: None,
            }),
            ForkPosition::Before => {
                let text = entry.message().and_then(user_text);
                let Some(text) = text else {
                    return Err(CommandError::InvalidForkEntry);
                };
                Ok(ForkTarget {
                    leaf_id: entry.parent_id,
                    selected_text: Some(text),
                })
            }
        }
    }

    /// Stops everything this session is doing (run, retry, shell commands) and waits until
    /// the run has settled; used before the session is replaced or the program exits.
    pub async fn shut_down(&self) {
        self.abort_bash();
        self.abort().await;
        self.wait_until_settled().await;
    }

    /// Waits until no prompt runs (its `agent_settled` has been announced).
    pub async fn wait_until_settled(&self) {
        let mut idle = self.shared.commands.idle.subscribe();
        // The sender lives in the session, which `self` keeps alive.
        let _ = idle.wait_for(|idle| *idle).await;
    }

    /// Takes the session manager out (leaving an empty in-memory session), releasing its
    /// file; for a session that is being replaced.
    pub(super) fn take_session_manager(&self) -> Result<SessionManager, SessionError> {
        let cwd = self.session().cwd().to_path_buf();
        let placeholder = SessionManager::in_memory(&cwd, Default::default())?;
        Ok(std::mem::replace(&mut *self.session(), placeholder))
    }

    /// Reloads the transcript the model sees from the session.
    fn refresh_context(&self) -> Result<(), SessionError> {
        let context = self.session().build_session_context()?;
        self.agent.set_messages(context.messages);
        Ok(())
    }
}

/// The text blocks of a user message, joined; `None` for other messages.
fn user_text(message: &AgentMessage) -> Option<String> {
    match message.as_llm()? {
        Message::User(user) => Some(user.content.text("")),
        _ => None,
    }
}

#[cfg(test)]
mod tests;

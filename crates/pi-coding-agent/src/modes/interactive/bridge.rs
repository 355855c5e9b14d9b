//! From the session's threads to the screen's: [`UiEvent`] is an owned copy of what a
//! [`SessionEvent`] says that the chat screen draws, sent over a channel with a wake-up for
//! the terminal's wait.

use std::sync::mpsc;

use pi_agent_core::{AgentEvent, AgentMessage, AgentToolResult};
use serde_json::{Map, Value};

use crate::agent_session::SessionEvent;
use crate::compaction::{CompactionReason, CompactionResult};

/// What the screen hears from the session and from the work it started.
#[derive(Debug)]
pub(crate) enum UiEvent {
    AgentStart,
    TurnStart,
    MessageStart(AgentMessage),
    MessageUpdate(pi_ai::AssistantMessage),
    MessageEnd(AgentMessage),
    ToolStart {
        id: String,
        name: String,
        args: Map<String, Value>,
    },
    ToolUpdate {
        id: String,
        partial: AgentToolResult,
    },
    ToolEnd {
        id: String,
        result: AgentToolResult,
        is_error: bool,
    },
    AgentEnd,
    QueueUpdate,
    ThinkingLevelChanged,
    SessionInfoChanged,
    CompactionStart(CompactionReason),
    CompactionEnd {
        reason: CompactionReason,
        result: Option<CompactionResult>,
        aborted: bool,
        error: Option<String>,
    },
    RetryStart {
        attempt: u32,
        max_attempts: u32,
        delay_ms: u64,
    },
    RetryEnd {
        success: bool,
        attempt: u32,
        final_error: Option<String>,
    },
    SummaryRetryScheduled {
        attempt: u32,
        max_attempts: u32,
        delay_ms: u64,
        error: String,
    },
    SummaryRetryFinished,
    BashOutput(String),
    /// Work the screen started finished; the screen reports it.
    Done(Outcome),
}

/// How work started from the screen ended.
#[derive(Debug)]
pub(crate) enum Outcome {
    /// A prompt's run ended (its messages were drawn from events); an error to show.
    Prompt(Option<String>),
    /// A user shell command ended.
    Bash(Result<crate::agent_session::BashResult, String>),
    /// A warning to show.
    Warning(String),
    /// A line to show: `Ok` as status, `Err` as error.
    Status(Result<String, String>),
    /// The session's usage totals, added up when the screen had seen this many answers end.
    FooterUsage(crate::interactive::footer::UsageSummary, u64),
    /// How full the context is now.
    FooterContext(Option<crate::interactive::footer::ContextUsage>),
    /// `/new` made a new session.
    NewSession,
    /// `/resume` switched to another session.
    Resumed,
    /// `/reload` rebuilt the session: the lines to show, or why it failed.
    Reloaded(Result<Vec<String>, String>),
    /// `/import` made the file named the session.
    Imported(String),
    /// The tree navigation went to its entry; a user message's text is for the editor.
    Navigated(Option<String>),
    /// The branch summary was aborted: the tree opens again on the entry.
    TreeAborted(String),
    /// A fork or clone is the session now; a fork's text goes back to the editor.
    Forked { text: String, clone: bool },
    /// A model switch finished.
    ModelSwitched(Result<String, String>),
    /// A compaction finished (its events told how).
    Compacted,
}

/// The sending half, shared with the session's listener and spawned tasks.
#[derive(Clone)]
pub(crate) struct UiSender {
    tx: mpsc::Sender<UiEvent>,
    wake: std::sync::Arc<dyn Fn() + Send + Sync>,
}

impl std::fmt::Debug for UiSender {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UiSender").finish_non_exhaustive()
    }
}

impl UiSender {
    pub(crate) fn new(
        wake: std::sync::Arc<dyn Fn() + Send + Sync>,
    ) -> (UiSender, mpsc::Receiver<UiEvent>) {
        let (tx, rx) = mpsc::channel();
        (UiSender { tx, wake }, rx)
    }

    /// Sends an event and wakes the screen. A screen that is gone has nothing to draw.
    pub(crate) fn send(&self, event: UiEvent) {
        if self.tx.send(event).is_ok() {
            (self.wake)();
        }
    }

    /// Sends what a session event says, if the screen draws it.
    pub(crate) fn forward(&self, event: &SessionEvent<'_>) {
        if let Some(event) = UiEvent::from_session(event) {
            self.send(event);
        }
    }
}

impl UiEvent {
    fn from_session(event: &SessionEvent<'_>) -> Option<UiEvent> {
        Some(match *event {
            SessionEvent::Agent(event) => return UiEvent::from_agent(event),
            SessionEvent::AgentEnd { .. } => UiEvent::AgentEnd,
            SessionEvent::QueueUpdate { .. } => UiEvent::QueueUpdate,
            SessionEvent::ThinkingLevelChanged { level: _ } => UiEvent::ThinkingLevelChanged,
            SessionEvent::SessionInfoChanged { .. } => UiEvent::SessionInfoChanged,
            SessionEvent::CompactionStart { reason } => UiEvent::CompactionStart(reason),
            SessionEvent::CompactionEnd {
                reason,
                result,
                aborted,
                error_message,
                ..
            } => UiEvent::CompactionEnd {
                reason,
                result: result.cloned(),
                aborted,
                error: error_message.map(str::to_owned),
            },
            SessionEvent::AutoRetryStart {
                attempt,
                max_attempts,
                delay_ms,
                ..
            } => UiEvent::RetryStart {
                attempt,
                max_attempts,
                delay_ms,
            },
            SessionEvent::AutoRetryEnd {
                success,
                attempt,
                final_error,
            } => UiEvent::RetryEnd {
                success,
                attempt,
                final_error: final_error.map(str::to_owned),
            },
            SessionEvent::SummarizationRetryScheduled {
                attempt,
                max_attempts,
                delay_ms,
                error_message,
            } => UiEvent::SummaryRetryScheduled {
                attempt,
                max_attempts,
                delay_ms,
                error: error_message.to_owned(),
            },
            SessionEvent::SummarizationRetryAttemptStart { .. }
            | SessionEvent::SummarizationRetryFinished => UiEvent::SummaryRetryFinished,
            SessionEvent::BashExecutionUpdate { delta, .. } => {
                UiEvent::BashOutput(delta.to_owned())
            }
            SessionEvent::AgentSettled | SessionEvent::EntryAppended { .. } => return None,
        })
    }

    fn from_agent(event: &AgentEvent<'_>) -> Option<UiEvent> {
        let args = |args: &Value| args.as_object().cloned().unwrap_or_default();
        Some(match *event {
            AgentEvent::AgentStart => UiEvent::AgentStart,
            AgentEvent::TurnStart => UiEvent::TurnStart,
            AgentEvent::MessageStart { message } => UiEvent::MessageStart(message.clone()),
            AgentEvent::MessageUpdate { message, .. } => UiEvent::MessageUpdate(message.clone()),
            AgentEvent::MessageEnd { message } => UiEvent::MessageEnd(message.clone()),
            AgentEvent::ToolExecutionStart {
                tool_call_id,
                tool_name,
                args: a,
            } => UiEvent::ToolStart {
                id: tool_call_id.to_owned(),
                name: tool_name.to_owned(),
                args: args(a),
            },
            AgentEvent::ToolExecutionUpdate {
                tool_call_id,
                partial_result,
                ..
            } => UiEvent::ToolUpdate {
                id: tool_call_id.to_owned(),
                partial: partial_result.clone(),
            },
            AgentEvent::ToolExecutionEnd {
                tool_call_id,
                result,
                is_error,
                ..
            } => UiEvent::ToolEnd {
                id: tool_call_id.to_owned(),
                result: result.clone(),
                is_error,
            },
            AgentEvent::AgentEnd { .. } | AgentEvent::TurnEnd { .. } => return None,
        })
    }
}

//! Compaction in a session: manual (`compact`, and its dry run), automatic after a run, before
//! a prompt and between turns, and the recovery of a request that overflowed the context or was
//! cut short. Tree navigation with branch summaries is in [`navigate`].
//!
//! Automatic compaction never loops: a compaction that fails, or that leaves the context
//! still above the threshold, pauses automatic compaction until the next prompt and says so
//! in its `compaction_end` event. Overflow recovery is tried once per prompt.

mod navigate;

use std::sync::{Arc, Weak};

use pi_agent_core::{
    AgentContext, AgentEvent, AgentHooks, AgentMessage, BoxFuture, StreamFn, TurnContext,
    TurnUpdate,
};
use pi_ai::{AssistantMessage, CancellationToken, Message, Model, SimpleStreamOptions, StopReason};
use serde::Serialize;
use tokio::sync::Notify;

use super::events::{SessionEvent, SummarySource};
use super::hooks::SessionHooks;
use super::{AgentSession, PromptError, Shared, lock};
use crate::compaction::estimate::{
    branch_positions, calculate_context_tokens, context_tokens_upper_bound,
};
use crate::compaction::{
    CompactionReason, CompactionResult, SummarizationRetry, Summarizer, SummaryError, compact,
    estimate_context_tokens, estimate_projected_context_tokens, estimate_tokens,
    prepare_compaction, should_compact,
};
use crate::config::Settings;
use crate::config::guidance;
use crate::config::settings::{BranchSummarySettings, CompactionSettings, SettingValueError};
use crate::session::{EntryKind, NodeKind, Role, SessionError, parse_iso_ms};

pub use navigate::{NavigateOptions, NavigateResult};

/// Why a compaction or a tree navigation did not happen. The texts are pi's.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CompactionError {
    /// No model is selected (pi's guidance text).
    #[error("{0}")]
    NoModel(String),
    /// The model's provider has no credentials (pi's guidance text).
    #[error("{0}")]
    NoApiKey(String),
    /// The branch already ends with a compaction.
    #[error("Already compacted")]
    AlreadyCompacted,
    /// Nothing precedes the part that would be kept.
    #[error("Nothing to compact (session too small)")]
    NothingToCompact,
    /// The compaction was cancelled.
    #[error("Compaction cancelled")]
    Cancelled,
    /// The summary request failed (`Summarization failed: …`, …).
    #[error("{0}")]
    Summarization(String),
    /// A compaction setting is invalid.
    #[error(transparent)]
    Setting(#[from] SettingValueError),
    /// The session could not be read or written.
    #[error(transparent)]
    Session(#[from] SessionError),
    /// Tree navigation while the agent works.
    #[error("Wait for the current response to finish before navigating the session tree.")]
    Streaming,
    /// Tree navigation while a compaction or another navigation runs.
    #[error(
        "Wait for the current compaction or tree navigation to finish before navigating the session tree."
    )]
    Busy,
    /// A branch summary was asked for without a model.
    #[error("No model available for summarization")]
    NoSummaryModel,
    /// The navigation target does not exist.
    #[error("Entry {0} not found")]
    EntryNotFound(String),
}

/// What a compaction would do, worked out without calling the model (a dry run).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CompactionPreview {
    /// Estimated context tokens now.
    pub tokens_before: u64,
    /// The model's context window (0 without a model).
    pub context_window: u64,
    /// `compaction.reserveTokens` for the model.
    pub reserve_tokens: u64,
    /// `compaction.keepRecentTokens` for the model.
    pub keep_recent_tokens: u64,
    /// The size above which compaction runs by itself (window minus reserve).
    pub threshold: u64,
    /// Whether automatic compaction would run now.
    pub would_auto_compact: bool,
    /// The first entry that would be kept.
    pub first_kept_entry_id: String,
    /// Whether the cut splits a turn.
    pub is_split_turn: bool,
    /// Whether an earlier summary would be updated.
    pub has_previous_summary: bool,
    /// The history the summary would replace.
    pub summarize: PreviewPart,
    /// The split turn's start, summarized apart.
    pub turn_prefix: PreviewPart,
    /// What would be kept verbatim.
    pub keep: PreviewPart,
    /// The largest summary the history request may produce.
    pub summary_max_tokens: u64,
    /// Files only read in the summarized part.
    pub read_files: Vec<String>,
    /// Files written or edited in it.
    pub modified_files: Vec<String>,
    /// The instructions the summary would follow, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub custom_instructions: Option<String>,
}

/// A count of messages and their estimated tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct PreviewPart {
    /// Messages.
    pub messages: usize,
    /// Estimated tokens.
    pub tokens: u64,
}

impl PreviewPart {
    fn of(messages: &[AgentMessage]) -> Self {
        PreviewPart {
            messages: messages.len(),
            tokens: messages.iter().map(estimate_tokens).sum(),
        }
    }
}

/// The session's compaction state.
pub(super) struct CompactionState {
    /// `compaction` and `branchSummary` settings.
    settings: Arc<Settings>,
    /// `set_auto_compaction`, over `compaction.enabled`.
    auto_enabled: Option<bool>,
    /// Overflow recovery was tried since the last user message.
    overflow_recovery_attempted: bool,
    /// Automatic compaction failed or did not help during this prompt.
    paused: bool,
    /// An invalid setting met after a run, reported by the prompt.
    setting_error: Option<SettingValueError>,
    manual: Option<Running>,
    automatic: Option<Running>,
    branch: Option<Running>,
    next_id: u64,
    idle: Arc<Notify>,
    stream_fn: StreamFn,
    request: SimpleStreamOptions,
}

impl CompactionState {
    pub(super) fn new(stream_fn: StreamFn, request: SimpleStreamOptions) -> Self {
        CompactionState {
            settings: Arc::new(Settings::in_memory(serde_json::Value::Null)),
            auto_enabled: None,
            overflow_recovery_attempted: false,
            paused: false,
            setting_error: None,
            manual: None,
            automatic: None,
            branch: None,
            next_id: 0,
            idle: Arc::new(Notify::new()),
            stream_fn,
            request,
        }
    }

    fn busy(&self) -> bool {
        self.manual.is_some() || self.automatic.is_some() || self.branch.is_some()
    }
}

/// Which slot a running compaction or summary occupies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Slot {
    Manual,
    Automatic,
    Branch,
}

/// A running compaction or summary: its cancellation, and an id telling it from a later one
/// in the same slot.
struct Running {
    id: u64,
    cancel: CancellationToken,
}

/// Holds a slot while a compaction runs; frees it (and wakes waiters) when dropped.
struct Active {
    shared: Arc<Shared>,
    slot: Slot,
    id: u64,
}

impl Active {
    fn begin(shared: &Arc<Shared>, slot: Slot, cancel: CancellationToken) -> Self {
        let mut state = lock(&shared.compaction);
        state.next_id += 1;
        let id = state.next_id;
        *state.slot(slot) = Some(Running { id, cancel });
        Active {
            shared: Arc::clone(shared),
            slot,
            id,
        }
    }
}

impl Drop for Active {
    fn drop(&mut self) {
        let mut state = lock(&self.shared.compaction);
        let slot = state.slot(self.slot);
        if slot.as_ref().is_some_and(|running| running.id == self.id) {
            *slot = None;
        }
        let idle = Arc::clone(&state.idle);
        drop(state);
        idle.notify_waiters();
    }
}

impl CompactionState {
    fn slot(&mut self, slot: Slot) -> &mut Option<Running> {
        match slot {
            Slot::Manual => &mut self.manual,
            Slot::Automatic => &mut self.automatic,
            Slot::Branch => &mut self.branch,
        }
    }
}

/// What an automatic compaction did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct AutoOutcome {
    /// A compaction entry was appended.
    compacted: bool,
    /// The run should go on (a retry, or queued messages).
    continue_run: bool,
}

impl AgentSession {
    /// Takes the `compaction` and `branchSummary` settings (per-model overrides included).
    /// Without this call pi's defaults apply.
    pub fn set_compaction_settings(&self, settings: &Settings) {
        let mut copy = serde_json::Map::new();
        for key in ["compaction", "branchSummary"] {
            if let Some(value) = settings.get(key) {
                copy.insert(key.to_string(), value.clone());
            }
        }
        lock(&self.shared.compaction).settings =
            Arc::new(Settings::in_memory(serde_json::Value::Object(copy)));
    }

    /// Turns automatic compaction on or off for this session (the caller persists the
    /// setting, as `compaction.enabled`, if it wants to).
    pub fn set_auto_compaction(&self, enabled: bool) {
        lock(&self.shared.compaction).auto_enabled = Some(enabled);
    }

    /// Whether automatic compaction is on.
    pub fn auto_compaction_enabled(&self) -> bool {
        let state = lock(&self.shared.compaction);
        state
            .auto_enabled
            .unwrap_or_else(|| state.settings.compaction_enabled())
    }

    /// The compaction settings for the current model.
    pub fn compaction_settings(&self) -> Result<CompactionSettings, SettingValueError> {
        let model = self.model();
        self.compaction_settings_for(model.as_ref())
    }

    fn compaction_settings_for(
        &self,
        model: Option<&Model>,
    ) -> Result<CompactionSettings, SettingValueError> {
        let state = lock(&self.shared.compaction);
        let mut settings = state
            .settings
            .compaction(model.map(|m| (m.provider.as_str(), m.id.as_str())))?;
        if let Some(enabled) = state.auto_enabled {
            settings.enabled = enabled;
        }
        Ok(settings)
    }

    fn branch_summary_settings(&self) -> BranchSummarySettings {
        lock(&self.shared.compaction).settings.branch_summary()
    }

    /// Whether a compaction or a branch summary is running.
    pub fn is_compacting(&self) -> bool {
        lock(&self.shared.compaction).busy()
    }

    /// Cancels a running compaction (manual or automatic).
    pub fn abort_compaction(&self) {
        let state = lock(&self.shared.compaction);
        for running in [&state.manual, &state.automatic].into_iter().flatten() {
            running.cancel.cancel();
        }
    }

    /// Cancels a running branch summary (the navigation is then cancelled).
    pub fn abort_branch_summary(&self) {
        if let Some(running) = &lock(&self.shared.compaction).branch {
            running.cancel.cancel();
        }
    }

    /// Waits until no compaction or branch summary runs.
    pub(super) async fn wait_for_compaction(&self) {
        loop {
            let idle = Arc::clone(&lock(&self.shared.compaction).idle);
            let notified = idle.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            if !self.is_compacting() {
                return;
            }
            notified.await;
        }
    }

    /// Compacts the session now (`/compact`, RPC `compact`): stops the agent first, then
    /// summarizes everything before the kept recent part, following `custom_instructions`
    /// if given. Emits `compaction_start` and `compaction_end` (reason `manual`).
    pub async fn compact(
        &self,
        custom_instructions: Option<String>,
    ) -> Result<CompactionResult, CompactionError> {
        self.abort().await;
        let cancel = CancellationToken::new();
        let active = Active::begin(&self.shared, Slot::Manual, cancel.clone());
        self.shared.emit(&SessionEvent::CompactionStart {
            reason: CompactionReason::Manual,
        });
        let outcome = self
            .manual_compaction(custom_instructions.as_deref(), &cancel)
            .await;
        // Listeners of `compaction_end` may prompt at once: the session is idle by then.
        drop(active);
        match outcome {
            Ok(result) => {
                self.shared.emit(&SessionEvent::CompactionEnd {
                    reason: CompactionReason::Manual,
                    result: Some(&result),
                    aborted: false,
                    will_retry: false,
                    error_message: None,
                });
                Ok(result)
            }
            Err(error) => {
                let aborted = cancel.is_cancelled();
                let message = (!aborted).then(|| format!("Compaction failed: {error}"));
                self.shared.emit(&SessionEvent::CompactionEnd {
                    reason: CompactionReason::Manual,
                    result: None,
                    aborted,
                    will_retry: false,
                    error_message: message.as_deref(),
                });
                Err(if aborted {
                    CompactionError::Cancelled
                } else {
                    error
                })
            }
        }
    }

    async fn manual_compaction(
        &self,
        custom_instructions: Option<&str>,
        cancel: &CancellationToken,
    ) -> Result<CompactionResult, CompactionError> {
        let docs = lock(&self.shared.config).docs_dir.clone();
        let model = self
            .model()
            .ok_or_else(|| CompactionError::NoModel(guidance::no_model_selected(&docs)))?;
        let settings = self.compaction_settings_for(Some(&model))?;
        let summarizer = self
            .summarizer(
                &model,
                cancel,
                SummarySource::Compaction(CompactionReason::Manual),
            )
            .await?;
        let preparation = {
            let session = self.session();
            match prepare_compaction(&session, settings)? {
                Some(preparation) => preparation,
                None if leaf_is_compaction(&session) => {
                    return Err(CompactionError::AlreadyCompacted);
                }
                None => return Err(CompactionError::NothingToCompact),
            }
        };
        let result = compact(&preparation, &summarizer, custom_instructions)
            .await
            .map_err(|error| match error {
                SummaryError::Failed(message) => CompactionError::Summarization(message),
                _ => CompactionError::Cancelled,
            })?;
        if cancel.is_cancelled() {
            return Err(CompactionError::Cancelled);
        }
        self.apply_compaction(result)
    }

    /// What [`AgentSession::compact`] would summarize and keep, with token counts, without
    /// calling the model or changing anything.
    pub fn compaction_preview(
        &self,
        custom_instructions: Option<&str>,
    ) -> Result<CompactionPreview, CompactionError> {
        let model = self.model();
        let settings = self.compaction_settings_for(model.as_ref())?;
        let context_window = model.as_ref().map_or(0, |m| m.context_window);
        let session = self.session();
        let Some(preparation) = prepare_compaction(&session, settings)? else {
            return Err(if leaf_is_compaction(&session) {
                CompactionError::AlreadyCompacted
            } else {
                CompactionError::NothingToCompact
            });
        };
        drop(session);
        let (read_files, modified_files) = preparation.file_ops.lists();
        let history_limit = settings.reserve_tokens * 8 / 10;
        let summary_max_tokens = match model.as_ref().map_or(0, |m| m.max_tokens) {
            0 => history_limit,
            max => history_limit.min(max),
        };
        Ok(CompactionPreview {
            tokens_before: preparation.tokens_before,
            context_window,
            reserve_tokens: settings.reserve_tokens,
            keep_recent_tokens: settings.keep_recent_tokens,
            threshold: context_window.saturating_sub(settings.reserve_tokens),
            would_auto_compact: context_window > 0
                && should_compact(preparation.tokens_before, context_window, &settings),
            first_kept_entry_id: preparation.first_kept_entry_id.clone(),
            is_split_turn: preparation.is_split_turn,
            has_previous_summary: preparation.previous_summary.is_some(),
            summarize: PreviewPart::of(&preparation.messages_to_summarize),
            turn_prefix: PreviewPart::of(&preparation.turn_prefix_messages),
            keep: PreviewPart::of(&preparation.kept_messages),
            summary_max_tokens,
            read_files,
            modified_files,
            custom_instructions: custom_instructions
                .filter(|c| !c.is_empty())
                .map(str::to_string),
        })
    }

    /// How summaries are requested: the session's model, stream function (so its
    /// credentials), request options and retry settings. Fails without credentials.
    async fn summarizer(
        &self,
        model: &Model,
        cancel: &CancellationToken,
        source: SummarySource,
    ) -> Result<Summarizer, CompactionError> {
        let (credentials, docs, retry) = {
            let config = lock(&self.shared.config);
            (
                Arc::clone(&config.credentials),
                config.docs_dir.clone(),
                config.retry,
            )
        };
        let provider = model.provider.clone();
        let has_auth = tokio::task::spawn_blocking(move || credentials.has_auth(&provider))
            .await
            .unwrap_or(false);
        if !has_auth {
            return Err(CompactionError::NoApiKey(guidance::no_api_key_found(
                &model.provider,
                &docs,
            )));
        }
        let (stream_fn, options) = {
            let state = lock(&self.shared.compaction);
            (Arc::clone(&state.stream_fn), state.request.clone())
        };
        let shared = Arc::downgrade(&self.shared);
        Ok(Summarizer {
            model: model.clone(),
            stream_fn,
            options,
            thinking_level: self.thinking_level(),
            retry,
            cancel: cancel.clone(),
            on_retry: Some(Arc::new(move |step: &SummarizationRetry<'_>| {
                let Some(shared) = shared.upgrade() else {
                    return;
                };
                let event = match *step {
                    SummarizationRetry::Scheduled {
                        attempt,
                        max_attempts,
                        delay_ms,
                        error_message,
                    } => SessionEvent::SummarizationRetryScheduled {
                        attempt,
                        max_attempts,
                        delay_ms,
                        error_message,
                    },
                    SummarizationRetry::AttemptStart => {
                        SessionEvent::SummarizationRetryAttemptStart { source }
                    }
                    SummarizationRetry::Finished => SessionEvent::SummarizationRetryFinished,
                };
                shared.emit(&event);
            })),
        })
    }

    /// Appends the compaction and rebuilds the model's context from the session; returns
    /// the result with the estimated size after it.
    fn apply_compaction(
        &self,
        mut result: CompactionResult,
    ) -> Result<CompactionResult, CompactionError> {
        let context = {
            let mut session = self.session();
            session.append_compaction(
                &result.summary,
                Some(&result.first_kept_entry_id),
                result.tokens_before,
                result.details.clone(),
                Some(false),
                result.usage.clone(),
            )?;
            session.build_session_context()?
        };
        result.estimated_tokens_after = Some(context.messages.iter().map(estimate_tokens).sum());
        self.agent.set_messages(context.messages);
        Ok(result)
    }

    /// Refuses a prompt while a manual compaction runs.
    pub(super) fn ensure_not_compacting(&self) -> Result<(), PromptError> {
        match lock(&self.shared.compaction).manual {
            Some(_) => Err(PromptError::Compacting),
            None => Ok(()),
        }
    }

    /// Before a prompt is sent: resets what is tracked per prompt, then compacts if the last
    /// response calls for it (the prompt is sent either way).
    pub(super) async fn compaction_before_prompt(&self) -> Result<(), PromptError> {
        {
            let mut state = lock(&self.shared.compaction);
            state.paused = false;
            state.setting_error = None;
        }
        if let Some(last) = self.agent.last_assistant_message() {
            self.check_compaction(&last, None, false).await;
        }
        match lock(&self.shared.compaction).setting_error.take() {
            Some(error) => Err(PromptError::InvalidSetting(error)),
            None => Ok(()),
        }
    }

    /// An invalid compaction setting met during the run, if any.
    pub(super) fn take_compaction_setting_error(&self) -> Option<SettingValueError> {
        lock(&self.shared.compaction).setting_error.take()
    }

    /// Compacts when `message` (the last response, with its entry id when known) calls for
    /// it: an overflow or a recoverable length stop is recovered once (the attempt is hidden
    /// from the model, the session compacted, and the request retried); otherwise the
    /// context is compacted when it is above the threshold. Returns whether the run should
    /// continue (a retry, or queued messages after a compaction).
    pub(super) async fn check_compaction(
        &self,
        message: &AssistantMessage,
        entry_id: Option<&str>,
        skip_aborted: bool,
    ) -> bool {
        let model = self.model();
        let settings = match self.compaction_settings_for(model.as_ref()) {
            Ok(settings) => settings,
            Err(error) => {
                lock(&self.shared.compaction).setting_error = Some(error);
                return false;
            }
        };
        if !settings.enabled || (skip_aborted && message.stop_reason == StopReason::Aborted) {
            return false;
        }
        let context_window = model.as_ref().map_or(0, |m| m.context_window);
        let same_model = model
            .as_ref()
            .is_some_and(|m| message.provider == m.provider && message.model == m.id);
        let Ok(facts) = self.recovery_facts(message, entry_id) else {
            return false;
        };
        if facts.from_before_compaction {
            return false;
        }
        let explicit_overflow =
            message.stop_reason == StopReason::Error && pi_ai::is_context_overflow(message, None);
        let context_overflow = same_model
            && ((explicit_overflow && facts.retained_for_recovery)
                || (facts.usage_matches_projection
                    && pi_ai::is_context_overflow(message, Some(context_window))));
        let recoverable_length = same_model
            && facts.projected
            && pi_ai::is_recoverable_length(message, model.as_ref().map_or(0, |m| m.max_tokens));
        if context_overflow || recoverable_length {
            let will_retry = message.stop_reason != StopReason::Stop;
            if !will_retry {
                if lock(&self.shared.compaction).paused {
                    return false;
                }
                return self
                    .run_auto_compaction(CompactionReason::Overflow, false, None)
                    .await
                    .continue_run;
            }
            let attempted = std::mem::replace(
                &mut lock(&self.shared.compaction).overflow_recovery_attempted,
                true,
            );
            if attempted {
                let error = if context_overflow {
                    "Context overflow recovery failed after one compact-and-retry attempt. Try reducing context or switching to a larger-context model."
                } else {
                    "Truncated response recovery failed after one compact-and-retry attempt."
                };
                self.shared.emit(&SessionEvent::CompactionEnd {
                    reason: CompactionReason::Overflow,
                    result: None,
                    aborted: false,
                    will_retry: false,
                    error_message: Some(error),
                });
                return false;
            }
            if self.omit_recovery_attempt(&facts.omit).is_err() {
                return false;
            }
            return self
                .run_auto_compaction(CompactionReason::Overflow, will_retry, None)
                .await
                .continue_run;
        }
        // Without a known window there is no threshold (pi checks it between turns only).
        if context_window == 0 || lock(&self.shared.compaction).paused {
            return false;
        }
        let Some(tokens) = self.threshold_tokens(message, &facts) else {
            return false;
        };
        if should_compact(tokens, context_window, &settings) {
            return self
                .run_auto_compaction(CompactionReason::Threshold, false, None)
                .await
                .continue_run;
        }
        false
    }

    /// The context size the threshold is checked against after `message`: its usage, or an
    /// estimate when the usage cannot be trusted (`None`: the estimate rests on usage from
    /// before the latest compaction).
    fn threshold_tokens(&self, message: &AssistantMessage, facts: &RecoveryFacts) -> Option<u64> {
        if let Some(tokens) = facts.edited_context_tokens {
            return Some(tokens);
        }
        let direct = calculate_context_tokens(&message.usage);
        if message.stop_reason != StopReason::Error && direct > 0 {
            return Some(direct);
        }
        // A failed or usage-less response: estimate from the last good one.
        let state = self.agent.state();
        let estimate = estimate_context_tokens(&state.messages);
        if let (Some(index), Some(compaction_ms)) =
            (estimate.last_usage_index, facts.latest_compaction_ms)
            && let Some(usage_source) = state
                .messages
                .get(index)
                .and_then(AgentMessage::as_assistant)
            && usage_source.timestamp <= compaction_ms
        {
            return None;
        }
        Some(estimate.tokens)
    }

    /// Runs an automatic compaction (`reason` threshold or overflow), with its events.
    async fn run_auto_compaction(
        &self,
        reason: CompactionReason,
        will_retry: bool,
        parent: Option<&CancellationToken>,
    ) -> AutoOutcome {
        let Some(model) = self.model() else {
            return AutoOutcome::default();
        };
        let Ok(settings) = self.compaction_settings_for(Some(&model)) else {
            return AutoOutcome::default();
        };
        let preparation = match prepare_compaction(&self.session(), settings) {
            Ok(Some(preparation)) => preparation,
            _ => return AutoOutcome::default(),
        };
        let cancel = parent.map_or_else(CancellationToken::new, CancellationToken::child_token);
        let active = Active::begin(&self.shared, Slot::Automatic, cancel.clone());
        self.shared.emit(&SessionEvent::CompactionStart { reason });
        let outcome = async {
            let summarizer = self
                .summarizer(&model, &cancel, SummarySource::Compaction(reason))
                .await?;
            if cancel.is_cancelled() {
                return Err(CompactionError::Cancelled);
            }
            let result =
                compact(&preparation, &summarizer, None)
                    .await
                    .map_err(|error| match error {
                        SummaryError::Failed(message) => CompactionError::Summarization(message),
                        _ => CompactionError::Cancelled,
                    })?;
            if cancel.is_cancelled() {
                return Err(CompactionError::Cancelled);
            }
            self.apply_compaction(result)
        }
        .await;
        drop(active);
        let result = match outcome {
            Ok(result) => result,
            Err(error) => {
                let aborted = cancel.is_cancelled();
                let message = (!aborted).then(|| match reason {
                    CompactionReason::Overflow => {
                        format!("Context overflow recovery failed: {error}")
                    }
                    _ => format!("Auto-compaction failed: {error}"),
                });
                if !aborted {
                    lock(&self.shared.compaction).paused = true;
                }
                self.shared.emit(&SessionEvent::CompactionEnd {
                    reason,
                    result: None,
                    aborted,
                    will_retry: false,
                    error_message: message.as_deref(),
                });
                return AutoOutcome::default();
            }
        };
        let after = result.estimated_tokens_after.unwrap_or(0);
        let still_over = should_compact(
            after,
            model.context_window,
            &CompactionSettings {
                enabled: true,
                ..settings
            },
        );
        if still_over {
            // Compacting again would not get further: stop instead of looping.
            lock(&self.shared.compaction).paused = true;
            let message = format!(
                "Compaction left the context above the automatic compaction threshold ({after} of {} tokens); automatic compaction stops until the next prompt{}. Lower compaction.keepRecentTokens or use a model with a larger context window.",
                model.context_window.saturating_sub(settings.reserve_tokens),
                if will_retry {
                    " and the failed request is not retried"
                } else {
                    ""
                }
            );
            self.shared.emit(&SessionEvent::CompactionEnd {
                reason,
                result: Some(&result),
                aborted: false,
                will_retry: false,
                error_message: Some(&message),
            });
            return AutoOutcome {
                compacted: true,
                continue_run: self.agent.has_queued_messages(),
            };
        }
        self.shared.emit(&SessionEvent::CompactionEnd {
            reason,
            result: Some(&result),
            aborted: false,
            will_retry,
            error_message: None,
        });
        AutoOutcome {
            compacted: true,
            continue_run: will_retry || self.agent.has_queued_messages(),
        }
    }

    /// Between two turns of a run: compacts when the context has grown past the threshold,
    /// and hands the loop the rebuilt context.
    async fn compact_before_next_turn(
        &self,
        context: &AgentContext,
        cancel: &CancellationToken,
    ) -> Option<TurnUpdate> {
        let model = self.model()?;
        if model.context_window == 0 || lock(&self.shared.compaction).paused {
            return None;
        }
        let settings = self.compaction_settings_for(Some(&model)).ok()?;
        // The run's context is the session's projection: when even the larger of its two
        // estimates is under the threshold, the session need not be read.
        let bound = context_tokens_upper_bound(&context.messages);
        if !should_compact(bound, model.context_window, &settings) {
            return None;
        }
        let tokens = {
            let session = self.session();
            let projection = session.build_session_projection().ok()?;
            estimate_projected_context_tokens(&session, &projection).tokens
        };
        if !should_compact(tokens, model.context_window, &settings) {
            return None;
        }
        let outcome = self
            .run_auto_compaction(CompactionReason::Threshold, false, Some(cancel))
            .await;
        if !outcome.compacted {
            return None;
        }
        let messages = self.agent.state().messages.clone();
        Some(TurnUpdate {
            context: Some(AgentContext {
                messages,
                tools: context.tools.clone(),
            }),
            ..TurnUpdate::default()
        })
    }

    /// Facts about the last response and its place in the session that decide between
    /// recovery and threshold compaction.
    fn recovery_facts(
        &self,
        message: &AssistantMessage,
        entry_id: Option<&str>,
    ) -> Result<RecoveryFacts, SessionError> {
        let session = self.session();
        let index = session.index();
        let branch = branch_positions(&session);
        let latest_compaction = branch
            .iter()
            .rposition(|&at| index.nodes[at].kind == NodeKind::Compaction);
        let latest_compaction_ms =
            latest_compaction.and_then(|at| parse_iso_ms(&index.nodes[branch[at]].timestamp));
        if latest_compaction_ms.is_some_and(|ms| message.timestamp <= ms) {
            return Ok(RecoveryFacts {
                from_before_compaction: true,
                ..RecoveryFacts::default()
            });
        }
        // The response's entry: given, or found among the entries after the compaction.
        let search_from = latest_compaction.map_or(0, |at| at + 1);
        let assistant_at = match entry_id {
            Some(id) => branch.iter().position(|&at| *index.nodes[at].id == *id),
            None => {
                let mut found = None;
                for (position, &at) in branch.iter().enumerate().skip(search_from).rev() {
                    if index.nodes[at].kind != NodeKind::Message(Role::Assistant) {
                        continue;
                    }
                    let entry = session.read(at)?;
                    if entry.message().and_then(AgentMessage::as_assistant) == Some(message) {
                        found = Some(position);
                        break;
                    }
                }
                found
            }
        };
        let assistant_id =
            assistant_at.map(|position| index.nodes[branch[position]].id.to_string());
        let projection = session.build_session_projection()?;
        let projected = assistant_id.as_deref().is_none_or(|id| {
            projection.entries.iter().any(|entry| {
                entry.entry.id == id && entry.messages.iter().any(|m| m.role() == "assistant")
            })
        });
        // With context edits, only an estimate of what the model sees is trustworthy.
        let has_edits = projection
            .entries
            .iter()
            .any(|entry| matches!(entry.entry.kind, EntryKind::ContextEdit { .. }));
        let edited_context_tokens =
            has_edits.then(|| estimate_projected_context_tokens(&session, &projection).tokens);
        let mut facts = RecoveryFacts {
            from_before_compaction: false,
            projected,
            retained_for_recovery: true,
            usage_matches_projection: projected,
            latest_compaction_ms,
            edited_context_tokens,
            omit: Vec::new(),
        };
        let (Some(position), Some(id)) = (assistant_at, assistant_id) else {
            return Ok(facts);
        };
        let mut latest_edit_removes = false;
        let mut compaction_after = false;
        let call_ids: Vec<&str> = message.tool_calls().map(|call| call.id.as_str()).collect();
        let mut tool_results = Vec::new();
        let mut in_results = true;
        for &at in &branch[position + 1..] {
            let node = &index.nodes[at];
            match node.kind {
                NodeKind::ContextEdit => {
                    facts.usage_matches_projection = false;
                    if let EntryKind::ContextEdit {
                        target_id,
                        replacement,
                    } = session.read(at)?.kind
                        && target_id == id
                    {
                        latest_edit_removes = replacement.is_none();
                    }
                }
                NodeKind::Compaction => compaction_after = true,
                NodeKind::Message(Role::ToolResult) if in_results => {
                    let entry = session.read(at)?;
                    let answers = entry.message().and_then(AgentMessage::as_llm).is_some_and(
                        |m| matches!(m, Message::ToolResult(r) if call_ids.contains(&r.tool_call_id.as_str())),
                    );
                    if answers {
                        tool_results.push(entry.id);
                    }
                }
                _ => {}
            }
            in_results &= matches!(node.kind, NodeKind::Message(Role::ToolResult));
        }
        facts.retained_for_recovery = !compaction_after && !latest_edit_removes;
        facts.omit = vec![id];
        // Only a response that just ended takes its tool results along (as pi does).
        if entry_id.is_some() {
            facts.omit.extend(tool_results);
        }
        Ok(facts)
    }

    /// Hides a recovered attempt (the response and its tool results) from the model with
    /// `context_edit` entries, each announced, and rebuilds the model's context.
    fn omit_recovery_attempt(&self, entry_ids: &[String]) -> Result<(), SessionError> {
        for id in entry_ids {
            let entry = {
                let mut session = self.session();
                let edit = session.append_context_edit(id, None)?;
                session.entry(&edit)?
            };
            if let Some(entry) = entry {
                let value = entry.to_value();
                self.shared
                    .emit(&SessionEvent::EntryAppended { entry: &value });
            }
        }
        let context = self.session().build_session_context()?;
        self.agent.set_messages(context.messages);
        Ok(())
    }
}

/// What [`AgentSession::check_compaction`] needs to know about the last response.
#[derive(Debug, Default)]
struct RecoveryFacts {
    /// It predates the latest compaction: nothing to do.
    from_before_compaction: bool,
    /// The model still sees it.
    projected: bool,
    /// No later compaction or edit removed it (an explicit overflow is still recoverable).
    retained_for_recovery: bool,
    /// Its usage describes the current context (no edit since).
    usage_matches_projection: bool,
    /// When the latest compaction on the branch was written.
    latest_compaction_ms: Option<i64>,
    /// The estimated context, when context edits make usage unreliable.
    edited_context_tokens: Option<u64>,
    /// Its entry and its tool results' entries.
    omit: Vec<String>,
}

fn leaf_is_compaction(session: &crate::session::SessionManager) -> bool {
    session
        .leaf_id()
        .and_then(|leaf| session.index().position(leaf))
        .is_some_and(|at| session.index().nodes[at].kind == NodeKind::Compaction)
}

impl Shared {
    /// Recovery is tried once per user message: a new one, or a response that is neither an
    /// error nor a length stop, allows another attempt.
    pub(super) fn track_recovery(&self, event: &AgentEvent<'_>) {
        let reset = match event {
            AgentEvent::MessageStart { message } => message.role() == "user",
            AgentEvent::MessageEnd { message } => message
                .as_assistant()
                .is_some_and(|m| !matches!(m.stop_reason, StopReason::Error | StopReason::Length)),
            _ => false,
        };
        if reset {
            lock(&self.compaction).overflow_recovery_attempted = false;
        }
    }
}

/// The agent's hooks: the session's message conversion, plus compaction between turns.
pub(super) struct RunHooks {
    inner: SessionHooks,
    shared: Weak<Shared>,
}

impl RunHooks {
    pub(super) fn new(inner: SessionHooks, shared: Weak<Shared>) -> Self {
        RunHooks { inner, shared }
    }
}

impl AgentHooks for RunHooks {
    fn convert_to_llm(&self, messages: &[AgentMessage]) -> Vec<Message> {
        self.inner.convert_to_llm(messages)
    }

    fn prepare_next_turn<'a>(
        &'a self,
        turn: TurnContext<'a>,
        cancel: &'a CancellationToken,
    ) -> BoxFuture<'a, Option<TurnUpdate>> {
        Box::pin(async move {
            let shared = self.shared.upgrade()?;
            let session = AgentSession {
                agent: shared.agent.clone(),
                shared,
            };
            session.compact_before_next_turn(turn.context, cancel).await
        })
    }
}

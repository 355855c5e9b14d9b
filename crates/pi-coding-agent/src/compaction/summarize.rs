//! The summary requests: a structured summary of the history (or an update of the previous
//! one), a checkpoint of a split turn's start, their limits and their retries.
//!
//! Requests go through the session's own model and stream function (so its credentials
//! and provider settings apply), one user message holding the serialized conversation, no
//! tools, no prompt caching. Transient failures are retried with the session's retry
//! settings; a response cut at the token limit, an error or a tool call is a failure, never a
//! truncated summary.

use std::sync::Arc;

use pi_agent_core::{AgentMessage, StreamFn};
use pi_ai::{
    AssistantContent, AssistantMessage, CacheRetention, CancellationToken, Context, InputContent,
    Model, SimpleStreamOptions, StopReason, TextContent, ThinkingLevel, Usage, UserContent,
    UserMessage,
};

use super::CompactionResult;
use super::file_ops::format_file_operations;
use super::prepare::CompactionPreparation;
use super::serialize::serialize_conversation;
use crate::config::settings::RetrySettings;
use crate::messages::convert_to_llm;

/// The system prompt of every summary request.
pub const SUMMARIZATION_SYSTEM_PROMPT: &str = "You are a context summarization assistant. Your task is to read a conversation between a user and an AI assistant, then produce a structured summary following the exact format specified.

Do NOT continue the conversation. Do NOT respond to any questions in the conversation. ONLY output the structured summary.";

const SUMMARIZATION_PROMPT: &str = "The messages above are a conversation to summarize. Create a structured context checkpoint summary that another LLM will use to continue the work.

Use this EXACT format:

## Goal
[What is the user trying to accomplish? Can be multiple items if the session covers different tasks.]

## Constraints & Preferences
- [Any constraints, preferences, or requirements mentioned by user]
- [Or \"(none)\" if none were mentioned]

## Progress
### Done
- [x] [Completed tasks/changes]

### In Progress
- [ ] [Current work]

### Blocked
- [Issues preventing progress, if any]

## Key Decisions
- **[Decision]**: [Brief rationale]

## Next Steps
1. [Ordered list of what should happen next]

## Critical Context
- [Any data, examples, or references needed to continue]
- [Or \"(none)\" if not applicable]

Keep each section concise. Preserve exact file paths, function names, and error messages.";

const UPDATE_SUMMARIZATION_PROMPT: &str = "The messages above are NEW conversation messages to incorporate into the existing summary provided in <previous-summary> tags.

Update the existing structured summary with new information. RULES:
- PRESERVE all existing information from the previous summary
- ADD new progress, decisions, and context from the new messages
- UPDATE the Progress section: move items from \"In Progress\" to \"Done\" when completed
- UPDATE \"Next Steps\" based on what was accomplished
- PRESERVE exact file paths, function names, and error messages
- If something is no longer relevant, you may remove it

Use this EXACT format:

## Goal
[Preserve existing goals, add new ones if the task expanded]

## Constraints & Preferences
- [Preserve existing, add new ones discovered]

## Progress
### Done
- [x] [Include previously done items AND newly completed items]

### In Progress
- [ ] [Current work - update based on progress]

### Blocked
- [Current blockers - remove if resolved]

## Key Decisions
- **[Decision]**: [Brief rationale] (preserve all previous, add new)

## Next Steps
1. [Update based on current state]

## Critical Context
- [Preserve important context, add new if needed]

Keep each section concise. Preserve exact file paths, function names, and error messages.";

const TURN_PREFIX_SUMMARIZATION_PROMPT: &str = "The messages above are earlier context from an ongoing conversation. Later messages are stored separately and do not need to be reconstructed.

Create a concise checkpoint of the user's request and the progress shown above. This checkpoint will be placed before the later messages so the conversation can continue with the necessary context.

## Original Request
[What did the user ask for?]

## Progress So Far
- [Key decisions and work completed in these messages]

## Context Needed to Continue
- [Information from these messages needed to understand the later work]

Only summarize information explicitly present above. Do not infer or recreate later messages.";

/// A step of retrying a summary request (pi's `summarization_retry_*` events).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SummarizationRetry<'a> {
    /// A transient failure; the request is repeated after `delay_ms`.
    Scheduled {
        /// The retry about to happen, from 1.
        attempt: u32,
        /// The retries allowed.
        max_attempts: u32,
        /// The wait before it.
        delay_ms: u64,
        /// Why the request failed.
        error_message: &'a str,
    },
    /// The repeated request starts.
    AttemptStart,
    /// Retrying is over (the request succeeded, failed for good, or was cancelled).
    Finished,
}

/// Why no summary was made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SummaryError {
    /// The request was cancelled.
    #[error("Summarization cancelled")]
    Aborted,
    /// The model failed, hit its limit or called a tool; pi's message.
    #[error("{0}")]
    Failed(String),
}

/// Reports retry steps.
pub type RetryListener = Arc<dyn Fn(&SummarizationRetry<'_>) + Send + Sync>;

/// How summary requests are made: the session's model, stream function and settings.
#[derive(Clone)]
pub struct Summarizer {
    /// The model to ask.
    pub model: Model,
    /// Streams a response (the session's, with its credentials).
    pub stream_fn: StreamFn,
    /// Provider options every request starts from (retry limits, headers).
    pub options: SimpleStreamOptions,
    /// The session's thinking level (used when the model reasons).
    pub thinking_level: ThinkingLevel,
    /// Retries of transient failures.
    pub retry: RetrySettings,
    /// Cancels the requests and any wait between them.
    pub cancel: CancellationToken,
    /// Receives retry steps.
    pub on_retry: Option<RetryListener>,
}

impl std::fmt::Debug for Summarizer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Summarizer")
            .field("model", &self.model.id)
            .finish_non_exhaustive()
    }
}

impl Summarizer {
    /// `limit`, or the model's output limit when that is smaller.
    pub fn max_tokens(&self, limit: u64) -> u64 {
        if self.model.max_tokens > 0 {
            limit.min(self.model.max_tokens)
        } else {
            limit
        }
    }

    /// Asks for a summary of `prompt` (one user message under the summarization system
    /// prompt), retrying transient failures. Never fails: failures are in the message.
    pub async fn request(
        &self,
        prompt: &str,
        max_tokens: u64,
        reasoning: bool,
    ) -> AssistantMessage {
        let context = Context {
            system_prompt: Some(SUMMARIZATION_SYSTEM_PROMPT.to_string()),
            messages: vec![
                UserMessage {
                    content: UserContent::Blocks(vec![InputContent::Text(TextContent::new(
                        prompt,
                    ))]),
                    timestamp: pi_ai::now_ms(),
                    extra: Default::default(),
                }
                .into(),
            ],
            tools: None,
        };
        let mut options = self.options.clone();
        options.base.max_tokens = Some(max_tokens);
        options.base.cancel = Some(self.cancel.clone());
        // One-off prompts: caching them would only cost a cache write.
        options.base.cache_retention = Some(CacheRetention::None);
        // A routing id of its own, so the session's cache entry is left alone.
        options.base.session_id = Some(uuid::Uuid::now_v7().to_string());
        options.thinking_budgets = None;
        options.reasoning = (reasoning && self.model.reasoning)
            .then_some(self.thinking_level)
            .filter(|level| *level != ThinkingLevel::Off);
        let max_attempts = if self.retry.enabled {
            u32::try_from(self.retry.max_retries).unwrap_or(u32::MAX)
        } else {
            0
        };
        let mut attempt = 0;
        let mut retrying = false;
        loop {
            let response = self.request_once(&context, &options);
            let response = response.await;
            let retryable = response.stop_reason == StopReason::Error
                && attempt < max_attempts
                && pi_ai::is_retryable_assistant_error(&response);
            if !retryable {
                if retrying {
                    self.report(&SummarizationRetry::Finished);
                }
                return response;
            }
            attempt += 1;
            retrying = true;
            let delay_ms = crate::agent_session::retry_delay_ms(&self.retry, attempt, None);
            let error = response.error_message.as_deref().unwrap_or("Unknown error");
            self.report(&SummarizationRetry::Scheduled {
                attempt,
                max_attempts,
                delay_ms,
                error_message: error,
            });
            let slept = tokio::select! {
                () = tokio::time::sleep(std::time::Duration::from_millis(delay_ms)) => true,
                () = self.cancel.cancelled() => false,
            };
            if !slept {
                self.report(&SummarizationRetry::Finished);
                let mut aborted = response;
                aborted.stop_reason = StopReason::Aborted;
                aborted.error_message = None;
                return aborted;
            }
            self.report(&SummarizationRetry::AttemptStart);
        }
    }

    async fn request_once(
        &self,
        context: &Context,
        options: &SimpleStreamOptions,
    ) -> AssistantMessage {
        match (self.stream_fn)(&self.model, context, options) {
            Ok(stream) => stream.result().await,
            Err(error) => {
                let model = &self.model;
                let mut message = AssistantMessage::empty(&model.api, &model.provider, &model.id);
                message.stop_reason = StopReason::Error;
                message.error_message = Some(error.to_string());
                message
            }
        }
    }

    fn report(&self, step: &SummarizationRetry<'_>) {
        if let Some(listener) = &self.on_retry {
            listener(step);
        }
    }
}

/// The text of a summary response, or why it cannot be used (`label` names the request in
/// the message: `Summarization`, `Turn prefix summarization`, ...).
pub(crate) fn summary_text(
    response: &AssistantMessage,
    label: &str,
) -> Result<String, SummaryError> {
    match response.stop_reason {
        StopReason::Aborted => return Err(SummaryError::Aborted),
        StopReason::Error => {
            let error = response
                .error_message
                .as_deref()
                .filter(|e| !e.is_empty())
                .unwrap_or("Unknown error");
            return Err(SummaryError::Failed(format!("{label} failed: {error}")));
        }
        StopReason::Length => {
            return Err(SummaryError::Failed(format!(
                "{label} failed: generation hit the token cap and the summary is incomplete"
            )));
        }
        _ => {}
    }
    if response
        .content
        .iter()
        .any(|block| matches!(block, AssistantContent::ToolCall(_)))
    {
        return Err(SummaryError::Failed(format!(
            "{label} attempted to call a tool"
        )));
    }
    let texts: Vec<&str> = response
        .content
        .iter()
        .filter_map(|block| match block {
            AssistantContent::Text(text) => Some(text.text.as_str()),
            _ => None,
        })
        .collect();
    Ok(texts.join("\n"))
}

/// Summarizes `messages` (or, with `previous_summary`, updates that summary with them);
/// returns the text and the request's usage.
pub async fn generate_summary(
    messages: &[AgentMessage],
    summarizer: &Summarizer,
    reserve_tokens: u64,
    custom_instructions: Option<&str>,
    previous_summary: Option<&str>,
) -> Result<(String, Usage), SummaryError> {
    let max_tokens = summarizer.max_tokens(reserve_tokens * 8 / 10);
    let base = if previous_summary.is_some() {
        UPDATE_SUMMARIZATION_PROMPT
    } else {
        SUMMARIZATION_PROMPT
    };
    let instructions = match custom_instructions.filter(|c| !c.is_empty()) {
        Some(custom) => format!("{base}\n\nAdditional focus: {custom}"),
        None => base.to_string(),
    };
    let conversation = serialize_conversation(&convert_to_llm(messages));
    let mut prompt = format!("<conversation>\n{conversation}\n</conversation>\n\n");
    if let Some(previous) = previous_summary {
        prompt.push_str(&format!(
            "<previous-summary>\n{previous}\n</previous-summary>\n\n"
        ));
    }
    prompt.push_str(&instructions);
    let response = summarizer.request(&prompt, max_tokens, true).await;
    let text = summary_text(&response, "Summarization")?;
    Ok((text, response.usage))
}

/// Summarizes the start of a split turn, to stand before its kept end.
async fn generate_turn_prefix_summary(
    messages: &[AgentMessage],
    summarizer: &Summarizer,
    reserve_tokens: u64,
) -> Result<(String, Usage), SummaryError> {
    let max_tokens = summarizer.max_tokens(reserve_tokens / 2);
    let conversation = serialize_conversation(&convert_to_llm(messages));
    let prompt = format!(
        "# Conversation\n{conversation}\n\n# Instructions\n{TURN_PREFIX_SUMMARIZATION_PROMPT}"
    );
    let response = summarizer.request(&prompt, max_tokens, true).await;
    let text = summary_text(&response, "Turn prefix summarization")?;
    Ok((text, response.usage))
}

/// Writes the summary for `preparation`: the history summary, then (for a split turn) the
/// turn's start, merged, with the file lists appended. The usage of both requests is summed.
pub async fn compact(
    preparation: &CompactionPreparation,
    summarizer: &Summarizer,
    custom_instructions: Option<&str>,
) -> Result<CompactionResult, SummaryError> {
    let reserve = preparation.settings.reserve_tokens;
    let previous = preparation.previous_summary.as_deref();
    let (mut summary, usage) = if preparation.is_split_turn
        && !preparation.turn_prefix_messages.is_empty()
    {
        let (history, history_usage) = if preparation.messages_to_summarize.is_empty() {
            (previous.unwrap_or("No prior history.").to_string(), None)
        } else {
            let (text, usage) = generate_summary(
                &preparation.messages_to_summarize,
                summarizer,
                reserve,
                custom_instructions,
                previous,
            )
            .await?;
            (text, Some(usage))
        };
        let (prefix, prefix_usage) =
            generate_turn_prefix_summary(&preparation.turn_prefix_messages, summarizer, reserve)
                .await?;
        let usage = match history_usage {
            Some(history) => add_usage(&history, &prefix_usage),
            None => prefix_usage,
        };
        (
            format!("{history}\n\n---\n\n**Turn Context (split turn):**\n\n{prefix}"),
            usage,
        )
    } else {
        generate_summary(
            &preparation.messages_to_summarize,
            summarizer,
            reserve,
            custom_instructions,
            previous,
        )
        .await?
    };
    let (read, modified) = preparation.file_ops.lists();
    summary.push_str(&format_file_operations(&read, &modified));
    Ok(CompactionResult {
        summary,
        first_kept_entry_id: preparation.first_kept_entry_id.clone(),
        tokens_before: preparation.tokens_before,
        estimated_tokens_after: None,
        usage: Some(usage),
        details: Some(preparation.file_ops.details()),
    })
}

/// The sum of two usage records (optional fields summed when either has them).
pub(crate) fn add_usage(first: &Usage, second: &Usage) -> Usage {
    let optional = |a: Option<u64>, b: Option<u64>| match (a, b) {
        (None, None) => None,
        (a, b) => Some(a.unwrap_or(0) + b.unwrap_or(0)),
    };
    Usage {
        input: first.input + second.input,
        output: first.output + second.output,
        cache_read: first.cache_read + second.cache_read,
        cache_write: first.cache_write + second.cache_write,
        reasoning: optional(first.reasoning, second.reasoning),
        total_tokens: first.total_tokens + second.total_tokens,
        cost: pi_ai::UsageCost {
            input: first.cost.input + second.cost.input,
            output: first.cost.output + second.cost.output,
            cache_read: first.cost.cache_read + second.cost.cache_read,
            cache_write: first.cost.cache_write + second.cost.cache_write,
            total: first.cost.total + second.cost.total,
        },
        cache_write_1h: optional(first.cache_write_1h, second.cache_write_1h),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pi_ai::ToolCall;

    fn response(stop: StopReason, blocks: Vec<AssistantContent>) -> AssistantMessage {
        let mut message = AssistantMessage::empty("a", "p", "m");
        message.stop_reason = stop;
        message.content = blocks;
        message
    }

    fn text(text: &str) -> AssistantContent {
        AssistantContent::Text(TextContent::new(text))
    }

    #[test]
    fn text_blocks_are_joined_by_newlines() {
        let ok = response(StopReason::Stop, vec![text("## Goal"), text("Done.")]);
        assert_eq!(
            summary_text(&ok, "Summarization").unwrap(),
            "## Goal\nDone."
        );
    }

    #[test]
    fn unusable_answers_are_failures_with_pi_texts() {
        let mut failed = response(StopReason::Error, Vec::new());
        assert_eq!(
            summary_text(&failed, "Summarization")
                .unwrap_err()
                .to_string(),
            "Summarization failed: Unknown error"
        );
        failed.error_message = Some("500 boom".into());
        assert_eq!(
            summary_text(&failed, "Turn prefix summarization")
                .unwrap_err()
                .to_string(),
            "Turn prefix summarization failed: 500 boom"
        );
        let cut = response(StopReason::Length, vec![text("## Goal\nhalf")]);
        assert_eq!(
            summary_text(&cut, "Branch summarization")
                .unwrap_err()
                .to_string(),
            "Branch summarization failed: generation hit the token cap and the summary is incomplete"
        );
        let call = AssistantContent::ToolCall(ToolCall::new("1", "read", Default::default()));
        let tool = response(StopReason::ToolUse, vec![call]);
        assert_eq!(
            summary_text(&tool, "Summarization")
                .unwrap_err()
                .to_string(),
            "Summarization attempted to call a tool"
        );
        let aborted = response(StopReason::Aborted, vec![text("partial")]);
        assert_eq!(
            summary_text(&aborted, "Summarization"),
            Err(SummaryError::Aborted)
        );
    }

    #[test]
    fn usage_of_two_requests_is_summed() {
        let first = Usage {
            input: 10,
            output: 5,
            cache_read: 1,
            cache_write: 2,
            reasoning: Some(3),
            total_tokens: 18,
            cost: pi_ai::UsageCost {
                input: 0.5,
                output: 0.25,
                cache_read: 0.0,
                cache_write: 0.0,
                total: 0.75,
            },
            cache_write_1h: None,
        };
        let sum = add_usage(&first, &first);
        assert_eq!((sum.input, sum.output, sum.total_tokens), (20, 10, 36));
        assert_eq!(sum.reasoning, Some(6));
        assert_eq!(sum.cache_write_1h, None);
        assert!((sum.cost.total - 1.5).abs() < f64::EPSILON);
    }
}

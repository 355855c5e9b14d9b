//! Moving within the session tree (`/tree`): the leaf goes to another entry of the same file,
//! optionally leaving a summary of the branch it came from.

use pi_ai::{CancellationToken, UserContent};
use serde_json::{Value, json};

use super::{Active, CompactionError, Slot};
use crate::agent_session::AgentSession;
use crate::agent_session::events::SummarySource;
use crate::compaction::{
    BranchSummaryOutcome, collect_entries_for_branch_summary, generate_branch_summary,
};
use crate::session::{EntryKind, SessionEntry};

/// How to navigate.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NavigateOptions {
    /// Summarize the branch being left.
    pub summarize: bool,
    /// Instructions for the summary.
    pub custom_instructions: Option<String>,
    /// The instructions replace the default ones instead of adding a focus.
    pub replace_instructions: bool,
    /// A label for the summary entry (or, without a summary, for the target).
    pub label: Option<String>,
}

/// What a navigation did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NavigateResult {
    /// The text of a user or extension message that was navigated to, for re-editing: the
    /// leaf is then its parent, so sending the text again makes a new branch.
    pub editor_text: Option<String>,
    /// Nothing changed (the summary was cancelled).
    pub cancelled: bool,
    /// The summary request was aborted.
    pub aborted: bool,
    /// The branch summary entry, when one was made.
    pub summary_entry: Option<SessionEntry>,
}

impl NavigateResult {
    /// The result as JSON: `{editorText?, cancelled, aborted?, summaryEntry?}`.
    pub fn to_value(&self) -> Value {
        let mut value = json!({});
        if let Some(text) = &self.editor_text {
            value["editorText"] = json!(text);
        }
        value["cancelled"] = json!(self.cancelled);
        if self.aborted {
            value["aborted"] = json!(true);
        }
        if let Some(entry) = &self.summary_entry {
            value["summaryEntry"] = entry.to_value();
        }
        value
    }
}

impl AgentSession {
    /// Moves the leaf to `target_id` (same file, unlike a fork). A user or extension message
    /// target puts the leaf on its parent and returns its text; anything else becomes the
    /// leaf. With `summarize`, the branch left behind is summarized into a `branch_summary`
    /// entry at the new position (its `fromId` is the old leaf).
    pub async fn navigate_tree(
        &self,
        target_id: &str,
        options: NavigateOptions,
    ) -> Result<NavigateResult, CompactionError> {
        if self.is_streaming() {
            return Err(CompactionError::Streaming);
        }
        if self.is_compacting() {
            return Err(CompactionError::Busy);
        }
        let old_leaf = self.session().leaf_id().map(str::to_string);
        if old_leaf.as_deref() == Some(target_id) {
            return Ok(NavigateResult::default());
        }
        let model = self.model();
        if options.summarize && model.is_none() {
            return Err(CompactionError::NoSummaryModel);
        }
        let (target, collected) = {
            let session = self.session();
            let target = session
                .entry(target_id)?
                .ok_or_else(|| CompactionError::EntryNotFound(target_id.to_string()))?;
            let collected =
                collect_entries_for_branch_summary(&session, old_leaf.as_deref(), target_id)?;
            (target, collected)
        };

        let cancel = CancellationToken::new();
        let active = Active::begin(&self.shared, Slot::Branch, cancel.clone());
        let mut summary = None;
        if let (true, false, Some(model)) =
            (options.summarize, collected.entries.is_empty(), &model)
        {
            let summarizer = self
                .summarizer(model, &cancel, SummarySource::BranchSummary)
                .await?;
            let reserve = self.branch_summary_settings().reserve_tokens;
            let outcome = generate_branch_summary(
                &collected.entries,
                &summarizer,
                options.custom_instructions.as_deref(),
                options.replace_instructions,
                reserve,
            )
            .await;
            match outcome {
                BranchSummaryOutcome::Summary(made) => summary = Some(made),
                BranchSummaryOutcome::Aborted => {
                    return Ok(NavigateResult {
                        cancelled: true,
                        aborted: true,
                        ..NavigateResult::default()
                    });
                }
                BranchSummaryOutcome::Failed(message) => {
                    return Err(CompactionError::Summarization(message));
                }
            }
        }

        let (new_leaf, editor_text) = match &target.kind {
            EntryKind::Message(message) if message.role() == "user" => {
                let text = message.as_llm().map_or_else(String::new, |m| match m {
                    pi_ai::Message::User(user) => user.content.text(""),
                    _ => String::new(),
                });
                (target.parent_id.clone(), Some(text))
            }
            EntryKind::CustomMessage(custom) => {
                let text = serde_json::from_value::<UserContent>(custom.content.clone())
                    .map_or_else(|_| String::new(), |content| content.text(""));
                (target.parent_id.clone(), Some(text))
            }
            _ => (Some(target.id.clone()), None),
        };
        let label = options.label.as_deref().filter(|label| !label.is_empty());
        let summary_entry = {
            let mut session = self.session();
            let summary_entry = match &summary {
                Some(made) => {
                    let id = session.branch_with_summary(
                        new_leaf.as_deref(),
                        &made.summary,
                        Some(made.details()),
                        Some(false),
                        made.usage.clone(),
                    )?;
                    if let Some(label) = label {
                        session.append_label_change(&id, Some(label))?;
                    }
                    session.entry(&id)?
                }
                None => {
                    match &new_leaf {
                        Some(leaf) => session.branch(leaf)?,
                        None => session.reset_leaf(),
                    }
                    if let Some(label) = label {
                        session.append_label_change(target_id, Some(label))?;
                    }
                    None
                }
            };
            let context = session.build_session_context()?;
            self.agent.set_messages(context.messages);
            summary_entry
        };
        drop(active);
        Ok(NavigateResult {
            editor_text,
            cancelled: false,
            aborted: false,
            summary_entry,
        })
    }
}

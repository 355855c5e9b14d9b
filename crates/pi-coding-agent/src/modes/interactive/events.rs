//! What the screen does with each session event and with the end of work it started.

use std::time::{Duration, Instant};

use pi_agent_core::AgentMessage;
use pi_ai::{AssistantContent, Message, StopReason};
use pi_tui::Terminal;
use pi_tui::components::{Spacer, Text, TruncatedText};
use pi_tui::shared;

use super::App;
use super::bridge::{Outcome, UiEvent};
use super::chat_view::error_outcome;
use crate::compaction::CompactionReason;
use crate::interactive::chat::{self, Activity, ToolOutcome, WorkingLoader};
use crate::interactive::keybindings::Action;
use crate::interactive::theme::ThemeColor;

impl<T: Terminal> App<T> {
    pub(super) fn on_event(&mut self, event: UiEvent) {
        self.tui.request_render();
        match event {
            UiEvent::AgentStart => self.pending_tools.clear(),
            UiEvent::TurnStart => {
                if self.editor.borrow().working.is_none() {
                    self.set_working(Some(Activity::Working("Working".to_owned())));
                }
            }
            UiEvent::QueueUpdate => self.update_pending(),
            UiEvent::ThinkingLevelChanged => {
                self.refresh_footer();
                self.update_editor_border();
            }
            UiEvent::SessionInfoChanged => {
                self.footer.borrow_mut().refresh(&self.session);
                self.update_title();
            }
            UiEvent::MessageStart(message) => match &message {
                AgentMessage::Llm(Message::Assistant(assistant)) => {
                    let component = self.add_assistant(assistant.clone());
                    self.streaming = Some(component);
                }
                AgentMessage::Llm(Message::User(_)) => {
                    self.add_message(&message, false);
                    self.update_pending();
                    self.refresh_footer();
                }
                AgentMessage::Custom(_) => self.add_message(&message, false),
                _ => {}
            },
            UiEvent::MessageUpdate(assistant) => self.on_streamed(assistant),
            UiEvent::MessageEnd(message) => self.on_message_end(message),
            UiEvent::ToolStart { id, name, args } => {
                let tool = match self.pending_tools.get(&id) {
                    Some(tool) => tool.clone(),
                    None => {
                        let tool = self.add_tool(&name, &id, args);
                        self.pending_tools.insert(id, tool.clone());
                        tool
                    }
                };
                tool.borrow_mut().mark_execution_started(Instant::now());
            }
            UiEvent::ToolUpdate { id, partial } => {
                if let Some(tool) = self.pending_tools.get(&id) {
                    tool.borrow_mut().update_result(
                        ToolOutcome {
                            content: partial.content,
                            details: partial.details,
                            is_error: false,
                        },
                        true,
                        Instant::now(),
                    );
                }
            }
            UiEvent::ToolEnd {
                id,
                result,
                is_error,
            } => {
                if let Some(tool) = self.pending_tools.remove(&id) {
                    tool.borrow_mut().update_result(
                        ToolOutcome {
                            content: result.content,
                            details: result.details,
                            is_error,
                        },
                        false,
                        Instant::now(),
                    );
                }
            }
            UiEvent::AgentEnd => {
                self.set_working(None);
                if let Some(streaming) = self.streaming.take() {
                    let component: pi_tui::ComponentRef = streaming;
                    self.chat.borrow_mut().remove_child(&component);
                }
                self.pending_tools.clear();
                self.refresh_footer();
                if !self.session.is_streaming() {
                    self.flush_deferred_bash();
                }
            }
            UiEvent::CompactionStart(reason) => {
                self.set_working(Some(Activity::Compaction(chat_reason(reason))));
            }
            UiEvent::CompactionEnd {
                reason,
                result,
                aborted,
                error,
            } => {
                self.set_working(None);
                if aborted {
                    if reason == CompactionReason::Manual {
                        self.show_error("Compaction cancelled");
                    } else {
                        self.show_status("Auto-compaction cancelled");
                    }
                } else if result.is_some() {
                    self.rebuild_chat();
                    self.reset_footer();
                } else if let Some(error) = error {
                    if reason == CompactionReason::Manual {
                        self.show_error(&error);
                    } else {
                        self.add(shared(Spacer::new(1)));
                        let text = self.style.fg(ThemeColor::Error, &error);
                        self.add(shared(Text::with_padding(text, 1, 0)));
                    }
                }
                self.send_queued_after_compaction();
            }
            UiEvent::RetryStart {
                attempt,
                max_attempts,
                delay_ms,
            } => {
                let deadline = Instant::now() + Duration::from_millis(delay_ms);
                self.retry_deadline = Some((attempt, max_attempts, deadline));
                self.set_working(Some(Activity::Retry {
                    attempt,
                    max_attempts,
                    seconds: delay_ms.div_ceil(1000),
                }));
            }
            UiEvent::RetryEnd {
                success,
                attempt,
                final_error,
            } => {
                self.retry_deadline = None;
                if self.session.is_streaming() {
                    self.set_working(Some(Activity::Working("Working".to_owned())));
                } else {
                    self.set_working(None);
                }
                if !success {
                    self.show_error(&format!(
                        "Retry failed after {attempt} attempts: {}",
                        final_error.as_deref().unwrap_or("Unknown error")
                    ));
                }
            }
            UiEvent::SummaryRetryScheduled {
                attempt,
                max_attempts,
                delay_ms,
                error,
            } => {
                self.show_error(&error);
                self.set_working(Some(Activity::Retry {
                    attempt,
                    max_attempts,
                    seconds: delay_ms.div_ceil(1000),
                }));
            }
            UiEvent::SummaryRetryFinished => {}
            UiEvent::BashOutput(delta) => {
                if let Some(bash) = &self.bash {
                    bash.borrow_mut().append_output(&delta);
                }
            }
            UiEvent::Done(outcome) => self.on_done(outcome),
        }
    }

    fn on_streamed(&mut self, assistant: pi_ai::AssistantMessage) {
        let Some(streaming) = self.streaming.clone() else {
            return;
        };
        for content in &assistant.content {
            let AssistantContent::ToolCall(call) = content else {
                continue;
            };
            match self.pending_tools.get(&call.id) {
                Some(tool) => tool.borrow_mut().update_args(call.arguments.clone()),
                None => {
                    let tool = self.add_tool(&call.name, &call.id, call.arguments.clone());
                    self.pending_tools.insert(call.id.clone(), tool);
                }
            }
        }
        streaming.borrow_mut().update(assistant);
    }

    fn on_message_end(&mut self, message: AgentMessage) {
        let AgentMessage::Llm(Message::Assistant(mut assistant)) = message else {
            return;
        };
        let Some(streaming) = self.streaming.take() else {
            return;
        };
        if assistant.stop_reason == StopReason::Aborted {
            assistant.error_message = Some("Operation aborted".to_owned());
        }
        let failed = matches!(
            assistant.stop_reason,
            StopReason::Aborted | StopReason::Error
        );
        let error = assistant
            .error_message
            .clone()
            .unwrap_or_else(|| "Error".to_owned());
        streaming.borrow_mut().update(assistant.clone());
        if failed {
            for tool in self.pending_tools.values() {
                tool.borrow_mut()
                    .update_result(error_outcome(&error), false, Instant::now());
            }
            self.pending_tools.clear();
        }
        self.footer.borrow_mut().add_assistant(&assistant);
        self.answers_seen += 1;
        self.refresh_footer();
    }

    fn on_done(&mut self, outcome: Outcome) {
        match outcome {
            Outcome::Prompt(error) => {
                self.prompt_running = false;
                if let Some(error) = error {
                    self.set_working(None);
                    self.show_error(&error);
                }
            }
            Outcome::Bash(result) => self.on_bash_done(result),
            Outcome::Warning(message) => self.show_warning(&message),
            Outcome::Status(Ok(message)) => self.show_status(&message),
            Outcome::Status(Err(message)) => self.show_error(&message),
            Outcome::FooterUsage(usage, answers) if answers == self.answers_seen => {
                self.footer.borrow_mut().set_usage(usage);
            }
            // An answer ended while counting: it may be missing from that count.
            Outcome::FooterUsage(..) => self.count_usage(),
            Outcome::FooterContext(context) => self.footer.borrow_mut().set_context(context),
            Outcome::NewSession => {
                self.render_session();
                self.add(shared(Spacer::new(1)));
                let line = self.style.fg(ThemeColor::Accent, "✓ New session started");
                self.add(shared(Text::with_padding(line, 1, 1)));
            }
            Outcome::Navigated(editor_text) => {
                self.set_working(None);
                self.render_session();
                if let Some(text) = editor_text
                    && self.editor.borrow().text().trim().is_empty()
                {
                    self.editor.borrow_mut().editor().set_text(&text);
                }
                self.show_status("Navigated to selected point");
            }
            Outcome::TreeAborted(id) => {
                self.set_working(None);
                self.show_status("Branch summarization cancelled");
                self.back_to_tree(id);
            }
            Outcome::Reloaded(Ok(notices)) => self.reloaded(notices),
            Outcome::Reloaded(Err(err)) => self.show_error(&format!("Reload failed: {err}")),
            Outcome::Imported(path) => {
                self.render_session();
                self.show_status(&format!("Session imported from: {path}"));
            }
            Outcome::Resumed => {
                self.render_session();
                self.show_status("Resumed session");
            }
            Outcome::Forked { text, clone } => {
                self.render_session();
                self.editor.borrow_mut().editor().set_text(&text);
                self.show_status(if clone {
                    "Cloned to new session"
                } else {
                    "Forked to new session"
                });
            }
            Outcome::ModelSwitched(Ok(status)) => {
                self.refresh_footer();
                self.update_editor_border();
                self.show_status(&status);
            }
            Outcome::ModelSwitched(Err(error)) => self.show_error(&error),
            // How it ended was shown from its events.
            Outcome::Compacted => {}
        }
    }

    /// Messages typed while a compaction ran with the agent idle are sent once it is over:
    /// the first as a prompt, the others as follow-ups.
    fn send_queued_after_compaction(&mut self) {
        if self.session.is_streaming() || self.prompt_running || self.session.is_compacting() {
            return;
        }
        let queued = self.session.clear_queue();
        let mut all = queued.steering.into_iter().chain(queued.follow_up);
        let Some(first) = all.next() else {
            return;
        };
        for text in all {
            self.session.follow_up(&text, Vec::new());
        }
        self.update_pending();
        self.prompt(first);
    }

    /// Shows, changes or removes the working spinner in the editor's border.
    pub(super) fn set_working(&mut self, activity: Option<Activity>) {
        let mut editor = self.editor.borrow_mut();
        match (activity, editor.working.as_mut()) {
            (None, _) => editor.working = None,
            (Some(activity), Some(loader)) => loader.set_activity(activity),
            (Some(activity), None) => {
                editor.working = Some(WorkingLoader::new(activity, self.style.clone()));
            }
        }
        self.tui.request_render();
    }

    /// The queued steering and follow-up messages above the editor, with the dequeue hint.
    pub(super) fn update_pending(&mut self) {
        let queued = self.session.queued_messages();
        let mut pending = self.pending.borrow_mut();
        pending.clear();
        for bash in &self.deferred_bash {
            pending.add_child(bash.clone());
        }
        if queued.steering.is_empty() && queued.follow_up.is_empty() {
            return;
        }
        let theme = &self.style.theme;
        pending.add_child(shared(Spacer::new(1)));
        for text in &queued.steering {
            let line = theme.fg(ThemeColor::Dim, &format!("Steering: {text}"));
            pending.add_child(shared(TruncatedText::with_padding(line, 1, 0)));
        }
        for text in &queued.follow_up {
            let line = theme.fg(ThemeColor::Dim, &format!("Follow-up: {text}"));
            pending.add_child(shared(TruncatedText::with_padding(line, 1, 0)));
        }
        let key = chat::format_keys(self.keys.keys(Action::MessageDequeue), self.keys.platform());
        let hint = theme.fg(
            ThemeColor::Dim,
            &format!("↳ {key} to edit all queued messages"),
        );
        pending.add_child(shared(TruncatedText::with_padding(hint, 1, 0)));
    }

    /// Moves `!command`s that ran while the agent worked into the chat.
    pub(super) fn flush_deferred_bash(&mut self) {
        if self.deferred_bash.is_empty() {
            return;
        }
        for bash in std::mem::take(&mut self.deferred_bash) {
            self.add(bash);
        }
        self.update_pending();
    }
}

fn chat_reason(reason: CompactionReason) -> chat::CompactionReason {
    match reason {
        CompactionReason::Manual => chat::CompactionReason::Manual,
        CompactionReason::Threshold => chat::CompactionReason::Threshold,
        CompactionReason::Overflow => chat::CompactionReason::Overflow,
    }
}

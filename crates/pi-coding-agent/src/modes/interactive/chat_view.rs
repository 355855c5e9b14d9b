//! Drawing the conversation: the session's messages as chat components, and the notices
//! (status, warnings, errors) the screen adds between them.

use std::cell::RefCell;
use std::rc::Rc;

use pi_agent_core::AgentMessage;
use pi_ai::{AssistantContent, Message, StopReason};
use pi_tui::components::Spacer;
use pi_tui::{Component, ComponentRef, Terminal, shared};

use super::App;
use super::bridge::{Outcome, UiEvent};
use crate::interactive::chat::{
    AssistantMessage, BashExecution, BranchSummary, CompactionSummary, CustomMessage, Notice,
    NoticeKind, ToolExecution, ToolOutcome, UserMessage,
};
use crate::messages::{
    BashExecutionMessage, BranchSummaryMessage, CompactionSummaryMessage, CustomRoleMessage,
};

impl<T: Terminal> App<T> {
    /// Draws the current session from scratch: its context's messages, then how often it
    /// was compacted.
    pub(super) fn render_session(&mut self) {
        self.session = self.runtime.session();
        self.clear_chat();
        self.build_header();
        self.tui.request_restart();
        let messages = self.session.messages();
        self.render_messages(&messages, true);
        let compactions = self
            .session
            .session()
            .entries()
            .map(|entries| {
                entries
                    .iter()
                    .filter(|e| matches!(e.kind, crate::session::EntryKind::Compaction(_)))
                    .count()
            })
            .unwrap_or(0);
        if compactions > 0 {
            let times = if compactions == 1 {
                "1 time".to_owned()
            } else {
                format!("{compactions} times")
            };
            self.show_status(&format!("Session compacted {times}"));
        }
        self.reset_footer();
        self.update_editor_border();
        self.update_title();
        self.tui.request_render();
    }

    /// Redraws the chat from the session's messages (a theme change, after compaction).
    pub(super) fn rebuild_chat(&mut self) {
        self.clear_chat();
        self.build_header();
        self.tui.request_restart();
        let messages = self.session.messages();
        self.render_messages(&messages, false);
        self.tui.request_render();
    }

    fn clear_chat(&mut self) {
        self.chat.borrow_mut().clear();
        self.pending.borrow_mut().clear();
        self.streaming = None;
        self.pending_tools.clear();
        self.assistants.clear();
        self.expandables.clear();
        self.last_status = None;
    }

    /// Draws finished messages: tool calls under their assistant message, with the results
    /// that follow matched to them.
    pub(super) fn render_messages(&mut self, messages: &[AgentMessage], populate_history: bool) {
        let mut open_tools: Vec<Rc<RefCell<ToolExecution>>> = Vec::new();
        for message in messages {
            match message {
                AgentMessage::Llm(Message::Assistant(assistant)) => {
                    self.add_assistant(assistant.clone());
                    let failed = matches!(
                        assistant.stop_reason,
                        StopReason::Aborted | StopReason::Error
                    );
                    for content in &assistant.content {
                        let AssistantContent::ToolCall(call) = content else {
                            continue;
                        };
                        let tool = self.add_tool(&call.name, &call.id, call.arguments.clone());
                        if failed {
                            let text = if assistant.stop_reason == StopReason::Aborted {
                                "Operation aborted".to_owned()
                            } else {
                                assistant
                                    .error_message
                                    .clone()
                                    .unwrap_or_else(|| "Error".to_owned())
                            };
                            tool.borrow_mut().update_result(
                                error_outcome(&text),
                                false,
                                std::time::Instant::now(),
                            );
                        } else {
                            open_tools.push(tool);
                        }
                    }
                }
                AgentMessage::Llm(Message::ToolResult(result)) => {
                    if let Some(at) = open_tools
                        .iter()
                        .position(|t| t.borrow().tool_call_id() == result.tool_call_id)
                    {
                        let tool = open_tools.remove(at);
                        tool.borrow_mut().update_result(
                            ToolOutcome {
                                content: result.content.clone(),
                                details: result.details.clone(),
                                is_error: result.is_error,
                            },
                            false,
                            std::time::Instant::now(),
                        );
                    }
                }
                other => self.add_message(other, populate_history),
            }
        }
        for tool in open_tools {
            let id = tool.borrow().tool_call_id().to_owned();
            self.pending_tools.insert(id, tool);
        }
    }

    /// Adds one message that is not an assistant message or tool result.
    pub(super) fn add_message(&mut self, message: &AgentMessage, populate_history: bool) {
        match message {
            AgentMessage::Llm(Message::User(user)) => {
                let text = user.content.text("");
                if text.is_empty() {
                    return;
                }
                if !self.chat.borrow().children().is_empty() {
                    self.add(shared(Spacer::new(1)));
                }
                self.add(shared(UserMessage::new(&text, self.style.clone())));
                if populate_history {
                    self.editor.borrow_mut().editor().add_to_history(&text);
                }
            }
            AgentMessage::Llm(Message::Assistant(assistant)) => {
                self.add_assistant(assistant.clone());
            }
            AgentMessage::Llm(_) => {}
            AgentMessage::Custom(custom) => {
                let fields = serde_json::Value::Object(custom.fields.clone());
                match custom.role.as_str() {
                    "bashExecution" => {
                        if let Ok(bash) = serde_json::from_value::<BashExecutionMessage>(fields) {
                            let component = shared(BashExecution::new(
                                &bash.command,
                                bash.exclude_from_context == Some(true),
                                self.style.clone(),
                            ));
                            {
                                let mut c = component.borrow_mut();
                                c.append_output(&bash.output);
                                c.set_complete(
                                    bash.exit_code,
                                    bash.cancelled,
                                    bash.truncated,
                                    bash.full_output_path.clone(),
                                );
                                c.set_expanded(self.tools_expanded);
                            }
                            self.add(component.clone());
                            self.expandables.push(component);
                        }
                    }
                    "custom" => {
                        if let Ok(custom) = serde_json::from_value::<CustomRoleMessage>(fields)
                            && custom.display
                        {
                            self.add(shared(CustomMessage::new(&custom, self.style.clone())));
                        }
                    }
                    "compactionSummary" => {
                        if let Ok(summary) =
                            serde_json::from_value::<CompactionSummaryMessage>(fields)
                        {
                            self.add(shared(Spacer::new(1)));
                            let component =
                                shared(CompactionSummary::new(summary, self.style.clone()));
                            component.borrow_mut().set_expanded(self.tools_expanded);
                            self.add(component.clone());
                            self.expandables.push(component);
                        }
                    }
                    "branchSummary" => {
                        if let Ok(summary) = serde_json::from_value::<BranchSummaryMessage>(fields)
                        {
                            self.add(shared(Spacer::new(1)));
                            let component = shared(BranchSummary::new(summary, self.style.clone()));
                            component.borrow_mut().set_expanded(self.tools_expanded);
                            self.add(component.clone());
                            self.expandables.push(component);
                        }
                    }
                    _ => {}
                }
            }
        }
    }

    pub(super) fn add_assistant(
        &mut self,
        message: pi_ai::AssistantMessage,
    ) -> Rc<RefCell<AssistantMessage>> {
        let component = shared(AssistantMessage::new(
            Some(message),
            self.prefs.hide_thinking,
            self.style.clone(),
        ));
        self.add(component.clone());
        self.assistants.push(component.clone());
        component
    }

    pub(super) fn add_tool(
        &mut self,
        name: &str,
        id: &str,
        args: serde_json::Map<String, serde_json::Value>,
    ) -> Rc<RefCell<ToolExecution>> {
        let component = shared(ToolExecution::new(name, id, args, self.style.clone()));
        component.borrow_mut().set_expanded(self.tools_expanded);
        self.add(component.clone());
        self.expandables.push(component.clone());
        component
    }

    /// Appends a component to the chat.
    pub(super) fn add(&mut self, component: ComponentRef) {
        self.chat.borrow_mut().add_child(component);
        self.tui.request_render();
    }

    /// A status line; a status right after another replaces it.
    pub(super) fn show_status(&mut self, message: &str) {
        if let Some(notice) = &self.last_status {
            let notice_ref: ComponentRef = notice.clone();
            let is_last = self
                .chat
                .borrow()
                .children()
                .last()
                .is_some_and(|child| pi_tui::same_component(child, &notice_ref));
            if is_last {
                notice.borrow_mut().set_message(message);
                self.tui.request_render();
                return;
            }
        }
        let notice = shared(Notice::new(NoticeKind::Status, message, self.style.clone()));
        self.add(notice.clone());
        self.last_status = Some(notice);
    }

    pub(super) fn show_error(&mut self, message: &str) {
        self.add(shared(Notice::new(
            NoticeKind::Error,
            message,
            self.style.clone(),
        )));
    }

    pub(super) fn show_warning(&mut self, message: &str) {
        self.add(shared(Notice::new(
            NoticeKind::Warning,
            message,
            self.style.clone(),
        )));
    }

    /// A startup line as the command line prints it (`Warning: …`, `Error: …`).
    pub(super) fn show_notice(&mut self, line: &str) {
        if let Some(rest) = line.strip_prefix("Warning: ") {
            self.show_warning(rest);
        } else if let Some(rest) = line.strip_prefix("Error: ") {
            self.show_error(rest);
        } else {
            self.show_status(line);
        }
    }

    /// Plain text lines in the chat (`/session`, `/hotkeys`), after a blank row.
    pub(super) fn show_text(&mut self, text: &str) {
        self.add(shared(Spacer::new(1)));
        self.add(shared(pi_tui::components::Text::with_padding(text, 1, 0)));
    }

    /// Hands the conversation that scrolled into the terminal's history over to it for
    /// good: the header and the chat's first components, once a screenful of them is off
    /// screen, leave the frames (the terminal keeps showing them in its scrollback), so
    /// typing and streaming cost only what is still on screen, however long the session.
    /// Work in progress is never committed.
    pub(super) fn commit_history(&mut self) {
        let rows = usize::from(self.tui.terminal().size().rows);
        let committable = self.tui.committable_lines();
        if committable < rows.max(1) * 2 || self.is_working() || self.bash.is_some() {
            return;
        }
        let width = usize::from(self.tui.terminal().size().columns);
        let mut budget = committable - rows;
        let mut count = 0;
        let header_lines = self.header.borrow_mut().render(width).len();
        let commit_header = !self.header.borrow().children().is_empty() && header_lines <= budget;
        if commit_header {
            budget -= header_lines;
            count += header_lines;
        }
        let mut gone: Vec<ComponentRef> = Vec::new();
        {
            let chat = self.chat.borrow();
            for child in chat.children() {
                let Ok(mut component) = child.try_borrow_mut() else {
                    break;
                };
                let lines = component.render(width).len();
                if lines > budget {
                    break;
                }
                budget -= lines;
                count += lines;
                gone.push(child.clone());
            }
        }
        if count == 0 {
            return;
        }
        if self.tui.commit_lines(count) != count {
            // Cannot happen (the count is within what is committable); drawing everything
            // again keeps the screen right if it ever does.
            self.tui.request_restart();
            return;
        }
        if commit_header {
            self.header.borrow_mut().clear();
            self.header_text = None;
            self.resources_view = None;
        }
        // The committed components are the chat's first ones: keep the rest, in one pass.
        let mut chat = self.chat.borrow_mut();
        let rest: Vec<ComponentRef> = chat
            .children()
            .get(gone.len()..)
            .unwrap_or_default()
            .to_vec();
        chat.clear();
        for child in rest {
            chat.add_child(child);
        }
        drop(chat);
        let gone: std::collections::HashSet<*const ()> =
            gone.iter().map(|c| Rc::as_ptr(c).cast::<()>()).collect();
        let kept = |c: *const ()| !gone.contains(&c);
        self.assistants.retain(|a| kept(Rc::as_ptr(a).cast()));
        self.expandables.retain(|e| kept(Rc::as_ptr(e).cast()));
    }

    /// The footer follows a new session; its usage totals and context use are added up off
    /// this thread (a long session takes a while) and arrive as soon as they are ready.
    pub(super) fn reset_footer(&mut self) {
        let providers = self.provider_count();
        self.footer.borrow_mut().reset(&self.session, providers);
        self.count_usage();
        self.refresh_footer();
    }

    /// Adds up the session's usage off this thread. Answers that end meanwhile are counted
    /// by counting again once the first count arrives (see `Outcome::FooterUsage`).
    pub(super) fn count_usage(&mut self) {
        let session = self.session.clone();
        let ui = self.ui.clone();
        let answers = self.answers_seen;
        self.handle.spawn_blocking(move || {
            let entries = session.session().entries().unwrap_or_default();
            let usage = crate::interactive::footer::UsageSummary::from_entries(&entries);
            ui.send(UiEvent::Done(Outcome::FooterUsage(usage, answers)));
        });
    }

    /// The footer's cheap figures now; the context use (which walks the session) off this
    /// thread.
    pub(super) fn refresh_footer(&mut self) {
        self.footer.borrow_mut().refresh(&self.session);
        let session = self.session.clone();
        let ui = self.ui.clone();
        self.handle.spawn_blocking(move || {
            let context = session.context_usage().ok().flatten().map(|usage| {
                crate::interactive::footer::ContextUsage {
                    context_window: usage.context_window,
                    percent: usage.percent,
                }
            });
            ui.send(UiEvent::Done(Outcome::FooterContext(context)));
        });
    }

    pub(super) fn provider_count(&self) -> usize {
        let mut providers: Vec<String> = self
            .runtime
            .services()
            .available_models()
            .into_iter()
            .map(|model| model.provider)
            .collect();
        providers.sort();
        providers.dedup();
        providers.len()
    }
}

pub(super) fn error_outcome(text: &str) -> ToolOutcome {
    ToolOutcome {
        content: vec![pi_ai::InputContent::Text(pi_ai::TextContent::new(text))],
        details: None,
        is_error: true,
    }
}

//! The editor's keys and Enter: prompts, steering and follow-ups while the agent works,
//! `!command`s, and every application action (`keybindings.json` decides the keys).

use std::time::Instant;

use pi_tui::Terminal;
use pi_tui::shared;

use super::bridge::{Outcome, UiEvent};
use super::{App, DOUBLE_PRESS};
use crate::agent_session::StreamingBehavior;
use crate::config::settings::DoubleEscapeAction;
use crate::interactive::chat::BashExecution;
use crate::interactive::keybindings::Action;

impl<T: Terminal> App<T> {
    pub(super) fn on_submit(&mut self, text: String) {
        let text = text.trim().to_owned();
        if text.is_empty() {
            return;
        }
        if text.starts_with('/') && self.run_command(&text) {
            return;
        }
        if let Some(rest) = text.strip_prefix('!') {
            let (exclude, command) = match rest.strip_prefix('!') {
                Some(command) => (true, command.trim()),
                None => (false, rest.trim()),
            };
            if !command.is_empty() {
                if self.session.is_bash_running() {
                    self.show_warning(
                        "A bash command is already running. Press Esc to cancel it first.",
                    );
                    self.editor.borrow_mut().editor().set_text(&text);
                    return;
                }
                self.editor.borrow_mut().editor().add_to_history(&text);
                self.run_bash(command.to_owned(), exclude);
                self.bash_mode = false;
                self.update_editor_border();
                return;
            }
        }
        self.editor.borrow_mut().editor().add_to_history(&text);
        if self.is_working() {
            self.queue(&text, StreamingBehavior::Steer);
            if self.session.is_compacting() && !self.session.is_streaming() {
                self.show_status("Queued message for after compaction");
            }
            return;
        }
        self.flush_deferred_bash();
        self.prompt(text);
    }

    /// Whether a prompt runs (or is about to): new input is queued rather than prompted.
    pub(super) fn is_working(&self) -> bool {
        self.session.is_streaming() || self.prompt_running || self.session.is_compacting()
    }

    fn queue(&mut self, text: &str, behavior: StreamingBehavior) {
        match behavior {
            StreamingBehavior::Steer => self.session.steer(text, Vec::new()),
            StreamingBehavior::FollowUp => self.session.follow_up(text, Vec::new()),
        }
        self.update_pending();
    }

    pub(super) fn prompt(&mut self, text: String) {
        self.prompt_running = true;
        let session = self.session.clone();
        let ui = self.ui.clone();
        self.handle.spawn(async move {
            let error = session.prompt(&text, Vec::new()).await.err();
            ui.send(UiEvent::Done(Outcome::Prompt(error.map(|e| e.to_string()))));
        });
    }

    /// Runs a user shell command; while the agent works it shows above the editor.
    fn run_bash(&mut self, command: String, exclude: bool) {
        let component = shared(BashExecution::new(&command, exclude, self.style.clone()));
        component.borrow_mut().set_expanded(self.tools_expanded);
        if self.is_working() {
            self.deferred_bash.push(component.clone());
            self.update_pending();
        } else {
            self.add(component.clone());
        }
        self.expandables.push(component.clone());
        self.bash = Some(component);
        let session = self.session.clone();
        let shell = self.runtime.services().shell();
        let ui = self.ui.clone();
        self.handle.spawn(async move {
            let result = session
                .execute_bash(&command, &shell, exclude, None)
                .await
                .map_err(|err| err.to_string());
            ui.send(UiEvent::Done(Outcome::Bash(result)));
        });
    }

    pub(super) fn on_bash_done(
        &mut self,
        result: Result<crate::agent_session::BashResult, String>,
    ) {
        let Some(bash) = self.bash.take() else {
            return;
        };
        match result {
            Ok(result) => bash.borrow_mut().set_complete(
                result.exit_code,
                result.cancelled,
                result.truncated,
                result
                    .full_output_path
                    .map(|path| path.to_string_lossy().into_owned()),
            ),
            Err(error) => {
                bash.borrow_mut().set_complete(None, false, false, None);
                self.show_error(&format!("Bash command failed: {error}"));
            }
        }
    }

    pub(super) fn on_action(&mut self, action: Action) {
        match action {
            Action::Interrupt => self.on_escape(),
            Action::Clear => self.on_ctrl_c(),
            Action::Exit => self.quit = Some(0),
            Action::Suspend => self.suspend(),
            Action::ThinkingCycle => self.cycle_thinking(),
            Action::ModelCycleForward => self.cycle_model(true),
            Action::ModelCycleBackward => self.cycle_model(false),
            Action::ModelSelect => self.show_model_selector(String::new()),
            Action::ToolsExpand => self.toggle_tools(),
            Action::ThinkingToggle => self.toggle_thinking(),
            Action::EditorExternal => self.open_external_editor(),
            Action::MessageCopy => self.copy_last_message(),
            Action::MessageFollowUp => self.follow_up(),
            Action::MessageDequeue => {
                let restored = self.restore_queue(false);
                if restored == 0 {
                    self.show_status("No queued messages to restore");
                } else {
                    let plural = if restored > 1 { "s" } else { "" };
                    self.show_status(&format!(
                        "Restored {restored} queued message{plural} to editor"
                    ));
                }
            }
            Action::ClipboardPasteImage => self.paste_clipboard(),
            Action::SessionNew => self.new_session(),
            Action::SessionTree => self.show_tree(),
            Action::SessionFork => self.show_fork_selector(),
            Action::SessionResume => self.show_session_picker(),
            _ => {}
        }
    }

    fn on_escape(&mut self) {
        if self.session.is_compacting() {
            self.session.abort_compaction();
        } else if self.session.is_retrying() {
            self.session.abort_retry();
        } else if self.session.is_streaming() || self.prompt_running {
            self.restore_queue(true);
        } else if self.session.is_bash_running() {
            self.session.abort_bash();
        } else if self.bash_mode {
            self.editor.borrow_mut().editor().set_text("");
            self.bash_mode = false;
            self.update_editor_border();
        } else if self.editor.borrow().text().trim().is_empty() {
            let now = Instant::now();
            let double = self
                .last_escape
                .is_some_and(|last| now.duration_since(last) < DOUBLE_PRESS);
            match self.prefs.double_escape {
                DoubleEscapeAction::None => {}
                _ if !double => self.last_escape = Some(now),
                DoubleEscapeAction::Tree => {
                    self.last_escape = None;
                    self.show_tree();
                }
                DoubleEscapeAction::Fork => {
                    self.last_escape = None;
                    self.show_fork_selector();
                }
            }
        }
    }

    /// Puts every queued message back into the editor (above what is typed there); with
    /// `abort` the run is stopped too. Returns how many came back.
    pub(super) fn restore_queue(&mut self, abort: bool) -> usize {
        let queued = self.session.clear_queue();
        let all: Vec<String> = queued
            .steering
            .into_iter()
            .chain(queued.follow_up)
            .collect();
        if !all.is_empty() {
            let current = self.editor.borrow().text();
            let combined = [all.join("\n\n"), current]
                .into_iter()
                .filter(|text| !text.trim().is_empty())
                .collect::<Vec<_>>()
                .join("\n\n");
            self.editor.borrow_mut().editor().set_text(&combined);
        }
        self.update_pending();
        if abort {
            let session = self.session.clone();
            self.handle.spawn(async move { session.abort().await });
        }
        all.len()
    }

    fn on_ctrl_c(&mut self) {
        let now = Instant::now();
        if self
            .last_interrupt
            .is_some_and(|last| now.duration_since(last) < DOUBLE_PRESS)
        {
            self.quit = Some(0);
            return;
        }
        self.editor.borrow_mut().editor().set_text("");
        self.last_interrupt = Some(now);
    }

    fn follow_up(&mut self) {
        let text = self.editor.borrow_mut().editor().expanded_text();
        let text = text.trim().to_owned();
        if text.is_empty() {
            return;
        }
        if self.is_working() {
            self.editor.borrow_mut().editor().add_to_history(&text);
            self.editor.borrow_mut().editor().set_text("");
            self.queue(&text, StreamingBehavior::FollowUp);
        } else {
            self.editor.borrow_mut().editor().set_text("");
            self.on_submit(text);
        }
    }

    fn cycle_thinking(&mut self) {
        match self.session.cycle_thinking_level() {
            Ok(None) => self.show_status("Current model does not support thinking"),
            Ok(Some(level)) => {
                self.refresh_footer();
                self.update_editor_border();
                self.show_status(&format!("Thinking level: {level}"));
            }
            Err(err) => self.show_error(&err.to_string()),
        }
    }

    fn cycle_model(&mut self, forward: bool) {
        let services = self.runtime.services().clone();
        let scoped = services.scoped_models();
        let is_scoped = !scoped.is_empty();
        let mut candidates: Vec<(pi_ai::Model, Option<pi_ai::ThinkingLevel>)> = if is_scoped {
            scoped
                .into_iter()
                .map(|scoped| (scoped.model, scoped.thinking_level))
                .collect()
        } else {
            services
                .available_models()
                .into_iter()
                .map(|model| (model, None))
                .collect()
        };
        if !forward {
            candidates.reverse();
        }
        let result = self.session.cycle_model(&candidates, is_scoped, |model| {
            services.thinking_level_for(model)
        });
        match result {
            Ok(None) => self.show_status(if is_scoped {
                "Only one model in scope"
            } else {
                "Only one model available"
            }),
            Ok(Some(cycled)) => {
                self.refresh_footer();
                self.update_editor_border();
                let name = if cycled.model.name.is_empty() {
                    &cycled.model.id
                } else {
                    &cycled.model.name
                };
                let thinking = if cycled.model.reasoning
                    && cycled.thinking_level != pi_ai::ThinkingLevel::Off
                {
                    format!(" (thinking: {})", cycled.thinking_level)
                } else {
                    String::new()
                };
                self.show_status(&format!("Switched to {name}{thinking}"));
            }
            Err(err) => self.show_error(&err.to_string()),
        }
    }

    fn toggle_tools(&mut self) {
        self.tools_expanded = !self.tools_expanded;
        let expanded = self.tools_expanded;
        if let Some(header) = &self.header_text {
            header.borrow_mut().set_expanded(expanded);
        }
        if let Some(resources) = &self.resources_view {
            resources.borrow_mut().set_expanded(expanded);
        }
        for entry in &self.expandables {
            entry.borrow_mut().set_expanded(expanded);
        }
        let state = if expanded { "expanded" } else { "collapsed" };
        self.show_status(&format!("Tool output: {state}"));
    }

    fn toggle_thinking(&mut self) {
        self.prefs.hide_thinking = !self.prefs.hide_thinking;
        let hide = self.prefs.hide_thinking;
        for message in &self.assistants {
            message.borrow_mut().set_hide_thinking(hide);
        }
        let _ = self.runtime.services().save_setting(
            "hideThinkingBlock",
            None,
            serde_json::Value::Bool(hide),
        );
        let state = if hide { "hidden" } else { "visible" };
        self.show_status(&format!("Thinking blocks: {state}"));
    }

    /// Ctrl+Z: gives the terminal back and stops the process group; `fg` comes back here.
    fn suspend(&mut self) {
        #[cfg(unix)]
        {
            let _ = self.tui.stop();
            let _ = rustix::process::kill_current_process_group(rustix::process::Signal::TSTP);
            // Execution continues here once the shell resumes the job.
            if self.tui.start().is_ok() {
                self.tui.request_full_render();
                self.last_title.clear();
                self.update_title();
            }
        }
    }

    /// Ctrl+G: edits the editor's text in the external editor (`externalEditor`,
    /// `$VISUAL`, `$EDITOR`, else `nano`); the text is replaced only when it exits cleanly.
    fn open_external_editor(&mut self) {
        let text = self.editor.borrow_mut().editor().expanded_text();
        let _ = self.tui.stop();
        let edited = edit_externally(&self.prefs.external_editor, &text);
        if self.tui.start().is_ok() {
            self.tui.request_full_render();
            self.last_title.clear();
            self.update_title();
        }
        match edited {
            Ok(Some(edited)) => self.editor.borrow_mut().editor().set_text(&edited),
            Ok(None) => {}
            Err(err) => self.show_error(&format!("Failed to open external editor: {err}")),
        }
    }

    /// Ctrl+V: an image on the clipboard is saved to a file whose path is inserted; else
    /// the clipboard's text is.
    fn paste_clipboard(&mut self) {
        match super::clipboard::read_image(&self.env) {
            Some((bytes, extension)) => {
                let path = std::env::temp_dir()
                    .join(format!("pi-clipboard-{}.{extension}", uuid::Uuid::new_v4()));
                if std::fs::write(&path, bytes).is_ok() {
                    self.editor
                        .borrow_mut()
                        .editor()
                        .insert_text_at_cursor(&path.to_string_lossy());
                }
            }
            None => {
                if let Some(text) = super::clipboard::read_text(&self.env) {
                    self.editor
                        .borrow_mut()
                        .editor()
                        .insert_text_at_cursor(&text);
                }
            }
        }
    }
}

/// Runs `command` (split on spaces) on a temporary `prompt.md` holding `text`; the edited
/// text (without a BOM and one final line break), or `None` when the editor failed.
fn edit_externally(command: &str, text: &str) -> std::io::Result<Option<String>> {
    let directory = std::env::temp_dir().join(format!("pi-editor-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir(&directory)?;
    let edited = edit_in(&directory, command, text);
    // Cleaning up is best effort.
    let _ = std::fs::remove_dir_all(&directory);
    edited
}

fn edit_in(
    directory: &std::path::Path,
    command: &str,
    text: &str,
) -> std::io::Result<Option<String>> {
    let path = directory.join("prompt.md");
    std::fs::write(&path, text)?;
    let mut parts = command.split(' ').filter(|part| !part.is_empty());
    let Some(program) = parts.next() else {
        return Ok(None);
    };
    let _ = crate::app::print_stdout(&format!(
        "Launching external editor: {command}\nPi will resume when the editor exits.\n"
    ));
    let status = std::process::Command::new(program)
        .args(parts)
        .arg(&path)
        .status();
    if !status.is_ok_and(|status| status.success()) {
        return Ok(None);
    }
    let edited = std::fs::read_to_string(&path)?;
    let edited = edited.strip_prefix('\u{feff}').unwrap_or(&edited);
    Ok(Some(edited.strip_suffix('\n').unwrap_or(edited).to_owned()))
}

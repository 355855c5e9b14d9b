//! The built-in slash commands, their selectors (shown in place of the editor), and the
//! editor's autocomplete (commands, prompt templates, skills, `@` files).

use std::path::PathBuf;
use std::rc::Rc;

use pi_ai::Model;
use pi_tui::autocomplete::{CombinedAutocompleteProvider, SlashCommand};
use pi_tui::components::{Markdown, SelectItem, Spacer, Text};
use pi_tui::{ComponentRef, Terminal, shared};

use super::App;
use super::bridge::{Outcome, UiEvent};
use super::clipboard::{self, Copied};
use crate::agent_session::ForkPosition;
use crate::interactive::chat::{DynamicBorder, capitalize_keys, format_keys};
use crate::interactive::keybindings::Action;
use crate::interactive::model_selector::{ModelSelector, ModelSelectorOptions};
use crate::interactive::theme::ThemeColor;
use crate::interactive::tree_selector::BranchSummaryRequest;

/// pi 0.87.1's built-in commands, as autocomplete lists them.
pub(super) const BUILTIN_COMMANDS: [(&str, &str); 24] = [
    ("settings", "Open settings menu"),
    ("model", "Select model (opens selector UI)"),
    ("tree", "Navigate session tree (switch branches)"),
    ("thinking", "Set thinking level"),
    ("scoped-models", "Enable/disable models for Ctrl+P cycling"),
    (
        "export",
        "Export session (HTML default, or specify path: .html/.jsonl)",
    ),
    ("import", "Import and resume a session from a JSONL file"),
    ("share", "Share session as a secret GitHub gist"),
    ("bug", "Report a bug to the Pi developers"),
    ("copy", "Copy last agent message to clipboard"),
    ("name", "Set session display name"),
    ("session", "Show session info and stats"),
    ("changelog", "Show changelog entries"),
    ("hotkeys", "Show all keyboard shortcuts"),
    ("fork", "Create a new fork from a previous user message"),
    (
        "clone",
        "Duplicate the current session at the current position",
    ),
    ("trust", "Save project trust decision for future sessions"),
    ("login", "Configure provider authentication"),
    ("logout", "Remove provider authentication"),
    ("new", "Start a new session"),
    ("compact", "Manually compact the session context"),
    ("resume", "Resume a different session"),
    (
        "reload",
        "Reload keybindings, extensions, skills, prompts, themes, and context files",
    ),
    ("quit", "Quit pi"),
];

/// What a selector asks for; handled by the loop outside the selector's callbacks.
pub(crate) enum Selection {
    Cancel,
    Model {
        model: Box<Model>,
        persist: bool,
    },
    Fork(String),
    Resume(PathBuf),
    Thinking {
        level: pi_ai::ThinkingLevel,
        persist: bool,
    },
    /// A settings row changed; the list stays open.
    Setting {
        id: String,
        value: String,
    },
    /// A model's own default thinking level changed (`None`: cleared); the list stays open.
    ModelThinking {
        provider: String,
        id: String,
        level: Option<pi_ai::ThinkingLevel>,
    },
    /// The theme under the cursor in the theme submenu (or the saved one on cancel).
    ThemePreview(String),
    /// The scoped models changed; the list stays open.
    Scope {
        patterns: Option<Vec<String>>,
        persist: bool,
    },
    TreeEntry(String),
    /// `/trust` chose what to save.
    Trust(crate::interactive::trust_selector::TrustSelection),
    /// "Yes" to replacing the session with an imported file.
    Import(PathBuf),
    /// "No" (or Escape) to a question.
    Declined,
    /// The tree's label editor changed a label; the tree stays open.
    Label {
        id: String,
        label: Option<String>,
    },
    /// The tree's copy key; the tree stays open.
    Copy(Option<String>),
    Navigate {
        id: String,
        request: BranchSummaryRequest,
    },
    /// The summary question was cancelled: the tree opens again on that entry.
    BackToTree(String),
}

impl<T: Terminal> App<T> {
    /// Runs a built-in command; `false` when `text` is not one (it is then a prompt, which
    /// may be a template or skill).
    pub(super) fn run_command(&mut self, text: &str) -> bool {
        let (name, args) = match text[1..].split_once(char::is_whitespace) {
            Some((name, args)) => (name, args.trim()),
            None => (&text[1..], ""),
        };
        let known = BUILTIN_COMMANDS.iter().any(|(command, _)| *command == name);
        if !known {
            return false;
        }
        self.editor.borrow_mut().editor().set_text("");
        match name {
            "model" if args.is_empty() => self.show_model_selector(String::new()),
            "model" => self.model_command(args),
            "thinking" => self.thinking_command(args),
            "export" => self.export(args),
            "copy" => self.copy_last_message(),
            "name" => self.name_command(args),
            "session" => self.session_info(),
            "changelog" => self.changelog(),
            "hotkeys" => self.hotkeys(),
            "fork" => self.show_fork_selector(),
            "clone" => self.clone_session(),
            "new" => self.new_session(),
            "compact" => self.compact(args),
            "resume" => self.show_session_picker(),
            "tree" => self.show_tree(),
            "settings" => self.show_settings(),
            "scoped-models" => self.show_scoped_models(),
            "reload" => self.reload(),
            "quit" => self.quit = Some(0),
            "trust" => self.show_trust_selector(),
            "import" => self.import_command(args),
            "login" | "logout" | "share" | "bug" => {
                self.show_warning(&format!("/{name} is not available yet in this build"));
            }
            _ => return false,
        }
        true
    }

    /// The editor's autocomplete: built-in commands (with model and thinking-level
    /// arguments), prompt templates, skills and `@` file paths.
    pub(super) fn setup_autocomplete(&mut self) {
        let services = self.runtime.services().clone();
        let mut commands: Vec<SlashCommand> = Vec::new();
        for (name, description) in BUILTIN_COMMANDS {
            let mut command = SlashCommand::new(name, description);
            if name == "model" {
                let services = services.clone();
                command = command.with_arguments(move |prefix| {
                    let scoped = services.scoped_models();
                    let models: Vec<Model> = if scoped.is_empty() {
                        services.available_models()
                    } else {
                        scoped.into_iter().map(|s| s.model).collect()
                    };
                    let texts: Vec<String> = models
                        .iter()
                        .map(crate::interactive::model_selector::model_search_text)
                        .collect();
                    let all: Vec<usize> = (0..models.len()).collect();
                    let matches = if prefix.is_empty() {
                        all
                    } else {
                        pi_tui::fuzzy::fuzzy_filter(&all, prefix, |&i| {
                            texts.get(i).cloned().unwrap_or_default()
                        })
                    };
                    matches
                        .into_iter()
                        .filter_map(|i| models.get(i))
                        .map(|m| {
                            SelectItem::new(format!("{}/{}", m.provider, m.id))
                                .with_label(m.id.clone())
                                .with_description(m.provider.clone())
                        })
                        .collect()
                });
            } else if name == "thinking" {
                // The session in use at the time of asking, not the one of today.
                let runtime = self.runtime.clone();
                command = command.with_arguments(move |prefix| {
                    runtime
                        .session()
                        .available_thinking_levels()
                        .into_iter()
                        .map(|level| level.as_str())
                        .filter(|level| level.starts_with(prefix))
                        .map(SelectItem::new)
                        .collect()
                });
            }
            commands.push(command);
        }
        for command in services.commands() {
            let name = command["name"].as_str().unwrap_or_default();
            if name.is_empty() {
                continue;
            }
            let description = command["description"].as_str().unwrap_or_default();
            let tag = match command["sourceInfo"]["scope"].as_str() {
                Some("user") => "u",
                Some("project") => "p",
                _ => "t",
            };
            let description = if description.is_empty() {
                format!("[{tag}]")
            } else {
                format!("[{tag}] {description}")
            };
            commands.push(SlashCommand::new(name, description));
        }
        let cwd = self.session.session().cwd().to_path_buf();
        let provider = CombinedAutocompleteProvider::new(commands, cwd)
            .with_home(self.env.home().map(std::path::Path::to_path_buf));
        self.editor
            .borrow_mut()
            .editor()
            .set_autocomplete_provider(Rc::new(provider));
    }

    /// Shows `component` in place of the editor, with the keyboard.
    pub(super) fn show_selector(&mut self, component: ComponentRef) {
        let mut slot = self.editor_slot.borrow_mut();
        slot.clear();
        slot.add_child(component.clone());
        drop(slot);
        self.tui.set_focus(Some(component.clone()));
        self.selector = Some(component);
        self.tui.request_render();
    }

    /// Puts the editor back.
    pub(super) fn close_selector(&mut self) {
        self.selector = None;
        let mut slot = self.editor_slot.borrow_mut();
        slot.clear();
        slot.add_child(self.editor.clone());
        drop(slot);
        self.tui.set_focus(Some(self.editor.clone()));
        self.tui.request_render();
    }

    pub(super) fn on_selection(&mut self, selection: Selection) {
        match selection {
            Selection::Setting { id, value } => return self.apply_setting(&id, &value),
            Selection::ModelThinking {
                provider,
                id,
                level,
            } => return self.set_model_thinking(&provider, &id, level),
            Selection::ThemePreview(setting) => return self.use_theme_setting(&setting, false),
            Selection::Scope { patterns, persist } => return self.set_scope(patterns, persist),
            Selection::Label { id, label } => return self.set_label(&id, label.as_deref()),
            Selection::Copy(text) => return self.copy_text(text),
            _ => {}
        }
        self.close_selector();
        match selection {
            Selection::Model { model, persist } => self.switch_model(*model, persist),
            Selection::Fork(entry_id) => self.fork(entry_id, ForkPosition::Before),
            Selection::Resume(path) => self.resume(path),
            Selection::Thinking { level, persist } => self.select_thinking(level, persist),
            Selection::TreeEntry(id) => self.tree_entry_chosen(id),
            Selection::Navigate { id, request } => self.navigate(id, request),
            Selection::BackToTree(id) => self.back_to_tree(id),
            Selection::Trust(selection) => self.save_trust(&selection),
            Selection::Import(path) => self.import(path),
            Selection::Declined => self.show_status("Import cancelled"),
            _ => {}
        }
    }

    pub(super) fn show_model_selector(&mut self, search: String) {
        let services = self.runtime.services().clone();
        let settings = &self.prefs;
        let default = settings.default_model.as_ref().and_then(|(provider, id)| {
            services
                .available_models()
                .into_iter()
                .find(|m| &m.provider == provider && &m.id == id)
        });
        let options = ModelSelectorOptions {
            current: self.session.model(),
            default,
            scoped: services
                .scoped_models()
                .into_iter()
                .map(|s| s.model)
                .collect(),
            initial_search: search,
        };
        let mut selector = ModelSelector::new(
            services.available_models(),
            options,
            self.style.theme.clone(),
            self.keys.clone(),
        );
        let selections = self.selections.clone();
        selector.on_select(move |model| {
            selections.borrow_mut().push_back(Selection::Model {
                model: Box::new(model.clone()),
                persist: false,
            });
        });
        let selections = self.selections.clone();
        selector.on_select_as_default(move |model| {
            selections.borrow_mut().push_back(Selection::Model {
                model: Box::new(model.clone()),
                persist: true,
            });
        });
        let selections = self.selections.clone();
        selector.on_cancel(move || selections.borrow_mut().push_back(Selection::Cancel));
        self.show_selector(shared(selector));
    }

    /// `/model <reference>`: an exact `provider/id` or id switches at once; anything else
    /// opens the selector searching for it.
    fn model_command(&mut self, reference: &str) {
        let services = self.runtime.services().clone();
        let scoped = services.scoped_models();
        let models: Vec<Model> = if scoped.is_empty() {
            services.available_models()
        } else {
            scoped.into_iter().map(|s| s.model).collect()
        };
        let lower = reference.to_lowercase();
        let exact = models
            .iter()
            .find(|m| format!("{}/{}", m.provider, m.id).to_lowercase() == lower)
            .or_else(|| {
                let mut by_id = models.iter().filter(|m| m.id.to_lowercase() == lower);
                match (by_id.next(), by_id.next()) {
                    (Some(only), None) => Some(only),
                    _ => None,
                }
            })
            .cloned();
        match exact {
            Some(model) => self.switch_model(model, false),
            None => self.show_model_selector(reference.to_owned()),
        }
    }

    fn switch_model(&mut self, model: Model, persist: bool) {
        let session = self.session.clone();
        let services = self.runtime.services().clone();
        let ui = self.ui.clone();
        self.handle.spawn(async move {
            let level = services
                .thinking_level_for(&model)
                .unwrap_or_else(|| session.thinking_level());
            let result = session.set_model_checked(model.clone(), level).await;
            let outcome = match result {
                Err(err) => Err(err.to_string()),
                Ok(()) if persist => {
                    let saved = services
                        .save_setting("defaultProvider", None, model.provider.clone().into())
                        .and_then(|()| {
                            services.save_setting("defaultModel", None, model.id.clone().into())
                        });
                    match saved {
                        Ok(()) => Ok(format!("Default model: {}/{}", model.provider, model.id)),
                        Err(err) => Err(err),
                    }
                }
                Ok(()) => Ok(format!("Model: {}", model.id)),
            };
            ui.send(UiEvent::Done(Outcome::ModelSwitched(outcome)));
        });
    }

    /// `/thinking <level>` sets the level for this session; without one, the selector opens.
    fn thinking_command(&mut self, level: &str) {
        let available = self.session.available_thinking_levels();
        if level.is_empty() {
            self.show_thinking_selector();
            return;
        }
        let normalized = level.to_lowercase();
        let Some(found) = available.iter().copied().find(|l| l.as_str() == normalized) else {
            let names: Vec<&str> = available.iter().map(|l| l.as_str()).collect();
            self.show_error(&format!(
                "Unknown thinking level \"{level}\". Available levels: {}.",
                names.join(", ")
            ));
            return;
        };
        self.select_thinking(found, false);
    }

    /// `/export [path]`: an HTML page, or the session file itself for a `.jsonl` path.
    fn export(&mut self, path: &str) {
        let path = path.trim_matches(|c| c == '"' || c == '\'');
        let result = if path.ends_with(".jsonl") {
            self.export_jsonl(PathBuf::from(path))
        } else {
            let output = (!path.is_empty()).then(|| PathBuf::from(path));
            self.session
                .export_html(output.as_deref())
                .map_err(|err| err.to_string())
        };
        match result {
            Ok(path) => self.show_status(&format!("Session exported to: {}", path.display())),
            Err(err) => self.show_error(&format!("Failed to export session: {err}")),
        }
    }

    fn export_jsonl(&self, path: PathBuf) -> Result<PathBuf, String> {
        let session = self.session.session();
        let header = session.header().to_value();
        let mut text = pi_ai::js_number::to_string(&header).map_err(|e| e.to_string())?;
        text.push('\n');
        for entry in session.entries().map_err(|e| e.to_string())? {
            text.push_str(
                &pi_ai::js_number::to_string(&entry.to_value()).map_err(|e| e.to_string())?,
            );
            text.push('\n');
        }
        let path = if path.is_absolute() {
            path
        } else {
            session.cwd().join(path)
        };
        std::fs::write(&path, text).map_err(|e| e.to_string())?;
        Ok(path)
    }

    /// `/copy` and the copy key: the last answer's text to the clipboard.
    pub(super) fn copy_last_message(&mut self) {
        let Some(text) = self.session.last_assistant_text() else {
            self.show_error("No agent messages to copy yet.");
            return;
        };
        match clipboard::copy(&text, &self.env) {
            Ok(copied) => {
                if let Copied::Osc52(sequence) = copied {
                    let _ = self.tui.terminal_mut().write(&sequence);
                }
                self.show_status("Copied last agent message to clipboard");
            }
            Err(err) => self.show_error(&err),
        }
    }

    fn name_command(&mut self, name: &str) {
        if name.is_empty() {
            let current = self.session.session().session_name().map(str::to_owned);
            match current {
                Some(current) => {
                    let line = self
                        .style
                        .fg(ThemeColor::Dim, &format!("Session name: {current}"));
                    self.show_text(&line);
                }
                None => self.show_warning("Usage: /name <name>"),
            }
            return;
        }
        if let Err(err) = self.session.set_session_name(name) {
            self.show_error(&err.to_string());
            return;
        }
        let saved = self
            .session
            .session()
            .session_name()
            .map(str::to_owned)
            .unwrap_or_else(|| name.to_owned());
        if saved != name {
            self.show_warning(&format!(
                "Session name was normalized from {} to {}",
                serde_json::Value::from(name),
                serde_json::Value::from(saved.as_str())
            ));
        }
        let line = self
            .style
            .fg(ThemeColor::Dim, &format!("Session name set: {saved}"));
        self.show_text(&line);
        self.refresh_footer();
    }

    /// `/session`: the session's file, id, message counts, tokens and cost.
    fn session_info(&mut self) {
        let stats = match self.session.session_stats() {
            Ok(stats) => stats,
            Err(err) => {
                self.show_error(&err.to_string());
                return;
            }
        };
        let theme = &self.style.theme;
        let dim = |text: &str| theme.fg(ThemeColor::Dim, text);
        let n = crate::interactive::chat::with_separators;
        let mut info = format!("{}\n\n", theme.bold("Session Info"));
        if let Some(name) = self.session.session().session_name() {
            info.push_str(&format!("{} {name}\n", dim("Name:")));
        }
        let file = stats
            .session_file
            .as_ref()
            .map_or_else(|| "In-memory".to_owned(), |f| f.display().to_string());
        info.push_str(&format!("{} {file}\n", dim("File:")));
        info.push_str(&format!("{} {}\n\n", dim("ID:"), stats.session_id));
        info.push_str(&format!("{}\n", theme.bold("Messages")));
        info.push_str(&format!("{} {}\n", dim("Total:"), stats.total_messages));
        info.push_str(&format!("{} {}\n", dim("User:"), stats.user_messages));
        info.push_str(&format!(
            "{} {}\n",
            dim("Assistant:"),
            stats.assistant_messages
        ));
        info.push_str(&format!(
            "{} {} calls, {} results\n\n",
            dim("Tools:"),
            stats.tool_calls,
            stats.tool_results
        ));
        info.push_str(&format!("{}\n", theme.bold("Tokens")));
        let tokens = &stats.tokens;
        let prompt = tokens.input + tokens.cache_read + tokens.cache_write;
        info.push_str(&format!("{} {}\n", dim("Input:"), n(prompt)));
        if prompt > 0 && (tokens.cache_read > 0 || tokens.cache_write > 0) {
            let rate = tokens.cache_read as f64 / prompt as f64 * 100.0;
            info.push_str(&format!(
                "  {} {} {}\n",
                dim("Cached:"),
                n(tokens.cache_read),
                dim(&format!("({}%)", crate::tools::to_fixed(rate, 1)))
            ));
            let written = if tokens.cache_write > 0 {
                format!(
                    " {}",
                    dim(&format!("({} written to cache)", n(tokens.cache_write)))
                )
            } else {
                String::new()
            };
            info.push_str(&format!(
                "  {} {}{written}\n",
                dim("Uncached:"),
                n(tokens.input + tokens.cache_write)
            ));
        }
        info.push_str(&format!("{} {}\n", dim("Output:"), n(tokens.output)));
        info.push_str(&format!("{} {}\n", dim("Total:"), n(tokens.total)));
        info.push_str(&format!("\n{}\n", theme.bold("Cache Warming")));
        info.push_str(&format!(
            "{} {}\n",
            dim("Mode:"),
            self.prefs.cache_warming.as_str()
        ));
        info.push_str(&format!(
            "{} Inactive (cache warming unavailable)\n",
            dim("Status:")
        ));
        if stats.cost > 0.0 {
            info.push_str(&format!("\n{}\n", theme.bold("Cost")));
            info.push_str(&format!(
                "{} ${}",
                dim("Total:"),
                crate::tools::to_fixed(stats.cost, 3)
            ));
        }
        self.show_text(&info);
    }

    /// A titled block between rules with Markdown (`/hotkeys`, `/changelog`).
    fn show_block(&mut self, title: &str, markdown: &str) {
        let theme = self.style.theme.clone();
        self.add(shared(Spacer::new(1)));
        self.add(shared(DynamicBorder::new(
            theme.fg_style(ThemeColor::Border),
        )));
        let title = theme.bold(&theme.fg(ThemeColor::Accent, title));
        self.add(shared(Text::with_padding(title, 1, 0)));
        self.add(shared(Spacer::new(1)));
        self.add(shared(Markdown::new(
            markdown,
            1,
            1,
            self.style.markdown_theme(),
        )));
        self.add(shared(DynamicBorder::new(
            theme.fg_style(ThemeColor::Border),
        )));
    }

    fn changelog(&mut self) {
        let path = crate::config::package_dir(&self.env).join("CHANGELOG.md");
        let text = std::fs::read_to_string(path)
            .ok()
            .filter(|text| !text.trim().is_empty())
            .unwrap_or_else(|| "No changelog entries found.".to_owned());
        self.show_block("What's New", &text);
    }

    fn hotkeys(&mut self) {
        let keys = &self.keys;
        let app =
            |action: Action| capitalize_keys(&format_keys(keys.keys(action), keys.platform()));
        let tui =
            |action: &str| capitalize_keys(&format_keys(keys.tui().keys(action), keys.platform()));
        use pi_tui::action as a;
        let text = format!(
            "**Navigation**\n| Key | Action |\n|-----|--------|\n\
| `{}` / `{}` / `{}` / `{}` | Move cursor / browse history |\n\
| `{}` / `{}` | Move by word |\n| `{}` | Start of line |\n| `{}` | End of line |\n\
| `{}` | Jump forward to character |\n| `{}` | Jump backward to character |\n\
| `{}` / `{}` | Scroll by page |\n\n\
**Editing**\n| Key | Action |\n|-----|--------|\n| `{}` | Send message |\n| `{}` | New line |\n\
| `{}` | Delete word backwards |\n| `{}` | Delete word forwards |\n\
| `{}` | Delete to start of line |\n| `{}` | Delete to end of line |\n\
| `{}` | Paste the most-recently-deleted text |\n\
| `{}` | Cycle through the deleted text after pasting |\n| `{}` | Undo |\n\n\
**Other**\n| Key | Action |\n|-----|--------|\n\
| `{}` | Path completion / accept autocomplete |\n| `{}` | Cancel autocomplete / abort streaming |\n\
| `{}` | Clear editor (first) / exit (second) |\n| `{}` | Exit (when editor is empty) |\n\
| `{}` | Suspend to background |\n| `{}` | Cycle thinking level |\n| `{}` / `{}` | Cycle models |\n\
| `{}` | Open model selector |\n| `{}` | Toggle tool output expansion |\n\
| `{}` | Toggle thinking block visibility |\n| `{}` | Edit message in external editor |\n\
| `{}` | Copy selection or last assistant message |\n| `{}` | Queue follow-up message |\n\
| `{}` | Restore queued messages |\n| `{}` | Paste image or text from clipboard |\n\
| `/` | Slash commands |\n| `!` | Run bash command |\n| `!!` | Run bash command (excluded from context) |",
            tui(a::EDITOR_CURSOR_UP),
            tui(a::EDITOR_CURSOR_DOWN),
            tui(a::EDITOR_CURSOR_LEFT),
            tui(a::EDITOR_CURSOR_RIGHT),
            tui(a::EDITOR_CURSOR_WORD_LEFT),
            tui(a::EDITOR_CURSOR_WORD_RIGHT),
            tui(a::EDITOR_CURSOR_LINE_START),
            tui(a::EDITOR_CURSOR_LINE_END),
            tui(a::EDITOR_JUMP_FORWARD),
            tui(a::EDITOR_JUMP_BACKWARD),
            tui(a::EDITOR_PAGE_UP),
            tui(a::EDITOR_PAGE_DOWN),
            tui(a::INPUT_SUBMIT),
            tui(a::INPUT_NEW_LINE),
            tui(a::EDITOR_DELETE_WORD_BACKWARD),
            tui(a::EDITOR_DELETE_WORD_FORWARD),
            tui(a::EDITOR_DELETE_TO_LINE_START),
            tui(a::EDITOR_DELETE_TO_LINE_END),
            tui(a::EDITOR_YANK),
            tui(a::EDITOR_YANK_POP),
            tui(a::EDITOR_UNDO),
            tui(a::INPUT_TAB),
            app(Action::Interrupt),
            app(Action::Clear),
            app(Action::Exit),
            app(Action::Suspend),
            app(Action::ThinkingCycle),
            app(Action::ModelCycleForward),
            app(Action::ModelCycleBackward),
            app(Action::ModelSelect),
            app(Action::ToolsExpand),
            app(Action::ThinkingToggle),
            app(Action::EditorExternal),
            app(Action::MessageCopy),
            app(Action::MessageFollowUp),
            app(Action::MessageDequeue),
            app(Action::ClipboardPasteImage),
        );
        self.show_block("Keyboard Shortcuts", &text);
    }

    pub(super) fn new_session(&mut self) {
        let runtime = self.runtime.clone();
        let ui = self.ui.clone();
        self.handle.spawn(async move {
            let outcome = match runtime.new_session(None).await {
                Ok(()) => Outcome::NewSession,
                Err(err) => Outcome::Status(Err(format!("Failed to create session: {err}"))),
            };
            ui.send(UiEvent::Done(outcome));
        });
    }

    /// `/fork` (and the double-Escape action): pick one of the user's messages.
    pub(super) fn show_fork_selector(&mut self) {
        let messages = match self.session.fork_messages() {
            Ok(messages) => messages,
            Err(err) => {
                self.show_error(&err.to_string());
                return;
            }
        };
        if messages.is_empty() {
            self.show_status("No messages to fork from");
            return;
        }
        let items: Vec<(String, String)> =
            messages.into_iter().map(|m| (m.entry_id, m.text)).collect();
        let selector = super::fork_selector::ForkSelector::new(
            items,
            self.style.theme.clone(),
            self.keys.clone(),
            self.selections.clone(),
        );
        self.show_selector(shared(selector));
    }

    fn fork(&mut self, entry_id: String, position: ForkPosition) {
        let runtime = self.runtime.clone();
        let ui = self.ui.clone();
        let clone = position == ForkPosition::At;
        self.handle.spawn(async move {
            let outcome = match runtime.fork(&entry_id, position).await {
                Ok(text) => Outcome::Forked {
                    text: text.unwrap_or_default(),
                    clone,
                },
                Err(err) => Outcome::Status(Err(err.to_string())),
            };
            ui.send(UiEvent::Done(outcome));
        });
    }

    fn clone_session(&mut self) {
        let leaf = self.session.session().leaf_id().map(str::to_owned);
        match leaf {
            Some(leaf) => self.fork(leaf, ForkPosition::At),
            None => self.show_status("Nothing to clone yet"),
        }
    }

    /// `/compact [instructions]`.
    fn compact(&mut self, instructions: &str) {
        let session = self.session.clone();
        let ui = self.ui.clone();
        let instructions = (!instructions.is_empty()).then(|| instructions.to_owned());
        self.handle.spawn(async move {
            // Failures arrive as `compaction_end` events, as in pi.
            let _ = session.compact(instructions).await;
            ui.send(UiEvent::Done(Outcome::Compacted));
        });
    }

    /// `/reload`: the configuration is read again (settings, models, skills, prompt
    /// templates, context files, themes, keybindings) and the session rebuilt with it.
    fn reload(&mut self) {
        if self.session.is_streaming() {
            self.show_warning("Wait for the current response to finish before reloading.");
            return;
        }
        if self.session.is_compacting() {
            self.show_warning("Wait for compaction to finish before reloading.");
            return;
        }
        let runtime = self.runtime.clone();
        let ui = self.ui.clone();
        self.handle.spawn(async move {
            let result = runtime.reload().await.map_err(|err| err.to_string());
            ui.send(UiEvent::Done(Outcome::Reloaded(result)));
        });
    }

    /// Takes in what `/reload` read again.
    pub(super) fn reloaded(&mut self, notices: Vec<String>) {
        if let Some((settings, themes, resources)) = (self.reload_setup)() {
            self.settings = settings;
            self.themes = themes;
            self.resources = resources;
        }
        self.prefs.hide_thinking = self.settings.hide_thinking_block();
        self.prefs.double_escape = self.settings.double_escape_action();
        self.prefs.external_editor = self.settings.external_editor(&self.env);
        self.prefs.default_model = self
            .settings
            .default_provider()
            .zip(self.settings.default_model())
            .map(|(provider, id)| (provider.to_owned(), id.to_owned()));
        let mut keys = (*self.keys).clone();
        keys.reload(&self.agent_dir);
        self.keys = Rc::new(keys);
        self.editor.borrow_mut().set_keys(self.keys.clone());
        let theme = self
            .theme_override
            .clone()
            .unwrap_or_else(|| super::initial_theme_name(&self.settings, &self.env));
        self.use_theme_setting(&theme, true);
        self.setup_autocomplete();
        self.render_session();
        for notice in &notices {
            self.show_notice(notice);
        }
        self.show_status(
            "Reloaded keybindings, extensions, skills, prompts, themes, and context files",
        );
    }
}

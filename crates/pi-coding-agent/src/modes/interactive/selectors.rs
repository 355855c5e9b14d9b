//! The selectors shown in place of the editor besides `/model` and `/fork`: the session
//! picker (`/resume`), the settings list (`/settings`), the thinking level (`/thinking`)
//! and the scoped models (`/scoped-models`); what they choose is applied and saved here.

use std::path::{Path, PathBuf};

use pi_ai::ThinkingLevel;
use pi_tui::{Terminal, shared};
use serde_json::Value;

use super::App;
use super::bridge::{Outcome, UiEvent};
use super::commands::Selection;
use crate::agent_session::NavigateOptions;
use crate::config::ConfigPaths;
use crate::config::trust::TrustStore;
use crate::interactive::chat::Activity;
use crate::interactive::scoped_models_selector::ScopedModelsSelector;
use crate::interactive::session_selector::{
    SessionSelector, SessionSelectorOptions, rename_session_file,
};
use crate::interactive::settings_selector::{SettingsConfig, SettingsSelector};
use crate::interactive::thinking_selector::ThinkingSelector;
use crate::interactive::tree_selector::{
    BranchSummaryPrompt, BranchSummaryRequest, TreeFilter, TreeSelector, TreeSelectorOptions,
};
use crate::interactive::trust_selector::{
    TrustSelection, TrustSelector, apply_trust_selection, trust_saved_status,
};
use crate::session::{list_all_sessions, list_sessions};
use pi_agent_core::QueueMode;

/// How a settings row is stored: its key (and nested key) and the JSON type of its value.
#[derive(Clone, Copy)]
enum Stored {
    Flag(&'static str, Option<&'static str>),
    Number(&'static str, Option<&'static str>),
    Text(&'static str, Option<&'static str>),
}

/// Where each row of `/settings` is saved, as pi saves it.
fn stored(id: &str) -> Option<Stored> {
    use Stored::*;
    Some(match id {
        "autocompact" => Flag("compaction", Some("enabled")),
        "show-images" => Flag("terminal", Some("showImages")),
        "image-width-cells" => Number("terminal", Some("imageWidthCells")),
        "auto-resize-images" => Flag("images", Some("autoResize")),
        "block-images" => Flag("images", Some("blockImages")),
        "skill-commands" => Flag("enableSkillCommands", None),
        "show-hardware-cursor" => Flag("showHardwareCursor", None),
        "editor-padding" => Number("editorPaddingX", None),
        "output-padding" => Number("outputPad", None),
        "autocomplete-max-visible" => Number("autocompleteMaxVisible", None),
        "clear-on-shrink" => Flag("terminal", Some("clearOnShrink")),
        "terminal-progress" => Flag("terminal", Some("showTerminalProgress")),
        "steering-mode" => Text("steeringMode", None),
        "follow-up-mode" => Text("followUpMode", None),
        "transport" => Text("transport", None),
        "http-idle-timeout" => Number("httpIdleTimeoutMs", None),
        "cache-warming-mode" => Text("cacheWarming", None),
        "hide-thinking" => Flag("hideThinkingBlock", None),
        "mermaid-rendering" => Text("markdown", Some("mermaid")),
        "cache-miss-notices" => Flag("showCacheMissNotices", None),
        "collapse-changelog" => Flag("collapseChangelog", None),
        "quiet-startup" => Flag("quietStartup", None),
        "install-telemetry" => Flag("enableInstallTelemetry", None),
        "default-project-trust" => Text("defaultProjectTrust", None),
        "double-escape-action" => Text("doubleEscapeAction", None),
        "tree-filter-mode" => Text("treeFilterMode", None),
        "anthropic-extra-usage" => Flag("warnings", Some("anthropicExtraUsage")),
        "tui-mode" => Text("tuiMode", None),
        "fullscreen-exit-output" => Text("fullscreenExitOutput", None),
        "fullscreen-scrollbar" => Text("fullscreenScrollbar", None),
        "fullscreen-copy-on-select" => Flag("fullscreenCopyOnSelect", None),
        "theme" => Text("theme", None),
        _ => return None,
    })
}

impl<T: Terminal> App<T> {
    /// `/resume` (and `--resume`): the session picker over this folder's sessions and all.
    pub(super) fn show_session_picker(&mut self) {
        let location = self.location.clone();
        let cwd = self.session.session().cwd().to_path_buf();
        let current_file = self.session.session().session_file().map(Path::to_path_buf);
        let all_location = location.clone();
        let load_current = Box::new(move || list_sessions(&location, &cwd, None));
        let load_all = Box::new(move || list_all_sessions(&all_location, None));
        let current = current_file.clone();
        let session = self.session.clone();
        let rename = Box::new(move |path: &Path, name: &str| {
            // The session in use is locked by this process: it is named through its manager.
            if current.as_deref() == Some(path) {
                session.set_session_name(name).map_err(|e| e.to_string())
            } else {
                rename_session_file(path, name).map_err(|e| e.to_string())
            }
        });
        let options = SessionSelectorOptions {
            current_session: current_file,
            rename: Some(rename),
            home: self.env.home().map(Path::to_path_buf),
            ..SessionSelectorOptions::default()
        };
        let mut selector = SessionSelector::new(
            load_current,
            load_all,
            options,
            self.style.theme.clone(),
            self.keys.clone(),
        );
        let selections = self.selections.clone();
        selector.on_select(move |path| {
            selections
                .borrow_mut()
                .push_back(Selection::Resume(path.to_path_buf()));
        });
        let selections = self.selections.clone();
        selector.on_cancel(move || selections.borrow_mut().push_back(Selection::Cancel));
        self.show_selector(shared(selector));
    }

    pub(super) fn resume(&mut self, path: PathBuf) {
        let runtime = self.runtime.clone();
        let ui = self.ui.clone();
        self.handle.spawn(async move {
            let outcome = match runtime.switch_session(&path).await {
                Ok(()) => Outcome::Resumed,
                Err(err) => Outcome::Status(Err(format!("Failed to resume session: {err}"))),
            };
            ui.send(UiEvent::Done(outcome));
        });
    }

    /// `/settings`.
    pub(super) fn show_settings(&mut self) {
        let config = self.settings_config();
        let mut selector =
            SettingsSelector::new(&config, self.style.theme.clone(), self.keys.clone());
        let selections = self.selections.clone();
        selector.on_change(move |id, value| {
            selections.borrow_mut().push_back(Selection::Setting {
                id: id.to_owned(),
                value: value.to_owned(),
            });
        });
        let selections = self.selections.clone();
        selector.on_model_thinking(move |provider, id, level| {
            selections.borrow_mut().push_back(Selection::ModelThinking {
                provider: provider.to_owned(),
                id: id.to_owned(),
                level,
            });
        });
        let selections = self.selections.clone();
        selector.on_theme_preview(move |name| {
            selections
                .borrow_mut()
                .push_back(Selection::ThemePreview(name.to_owned()));
        });
        let selections = self.selections.clone();
        selector.on_cancel(move || selections.borrow_mut().push_back(Selection::Cancel));
        self.show_selector(shared(selector));
    }

    fn settings_config(&self) -> SettingsConfig {
        let s = &self.settings;
        let env = &self.env;
        let number = |value: u64| u32::try_from(value).unwrap_or(u32::MAX);
        let mut themes: Vec<String> = self
            .themes
            .listing()
            .into_iter()
            .map(|listing| listing.name)
            .collect();
        themes.dedup();
        SettingsConfig {
            auto_compact: self.session.auto_compaction_enabled(),
            show_images: s.show_images(),
            image_width_cells: number(s.image_width_cells()),
            auto_resize_images: s.image_auto_resize(),
            block_images: s.block_images(),
            enable_skill_commands: s.enable_skill_commands(),
            steering_mode: self.session.steering_mode().as_str().to_owned(),
            follow_up_mode: self.session.follow_up_mode().as_str().to_owned(),
            transport: s.transport().as_str().to_owned(),
            http_idle_timeout_ms: s.http_idle_timeout_ms().unwrap_or(300_000),
            cache_warming_mode: s.cache_warming().as_str().to_owned(),
            hide_thinking_block: self.prefs.hide_thinking,
            mermaid_rendering_mode: s.mermaid_mode().as_str().to_owned(),
            show_cache_miss_notices: s.show_cache_miss_notices(),
            collapse_changelog: s.collapse_changelog(),
            quiet_startup: s.quiet_startup(),
            enable_install_telemetry: s.enable_install_telemetry(),
            default_project_trust: s.default_project_trust().as_str().to_owned(),
            double_escape_action: self.prefs.double_escape.as_str().to_owned(),
            tree_filter_mode: s.tree_filter_mode().as_str().to_owned(),
            warn_anthropic_extra_usage: s.warn_anthropic_extra_usage(),
            available_models: self.runtime.services().available_models(),
            current_model: self
                .session
                .model()
                .map(|m| format!("{}/{}", m.provider, m.id)),
            default_model: self
                .prefs
                .default_model
                .as_ref()
                .map(|(provider, id)| format!("{provider}/{id}")),
            model_thinking_levels: s.model_thinking_levels(),
            thinking_level: s.default_thinking_level().unwrap_or(ThinkingLevel::Medium),
            tui_mode: s.tui_mode().as_str().to_owned(),
            fullscreen_exit_output: s.fullscreen_exit_output().as_str().to_owned(),
            fullscreen_scrollbar: s.fullscreen_scrollbar().as_str().to_owned(),
            fullscreen_copy_on_select: s.fullscreen_copy_on_select(),
            show_hardware_cursor: s.show_hardware_cursor(env),
            editor_padding_x: number(s.editor_padding_x()),
            output_pad: u32::from(s.output_pad()),
            autocomplete_max_visible: number(s.autocomplete_max_visible()),
            clear_on_shrink: s.clear_on_shrink(env),
            show_terminal_progress: s.show_terminal_progress(),
            current_theme: s.theme_setting().unwrap_or("dark").to_owned(),
            available_themes: themes,
            terminal_dark: self.style.theme.name() != Some("light"),
            ..SettingsConfig::default()
        }
    }

    /// Saves a changed setting and applies what takes effect at once.
    pub(super) fn apply_setting(&mut self, id: &str, value: &str) {
        let Some(stored) = stored(id) else {
            return;
        };
        let (key, nested, json) = match stored {
            Stored::Flag(key, nested) => (key, nested, Value::Bool(value == "true")),
            Stored::Number(key, nested) => match value.parse::<u64>() {
                Ok(n) => (key, nested, Value::from(n)),
                Err(_) => return,
            },
            Stored::Text(key, nested) => (key, nested, Value::from(value)),
        };
        if let Err(err) = self
            .runtime
            .services()
            .save_setting(key, nested, json.clone())
        {
            self.show_error(&format!("Failed to save settings: {err}"));
        }
        match nested {
            Some(nested) => self.settings.set_nested(key, nested, Some(json)),
            None => self.settings.set(key, Some(json)),
        }
        let flag = value == "true";
        match id {
            "autocompact" => {
                self.session.set_auto_compaction(flag);
                self.refresh_footer();
            }
            "steering-mode" => {
                if let Some(mode) = QueueMode::parse(value) {
                    self.session.set_steering_mode(mode);
                }
            }
            "follow-up-mode" => {
                if let Some(mode) = QueueMode::parse(value) {
                    self.session.set_follow_up_mode(mode);
                }
            }
            "hide-thinking" => {
                self.prefs.hide_thinking = flag;
                for message in &self.assistants {
                    message.borrow_mut().set_hide_thinking(flag);
                }
            }
            "double-escape-action" => {
                self.prefs.double_escape = self.settings.double_escape_action()
            }
            "show-hardware-cursor" => self.tui.set_show_hardware_cursor(flag),
            "editor-padding" => {
                let padding = value.parse().unwrap_or(0);
                self.editor.borrow_mut().editor().set_padding_x(padding);
            }
            "autocomplete-max-visible" => {
                let rows = value.parse().unwrap_or(5);
                self.editor
                    .borrow_mut()
                    .editor()
                    .set_autocomplete_max_visible(rows);
            }
            "output-padding" => {
                let mut style = (*self.style).clone();
                style.output_pad = value.parse().unwrap_or(1);
                self.style = style.shared();
                self.rebuild_chat();
            }
            "skill-commands" => self.setup_autocomplete(),
            "theme" => self.use_theme_setting(value, true),
            "tui-mode" if value == "fullscreen" => self.show_warning(
                "Fullscreen mode is not available yet in this build; pi stays inline",
            ),
            _ => {}
        }
    }

    /// Saves (or clears, `None`) a model's own default thinking level; the model in use
    /// takes it at once, or the global default when cleared.
    pub(super) fn set_model_thinking(
        &mut self,
        provider: &str,
        id: &str,
        level: Option<ThinkingLevel>,
    ) {
        match level {
            Some(level) => self.settings.set_model_thinking_level(provider, id, level),
            None => self.settings.remove_model_thinking_level(provider, id),
        }
        let levels = self
            .settings
            .global()
            .get("modelThinkingLevels")
            .cloned()
            .unwrap_or(Value::Null);
        if let Err(err) = self
            .runtime
            .services()
            .save_setting("modelThinkingLevels", None, levels)
        {
            self.show_error(&format!("Failed to save settings: {err}"));
        }
        let current = self
            .session
            .model()
            .is_some_and(|m| m.provider == provider && m.id == id);
        if current {
            let level = level
                .or_else(|| self.settings.default_thinking_level())
                .unwrap_or(ThinkingLevel::Medium);
            if let Err(err) = self.session.set_thinking_level(level) {
                self.show_error(&err.to_string());
            }
            self.refresh_footer();
            self.update_editor_border();
        }
    }

    /// Switches to the theme a setting names (`dark`, `light`, `light/dark`); failures say
    /// so as pi does and fall back to dark.
    pub(super) fn use_theme_setting(&mut self, setting: &str, report: bool) {
        let background =
            crate::interactive::theme::detect_terminal_background(self.env.var("COLORFGBG"));
        let name =
            crate::interactive::theme::resolve_theme_setting(Some(setting), background.appearance)
                .unwrap_or_else(|| setting.to_owned());
        let mode = self.style.theme.color_mode();
        let (theme, error) = self.themes.theme_or_dark(&name, mode);
        if let (Some(error), true) = (error, report) {
            self.show_error(&format!(
                "Failed to load theme \"{name}\": {error}\nFell back to dark theme."
            ));
        }
        self.theme_watcher = self.themes.watcher(&name);
        self.apply_theme(theme);
    }

    /// `/thinking` without a level.
    pub(super) fn show_thinking_selector(&mut self) {
        let mut selector = ThinkingSelector::new(
            self.session.thinking_level(),
            self.session.available_thinking_levels(),
            self.settings.default_thinking_level(),
            self.style.theme.clone(),
            self.keys.clone(),
        );
        let selections = self.selections.clone();
        selector.on_select(move |level| {
            selections.borrow_mut().push_back(Selection::Thinking {
                level,
                persist: false,
            });
        });
        let selections = self.selections.clone();
        selector.on_select_as_default(move |level| {
            selections.borrow_mut().push_back(Selection::Thinking {
                level,
                persist: true,
            });
        });
        let selections = self.selections.clone();
        selector.on_cancel(move || selections.borrow_mut().push_back(Selection::Cancel));
        self.show_selector(shared(selector));
    }

    pub(super) fn select_thinking(&mut self, level: ThinkingLevel, persist: bool) {
        if let Err(err) = self.session.set_thinking_level(level) {
            self.show_error(&err.to_string());
            return;
        }
        if persist {
            let saved = self.runtime.services().save_setting(
                "defaultThinkingLevel",
                None,
                Value::from(level.as_str()),
            );
            if let Err(err) = saved {
                self.show_error(&format!("Failed to save settings: {err}"));
            }
            self.settings.set_default_thinking_level(level);
        }
        self.refresh_footer();
        self.update_editor_border();
        let what = if persist {
            "Default thinking level"
        } else {
            "Thinking level"
        };
        self.show_status(&format!("{what}: {}", level.as_str()));
    }

    /// `/scoped-models`: which models Ctrl+P cycles through.
    pub(super) fn show_scoped_models(&mut self) {
        let services = self.runtime.services().clone();
        let enabled = {
            let scoped = services.scoped_models();
            (!scoped.is_empty()).then(|| {
                scoped
                    .iter()
                    .map(|s| format!("{}/{}", s.model.provider, s.model.id))
                    .collect()
            })
        };
        let mut selector = ScopedModelsSelector::new(
            services.available_models(),
            enabled,
            self.style.theme.clone(),
            self.keys.clone(),
        );
        let selections = self.selections.clone();
        selector.on_change(move |patterns| {
            selections.borrow_mut().push_back(Selection::Scope {
                patterns: patterns.map(<[String]>::to_vec),
                persist: false,
            });
        });
        let selections = self.selections.clone();
        selector.on_persist(move |patterns| {
            selections.borrow_mut().push_back(Selection::Scope {
                patterns: patterns.map(<[String]>::to_vec),
                persist: true,
            });
        });
        let selections = self.selections.clone();
        selector.on_cancel(move || selections.borrow_mut().push_back(Selection::Cancel));
        self.show_selector(shared(selector));
    }

    /// Applies the scoped models chosen (for this run), and saves them (`persist`): every
    /// available model enabled means no scope.
    pub(super) fn set_scope(&mut self, patterns: Option<Vec<String>>, persist: bool) {
        let services = self.runtime.services().clone();
        let available: Vec<String> = services
            .available_models()
            .iter()
            .map(|m| format!("{}/{}", m.provider, m.id))
            .collect();
        let all_enabled = patterns
            .as_ref()
            .is_some_and(|p| available.iter().all(|id| p.contains(id)));
        let scope = patterns
            .as_deref()
            .filter(|p| !all_enabled && p.iter().any(|id| available.contains(id)));
        services.set_model_scope(scope);
        if persist {
            let saved = match patterns.filter(|_| !all_enabled) {
                Some(patterns) => {
                    services.save_setting("enabledModels", None, Value::from(patterns))
                }
                None => services.save_setting("enabledModels", None, Value::Null),
            };
            match saved {
                Ok(()) => self.show_status("Model selection saved to settings"),
                Err(err) => self.show_error(&format!("Failed to save settings: {err}")),
            }
        }
    }

    /// `/tree` (and the double-Escape action): pick a point of the session to go back to.
    pub(super) fn show_tree(&mut self) {
        self.show_tree_at(None);
    }

    fn show_tree_at(&mut self, selected: Option<String>) {
        let (tree, leaf) = {
            let session = self.session.session();
            (session.tree(), session.leaf_id().map(str::to_owned))
        };
        let tree = match tree {
            Ok(tree) if !tree.roots.is_empty() => tree,
            Ok(_) => {
                self.show_status("No entries in session");
                return;
            }
            Err(err) => {
                self.show_error(&err.to_string());
                return;
            }
        };
        let options = TreeSelectorOptions {
            leaf_id: leaf,
            initial_selected_id: selected,
            filter: TreeFilter::from_setting(self.settings.tree_filter_mode().as_str()),
            terminal_rows: usize::from(self.tui.terminal().size().rows),
            home: self
                .env
                .home()
                .map(|home| home.to_string_lossy().into_owned()),
        };
        let mut selector =
            TreeSelector::new(tree, options, self.style.theme.clone(), self.keys.clone());
        let selections = self.selections.clone();
        selector.on_select(move |id| {
            selections
                .borrow_mut()
                .push_back(Selection::TreeEntry(id.to_owned()));
        });
        let selections = self.selections.clone();
        selector.on_cancel(move || selections.borrow_mut().push_back(Selection::Cancel));
        let selections = self.selections.clone();
        selector.on_label_change(move |id, label| {
            selections.borrow_mut().push_back(Selection::Label {
                id: id.to_owned(),
                label: label.map(str::to_owned),
            });
        });
        let selections = self.selections.clone();
        selector.on_copy(move |text| {
            selections
                .borrow_mut()
                .push_back(Selection::Copy(text.map(str::to_owned)));
        });
        self.show_selector(shared(selector));
    }

    /// An entry was chosen in the tree: ask about a summary (unless the settings say not
    /// to), then go there.
    pub(super) fn tree_entry_chosen(&mut self, id: String) {
        if self.session.session().leaf_id() == Some(id.as_str()) {
            self.show_status("Already at this point");
            return;
        }
        if self.settings.branch_summary().skip_prompt {
            self.navigate(id, BranchSummaryRequest::default());
            return;
        }
        let mut prompt = BranchSummaryPrompt::new(self.style.theme.clone(), self.keys.clone());
        let selections = self.selections.clone();
        let target = id.clone();
        prompt.on_choose(move |request| {
            selections.borrow_mut().push_back(Selection::Navigate {
                id: target.clone(),
                request,
            });
        });
        let selections = self.selections.clone();
        prompt.on_cancel(move || {
            selections
                .borrow_mut()
                .push_back(Selection::BackToTree(id.clone()))
        });
        self.show_selector(shared(prompt));
    }

    pub(super) fn back_to_tree(&mut self, id: String) {
        self.show_tree_at(Some(id));
    }

    /// Goes to an entry of the tree, summarizing the branch left when asked.
    pub(super) fn navigate(&mut self, id: String, request: BranchSummaryRequest) {
        if self.session.is_streaming() {
            // The run is stopped below, once the navigation task starts.
            self.restore_queue(false);
        }
        if request.summarize {
            self.set_working(Some(Activity::BranchSummary));
        }
        let session = self.session.clone();
        let ui = self.ui.clone();
        self.handle.spawn(async move {
            if session.is_streaming() {
                session.abort().await;
            }
            let options = NavigateOptions {
                summarize: request.summarize,
                custom_instructions: request.custom_instructions,
                ..NavigateOptions::default()
            };
            let outcome = match session.navigate_tree(&id, options).await {
                Ok(result) if result.aborted => Outcome::TreeAborted(id),
                Ok(result) if result.cancelled => {
                    Outcome::Status(Ok("Navigation cancelled".to_owned()))
                }
                Ok(result) => Outcome::Navigated(result.editor_text),
                Err(err) => Outcome::Status(Err(err.to_string())),
            };
            ui.send(UiEvent::Done(outcome));
        });
    }

    pub(super) fn set_label(&mut self, id: &str, label: Option<&str>) {
        let result = self.session.session().append_label_change(id, label);
        if let Err(err) = result {
            self.show_error(&err.to_string());
        }
    }

    pub(super) fn copy_text(&mut self, text: Option<String>) {
        let Some(text) = text else {
            self.show_error("Selected entry has no text to copy");
            return;
        };
        match super::clipboard::copy(&text, &self.env) {
            Ok(copied) => {
                if let super::clipboard::Copied::Osc52(sequence) = copied {
                    let _ = self.tui.terminal_mut().write(&sequence);
                }
                self.show_status("Copied selected message to clipboard");
            }
            Err(err) => self.show_error(&err),
        }
    }

    /// `/trust`: save whether this project is trusted from now on.
    pub(super) fn show_trust_selector(&mut self) {
        let cwd = self.session.session().cwd().to_path_buf();
        let store = TrustStore::new(&ConfigPaths::new(&self.agent_dir));
        let saved = store.entry(&cwd).ok().flatten();
        let trusted = self.settings.is_project_trusted();
        let mut selector = TrustSelector::new(
            &cwd,
            saved,
            trusted,
            self.style.theme.clone(),
            self.keys.clone(),
        );
        let selections = self.selections.clone();
        selector.on_select(move |selection| {
            selections
                .borrow_mut()
                .push_back(Selection::Trust(selection));
        });
        let selections = self.selections.clone();
        selector.on_cancel(move || selections.borrow_mut().push_back(Selection::Cancel));
        self.show_selector(shared(selector));
    }

    pub(super) fn save_trust(&mut self, selection: &TrustSelection) {
        let store = TrustStore::new(&ConfigPaths::new(&self.agent_dir));
        match apply_trust_selection(&store, selection) {
            Ok(()) => self.show_status(&trust_saved_status(selection.trusted)),
            Err(err) => self.show_error(&err.to_string()),
        }
    }

    /// `/import <path.jsonl>`: asks, then continues the session stored in that file.
    pub(super) fn import_command(&mut self, argument: &str) {
        let path = argument.trim().trim_matches(|c| c == '"' || c == '\'');
        if path.is_empty() {
            self.show_error("Usage: /import <path.jsonl>");
            return;
        }
        let question = super::confirm::Confirm::new(
            format!("Import session\nReplace current session with {path}?"),
            Selection::Import(PathBuf::from(path)),
            self.style.theme.clone(),
            self.keys.clone(),
            self.selections.clone(),
        );
        self.show_selector(shared(question));
    }

    pub(super) fn import(&mut self, path: PathBuf) {
        let runtime = self.runtime.clone();
        let ui = self.ui.clone();
        self.handle.spawn(async move {
            let outcome = match runtime.import_from_jsonl(&path).await {
                Ok(_) => Outcome::Imported(path.display().to_string()),
                Err(err) => Outcome::Status(Err(format!("Failed to import session: {err}"))),
            };
            ui.send(UiEvent::Done(outcome));
        });
    }
}

//! Interactive mode: the chat screen. The conversation is drawn inline on the normal screen
//! (it stays in the terminal's scrollback) above the editor and the footer; the agent works
//! on the tokio runtime while this thread owns the terminal.
//!
//! One loop runs the screen: it waits for terminal input or for a wake-up from the session
//! (every event the session reports is sent here over a channel and wakes the wait), applies
//! what arrived, advances the spinners, and draws a frame if anything changed. Typing never
//! waits on the agent: prompts, model switches, compaction and shell commands run as tasks
//! and report back over the same channel.

mod bridge;
mod chat_view;
mod clipboard;
mod commands;
mod confirm;
mod editor;
mod events;
mod footer_view;
mod fork_selector;
mod header;
mod input;
mod selectors;
mod startup_picker;

pub use startup_picker::pick_session;

use std::cell::RefCell;
use std::collections::{HashMap, VecDeque};
use std::path::PathBuf;
use std::rc::Rc;
use std::sync::Arc;
use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant};

use pi_ai::ImageContent;
use pi_tui::components::{Editor, EditorTheme, SelectListTheme};
use pi_tui::{ComponentRef, Container, Terminal, TerminalEvent, Tui, shared};
use tokio::runtime::Handle;

use crate::agent_session::{AgentSession, SessionRuntime};
use crate::config::{Env, Settings};
use crate::interactive::chat::{
    AssistantMessage, BashExecution, ChatStyle, Expandable, Notice, ToolExecution,
};
use crate::interactive::keybindings::{AppKeybindings, KeyPlatform};
use crate::interactive::theme::{Theme, ThemeCatalog, ThemeColor, ThemeWatcher};
use crate::session::SessionLocation;
use bridge::{UiEvent, UiSender};
use editor::{ChatEditor, EditorRequest, Requests};
use footer_view::FooterView;
use header::Header;

/// How long the loop waits for input when nothing animates (the git branch and the theme
/// file are checked this often).
const IDLE_WAIT: Duration = Duration::from_millis(500);
/// The spinners' frame interval.
const FRAME: Duration = Duration::from_millis(80);
/// The shortest interval between frames drawn for the agent's output.
const STREAM_FRAME: Duration = Duration::from_millis(16);
/// Two presses of Escape or Ctrl+C within this count as a double press.
const DOUBLE_PRESS: Duration = Duration::from_millis(500);

/// Reads the chat screen's configuration again (`/reload`).
pub type ReloadSetup = Box<
    dyn Fn() -> Option<(
        Settings,
        ThemeCatalog,
        crate::interactive::loaded_resources::LoadedResources,
    )>,
>;

/// What interactive mode starts with besides the session.
pub struct InteractiveOptions {
    /// The first prompt (stdin, `@file` text and the first message), with its images.
    pub initial: Option<(String, Vec<ImageContent>)>,
    /// Further messages from the command line, each its own prompt.
    pub messages: Vec<String>,
    /// Startup warnings, shown in the chat.
    pub notices: Vec<String>,
    /// The agent directory (`keybindings.json`, themes).
    pub agent_dir: PathBuf,
    /// Where sessions are listed from (`/resume`).
    pub location: SessionLocation,
    /// The settings of the session's directory.
    pub settings: Settings,
    /// The themes available.
    pub themes: ThemeCatalog,
    /// What was loaded (context files, skills, templates, themes) and its problems, listed
    /// under the header.
    pub resources: crate::interactive::loaded_resources::LoadedResources,
    /// `--use-theme`: the theme for this run.
    pub theme: Option<String>,
    /// `--verbose`: the full header even with `quietStartup`.
    pub verbose: bool,
    /// After `/reload`: the settings, themes and loaded resources read again.
    pub reload_setup: ReloadSetup,
    /// The process environment.
    pub env: Env,
}

impl std::fmt::Debug for InteractiveOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InteractiveOptions")
            .field("agent_dir", &self.agent_dir)
            .field("theme", &self.theme)
            .field("verbose", &self.verbose)
            .finish_non_exhaustive()
    }
}

/// Runs the chat screen on this thread until the user quits; returns the exit code.
#[cfg(unix)]
pub fn run_interactive_mode(
    handle: Handle,
    runtime: Arc<SessionRuntime>,
    options: InteractiveOptions,
) -> i32 {
    let mut terminal = pi_tui::ProcessTerminal::new();
    let waker = match terminal.waker() {
        Ok(waker) => waker,
        Err(err) => {
            crate::app::eprintln_plain(&format!("Error: {err}"));
            return 1;
        }
    };
    let wake: Arc<dyn Fn() + Send + Sync> = Arc::new(move || waker.wake());
    let mut app = App::new(terminal, wake, handle, runtime, options);
    let code = app.run();
    app.finish();
    code
}

/// The settings the screen reads as it runs.
struct Prefs {
    hide_thinking: bool,
    double_escape: crate::config::settings::DoubleEscapeAction,
    quiet_startup: bool,
    external_editor: String,
    cache_warming: crate::config::settings::CacheWarming,
    /// The saved default model (`defaultProvider`, `defaultModel`).
    default_model: Option<(String, String)>,
}

/// The chat screen. Generic over the terminal so tests drive it on a virtual one.
pub(crate) struct App<T: Terminal> {
    tui: Tui<T>,
    handle: Handle,
    runtime: Arc<SessionRuntime>,
    session: AgentSession,
    ui: UiSender,
    events: Receiver<UiEvent>,
    env: Env,
    agent_dir: PathBuf,
    location: SessionLocation,
    settings: Settings,
    themes: ThemeCatalog,
    theme_watcher: Option<ThemeWatcher>,
    style: Rc<ChatStyle>,
    keys: Rc<AppKeybindings>,
    prefs: Prefs,
    header: Rc<RefCell<Container>>,
    header_text: Option<Rc<RefCell<Header>>>,
    resources: crate::interactive::loaded_resources::LoadedResources,
    resources_view: Option<Rc<RefCell<crate::interactive::loaded_resources::LoadedResourcesView>>>,
    reload_setup: ReloadSetup,
    /// `--use-theme`, which wins over the settings for this run.
    theme_override: Option<String>,
    chat: Rc<RefCell<Container>>,
    pending: Rc<RefCell<Container>>,
    editor_slot: Rc<RefCell<Container>>,
    editor: Rc<RefCell<ChatEditor>>,
    requests: Requests,
    footer: Rc<RefCell<FooterView>>,
    /// The assistant message being streamed.
    streaming: Option<Rc<RefCell<AssistantMessage>>>,
    /// Tool calls shown but not finished, by call id.
    pending_tools: HashMap<String, Rc<RefCell<ToolExecution>>>,

    /// Every assistant message drawn (thinking shows or hides together).
    assistants: Vec<Rc<RefCell<AssistantMessage>>>,
    /// Entries that fold with the tools-expand key: tool calls, `!commands`, summaries.
    expandables: Vec<Rc<RefCell<dyn Expandable>>>,
    /// The running `!command`, and those shown above the editor until the agent settles.
    bash: Option<Rc<RefCell<BashExecution>>>,
    deferred_bash: Vec<Rc<RefCell<BashExecution>>>,
    /// The last status line, updated in place by the next status.
    last_status: Option<Rc<RefCell<Notice>>>,
    retry_deadline: Option<(u32, u32, Instant)>,
    tools_expanded: bool,
    bash_mode: bool,
    /// A prompt was started and has not finished.
    prompt_running: bool,
    /// Inputs typed before the first prompt finished starting.
    last_escape: Option<Instant>,
    last_interrupt: Option<Instant>,
    /// A selector replaces the editor.
    selector: Option<ComponentRef>,
    /// Requests from selectors.
    selections: Rc<RefCell<VecDeque<commands::Selection>>>,
    quit: Option<i32>,
    last_title: String,
    /// When the last frame was drawn.
    last_frame: Instant,
    /// When the git branch and the theme file were last looked at.
    files_checked: Instant,
    /// Answers that ended (the footer's usage count knows which it includes).
    answers_seen: u64,
}

impl<T: Terminal> App<T> {
    pub(crate) fn new(
        terminal: T,
        wake: Arc<dyn Fn() + Send + Sync>,
        handle: Handle,
        runtime: Arc<SessionRuntime>,
        options: InteractiveOptions,
    ) -> Self {
        let session = runtime.session();
        let (ui, events) = UiSender::new(wake);
        {
            let ui = ui.clone();
            runtime.subscribe(move |event| ui.forward(event));
        }
        let settings = &options.settings;
        let mode = crate::interactive::theme::ColorMode::detect(
            |name| options.env.var(name).map(str::to_owned),
            settings.terminal_overrides().true_color,
        );
        let keys = Rc::new(AppKeybindings::load(
            &options.agent_dir,
            KeyPlatform::detect(|name| options.env.var(name).map(str::to_owned)),
        ));
        let theme_name = options
            .theme
            .clone()
            .unwrap_or_else(|| initial_theme_name(settings, &options.env));
        // As pi, a theme that cannot be used falls back to dark silently at startup.
        let (theme, _) = options.themes.theme_or_dark(&theme_name, mode);
        let theme_watcher = options.themes.watcher(&theme_name);
        let cwd = session.session().cwd().to_path_buf();
        let home = options.env.home().map(std::path::Path::to_path_buf);
        let mut chat_style = ChatStyle::new(theme.clone(), &keys, cwd.clone(), home.clone());
        chat_style.output_pad = usize::from(settings.output_pad());
        let style = chat_style.shared();

        let requests: Requests = Rc::default();
        let mut raw_editor = Editor::new(editor_theme(&theme, session.thinking_level()))
            .with_keybindings(Rc::new(keys.tui().clone()));
        raw_editor.set_padding_x(usize::try_from(settings.editor_padding_x()).unwrap_or(0));
        raw_editor.set_autocomplete_max_visible(
            usize::try_from(settings.autocomplete_max_visible()).unwrap_or(5),
        );
        let editor = shared(ChatEditor::new(raw_editor, keys.clone(), requests.clone()));
        let experimental = options.env.var("PI_EXPERIMENTAL").is_some_and(|v| v == "1");
        let footer = shared(FooterView::new(theme.clone(), cwd, home, experimental));

        let mut tui = Tui::new(terminal);
        let header = shared(Container::new());
        let chat = shared(Container::new());
        let pending = shared(Container::new());
        let editor_slot = shared(Container::new());
        editor_slot.borrow_mut().add_child(editor.clone());
        tui.add_child(header.clone());
        tui.add_child(chat.clone());
        tui.add_child(pending.clone());
        // pi's (empty) widget area above the editor keeps one blank row.
        tui.add_child(shared(pi_tui::components::Spacer::new(1)));
        tui.add_child(editor_slot.clone());
        tui.add_child(footer.clone());
        tui.set_focus(Some(editor.clone()));

        let prefs = Prefs {
            hide_thinking: settings.hide_thinking_block(),
            double_escape: settings.double_escape_action(),
            quiet_startup: settings.quiet_startup() && !options.verbose,
            external_editor: settings.external_editor(&options.env),
            cache_warming: settings.cache_warming(),
            default_model: settings
                .default_provider()
                .zip(settings.default_model())
                .map(|(provider, id)| (provider.to_owned(), id.to_owned())),
        };
        let mut app = App {
            tui,
            handle,
            runtime,
            session,
            ui,
            events,
            env: options.env,
            agent_dir: options.agent_dir,
            location: options.location,
            settings: options.settings,
            themes: options.themes,
            theme_watcher,
            style,
            keys,
            prefs,
            header,
            header_text: None,
            resources: options.resources,
            resources_view: None,
            reload_setup: options.reload_setup,
            theme_override: options.theme.clone(),
            chat,
            pending,
            editor_slot,
            editor,
            requests,
            footer,
            streaming: None,
            pending_tools: HashMap::new(),
            assistants: Vec::new(),
            expandables: Vec::new(),
            bash: None,
            deferred_bash: Vec::new(),
            last_status: None,
            retry_deadline: None,
            tools_expanded: false,
            bash_mode: false,
            prompt_running: false,
            last_escape: None,
            last_interrupt: None,
            selector: None,
            selections: Rc::default(),
            quit: None,
            last_title: String::new(),
            last_frame: Instant::now(),
            files_checked: Instant::now(),
            answers_seen: 0,
        };
        app.setup_autocomplete();
        app.render_session();
        for notice in &options.notices {
            app.show_notice(notice);
        }
        // Asking tmux runs it twice: off the way of the first frame, as pi does.
        if app.env.var("TMUX").is_some() {
            let ui = app.ui.clone();
            let env = app.env.clone();
            app.handle.spawn_blocking(move || {
                if let Some(warning) = tmux_keyboard_warning(&env) {
                    ui.send(UiEvent::Done(bridge::Outcome::Warning(warning)));
                }
            });
        }
        app.start_prompts(options.initial, options.messages);
        app
    }

    /// Waits for input and events until the user quits; returns the exit code.
    pub(crate) fn run(&mut self) -> i32 {
        self.print_model_scope();
        if let Err(err) = self.start_terminal() {
            crate::app::eprintln_plain(&format!("Error: {err}"));
            return 1;
        }
        loop {
            let wait = self.next_wait(Instant::now());
            let typed = match self.tui.poll(wait) {
                Ok(Some(TerminalEvent::Terminate)) => return 0,
                Ok(Some(TerminalEvent::Resize)) => {
                    self.on_resize();
                    true
                }
                Ok(Some(TerminalEvent::Input(_))) => true,
                Ok(None) => false,
                Err(err) => {
                    crate::app::eprintln_plain(&format!("Error: {err}"));
                    return 1;
                }
            };
            self.step(Instant::now(), typed);
            if let Some(code) = self.quit {
                return code;
            }
        }
    }

    /// pi's line above the screen naming the scoped models (unless startup is quiet).
    fn print_model_scope(&self) {
        let scoped = self.runtime.services().scoped_models();
        if scoped.is_empty() || self.prefs.quiet_startup {
            return;
        }
        let list = scoped
            .iter()
            .map(|s| match s.thinking_level {
                Some(level) => format!("{}:{}", s.model.id, level.as_str()),
                None => s.model.id.clone(),
            })
            .collect::<Vec<_>>()
            .join(", ");
        let theme = &self.style.theme;
        let keys = self
            .keys
            .keys(crate::interactive::keybindings::Action::ModelCycleForward);
        let hint = if keys.is_empty() {
            String::new()
        } else {
            let key = crate::interactive::chat::capitalize_keys(
                &crate::interactive::chat::format_keys(keys, self.keys.platform()),
            );
            theme.fg(ThemeColor::Muted, &format!(" ({key} to cycle)"))
        };
        let line = theme.fg(ThemeColor::Dim, &format!("Model scope: {list}{hint}"));
        let _ = crate::app::print_stdout(&format!("{line}\n"));
    }

    fn start_terminal(&mut self) -> Result<(), pi_tui::TerminalError> {
        self.tui.start()?;
        self.on_resize();
        self.update_title();
        self.tui.render()?;
        self.last_frame = Instant::now();
        self.commit_history();
        Ok(())
    }

    /// Applies what arrived (editor requests, selections, session events), advances the
    /// clocks and draws a frame if anything changed. What the user typed is drawn at once;
    /// what the agent streams at most once per [`STREAM_FRAME`], several deltas a frame.
    pub(crate) fn step(&mut self, now: Instant, typed: bool) {
        loop {
            let mut busy = self.drain_requests();
            while let Ok(event) = self.events.try_recv() {
                self.on_event(event);
                busy = true;
            }
            if !busy {
                break;
            }
        }
        if self.tick(now) {
            self.tui.request_render();
        }
        if !self.tui.is_started() || (!typed && now < self.last_frame + STREAM_FRAME) {
            return;
        }
        // A terminal that cannot be written to has nobody to show anything to.
        if let Ok(true) = self.tui.render_if_requested() {
            self.last_frame = now;
            self.commit_history();
        }
    }

    /// Stops the screen and says how to resume the session.
    pub(crate) fn finish(&mut self) {
        let _ = self.tui.stop();
        let session = self.runtime.session();
        self.handle.block_on(async {
            let _ = tokio::time::timeout(Duration::from_secs(3), session.shut_down()).await;
        });
        self.runtime.services().kill_running_commands();
        let manager = session.session();
        let saved = manager.is_persisted() && manager.session_file().is_some_and(|f| f.exists());
        if saved {
            let mut command = String::from("pi");
            if let Some(dir) = &self.location.session_dir {
                command.push_str(&format!(
                    " --session-dir {}",
                    quote_if_needed(&dir.to_string_lossy())
                ));
            }
            command.push_str(&format!(" --session {}", manager.session_id()));
            drop(manager);
            let _ = crate::app::print_stdout(&format!(
                "\x1b[2mTo resume this session:\x1b[22m {command}\n"
            ));
        }
    }

    fn drain_requests(&mut self) -> bool {
        let mut any = false;
        loop {
            let request = self.requests.borrow_mut().pop_front();
            let selection = if request.is_none() {
                self.selections.borrow_mut().pop_front()
            } else {
                None
            };
            match (request, selection) {
                (Some(request), _) => self.on_editor_request(request),
                (None, Some(selection)) => self.on_selection(selection),
                (None, None) => return any,
            }
            any = true;
            self.tui.request_render();
        }
    }

    fn on_editor_request(&mut self, request: EditorRequest) {
        match request {
            EditorRequest::Submit(text) => self.on_submit(text),
            EditorRequest::Action(action) => self.on_action(action),
            EditorRequest::Changed(text) => {
                let bash = text.trim_start().starts_with('!');
                if bash != self.bash_mode {
                    self.bash_mode = bash;
                    self.update_editor_border();
                }
            }
        }
    }

    /// How long to wait for input: until a deferred frame is due, a spinner frame while
    /// something animates, else a while.
    fn next_wait(&self, now: Instant) -> Duration {
        if self.tui.render_requested() {
            return (self.last_frame + STREAM_FRAME).saturating_duration_since(now);
        }
        let animating = self.editor.borrow().working.is_some()
            || self.bash.is_some()
            || !self.pending_tools.is_empty()
            || self.retry_deadline.is_some();
        if animating { FRAME } else { IDLE_WAIT }
    }

    /// Advances spinners and clocks; whether anything visible changed.
    fn tick(&mut self, now: Instant) -> bool {
        let mut changed = false;
        if let Some(loader) = self.editor.borrow_mut().working.as_mut() {
            changed |= loader.tick(now);
        }
        if let Some(bash) = &self.bash {
            changed |= bash.borrow_mut().tick(now);
        }
        for tool in self.pending_tools.values() {
            changed |= tool.borrow_mut().tick(now);
        }
        if let Some((attempt, max_attempts, deadline)) = self.retry_deadline {
            let seconds = deadline.saturating_duration_since(now).as_secs_f64().ceil() as u64;
            if let Some(loader) = self.editor.borrow_mut().working.as_mut() {
                let activity = crate::interactive::chat::Activity::Retry {
                    attempt,
                    max_attempts,
                    seconds,
                };
                if *loader.activity() != activity {
                    loader.set_activity(activity);
                    changed = true;
                }
            }
        }
        if now >= self.files_checked + IDLE_WAIT {
            self.files_checked = now;
            changed |= self.check_files();
        }
        changed
    }

    /// Follows the files the screen shows: the git branch and the active theme file. A
    /// stat or two each, so at most every [`IDLE_WAIT`], never per streamed token.
    fn check_files(&mut self) -> bool {
        let mut changed = self.footer.borrow_mut().refresh_git();
        if let Some(watcher) = self.theme_watcher.as_mut()
            && let Some(result) = watcher.poll()
        {
            match result {
                Ok(file) => {
                    let mode = self.style.theme.color_mode();
                    let theme = file.to_theme(mode, Some(watcher.path().to_path_buf()));
                    self.apply_theme(theme);
                    changed = true;
                }
                Err(err) => self.show_error(&err.to_string()),
            }
        }
        changed
    }

    fn on_resize(&mut self) {
        let rows = usize::from(self.tui.terminal().size().rows);
        self.editor.borrow_mut().editor().set_terminal_rows(rows);
        self.tui.request_render();
    }

    /// pi's window title: `π - <session name> - <folder>`.
    pub(super) fn update_title(&mut self) {
        let session = self.session.session();
        let folder = session
            .cwd()
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_default();
        let title = match session.session_name() {
            Some(name) => format!("π - {name} - {folder}"),
            None => format!("π - {folder}"),
        };
        drop(session);
        if title != self.last_title && self.tui.is_started() {
            let _ = self.tui.terminal_mut().set_title(&title);
            self.last_title = title;
        }
    }

    /// The header and, below it, what was loaded (with `quietStartup`, only the loading
    /// problems).
    fn build_header(&mut self) {
        let mut header = self.header.borrow_mut();
        header.clear();
        self.header_text = None;
        if !self.prefs.quiet_startup {
            let text = shared(Header::new(&self.style, &self.keys, self.tools_expanded));
            header.add_child(shared(pi_tui::components::Spacer::new(1)));
            header.add_child(text.clone());
            header.add_child(shared(pi_tui::components::Spacer::new(1)));
            self.header_text = Some(text);
        }
        let listed = if self.prefs.quiet_startup {
            crate::interactive::loaded_resources::LoadedResources {
                diagnostics: self.resources.diagnostics.clone(),
                ..crate::interactive::loaded_resources::LoadedResources::new(
                    &self.resources.cwd,
                    &self.resources.home,
                )
            }
        } else {
            self.resources.clone()
        };
        let view = crate::interactive::loaded_resources::LoadedResourcesView::new(
            &listed,
            &self.style.theme,
            self.tools_expanded,
        );
        if view.is_empty() {
            self.resources_view = None;
        } else {
            let view = shared(view);
            header.add_child(view.clone());
            self.resources_view = Some(view);
        }
    }

    /// Colours the editor's border by thinking level, or for a shell command.
    fn update_editor_border(&mut self) {
        let theme = &self.style.theme;
        let color = if self.bash_mode {
            ThemeColor::BashMode
        } else {
            Theme::thinking_border_color(self.session.thinking_level())
        };
        self.editor
            .borrow_mut()
            .editor()
            .set_border_style(theme.fg_style(color));
        self.tui.request_render();
    }

    fn apply_theme(&mut self, theme: Theme) {
        let mut style = (*self.style).clone();
        style.set_theme(theme.clone());
        self.style = style.shared();
        self.footer.borrow_mut().set_theme(theme);
        self.update_editor_border();
        self.rebuild_chat();
    }

    /// Runs the command line's prompts one after another.
    fn start_prompts(
        &mut self,
        initial: Option<(String, Vec<ImageContent>)>,
        messages: Vec<String>,
    ) {
        let prompts: Vec<(String, Vec<ImageContent>)> = initial
            .into_iter()
            .chain(messages.into_iter().map(|text| (text, Vec::new())))
            .collect();
        if prompts.is_empty() {
            return;
        }
        self.prompt_running = true;
        let session = self.session.clone();
        let ui = self.ui.clone();
        self.handle.spawn(async move {
            let mut error = None;
            for (text, images) in prompts {
                if let Err(err) = session.prompt(&text, images).await {
                    error = Some(err.to_string());
                    break;
                }
            }
            ui.send(UiEvent::Done(bridge::Outcome::Prompt(error)));
        });
    }
}

fn editor_theme(theme: &Theme, level: pi_ai::ThinkingLevel) -> EditorTheme {
    EditorTheme {
        border: theme.fg_style(Theme::thinking_border_color(level)),
        select_list: SelectListTheme {
            selected_text: theme.fg_style(ThemeColor::Accent),
            description: theme.fg_style(ThemeColor::Muted),
            scroll_info: theme.fg_style(ThemeColor::Muted),
            no_match: theme.fg_style(ThemeColor::Muted),
        },
    }
}

/// The theme the settings ask for (`dark`, `light`, or `light/dark` by the terminal's
/// background), `dark` when none.
fn initial_theme_name(settings: &Settings, env: &Env) -> String {
    let background = crate::interactive::theme::detect_terminal_background(env.var("COLORFGBG"));
    crate::interactive::theme::resolve_theme_setting(settings.theme(), background.appearance)
        .unwrap_or_else(|| background.appearance.theme_name().to_owned())
}

/// pi's warning when tmux would swallow modified Enter keys (nothing when tmux cannot be
/// asked).
fn tmux_keyboard_warning(env: &Env) -> Option<String> {
    env.var("TMUX")?;
    let show = |option: &str| {
        let output = std::process::Command::new("tmux")
            .args(["show", "-gv", option])
            .stdin(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .output()
            .ok()?;
        output
            .status
            .success()
            .then(|| String::from_utf8_lossy(&output.stdout).trim().to_owned())
    };
    let extended_keys = show("extended-keys")?;
    if extended_keys != "on" && extended_keys != "always" {
        return Some("tmux extended-keys is off. Modified Enter keys may not work. Add `set -g extended-keys on` to ~/.tmux.conf and restart tmux.".to_owned());
    }
    (show("extended-keys-format").as_deref() == Some("xterm")).then(|| {
        "tmux extended-keys-format is xterm. Pi works best with csi-u. Add `set -g extended-keys-format csi-u` to ~/.tmux.conf and restart tmux.".to_owned()
    })
}

/// A path for a command line: quoted when it holds whitespace or quotes.
fn quote_if_needed(text: &str) -> String {
    if text
        .chars()
        .any(|c| c.is_whitespace() || c == '"' || c == '\'')
    {
        format!("\"{}\"", text.replace('"', "\\\""))
    } else {
        text.to_owned()
    }
}

//! [`SettingsSelector`]: the `/settings` screen. Every setting pi offers is listed with its
//! value and a description of the selected one; Enter or Space steps a value to the next
//! choice, the theme, warnings and per-model thinking rows open a submenu, typing searches
//! the labels and Escape closes the screen. Each change is reported as `(setting id, new
//! value)` for the caller to apply and save; the theme submenu also reports every theme it
//! passes over, so the screen can preview it, and the per-model thinking levels are
//! reported as `(provider, model id, level)`.

mod model_thinking;
mod submenu;
mod theme_menu;

use std::cell::RefCell;
use std::rc::Rc;

use pi_ai::{Model, ThinkingLevel};
use pi_tui::components::{SettingItem, SettingsList, SettingsListTheme, SettingsSubmenu};
use pi_tui::{Component, Keybindings};

use super::keybindings::{Action, AppKeybindings};
use super::theme::{Theme, ThemeColor};
use model_thinking::{ModelThinking, SharedModelThinking};

pub(crate) use submenu::{ListEvent, ObservedList};

/// Settings rows shown at once.
const MAX_VISIBLE: usize = 10;

/// The choices of the HTTP idle timeout: label and milliseconds (0 disables it).
const HTTP_IDLE_TIMEOUTS: [(&str, u64); 5] = [
    ("30 sec", 30_000),
    ("1 min", 60_000),
    ("2 min", 120_000),
    ("5 min", 300_000),
    ("disabled", 0),
];

/// The default project trust values and how the list names them.
const PROJECT_TRUST: [(&str, &str); 3] = [
    ("ask", "Ask"),
    ("always", "Always trust"),
    ("never", "Never trust"),
];

/// The values the settings screen starts from. Names follow pi's settings; enumerated
/// settings hold the value as pi writes it (`"one-at-a-time"`, `"sse"`, ...).
#[derive(Debug, Clone, PartialEq)]
pub struct SettingsConfig {
    /// Whether the terminal can show images; the image rows are listed only then.
    pub supports_images: bool,
    /// `compaction.enabled`.
    pub auto_compact: bool,
    /// `terminal.showImages`.
    pub show_images: bool,
    /// `terminal.imageWidthCells`.
    pub image_width_cells: u32,
    /// `images.autoResize`.
    pub auto_resize_images: bool,
    /// `images.blockImages`.
    pub block_images: bool,
    /// `enableSkillCommands`.
    pub enable_skill_commands: bool,
    /// `steeringMode`.
    pub steering_mode: String,
    /// `followUpMode`.
    pub follow_up_mode: String,
    /// `transport`.
    pub transport: String,
    /// `httpIdleTimeoutMs`.
    pub http_idle_timeout_ms: u64,
    /// `cacheWarming`.
    pub cache_warming_mode: String,
    /// `hideThinkingBlock`.
    pub hide_thinking_block: bool,
    /// `markdown.mermaid`.
    pub mermaid_rendering_mode: String,
    /// `showCacheMissNotices`.
    pub show_cache_miss_notices: bool,
    /// `collapseChangelog`.
    pub collapse_changelog: bool,
    /// `quietStartup`.
    pub quiet_startup: bool,
    /// `enableInstallTelemetry`.
    pub enable_install_telemetry: bool,
    /// `defaultProjectTrust`: `ask`, `always` or `never`.
    pub default_project_trust: String,
    /// `doubleEscapeAction`.
    pub double_escape_action: String,
    /// `treeFilterMode`.
    pub tree_filter_mode: String,
    /// `warnings.anthropicExtraUsage` (unset counts as on).
    pub warn_anthropic_extra_usage: bool,
    /// The models a default thinking level can be set for (pi's available models).
    pub available_models: Vec<Model>,
    /// The session's model as `provider/id`, listed first.
    pub current_model: Option<String>,
    /// `defaultProvider/defaultModel` as `provider/id`, listed next when it is available.
    pub default_model: Option<String>,
    /// `modelThinkingLevels`: each model's own default level, as `(provider/id, level)`.
    pub model_thinking_levels: Vec<(String, ThinkingLevel)>,
    /// `defaultThinkingLevel`: the level of models without their own.
    pub thinking_level: ThinkingLevel,
    /// `tuiMode`.
    pub tui_mode: String,
    /// `fullscreen.exitOutput`.
    pub fullscreen_exit_output: String,
    /// `fullscreen.scrollbar`.
    pub fullscreen_scrollbar: String,
    /// `fullscreen.copyOnSelect`.
    pub fullscreen_copy_on_select: bool,
    /// `terminal.showHardwareCursor`.
    pub show_hardware_cursor: bool,
    /// `editorPaddingX`.
    pub editor_padding_x: u32,
    /// `outputPad`.
    pub output_pad: u32,
    /// `autocompleteMaxVisible`.
    pub autocomplete_max_visible: u32,
    /// `terminal.clearOnShrink`.
    pub clear_on_shrink: bool,
    /// `terminal.showTerminalProgress`.
    pub show_terminal_progress: bool,
    /// `theme`: a theme name, or `light/dark` for automatic.
    pub current_theme: String,
    /// The themes to choose from, in the order listed.
    pub available_themes: Vec<String>,
    /// Whether the terminal looks dark (the automatic theme shown while choosing).
    pub terminal_dark: bool,
}

impl Default for SettingsConfig {
    /// pi's defaults.
    fn default() -> Self {
        Self {
            supports_images: false,
            auto_compact: true,
            show_images: true,
            image_width_cells: 60,
            auto_resize_images: true,
            block_images: false,
            enable_skill_commands: true,
            steering_mode: "one-at-a-time".into(),
            follow_up_mode: "one-at-a-time".into(),
            transport: "sse".into(),
            http_idle_timeout_ms: 300_000,
            cache_warming_mode: "off".into(),
            hide_thinking_block: false,
            mermaid_rendering_mode: "final".into(),
            show_cache_miss_notices: false,
            collapse_changelog: false,
            quiet_startup: false,
            enable_install_telemetry: true,
            default_project_trust: "ask".into(),
            double_escape_action: "tree".into(),
            tree_filter_mode: "default".into(),
            warn_anthropic_extra_usage: true,
            available_models: Vec::new(),
            current_model: None,
            default_model: None,
            model_thinking_levels: Vec::new(),
            thinking_level: ThinkingLevel::Medium,
            tui_mode: "regular".into(),
            fullscreen_exit_output: "transcript".into(),
            fullscreen_scrollbar: "auto".into(),
            fullscreen_copy_on_select: true,
            show_hardware_cursor: false,
            editor_padding_x: 0,
            output_pad: 1,
            autocomplete_max_visible: 5,
            clear_on_shrink: false,
            show_terminal_progress: false,
            current_theme: "dark".into(),
            available_themes: vec!["dark".into(), "light".into()],
            terminal_dark: true,
        }
    }
}

type ChangeCallback = Box<dyn FnMut(&str, &str)>;
type SharedChange = Rc<RefCell<Option<ChangeCallback>>>;
type SharedPreview = Rc<RefCell<Option<Box<dyn FnMut(&str)>>>>;

/// Key names as pi's hints spell them: every part capitalised (`Ctrl+s`, `Shift+tab`).
pub(crate) fn key_display(keys: &[String]) -> String {
    super::chat::capitalize_keys(&keys.join("/"))
}

fn flag(value: bool) -> &'static str {
    if value { "true" } else { "false" }
}

fn toggle(id: &str, label: &str, description: &str, value: bool) -> SettingItem {
    SettingItem::cycle(id, label, flag(value), &["true", "false"]).with_description(description)
}

fn choice(id: &str, label: &str, description: &str, value: &str, values: &[&str]) -> SettingItem {
    SettingItem::cycle(id, label, value, values).with_description(description)
}

fn http_idle_timeout_label(ms: u64) -> String {
    HTTP_IDLE_TIMEOUTS
        .iter()
        .find(|(_, v)| *v == ms)
        .map_or_else(
            || format!("{} sec", ms as f64 / 1000.0),
            |(l, _)| (*l).to_owned(),
        )
}

/// The styles pi's settings lists use.
pub(crate) fn settings_list_theme(theme: &Theme) -> SettingsListTheme {
    let (label_theme, value_theme) = (theme.clone(), theme.clone());
    SettingsListTheme {
        label: Rc::new(move |text, selected| {
            if selected {
                label_theme.fg(ThemeColor::Accent, text)
            } else {
                text.to_owned()
            }
        }),
        value: Rc::new(move |text, selected| {
            let color = if selected {
                ThemeColor::Accent
            } else {
                ThemeColor::Muted
            };
            value_theme.fg(color, text)
        }),
        description: theme.fg_style(ThemeColor::Dim),
        cursor: theme.fg(ThemeColor::Accent, "→ "),
        hint: theme.fg_style(ThemeColor::Dim),
    }
}

/// The value a row's change is reported with: the setting's own value where the list
/// shows a label for it.
fn reported_value(id: &str, shown: &str) -> String {
    match id {
        "http-idle-timeout" => HTTP_IDLE_TIMEOUTS
            .iter()
            .find(|(l, _)| *l == shown)
            .map_or_else(|| shown.to_owned(), |(_, ms)| ms.to_string()),
        "default-project-trust" => PROJECT_TRUST
            .iter()
            .find(|(_, l)| *l == shown)
            .map_or_else(|| shown.to_owned(), |(v, _)| (*v).to_owned()),
        _ => shown.to_owned(),
    }
}

/// The settings screen. See the module documentation.
pub struct SettingsSelector {
    theme: Theme,
    list: SettingsList,
    on_change: SharedChange,
    on_preview: SharedPreview,
    on_model_thinking: SharedModelThinking,
}

impl std::fmt::Debug for SettingsSelector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SettingsSelector")
            .field("list", &self.list)
            .finish_non_exhaustive()
    }
}

impl SettingsSelector {
    /// The settings screen for `config`, styled with `theme` and driven by `keys`.
    pub fn new(config: &SettingsConfig, theme: Theme, keys: Rc<AppKeybindings>) -> Self {
        let on_change: SharedChange = Rc::new(RefCell::new(None));
        let on_preview: SharedPreview = Rc::new(RefCell::new(None));
        let on_model_thinking: SharedModelThinking = Rc::new(RefCell::new(None));
        let tui_keys = Rc::new(keys.tui().clone());
        let callbacks = Callbacks {
            change: &on_change,
            preview: &on_preview,
            model_thinking: &on_model_thinking,
        };
        let items = items(config, &theme, &keys, &tui_keys, &callbacks);
        let mut list =
            SettingsList::new(items, MAX_VISIBLE, settings_list_theme(&theme)).with_search();
        let report = Rc::clone(&on_change);
        list.on_change(move |id, value| {
            // The per-model row's new summary; its changes were reported one by one.
            if id == "model-thinking" {
                return;
            }
            if let Some(f) = report.borrow_mut().as_mut() {
                f(id, &reported_value(id, value));
            }
        });
        Self {
            theme,
            list,
            on_change,
            on_preview,
            on_model_thinking,
        }
    }

    /// Called with `(setting id, new value)` for every change. Booleans are `"true"` or
    /// `"false"`, numbers are decimal, the HTTP idle timeout is in milliseconds (`"0"`
    /// disables it), the default project trust is `ask`, `always` or `never`, the theme is
    /// a name or `light/dark`, and the Anthropic extra-usage warning is reported as
    /// `anthropic-extra-usage`.
    pub fn on_change(&mut self, f: impl FnMut(&str, &str) + 'static) {
        *self.on_change.borrow_mut() = Some(Box::new(f));
    }

    /// Called with each theme setting the theme submenu passes over, and with the original
    /// one when it is left without a choice, so the screen can show it.
    pub fn on_theme_preview(&mut self, f: impl FnMut(&str) + 'static) {
        *self.on_preview.borrow_mut() = Some(Box::new(f));
    }

    /// Called with `(provider, model id, level)` for each default thinking level chosen
    /// for a model in the per-model submenu; no level removes the model's own level.
    pub fn on_model_thinking(
        &mut self,
        f: impl FnMut(&str, &str, Option<ThinkingLevel>) + 'static,
    ) {
        *self.on_model_thinking.borrow_mut() = Some(Box::new(f));
    }

    /// Called when the screen is closed.
    pub fn on_cancel(&mut self, f: impl FnMut() + 'static) {
        self.list.on_cancel(f);
    }

    /// The settings listed, with their current values.
    pub fn items(&self) -> &[SettingItem] {
        self.list.items()
    }
}

impl Component for SettingsSelector {
    fn render(&mut self, width: usize) -> Vec<String> {
        let border = self.theme.fg(ThemeColor::Border, &"─".repeat(width.max(1)));
        let mut lines = vec![border.clone()];
        lines.extend(self.list.render(width));
        lines.push(border);
        lines
    }

    fn handle_input(&mut self, data: &str) {
        self.list.handle_input(data);
    }

    fn invalidate(&mut self) {
        self.list.invalidate();
    }
}

/// Where the rows' submenus report to.
struct Callbacks<'a> {
    change: &'a SharedChange,
    preview: &'a SharedPreview,
    model_thinking: &'a SharedModelThinking,
}

/// The state of the per-model thinking submenu for `c`.
fn model_thinking_state(c: &SettingsConfig, report: &SharedModelThinking) -> ModelThinking {
    // A provider name has no slash; a model id may.
    let available = |key: &String| {
        let parts = key.split_once('/');
        c.available_models
            .iter()
            .any(|m| parts == Some((m.provider.as_str(), m.id.as_str())))
    };
    ModelThinking {
        models: c.available_models.clone(),
        current: c.current_model.clone(),
        default: c.default_model.clone().filter(available),
        overrides: c.model_thinking_levels.clone(),
        global: c.thinking_level,
        report: Rc::clone(report),
    }
}

/// Every row, in pi's order.
fn items(
    c: &SettingsConfig,
    theme: &Theme,
    keys: &AppKeybindings,
    tui_keys: &Rc<Keybindings>,
    callbacks: &Callbacks<'_>,
) -> Vec<SettingItem> {
    let (on_change, on_preview) = (callbacks.change, callbacks.preview);
    let follow_up_key = key_display(keys.keys(Action::MessageFollowUp));
    let cycle_thinking_key = key_display(keys.keys(Action::ThinkingCycle));
    let mut items = vec![toggle(
        "autocompact",
        "Auto-compact",
        "Automatically compact context when it gets too large",
        c.auto_compact,
    )];
    if c.supports_images {
        items.push(toggle(
            "show-images",
            "Show images",
            "Render images inline in terminal",
            c.show_images,
        ));
        items.push(choice(
            "image-width-cells",
            "Image width",
            "Preferred inline image width in terminal cells",
            &c.image_width_cells.to_string(),
            &["60", "80", "120"],
        ));
    }
    items.extend([
        toggle(
            "auto-resize-images",
            "Auto-resize images",
            "Resize large images to 2000x2000 max for better model compatibility",
            c.auto_resize_images,
        ),
        toggle(
            "block-images",
            "Block images",
            "Prevent images from being sent to LLM providers",
            c.block_images,
        ),
        toggle(
            "skill-commands",
            "Skill commands",
            "Register skills as /skill:name commands",
            c.enable_skill_commands,
        ),
        toggle(
            "show-hardware-cursor",
            "Show hardware cursor",
            "Show the terminal cursor while still positioning it for IME support",
            c.show_hardware_cursor,
        ),
        choice(
            "editor-padding",
            "Editor padding",
            "Horizontal padding for input editor (0-3)",
            &c.editor_padding_x.to_string(),
            &["0", "1", "2", "3"],
        ),
        choice(
            "output-padding",
            "Output padding",
            "Horizontal padding for user messages, assistant messages, and thinking",
            &c.output_pad.to_string(),
            &["0", "1"],
        ),
        choice(
            "autocomplete-max-visible",
            "Autocomplete max items",
            "Max visible items in autocomplete dropdown (3-20)",
            &c.autocomplete_max_visible.to_string(),
            &["3", "5", "7", "10", "15", "20"],
        ),
        toggle(
            "clear-on-shrink",
            "Clear on shrink",
            "Clear empty rows when content shrinks (may cause flicker)",
            c.clear_on_shrink,
        ),
        toggle(
            "terminal-progress",
            "Terminal progress",
            "Show OSC 9;4 progress indicators in the terminal tab bar",
            c.show_terminal_progress,
        ),
        choice(
            "steering-mode",
            "Steering mode",
            "Enter while streaming queues steering messages. 'one-at-a-time': deliver one, wait for response. 'all': deliver all at once.",
            &c.steering_mode,
            &["one-at-a-time", "all"],
        ),
        choice(
            "follow-up-mode",
            "Follow-up mode",
            &format!("{follow_up_key} queues follow-up messages until agent stops. 'one-at-a-time': deliver one, wait for response. 'all': deliver all at once."),
            &c.follow_up_mode,
            &["one-at-a-time", "all"],
        ),
        choice(
            "transport",
            "Transport",
            "Preferred transport for providers that support multiple transports",
            &c.transport,
            &["sse", "websocket", "websocket-cached", "auto"],
        ),
        SettingItem::cycle(
            "http-idle-timeout",
            "HTTP idle timeout",
            &http_idle_timeout_label(c.http_idle_timeout_ms),
            &HTTP_IDLE_TIMEOUTS.map(|(label, _)| label),
        )
        .with_description("Maximum idle gap while waiting for HTTP headers or body chunks. Disable for local models that pause longer than five minutes."),
        choice(
            "cache-warming-mode",
            "Cache warming",
            "off; streaming while the agent runs; idle also between runs while continuation stays profitable",
            &c.cache_warming_mode,
            &["off", "streaming", "idle"],
        ),
        toggle(
            "hide-thinking",
            "Hide thinking",
            "Hide thinking blocks in assistant responses",
            c.hide_thinking_block,
        ),
        choice(
            "mermaid-rendering",
            "Mermaid diagrams",
            "Render Mermaid code blocks as Unicode diagrams",
            &c.mermaid_rendering_mode,
            &["off", "final", "streaming"],
        ),
        toggle(
            "cache-miss-notices",
            "Cache miss notices",
            "Show transcript notices for cache costs and provider recovery diagnostics",
            c.show_cache_miss_notices,
        ),
        toggle(
            "collapse-changelog",
            "Collapse changelog",
            "Show condensed changelog after updates",
            c.collapse_changelog,
        ),
        toggle(
            "quiet-startup",
            "Quiet startup",
            "Disable verbose printing at startup",
            c.quiet_startup,
        ),
        toggle(
            "install-telemetry",
            "Install telemetry",
            "Send an anonymous version/update ping after changelog-detected updates",
            c.enable_install_telemetry,
        ),
        SettingItem::cycle(
            "default-project-trust",
            "Default project trust",
            PROJECT_TRUST
                .iter()
                .find(|(v, _)| *v == c.default_project_trust)
                .map_or(c.default_project_trust.as_str(), |(_, l)| l),
            &PROJECT_TRUST.map(|(_, label)| label),
        )
        .with_description("Fallback behavior when no extension or saved trust decision decides project trust"),
        choice(
            "double-escape-action",
            "Double-escape action",
            "Action when pressing Escape twice with empty editor",
            &c.double_escape_action,
            &["tree", "fork", "none"],
        ),
        choice(
            "tree-filter-mode",
            "Tree filter mode",
            "Default filter when opening /tree",
            &c.tree_filter_mode,
            &["default", "no-tools", "user-only", "labeled-only", "all"],
        ),
        submenu_item(
            "warnings",
            "Warnings",
            "Enable or disable individual warnings",
            "configure",
            warnings_factory(c.warn_anthropic_extra_usage, theme, on_change),
        ),
        submenu_item(
            "model-thinking",
            "Default thinking level per model",
            &format!(
                "Override the default thinking level for specific models. {cycle_thinking_key} cycles in-session."
            ),
            &ModelThinking::summary(c.model_thinking_levels.len()),
            model_thinking::factory(
                Rc::new(RefCell::new(model_thinking_state(c, callbacks.model_thinking))),
                theme,
                tui_keys,
            ),
        ),
        choice(
            "tui-mode",
            "TUI mode",
            "Interface layout; fullscreen mode is experimental",
            &c.tui_mode,
            &["regular", "fullscreen"],
        ),
        choice(
            "fullscreen-exit-output",
            "Fullscreen exit output",
            "Print the transcript or only a session resume hint when exiting fullscreen mode",
            &c.fullscreen_exit_output,
            &["transcript", "resume-hint"],
        ),
        choice(
            "fullscreen-scrollbar",
            "Fullscreen scrollbar",
            "Scrollbar behavior in fullscreen mode; has no effect in regular mode",
            &c.fullscreen_scrollbar,
            &["auto", "always", "hidden"],
        ),
        toggle(
            "fullscreen-copy-on-select",
            "Fullscreen copy on select",
            "Automatically copy selected text in fullscreen mode; disable to copy selections with Ctrl+X",
            c.fullscreen_copy_on_select,
        ),
        submenu_item(
            "theme",
            "Theme",
            "Color theme for the interface",
            &c.current_theme,
            theme_menu::factory(
                c.available_themes.clone(),
                c.terminal_dark,
                theme,
                tui_keys,
                on_preview,
            ),
        ),
    ]);
    items
}

fn submenu_item(
    id: &str,
    label: &str,
    description: &str,
    value: &str,
    factory: pi_tui::components::SubmenuFactory,
) -> SettingItem {
    SettingItem {
        id: id.into(),
        label: label.into(),
        current_value: value.into(),
        description: Some(description.into()),
        values: Vec::new(),
        submenu: Some(factory),
    }
}

/// The warnings submenu: a list of the warnings that can be switched off, each change
/// reported at once.
fn warnings_factory(
    anthropic_extra_usage: bool,
    theme: &Theme,
    on_change: &SharedChange,
) -> pi_tui::components::SubmenuFactory {
    let state = Rc::new(RefCell::new(anthropic_extra_usage));
    let theme = theme.clone();
    let on_change = Rc::clone(on_change);
    Rc::new(move |_| {
        let item = toggle(
            "anthropic-extra-usage",
            "Anthropic extra usage",
            "Warn when Anthropic subscription auth may use paid extra usage",
            *state.borrow(),
        );
        let mut list = SettingsList::new(vec![item], 1, settings_list_theme(&theme));
        let (state, report) = (Rc::clone(&state), Rc::clone(&on_change));
        list.on_change(move |id, value| {
            *state.borrow_mut() = value == "true";
            if let Some(f) = report.borrow_mut().as_mut() {
                f(id, value);
            }
        });
        let done = Rc::new(RefCell::new(false));
        let closed = Rc::clone(&done);
        list.on_cancel(move || *closed.borrow_mut() = true);
        Box::new(ListSubmenu { list, done })
    })
}

/// A settings list shown as a submenu; it ends when the list is cancelled.
struct ListSubmenu {
    list: SettingsList,
    done: Rc<RefCell<bool>>,
}

impl Component for ListSubmenu {
    fn render(&mut self, width: usize) -> Vec<String> {
        self.list.render(width)
    }

    fn handle_input(&mut self, data: &str) {
        self.list.handle_input(data);
    }
}

impl SettingsSubmenu for ListSubmenu {
    fn outcome(&mut self) -> Option<pi_tui::components::SubmenuOutcome> {
        std::mem::take(&mut *self.done.borrow_mut())
            .then_some(pi_tui::components::SubmenuOutcome::Cancelled)
    }
}

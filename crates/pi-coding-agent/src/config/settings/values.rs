//! Typed reads of every setting pi documents, with pi's defaults, and the setters the
//! application uses. Reads see the merged settings unless pi reads a key from the user file
//! only (`defaultProjectTrust`, `cacheWarming`, `httpProxy`); setters write the user file.

use std::path::PathBuf;

use pi_ai::{ThinkingBudgets, ThinkingLevel};
use serde_json::{Map, Value};

use super::Settings;
use super::kinds::{
    CacheWarming, DoubleEscapeAction, FullscreenExitOutput, FullscreenScrollbar, MermaidMode,
    ProjectTrustDefault, QueueMode, TerminalImages, Transport, TreeFilterMode, TuiMode,
};
use crate::config::env::Env;
use crate::config::paths::expand_tilde;

/// A setting holds a value pi rejects; the text is pi's.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct SettingValueError(pub String);

/// Automatic compaction, as it applies to one model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CompactionSettings {
    /// Whether compaction runs automatically.
    pub enabled: bool,
    /// Tokens kept free for the model's answer.
    pub reserve_tokens: u64,
    /// Recent tokens kept verbatim.
    pub keep_recent_tokens: u64,
}

/// Branch summaries made when leaving a branch in `/tree`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BranchSummarySettings {
    /// Tokens kept free for the summary.
    pub reserve_tokens: u64,
    /// Skip the prompt and make no summary.
    pub skip_prompt: bool,
}

/// Agent-level retries of transient failures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetrySettings {
    /// Whether failed turns are retried.
    pub enabled: bool,
    /// Attempts after the first.
    pub max_retries: u64,
    /// First backoff delay.
    pub base_delay_ms: u64,
    /// Longest delay between attempts.
    pub max_agent_delay_ms: u64,
}

/// Provider-level request retries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProviderRetrySettings {
    /// Request timeout (defaults to the HTTP idle timeout when unset).
    pub timeout_ms: Option<u64>,
    /// Retries of one request (pi's default: none).
    pub max_retries: Option<u64>,
    /// Longest server-requested delay honoured; zero removes the limit.
    pub max_retry_delay_ms: u64,
}

/// Terminal capabilities forced by `terminal.*` instead of detected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TerminalOverrides {
    /// `Some(Some(protocol))` forces a protocol, `Some(None)` disables images.
    pub images: Option<Option<TerminalImages>>,
    /// Forced true-color support.
    pub true_color: Option<bool>,
    /// Forced OSC 8 hyperlink support.
    pub hyperlinks: Option<bool>,
}

const DEFAULT_RESERVE_TOKENS: u64 = 16384;
const DEFAULT_KEEP_RECENT_TOKENS: u64 = 20000;
const DEFAULT_HTTP_IDLE_TIMEOUT_MS: u64 = 300_000;
const DEFAULT_MAX_AGENT_RETRY_DELAY_MS: u64 = 60_000;
const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

/// A thinking level by pi's name (`off` … `max`).
pub fn parse_thinking_level(text: &str) -> Option<ThinkingLevel> {
    ThinkingLevel::ALL
        .into_iter()
        .find(|level| level.as_str() == text)
}

/// `value` as JavaScript's `String(value)` writes it, for pi's error texts.
pub(crate) fn js_string(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Number(n) => n
            .as_f64()
            .map(pi_ai::js_number::format)
            .unwrap_or_else(|| n.to_string()),
        Value::Bool(b) => b.to_string(),
        Value::Null => "null".into(),
        Value::Array(items) => items
            .iter()
            .map(|item| match item {
                Value::Null => String::new(),
                other => js_string(other),
            })
            .collect::<Vec<_>>()
            .join(","),
        Value::Object(_) => "[object Object]".into(),
    }
}

/// A non-negative safe integer, as `Number.isSafeInteger(x) && x >= 0` accepts.
fn safe_non_negative(value: &Value) -> Option<u64> {
    let n = value.as_f64()?;
    (n.fract() == 0.0 && (0.0..=MAX_SAFE_INTEGER).contains(&n)).then_some(n as u64)
}

/// A finite non-negative number rounded down, as pi reads timeouts (strings and
/// `"disabled"` included).
fn parse_timeout(value: &Value) -> Option<u64> {
    match value {
        Value::String(text) => {
            let trimmed = text.trim();
            if trimmed.eq_ignore_ascii_case("disabled") {
                return Some(0);
            }
            if trimmed.is_empty() {
                return None;
            }
            let n: f64 = trimmed.parse().ok()?;
            (n.is_finite() && n >= 0.0).then(|| n.floor() as u64)
        }
        Value::Number(n) => {
            let n = n.as_f64()?;
            (n.is_finite() && n >= 0.0).then(|| n.floor() as u64)
        }
        _ => None,
    }
}

fn number(value: Option<&Value>) -> Option<f64> {
    value.and_then(Value::as_f64)
}

fn whole(value: Option<&Value>) -> Option<u64> {
    number(value)
        .filter(|n| *n >= 0.0)
        .map(|n| n.floor() as u64)
}

fn strings(value: Option<&Value>) -> Option<Vec<String>> {
    match value {
        Some(Value::Array(items)) => Some(
            items
                .iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect(),
        ),
        _ => None,
    }
}

impl Settings {
    /// A merged setting.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.merged.get(key)
    }

    /// A key inside a merged object setting (`compaction.enabled`).
    pub fn get_nested(&self, key: &str, nested: &str) -> Option<&Value> {
        self.merged.get(key)?.as_object()?.get(nested)
    }

    fn string(&self, key: &str) -> Option<&str> {
        self.get(key).and_then(Value::as_str)
    }

    fn flag(&self, key: &str, default: bool) -> bool {
        self.get(key).and_then(Value::as_bool).unwrap_or(default)
    }

    fn nested_flag(&self, key: &str, nested: &str, default: bool) -> bool {
        self.get_nested(key, nested)
            .and_then(Value::as_bool)
            .unwrap_or(default)
    }

    fn global_string(&self, key: &str) -> Option<&str> {
        self.global.get(key).and_then(Value::as_str)
    }

    /// `defaultProvider`: the provider chosen at startup.
    pub fn default_provider(&self) -> Option<&str> {
        self.string("defaultProvider")
    }

    /// `defaultModel`: the model id chosen at startup.
    pub fn default_model(&self) -> Option<&str> {
        self.string("defaultModel")
    }

    /// `defaultThinkingLevel` (pi's fallback when unset is `medium`).
    pub fn default_thinking_level(&self) -> Option<ThinkingLevel> {
        self.string("defaultThinkingLevel")
            .and_then(parse_thinking_level)
    }

    /// `modelThinkingLevels["<provider>/<id>"]`.
    pub fn model_thinking_level(&self, provider: &str, model_id: &str) -> Option<ThinkingLevel> {
        self.get_nested("modelThinkingLevels", &format!("{provider}/{model_id}"))
            .and_then(Value::as_str)
            .and_then(parse_thinking_level)
    }

    /// Every `modelThinkingLevels` entry with a valid level.
    pub fn model_thinking_levels(&self) -> Vec<(String, ThinkingLevel)> {
        self.get("modelThinkingLevels")
            .and_then(Value::as_object)
            .map(|levels| {
                levels
                    .iter()
                    .filter_map(|(k, v)| Some((k.clone(), parse_thinking_level(v.as_str()?)?)))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// `thinkingBudgets`: token budgets per level.
    pub fn thinking_budgets(&self) -> Option<ThinkingBudgets> {
        self.get("thinkingBudgets")
            .and_then(|v| serde_json::from_value(v.clone()).ok())
    }

    /// `enabledModels`: the patterns that scope startup selection and model cycling.
    pub fn enabled_models(&self) -> Option<Vec<String>> {
        strings(self.get("enabledModels"))
    }

    /// `hideThinkingBlock` (default `false`).
    pub fn hide_thinking_block(&self) -> bool {
        self.flag("hideThinkingBlock", false)
    }

    /// `showCacheMissNotices` (default `false`).
    pub fn show_cache_miss_notices(&self) -> bool {
        self.flag("showCacheMissNotices", false)
    }

    /// `cacheWarming`, read from the user settings only because warming costs money
    /// (default `streaming`).
    pub fn cache_warming(&self) -> CacheWarming {
        self.global_string("cacheWarming")
            .and_then(CacheWarming::parse)
            .unwrap_or(CacheWarming::Streaming)
    }

    /// `steeringMode` (default `one-at-a-time`).
    pub fn steering_mode(&self) -> QueueMode {
        self.string("steeringMode")
            .and_then(QueueMode::parse)
            .unwrap_or(QueueMode::OneAtATime)
    }

    /// `followUpMode` (default `one-at-a-time`).
    pub fn follow_up_mode(&self) -> QueueMode {
        self.string("followUpMode")
            .and_then(QueueMode::parse)
            .unwrap_or(QueueMode::OneAtATime)
    }

    /// `externalEditor`, else `$VISUAL`, `$EDITOR`, else `nano`.
    pub fn external_editor(&self, env: &Env) -> String {
        self.string("externalEditor")
            .filter(|e| !e.trim().is_empty())
            .or_else(|| env.var("VISUAL"))
            .or_else(|| env.var("EDITOR"))
            .unwrap_or("nano")
            .to_string()
    }

    /// `doubleEscapeAction` (default `tree`).
    pub fn double_escape_action(&self) -> DoubleEscapeAction {
        self.string("doubleEscapeAction")
            .and_then(DoubleEscapeAction::parse)
            .unwrap_or(DoubleEscapeAction::Tree)
    }

    /// `treeFilterMode` (default `default`).
    pub fn tree_filter_mode(&self) -> TreeFilterMode {
        self.string("treeFilterMode")
            .and_then(TreeFilterMode::parse)
            .unwrap_or(TreeFilterMode::Default)
    }

    /// `defaultProjectTrust`, from the user settings only (default `ask`).
    pub fn default_project_trust(&self) -> ProjectTrustDefault {
        match self.global_string("defaultProjectTrust") {
            Some("always") => ProjectTrustDefault::Always,
            Some("never") => ProjectTrustDefault::Never,
            _ => ProjectTrustDefault::Ask,
        }
    }

    /// `defaultTools`: the built-in tools enabled at startup (`None`: pi's default set;
    /// empty: none).
    pub fn default_tools(&self) -> Option<Vec<String>> {
        strings(self.get("defaultTools"))
    }

    /// `sessionDir`, with `~` expanded; relative paths are relative to the working directory.
    pub fn session_dir(&self) -> Option<PathBuf> {
        self.string("sessionDir")
            .filter(|d| !d.is_empty())
            .map(|d| expand_tilde(d, self.home()))
    }

    /// `compaction.enabled` (default `true`).
    pub fn compaction_enabled(&self) -> bool {
        self.nested_flag("compaction", "enabled", true)
    }

    /// Compaction for `model` (`(provider, id)`): each token value from
    /// `compaction.modelOverrides["<provider>/<id>"]`, else `compaction`, else pi's default.
    pub fn compaction(
        &self,
        model: Option<(&str, &str)>,
    ) -> Result<CompactionSettings, SettingValueError> {
        Ok(CompactionSettings {
            enabled: self.compaction_enabled(),
            reserve_tokens: self.compaction_tokens(
                "reserveTokens",
                model,
                DEFAULT_RESERVE_TOKENS,
            )?,
            keep_recent_tokens: self.compaction_tokens(
                "keepRecentTokens",
                model,
                DEFAULT_KEEP_RECENT_TOKENS,
            )?,
        })
    }

    fn compaction_tokens(
        &self,
        field: &str,
        model: Option<(&str, &str)>,
        default: u64,
    ) -> Result<u64, SettingValueError> {
        let compaction = self.get("compaction").and_then(Value::as_object);
        let ordinary = match compaction.and_then(|c| c.get(field)) {
            None => None,
            Some(value) => Some(safe_non_negative(value).ok_or_else(|| {
                SettingValueError(format!(
                    "Invalid compaction.{field} setting: {}. Expected a non-negative safe integer.",
                    js_string(value)
                ))
            })?),
        };
        let Some((provider, id)) = model else {
            return Ok(ordinary.unwrap_or(default));
        };
        let key = format!("{provider}/{id}");
        let entry = compaction
            .and_then(|c| c.get("modelOverrides"))
            .and_then(Value::as_object)
            .and_then(|overrides| overrides.get(&key));
        let over = match entry {
            None => None,
            Some(Value::Object(entry)) => match entry.get(field) {
                None => None,
                Some(value) => Some(safe_non_negative(value).ok_or_else(|| {
                    SettingValueError(format!(
                        "Invalid compaction.modelOverrides[\"{key}\"].{field} setting: {}. Expected a non-negative safe integer.",
                        js_string(value)
                    ))
                })?),
            },
            Some(other) => {
                return Err(SettingValueError(format!(
                    "Invalid compaction.modelOverrides[\"{key}\"] setting: {}. Expected an object.",
                    js_string(other)
                )));
            }
        };
        Ok(over.or(ordinary).unwrap_or(default))
    }

    /// `branchSummary` (`reserveTokens` 16384, `skipPrompt` false).
    pub fn branch_summary(&self) -> BranchSummarySettings {
        BranchSummarySettings {
            reserve_tokens: whole(self.get_nested("branchSummary", "reserveTokens"))
                .unwrap_or(DEFAULT_RESERVE_TOKENS),
            skip_prompt: self.nested_flag("branchSummary", "skipPrompt", false),
        }
    }

    /// `theme` as written (it may be a `light/dark` pair).
    pub fn theme_setting(&self) -> Option<&str> {
        self.string("theme")
    }

    /// `theme` when it names one theme (a `light/dark` pair leaves the choice to detection).
    pub fn theme(&self) -> Option<&str> {
        self.theme_setting().filter(|t| !t.contains('/'))
    }

    /// `lastChangelogVersion`: the version whose changelog was last shown.
    pub fn last_changelog_version(&self) -> Option<&str> {
        self.string("lastChangelogVersion")
    }

    /// `quietStartup` (default `false`).
    pub fn quiet_startup(&self) -> bool {
        self.flag("quietStartup", false)
    }

    /// `collapseChangelog` (default `false`).
    pub fn collapse_changelog(&self) -> bool {
        self.flag("collapseChangelog", false)
    }

    /// `tuiMode` (default `regular`).
    pub fn tui_mode(&self) -> TuiMode {
        match self.string("tuiMode") {
            Some("fullscreen") => TuiMode::Fullscreen,
            _ => TuiMode::Regular,
        }
    }

    /// `fullscreenExitOutput` (default `transcript`).
    pub fn fullscreen_exit_output(&self) -> FullscreenExitOutput {
        match self.string("fullscreenExitOutput") {
            Some("resume-hint") => FullscreenExitOutput::ResumeHint,
            _ => FullscreenExitOutput::Transcript,
        }
    }

    /// `fullscreenScrollbar` (default `auto`).
    pub fn fullscreen_scrollbar(&self) -> FullscreenScrollbar {
        self.string("fullscreenScrollbar")
            .and_then(FullscreenScrollbar::parse)
            .unwrap_or(FullscreenScrollbar::Auto)
    }

    /// `fullscreenCopyOnSelect` (default `true`).
    pub fn fullscreen_copy_on_select(&self) -> bool {
        self.flag("fullscreenCopyOnSelect", true)
    }

    /// `editorPaddingX` (default 0).
    pub fn editor_padding_x(&self) -> u64 {
        whole(self.get("editorPaddingX")).unwrap_or(0)
    }

    /// `outputPad`: 0 or 1 (default 1).
    pub fn output_pad(&self) -> u8 {
        match number(self.get("outputPad")) {
            Some(0.0) => 0,
            _ => 1,
        }
    }

    /// `autocompleteMaxVisible` (default 5).
    pub fn autocomplete_max_visible(&self) -> u64 {
        whole(self.get("autocompleteMaxVisible")).unwrap_or(5)
    }

    /// `showHardwareCursor`, else `PI_HARDWARE_CURSOR=1`.
    pub fn show_hardware_cursor(&self, env: &Env) -> bool {
        self.get("showHardwareCursor")
            .and_then(Value::as_bool)
            .unwrap_or_else(|| env.var("PI_HARDWARE_CURSOR") == Some("1"))
    }

    /// `terminal.showImages` (default `true`).
    pub fn show_images(&self) -> bool {
        self.nested_flag("terminal", "showImages", true)
    }

    /// `terminal.imageWidthCells` (default 60, at least 1).
    pub fn image_width_cells(&self) -> u64 {
        number(self.get_nested("terminal", "imageWidthCells"))
            .filter(|n| n.is_finite())
            .map(|n| n.floor().max(1.0) as u64)
            .unwrap_or(60)
    }

    /// `terminal.clearOnShrink`, else `PI_CLEAR_ON_SHRINK=1`.
    pub fn clear_on_shrink(&self, env: &Env) -> bool {
        self.get_nested("terminal", "clearOnShrink")
            .and_then(Value::as_bool)
            .unwrap_or_else(|| env.var("PI_CLEAR_ON_SHRINK") == Some("1"))
    }

    /// `terminal.showTerminalProgress` (default `false`).
    pub fn show_terminal_progress(&self) -> bool {
        self.nested_flag("terminal", "showTerminalProgress", false)
    }

    /// `terminal.images`, `terminal.trueColor` and `terminal.hyperlinks` where they force a
    /// capability (`"auto"` forces nothing).
    pub fn terminal_overrides(&self) -> TerminalOverrides {
        let images = match self.get_nested("terminal", "images") {
            Some(Value::String(s)) => TerminalImages::parse(s).map(Some),
            Some(Value::Bool(false)) => Some(None),
            _ => None,
        };
        TerminalOverrides {
            images,
            true_color: self
                .get_nested("terminal", "trueColor")
                .and_then(Value::as_bool),
            hyperlinks: self
                .get_nested("terminal", "hyperlinks")
                .and_then(Value::as_bool),
        }
    }

    /// `images.autoResize` (default `true`).
    pub fn image_auto_resize(&self) -> bool {
        self.nested_flag("images", "autoResize", true)
    }

    /// `images.blockImages` (default `false`).
    pub fn block_images(&self) -> bool {
        self.nested_flag("images", "blockImages", false)
    }

    /// `markdown.codeBlockIndent` (default two spaces).
    pub fn code_block_indent(&self) -> &str {
        self.get_nested("markdown", "codeBlockIndent")
            .and_then(Value::as_str)
            .unwrap_or("  ")
    }

    /// `markdown.mermaid` (default `streaming`).
    pub fn mermaid_mode(&self) -> MermaidMode {
        match self
            .get_nested("markdown", "mermaid")
            .and_then(Value::as_str)
        {
            Some("off") => MermaidMode::Off,
            Some("final") => MermaidMode::Final,
            _ => MermaidMode::Streaming,
        }
    }

    /// `transport` (default `auto`).
    pub fn transport(&self) -> Transport {
        self.string("transport")
            .and_then(Transport::parse)
            .unwrap_or(Transport::Auto)
    }

    /// `httpProxy`, from the user settings only.
    pub fn http_proxy(&self) -> Option<&str> {
        self.global_string("httpProxy")
    }

    /// `httpIdleTimeoutMs` (default 300000; `0` or `"disabled"` turns it off).
    pub fn http_idle_timeout_ms(&self) -> Result<u64, SettingValueError> {
        self.timeout("httpIdleTimeoutMs")
            .map(|t| t.unwrap_or(DEFAULT_HTTP_IDLE_TIMEOUT_MS))
    }

    /// `websocketConnectTimeoutMs` (`None`: the transport's default of 15000).
    pub fn websocket_connect_timeout_ms(&self) -> Result<Option<u64>, SettingValueError> {
        self.timeout("websocketConnectTimeoutMs")
    }

    fn timeout(&self, key: &str) -> Result<Option<u64>, SettingValueError> {
        match self.get(key) {
            None => Ok(None),
            Some(value) => match parse_timeout(value) {
                Some(ms) => Ok(Some(ms)),
                // An empty string reads as unset, as in pi.
                None if value.as_str().is_some_and(|s| s.trim().is_empty()) => Ok(None),
                None => Err(SettingValueError(format!(
                    "Invalid {key} setting: {}",
                    js_string(value)
                ))),
            },
        }
    }

    /// `retry.*` (enabled, 3 retries, 2000 ms base delay, 60000 ms longest delay).
    pub fn retry(&self) -> RetrySettings {
        RetrySettings {
            enabled: self.nested_flag("retry", "enabled", true),
            max_retries: whole(self.get_nested("retry", "maxRetries")).unwrap_or(3),
            base_delay_ms: whole(self.get_nested("retry", "baseDelayMs")).unwrap_or(2000),
            max_agent_delay_ms: whole(self.get_nested("retry", "maxAgentDelayMs"))
                .unwrap_or(DEFAULT_MAX_AGENT_RETRY_DELAY_MS),
        }
    }

    /// `retry.provider.*`.
    pub fn provider_retry(&self) -> ProviderRetrySettings {
        let provider = self
            .get_nested("retry", "provider")
            .and_then(Value::as_object);
        let field = |name: &str| whole(provider.and_then(|p| p.get(name)));
        ProviderRetrySettings {
            timeout_ms: field("timeoutMs"),
            max_retries: field("maxRetries"),
            max_retry_delay_ms: field("maxRetryDelayMs").unwrap_or(60_000),
        }
    }

    /// `shellPath`, with `~` expanded.
    pub fn shell_path(&self) -> Option<PathBuf> {
        self.string("shellPath")
            .filter(|p| !p.is_empty())
            .map(|p| expand_tilde(p, self.home()))
    }

    /// `shellCommandPrefix`: prepended (with a newline) to every shell command.
    pub fn shell_command_prefix(&self) -> Option<&str> {
        self.string("shellCommandPrefix")
    }

    /// `npmCommand`: the argv used for npm operations.
    pub fn npm_command(&self) -> Option<Vec<String>> {
        strings(self.get("npmCommand"))
    }

    /// `packages`: package sources (strings or `{source, ...}` objects), as written.
    pub fn packages(&self) -> Vec<Value> {
        match self.get("packages") {
            Some(Value::Array(items)) => items.clone(),
            _ => Vec::new(),
        }
    }

    /// `extensions`: extension paths.
    pub fn extension_paths(&self) -> Vec<String> {
        strings(self.get("extensions")).unwrap_or_default()
    }

    /// `skills`: skill paths.
    pub fn skill_paths(&self) -> Vec<String> {
        strings(self.get("skills")).unwrap_or_default()
    }

    /// `prompts`: prompt-template paths.
    pub fn prompt_template_paths(&self) -> Vec<String> {
        strings(self.get("prompts")).unwrap_or_default()
    }

    /// `themes`: theme paths.
    pub fn theme_paths(&self) -> Vec<String> {
        strings(self.get("themes")).unwrap_or_default()
    }

    /// `enableSkillCommands` (default `true`).
    pub fn enable_skill_commands(&self) -> bool {
        self.flag("enableSkillCommands", true)
    }

    /// `enableInstallTelemetry` (default `true`).
    pub fn enable_install_telemetry(&self) -> bool {
        self.flag("enableInstallTelemetry", true)
    }

    /// `enableAnalytics` (default `false`).
    pub fn enable_analytics(&self) -> bool {
        self.flag("enableAnalytics", false)
    }

    /// `trackingId`, created on the first analytics opt-in.
    pub fn tracking_id(&self) -> Option<&str> {
        self.string("trackingId")
    }

    /// `warnings.anthropicExtraUsage` (default `true`).
    pub fn warn_anthropic_extra_usage(&self) -> bool {
        self.nested_flag("warnings", "anthropicExtraUsage", true)
    }

    /// Sets `defaultProvider` and `defaultModel` together.
    pub fn set_default_model_and_provider(&mut self, provider: &str, model_id: &str) {
        self.set("defaultProvider", Some(Value::from(provider)));
        self.set("defaultModel", Some(Value::from(model_id)));
    }

    /// Sets `defaultProvider`.
    pub fn set_default_provider(&mut self, provider: &str) {
        self.set("defaultProvider", Some(Value::from(provider)));
    }

    /// Sets `defaultModel`.
    pub fn set_default_model(&mut self, model_id: &str) {
        self.set("defaultModel", Some(Value::from(model_id)));
    }

    /// Sets `defaultThinkingLevel`.
    pub fn set_default_thinking_level(&mut self, level: ThinkingLevel) {
        self.set("defaultThinkingLevel", Some(Value::from(level.as_str())));
    }

    /// Sets `modelThinkingLevels["<provider>/<id>"]`.
    pub fn set_model_thinking_level(
        &mut self,
        provider: &str,
        model_id: &str,
        level: ThinkingLevel,
    ) {
        let mut levels = self
            .global
            .get("modelThinkingLevels")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        levels.insert(
            format!("{provider}/{model_id}"),
            Value::from(level.as_str()),
        );
        self.set("modelThinkingLevels", Some(Value::Object(levels)));
    }

    /// Removes `modelThinkingLevels["<provider>/<id>"]` (and the object once empty).
    pub fn remove_model_thinking_level(&mut self, provider: &str, model_id: &str) {
        let Some(mut levels) = self
            .global
            .get("modelThinkingLevels")
            .and_then(Value::as_object)
            .cloned()
        else {
            return;
        };
        levels.shift_remove(&format!("{provider}/{model_id}"));
        let value = (!levels.is_empty()).then_some(Value::Object(levels));
        self.set("modelThinkingLevels", value);
    }

    /// Sets `enabledModels` (`None` removes it).
    pub fn set_enabled_models(&mut self, patterns: Option<&[String]>) {
        self.set("enabledModels", patterns.map(string_array));
    }

    /// Sets `steeringMode`.
    pub fn set_steering_mode(&mut self, mode: QueueMode) {
        self.set("steeringMode", Some(Value::from(mode.as_str())));
    }

    /// Sets `followUpMode`.
    pub fn set_follow_up_mode(&mut self, mode: QueueMode) {
        self.set("followUpMode", Some(Value::from(mode.as_str())));
    }

    /// Sets `theme`.
    pub fn set_theme(&mut self, theme: &str) {
        self.set("theme", Some(Value::from(theme)));
    }

    /// Sets `transport`.
    pub fn set_transport(&mut self, transport: Transport) {
        self.set("transport", Some(Value::from(transport.as_str())));
    }

    /// Sets `compaction.enabled`.
    pub fn set_compaction_enabled(&mut self, enabled: bool) {
        self.set_nested("compaction", "enabled", Some(Value::Bool(enabled)));
    }

    /// Sets `retry.enabled`.
    pub fn set_retry_enabled(&mut self, enabled: bool) {
        self.set_nested("retry", "enabled", Some(Value::Bool(enabled)));
    }

    /// Sets `hideThinkingBlock`.
    pub fn set_hide_thinking_block(&mut self, hide: bool) {
        self.set("hideThinkingBlock", Some(Value::Bool(hide)));
    }

    /// Sets `quietStartup`.
    pub fn set_quiet_startup(&mut self, quiet: bool) {
        self.set("quietStartup", Some(Value::Bool(quiet)));
    }

    /// Sets `lastChangelogVersion`.
    pub fn set_last_changelog_version(&mut self, version: &str) {
        self.set("lastChangelogVersion", Some(Value::from(version)));
    }

    /// Sets `defaultProjectTrust`.
    pub fn set_default_project_trust(&mut self, trust: ProjectTrustDefault) {
        self.set("defaultProjectTrust", Some(Value::from(trust.as_str())));
    }

    /// Sets `doubleEscapeAction`.
    pub fn set_double_escape_action(&mut self, action: DoubleEscapeAction) {
        self.set("doubleEscapeAction", Some(Value::from(action.as_str())));
    }

    /// Sets `treeFilterMode`.
    pub fn set_tree_filter_mode(&mut self, mode: TreeFilterMode) {
        self.set("treeFilterMode", Some(Value::from(mode.as_str())));
    }

    /// Sets `images.blockImages`.
    pub fn set_block_images(&mut self, blocked: bool) {
        self.set_nested("images", "blockImages", Some(Value::Bool(blocked)));
    }

    /// Sets `images.autoResize`.
    pub fn set_image_auto_resize(&mut self, enabled: bool) {
        self.set_nested("images", "autoResize", Some(Value::Bool(enabled)));
    }

    /// Sets `terminal.showImages`.
    pub fn set_show_images(&mut self, show: bool) {
        self.set_nested("terminal", "showImages", Some(Value::Bool(show)));
    }

    /// Sets `editorPaddingX`, clamped to 0–3.
    pub fn set_editor_padding_x(&mut self, padding: u64) {
        self.set("editorPaddingX", Some(Value::from(padding.min(3))));
    }

    /// Sets `autocompleteMaxVisible`, clamped to 3–20.
    pub fn set_autocomplete_max_visible(&mut self, visible: u64) {
        self.set(
            "autocompleteMaxVisible",
            Some(Value::from(visible.clamp(3, 20))),
        );
    }

    /// Sets `packages` in the user settings.
    pub fn set_packages(&mut self, packages: Vec<Value>) {
        self.set("packages", Some(Value::Array(packages)));
    }

    /// Sets one of the resource path lists (`extensions`, `skills`, `prompts`, `themes`)
    /// in the user settings.
    pub fn set_resource_paths(&mut self, key: &str, paths: &[String]) {
        self.set(key, Some(string_array(paths)));
    }

    /// Sets `enableAnalytics`, creating `trackingId` on the first opt-in.
    pub fn set_enable_analytics(&mut self, enabled: bool) {
        self.set("enableAnalytics", Some(Value::Bool(enabled)));
        if enabled && self.global.get("trackingId").is_none() {
            let id = uuid::Uuid::new_v4().to_string();
            self.set("trackingId", Some(Value::from(id)));
        }
    }

    /// Replaces `warnings`.
    pub fn set_warnings(&mut self, warnings: Map<String, Value>) {
        self.set("warnings", Some(Value::Object(warnings)));
    }
}

fn string_array(items: &[String]) -> Value {
    Value::Array(items.iter().map(|s| Value::from(s.as_str())).collect())
}

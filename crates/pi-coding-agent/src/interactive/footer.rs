//! The footer under the editor, exactly as pi draws it: the working directory (with `~`),
//! git branch and session name; then the session's token figures (`↑input ↓output
//! Rcache-read Wcache-write CHcache-hit% $cost`), the context use (`12.3%/200k (auto)`,
//! coloured past 70% and 90%) and, right-aligned, the model and thinking level; then the
//! extensions' status texts, if any.
//!
//! [`render_footer`] is a pure function of [`FooterData`]; [`UsageSummary`] adds up the
//! session's usage entry by entry, and [`GitBranch`] reads the branch from the repository's
//! files.
//!
//! ```
//! use std::path::Path;
//! use pi_coding_agent::interactive::footer::{FooterData, FooterModel, render_footer};
//! use pi_coding_agent::interactive::theme::{ColorMode, Theme};
//!
//! let model = FooterModel { id: "claude-sonnet-4-5", provider: "anthropic", reasoning: false, context_window: 200_000 };
//! let data = FooterData {
//!     git_branch: Some("main"),
//!     model: Some(model),
//!     ..FooterData::new(Path::new("/home/me/pi"), Some(Path::new("/home/me")))
//! };
//! let lines = render_footer(&data, &Theme::dark(ColorMode::TrueColor), 40);
//! assert_eq!(pi_tui::strip_ansi(&lines[0]), "~/pi (main)");
//! assert_eq!(pi_tui::strip_ansi(&lines[1]), "0.0%/200k (auto)       claude-sonnet-4-5");
//! ```

mod git;

use std::path::{Component, Path, PathBuf};

use pi_agent_core::AgentMessage;
use pi_ai::{Message, ThinkingLevel, Usage};
use pi_tui::{truncate_to_width, visible_width};

pub use git::{GitBranch, GitPaths};

use super::theme::{Theme, ThemeColor};
use crate::session::{EntryKind, SessionEntry};
use crate::tools::to_fixed;

/// Token and cost totals of a session.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct UsageTotals {
    /// Prompt tokens not served from cache.
    pub input: u64,
    /// Output tokens.
    pub output: u64,
    /// Prompt tokens read from cache.
    pub cache_read: u64,
    /// Prompt tokens written to cache.
    pub cache_write: u64,
    /// Cost in dollars.
    pub cost: f64,
}

impl UsageTotals {
    /// Adds one request's usage.
    pub fn add(&mut self, usage: &Usage) {
        self.input += usage.input;
        self.output += usage.output;
        self.cache_read += usage.cache_read;
        self.cache_write += usage.cache_write;
        self.cost += usage.cost.total;
    }
}

/// What the footer sums over a session: the usage of every entry that records model work,
/// on every branch (assistant messages, tool results with usage, `usage` entries,
/// compaction and branch summaries), and the cache hit rate of the latest answer.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct UsageSummary {
    /// The totals.
    pub totals: UsageTotals,
    /// The latest assistant message's `cacheRead / (input + cacheRead + cacheWrite)` in
    /// percent (`None` when that message used no prompt tokens).
    pub latest_cache_hit_rate: Option<f64>,
}

impl UsageSummary {
    /// The summary of `entries`, in file order.
    pub fn from_entries<'a>(entries: impl IntoIterator<Item = &'a SessionEntry>) -> Self {
        let mut summary = UsageSummary::default();
        for entry in entries {
            summary.add_entry(entry);
        }
        summary
    }

    /// Adds an assistant message's usage; it becomes the latest answer.
    pub fn add_assistant(&mut self, assistant: &pi_ai::AssistantMessage) {
        let usage = &assistant.usage;
        self.totals.add(usage);
        let prompt = usage.input + usage.cache_read + usage.cache_write;
        self.latest_cache_hit_rate =
            (prompt > 0).then(|| usage.cache_read as f64 / prompt as f64 * 100.0);
    }

    /// Adds one entry (the footer keeps its summary up to date as entries are appended).
    pub fn add_entry(&mut self, entry: &SessionEntry) {
        match &entry.kind {
            EntryKind::Usage(usage) => self.totals.add(&usage.usage),
            EntryKind::Message(message) => match message.as_ref() {
                AgentMessage::Llm(Message::Assistant(assistant)) => self.add_assistant(assistant),
                AgentMessage::Llm(Message::ToolResult(result)) => {
                    if let Some(usage) = &result.usage {
                        self.totals.add(usage);
                    }
                }
                _ => {}
            },
            EntryKind::Compaction(compaction) => {
                if let Some(usage) = &compaction.usage {
                    self.totals.add(usage);
                }
            }
            EntryKind::BranchSummary(summary) => {
                if let Some(usage) = &summary.usage {
                    self.totals.add(usage);
                }
            }
            _ => {}
        }
    }
}

/// The current model, as far as the footer goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FooterModel<'a> {
    /// Its id (shown on the right).
    pub id: &'a str,
    /// Its provider (shown in parentheses when several providers have models).
    pub provider: &'a str,
    /// Whether it can think (then the thinking level is shown).
    pub reasoning: bool,
    /// Its context window, used when the session reports no context use.
    pub context_window: u64,
}

/// How full the model's context is.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ContextUsage {
    /// The context window in tokens.
    pub context_window: u64,
    /// The share in use, in percent; `None` right after a compaction (unknown until the
    /// next answer), shown as `?`.
    pub percent: Option<f64>,
}

/// Everything the footer shows.
#[derive(Debug, Clone, PartialEq)]
pub struct FooterData<'a> {
    /// The session's working directory.
    pub cwd: &'a Path,
    /// The home directory (`$HOME`), replaced by `~`; `None` when unset or empty.
    pub home: Option<&'a Path>,
    /// The git branch (`detached` for a detached `HEAD`), if in a repository.
    pub git_branch: Option<&'a str>,
    /// The session's name, if set.
    pub session_name: Option<&'a str>,
    /// The session's usage.
    pub usage: UsageSummary,
    /// Whether the model's provider is used through a subscription (OAuth login): the cost
    /// is shown even when zero, marked `(sub)`. `kimi-coding` counts as one regardless.
    pub using_subscription: bool,
    /// The context use the session reports (`None` when it reports none).
    pub context: Option<ContextUsage>,
    /// Whether auto-compaction is on (`(auto)` after the context figure).
    pub auto_compact: bool,
    /// Whether experimental features are on (`PI_EXPERIMENTAL=1`): a `• xp` marker.
    pub experimental: bool,
    /// The current model.
    pub model: Option<FooterModel<'a>>,
    /// The thinking level (shown for reasoning models).
    pub thinking_level: ThinkingLevel,
    /// How many providers have models available (above one, the provider is shown).
    pub available_provider_count: usize,
    /// Extension status texts by key.
    pub extension_statuses: &'a [(String, String)],
}

impl<'a> FooterData<'a> {
    /// A footer for `cwd` with no session figures, no model and auto-compaction on.
    pub fn new(cwd: &'a Path, home: Option<&'a Path>) -> FooterData<'a> {
        FooterData {
            cwd,
            home,
            git_branch: None,
            session_name: None,
            usage: UsageSummary::default(),
            using_subscription: false,
            context: None,
            auto_compact: true,
            experimental: false,
            model: None,
            thinking_level: ThinkingLevel::Off,
            available_provider_count: 0,
            extension_statuses: &[],
        }
    }
}

/// A token count as the footer writes it: `999`, `1.2k`, `12k`, `1.2M`, `12M`.
pub fn format_tokens(count: u64) -> String {
    let n = count as f64;
    if count < 1_000 {
        count.to_string()
    } else if count < 10_000 {
        format!("{}k", to_fixed(n / 1_000.0, 1))
    } else if count < 1_000_000 {
        format!("{}k", js_round(n / 1_000.0))
    } else if count < 10_000_000 {
        format!("{}M", to_fixed(n / 1_000_000.0, 1))
    } else {
        format!("{}M", js_round(n / 1_000_000.0))
    }
}

/// JavaScript's `Math.round` of a positive value, as an integer.
fn js_round(value: f64) -> u64 {
    // Token counts are far below 2^53, so the conversion is exact.
    (value + 0.5).floor() as u64
}

/// The working directory as the footer writes it: `~` for the home directory, `~/…` inside
/// it, the path as given elsewhere.
pub fn format_cwd(cwd: &Path, home: Option<&Path>) -> String {
    let Some(home) = home else {
        return cwd.display().to_string();
    };
    match normalize(cwd).strip_prefix(normalize(home)) {
        Ok(relative) if relative.as_os_str().is_empty() => "~".to_owned(),
        Ok(relative) => format!("~{}{}", std::path::MAIN_SEPARATOR, relative.display()),
        Err(_) => cwd.display().to_string(),
    }
}

/// `path` with `.` and `..` resolved lexically.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// A status text on one line: tabs and line breaks become spaces, runs of spaces one.
fn sanitize_status(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        let c = if matches!(c, '\r' | '\n' | '\t') {
            ' '
        } else {
            c
        };
        if c == ' ' && out.ends_with(' ') {
            continue;
        }
        out.push(c);
    }
    out.trim().to_owned()
}

/// The footer's lines for a terminal `width` columns wide.
pub fn render_footer(data: &FooterData<'_>, theme: &Theme, width: usize) -> Vec<String> {
    let dim = |text: &str| theme.fg(ThemeColor::Dim, text);

    let mut location = format_cwd(data.cwd, data.home);
    if let Some(branch) = data.git_branch.filter(|b| !b.is_empty()) {
        location = format!("{location} ({branch})");
    }
    if let Some(name) = data.session_name.filter(|n| !n.is_empty()) {
        location = format!("{location} • {name}");
    }
    let location_line = truncate_to_width(&dim(&location), width, &dim("..."), false);

    let mut stats_left = stats(data, theme);
    let mut stats_left_width = visible_width(&stats_left);
    if stats_left_width > width {
        stats_left = truncate_to_width(&stats_left, width, "...", false);
        stats_left_width = visible_width(&stats_left);
    }
    const MIN_PADDING: usize = 2;
    let model_name = data
        .model
        .map(|model| model.id)
        .filter(|id| !id.is_empty())
        .unwrap_or("no-model");
    let without_provider = match data.model {
        Some(model) if model.reasoning => match data.thinking_level {
            ThinkingLevel::Off => format!("{model_name} • thinking off"),
            level => format!("{model_name} • {level}"),
        },
        _ => model_name.to_owned(),
    };
    let mut right = without_provider.clone();
    if let Some(model) = data.model.filter(|_| data.available_provider_count > 1) {
        let with_provider = format!("({}) {without_provider}", model.provider);
        if stats_left_width + MIN_PADDING + visible_width(&with_provider) <= width {
            right = with_provider;
        }
    }
    let right_width = visible_width(&right);
    let remainder = if stats_left_width + MIN_PADDING + right_width <= width {
        let padding = " ".repeat(width - stats_left_width - right_width);
        format!("{padding}{right}")
    } else {
        match width.checked_sub(stats_left_width + MIN_PADDING) {
            Some(available) if available > 0 => {
                let truncated = truncate_to_width(&right, available, "", false);
                let padding =
                    " ".repeat(width.saturating_sub(stats_left_width + visible_width(&truncated)));
                format!("{padding}{truncated}")
            }
            _ => String::new(),
        }
    };
    // The stats may hold a coloured context figure whose reset would end an outer dim, so
    // the two halves are dimmed apart.
    let stats_line = format!("{}{}", dim(&stats_left), dim(&remainder));

    let mut lines = vec![location_line, stats_line];
    if !data.extension_statuses.is_empty() {
        let mut statuses: Vec<&(String, String)> = data.extension_statuses.iter().collect();
        // Close to JavaScript's localeCompare for keys: case does not decide first.
        statuses.sort_by(|a, b| {
            a.0.to_lowercase()
                .cmp(&b.0.to_lowercase())
                .then_with(|| a.0.cmp(&b.0))
        });
        let line: Vec<String> = statuses
            .iter()
            .map(|(_, text)| sanitize_status(text))
            .collect();
        lines.push(truncate_to_width(
            &line.join(" "),
            width,
            &dim("..."),
            false,
        ));
    }
    lines
}

/// The left side of the second line: the session's figures, then the context use.
fn stats(data: &FooterData<'_>, theme: &Theme) -> String {
    let totals = &data.usage.totals;
    let mut parts: Vec<String> = Vec::with_capacity(8);
    if totals.input > 0 {
        parts.push(format!("↑{}", format_tokens(totals.input)));
    }
    if totals.output > 0 {
        parts.push(format!("↓{}", format_tokens(totals.output)));
    }
    if totals.cache_read > 0 {
        parts.push(format!("R{}", format_tokens(totals.cache_read)));
    }
    if totals.cache_write > 0 {
        parts.push(format!("W{}", format_tokens(totals.cache_write)));
    }
    if (totals.cache_read > 0 || totals.cache_write > 0)
        && let Some(rate) = data.usage.latest_cache_hit_rate
    {
        parts.push(format!("CH{}%", to_fixed(rate, 1)));
    }
    // Kimi Coding is paid by subscription although it authenticates with an API key.
    let subscription = data
        .model
        .is_some_and(|model| model.provider == "kimi-coding" || data.using_subscription);
    // JavaScript's truthiness: neither zero nor NaN.
    if (totals.cost != 0.0 && !totals.cost.is_nan()) || subscription {
        let sub = if subscription { " (sub)" } else { "" };
        parts.push(format!("${}{sub}", to_fixed(totals.cost, 3)));
    }

    let window = data
        .context
        .map(|context| context.context_window)
        .or(data.model.map(|model| model.context_window))
        .unwrap_or(0);
    let known = data.context.is_none_or(|context| context.percent.is_some());
    let percent = data
        .context
        .and_then(|context| context.percent)
        .unwrap_or(0.0);
    let auto = if data.auto_compact { " (auto)" } else { "" };
    let figure = if known {
        format!("{}%/{}{auto}", to_fixed(percent, 1), format_tokens(window))
    } else {
        format!("?/{}{auto}", format_tokens(window))
    };
    parts.push(if percent > 90.0 {
        theme.fg(ThemeColor::Error, &figure)
    } else if percent > 70.0 {
        theme.fg(ThemeColor::Warning, &figure)
    } else {
        figure
    });
    if data.experimental {
        parts.push(format!(
            "{} {}",
            theme.fg(ThemeColor::Dim, "•"),
            theme.bold(&theme.fg(ThemeColor::Warning, "xp"))
        ));
    }
    parts.join(" ")
}

#[cfg(test)]
mod tests;

//! [`ToolExecution`]: one tool call, from its streaming arguments to its result: the call
//! line, then the output, on a background that says pending, done or failed.

use std::rc::Rc;
use std::time::{Duration, Instant};

use pi_ai::InputContent;
use pi_tui::components::Text;
use pi_tui::{Component, truncate_to_width};
use serde_json::{Map, Value};

use super::tool_render::{self, BUILT_IN, ResultView};
use super::{ChatStyle, LineCache, in_box};
use crate::interactive::theme::{ThemeBg, ThemeColor};

/// Rows of bash output shown while collapsed (the last ones).
const BASH_PREVIEW_LINES: usize = 5;

/// A tool's result (or partial result while it runs).
#[derive(Debug, Clone, Default)]
pub struct ToolOutcome {
    /// The result's content blocks.
    pub content: Vec<InputContent>,
    /// The tool's `details` (truncation, diff, limits).
    pub details: Option<Value>,
    /// Whether the tool failed.
    pub is_error: bool,
}

/// A tool call and its result. Built-in tools draw themselves as pi's do; others show
/// their name, arguments as JSON and text output.
pub struct ToolExecution {
    style: Rc<ChatStyle>,
    tool_name: String,
    tool_call_id: String,
    args: Map<String, Value>,
    expanded: bool,
    is_partial: bool,
    result: Option<ToolOutcome>,
    started_at: Option<Instant>,
    ended_at: Option<Instant>,
    now: Option<Instant>,
    cache: LineCache,
}

impl std::fmt::Debug for ToolExecution {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ToolExecution")
            .field("tool_name", &self.tool_name)
            .field("tool_call_id", &self.tool_call_id)
            .finish_non_exhaustive()
    }
}

/// `1.2s`, `3m 4s` or `1h 2m 3s`.
fn format_duration(elapsed: Duration) -> String {
    let seconds = elapsed.as_secs_f64();
    if seconds < 60.0 {
        return format!("{}s", crate::tools::to_fixed(seconds, 1));
    }
    let total = elapsed.as_secs();
    let (minutes, rest) = (total / 60, total % 60);
    if minutes < 60 {
        format!("{minutes}m {rest}s")
    } else {
        format!("{}h {}m {rest}s", minutes / 60, minutes % 60)
    }
}

impl ToolExecution {
    /// A call whose arguments may still be streaming.
    pub fn new(
        tool_name: impl Into<String>,
        tool_call_id: impl Into<String>,
        args: Map<String, Value>,
        style: Rc<ChatStyle>,
    ) -> Self {
        ToolExecution {
            style,
            tool_name: tool_name.into(),
            tool_call_id: tool_call_id.into(),
            args,
            expanded: false,
            is_partial: true,
            result: None,
            started_at: None,
            ended_at: None,
            now: None,
            cache: LineCache::default(),
        }
    }

    /// The tool call's id.
    pub fn tool_call_id(&self) -> &str {
        &self.tool_call_id
    }

    /// New (more complete) arguments.
    pub fn update_args(&mut self, args: Map<String, Value>) {
        self.args = args;
        self.cache.clear();
    }

    /// The tool started running at `now` (bash shows the time since).
    pub fn mark_execution_started(&mut self, now: Instant) {
        if self.started_at.is_none() {
            self.started_at = Some(now);
            self.ended_at = None;
        }
        self.now = Some(now);
        self.cache.clear();
    }

    /// A partial (`is_partial`) or final result, seen at `now`.
    pub fn update_result(&mut self, result: ToolOutcome, is_partial: bool, now: Instant) {
        if !is_partial || result.is_error {
            self.ended_at.get_or_insert(now);
        }
        self.result = Some(result);
        self.is_partial = is_partial;
        self.now = Some(now);
        self.cache.clear();
    }

    /// Moves the clock of a running bash call; whether the shown time changed.
    pub fn tick(&mut self, now: Instant) -> bool {
        let running = self.started_at.is_some() && self.ended_at.is_none();
        if running {
            self.now = Some(now);
            self.cache.clear();
        }
        running
    }

    /// Expands or collapses the output (Ctrl+O).
    pub fn set_expanded(&mut self, expanded: bool) {
        self.expanded = expanded;
        self.cache.clear();
    }

    fn background(&self) -> ThemeBg {
        match &self.result {
            _ if self.is_partial => ThemeBg::ToolPendingBg,
            Some(result) if result.is_error => ThemeBg::ToolErrorBg,
            _ => ThemeBg::ToolSuccessBg,
        }
    }

    fn built_in(&self) -> bool {
        BUILT_IN.contains(&self.tool_name.as_str())
    }

    /// A tool without a renderer: its name, its arguments as JSON, then its output.
    fn generic_text(&self) -> String {
        let style = &self.style;
        let mut text = style.fg(ThemeColor::ToolTitle, &style.theme.bold(&self.tool_name));
        let json = serde_json::to_string_pretty(&self.args).unwrap_or_default();
        text.push_str("\n\n");
        text.push_str(&json);
        if let Some(result) = &self.result {
            let output = tool_render::text_output(&result.content);
            if !output.is_empty() {
                text.push('\n');
                text.push_str(&output);
            }
        }
        text
    }

    /// The bash result: its last rows (or all, expanded), warnings and the time taken.
    fn bash_result(&self, result: &ToolOutcome, width: usize) -> Vec<String> {
        let style = &self.style;
        let mut output = tool_render::text_output(&result.content).trim().to_owned();
        let details = result.details.as_ref();
        let truncation = details
            .and_then(|d| d.get("truncation"))
            .filter(|t| t.get("truncated").and_then(Value::as_bool) == Some(true));
        let full_output_path = details
            .and_then(|d| d.get("fullOutputPath"))
            .and_then(Value::as_str);
        // The output ends in a note naming the full output file; the warning below says it.
        if !self.is_partial
            && truncation.is_some()
            && let Some(path) = full_output_path
            && output.ends_with(']')
            && let Some(start) = output.rfind("\n\n[")
            && output[start..].contains(path)
        {
            output.truncate(start);
            output.truncate(output.trim_end().len());
        }
        let mut lines = Vec::new();
        if !output.is_empty() {
            let styled = output
                .split('\n')
                .map(|l| style.fg(ThemeColor::ToolOutput, l))
                .collect::<Vec<_>>()
                .join("\n");
            if self.expanded {
                lines.extend(Text::new(format!("\n{styled}")).render(width));
            } else {
                let rows = Text::new(styled).render(width);
                let skipped = rows.len().saturating_sub(BASH_PREVIEW_LINES);
                lines.push(String::new());
                if skipped > 0 {
                    let hint = format!(
                        "{} {}{}",
                        style.fg(ThemeColor::Muted, &format!("... ({skipped} earlier lines,")),
                        style.expand_hint("to expand"),
                        style.fg(ThemeColor::Muted, ")")
                    );
                    lines.push(truncate_to_width(&hint, width, "...", false));
                }
                lines.extend(rows.into_iter().skip(skipped));
            }
        }
        if truncation.is_some() || full_output_path.is_some() {
            let mut warnings = Vec::new();
            if let Some(path) = full_output_path {
                warnings.push(format!("Full output: {path}"));
            }
            if let Some(t) = truncation {
                let n = |k: &str| t.get(k).map(Value::to_string).unwrap_or_default();
                if t.get("truncatedBy").and_then(Value::as_str) == Some("lines") {
                    warnings.push(format!(
                        "Truncated: showing {} of {} lines",
                        n("outputLines"),
                        n("totalLines")
                    ));
                } else {
                    let max = t
                        .get("maxBytes")
                        .and_then(Value::as_u64)
                        .and_then(|b| usize::try_from(b).ok())
                        .unwrap_or(crate::tools::DEFAULT_MAX_BYTES);
                    warnings.push(format!(
                        "Truncated: {} lines shown ({} limit)",
                        n("outputLines"),
                        crate::tools::format_size(max)
                    ));
                }
            }
            let warning = style.fg(ThemeColor::Warning, &format!("[{}]", warnings.join(". ")));
            lines.extend(Text::new(format!("\n{warning}")).render(width));
        }
        if let Some(started) = self.started_at {
            let label = if self.is_partial { "Elapsed" } else { "Took" };
            let end = self.ended_at.or(self.now).unwrap_or(started);
            let took = format_duration(end.saturating_duration_since(started));
            let text = style.fg(ThemeColor::Muted, &format!("{label} {took}"));
            lines.extend(Text::new(format!("\n{text}")).render(width));
        }
        lines
    }
}

impl ToolExecution {
    /// The edit call draws the diff in its own box under the call line, on a background
    /// of its own; a failure follows below it.
    fn edit_body(&self, width: usize) -> Vec<String> {
        let style = &self.style;
        let call = tool_render::call(style, "edit", &self.args, self.expanded);
        let diff = self
            .result
            .as_ref()
            .filter(|r| !r.is_error)
            .and_then(|r| r.details.as_ref())
            .and_then(|d| d.get("diff"))
            .and_then(Value::as_str);
        let settled_error = self.result.as_ref().is_some_and(|r| r.is_error);
        let header_bg = if diff.is_some() {
            ThemeBg::ToolSuccessBg
        } else if settled_error {
            ThemeBg::ToolErrorBg
        } else {
            ThemeBg::ToolPendingBg
        };
        let mut header = Text::new(call).render(width.saturating_sub(2).max(1));
        if let Some(diff) = diff {
            header.push(String::new());
            header.extend(
                Text::new(super::diff::render_diff(style, diff))
                    .render(width.saturating_sub(2).max(1)),
            );
        }
        let mut children: Vec<std::boxed::Box<dyn Component>> =
            vec![std::boxed::Box::new(Rendered(header))];
        let mut lines = in_box(&mut children, 1, 1, &style.theme.bg_style(header_bg), width);
        if let Some(result) = self.result.as_ref().filter(|r| r.is_error) {
            let output = result
                .content
                .iter()
                .filter_map(|c| match c {
                    InputContent::Text(t) => Some(t.text.as_str()),
                    InputContent::Image(_) => None,
                })
                .collect::<Vec<_>>()
                .join("\n");
            if !output.is_empty() {
                lines.push(String::new());
                lines.extend(
                    Text::with_padding(style.fg(ThemeColor::Error, &output), 1, 0).render(width),
                );
            }
        }
        lines
    }
}

/// Lines already rendered, as a component for [`in_box`].
struct Rendered(Vec<String>);

impl Component for Rendered {
    fn render(&mut self, _width: usize) -> Vec<String> {
        self.0.clone()
    }
}

impl Component for ToolExecution {
    fn render(&mut self, width: usize) -> Vec<String> {
        if let Some(lines) = self.cache.get(width) {
            return lines;
        }
        let style = Rc::clone(&self.style);
        let bg = style.theme.bg_style(self.background());
        let mut lines = vec![String::new()];
        if self.tool_name == "edit" {
            // The edit call draws its own frame (its background follows the diff).
            lines.extend(self.edit_body(width));
        } else if self.built_in() {
            let inner = width.saturating_sub(2).max(1);
            let mut body = Text::new(tool_render::call(
                &style,
                &self.tool_name,
                &self.args,
                self.expanded,
            ))
            .render(inner);
            if let Some(result) = &self.result {
                if self.tool_name == "bash" {
                    body.extend(self.bash_result(result, inner));
                } else {
                    let view = ResultView {
                        content: &result.content,
                        details: result.details.as_ref(),
                        is_error: result.is_error,
                        expanded: self.expanded,
                    };
                    let text = tool_render::result(&style, &self.tool_name, &view);
                    body.extend(Text::new(text).render(inner));
                }
            }
            let mut children: Vec<std::boxed::Box<dyn Component>> =
                vec![std::boxed::Box::new(Rendered(body))];
            lines.extend(in_box(&mut children, 1, 1, &bg, width));
        } else {
            let text = self.generic_text();
            lines.extend(
                Text::with_padding(text, 1, 1)
                    .with_background(bg)
                    .render(width),
            );
        }
        self.cache.put(width, &lines);
        lines
    }

    fn invalidate(&mut self) {
        self.cache.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_like_pi() {
        assert_eq!(format_duration(Duration::from_millis(1234)), "1.2s");
        assert_eq!(format_duration(Duration::from_secs(64)), "1m 4s");
        assert_eq!(format_duration(Duration::from_secs(3723)), "1h 2m 3s");
    }
}

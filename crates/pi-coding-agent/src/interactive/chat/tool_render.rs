//! How each built-in tool draws its call and its result inside a [`super::ToolExecution`]:
//! `read`, `bash`, `edit` (with the diff), `write`, `grep`, `find` and `ls`, each showing
//! the first (or, for bash, last) lines of output until expanded.

use pi_ai::InputContent;
use serde_json::{Map, Value};

use super::ChatStyle;
use crate::interactive::theme::ThemeColor;
use crate::tools::{DEFAULT_MAX_BYTES, DEFAULT_MAX_LINES, format_size};

/// The built-in tools that have their own renderer.
pub(super) const BUILT_IN: [&str; 7] = ["read", "bash", "edit", "write", "grep", "find", "ls"];

/// A tool result as renderers see it.
pub(super) struct ResultView<'a> {
    pub content: &'a [InputContent],
    pub details: Option<&'a Value>,
    pub is_error: bool,
    pub expanded: bool,
}

/// An argument as a string: `Some("")` when absent or null, `None` when not a string.
fn str_arg<'a>(args: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    match args.get(key) {
        None | Some(Value::Null) => Some(""),
        Some(Value::String(s)) => Some(s),
        Some(_) => None,
    }
}

/// The `path` argument, or the `file_path` models sometimes send instead.
fn path_arg(args: &Map<String, Value>) -> Option<&str> {
    match args.get("file_path") {
        Some(Value::String(s)) => Some(s),
        Some(v) if !v.is_null() => None,
        _ => str_arg(args, "path"),
    }
}

fn invalid_arg(style: &ChatStyle) -> String {
    style.fg(ThemeColor::Error, "[invalid arg]")
}

fn title(style: &ChatStyle, name: &str) -> String {
    style.fg(ThemeColor::ToolTitle, &style.theme.bold(name))
}

fn number_arg(args: &Map<String, Value>, key: &str) -> Option<String> {
    args.get(key).filter(|v| !v.is_null()).map(|v| match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    })
}

fn tool_path(style: &ChatStyle, raw: Option<&str>, empty: Option<&str>) -> String {
    let Some(raw) = raw else {
        return invalid_arg(style);
    };
    let value = if raw.is_empty() {
        empty.unwrap_or("")
    } else {
        raw
    };
    if value.is_empty() {
        return style.fg(ThemeColor::ToolOutput, "...");
    }
    let shown = style.fg(ThemeColor::Accent, &style.shorten_path(value));
    if style.hyperlinks {
        let absolute = style.cwd.join(value);
        pi_tui::style::hyperlink(&shown, &format!("file://{}", absolute.display()))
    } else {
        shown
    }
}

/// The text of a result: text blocks (escape sequences and carriage returns removed)
/// and a placeholder per image, since images are not drawn inline here.
pub(super) fn text_output(content: &[InputContent]) -> String {
    let mut texts = Vec::new();
    let mut images = Vec::new();
    for block in content {
        match block {
            InputContent::Text(t) => {
                texts.push(sanitize(&pi_tui::strip_ansi(&t.text)).replace('\r', ""))
            }
            InputContent::Image(image) => images.push(pi_tui::image::image_fallback(
                &image.mime_type,
                pi_tui::image::image_size(&image.data, &image.mime_type),
                None,
            )),
        }
    }
    let mut output = texts.join("\n");
    if !images.is_empty() {
        if !output.is_empty() {
            output.push('\n');
        }
        output.push_str(&images.join("\n"));
    }
    output
}

/// Drops characters a terminal would act on (controls other than tab and line breaks).
fn sanitize(text: &str) -> String {
    text.chars()
        .filter(|&c| {
            c == '\t'
                || c == '\n'
                || c == '\r'
                || !(c.is_control() || ('\u{fff9}'..='\u{fffb}').contains(&c))
        })
        .collect()
}

fn replace_tabs(text: &str) -> String {
    text.replace('\t', "   ")
}

/// `\n... (N more lines, ctrl+o to expand)` after a cut listing.
fn more_lines(style: &ChatStyle, remaining: usize, total: Option<usize>) -> String {
    let counts = match total {
        Some(total) => format!("\n... ({remaining} more lines, {total} total,"),
        None => format!("\n... ({remaining} more lines,"),
    };
    format!(
        "{} {}{}",
        style.fg(ThemeColor::Muted, &counts),
        style.expand_hint("to expand"),
        style.fg(ThemeColor::Muted, ")")
    )
}

/// The first `max` lines (all when expanded), in the tool-output colour.
fn listing(style: &ChatStyle, output: &str, max: usize, expanded: bool) -> String {
    let lines: Vec<&str> = output.split('\n').collect();
    let shown = if expanded {
        lines.len()
    } else {
        max.min(lines.len())
    };
    let mut text = String::from("\n");
    text.push_str(
        &lines[..shown]
            .iter()
            .map(|l| style.fg(ThemeColor::ToolOutput, l))
            .collect::<Vec<_>>()
            .join("\n"),
    );
    if lines.len() > shown {
        text.push_str(&more_lines(style, lines.len() - shown, None));
    }
    text
}

fn truncation(details: Option<&Value>) -> Option<&Value> {
    details
        .and_then(|d| d.get("truncation"))
        .filter(|t| t.get("truncated").and_then(Value::as_bool) == Some(true))
}

fn max_bytes(truncation: &Value) -> String {
    let bytes = truncation
        .get("maxBytes")
        .and_then(Value::as_u64)
        .map_or(DEFAULT_MAX_BYTES, |b| {
            usize::try_from(b).unwrap_or(usize::MAX)
        });
    format_size(bytes)
}

fn detail_number(details: Option<&Value>, key: &str) -> Option<String> {
    details
        .and_then(|d| d.get(key))
        .filter(|v| !v.is_null() && v.as_bool() != Some(false))
        .map(|v| match v {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        })
}

/// The call line of a built-in tool.
pub(super) fn call(
    style: &ChatStyle,
    tool: &str,
    args: &Map<String, Value>,
    expanded: bool,
) -> String {
    match tool {
        "read" => {
            let mut text = format!(
                "{} {}",
                title(style, "read"),
                tool_path(style, path_arg(args), None)
            );
            text.push_str(&read_range(style, args));
            text
        }
        "bash" => {
            let command = match str_arg(args, "command") {
                None => invalid_arg(style),
                Some("") => style.fg(ThemeColor::ToolOutput, "..."),
                Some(c) => c.to_owned(),
            };
            let timeout = args
                .get("timeout")
                .filter(|v| !v.is_null() && v.as_f64() != Some(0.0) && v.as_bool() != Some(false))
                .map(|v| {
                    let seconds = v
                        .as_f64()
                        .map_or_else(|| v.to_string(), crate::tools::js_number);
                    style.fg(ThemeColor::Muted, &format!(" (timeout {seconds}s)"))
                })
                .unwrap_or_default();
            format!(
                "{}{timeout}",
                style.fg(
                    ThemeColor::ToolTitle,
                    &style.theme.bold(&format!("$ {command}"))
                )
            )
        }
        "edit" => format!(
            "{} {}",
            title(style, "edit"),
            tool_path(style, path_arg(args), None)
        ),
        "write" => write_call(style, args, expanded),
        "grep" | "find" => {
            let pattern = str_arg(args, "pattern");
            let path = str_arg(args, "path")
                .map(|p| style.shorten_path(if p.is_empty() { "." } else { p }));
            let pattern = match pattern {
                None => invalid_arg(style),
                Some(p) if tool == "grep" => style.fg(ThemeColor::Accent, &format!("/{p}/")),
                Some(p) => style.fg(ThemeColor::Accent, p),
            };
            let path = path.unwrap_or_else(|| invalid_arg(style));
            let mut text = format!(
                "{} {pattern}{}",
                title(style, tool),
                style.fg(ThemeColor::ToolOutput, &format!(" in {path}"))
            );
            if tool == "grep" {
                if let Some(glob) = str_arg(args, "glob").filter(|g| !g.is_empty()) {
                    text.push_str(&style.fg(ThemeColor::ToolOutput, &format!(" ({glob})")));
                }
                if let Some(limit) = number_arg(args, "limit") {
                    text.push_str(&style.fg(ThemeColor::ToolOutput, &format!(" limit {limit}")));
                }
            } else if let Some(limit) = number_arg(args, "limit") {
                text.push_str(&style.fg(ThemeColor::ToolOutput, &format!(" (limit {limit})")));
            }
            text
        }
        "ls" => {
            let mut text = format!(
                "{} {}",
                title(style, "ls"),
                tool_path(style, str_arg(args, "path"), Some("."))
            );
            if let Some(limit) = number_arg(args, "limit") {
                text.push_str(&style.fg(ThemeColor::ToolOutput, &format!(" (limit {limit})")));
            }
            text
        }
        _ => title(style, tool),
    }
}

fn read_range(style: &ChatStyle, args: &Map<String, Value>) -> String {
    let offset = number_arg(args, "offset");
    let limit = args.get("limit").and_then(Value::as_i64);
    if offset.is_none() && limit.is_none() {
        return String::new();
    }
    let start = args.get("offset").and_then(Value::as_i64).unwrap_or(1);
    let end = limit
        .map(|l| format!("-{}", start + l - 1))
        .unwrap_or_default();
    style.fg(ThemeColor::Warning, &format!(":{start}{end}"))
}

fn trim_trailing_empty(lines: &mut Vec<&str>) {
    while lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
}

fn write_call(style: &ChatStyle, args: &Map<String, Value>, expanded: bool) -> String {
    let mut text = format!(
        "{} {}",
        title(style, "write"),
        tool_path(style, path_arg(args), None)
    );
    match str_arg(args, "content") {
        None => text.push_str(&format!(
            "\n\n{}",
            style.fg(ThemeColor::Error, "[invalid content arg - expected string]")
        )),
        Some("") => {}
        Some(content) => {
            let content = content.replace('\r', "");
            let mut lines: Vec<&str> = content.split('\n').collect();
            trim_trailing_empty(&mut lines);
            let total = lines.len();
            let shown = if expanded { total } else { total.min(10) };
            text.push_str("\n\n");
            text.push_str(
                &lines[..shown]
                    .iter()
                    .map(|l| style.fg(ThemeColor::ToolOutput, &replace_tabs(l)))
                    .collect::<Vec<_>>()
                    .join("\n"),
            );
            if total > shown {
                text.push_str(&more_lines(style, total - shown, Some(total)));
            }
        }
    }
    text
}

/// The result text of a built-in tool (empty: nothing shown).
pub(super) fn result(style: &ChatStyle, tool: &str, view: &ResultView<'_>) -> String {
    match tool {
        "read" => read_result(style, view),
        "write" => {
            if !view.is_error {
                return String::new();
            }
            let output = view
                .content
                .iter()
                .filter_map(|c| match c {
                    InputContent::Text(t) => Some(t.text.as_str()),
                    InputContent::Image(_) => None,
                })
                .collect::<Vec<_>>()
                .join("\n");
            if output.is_empty() {
                String::new()
            } else {
                format!("\n{}", style.fg(ThemeColor::Error, &output))
            }
        }
        "grep" | "find" | "ls" => search_result(style, tool, view),
        _ => String::new(),
    }
}

fn read_result(style: &ChatStyle, view: &ResultView<'_>) -> String {
    if !view.expanded && !view.is_error {
        return String::new();
    }
    let output = text_output(view.content);
    let mut lines: Vec<&str> = output.split('\n').collect();
    trim_trailing_empty(&mut lines);
    let shown = if view.expanded {
        lines.len()
    } else {
        lines.len().min(10)
    };
    let mut text = format!(
        "\n{}",
        lines[..shown]
            .iter()
            .map(|l| style.fg(ThemeColor::ToolOutput, &replace_tabs(l)))
            .collect::<Vec<_>>()
            .join("\n")
    );
    if lines.len() > shown {
        text.push_str(&more_lines(style, lines.len() - shown, None));
    }
    if let Some(t) = truncation(view.details) {
        let warning = if t.get("firstLineExceedsLimit").and_then(Value::as_bool) == Some(true) {
            format!("[First line exceeds {} limit]", max_bytes(t))
        } else if t.get("truncatedBy").and_then(Value::as_str) == Some("lines") {
            let n = |k: &str| t.get(k).map(Value::to_string).unwrap_or_default();
            let max_lines = t
                .get("maxLines")
                .and_then(Value::as_u64)
                .map_or(DEFAULT_MAX_LINES.to_string(), |m| m.to_string());
            format!(
                "[Truncated: showing {} of {} lines ({max_lines} line limit)]",
                n("outputLines"),
                n("totalLines")
            )
        } else {
            let n = t
                .get("outputLines")
                .map(Value::to_string)
                .unwrap_or_default();
            format!("[Truncated: {n} lines shown ({} limit)]", max_bytes(t))
        };
        text.push_str(&format!("\n{}", style.fg(ThemeColor::Warning, &warning)));
    }
    text
}

fn search_result(style: &ChatStyle, tool: &str, view: &ResultView<'_>) -> String {
    let output = text_output(view.content);
    let output = output.trim();
    let max = match tool {
        "grep" => 15,
        _ => 20,
    };
    let mut text = if output.is_empty() {
        String::new()
    } else {
        listing(style, output, max, view.expanded)
    };
    let mut warnings = Vec::new();
    let (limit_key, limit_label) = match tool {
        "grep" => ("matchLimitReached", "matches limit"),
        "find" => ("resultLimitReached", "results limit"),
        _ => ("entryLimitReached", "entries limit"),
    };
    if let Some(limit) = detail_number(view.details, limit_key) {
        warnings.push(format!("{limit} {limit_label}"));
    }
    if let Some(t) = truncation(view.details) {
        warnings.push(format!("{} limit", max_bytes(t)));
    }
    if tool == "grep" && detail_number(view.details, "linesTruncated").is_some() {
        warnings.push("some lines truncated".to_owned());
    }
    if !warnings.is_empty() {
        text.push_str(&format!(
            "\n{}",
            style.fg(
                ThemeColor::Warning,
                &format!("[Truncated: {}]", warnings.join(", "))
            )
        ));
    }
    text
}

//! What the tree shows for one entry: its one-line summary (`user: ...`, `[read: src/a.rs]`,
//! `[compaction: 12k tokens]`, ...), the text search matches against, and the text the copy
//! key takes. Worked out once per entry when the selector opens, from the entry's JSON shape,
//! so that rendering only styles ready strings.

use std::collections::HashMap;

use serde_json::Value;

use crate::interactive::theme::{Theme, ThemeColor};
use crate::session::{EntryKind, SessionEntry};

/// Characters of message text kept for the summary and search.
const CONTENT_CHARS: usize = 200;
/// Characters of an error message shown for an assistant message without text.
const ERROR_CHARS: usize = 80;

/// The tool calls of the session by id, for naming tool results after their call.
pub(super) type ToolCalls = HashMap<String, (String, Value)>;

/// An entry's one-line summary, unstyled.
#[derive(Debug, Clone)]
pub(super) enum EntryLine {
    User(String),
    Assistant(AssistantLine),
    /// A tool result, named after its call (`[read: path]`).
    Tool(String),
    /// `[bash]: command` of a `!command` run.
    Bash(String),
    /// A message of some other role: `[role]`.
    Role(String),
    CustomMessage {
        custom_type: String,
        text: String,
    },
    /// `[compaction: Nk tokens]`, the tokens before in thousands.
    Compaction(u64),
    BranchSummary(String),
    /// Bookkeeping shown dim: model, thinking level, custom, context edit, label.
    Note(String),
    /// The session name; `None` shows `empty`.
    Title(Option<String>),
    Empty,
}

/// What an assistant message shows after `assistant: `.
#[derive(Debug, Clone)]
pub(super) enum AssistantLine {
    Text(String),
    Aborted,
    Error(String),
    NoContent,
}

impl EntryLine {
    /// The styled summary; the selected row's is bold.
    pub(super) fn render(&self, theme: &Theme, selected: bool) -> String {
        let t = theme;
        let line = match self {
            EntryLine::User(text) => format!("{}{text}", t.fg(ThemeColor::Accent, "user: ")),
            EntryLine::Assistant(line) => {
                let role = t.fg(ThemeColor::Success, "assistant: ");
                match line {
                    AssistantLine::Text(text) => format!("{role}{text}"),
                    AssistantLine::Aborted => {
                        format!("{role}{}", t.fg(ThemeColor::Muted, "(aborted)"))
                    }
                    AssistantLine::Error(error) => {
                        format!("{role}{}", t.fg(ThemeColor::Error, error))
                    }
                    AssistantLine::NoContent => {
                        format!("{role}{}", t.fg(ThemeColor::Muted, "(no content)"))
                    }
                }
            }
            EntryLine::Tool(call) => t.fg(ThemeColor::Muted, call),
            EntryLine::Bash(command) => t.fg(ThemeColor::Dim, &format!("[bash]: {command}")),
            EntryLine::Role(role) => t.fg(ThemeColor::Dim, &format!("[{role}]")),
            EntryLine::CustomMessage { custom_type, text } => format!(
                "{}{text}",
                t.fg(
                    ThemeColor::CustomMessageLabel,
                    &format!("[{custom_type}]: ")
                )
            ),
            EntryLine::Compaction(thousands) => t.fg(
                ThemeColor::BorderAccent,
                &format!("[compaction: {thousands}k tokens]"),
            ),
            EntryLine::BranchSummary(summary) => {
                format!(
                    "{}{summary}",
                    t.fg(ThemeColor::Warning, "[branch summary]: ")
                )
            }
            EntryLine::Note(note) => t.fg(ThemeColor::Dim, note),
            EntryLine::Title(name) => {
                let name = match name {
                    Some(name) => t.fg(ThemeColor::Dim, name),
                    None => t.italic(&t.fg(ThemeColor::Dim, "empty")),
                };
                format!(
                    "{}{name}{}",
                    t.fg(ThemeColor::Dim, "[title: "),
                    t.fg(ThemeColor::Dim, "]")
                )
            }
            EntryLine::Empty => String::new(),
        };
        if selected { t.bold(&line) } else { line }
    }
}

/// The text of an entry the tree needs besides its place: summary, search text (lowercase,
/// without the label, which can change), copy text and whether it has message text.
#[derive(Debug, Clone)]
pub(super) struct EntryText {
    pub line: EntryLine,
    pub search: String,
    pub copy: Option<String>,
    /// An assistant message with neither text nor an error or abort: hidden unless it is the
    /// leaf, since its tool results already show what it did.
    pub tool_calls_only: bool,
}

/// Collects the tool calls of an assistant entry into `calls`.
pub(super) fn collect_tool_calls(entry: &SessionEntry, calls: &mut ToolCalls) {
    let EntryKind::Message(message) = &entry.kind else {
        return;
    };
    let Ok(value) = serde_json::to_value(&**message) else {
        return;
    };
    if value["role"] != "assistant" {
        return;
    }
    for block in value["content"].as_array().into_iter().flatten() {
        if block["type"] == "toolCall"
            && let Some(id) = block["id"].as_str()
        {
            let name = block["name"].as_str().unwrap_or_default().to_owned();
            calls.insert(id.to_owned(), (name, block["arguments"].clone()));
        }
    }
}

/// The summary, search and copy text of `entry`; `home` shortens paths to `~`.
pub(super) fn entry_text(entry: &SessionEntry, calls: &ToolCalls, home: Option<&str>) -> EntryText {
    let mut search: Vec<String> = Vec::new();
    let mut copy = None;
    let mut tool_calls_only = false;
    let line = match &entry.kind {
        EntryKind::Message(message) => {
            let value = serde_json::to_value(&**message).unwrap_or(Value::Null);
            let role = value["role"].as_str().unwrap_or_default().to_owned();
            let full = full_text(&value["content"]);
            let content = first_chars(&full, CONTENT_CHARS);
            search.push(role.clone());
            if !value["content"].is_null() {
                search.push(content.to_owned());
            }
            copy = if value.get("content").is_some() {
                Some(full.clone())
            } else {
                None
            };
            match role.as_str() {
                "user" => EntryLine::User(normalize(content)),
                "assistant" => {
                    let text = normalize(content);
                    let stop = value["stopReason"].as_str();
                    let error = value["errorMessage"].as_str().filter(|e| !e.is_empty());
                    if full.is_empty()
                        && let Some(error) = error
                    {
                        copy = Some(error.to_owned());
                    }
                    tool_calls_only = !has_text(&value["content"])
                        && !stop.is_some_and(|s| s != "stop" && s != "toolUse");
                    EntryLine::Assistant(if !text.is_empty() {
                        AssistantLine::Text(text)
                    } else if stop == Some("aborted") {
                        AssistantLine::Aborted
                    } else if let Some(error) = error {
                        AssistantLine::Error(first_chars(&normalize(error), ERROR_CHARS).to_owned())
                    } else {
                        AssistantLine::NoContent
                    })
                }
                "toolResult" => {
                    let call = value["toolCallId"].as_str().and_then(|id| calls.get(id));
                    EntryLine::Tool(match call {
                        Some((name, args)) => format_tool_call(name, args, home),
                        None => format!("[{}]", value["toolName"].as_str().unwrap_or("tool")),
                    })
                }
                "bashExecution" => {
                    let command = value["command"].as_str().unwrap_or_default();
                    if !command.is_empty() {
                        search.push(command.to_owned());
                    }
                    copy = Some(command.to_owned());
                    EntryLine::Bash(normalize(command))
                }
                _ => EntryLine::Role(role),
            }
        }
        EntryKind::CustomMessage(custom) => {
            let full = full_text(&custom.content);
            search.push(custom.custom_type.clone());
            search.push(first_chars(&full, CONTENT_CHARS).to_owned());
            // The summary joins every text block in full; search and copy cap as for messages.
            copy = Some(full.clone());
            EntryLine::CustomMessage {
                custom_type: custom.custom_type.clone(),
                text: normalize(&full),
            }
        }
        EntryKind::Compaction(compaction) => {
            search.push("compaction".to_owned());
            copy = Some(compaction.summary.clone());
            // Rounded half up, as JavaScript's Math.round does.
            EntryLine::Compaction(compaction.tokens_before.saturating_add(500) / 1000)
        }
        EntryKind::BranchSummary(summary) => {
            search.push("branch summary".to_owned());
            search.push(summary.summary.clone());
            copy = Some(summary.summary.clone());
            EntryLine::BranchSummary(normalize(&summary.summary))
        }
        EntryKind::SessionInfo { name } => {
            let name = name.as_deref().filter(|n| !n.is_empty());
            search.push("title".to_owned());
            search.extend(name.map(str::to_owned));
            EntryLine::Title(name.map(str::to_owned))
        }
        EntryKind::ModelChange { model_id, .. } => {
            search.push(format!("model {model_id}"));
            EntryLine::Note(format!("[model: {model_id}]"))
        }
        EntryKind::ThinkingLevelChange { thinking_level } => {
            search.push(format!("thinking {thinking_level}"));
            EntryLine::Note(format!("[thinking: {thinking_level}]"))
        }
        EntryKind::Custom { custom_type, .. } => {
            search.push(format!("custom {custom_type}"));
            EntryLine::Note(format!("[custom: {custom_type}]"))
        }
        EntryKind::ContextEdit {
            target_id,
            replacement,
        } => {
            let what = if replacement.is_none() {
                "omit"
            } else {
                "replace"
            };
            search.push(format!("context edit {what} {target_id}"));
            EntryLine::Note(format!("[context {what}: {target_id}]"))
        }
        EntryKind::Label { label, .. } => {
            search.push(format!("label {}", label.as_deref().unwrap_or_default()));
            EntryLine::Note(format!(
                "[label: {}]",
                label.as_deref().unwrap_or("(cleared)")
            ))
        }
        EntryKind::Usage(_) | EntryKind::Unknown { .. } => EntryLine::Empty,
    };
    EntryText {
        line,
        search: search.join(" ").to_lowercase(),
        copy: copy.filter(|c| !c.trim().is_empty()),
        tool_calls_only,
    }
}

/// A string content, or the text blocks of a block list joined.
fn full_text(content: &Value) -> String {
    match content {
        Value::String(text) => text.clone(),
        Value::Array(blocks) => blocks
            .iter()
            .filter(|b| b["type"] == "text")
            .filter_map(|b| b["text"].as_str())
            .collect(),
        _ => String::new(),
    }
}

fn has_text(content: &Value) -> bool {
    match content {
        Value::String(text) => !text.trim().is_empty(),
        Value::Array(blocks) => blocks.iter().any(|b| {
            b["type"] == "text" && b["text"].as_str().is_some_and(|t| !t.trim().is_empty())
        }),
        _ => false,
    }
}

/// Newlines and tabs become spaces, then the ends are trimmed: one line per entry.
fn normalize(text: &str) -> String {
    text.replace(['\n', '\t'], " ").trim().to_owned()
}

fn first_chars(text: &str, n: usize) -> &str {
    text.char_indices()
        .nth(n)
        .map_or(text, |(at, _)| &text[..at])
}

/// A JSON value as JavaScript's `String()` shows it, `""` for absent or empty values.
fn js_string(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null | Value::Bool(false) => String::new(),
        Value::Number(n) if n.as_f64() == Some(0.0) => String::new(),
        other => other.to_string(),
    }
}

/// `args.path || args.file_path`, or `fallback` when both are empty.
fn path_arg(args: &Value, fallback: &str) -> String {
    let path = js_string(&args["path"]);
    let path = if path.is_empty() {
        js_string(&args["file_path"])
    } else {
        path
    };
    if path.is_empty() {
        fallback.to_owned()
    } else {
        path
    }
}

fn shorten(path: String, home: Option<&str>) -> String {
    match home {
        Some(home) if !home.is_empty() && path.starts_with(home) => {
            format!("~{}", &path[home.len()..])
        }
        _ => path,
    }
}

/// The call a tool result answers, as the tree names it: `[read: src/a.rs:10-29]`,
/// `[bash: cargo test]`, `[grep: /fn main/ in src]`, or a custom tool with its arguments.
pub(super) fn format_tool_call(name: &str, args: &Value, home: Option<&str>) -> String {
    match name {
        "read" => {
            let mut display = shorten(path_arg(args, ""), home);
            let offset = args["offset"].as_i64();
            let limit = args["limit"].as_i64();
            if offset.is_some() || limit.is_some() {
                let start = offset.unwrap_or(1);
                display.push_str(&format!(":{start}"));
                if let Some(limit) = limit {
                    let end = start + limit - 1;
                    if end != 0 {
                        display.push_str(&format!("-{end}"));
                    }
                }
            }
            format!("[read: {display}]")
        }
        "write" | "edit" => format!("[{name}: {}]", shorten(path_arg(args, ""), home)),
        "bash" => {
            let raw = js_string(&args["command"]);
            let command = normalize(&raw);
            let more = if raw.chars().count() > 50 { "..." } else { "" };
            format!("[bash: {}{more}]", first_chars(&command, 50))
        }
        "grep" => format!(
            "[grep: /{}/ in {}]",
            js_string(&args["pattern"]),
            shorten(non_empty_or(js_string(&args["path"]), "."), home)
        ),
        "find" => format!(
            "[find: {} in {}]",
            js_string(&args["pattern"]),
            shorten(non_empty_or(js_string(&args["path"]), "."), home)
        ),
        "ls" => format!(
            "[ls: {}]",
            shorten(non_empty_or(js_string(&args["path"]), "."), home)
        ),
        _ => {
            let json = args.to_string();
            let more = if json.chars().count() > 40 { "..." } else { "" };
            format!("[{name}: {}{more}]", first_chars(&json, 40))
        }
    }
}

fn non_empty_or(value: String, fallback: &str) -> String {
    if value.is_empty() {
        fallback.to_owned()
    } else {
        value
    }
}

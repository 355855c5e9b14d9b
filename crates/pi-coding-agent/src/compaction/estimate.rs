//! How full the context is: exact usage of the last good response, plus four characters per
//! token (UTF-16 units, an image as 4,800 characters) for everything after it.
//!
//! These are the coding agent's estimates (pi's `compaction.ts`), which differ from pi-ai's
//! request-sizing estimate in small ways: custom roles count, and usage is trusted without
//! looking at timestamps.

use std::borrow::Borrow;

use pi_agent_core::AgentMessage;
use pi_ai::{AssistantContent, InputContent, Message, StopReason, Usage, UserContent};
use serde_json::Value;

use super::js_len;
use crate::config::settings::CompactionSettings;
use crate::session::{EntryKind, NodeKind, SessionEntry, SessionManager, SessionProjection};

const ESTIMATED_IMAGE_CHARS: u64 = 4800;

/// Context tokens a usage record reports: its total, or the sum of its parts.
pub fn calculate_context_tokens(usage: &Usage) -> u64 {
    if usage.total_tokens > 0 {
        usage.total_tokens
    } else {
        usage.input + usage.output + usage.cache_read + usage.cache_write
    }
}

/// Whether `context_tokens` calls for compacting: more than the window minus the reserve.
pub fn should_compact(
    context_tokens: u64,
    context_window: u64,
    settings: &CompactionSettings,
) -> bool {
    settings.enabled
        && i128::from(context_tokens)
            > i128::from(context_window) - i128::from(settings.reserve_tokens)
}

/// An estimate of a context's size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ContextEstimate {
    /// Total tokens.
    pub tokens: u64,
    /// Tokens known from the last usable response.
    pub usage_tokens: u64,
    /// Tokens estimated for the messages after it (all of them, without one).
    pub trailing_tokens: u64,
    /// Index of that response in the messages.
    pub last_usage_index: Option<usize>,
}

/// The usage of an assistant message that reports a real context size: not aborted, not
/// failed, not all zeros.
fn assistant_usage(message: &AgentMessage) -> Option<&Usage> {
    let assistant = message.as_assistant()?;
    let usable = !matches!(
        assistant.stop_reason,
        StopReason::Aborted | StopReason::Error
    ) && calculate_context_tokens(&assistant.usage) > 0;
    usable.then_some(&assistant.usage)
}

/// The usage of the last assistant message (of `message` entries) that has a usable one.
pub fn last_assistant_usage(entries: &[SessionEntry]) -> Option<&Usage> {
    entries
        .iter()
        .rev()
        .find_map(|entry| entry.message().and_then(assistant_usage))
}

/// Estimates `messages`: the last usable response's usage plus estimates of what follows.
pub fn estimate_context_tokens<M: Borrow<AgentMessage>>(messages: &[M]) -> ContextEstimate {
    let last = messages
        .iter()
        .enumerate()
        .rev()
        .find_map(|(index, message)| {
            assistant_usage(message.borrow()).map(|usage| (index, calculate_context_tokens(usage)))
        });
    let (start, usage_tokens, last_usage_index) = match last {
        Some((index, tokens)) => (index + 1, tokens, Some(index)),
        None => (0, 0, None),
    };
    let trailing_tokens = messages[start..]
        .iter()
        .map(|message| estimate_tokens(message.borrow()))
        .sum();
    ContextEstimate {
        tokens: usage_tokens + trailing_tokens,
        usage_tokens,
        trailing_tokens,
        last_usage_index,
    }
}

/// Estimates the session's context as the model would get it, distrusting usage reported
/// before a later context edit or compaction on the branch (it describes another context):
/// then every message is estimated, the system prompt once.
pub fn estimate_projected_context_tokens(
    session: &SessionManager,
    projection: &SessionProjection,
) -> ContextEstimate {
    let messages: Vec<&AgentMessage> = projection
        .entries
        .iter()
        .flat_map(|entry| &entry.messages)
        .collect();
    let estimate = estimate_context_tokens(&messages);
    if let Some(usage_index) = estimate.last_usage_index {
        let mut seen = 0;
        let usage_entry = projection.entries.iter().find(|entry| {
            seen += entry.messages.len();
            usage_index < seen
        });
        if let Some(usage_entry) = usage_entry {
            let branch = branch_positions(session);
            let index = session.index();
            let usage_at = branch
                .iter()
                .position(|&at| *index.nodes[at].id == *usage_entry.entry.id);
            let invalidated_at = branch.iter().rposition(|&at| {
                matches!(
                    index.nodes[at].kind,
                    NodeKind::ContextEdit | NodeKind::Compaction
                )
            });
            if usage_at.is_some() && usage_at > invalidated_at {
                return estimate;
            }
        }
    }
    let system = pi_ai::current_system_message(messages.iter().filter_map(|m| m.as_llm()));
    let mut tokens = system.map_or(0, |system| {
        estimate_tokens(&AgentMessage::Llm(Message::System(system)))
    });
    tokens += messages
        .iter()
        .filter(|message| message.role() != "system")
        .map(|message| estimate_tokens(message))
        .sum::<u64>();
    ContextEstimate {
        tokens,
        usage_tokens: 0,
        trailing_tokens: tokens,
        last_usage_index: None,
    }
}

/// An upper bound of [`estimate_projected_context_tokens`] for the projection's messages,
/// computed from the messages alone: the larger of the usage-based and the full estimate.
/// When it is below the threshold, the exact estimate is too, and the session need not be
/// read.
pub fn context_tokens_upper_bound(messages: &[AgentMessage]) -> u64 {
    let usage_based = estimate_context_tokens(messages).tokens;
    let system = pi_ai::current_system_message(messages.iter().filter_map(AgentMessage::as_llm));
    let full = system.map_or(0, |system| {
        estimate_tokens(&AgentMessage::Llm(Message::System(system)))
    }) + messages
        .iter()
        .filter(|message| message.role() != "system")
        .map(estimate_tokens)
        .sum::<u64>();
    usage_based.max(full)
}

/// Positions in the session index of the current branch, root first.
pub(crate) fn branch_positions(session: &SessionManager) -> Vec<usize> {
    let index = session.index();
    session
        .leaf_id()
        .and_then(|leaf| index.position(leaf))
        .map_or_else(Vec::new, |leaf| index.path_to(leaf))
}

/// Estimated tokens of one message (characters / 4, rounded up).
pub fn estimate_tokens(message: &AgentMessage) -> u64 {
    let chars = match message {
        AgentMessage::Llm(Message::System(system)) => {
            let mut chars = user_content_chars(&system.content);
            for section in system.sections.iter().flat_map(|s| s.values()).flatten() {
                chars += js_len(section);
            }
            if let Some(tools) = &system.tools_added {
                chars += pi_ai::js_number::to_string(tools).map_or(0, |json| js_len(&json));
            }
            chars
        }
        AgentMessage::Llm(Message::User(user)) => user_content_chars(&user.content),
        AgentMessage::Llm(Message::ToolResult(result)) => blocks_chars(&result.content),
        AgentMessage::Llm(Message::Assistant(assistant)) => assistant
            .content
            .iter()
            .map(|block| match block {
                AssistantContent::Text(text) => js_len(&text.text),
                AssistantContent::Thinking(thinking) => js_len(&thinking.thinking),
                AssistantContent::ToolCall(call) => {
                    js_len(&call.name)
                        + pi_ai::js_number::to_string(&call.arguments)
                            .map_or(0, |json| js_len(&json))
                }
            })
            .sum(),
        AgentMessage::Custom(custom) => {
            let field = |name: &str| {
                custom
                    .fields
                    .get(name)
                    .and_then(Value::as_str)
                    .map_or(0, js_len)
            };
            match custom.role.as_str() {
                "custom" => custom.fields.get("content").map_or(0, json_content_chars),
                "bashExecution" => field("command") + field("output"),
                "branchSummary" | "compactionSummary" => field("summary"),
                _ => 0,
            }
        }
    };
    chars.div_ceil(4)
}

fn user_content_chars(content: &UserContent) -> u64 {
    match content {
        UserContent::Text(text) => js_len(text),
        UserContent::Blocks(blocks) => blocks_chars(blocks),
    }
}

fn blocks_chars(blocks: &[InputContent]) -> u64 {
    blocks
        .iter()
        .map(|block| match block {
            InputContent::Text(text) => js_len(&text.text),
            InputContent::Image(_) => ESTIMATED_IMAGE_CHARS,
        })
        .sum()
}

/// A custom message's `content` as stored: a string, or blocks of `text` and `image`.
fn json_content_chars(content: &Value) -> u64 {
    match content {
        Value::String(text) => js_len(text),
        Value::Array(blocks) => blocks
            .iter()
            .map(|block| match block.get("type").and_then(Value::as_str) {
                Some("text") => block.get("text").and_then(Value::as_str).map_or(0, js_len),
                Some("image") => ESTIMATED_IMAGE_CHARS,
                _ => 0,
            })
            .sum(),
        _ => 0,
    }
}

/// Whether an entry holds something the model can see on its own (before context edits).
pub(crate) fn is_context_visible(entry: &SessionEntry) -> bool {
    match &entry.kind {
        EntryKind::Message(_) | EntryKind::CustomMessage(_) | EntryKind::Compaction(_) => true,
        EntryKind::BranchSummary(summary) => !summary.summary.is_empty(),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pi_ai::{AssistantMessage, ImageContent, TextContent, ToolCall, UserMessage};
    use serde_json::json;

    fn usage(input: u64, output: u64, cache_read: u64, cache_write: u64) -> Usage {
        Usage {
            input,
            output,
            cache_read,
            cache_write,
            total_tokens: input + output + cache_read + cache_write,
            ..Usage::default()
        }
    }

    fn assistant(text: &str, usage: Usage, stop: StopReason) -> AgentMessage {
        let mut message = AssistantMessage::empty("anthropic-messages", "anthropic", "m");
        message.content = vec![AssistantContent::Text(TextContent::new(text))];
        message.usage = usage;
        message.stop_reason = stop;
        message.into()
    }

    #[test]
    fn context_tokens_come_from_the_total_or_the_parts() {
        assert_eq!(calculate_context_tokens(&usage(1000, 500, 200, 100)), 1800);
        assert_eq!(calculate_context_tokens(&usage(0, 0, 0, 0)), 0);
        let parts = Usage {
            input: 10,
            output: 5,
            ..Usage::default()
        };
        assert_eq!(calculate_context_tokens(&parts), 15);
    }

    #[test]
    fn compaction_triggers_past_the_reserve() {
        let mut settings = CompactionSettings {
            enabled: true,
            reserve_tokens: 10_000,
            keep_recent_tokens: 20_000,
        };
        assert!(should_compact(95_000, 100_000, &settings));
        assert!(!should_compact(89_000, 100_000, &settings));
        assert!(!should_compact(90_000, 100_000, &settings));
        // A window smaller than the reserve always calls for compacting.
        assert!(should_compact(0, 5_000, &settings));
        settings.enabled = false;
        assert!(!should_compact(95_000, 100_000, &settings));
    }

    #[test]
    fn the_last_usable_usage_counts_and_what_follows_is_estimated() {
        let messages = vec![
            UserMessage::text("Hello").into(),
            assistant("Hi", usage(100, 50, 0, 0), StopReason::Stop),
            UserMessage::text("12345678").into(),
            assistant("aborted", usage(300, 150, 0, 0), StopReason::Aborted),
        ];
        let estimate = estimate_context_tokens(&messages);
        assert_eq!(estimate.last_usage_index, Some(1));
        assert_eq!(estimate.usage_tokens, 150);
        // "12345678" is 2 tokens, "aborted" 2.
        assert_eq!(estimate.trailing_tokens, 4);
        assert_eq!(estimate.tokens, 154);
        let none = estimate_context_tokens(&messages[..1]);
        assert_eq!(none.last_usage_index, None);
        assert_eq!(none.tokens, 2);
    }

    #[test]
    fn the_upper_bound_covers_usage_and_characters() {
        // Usage says 150, the characters say 2 + 1 + 2.
        let messages = vec![
            UserMessage::text("Hello").into(),
            assistant("Hi", usage(100, 50, 0, 0), StopReason::Stop),
            UserMessage::text("12345678").into(),
        ];
        assert_eq!(context_tokens_upper_bound(&messages), 152);
        // A response with little usage and a long text: the characters win.
        let messages = vec![
            UserMessage::text("x".repeat(4000)).into(),
            assistant("ok", usage(10, 1, 0, 0), StopReason::Stop),
        ];
        assert_eq!(context_tokens_upper_bound(&messages), 1001);
    }

    #[test]
    fn every_role_is_estimated_as_pi_does() {
        let image = ImageContent::new("AAAA", "image/png");
        let user = UserMessage {
            content: UserContent::Blocks(vec![
                InputContent::Text(TextContent::new("abcd")),
                InputContent::Image(image),
            ]),
            timestamp: 0,
            extra: Default::default(),
        };
        assert_eq!(estimate_tokens(&user.into()), (4 + 4800_u64).div_ceil(4));
        let mut with_call = AssistantMessage::empty("a", "p", "m");
        let mut arguments = serde_json::Map::new();
        arguments.insert("path".into(), json!("a.txt"));
        with_call.content = vec![AssistantContent::ToolCall(ToolCall::new(
            "id", "read", arguments,
        ))];
        // "read" + {"path":"a.txt"} = 4 + 16.
        assert_eq!(estimate_tokens(&with_call.into()), 5);
        let bash = crate::messages::BashExecutionMessage {
            command: "ls".into(),
            output: "a\nb\n".into(),
            exit_code: Some(0),
            cancelled: false,
            truncated: false,
            full_output_path: None,
            timestamp: 0,
            exclude_from_context: None,
        };
        assert_eq!(estimate_tokens(&bash.to_agent_message()), 2);
        let summary = crate::messages::CompactionSummaryMessage {
            summary: "x".repeat(9),
            tokens_before: 1,
            timestamp: 0,
        };
        assert_eq!(estimate_tokens(&summary.to_agent_message()), 3);
        // UTF-16 units: an emoji is two.
        assert_eq!(estimate_tokens(&UserMessage::text("😀😀").into()), 1);
        assert_eq!(estimate_tokens(&UserMessage::text("😀😀a").into()), 2);
    }
}

//! Rough token counts for deciding how much room a request has left.
//!
//! The last successful response's usage is exact for the prefix it answered; anything after
//! it is estimated at four characters (UTF-16 units, as JavaScript counts) per token, and
//! an image at 1,200 tokens.

use crate::message::{AssistantContent, InputContent, Message, Usage, UserContent};
use crate::tool::{Tool, ToolReference};

const CHARS_PER_TOKEN: u64 = 4;
const IMAGE_CHARS: u64 = 4800;

/// Tokens a usage record says the context held.
pub fn context_tokens(usage: &Usage) -> u64 {
    if usage.total_tokens > 0 {
        usage.total_tokens
    } else {
        usage.input + usage.output + usage.cache_read + usage.cache_write
    }
}

/// An estimate of a context's size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ContextEstimate {
    /// Total tokens.
    pub tokens: u64,
    /// Tokens known from the last usable response's usage.
    pub usage_tokens: u64,
    /// Tokens estimated for the messages after it.
    pub trailing_tokens: u64,
    /// Index of that response, if there is one.
    pub last_usage_index: Option<usize>,
}

/// Estimates how many tokens `messages` take.
pub fn estimate_context_tokens<M: AsRef<Message>>(messages: &[M]) -> ContextEstimate {
    let mut last_usage = None;
    let mut latest_prefix = i64::MIN;
    for (index, message) in messages.iter().enumerate() {
        let message = message.as_ref();
        if let Message::Assistant(assistant) = message {
            // A message inserted after this response (a compaction summary, say) makes its
            // usage describe a different prefix.
            if assistant.timestamp >= latest_prefix
                && !assistant.stop_reason.is_failure()
                && context_tokens(&assistant.usage) > 0
            {
                last_usage = Some((index, context_tokens(&assistant.usage)));
            }
        }
        latest_prefix = latest_prefix.max(message.timestamp());
    }
    let (start, usage_tokens, last_usage_index) = match last_usage {
        Some((index, tokens)) => (index + 1, tokens, Some(index)),
        None => (0, 0, None),
    };
    let trailing_tokens = messages[start.min(messages.len())..]
        .iter()
        .map(|message| estimate_message_tokens(message.as_ref()))
        .sum();
    ContextEstimate {
        tokens: usage_tokens + trailing_tokens,
        usage_tokens,
        trailing_tokens,
        last_usage_index,
    }
}

impl AsRef<Message> for Message {
    fn as_ref(&self) -> &Message {
        self
    }
}

/// Estimated tokens of one message.
pub fn estimate_message_tokens(message: &Message) -> u64 {
    match message {
        Message::System(system) => {
            text_tokens(&system.prompt_text())
                + tools_tokens(system.tools_added.as_deref())
                + references_tokens(system.tools_removed.as_deref())
        }
        Message::User(user) => match &user.content {
            UserContent::Text(text) => text_tokens(text),
            UserContent::Blocks(blocks) => blocks_tokens(blocks),
        },
        Message::ToolResult(result) => blocks_tokens(&result.content),
        Message::Assistant(assistant) => {
            let chars: u64 = assistant
                .content
                .iter()
                .map(|block| match block {
                    AssistantContent::Text(text) => utf16_len(&text.text),
                    AssistantContent::Thinking(thinking) => utf16_len(&thinking.thinking),
                    AssistantContent::ToolCall(call) => {
                        let arguments = serde_json::to_string(&call.arguments).unwrap_or_default();
                        utf16_len(&call.name) + utf16_len(&arguments)
                    }
                })
                .sum();
            chars.div_ceil(CHARS_PER_TOKEN)
        }
    }
}

/// Estimated tokens of a text.
pub fn text_tokens(text: &str) -> u64 {
    utf16_len(text).div_ceil(CHARS_PER_TOKEN)
}

fn blocks_tokens(blocks: &[InputContent]) -> u64 {
    let chars: u64 = blocks
        .iter()
        .map(|block| match block {
            InputContent::Text(text) => utf16_len(&text.text),
            InputContent::Image(_) => IMAGE_CHARS,
        })
        .sum();
    chars.div_ceil(CHARS_PER_TOKEN)
}

fn tools_tokens(tools: Option<&[Tool]>) -> u64 {
    match tools {
        Some(tools) if !tools.is_empty() => {
            text_tokens(&serde_json::to_string(tools).unwrap_or_default())
        }
        _ => 0,
    }
}

fn references_tokens(tools: Option<&[ToolReference]>) -> u64 {
    match tools {
        Some(tools) if !tools.is_empty() => {
            text_tokens(&serde_json::to_string(tools).unwrap_or_default())
        }
        _ => 0,
    }
}

/// Length in UTF-16 units, as JavaScript's `length`.
fn utf16_len(text: &str) -> u64 {
    // ASCII text (the common case) has one unit per byte.
    if text.is_ascii() {
        return text.len() as u64;
    }
    text.chars().map(|c| c.len_utf16() as u64).sum()
}

//! The conversation as plain text for the summarizer: the model reads a transcript to
//! summarize instead of a conversation it might continue.

use pi_ai::{AssistantContent, InputContent, Message, UserContent};

use super::js_len;

/// Tool results longer than this (UTF-16 units) are cut in the transcript; the summary needs
/// their gist, not the whole file or log.
const TOOL_RESULT_MAX_CHARS: u64 = 2000;

/// `messages` (already converted for the model) as blocks separated by blank lines:
/// `[User]: …`, `[Assistant thinking]: …`, `[Assistant]: …`,
/// `[Assistant tool calls]: name(key=<JSON>, …); …`, `[Tool result]: …`. System messages are
/// left out; empty user and tool-result texts too.
pub fn serialize_conversation(messages: &[Message]) -> String {
    let mut parts: Vec<String> = Vec::new();
    for message in messages {
        match message {
            Message::User(user) => {
                let text = match &user.content {
                    UserContent::Text(text) => text.clone(),
                    UserContent::Blocks(blocks) => blocks_text(blocks, ""),
                };
                if !text.is_empty() {
                    parts.push(format!("[User]: {text}"));
                }
            }
            Message::Assistant(assistant) => {
                let mut thinking: Vec<&str> = Vec::new();
                let mut texts: Vec<&str> = Vec::new();
                let mut calls: Vec<String> = Vec::new();
                for block in &assistant.content {
                    match block {
                        AssistantContent::Thinking(block) => thinking.push(&block.thinking),
                        AssistantContent::Text(block) => texts.push(&block.text),
                        AssistantContent::ToolCall(call) => {
                            let arguments: Vec<String> = call
                                .arguments
                                .iter()
                                .map(|(key, value)| {
                                    let json = pi_ai::js_number::to_string(value)
                                        .unwrap_or_else(|_| "null".into());
                                    format!("{key}={json}")
                                })
                                .collect();
                            calls.push(format!("{}({})", call.name, arguments.join(", ")));
                        }
                    }
                }
                if !thinking.is_empty() {
                    parts.push(format!("[Assistant thinking]: {}", thinking.join("\n")));
                }
                if !texts.is_empty() {
                    parts.push(format!("[Assistant]: {}", texts.join("\n")));
                }
                if !calls.is_empty() {
                    parts.push(format!("[Assistant tool calls]: {}", calls.join("; ")));
                }
            }
            Message::ToolResult(result) => {
                let text = blocks_text(&result.content, "");
                if !text.is_empty() {
                    parts.push(format!("[Tool result]: {}", truncate_for_summary(&text)));
                }
            }
            Message::System(_) => {}
        }
    }
    parts.join("\n\n")
}

fn blocks_text(blocks: &[InputContent], separator: &str) -> String {
    let texts: Vec<&str> = blocks
        .iter()
        .filter_map(|block| match block {
            InputContent::Text(text) => Some(text.text.as_str()),
            InputContent::Image(_) => None,
        })
        .collect();
    texts.join(separator)
}

/// The first 2,000 UTF-16 units and a note of how many were left out.
fn truncate_for_summary(text: &str) -> String {
    let total = js_len(text);
    if total <= TOOL_RESULT_MAX_CHARS {
        return text.to_string();
    }
    let mut units = 0;
    let mut end = 0;
    for (at, c) in text.char_indices() {
        let width = c.len_utf16() as u64;
        if units + width > TOOL_RESULT_MAX_CHARS {
            break;
        }
        units += width;
        end = at + c.len_utf8();
    }
    format!(
        "{}\n\n[... {} more characters truncated]",
        &text[..end],
        total - TOOL_RESULT_MAX_CHARS
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use pi_ai::{
        AssistantMessage, TextContent, ThinkingContent, ToolCall, ToolResultMessage, UserMessage,
    };
    use serde_json::json;

    fn tool_result(text: &str) -> Message {
        let call = ToolCall::new("tc1", "read", Default::default());
        Message::ToolResult(ToolResultMessage::text(&call, text, false))
    }

    #[test]
    fn long_tool_results_are_cut_at_two_thousand_characters() {
        let result = serialize_conversation(&[tool_result(&"x".repeat(5000))]);
        assert!(result.starts_with("[Tool result]: "));
        assert!(result.ends_with("\n\n[... 3000 more characters truncated]"));
        assert!(result.contains(&"x".repeat(2000)));
        assert!(!result.contains(&"x".repeat(2001)));
        let short = "x".repeat(1500);
        assert_eq!(
            serialize_conversation(&[tool_result(&short)]),
            format!("[Tool result]: {short}")
        );
    }

    #[test]
    fn user_and_assistant_texts_are_never_cut() {
        let long = "y".repeat(5000);
        let mut assistant = AssistantMessage::empty("a", "p", "m");
        assistant.content = vec![AssistantContent::Text(TextContent::new(long.clone()))];
        let result = serialize_conversation(&[
            UserMessage::text(long.clone()).into(),
            Message::Assistant(assistant),
        ]);
        assert_eq!(result, format!("[User]: {long}\n\n[Assistant]: {long}"));
    }

    #[test]
    fn assistant_blocks_are_grouped_thinking_text_calls() {
        let mut arguments = serde_json::Map::new();
        arguments.insert("path".into(), json!("a.ts"));
        arguments.insert("limit".into(), json!(1.5));
        arguments.insert("flags".into(), json!({"x": [1, null]}));
        let mut assistant = AssistantMessage::empty("a", "p", "m");
        assistant.content = vec![
            AssistantContent::Text(TextContent::new("one")),
            AssistantContent::ToolCall(ToolCall::new("1", "read", arguments)),
            AssistantContent::Thinking(ThinkingContent::new("hmm")),
            AssistantContent::Text(TextContent::new("two")),
            AssistantContent::ToolCall(ToolCall::new("2", "ls", Default::default())),
            AssistantContent::Thinking(ThinkingContent::new("ok")),
        ];
        assert_eq!(
            serialize_conversation(&[Message::Assistant(assistant)]),
            "[Assistant thinking]: hmm\nok\n\n[Assistant]: one\ntwo\n\n\
             [Assistant tool calls]: read(path=\"a.ts\", limit=1.5, flags={\"x\":[1,null]}); ls()"
        );
    }

    #[test]
    fn empty_messages_leave_no_block() {
        let mut empty = AssistantMessage::empty("a", "p", "m");
        empty.content.clear();
        let result = serialize_conversation(&[
            UserMessage::text("").into(),
            Message::Assistant(empty),
            tool_result(""),
        ]);
        assert_eq!(result, "");
    }
}

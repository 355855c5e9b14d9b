//! The built-in adapters, one per wire API, and what they share.

mod anthropic;
mod azure_openai_responses;
pub mod faux;
mod google;
mod mistral;
mod openai_completions;
mod openai_responses;

use std::time::SystemTime;

use serde_json::Value;

use crate::context::Context;
use crate::http::HttpStatusError;
use crate::message::{InputContent, Message, StopReason, UserContent};
use crate::retry::retry_delay_from_headers;
use crate::stream::AssistantWriter;

pub use anthropic::AnthropicMessages;
pub use azure_openai_responses::AzureOpenAiResponses;
pub use google::GoogleGenerativeAi;
pub use mistral::MistralConversations;
pub use openai_completions::OpenAiCompletions;
pub use openai_responses::OpenAiResponses;

/// JavaScript truthiness of a JSON value (the reference tests fields that way).
pub(crate) fn is_truthy(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|n| n != 0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(_) | Value::Object(_) => true,
    }
}

/// Ends a stream whose request failed with an HTTP error status, reported as `text`. The
/// delay the server asked for stays on the failed message
/// ([`AssistantMessage::retry_after`](crate::AssistantMessage::retry_after)), so that a
/// caller retrying the whole turn can wait as long as asked.
pub(crate) fn fail_on_status(
    mut writer: AssistantWriter,
    reason: StopReason,
    error: &HttpStatusError,
    text: String,
) {
    writer.message_mut().retry_after = retry_delay_from_headers(&error.headers, SystemTime::now());
    writer.fail(reason, text);
}

/// GitHub Copilot's per-request headers: who initiated the request, and whether it has
/// images.
pub(crate) fn copilot_headers(context: &Context) -> Vec<(&'static str, String)> {
    let last_is_user = matches!(context.messages.last(), None | Some(Message::User(_)));
    let initiator = if last_is_user { "user" } else { "agent" };
    let mut headers = vec![
        ("X-Initiator", initiator.to_string()),
        ("Openai-Intent", "conversation-edits".to_string()),
    ];
    let has_image =
        |blocks: &[InputContent]| blocks.iter().any(|b| matches!(b, InputContent::Image(_)));
    let has_images = context.messages.iter().any(|message| match message {
        Message::User(user) => {
            matches!(&user.content, UserContent::Blocks(blocks) if has_image(blocks))
        }
        Message::ToolResult(result) => has_image(&result.content),
        _ => false,
    });
    if has_images {
        headers.push(("Copilot-Vision-Request", "true".to_string()));
    }
    headers
}

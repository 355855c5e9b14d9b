//! The built-in adapters, one per wire API, and what they share.

mod anthropic;
mod azure_openai_responses;
pub mod faux;
mod google;
mod mistral;
mod openai_completions;
mod openai_responses;

use serde_json::Value;

use crate::context::Context;
use crate::message::{InputContent, Message, UserContent};

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

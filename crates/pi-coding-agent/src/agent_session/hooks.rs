//! How the session shapes the agent's requests: pi's message conversion (custom roles,
//! blocked images) and API keys resolved for each request.

use std::sync::Arc;

use pi_agent_core::{AgentHooks, AgentMessage, BoxFuture};
use pi_ai::{InputContent, Message, TextContent, UserContent};

use crate::messages::convert_to_llm;

/// API keys per provider, resolved when a request is made (keys given as `!command` may
/// change between requests).
pub trait Credentials: Send + Sync {
    /// The key for `provider`, if one is configured.
    fn api_key(&self, provider: &str) -> Option<String>;

    /// Whether `provider` has credentials at all (without checking them).
    fn has_auth(&self, provider: &str) -> bool {
        self.api_key(provider).is_some()
    }
}

const IMAGES_BLOCKED: &str = "Image reading is disabled.";

pub(super) struct SessionHooks {
    credentials: Arc<dyn Credentials>,
    block_images: bool,
}

impl SessionHooks {
    pub(super) fn new(credentials: Arc<dyn Credentials>, block_images: bool) -> Self {
        SessionHooks {
            credentials,
            block_images,
        }
    }
}

impl AgentHooks for SessionHooks {
    fn convert_to_llm(&self, messages: &[AgentMessage]) -> Vec<Message> {
        let mut converted = convert_to_llm(messages);
        if self.block_images {
            for message in &mut converted {
                let blocks = match message {
                    Message::User(user) => match &mut user.content {
                        UserContent::Blocks(blocks) => blocks,
                        UserContent::Text(_) => continue,
                    },
                    Message::ToolResult(result) => &mut result.content,
                    _ => continue,
                };
                block_images(blocks);
            }
        }
        converted
    }

    fn api_key<'a>(&'a self, provider: &'a str) -> BoxFuture<'a, Option<String>> {
        let credentials = Arc::clone(&self.credentials);
        let provider = provider.to_string();
        // Resolving a key may run a shell command.
        Box::pin(async move {
            tokio::task::spawn_blocking(move || credentials.api_key(&provider))
                .await
                .ok()
                .flatten()
        })
    }
}

/// Replaces images with a notice, one notice per run of images.
fn block_images(blocks: &mut Vec<InputContent>) {
    if !blocks.iter().any(|b| matches!(b, InputContent::Image(_))) {
        return;
    }
    let mut kept: Vec<InputContent> = Vec::with_capacity(blocks.len());
    for block in blocks.drain(..) {
        let block = match block {
            InputContent::Image(_) => InputContent::Text(TextContent::new(IMAGES_BLOCKED)),
            other => other,
        };
        let repeated = matches!((&block, kept.last()),
            (InputContent::Text(a), Some(InputContent::Text(b))) if a.text == IMAGES_BLOCKED && b.text == IMAGES_BLOCKED);
        if !repeated {
            kept.push(block);
        }
    }
    *blocks = kept;
}

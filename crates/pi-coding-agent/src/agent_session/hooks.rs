//! How the session shapes the agent's requests: pi's message conversion (custom roles,
//! blocked images) and credentials resolved for each request.

use std::collections::HashMap;
use std::sync::Arc;

use pi_agent_core::{AgentHooks, AgentMessage, StreamFn};
use pi_ai::{InputContent, Message, Model, StartError, TextContent, UserContent};

use crate::messages::convert_to_llm;

/// What one request is authenticated with.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct RequestCredentials {
    /// The API key or access token, if the provider takes one.
    pub api_key: Option<String>,
    /// Headers to send.
    pub headers: Vec<(String, String)>,
    /// Provider environment (for example a region).
    pub env: Option<HashMap<String, String>>,
}

impl std::fmt::Debug for RequestCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RequestCredentials")
            .field("api_key", &self.api_key.as_ref().map(|_| "<redacted>"))
            .finish_non_exhaustive()
    }
}

/// Credentials per model, resolved when each request is made (a key given as a `!command`
/// may change between requests).
pub trait Credentials: Send + Sync {
    /// The credentials for a request to `model`, or why there are none.
    fn request_credentials(&self, model: &Model) -> Result<RequestCredentials, String>;

    /// Whether `provider` has credentials at all (without checking them).
    fn has_auth(&self, provider: &str) -> bool;
}

/// `inner`, with each request's credentials resolved first.
pub(super) fn authenticated(inner: StreamFn, credentials: Arc<dyn Credentials>) -> StreamFn {
    Arc::new(move |model, context, options| {
        let resolved =
            credentials
                .request_credentials(model)
                .map_err(|_| StartError::NoApiKey {
                    provider: model.provider.clone(),
                })?;
        let mut options = options.clone();
        if resolved.api_key.is_some() {
            options.base.api_key = resolved.api_key;
        }
        options.base.headers.extend(
            resolved
                .headers
                .into_iter()
                .map(|(name, value)| (name, Some(value))),
        );
        if resolved.env.is_some() {
            options.base.env = resolved.env;
        }
        inner(model, context, &options)
    })
}

const IMAGES_BLOCKED: &str = "Image reading is disabled.";

pub(super) struct SessionHooks {
    pub(super) block_images: bool,
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

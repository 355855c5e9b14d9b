//! What the session's unit tests share: a session configuration answered by a scripted
//! (faux) provider, without tools, retries or a system prompt.

use std::sync::Arc;

use pi_agent_core::QueueMode;
use pi_ai::faux::FauxProvider;
use pi_ai::{Model, ThinkingLevel};

use super::{AgentSessionConfig, Credentials};
use crate::config::settings::RetrySettings;

/// A configuration whose requests `faux` answers, for `model`.
pub(crate) fn faux_config(
    faux: &FauxProvider,
    model: Model,
    credentials: Arc<dyn Credentials>,
) -> AgentSessionConfig {
    let provider = faux.clone();
    AgentSessionConfig {
        model: Some(model),
        thinking_level: ThinkingLevel::Off,
        tools: Vec::new(),
        system_prompt: Default::default(),
        expand_prompt: None,
        credentials,
        retry: RetrySettings {
            enabled: false,
            max_retries: 0,
            base_delay_ms: 0,
            max_agent_delay_ms: 0,
        },
        steering_mode: QueueMode::OneAtATime,
        follow_up_mode: QueueMode::OneAtATime,
        block_images: false,
        auto_resize_images: false,
        request: Default::default(),
        stream_fn: Some(Arc::new(move |model, context, options| {
            pi_ai::ApiProvider::stream_simple(&provider, model, context, options)
        })),
        docs_dir: Default::default(),
    }
}

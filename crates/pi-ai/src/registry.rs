//! Adapters by API name, and the calls that dispatch to them.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use crate::context::Context;
use crate::message::AssistantMessage;
use crate::model::Model;
use crate::options::{SimpleStreamOptions, StreamOptions};
use crate::providers::{
    AnthropicMessages, AzureOpenAiResponses, GoogleGenerativeAi, MistralConversations,
    OpenAiCompletions, OpenAiResponses,
};
use crate::stream::AssistantStream;

/// Why a request could not start. The only failure reported before streaming: everything
/// else ends the stream with an error event.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StartError {
    /// No key was given and none is configured in the environment.
    #[error("No API key for provider: {provider}")]
    NoApiKey {
        /// The provider without a key.
        provider: String,
    },
}

/// An adapter: turns a [`Context`] into a provider request and its response into events.
///
/// Contract: `stream` must not panic and must not fail early; every problem (HTTP status,
/// network, malformed data, cancellation) ends the stream with an `error` event carrying
/// the content and usage gathered so far. `stream_simple` may refuse to start only for a
/// missing API key.
pub trait ApiProvider: Send + Sync {
    /// The API name this adapter serves (`anthropic-messages`, ...).
    fn api(&self) -> &str;

    /// Streams a response using raw options.
    fn stream(&self, model: &Model, context: &Context, options: &StreamOptions) -> AssistantStream;

    /// Streams a response, deriving thinking options from a level and the key from the
    /// environment when none is given.
    fn stream_simple(
        &self,
        model: &Model,
        context: &Context,
        options: &SimpleStreamOptions,
    ) -> Result<AssistantStream, StartError>;
}

/// Adapters keyed by API name. Clone it freely: adapters are shared.
///
/// Register your own adapter for a new API name, or replace a built-in one:
///
/// ```
/// use pi_ai::faux::{FauxProvider, FauxResponse};
/// use pi_ai::{ApiRegistry, SimpleStreamOptions, ThinkingLevel};
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// let faux = FauxProvider::new([FauxResponse::thinking_then_text("Hmm.", "42")]).with_api("my-api");
/// let mut registry = ApiRegistry::builtin();
/// registry.register(faux.clone());
/// assert_eq!(
///     registry.apis(),
///     ["anthropic-messages", "azure-openai-responses", "google-generative-ai", "mistral-conversations", "my-api", "openai-completions", "openai-responses"]
/// );
///
/// let options = SimpleStreamOptions { reasoning: Some(ThinkingLevel::High), ..Default::default() };
/// let reply = registry.complete_simple(&faux.model(), &"Answer?".into(), &options).await?;
/// assert_eq!(reply.text(), "42");
/// # Ok::<(), pi_ai::StartError>(())
/// # }).unwrap();
/// ```
#[derive(Clone, Default)]
pub struct ApiRegistry {
    providers: HashMap<String, Arc<dyn ApiProvider>>,
}

impl fmt::Debug for ApiRegistry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut apis: Vec<&String> = self.providers.keys().collect();
        apis.sort();
        f.debug_struct("ApiRegistry").field("apis", &apis).finish()
    }
}

impl ApiRegistry {
    /// An empty registry.
    pub fn new() -> Self {
        ApiRegistry::default()
    }

    /// A registry with the built-in adapters: `anthropic-messages`, `openai-completions`,
    /// `openai-responses`, `azure-openai-responses`, `google-generative-ai` and
    /// `mistral-conversations`.
    pub fn builtin() -> Self {
        let mut registry = ApiRegistry::new();
        registry.register(AnthropicMessages);
        registry.register(OpenAiCompletions);
        registry.register(OpenAiResponses::default());
        registry.register(AzureOpenAiResponses::default());
        registry.register(GoogleGenerativeAi);
        registry.register(MistralConversations);
        registry
    }

    /// Adds (or replaces) the adapter for its API.
    pub fn register(&mut self, provider: impl ApiProvider + 'static) -> &mut Self {
        self.register_shared(Arc::new(provider))
    }

    /// Adds (or replaces) a shared adapter for its API.
    pub fn register_shared(&mut self, provider: Arc<dyn ApiProvider>) -> &mut Self {
        self.providers.insert(provider.api().to_string(), provider);
        self
    }

    /// Removes the adapter for `api`.
    pub fn unregister(&mut self, api: &str) -> Option<Arc<dyn ApiProvider>> {
        self.providers.remove(api)
    }

    /// The adapter for `api`.
    pub fn get(&self, api: &str) -> Option<&Arc<dyn ApiProvider>> {
        self.providers.get(api)
    }

    /// The registered API names, sorted.
    pub fn apis(&self) -> Vec<&str> {
        let mut apis: Vec<&str> = self.providers.keys().map(String::as_str).collect();
        apis.sort_unstable();
        apis
    }

    /// Streams a response from `model`'s adapter. An unknown API gives a failed stream.
    pub fn stream(
        &self,
        model: &Model,
        context: &Context,
        options: &StreamOptions,
    ) -> AssistantStream {
        match self.get(&model.api) {
            Some(provider) => provider.stream(model, context, options),
            None => AssistantStream::failed(model, no_provider(&model.api)),
        }
    }

    /// Streams a response with thinking-level options (see [`ApiProvider::stream_simple`]).
    pub fn stream_simple(
        &self,
        model: &Model,
        context: &Context,
        options: &SimpleStreamOptions,
    ) -> Result<AssistantStream, StartError> {
        match self.get(&model.api) {
            Some(provider) => provider.stream_simple(model, context, options),
            None => Ok(AssistantStream::failed(model, no_provider(&model.api))),
        }
    }

    /// The final message of [`Self::stream`].
    pub async fn complete(
        &self,
        model: &Model,
        context: &Context,
        options: &StreamOptions,
    ) -> AssistantMessage {
        self.stream(model, context, options).result().await
    }

    /// The final message of [`Self::stream_simple`].
    pub async fn complete_simple(
        &self,
        model: &Model,
        context: &Context,
        options: &SimpleStreamOptions,
    ) -> Result<AssistantMessage, StartError> {
        Ok(self.stream_simple(model, context, options)?.result().await)
    }
}

fn no_provider(api: &str) -> String {
    format!("No API provider registered for api: {api}")
}

/// [`ApiRegistry::stream`] on the built-in adapters.
pub fn stream(model: &Model, context: &Context, options: &StreamOptions) -> AssistantStream {
    ApiRegistry::builtin().stream(model, context, options)
}

/// [`ApiRegistry::complete`] on the built-in adapters.
///
/// ```
/// use pi_ai::testing::{TestServer, Turn};
/// use pi_ai::{StopReason, StreamOptions};
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// let server = TestServer::start().await.unwrap(); // a local stand-in for the provider
/// server.push(Turn::text("Paris."));
/// let model = server.model("openai-completions", "gpt-test");
/// let options = StreamOptions { api_key: Some("sk-test".into()), ..Default::default() };
///
/// let reply = pi_ai::complete(&model, &"Capital of France?".into(), &options).await;
/// assert_eq!(reply.stop_reason, StopReason::Stop);
/// assert_eq!(reply.text(), "Paris.");
/// # });
/// ```
pub async fn complete(
    model: &Model,
    context: &Context,
    options: &StreamOptions,
) -> AssistantMessage {
    stream(model, context, options).result().await
}

/// [`ApiRegistry::stream_simple`] on the built-in adapters.
///
/// Without a key in the options or the environment nothing is sent:
///
/// ```
/// # let model: pi_ai::Model = serde_json::from_value(serde_json::json!({
/// #     "id": "m", "name": "m", "api": "anthropic-messages", "provider": "no-such-provider",
/// #     "baseUrl": "http://127.0.0.1:9", "reasoning": false, "input": ["text"],
/// #     "cost": {"input": 0, "output": 0, "cacheRead": 0, "cacheWrite": 0},
/// #     "contextWindow": 1000, "maxTokens": 100})).unwrap();
/// let error = pi_ai::stream_simple(&model, &"Hi".into(), &Default::default()).unwrap_err();
/// assert_eq!(error.to_string(), "No API key for provider: no-such-provider");
/// ```
pub fn stream_simple(
    model: &Model,
    context: &Context,
    options: &SimpleStreamOptions,
) -> Result<AssistantStream, StartError> {
    ApiRegistry::builtin().stream_simple(model, context, options)
}

/// [`ApiRegistry::complete_simple`] on the built-in adapters.
pub async fn complete_simple(
    model: &Model,
    context: &Context,
    options: &SimpleStreamOptions,
) -> Result<AssistantMessage, StartError> {
    Ok(stream_simple(model, context, options)?.result().await)
}

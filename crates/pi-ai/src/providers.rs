//! The built-in adapters, one per wire API, and what they share.

mod anthropic;
mod azure_openai_responses;
pub mod faux;
mod google;
mod mistral;
mod openai_completions;
mod openai_responses;
mod transport;

use serde_json::Value;

use crate::compat::SessionAffinityFormat;
use crate::context::{Context, Transcript};
use crate::env_keys::env_api_key;
use crate::http::Headers;
use crate::message::{InputContent, Message, UserContent};
use crate::model::Model;
use crate::options::{CacheRetention, SimpleStreamOptions, StreamOptions, base_options};
use crate::registry::{ApiProvider, StartError};
use crate::stream::AssistantStream;
use crate::tool::Tool;

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

/// Why a request cannot start: `No API key for provider: <provider>`.
pub(crate) fn no_api_key(model: &Model) -> StartError {
    StartError::NoApiKey {
        provider: model.provider.clone(),
    }
}

/// The caller's key (an empty one counts as none), else the provider's key from the
/// environment.
pub(crate) fn api_key(model: &Model, options: &StreamOptions) -> Option<String> {
    options
        .api_key
        .clone()
        .filter(|key| !key.is_empty())
        .or_else(|| env_api_key(&model.provider, options))
}

/// [`api_key`], or `"unused"` when the caller authenticates with an `Authorization` (or
/// Cloudflare AI Gateway) header instead.
pub(crate) fn api_key_or_header_auth(model: &Model, options: &StreamOptions) -> Option<String> {
    api_key(model, options).or_else(|| {
        let header_auth = options.headers.iter().any(|(name, value)| {
            (name.eq_ignore_ascii_case("authorization")
                || name.eq_ignore_ascii_case("cf-aig-authorization"))
                && value.as_deref().is_some_and(|v| !v.trim().is_empty())
        });
        header_auth.then(|| "unused".to_string())
    })
}

/// The raw options of a level-based request: pi's defaults for `model`, with `api_key`.
pub(crate) fn simple_base(
    model: &Model,
    context: &Context,
    options: &SimpleStreamOptions,
    api_key: Option<String>,
) -> StreamOptions {
    let transcript = Transcript::new(context);
    base_options(model, &transcript.messages, options, api_key)
}

/// [`ApiProvider::stream_simple`] of the adapters whose raw options speak the thinking level
/// itself: the request with `api_key` and the level clamped to the model, or no start
/// without a key.
pub(crate) fn stream_simple_with_key(
    adapter: &impl ApiProvider,
    model: &Model,
    context: &Context,
    options: &SimpleStreamOptions,
    api_key: Option<String>,
) -> Result<AssistantStream, StartError> {
    let Some(api_key) = api_key else {
        return Err(no_api_key(model));
    };
    let mut base = simple_base(model, context, options, Some(api_key));
    base.thinking.level = options
        .level()
        .map(|level| model.clamp_thinking_level(level));
    Ok(adapter.stream(model, context, &base))
}

/// The session headers an OpenAI-style request sends while caching is on.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SessionHeaders {
    /// Which header names carry the session.
    pub format: SessionAffinityFormat,
    /// Whether the OpenAI formats also send `x-session-affinity` (Chat Completions does, the
    /// Responses API does not).
    pub affinity: bool,
}

/// An OpenAI-style request's headers: JSON accept and bearer key, then the model's headers,
/// GitHub Copilot's, the session's and last the caller's (`None` removes one).
pub(crate) fn openai_headers(
    model: &Model,
    context: &Context,
    options: &StreamOptions,
    api_key: &str,
    session_headers: Option<SessionHeaders>,
) -> Headers {
    let mut headers = Headers::new();
    headers.set("Accept", "application/json");
    headers.set("Authorization", format!("Bearer {api_key}"));
    for (name, value) in model.headers.iter().flatten() {
        headers.set(name, value.clone());
    }
    if model.provider == "github-copilot" {
        for (name, value) in copilot_headers(context) {
            headers.set(name, value);
        }
    }
    let session = options
        .session_id
        .as_ref()
        .filter(|_| options.resolved_cache_retention() != CacheRetention::None);
    if let (Some(session), Some(wanted)) = (session, session_headers) {
        match wanted.format {
            SessionAffinityFormat::Openrouter => headers.set("x-session-id", session.clone()),
            format => {
                if format == SessionAffinityFormat::Openai {
                    headers.set("session_id", session.clone());
                }
                headers.set("x-client-request-id", session.clone());
                if wanted.affinity {
                    headers.set("x-session-affinity", session.clone());
                }
            }
        }
    }
    for (name, value) in &options.headers {
        match value {
            Some(value) => headers.set(name, value.clone()),
            None => headers.remove(name),
        }
    }
    headers
}

/// The first `max` characters of `text`, counted as JavaScript counts them (UTF-16 units),
/// without splitting a character.
pub(crate) fn truncate_chars(text: &str, max: usize) -> &str {
    crate::transform::truncate_utf16(text, max)
}

/// How many characters (UTF-16 units, as JavaScript counts) of an error body pi quotes.
pub(crate) const MAX_ERROR_BODY_CHARS: usize = 4000;

/// An error body cut to [`MAX_ERROR_BODY_CHARS`] characters, saying how many were left out.
pub(crate) fn truncate_error_body(text: &str) -> String {
    let total = text.encode_utf16().count();
    if total <= MAX_ERROR_BODY_CHARS {
        return text.to_string();
    }
    let kept = truncate_chars(text, MAX_ERROR_BODY_CHARS);
    format!(
        "{kept}... [truncated {} chars]",
        total - MAX_ERROR_BODY_CHARS
    )
}

/// The tools a request declares: the first system message's when later additions are
/// anchored where they appear, else every tool in effect at the end.
pub(crate) fn request_tools(transcript: &Transcript<'_>, anchors_additions: bool) -> Vec<Tool> {
    if anchors_additions {
        transcript
            .initial_system()
            .and_then(|s| s.tools_added.clone())
            .unwrap_or_default()
    } else {
        transcript.current_tools().into_iter().cloned().collect()
    }
}

/// Whether a tool was removed or redeclared in `transcript`: additions anchored in place
/// cannot say that.
pub(crate) fn has_non_additive_tool_changes(transcript: &Transcript<'_>) -> bool {
    let mut declared = std::collections::HashSet::new();
    for message in &transcript.messages {
        if let Message::System(system) = message.as_ref() {
            if system.tools_removed.as_ref().is_some_and(|r| !r.is_empty()) {
                return true;
            }
            for tool in system.tools_added.iter().flatten() {
                if !declared.insert(tool.name.as_str()) {
                    return true;
                }
            }
        }
    }
    false
}

/// An error status for tests of how adapters word one.
#[cfg(test)]
pub(crate) fn status_error(code: u16, body: &str) -> crate::http::HttpStatusError {
    crate::http::HttpStatusError {
        status: reqwest::StatusCode::from_u16(code).unwrap(),
        headers: reqwest::header::HeaderMap::new(),
        body: body.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn error_bodies_are_cut_as_javascript_counts() {
        // Each emoji is two UTF-16 units, as `String.prototype.length` counts them.
        let body = "😀".repeat(2500);
        let cut = truncate_error_body(&body);
        assert_eq!(
            cut,
            format!("{}... [truncated 1000 chars]", "😀".repeat(2000))
        );
        assert_eq!(truncate_error_body("short"), "short");
        assert_eq!(truncate_chars("a😀b", 2), "a");
    }

    fn model(provider: &str) -> Model {
        serde_json::from_value(json!({
            "id": "m", "name": "m", "api": "openai-completions", "provider": provider,
            "baseUrl": "http://x", "reasoning": false, "input": ["text"],
            "cost": {"input": 0, "output": 0, "cacheRead": 0, "cacheWrite": 0},
            "contextWindow": 1000, "maxTokens": 100, "headers": {"X-Model": "1"}
        }))
        .unwrap()
    }

    fn names(headers: &Headers) -> Vec<&str> {
        [
            "session_id",
            "x-client-request-id",
            "x-session-affinity",
            "x-session-id",
        ]
        .into_iter()
        .filter(|name| headers.get(name) == Some("s-1"))
        .collect()
    }

    #[test]
    fn openai_session_headers_follow_the_format() {
        let options = StreamOptions {
            session_id: Some("s-1".into()),
            ..StreamOptions::default()
        };
        let context = Context::from("Hi");
        let sent = |format, affinity| {
            let wanted = Some(SessionHeaders { format, affinity });
            openai_headers(&model("p"), &context, &options, "k", wanted)
        };
        use SessionAffinityFormat as F;
        assert_eq!(
            names(&sent(F::Openai, true)),
            ["session_id", "x-client-request-id", "x-session-affinity"]
        );
        assert_eq!(
            names(&sent(F::Openai, false)),
            ["session_id", "x-client-request-id"]
        );
        assert_eq!(
            names(&sent(F::OpenaiNosession, true)),
            ["x-client-request-id", "x-session-affinity"]
        );
        assert_eq!(names(&sent(F::Openrouter, true)), ["x-session-id"]);
        let none = openai_headers(&model("p"), &context, &options, "k", None);
        assert!(names(&none).is_empty());
        let uncached = StreamOptions {
            cache_retention: Some(CacheRetention::None),
            ..options.clone()
        };
        let wanted = Some(SessionHeaders {
            format: F::Openai,
            affinity: true,
        });
        let headers = openai_headers(&model("p"), &context, &uncached, "k", wanted);
        assert!(names(&headers).is_empty());
    }

    #[test]
    fn openai_headers_layer_model_copilot_and_caller_headers() {
        let options = StreamOptions {
            headers: vec![
                ("x-model".into(), Some("caller".into())),
                ("accept".into(), None),
            ],
            ..StreamOptions::default()
        };
        let headers = openai_headers(&model("p"), &Context::from("Hi"), &options, "k", None);
        assert_eq!(headers.get("Authorization"), Some("Bearer k"));
        assert_eq!(headers.get("X-Model"), Some("caller"));
        assert_eq!(headers.get("Accept"), None);
        assert_eq!(headers.get("X-Initiator"), None);
        let copilot = openai_headers(
            &model("github-copilot"),
            &Context::from("Hi"),
            &StreamOptions::default(),
            "k",
            None,
        );
        assert_eq!(copilot.get("Accept"), Some("application/json"));
        assert_eq!(copilot.get("X-Model"), Some("1"));
        assert_eq!(copilot.get("X-Initiator"), Some("user"));
        assert_eq!(copilot.get("Openai-Intent"), Some("conversation-edits"));
    }

    #[test]
    fn keys_come_from_options_environment_or_an_auth_header() {
        let model = model("p");
        let keyed = StreamOptions {
            api_key: Some("k".into()),
            ..StreamOptions::default()
        };
        assert_eq!(api_key(&model, &keyed).as_deref(), Some("k"));
        let empty = StreamOptions {
            api_key: Some(String::new()),
            headers: vec![("Authorization".into(), Some("  ".into()))],
            ..StreamOptions::default()
        };
        assert_eq!(api_key_or_header_auth(&model, &empty), None);
        let header = StreamOptions {
            headers: vec![("cf-aig-authorization".into(), Some("t".into()))],
            ..StreamOptions::default()
        };
        assert_eq!(api_key(&model, &header), None);
        assert_eq!(
            api_key_or_header_auth(&model, &header).as_deref(),
            Some("unused")
        );
    }

    #[test]
    fn error_bodies_are_cut_by_characters() {
        assert_eq!(truncate_error_body("short"), "short");
        let long = "é".repeat(4003);
        assert_eq!(
            truncate_error_body(&long),
            format!("{}... [truncated 3 chars]", "é".repeat(4000))
        );
        assert_eq!(truncate_chars("a☃b", 2), "a☃");
    }
}

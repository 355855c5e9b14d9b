//! HTTP for the adapters: one shared client, pi's headers, retries and readable failures.

use std::sync::OnceLock;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use futures_util::{Stream, StreamExt};
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use reqwest::{Client, Method, Request, Response, StatusCode, Url};

use crate::model::Model;
use crate::options::StreamOptions;
use crate::retry;

const DEFAULT_MAX_RETRY_DELAY: Duration = Duration::from_secs(60);

/// Why an HTTP request produced no usable response.
#[derive(Debug)]
pub(crate) enum RequestError {
    /// The server answered with an error status.
    Status(Box<HttpStatusError>),
    /// No answer: connection, TLS or timeout trouble.
    Network(String),
    /// The caller cancelled.
    Aborted,
    /// A retry delay the server asked for was longer than allowed.
    RetryDelayTooLong(String),
    /// The request could not be built.
    Invalid(String),
}

/// An error status with its headers and body text.
#[derive(Debug)]
pub(crate) struct HttpStatusError {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

/// The process-wide HTTP client (connection pools are shared by every request).
pub(crate) fn client() -> Result<&'static Client, RequestError> {
    static CLIENT: OnceLock<Result<Client, String>> = OnceLock::new();
    let client = CLIENT.get_or_init(|| {
        // reqwest is built without a default TLS crypto provider; use ring unless the
        // embedding program installed one already.
        if rustls::crypto::CryptoProvider::get_default().is_none() {
            // Losing the race to another installer is fine: a provider is installed either way.
            let _ = rustls::crypto::ring::default_provider().install_default();
        }
        Client::builder().build().map_err(|err| error_chain(&err))
    });
    client
        .as_ref()
        .map_err(|err| RequestError::Network(format!("Could not set up HTTP: {err}")))
}

/// `pi (<os> <release>; <arch>)`, with Node's names for OS and architecture.
pub fn user_agent() -> &'static str {
    static AGENT: OnceLock<String> = OnceLock::new();
    AGENT.get_or_init(|| {
        let arch = match std::env::consts::ARCH {
            "x86_64" => "x64",
            "aarch64" => "arm64",
            "x86" => "ia32",
            other => other,
        };
        let os = match std::env::consts::OS {
            "macos" => "darwin",
            "windows" => "win32",
            other => other,
        };
        match os_release() {
            Some(release) => format!("pi ({os} {release}; {arch})"),
            None => format!("pi ({os}; {arch})"),
        }
    })
}

fn os_release() -> Option<String> {
    let release = std::fs::read_to_string("/proc/sys/kernel/osrelease").ok()?;
    let release = release.trim();
    (!release.is_empty()).then(|| release.to_string())
}

/// Request headers: defaults, then the model's, then the caller's (`None` removes one).
/// Later names replace earlier ones regardless of case.
#[derive(Debug, Default)]
pub(crate) struct Headers(Vec<(String, String)>);

impl Headers {
    pub fn new() -> Self {
        Headers(vec![("User-Agent".to_string(), user_agent().to_string())])
    }

    pub fn set(&mut self, name: &str, value: impl Into<String>) {
        self.remove(name);
        self.0.push((name.to_string(), value.into()));
    }

    pub fn remove(&mut self, name: &str) {
        self.0
            .retain(|(existing, _)| !existing.eq_ignore_ascii_case(name));
    }

    #[cfg(test)]
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Applies the model's headers and then the caller's.
    pub fn apply_overrides(&mut self, model: &Model, options: &StreamOptions) {
        for (name, value) in model.headers.iter().flatten() {
            self.set(name, value.clone());
        }
        for (name, value) in &options.headers {
            match value {
                Some(value) => self.set(name, value.clone()),
                None => self.remove(name),
            }
        }
    }

    fn to_header_map(&self) -> Result<HeaderMap, RequestError> {
        let mut map = HeaderMap::new();
        for (name, value) in &self.0 {
            let header = HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| RequestError::Invalid(format!("invalid header name: {name}")))?;
            // The value may be a secret: name the header, never print the value.
            let value = HeaderValue::from_str(value)
                .map_err(|_| RequestError::Invalid(format!("invalid value for header {name}")))?;
            map.insert(header, value);
        }
        Ok(map)
    }
}

/// Joins `base` and `path` the way the providers' SDKs do (no doubled slash).
pub(crate) fn join_url(base: &str, path: &str) -> String {
    format!(
        "{}/{}",
        base.trim_end_matches('/'),
        path.trim_start_matches('/')
    )
}

/// POSTs `body` as JSON and returns the response once its status is a success, retrying
/// retryable failures up to `options.max_retries` times. `describe` renders a status error
/// the way the adapter reports it (used when a retry delay is refused).
pub(crate) async fn post_json(
    url: &str,
    headers: &Headers,
    body: Vec<u8>,
    options: &StreamOptions,
    describe: impl Fn(&HttpStatusError) -> String,
) -> Result<Response, RequestError> {
    let client = client()?;
    let url = Url::parse(url)
        .map_err(|err| RequestError::Invalid(format!("invalid URL {url}: {err}")))?;
    let mut header_map = headers.to_header_map()?;
    header_map.insert(
        reqwest::header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    let body = Bytes::from(body);
    let mut retries_left = options.max_retries;
    loop {
        let mut request = Request::new(Method::POST, url.clone());
        *request.headers_mut() = header_map.clone();
        *request.body_mut() = Some(body.clone().into());
        let outcome = cancellable(options, client.execute(request)).await;
        let failure = match outcome {
            None => return Err(RequestError::Aborted),
            Some(Ok(response)) if response.status().is_success() => return Ok(response),
            Some(Ok(response)) => {
                let status = response.status();
                let headers = response.headers().clone();
                let body = match cancellable(options, response.text()).await {
                    None => return Err(RequestError::Aborted),
                    Some(text) => text.unwrap_or_default(),
                };
                RequestError::Status(Box::new(HttpStatusError {
                    status,
                    headers,
                    body,
                }))
            }
            Some(Err(err)) => RequestError::Network(describe_network_error(&err)),
        };
        if retries_left == 0 || !is_retryable(&failure) {
            return Err(failure);
        }
        let attempt = options.max_retries - retries_left;
        retries_left -= 1;
        let delay = retry_delay(&failure, attempt, options, &describe)?;
        if cancellable(options, tokio::time::sleep(delay))
            .await
            .is_none()
        {
            return Err(RequestError::Aborted);
        }
    }
}

/// Runs `future` unless the request is cancelled first (`None`).
pub(crate) async fn cancellable<F: Future>(
    options: &StreamOptions,
    future: F,
) -> Option<F::Output> {
    match &options.cancel {
        None => Some(future.await),
        Some(token) => tokio::select! {
            biased;
            () = token.cancelled() => None,
            output = future => Some(output),
        },
    }
}

/// The SDKs' retry policy: the server's `x-should-retry` wins; otherwise network errors,
/// 408, 409, 429 and 5xx are retried.
fn is_retryable(failure: &RequestError) -> bool {
    match failure {
        RequestError::Network(_) => true,
        RequestError::Status(error) => {
            match error
                .headers
                .get("x-should-retry")
                .and_then(|v| v.to_str().ok())
            {
                Some("true") => return true,
                Some("false") => return false,
                _ => {}
            }
            let status = error.status.as_u16();
            matches!(status, 408 | 409 | 429) || status >= 500
        }
        _ => false,
    }
}

fn retry_delay(
    failure: &RequestError,
    attempt: u32,
    options: &StreamOptions,
    describe: &impl Fn(&HttpStatusError) -> String,
) -> Result<Duration, RequestError> {
    if let RequestError::Status(error) = failure
        && let Some(requested) = retry::retry_after(&error.headers, SystemTime::now())
    {
        let max = options.max_retry_delay.unwrap_or(DEFAULT_MAX_RETRY_DELAY);
        if !max.is_zero() && requested > max {
            return Err(RequestError::RetryDelayTooLong(format!(
                "Server requested {}s retry delay (max: {}s). {}",
                requested.as_millis().div_ceil(1000),
                max.as_millis().div_ceil(1000),
                describe(error)
            )));
        }
        return Ok(requested);
    }
    let base_ms = (500u64 << attempt.min(4)).min(8000);
    // Up to 25% jitter so clients that failed together do not retry together.
    let jitter_percent = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |elapsed| u64::from(elapsed.subsec_nanos()) % 25);
    Ok(Duration::from_millis(
        base_ms * (100 - jitter_percent) / 100,
    ))
}

/// A network failure as one readable line, without the URL (it can carry a key).
pub(crate) fn describe_network_error(err: &reqwest::Error) -> String {
    let kind = if err.is_timeout() {
        "Request timed out"
    } else {
        "Connection error"
    };
    format!("{kind}: {}", error_chain(&ErrorWithoutUrl(err)))
}

struct ErrorWithoutUrl<'a>(&'a reqwest::Error);

impl std::fmt::Debug for ErrorWithoutUrl<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(self, f)
    }
}

impl std::fmt::Display for ErrorWithoutUrl<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let text = self.0.to_string();
        // reqwest appends " for url (...)"; drop it.
        let text = text.split(" for url (").next().unwrap_or(&text);
        f.write_str(text)
    }
}

impl std::error::Error for ErrorWithoutUrl<'_> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        std::error::Error::source(self.0)
    }
}

/// An error and its sources joined with `": "`, skipping repeats.
pub(crate) fn error_chain(err: &dyn std::error::Error) -> String {
    let mut parts: Vec<String> = vec![err.to_string()];
    let mut source = err.source();
    while let Some(cause) = source {
        let text = cause.to_string();
        if !parts.iter().any(|part| part.contains(&text)) {
            parts.push(text);
        }
        source = cause.source();
    }
    parts.join(": ")
}

/// The body of a successful response as a stream of chunks, with transport errors rendered
/// as readable text.
pub(crate) fn body_stream(response: Response) -> impl Stream<Item = Result<Bytes, String>> {
    response.bytes_stream().map(|chunk| {
        chunk.map_err(|err| {
            format!(
                "Connection lost while streaming the response: {}",
                error_chain(&ErrorWithoutUrl(&err))
            )
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_agent_names_os_and_arch_like_node() {
        let agent = user_agent();
        assert!(agent.starts_with("pi ("), "{agent}");
        assert!(agent.ends_with(')'), "{agent}");
        if cfg!(all(target_os = "linux", target_arch = "x86_64")) {
            assert!(
                agent.starts_with("pi (linux ") && agent.ends_with("; x64)"),
                "{agent}"
            );
        }
    }

    #[test]
    fn headers_replace_case_insensitively_and_can_be_removed() {
        let mut headers = Headers::new();
        headers.set("x-api-key", "a");
        headers.set("X-Api-Key", "b");
        assert_eq!(headers.get("x-api-key"), Some("b"));
        headers.remove("USER-AGENT");
        assert_eq!(headers.get("user-agent"), None);
    }

    #[test]
    fn urls_join_without_double_slashes() {
        assert_eq!(
            join_url("http://h/v1/", "/chat/completions"),
            "http://h/v1/chat/completions"
        );
        assert_eq!(join_url("http://h", "v1/messages"), "http://h/v1/messages");
    }
}

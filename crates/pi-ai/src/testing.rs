//! A loopback HTTP server that plays providers for tests (feature `testing`).
//!
//! Queue [`Turn`]s; each request takes the next one and gets it back in the wire format its
//! path asks for (`…/messages` for Anthropic, `…/chat/completions` for OpenAI Chat
//! Completions, `…/responses` for OpenAI Responses, `…/models/{id}:streamGenerateContent` for
//! Gemini, `/mistral/…/chat/completions` for Mistral), streamed as server-sent events. Every
//! request is recorded. A turn can
//! instead inject a [`Fault`]: an HTTP error with a provider-shaped body and `retry-after`,
//! a connection cut mid-stream, or a stall.
//!
//! ```
//! use pi_ai::testing::{TestServer, Turn};
//! # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
//! let server = TestServer::start().await.unwrap();
//! server.push(Turn::text("Hi there."));
//! let model = server.model("anthropic-messages", "claude-test");
//! let options = pi_ai::StreamOptions { api_key: Some("sk-test".into()), ..Default::default() };
//! let reply = pi_ai::complete(&model, &"Hello".into(), &options).await;
//! assert_eq!(reply.text(), "Hi there.");
//! assert_eq!(server.requests()[0].body["messages"][0]["content"][0]["text"], "Hello");
//! # });
//! ```

mod anthropic;
mod google;
mod mistral;
mod openai_chat;
mod openai_responses;

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use bytes::Bytes;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinSet;

use crate::model::{InputKind, Model, ModelCost};

/// One scripted response.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Turn {
    /// Reasoning, streamed before the answer.
    pub thinking: Option<String>,
    /// A redacted reasoning payload (Anthropic only).
    pub redacted_thinking: Option<String>,
    /// The answer text.
    pub text: Option<String>,
    /// Tool calls, after the text.
    pub tool_calls: Vec<ScriptedCall>,
    /// How the response ends; by default `tool_use` when there are calls, else a normal stop.
    pub stop: Option<ScriptedStop>,
    /// Into how many deltas each text and argument string is split (default 3).
    pub chunks: Option<usize>,
    /// Token counts to report (default: estimated from request and answer).
    pub usage: Option<ScriptedUsage>,
    /// Pause between events.
    pub delay: Duration,
    /// What goes wrong, if anything.
    pub fault: Option<Fault>,
    /// A recorded event stream to send verbatim instead.
    pub raw_body: Option<Bytes>,
    /// Extra response headers (for example rate-limit headers on a fault).
    pub headers: Vec<(String, String)>,
}

impl Turn {
    /// A text answer.
    pub fn text(text: impl Into<String>) -> Self {
        Turn {
            text: Some(text.into()),
            ..Turn::default()
        }
    }

    /// A turn that fails with `fault`.
    pub fn fault(fault: Fault) -> Self {
        Turn {
            fault: Some(fault),
            ..Turn::default()
        }
    }

    /// A recorded event stream, sent as-is.
    pub fn raw(body: impl Into<Bytes>) -> Self {
        Turn {
            raw_body: Some(body.into()),
            ..Turn::default()
        }
    }

    /// Adds reasoning before the answer.
    pub fn with_thinking(mut self, thinking: impl Into<String>) -> Self {
        self.thinking = Some(thinking.into());
        self
    }

    /// Adds a redacted reasoning block.
    pub fn with_redacted_thinking(mut self, payload: impl Into<String>) -> Self {
        self.redacted_thinking = Some(payload.into());
        self
    }

    /// Adds a tool call.
    pub fn with_tool_call(mut self, name: impl Into<String>, arguments: Value) -> Self {
        self.tool_calls.push(ScriptedCall {
            id: None,
            name: name.into(),
            arguments,
        });
        self
    }

    /// Sets how the response ends.
    pub fn with_stop(mut self, stop: ScriptedStop) -> Self {
        self.stop = Some(stop);
        self
    }

    /// Splits each streamed string into `chunks` deltas.
    pub fn with_chunks(mut self, chunks: usize) -> Self {
        self.chunks = Some(chunks.max(1));
        self
    }

    /// Reports these token counts.
    pub fn with_usage(mut self, usage: ScriptedUsage) -> Self {
        self.usage = Some(usage);
        self
    }

    /// Waits between events.
    pub fn with_delay(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }

    /// Injects a fault.
    pub fn with_fault(mut self, fault: Fault) -> Self {
        self.fault = Some(fault);
        self
    }

    /// Sends an extra response header.
    pub fn with_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    fn chunk_count(&self) -> usize {
        self.chunks.unwrap_or(3).max(1)
    }
}

/// A scripted tool call.
#[derive(Debug, Clone, PartialEq)]
pub struct ScriptedCall {
    /// Call id (generated when absent).
    pub id: Option<String>,
    /// Tool name.
    pub name: String,
    /// Arguments object.
    pub arguments: Value,
}

/// How a scripted response ends, in provider-neutral terms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScriptedStop {
    /// A normal end (`end_turn`, `stop`).
    Stop,
    /// The output limit (`max_tokens`, `length`).
    Length,
    /// Tool calls (`tool_use`, `tool_calls`).
    ToolUse,
    /// A refusal (`refusal`, `content_filter`).
    Refusal,
    /// This exact provider stop reason (Responses: a status, or `status.incomplete_reason`).
    Raw(String),
    /// No stop reason at all.
    Missing,
}

/// Token counts a scripted response reports.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ScriptedUsage {
    /// Prompt tokens not read from cache.
    pub input: u64,
    /// Output tokens (reasoning included).
    pub output: u64,
    /// Prompt tokens read from cache.
    pub cache_read: u64,
    /// Prompt tokens written to cache.
    pub cache_write: u64,
    /// Reasoning tokens.
    pub reasoning: u64,
}

/// Something going wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// An error status with the provider's error body.
    Http {
        /// The status code.
        status: u16,
        /// Sent as `retry-after` (seconds) and `retry-after-ms`.
        retry_after: Option<Duration>,
        /// The error message in the body.
        message: Option<String>,
    },
    /// The connection drops after this many events (in the middle of the next one).
    Cut {
        /// Events sent whole before the cut.
        after_events: usize,
    },
    /// The response stops sending after this many events and never ends.
    Stall {
        /// Events sent before the stall.
        after_events: usize,
    },
}

impl Fault {
    /// An HTTP error without retry hints.
    pub fn http(status: u16) -> Self {
        Fault::Http {
            status,
            retry_after: None,
            message: None,
        }
    }
}

/// A request the server received.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordedRequest {
    /// HTTP method.
    pub method: String,
    /// Path and query.
    pub path: String,
    /// Headers in arrival order.
    pub headers: Vec<(String, String)>,
    /// The body as JSON (a JSON string holding the text when it was not JSON).
    pub body: Value,
}

impl RecordedRequest {
    /// A header's value, by case-insensitive name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

#[derive(Default)]
struct Shared {
    turns: Mutex<VecDeque<Turn>>,
    requests: Mutex<Vec<RecordedRequest>>,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // Test threads that panic must not hide the recorded requests from the others.
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The loopback server. Stops when dropped.
#[derive(Debug)]
pub struct TestServer {
    addr: SocketAddr,
    shared: Arc<Shared>,
    task: tokio::task::JoinHandle<()>,
}

impl std::fmt::Debug for Shared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Shared").finish_non_exhaustive()
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl TestServer {
    /// Starts a server on a free loopback port.
    pub async fn start() -> std::io::Result<TestServer> {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared::default());
        let task = tokio::spawn(accept_loop(listener, Arc::clone(&shared)));
        Ok(TestServer { addr, shared, task })
    }

    /// `http://127.0.0.1:<port>`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The base URL of `api` on this server.
    fn base_url(&self, api: &str) -> String {
        match api {
            "anthropic-messages" => self.url(),
            "google-generative-ai" => format!("{}/v1beta", self.url()),
            // Mistral shares OpenAI's path; the prefix tells them apart.
            "mistral-conversations" => format!("{}/mistral", self.url()),
            _ => format!("{}/v1", self.url()),
        }
    }

    /// Queues a turn.
    pub fn push(&self, turn: Turn) {
        lock(&self.shared.turns).push_back(turn);
    }

    /// Every request received so far.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.shared.requests).clone()
    }

    /// A model served by this server: base URL `http://…` for Anthropic, `http://…/v1beta`
    /// for Gemini, `http://…/mistral` for Mistral, `http://…/v1` otherwise; no costs; 128k
    /// context, 16k output.
    pub fn model(&self, api: &str, id: &str) -> Model {
        let base_url = self.base_url(api);
        Model {
            id: id.to_string(),
            name: id.to_string(),
            api: api.to_string(),
            provider: format!("test-{api}"),
            base_url,
            reasoning: false,
            thinking_level_map: None,
            input: vec![InputKind::Text, InputKind::Image],
            input_limits: None,
            cost: ModelCost::default(),
            prompt_cache: None,
            context_window: 128_000,
            max_tokens: 16_384,
            sampling_params: None,
            headers: None,
            compat: None,
            extra: serde_json::Map::new(),
        }
    }
}

async fn accept_loop(listener: TcpListener, shared: Arc<Shared>) {
    // Connections live in the set so that dropping the server (aborting this task) ends
    // them too, stalled ones included.
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                if let Ok((socket, _)) = accepted {
                    connections.spawn(serve(socket, Arc::clone(&shared)));
                }
            }
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
}

/// The wire format a request path asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Wire {
    Anthropic,
    OpenAiChat,
    OpenAiResponses,
    Google,
    Mistral,
}

impl Wire {
    fn for_path(path: &str) -> Option<Wire> {
        let path = path.split('?').next().unwrap_or(path);
        if path.ends_with("/messages") {
            Some(Wire::Anthropic)
        } else if path.starts_with("/mistral/") && path.ends_with("/chat/completions") {
            Some(Wire::Mistral)
        } else if path.ends_with("/chat/completions") {
            Some(Wire::OpenAiChat)
        } else if path.ends_with("/responses") {
            Some(Wire::OpenAiResponses)
        } else if path.ends_with(":streamGenerateContent") {
            Some(Wire::Google)
        } else {
            None
        }
    }

    /// The events of `turn`, each a complete SSE frame.
    fn frames(self, turn: &Turn, request: &Value) -> Vec<String> {
        match self {
            Wire::Anthropic => anthropic::frames(turn, request),
            Wire::OpenAiChat => openai_chat::frames(turn, request),
            Wire::OpenAiResponses => openai_responses::frames(turn, request),
            Wire::Google => google::frames(turn, request),
            Wire::Mistral => mistral::frames(turn, request),
        }
    }

    fn error_body(self, status: u16, message: &str) -> Value {
        match self {
            Wire::Anthropic => anthropic::error_body(status, message),
            Wire::OpenAiChat => openai_chat::error_body(status, message),
            Wire::OpenAiResponses => openai_responses::error_body(status, message),
            Wire::Google => google::error_body(status, message),
            Wire::Mistral => mistral::error_body(status, message),
        }
    }
}

/// Rough token count of a text, like the providers' estimates (four bytes a token).
fn approx_tokens(text: &str) -> u64 {
    (text.len() as u64).div_ceil(4).max(1)
}

/// `text` in `parts` pieces of similar length, split on character boundaries.
fn split(text: &str, parts: usize) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    if chars.is_empty() {
        return Vec::new();
    }
    let size = chars.len().div_ceil(parts.max(1));
    chars
        .chunks(size)
        .map(|chunk| chunk.iter().collect())
        .collect()
}

/// Usage for a turn: scripted, or estimated from the request and the answer.
fn usage(turn: &Turn, request: &Value) -> ScriptedUsage {
    turn.usage.unwrap_or_else(|| {
        let mut answer = String::new();
        for part in [&turn.thinking, &turn.text].into_iter().flatten() {
            answer.push_str(part);
        }
        for call in &turn.tool_calls {
            answer.push_str(&call.name);
            answer.push_str(&call.arguments.to_string());
        }
        ScriptedUsage {
            input: approx_tokens(&request.to_string()),
            output: approx_tokens(&answer),
            reasoning: turn.thinking.as_deref().map_or(0, approx_tokens),
            ..ScriptedUsage::default()
        }
    })
}

struct Head {
    method: String,
    path: String,
    headers: Vec<(String, String)>,
}

async fn read_request(socket: &mut TcpStream) -> Option<(Head, Vec<u8>)> {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        if let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break end;
        }
        let read = socket.read(&mut chunk).await.ok()?;
        if read == 0 {
            return None;
        }
        buffer.extend_from_slice(chunk.get(..read)?);
    };
    let head = String::from_utf8_lossy(buffer.get(..head_end)?).into_owned();
    let mut lines = head.split("\r\n");
    let mut request_line = lines.next()?.split(' ');
    let method = request_line.next()?.to_string();
    let path = request_line.next()?.to_string();
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_string(), value.trim().to_string()))
        .collect();
    let length = headers
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, value)| value.parse::<usize>().ok())
        .unwrap_or(0);
    let mut body = buffer.get(head_end + 4..)?.to_vec();
    while body.len() < length {
        let read = socket.read(&mut chunk).await.ok()?;
        if read == 0 {
            return None;
        }
        body.extend_from_slice(chunk.get(..read)?);
    }
    Some((
        Head {
            method,
            path,
            headers,
        },
        body,
    ))
}

async fn serve(mut socket: TcpStream, shared: Arc<Shared>) {
    let Some((head, body)) = read_request(&mut socket).await else {
        return;
    };
    let body: Value = serde_json::from_slice(&body)
        .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&body).into_owned()));
    let wire = Wire::for_path(&head.path);
    lock(&shared.requests).push(RecordedRequest {
        method: head.method,
        path: head.path.clone(),
        headers: head.headers,
        body: body.clone(),
    });
    let Some(wire) = wire else {
        let error =
            json!({"error": {"message": format!("test server: no route for {}", head.path)}});
        return respond_json(&mut socket, 404, &[], &error).await;
    };
    let Some(turn) = lock(&shared.turns).pop_front() else {
        let error = wire.error_body(500, "test server: no scripted turn left");
        return respond_json(&mut socket, 500, &[], &error).await;
    };
    if let Some(Fault::Http {
        status,
        retry_after,
        message,
    }) = &turn.fault
    {
        let message = message
            .clone()
            .unwrap_or_else(|| format!("test server injected error {status}"));
        let mut headers = Vec::new();
        if let Some(delay) = retry_after {
            headers.push(("retry-after", delay.as_secs_f64().to_string()));
            headers.push(("retry-after-ms", delay.as_millis().to_string()));
        }
        headers.extend(turn.headers.iter().map(|(n, v)| (n.as_str(), v.clone())));
        return respond_json(
            &mut socket,
            *status,
            &headers,
            &wire.error_body(*status, &message),
        )
        .await;
    }
    let frames = match &turn.raw_body {
        Some(raw) => vec![String::from_utf8_lossy(raw).into_owned()],
        None => wire.frames(&turn, &body),
    };
    stream_frames(&mut socket, &turn, frames).await;
}

async fn respond_json(
    socket: &mut TcpStream,
    status: u16,
    headers: &[(&str, String)],
    body: &Value,
) {
    let body = body.to_string();
    let mut head = format!(
        "HTTP/1.1 {status} {}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n",
        reason_phrase(status),
        body.len()
    );
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    // A client that hung up does not need the answer.
    let _ = socket.write_all(head.as_bytes()).await;
    let _ = socket.write_all(body.as_bytes()).await;
    let _ = socket.shutdown().await;
}

async fn stream_frames(socket: &mut TcpStream, turn: &Turn, frames: Vec<String>) {
    let mut head = String::from(
        "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncache-control: no-cache\r\n\
         transfer-encoding: chunked\r\nconnection: close\r\n",
    );
    for (name, value) in &turn.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    if socket.write_all(head.as_bytes()).await.is_err() {
        return;
    }
    for (index, frame) in frames.iter().enumerate() {
        match &turn.fault {
            Some(Fault::Cut { after_events }) if index == *after_events => {
                // Half of the next event, then the connection drops without the final chunk.
                let half = frame.get(..frame.len() / 2).unwrap_or_default();
                let _ = write_chunk(socket, half.as_bytes()).await;
                return;
            }
            Some(Fault::Stall { after_events }) if index == *after_events => {
                let _ = socket.flush().await;
                std::future::pending::<()>().await;
            }
            _ => {}
        }
        if write_chunk(socket, frame.as_bytes()).await.is_err() {
            return;
        }
        if !turn.delay.is_zero() {
            tokio::time::sleep(turn.delay).await;
        }
    }
    let _ = socket.write_all(b"0\r\n\r\n").await;
    let _ = socket.shutdown().await;
}

async fn write_chunk(socket: &mut TcpStream, bytes: &[u8]) -> std::io::Result<()> {
    if bytes.is_empty() {
        return Ok(());
    }
    socket
        .write_all(format!("{:x}\r\n", bytes.len()).as_bytes())
        .await?;
    socket.write_all(bytes).await?;
    socket.write_all(b"\r\n").await?;
    socket.flush().await
}

fn reason_phrase(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        408 => "Request Timeout",
        413 => "Payload Too Large",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        529 => "Overloaded",
        _ => "Error",
    }
}

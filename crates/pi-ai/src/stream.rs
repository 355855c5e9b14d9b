//! Assistant streams: a `Stream` of [`AssistantEvent`]s plus the message they build.
//!
//! An adapter writes through an [`AssistantWriter`], which keeps the authoritative message and
//! sends events. The [`AssistantStream`] replays those events onto its own copy of the
//! message, so [`AssistantStream::partial`] is exactly the message as of the last event
//! returned, with tool arguments parsed after every fragment.
//!
//! The producing future runs inside the stream's `poll_next`: nothing happens until the
//! stream is polled, and dropping the stream stops the request.

use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_util::{Stream, StreamExt};
use tokio::sync::mpsc;

use crate::event::AssistantEvent;
use crate::message::{
    AssistantContent, AssistantMessage, StopReason, TextContent, ThinkingContent, ToolCall, Usage,
};
use crate::model::Model;
use crate::partial::PartialMessage;
use crate::partial_json::parse_streaming_json;

/// What travels from the writer to the stream.
#[allow(
    clippy::large_enum_variant,
    reason = "frames are moved once, through a channel"
)]
enum Frame {
    Start(Box<AssistantMessage>),
    Meta(Box<Meta>),
    Event(AssistantEvent),
}

/// Message fields that change while streaming without an event of their own.
struct Meta {
    usage: Usage,
    response_id: Option<String>,
    response_model: Option<String>,
}

type Driver = Pin<Box<dyn Future<Output = ()> + Send>>;

/// The events of one model response, and the message they build.
///
/// Never fails: problems end the stream with an [`AssistantEvent::Error`] event.
pub struct AssistantStream {
    driver: Option<Driver>,
    rx: mpsc::UnboundedReceiver<Frame>,
    partial: PartialMessage,
    finished: bool,
}

impl fmt::Debug for AssistantStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AssistantStream")
            .field("partial", self.partial.message())
            .field("finished", &self.finished)
            .finish_non_exhaustive()
    }
}

impl AssistantStream {
    /// A stream whose events `produce` writes. `produce` runs while the stream is polled.
    pub fn new<F, Fut>(model: &Model, produce: F) -> Self
    where
        F: FnOnce(AssistantWriter) -> Fut,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let (writer, mut stream) = Self::channel(model);
        stream.driver = Some(Box::pin(produce(writer)));
        stream
    }

    /// A writer and the stream it feeds, for producers that run on their own task.
    pub fn channel(model: &Model) -> (AssistantWriter, AssistantStream) {
        let (tx, rx) = mpsc::unbounded_channel();
        let message = AssistantMessage::empty(&model.api, &model.provider, &model.id);
        let stream = AssistantStream {
            driver: None,
            rx,
            partial: PartialMessage::new(message.clone()),
            finished: false,
        };
        let writer = AssistantWriter {
            message,
            tx,
            arguments: HashMap::new(),
            terminated: false,
        };
        (writer, stream)
    }

    /// A stream that fails at once with `error` (no `start`).
    pub fn failed(model: &Model, error: impl fmt::Display) -> Self {
        let (writer, stream) = Self::channel(model);
        writer.fail(StopReason::Error, error);
        stream
    }

    /// The message as of the last event returned.
    pub fn partial(&self) -> &AssistantMessage {
        self.partial.message()
    }

    /// Drains the stream and returns the final message (an error message on failure).
    ///
    /// ```
    /// use pi_ai::{AssistantStream, Model, StopReason};
    /// # let model = pi_ai::faux::FauxProvider::new([]).model();
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let stream = AssistantStream::new(&model, |mut writer| async move {
    ///     writer.start();
    ///     let text = writer.text_start(pi_ai::TextContent::new(""));
    ///     writer.text_delta(text, "Hi!");
    ///     writer.text_end(text);
    ///     writer.message_mut().stop_reason = StopReason::Stop;
    ///     writer.done();
    /// });
    /// assert_eq!(stream.result().await.text(), "Hi!");
    /// # });
    /// ```
    pub async fn result(mut self) -> AssistantMessage {
        while let Some(event) = self.next().await {
            match event {
                AssistantEvent::Done { message, .. } => return *message,
                AssistantEvent::Error { error, .. } => return *error,
                _ => {}
            }
        }
        // poll_next always ends with a terminal event; this is only reached if it was
        // already taken by an earlier `next()`.
        self.partial.into_message()
    }

    /// Applies a frame to the partial message; returns the event to hand out, if any.
    fn apply(&mut self, frame: Frame) -> Option<AssistantEvent> {
        match frame {
            Frame::Start(message) => {
                self.partial = PartialMessage::new(*message);
                Some(AssistantEvent::Start)
            }
            Frame::Meta(meta) => {
                let message = self.partial.message_mut();
                message.usage = meta.usage;
                message.response_id = meta.response_id;
                message.response_model = meta.response_model;
                None
            }
            Frame::Event(event) => {
                self.finished |= event.is_terminal();
                self.partial.apply(&event);
                Some(event)
            }
        }
    }

    /// The terminal event for a producer that vanished without one.
    fn vanished(&mut self) -> AssistantEvent {
        self.finished = true;
        let mut error = self.partial.message().clone();
        error.stop_reason = StopReason::Error;
        error.error_message = Some("The provider stream ended without a result".to_string());
        self.partial = PartialMessage::new(error.clone());
        AssistantEvent::Error {
            reason: StopReason::Error,
            error: Box::new(error),
        }
    }
}

impl Stream for AssistantStream {
    type Item = AssistantEvent;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<AssistantEvent>> {
        let this = &mut *self;
        let mut driven = false;
        loop {
            if this.finished {
                this.driver = None;
                return Poll::Ready(None);
            }
            match this.rx.poll_recv(cx) {
                Poll::Ready(Some(frame)) => {
                    if let Some(event) = this.apply(frame) {
                        return Poll::Ready(Some(event));
                    }
                    continue;
                }
                Poll::Ready(None) => return Poll::Ready(Some(this.vanished())),
                Poll::Pending => {}
            }
            // Nothing queued: let the producer run until it queues something or waits.
            let Some(driver) = this.driver.as_mut() else {
                return Poll::Pending;
            };
            if driven {
                return Poll::Pending;
            }
            match driver.as_mut().poll(cx) {
                Poll::Ready(()) => this.driver = None,
                Poll::Pending => driven = true,
            }
        }
    }
}

/// The producing side of an [`AssistantStream`]: builds the message and emits the events.
///
/// Fields that the partial message shows while streaming (content, usage, response id and
/// model) change only through its methods; the rest may be set on [`Self::message_mut`].
/// Dropping a writer before [`Self::done`] or [`Self::fail`] ends the stream with an error.
pub struct AssistantWriter {
    message: AssistantMessage,
    tx: mpsc::UnboundedSender<Frame>,
    /// Raw JSON of each open tool call, by content index.
    arguments: HashMap<usize, String>,
    terminated: bool,
}

impl fmt::Debug for AssistantWriter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AssistantWriter")
            .field("message", &self.message)
            .finish_non_exhaustive()
    }
}

impl AssistantWriter {
    fn send(&self, frame: Frame) {
        // A closed channel means the stream was dropped; the producer is about to be dropped
        // with it, so there is no one left to tell.
        let _ = self.tx.send(frame);
    }

    fn emit(&self, event: AssistantEvent) {
        self.send(Frame::Event(event));
    }

    /// The message so far.
    pub fn message(&self) -> &AssistantMessage {
        &self.message
    }

    /// The message, for fields that do not stream (stop reason, diagnostics, ...).
    pub fn message_mut(&mut self) -> &mut AssistantMessage {
        &mut self.message
    }

    /// Whether the consumer dropped the stream.
    pub fn is_closed(&self) -> bool {
        self.tx.is_closed()
    }

    /// Emits `start`.
    pub fn start(&mut self) {
        self.send(Frame::Start(Box::new(self.message.clone())));
    }

    fn sync_meta(&self) {
        self.send(Frame::Meta(Box::new(Meta {
            usage: self.message.usage.clone(),
            response_id: self.message.response_id.clone(),
            response_model: self.message.response_model.clone(),
        })));
    }

    /// Replaces the usage.
    pub fn set_usage(&mut self, usage: Usage) {
        self.message.usage = usage;
        self.sync_meta();
    }

    /// Sets the provider's response id.
    pub fn set_response_id(&mut self, id: String) {
        self.message.response_id = Some(id);
        self.sync_meta();
    }

    /// Sets the model that actually answered.
    pub fn set_response_model(&mut self, model: String) {
        self.message.response_model = Some(model);
        self.sync_meta();
    }

    fn push(&mut self, block: AssistantContent) -> usize {
        self.message.content.push(block);
        self.message.content.len() - 1
    }

    /// Opens a text block holding `text`; returns its index.
    pub fn text_start(&mut self, text: TextContent) -> usize {
        let index = self.push(AssistantContent::Text(text));
        self.emit(AssistantEvent::TextStart {
            content_index: index,
        });
        index
    }

    /// Appends to the text block at `index`.
    pub fn text_delta(&mut self, index: usize, delta: &str) {
        if let Some(AssistantContent::Text(block)) = self.message.content.get_mut(index) {
            block.text.push_str(delta);
            self.emit(AssistantEvent::TextDelta {
                content_index: index,
                delta: delta.to_string(),
            });
        }
    }

    /// The text block at `index`, to set its signature.
    pub fn text_mut(&mut self, index: usize) -> Option<&mut TextContent> {
        match self.message.content.get_mut(index) {
            Some(AssistantContent::Text(block)) => Some(block),
            _ => None,
        }
    }

    /// Closes the text block at `index`.
    pub fn text_end(&mut self, index: usize) {
        if let Some(AssistantContent::Text(block)) = self.message.content.get(index) {
            let content = block.text.clone();
            self.emit(AssistantEvent::TextEnd {
                content_index: index,
                content,
            });
        }
    }

    /// Opens a thinking block holding `thinking`; returns its index.
    pub fn thinking_start(&mut self, thinking: ThinkingContent) -> usize {
        let index = self.push(AssistantContent::Thinking(thinking));
        self.emit(AssistantEvent::ThinkingStart {
            content_index: index,
        });
        index
    }

    /// Appends to the thinking block at `index`.
    pub fn thinking_delta(&mut self, index: usize, delta: &str) {
        if let Some(AssistantContent::Thinking(block)) = self.message.content.get_mut(index) {
            block.thinking.push_str(delta);
            let delta = delta.to_string();
            self.emit(AssistantEvent::ThinkingDelta {
                content_index: index,
                delta,
            });
        }
    }

    /// The thinking block at `index`, to set its signature.
    pub fn thinking_mut(&mut self, index: usize) -> Option<&mut ThinkingContent> {
        match self.message.content.get_mut(index) {
            Some(AssistantContent::Thinking(block)) => Some(block),
            _ => None,
        }
    }

    /// Closes the thinking block at `index`.
    pub fn thinking_end(&mut self, index: usize) {
        if let Some(AssistantContent::Thinking(block)) = self.message.content.get(index) {
            let content = block.thinking.clone();
            self.emit(AssistantEvent::ThinkingEnd {
                content_index: index,
                content,
            });
        }
    }

    /// Opens a tool call; returns its index.
    pub fn toolcall_start(&mut self, id: String, name: String) -> usize {
        let event = AssistantEvent::ToolcallStart {
            content_index: self.message.content.len(),
            id: id.clone(),
            tool_name: name.clone(),
        };
        let call = ToolCall::new(id, name, serde_json::Map::new());
        let index = self.push(AssistantContent::ToolCall(call));
        self.arguments.insert(index, String::new());
        self.emit(event);
        index
    }

    /// The tool call at `index`, to fill in an id or name that arrived late.
    pub fn toolcall_mut(&mut self, index: usize) -> Option<&mut ToolCall> {
        match self.message.content.get_mut(index) {
            Some(AssistantContent::ToolCall(call)) => Some(call),
            _ => None,
        }
    }

    /// Appends a fragment of JSON arguments to the tool call at `index`.
    pub fn toolcall_delta(&mut self, index: usize, delta: &str) {
        if let Some(json) = self.arguments.get_mut(&index) {
            json.push_str(delta);
            let delta = delta.to_string();
            self.emit(AssistantEvent::ToolcallDelta {
                content_index: index,
                delta,
            });
        }
    }

    /// Replaces the raw JSON arguments of the open tool call at `index` without an event,
    /// for providers that send a call's complete arguments in one piece.
    pub fn toolcall_set_json(&mut self, index: usize, json: &str) {
        let Some(raw) = self.arguments.get_mut(&index) else {
            return;
        };
        raw.clear();
        raw.push_str(json);
        if let Some(AssistantContent::ToolCall(call)) = self.message.content.get_mut(index) {
            call.arguments = parse_streaming_json(json);
        }
    }

    /// Closes the tool call at `index`, parsing its arguments.
    pub fn toolcall_end(&mut self, index: usize) {
        let Some(json) = self.arguments.remove(&index) else {
            return;
        };
        if let Some(AssistantContent::ToolCall(call)) = self.message.content.get_mut(index) {
            if !json.is_empty() {
                call.arguments = parse_streaming_json(&json);
            }
            let tool_call = Box::new(call.clone());
            self.emit(AssistantEvent::ToolcallEnd {
                content_index: index,
                tool_call,
            });
        }
    }

    /// Ends the stream with the message's stop reason: `done` for a finished response,
    /// `error` when the stop reason is a failure or was never set.
    pub fn done(mut self) {
        match self.message.stop_reason {
            StopReason::Stop | StopReason::Length | StopReason::ToolUse | StopReason::Deferred => {
                self.terminated = true;
                let message =
                    std::mem::replace(&mut self.message, AssistantMessage::empty("", "", ""));
                let reason = message.stop_reason;
                self.emit(AssistantEvent::Done {
                    reason,
                    message: Box::new(message),
                });
            }
            StopReason::Error | StopReason::Aborted => {
                let reason = self.message.stop_reason;
                let text = self
                    .message
                    .error_message
                    .take()
                    .unwrap_or_else(|| "An unknown error occurred".to_string());
                self.fail(reason, text);
            }
            StopReason::Pending => {
                self.fail(StopReason::Error, "Stream ended without a stop reason")
            }
        }
    }

    /// Ends the stream with an `error` event (`reason` is `Error` or `Aborted`), keeping the
    /// content and usage gathered so far.
    pub fn fail(mut self, reason: StopReason, error: impl fmt::Display) {
        self.terminate(reason, error.to_string());
    }

    fn terminate(&mut self, reason: StopReason, error: String) {
        self.terminated = true;
        let reason = if reason == StopReason::Aborted {
            reason
        } else {
            StopReason::Error
        };
        // Open tool calls keep the arguments that had arrived.
        for (index, json) in self.arguments.drain() {
            if let Some(AssistantContent::ToolCall(call)) = self.message.content.get_mut(index) {
                call.arguments = parse_streaming_json(&json);
            }
        }
        let mut message = std::mem::replace(&mut self.message, AssistantMessage::empty("", "", ""));
        message.stop_reason = reason;
        message.error_message = Some(error);
        self.emit(AssistantEvent::Error {
            reason,
            error: Box::new(message),
        });
    }
}

impl Drop for AssistantWriter {
    fn drop(&mut self) {
        if !self.terminated {
            self.terminate(
                StopReason::Error,
                "The provider stream ended without a result".into(),
            );
        }
    }
}

//! Sending an adapter's request and reading its response: the stream's task, the POST with
//! its failures worded the adapter's way, and the next server-sent event unless the caller
//! cancels.

use std::time::SystemTime;

use futures_util::{Stream, StreamExt};
use reqwest::Response;
use serde_json::Value;

use crate::http::{self, Headers, HttpStatusError, RequestError};
use crate::message::StopReason;
use crate::model::Model;
use crate::options::StreamOptions;
use crate::retry::retry_delay_from_headers;
use crate::sse::{SseError, SseEvent};
use crate::stream::{AssistantStream, AssistantWriter};

/// The stream that runs `run` with its own copies of the model and options once polled.
pub(crate) fn start_stream<F, Fut>(
    model: &Model,
    options: &StreamOptions,
    run: F,
) -> AssistantStream
where
    F: FnOnce(AssistantWriter, Model, StreamOptions) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let model_for_run = model.clone();
    let options = options.clone();
    AssistantStream::new(model, move |writer| run(writer, model_for_run, options))
}

/// Renders an error status as text.
pub(crate) type DescribeStatus<'a> = &'a (dyn Fn(&HttpStatusError) -> String + Sync);

/// How an adapter words the failure of a request that got no stream.
pub(crate) struct RequestFailure<'a> {
    /// The text of a request cancelled before its response.
    pub aborted: &'static str,
    /// An error status as the provider's SDK renders it (also names a refused retry delay).
    pub describe: DescribeStatus<'a>,
    /// The text an error status ends the stream with.
    pub status_text: DescribeStatus<'a>,
    /// Whether a failure after the caller cancelled ends as aborted rather than as an error
    /// (the Responses SDK's way).
    pub aborted_once_cancelled: bool,
}

impl<'a> RequestFailure<'a> {
    /// Failures that end as errors, an error status in `describe`'s words.
    pub fn new(aborted: &'static str, describe: DescribeStatus<'a>) -> Self {
        RequestFailure {
            aborted,
            describe,
            status_text: describe,
            aborted_once_cancelled: false,
        }
    }
}

/// Encodes and POSTs `body`, handing back the writer with the response; a request that fails
/// ends the stream (without `start`) in `failure`'s words.
pub(crate) async fn send(
    writer: AssistantWriter,
    url: &str,
    headers: &Headers,
    body: &Value,
    options: &StreamOptions,
    failure: &RequestFailure<'_>,
) -> Option<(AssistantWriter, Response)> {
    let bytes = match serde_json::to_vec(body) {
        Ok(bytes) => bytes,
        Err(err) => {
            let text = format!("Could not encode the request: {err}");
            writer.fail(StopReason::Error, text);
            return None;
        }
    };
    let reason = || {
        if failure.aborted_once_cancelled && options.is_cancelled() {
            StopReason::Aborted
        } else {
            StopReason::Error
        }
    };
    match http::post_json(url, headers, bytes, options, failure.describe).await {
        Ok(response) => return Some((writer, response)),
        Err(RequestError::Aborted) => writer.fail(StopReason::Aborted, failure.aborted),
        Err(RequestError::Status(error)) => {
            let text = (failure.status_text)(&error);
            fail_on_status(writer, reason(), &error, text);
        }
        Err(
            RequestError::Network(text)
            | RequestError::RetryDelayTooLong(text)
            | RequestError::Invalid(text),
        ) => writer.fail(reason(), text),
    }
    None
}

/// Ends a stream whose request failed with an HTTP error status, reported as `text`. The
/// delay the server asked for stays on the failed message
/// ([`AssistantMessage::retry_after`](crate::AssistantMessage::retry_after)), so that a
/// caller retrying the whole turn can wait as long as asked.
fn fail_on_status(
    mut writer: AssistantWriter,
    reason: StopReason,
    error: &HttpStatusError,
    text: String,
) {
    writer.message_mut().retry_after = retry_delay_from_headers(&error.headers, SystemTime::now());
    writer.fail(reason, text);
}

/// What waiting for the next server-sent event gave.
pub(crate) enum Received {
    /// An event.
    Event(SseEvent),
    /// The body ended.
    End,
    /// The caller cancelled first.
    Cancelled,
    /// The connection broke; the text says how.
    Broken(String),
}

/// The next event of `events`, unless the caller cancels first.
pub(crate) async fn next_event<S>(events: &mut S, options: &StreamOptions) -> Received
where
    S: Stream<Item = Result<SseEvent, SseError>> + Unpin,
{
    match http::cancellable(options, events.next()).await {
        None => Received::Cancelled,
        Some(None) => Received::End,
        Some(Some(Ok(event))) => Received::Event(event),
        Some(Some(Err(err))) => Received::Broken(err.to_string()),
    }
}

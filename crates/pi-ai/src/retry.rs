//! Retries: which failures are worth another attempt, and how long the provider asked us to
//! wait before it.
//!
//! [`is_retryable_assistant_error`] is pi 0.87.1's classification. The delay helpers read
//! what servers say: `retry-after-ms` and `retry-after` (what pi itself honours when it
//! retries a request), then the rate-limit reset headers and the hints providers write into
//! error texts, so that a caller retrying a whole turn can wait as long as asked.

use std::sync::OnceLock;
use std::time::{Duration, SystemTime};

use regex::{Regex, RegexBuilder};
use reqwest::header::HeaderMap;

use crate::message::{AssistantMessage, StopReason};

/// Account limits that look transient but are not: retrying cannot help.
const NOT_RETRYABLE: &[&str] = &[
    // OpenCode Go and free-tier limits (429s with these error types).
    "GoUsageLimitError",
    "FreeUsageLimitError",
    "Monthly usage limit reached",
    "available balance",
    // Quota, budget and billing exhaustion (`insufficient_quota` is OpenAI's code).
    "insufficient_quota",
    "out of budget",
    "quota exceeded",
    "billing",
];

/// Transient provider and transport failures.
const RETRYABLE: &[&str] = &[
    // Load, status codes and server-side failures.
    "overloaded",
    "currently experiencing high demand",
    "rate.?limit",
    "too many requests",
    "429",
    "500",
    "502",
    "503",
    "504",
    "520",
    "524",
    "service.?unavailable",
    "server.?error",
    "internal.?error",
    // Gateways reporting an upstream failure (OpenRouter's "Provider returned error").
    "provider.?returned.?error",
    "exceeded request buffer limit while retrying upstream",
    // Network, proxy and connection failures.
    "network.?error",
    "connection.?error",
    "connection.?refused",
    "connection.?lost",
    "other side closed",
    "fetch failed",
    "getaddrinfo",
    "ENOTFOUND",
    "EAI_AGAIN",
    "upstream.?connect",
    "reset before headers",
    "socket hang up",
    "socket connection was closed",
    "timed? out",
    "timeout",
    "terminated",
    "websocket.?closed",
    "websocket.?error",
    // Streams that ended early.
    "ended without",
    "stream ended before message_stop",
    "stream ended before a terminal response event",
    "http2 request did not get a response",
    // A server-requested delay longer than allowed: the caller's own retry takes over.
    "retry delay",
    // Explicit advice in mid-stream errors (OpenAI Responses, Bedrock).
    "you can retry your request",
    "try your request again",
    "please retry your request",
    // gRPC-based providers (NVIDIA NIM).
    "ResourceExhausted",
];

/// Where error texts state a delay: pi's own "Server requested 30s retry delay", Google's
/// `"retryDelay": "7s"`, Gemini's "Please retry in 5.3s", OpenAI's and Groq's "Please try
/// again in 1m30s", Azure's "Please retry after 6 seconds". The delay follows the match.
const DELAY_HINT: &str =
    r#"server requested |"retryDelay"\s*:\s*"|\bretry (?:in|after) |\btry again in ~?"#;

fn case_insensitive(pattern: &str) -> Regex {
    #[expect(
        clippy::expect_used,
        reason = "literal patterns, compiled by every test of this module"
    )]
    RegexBuilder::new(pattern)
        .case_insensitive(true)
        .build()
        .expect("retry patterns compile")
}

struct Patterns {
    not_retryable: Regex,
    retryable: Regex,
    delay_hint: Regex,
}

fn patterns() -> &'static Patterns {
    static PATTERNS: OnceLock<Patterns> = OnceLock::new();
    PATTERNS.get_or_init(|| Patterns {
        not_retryable: case_insensitive(&NOT_RETRYABLE.join("|")),
        retryable: case_insensitive(&RETRYABLE.join("|")),
        delay_hint: case_insensitive(DELAY_HINT),
    })
}

/// Whether `message` failed in a way another attempt may cure: overload, rate limits,
/// 5xx, network trouble, streams cut short. Quota and billing limits are never retryable.
///
/// Check [`is_context_overflow`](crate::is_context_overflow) first: an overflow needs
/// compaction, not a retry.
///
/// ```
/// use pi_ai::{AssistantMessage, StopReason, is_retryable_assistant_error};
///
/// let mut message = AssistantMessage::empty("anthropic-messages", "anthropic", "claude");
/// message.stop_reason = StopReason::Error;
/// message.error_message = Some(r#"529 {"type":"overloaded_error","message":"Overloaded"}"#.into());
/// assert!(is_retryable_assistant_error(&message));
/// message.error_message = Some("429 You exceeded your current quota (insufficient_quota)".into());
/// assert!(!is_retryable_assistant_error(&message));
/// ```
pub fn is_retryable_assistant_error(message: &AssistantMessage) -> bool {
    if message.stop_reason != StopReason::Error {
        return false;
    }
    let Some(error) = message.error_message.as_deref().filter(|e| !e.is_empty()) else {
        return false;
    };
    let patterns = patterns();
    !patterns.not_retryable.is_match(error) && patterns.retryable.is_match(error)
}

/// How long the provider asked to wait before retrying `message`, if it said.
///
/// The hint comes from the failed response's headers (kept on the message by the
/// adapters, see [`AssistantMessage::retry_after`]) or, for messages that carry only text,
/// from the error text: pi's "Server requested 30s retry delay", Google's `retryDelay`,
/// "Please retry in 5.3s", "try again in 1m30s", "retry after 6 seconds".
///
/// ```
/// use std::time::Duration;
/// use pi_ai::{AssistantMessage, StopReason, retry_delay_hint};
///
/// let mut message = AssistantMessage::empty("google-generative-ai", "google", "gemini");
/// message.stop_reason = StopReason::Error;
/// message.error_message = Some("429 Resource exhausted. Please retry in 5.3s.".into());
/// assert_eq!(retry_delay_hint(&message), Some(Duration::from_millis(5300)));
/// ```
pub fn retry_delay_hint(message: &AssistantMessage) -> Option<Duration> {
    if message.stop_reason != StopReason::Error {
        return None;
    }
    message
        .retry_after
        .or_else(|| retry_delay_from_text(message.error_message.as_deref()?))
}

/// The first delay an error text asks for.
fn retry_delay_from_text(text: &str) -> Option<Duration> {
    patterns()
        .delay_hint
        .find_iter(text)
        .find_map(|hint| parse_duration(text.get(hint.end()..)?))
}

/// The delay a failed response's headers ask for, as of `now`.
///
/// In order: `retry-after-ms` (milliseconds), `retry-after` (seconds or an HTTP date),
/// then the rate-limit reset headers (`x-ratelimit-reset-requests`,
/// `x-ratelimit-reset-tokens`, `x-ratelimit-reset`; durations such as `6m0s`, seconds, or
/// Unix times), preferring the limits whose `x-ratelimit-remaining-*` is zero and taking
/// the longest. Meant for error responses: successful ones carry reset headers too.
///
/// ```
/// use std::time::{Duration, SystemTime};
/// use reqwest::header::{HeaderMap, HeaderValue};
///
/// let mut headers = HeaderMap::new();
/// headers.insert("x-ratelimit-remaining-requests", HeaderValue::from_static("0"));
/// headers.insert("x-ratelimit-reset-requests", HeaderValue::from_static("1m30s"));
/// let delay = pi_ai::retry_delay_from_headers(&headers, SystemTime::now());
/// assert_eq!(delay, Some(Duration::from_secs(90)));
/// ```
pub fn retry_delay_from_headers(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    retry_after(headers, now).or_else(|| rate_limit_reset(headers, now))
}

fn header<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers
        .get(name)
        .and_then(|value| value.to_str().ok())
        .map(str::trim)
        .filter(|value| !value.is_empty())
}

/// The delay of `retry-after-ms` or `retry-after`: the headers pi's own request retries
/// honour. Numbers are read like JavaScript's `parseFloat` (a leading number counts).
pub(crate) fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    if let Some(ms) = header(headers, "retry-after-ms").and_then(leading_number) {
        return Duration::try_from_secs_f64(ms.max(0.0) / 1000.0).ok();
    }
    let value = header(headers, "retry-after")?;
    if let Some(seconds) = leading_number(value) {
        return Duration::try_from_secs_f64(seconds.max(0.0)).ok();
    }
    let date = http_date(value)?;
    Some(date.duration_since(now).unwrap_or_default())
}

/// The longest reset among the exhausted rate limits, or among all when none says it is
/// exhausted.
fn rate_limit_reset(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let limits = [
        (
            "x-ratelimit-reset-requests",
            "x-ratelimit-remaining-requests",
        ),
        ("x-ratelimit-reset-tokens", "x-ratelimit-remaining-tokens"),
        ("x-ratelimit-reset", "x-ratelimit-remaining"),
    ];
    let mut exhausted = None;
    let mut any = None;
    for (reset, remaining) in limits {
        let Some(delay) = header(headers, reset).and_then(|value| reset_delay(value, now)) else {
            continue;
        };
        any = any.max(Some(delay));
        if header(headers, remaining).and_then(leading_number) == Some(0.0) {
            exhausted = exhausted.max(Some(delay));
        }
    }
    exhausted.or(any)
}

/// A reset value: a duration (`6m0s`, `1.5s`, `20ms`), a number of seconds, or a Unix time
/// in seconds (as GitHub sends).
fn reset_delay(value: &str, now: SystemTime) -> Option<Duration> {
    if let Ok(seconds) = value.parse::<f64>() {
        // No rate-limit window lasts decades: a number this large is a point in time.
        const UNIX_TIME_FLOOR: f64 = 1_000_000_000.0;
        if seconds >= UNIX_TIME_FLOOR {
            let at =
                SystemTime::UNIX_EPOCH.checked_add(Duration::try_from_secs_f64(seconds).ok()?)?;
            return Some(at.duration_since(now).unwrap_or_default());
        }
        return Duration::try_from_secs_f64(seconds.max(0.0)).ok();
    }
    parse_duration(value)
}

/// The number at the start of `text` (`"2"`, `"1.5"`, `"2, later"`), as JavaScript's
/// `parseFloat` reads it.
fn leading_number(text: &str) -> Option<f64> {
    let text = text.trim_start();
    let end = number_end(text);
    text.get(..end)?.parse().ok()
}

/// Where the leading decimal number of `text` ends (optional sign, digits, one point).
fn number_end(text: &str) -> usize {
    let bytes = text.as_bytes();
    let mut end = usize::from(matches!(bytes.first(), Some(b'-' | b'+')));
    let mut seen_point = false;
    while let Some(&byte) = bytes.get(end) {
        match byte {
            b'0'..=b'9' => {}
            b'.' if !seen_point => seen_point = true,
            _ => break,
        }
        end += 1;
    }
    end
}

/// A duration written as numbers with units, Go style (`1h2m3.5s`, `120ms`) or in words
/// (`6 seconds`, `~42 min`): the longest such prefix of `text`.
fn parse_duration(text: &str) -> Option<Duration> {
    let mut rest = text;
    let mut total = 0.0_f64;
    let mut parts = 0;
    loop {
        rest = rest.trim_start_matches(' ');
        let end = number_end(rest);
        let Some(Ok(value)) = rest.get(..end).map(str::parse::<f64>) else {
            break;
        };
        let unit_text = rest.get(end..).unwrap_or_default().trim_start_matches(' ');
        let letters = unit_text
            .bytes()
            .take_while(u8::is_ascii_alphabetic)
            .count();
        // Go writes parts back to back ("1m30s"): a unit ends where its letters do.
        let Some(seconds) = unit_seconds(unit_text.get(..letters).unwrap_or_default()) else {
            break;
        };
        total += value * seconds;
        parts += 1;
        rest = unit_text.get(letters..).unwrap_or_default();
    }
    if parts == 0 {
        return None;
    }
    Duration::try_from_secs_f64(total).ok()
}

/// The length in seconds of the unit `letters` spell (case-insensitive).
fn unit_seconds(letters: &str) -> Option<f64> {
    const UNITS: &[(&str, f64)] = &[
        ("ms", 0.001),
        ("millisecond", 0.001),
        ("milliseconds", 0.001),
        ("s", 1.0),
        ("sec", 1.0),
        ("secs", 1.0),
        ("second", 1.0),
        ("seconds", 1.0),
        ("m", 60.0),
        ("min", 60.0),
        ("mins", 60.0),
        ("minute", 60.0),
        ("minutes", 60.0),
        ("h", 3600.0),
        ("hr", 3600.0),
        ("hrs", 3600.0),
        ("hour", 3600.0),
        ("hours", 3600.0),
    ];
    UNITS
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(letters))
        .map(|&(_, seconds)| seconds)
}

/// Parses an IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), the only form servers send today.
fn http_date(value: &str) -> Option<SystemTime> {
    let parts: Vec<&str> = value.split_whitespace().collect();
    let [_, day, month, year, time, "GMT"] = parts.as_slice() else {
        return None;
    };
    let month = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ]
    .iter()
    .position(|m| m == month)? as i64
        + 1;
    let (day, year): (i64, i64) = (day.parse().ok()?, year.parse().ok()?);
    let mut clock = time.split(':').map(|part| part.parse::<i64>().ok());
    let (hour, minute, second) = (clock.next()??, clock.next()??, clock.next()??);
    // Days since the epoch (civil-from-days inverse, proleptic Gregorian calendar).
    let (y, m) = if month <= 2 {
        (year - 1, month + 9)
    } else {
        (year, month - 3)
    };
    let era = y.div_euclid(400);
    let year_of_era = y - era * 400;
    let day_of_year = (153 * m + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    let days = era * 146_097 + day_of_era - 719_468;
    let seconds = days * 86_400 + hour * 3600 + minute * 60 + second;
    let seconds = u64::try_from(seconds).ok()?;
    SystemTime::UNIX_EPOCH.checked_add(Duration::from_secs(seconds))
}

#[cfg(test)]
mod tests;

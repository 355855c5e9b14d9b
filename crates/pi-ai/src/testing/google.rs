//! Gemini `streamGenerateContent?alt=sse` chunks for a scripted turn.

use serde_json::{Map, Value, json};

use super::{ScriptedStop, ScriptedUsage, Turn, split, usage};

/// Google's error body: `{"error":{"code","message","status"}}`.
pub(super) fn error_body(status: u16, message: &str) -> Value {
    let name = match status {
        400 => "INVALID_ARGUMENT",
        401 => "UNAUTHENTICATED",
        403 => "PERMISSION_DENIED",
        404 => "NOT_FOUND",
        429 => "RESOURCE_EXHAUSTED",
        500 => "INTERNAL",
        503 => "UNAVAILABLE",
        504 => "DEADLINE_EXCEEDED",
        _ => "UNKNOWN",
    };
    json!({"error": {"code": status, "message": message, "status": name}})
}

/// A thought signature: base64, as Gemini's are.
fn signature(thinking: &str) -> String {
    format!("c2ln{:08}", thinking.len() % 100_000_000)
}

/// Gemini's usage: the prompt count includes cached tokens, candidates exclude thoughts.
fn usage_metadata(usage: &ScriptedUsage) -> Value {
    let prompt = usage.input + usage.cache_read;
    let mut metadata = Map::new();
    metadata.insert("promptTokenCount".into(), json!(prompt));
    metadata.insert(
        "candidatesTokenCount".into(),
        json!(usage.output.saturating_sub(usage.reasoning)),
    );
    metadata.insert("totalTokenCount".into(), json!(prompt + usage.output));
    if usage.cache_read > 0 {
        metadata.insert("cachedContentTokenCount".into(), json!(usage.cache_read));
    }
    if usage.reasoning > 0 {
        metadata.insert("thoughtsTokenCount".into(), json!(usage.reasoning));
    }
    Value::Object(metadata)
}

pub(super) fn frames(turn: &Turn, request: &Value) -> Vec<String> {
    let chunks = turn.chunk_count();
    let usage = usage(turn, request);
    let prompt = usage.input + usage.cache_read;
    let mut parts_per_chunk: Vec<Vec<Value>> = Vec::new();
    if let Some(thinking) = &turn.thinking {
        let pieces = split(thinking, chunks);
        let last = pieces.len().saturating_sub(1);
        for (index, piece) in pieces.into_iter().enumerate() {
            let mut part = json!({"text": piece, "thought": true});
            // Gemini signs the end of its thoughts.
            if index == last {
                part["thoughtSignature"] = json!(signature(thinking));
            }
            parts_per_chunk.push(vec![part]);
        }
    }
    if let Some(text) = &turn.text {
        for piece in split(text, chunks) {
            parts_per_chunk.push(vec![json!({"text": piece})]);
        }
    }
    if !turn.tool_calls.is_empty() {
        // Function calls arrive whole, in parallel, in one chunk.
        let calls = turn
            .tool_calls
            .iter()
            .map(|call| {
                let mut function_call = json!({"name": call.name, "args": call.arguments});
                if let Some(id) = &call.id {
                    function_call["id"] = json!(id);
                }
                json!({"functionCall": function_call})
            })
            .collect();
        parts_per_chunk.push(calls);
    }
    if parts_per_chunk.is_empty() {
        parts_per_chunk.push(vec![json!({"text": ""})]);
    }
    let finish = match &turn.stop {
        Some(ScriptedStop::Missing) => None,
        Some(ScriptedStop::Stop | ScriptedStop::ToolUse) | None => Some("STOP".to_string()),
        Some(ScriptedStop::Length) => Some("MAX_TOKENS".into()),
        Some(ScriptedStop::Refusal) => Some("SAFETY".into()),
        Some(ScriptedStop::Raw(raw)) => Some(raw.clone()),
    };
    let last = parts_per_chunk.len() - 1;
    parts_per_chunk
        .into_iter()
        .enumerate()
        .map(|(index, parts)| {
            let mut candidate = json!({"content": {"parts": parts, "role": "model"}, "index": 0});
            let metadata = if index == last {
                if let Some(finish) = &finish {
                    candidate["finishReason"] = json!(finish);
                }
                usage_metadata(&usage)
            } else {
                json!({"promptTokenCount": prompt, "totalTokenCount": prompt})
            };
            let chunk = json!({"candidates": [candidate], "usageMetadata": metadata,
                "modelVersion": "gemini-test", "responseId": "resp-test"});
            // Gemini ends its events with CRLF pairs.
            format!("data: {chunk}\r\n\r\n")
        })
        .collect()
}

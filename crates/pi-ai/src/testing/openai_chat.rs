//! OpenAI Chat Completions chunks for a scripted turn.

use serde_json::{Value, json};

use super::{ScriptedStop, Turn, split, usage};

/// OpenAI's error body: `{"error":{"message","type","param","code"}}`.
pub(super) fn error_body(status: u16, message: &str) -> Value {
    let kind = match status {
        429 => "rate_limit_exceeded",
        401 => "invalid_api_key",
        500..=599 => "server_error",
        _ => "invalid_request_error",
    };
    json!({"error": {"message": message, "type": kind, "param": null, "code": kind}})
}

pub(super) fn frames(turn: &Turn, request: &Value) -> Vec<String> {
    let chunks = turn.chunk_count();
    let model = request.get("model").cloned().unwrap_or(Value::Null);
    let chunk = |delta: Value, finish: Value| {
        let data = json!({"id": "chatcmpl-test", "object": "chat.completion.chunk", "created": 1_700_000_000,
            "model": model, "choices": [{"index": 0, "delta": delta, "logprobs": null, "finish_reason": finish}]});
        format!("data: {data}\n\n")
    };
    let mut out = vec![chunk(
        json!({"role": "assistant", "content": ""}),
        Value::Null,
    )];
    if let Some(thinking) = &turn.thinking {
        for part in split(thinking, chunks) {
            out.push(chunk(json!({"reasoning_content": part}), Value::Null));
        }
    }
    if let Some(text) = &turn.text {
        for part in split(text, chunks) {
            out.push(chunk(json!({"content": part}), Value::Null));
        }
    }
    for (index, call) in turn.tool_calls.iter().enumerate() {
        let id = call
            .id
            .clone()
            .unwrap_or_else(|| format!("call_test_{index}"));
        out.push(chunk(
            json!({"tool_calls": [{"index": index, "id": id, "type": "function",
                "function": {"name": call.name, "arguments": ""}}]}),
            Value::Null,
        ));
        for part in split(&call.arguments.to_string(), chunks) {
            out.push(chunk(
                json!({"tool_calls": [{"index": index, "function": {"arguments": part}}]}),
                Value::Null,
            ));
        }
    }
    let finish = match &turn.stop {
        Some(ScriptedStop::Missing) => None,
        Some(ScriptedStop::Stop) => Some(json!("stop")),
        Some(ScriptedStop::Length) => Some(json!("length")),
        Some(ScriptedStop::ToolUse) => Some(json!("tool_calls")),
        Some(ScriptedStop::Refusal) => Some(json!("content_filter")),
        Some(ScriptedStop::Raw(raw)) => Some(json!(raw)),
        None if turn.tool_calls.is_empty() => Some(json!("stop")),
        None => Some(json!("tool_calls")),
    };
    if let Some(finish) = finish {
        out.push(chunk(json!({}), finish));
    }
    let wants_usage = request.pointer("/stream_options/include_usage") == Some(&Value::Bool(true));
    if wants_usage {
        let usage = usage(turn, request);
        let prompt = usage.input + usage.cache_read + usage.cache_write;
        let data = json!({"id": "chatcmpl-test", "object": "chat.completion.chunk", "created": 1_700_000_000,
            "model": model, "choices": [], "usage": {
                "prompt_tokens": prompt, "completion_tokens": usage.output,
                "total_tokens": prompt + usage.output,
                "prompt_tokens_details": {"cached_tokens": usage.cache_read, "cache_write_tokens": usage.cache_write},
                "completion_tokens_details": {"reasoning_tokens": usage.reasoning}}});
        out.push(format!("data: {data}\n\n"));
    }
    out.push("data: [DONE]\n\n".to_string());
    out
}

//! Mistral chat-completion chunks for a scripted turn.

use serde_json::{Value, json};

use super::{ScriptedStop, Turn, split, usage};

/// Mistral's error body: `{"object":"error","message","type","param","code"}`.
pub(super) fn error_body(status: u16, message: &str) -> Value {
    let kind = match status {
        400 => "invalid_request_error",
        401 => "unauthorized",
        429 => "rate_limited",
        500..=599 => "internal_server_error",
        _ => "invalid_request_error",
    };
    json!({"object": "error", "message": message, "type": kind, "param": null, "code": null})
}

pub(super) fn frames(turn: &Turn, request: &Value) -> Vec<String> {
    let chunks = turn.chunk_count();
    let model = request.get("model").cloned().unwrap_or(Value::Null);
    let chunk = |delta: Value, finish: Value, usage: Option<Value>| {
        let mut data = json!({"id": "cmpl-test", "object": "chat.completion.chunk",
            "created": 1_700_000_000, "model": model,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]});
        if let Some(usage) = usage {
            data["usage"] = usage;
        }
        format!("data: {data}\n\n")
    };
    // Mistral opens every response with an empty content delta.
    let mut out = vec![chunk(
        json!({"role": "assistant", "content": ""}),
        Value::Null,
        None,
    )];
    if let Some(thinking) = &turn.thinking {
        for part in split(thinking, chunks) {
            out.push(chunk(
                json!({"content": [{"type": "thinking", "thinking": [{"type": "text", "text": part}]}]}),
                Value::Null,
                None,
            ));
        }
    }
    if let Some(text) = &turn.text {
        for part in split(text, chunks) {
            out.push(chunk(json!({"content": part}), Value::Null, None));
        }
    }
    for (index, call) in turn.tool_calls.iter().enumerate() {
        let id = call.id.clone().unwrap_or_else(|| format!("call{index:05}"));
        let arguments = split(&call.arguments.to_string(), chunks);
        for (n, part) in arguments.iter().enumerate() {
            // The first fragment names the call; the rest carry only its index.
            let call = if n == 0 {
                json!({"id": id, "type": "function",
                    "function": {"name": call.name, "arguments": part}, "index": index})
            } else {
                json!({"id": "null", "function": {"name": "", "arguments": part}, "index": index})
            };
            out.push(chunk(json!({"tool_calls": [call]}), Value::Null, None));
        }
    }
    let finish = match &turn.stop {
        Some(ScriptedStop::Missing) => Value::Null,
        Some(ScriptedStop::Stop) => json!("stop"),
        Some(ScriptedStop::Length) => json!("length"),
        Some(ScriptedStop::ToolUse) => json!("tool_calls"),
        Some(ScriptedStop::Refusal) => json!("error"),
        Some(ScriptedStop::Raw(raw)) => json!(raw),
        None if turn.tool_calls.is_empty() => json!("stop"),
        None => json!("tool_calls"),
    };
    let usage = usage(turn, request);
    let prompt = usage.input + usage.cache_read;
    out.push(chunk(
        json!({}),
        finish,
        Some(
            json!({"prompt_tokens": prompt, "completion_tokens": usage.output,
            "total_tokens": prompt + usage.output,
            "prompt_tokens_details": {"cached_tokens": usage.cache_read}}),
        ),
    ));
    out.push("data: [DONE]\n\n".to_string());
    out
}

//! Anthropic Messages events for a scripted turn.

use serde_json::{Value, json};

use super::{ScriptedStop, Turn, split, usage};

/// Anthropic's error body: `{"type":"error","error":{"type","message"}}`.
pub(super) fn error_body(status: u16, message: &str) -> Value {
    let kind = match status {
        400 => "invalid_request_error",
        401 => "authentication_error",
        403 => "permission_error",
        404 => "not_found_error",
        413 => "request_too_large",
        429 => "rate_limit_error",
        529 => "overloaded_error",
        _ => "api_error",
    };
    json!({"type": "error", "error": {"type": kind, "message": message}})
}

fn frame(name: &str, data: &Value) -> String {
    format!("event: {name}\ndata: {data}\n\n")
}

pub(super) fn frames(turn: &Turn, request: &Value) -> Vec<String> {
    let chunks = turn.chunk_count();
    let usage = usage(turn, request);
    let model = request.get("model").cloned().unwrap_or(Value::Null);
    let mut out = vec![frame(
        "message_start",
        &json!({"type": "message_start", "message": {
            "id": "msg_test", "type": "message", "role": "assistant", "model": model,
            "content": [], "stop_reason": null, "stop_sequence": null,
            "usage": {"input_tokens": usage.input, "cache_creation_input_tokens": usage.cache_write,
                      "cache_read_input_tokens": usage.cache_read, "output_tokens": 1}}}),
    )];
    out.push(frame("ping", &json!({"type": "ping"})));
    let mut index = 0;
    let mut block = |start: Value, deltas: Vec<Value>, out: &mut Vec<String>| {
        out.push(frame(
            "content_block_start",
            &json!({"type": "content_block_start", "index": index, "content_block": start}),
        ));
        for delta in deltas {
            out.push(frame(
                "content_block_delta",
                &json!({"type": "content_block_delta", "index": index, "delta": delta}),
            ));
        }
        out.push(frame(
            "content_block_stop",
            &json!({"type": "content_block_stop", "index": index}),
        ));
        index += 1;
    };
    if let Some(thinking) = &turn.thinking {
        let mut deltas: Vec<Value> = split(thinking, chunks)
            .into_iter()
            .map(|part| json!({"type": "thinking_delta", "thinking": part}))
            .collect();
        deltas.push(
            json!({"type": "signature_delta", "signature": format!("sig-{}", thinking.len())}),
        );
        block(
            json!({"type": "thinking", "thinking": "", "signature": ""}),
            deltas,
            &mut out,
        );
    }
    if let Some(payload) = &turn.redacted_thinking {
        block(
            json!({"type": "redacted_thinking", "data": payload}),
            Vec::new(),
            &mut out,
        );
    }
    if let Some(text) = &turn.text {
        let deltas = split(text, chunks)
            .into_iter()
            .map(|part| json!({"type": "text_delta", "text": part}))
            .collect();
        block(json!({"type": "text", "text": ""}), deltas, &mut out);
    }
    for (n, call) in turn.tool_calls.iter().enumerate() {
        let id = call.id.clone().unwrap_or_else(|| format!("toolu_test_{n}"));
        let deltas = split(&call.arguments.to_string(), chunks)
            .into_iter()
            .map(|part| json!({"type": "input_json_delta", "partial_json": part}))
            .collect();
        block(
            json!({"type": "tool_use", "id": id, "name": call.name, "input": {}}),
            deltas,
            &mut out,
        );
    }
    let stop = match &turn.stop {
        Some(ScriptedStop::Missing) => Value::Null,
        Some(ScriptedStop::Stop) => json!("end_turn"),
        Some(ScriptedStop::Length) => json!("max_tokens"),
        Some(ScriptedStop::ToolUse) => json!("tool_use"),
        Some(ScriptedStop::Refusal) => json!("refusal"),
        Some(ScriptedStop::Raw(raw)) => json!(raw),
        None if turn.tool_calls.is_empty() => json!("end_turn"),
        None => json!("tool_use"),
    };
    let mut usage_delta = json!({"input_tokens": usage.input, "output_tokens": usage.output,
        "cache_creation_input_tokens": usage.cache_write, "cache_read_input_tokens": usage.cache_read});
    if usage.reasoning > 0 {
        usage_delta["output_tokens_details"] = json!({"thinking_tokens": usage.reasoning});
    }
    out.push(frame(
        "message_delta",
        &json!({"type": "message_delta", "delta": {"stop_reason": stop, "stop_sequence": null}, "usage": usage_delta}),
    ));
    out.push(frame("message_stop", &json!({"type": "message_stop"})));
    out
}

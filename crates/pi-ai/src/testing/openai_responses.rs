//! OpenAI Responses events for a scripted turn, shaped as the API streams them: the
//! response is created, each output item (reasoning, message, function call) is added,
//! grows by deltas and is done, and a terminal event carries the status and usage.

use serde_json::{Value, json};

use super::{ScriptedStop, Turn, split, usage};

/// OpenAI's error body (the same for Chat Completions and Responses).
pub(super) fn error_body(status: u16, message: &str) -> Value {
    super::openai_chat::error_body(status, message)
}

/// Frames with consecutive sequence numbers.
struct Frames {
    out: Vec<String>,
}

impl Frames {
    fn push(&mut self, kind: &str, mut data: Value) {
        if let Some(object) = data.as_object_mut() {
            // `type` and `sequence_number` lead, as the API writes them.
            let mut ordered = serde_json::Map::new();
            ordered.insert("type".into(), json!(kind));
            ordered.insert("sequence_number".into(), json!(self.out.len()));
            ordered.append(object);
            data = Value::Object(ordered);
        }
        self.out.push(format!("event: {kind}\ndata: {data}\n\n"));
    }
}

pub(super) fn frames(turn: &Turn, request: &Value) -> Vec<String> {
    let chunks = turn.chunk_count();
    let model = request.get("model").cloned().unwrap_or(Value::Null);
    let response = |status: &str, output: Value, usage: Value, incomplete: Value| {
        json!({"id": "resp_test", "object": "response", "created_at": 1_700_000_000,
            "status": status, "model": model, "output": output, "usage": usage, "error": null,
            "incomplete_details": incomplete, "store": false})
    };
    let mut frames = Frames { out: Vec::new() };
    let created = response("in_progress", json!([]), Value::Null, Value::Null);
    frames.push("response.created", json!({"response": created}));
    frames.push("response.in_progress", json!({"response": created}));
    let mut output: Vec<Value> = Vec::new();

    if let Some(thinking) = &turn.thinking {
        let index = output.len();
        let id = format!("rs_test_{index}");
        frames.push(
            "response.output_item.added",
            json!({"output_index": index, "item": {"id": id, "type": "reasoning", "summary": []}}),
        );
        let part = |text: &str| json!({"type": "summary_text", "text": text});
        frames.push(
            "response.reasoning_summary_part.added",
            json!({"item_id": id, "output_index": index, "summary_index": 0, "part": part("")}),
        );
        for piece in split(thinking, chunks) {
            frames.push(
                "response.reasoning_summary_text.delta",
                json!({"item_id": id, "output_index": index, "summary_index": 0, "delta": piece}),
            );
        }
        frames.push(
            "response.reasoning_summary_text.done",
            json!({"item_id": id, "output_index": index, "summary_index": 0, "text": thinking}),
        );
        frames.push(
            "response.reasoning_summary_part.done",
            json!({"item_id": id, "output_index": index, "summary_index": 0, "part": part(thinking)}),
        );
        let item = json!({"id": id, "type": "reasoning", "summary": [part(thinking)],
            "encrypted_content": format!("encrypted:{}", thinking.len())});
        frames.push(
            "response.output_item.done",
            json!({"output_index": index, "item": item}),
        );
        output.push(item);
    }

    if let Some(text) = &turn.text {
        let index = output.len();
        let id = format!("msg_test_{index}");
        frames.push(
            "response.output_item.added",
            json!({"output_index": index, "item": {"id": id, "type": "message",
                "status": "in_progress", "role": "assistant", "content": []}}),
        );
        frames.push(
            "response.content_part.added",
            json!({"item_id": id, "output_index": index, "content_index": 0,
                "part": {"type": "output_text", "text": "", "annotations": []}}),
        );
        for piece in split(text, chunks) {
            frames.push(
                "response.output_text.delta",
                json!({"item_id": id, "output_index": index, "content_index": 0, "delta": piece, "logprobs": []}),
            );
        }
        frames.push(
            "response.output_text.done",
            json!({"item_id": id, "output_index": index, "content_index": 0, "text": text, "logprobs": []}),
        );
        let part = json!({"type": "output_text", "text": text, "annotations": []});
        frames.push(
            "response.content_part.done",
            json!({"item_id": id, "output_index": index, "content_index": 0, "part": part}),
        );
        let item = json!({"id": id, "type": "message", "status": "completed",
            "role": "assistant", "content": [part]});
        frames.push(
            "response.output_item.done",
            json!({"output_index": index, "item": item}),
        );
        output.push(item);
    }

    for (n, call) in turn.tool_calls.iter().enumerate() {
        let index = output.len();
        let id = format!("fc_test_{n}");
        let call_id = call.id.clone().unwrap_or_else(|| format!("call_test_{n}"));
        let arguments = call.arguments.to_string();
        frames.push(
            "response.output_item.added",
            json!({"output_index": index, "item": {"id": id, "type": "function_call",
                "status": "in_progress", "call_id": call_id, "name": call.name, "arguments": ""}}),
        );
        for piece in split(&arguments, chunks) {
            frames.push(
                "response.function_call_arguments.delta",
                json!({"item_id": id, "output_index": index, "delta": piece}),
            );
        }
        frames.push(
            "response.function_call_arguments.done",
            json!({"item_id": id, "output_index": index, "arguments": arguments}),
        );
        let item = json!({"id": id, "type": "function_call", "status": "completed",
            "call_id": call_id, "name": call.name, "arguments": arguments});
        frames.push(
            "response.output_item.done",
            json!({"output_index": index, "item": item}),
        );
        output.push(item);
    }

    // `status` or `status.incomplete_reason`, as pi records it in `rawStopReason`.
    let status = match &turn.stop {
        Some(ScriptedStop::Missing) => return frames.out,
        Some(ScriptedStop::Length) => "incomplete.max_output_tokens".to_string(),
        Some(ScriptedStop::Refusal) => "incomplete.content_filter".to_string(),
        Some(ScriptedStop::Raw(raw)) => raw.clone(),
        Some(ScriptedStop::Stop | ScriptedStop::ToolUse) | None => "completed".to_string(),
    };
    let (status, incomplete) = match status.split_once('.') {
        Some((status, reason)) => (status.to_string(), json!({"reason": reason})),
        None => (status, Value::Null),
    };
    let usage = usage(turn, request);
    let input = usage.input + usage.cache_read + usage.cache_write;
    let mut input_details = json!({"cached_tokens": usage.cache_read});
    if usage.cache_write > 0 {
        input_details["cache_write_tokens"] = json!(usage.cache_write);
    }
    let wire_usage = json!({"input_tokens": input, "input_tokens_details": input_details,
        "output_tokens": usage.output,
        "output_tokens_details": {"reasoning_tokens": usage.reasoning},
        "total_tokens": input + usage.output});
    let terminal = if status == "incomplete" {
        "response.incomplete"
    } else if status == "failed" {
        "response.failed"
    } else {
        "response.completed"
    };
    let done = response(&status, Value::Array(output), wire_usage, incomplete);
    frames.push(terminal, json!({"response": done}));
    frames.out
}

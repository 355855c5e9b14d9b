//! Reading a Responses stream: events in, pi's events out.
//!
//! Every output item (reasoning, message, function or custom tool call) opens one block when
//! it is added and closes it when it is done; deltas go to the block of their
//! `output_index`. The terminal `response.completed`/`incomplete` event brings the usage and
//! the status the stop reason comes from.

use std::borrow::Cow;

use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::request::GrammarInputs;
use crate::message::{StopReason, TextContent, ThinkingContent, Usage};
use crate::model::Model;
use crate::providers::is_truthy;
use crate::stream::AssistantWriter;

/// One event of the stream; only the fields pi reads.
#[derive(Deserialize)]
pub(super) struct WireEvent<'a> {
    #[serde(rename = "type", borrow, default)]
    kind: Cow<'a, str>,
    #[serde(default)]
    output_index: Option<u64>,
    #[serde(default, borrow)]
    delta: Option<Cow<'a, str>>,
    #[serde(default)]
    arguments: Option<String>,
    #[serde(default)]
    input: Option<String>,
    #[serde(default)]
    item: Option<Value>,
    #[serde(default)]
    response: Option<Value>,
    #[serde(default)]
    code: Option<Value>,
    #[serde(default)]
    message: Option<Value>,
    /// An error object the SDK turns into a failure whatever the event type.
    #[serde(default)]
    pub(super) error: Option<Value>,
}

/// A grammar tool's input: it streams as text and becomes `{"<property>": input}`.
struct CustomInput {
    property: String,
    /// The input so far (the block's one argument).
    current: String,
    /// What the JSON fragments sent so far spell.
    sent: String,
    started: bool,
    closed: bool,
}

enum SlotKind {
    Thinking,
    Text,
    /// A function call with the raw JSON of its arguments so far.
    Function(String),
    Custom(CustomInput),
}

struct Slot {
    output_index: Option<u64>,
    content: usize,
    kind: SlotKind,
}

/// Pricing and naming that differ between endpoint families.
#[derive(Debug, Clone, Copy)]
pub(super) struct Pricing<'a> {
    /// The service tier asked for, when usage is priced by tier.
    pub service_tier: Option<&'a str>,
    /// Whether the tier changes the price (OpenAI's endpoint).
    pub by_tier: bool,
}

pub(super) struct State<'a> {
    model: &'a Model,
    grammar_inputs: &'a GrammarInputs,
    pricing: Pricing<'a>,
    slots: Vec<Slot>,
    /// Finished reasoning blocks by item id, for encrypted content that comes only at the end.
    reasoning_blocks: Vec<(String, usize)>,
    pub(super) saw_terminal: bool,
}

impl<'a> State<'a> {
    pub(super) fn new(
        model: &'a Model,
        grammar_inputs: &'a GrammarInputs,
        pricing: Pricing<'a>,
    ) -> Self {
        State {
            model,
            grammar_inputs,
            pricing,
            slots: Vec::new(),
            reasoning_blocks: Vec::new(),
            saw_terminal: false,
        }
    }

    /// Applies one event; an error ends the stream with that message.
    pub(super) fn apply(
        &mut self,
        writer: &mut AssistantWriter,
        event: WireEvent<'_>,
    ) -> Result<(), String> {
        let index = event.output_index;
        match event.kind.as_ref() {
            "response.created" => {
                if let Some(id) = event
                    .response
                    .as_ref()
                    .and_then(|r| r.get("id"))
                    .and_then(Value::as_str)
                {
                    writer.set_response_id(id.to_string());
                }
            }
            "response.output_item.added" => {
                if let Some(item) = &event.item {
                    self.open(writer, index, item);
                }
            }
            "response.reasoning_summary_text.delta" | "response.reasoning_text.delta" => {
                if let Some(content) = self.slot_of(index, |k| matches!(k, SlotKind::Thinking)) {
                    writer.thinking_delta(content, event.delta.as_deref().unwrap_or_default());
                }
            }
            "response.reasoning_summary_part.done" => {
                if let Some(content) = self.slot_of(index, |k| matches!(k, SlotKind::Thinking)) {
                    writer.thinking_delta(content, "\n\n");
                }
            }
            "response.output_text.delta" | "response.refusal.delta" => {
                if let Some(content) = self.slot_of(index, |k| matches!(k, SlotKind::Text)) {
                    writer.text_delta(content, event.delta.as_deref().unwrap_or_default());
                }
            }
            "response.function_call_arguments.delta" => {
                let delta = event.delta.as_deref().unwrap_or_default();
                if let Some(slot) = self.slot_mut(index)
                    && let SlotKind::Function(json) = &mut slot.kind
                {
                    json.push_str(delta);
                    writer.toolcall_delta(slot.content, delta);
                }
            }
            "response.function_call_arguments.done" => {
                let arguments = event.arguments.unwrap_or_default();
                if let Some(slot) = self.slot_mut(index)
                    && let SlotKind::Function(json) = &mut slot.kind
                {
                    // Only what extends the streamed arguments is a delta; anything else
                    // replaces them quietly.
                    match arguments.strip_prefix(json.as_str()) {
                        Some(rest) if !rest.is_empty() => writer.toolcall_delta(slot.content, rest),
                        Some(_) => {}
                        None => writer.toolcall_set_json(slot.content, &arguments),
                    }
                    *json = arguments;
                }
            }
            "response.custom_tool_call_input.delta" => {
                let delta = event.delta.as_deref().unwrap_or_default();
                if let Some(slot) = self.slot_mut(index)
                    && let SlotKind::Custom(custom) = &mut slot.kind
                {
                    let next = format!("{}{delta}", custom.current);
                    if let Some(fragment) = custom.advance(next, false)? {
                        writer.toolcall_delta(slot.content, &fragment);
                    }
                }
            }
            "response.custom_tool_call_input.done" => {
                let input = event.input.unwrap_or_default();
                if let Some(slot) = self.slot_mut(index)
                    && let SlotKind::Custom(custom) = &mut slot.kind
                    && let Some(fragment) = custom.advance(input, true)?
                {
                    writer.toolcall_delta(slot.content, &fragment);
                }
            }
            "response.output_item.done" => {
                if let Some(item) = event.item {
                    self.close(writer, index, item)?;
                }
            }
            "response.completed" | "response.incomplete" => {
                let response = event.response.unwrap_or(Value::Null);
                self.finalize(writer, &response)?;
            }
            "error" => {
                return Err(format!(
                    "Error Code {}: {}",
                    js_text(event.code.as_ref()),
                    js_text(event.message.as_ref())
                ));
            }
            "response.failed" => {
                self.saw_terminal = true;
                let response = event.response.unwrap_or(Value::Null);
                writer.message_mut().raw_stop_reason = response
                    .get("status")
                    .and_then(Value::as_str)
                    .map(str::to_string);
                let error = response.get("error").filter(|e| is_truthy(e));
                let reason = response
                    .get("incomplete_details")
                    .and_then(|d| d.get("reason"))
                    .filter(|r| is_truthy(r));
                return Err(match (error, reason) {
                    (Some(error), _) => {
                        let field = |name: &str, fallback: &str| match error.get(name) {
                            Some(value) if is_truthy(value) => js_text(Some(value)),
                            _ => fallback.to_string(),
                        };
                        format!(
                            "{}: {}",
                            field("code", "unknown"),
                            field("message", "no message")
                        )
                    }
                    (None, Some(reason)) => format!("incomplete: {}", js_text(Some(reason))),
                    (None, None) => "Unknown error (no error details in response)".to_string(),
                });
            }
            _ => {}
        }
        Ok(())
    }

    fn position(&self, index: Option<u64>) -> Option<usize> {
        self.slots.iter().position(|s| s.output_index == index)
    }

    fn slot_mut(&mut self, index: Option<u64>) -> Option<&mut Slot> {
        let position = self.position(index)?;
        self.slots.get_mut(position)
    }

    /// The content index of the open slot for `index`, if it is of the wanted kind.
    fn slot_of(&self, index: Option<u64>, wanted: impl Fn(&SlotKind) -> bool) -> Option<usize> {
        let slot = self.slots.get(self.position(index)?)?;
        wanted(&slot.kind).then_some(slot.content)
    }

    /// Opens the block for a new output item; returns its slot position.
    fn open(
        &mut self,
        writer: &mut AssistantWriter,
        index: Option<u64>,
        item: &Value,
    ) -> Option<usize> {
        apply_phase(writer, item);
        let text = |name: &str| item.get(name).and_then(Value::as_str).unwrap_or_default();
        let (content, kind) = match text("type") {
            "reasoning" => (
                writer.thinking_start(ThinkingContent::new("")),
                SlotKind::Thinking,
            ),
            "message" => (writer.text_start(TextContent::new("")), SlotKind::Text),
            "function_call" => {
                let content = writer.toolcall_start(call_id(item), text("name").to_string());
                set_namespace(writer, content, item);
                let seed = text("arguments");
                if !seed.is_empty() {
                    writer.toolcall_set_json(content, seed);
                }
                (content, SlotKind::Function(seed.to_string()))
            }
            "custom_tool_call" => {
                let name = text("name");
                let property = self
                    .grammar_inputs
                    .get(name)
                    .cloned()
                    .unwrap_or_else(|| "input".into());
                let current = text("input").to_string();
                let content = writer.toolcall_start(call_id(item), name.to_string());
                set_namespace(writer, content, item);
                if let Some(call) = writer.toolcall_mut(content) {
                    call.arguments = Map::from_iter([(property.clone(), json!(current))]);
                }
                let custom = CustomInput {
                    property,
                    current,
                    sent: String::new(),
                    started: false,
                    closed: false,
                };
                (content, SlotKind::Custom(custom))
            }
            _ => return None,
        };
        // A re-announced index starts over in a new block.
        if let Some(position) = self.position(index) {
            self.slots.remove(position);
        }
        self.slots.push(Slot {
            output_index: index,
            content,
            kind,
        });
        Some(self.slots.len() - 1)
    }

    /// Finishes the block of a done output item (opening it first if it was never announced).
    fn close(
        &mut self,
        writer: &mut AssistantWriter,
        index: Option<u64>,
        item: Value,
    ) -> Result<(), String> {
        apply_phase(writer, &item);
        let Some(position) = self
            .position(index)
            .or_else(|| self.open(writer, index, &item))
        else {
            return Ok(());
        };
        let Some(slot) = self.slots.get_mut(position) else {
            return Ok(());
        };
        let content = slot.content;
        let item_type = item.get("type").and_then(Value::as_str).unwrap_or_default();
        match (&mut slot.kind, item_type) {
            (SlotKind::Thinking, "reasoning") => {
                let joined = |field: &str| {
                    let parts: Vec<&str> = item
                        .get(field)
                        .and_then(Value::as_array)
                        .map(|parts| {
                            parts
                                .iter()
                                .map(|p| p.get("text").and_then(Value::as_str).unwrap_or_default())
                                .collect()
                        })
                        .unwrap_or_default();
                    parts.join("\n\n")
                };
                let summary = joined("summary");
                let final_text = if !summary.is_empty() {
                    Some(summary)
                } else {
                    Some(joined("content")).filter(|c| !c.is_empty())
                };
                let signature = item.to_string();
                if let Some(block) = writer.thinking_mut(content) {
                    if let Some(text) = final_text {
                        block.thinking = text;
                    }
                    block.thinking_signature = Some(signature);
                }
                if let Some(id) = item.get("id").and_then(Value::as_str) {
                    self.reasoning_blocks.push((id.to_string(), content));
                }
                writer.thinking_end(content);
            }
            (SlotKind::Text, "message") => {
                let text: String = item
                    .get("content")
                    .and_then(Value::as_array)
                    .map(|parts| {
                        parts
                            .iter()
                            .map(|part| {
                                let field = if part.get("type") == Some(&json!("output_text")) {
                                    "text"
                                } else {
                                    "refusal"
                                };
                                part.get(field).and_then(Value::as_str).unwrap_or_default()
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                let mut signature = Map::new();
                signature.insert("v".into(), json!(1));
                if let Some(id) = item.get("id") {
                    signature.insert("id".into(), id.clone());
                }
                if let Some(phase) = item.get("phase").filter(|p| !p.is_null()) {
                    signature.insert("phase".into(), phase.clone());
                }
                if let Some(block) = writer.text_mut(content) {
                    block.text = text;
                    block.text_signature = Some(Value::Object(signature).to_string());
                }
                writer.text_end(content);
            }
            (SlotKind::Function(json), "function_call") => {
                let arguments = item
                    .get("arguments")
                    .and_then(Value::as_str)
                    .filter(|a| !a.is_empty());
                let final_json = match arguments {
                    Some(arguments) => arguments,
                    None if !json.is_empty() => json.as_str(),
                    None => "{}",
                };
                writer.toolcall_set_json(content, final_json);
                set_namespace(writer, content, &item);
                writer.toolcall_end(content);
            }
            (SlotKind::Custom(custom), "custom_tool_call") => {
                let input = match item.get("input").and_then(Value::as_str) {
                    Some(input) => input.to_string(),
                    None => custom.current.clone(),
                };
                if let Some(fragment) = custom.advance(input, true)? {
                    writer.toolcall_delta(content, &fragment);
                }
                set_namespace(writer, content, &item);
                writer.toolcall_end(content);
            }
            // An item that does not match its block leaves the block open.
            _ => return Ok(()),
        }
        self.slots.remove(position);
        Ok(())
    }

    /// The terminal response: usage, cost, response id and stop reason.
    fn finalize(&mut self, writer: &mut AssistantWriter, response: &Value) -> Result<(), String> {
        self.saw_terminal = true;
        self.backfill_encrypted_reasoning(writer, response);
        if let Some(id) = response.get("id").and_then(Value::as_str) {
            writer.set_response_id(id.to_string());
        }
        let mut usage = match response.get("usage").filter(|u| is_truthy(u)) {
            Some(wire) => usage_of(wire),
            None => writer.message().usage.clone(),
        };
        self.model.calculate_cost(&mut usage);
        if self.pricing.by_tier {
            let tier = response
                .get("service_tier")
                .and_then(Value::as_str)
                .or(self.pricing.service_tier);
            apply_tier_pricing(&mut usage, tier, self.model);
        }
        writer.set_usage(usage);

        let status = response.get("status").filter(|s| is_truthy(s));
        let status_text = status.map(|s| js_text(Some(s)));
        let incomplete = response
            .get("incomplete_details")
            .and_then(|d| d.get("reason"))
            .and_then(Value::as_str)
            .filter(|r| !r.is_empty());
        writer.message_mut().raw_stop_reason = match (&status_text, incomplete) {
            (Some(status), Some(reason)) => Some(format!("{status}.{reason}")),
            (Some(status), None) => Some(status.clone()),
            (None, Some(reason)) => Some(format!("undefined.{reason}")),
            (None, None) => None,
        };
        let (stop, error) = map_stop_reason(status_text.as_deref(), incomplete)?;
        let has_calls = writer.message().tool_calls().next().is_some();
        let message = writer.message_mut();
        message.stop_reason = if stop == StopReason::Stop && has_calls {
            StopReason::ToolUse
        } else {
            stop
        };
        message.error_message = error;
        Ok(())
    }

    /// Azure may leave the encrypted reasoning out of `output_item.done` and send it only in
    /// the final response; stored reasoning must carry it for stateless replay.
    fn backfill_encrypted_reasoning(&self, writer: &mut AssistantWriter, response: &Value) {
        let Some(output) = response.get("output").and_then(Value::as_array) else {
            return;
        };
        for item in output {
            let (Some("reasoning"), Some(encrypted)) = (
                item.get("type").and_then(Value::as_str),
                item.get("encrypted_content").filter(|e| is_truthy(e)),
            ) else {
                continue;
            };
            let Some(id) = item.get("id").and_then(Value::as_str) else {
                continue;
            };
            let Some(&(_, content)) = self.reasoning_blocks.iter().find(|(i, _)| i == id) else {
                continue;
            };
            let Some(block) = writer.thinking_mut(content) else {
                continue;
            };
            let Some(Ok(Value::Object(mut stored))) = block
                .thinking_signature
                .as_deref()
                .filter(|s| !s.is_empty())
                .map(serde_json::from_str::<Value>)
            else {
                continue;
            };
            if stored.get("encrypted_content").is_some_and(is_truthy) {
                continue;
            }
            stored.insert("encrypted_content".into(), encrypted.clone());
            block.thinking_signature = Some(Value::Object(stored).to_string());
        }
    }
}

impl CustomInput {
    /// Moves the input to `next` (which must extend it) and returns the JSON fragment that
    /// extends the call's arguments accordingly; `close` ends the JSON.
    fn advance(&mut self, next: String, close: bool) -> Result<Option<String>, String> {
        if self.closed {
            if close && next == self.sent {
                return Ok(None);
            }
            return Err(format!(
                "grammar tool input for property \"{}\" changed after it was closed",
                self.property
            ));
        }
        let Some(added) = next.strip_prefix(self.sent.as_str()) else {
            return Err(format!(
                "grammar tool input for property \"{}\" changed non-monotonically",
                self.property
            ));
        };
        if !close && added.is_empty() {
            return Ok(None);
        }
        let mut fragment = String::new();
        if !self.started {
            fragment.push('{');
            fragment.push_str(&Value::String(self.property.clone()).to_string());
            fragment.push_str(":\"");
            self.started = true;
        }
        let escaped = Value::String(added.to_string()).to_string();
        fragment.push_str(escaped.get(1..escaped.len() - 1).unwrap_or_default());
        if close {
            fragment.push_str("\"}");
            self.closed = true;
        }
        self.sent.clone_from(&next);
        self.current = next;
        Ok(Some(fragment))
    }
}

/// The stored tool-call id: `call_id|item_id`.
fn call_id(item: &Value) -> String {
    let part = |name: &str| js_text(item.get(name));
    format!("{}|{}", part("call_id"), part("id"))
}

fn set_namespace(writer: &mut AssistantWriter, content: usize, item: &Value) {
    if let Some(namespace) = item.get("namespace").and_then(Value::as_str)
        && let Some(call) = writer.toolcall_mut(content)
    {
        call.namespace = Some(namespace.to_string());
    }
}

/// A message in its final-answer phase has ended the turn.
fn apply_phase(writer: &mut AssistantWriter, item: &Value) {
    if item.get("type") == Some(&json!("message"))
        && item.get("phase") == Some(&json!("final_answer"))
    {
        writer.message_mut().stop_reason = StopReason::Stop;
    }
}

/// How JavaScript renders a value in a template string.
fn js_text(value: Option<&Value>) -> String {
    match value {
        None => "undefined".to_string(),
        Some(Value::String(text)) => text.clone(),
        Some(Value::Object(_)) => "[object Object]".to_string(),
        Some(Value::Array(items)) => items
            .iter()
            .map(|item| match item {
                Value::Null => String::new(),
                other => js_text(Some(other)),
            })
            .collect::<Vec<_>>()
            .join(","),
        Some(other) => other.to_string(),
    }
}

/// pi's usage: `input` excludes cache reads and writes; `output` includes reasoning; the
/// total is the provider's.
fn usage_of(wire: &Value) -> Usage {
    let count = |value: Option<&Value>| value.and_then(Value::as_u64).unwrap_or(0);
    let details = wire.get("input_tokens_details");
    let cache_read = count(details.and_then(|d| d.get("cached_tokens")));
    let cache_write = count(details.and_then(|d| d.get("cache_write_tokens")));
    Usage {
        input: count(wire.get("input_tokens"))
            .saturating_sub(cache_read)
            .saturating_sub(cache_write),
        output: count(wire.get("output_tokens")),
        cache_read,
        cache_write,
        reasoning: Some(count(
            wire.get("output_tokens_details")
                .and_then(|d| d.get("reasoning_tokens")),
        )),
        total_tokens: count(wire.get("total_tokens")),
        cost: Default::default(),
        cache_write_1h: None,
    }
}

/// Flex is billed at half price, priority at twice (gpt-5.5: two and a half times).
fn apply_tier_pricing(usage: &mut Usage, tier: Option<&str>, model: &Model) {
    let multiplier = match tier {
        Some("flex") => 0.5,
        Some("priority") if model.id == "gpt-5.5" => 2.5,
        Some("priority") => 2.0,
        _ => return,
    };
    let cost = &mut usage.cost;
    cost.input *= multiplier;
    cost.output *= multiplier;
    cost.cache_read *= multiplier;
    cost.cache_write *= multiplier;
    cost.total = cost.input + cost.output + cost.cache_read + cost.cache_write;
}

/// A response status as a stop reason. Incomplete responses keep their reason apart: the
/// output limit is `length`, anything else (a content filter) an error.
pub(super) fn map_stop_reason(
    status: Option<&str>,
    incomplete: Option<&str>,
) -> Result<(StopReason, Option<String>), String> {
    let Some(status) = status else {
        return Ok((StopReason::Stop, None));
    };
    Ok(match status {
        "completed" | "in_progress" | "queued" => (StopReason::Stop, None),
        "incomplete" => match incomplete {
            Some("max_output_tokens") => (StopReason::Length, None),
            Some(reason) if !reason.is_empty() => (
                StopReason::Error,
                Some(format!("Response incomplete: {reason}")),
            ),
            _ => (
                StopReason::Error,
                Some("Response incomplete without a provider reason".to_string()),
            ),
        },
        "failed" | "cancelled" => (StopReason::Error, None),
        other => return Err(format!("Unhandled stop reason: {other}")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::AssistantContent;
    use crate::stream::AssistantStream;

    fn model() -> Model {
        serde_json::from_value(json!({
            "id": "gpt-5.5", "name": "m", "api": "openai-responses", "provider": "openai",
            "baseUrl": "https://api.openai.com/v1", "reasoning": true, "input": ["text"],
            "cost": {"input": 1, "output": 10, "cacheRead": 0.1, "cacheWrite": 0},
            "contextWindow": 1000, "maxTokens": 100
        }))
        .unwrap()
    }

    fn feed(events: &[Value], grammar: &GrammarInputs) -> Result<crate::AssistantMessage, String> {
        let model = model();
        let (mut writer, _stream) = AssistantStream::channel(&model);
        let pricing = Pricing {
            service_tier: Some("priority"),
            by_tier: true,
        };
        let mut state = State::new(&model, grammar, pricing);
        for event in events {
            let text = event.to_string();
            let parsed: WireEvent<'_> = serde_json::from_str(&text).unwrap();
            state.apply(&mut writer, parsed)?;
        }
        Ok(writer.message().clone())
    }

    #[test]
    fn custom_tool_input_streams_as_json_arguments() {
        let grammar: GrammarInputs = [("patch".to_string(), "diff".to_string())].into();
        let message = feed(
            &[
                json!({"type": "response.output_item.added", "output_index": 0, "item":
                    {"type": "custom_tool_call", "id": "ctc_1", "call_id": "call_1", "name": "patch", "input": ""}}),
                json!({"type": "response.custom_tool_call_input.delta", "output_index": 0, "delta": "--- a\n"}),
                json!({"type": "response.custom_tool_call_input.delta", "output_index": 0, "delta": "+++ \"b\""}),
                json!({"type": "response.output_item.done", "output_index": 0, "item":
                    {"type": "custom_tool_call", "id": "ctc_1", "call_id": "call_1", "name": "patch",
                     "input": "--- a\n+++ \"b\"", "namespace": "files"}}),
            ],
            &grammar,
        )
        .unwrap();
        let call = message.tool_calls().next().unwrap();
        assert_eq!(call.id, "call_1|ctc_1");
        assert_eq!(call.namespace.as_deref(), Some("files"));
        assert_eq!(
            Value::Object(call.arguments.clone()),
            json!({"diff": "--- a\n+++ \"b\""})
        );
        // Input that goes back on itself is an error, as in pi.
        let error = feed(
            &[
                json!({"type": "response.output_item.added", "output_index": 0, "item":
                    {"type": "custom_tool_call", "id": "c", "call_id": "k", "name": "patch"}}),
                json!({"type": "response.custom_tool_call_input.delta", "output_index": 0, "delta": "abc"}),
                json!({"type": "response.custom_tool_call_input.done", "output_index": 0, "input": "xyz"}),
            ],
            &grammar,
        )
        .unwrap_err();
        assert_eq!(
            error,
            "grammar tool input for property \"diff\" changed non-monotonically"
        );
    }

    proptest::proptest! {
        /// However a grammar tool's input is split, the fragments spell its JSON arguments.
        #[test]
        fn custom_input_fragments_spell_the_arguments(
            input in "\\PC{0,40}",
            cuts in proptest::collection::vec(proptest::prelude::any::<usize>(), 0..6),
        ) {
            let mut custom = CustomInput {
                property: "p\"q".into(),
                current: String::new(),
                sent: String::new(),
                started: false,
                closed: false,
            };
            let boundaries: Vec<usize> = input.char_indices().map(|(i, _)| i).collect();
            let mut ends: Vec<usize> = cuts
                .iter()
                .filter_map(|c| boundaries.get(c % boundaries.len().max(1)).copied())
                .collect();
            ends.sort_unstable();
            let mut json = String::new();
            for end in ends {
                if let Some(fragment) = custom.advance(input[..end].to_string(), false).unwrap() {
                    json.push_str(&fragment);
                }
            }
            json.push_str(&custom.advance(input.clone(), true).unwrap().unwrap());
            let parsed: Value = serde_json::from_str(&json).unwrap();
            proptest::prop_assert_eq!(parsed, json!({"p\"q": input}));
        }
    }

    #[test]
    fn encrypted_reasoning_is_backfilled_from_the_final_response() {
        let message = feed(
            &[
                json!({"type": "response.output_item.added", "output_index": 0, "item": {"type": "reasoning", "id": "rs_1"}}),
                json!({"type": "response.reasoning_text.delta", "output_index": 0, "delta": "raw"}),
                json!({"type": "response.output_item.done", "output_index": 0, "item":
                    {"type": "reasoning", "id": "rs_1", "summary": [], "content": [{"type": "reasoning_text", "text": "raw thoughts"}]}}),
                json!({"type": "response.completed", "response": {"id": "resp_1", "status": "completed",
                    "service_tier": "flex",
                    "output": [{"type": "reasoning", "id": "rs_1", "encrypted_content": "ENC"}],
                    "usage": {"input_tokens": 1000, "input_tokens_details": {"cached_tokens": 400},
                              "output_tokens": 100, "total_tokens": 1100}}}),
            ],
            &GrammarInputs::new(),
        )
        .unwrap();
        let AssistantContent::Thinking(thinking) = &message.content[0] else {
            panic!("no thinking block")
        };
        assert_eq!(thinking.thinking, "raw thoughts");
        assert_eq!(
            serde_json::from_str::<Value>(thinking.thinking_signature.as_deref().unwrap()).unwrap(),
            json!({"type": "reasoning", "id": "rs_1", "summary": [],
                   "content": [{"type": "reasoning_text", "text": "raw thoughts"}], "encrypted_content": "ENC"})
        );
        assert_eq!(message.response_id.as_deref(), Some("resp_1"));
        let usage = &message.usage;
        assert_eq!(
            (usage.input, usage.cache_read, usage.output),
            (600, 400, 100)
        );
        // The response's own tier (flex) wins over the one asked for: half price.
        assert!(
            (usage.cost.input - 0.0003).abs() < 1e-12,
            "{}",
            usage.cost.input
        );
        assert!((usage.cost.total - (0.0003 + 0.0005 + 0.00002)).abs() < 1e-12);
    }

    #[test]
    fn stop_reasons_from_status() {
        assert_eq!(
            map_stop_reason(Some("completed"), None),
            Ok((StopReason::Stop, None))
        );
        assert_eq!(
            map_stop_reason(Some("incomplete"), Some("max_output_tokens")),
            Ok((StopReason::Length, None))
        );
        assert_eq!(
            map_stop_reason(Some("incomplete"), Some("content_filter")),
            Ok((
                StopReason::Error,
                Some("Response incomplete: content_filter".into())
            ))
        );
        assert_eq!(
            map_stop_reason(Some("incomplete"), None)
                .unwrap()
                .1
                .as_deref(),
            Some("Response incomplete without a provider reason")
        );
        assert_eq!(
            map_stop_reason(Some("cancelled"), None),
            Ok((StopReason::Error, None))
        );
        assert_eq!(
            map_stop_reason(Some("queued"), None),
            Ok((StopReason::Stop, None))
        );
        assert_eq!(map_stop_reason(None, None), Ok((StopReason::Stop, None)));
        assert_eq!(
            map_stop_reason(Some("paused"), None),
            Err("Unhandled stop reason: paused".into())
        );
    }

    #[test]
    fn failures_read_like_the_reference() {
        let failed = |response: Value| {
            feed(
                &[json!({"type": "response.failed", "response": response})],
                &GrammarInputs::new(),
            )
            .unwrap_err()
        };
        assert_eq!(
            failed(
                json!({"status": "failed", "error": {"code": "server_error", "message": "boom"}})
            ),
            "server_error: boom"
        );
        assert_eq!(
            failed(json!({"status": "failed", "error": {"message": ""}})),
            "unknown: no message"
        );
        assert_eq!(
            failed(
                json!({"status": "failed", "incomplete_details": {"reason": "max_output_tokens"}})
            ),
            "incomplete: max_output_tokens"
        );
        assert_eq!(
            failed(json!({"status": "failed"})),
            "Unknown error (no error details in response)"
        );
        let error = feed(
            &[json!({"type": "error", "code": "rate_limit_exceeded", "message": "slow down"})],
            &GrammarInputs::new(),
        )
        .unwrap_err();
        assert_eq!(error, "Error Code rate_limit_exceeded: slow down");
        let error = feed(
            &[json!({"type": "error", "message": "no code"})],
            &GrammarInputs::new(),
        )
        .unwrap_err();
        assert_eq!(error, "Error Code undefined: no code");
    }
}

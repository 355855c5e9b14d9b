//! Reading a Chat Completions stream: chunks in, events out.
//!
//! Text and reasoning each grow one block; tool calls are matched by their stream index
//! (or id) as their fragments arrive; every block is closed at the end, in content order,
//! as the reference does.

use std::collections::HashMap;

use serde::Deserialize;
use serde_json::Value;

use super::request::GrammarInputs;
use crate::message::{AssistantContent, StopReason, TextContent, ThinkingContent, Usage};
use crate::model::Model;
use crate::providers::is_truthy;
use crate::stream::AssistantWriter;

#[derive(Deserialize)]
pub(super) struct Chunk {
    /// An error reported inside the stream.
    #[serde(default)]
    pub(super) error: Option<Value>,
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    model: Option<String>,
    #[serde(default)]
    usage: Option<WireUsage>,
    #[serde(default)]
    choices: Option<Vec<Choice>>,
}

#[derive(Deserialize)]
struct Choice {
    #[serde(default)]
    delta: Option<Delta>,
    #[serde(default)]
    finish_reason: Option<String>,
    #[serde(default)]
    usage: Option<WireUsage>,
}

#[derive(Deserialize, Default)]
struct Delta {
    #[serde(default)]
    content: Option<String>,
    #[serde(default)]
    reasoning_content: Option<Value>,
    #[serde(default)]
    reasoning: Option<Value>,
    #[serde(default)]
    reasoning_text: Option<Value>,
    #[serde(default)]
    tool_calls: Option<Vec<WireToolCall>>,
    #[serde(default)]
    reasoning_details: Option<Vec<Value>>,
}

#[derive(Deserialize)]
struct WireToolCall {
    #[serde(default)]
    index: Option<u64>,
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    function: Option<WireFunction>,
    #[serde(default)]
    custom: Option<WireCustom>,
}

#[derive(Deserialize)]
struct WireFunction {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    arguments: Option<String>,
}

#[derive(Deserialize)]
struct WireCustom {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    input: Option<String>,
}

#[derive(Deserialize, Default)]
struct WireUsage {
    #[serde(default)]
    prompt_tokens: Option<u64>,
    #[serde(default)]
    completion_tokens: Option<u64>,
    #[serde(default)]
    prompt_tokens_details: Option<PromptDetails>,
    #[serde(default)]
    prompt_cache_hit_tokens: Option<u64>,
    #[serde(default)]
    cached_tokens: Option<u64>,
    #[serde(default)]
    completion_tokens_details: Option<CompletionDetails>,
}

#[derive(Deserialize, Default)]
struct PromptDetails {
    #[serde(default)]
    cached_tokens: Option<u64>,
    #[serde(default)]
    cache_write_tokens: Option<u64>,
}

#[derive(Deserialize, Default)]
struct CompletionDetails {
    #[serde(default)]
    reasoning_tokens: Option<u64>,
}

impl WireUsage {
    /// pi's usage: `input` excludes cached tokens; `output` already includes reasoning.
    fn to_usage(&self, model: &Model) -> Usage {
        let prompt = self.prompt_tokens.unwrap_or(0);
        let cache_read = self
            .prompt_tokens_details
            .as_ref()
            .and_then(|d| d.cached_tokens)
            .or(self.prompt_cache_hit_tokens)
            .or(self.cached_tokens)
            .unwrap_or(0);
        let cache_write = self
            .prompt_tokens_details
            .as_ref()
            .and_then(|d| d.cache_write_tokens)
            .unwrap_or(0);
        let input = prompt
            .saturating_sub(cache_read)
            .saturating_sub(cache_write);
        let output = self.completion_tokens.unwrap_or(0);
        let mut usage = Usage {
            input,
            output,
            cache_read,
            cache_write,
            cache_write_1h: None,
            reasoning: Some(
                self.completion_tokens_details
                    .as_ref()
                    .and_then(|d| d.reasoning_tokens)
                    .unwrap_or(0),
            ),
            total_tokens: input + output + cache_read + cache_write,
            cost: Default::default(),
        };
        model.calculate_cost(&mut usage);
        usage
    }
}

/// A grammar tool call whose input streams as text; pi turns it into JSON deltas.
struct CustomInput {
    property: String,
    input: String,
    started: bool,
}

struct ToolBlock {
    content: usize,
    stream_index: Option<u64>,
    custom: Option<CustomInput>,
}

pub(super) struct State<'a> {
    model: &'a Model,
    grammar_inputs: &'a GrammarInputs,
    text: Option<usize>,
    thinking: Option<usize>,
    tools: Vec<ToolBlock>,
    ids: HashMap<String, usize>,
    reasoning_details: Option<Vec<Value>>,
    pub(super) has_finish_reason: bool,
}

impl<'a> State<'a> {
    pub(super) fn new(model: &'a Model, grammar_inputs: &'a GrammarInputs) -> Self {
        State {
            model,
            grammar_inputs,
            text: None,
            thinking: None,
            tools: Vec::new(),
            ids: HashMap::new(),
            reasoning_details: None,
            has_finish_reason: false,
        }
    }

    pub(super) fn apply(&mut self, writer: &mut AssistantWriter, chunk: Chunk) {
        if writer.message().response_id.is_none()
            && let Some(id) = chunk.id.filter(|id| !id.is_empty())
        {
            writer.set_response_id(id);
        }
        if let Some(answered) = chunk.model.filter(|m| !m.is_empty() && *m != self.model.id)
            && writer.message().response_model.is_none()
        {
            writer.set_response_model(answered);
        }
        if let Some(usage) = &chunk.usage {
            writer.set_usage(usage.to_usage(self.model));
        }
        let Some(choice) = chunk.choices.and_then(|choices| choices.into_iter().next()) else {
            return;
        };
        if chunk.usage.is_none() {
            // Some providers (Moonshot) put usage on the choice.
            if let Some(usage) = &choice.usage {
                writer.set_usage(usage.to_usage(self.model));
            }
        }
        if let Some(reason) = choice.finish_reason {
            let (stop, error) = map_stop_reason(&reason);
            let message = writer.message_mut();
            message.raw_stop_reason = Some(reason);
            message.stop_reason = stop;
            if let Some(error) = error {
                message.error_message = Some(error);
            }
            self.has_finish_reason = true;
        }
        let Some(delta) = choice.delta else { return };
        if let Some(text) = delta.content.filter(|t| !t.is_empty()) {
            let index = *self
                .text
                .get_or_insert_with(|| writer.text_start(TextContent::new("")));
            writer.text_delta(index, &text);
        }
        // The first non-empty reasoning field wins (some servers send two with the same text).
        let reasoning = [
            ("reasoning_content", &delta.reasoning_content),
            ("reasoning", &delta.reasoning),
            ("reasoning_text", &delta.reasoning_text),
        ]
        .into_iter()
        .find_map(|(field, value)| match value {
            Some(Value::String(text)) if !text.is_empty() => Some((field, text.clone())),
            _ => None,
        });
        if let Some((field, text)) = reasoning {
            let field = if self.model.provider == "opencode-go" && field == "reasoning" {
                "reasoning_content"
            } else {
                field
            };
            let index = self.thinking_block(writer, field);
            writer.thinking_delta(index, &text);
        }
        for call in delta.tool_calls.into_iter().flatten() {
            self.tool_call_delta(writer, call);
        }
        for detail in delta.reasoning_details.into_iter().flatten() {
            if !request_is_reasoning_detail(&detail) {
                continue;
            }
            self.thinking_block(writer, "");
            append_reasoning_detail(self.reasoning_details.get_or_insert_with(Vec::new), detail);
        }
    }

    fn thinking_block(&mut self, writer: &mut AssistantWriter, signature: &str) -> usize {
        *self
            .thinking
            .get_or_insert_with(|| writer.thinking_start(ThinkingContent::signed("", signature)))
    }

    fn tool_call_delta(&mut self, writer: &mut AssistantWriter, call: WireToolCall) {
        let name = call
            .function
            .as_ref()
            .and_then(|f| f.name.clone())
            .or_else(|| call.custom.as_ref().and_then(|c| c.name.clone()));
        let id = call.id.clone().filter(|id| !id.is_empty());
        let existing = call
            .index
            .and_then(|i| self.tools.iter().position(|t| t.stream_index == Some(i)))
            .or_else(|| id.as_ref().and_then(|id| self.ids.get(id).copied()));
        let position = existing.unwrap_or_else(|| {
            let content = writer.toolcall_start(
                id.clone().unwrap_or_default(),
                name.clone().unwrap_or_default(),
            );
            self.tools.push(ToolBlock {
                content,
                stream_index: call.index,
                custom: None,
            });
            self.tools.len() - 1
        });
        if let Some(id) = &id {
            self.ids.insert(id.clone(), position);
        }
        let grammar_inputs = self.grammar_inputs;
        let Some(tool) = self.tools.get_mut(position) else {
            return;
        };
        tool.stream_index = tool.stream_index.or(call.index);
        let Some(block) = writer.toolcall_mut(tool.content) else {
            return;
        };
        // Ids and names may arrive after the first fragment.
        if let (true, Some(id)) = (block.id.is_empty(), &id) {
            block.id.clone_from(id);
        }
        if let (true, Some(name)) = (block.name.is_empty(), &name) {
            block.name.clone_from(name);
        }
        // A grammar tool's input streams as text and becomes `{"<property>": input}`.
        if call.custom.is_some() && call.function.is_none() && tool.custom.is_none() {
            let property = grammar_inputs
                .get(&block.name)
                .cloned()
                .unwrap_or_else(|| "input".into());
            tool.custom = Some(CustomInput {
                property,
                input: String::new(),
                started: false,
            });
        }
        let arguments = call
            .function
            .and_then(|f| f.arguments)
            .filter(|a| !a.is_empty());
        let input = call.custom.and_then(|c| c.input).filter(|i| !i.is_empty());
        let delta = match (arguments, input, tool.custom.as_mut()) {
            (Some(arguments), _, _) => arguments,
            (None, Some(input), Some(custom)) => custom_json_delta(custom, &input, false),
            _ => String::new(),
        };
        writer.toolcall_delta(tool.content, &delta);
    }

    /// Closes every block, in content order, as the reference does at the end of a stream.
    pub(super) fn finish_blocks(&mut self, writer: &mut AssistantWriter) {
        self.store_reasoning_details(writer);
        let count = writer.message().content.len();
        for index in 0..count {
            match writer.message().content.get(index) {
                Some(AssistantContent::Text(_)) => writer.text_end(index),
                Some(AssistantContent::Thinking(_)) => writer.thinking_end(index),
                Some(AssistantContent::ToolCall(_)) => {
                    if let Some(custom) = self
                        .tools
                        .iter_mut()
                        .find(|t| t.content == index)
                        .and_then(|t| t.custom.as_mut())
                    {
                        let close = custom_json_delta(custom, "", true);
                        writer.toolcall_delta(index, &close);
                    }
                    writer.toolcall_end(index);
                }
                None => {}
            }
        }
    }

    fn store_reasoning_details(&mut self, writer: &mut AssistantWriter) {
        if let (Some(details), Some(index)) = (&self.reasoning_details, self.thinking) {
            let json = serde_json::to_string(details).unwrap_or_default();
            if let Some(block) = writer.thinking_mut(index) {
                block.thinking_signature = Some(json);
            }
        }
    }

    pub(super) fn fail(mut self, mut writer: AssistantWriter, reason: StopReason, error: String) {
        self.store_reasoning_details(&mut writer);
        writer.fail(reason, error);
    }
}

/// The JSON fragment that extends a grammar tool's `{"<property>":"<input>"}` arguments by
/// `more` input (and closes them when `close`).
fn custom_json_delta(custom: &mut CustomInput, more: &str, close: bool) -> String {
    let mut delta = String::new();
    if !custom.started {
        delta.push_str(&format!("{{{}:\"", Value::String(custom.property.clone())));
        custom.started = true;
    }
    let escaped = Value::String(more.to_string()).to_string();
    delta.push_str(
        escaped
            .get(1..escaped.len().saturating_sub(1))
            .unwrap_or_default(),
    );
    custom.input.push_str(more);
    if close {
        delta.push_str("\"}");
    }
    delta
}

fn request_is_reasoning_detail(detail: &Value) -> bool {
    let Some(object) = detail.as_object() else {
        return false;
    };
    match object.get("type").and_then(Value::as_str) {
        Some("reasoning.summary") => object.get("summary").is_some_and(Value::is_string),
        Some("reasoning.encrypted") => object.get("data").is_some_and(Value::is_string),
        Some("reasoning.text") => object.get("text").is_some_and(Value::is_string),
        _ => false,
    }
}

/// Streamed reasoning details: consecutive text or summary fragments merge into one entry.
fn append_reasoning_detail(details: &mut Vec<Value>, detail: Value) {
    let kind = detail
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let field = match kind.as_str() {
        "reasoning.text" => Some("text"),
        "reasoning.summary" => Some("summary"),
        _ => None,
    };
    if let (Some(field), Some(Value::Object(last))) = (field, details.last_mut())
        && last.get("type").and_then(Value::as_str) == Some(kind.as_str())
    {
        let addition = detail
            .get(field)
            .and_then(Value::as_str)
            .unwrap_or_default();
        let merged = format!(
            "{}{addition}",
            last.get(field).and_then(Value::as_str).unwrap_or_default()
        );
        last.insert(field.into(), Value::String(merged));
        if field == "text"
            && !last.get("signature").is_some_and(is_truthy)
            && let Some(signature) = detail.get("signature").filter(|s| is_truthy(s))
        {
            last.insert("signature".into(), signature.clone());
        }
        for key in ["id", "index"] {
            if last.get(key).is_none_or(Value::is_null)
                && let Some(value) = detail.get(key)
            {
                last.insert(key.into(), value.clone());
            }
        }
        if !last.get("format").is_some_and(is_truthy)
            && let Some(value) = detail.get("format")
        {
            last.insert("format".into(), value.clone());
        }
        return;
    }
    details.push(detail);
}

pub(super) fn map_stop_reason(reason: &str) -> (StopReason, Option<String>) {
    match reason {
        "stop" | "end" => (StopReason::Stop, None),
        "length" => (StopReason::Length, None),
        "function_call" | "tool_calls" => (StopReason::ToolUse, None),
        other => (
            StopReason::Error,
            Some(format!("Provider finish_reason: {other}")),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stream::AssistantStream;
    use serde_json::json;

    fn model() -> Model {
        serde_json::from_value(json!({
            "id": "m", "name": "m", "api": "openai-completions", "provider": "openrouter",
            "baseUrl": "https://openrouter.ai/api/v1", "reasoning": true, "input": ["text"],
            "cost": {"input": 0, "output": 0, "cacheRead": 0, "cacheWrite": 0},
            "contextWindow": 1000, "maxTokens": 100
        }))
        .unwrap()
    }

    fn feed(chunks: &[Value], grammar: &GrammarInputs) -> crate::AssistantMessage {
        let model = model();
        let (mut writer, _stream) = AssistantStream::channel(&model);
        let mut state = State::new(&model, grammar);
        for chunk in chunks {
            state.apply(&mut writer, serde_json::from_value(chunk.clone()).unwrap());
        }
        state.finish_blocks(&mut writer);
        writer.message().clone()
    }

    #[test]
    fn grammar_tool_input_becomes_json_arguments() {
        let grammar: GrammarInputs = [("patch".to_string(), "diff".to_string())].into();
        let message = feed(
            &[
                json!({"choices": [{"delta": {"tool_calls": [{"index": 0, "id": "c1", "custom": {"name": "patch", "input": "--- a\n"}}]}}]}),
                json!({"choices": [{"delta": {"tool_calls": [{"index": 0, "custom": {"input": "+++ \"b\""}}]}}]}),
            ],
            &grammar,
        );
        let call = message.tool_calls().next().unwrap();
        assert_eq!((call.id.as_str(), call.name.as_str()), ("c1", "patch"));
        assert_eq!(
            Value::Object(call.arguments.clone()),
            json!({"diff": "--- a\n+++ \"b\""})
        );
    }

    #[test]
    fn reasoning_details_merge_and_become_the_signature() {
        let message = feed(
            &[
                json!({"choices": [{"delta": {"reasoning": "Thinking", "reasoning_details": [
                    {"type": "reasoning.text", "text": "Think", "format": "f"}]}}]}),
                json!({"choices": [{"delta": {"reasoning": " more", "reasoning_details": [
                    {"type": "reasoning.text", "text": "ing", "signature": "s1"},
                    {"type": "reasoning.encrypted", "data": "opaque", "id": "r1"}]}}]}),
            ],
            &GrammarInputs::new(),
        );
        let AssistantContent::Thinking(thinking) = &message.content[0] else {
            panic!("no thinking")
        };
        assert_eq!(thinking.thinking, "Thinking more");
        let details: Value =
            serde_json::from_str(thinking.thinking_signature.as_deref().unwrap()).unwrap();
        assert_eq!(
            details,
            json!([{"type": "reasoning.text", "text": "Thinking", "format": "f", "signature": "s1"},
                   {"type": "reasoning.encrypted", "data": "opaque", "id": "r1"}])
        );
    }
}

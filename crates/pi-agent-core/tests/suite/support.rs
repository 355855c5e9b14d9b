//! Helpers: a faux-driven agent that records its events.

use std::sync::{Arc, Mutex};

use pi_agent_core::{
    Agent, AgentEvent, AgentOptions, AgentTool, AgentToolResult, FnTool, Subscription,
};
use pi_ai::faux::{FauxProvider, FauxResponse};
use pi_ai::{AssistantContent, ToolCall};
use serde_json::{Value, json};

/// Events as compact strings (`message_end:toolResult`, `tool_execution_end:t1:error`, ...).
#[derive(Clone, Default)]
pub struct Recorder(pub Arc<Mutex<Vec<String>>>, pub Arc<Mutex<Vec<Value>>>);

impl Recorder {
    pub fn attach(&self, agent: &Agent) -> Subscription {
        let (short, full) = (Arc::clone(&self.0), Arc::clone(&self.1));
        agent.subscribe(move |event| {
            short.lock().unwrap().push(summarize(event));
            full.lock()
                .unwrap()
                .push(serde_json::to_value(event).unwrap());
        })
    }

    pub fn events(&self) -> Vec<String> {
        self.0.lock().unwrap().clone()
    }

    pub fn json(&self) -> Vec<Value> {
        self.1.lock().unwrap().clone()
    }

    /// The events without the streaming noise (updates), for asserting on structure.
    pub fn outline(&self) -> Vec<String> {
        self.events()
            .into_iter()
            .filter(|e| !e.starts_with("message_update"))
            .collect()
    }
}

pub fn summarize(event: &AgentEvent<'_>) -> String {
    match event {
        AgentEvent::MessageStart { message } => format!("message_start:{}", message.role()),
        AgentEvent::MessageEnd { message } => format!("message_end:{}", message.role()),
        AgentEvent::MessageUpdate {
            assistant_message_event,
            ..
        } => {
            let value = serde_json::to_value(assistant_message_event).unwrap();
            format!("message_update:{}", value["type"].as_str().unwrap())
        }
        AgentEvent::ToolExecutionStart { tool_call_id, .. } => {
            format!("tool_execution_start:{tool_call_id}")
        }
        AgentEvent::ToolExecutionUpdate { tool_call_id, .. } => {
            format!("tool_execution_update:{tool_call_id}")
        }
        AgentEvent::ToolExecutionEnd {
            tool_call_id,
            is_error,
            ..
        } => {
            format!(
                "tool_execution_end:{tool_call_id}:{}",
                if *is_error { "error" } else { "ok" }
            )
        }
        other => other.kind().to_string(),
    }
}

/// An agent answered by `faux`, with `tools`.
pub fn agent_with(faux: &FauxProvider, tools: Vec<Arc<dyn AgentTool>>) -> AgentOptions {
    let mut options = AgentOptions::new(faux.model());
    options.tools = tools;
    let faux = faux.clone();
    options.stream_fn = Arc::new(move |model, context, options| {
        pi_ai::ApiProvider::stream_simple(&faux, model, context, options)
    });
    options
}

/// A response calling `calls` (id, tool, arguments) in order.
pub fn calls(calls: &[(&str, &str, Value)]) -> FauxResponse {
    FauxResponse::blocks(
        calls
            .iter()
            .map(|(id, name, args)| {
                let arguments = args.as_object().cloned().unwrap_or_default();
                AssistantContent::ToolCall(ToolCall::new(*id, *name, arguments))
            })
            .collect(),
    )
}

/// `echo`: returns `echoed: <value>`; records what it ran.
pub fn echo(ran: Arc<Mutex<Vec<String>>>) -> Arc<dyn AgentTool> {
    Arc::new(FnTool::new(
        "echo",
        "Echo tool",
        json!({"type": "object", "properties": {"value": {"type": "string"}}, "required": ["value"]}),
        move |input| {
            let ran = Arc::clone(&ran);
            async move {
                let value = input.args["value"].as_str().unwrap_or_default().to_string();
                ran.lock().unwrap().push(value.clone());
                Ok(AgentToolResult::text(format!("echoed: {value}"))
                    .with_details(json!({"value": value})))
            }
        },
    ))
}

/// The text of the first content block of a tool result event.
pub fn result_text(event: &Value) -> String {
    event["result"]["content"][0]["text"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

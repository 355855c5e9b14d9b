//! What a request carries: the conversation, and the system prompt and tools it runs under.

use std::borrow::Cow;

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};
use serde_json::Map;

use crate::message::{Message, SystemMessage, UserContent, UserMessage};
use crate::tool::Tool;

/// A request's input: plain JSON that can be saved and restored verbatim.
///
/// `system_prompt` and `tools` are shorthand for a leading [`SystemMessage`]; a transcript
/// may instead (or also) carry system messages itself, as pi's sessions do.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Context {
    /// The system prompt.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system_prompt: Option<String>,
    /// The conversation so far.
    pub messages: Vec<Message>,
    /// Tools the model may call.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tools: Option<Vec<Tool>>,
}

impl From<&str> for Context {
    /// A context holding one user message.
    fn from(prompt: &str) -> Self {
        Context {
            messages: vec![UserMessage::text(prompt).into()],
            ..Context::default()
        }
    }
}

impl From<String> for Context {
    fn from(prompt: String) -> Self {
        Context::from(prompt.as_str())
    }
}

/// A context with `system_prompt` and `tools` folded into a leading system message: the
/// form every adapter works on.
#[derive(Debug, Clone)]
pub struct Transcript<'a> {
    /// The messages, system messages included.
    pub messages: Vec<Cow<'a, Message>>,
}

impl<'a> Transcript<'a> {
    /// Folds the shorthand fields of `context` into a leading system message.
    pub fn new(context: &'a Context) -> Self {
        let prompt = context
            .system_prompt
            .as_deref()
            .filter(|prompt| !prompt.is_empty());
        let tools = context.tools.as_ref().filter(|tools| !tools.is_empty());
        let mut messages = Vec::with_capacity(context.messages.len() + 1);
        if prompt.is_some() || tools.is_some() {
            messages.push(Cow::Owned(Message::System(SystemMessage {
                content: UserContent::Text(prompt.unwrap_or_default().to_string()),
                sections: None,
                tools_added: tools.cloned(),
                tools_removed: None,
                timestamp: 0,
                extra: Map::new(),
            })));
        }
        messages.extend(context.messages.iter().map(Cow::Borrowed));
        Transcript { messages }
    }

    /// The leading system message, if the transcript starts with one.
    pub fn initial_system(&self) -> Option<&SystemMessage> {
        match self.messages.first().map(Cow::as_ref) {
            Some(Message::System(system)) => Some(system),
            _ => None,
        }
    }

    /// The tools available after every system message is applied in order.
    pub fn current_tools(&self) -> Vec<&Tool> {
        current_tools(self.messages.iter().map(Cow::as_ref))
    }

    /// For APIs without mid-conversation system messages: one leading system message with
    /// the replayed prompt and tools, every later system message dropped.
    pub fn collapse_system_messages(self) -> Self {
        let head = current_system_message(self.messages.iter().map(Cow::as_ref));
        let mut messages = Vec::with_capacity(self.messages.len() + 1);
        messages.extend(head.map(|system| Cow::Owned(Message::System(system))));
        messages.extend(
            self.messages
                .into_iter()
                .filter(|message| !matches!(message.as_ref(), Message::System(_))),
        );
        Transcript { messages }
    }

    /// Keeps later system messages in place when the model accepts them, else collapses.
    pub fn resolve(self, supports_mid_convo_system_messages: bool) -> Self {
        if supports_mid_convo_system_messages {
            self
        } else {
            self.collapse_system_messages()
        }
    }
}

fn systems<'m>(
    messages: impl Iterator<Item = &'m Message>,
) -> impl Iterator<Item = &'m SystemMessage> {
    messages.filter_map(|message| match message {
        Message::System(system) => Some(system),
        _ => None,
    })
}

/// The tools declared by `messages` after applying removals then additions, in order.
pub fn current_tools<'m>(messages: impl Iterator<Item = &'m Message>) -> Vec<&'m Tool> {
    let mut tools: IndexMap<&str, &Tool> = IndexMap::new();
    for system in systems(messages) {
        for removed in system.tools_removed.iter().flatten() {
            tools.shift_remove(removed.name.as_str());
        }
        for added in system.tools_added.iter().flatten() {
            // Like a JavaScript Map: re-declaring keeps the tool's place, re-adding a removed
            // tool puts it last.
            tools.insert(added.name.as_str(), added);
        }
    }
    tools.into_values().collect()
}

/// Every system message of `messages` replayed into one: contents joined by blank lines,
/// sections patched by name, tools resolved. `None` when there is nothing to say.
pub fn current_system_message<'m>(
    messages: impl Iterator<Item = &'m Message> + Clone,
) -> Option<SystemMessage> {
    let mut contents = Vec::new();
    let mut sections: IndexMap<String, Option<String>> = IndexMap::new();
    let mut timestamp = None;
    for system in systems(messages.clone()) {
        timestamp.get_or_insert(system.timestamp);
        let text = system.content.text("\n");
        if !text.is_empty() {
            contents.push(text);
        }
        for (name, value) in system.sections.iter().flatten() {
            match value {
                None => {
                    sections.shift_remove(name);
                }
                Some(text) => {
                    sections.insert(name.clone(), Some(text.clone()));
                }
            }
        }
    }
    let tools: Vec<Tool> = current_tools(messages).into_iter().cloned().collect();
    if timestamp.is_none() && tools.is_empty() {
        return None;
    }
    Some(SystemMessage {
        content: UserContent::Text(contents.join("\n\n")),
        sections: (!sections.is_empty()).then_some(sections),
        tools_added: (!tools.is_empty()).then_some(tools),
        tools_removed: None,
        timestamp: timestamp.unwrap_or(0),
        extra: Map::new(),
    })
}

/// How a later system message reads when sent mid-conversation.
pub fn render_system_update(system: &SystemMessage) -> String {
    let mut parts = Vec::new();
    let text = system.content.text("\n");
    if !text.is_empty() {
        parts.push(text);
    }
    for (name, value) in system.sections.iter().flatten() {
        parts.push(match value {
            None => format!("Removed system prompt section \"{name}\"."),
            Some(text) => format!("Updated system prompt section \"{name}\":\n\n{text}"),
        });
    }
    parts.join("\n\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn system(value: serde_json::Value) -> Message {
        serde_json::from_value(value).unwrap()
    }

    #[test]
    fn shorthand_becomes_a_leading_system_message() {
        let context = Context {
            system_prompt: Some("Be brief.".into()),
            tools: Some(vec![Tool::new("ls", "list", json!({"type": "object"}))]),
            ..Context::from("hi")
        };
        let transcript = Transcript::new(&context);
        let head = transcript.initial_system().unwrap();
        assert_eq!(head.prompt_text(), "Be brief.");
        assert_eq!(transcript.current_tools().len(), 1);
        assert_eq!(transcript.messages.len(), 2);
    }

    #[test]
    fn later_system_messages_patch_sections_and_tools() {
        let messages = [
            system(json!({"role": "system", "content": "", "timestamp": 5,
                "sections": {"a": "A", "b": "B"},
                "toolsAdded": [{"name": "x", "description": "", "parameters": {}},
                               {"name": "y", "description": "", "parameters": {}}]})),
            system(json!({"role": "user", "content": "hi", "timestamp": 6})),
            system(json!({"role": "system", "content": "More.", "timestamp": 7,
                "sections": {"a": null, "c": "C"}, "toolsRemoved": [{"name": "x"}]})),
        ];
        let head = current_system_message(messages.iter()).unwrap();
        assert_eq!(head.prompt_text(), "More.\n\nB\n\nC");
        assert_eq!(head.timestamp, 5);
        let tools: Vec<_> = head
            .tools_added
            .unwrap()
            .into_iter()
            .map(|t| t.name)
            .collect();
        assert_eq!(tools, ["y"]);
        let Message::System(update) = &messages[2] else {
            unreachable!()
        };
        assert_eq!(
            render_system_update(update),
            "More.\n\nRemoved system prompt section \"a\".\n\nUpdated system prompt section \"c\":\n\nC"
        );
    }
}

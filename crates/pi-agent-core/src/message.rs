//! Agent messages: the LLM roles plus roles an application adds.

use pi_ai::{AssistantMessage, Message, SystemMessage, ToolResultMessage, UserMessage};
use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

/// One message of an agent's transcript: an LLM message, or a message of a role the
/// application defines (the coding agent adds `bashExecution`, `custom`, `branchSummary` and
/// `compactionSummary`). Custom messages reach the model only through the
/// [`crate::AgentHooks::convert_to_llm`] hook.
#[allow(
    clippy::large_enum_variant,
    reason = "LLM messages are the common case; boxing them would only add indirection"
)]
#[derive(Debug, Clone, PartialEq)]
pub enum AgentMessage {
    /// A system, user, assistant or tool-result message.
    Llm(Message),
    /// A message of an application-defined role.
    Custom(CustomMessage),
}

/// A message of an application-defined role, kept as JSON.
#[derive(Debug, Clone, PartialEq)]
pub struct CustomMessage {
    /// The role (never one of the LLM roles).
    pub role: String,
    /// Every other field, `timestamp` included.
    pub fields: Map<String, Value>,
}

impl CustomMessage {
    /// A custom message of `role` with `fields`.
    pub fn new(role: impl Into<String>, fields: Map<String, Value>) -> Self {
        CustomMessage {
            role: role.into(),
            fields,
        }
    }

    /// Decodes the message into an application type (which sees `role` too).
    pub fn decode<T: serde::de::DeserializeOwned>(&self) -> serde_json::Result<T> {
        serde_json::from_value(self.to_value())
    }

    /// The message as a JSON object, `role` first.
    pub fn to_value(&self) -> Value {
        let mut object = Map::with_capacity(self.fields.len() + 1);
        object.insert("role".into(), Value::String(self.role.clone()));
        object.extend(self.fields.iter().map(|(k, v)| (k.clone(), v.clone())));
        Value::Object(object)
    }
}

const LLM_ROLES: [&str; 4] = ["system", "user", "assistant", "toolResult"];

impl AgentMessage {
    /// The message's role.
    pub fn role(&self) -> &str {
        match self {
            AgentMessage::Llm(Message::System(_)) => "system",
            AgentMessage::Llm(Message::User(_)) => "user",
            AgentMessage::Llm(Message::Assistant(_)) => "assistant",
            AgentMessage::Llm(Message::ToolResult(_)) => "toolResult",
            AgentMessage::Custom(custom) => &custom.role,
        }
    }

    /// Unix milliseconds (0 for a custom message without a numeric `timestamp`).
    pub fn timestamp(&self) -> i64 {
        match self {
            AgentMessage::Llm(message) => message.timestamp(),
            AgentMessage::Custom(custom) => custom
                .fields
                .get("timestamp")
                .and_then(Value::as_i64)
                .unwrap_or(0),
        }
    }

    /// The LLM message, if this is one.
    pub fn as_llm(&self) -> Option<&Message> {
        match self {
            AgentMessage::Llm(message) => Some(message),
            AgentMessage::Custom(_) => None,
        }
    }

    /// The assistant message, if this is one.
    pub fn as_assistant(&self) -> Option<&AssistantMessage> {
        match self {
            AgentMessage::Llm(Message::Assistant(message)) => Some(message),
            _ => None,
        }
    }
}

impl From<Message> for AgentMessage {
    fn from(message: Message) -> Self {
        AgentMessage::Llm(message)
    }
}

impl From<UserMessage> for AgentMessage {
    fn from(message: UserMessage) -> Self {
        AgentMessage::Llm(message.into())
    }
}

impl From<AssistantMessage> for AgentMessage {
    fn from(message: AssistantMessage) -> Self {
        AgentMessage::Llm(message.into())
    }
}

impl From<ToolResultMessage> for AgentMessage {
    fn from(message: ToolResultMessage) -> Self {
        AgentMessage::Llm(message.into())
    }
}

impl From<SystemMessage> for AgentMessage {
    fn from(message: SystemMessage) -> Self {
        AgentMessage::Llm(message.into())
    }
}

impl From<CustomMessage> for AgentMessage {
    fn from(message: CustomMessage) -> Self {
        AgentMessage::Custom(message)
    }
}

impl Serialize for AgentMessage {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            AgentMessage::Llm(message) => message.serialize(serializer),
            AgentMessage::Custom(custom) => {
                use serde::ser::SerializeMap;
                let mut map = serializer.serialize_map(Some(custom.fields.len() + 1))?;
                map.serialize_entry("role", &custom.role)?;
                for (key, value) in &custom.fields {
                    map.serialize_entry(key, value)?;
                }
                map.end()
            }
        }
    }
}

impl<'de> Deserialize<'de> for AgentMessage {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let Value::Object(mut object) = Value::deserialize(deserializer)? else {
            return Err(D::Error::custom("a message must be a JSON object"));
        };
        let role = match object.get("role") {
            Some(Value::String(role)) => role.clone(),
            _ => return Err(D::Error::custom("a message needs a string `role`")),
        };
        if LLM_ROLES.contains(&role.as_str()) {
            serde_json::from_value(Value::Object(object))
                .map(AgentMessage::Llm)
                .map_err(D::Error::custom)
        } else {
            object.shift_remove("role");
            Ok(AgentMessage::Custom(CustomMessage {
                role,
                fields: object,
            }))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn llm_and_custom_roles_round_trip() {
        for value in [
            json!({"role": "user", "content": "hi", "timestamp": 1}),
            json!({"role": "bashExecution", "command": "ls", "output": "a\n", "exitCode": 0,
                   "cancelled": false, "truncated": false, "timestamp": 7}),
        ] {
            let message: AgentMessage = serde_json::from_value(value.clone()).unwrap();
            assert_eq!(serde_json::to_value(&message).unwrap(), value);
        }
        let custom: AgentMessage =
            serde_json::from_value(json!({"role": "custom", "timestamp": 9})).unwrap();
        assert_eq!((custom.role(), custom.timestamp()), ("custom", 9));
        assert!(serde_json::from_value::<AgentMessage>(json!({"content": "x"})).is_err());
        assert!(serde_json::from_value::<AgentMessage>(json!({"role": "user"})).is_err());
    }
}

//! Tool declarations as the model sees them.

use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

/// A tool the model may call: a name, a description and a JSON Schema for its arguments.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Tool {
    /// Name the model calls it by.
    pub name: String,
    /// What it does, for the model.
    pub description: String,
    /// JSON Schema of the arguments object.
    pub parameters: Value,
    /// Provider-side constrained sampling for this tool's arguments.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub constrained_sampling: Option<ConstrainedSampling>,
}

impl Tool {
    /// A tool without constrained sampling.
    pub fn new(name: impl Into<String>, description: impl Into<String>, parameters: Value) -> Self {
        Tool {
            name: name.into(),
            description: description.into(),
            parameters,
            constrained_sampling: None,
        }
    }
}

/// A tool named by a later system message that removes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ToolReference {
    /// Name of the tool.
    pub name: String,
}

/// Provider-side constrained sampling for a tool (`false` in JSON means off).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConstrainedSampling {
    /// Explicitly off.
    Off,
    /// Ask for JSON-Schema constrained sampling (`strict` tools).
    JsonSchema {
        /// Whether an endpoint without support fails the request or silently skips it.
        strict: Strictness,
    },
    /// Grammar-constrained custom tools (OpenAI Lark or regex).
    Grammar {
        /// The grammar for each supported syntax.
        variants: GrammarVariants,
    },
}

/// Whether constrained sampling is a preference or a requirement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Strictness {
    /// Use it where supported.
    Prefer,
    /// Fail the request where unsupported.
    Require,
}

/// Grammar definitions per syntax.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GrammarVariants {
    /// An OpenAI Lark grammar.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub openai_lark: Option<String>,
    /// An OpenAI regex grammar.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub openai_regex: Option<String>,
}

#[derive(Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum TaggedSampling {
    JsonSchema { strict: Strictness },
    Grammar { variants: GrammarVariants },
}

impl Serialize for ConstrainedSampling {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            ConstrainedSampling::Off => serializer.serialize_bool(false),
            ConstrainedSampling::JsonSchema { strict } => {
                TaggedSampling::JsonSchema { strict: *strict }.serialize(serializer)
            }
            ConstrainedSampling::Grammar { variants } => TaggedSampling::Grammar {
                variants: variants.clone(),
            }
            .serialize(serializer),
        }
    }
}

impl<'de> Deserialize<'de> for ConstrainedSampling {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match Value::deserialize(deserializer)? {
            Value::Bool(false) => Ok(ConstrainedSampling::Off),
            value @ Value::Object(_) => match serde_json::from_value(value) {
                Ok(TaggedSampling::JsonSchema { strict }) => {
                    Ok(ConstrainedSampling::JsonSchema { strict })
                }
                Ok(TaggedSampling::Grammar { variants }) => {
                    Ok(ConstrainedSampling::Grammar { variants })
                }
                Err(err) => Err(D::Error::custom(format!("constrainedSampling: {err}"))),
            },
            other => Err(D::Error::custom(format!(
                "constrainedSampling must be false or an object, found {other}"
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn constrained_sampling_round_trips_every_form() {
        for value in [
            json!(false),
            json!({"type": "json_schema", "strict": "prefer"}),
            json!({"type": "grammar", "variants": {"openai_lark": "start: x"}}),
        ] {
            let parsed: ConstrainedSampling = serde_json::from_value(value.clone()).unwrap();
            assert_eq!(serde_json::to_value(&parsed).unwrap(), value);
        }
        assert!(serde_json::from_value::<ConstrainedSampling>(json!(true)).is_err());
    }
}

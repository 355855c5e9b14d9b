//! Constrained sampling: strict JSON-schema tools and grammar tools.

use serde_json::{Map, Value, json};

use crate::tool::{ConstrainedSampling, Strictness, Tool};

/// Keys a strict schema may not use.
const UNSUPPORTED_STRICT_KEYS: [&str; 16] = [
    "$ref",
    "$defs",
    "definitions",
    "allOf",
    "oneOf",
    "patternProperties",
    "dependentSchemas",
    "dependencies",
    "unevaluatedProperties",
    "propertyNames",
    "contains",
    "prefixItems",
    "not",
    "if",
    "then",
    "else",
];

/// Whether `tool` is sent with `strict: true`. `Ok(false)` means a plain tool; an error
/// means the tool requires strict sampling that cannot be given.
pub(crate) fn resolve_strict(tool: &Tool, supports_strict: bool) -> Result<bool, String> {
    let Some(ConstrainedSampling::JsonSchema { strict }) = &tool.constrained_sampling else {
        return Ok(false);
    };
    if supports_strict {
        return match make_strict_schema(&tool.parameters) {
            Ok(_) => Ok(true),
            Err(_) if *strict != Strictness::Require => Ok(false),
            Err(reason) => Err(format!(
                "Tool \"{}\" requires JSON-schema constrained sampling, but {reason}.",
                tool.name
            )),
        };
    }
    match strict {
        Strictness::Require => Err(format!(
            "Tool \"{}\" requires JSON-schema constrained sampling, but strict tools are unsupported.",
            tool.name
        )),
        Strictness::Prefer => Ok(false),
    }
}

/// The tool's parameters, made strict when `strict`.
pub(crate) fn tool_parameters(tool: &Tool, strict: bool) -> Value {
    if strict {
        // resolve_strict already proved the schema convertible.
        make_strict_schema(&tool.parameters).unwrap_or_else(|_| tool.parameters.clone())
    } else {
        tool.parameters.clone()
    }
}

/// Converts a schema to the strict subset: every property required (optional ones become
/// nullable) and no additional properties.
pub(crate) fn make_strict_schema(schema: &Value) -> Result<Value, String> {
    let mut schema = schema.clone();
    if !schema.is_object() {
        return Err("root schema must have type object".into());
    }
    make_node_strict(&mut schema)?;
    if schema.get("type") != Some(&json!("object")) {
        return Err("root schema must have type object".into());
    }
    Ok(schema)
}

fn is_structured(schema: &Value) -> bool {
    let Some(object) = schema.as_object() else {
        return false;
    };
    let types: Vec<&str> = match object.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    types.contains(&"object")
        || types.contains(&"array")
        || object.contains_key("properties")
        || object.contains_key("items")
}

fn allows_null(schema: &Value) -> bool {
    let Some(object) = schema.as_object() else {
        return false;
    };
    match object.get("type") {
        Some(Value::String(t)) if t == "null" => return true,
        Some(Value::Array(ts)) if ts.iter().any(|t| t == "null") => return true,
        _ => {}
    }
    if object.get("const") == Some(&Value::Null)
        || object
            .get("enum")
            .and_then(Value::as_array)
            .is_some_and(|e| e.contains(&Value::Null))
    {
        return true;
    }
    object
        .get("anyOf")
        .and_then(Value::as_array)
        .is_some_and(|variants| variants.iter().any(allows_null))
}

fn make_node_strict(schema: &mut Value) -> Result<(), String> {
    let Some(object) = schema.as_object_mut() else {
        return Err("boolean schemas are unsupported".into());
    };
    if let Some(key) = UNSUPPORTED_STRICT_KEYS
        .iter()
        .find(|key| object.contains_key(**key))
    {
        return Err(format!("{key} schemas are unsupported"));
    }
    if let Some(any_of) = object.get_mut("anyOf") {
        let Some(variants) = any_of.as_array_mut().filter(|v| !v.is_empty()) else {
            return Err("anyOf must contain at least one schema".into());
        };
        for variant in variants {
            if is_structured(variant) {
                return Err("object and array unions are unsupported".into());
            }
            make_node_strict(variant)?;
        }
    }
    if let Some(items) = object.get_mut("items") {
        if items.is_array() {
            return Err("tuple schemas are unsupported".into());
        }
        make_node_strict(items)?;
    }
    let is_object = object.get("type") == Some(&json!("object"));
    if object.contains_key("properties") && !is_object {
        return Err("properties require type object".into());
    }
    if !is_object {
        return Ok(());
    }
    if object
        .get("additionalProperties")
        .is_some_and(|a| a != &Value::Bool(false))
    {
        return Err("schema-valued or true additionalProperties is unsupported".into());
    }
    let required: Vec<String> = match object.get("required") {
        None => Vec::new(),
        Some(Value::Array(keys)) if keys.iter().all(Value::is_string) => keys
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect(),
        Some(_) => return Err("object required must be a string array".into()),
    };
    let mut properties = match object.remove("properties") {
        None => Map::new(),
        Some(Value::Object(properties)) => properties,
        Some(_) => return Err("object properties must be a schema map".into()),
    };
    if required.iter().any(|key| !properties.contains_key(key)) {
        return Err("required contains an unknown property".into());
    }
    for (key, property) in properties.iter_mut() {
        make_node_strict(property)?;
        if !required.contains(key) && !allows_null(property) {
            *property = json!({"anyOf": [property.take(), {"type": "null"}]});
        }
    }
    let names: Vec<Value> = properties.keys().cloned().map(Value::String).collect();
    object.insert("properties".into(), Value::Object(properties));
    object.insert("required".into(), Value::Array(names));
    object.insert("additionalProperties".into(), Value::Bool(false));
    Ok(())
}

/// A grammar tool's wire form: syntax, definition and the one string property it fills.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Grammar {
    pub syntax: &'static str,
    pub definition: String,
    pub input_property: String,
}

/// The grammar to send for `tool`, when it asks for one and the endpoint supports it.
pub(crate) fn resolve_grammar(tool: &Tool, supported: bool) -> Result<Option<Grammar>, String> {
    let Some(ConstrainedSampling::Grammar { variants }) = &tool.constrained_sampling else {
        return Ok(None);
    };
    if !supported {
        return Ok(None);
    }
    let usable = |text: &Option<String>| text.clone().filter(|t| !t.trim().is_empty());
    let (syntax, definition) = match (
        usable(&variants.openai_lark),
        usable(&variants.openai_regex),
    ) {
        (Some(lark), _) => ("lark", lark),
        (None, Some(regex)) => ("regex", regex),
        (None, None) => {
            return Err(format!(
                "Tool \"{}\" cannot use grammar constrained sampling: no supported grammar variant was provided.",
                tool.name
            ));
        }
    };
    let input_property = grammar_input_property(&tool.parameters).map_err(|reason| {
        format!(
            "Tool \"{}\" cannot use grammar constrained sampling: {reason}.",
            tool.name
        )
    })?;
    Ok(Some(Grammar {
        syntax,
        definition,
        input_property,
    }))
}

fn grammar_input_property(schema: &Value) -> Result<String, String> {
    if schema.get("type") != Some(&json!("object")) {
        return Err("grammar constrained sampling requires an object parameter schema".into());
    }
    let property = match schema
        .get("required")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
    {
        Some([Value::String(name)]) => name.clone(),
        _ => {
            return Err(
                "grammar constrained sampling requires exactly one required string property".into(),
            );
        }
    };
    match schema.get("properties").and_then(|p| p.get(&property)) {
        None => Err(format!(
            "grammar constrained sampling requires a properties entry for {property}"
        )),
        Some(p) if p.get("type") != Some(&json!("string")) => Err(format!(
            "grammar constrained sampling property {property} must have type string"
        )),
        Some(_) => Ok(property),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn optional_properties_become_nullable_and_required() {
        let schema = json!({"type": "object", "properties": {
            "path": {"type": "string"}, "limit": {"type": "number"}}, "required": ["path"]});
        assert_eq!(
            make_strict_schema(&schema).unwrap(),
            json!({"type": "object", "properties": {"path": {"type": "string"},
                "limit": {"anyOf": [{"type": "number"}, {"type": "null"}]}},
                "required": ["path", "limit"], "additionalProperties": false})
        );
        assert_eq!(
            make_strict_schema(&json!({"type": "object", "oneOf": []})).unwrap_err(),
            "oneOf schemas are unsupported"
        );
    }

    #[test]
    fn strictness_require_fails_where_unsupported() {
        let mut tool = Tool::new("t", "d", json!({"type": "object", "properties": {}}));
        tool.constrained_sampling = Some(ConstrainedSampling::JsonSchema {
            strict: Strictness::Require,
        });
        assert_eq!(resolve_strict(&tool, true), Ok(true));
        assert!(
            resolve_strict(&tool, false)
                .unwrap_err()
                .contains("strict tools are unsupported")
        );
        tool.constrained_sampling = Some(ConstrainedSampling::JsonSchema {
            strict: Strictness::Prefer,
        });
        assert_eq!(resolve_strict(&tool, false), Ok(false));
    }
}

//! Tool-argument validation: coerce what a model sent toward the tool's JSON Schema, then
//! check it, reporting failures in pi's words so models see the text they were tuned on.
//!
//! Coercion follows pi: optional properties sent as `null` are dropped; scalars convert
//! between strings, numbers, booleans and null where the schema wants another type (`"5"` to
//! `5`, `1` to `true`, `3` to `"3"`); union members are tried in order. Checking uses the
//! `jsonschema` crate; its findings are worded as pi's validator words them:
//!
//! ```text
//! Validation failed for tool "read":
//!   - path: must have required properties path
//!
//! Received arguments:
//! {
//!   "limit": 5
//! }
//! ```

use jsonschema::error::ValidationErrorKind;
use serde_json::{Map, Value};

/// Why a tool call's arguments were refused; the message is what the model reads.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ValidationError(pub String);

/// Coerces and checks `arguments` for the tool `name` with `schema`; returns the coerced
/// arguments.
///
/// ```
/// use serde_json::json;
/// let schema = json!({"type": "object", "properties": {"limit": {"type": "number"}}});
/// let args = pi_agent_core::validate_tool_arguments("read", &schema, &json!({"limit": "10"}));
/// assert_eq!(args.unwrap(), json!({"limit": 10}));
/// ```
pub fn validate_tool_arguments(
    name: &str,
    schema: &Value,
    arguments: &Value,
) -> Result<Value, ValidationError> {
    let mut args = arguments.clone();
    normalize_optional_nulls(&mut args, schema);
    let args = coerce(args, schema);
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(schema)
        .map_err(|err| {
            ValidationError(format!(
                "Tool \"{name}\" has an invalid parameter schema: {err}"
            ))
        })?;
    let mut lines = Vec::new();
    for error in validator.iter_errors(&args) {
        describe(&error, schema, &mut lines);
    }
    if lines.is_empty() {
        return Ok(args);
    }
    let received =
        serde_json::to_string_pretty(arguments).unwrap_or_else(|_| arguments.to_string());
    let list: Vec<String> = merge_required(lines)
        .into_iter()
        .map(|(path, text)| format!("  - {path}: {text}"))
        .collect();
    Err(ValidationError(format!(
        "Validation failed for tool \"{name}\":\n{}\n\nReceived arguments:\n{received}",
        list.join("\n")
    )))
}

/// One finding: its path and message; `required` findings carry the missing property.
struct Finding {
    base: String,
    required: Option<String>,
    text: String,
}

/// pi reports all properties missing from one object in one line.
fn merge_required(findings: Vec<Finding>) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    let mut merged: Option<(String, Vec<String>)> = None;
    let flush = |merged: &mut Option<(String, Vec<String>)>, out: &mut Vec<(String, String)>| {
        if let Some((base, names)) = merged.take() {
            let path = join_path(&base, names.first().map(String::as_str).unwrap_or_default());
            out.push((
                path,
                format!("must have required properties {}", names.join(", ")),
            ));
        }
    };
    for finding in findings {
        match finding.required {
            Some(name) => match &mut merged {
                Some((base, names)) if *base == finding.base => names.push(name),
                _ => {
                    flush(&mut merged, &mut out);
                    merged = Some((finding.base, vec![name]));
                }
            },
            None => {
                flush(&mut merged, &mut out);
                out.push((
                    if finding.base.is_empty() {
                        "root".into()
                    } else {
                        finding.base
                    },
                    finding.text,
                ));
            }
        }
    }
    flush(&mut merged, &mut out);
    out
}

fn join_path(base: &str, name: &str) -> String {
    if base.is_empty() {
        name.to_string()
    } else {
        format!("{base}.{name}")
    }
}

/// `/edits/0/newText` as pi writes it: `edits.0.newText`.
fn dotted(pointer: &str) -> String {
    pointer.trim_start_matches('/').replace('/', ".")
}

fn describe(error: &jsonschema::ValidationError<'_>, schema: &Value, out: &mut Vec<Finding>) {
    let base = dotted(error.instance_path().as_str());
    let finding = |text: String| Finding {
        base: base.clone(),
        required: None,
        text,
    };
    let text = match error.kind() {
        ValidationErrorKind::Required { property } => {
            let name = property
                .as_str()
                .map_or_else(|| property.to_string(), str::to_string);
            out.push(Finding {
                base,
                required: Some(name),
                text: String::new(),
            });
            return;
        }
        ValidationErrorKind::AdditionalProperties { unexpected } => {
            for name in unexpected {
                out.push(Finding {
                    base: join_path(&base, name),
                    required: None,
                    text: "schema is false".into(),
                });
            }
            "must not have additional properties".into()
        }
        ValidationErrorKind::AnyOf { context } | ValidationErrorKind::OneOfNotValid { context } => {
            for branch in context {
                for inner in branch {
                    describe(inner, schema, out);
                }
            }
            if matches!(error.kind(), ValidationErrorKind::AnyOf { .. }) {
                "must match a schema in anyOf".into()
            } else {
                "must match exactly one schema in oneOf".into()
            }
        }
        ValidationErrorKind::OneOfMultipleValid { .. } => {
            "must match exactly one schema in oneOf".into()
        }
        ValidationErrorKind::Type { .. } => type_message(error, schema),
        ValidationErrorKind::Constant { .. } => "must be equal to constant".into(),
        ValidationErrorKind::Enum { .. } => "must be equal to one of the allowed values".into(),
        ValidationErrorKind::Contains => "must contain at least 1 valid item".into(),
        ValidationErrorKind::FalseSchema => "schema is false".into(),
        ValidationErrorKind::Format { format } => format!("must match format \"{format}\""),
        ValidationErrorKind::Minimum { limit } => format!("must be >= {limit}"),
        ValidationErrorKind::Maximum { limit } => format!("must be <= {limit}"),
        ValidationErrorKind::ExclusiveMinimum { limit } => format!("must be > {limit}"),
        ValidationErrorKind::ExclusiveMaximum { limit } => format!("must be < {limit}"),
        ValidationErrorKind::MinLength { limit } => {
            format!("must not have fewer than {limit} characters")
        }
        ValidationErrorKind::MaxLength { limit } => {
            format!("must not have more than {limit} characters")
        }
        ValidationErrorKind::MinItems { limit } => {
            format!("must not have fewer than {limit} items")
        }
        ValidationErrorKind::MaxItems { limit } => format!("must not have more than {limit} items"),
        ValidationErrorKind::MinProperties { limit } => {
            format!("must not have fewer than {limit} properties")
        }
        ValidationErrorKind::MaxProperties { limit } => {
            format!("must not have more than {limit} properties")
        }
        ValidationErrorKind::MultipleOf { multiple_of } => {
            format!("must be multiple of {multiple_of}")
        }
        ValidationErrorKind::Not { .. } => "must not be valid".into(),
        ValidationErrorKind::Pattern { pattern } => format!("must match pattern \"{pattern}\""),
        ValidationErrorKind::UniqueItems => "must not have duplicate items".into(),
        ValidationErrorKind::UnevaluatedItems { .. } => "must not have unevaluated items".into(),
        ValidationErrorKind::UnevaluatedProperties { .. } => {
            "must not have unevaluated properties".into()
        }
        ValidationErrorKind::PropertyNames { error } => {
            format!("property names are invalid: {error}")
        }
        _ => error.to_string(),
    };
    out.push(finding(text));
}

/// `must be string`, or `must be either string or number` in the schema's own order.
fn type_message(error: &jsonschema::ValidationError<'_>, schema: &Value) -> String {
    let declared = schema.pointer(error.schema_path().as_str());
    match declared {
        Some(Value::String(kind)) => format!("must be {kind}"),
        Some(Value::Array(kinds)) => {
            let names: Vec<&str> = kinds.iter().filter_map(Value::as_str).collect();
            if names.len() == 1 {
                format!("must be {}", names[0])
            } else {
                format!("must be either {}", names.join(" or "))
            }
        }
        _ => error.to_string(),
    }
}

/// The JSON types a schema names, in order.
fn schema_types(schema: &Value) -> Vec<&str> {
    match schema.get("type") {
        Some(Value::String(kind)) => vec![kind.as_str()],
        Some(Value::Array(kinds)) => kinds.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

fn matches_type(value: &Value, kind: &str) -> bool {
    match kind {
        "number" => value.is_number(),
        "integer" => value.as_f64().is_some_and(|n| n.fract() == 0.0),
        "boolean" => value.is_boolean(),
        "string" => value.is_string(),
        "null" => value.is_null(),
        "array" => value.is_array(),
        "object" => value.is_object(),
        _ => false,
    }
}

/// A number as JavaScript's `Number(text)` reads it (after trimming), if finite.
fn js_number(text: &str) -> Option<Value> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    let parsed: f64 = text.parse().ok().filter(|n: &f64| n.is_finite())?;
    Some(whole_or_float(parsed))
}

fn whole_or_float(number: f64) -> Value {
    if number.fract() == 0.0 && number.abs() < 9_007_199_254_740_992.0 {
        // Exact: a whole number within the safe integer range.
        Value::from(number as i64)
    } else {
        Value::from(number)
    }
}

/// `String(value)` for a number or boolean, as JavaScript writes it.
fn js_string(value: &Value) -> Option<String> {
    match value {
        Value::Number(n) => Some(match n.as_f64() {
            Some(f) if f.fract() == 0.0 && f.abs() < 1e21 => format!("{}", f as i64),
            _ => n.to_string(),
        }),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// The value converted to `kind`, or `None` when it does not convert.
fn coerce_scalar(value: &Value, kind: &str) -> Option<Value> {
    match (kind, value) {
        ("number", Value::Null) => Some(Value::from(0)),
        ("number", Value::String(text)) => js_number(text),
        ("number", Value::Bool(b)) => Some(Value::from(i64::from(*b))),
        ("integer", Value::Null) => Some(Value::from(0)),
        ("integer", Value::String(text)) => {
            js_number(text).filter(|n| n.as_f64().is_some_and(|n| n.fract() == 0.0))
        }
        ("integer", Value::Bool(b)) => Some(Value::from(i64::from(*b))),
        ("boolean", Value::Null) => Some(Value::Bool(false)),
        ("boolean", Value::String(text)) if text == "true" => Some(Value::Bool(true)),
        ("boolean", Value::String(text)) if text == "false" => Some(Value::Bool(false)),
        ("boolean", Value::Number(n)) if n.as_f64() == Some(1.0) => Some(Value::Bool(true)),
        ("boolean", Value::Number(n)) if n.as_f64() == Some(0.0) => Some(Value::Bool(false)),
        ("string", Value::Null) => Some(Value::String(String::new())),
        ("string", Value::Number(_) | Value::Bool(_)) => js_string(value).map(Value::String),
        ("null", Value::String(text)) if text.is_empty() => Some(Value::Null),
        ("null", Value::Number(n)) if n.as_f64() == Some(0.0) => Some(Value::Null),
        ("null", Value::Bool(false)) => Some(Value::Null),
        _ => None,
    }
}

fn is_valid(schema: &Value, value: &Value) -> bool {
    jsonschema::options()
        .build(schema)
        .is_ok_and(|validator| validator.is_valid(value))
}

/// The first union member the value already satisfies, else the first it can be coerced to.
fn coerce_union(value: Value, schemas: &[Value]) -> Value {
    if schemas.iter().any(|schema| is_valid(schema, &value)) {
        return value;
    }
    for schema in schemas {
        let candidate = coerce(value.clone(), schema);
        if is_valid(schema, &candidate) {
            return candidate;
        }
    }
    value
}

/// pi's coercion of a value toward a schema.
fn coerce(mut value: Value, schema: &Value) -> Value {
    if let Some(all_of) = schema.get("allOf").and_then(Value::as_array) {
        for nested in all_of {
            value = coerce(value, nested);
        }
    }
    for union in ["anyOf", "oneOf"] {
        if let Some(schemas) = schema.get(union).and_then(Value::as_array) {
            value = coerce_union(value, schemas);
        }
    }
    let types = schema_types(schema);
    let matches_member = types.len() > 1 && types.iter().any(|kind| matches_type(&value, kind));
    if !types.is_empty()
        && !matches_member
        && let Some(converted) = types.iter().find_map(|kind| coerce_scalar(&value, kind))
    {
        value = converted;
    }
    if types.contains(&"object")
        && let Value::Object(object) = &mut value
    {
        coerce_properties(object, schema);
    }
    if types.contains(&"array")
        && let Value::Array(items) = &mut value
    {
        coerce_items(items, schema);
    }
    value
}

fn coerce_properties(object: &mut Map<String, Value>, schema: &Value) {
    let properties = schema.get("properties").and_then(Value::as_object);
    for (key, property_schema) in properties.into_iter().flatten() {
        if let Some(slot) = object.get_mut(key) {
            *slot = coerce(slot.take(), property_schema);
        }
    }
    if let Some(extra @ Value::Object(_)) = schema.get("additionalProperties") {
        for (key, slot) in object.iter_mut() {
            if !properties.is_some_and(|p| p.contains_key(key)) {
                *slot = coerce(slot.take(), extra);
            }
        }
    }
}

fn coerce_items(items: &mut [Value], schema: &Value) {
    match schema.get("items") {
        Some(Value::Array(schemas)) => {
            for (item, item_schema) in items.iter_mut().zip(schemas) {
                *item = coerce(item.take(), item_schema);
            }
        }
        Some(item_schema @ Value::Object(_)) => {
            for item in items {
                *item = coerce(item.take(), item_schema);
            }
        }
        _ => {}
    }
}

/// Whether a schema lets `null` through (structurally: type, const, enum, unions).
fn accepts_null(schema: &Value) -> bool {
    let Some(object) = schema.as_object() else {
        return schema.as_bool().unwrap_or(true);
    };
    if object.contains_key("type") {
        return schema_types(schema).contains(&"null");
    }
    if let Some(constant) = object.get("const") {
        return constant.is_null();
    }
    if let Some(options) = object.get("enum").and_then(Value::as_array) {
        return options.contains(&Value::Null);
    }
    for union in ["anyOf", "oneOf"] {
        if let Some(schemas) = object.get(union).and_then(Value::as_array) {
            return schemas.iter().any(accepts_null);
        }
    }
    if let Some(schemas) = object.get("allOf").and_then(Value::as_array) {
        return schemas.iter().all(accepts_null);
    }
    true
}

/// Drops optional properties sent as `null` when their schema does not allow `null`.
fn normalize_optional_nulls(value: &mut Value, schema: &Value) {
    match value {
        Value::Array(items) => match schema.get("items") {
            Some(Value::Array(schemas)) => {
                for (item, item_schema) in items.iter_mut().zip(schemas) {
                    normalize_optional_nulls(item, item_schema);
                }
            }
            Some(item_schema) => {
                for item in items {
                    normalize_optional_nulls(item, item_schema);
                }
            }
            None => {}
        },
        Value::Object(object) => {
            let Some(properties) = schema.get("properties").and_then(Value::as_object) else {
                return;
            };
            let required: Vec<&str> = schema
                .get("required")
                .and_then(Value::as_array)
                .map(|names| names.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            for (key, property_schema) in properties {
                let drop = match object.get(key) {
                    None => continue,
                    Some(Value::Null) => {
                        !required.contains(&key.as_str())
                            && property_schema.get("$ref").is_none()
                            && !accepts_null(property_schema)
                    }
                    Some(_) => false,
                };
                if drop {
                    object.shift_remove(key);
                } else if let Some(child) = object.get_mut(key) {
                    normalize_optional_nulls(child, property_schema);
                }
            }
        }
        _ => {}
    }
}

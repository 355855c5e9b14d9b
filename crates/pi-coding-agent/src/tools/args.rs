//! Reading a tool's (already validated) arguments.

use serde_json::Value;

use super::errors::ToolFailure;

/// A required string argument.
pub fn required_str<'a>(args: &'a Value, name: &str) -> Result<&'a str, ToolFailure> {
    args.get(name)
        .and_then(Value::as_str)
        .ok_or_else(|| ToolFailure(format!("Missing required argument \"{name}\" (a string)")))
}

/// An optional string argument (`null` counts as absent).
pub fn optional_str<'a>(args: &'a Value, name: &str) -> Option<&'a str> {
    args.get(name).and_then(Value::as_str)
}

/// An optional number argument.
pub fn optional_f64(args: &Value, name: &str) -> Option<f64> {
    args.get(name).and_then(Value::as_f64)
}

/// An optional boolean argument.
pub fn optional_bool(args: &Value, name: &str) -> bool {
    args.get(name).and_then(Value::as_bool).unwrap_or(false)
}

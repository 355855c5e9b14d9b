//! Argument validation words its findings as pi does (texts taken from pi 0.87.1).

use pi_agent_core::validate_tool_arguments;
use serde_json::{Value, json};

fn schema() -> Value {
    json!({"type": "object", "properties": {
        "path": {"type": "string"}, "limit": {"type": "number"}, "count": {"type": "integer", "minimum": 1},
        "flag": {"type": "boolean"}, "mode": {"type": "string", "enum": ["a", "b"]},
        "edits": {"type": "array", "items": {"type": "object",
            "properties": {"oldText": {"type": "string"}, "newText": {"type": "string"}},
            "required": ["oldText", "newText"]}},
        "opt": {"anyOf": [{"type": "string"}, {"type": "number"}]},
        "tags": {"type": "array", "items": {"type": "string"}, "maxItems": 2},
        "name": {"type": "string", "minLength": 2, "pattern": "^[a-z]+$"}
    }, "required": ["path"], "additionalProperties": false})
}

fn check(args: Value) -> Result<Value, String> {
    validate_tool_arguments("t", &schema(), &args).map_err(|err| {
        let text = err.to_string();
        let lines = text
            .split("\n\nReceived arguments:")
            .next()
            .unwrap()
            .to_string();
        lines
            .trim_start_matches("Validation failed for tool \"t\":\n")
            .to_string()
    })
}

#[test]
fn coercion_matches_pi() {
    assert_eq!(check(json!({"path": 3})), Ok(json!({"path": "3"})));
    assert_eq!(
        check(json!({"path": "a", "limit": "10", "count": "2", "flag": "true"})),
        Ok(json!({"path": "a", "limit": 10, "count": 2, "flag": true}))
    );
    assert_eq!(
        check(json!({"path": "a", "edits": [{"oldText": 1, "newText": "y"}]})),
        Ok(json!({"path": "a", "edits": [{"oldText": "1", "newText": "y"}]}))
    );
    assert_eq!(
        check(json!({"path": "a", "opt": true})),
        Ok(json!({"path": "a", "opt": "true"}))
    );
    assert_eq!(check(json!({"path": null})), Ok(json!({"path": ""})));
    assert_eq!(
        check(json!({"path": "a", "limit": null})),
        Ok(json!({"path": "a"}))
    );
    assert_eq!(
        check(json!({"path": "a", "flag": 1, "limit": true})),
        Ok(json!({"path": "a", "flag": true, "limit": 1}))
    );
}

#[test]
fn findings_read_as_pi_words_them() {
    let cases = [
        (
            json!({"limit": 5}),
            "  - path: must have required properties path",
        ),
        (
            json!({"path": "a", "limit": "abc"}),
            "  - limit: must be number",
        ),
        (json!({"path": "a", "count": 0}), "  - count: must be >= 1"),
        (
            json!({"path": "a", "count": 1.5}),
            "  - count: must be integer",
        ),
        (
            json!({"path": "a", "mode": "c"}),
            "  - mode: must be equal to one of the allowed values",
        ),
        (
            json!({"path": "a", "edits": [{"oldText": "x"}]}),
            "  - edits.0.newText: must have required properties newText",
        ),
        (
            json!({"path": "a", "extra": 1}),
            "  - extra: schema is false\n  - root: must not have additional properties",
        ),
        (
            json!({"path": "a", "tags": ["a", "b", "c"]}),
            "  - tags: must not have more than 2 items",
        ),
        (
            json!({"path": "a", "name": "A"}),
            "  - name: must not have fewer than 2 characters\n  - name: must match pattern \"^[a-z]+$\"",
        ),
        (json!({"path": ["x"]}), "  - path: must be string"),
        (
            json!({"path": "a", "edits": "[{\"oldText\":\"x\",\"newText\":\"y\"}]"}),
            "  - edits: must be array",
        ),
    ];
    for (args, expected) in cases {
        assert_eq!(check(args.clone()), Err(expected.to_string()), "{args}");
    }
}

#[test]
fn several_missing_properties_share_one_line_and_the_arguments_are_shown() {
    let schema = json!({"type": "object", "properties": {"a": {"type": "string"}, "b": {"type": "number",
        "maximum": 5, "exclusiveMinimum": 0}, "c": {"type": ["string", "number"]}}, "required": ["a", "b", "z"]});
    let error = validate_tool_arguments("t", &schema, &json!({}))
        .unwrap_err()
        .to_string();
    assert_eq!(
        error,
        "Validation failed for tool \"t\":\n  - a: must have required properties a, b, z\n\nReceived arguments:\n{}"
    );
    let error = validate_tool_arguments("t", &schema, &json!({"a": "x", "b": 10, "z": 1}))
        .unwrap_err()
        .to_string();
    assert!(error.contains("  - b: must be <= 5"), "{error}");
    let error = validate_tool_arguments("t", &schema, &json!({"a": "x", "b": 0, "z": 1}))
        .unwrap_err()
        .to_string();
    assert!(error.contains("  - b: must be > 0"), "{error}");
    let error = validate_tool_arguments("t", &schema, &json!({"a": "x", "b": 1, "z": 1, "c": []}))
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("  - c: must be either string or number"),
        "{error}"
    );
    let error = validate_tool_arguments("t", &schema, &json!({"a": {}, "b": "q", "z": 1}))
        .unwrap_err()
        .to_string();
    assert_eq!(
        error,
        "Validation failed for tool \"t\":\n  - a: must be string\n  - b: must be number\n\nReceived arguments:\n{\n  \"a\": {},\n  \"b\": \"q\",\n  \"z\": 1\n}"
    );
}

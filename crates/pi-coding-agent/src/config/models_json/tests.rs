use std::path::Path;

use super::*;

const FILE: &str = "/agent/models.json";

fn error_of(text: &str) -> String {
    let config = ModelsConfig::parse(text, Path::new(FILE));
    assert_eq!(
        config.provider_ids().count(),
        0,
        "an invalid file contributes nothing"
    );
    config.error().unwrap_or_default().to_string()
}

fn schema_error(lines: &[&str]) -> String {
    format!(
        "Invalid models.json schema:\n{}\n\nFile: {FILE}",
        lines
            .iter()
            .map(|l| format!("  - {l}"))
            .collect::<Vec<_>>()
            .join("\n")
    )
}

// Each expected text below is what pi 0.87.1 prints for the same file.

#[test]
fn missing_or_mistyped_providers() {
    assert_eq!(
        error_of("{}"),
        schema_error(&["providers: must have required properties providers"])
    );
    assert_eq!(error_of("[]"), schema_error(&["root: must be object"]));
    assert_eq!(
        error_of(r#"{"providers":[]}"#),
        schema_error(&["providers: must be object"])
    );
    assert_eq!(
        error_of(r#"{"providers":{"a":3}}"#),
        schema_error(&["providers.a: must be object"])
    );
}

#[test]
fn provider_fields_in_schema_order() {
    assert_eq!(
        error_of(
            r#"{"providers":{"a":{"name":"","apiKey":"", "authHeader":"x","oauth":"y","headers":{"a":1},"models":{}}}}"#
        ),
        schema_error(&[
            "providers.a.name: must not have fewer than 1 characters",
            "providers.a.apiKey: must not have fewer than 1 characters",
            "providers.a.oauth: must be equal to constant",
            "providers.a.headers.a: must be string",
            "providers.a.authHeader: must be boolean",
            "providers.a.models: must be array",
        ])
    );
}

#[test]
fn model_fields_unions_and_the_limit_of_eight() {
    assert_eq!(
        error_of(
            r#"{"providers":{"a":{"models":[{"id":"x","input":["text","video"],"cost":{"input":1},"promptCache":{"short":0},"inputLimits":{"images":{"resize":{"jpegQuality":101,"maxWidth":1.5}}},"thinkingLevelMap":{"high":3},"compat":{"supportsStore":"x"}}]}}}"#
        ),
        schema_error(&[
            "providers.a.models.0.thinkingLevelMap.high: must be string",
            "providers.a.models.0.thinkingLevelMap.high: must be null",
            "providers.a.models.0.thinkingLevelMap.high: must match a schema in anyOf",
            "providers.a.models.0.input.1: must be equal to constant",
            "providers.a.models.0.input.1: must be equal to constant",
            "providers.a.models.0.input.1: must match a schema in anyOf",
            "providers.a.models.0.inputLimits.images.resize.maxWidth: must be integer",
            "providers.a.models.0.inputLimits.images.resize.jpegQuality: must be <= 100",
        ])
    );
    assert_eq!(
        error_of(r#"{"providers":{"a":1,"b":2,"c":3,"d":4,"e":5,"f":6,"g":7,"h":8,"i":9,"j":10}}"#)
            .lines()
            .filter(|l| l.starts_with("  - "))
            .count(),
        8
    );
}

#[test]
fn required_properties_numbers_and_integers() {
    assert_eq!(
        error_of(
            r#"{"providers":{"a":{"models":[{"id":"","contextWindow":"a","cost":{"input":1}}]}}}"#
        ),
        schema_error(&[
            "providers.a.models.0.id: must not have fewer than 1 characters",
            "providers.a.models.0.cost.output: must have required properties output, cacheRead, cacheWrite",
            "providers.a.models.0.contextWindow: must be number",
        ])
    );
    assert_eq!(
        error_of(r#"{"providers":{"a":{"models":[{"name":4,"api":""}]}}}"#),
        schema_error(&[
            "providers.a.models.0.id: must have required properties id",
            "providers.a.models.0.name: must be string",
            "providers.a.models.0.api: must not have fewer than 1 characters",
        ])
    );
    assert_eq!(
        error_of(r#"{"providers":{"a":{"models":[{"id":"x","promptCache":{"short":0}}]}}}"#),
        schema_error(&["providers.a.models.0.promptCache.short: must be > 0"])
    );
    assert_eq!(
        error_of(
            r#"{"providers":{"a":{"models":[{"id":"x","inputLimits":{"maxRequestBytes":"a","images":{"maxPerMessage":0.5}}}]}}}"#
        ),
        schema_error(&[
            "providers.a.models.0.inputLimits.maxRequestBytes: must be integer",
            "providers.a.models.0.inputLimits.images.maxPerMessage: must be integer",
            "providers.a.models.0.inputLimits.images.maxPerMessage: must be >= 1",
        ])
    );
    assert_eq!(
        error_of(
            r#"{"providers":{"a":{"models":[{"id":"x","cost":{"input":1,"output":2,"cacheRead":3,"cacheWrite":4,"tiers":[{"input":1}]}}]}}}"#
        ),
        schema_error(&[
            "providers.a.models.0.cost.tiers.0.inputTokensAbove: must have required properties inputTokensAbove, output, cacheRead, cacheWrite",
        ])
    );
    assert_eq!(
        error_of(r#"{"providers":{"a":{"models":[{"id":3,"name":4}], "modelOverrides":[]}}}"#),
        schema_error(&[
            "providers.a.models.0.id: must be string",
            "providers.a.models.0.name: must be string",
            "providers.a.modelOverrides: must be object",
        ])
    );
    assert_eq!(
        error_of(
            r#"{"providers":{"a":{"modelOverrides":{"m":{"cost":{"input":"a"},"reasoning":1}}, "extra":1}}, "other":2}"#
        ),
        schema_error(&[
            "providers.a.modelOverrides.m.reasoning: must be boolean",
            "providers.a.modelOverrides.m.cost.input: must be number",
        ])
    );
}

#[test]
fn compat_is_a_union_of_the_api_shapes() {
    assert_eq!(
        error_of(r#"{"providers":{"a":{"compat":3}}}"#),
        schema_error(&[
            "providers.a.compat: must be object",
            "providers.a.compat: must be object",
            "providers.a.compat: must be object",
            "providers.a.compat: must match a schema in anyOf",
        ])
    );
    assert_eq!(
        error_of(
            r#"{"providers":{"a":{"models":[{"id":"x","compat":{"supportsStore":"x","supportsDeveloperRole":"y","supportsEagerToolInputStreaming":"z"}}]}}}"#
        ),
        schema_error(&[
            "providers.a.models.0.compat.supportsStore: must be boolean",
            "providers.a.models.0.compat.supportsDeveloperRole: must be boolean",
            "providers.a.models.0.compat.supportsDeveloperRole: must be boolean",
            "providers.a.models.0.compat.supportsEagerToolInputStreaming: must be boolean",
            "providers.a.models.0.compat: must match a schema in anyOf",
        ])
    );
    // A field wrong for one API but unknown to another passes, as in pi.
    let config = ModelsConfig::parse(
        r#"{"providers":{"a":{"compat":{"thinkingFormat":"bogus","allowedFallbackModels":[{},{},{},{}]}}}}"#,
        Path::new(FILE),
    );
    assert_eq!(config.error(), None);
}

#[test]
fn jsonc_and_parse_errors() {
    let config = ModelsConfig::parse(
        "\u{feff}{\"providers\": {\"a\": {\"baseUrl\": \"http://x//y\", // comment\n\"api\": \"openai-completions\",}},}",
        Path::new(FILE),
    );
    assert_eq!(config.error(), None);
    let a = config.provider("a").unwrap();
    assert_eq!(a.base_url.as_deref(), Some("http://x//y"));
    assert_eq!(a.api.as_deref(), Some("openai-completions"));

    let error = error_of("{\"providers\": {\"a\": \"x\"}");
    assert!(
        error.starts_with("Failed to parse models.json: "),
        "{error}"
    );
    assert!(error.ends_with("\n\nFile: /agent/models.json"), "{error}");
}

#[test]
fn missing_file_is_no_configuration_and_unreadable_is_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    let config = ModelsConfig::load(&tmp.path().join("models.json"));
    assert_eq!(config.error(), None);
    assert_eq!(config.provider_ids().count(), 0);
    let config = ModelsConfig::load(tmp.path());
    let error = config.error().unwrap();
    assert!(error.starts_with("Failed to load models.json: "), "{error}");
}

#[test]
fn typed_provider_entries() {
    let config = ModelsConfig::parse(
        r#"{"providers": {
            "ollama": {"baseUrl": "http://localhost:11434/v1", "api": "openai-completions", "apiKey": "ollama",
                       "headers": {"X-A": "1"}, "authHeader": true,
                       "models": [{"id": "qwen", "headers": {"X-M": "def"}}],
                       "modelOverrides": {"qwen": {"headers": {"X-M": "over", "X-O": "o"}}}},
            "anthropic": {"baseUrl": "https://proxy"}
        }}"#,
        Path::new(FILE),
    );
    assert_eq!(config.error(), None);
    assert_eq!(
        config.provider_ids().collect::<Vec<_>>(),
        ["ollama", "anthropic"]
    );
    let ollama = config.provider("ollama").unwrap();
    assert_eq!(ollama.api_key.as_deref(), Some("ollama"));
    assert_eq!(ollama.auth_header, Some(true));
    assert_eq!(ollama.models.len(), 1);
    let headers = ollama.model_headers("qwen");
    assert_eq!(headers["X-M"], "def");
    assert_eq!(headers["X-O"], "o");
}

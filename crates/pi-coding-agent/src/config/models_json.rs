//! `models.json`: custom providers and models, and changes to built-in ones.
//!
//! The file is JSONC (`//` comments and trailing commas allowed) and is checked against pi's
//! schema. A file that cannot be read, parsed or validated contributes nothing — every
//! custom model is ignored — and its error is kept for display, in pi's words:
//!
//! ```text
//! Invalid models.json schema:
//!   - providers.ollama.models.0.id: must have required properties id
//!
//! File: /home/me/.pi/agent/models.json
//! ```

mod schema;

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::{Map, Value};

use super::json::{strip_bom, strip_jsonc};

/// One provider's entry.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProviderConfig {
    /// Display name.
    pub name: Option<String>,
    /// Base URL for every model of the provider.
    pub base_url: Option<String>,
    /// API key (literal, `$VAR` template or `!command`).
    pub api_key: Option<String>,
    /// Default API of the provider's custom models.
    pub api: Option<String>,
    /// Subscription login kind (`radius`).
    pub oauth: Option<String>,
    /// Headers sent with every request (values resolved like `api_key`).
    pub headers: Option<BTreeMap<String, String>>,
    /// Compatibility settings applied to every model of the provider.
    pub compat: Option<Map<String, Value>>,
    /// Send the API key as `Authorization: Bearer <key>`.
    pub auth_header: Option<bool>,
    /// Custom models, each added or replacing the model with its id.
    pub models: Vec<Map<String, Value>>,
    /// Changes to existing models by id.
    pub model_overrides: Map<String, Value>,
}

impl ProviderConfig {
    fn from_json(value: &Map<String, Value>) -> Self {
        let string = |key: &str| value.get(key).and_then(Value::as_str).map(str::to_string);
        ProviderConfig {
            name: string("name"),
            base_url: string("baseUrl"),
            api_key: string("apiKey"),
            api: string("api"),
            oauth: string("oauth"),
            headers: value.get("headers").and_then(Value::as_object).map(|h| {
                h.iter()
                    .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
                    .collect()
            }),
            compat: value.get("compat").and_then(Value::as_object).cloned(),
            auth_header: value.get("authHeader").and_then(Value::as_bool),
            models: value
                .get("models")
                .and_then(Value::as_array)
                .map(|models| {
                    models
                        .iter()
                        .filter_map(|m| m.as_object().cloned())
                        .collect()
                })
                .unwrap_or_default(),
            model_overrides: value
                .get("modelOverrides")
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default(),
        }
    }

    /// The headers a model's own entry adds: its override's, then its definition's.
    pub fn model_headers(&self, model_id: &str) -> BTreeMap<String, String> {
        let mut headers = BTreeMap::new();
        let override_headers = self
            .model_overrides
            .get(model_id)
            .and_then(|o| o.get("headers"))
            .and_then(Value::as_object);
        let definition_headers = self
            .models
            .iter()
            .find(|m| m.get("id").and_then(Value::as_str) == Some(model_id))
            .and_then(|m| m.get("headers"))
            .and_then(Value::as_object);
        for source in [override_headers, definition_headers].into_iter().flatten() {
            for (name, value) in source {
                if let Some(value) = value.as_str() {
                    headers.insert(name.clone(), value.to_string());
                }
            }
        }
        headers
    }
}

/// One load of `models.json`.
#[derive(Debug, Clone, Default)]
pub struct ModelsConfig {
    providers: Vec<(String, ProviderConfig)>,
    error: Option<String>,
}

impl ModelsConfig {
    /// No custom configuration.
    pub fn empty() -> Self {
        ModelsConfig::default()
    }

    /// Loads `path`; a missing file is no configuration and no error.
    pub fn load(path: &Path) -> Self {
        match std::fs::read_to_string(path) {
            Ok(text) => Self::parse(&text, path),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => Self::empty(),
            Err(err) => Self::failed(format!(
                "Failed to load models.json: {err}\n\nFile: {}",
                path.display()
            )),
        }
    }

    /// Parses and validates the text of the file at `path`.
    pub fn parse(text: &str, path: &Path) -> Self {
        let value: Value = match serde_json::from_str(&strip_jsonc(strip_bom(text))) {
            Ok(value) => value,
            Err(err) => {
                return Self::failed(format!(
                    "Failed to parse models.json: {err}\n\nFile: {}",
                    path.display()
                ));
            }
        };
        let errors = schema::validate(&schema::MODELS_CONFIG, &value);
        if !errors.is_empty() {
            let list: Vec<String> = errors
                .iter()
                .map(|(path, message)| format!("  - {path}: {message}"))
                .collect();
            return Self::failed(format!(
                "Invalid models.json schema:\n{}\n\nFile: {}",
                list.join("\n"),
                path.display()
            ));
        }
        let providers = value
            .get("providers")
            .and_then(Value::as_object)
            .map(|providers| {
                providers
                    .iter()
                    .filter_map(|(id, p)| {
                        Some((id.clone(), ProviderConfig::from_json(p.as_object()?)))
                    })
                    .collect()
            })
            .unwrap_or_default();
        ModelsConfig {
            providers,
            error: None,
        }
    }

    fn failed(error: String) -> Self {
        ModelsConfig {
            providers: Vec::new(),
            error: Some(error),
        }
    }

    /// The entry of `provider`.
    pub fn provider(&self, provider: &str) -> Option<&ProviderConfig> {
        self.providers
            .iter()
            .find(|(id, _)| id == provider)
            .map(|(_, config)| config)
    }

    /// The providers configured, in file order.
    pub fn provider_ids(&self) -> impl Iterator<Item = &str> {
        self.providers.iter().map(|(id, _)| id.as_str())
    }

    /// Why the file was ignored, if it was.
    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }
}

#[cfg(test)]
mod tests;

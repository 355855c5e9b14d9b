//! A provider's models with its `models.json` entry applied, as pi composes them: provider
//! `baseUrl` and `compat` over every built-in model, custom models added or replacing the
//! model with their id, then `modelOverrides` over the result.

use pi_ai::Model;
use serde_json::{Map, Value, json};

use crate::config::models_json::ProviderConfig;

/// Objects inside `compat` that merge key by key instead of being replaced.
const NESTED_COMPAT: [&str; 4] = [
    "openRouterRouting",
    "vercelGatewayRouting",
    "chatTemplateKwargs",
    "chatTemplateArgs",
];

/// `base` models of `provider` with `config` applied; the error text is pi's.
pub(super) fn compose(
    provider: &str,
    base: &[Model],
    config: &ProviderConfig,
) -> Result<Vec<Model>, String> {
    if config.oauth.is_some() && config.base_url.is_none() {
        return Err(format!(
            "Provider {provider}: \"baseUrl\" is required when \"oauth\" is set."
        ));
    }
    let says_something = !config.models.is_empty()
        || config.base_url.is_some()
        || config.headers.is_some()
        || config.compat.is_some()
        || !config.model_overrides.is_empty()
        || config.api_key.is_some()
        || config.oauth.is_some()
        || config.auth_header.is_some();
    if !says_something {
        return Err(format!(
            "Provider {provider}: must specify \"baseUrl\", \"headers\", \"compat\", \"modelOverrides\", or \"models\"."
        ));
    }

    let mut models: Vec<Map<String, Value>> = Vec::with_capacity(base.len());
    for model in base {
        let mut value = to_object(model);
        if let Some(url) = &config.base_url
            && config.oauth.as_deref() != Some("radius")
        {
            value.insert("baseUrl".into(), Value::from(url.as_str()));
        }
        let compat = merge_compat(object(value.get("compat")), config.compat.as_ref());
        set_or_remove(&mut value, "compat", compat);
        models.push(value);
    }

    for definition in &config.models {
        let id = definition
            .get("id")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let api = definition
            .get("api")
            .and_then(Value::as_str)
            .or(config.api.as_deref());
        let defaults = find_defaults(&models, id, api);
        let model = model_from_json(provider, definition, config, defaults)?;
        match models
            .iter()
            .position(|m| m.get("id").and_then(Value::as_str) == Some(id))
        {
            Some(i) => models[i] = model,
            None => models.push(model),
        }
    }

    models
        .into_iter()
        .map(|mut model| {
            let id = model
                .get("id")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string();
            if let Some(Value::Object(over)) = config.model_overrides.get(&id) {
                apply_override(&mut model, over);
            }
            serde_json::from_value::<Model>(Value::Object(model))
                .map_err(|err| format!("Provider {provider}, model {id}: {err}"))
        })
        .collect()
}

fn to_object(model: &Model) -> Map<String, Value> {
    match serde_json::to_value(model) {
        Ok(Value::Object(map)) => map,
        _ => Map::new(),
    }
}

fn object(value: Option<&Value>) -> Option<&Map<String, Value>> {
    value.and_then(Value::as_object)
}

fn set_or_remove(target: &mut Map<String, Value>, key: &str, value: Option<Map<String, Value>>) {
    match value {
        Some(value) => {
            target.insert(key.to_string(), Value::Object(value));
        }
        None => {
            target.shift_remove(key);
        }
    }
}

/// `override` over `base`; the routing and chat-template objects merge key by key.
fn merge_compat(
    base: Option<&Map<String, Value>>,
    over: Option<&Map<String, Value>>,
) -> Option<Map<String, Value>> {
    let Some(over) = over else {
        return base.cloned();
    };
    let mut merged = base.cloned().unwrap_or_default();
    for (key, value) in over {
        merged.insert(key.clone(), value.clone());
    }
    for key in NESTED_COMPAT {
        let base_value = object(base.and_then(|b| b.get(key)));
        let over_value = object(over.get(key));
        if base_value.is_some() || over_value.is_some() {
            let mut nested = base_value.cloned().unwrap_or_default();
            for (k, v) in over_value.into_iter().flatten() {
                nested.insert(k.clone(), v.clone());
            }
            merged.insert(key.into(), Value::Object(nested));
        }
    }
    Some(merged)
}

/// The model a custom model takes its API and base URL from when it names none: the
/// model it replaces, else one with its API, else an `openai-completions` one, else the
/// first.
fn find_defaults<'a>(
    models: &'a [Map<String, Value>],
    id: &str,
    api: Option<&str>,
) -> Option<&'a Map<String, Value>> {
    let field =
        |m: &Map<String, Value>, key: &str| m.get(key).and_then(Value::as_str).map(str::to_string);
    models
        .iter()
        .find(|m| field(m, "id").as_deref() == Some(id))
        .or_else(|| {
            api.and_then(|api| {
                models
                    .iter()
                    .find(|m| field(m, "api").as_deref() == Some(api))
            })
        })
        .or_else(|| {
            models
                .iter()
                .find(|m| field(m, "api").as_deref() == Some("openai-completions"))
        })
        .or_else(|| models.first())
}

fn model_from_json(
    provider: &str,
    definition: &Map<String, Value>,
    config: &ProviderConfig,
    defaults: Option<&Map<String, Value>>,
) -> Result<Map<String, Value>, String> {
    let id = definition
        .get("id")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let own = |key: &str| definition.get(key).and_then(Value::as_str);
    let inherited = |key: &str| defaults.and_then(|d| d.get(key)).and_then(Value::as_str);
    let Some(api) = own("api").or(config.api.as_deref()).or(inherited("api")) else {
        return Err(format!(
            "Provider {provider}, model {id}: no \"api\" specified. Set at provider or model level."
        ));
    };
    let Some(base_url) = own("baseUrl")
        .or(config.base_url.as_deref())
        .or(inherited("baseUrl"))
    else {
        return Err(format!(
            "Provider {provider}: \"baseUrl\" is required when defining custom models."
        ));
    };
    for field in ["contextWindow", "maxTokens"] {
        if definition
            .get(field)
            .and_then(Value::as_f64)
            .is_some_and(|n| n <= 0.0)
        {
            return Err(format!("Provider {provider}, model {id}: invalid {field}"));
        }
    }
    let mut model = Map::new();
    let mut put = |key: &str, value: Option<Value>| {
        if let Some(value) = value {
            model.insert(key.to_string(), value);
        }
    };
    let field = |key: &str| definition.get(key).cloned();
    put("id", Some(Value::from(id)));
    put(
        "name",
        Some(field("name").unwrap_or_else(|| Value::from(id))),
    );
    put("api", Some(Value::from(api)));
    put("provider", Some(Value::from(provider)));
    put("baseUrl", Some(Value::from(base_url)));
    put(
        "reasoning",
        Some(field("reasoning").unwrap_or(Value::Bool(false))),
    );
    put("thinkingLevelMap", field("thinkingLevelMap"));
    put(
        "input",
        Some(field("input").unwrap_or_else(|| json!(["text"]))),
    );
    put("inputLimits", field("inputLimits"));
    put(
        "cost",
        Some(
            field("cost").unwrap_or_else(
                || json!({"input": 0, "output": 0, "cacheRead": 0, "cacheWrite": 0}),
            ),
        ),
    );
    put("promptCache", field("promptCache"));
    put(
        "contextWindow",
        Some(field("contextWindow").unwrap_or(json!(128000))),
    );
    put(
        "maxTokens",
        Some(field("maxTokens").unwrap_or(json!(16384))),
    );
    put("samplingParams", field("samplingParams"));
    put(
        "compat",
        merge_compat(config.compat.as_ref(), object(definition.get("compat"))).map(Value::Object),
    );
    Ok(model)
}

/// Applies one `modelOverrides` entry: scalars replace, maps merge, cost merges per price.
fn apply_override(model: &mut Map<String, Value>, over: &Map<String, Value>) {
    for key in ["name", "reasoning", "input", "contextWindow", "maxTokens"] {
        if let Some(value) = over.get(key) {
            model.insert(key.into(), value.clone());
        }
    }
    for key in ["thinkingLevelMap", "promptCache", "samplingParams"] {
        if let Some(Value::Object(changes)) = over.get(key) {
            let mut merged = object(model.get(key)).cloned().unwrap_or_default();
            merged.extend(changes.clone());
            model.insert(key.into(), Value::Object(merged));
        }
    }
    if let Some(Value::Object(changes)) = over.get("inputLimits") {
        let merged = merge_input_limits(object(model.get("inputLimits")), changes);
        model.insert("inputLimits".into(), Value::Object(merged));
    }
    if let Some(Value::Object(changes)) = over.get("cost") {
        let mut cost = object(model.get("cost")).cloned().unwrap_or_default();
        for key in ["input", "output", "cacheRead", "cacheWrite", "tiers"] {
            if let Some(value) = changes.get(key) {
                cost.insert(key.into(), value.clone());
            }
        }
        model.insert("cost".into(), Value::Object(cost));
    }
    let compat = merge_compat(object(model.get("compat")), object(over.get("compat")));
    set_or_remove(model, "compat", compat);
}

fn merge_input_limits(
    base: Option<&Map<String, Value>>,
    over: &Map<String, Value>,
) -> Map<String, Value> {
    let mut merged = base.cloned().unwrap_or_default();
    for (key, value) in over {
        if key != "images" {
            merged.insert(key.clone(), value.clone());
        }
    }
    if let Some(Value::Object(images)) = over.get("images") {
        let base_images = object(base.and_then(|b| b.get("images")));
        let mut merged_images = base_images.cloned().unwrap_or_default();
        for (key, value) in images {
            if key != "resize" {
                merged_images.insert(key.clone(), value.clone());
            }
        }
        if let Some(Value::Object(resize)) = images.get("resize") {
            let mut merged_resize = object(base_images.and_then(|b| b.get("resize")))
                .cloned()
                .unwrap_or_default();
            merged_resize.extend(resize.clone());
            merged_images.insert("resize".into(), Value::Object(merged_resize));
        }
        merged.insert("images".into(), Value::Object(merged_images));
    }
    merged
}

#[cfg(test)]
mod tests {
    use super::*;

    fn provider(value: Value) -> ProviderConfig {
        let text = json!({"providers": {"p": value}}).to_string();
        let config = crate::config::ModelsConfig::parse(&text, std::path::Path::new("m.json"));
        assert_eq!(config.error(), None);
        config.provider("p").cloned().unwrap()
    }

    fn builtin(id: &str, api: &str) -> Model {
        serde_json::from_value(json!({
            "id": id, "name": id.to_uppercase(), "api": api, "provider": "p",
            "baseUrl": "https://builtin", "reasoning": true, "input": ["text", "image"],
            "cost": {"input": 3, "output": 15, "cacheRead": 0.3, "cacheWrite": 3.75},
            "contextWindow": 200000, "maxTokens": 64000,
            "compat": {"openRouterRouting": {"only": ["a"]}, "supportsStore": true}
        }))
        .unwrap()
    }

    #[test]
    fn provider_settings_reach_every_built_in_model() {
        let base = [
            builtin("a", "openai-completions"),
            builtin("b", "anthropic-messages"),
        ];
        let config = provider(json!({"baseUrl": "https://proxy",
            "compat": {"openRouterRouting": {"order": ["x"]}, "supportsStore": false}}));
        let models = compose("p", &base, &config).unwrap();
        assert_eq!(models.len(), 2);
        assert!(models.iter().all(|m| m.base_url == "https://proxy"));
        let compat = serde_json::to_value(models[0].compat.as_ref().unwrap()).unwrap();
        assert_eq!(compat["supportsStore"], json!(false));
        assert_eq!(
            compat["openRouterRouting"],
            json!({"only": ["a"], "order": ["x"]})
        );
    }

    #[test]
    fn custom_models_are_upserted_with_defaults() {
        let base = [
            builtin("a", "anthropic-messages"),
            builtin("b", "openai-completions"),
        ];
        let config = provider(json!({"models": [
            {"id": "a", "name": "Mine"},
            {"id": "new", "api": "openai-completions", "contextWindow": 1000}
        ]}));
        let models = compose("p", &base, &config).unwrap();
        let ids: Vec<&str> = models.iter().map(|m| m.id.as_str()).collect();
        assert_eq!(ids, ["a", "b", "new"]);
        // The replacement keeps only the api and base URL of the model it replaces.
        assert_eq!(models[0].name, "Mine");
        assert_eq!(models[0].api, "anthropic-messages");
        assert_eq!(models[0].base_url, "https://builtin");
        assert!(!models[0].reasoning);
        assert_eq!(models[0].context_window, 128000);
        assert_eq!(models[0].max_tokens, 16384);
        assert_eq!(models[2].context_window, 1000);
        assert_eq!(models[2].base_url, "https://builtin");
    }

    #[test]
    fn overrides_patch_after_upserts() {
        let base = [builtin("a", "anthropic-messages")];
        let config = provider(json!({
            "models": [{"id": "c", "api": "openai-completions", "baseUrl": "http://c"}],
            "modelOverrides": {
                "a": {"name": "Renamed", "cost": {"output": 1}, "inputLimits": {"images": {"resize": {"maxWidth": 10}}},
                      "thinkingLevelMap": {"xhigh": "max"}},
                "c": {"maxTokens": 5},
                "unknown": {"name": "ignored"}
            }
        }));
        let models = compose("p", &base, &config).unwrap();
        assert_eq!(models[0].name, "Renamed");
        assert_eq!(models[0].cost.output, 1.0);
        assert_eq!(models[0].cost.input, 3.0);
        let limits = models[0].input_limits.as_ref().unwrap();
        assert_eq!(
            limits
                .images
                .as_ref()
                .unwrap()
                .resize
                .as_ref()
                .unwrap()
                .max_width,
            Some(10)
        );
        assert!(
            models[0]
                .supported_thinking_levels()
                .contains(&pi_ai::ThinkingLevel::Xhigh)
        );
        assert_eq!(models[1].max_tokens, 5);
        assert_eq!(models.len(), 2);
    }

    #[test]
    fn structural_errors_name_the_provider_and_model() {
        let err = compose("p", &[], &provider(json!({"models": [{"id": "x"}]}))).unwrap_err();
        assert_eq!(
            err,
            "Provider p, model x: no \"api\" specified. Set at provider or model level."
        );
        let err = compose(
            "p",
            &[],
            &provider(json!({"api": "openai-completions", "models": [{"id": "x"}]})),
        )
        .unwrap_err();
        assert_eq!(
            err,
            "Provider p: \"baseUrl\" is required when defining custom models."
        );
        let err = compose(
            "p",
            &[],
            &provider(json!({"api": "a", "baseUrl": "u", "models": [{"id": "x", "maxTokens": 0}]})),
        )
        .unwrap_err();
        assert_eq!(err, "Provider p, model x: invalid maxTokens");
        let err = compose("p", &[], &provider(json!({}))).unwrap_err();
        assert_eq!(
            err,
            "Provider p: must specify \"baseUrl\", \"headers\", \"compat\", \"modelOverrides\", or \"models\"."
        );
        let err = compose("p", &[], &provider(json!({"oauth": "radius"}))).unwrap_err();
        assert_eq!(
            err,
            "Provider p: \"baseUrl\" is required when \"oauth\" is set."
        );
    }
}

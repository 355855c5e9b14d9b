//! What Gemini models are: their generation, and how each family is told to think.

use serde_json::{Value, json};

use crate::model::{LevelValue, Model, ThinkingLevel};
use crate::options::ThinkingBudgets;

/// How the request asks for thinking, once resolved from a level or raw options.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum GoogleThinking {
    /// Say nothing: the model's default.
    Unset,
    /// Thinking off (as far as the model allows).
    Disabled,
    /// Thoughts included, the model picks the effort.
    Default,
    /// Thoughts included, with a Gemini 3 level (`MINIMAL`, `LOW`, `MEDIUM`, `HIGH`).
    Level(String),
    /// Thoughts included, with a token budget (`-1` lets the model decide).
    Budget(i64),
}

/// The major version in a `gemini-<n>` (or `gemini-live-<n>`) id.
pub(super) fn gemini_major_version(model_id: &str) -> Option<u32> {
    let id = model_id.to_lowercase();
    let rest = id.strip_prefix("gemini-")?;
    let rest = rest.strip_prefix("live-").unwrap_or(rest);
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

/// Models that need explicit ids on function calls and responses.
pub(super) fn requires_tool_call_id(model_id: &str) -> bool {
    model_id.starts_with("claude-")
        || model_id.starts_with("gpt-oss-")
        || gemini_major_version(model_id).is_some_and(|major| major >= 3)
}

/// Whether images may travel inside a function response (Gemini 3 and non-Gemini models);
/// older Gemini models get them in a separate user turn.
pub(super) fn supports_multimodal_function_response(model_id: &str) -> bool {
    gemini_major_version(model_id).is_none_or(|major| major >= 3)
}

/// Gemini 3 and later enforce required parameters in validated function calling.
pub(super) fn supports_strict_tools(model_id: &str) -> bool {
    gemini_major_version(model_id).is_some_and(|major| major >= 3)
}

/// Whether the model takes a `thinkingLevel` (Gemini 3 Pro and Flash, the `-latest` Flash
/// aliases, Gemma 4) rather than a `thinkingBudget`.
pub(super) fn uses_thinking_level(model: &Model) -> bool {
    let id = model.id.to_lowercase();
    is_gemini_3_pro_or_flash(&id)
        || id == "gemini-flash-latest"
        || id == "gemini-flash-lite-latest"
        || id.contains("gemma-4")
        || id.contains("gemma4")
}

/// `gemini-3(.<digits>)?-(pro|flash)` anywhere in `id`.
fn is_gemini_3_pro_or_flash(id: &str) -> bool {
    id.match_indices("gemini-3").any(|(at, found)| {
        let rest = id.get(at + found.len()..).unwrap_or_default();
        let rest = match rest.strip_prefix('.') {
            Some(minor) => {
                let after = minor.trim_start_matches(|c: char| c.is_ascii_digit());
                if after.len() == minor.len() {
                    return false;
                }
                after
            }
            None => rest,
        };
        rest.starts_with("-pro") || rest.starts_with("-flash")
    })
}

/// The Gemini level for a pi level: the model's mapping (any case), else the level's own
/// name; levels above `high` have no Gemini equivalent.
pub(super) fn resolve_level(model: &Model, level: ThinkingLevel) -> Result<&'static str, String> {
    let resolved = match model.thinking_level_value(level) {
        LevelValue::Mapped(value) => value.to_lowercase(),
        LevelValue::Default | LevelValue::Unsupported => level.as_str().to_string(),
    };
    match resolved.as_str() {
        "minimal" => Ok("MINIMAL"),
        "low" => Ok("LOW"),
        "medium" => Ok("MEDIUM"),
        "high" => Ok("HIGH"),
        _ => {
            let mapped = match model.thinking_level_value(level) {
                LevelValue::Mapped(value) => value.to_string(),
                LevelValue::Unsupported => "null".into(),
                LevelValue::Default => "undefined".into(),
            };
            Err(format!(
                "Unsupported Google thinking level mapping for {}/{}: {level} -> {mapped}",
                model.provider, model.id
            ))
        }
    }
}

/// The thinking a level asks for (`None` or `off` turns it off).
pub(super) fn for_level(
    model: &Model,
    level: Option<ThinkingLevel>,
    budgets: Option<&ThinkingBudgets>,
) -> Result<GoogleThinking, String> {
    let Some(level) = level.map(|level| model.clamp_thinking_level(level)) else {
        return Ok(GoogleThinking::Disabled);
    };
    if level == ThinkingLevel::Off {
        return Ok(GoogleThinking::Disabled);
    }
    let google_level = resolve_level(model, level)?;
    if uses_thinking_level(model) {
        return Ok(GoogleThinking::Level(google_level.to_string()));
    }
    Ok(GoogleThinking::Budget(budget(model, google_level, budgets)))
}

/// The token budget of a Gemini 2.5 model for a level; `-1` (dynamic) for other models.
fn budget(model: &Model, google_level: &str, budgets: Option<&ThinkingBudgets>) -> i64 {
    let custom = budgets.and_then(|b| match google_level {
        "MINIMAL" => b.minimal,
        "LOW" => b.low,
        "MEDIUM" => b.medium,
        _ => b.high,
    });
    if let Some(custom) = custom {
        return i64::try_from(custom).unwrap_or(i64::MAX);
    }
    let table: [i64; 4] = if model.id.contains("2.5-pro") {
        [128, 2048, 8192, 32768]
    } else if model.id.contains("2.5-flash-lite") {
        [512, 2048, 8192, 24576]
    } else if model.id.contains("2.5-flash") {
        [128, 2048, 8192, 24576]
    } else {
        return -1;
    };
    let index = match google_level {
        "MINIMAL" => 0,
        "LOW" => 1,
        "MEDIUM" => 2,
        _ => 3,
    };
    table[index]
}

/// The `thinkingConfig` for a request, if any. Only reasoning models get one.
pub(super) fn config(model: &Model, thinking: &GoogleThinking) -> Result<Option<Value>, String> {
    if !model.reasoning {
        return Ok(None);
    }
    Ok(match thinking {
        GoogleThinking::Unset => None,
        GoogleThinking::Disabled => Some(disabled_config(model)?),
        GoogleThinking::Default => Some(json!({"includeThoughts": true})),
        GoogleThinking::Level(level) => {
            Some(json!({"includeThoughts": true, "thinkingLevel": level}))
        }
        GoogleThinking::Budget(budget) => {
            Some(json!({"includeThoughts": true, "thinkingBudget": budget}))
        }
    })
}

/// Thinking off: a zero budget, or for level-driven models that cannot turn it off, their
/// lowest supported level.
fn disabled_config(model: &Model) -> Result<Value, String> {
    if !uses_thinking_level(model) {
        return Ok(json!({"thinkingBudget": 0}));
    }
    match model.clamp_thinking_level(ThinkingLevel::Off) {
        ThinkingLevel::Off => Ok(json!({"thinkingBudget": 0})),
        lowest => Ok(json!({"thinkingLevel": resolve_level(model, lowest)?})),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model(id: &str, map: Option<Value>) -> Model {
        let mut value = json!({"id": id, "name": id, "api": "google-generative-ai",
            "provider": "google", "baseUrl": "http://x", "reasoning": true, "input": ["text"],
            "cost": {"input": 0, "output": 0, "cacheRead": 0, "cacheWrite": 0},
            "contextWindow": 1000, "maxTokens": 100});
        if let Some(map) = map {
            value["thinkingLevelMap"] = map;
        }
        serde_json::from_value(value).unwrap()
    }

    #[test]
    fn model_families() {
        assert_eq!(gemini_major_version("gemini-2.5-pro"), Some(2));
        assert_eq!(gemini_major_version("Gemini-Live-3-flash"), Some(3));
        assert_eq!(gemini_major_version("gemma-4"), None);
        assert!(requires_tool_call_id("gemini-3-pro-preview"));
        assert!(requires_tool_call_id("claude-sonnet"));
        assert!(!requires_tool_call_id("gemini-2.5-flash"));
        assert!(supports_multimodal_function_response("custom-model"));
        assert!(!supports_multimodal_function_response("gemini-2.5-flash"));
        for id in [
            "gemini-3-flash-preview",
            "gemini-3.1-pro-preview",
            "models/gemini-3.8-flash",
            "gemini-flash-latest",
            "gemma-4-31b-it",
            "gemma4",
        ] {
            assert!(uses_thinking_level(&model(id, None)), "{id}");
        }
        for id in [
            "gemini-2.5-pro",
            "gemini-3.-pro",
            "gemini-3-nano",
            "gemini-30-pro",
        ] {
            assert!(!uses_thinking_level(&model(id, None)), "{id}");
        }
    }

    #[test]
    fn levels_and_budgets() {
        let pro = model("gemini-2.5-pro", None);
        let level = |m: &Model, l| for_level(m, Some(l), None).unwrap();
        assert_eq!(
            level(&pro, ThinkingLevel::Minimal),
            GoogleThinking::Budget(128)
        );
        // xhigh is not supported without a mapping: clamped down to high.
        assert_eq!(
            level(&pro, ThinkingLevel::Xhigh),
            GoogleThinking::Budget(32768)
        );
        let lite = model("gemini-2.5-flash-lite", None);
        assert_eq!(
            level(&lite, ThinkingLevel::Minimal),
            GoogleThinking::Budget(512)
        );
        let custom = ThinkingBudgets {
            low: Some(99),
            ..ThinkingBudgets::default()
        };
        assert_eq!(
            for_level(&lite, Some(ThinkingLevel::Low), Some(&custom)).unwrap(),
            GoogleThinking::Budget(99)
        );
        assert_eq!(
            level(&model("other", None), ThinkingLevel::High),
            GoogleThinking::Budget(-1)
        );
        let gemma = model(
            "gemma-4-31b-it",
            Some(
                json!({"off": null, "minimal": "MINIMAL", "low": null, "medium": null, "high": "HIGH"}),
            ),
        );
        assert_eq!(
            level(&gemma, ThinkingLevel::Medium),
            GoogleThinking::Level("HIGH".into())
        );
        assert_eq!(
            config(&gemma, &GoogleThinking::Disabled).unwrap(),
            Some(json!({"thinkingLevel": "MINIMAL"}))
        );
        assert_eq!(
            config(&pro, &GoogleThinking::Disabled).unwrap(),
            Some(json!({"thinkingBudget": 0}))
        );
        let odd = model("gemini-3-pro", Some(json!({"high": "turbo"})));
        assert_eq!(
            for_level(&odd, Some(ThinkingLevel::High), None).unwrap_err(),
            "Unsupported Google thinking level mapping for google/gemini-3-pro: high -> turbo"
        );
    }
}

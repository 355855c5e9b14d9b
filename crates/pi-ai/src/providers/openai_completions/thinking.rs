//! How thinking is requested from an OpenAI-compatible endpoint: each server family has
//! its own fields (`reasoning_effort`, `reasoning: {effort}`, `thinking: {type}`,
//! `enable_thinking`, chat-template arguments, ...), chosen by the compat `thinkingFormat`.

use serde_json::{Map, Value, json};

use super::compat::CompletionsCompat;
use crate::compat::ThinkingFormat;
use crate::model::{LevelValue, Model, ThinkingLevel};
use crate::options::{StreamOptions, ThinkingBudgets, clamp_budget_to_answer_room};

/// Adds the thinking fields for `options.thinking.level` to `body`.
pub(super) fn apply(
    body: &mut Map<String, Value>,
    model: &Model,
    options: &StreamOptions,
    compat: &CompletionsCompat,
) {
    if !model.reasoning {
        return;
    }
    let level = options.thinking.level.filter(|l| *l != ThinkingLevel::Off);
    // The provider value for a level: mapped, or pi's name when unmapped; None when unsupported.
    let mapped = |level: ThinkingLevel| match model.thinking_level_value(level) {
        LevelValue::Default => Some(level.as_str().to_string()),
        LevelValue::Unsupported => None,
        LevelValue::Mapped(value) => Some(value.to_string()),
    };
    let off_value = || match model.thinking_level_value(ThinkingLevel::Off) {
        LevelValue::Mapped(value) => Some(value.to_string()),
        _ => None,
    };
    let off_unsupported = model.thinking_level_value(ThinkingLevel::Off) == LevelValue::Unsupported;
    let budget = level.and_then(|level| {
        let ceiling = body
            .get("max_tokens")
            .or_else(|| body.get("max_completion_tokens"))
            .and_then(Value::as_u64)
            .unwrap_or(model.max_tokens);
        let budget = clamp_budget_to_answer_room(
            ThinkingBudgets::for_level(options.thinking.budgets.as_ref(), level),
            ceiling,
        );
        (budget > 0).then_some(budget)
    });
    match compat.thinking_format {
        ThinkingFormat::Zai => {
            body.insert(
                "thinking".into(),
                if level.is_some() {
                    json!({"type": "enabled", "clear_thinking": false})
                } else {
                    json!({"type": "disabled"})
                },
            );
            if let Some(effort) = level
                .filter(|_| compat.supports_reasoning_effort)
                .and_then(mapped)
            {
                body.insert("reasoning_effort".into(), json!(effort));
            }
        }
        ThinkingFormat::Qwen => {
            body.insert("enable_thinking".into(), json!(level.is_some()));
            if let Some(effort) = level
                .filter(|_| compat.supports_reasoning_effort)
                .and_then(mapped)
            {
                body.insert("reasoning_effort".into(), json!(effort));
            }
        }
        ThinkingFormat::QwenChatTemplate => {
            body.insert(
                "chat_template_kwargs".into(),
                json!({"enable_thinking": level.is_some(), "preserve_thinking": true}),
            );
        }
        ThinkingFormat::ChatTemplate => {
            if let Some(values) =
                template_values(model, level, &compat.chat_template_kwargs, budget)
            {
                body.insert("chat_template_kwargs".into(), Value::Object(values));
            }
        }
        ThinkingFormat::Baseten => {
            if let Some(values) = template_values(model, level, &compat.chat_template_args, budget)
            {
                body.insert("chat_template_args".into(), Value::Object(values));
            }
            if compat.supports_reasoning_effort {
                let effort = match level {
                    Some(level) => mapped(level),
                    None => off_value(),
                };
                if let Some(effort) = effort {
                    body.insert("reasoning_effort".into(), json!(effort));
                }
            }
        }
        ThinkingFormat::Deepseek => {
            if level.is_some() {
                body.insert("thinking".into(), json!({"type": "enabled"}));
            } else if !off_unsupported {
                body.insert("thinking".into(), json!({"type": "disabled"}));
            }
            if let Some(effort) = level
                .filter(|_| compat.supports_reasoning_effort)
                .and_then(mapped)
            {
                body.insert("reasoning_effort".into(), json!(effort));
            }
        }
        ThinkingFormat::Openrouter => {
            if let Some(level) = level {
                body.insert("reasoning".into(), json!({"effort": mapped(level)}));
            } else if !off_unsupported {
                body.insert(
                    "reasoning".into(),
                    json!({"effort": off_value().unwrap_or_else(|| "none".into())}),
                );
            }
        }
        ThinkingFormat::AntLing => {
            if let Some(LevelValue::Mapped(effort)) = level.map(|l| model.thinking_level_value(l)) {
                body.insert("reasoning".into(), json!({"effort": effort}));
            }
        }
        ThinkingFormat::Together => {
            body.insert("reasoning".into(), json!({"enabled": level.is_some()}));
            if let Some(effort) = level
                .filter(|_| compat.supports_reasoning_effort)
                .and_then(mapped)
            {
                body.insert("reasoning_effort".into(), json!(effort));
            }
        }
        ThinkingFormat::StringThinking => {
            if let Some(level) = level {
                body.insert("thinking".into(), json!(mapped(level)));
            } else if !off_unsupported {
                body.insert(
                    "thinking".into(),
                    json!(off_value().unwrap_or_else(|| "none".into())),
                );
            }
        }
        ThinkingFormat::Openai => {
            if compat.supports_reasoning_effort {
                let effort = match level {
                    Some(level) => mapped(level),
                    None => off_value(),
                };
                if let Some(effort) = effort {
                    body.insert("reasoning_effort".into(), json!(effort));
                }
            }
        }
    }
    // Reasoning and the answer share the output limit here; cap reasoning so an answer fits.
    if let (Some(field), Some(budget)) = (&compat.thinking_token_budget_field, budget) {
        body.insert(field.clone(), json!(budget));
    }
}

/// Resolves `{"$var": ...}` placeholders of chat-template values.
fn template_values(
    model: &Model,
    level: Option<ThinkingLevel>,
    values: &Map<String, Value>,
    budget: Option<u64>,
) -> Option<Map<String, Value>> {
    let mut resolved = Map::new();
    for (key, value) in values {
        let Value::Object(spec) = value else {
            resolved.insert(key.clone(), value.clone());
            continue;
        };
        if level.is_none() && spec.get("omitWhenOff") == Some(&Value::Bool(true)) {
            continue;
        }
        let value = match spec.get("$var").and_then(Value::as_str) {
            Some("thinking.enabled") => Some(json!(level.is_some())),
            Some("thinking.budget") => budget.map(|b| json!(b)),
            _ => {
                let entry = model.thinking_level_value(level.unwrap_or(ThinkingLevel::Off));
                match (entry, level) {
                    (LevelValue::Default, Some(level)) => Some(json!(level.as_str())),
                    (LevelValue::Default, None) | (LevelValue::Unsupported, _) => None,
                    (LevelValue::Mapped(value), _) => Some(json!(value)),
                }
            }
        };
        if let Some(value) = value {
            resolved.insert(key.clone(), value);
        }
    }
    (!resolved.is_empty()).then_some(resolved)
}

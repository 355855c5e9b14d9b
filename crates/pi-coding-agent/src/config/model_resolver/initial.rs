//! Choosing the model and thinking level a run starts with, in pi 0.87's order: the command
//! line, then the scope's first model, then the saved default (only when its provider has
//! auth), then each provider's default model, then the first available model.

use pi_ai::{Model, ThinkingLevel};

use super::{DEFAULT_MODEL_PER_PROVIDER, DEFAULT_THINKING_LEVEL, ScopedModel, resolve_cli_model};
use crate::config::guidance;
use crate::config::model_registry::ModelRegistry;
use crate::config::settings::Settings;

/// The model-related command-line options.
#[derive(Debug, Clone, Copy, Default)]
pub struct CliModelArgs<'a> {
    /// `--provider`.
    pub provider: Option<&'a str>,
    /// `--model`.
    pub model: Option<&'a str>,
    /// `--thinking`.
    pub thinking: Option<ThinkingLevel>,
}

/// What the command line and the scope decide before a session is created.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ModelOptions {
    /// The model they pick, if any.
    pub model: Option<Model>,
    /// The thinking level they pick, if any.
    pub thinking_level: Option<ThinkingLevel>,
    /// Whether the thinking level came from a `--model <pattern>:<level>` suffix.
    pub cli_thinking_from_model: bool,
    /// The scope for model cycling.
    pub scoped_models: Vec<ScopedModel>,
    /// Warnings to print (`Warning: <text>`).
    pub warnings: Vec<String>,
    /// Errors that end startup (`Error: <text>`).
    pub errors: Vec<String>,
}

/// Applies `--model`/`--provider`/`--thinking` and the scope, as pi does before creating a
/// session. A new session (`!has_existing_session`) with a scope starts on the saved
/// default if it is in scope, else on the scope's first model.
pub fn build_model_options(
    cli: CliModelArgs<'_>,
    scoped_models: Vec<ScopedModel>,
    has_existing_session: bool,
    settings: &Settings,
    registry: &ModelRegistry,
) -> ModelOptions {
    let mut options = ModelOptions::default();
    if let Some(pattern) = cli.model {
        let resolved = resolve_cli_model(cli.provider, pattern, cli.thinking, registry);
        options.warnings.extend(resolved.warning);
        options.errors.extend(resolved.error);
        if let Some(model) = resolved.model {
            options.model = Some(model);
            if cli.thinking.is_none() && resolved.thinking_level.is_some() {
                options.thinking_level = resolved.thinking_level;
                options.cli_thinking_from_model = true;
            }
        }
    }
    if options.model.is_none() && !scoped_models.is_empty() && !has_existing_session {
        let saved = match (settings.default_provider(), settings.default_model()) {
            (Some(provider), Some(id)) => registry.find(provider, id),
            _ => None,
        };
        let chosen = saved
            .and_then(|saved| scoped_models.iter().find(|s| s.model.same_as(saved)))
            .or(scoped_models.first());
        if let Some(chosen) = chosen {
            options.model = Some(chosen.model.clone());
            if cli.thinking.is_none() && chosen.thinking_level.is_some() {
                options.thinking_level = chosen.thinking_level;
            }
        }
    }
    if cli.thinking.is_some() {
        options.thinking_level = cli.thinking;
    }
    options.scoped_models = scoped_models;
    options
}

/// The result of [`find_initial_model`].
#[derive(Debug, Clone, PartialEq)]
pub struct InitialModel {
    /// The model, unless nothing is available.
    pub model: Option<Model>,
    /// The thinking level that goes with it.
    pub thinking_level: ThinkingLevel,
}

/// The model a run starts with when no session decides (pi's `findInitialModel`).
///
/// `cli` is `(provider, model)` and applies only with both; its error text is the `Err`.
pub fn find_initial_model(
    cli: Option<(&str, &str)>,
    scoped_models: &[ScopedModel],
    is_continuing: bool,
    settings: &Settings,
    registry: &ModelRegistry,
) -> Result<InitialModel, String> {
    if let Some((provider, pattern)) = cli {
        let resolved = resolve_cli_model(Some(provider), pattern, None, registry);
        if let Some(error) = resolved.error {
            return Err(error);
        }
        if let Some(model) = resolved.model {
            return Ok(InitialModel {
                model: Some(model),
                thinking_level: DEFAULT_THINKING_LEVEL,
            });
        }
    }
    let saved_level = settings.default_thinking_level();
    if let Some(first) = scoped_models.first()
        && !is_continuing
    {
        let level = first
            .thinking_level
            .or_else(|| settings.model_thinking_level(&first.model.provider, &first.model.id))
            .or(saved_level)
            .unwrap_or(DEFAULT_THINKING_LEVEL);
        return Ok(InitialModel {
            model: Some(first.model.clone()),
            thinking_level: level,
        });
    }
    if let (Some(provider), Some(id)) = (settings.default_provider(), settings.default_model())
        && let Some(model) = registry.find(provider, id)
        && registry.has_auth(&model.provider)
    {
        let level = settings
            .model_thinking_level(provider, id)
            .or(saved_level)
            .unwrap_or(DEFAULT_THINKING_LEVEL);
        return Ok(InitialModel {
            model: Some(model.clone()),
            thinking_level: level,
        });
    }
    Ok(InitialModel {
        model: first_available(registry),
        thinking_level: DEFAULT_THINKING_LEVEL,
    })
}

/// The first available model that is its provider's default, in the order of pi's table;
/// else the first available model.
fn first_available(registry: &ModelRegistry) -> Option<Model> {
    let available = registry.available();
    DEFAULT_MODEL_PER_PROVIDER
        .iter()
        .find_map(|(provider, id)| {
            available
                .iter()
                .find(|m| m.provider == *provider && m.id == *id)
        })
        .or(available.first())
        .map(|model| (*model).clone())
}

/// What an existing session (one with messages) says about its model.
#[derive(Debug, Clone, Copy, Default)]
pub struct ExistingSession<'a> {
    /// The session's last model (`(provider, id)`), from its entries.
    pub model: Option<(&'a str, &'a str)>,
    /// The session's last thinking level, when the branch has a thinking-level entry.
    pub thinking_level: Option<ThinkingLevel>,
}

/// The model and thinking level a session starts with.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionModel {
    /// The model, unless nothing is available.
    pub model: Option<Model>,
    /// The thinking level, clamped to what the model supports (`off` without a model).
    pub thinking_level: ThinkingLevel,
    /// What to tell the user when the session's model could not be restored, or when no
    /// model is available.
    pub fallback_message: Option<String>,
}

/// Chooses a session's model and thinking level, as pi does when creating a session:
/// the model from [`build_model_options`], else the existing session's model if it still
/// exists and has auth, else [`find_initial_model`]; the thinking level from the options,
/// else the session, else `modelThinkingLevels`, else `defaultThinkingLevel`, else
/// `medium` — then clamped to the model.
pub fn choose_session_model(
    model: Option<Model>,
    thinking_level: Option<ThinkingLevel>,
    existing: Option<ExistingSession<'_>>,
    settings: &Settings,
    registry: &ModelRegistry,
) -> SessionModel {
    let mut model = model;
    let mut fallback_message = None;
    if model.is_none()
        && let Some((provider, id)) = existing.and_then(|e| e.model)
    {
        match registry.find(provider, id) {
            Some(restored) if registry.has_auth(&restored.provider) => {
                model = Some(restored.clone());
            }
            _ => fallback_message = Some(format!("Could not restore model {provider}/{id}")),
        }
    }
    if model.is_none() {
        // No scope and no command line here: the saved default, then the providers'
        // defaults, then the first available model.
        let initial = find_initial_model(None, &[], existing.is_some(), settings, registry);
        model = initial.ok().and_then(|initial| initial.model);
        fallback_message = match (&model, fallback_message) {
            (None, _) => Some(guidance::no_models_available(registry.docs_dir())),
            (Some(m), Some(message)) => Some(format!("{message}. Using {}/{}", m.provider, m.id)),
            (Some(_), None) => None,
        };
    }

    let mut level = thinking_level;
    if level.is_none()
        && let Some(existing) = existing
    {
        level = existing
            .thinking_level
            .or(settings.default_thinking_level())
            .or(Some(DEFAULT_THINKING_LEVEL));
    }
    if level.is_none()
        && let Some(model) = &model
    {
        level = settings.model_thinking_level(&model.provider, &model.id);
    }
    let level = level
        .or(settings.default_thinking_level())
        .unwrap_or(DEFAULT_THINKING_LEVEL);
    let thinking_level = match &model {
        Some(model) => model.clamp_thinking_level(level),
        None => ThinkingLevel::Off,
    };
    SessionModel {
        model,
        thinking_level,
        fallback_message,
    }
}

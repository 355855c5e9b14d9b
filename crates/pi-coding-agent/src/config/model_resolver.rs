//! Turning what a user typed into a model: `--model` and `--provider`, `--models` and
//! `enabledModels` scopes, with pi's matching rules (exact ids, then substrings preferring
//! aliases over dated ids, an optional `:<thinking>` suffix, case-insensitive globs).

mod initial;

use std::cmp::Ordering;

use pi_ai::{Model, ThinkingLevel};

use super::model_registry::ModelRegistry;
use super::settings::parse_thinking_level;

pub use initial::{
    CliModelArgs, ExistingSession, InitialModel, ModelOptions, SessionModel, build_model_options,
    choose_session_model, find_initial_model,
};

/// The thinking level when nothing chooses one.
pub const DEFAULT_THINKING_LEVEL: ThinkingLevel = ThinkingLevel::Medium;

/// The model chosen for each provider when nothing else decides, in pi's order (the order
/// decides between several available providers).
pub const DEFAULT_MODEL_PER_PROVIDER: &[(&str, &str)] = &[
    ("amazon-bedrock", "us.anthropic.claude-opus-4-6-v1"),
    ("ant-ling", "Ring-2.6-1T"),
    ("anthropic", "claude-opus-4-8"),
    ("openai", "gpt-5.5"),
    ("azure-openai-responses", "gpt-5.4"),
    ("openai-codex", "gpt-5.5"),
    ("radius", "balanced"),
    ("nvidia", "nvidia/nemotron-3-super-120b-a12b"),
    ("deepseek", "deepseek-v4-pro"),
    ("google", "gemini-3.1-pro-preview"),
    ("google-vertex", "gemini-3.1-pro-preview"),
    ("github-copilot", "gpt-5.4"),
    ("openrouter", "moonshotai/kimi-k2.6"),
    ("vercel-ai-gateway", "zai/glm-5.1"),
    ("xai", "grok-4.7"),
    ("groq", "openai/gpt-oss-120b"),
    ("cerebras", "gpt-oss-120b"),
    ("zai", "glm-5.3"),
    ("zai-coding-cn", "glm-5.3"),
    ("mistral", "devstral-medium-latest"),
    ("minimax", "MiniMax-M2.7"),
    ("minimax-cn", "MiniMax-M2.7"),
    ("moonshotai", "kimi-k2.6"),
    ("moonshotai-cn", "kimi-k2.6"),
    ("huggingface", "moonshotai/Kimi-K2.6"),
    ("fireworks", "accounts/fireworks/models/kimi-k2p6"),
    ("together", "moonshotai/Kimi-K2.6"),
    ("baseten", "zai-org/GLM-5.2"),
    ("opencode", "kimi-k2.6"),
    ("opencode-go", "kimi-k2.6"),
    ("kimi-coding", "kimi-for-coding"),
    ("meta", "muse-spark-1.3"),
    ("cloudflare-workers-ai", "@cf/moonshotai/kimi-k2.6"),
    (
        "cloudflare-ai-gateway",
        "workers-ai/@cf/moonshotai/kimi-k2.6",
    ),
    ("qwen-token-plan", "qwen3.7-max"),
    ("qwen-token-plan-cn", "qwen3.7-max"),
    ("qwen-token-plan-individual", "qwen3.8-max"),
    ("xiaomi", "mimo-v2.5-pro"),
    ("xiaomi-token-plan-cn", "mimo-v2.5-pro"),
    ("xiaomi-token-plan-ams", "mimo-v2.5-pro"),
    ("xiaomi-token-plan-sgp", "mimo-v2.5-pro"),
];

/// The default model id of `provider`, if pi has one.
pub fn default_model_for(provider: &str) -> Option<&'static str> {
    DEFAULT_MODEL_PER_PROVIDER
        .iter()
        .find(|(p, _)| *p == provider)
        .map(|(_, id)| *id)
}

/// Compares strings as JavaScript's `localeCompare` does (Unicode collation, root order).
pub(crate) struct LocaleOrder(feruca::Collator);

impl LocaleOrder {
    pub(crate) fn new() -> Self {
        LocaleOrder(feruca::Collator::new(
            feruca::Tailoring::default(),
            false,
            false,
        ))
    }

    pub(crate) fn cmp(&mut self, a: &str, b: &str) -> Ordering {
        self.0.collate(a, b)
    }
}

/// Whether `id` names a model rather than a dated snapshot (no `-YYYYMMDD` ending, or
/// `-latest`).
fn is_alias(id: &str) -> bool {
    if id.ends_with("-latest") {
        return true;
    }
    let bytes = id.as_bytes();
    let dated = bytes.len() >= 9
        && bytes[bytes.len() - 9] == b'-'
        && bytes[bytes.len() - 8..].iter().all(u8::is_ascii_digit);
    !dated
}

/// The model `reference` names exactly: `provider/id` or a bare id, ignoring case. A bare id
/// that several providers share matches nothing.
pub fn find_exact_model_reference<'a>(reference: &str, models: &[&'a Model]) -> Option<&'a Model> {
    let reference = reference.trim();
    if reference.is_empty() {
        return None;
    }
    let lower = reference.to_lowercase();
    let unique = |matches: Vec<&'a Model>| -> Result<Option<&'a Model>, ()> {
        match matches.as_slice() {
            [] => Ok(None),
            [one] => Ok(Some(*one)),
            _ => Err(()),
        }
    };
    let canonical: Vec<&Model> = models
        .iter()
        .copied()
        .filter(|m| format!("{}/{}", m.provider, m.id).to_lowercase() == lower)
        .collect();
    match unique(canonical) {
        Ok(Some(model)) => return Some(model),
        Err(()) => return None,
        Ok(None) => {}
    }
    if let Some((provider, id)) = reference.split_once('/') {
        let (provider, id) = (provider.trim().to_lowercase(), id.trim().to_lowercase());
        if !provider.is_empty() && !id.is_empty() {
            let matches: Vec<&Model> = models
                .iter()
                .copied()
                .filter(|m| m.provider.to_lowercase() == provider && m.id.to_lowercase() == id)
                .collect();
            match unique(matches) {
                Ok(Some(model)) => return Some(model),
                Err(()) => return None,
                Ok(None) => {}
            }
        }
    }
    let by_id: Vec<&Model> = models
        .iter()
        .copied()
        .filter(|m| m.id.to_lowercase() == lower)
        .collect();
    unique(by_id).ok().flatten()
}

/// An exact reference, else the best model whose id or name contains `pattern`: the
/// highest-sorting alias, else the latest dated id.
fn try_match_model<'a>(pattern: &str, models: &[&'a Model]) -> Option<&'a Model> {
    if let Some(model) = find_exact_model_reference(pattern, models) {
        return Some(model);
    }
    let needle = pattern.to_lowercase();
    let matches: Vec<&Model> = models
        .iter()
        .copied()
        .filter(|m| {
            m.id.to_lowercase().contains(&needle) || m.name.to_lowercase().contains(&needle)
        })
        .collect();
    if matches.is_empty() {
        return None;
    }
    let (aliases, dated): (Vec<&Model>, Vec<&Model>) =
        matches.into_iter().partition(|m| is_alias(&m.id));
    let mut pool = if aliases.is_empty() { dated } else { aliases };
    let mut order = LocaleOrder::new();
    pool.sort_by(|a, b| order.cmp(&b.id, &a.id));
    pool.first().copied()
}

/// What a pattern resolved to.
#[derive(Debug, Clone, PartialEq)]
pub struct PatternMatch<'a> {
    /// The model, if any matched.
    pub model: Option<&'a Model>,
    /// The level of a `:<thinking>` suffix.
    pub thinking_level: Option<ThinkingLevel>,
    /// A warning about an invalid suffix.
    pub warning: Option<String>,
}

/// Resolves `pattern` among `models`, with an optional `:<thinking>` suffix split at the
/// last colon (ids may contain colons, so the whole pattern is tried first).
///
/// An invalid suffix fails the match when `allow_invalid_thinking_fallback` is false (the
/// `--model` flag); otherwise the prefix is used with a warning (scopes).
pub fn parse_model_pattern<'a>(
    pattern: &str,
    models: &[&'a Model],
    allow_invalid_thinking_fallback: bool,
) -> PatternMatch<'a> {
    let none = PatternMatch {
        model: None,
        thinking_level: None,
        warning: None,
    };
    if let Some(model) = try_match_model(pattern, models) {
        return PatternMatch {
            model: Some(model),
            ..none
        };
    }
    let Some((prefix, suffix)) = pattern.rsplit_once(':') else {
        return none;
    };
    if let Some(level) = parse_thinking_level(suffix) {
        let inner = parse_model_pattern(prefix, models, allow_invalid_thinking_fallback);
        if inner.model.is_none() {
            return inner;
        }
        let thinking_level = if inner.warning.is_some() {
            None
        } else {
            Some(level)
        };
        return PatternMatch {
            thinking_level,
            ..inner
        };
    }
    if !allow_invalid_thinking_fallback {
        return none;
    }
    let inner = parse_model_pattern(prefix, models, allow_invalid_thinking_fallback);
    if inner.model.is_none() {
        return inner;
    }
    PatternMatch {
        model: inner.model,
        thinking_level: None,
        warning: Some(format!(
            "Invalid thinking level \"{suffix}\" in pattern \"{pattern}\". Using default instead."
        )),
    }
}

/// A model in a scope, with the thinking level its pattern asked for.
#[derive(Debug, Clone, PartialEq)]
pub struct ScopedModel {
    /// The model.
    pub model: Model,
    /// The level of the pattern's `:<thinking>` suffix; none keeps the session's level.
    pub thinking_level: Option<ThinkingLevel>,
}

/// Resolves scope patterns (`--models`, `enabledModels`) against the available models.
///
/// Patterns with `*`, `?` or `[` are globs (case-insensitive, matched against
/// `provider/id` and against the bare id) with an optional `:<thinking>` suffix; others
/// resolve like `--model`. Each model appears once. The second list holds the warnings,
/// which pi prints as `Warning: <text>`.
pub fn resolve_model_scope(
    patterns: &[String],
    available: &[&Model],
) -> (Vec<ScopedModel>, Vec<String>) {
    let mut scoped: Vec<ScopedModel> = Vec::new();
    let mut warnings = Vec::new();
    let add = |scoped: &mut Vec<ScopedModel>, model: &Model, thinking_level| {
        if !scoped.iter().any(|s| s.model.same_as(model)) {
            scoped.push(ScopedModel {
                model: model.clone(),
                thinking_level,
            });
        }
    };
    for pattern in patterns {
        if pattern.contains(['*', '?', '[']) {
            let (glob, thinking_level) = match pattern.rsplit_once(':') {
                Some((glob, suffix)) => match parse_thinking_level(suffix) {
                    Some(level) => (glob, Some(level)),
                    None => (pattern.as_str(), None),
                },
                None => (pattern.as_str(), None),
            };
            if let Some(model) = find_exact_model_reference(glob, available) {
                add(&mut scoped, model, thinking_level);
                continue;
            }
            let matcher = glob_matcher(glob);
            let matching: Vec<&Model> = available
                .iter()
                .copied()
                .filter(|m| matcher(&format!("{}/{}", m.provider, m.id)) || matcher(&m.id))
                .collect();
            if matching.is_empty() {
                warnings.push(format!("No models match pattern \"{pattern}\""));
                continue;
            }
            for model in matching {
                add(&mut scoped, model, thinking_level);
            }
            continue;
        }
        let found = parse_model_pattern(pattern, available, true);
        if let Some(warning) = found.warning {
            warnings.push(warning);
        }
        match found.model {
            Some(model) => add(&mut scoped, model, found.thinking_level),
            None => warnings.push(format!("No models match pattern \"{pattern}\"")),
        }
    }
    (scoped, warnings)
}

/// A case-insensitive glob whose `*` stops at `/`, as minimatch's; a pattern that is not a
/// valid glob matches itself literally.
fn glob_matcher(glob: &str) -> impl Fn(&str) -> bool {
    let compiled = globset::GlobBuilder::new(glob)
        .case_insensitive(true)
        .literal_separator(true)
        .build()
        .map(|g| g.compile_matcher());
    let literal = glob.to_lowercase();
    move |text: &str| match &compiled {
        Ok(matcher) => matcher.is_match(text),
        Err(_) => text.to_lowercase() == literal,
    }
}

/// What `--model` (with `--provider`) resolved to.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CliModelResolution {
    /// The model, if found (or synthesized for a known provider).
    pub model: Option<Model>,
    /// The level of a `:<thinking>` suffix.
    pub thinking_level: Option<ThinkingLevel>,
    /// A warning to print (`Warning: <text>`).
    pub warning: Option<String>,
    /// An error that ends startup (`Error: <text>`).
    pub error: Option<String>,
}

/// Resolves `--model <pattern>` (and `--provider`) among *all* models, not only available
/// ones, so `--api-key` can set up a provider on first use.
///
/// A model unknown to a known provider is synthesized from the provider's default model
/// with the requested id, with a warning, so new model ids work before the catalog knows
/// them.
pub fn resolve_cli_model(
    cli_provider: Option<&str>,
    cli_model: &str,
    cli_thinking: Option<ThinkingLevel>,
    registry: &ModelRegistry,
) -> CliModelResolution {
    let all = registry.all();
    if all.is_empty() {
        return CliModelResolution {
            error: Some(
                "No models available. Check your installation or add models to models.json.".into(),
            ),
            ..CliModelResolution::default()
        };
    }
    let canonical_provider = |name: &str| -> Option<String> {
        let lower = name.to_lowercase();
        all.iter()
            .rev()
            .find(|m| m.provider.to_lowercase() == lower)
            .map(|m| m.provider.clone())
    };
    let mut provider = cli_provider.and_then(canonical_provider);
    if let Some(name) = cli_provider
        && provider.is_none()
    {
        return CliModelResolution {
            error: Some(format!(
                "Unknown provider \"{name}\". Use --list-models to see available providers/models."
            )),
            ..CliModelResolution::default()
        };
    }

    let mut pattern = cli_model.to_string();
    let mut inferred_provider = false;
    if provider.is_none()
        && let Some((prefix, rest)) = cli_model.split_once('/')
        && let Some(canonical) = canonical_provider(prefix)
    {
        provider = Some(canonical);
        pattern = rest.to_string();
        inferred_provider = true;
    }

    let lower = cli_model.to_lowercase();
    let exact_raw = |m: &&Model| {
        m.id.to_lowercase() == lower || format!("{}/{}", m.provider, m.id).to_lowercase() == lower
    };
    if provider.is_none() {
        let exact: Vec<&Model> = all.iter().copied().filter(exact_raw).collect();
        match exact.as_slice() {
            [one] => {
                return CliModelResolution {
                    model: Some((*one).clone()),
                    ..CliModelResolution::default()
                };
            }
            [] => {}
            several => {
                let authed: Vec<&Model> = several
                    .iter()
                    .copied()
                    .filter(|m| registry.has_auth(&m.provider))
                    .collect();
                if let [one] = authed.as_slice() {
                    return CliModelResolution {
                        model: Some((*one).clone()),
                        ..CliModelResolution::default()
                    };
                }
                let mut names: Vec<String> = several
                    .iter()
                    .map(|m| format!("{}/{}", m.provider, m.id))
                    .collect();
                let mut order = LocaleOrder::new();
                names.sort_by(|a, b| order.cmp(a, b));
                let hint = if authed.is_empty() {
                    "No matching provider is authenticated."
                } else {
                    "More than one matching provider is authenticated."
                };
                return CliModelResolution {
                    error: Some(format!(
                        "Model \"{cli_model}\" is ambiguous across providers: {}. {hint} Use --provider or provider/model.",
                        names.join(", ")
                    )),
                    ..CliModelResolution::default()
                };
            }
        }
    }

    if cli_provider.is_some()
        && let Some(provider) = &provider
    {
        let prefix = format!("{provider}/");
        if cli_model.to_lowercase().starts_with(&prefix.to_lowercase())
            && let Some(rest) = cli_model.get(prefix.len()..)
        {
            pattern = rest.to_string();
        }
    }

    let candidates: Vec<&Model> = match &provider {
        Some(p) => all.iter().copied().filter(|m| &m.provider == p).collect(),
        None => all.clone(),
    };
    let found = parse_model_pattern(&pattern, &candidates, false);
    if let Some(model) = found.model {
        if inferred_provider && !registry.has_auth(&model.provider) {
            let authed: Vec<&Model> = all
                .iter()
                .copied()
                .filter(|m| m.id.to_lowercase() == lower && !m.same_as(model))
                .filter(|m| registry.has_auth(&m.provider))
                .collect();
            if let [one] = authed.as_slice() {
                return CliModelResolution {
                    model: Some((*one).clone()),
                    ..CliModelResolution::default()
                };
            }
        }
        return CliModelResolution {
            model: Some(model.clone()),
            thinking_level: found.thinking_level,
            warning: found.warning,
            error: None,
        };
    }

    if inferred_provider {
        if let Some(exact) = all.iter().copied().find(exact_raw) {
            return CliModelResolution {
                model: Some(exact.clone()),
                ..CliModelResolution::default()
            };
        }
        let fallback = parse_model_pattern(cli_model, &all, false);
        if let Some(model) = fallback.model {
            return CliModelResolution {
                model: Some(model.clone()),
                thinking_level: fallback.thinking_level,
                warning: fallback.warning,
                error: None,
            };
        }
    }

    if let Some(provider) = &provider {
        let (model_id, fallback_thinking) = match (cli_thinking, pattern.rsplit_once(':')) {
            (None, Some((id, suffix))) => match parse_thinking_level(suffix) {
                Some(level) => (id.to_string(), Some(level)),
                None => (pattern.clone(), None),
            },
            _ => (pattern.clone(), None),
        };
        if let Some(mut model) = synthesize_model(provider, &model_id, &all) {
            if cli_thinking
                .or(fallback_thinking)
                .is_some_and(|level| level != ThinkingLevel::Off)
            {
                model.reasoning = true;
            }
            let note = format!(
                "Model \"{model_id}\" not found for provider \"{provider}\". Using custom model id."
            );
            let warning = match found.warning {
                Some(warning) => format!("{warning} {note}"),
                None => note,
            };
            return CliModelResolution {
                model: Some(model),
                thinking_level: fallback_thinking,
                warning: Some(warning),
                error: None,
            };
        }
    }

    let display = match &provider {
        Some(provider) => format!("{provider}/{pattern}"),
        None => cli_model.to_string(),
    };
    CliModelResolution {
        model: None,
        thinking_level: None,
        warning: found.warning,
        error: Some(format!(
            "Model \"{display}\" not found. Use --list-models to see available models."
        )),
    }
}

/// A model `id` for `provider` cloned from the provider's default (or first) model.
fn synthesize_model(provider: &str, id: &str, all: &[&Model]) -> Option<Model> {
    let models: Vec<&Model> = all
        .iter()
        .copied()
        .filter(|m| m.provider == provider)
        .collect();
    let base = default_model_for(provider)
        .and_then(|default| models.iter().find(|m| m.id == default))
        .or(models.first())?;
    let mut model = (*base).clone();
    model.id = id.to_string();
    model.name = id.to_string();
    Some(model)
}

#[cfg(test)]
mod tests;

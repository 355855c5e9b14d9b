//! The built-in model catalog: every provider and model pi knows without configuration.
//!
//! The catalog ships as data (`data/models.jsonl`, written by `scripts/gen-models.mjs` from
//! the reference package). Providers and their models keep pi's order, which decides the
//! "first available model" fallback and the order of model lists. Startup pays only for what
//! it asks: the first call reads the provider index, and a provider's models are parsed when
//! that provider is first asked for, once per process.
//!
//! ```
//! let model = pi_ai::builtin_model("anthropic", "claude-opus-4-8").unwrap();
//! assert_eq!(model.api, "anthropic-messages");
//! assert_eq!(pi_ai::builtin_providers().next(), Some("amazon-bedrock"));
//! assert!(pi_ai::builtin_models("no-such-provider").is_empty());
//! ```

use std::sync::OnceLock;

use serde::Deserialize;

use crate::model::{Model, ThinkingLevel};

/// The generated catalog, JSON Lines: an index of the providers in pi's registry order with
/// their model counts, then one model per line, provider after provider.
const CATALOG: &str = include_str!("../data/models.jsonl");

/// One entry of the index line.
#[derive(Deserialize)]
struct IndexEntry {
    provider: String,
    models: usize,
}

/// A provider's model lines, parsed on first use.
struct ProviderBlock {
    provider: String,
    lines: &'static str,
    models: OnceLock<Vec<Model>>,
}

impl ProviderBlock {
    fn models(&'static self) -> &'static [Model] {
        self.models.get_or_init(|| parse_models(self.lines))
    }
}

fn parse_models(lines: &str) -> Vec<Model> {
    serde_json::Deserializer::from_str(lines)
        .into_iter::<Model>()
        .map_while(Result::ok)
        .collect()
}

fn catalog() -> &'static [ProviderBlock] {
    static BLOCKS: OnceLock<Vec<ProviderBlock>> = OnceLock::new();
    // The data is generated and embedded at build time, and tests check every provider's
    // count; a malformed file could only come from a broken build, which then sees an empty
    // catalog rather than a panic inside an embedder's process.
    BLOCKS.get_or_init(|| index(CATALOG).unwrap_or_default())
}

/// Splits the catalog into provider blocks without parsing any model.
fn index(text: &'static str) -> Option<Vec<ProviderBlock>> {
    let (header, mut rest) = text.split_once('\n')?;
    let entries: Vec<IndexEntry> = serde_json::from_str(header).ok()?;
    let mut blocks = Vec::with_capacity(entries.len());
    for entry in entries {
        let mut end = 0;
        for _ in 0..entry.models {
            end += rest.get(end..)?.find('\n')? + 1;
        }
        let (lines, tail) = rest.split_at_checked(end)?;
        rest = tail;
        blocks.push(ProviderBlock {
            provider: entry.provider,
            lines,
            models: OnceLock::new(),
        });
    }
    Some(blocks)
}

/// The built-in providers, in pi's registry order.
pub fn builtin_providers() -> impl Iterator<Item = &'static str> {
    catalog().iter().map(|entry| entry.provider.as_str())
}

/// The built-in models of `provider`, in pi's order; empty for an unknown provider.
pub fn builtin_models(provider: &str) -> &'static [Model] {
    catalog()
        .iter()
        .find(|entry| entry.provider == provider)
        .map_or(&[], ProviderBlock::models)
}

/// The built-in model `id` of `provider`.
pub fn builtin_model(provider: &str, id: &str) -> Option<&'static Model> {
    builtin_models(provider).iter().find(|model| model.id == id)
}

/// Every built-in model: providers in registry order, then each provider's models in order.
pub fn all_builtin_models() -> impl Iterator<Item = &'static Model> {
    catalog().iter().flat_map(|entry| entry.models().iter())
}

/// Whether `model` supports the `xhigh` thinking level.
///
/// pi 0.87 answers this from the model's thinking-level map (the old model-id test is gone):
/// a reasoning model supports `xhigh` only where the map gives it a provider value.
pub fn supports_xhigh(model: &Model) -> bool {
    model
        .supported_thinking_levels()
        .contains(&ThinkingLevel::Xhigh)
}

/// Whether `a` and `b` are the same model: same id, same provider.
pub fn models_are_equal(a: &Model, b: &Model) -> bool {
    a.same_as(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_line_of_the_embedded_catalog_is_a_model_of_its_provider() {
        let lines = CATALOG.lines().count() - 1;
        let blocks = catalog();
        assert_eq!(
            lines,
            blocks
                .iter()
                .map(|b| b.lines.lines().count())
                .sum::<usize>()
        );
        assert_eq!(lines, all_builtin_models().count());
        for block in blocks {
            assert!(!block.models().is_empty());
            assert!(block.models().iter().all(|m| m.provider == block.provider));
        }
    }

    #[test]
    fn a_short_or_malformed_catalog_is_refused() {
        assert!(index("[{\"provider\":\"p\",\"models\":2}]\n{}\n").is_none());
        assert!(index("not json\n").is_none());
        assert!(index("").is_none());
    }

    #[test]
    fn xhigh_follows_the_thinking_map() {
        let fable = builtin_model("anthropic", "claude-fable-5").unwrap();
        assert!(supports_xhigh(fable));
        let haiku = builtin_model("anthropic", "claude-haiku-4-5").unwrap();
        assert!(!supports_xhigh(haiku));
    }

    #[test]
    fn equality_is_by_id_and_provider() {
        let a = builtin_model("anthropic", "claude-opus-4-8").unwrap();
        let mut b = a.clone();
        b.name = "renamed".into();
        assert!(models_are_equal(a, &b));
        b.provider = "other".into();
        assert!(!models_are_equal(a, &b));
    }
}

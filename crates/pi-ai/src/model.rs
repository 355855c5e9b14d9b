//! Models: what a model is, what it costs, and how its API needs to be spoken to.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::compat::Compat;
use crate::js_number;
use crate::message::Usage;

/// A model and everything needed to call it, serialized as pi's `Model`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Model {
    /// Model id sent to the provider.
    pub id: String,
    /// Display name.
    pub name: String,
    /// The wire API (`anthropic-messages`, `openai-completions`, ...): selects the adapter.
    pub api: String,
    /// Provider name (`anthropic`, `openai`, or a custom one).
    pub provider: String,
    /// Base URL of the API.
    pub base_url: String,
    /// Whether the model can think.
    pub reasoning: bool,
    /// pi thinking levels mapped to provider values; `null` marks a level unsupported.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thinking_level_map: Option<ThinkingLevelMap>,
    /// Accepted input kinds.
    pub input: Vec<InputKind>,
    /// Request and image limits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input_limits: Option<InputLimits>,
    /// Prices in USD per million tokens.
    pub cost: ModelCost,
    /// Prompt cache lifetimes in seconds per retention tier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prompt_cache: Option<PromptCache>,
    /// Context window in tokens.
    pub context_window: u64,
    /// Maximum output tokens.
    pub max_tokens: u64,
    /// Default sampling parameters merged into OpenAI-family request bodies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sampling_params: Option<Map<String, Value>>,
    /// Extra HTTP headers for every request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub headers: Option<BTreeMap<String, String>>,
    /// Overrides of the API's auto-detected quirks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compat: Option<Compat>,
    /// Fields this version does not model (catalog metadata such as `lab`), kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Model {
    /// Whether the model accepts images.
    pub fn accepts_images(&self) -> bool {
        self.input.contains(&InputKind::Image)
    }

    /// The compat overrides, or none.
    pub fn compat(&self) -> Compat {
        self.compat.clone().unwrap_or_default()
    }

    /// What pi sends for `level`, per `thinking_level_map`.
    pub fn thinking_level_value(&self, level: ThinkingLevel) -> LevelValue<'_> {
        match self
            .thinking_level_map
            .as_ref()
            .and_then(|map| map.get(level))
        {
            None => LevelValue::Default,
            Some(None) => LevelValue::Unsupported,
            Some(Some(value)) => LevelValue::Mapped(value),
        }
    }

    /// The thinking levels this model supports, from `off` up.
    ///
    /// A model without reasoning supports only `off`; `xhigh` and `max` need an explicit
    /// mapping; a level mapped to `null` is unsupported.
    pub fn supported_thinking_levels(&self) -> Vec<ThinkingLevel> {
        if !self.reasoning {
            return vec![ThinkingLevel::Off];
        }
        ThinkingLevel::ALL
            .into_iter()
            .filter(|&level| match self.thinking_level_value(level) {
                LevelValue::Unsupported => false,
                LevelValue::Default => !matches!(level, ThinkingLevel::Xhigh | ThinkingLevel::Max),
                LevelValue::Mapped(_) => true,
            })
            .collect()
    }

    /// The nearest supported level: `level` itself, else the next one up, else down.
    pub fn clamp_thinking_level(&self, level: ThinkingLevel) -> ThinkingLevel {
        let supported = self.supported_thinking_levels();
        if supported.contains(&level) {
            return level;
        }
        let position = ThinkingLevel::ALL
            .iter()
            .position(|&l| l == level)
            .unwrap_or(0);
        let (below, above) = ThinkingLevel::ALL.split_at(position);
        above
            .iter()
            .chain(below.iter().rev())
            .copied()
            .find(|candidate| supported.contains(candidate))
            .unwrap_or(ThinkingLevel::Off)
    }

    /// Fills in `usage.cost` from this model's prices and returns it.
    ///
    /// A cost tier applies to the whole request when its input (fresh, cached and written)
    /// exceeds the tier's threshold; one-hour cache writes cost twice the input price.
    pub fn calculate_cost(&self, usage: &mut Usage) {
        let input_tokens = usage.input + usage.cache_read + usage.cache_write;
        let mut rates = Rates::from(&self.cost);
        let mut threshold = None;
        for tier in self.cost.tiers.iter().flatten() {
            if input_tokens > tier.input_tokens_above
                && threshold.is_none_or(|above| tier.input_tokens_above > above)
            {
                rates = Rates::from(tier);
                threshold = Some(tier.input_tokens_above);
            }
        }
        let long_write = usage.cache_write_1h.unwrap_or(0);
        let short_write = usage.cache_write.saturating_sub(long_write);
        let per_token = |rate: f64, tokens: u64| rate / 1_000_000.0 * tokens as f64;
        let cost = &mut usage.cost;
        cost.input = per_token(rates.input, usage.input);
        cost.output = per_token(rates.output, usage.output);
        cost.cache_read = per_token(rates.cache_read, usage.cache_read);
        cost.cache_write = (rates.cache_write * short_write as f64
            + rates.input * 2.0 * long_write as f64)
            / 1_000_000.0;
        cost.total = cost.input + cost.output + cost.cache_read + cost.cache_write;
    }

    /// Whether two models are the same model of the same provider.
    pub fn same_as(&self, other: &Model) -> bool {
        self.id == other.id && self.provider == other.provider
    }
}

struct Rates {
    input: f64,
    output: f64,
    cache_read: f64,
    cache_write: f64,
}

impl From<&ModelCost> for Rates {
    fn from(cost: &ModelCost) -> Self {
        Rates {
            input: cost.input,
            output: cost.output,
            cache_read: cost.cache_read,
            cache_write: cost.cache_write,
        }
    }
}

impl From<&CostTier> for Rates {
    fn from(tier: &CostTier) -> Self {
        Rates {
            input: tier.input,
            output: tier.output,
            cache_read: tier.cache_read,
            cache_write: tier.cache_write,
        }
    }
}

/// What a model's thinking-level map says about one level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LevelValue<'a> {
    /// Not mapped: use the API's default for the level.
    Default,
    /// Mapped to `null`: the model does not support the level.
    Unsupported,
    /// Mapped to this provider value.
    Mapped(&'a str),
}

/// An input kind a model accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum InputKind {
    /// Text.
    Text,
    /// Images.
    Image,
}

/// A thinking level, from `off` to `max`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ThinkingLevel {
    /// No thinking.
    Off,
    /// Minimal.
    Minimal,
    /// Low.
    Low,
    /// Medium.
    Medium,
    /// High.
    High,
    /// Extra high (only where mapped).
    Xhigh,
    /// Maximum (only where mapped).
    Max,
}

impl ThinkingLevel {
    /// Every level, lowest first.
    pub const ALL: [ThinkingLevel; 7] = [
        ThinkingLevel::Off,
        ThinkingLevel::Minimal,
        ThinkingLevel::Low,
        ThinkingLevel::Medium,
        ThinkingLevel::High,
        ThinkingLevel::Xhigh,
        ThinkingLevel::Max,
    ];

    /// The name pi uses for the level.
    pub fn as_str(self) -> &'static str {
        match self {
            ThinkingLevel::Off => "off",
            ThinkingLevel::Minimal => "minimal",
            ThinkingLevel::Low => "low",
            ThinkingLevel::Medium => "medium",
            ThinkingLevel::High => "high",
            ThinkingLevel::Xhigh => "xhigh",
            ThinkingLevel::Max => "max",
        }
    }

    /// The level pi calls `name`.
    pub fn parse(name: &str) -> Option<ThinkingLevel> {
        ThinkingLevel::ALL
            .into_iter()
            .find(|level| level.as_str() == name)
    }
}

impl std::fmt::Display for ThinkingLevel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// pi thinking levels mapped to provider values (`null` = unsupported, absent = default).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThinkingLevelMap(pub BTreeMap<ThinkingLevel, Option<String>>);

impl ThinkingLevelMap {
    /// `None` when the level is not mapped; `Some(None)` when it is mapped to `null`.
    pub fn get(&self, level: ThinkingLevel) -> Option<Option<&str>> {
        self.0.get(&level).map(Option::as_deref)
    }
}

/// Prices in USD per million tokens.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ModelCost {
    /// Fresh input.
    #[serde(serialize_with = "js_number::serialize")]
    pub input: f64,
    /// Output.
    #[serde(serialize_with = "js_number::serialize")]
    pub output: f64,
    /// Cache reads.
    #[serde(serialize_with = "js_number::serialize")]
    pub cache_read: f64,
    /// Cache writes.
    #[serde(serialize_with = "js_number::serialize")]
    pub cache_write: f64,
    /// Request-wide tiers; the highest threshold below the request's input applies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tiers: Option<Vec<CostTier>>,
}

/// Prices for requests above an input size.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CostTier {
    /// The tier applies to requests whose input exceeds this many tokens.
    pub input_tokens_above: u64,
    /// Fresh input.
    #[serde(serialize_with = "js_number::serialize")]
    pub input: f64,
    /// Output.
    #[serde(serialize_with = "js_number::serialize")]
    pub output: f64,
    /// Cache reads.
    #[serde(serialize_with = "js_number::serialize")]
    pub cache_read: f64,
    /// Cache writes.
    #[serde(serialize_with = "js_number::serialize")]
    pub cache_write: f64,
}

/// Limits on what one request may carry.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InputLimits {
    /// Largest serialized request in bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_request_bytes: Option<u64>,
    /// Image limits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub images: Option<ImageInputLimits>,
}

/// Limits on images.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImageInputLimits {
    /// How images are resized before entering the history.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resize: Option<ImageResize>,
    /// Most images in one message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_per_message: Option<u64>,
    /// Most images in one request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_per_request: Option<u64>,
}

/// A resize profile for images.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImageResize {
    /// Maximum width in pixels.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_width: Option<u64>,
    /// Maximum height in pixels.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_height: Option<u64>,
    /// Maximum base64 payload size in bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_bytes: Option<u64>,
    /// JPEG quality for re-encoding.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jpeg_quality: Option<u64>,
}

/// Prompt cache lifetimes in seconds.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PromptCache {
    /// Lifetime of the short tier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub short: Option<u64>,
    /// Lifetime of the long tier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub long: Option<u64>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn model(value: Value) -> Model {
        let mut base = json!({
            "id": "m", "name": "M", "api": "openai-completions", "provider": "p",
            "baseUrl": "http://x", "reasoning": true, "input": ["text"],
            "cost": {"input": 3, "output": 15, "cacheRead": 0.3, "cacheWrite": 3.75},
            "contextWindow": 200000, "maxTokens": 8192
        });
        if let (Value::Object(base), Value::Object(extra)) = (&mut base, value) {
            base.extend(extra);
        }
        serde_json::from_value(base).unwrap()
    }

    #[test]
    fn cost_uses_prices_per_million() {
        let m = model(json!({}));
        let mut usage = Usage {
            input: 1000,
            output: 100,
            cache_read: 2000,
            ..Usage::default()
        };
        m.calculate_cost(&mut usage);
        assert!((usage.cost.input - 0.003).abs() < 1e-12);
        assert!((usage.cost.output - 0.0015).abs() < 1e-12);
        assert!((usage.cost.cache_read - 0.0006).abs() < 1e-12);
        assert!((usage.cost.total - 0.0051).abs() < 1e-12);
    }

    #[test]
    fn cost_tier_and_long_cache_writes() {
        let m = model(json!({"cost": {"input": 3, "output": 15, "cacheRead": 0.3,
            "cacheWrite": 3.75, "tiers": [{"inputTokensAbove": 200000, "input": 6,
            "output": 22.5, "cacheRead": 0.6, "cacheWrite": 7.5}]}}));
        let mut usage = Usage {
            input: 150_000,
            cache_write: 100_000,
            cache_write_1h: Some(40_000),
            ..Usage::default()
        };
        m.calculate_cost(&mut usage);
        assert!((usage.cost.input - 0.9).abs() < 1e-9);
        // 60k short writes at 7.5 plus 40k long writes at twice the tier's input price.
        assert!((usage.cost.cache_write - (0.45 + 0.48)).abs() < 1e-9);
    }

    #[test]
    fn thinking_levels_follow_the_map() {
        let plain = model(json!({}));
        assert_eq!(plain.supported_thinking_levels().len(), 5);
        assert_eq!(
            plain.clamp_thinking_level(ThinkingLevel::Max),
            ThinkingLevel::High
        );

        let mapped = model(json!({"thinkingLevelMap": {"minimal": null, "xhigh": "xhigh"}}));
        assert_eq!(
            mapped.supported_thinking_levels(),
            [
                ThinkingLevel::Off,
                ThinkingLevel::Low,
                ThinkingLevel::Medium,
                ThinkingLevel::High,
                ThinkingLevel::Xhigh
            ]
        );
        assert_eq!(
            mapped.clamp_thinking_level(ThinkingLevel::Minimal),
            ThinkingLevel::Low
        );
        assert_eq!(
            mapped.clamp_thinking_level(ThinkingLevel::Max),
            ThinkingLevel::Xhigh
        );

        let none = model(json!({"reasoning": false}));
        assert_eq!(
            none.clamp_thinking_level(ThinkingLevel::High),
            ThinkingLevel::Off
        );
    }
}

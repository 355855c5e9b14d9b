//! The `models.json` schema and a validator that reports problems the way pi's (TypeBox)
//! does: in schema order, each as `<dotted.path>: <message>`, at most eight.

use serde_json::Value;

/// At most this many problems are reported, as in pi.
const MAX_ERRORS: usize = 8;

/// A JSON schema, as far as `models.json` needs one. Objects accept unknown keys.
#[derive(Debug)]
pub(super) enum Schema {
    Object(&'static [Prop]),
    Record(&'static Schema),
    Array {
        items: &'static Schema,
        max_items: Option<usize>,
    },
    String {
        min_length: usize,
    },
    Number {
        exclusive_minimum: Option<f64>,
    },
    Integer {
        minimum: Option<f64>,
        maximum: Option<f64>,
    },
    Boolean,
    Null,
    Literal(&'static str),
    Union(&'static [Schema]),
    Unknown,
}

/// A property of an object schema.
#[derive(Debug)]
pub(super) struct Prop {
    name: &'static str,
    schema: Schema,
    required: bool,
}

const fn opt(name: &'static str, schema: Schema) -> Prop {
    Prop {
        name,
        schema,
        required: false,
    }
}

const fn req(name: &'static str, schema: Schema) -> Prop {
    Prop {
        name,
        schema,
        required: true,
    }
}

const STRING: Schema = Schema::String { min_length: 0 };
const NON_EMPTY: Schema = Schema::String { min_length: 1 };
const NUMBER: Schema = Schema::Number {
    exclusive_minimum: None,
};
const POSITIVE: Schema = Schema::Number {
    exclusive_minimum: Some(0.0),
};
const COUNT: Schema = Schema::Integer {
    minimum: Some(1.0),
    maximum: None,
};
const STRING_OR_NULL: Schema = Schema::Union(&[STRING, Schema::Null]);
const NUMBER_OR_STRING: Schema = Schema::Union(&[NUMBER, STRING]);

static STRINGS: Schema = STRING;
static UNKNOWN: Schema = Schema::Unknown;

const OPENROUTER_ROUTING: Schema = Schema::Object(&[
    opt("allow_fallbacks", Schema::Boolean),
    opt("require_parameters", Schema::Boolean),
    opt(
        "data_collection",
        Schema::Union(&[Schema::Literal("deny"), Schema::Literal("allow")]),
    ),
    opt("zdr", Schema::Boolean),
    opt("enforce_distillable_text", Schema::Boolean),
    opt(
        "order",
        Schema::Array {
            items: &STRINGS,
            max_items: None,
        },
    ),
    opt(
        "only",
        Schema::Array {
            items: &STRINGS,
            max_items: None,
        },
    ),
    opt(
        "ignore",
        Schema::Array {
            items: &STRINGS,
            max_items: None,
        },
    ),
    opt(
        "quantizations",
        Schema::Array {
            items: &STRINGS,
            max_items: None,
        },
    ),
    opt(
        "sort",
        Schema::Union(&[
            STRING,
            Schema::Object(&[opt("by", STRING), opt("partition", STRING_OR_NULL)]),
        ]),
    ),
    opt(
        "max_price",
        Schema::Object(&[
            opt("prompt", NUMBER_OR_STRING),
            opt("completion", NUMBER_OR_STRING),
            opt("image", NUMBER_OR_STRING),
            opt("audio", NUMBER_OR_STRING),
            opt("request", NUMBER_OR_STRING),
        ]),
    ),
    opt(
        "preferred_min_throughput",
        Schema::Union(&[NUMBER, Schema::Object(PERCENTILE_PROPS)]),
    ),
    opt(
        "preferred_max_latency",
        Schema::Union(&[NUMBER, Schema::Object(PERCENTILE_PROPS)]),
    ),
]);

const PERCENTILE_PROPS: &[Prop] = &[
    opt("p50", NUMBER),
    opt("p75", NUMBER),
    opt("p90", NUMBER),
    opt("p99", NUMBER),
];

const VERCEL_ROUTING: Schema = Schema::Object(&[
    opt(
        "only",
        Schema::Array {
            items: &STRINGS,
            max_items: None,
        },
    ),
    opt(
        "order",
        Schema::Array {
            items: &STRINGS,
            max_items: None,
        },
    ),
]);

const THINKING_LEVEL_MAP: Schema = Schema::Object(&[
    opt("off", STRING_OR_NULL),
    opt("minimal", STRING_OR_NULL),
    opt("low", STRING_OR_NULL),
    opt("medium", STRING_OR_NULL),
    opt("high", STRING_OR_NULL),
    opt("xhigh", STRING_OR_NULL),
    opt("max", STRING_OR_NULL),
]);

static KWARG: Schema = Schema::Union(&[
    Schema::Union(&[STRING, NUMBER, Schema::Boolean, Schema::Null]),
    Schema::Object(&[
        req(
            "$var",
            Schema::Union(&[
                Schema::Literal("thinking.enabled"),
                Schema::Literal("thinking.effort"),
            ]),
        ),
        opt("omitWhenOff", Schema::Boolean),
    ]),
]);

const SESSION_AFFINITY: Schema = Schema::Union(&[
    Schema::Literal("openai"),
    Schema::Literal("openai-nosession"),
    Schema::Literal("openrouter"),
]);

const COMPLETIONS_COMPAT: Schema = Schema::Object(&[
    opt("supportsStore", Schema::Boolean),
    opt("supportsDeveloperRole", Schema::Boolean),
    opt("supportsReasoningEffort", Schema::Boolean),
    opt("supportsUsageInStreaming", Schema::Boolean),
    opt("supportsFinishReason", Schema::Boolean),
    opt(
        "maxTokensField",
        Schema::Union(&[
            Schema::Literal("max_completion_tokens"),
            Schema::Literal("max_tokens"),
        ]),
    ),
    opt("requiresToolResultName", Schema::Boolean),
    opt("requiresAssistantAfterToolResult", Schema::Boolean),
    opt("requiresThinkingAsText", Schema::Boolean),
    opt(
        "requiresReasoningContentOnAssistantMessages",
        Schema::Boolean,
    ),
    opt(
        "thinkingFormat",
        Schema::Union(&[
            Schema::Literal("openai"),
            Schema::Literal("openrouter"),
            Schema::Literal("together"),
            Schema::Literal("baseten"),
            Schema::Literal("deepseek"),
            Schema::Literal("zai"),
            Schema::Literal("qwen"),
            Schema::Literal("chat-template"),
            Schema::Literal("qwen-chat-template"),
            Schema::Literal("string-thinking"),
            Schema::Literal("ant-ling"),
        ]),
    ),
    opt("chatTemplateKwargs", Schema::Record(&KWARG)),
    opt("chatTemplateArgs", Schema::Record(&KWARG)),
    opt("cacheControlFormat", Schema::Literal("anthropic")),
    opt("openRouterRouting", OPENROUTER_ROUTING),
    opt("vercelGatewayRouting", VERCEL_ROUTING),
    opt("supportsOpenAIGrammarTools", Schema::Boolean),
    opt("supportsStrictMode", Schema::Boolean),
    opt("sendSessionAffinityHeaders", Schema::Boolean),
    opt("sessionAffinityFormat", SESSION_AFFINITY),
    opt("supportsLongCacheRetention", Schema::Boolean),
    opt("vllmPriority", NUMBER),
]);

const RESPONSES_COMPAT: Schema = Schema::Object(&[
    opt("supportsDeveloperRole", Schema::Boolean),
    opt("sessionAffinityFormat", SESSION_AFFINITY),
    opt("supportsLongCacheRetention", Schema::Boolean),
    opt("supportsStrictMode", Schema::Boolean),
    opt("supportsOpenAIGrammarTools", Schema::Boolean),
    opt("supportsMaxOutputTokens", Schema::Boolean),
]);

const COST_TIER: Schema = Schema::Object(&[
    req("inputTokensAbove", NUMBER),
    req("input", NUMBER),
    req("output", NUMBER),
    req("cacheRead", NUMBER),
    req("cacheWrite", NUMBER),
]);
static COST_TIERS: Schema = COST_TIER;

const COST: Schema = Schema::Object(&[
    req("input", NUMBER),
    req("output", NUMBER),
    req("cacheRead", NUMBER),
    req("cacheWrite", NUMBER),
    opt(
        "tiers",
        Schema::Array {
            items: &COST_TIERS,
            max_items: None,
        },
    ),
]);
static FALLBACK_MODEL: Schema = Schema::Object(&[
    req("provider", NON_EMPTY),
    req("model", NON_EMPTY),
    req("cost", COST),
]);

const ANTHROPIC_COMPAT: Schema = Schema::Object(&[
    opt("supportsEagerToolInputStreaming", Schema::Boolean),
    opt("supportsLongCacheRetention", Schema::Boolean),
    opt("sendSessionAffinityHeaders", Schema::Boolean),
    opt("supportsCacheControlOnTools", Schema::Boolean),
    opt("supportsTemperature", Schema::Boolean),
    opt("forceAdaptiveThinking", Schema::Boolean),
    opt("allowEmptySignature", Schema::Boolean),
    opt("supportsStrictTools", Schema::Boolean),
    opt("supportsMidConvoEffort", Schema::Boolean),
    opt(
        "allowedFallbackModels",
        Schema::Array {
            items: &FALLBACK_MODEL,
            max_items: Some(3),
        },
    ),
]);

const COMPAT: Schema = Schema::Union(&[COMPLETIONS_COMPAT, RESPONSES_COMPAT, ANTHROPIC_COMPAT]);

const PROMPT_CACHE: Schema = Schema::Object(&[opt("short", POSITIVE), opt("long", POSITIVE)]);

const INPUT_LIMITS: Schema = Schema::Object(&[
    opt("maxRequestBytes", COUNT),
    opt(
        "images",
        Schema::Object(&[
            opt(
                "resize",
                Schema::Object(&[
                    opt("maxWidth", COUNT),
                    opt("maxHeight", COUNT),
                    opt("maxBytes", COUNT),
                    opt(
                        "jpegQuality",
                        Schema::Integer {
                            minimum: Some(1.0),
                            maximum: Some(100.0),
                        },
                    ),
                ]),
            ),
            opt("maxPerMessage", COUNT),
            opt("maxPerRequest", COUNT),
        ]),
    ),
]);

static INPUT_KIND: Schema = Schema::Union(&[Schema::Literal("text"), Schema::Literal("image")]);
const INPUT_KINDS: Schema = Schema::Array {
    items: &INPUT_KIND,
    max_items: None,
};

static MODEL_DEFINITION: Schema = Schema::Object(&[
    req("id", NON_EMPTY),
    opt("name", NON_EMPTY),
    opt("api", NON_EMPTY),
    opt("baseUrl", NON_EMPTY),
    opt("reasoning", Schema::Boolean),
    opt("thinkingLevelMap", THINKING_LEVEL_MAP),
    opt("input", INPUT_KINDS),
    opt("inputLimits", INPUT_LIMITS),
    opt("cost", COST),
    opt("promptCache", PROMPT_CACHE),
    opt("contextWindow", NUMBER),
    opt("maxTokens", NUMBER),
    opt("samplingParams", Schema::Record(&UNKNOWN)),
    opt("headers", Schema::Record(&STRINGS)),
    opt("compat", COMPAT),
]);

static MODEL_OVERRIDE: Schema = Schema::Object(&[
    opt("name", NON_EMPTY),
    opt("reasoning", Schema::Boolean),
    opt("thinkingLevelMap", THINKING_LEVEL_MAP),
    opt("input", INPUT_KINDS),
    opt("inputLimits", INPUT_LIMITS),
    opt(
        "cost",
        Schema::Object(&[
            opt("input", NUMBER),
            opt("output", NUMBER),
            opt("cacheRead", NUMBER),
            opt("cacheWrite", NUMBER),
            opt(
                "tiers",
                Schema::Array {
                    items: &COST_TIERS,
                    max_items: None,
                },
            ),
        ]),
    ),
    opt("promptCache", PROMPT_CACHE),
    opt("contextWindow", NUMBER),
    opt("maxTokens", NUMBER),
    opt("samplingParams", Schema::Record(&UNKNOWN)),
    opt("headers", Schema::Record(&STRINGS)),
    opt("compat", COMPAT),
]);

static PROVIDER: Schema = Schema::Object(&[
    opt("name", NON_EMPTY),
    opt("baseUrl", NON_EMPTY),
    opt("apiKey", NON_EMPTY),
    opt("api", NON_EMPTY),
    opt("oauth", Schema::Literal("radius")),
    opt("headers", Schema::Record(&STRINGS)),
    opt("compat", COMPAT),
    opt("authHeader", Schema::Boolean),
    opt(
        "models",
        Schema::Array {
            items: &MODEL_DEFINITION,
            max_items: None,
        },
    ),
    opt("modelOverrides", Schema::Record(&MODEL_OVERRIDE)),
]);

/// The whole file.
pub(super) static MODELS_CONFIG: Schema =
    Schema::Object(&[req("providers", Schema::Record(&PROVIDER))]);

/// Checks `value` against `schema`; each problem as `(path, message)`, at most eight.
pub(super) fn validate(schema: &Schema, value: &Value) -> Vec<(String, String)> {
    let mut errors = Vec::new();
    let mut path = Vec::new();
    check(schema, value, &mut path, &mut errors);
    errors.truncate(MAX_ERRORS);
    errors
        .into_iter()
        .map(|(path, message)| (if path.is_empty() { "root".into() } else { path }, message))
        .collect()
}

fn push(errors: &mut Vec<(String, String)>, path: &[String], message: impl Into<String>) {
    errors.push((path.join("."), message.into()));
}

fn check(
    schema: &Schema,
    value: &Value,
    path: &mut Vec<String>,
    errors: &mut Vec<(String, String)>,
) {
    match schema {
        Schema::Unknown => {}
        Schema::Object(props) => {
            let Some(object) = value.as_object() else {
                return push(errors, path, "must be object");
            };
            let missing: Vec<&str> = props
                .iter()
                .filter(|p| p.required && !object.contains_key(p.name))
                .map(|p| p.name)
                .collect();
            if let Some(first) = missing.first() {
                path.push((*first).to_string());
                push(
                    errors,
                    path,
                    format!("must have required properties {}", missing.join(", ")),
                );
                path.pop();
            }
            for prop in props.iter() {
                if let Some(child) = object.get(prop.name) {
                    path.push(prop.name.to_string());
                    check(&prop.schema, child, path, errors);
                    path.pop();
                }
            }
        }
        Schema::Record(values) => {
            let Some(object) = value.as_object() else {
                return push(errors, path, "must be object");
            };
            for (key, child) in object {
                path.push(key.clone());
                check(values, child, path, errors);
                path.pop();
            }
        }
        Schema::Array { items, max_items } => {
            let Some(array) = value.as_array() else {
                return push(errors, path, "must be array");
            };
            for (i, child) in array.iter().enumerate() {
                path.push(i.to_string());
                check(items, child, path, errors);
                path.pop();
            }
            if let Some(max) = max_items
                && array.len() > *max
            {
                push(errors, path, format!("must not have more than {max} items"));
            }
        }
        Schema::String { min_length } => match value.as_str() {
            None => push(errors, path, "must be string"),
            Some(s) if s.encode_utf16().count() < *min_length => push(
                errors,
                path,
                format!("must not have fewer than {min_length} characters"),
            ),
            Some(_) => {}
        },
        Schema::Number { exclusive_minimum } => match value.as_f64() {
            None => push(errors, path, "must be number"),
            Some(n) => {
                if let Some(min) = exclusive_minimum
                    && n <= *min
                {
                    push(
                        errors,
                        path,
                        format!("must be > {}", pi_ai::js_number::format(*min)),
                    );
                }
            }
        },
        Schema::Integer { minimum, maximum } => {
            let Some(n) = value.as_f64() else {
                return push(errors, path, "must be integer");
            };
            if n.fract() != 0.0 {
                push(errors, path, "must be integer");
            }
            if let Some(min) = minimum
                && n < *min
            {
                push(
                    errors,
                    path,
                    format!("must be >= {}", pi_ai::js_number::format(*min)),
                );
            }
            if let Some(max) = maximum
                && n > *max
            {
                push(
                    errors,
                    path,
                    format!("must be <= {}", pi_ai::js_number::format(*max)),
                );
            }
        }
        Schema::Boolean => {
            if !value.is_boolean() {
                push(errors, path, "must be boolean");
            }
        }
        Schema::Null => {
            if !value.is_null() {
                push(errors, path, "must be null");
            }
        }
        Schema::Literal(expected) => {
            if value.as_str() != Some(expected) {
                push(errors, path, "must be equal to constant");
            }
        }
        Schema::Union(variants) => {
            let mut collected = Vec::new();
            for variant in variants.iter() {
                let mut variant_errors = Vec::new();
                check(variant, value, path, &mut variant_errors);
                if variant_errors.is_empty() {
                    return;
                }
                collected.extend(variant_errors);
            }
            errors.extend(collected);
            push(errors, path, "must match a schema in anyOf");
        }
    }
}

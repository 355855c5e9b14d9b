//! API keys from the environment.

use std::path::PathBuf;

use crate::options::StreamOptions;

/// What [`env_api_key`] returns for providers authenticated by ambient credentials
/// (Bedrock profiles, Vertex application-default credentials).
pub const AUTHENTICATED: &str = "<authenticated>";

/// The environment variables that hold an API key for `provider`, in order of preference.
pub fn api_key_env_vars(provider: &str) -> &'static [&'static str] {
    match provider {
        "github-copilot" => &["COPILOT_GITHUB_TOKEN"],
        // ANTHROPIC_AUTH_TOKEN is a gateway bearer token, never an API key (see below).
        "anthropic" => &[
            "ANTHROPIC_AUTH_TOKEN",
            "ANTHROPIC_OAUTH_TOKEN",
            "ANTHROPIC_API_KEY",
        ],
        "ant-ling" => &["ANT_LING_API_KEY"],
        "qwen-token-plan" | "qwen-token-plan-individual" => &["QWEN_TOKEN_PLAN_API_KEY"],
        "qwen-token-plan-cn" => &["QWEN_TOKEN_PLAN_CN_API_KEY"],
        "openai" => &["OPENAI_API_KEY"],
        "azure-openai-responses" => &["AZURE_OPENAI_API_KEY"],
        "nvidia" => &["NVIDIA_API_KEY"],
        "deepseek" => &["DEEPSEEK_API_KEY"],
        "google" => &["GEMINI_API_KEY"],
        "google-vertex" => &["GOOGLE_CLOUD_API_KEY"],
        "groq" => &["GROQ_API_KEY"],
        "cerebras" => &["CEREBRAS_API_KEY"],
        "xai" => &["XAI_API_KEY"],
        "radius" => &["RADIUS_API_KEY"],
        "openrouter" => &["OPENROUTER_API_KEY"],
        "vercel-ai-gateway" => &["AI_GATEWAY_API_KEY"],
        "zai" => &["ZAI_API_KEY"],
        "zai-coding-cn" => &["ZAI_CODING_CN_API_KEY"],
        "mistral" => &["MISTRAL_API_KEY"],
        "minimax" => &["MINIMAX_API_KEY"],
        "minimax-cn" => &["MINIMAX_CN_API_KEY"],
        "moonshotai" | "moonshotai-cn" => &["MOONSHOT_API_KEY"],
        "huggingface" => &["HF_TOKEN"],
        "fireworks" => &["FIREWORKS_API_KEY"],
        "together" => &["TOGETHER_API_KEY"],
        "baseten" => &["BASETEN_API_KEY"],
        "opencode" | "opencode-go" => &["OPENCODE_API_KEY"],
        "kimi-coding" => &["KIMI_API_KEY"],
        "meta" => &["META_API_KEY"],
        "cloudflare-workers-ai" | "cloudflare-ai-gateway" => &["CLOUDFLARE_API_KEY"],
        "xiaomi" => &["XIAOMI_API_KEY"],
        "xiaomi-token-plan-cn" => &["XIAOMI_TOKEN_PLAN_CN_API_KEY"],
        "xiaomi-token-plan-ams" => &["XIAOMI_TOKEN_PLAN_AMS_API_KEY"],
        "xiaomi-token-plan-sgp" => &["XIAOMI_TOKEN_PLAN_SGP_API_KEY"],
        _ => &[],
    }
}

/// The API key for `provider` from the environment (`options.env` first), if any.
///
/// Bedrock and Vertex, which also accept ambient credentials, give [`AUTHENTICATED`] when
/// those are configured.
pub fn env_api_key(provider: &str, options: &StreamOptions) -> Option<String> {
    let key = api_key_env_vars(provider)
        .iter()
        .filter(|name| !(provider == "anthropic" && **name == "ANTHROPIC_AUTH_TOKEN"))
        .find_map(|name| options.env_var(name));
    if key.is_some() {
        return key;
    }
    let ambient = match provider {
        "google-vertex" => has_vertex_credentials(options),
        "amazon-bedrock" => has_aws_credentials(options),
        _ => false,
    };
    ambient.then(|| AUTHENTICATED.to_string())
}

fn has_vertex_credentials(options: &StreamOptions) -> bool {
    let credentials = match options.env_var("GOOGLE_APPLICATION_CREDENTIALS") {
        Some(path) => PathBuf::from(path),
        None => match std::env::home_dir() {
            Some(home) => home.join(".config/gcloud/application_default_credentials.json"),
            None => return false,
        },
    };
    let project = options
        .env_var("GOOGLE_CLOUD_PROJECT")
        .or_else(|| options.env_var("GCLOUD_PROJECT"));
    credentials.exists() && project.is_some() && options.env_var("GOOGLE_CLOUD_LOCATION").is_some()
}

fn has_aws_credentials(options: &StreamOptions) -> bool {
    let set = |name: &str| options.env_var(name).is_some();
    set("AWS_PROFILE")
        || (set("AWS_ACCESS_KEY_ID") && set("AWS_SECRET_ACCESS_KEY"))
        || set("AWS_BEARER_TOKEN_BEDROCK")
        || set("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI")
        || set("AWS_CONTAINER_CREDENTIALS_FULL_URI")
        || set("AWS_WEB_IDENTITY_TOKEN_FILE")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn options(vars: &[(&str, &str)]) -> StreamOptions {
        let env: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        StreamOptions {
            env: Some(env),
            ..StreamOptions::default()
        }
    }

    #[test]
    fn scoped_environment_wins_and_anthropic_skips_the_gateway_token() {
        let opts = options(&[
            ("ANTHROPIC_AUTH_TOKEN", "gw"),
            ("ANTHROPIC_API_KEY", "sk-ant"),
        ]);
        assert_eq!(env_api_key("anthropic", &opts).as_deref(), Some("sk-ant"));
        let opts = options(&[
            ("ANTHROPIC_OAUTH_TOKEN", "oat"),
            ("ANTHROPIC_API_KEY", "sk"),
        ]);
        assert_eq!(env_api_key("anthropic", &opts).as_deref(), Some("oat"));
        let opts = options(&[("MOONSHOT_API_KEY", "m")]);
        assert_eq!(env_api_key("moonshotai-cn", &opts).as_deref(), Some("m"));
        let opts = options(&[("AWS_PROFILE", "dev")]);
        assert_eq!(
            env_api_key("amazon-bedrock", &opts).as_deref(),
            Some(AUTHENTICATED)
        );
        assert_eq!(env_api_key("no-such-provider-xyz", &options(&[])), None);
    }
}

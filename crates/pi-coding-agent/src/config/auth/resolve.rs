//! How a provider's credential is found, in pi 0.87's order:
//!
//! 1. a runtime key (`--api-key`);
//! 2. the `auth.json` entry — when there is one it owns the provider: an OAuth entry for a
//!    provider without OAuth, or an API-key entry that does not resolve for a custom
//!    provider, means no credential, never a fallback;
//! 3. `models.json`'s `apiKey` for the provider (resolved at each request);
//! 4. the environment: the provider's key variables, or ambient cloud credentials
//!    (AWS for Bedrock, application-default credentials for Vertex).

use std::collections::BTreeMap;
use std::fmt;

use pi_ai::api_key_env_vars;

use super::credential::{ApiKeyCredential, Credential};
use super::{AuthError, AuthStorage};
use crate::config::env::Env;
use crate::config::resolve_value::{ValueResolver, env_var_names, is_command};

/// The providers that offer a subscription (OAuth) login.
const OAUTH_PROVIDERS: &[&str] = &[
    "anthropic",
    "github-copilot",
    "kimi-coding",
    "meta",
    "openai-codex",
    "openrouter",
    "radius",
    "xai",
];

/// The built-in providers that take no API key at all.
const OAUTH_ONLY_PROVIDERS: &[&str] = &["openai-codex"];

/// How a provider can be authenticated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct AuthMethods {
    /// Built-in API-key auth: a stored key, else the provider's environment variables or
    /// ambient credentials.
    pub builtin_api_key: bool,
    /// Subscription login.
    pub oauth: bool,
}

/// The auth methods of a built-in provider (`builtin` says whether `provider` is one).
pub fn builtin_auth_methods(provider: &str, builtin: bool) -> AuthMethods {
    if !builtin {
        return AuthMethods::default();
    }
    AuthMethods {
        builtin_api_key: !OAUTH_ONLY_PROVIDERS.contains(&provider),
        oauth: OAUTH_PROVIDERS.contains(&provider),
    }
}

/// Where a credential came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthSource {
    /// `--api-key` for this run.
    Runtime,
    /// An API key in `auth.json`.
    Stored,
    /// An OAuth login in `auth.json`.
    OAuth,
    /// `models.json`'s `apiKey`.
    ModelsJson,
    /// An environment variable.
    Environment(String),
    /// Ambient cloud credentials (AWS profile or keys, Google application-default
    /// credentials).
    Ambient(&'static str),
}

impl fmt::Display for AuthSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AuthSource::Runtime => f.write_str("runtime"),
            AuthSource::Stored => f.write_str("stored credential"),
            AuthSource::OAuth => f.write_str("OAuth"),
            AuthSource::ModelsJson => f.write_str("configured API key"),
            AuthSource::Environment(name) => f.write_str(name),
            AuthSource::Ambient(label) => f.write_str(label),
        }
    }
}

/// A credential ready for a request.
#[derive(Clone, PartialEq, Eq)]
pub struct ResolvedAuth {
    /// The API key or access token (none for ambient credentials and bearer gateways).
    pub api_key: Option<String>,
    /// Headers the credential adds (`Authorization` for `ANTHROPIC_AUTH_TOKEN`).
    pub headers: BTreeMap<String, String>,
    /// Provider environment that comes with the credential (`auth.json` `env`).
    pub env: Option<BTreeMap<String, String>>,
    /// Where it came from.
    pub source: AuthSource,
}

impl ResolvedAuth {
    fn key(key: String, source: AuthSource) -> Self {
        ResolvedAuth {
            api_key: Some(key),
            headers: BTreeMap::new(),
            env: None,
            source,
        }
    }

    fn ambient(label: &'static str, env: Option<BTreeMap<String, String>>) -> Self {
        ResolvedAuth {
            api_key: None,
            headers: BTreeMap::new(),
            env,
            source: AuthSource::Ambient(label),
        }
    }
}

// Keys never reach logs.
impl fmt::Debug for ResolvedAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResolvedAuth")
            .field("api_key", &self.api_key.as_ref().map(|_| "<redacted>"))
            .field("headers", &self.headers.keys().collect::<Vec<_>>())
            .field("source", &self.source)
            .finish_non_exhaustive()
    }
}

/// What the auth of one provider depends on besides `auth.json`.
#[derive(Debug, Clone, Copy)]
struct Provider<'a> {
    id: &'a str,
    methods: AuthMethods,
    configured_key: Option<&'a str>,
}

impl Provider<'_> {
    /// Whether API keys apply: built-in key auth, a configured key, or any provider
    /// without OAuth (custom providers).
    fn takes_api_key(&self) -> bool {
        self.methods.builtin_api_key || self.configured_key.is_some() || !self.methods.oauth
    }
}

impl AuthStorage {
    /// The credential for a request to `provider`.
    ///
    /// `configured_key` is `models.json`'s `apiKey` for the provider; `now_ms` decides
    /// whether an OAuth token has expired. `Ok(None)`: the provider has no credential.
    pub fn resolve(
        &self,
        provider: &str,
        methods: AuthMethods,
        configured_key: Option<&str>,
        values: &ValueResolver,
        now_ms: i64,
    ) -> Result<Option<ResolvedAuth>, AuthError> {
        let p = Provider {
            id: provider,
            methods,
            configured_key,
        };
        if p.takes_api_key()
            && let Some(key) = self.runtime_api_key(provider)
        {
            let credential = ApiKeyCredential {
                key: Some(key.to_string()),
                ..ApiKeyCredential::default()
            };
            return Ok(with_credential(&p, &credential, values.env())
                .map(|auth| retag(auth, AuthSource::Runtime)));
        }
        match self.get(provider)? {
            Some(Credential::OAuth(oauth)) => {
                if !methods.oauth {
                    return Ok(None);
                }
                // A token this close to expiry would be refreshed by pi; without a refresh
                // it is still good until it actually expires.
                if (now_ms as f64) >= oauth.expires_ms() {
                    return Err(AuthError::OAuthExpired(provider.to_string()));
                }
                Ok(Some(ResolvedAuth::key(oauth.access, AuthSource::OAuth)))
            }
            Some(Credential::ApiKey(stored)) => {
                if !p.takes_api_key() {
                    return Ok(None);
                }
                let resolved = resolved_credential(&stored, values);
                Ok(with_credential(&p, &resolved, values.env()))
            }
            None if !p.takes_api_key() => Ok(None),
            None => match configured_key {
                Some(raw) => {
                    let what = format!("API key for provider \"{provider}\"");
                    let key = values.resolve_or_error(raw, &what, None)?;
                    Ok(Some(ResolvedAuth::key(key, AuthSource::ModelsJson)))
                }
                None if methods.builtin_api_key => Ok(ambient(provider, None, values.env())),
                None => Ok(None),
            },
        }
    }

    /// Whether `provider` has usable auth configured, and from where — pi's test for a
    /// model being "available". Keys are not checked for validity; a `!command` in
    /// `auth.json` runs (once per process) to see that it yields a key.
    pub fn check(
        &self,
        provider: &str,
        methods: AuthMethods,
        configured_key: Option<&str>,
        values: &ValueResolver,
    ) -> Option<AuthSource> {
        let p = Provider {
            id: provider,
            methods,
            configured_key,
        };
        if p.takes_api_key() && self.runtime_api_key(provider).is_some() {
            return Some(AuthSource::Runtime);
        }
        match self.get(provider).ok()? {
            Some(Credential::OAuth(_)) => methods.oauth.then_some(AuthSource::OAuth),
            Some(Credential::ApiKey(stored)) => {
                if !p.takes_api_key() {
                    return None;
                }
                let resolved = resolved_credential(&stored, values);
                with_credential(&p, &resolved, values.env()).map(|auth| auth.source)
            }
            None if !p.takes_api_key() => None,
            None => match configured_key {
                Some(raw) if is_command(raw) => Some(AuthSource::ModelsJson),
                Some(raw) => env_var_names(raw)
                    .iter()
                    .all(|name| values.env().var(name).is_some())
                    .then_some(AuthSource::ModelsJson),
                None if methods.builtin_api_key => {
                    ambient(provider, None, values.env()).map(|auth| auth.source)
                }
                None => None,
            },
        }
    }

    /// Whether `provider` has auth configured (see [`AuthStorage::check`]).
    pub fn has_auth(
        &self,
        provider: &str,
        methods: AuthMethods,
        configured_key: Option<&str>,
        values: &ValueResolver,
    ) -> bool {
        self.check(provider, methods, configured_key, values)
            .is_some()
    }
}

fn retag(mut auth: ResolvedAuth, source: AuthSource) -> ResolvedAuth {
    if matches!(auth.source, AuthSource::Stored) {
        auth.source = source;
    }
    auth
}

/// A stored API-key entry with its key resolved (`$VAR` from its own `env` first,
/// `!command` once per process).
fn resolved_credential(stored: &ApiKeyCredential, values: &ValueResolver) -> ApiKeyCredential {
    ApiKeyCredential {
        key: stored
            .key
            .as_deref()
            .and_then(|key| values.resolve(key, stored.env.as_ref())),
        env: stored.env.clone(),
        extra: Default::default(),
    }
}

/// Auth from a credential entry: its key, else (built-in providers) the environment.
fn with_credential(
    p: &Provider<'_>,
    credential: &ApiKeyCredential,
    env: &Env,
) -> Option<ResolvedAuth> {
    if let Some(key) = credential.key.as_deref().filter(|k| !k.is_empty()) {
        let mut auth = ResolvedAuth::key(key.to_string(), AuthSource::Stored);
        auth.env = credential.env.clone();
        return Some(auth);
    }
    if p.methods.builtin_api_key {
        return ambient(p.id, credential.env.as_ref(), env);
    }
    None
}

/// A built-in provider's auth from the environment.
fn ambient(
    provider: &str,
    scoped: Option<&BTreeMap<String, String>>,
    env: &Env,
) -> Option<ResolvedAuth> {
    let var = |name: &str| -> Option<String> {
        scoped
            .and_then(|s| s.get(name))
            .filter(|v| !v.trim().is_empty())
            .cloned()
            .or_else(|| env.non_blank(name).map(str::to_string))
    };
    match provider {
        "anthropic" => {
            // A gateway token authenticates by header and is never sent as the API key.
            if let Some(token) = var("ANTHROPIC_AUTH_TOKEN") {
                return Some(ResolvedAuth {
                    api_key: None,
                    headers: BTreeMap::from([(
                        "Authorization".to_string(),
                        format!("Bearer {token}"),
                    )]),
                    env: None,
                    source: AuthSource::Environment("ANTHROPIC_AUTH_TOKEN".into()),
                });
            }
            first_env_key(&["ANTHROPIC_OAUTH_TOKEN", "ANTHROPIC_API_KEY"], var)
        }
        "amazon-bedrock" => {
            let label = if var("AWS_BEARER_TOKEN_BEDROCK").is_some() {
                "AWS_BEARER_TOKEN_BEDROCK"
            } else if var("AWS_PROFILE").is_some() {
                "AWS_PROFILE"
            } else if var("AWS_ACCESS_KEY_ID").is_some() && var("AWS_SECRET_ACCESS_KEY").is_some() {
                "AWS access keys"
            } else if var("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI").is_some()
                || var("AWS_CONTAINER_CREDENTIALS_FULL_URI").is_some()
            {
                "ECS task role"
            } else if var("AWS_WEB_IDENTITY_TOKEN_FILE").is_some() {
                "web identity token"
            } else {
                return None;
            };
            Some(ResolvedAuth::ambient(label, scoped.cloned()))
        }
        "google-vertex" => {
            if let Some(key) = var("GOOGLE_CLOUD_API_KEY") {
                return Some(ResolvedAuth::key(
                    key,
                    AuthSource::Environment("GOOGLE_CLOUD_API_KEY".into()),
                ));
            }
            let credentials = match var("GOOGLE_APPLICATION_CREDENTIALS") {
                Some(path) => std::path::PathBuf::from(path),
                None => env
                    .home()?
                    .join(".config/gcloud/application_default_credentials.json"),
            };
            let project = var("GOOGLE_CLOUD_PROJECT").or_else(|| var("GCLOUD_PROJECT"));
            let location = var("GOOGLE_CLOUD_LOCATION");
            (credentials.exists() && project.is_some() && location.is_some()).then(|| {
                ResolvedAuth::ambient("gcloud application default credentials", scoped.cloned())
            })
        }
        _ => first_env_key(api_key_env_vars(provider), var),
    }
}

fn first_env_key(names: &[&str], var: impl Fn(&str) -> Option<String>) -> Option<ResolvedAuth> {
    names.iter().find_map(|name| {
        var(name).map(|key| ResolvedAuth::key(key, AuthSource::Environment((*name).to_string())))
    })
}

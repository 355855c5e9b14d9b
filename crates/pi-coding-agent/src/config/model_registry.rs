//! The models pi can use: the built-in catalog with `models.json` applied, and the
//! credentials (`auth.json`, environment) that make them available.
//!
//! Providers come in pi's order — built-in providers in registry order, then the custom
//! providers of `models.json` in file order — and a provider's models are composed only when
//! first asked for, so starting with a saved default touches one provider.

mod compose;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::OnceLock;

use pi_ai::Model;

use super::auth::{AuthError, AuthMethods, AuthSource, AuthStorage, builtin_auth_methods};
use super::env::Env;
use super::guidance;
use super::models_json::ModelsConfig;
use super::paths::ConfigPaths;
use super::resolve_value::{ResolveError, ValueResolver};

/// Why a request to a model cannot be authenticated.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RequestAuthError {
    /// The provider has no credential (pi's guidance text).
    #[error("{0}")]
    NoApiKey(String),
    /// An OAuth login stopped working.
    #[error("{0}")]
    AuthenticationFailed(String),
    /// The credential could not be read or used.
    #[error(transparent)]
    Auth(#[from] AuthError),
    /// A configured header did not resolve.
    #[error(transparent)]
    Resolve(#[from] ResolveError),
}

/// The credential and headers of one request.
#[derive(Clone, PartialEq, Eq)]
pub struct RequestAuth {
    /// The API key or access token, if the provider takes one.
    pub api_key: Option<String>,
    /// Headers to send: the credential's, the provider's and the model's, resolved.
    pub headers: BTreeMap<String, String>,
    /// Provider environment from the credential (`auth.json` `env`).
    pub env: Option<BTreeMap<String, String>>,
    /// Where the credential came from.
    pub source: AuthSource,
}

impl std::fmt::Debug for RequestAuth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RequestAuth")
            .field("api_key", &self.api_key.as_ref().map(|_| "<redacted>"))
            .field("headers", &self.headers.keys().collect::<Vec<_>>())
            .field("source", &self.source)
            .finish_non_exhaustive()
    }
}

/// One provider and its models, composed on first use.
#[derive(Debug)]
struct ProviderSlot {
    id: String,
    builtin: bool,
    models: OnceLock<Composed>,
}

#[derive(Debug)]
struct Composed {
    models: Vec<Model>,
    error: Option<String>,
}

/// Every model, and what it takes to call one.
#[derive(Debug)]
pub struct ModelRegistry {
    models_path: Option<PathBuf>,
    config: ModelsConfig,
    auth: AuthStorage,
    values: ValueResolver,
    docs_dir: PathBuf,
    providers: Vec<ProviderSlot>,
}

impl ModelRegistry {
    /// Loads `models.json` and `auth.json` from the agent directory.
    ///
    /// `docs_dir` is where pi's documentation lives, for the guidance in error messages.
    pub fn load(paths: &ConfigPaths, env: Env, docs_dir: PathBuf) -> Self {
        let models_path = paths.models();
        let config = ModelsConfig::load(&models_path);
        let auth = AuthStorage::open(paths.auth());
        let mut registry = Self::new(config, auth, env, docs_dir);
        registry.models_path = Some(models_path);
        registry
    }

    /// A registry from already loaded parts.
    pub fn new(config: ModelsConfig, auth: AuthStorage, env: Env, docs_dir: PathBuf) -> Self {
        let mut registry = ModelRegistry {
            models_path: None,
            config,
            auth,
            values: ValueResolver::new(env),
            docs_dir,
            providers: Vec::new(),
        };
        registry.rebuild();
        registry
    }

    fn rebuild(&mut self) {
        let mut providers: Vec<ProviderSlot> = pi_ai::builtin_providers()
            .map(|id| ProviderSlot {
                id: id.to_string(),
                builtin: true,
                models: OnceLock::new(),
            })
            .collect();
        for id in self.config.provider_ids() {
            if !providers.iter().any(|p| p.id == id) {
                providers.push(ProviderSlot {
                    id: id.to_string(),
                    builtin: false,
                    models: OnceLock::new(),
                });
            }
        }
        self.providers = providers;
    }

    /// Re-reads `models.json` and `auth.json` (pi does this when `/model` opens).
    pub fn refresh(&mut self) {
        if let Some(path) = &self.models_path {
            self.config = ModelsConfig::load(path);
        }
        self.auth.reload();
        self.rebuild();
    }

    /// What went wrong loading `models.json`, including providers whose entry could not be
    /// applied (`Provider "x": ...`), separated by blank lines.
    pub fn error(&self) -> Option<String> {
        let mut errors: Vec<String> = self
            .config
            .error()
            .map(str::to_string)
            .into_iter()
            .collect();
        for slot in &self.providers {
            if self.config.provider(&slot.id).is_some()
                && let Some(error) = &self.composed(slot).error
            {
                errors.push(format!("Provider \"{}\": {error}", slot.id));
            }
        }
        (!errors.is_empty()).then(|| errors.join("\n\n"))
    }

    /// The `models.json` configuration in effect.
    pub fn config(&self) -> &ModelsConfig {
        &self.config
    }

    /// The credentials.
    pub fn auth(&self) -> &AuthStorage {
        &self.auth
    }

    /// The credentials, for `/login`, `/logout` and `--api-key`.
    pub fn auth_mut(&mut self) -> &mut AuthStorage {
        &mut self.auth
    }

    /// Uses `key` for `provider` in this run (`--api-key`).
    pub fn set_runtime_api_key(&mut self, provider: &str, key: &str) {
        self.auth.set_runtime_api_key(provider, key);
    }

    /// How configuration values are resolved (and the environment they see).
    pub fn values(&self) -> &ValueResolver {
        &self.values
    }

    /// Where the docs named in guidance live.
    pub fn docs_dir(&self) -> &std::path::Path {
        &self.docs_dir
    }

    /// The providers, in pi's order (those whose models could not be composed included).
    pub fn provider_ids(&self) -> impl Iterator<Item = &str> {
        self.providers.iter().map(|p| p.id.as_str())
    }

    /// Whether `provider` is a built-in provider.
    pub fn is_builtin(&self, provider: &str) -> bool {
        self.slot(provider).is_some_and(|s| s.builtin)
    }

    fn slot(&self, provider: &str) -> Option<&ProviderSlot> {
        self.providers.iter().find(|p| p.id == provider)
    }

    fn composed<'a>(&'a self, slot: &'a ProviderSlot) -> &'a Composed {
        slot.models.get_or_init(|| {
            let base = pi_ai::builtin_models(&slot.id);
            match self.config.provider(&slot.id) {
                None => Composed {
                    models: base.to_vec(),
                    error: None,
                },
                Some(config) => match compose::compose(&slot.id, base, config) {
                    Ok(models) => Composed {
                        models,
                        error: None,
                    },
                    // pi keeps a built-in provider's own models when its entry is broken.
                    Err(error) => Composed {
                        models: base.to_vec(),
                        error: Some(error),
                    },
                },
            }
        })
    }

    /// The models of `provider`, in order.
    pub fn models(&self, provider: &str) -> &[Model] {
        self.slot(provider)
            .map_or(&[], |slot| self.composed(slot).models.as_slice())
    }

    /// Every model: providers in order, each provider's models in order.
    pub fn all(&self) -> Vec<&Model> {
        self.providers
            .iter()
            .flat_map(|slot| self.composed(slot).models.iter())
            .collect()
    }

    /// The model `id` of `provider`.
    pub fn find(&self, provider: &str, id: &str) -> Option<&Model> {
        self.models(provider).iter().find(|m| m.id == id)
    }

    /// The models whose provider has auth configured, in order.
    pub fn available(&self) -> Vec<&Model> {
        self.providers
            .iter()
            .filter(|slot| self.has_auth(&slot.id))
            .flat_map(|slot| self.composed(slot).models.iter())
            .collect()
    }

    /// How `provider` can be authenticated.
    pub fn auth_methods(&self, provider: &str) -> AuthMethods {
        builtin_auth_methods(provider, self.is_builtin(provider))
    }

    fn configured_key(&self, provider: &str) -> Option<&str> {
        self.config
            .provider(provider)
            .and_then(|c| c.api_key.as_deref())
    }

    /// Where `provider`'s auth comes from, if it has any.
    pub fn auth_source(&self, provider: &str) -> Option<AuthSource> {
        self.auth.check(
            provider,
            self.auth_methods(provider),
            self.configured_key(provider),
            &self.values,
        )
    }

    /// Whether `provider` has auth configured (its models are "available").
    pub fn has_auth(&self, provider: &str) -> bool {
        self.auth_source(provider).is_some()
    }

    /// Whether `provider` authenticates through an OAuth login.
    pub fn is_using_oauth(&self, provider: &str) -> bool {
        self.auth_source(provider) == Some(AuthSource::OAuth)
    }

    /// The API key for a request to `model`, if its provider takes one.
    pub fn api_key_for(&self, model: &Model) -> Result<Option<String>, RequestAuthError> {
        self.request_auth(model).map(|auth| auth.api_key)
    }

    /// The credential and headers for a request to `model`: the provider's credential, its
    /// `models.json` headers (and `Authorization: Bearer <key>` with `authHeader`), the
    /// model's built-in headers, then its own `models.json` headers, each resolved now.
    pub fn request_auth(&self, model: &Model) -> Result<RequestAuth, RequestAuthError> {
        let provider = model.provider.as_str();
        let no_key =
            || RequestAuthError::NoApiKey(guidance::no_api_key_found(provider, &self.docs_dir));
        let resolved = match self.auth.resolve(
            provider,
            self.auth_methods(provider),
            self.configured_key(provider),
            &self.values,
            pi_ai::now_ms(),
        ) {
            Ok(Some(resolved)) => resolved,
            Ok(None) if self.is_using_oauth(provider) => {
                return Err(RequestAuthError::AuthenticationFailed(
                    guidance::authentication_failed(provider),
                ));
            }
            Ok(None) => return Err(no_key()),
            Err(err) => return Err(err.into()),
        };
        let scoped = resolved.env.as_ref();
        let mut headers = resolved.headers.clone();
        if let Some(config) = self.config.provider(provider) {
            if let Some(provider_headers) = &config.headers {
                let what = format!("provider \"{provider}\"");
                headers.extend(self.values.resolve_headers_or_error(
                    provider_headers,
                    &what,
                    scoped,
                )?);
            }
            if config.auth_header == Some(true) {
                let key = resolved.api_key.as_deref().ok_or_else(no_key)?;
                headers.insert("Authorization".into(), format!("Bearer {key}"));
            }
        }
        if let Some(model_headers) = &model.headers {
            merge_headers(&mut headers, model_headers.clone());
        }
        if let Some(config) = self.config.provider(provider) {
            let own = config.model_headers(&model.id);
            if !own.is_empty() {
                let what = format!("model \"{provider}/{}\"", model.id);
                let own = self.values.resolve_headers_or_error(&own, &what, scoped)?;
                merge_headers(&mut headers, own);
            }
        }
        if resolved.api_key.is_none()
            && headers.is_empty()
            && !matches!(resolved.source, AuthSource::Ambient(_))
        {
            return Err(no_key());
        }
        Ok(RequestAuth {
            api_key: resolved.api_key,
            headers,
            env: resolved.env,
            source: resolved.source,
        })
    }
}

/// `over` merged into `headers`, a header of the same name in any case replaced.
fn merge_headers(headers: &mut BTreeMap<String, String>, over: BTreeMap<String, String>) {
    for (name, value) in over {
        headers.retain(|existing, _| !existing.eq_ignore_ascii_case(&name));
        headers.insert(name, value);
    }
}

#[cfg(test)]
mod tests;

//! pi's configuration: the agent directory (`~/.pi/agent`, or `PI_CODING_AGENT_DIR`), the
//! files in it, and a project's `.pi` directory.
//!
//! - [`Env`] is the environment snapshot everything reads instead of process globals;
//!   [`ConfigPaths`] says where each file lives.
//! - [`Settings`]: `settings.json`, user and (trusted) project, merged; changed keys written
//!   back by [`Settings::flush`].
//! - [`trust`]: whether a project may load its `.pi` settings and resources.
//! - [`AuthStorage`]: `auth.json`; [`ModelsConfig`]: `models.json`; [`ModelRegistry`]: the
//!   built-in catalog with `models.json` applied, availability, request keys and headers.
//! - [`model_resolver`]: `--model`, `--models`/`enabledModels` scopes, the initial model and
//!   thinking level; [`list_models`]: the `--list-models` table.
//!
//! Startup builds these once, in this order:
//!
//! ```
//! use pi_coding_agent::config::{
//!     self, ConfigPaths, Env, ModelRegistry, ProjectTrust, Settings, TrustInputs, TrustStore,
//! };
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let tmp = tempfile::tempdir()?;
//! // pi takes `Env::from_process()`; any environment can be injected.
//! let env = Env::with_home(tmp.path()).set("GROQ_API_KEY", "gsk-example");
//! let paths = ConfigPaths::from_env(&env)?;
//! let cwd = tmp.path().join("project");
//! config::auth::migrate_auth_to_auth_json(&paths);
//!
//! // Trust is decided first: it says whether `<cwd>/.pi/settings.json` loads.
//! let user = Settings::load(&paths, &cwd, false, &env);
//! let inputs = TrustInputs {
//!     cwd: &cwd,
//!     home: env.home(),
//!     cli_override: None, // --approve / --no-approve
//!     default: user.default_project_trust(),
//!     can_prompt: false, // interactive mode may ask instead
//! };
//! let trust = config::resolve_project_trust(inputs, &TrustStore::new(&paths))?;
//! let mut settings = Settings::load(&paths, &cwd, trust == ProjectTrust::Trusted, &env);
//! for problem in settings.take_diagnostics() {
//!     eprintln!("Warning: {problem}");
//! }
//!
//! let docs = config::package_dir(&env).join("docs");
//! let registry = ModelRegistry::load(&paths, env.clone(), docs);
//! let start = config::choose_session_model(None, None, None, &settings, &registry);
//! let model = start.model.ok_or("no model available")?;
//! assert_eq!((model.provider.as_str(), model.id.as_str()), ("groq", "openai/gpt-oss-120b"));
//! let auth = registry.request_auth(&model)?;
//! assert_eq!(auth.api_key.as_deref(), Some("gsk-example"));
//! # Ok(()) }
//! ```

pub mod auth;
mod env;
pub mod guidance;
mod json;
pub mod list_models;
mod lock;
pub mod model_registry;
pub mod model_resolver;
pub mod models_json;
mod paths;
pub mod resolve_value;
pub mod settings;
pub mod trust;

pub use auth::{AuthError, AuthMethods, AuthSource, AuthStorage, Credential, ResolvedAuth};
pub use env::Env;
pub use json::{strip_bom, strip_jsonc, to_pretty_string};
pub use lock::{FileLock, LockError};
pub use model_registry::{ModelRegistry, RequestAuth, RequestAuthError};
pub use model_resolver::{
    CliModelArgs, CliModelResolution, DEFAULT_THINKING_LEVEL, ExistingSession, InitialModel,
    ModelOptions, ScopedModel, SessionModel, build_model_options, choose_session_model,
    find_initial_model, parse_model_pattern, resolve_cli_model, resolve_model_scope,
};
pub use models_json::{ModelsConfig, ProviderConfig};
pub use paths::{
    AGENT_DIR_VAR, ConfigPaths, PACKAGE_DIR_VAR, PROJECT_CONFIG_DIR, SESSION_DIR_VAR, expand_tilde,
    normalize_lexically, package_dir, project_config_dir, project_settings, resolve_path,
    session_dir_from_env,
};
pub use resolve_value::{ResolveError, ValueResolver};
pub use settings::{Settings, SettingsDiagnostic, SettingsError, SettingsScope};
pub use trust::{ProjectTrust, TrustInputs, TrustStore, resolve_project_trust};

/// Why configuration could not be set up at all.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// Neither `PI_CODING_AGENT_DIR` nor a home directory says where the agent directory is.
    #[error(
        "cannot find the home directory; set PI_CODING_AGENT_DIR to choose pi's agent directory"
    )]
    NoHome,
}

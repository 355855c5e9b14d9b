//! pi's configuration: the agent directory (`~/.pi/agent`) and the files in it.
//!
//! - [`ConfigPaths`] says where everything lives; [`Env`] is the environment snapshot the
//!   rest reads instead of process globals.
//! - [`Settings`]: `settings.json`, user and project, merged; changed keys written back.
//!
//! Startup builds these once, in this order:
//!
//! ```no_run
//! use pi_coding_agent::config::{ConfigPaths, Env, Settings};
//! # fn main() -> Result<(), pi_coding_agent::config::ConfigError> {
//! let env = Env::from_process();
//! let paths = ConfigPaths::from_env(&env)?;
//! let cwd = std::env::current_dir().unwrap_or_default();
//! let mut settings = Settings::load(&paths, &cwd, false, &env);
//! for problem in settings.take_diagnostics() {
//!     eprintln!("Warning: {problem}");
//! }
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

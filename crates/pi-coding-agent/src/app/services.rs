//! What every session of a run is built from: the command line, the configuration of the
//! session's directory (settings, models, resources) and the tools. Startup builds the first
//! session with it; RPC mode builds the next ones (`new_session`, `switch_session`, `fork`)
//! the same way.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use pi_agent_core::AgentTool;
use pi_ai::{Model, ThinkingLevel};
use serde_json::{Value, json};

use crate::agent_session::{
    AgentSession, AgentSessionConfig, Credentials, RequestCredentials, SessionServices, lock,
};
use crate::cli::Args;
use crate::config::{self, ConfigPaths, Env, ModelRegistry, ScopedModel, Settings};
use crate::interactive::loaded_resources::LoadedResources;
use crate::interactive::theme::ThemeCatalog;
use crate::resources::{
    self, PromptTool, ResourceFlags, ResourceInputs, ResourceSettings, Resources, ThemeSources,
};
use crate::session::SessionManager;
use crate::tools::{BashOptions, RunningCommands, ToolName, ToolsOptions, create_tool};

/// The run-wide inputs, and the configuration of the directory last worked in.
pub(super) struct AppServices {
    args: Args,
    env: Env,
    paths: ConfigPaths,
    package_dir: PathBuf,
    docs_dir: PathBuf,
    running: RunningCommands,
    current: Mutex<Option<Arc<DirectoryServices>>>,
}

/// The configuration of one working directory.
pub(super) struct DirectoryServices {
    cwd: PathBuf,
    trusted: bool,
    /// What loading the resources found wrong (the chat screen lists some of it).
    diagnostics: Vec<resources::Diagnostic>,
    settings: Mutex<Settings>,
    registry: Arc<Mutex<ModelRegistry>>,
    resources: Resources,
    scoped_models: Mutex<Vec<ScopedModel>>,
}

/// Problems worth telling the user about, as the lines pi prints.
pub(super) type Notices = Vec<String>;

impl AppServices {
    pub(super) fn new(args: Args, env: Env, paths: ConfigPaths) -> Self {
        let package_dir = config::package_dir(&env);
        let docs_dir = package_dir.join("docs");
        AppServices {
            args,
            env,
            paths,
            package_dir,
            docs_dir,
            running: RunningCommands::default(),
            current: Mutex::new(None),
        }
    }

    /// The process environment.
    pub(super) fn env(&self) -> &Env {
        &self.env
    }

    /// pi's documentation directory.
    pub(super) fn docs_dir(&self) -> &Path {
        &self.docs_dir
    }

    /// The configuration of `cwd` without its resources: project trust, settings and
    /// models. Fails (with the line pi prints) when `models.json` is broken.
    pub(super) fn load_configuration(
        &self,
        cwd: &Path,
    ) -> Result<(Settings, ModelRegistry, bool, Notices), String> {
        let env = &self.env;
        let startup_settings = Settings::load(&self.paths, cwd, false, env);
        let trust = config::resolve_project_trust(
            config::TrustInputs {
                cwd,
                home: env.home(),
                cli_override: self.args.project_trust,
                default: startup_settings.default_project_trust(),
                can_prompt: false,
            },
            &config::TrustStore::new(&self.paths),
        )
        .map_err(|err| format!("Error: {err}"))?;
        let trusted = trust == config::ProjectTrust::Trusted;
        let mut settings = Settings::load(&self.paths, cwd, trusted, env);
        let notices: Notices = settings
            .take_diagnostics()
            .into_iter()
            .map(|diagnostic| format!("Warning: {diagnostic}"))
            .collect();
        let registry = ModelRegistry::load(&self.paths, env.clone(), self.docs_dir.clone());
        if let Some(error) = registry.error() {
            for notice in notices {
                super::eprintln_plain(&notice);
            }
            return Err(format!("Error: {error}"));
        }
        Ok((settings, registry, trusted, notices))
    }

    /// Loads the configuration of `cwd` with its resources and model scope, and makes it the
    /// current directory's.
    pub(super) fn load_directory(
        &self,
        cwd: &Path,
    ) -> Result<(Arc<DirectoryServices>, Notices), String> {
        let args = &self.args;
        let (settings, registry, trusted, mut notices) = self.load_configuration(cwd)?;
        let (resources, diagnostics) =
            resources::load(&self.resource_inputs(cwd, trusted, &settings));
        notices.extend(
            diagnostics
                .iter()
                .filter(|d| d.printed_at_startup())
                .map(|d| d.stderr_line()),
        );
        let patterns = args.models.clone().or_else(|| settings.enabled_models());
        let (scoped_models, scope_warnings) = match &patterns {
            Some(patterns) if !patterns.is_empty() => {
                config::resolve_model_scope(patterns, &registry.available())
            }
            _ => (Vec::new(), Vec::new()),
        };
        notices.extend(scope_warnings.iter().map(|w| format!("Warning: {w}")));
        let directory = Arc::new(DirectoryServices {
            cwd: cwd.to_path_buf(),
            trusted,
            diagnostics: diagnostics.clone(),
            settings: Mutex::new(settings),
            registry: Arc::new(Mutex::new(registry)),
            resources,
            scoped_models: Mutex::new(scoped_models),
        });
        *lock(&self.current) = Some(Arc::clone(&directory));
        Ok((directory, notices))
    }

    fn resource_inputs(&self, cwd: &Path, trusted: bool, settings: &Settings) -> ResourceInputs {
        let args = &self.args;
        ResourceInputs {
            cwd: cwd.to_path_buf(),
            agent_dir: self.paths.agent_dir().to_path_buf(),
            home_dir: self.env.home().map(Path::to_path_buf).unwrap_or_default(),
            project_trusted: trusted,
            settings: ResourceSettings {
                user_skills: strings(settings.global(), "skills"),
                project_skills: strings(settings.project(), "skills"),
                user_prompts: strings(settings.global(), "prompts"),
                project_prompts: strings(settings.project(), "prompts"),
            },
            flags: ResourceFlags {
                skills: args.skills.clone(),
                prompt_templates: args.prompt_templates.clone(),
                no_skills: args.no_skills,
                no_prompt_templates: args.no_prompt_templates,
                no_context_files: args.no_context_files,
                system_prompt: args.system_prompt.clone(),
                append_system_prompt: args.append_system_prompt.clone(),
            },
        }
    }

    /// What the chat screen starts from in the current directory (after a reload).
    pub(super) fn current_interactive_setup(
        &self,
    ) -> Option<(Settings, ThemeCatalog, LoadedResources)> {
        self.directory()
            .map(|directory| self.interactive_setup(&directory))
    }

    /// What the chat screen starts from in `directory`: its settings and the themes it can
    /// use (`themes` settings, discovered theme files, `--theme`), with problems found.
    pub(super) fn interactive_setup(
        &self,
        directory: &DirectoryServices,
    ) -> (Settings, ThemeCatalog, LoadedResources) {
        let settings = Settings::load(&self.paths, &directory.cwd, directory.trusted, &self.env);
        let inputs = self.resource_inputs(&directory.cwd, directory.trusted, &settings);
        let sources = ThemeSources {
            user_themes: strings(settings.global(), "themes"),
            project_themes: strings(settings.project(), "themes"),
            cli_themes: self.args.themes.clone(),
            no_themes: self.args.no_themes,
        };
        let (catalog, theme_diagnostics) = ThemeCatalog::load(&inputs, &sources);
        let diagnostics: Vec<resources::Diagnostic> = directory
            .diagnostics
            .iter()
            .chain(&theme_diagnostics)
            .cloned()
            .collect();
        let home = self.env.home().map(Path::to_path_buf).unwrap_or_default();
        let loaded = LoadedResources::from_resources(
            &directory.resources,
            &catalog,
            &diagnostics,
            self.paths.agent_dir(),
            &home,
        );
        (settings, catalog, loaded)
    }

    /// Builds the agent session for `session` in `directory`: the model and thinking level
    /// as pi chooses them (command line, scope, the session's own, settings), the active
    /// tools and the system prompt.
    pub(super) fn build_session(
        &self,
        directory: &DirectoryServices,
        session: SessionManager,
    ) -> Result<(AgentSession, Notices), String> {
        let args = &self.args;
        let settings = lock(&directory.settings);
        let mut notices = Notices::new();
        let context = session
            .build_session_context()
            .map_err(|err| format!("Error: {err}"))?;
        let has_thinking_entry = session.branch_sets_thinking_level();
        let has_messages = !context.messages.is_empty();
        let mut registry = lock(&directory.registry);
        let options = config::build_model_options(
            config::CliModelArgs {
                provider: args.provider.as_deref(),
                model: args.model.as_deref(),
                thinking: args.thinking,
            },
            lock(&directory.scoped_models).clone(),
            has_messages,
            &settings,
            &registry,
        );
        notices.extend(options.warnings.iter().map(|w| format!("Warning: {w}")));
        if let Some(error) = options.errors.first() {
            return Err(format!("Error: {error}"));
        }
        if let Some(key) = &args.api_key {
            match &options.model {
                Some(model) => registry.set_runtime_api_key(&model.provider, key),
                None => {
                    return Err("Error: --api-key requires a model to be specified via --model, --provider/--model, or --models".to_string());
                }
            }
        }
        let session_thinking = has_thinking_entry
            .then(|| ThinkingLevel::parse(&context.thinking_level))
            .flatten();
        let existing = has_messages.then(|| config::ExistingSession {
            model: context
                .model
                .as_ref()
                .map(|m| (m.provider.as_str(), m.model_id.as_str())),
            thinking_level: session_thinking,
        });
        let chosen = config::choose_session_model(
            options.model.clone(),
            options.thinking_level,
            existing,
            &settings,
            &registry,
        );
        drop(registry);
        let Some(model) = chosen.model.clone() else {
            return Err(config::guidance::no_models_available(&self.docs_dir));
        };
        if let (Some(message), true) = (&chosen.fallback_message, options.model.is_none()) {
            notices.push(format!("Warning: {message}"));
        }

        let tools_options = self.tools_options(&settings);
        let (active, unknown) = active_tools(args, &settings);
        notices.extend(unknown);
        let tools: Vec<Arc<dyn AgentTool>> = active
            .iter()
            .map(|&name| create_tool(name, &directory.cwd, &tools_options, &self.running))
            .collect();
        let prompt_tools: Vec<PromptTool> = active
            .iter()
            .map(|&name| PromptTool::builtin(name, &tools_options))
            .collect();
        let sections = directory
            .resources
            .system_prompt_sections(&prompt_tools, &self.package_dir);
        let enable_skill_commands = settings.enable_skill_commands();
        let expander = directory.resources.clone();
        let credentials: Arc<dyn Credentials> =
            Arc::new(RegistryCredentials(Arc::clone(&directory.registry)));
        let agent_session = AgentSession::with_context(
            session,
            context,
            AgentSessionConfig {
                model: Some(model),
                thinking_level: chosen.thinking_level,
                tools,
                system_prompt: sections,
                expand_prompt: Some(Arc::new(move |text: &str| {
                    expander.expand_prompt(text, enable_skill_commands)
                })),
                credentials,
                retry: settings.retry(),
                steering_mode: settings.steering_mode(),
                follow_up_mode: settings.follow_up_mode(),
                block_images: settings.block_images(),
                auto_resize_images: settings.image_auto_resize(),
                request: request_options(&settings),
                stream_fn: None,
                docs_dir: self.docs_dir.clone(),
            },
        )
        .map_err(|err| format!("Error: {err}"))?;
        agent_session.set_compaction_settings(&settings);
        Ok((agent_session, notices))
    }

    fn directory(&self) -> Option<Arc<DirectoryServices>> {
        lock(&self.current).clone()
    }

    fn tools_options(&self, settings: &Settings) -> ToolsOptions {
        let mut options = ToolsOptions::default();
        options.read.auto_resize_images = settings.image_auto_resize();
        options.bash.shell_path = settings.shell_path();
        options.bash.command_prefix = settings.shell_command_prefix().map(str::to_string);
        options.bash.bin_dir = Some(self.paths.bin());
        options
    }
}

impl DirectoryServices {
    /// The model registry.
    pub(super) fn registry(&self) -> MutexGuard<'_, ModelRegistry> {
        lock(&self.registry)
    }
}

impl SessionServices for AppServices {
    fn build(&self, session: SessionManager) -> Result<AgentSession, String> {
        let cwd = session.cwd().to_path_buf();
        let directory = match self.directory() {
            Some(directory) if directory.cwd == cwd => directory,
            _ => {
                let (directory, notices) = self.load_directory(&cwd)?;
                for notice in notices {
                    super::eprintln_plain(&notice);
                }
                directory
            }
        };
        let (built, notices) = self.build_session(&directory, session)?;
        for notice in notices {
            super::eprintln_plain(&notice);
        }
        Ok(built)
    }

    fn available_models(&self) -> Vec<Model> {
        self.directory().map_or_else(Vec::new, |directory| {
            directory
                .registry()
                .available()
                .into_iter()
                .cloned()
                .collect()
        })
    }

    fn scoped_models(&self) -> Vec<ScopedModel> {
        self.directory()
            .map_or_else(Vec::new, |directory| lock(&directory.scoped_models).clone())
    }

    fn set_model_scope(&self, patterns: Option<&[String]>) {
        let Some(directory) = self.directory() else {
            return;
        };
        let scope = match patterns {
            Some(patterns) if !patterns.is_empty() => {
                let registry = directory.registry();
                config::resolve_model_scope(patterns, &registry.available()).0
            }
            _ => Vec::new(),
        };
        *lock(&directory.scoped_models) = scope;
    }

    fn thinking_level_for(&self, model: &Model) -> Option<ThinkingLevel> {
        let directory = self.directory()?;
        let settings = lock(&directory.settings);
        settings
            .model_thinking_level(&model.provider, &model.id)
            .or_else(|| settings.default_thinking_level())
    }

    fn save_setting(&self, key: &str, nested: Option<&str>, value: Value) -> Result<(), String> {
        let Some(directory) = self.directory() else {
            return Ok(());
        };
        let mut settings = lock(&directory.settings);
        // `null` removes the setting.
        let value = (!value.is_null()).then_some(value);
        match nested {
            Some(nested) => settings.set_nested(key, nested, value),
            None => settings.set(key, value),
        }
        settings.flush().map_err(|err| err.to_string())
    }

    fn shell(&self) -> BashOptions {
        match self.directory() {
            Some(directory) => self.tools_options(&lock(&directory.settings)).bash,
            None => BashOptions::default(),
        }
    }

    fn commands(&self) -> Vec<Value> {
        let Some(directory) = self.directory() else {
            return Vec::new();
        };
        let resources = &directory.resources;
        let templates = resources.prompt_templates.iter().map(|template| {
            json!({
                "name": template.name,
                "description": template.description,
                "source": "prompt",
                "sourceInfo": template.source_info,
            })
        });
        let skills = resources.skills.iter().map(|skill| {
            json!({
                "name": format!("skill:{}", skill.name),
                "description": skill.description,
                "source": "skill",
                "sourceInfo": skill.source_info,
            })
        });
        templates.chain(skills).collect()
    }

    fn kill_running_commands(&self) {
        self.running.kill_all();
    }

    fn reload_configuration(&self, cwd: &Path) -> Result<Vec<String>, String> {
        self.load_directory(cwd).map(|(_, notices)| notices)
    }
}

/// A settings array of strings (other entries are ignored, as pi ignores them).
fn strings(settings: &serde_json::Map<String, Value>, key: &str) -> Vec<String> {
    settings
        .get(key)
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(|item| item.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// The built-in tools a session starts with: `--tools`, else `--no-tools`/`--no-builtin-tools`
/// (none), else the settings' `defaultTools`, else read, bash, edit and write; minus
/// `--exclude-tools`. Unknown names are warned about and skipped.
fn active_tools(args: &Args, settings: &Settings) -> (Vec<ToolName>, Notices) {
    let names: Vec<String> = match (&args.tools, args.no_tools || args.no_builtin_tools) {
        (Some(tools), _) => tools.clone(),
        (None, true) => Vec::new(),
        (None, false) => settings.default_tools().unwrap_or_else(|| {
            crate::tools::DEFAULT_TOOLS
                .iter()
                .map(|tool| tool.as_str().to_string())
                .collect()
        }),
    };
    let excluded = args.exclude_tools.clone().unwrap_or_default();
    let mut active = Vec::new();
    let mut notices = Notices::new();
    for name in names.iter().filter(|name| !excluded.contains(name)) {
        match ToolName::parse(name) {
            Some(tool) if !active.contains(&tool) => active.push(tool),
            Some(_) => {}
            None => notices.push(format!(
                "Warning: Unknown tool \"{name}\". Valid tools: {}",
                ToolName::ALL.map(ToolName::as_str).join(", ")
            )),
        }
    }
    (active, notices)
}

fn request_options(settings: &Settings) -> pi_ai::SimpleStreamOptions {
    let mut options = pi_ai::SimpleStreamOptions {
        thinking_budgets: settings.thinking_budgets(),
        ..Default::default()
    };
    let provider = settings.provider_retry();
    options.base.max_retry_delay = Some(std::time::Duration::from_millis(
        provider.max_retry_delay_ms,
    ));
    if let Some(retries) = provider.max_retries {
        options.base.max_retries = u32::try_from(retries).unwrap_or(u32::MAX);
    }
    options
}

/// Credentials from the model registry (auth.json, environment, models.json).
struct RegistryCredentials(Arc<Mutex<ModelRegistry>>);

impl Credentials for RegistryCredentials {
    fn request_credentials(&self, model: &Model) -> Result<RequestCredentials, String> {
        let registry = self
            .0
            .lock()
            .map_err(|_| "model registry unavailable".to_string())?;
        let auth = registry
            .request_auth(model)
            .map_err(|err| err.to_string())?;
        Ok(RequestCredentials {
            api_key: auth.api_key,
            headers: auth.headers.into_iter().collect(),
            env: auth.env.map(|env| env.into_iter().collect()),
        })
    }

    fn has_auth(&self, provider: &str) -> bool {
        self.0
            .lock()
            .map(|registry| registry.has_auth(provider))
            .unwrap_or(false)
    }
}

//! From parsed flags to a running print or JSON mode.

use std::path::Path;
use std::sync::{Arc, Mutex};

use pi_agent_core::AgentTool;
use pi_ai::Model;

use super::{AppMode, eprintln_plain};
use crate::agent_session::{AgentSession, AgentSessionConfig, Credentials, RequestCredentials};
use crate::cli::{Args, initial_message, process_file_args};
use crate::config::{self, ConfigPaths, Env, ModelRegistry, Settings};
use crate::modes::{PrintInput, PrintOutput, run_print_mode};
use crate::resources::{self, PromptTool, ResourceFlags, ResourceInputs, ResourceSettings};
use crate::session::{OpenError, SessionLocation, SessionRequest, open_session};
use crate::tools::{ToolName, ToolsOptions, create_tools};

/// Runs a non-interactive `pi` (and `--list-models`); returns the exit code.
pub(super) async fn run(mut args: Args, mode: AppMode) -> i32 {
    match start(&mut args, mode).await {
        Ok(code) => code,
        Err(message) => {
            eprintln_plain(&message);
            1
        }
    }
}

async fn start(args: &mut Args, mode: AppMode) -> Result<i32, String> {
    let env = Env::from_process();
    let paths = ConfigPaths::from_env(&env).map_err(|err| format!("Error: {err}"))?;
    let process_cwd = std::env::current_dir().map_err(|err| format!("Error: {err}"))?;

    // The session comes first: its directory may be configured, and its cwd is where the
    // rest of the configuration is read.
    let startup_settings = Settings::load(&paths, &process_cwd, false, &env);
    let session_dir = args
        .session_dir
        .as_deref()
        .map(|dir| config::resolve_path(dir, &process_cwd, env.home()))
        .or_else(|| config::session_dir_from_env(&env))
        .or_else(|| startup_settings.session_dir());
    let mut location = SessionLocation::new(paths.agent_dir());
    if let Some(dir) = session_dir {
        location = location.with_session_dir(dir);
    }
    validate_session_flags(args)?;
    let request = session_request(args);
    let opened =
        open_session(request, &process_cwd, &location, confirm_fork).map_err(|err| match err {
            OpenError::Declined => err.to_string(),
            other => format!("Error: {other}"),
        })?;
    if let Some(warning) = &opened.warning {
        eprintln_plain(warning);
    }
    let mut session = opened.session;
    if let Some(name) = &args.name {
        let name = name.trim();
        if name.is_empty() {
            return Err("Error: --name requires a non-empty value".to_string());
        }
        session
            .append_session_info(name)
            .map_err(|err| format!("Error: {err}"))?;
    }
    let cwd = session.cwd().to_path_buf();

    let trust = config::resolve_project_trust(
        config::TrustInputs {
            cwd: &cwd,
            home: env.home(),
            cli_override: args.project_trust,
            default: startup_settings.default_project_trust(),
            can_prompt: false,
        },
        &config::TrustStore::new(&paths),
    )
    .map_err(|err| format!("Error: {err}"))?;
    let trusted = trust == config::ProjectTrust::Trusted;
    let mut settings = Settings::load(&paths, &cwd, trusted, &env);
    for diagnostic in settings.take_diagnostics() {
        eprintln_plain(&format!("Warning: {diagnostic}"));
    }
    let package_dir = config::package_dir(&env);
    let docs_dir = package_dir.join("docs");
    let mut registry = ModelRegistry::load(&paths, env.clone(), docs_dir.clone());
    if let Some(error) = registry.error() {
        return Err(format!("Error: {error}"));
    }

    if let Some(search) = &args.list_models {
        let table = config::list_models::format_model_list(
            &registry.available(),
            search.as_deref(),
            &docs_dir,
        );
        return Ok(super::print_stdout(&table));
    }

    let (resources, diagnostics) = resources::load(&ResourceInputs {
        cwd: cwd.clone(),
        agent_dir: paths.agent_dir().to_path_buf(),
        home_dir: env.home().map(Path::to_path_buf).unwrap_or_default(),
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
    });
    for diagnostic in diagnostics.iter().filter(|d| d.printed_at_startup()) {
        eprintln_plain(&diagnostic.stderr_line());
    }

    // Piped stdin starts the first prompt.
    let stdin = match mode {
        AppMode::Rpc => None,
        _ => tokio::task::spawn_blocking(super::read_piped_stdin)
            .await
            .unwrap_or(None),
    };
    let file_input =
        process_file_args(&args.file_args, &process_cwd).map_err(|err| format!("Error: {err}"))?;
    let first = initial_message(stdin, &file_input.text, &mut args.messages);

    // The model: the command line, the scope, the session's own, the settings', or the first
    // available one.
    let context = session
        .build_session_context()
        .map_err(|err| format!("Error: {err}"))?;
    let has_thinking_entry = session
        .branch_entries(None)
        .map_err(|err| format!("Error: {err}"))?
        .iter()
        .any(|entry| {
            matches!(
                entry.kind,
                crate::session::EntryKind::ThinkingLevelChange { .. }
            )
        });
    let patterns = args.models.clone().or_else(|| settings.enabled_models());
    let (scoped_models, scope_warnings) = match &patterns {
        Some(patterns) if !patterns.is_empty() => {
            config::resolve_model_scope(patterns, &registry.available())
        }
        _ => (Vec::new(), Vec::new()),
    };
    let has_messages = !context.messages.is_empty();
    let options = config::build_model_options(
        config::CliModelArgs {
            provider: args.provider.as_deref(),
            model: args.model.as_deref(),
            thinking: args.thinking,
        },
        scoped_models,
        has_messages,
        &settings,
        &registry,
    );
    for warning in scope_warnings.iter().chain(&options.warnings) {
        eprintln_plain(&format!("Warning: {warning}"));
    }
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
        .then(|| pi_ai::ThinkingLevel::parse(&context.thinking_level))
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
    let Some(model) = chosen.model.clone() else {
        return Err(config::guidance::no_models_available(&docs_dir));
    };
    if let (Some(message), true) = (&chosen.fallback_message, options.model.is_none()) {
        eprintln_plain(&format!("Warning: {message}"));
    }

    let tools_options = tools_options(&settings, &paths);
    let tool_set = create_tools(&cwd, tools_options.clone());
    let active = active_tools(args, &settings);
    let tools: Vec<Arc<dyn AgentTool>> = active.iter().map(|&name| tool_set.get(name)).collect();
    let prompt_tools: Vec<PromptTool> = active
        .iter()
        .map(|&name| PromptTool::builtin(name, &tools_options))
        .collect();
    let sections = resources.system_prompt_sections(&prompt_tools, &package_dir);
    let enable_skill_commands = settings.enable_skill_commands();
    let expander_resources = resources.clone();
    let retry = settings.retry();
    let registry = Arc::new(Mutex::new(registry));
    let credentials: Arc<dyn Credentials> = Arc::new(RegistryCredentials(Arc::clone(&registry)));
    let session = AgentSession::new(
        session,
        AgentSessionConfig {
            model: Some(model),
            thinking_level: chosen.thinking_level,
            tools,
            system_prompt: sections,
            expand_prompt: Some(Arc::new(move |text: &str| {
                expander_resources.expand_prompt(text, enable_skill_commands)
            })),
            credentials,
            retry,
            steering_mode: settings.steering_mode(),
            follow_up_mode: settings.follow_up_mode(),
            block_images: settings.block_images(),
            auto_resize_images: settings.image_auto_resize(),
            request: request_options(&settings),
            stream_fn: None,
            docs_dir: docs_dir.clone(),
        },
    )
    .map_err(|err| format!("Error: {err}"))?;
    session.set_compaction_settings(&settings);

    let output = match mode {
        AppMode::Json => PrintOutput::Json,
        _ => PrintOutput::Text,
    };
    let input = PrintInput {
        initial: first.map(|text| (text, file_input.images)),
        messages: std::mem::take(&mut args.messages),
    };
    let interrupt = spawn_interrupt_handler(session.clone());
    let code = run_print_mode(
        &session,
        output,
        input,
        std::io::stdout(),
        std::io::stderr(),
    )
    .await;
    interrupt.abort();
    tool_set.running_commands().kill_all();
    Ok(code)
}

/// A settings array of strings (other entries are ignored, as pi ignores them).
fn strings(settings: &serde_json::Map<String, serde_json::Value>, key: &str) -> Vec<String> {
    settings
        .get(key)
        .and_then(serde_json::Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(|item| item.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// `--fork` and `--session-id` exclude other session flags.
fn validate_session_flags(args: &Args) -> Result<(), String> {
    if args.fork.is_some() {
        let conflicts: Vec<&str> = [
            (args.session.is_some(), "--session"),
            (args.continue_session, "--continue"),
            (args.resume, "--resume"),
            (args.no_session, "--no-session"),
        ]
        .into_iter()
        .filter_map(|(set, flag)| set.then_some(flag))
        .collect();
        if !conflicts.is_empty() {
            return Err(format!(
                "Error: --fork cannot be combined with {}",
                conflicts.join(", ")
            ));
        }
    }
    if args.session_id.is_some() {
        let conflicts: Vec<&str> = [
            (args.session.is_some(), "--session"),
            (args.continue_session, "--continue"),
            (args.resume, "--resume"),
        ]
        .into_iter()
        .filter_map(|(set, flag)| set.then_some(flag))
        .collect();
        if !conflicts.is_empty() {
            return Err(format!(
                "Error: --session-id cannot be combined with {}",
                conflicts.join(", ")
            ));
        }
    }
    Ok(())
}

fn session_request(args: &Args) -> SessionRequest {
    let id = args.session_id.clone();
    if args.no_session || args.list_models.is_some() {
        SessionRequest::InMemory { id }
    } else if let Some(source) = &args.fork {
        SessionRequest::Fork {
            source: source.clone(),
            id,
        }
    } else if let Some(session) = &args.session {
        SessionRequest::Session(session.clone())
    } else if args.continue_session {
        SessionRequest::Continue
    } else {
        SessionRequest::New { id }
    }
}

/// pi's question before forking another project's session here.
fn confirm_fork(other_cwd: &str) -> bool {
    use std::io::{BufRead, Write};
    let mut stdout = std::io::stdout().lock();
    let _ = writeln!(stdout, "Session found in different project: {other_cwd}");
    let _ = write!(stdout, "Fork this session into current directory? [y/N] ");
    let _ = stdout.flush();
    let mut answer = String::new();
    if std::io::stdin().lock().read_line(&mut answer).is_err() {
        return false;
    }
    matches!(answer.trim().to_lowercase().as_str(), "y" | "yes")
}

/// The built-in tools this run starts with: `--tools`, else `--no-tools`/`--no-builtin-tools`
/// (none), else the settings' `defaultTools`, else read, bash, edit and write; minus
/// `--exclude-tools`. Unknown names are warned about and skipped.
fn active_tools(args: &Args, settings: &Settings) -> Vec<ToolName> {
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
    for name in names.iter().filter(|name| !excluded.contains(name)) {
        match ToolName::parse(name) {
            Some(tool) if !active.contains(&tool) => active.push(tool),
            Some(_) => {}
            None => eprintln_plain(&format!(
                "Warning: Unknown tool \"{name}\". Valid tools: {}",
                ToolName::ALL.map(ToolName::as_str).join(", ")
            )),
        }
    }
    active
}

fn tools_options(settings: &Settings, paths: &ConfigPaths) -> ToolsOptions {
    let mut options = ToolsOptions::default();
    options.read.auto_resize_images = settings.image_auto_resize();
    options.bash.shell_path = settings.shell_path();
    options.bash.command_prefix = settings.shell_command_prefix().map(str::to_string);
    options.bash.bin_dir = Some(paths.bin());
    options
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

/// Ctrl+C aborts the run (the session keeps everything up to the abort); a second one
/// exits at once.
fn spawn_interrupt_handler(session: AgentSession) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_err() {
            return;
        }
        let abort = tokio::spawn({
            let session = session.clone();
            async move { session.abort().await }
        });
        if tokio::signal::ctrl_c().await.is_ok() {
            std::process::exit(130);
        }
        let _ = abort.await;
    })
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

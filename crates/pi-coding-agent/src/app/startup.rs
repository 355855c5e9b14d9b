//! From parsed flags to a running print, JSON or RPC mode.

use std::sync::Arc;

use super::services::AppServices;
use super::{AppMode, eprintln_plain};
use crate::agent_session::{AgentSession, SessionRuntime, SessionServices};
use crate::cli::{Args, initial_message, process_file_args};
use crate::config::{self, ConfigPaths, Env, Settings};
use crate::modes::{InteractiveOptions, PrintInput, PrintOutput, run_print_mode, run_rpc_mode};
use crate::session::{OpenError, SessionLocation, SessionRequest, open_session};

/// How startup ended: a mode that ran to its end, or the chat screen to run on the main
/// thread.
pub(super) enum Started {
    Exited(i32),
    Interactive(Box<(Arc<SessionRuntime>, InteractiveOptions)>),
}

/// Starts `pi`: runs print, JSON or RPC mode (and `--list-models`) to the end, or prepares
/// interactive mode.
pub(super) async fn run(mut args: Args, mode: AppMode) -> Started {
    match start(&mut args, mode).await {
        Ok(started) => started,
        Err(message) => {
            eprintln_plain(&message);
            Started::Exited(1)
        }
    }
}

async fn start(args: &mut Args, mode: AppMode) -> Result<Started, String> {
    let env = Env::from_process();
    let paths = ConfigPaths::from_env(&env).map_err(|err| format!("Error: {err}"))?;
    let process_cwd = std::env::current_dir().map_err(|err| format!("Error: {err}"))?;
    validate_session_flags(args)?;
    super::migrations::run_migrations(&paths, &process_cwd);

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
    let mut request = session_request(args);
    if args.resume && mode == AppMode::Interactive {
        let picked = {
            let (location, cwd, env) = (location.clone(), process_cwd.clone(), env.clone());
            tokio::task::spawn_blocking(move || {
                crate::modes::pick_session(&location, &cwd, &startup_settings, &env)
            })
            .await
            .unwrap_or(None)
        };
        match picked {
            Some(path) => request = SessionRequest::Session(path.to_string_lossy().into_owned()),
            None => {
                super::print_stdout("\x1b[2mNo session selected\x1b[22m\n");
                return Ok(Started::Exited(0));
            }
        }
    }
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
    let services = AppServices::new(args.clone(), env, paths.clone());

    if let Some(search) = &args.list_models {
        let (_, registry, _, notices) = services.load_configuration(&cwd)?;
        for notice in notices {
            eprintln_plain(&notice);
        }
        let table = config::list_models::format_model_list(
            &registry.available(),
            search.as_deref(),
            services.docs_dir(),
        );
        return Ok(Started::Exited(super::print_stdout(&table)));
    }

    let (directory, mut notices) = services.load_directory(&cwd)?;
    if mode != AppMode::Interactive {
        for notice in notices.drain(..) {
            eprintln_plain(&notice);
        }
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

    let (session, session_notices) = services.build_session(&directory, session)?;
    if mode == AppMode::Interactive {
        notices.extend(session_notices);
        let (settings, themes, resources) = services.interactive_setup(&directory);
        let env = services.env().clone();
        let services = Arc::new(services);
        let reloader = Arc::clone(&services);
        let options = InteractiveOptions {
            initial: first.map(|text| (text, file_input.images)),
            messages: std::mem::take(&mut args.messages),
            notices,
            agent_dir: paths.agent_dir().to_path_buf(),
            location,
            settings,
            themes,
            resources,
            theme: args.use_theme.clone(),
            verbose: args.verbose,
            reload_setup: Box::new(move || reloader.current_interactive_setup()),
            env,
        };
        let runtime = Arc::new(SessionRuntime::new(services, session));
        return Ok(Started::Interactive(Box::new((runtime, options))));
    }
    for notice in session_notices {
        eprintln_plain(&notice);
    }

    if mode == AppMode::Rpc {
        let runtime = SessionRuntime::new(Arc::new(services), session);
        return Ok(Started::Exited(
            run_rpc_mode(runtime, tokio::io::stdin(), std::io::stdout()).await,
        ));
    }
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
    services.kill_running_commands();
    Ok(Started::Exited(code))
}

/// `--fork` and `--session-id` exclude other session flags.
fn validate_session_flags(args: &Args) -> Result<(), String> {
    let session = (args.session.is_some(), "--session");
    let continuing = (args.continue_session, "--continue");
    let resume = (args.resume, "--resume");
    let no_session = (args.no_session, "--no-session");
    exclusive(
        "--fork",
        args.fork.is_some(),
        &[session, continuing, resume, no_session],
    )?;
    exclusive(
        "--session-id",
        args.session_id.is_some(),
        &[session, continuing, resume],
    )
}

/// `flag`, when given, cannot go with any of the `others` that are set.
fn exclusive(flag: &str, given: bool, others: &[(bool, &str)]) -> Result<(), String> {
    let set: Vec<&str> = others
        .iter()
        .filter_map(|&(set, name)| set.then_some(name))
        .collect();
    if given && !set.is_empty() {
        return Err(format!(
            "Error: {flag} cannot be combined with {}",
            set.join(", ")
        ));
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

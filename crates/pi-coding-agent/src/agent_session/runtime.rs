//! [`SessionRuntime`]: the current [`AgentSession`] and the services that build the next
//! one, for the modes that replace their session while running (`new_session`,
//! `switch_session`, `fork`, `clone`).
//!
//! A replacement stops the current session first (its run is aborted and recorded), then
//! builds the next one exactly as startup builds the first: model and thinking level from the
//! command line, the session and the settings, tools and system prompt for its directory.
//! Listeners move to the new session, so a client sees one continuous event stream.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use pi_ai::{Model, ThinkingLevel};
use serde_json::Value;

use super::{AgentSession, CommandError, ForkPosition, SessionEvent, SessionListener, lock};
use crate::config::ScopedModel;
use crate::session::{NewSessionOptions, SessionLocation, SessionManager};
use crate::tools::BashOptions;

/// What the application provides to running sessions: how a session is built, and the
/// configuration the commands consult and change.
pub trait SessionServices: Send + Sync {
    /// Builds the agent session for `session`, choosing its model as startup does.
    fn build(&self, session: SessionManager) -> Result<AgentSession, String>;

    /// The models whose providers have credentials, in catalog order.
    fn available_models(&self) -> Vec<Model>;

    /// The `--models` (or `enabledModels`) scope, if any.
    fn scoped_models(&self) -> Vec<ScopedModel>;

    /// Replaces the model scope for the rest of the run (`None`: no scope).
    fn set_model_scope(&self, patterns: Option<&[String]>);

    /// The thinking level a switch to `model` asks for (`modelThinkingLevels`, then
    /// `defaultThinkingLevel`); `None` keeps the current one.
    fn thinking_level_for(&self, model: &Model) -> Option<ThinkingLevel>;

    /// Saves a user setting (`steeringMode`, `compaction.enabled`, `theme`, ...); `null`
    /// removes it.
    fn save_setting(&self, key: &str, nested: Option<&str>, value: Value) -> Result<(), String>;

    /// The shell settings of user commands (`shellPath`, `shellCommandPrefix`).
    fn shell(&self) -> BashOptions;

    /// The prompt templates and skills a prompt can invoke, as pi lists them
    /// (`{name, description, source, sourceInfo}`).
    fn commands(&self) -> Vec<Value>;

    /// Stops every command the tools started (at exit).
    fn kill_running_commands(&self);
}

/// The session a mode works with now, replaceable while the mode runs.
pub struct SessionRuntime {
    services: Arc<dyn SessionServices>,
    current: Mutex<AgentSession>,
    listener: Mutex<Option<(SessionListener, usize)>>,
    /// One replacement at a time.
    replacing: tokio::sync::Mutex<()>,
}

impl std::fmt::Debug for SessionRuntime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionRuntime").finish_non_exhaustive()
    }
}

impl SessionRuntime {
    /// A runtime starting with `session`.
    pub fn new(services: Arc<dyn SessionServices>, session: AgentSession) -> Self {
        SessionRuntime {
            services,
            current: Mutex::new(session),
            listener: Mutex::new(None),
            replacing: tokio::sync::Mutex::new(()),
        }
    }

    /// The current session.
    pub fn session(&self) -> AgentSession {
        lock(&self.current).clone()
    }

    /// The services.
    pub fn services(&self) -> &Arc<dyn SessionServices> {
        &self.services
    }

    /// Calls `listener` with every event of the current session and of every session that
    /// replaces it (one listener; a second call replaces the first).
    pub fn subscribe(&self, listener: impl Fn(&SessionEvent<'_>) + Send + Sync + 'static) {
        let listener: SessionListener = Arc::new(listener);
        let session = self.session();
        let forward = Arc::clone(&listener);
        let id = session.subscribe(move |event| forward(event));
        if let Some((_, old)) = lock(&self.listener).replace((listener, id)) {
            session.unsubscribe(old);
        }
    }

    /// Starts a new, empty session in the same directory (`/new`), recording `parent` as
    /// the session it continues.
    pub async fn new_session(&self, parent: Option<String>) -> Result<(), CommandError> {
        let _one = self.replacing.lock().await;
        let old = self.session();
        let options = NewSessionOptions {
            id: None,
            parent_session: parent,
        };
        let manager = {
            let session = old.session();
            let cwd = session.cwd().to_path_buf();
            if session.is_persisted() {
                let location = SessionLocation::new(session.session_dir())
                    .with_session_dir(session.session_dir());
                SessionManager::create(&cwd, &location, options)?
            } else {
                SessionManager::in_memory(&cwd, options)?
            }
        };
        old.shut_down().await;
        self.install(&old, manager)
    }

    /// Continues the session stored at `path` (relative to the current session's directory).
    pub async fn switch_session(&self, path: &Path) -> Result<(), CommandError> {
        let _one = self.replacing.lock().await;
        let old = self.session();
        let (target, current_file, cwd) = {
            let session = old.session();
            let cwd = session.cwd().to_path_buf();
            (
                absolute(path, &cwd),
                session.session_file().map(Path::to_path_buf),
                cwd,
            )
        };
        old.shut_down().await;
        // The current file is locked by its session: let go of it before opening it again.
        let released = match &current_file {
            Some(file) if same_file(file, &target) => {
                drop(old.take_session_manager()?);
                true
            }
            _ => false,
        };
        let opened = SessionManager::open(&target, None, None)
            .map_err(CommandError::from)
            .and_then(|manager| {
                check_cwd(&manager, &cwd)?;
                Ok(manager)
            });
        match opened {
            Ok(manager) => self.install(&old, manager),
            Err(err) => {
                if released
                    && let Some(file) = current_file
                    && let Ok(reopened) = SessionManager::open(&file, None, None)
                {
                    *old.session() = reopened;
                }
                Err(err)
            }
        }
    }

    /// Makes a new session of the current one up to an entry: before a user message
    /// (`fork`, returning its text) or at an entry (`clone`).
    pub async fn fork(
        &self,
        entry_id: &str,
        position: ForkPosition,
    ) -> Result<Option<String>, CommandError> {
        let _one = self.replacing.lock().await;
        let old = self.session();
        let target = old.fork_target(entry_id, position)?;
        let (persisted, file, cwd, dir) = {
            let session = old.session();
            (
                session.is_persisted(),
                session.session_file().map(Path::to_path_buf),
                session.cwd().to_path_buf(),
                session.session_dir().to_path_buf(),
            )
        };
        let parent = file.as_ref().map(|f| f.to_string_lossy().into_owned());
        let Some(leaf) = target.leaf_id else {
            // Forking the first message: a new, empty session continuing this one.
            let options = NewSessionOptions {
                id: None,
                parent_session: parent,
            };
            let manager = if persisted {
                let location = SessionLocation::new(&dir).with_session_dir(&dir);
                SessionManager::create(&cwd, &location, options)?
            } else {
                SessionManager::in_memory(&cwd, options)?
            };
            old.shut_down().await;
            self.install(&old, manager)?;
            return Ok(target.selected_text);
        };
        if persisted && !file.as_deref().is_some_and(Path::exists) {
            return Err(CommandError::NotSaved);
        }
        old.shut_down().await;
        let mut manager = old.take_session_manager()?;
        if let Err(err) = manager.create_branched_session(&leaf) {
            *old.session() = manager;
            return Err(err.into());
        }
        self.install(&old, manager)?;
        Ok(target.selected_text)
    }

    /// Stops the current session's work and the tools' commands (at exit).
    pub async fn shut_down(&self) {
        self.session().shut_down().await;
        self.services.kill_running_commands();
    }

    /// Builds the session for `manager` and makes it current, moving the listener over.
    fn install(&self, old: &AgentSession, manager: SessionManager) -> Result<(), CommandError> {
        let next = self.services.build(manager).map_err(CommandError::Setup)?;
        let mut listener = lock(&self.listener);
        if let Some((listener, id)) = listener.as_mut() {
            let forward = Arc::clone(listener);
            let old_id = std::mem::replace(id, next.subscribe(move |event| forward(event)));
            old.unsubscribe(old_id);
        }
        *lock(&self.current) = next;
        // The old session may live on in a handle someone kept; its file must not stay
        // locked (resuming it later would find it "in use").
        if let Ok(manager) = old.take_session_manager() {
            drop(manager);
        }
        Ok(())
    }
}

fn absolute(path: &Path, cwd: &Path) -> PathBuf {
    if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()
            .unwrap_or_else(|_| cwd.to_path_buf())
            .join(path)
    }
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}

/// pi refuses a session whose recorded directory is gone.
fn check_cwd(manager: &SessionManager, current: &Path) -> Result<(), CommandError> {
    let cwd = manager.cwd();
    let Some(file) = manager.session_file() else {
        return Ok(());
    };
    if cwd.as_os_str().is_empty() || cwd.exists() {
        return Ok(());
    }
    Err(CommandError::Setup(format!(
        "Stored session working directory does not exist: {}\nSession file: {}\nCurrent working directory: {}",
        cwd.display(),
        file.display(),
        current.display()
    )))
}

//! [`SessionRuntime`]: the current [`AgentSession`] and the services that build the next
//! one, for the modes that replace their session while running (`new_session`,
//! `switch_session`, `import_from_jsonl`, `fork`, `clone`).
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
use crate::session::{
    NewSessionOptions, SessionError, SessionLocation, SessionManager, resolve_path,
};
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

    /// Reads the configuration of `cwd` again (settings, models, skills, prompt templates,
    /// context files), for the sessions built from now on; the problems found, as lines to
    /// show. Services without configuration of their own have nothing to reload.
    fn reload_configuration(&self, _cwd: &Path) -> Result<Vec<String>, String> {
        Ok(Vec::new())
    }
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
        self.open_replacement(old, target, None, current_file, &cwd)
            .await
    }

    /// Copies the session file at `path` (relative to the process's directory) into the
    /// current session directory and continues it (`/import`), returning where the copy
    /// lives. A name taken there gets a `-1`, `-2`, ... suffix; a file already stored
    /// there is continued in place. The file at `path` is left as it is.
    pub async fn import_from_jsonl(&self, path: &Path) -> Result<PathBuf, CommandError> {
        let _one = self.replacing.lock().await;
        let process_cwd = std::env::current_dir().unwrap_or_default();
        let source = resolve_path(path, &process_cwd);
        if !source.exists() {
            return Err(CommandError::ImportFileNotFound(source));
        }
        let old = self.session();
        let (dir, current_file, cwd) = {
            let session = old.session();
            (
                session.session_dir().to_path_buf(),
                session.session_file().map(Path::to_path_buf),
                session.cwd().to_path_buf(),
            )
        };
        std::fs::create_dir_all(&dir).map_err(|err| SessionError::io(&dir, err))?;
        let name = source.file_name().unwrap_or_default();
        let mut target = dir.join(name);
        if resolve_path(&target, &process_cwd) != source {
            let stem = Path::new(name)
                .file_stem()
                .unwrap_or_default()
                .to_string_lossy();
            let ext = Path::new(name)
                .extension()
                .map(|ext| format!(".{}", ext.to_string_lossy()))
                .unwrap_or_default();
            let mut suffix = 1;
            while target.exists() {
                target = dir.join(format!("{stem}-{suffix}{ext}"));
                suffix += 1;
            }
            copy_new(&source, &target)?;
        }
        self.open_replacement(old, target.clone(), Some(&dir), current_file, &cwd)
            .await?;
        Ok(target)
    }

    /// Stops `old` and makes the session stored at `target` current; on failure `old`
    /// keeps its file.
    async fn open_replacement(
        &self,
        old: AgentSession,
        target: PathBuf,
        session_dir: Option<&Path>,
        current_file: Option<PathBuf>,
        cwd: &Path,
    ) -> Result<(), CommandError> {
        old.shut_down().await;
        // The current file is locked by its session: let go of it before opening it again.
        let released = match &current_file {
            Some(file) if same_file(file, &target) => {
                drop(old.take_session_manager()?);
                true
            }
            _ => false,
        };
        let opened = SessionManager::open(&target, session_dir, None)
            .map_err(CommandError::from)
            .and_then(|manager| {
                check_cwd(&manager, cwd)?;
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

    /// Rebuilds the current session from its own file (or memory) with the configuration
    /// read again (`/reload`); the problems the new configuration has, as lines to show.
    pub async fn reload(&self) -> Result<Vec<String>, CommandError> {
        let _one = self.replacing.lock().await;
        let old = self.session();
        let cwd = old.session().cwd().to_path_buf();
        let notices = self
            .services
            .reload_configuration(&cwd)
            .map_err(CommandError::Setup)?;
        old.shut_down().await;
        let manager = old.take_session_manager()?;
        self.install(&old, manager)?;
        Ok(notices)
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

/// Copies `source` to `target`, which must not exist yet (pi's `COPYFILE_EXCL`).
fn copy_new(source: &Path, target: &Path) -> Result<(), SessionError> {
    let mut from = std::fs::File::open(source).map_err(|err| SessionError::io(source, err))?;
    let mut to = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(target)
        .map_err(|err| SessionError::io(target, err))?;
    if let Err(err) = std::io::copy(&mut from, &mut to) {
        // A half-written copy would be listed as a session.
        drop(to);
        let _ = std::fs::remove_file(target);
        return Err(SessionError::io(target, err));
    }
    Ok(())
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

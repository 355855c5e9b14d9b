//! Where pi keeps its files: the agent directory (`~/.pi/agent`, or `PI_CODING_AGENT_DIR`)
//! and everything derived from it, plus a project's `.pi` directory.

use std::path::{Path, PathBuf};

use super::ConfigError;
use super::env::Env;

/// The variable that moves the agent directory.
pub const AGENT_DIR_VAR: &str = "PI_CODING_AGENT_DIR";
/// The variable that moves session storage (below `--session-dir`, above the setting).
pub const SESSION_DIR_VAR: &str = "PI_CODING_AGENT_SESSION_DIR";
/// The variable that names the directory holding pi's docs and assets.
pub const PACKAGE_DIR_VAR: &str = "PI_PACKAGE_DIR";
/// The name of the per-project configuration directory.
pub const PROJECT_CONFIG_DIR: &str = ".pi";

/// The agent directory and the paths derived from it.
///
/// Built once at startup ([`ConfigPaths::from_env`]) and passed to whatever needs a path,
/// so nothing below reads `PI_CODING_AGENT_DIR` itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigPaths {
    agent_dir: PathBuf,
}

impl ConfigPaths {
    /// The agent directory as pi finds it: `PI_CODING_AGENT_DIR` (with `~` expanded), else
    /// `~/.pi/agent`.
    pub fn from_env(env: &Env) -> Result<Self, ConfigError> {
        if let Some(dir) = env.var(AGENT_DIR_VAR) {
            return Ok(ConfigPaths::new(expand_tilde(dir, env.home())));
        }
        let home = env.home().ok_or(ConfigError::NoHome)?;
        Ok(ConfigPaths::new(
            home.join(PROJECT_CONFIG_DIR).join("agent"),
        ))
    }

    /// Paths under `agent_dir`.
    pub fn new(agent_dir: impl Into<PathBuf>) -> Self {
        ConfigPaths {
            agent_dir: agent_dir.into(),
        }
    }

    /// The agent directory itself.
    pub fn agent_dir(&self) -> &Path {
        &self.agent_dir
    }

    fn file(&self, name: &str) -> PathBuf {
        self.agent_dir.join(name)
    }

    /// `settings.json`: user-level settings.
    pub fn settings(&self) -> PathBuf {
        self.file("settings.json")
    }

    /// `auth.json`: stored API keys and OAuth credentials.
    pub fn auth(&self) -> PathBuf {
        self.file("auth.json")
    }

    /// `models.json`: custom providers, models and overrides.
    pub fn models(&self) -> PathBuf {
        self.file("models.json")
    }

    /// `models-store.json`: the cached model catalog.
    pub fn models_store(&self) -> PathBuf {
        self.file("models-store.json")
    }

    /// `trust.json`: saved project-trust decisions.
    pub fn trust(&self) -> PathBuf {
        self.file("trust.json")
    }

    /// `keybindings.json`: custom key bindings.
    pub fn keybindings(&self) -> PathBuf {
        self.file("keybindings.json")
    }

    /// `crashes.json`: recent crash records.
    pub fn crashes(&self) -> PathBuf {
        self.file("crashes.json")
    }

    /// `pi-debug.log`: the debug log.
    pub fn debug_log(&self) -> PathBuf {
        self.file("pi-debug.log")
    }

    /// `sessions/`: per-project session directories.
    pub fn sessions(&self) -> PathBuf {
        self.file("sessions")
    }

    /// `bin/`: managed binaries, put first on the `PATH` of every tool subprocess.
    pub fn bin(&self) -> PathBuf {
        self.file("bin")
    }

    /// `tools/`: where older versions kept managed binaries.
    pub fn legacy_tools(&self) -> PathBuf {
        self.file("tools")
    }

    /// `prompts/`: user prompt templates.
    pub fn prompts(&self) -> PathBuf {
        self.file("prompts")
    }

    /// `skills/`: user skills.
    pub fn skills(&self) -> PathBuf {
        self.file("skills")
    }

    /// `extensions/`: user extensions.
    pub fn extensions(&self) -> PathBuf {
        self.file("extensions")
    }

    /// `themes/`: user themes.
    pub fn themes(&self) -> PathBuf {
        self.file("themes")
    }

    /// `git/`: git packages installed for the user.
    pub fn git_packages(&self) -> PathBuf {
        self.file("git")
    }

    /// `npm/`: npm packages installed for the user.
    pub fn npm_packages(&self) -> PathBuf {
        self.file("npm")
    }

    /// `SYSTEM.md`: replaces the default system prompt.
    pub fn system_prompt(&self) -> PathBuf {
        self.file("SYSTEM.md")
    }

    /// `APPEND_SYSTEM.md`: appended to the system prompt.
    pub fn append_system_prompt(&self) -> PathBuf {
        self.file("APPEND_SYSTEM.md")
    }
}

/// `<cwd>/.pi`: a project's configuration directory.
pub fn project_config_dir(cwd: &Path) -> PathBuf {
    cwd.join(PROJECT_CONFIG_DIR)
}

/// `<cwd>/.pi/settings.json`: a project's settings.
pub fn project_settings(cwd: &Path) -> PathBuf {
    project_config_dir(cwd).join("settings.json")
}

/// The session directory named by `PI_CODING_AGENT_SESSION_DIR`, with `~` expanded.
pub fn session_dir_from_env(env: &Env) -> Option<PathBuf> {
    env.var(SESSION_DIR_VAR)
        .map(|dir| expand_tilde(dir, env.home()))
}

/// The directory holding pi's docs: `PI_PACKAGE_DIR` if set, else the executable's
/// directory (`<dir>/docs` holds the documentation either way).
pub fn package_dir(env: &Env) -> PathBuf {
    if let Some(dir) = env.var(PACKAGE_DIR_VAR) {
        return expand_tilde(dir, env.home());
    }
    std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(Path::to_path_buf))
        .unwrap_or_default()
}

/// `~` and `~/…` expanded against `home`, as pi expands configured paths. Without a home
/// directory the path is kept as written.
pub fn expand_tilde(path: &str, home: Option<&Path>) -> PathBuf {
    match (path, home) {
        ("~", Some(home)) => home.to_path_buf(),
        (_, Some(home)) if path.starts_with("~/") => home.join(&path[2..]),
        _ => PathBuf::from(path),
    }
}

/// `path` made absolute against `base` (with `~` expanded), `.` and `..` resolved
/// lexically, as Node's `path.resolve` does.
pub fn resolve_path(path: &str, base: &Path, home: Option<&Path>) -> PathBuf {
    let expanded = expand_tilde(path, home);
    let joined = if expanded.is_absolute() {
        expanded
    } else {
        base.join(expanded)
    };
    normalize_lexically(&joined)
}

/// `.` and `..` components removed without touching the file system.
pub fn normalize_lexically(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agent_dir_defaults_under_home_and_follows_the_variable() {
        let env = Env::with_home("/home/u");
        let paths = ConfigPaths::from_env(&env).unwrap();
        assert_eq!(paths.agent_dir(), Path::new("/home/u/.pi/agent"));
        assert_eq!(
            paths.settings(),
            Path::new("/home/u/.pi/agent/settings.json")
        );
        assert_eq!(paths.trust(), Path::new("/home/u/.pi/agent/trust.json"));
        assert_eq!(
            paths.models_store(),
            Path::new("/home/u/.pi/agent/models-store.json")
        );
        assert_eq!(paths.bin(), Path::new("/home/u/.pi/agent/bin"));
        assert_eq!(paths.sessions(), Path::new("/home/u/.pi/agent/sessions"));

        let env = Env::with_home("/home/u").set(AGENT_DIR_VAR, "~/elsewhere");
        let paths = ConfigPaths::from_env(&env).unwrap();
        assert_eq!(paths.auth(), Path::new("/home/u/elsewhere/auth.json"));
        let env = Env::with_home("/home/u").set(AGENT_DIR_VAR, "~");
        assert_eq!(
            ConfigPaths::from_env(&env).unwrap().agent_dir(),
            Path::new("/home/u")
        );
        let env = Env::with_home("/home/u").set(AGENT_DIR_VAR, "/abs/agent");
        assert_eq!(
            ConfigPaths::from_env(&env).unwrap().models(),
            Path::new("/abs/agent/models.json")
        );
    }

    #[test]
    fn no_home_and_no_variable_is_an_error() {
        let err = ConfigPaths::from_env(&Env::default()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "cannot find the home directory; set PI_CODING_AGENT_DIR to choose pi's agent directory"
        );
        let env = Env::default().set(AGENT_DIR_VAR, "/a");
        assert!(ConfigPaths::from_env(&env).is_ok());
    }

    #[test]
    fn project_paths_and_session_dir_variable() {
        assert_eq!(
            project_settings(Path::new("/p")),
            Path::new("/p/.pi/settings.json")
        );
        let env = Env::with_home("/h").set(SESSION_DIR_VAR, "~/s");
        assert_eq!(session_dir_from_env(&env), Some(PathBuf::from("/h/s")));
        assert_eq!(session_dir_from_env(&Env::with_home("/h")), None);
    }

    #[test]
    fn resolve_path_is_lexical() {
        let home = Path::new("/h");
        assert_eq!(
            resolve_path("a/../b/./c", Path::new("/base"), Some(home)),
            PathBuf::from("/base/b/c")
        );
        assert_eq!(
            resolve_path("~/x", Path::new("/base"), Some(home)),
            PathBuf::from("/h/x")
        );
        assert_eq!(
            resolve_path("/abs", Path::new("/base"), Some(home)),
            PathBuf::from("/abs")
        );
        // "~user" is not expanded, as in pi.
        assert_eq!(
            expand_tilde("~user/x", Some(home)),
            PathBuf::from("~user/x")
        );
    }
}

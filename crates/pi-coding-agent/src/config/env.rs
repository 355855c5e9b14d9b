//! The environment configuration reads: a snapshot taken once at startup, so that the logic
//! below never reads process globals and tests can inject any variables they like.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Environment variables and the home directory, as configuration sees them.
///
/// pi treats an empty variable as unset everywhere configuration reads one, so [`Env::var`]
/// never returns an empty string.
#[derive(Debug, Clone, Default)]
pub struct Env {
    vars: HashMap<String, String>,
    home: Option<PathBuf>,
}

impl Env {
    /// The process environment and the user's home directory.
    pub fn from_process() -> Self {
        // Variables that are not UTF-8 cannot name keys or hold values pi uses.
        let vars = std::env::vars_os()
            .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
            .collect();
        Env {
            vars,
            home: std::env::home_dir(),
        }
    }

    /// An empty environment with `home` as the home directory.
    pub fn with_home(home: impl Into<PathBuf>) -> Self {
        Env {
            vars: HashMap::new(),
            home: Some(home.into()),
        }
    }

    /// This environment with `name` set to `value`.
    pub fn set(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.vars.insert(name.into(), value.into());
        self
    }

    /// Sets `name` to `value`.
    pub fn insert(&mut self, name: impl Into<String>, value: impl Into<String>) {
        self.vars.insert(name.into(), value.into());
    }

    /// A variable's value; empty values count as unset.
    pub fn var(&self, name: &str) -> Option<&str> {
        self.vars
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }

    /// A variable whose value has more than whitespace, as pi's provider auth reads them.
    pub fn non_blank(&self, name: &str) -> Option<&str> {
        self.var(name).filter(|v| !v.trim().is_empty())
    }

    /// Whether a flag variable is on (`1`, `true` or `yes`, any case).
    pub fn flag(&self, name: &str) -> bool {
        self.var(name)
            .is_some_and(|v| matches!(v.trim().to_ascii_lowercase().as_str(), "1" | "true" | "yes"))
    }

    /// The home directory, if known.
    pub fn home(&self) -> Option<&Path> {
        self.home.as_deref()
    }

    /// All variables, for child processes.
    pub fn vars(&self) -> impl Iterator<Item = (&str, &str)> {
        self.vars.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_values_are_unset_and_flags_read_like_pi() {
        let env = Env::with_home("/h")
            .set("EMPTY", "")
            .set("BLANK", "  ")
            .set("ON", "Yes")
            .set("OFF", "0");
        assert_eq!(env.var("EMPTY"), None);
        assert_eq!(env.var("BLANK"), Some("  "));
        assert_eq!(env.non_blank("BLANK"), None);
        assert!(env.flag("ON"));
        assert!(!env.flag("OFF"));
        assert!(!env.flag("MISSING"));
        assert_eq!(env.home(), Some(Path::new("/h")));
    }
}

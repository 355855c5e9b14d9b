//! What went wrong while loading resources, and where a resource came from.
//!
//! Both serialize to pi's JSON shapes (`{type, message, path, collision}` and
//! `{path, source, scope, origin, baseDir}`), which RPC clients see in `get_commands`.

use std::path::{Path, PathBuf};

use serde::Serialize;

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DiagnosticKind {
    /// Something was skipped or looks wrong; loading went on.
    Warning,
    /// A configured path is missing.
    Error,
    /// Two resources share a name; the first one loaded wins.
    Collision,
}

/// Which kind of resource a diagnostic is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum ResourceKind {
    /// An `AGENTS.md` or `CLAUDE.md` file.
    ContextFile,
    /// The custom system prompt (`--system-prompt`, `SYSTEM.md`).
    SystemPrompt,
    /// An addendum (`--append-system-prompt`, `APPEND_SYSTEM.md`).
    AppendSystemPrompt,
    /// A skill.
    Skill,
    /// A prompt template (pi calls its collisions `prompt` ones).
    #[serde(rename = "prompt")]
    PromptTemplate,
    /// A theme.
    Theme,
}

/// The two resources a collision is between.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Collision {
    /// Skill or prompt template.
    pub resource_type: ResourceKind,
    /// The shared name.
    pub name: String,
    /// The resource that was kept.
    pub winner_path: PathBuf,
    /// The resource that was skipped.
    pub loser_path: PathBuf,
}

/// One problem met while loading resources.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// Warning, error or collision.
    #[serde(rename = "type")]
    pub kind: DiagnosticKind,
    /// pi's wording of the problem.
    pub message: String,
    /// The file or directory concerned.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<PathBuf>,
    /// For collisions: who won and who lost.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub collision: Option<Collision>,
    /// What was being loaded.
    #[serde(skip)]
    pub resource: ResourceKind,
}

impl Diagnostic {
    /// A warning about `path`.
    pub(crate) fn warning(resource: ResourceKind, message: impl Into<String>, path: &Path) -> Self {
        Diagnostic {
            kind: DiagnosticKind::Warning,
            message: message.into(),
            path: Some(path.to_path_buf()),
            collision: None,
            resource,
        }
    }

    /// An error about `path`.
    pub(crate) fn error(resource: ResourceKind, message: impl Into<String>, path: &Path) -> Self {
        Diagnostic {
            kind: DiagnosticKind::Error,
            ..Diagnostic::warning(resource, message, path)
        }
    }

    /// `loser` was skipped because `winner` already has `name`. pi writes the name of a
    /// prompt template with its slash (`name "/review" collision`).
    pub(crate) fn collision(
        resource: ResourceKind,
        name: &str,
        winner: &Path,
        loser: &Path,
    ) -> Self {
        let shown = match resource {
            ResourceKind::PromptTemplate => format!("/{name}"),
            _ => name.to_string(),
        };
        Diagnostic {
            kind: DiagnosticKind::Collision,
            message: format!("name \"{shown}\" collision"),
            path: Some(loser.to_path_buf()),
            collision: Some(Collision {
                resource_type: resource,
                name: name.to_string(),
                winner_path: winner.to_path_buf(),
                loser_path: loser.to_path_buf(),
            }),
            resource,
        }
    }

    /// The line pi writes to stderr for it: `Warning: …`, `Error: …`, or the bare message.
    pub fn stderr_line(&self) -> String {
        match self.kind {
            DiagnosticKind::Warning => format!("Warning: {}", self.message),
            DiagnosticKind::Error => format!("Error: {}", self.message),
            DiagnosticKind::Collision => self.message.clone(),
        }
    }

    /// Whether pi writes it to stderr while loading, in every mode: unreadable context and
    /// system prompt files. Skill and prompt template diagnostics are not printed in the
    /// print, JSON and RPC modes; the interactive mode lists them with the loaded resources.
    pub fn printed_at_startup(&self) -> bool {
        matches!(
            self.resource,
            ResourceKind::ContextFile
                | ResourceKind::SystemPrompt
                | ResourceKind::AppendSystemPrompt
        )
    }
}

/// Whose a resource is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ResourceScope {
    /// The user's (`~/.pi/agent`, `~/.agents`, user settings).
    User,
    /// The project's (`.pi`, `.agents`, project settings).
    Project,
    /// Given for this run only (`--skill`, `--prompt-template`).
    Temporary,
}

/// How a resource was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ResourceSource {
    /// Discovered in a conventional directory.
    Auto,
    /// Named by a path in settings or on the command line.
    Local,
}

/// Where a resource came from, as pi reports it (`sourceInfo`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SourceInfo {
    /// The resource's file.
    pub path: PathBuf,
    /// Discovered or configured.
    pub source: ResourceSource,
    /// User, project or this run.
    pub scope: ResourceScope,
    /// Always `top-level` (packages, which pi also loads from, are not supported).
    pub origin: &'static str,
    /// The directory its paths are relative to, when pi records one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub base_dir: Option<PathBuf>,
}

impl SourceInfo {
    /// A top-level source.
    pub(crate) fn new(
        path: &Path,
        source: ResourceSource,
        scope: ResourceScope,
        base_dir: Option<&Path>,
    ) -> Self {
        SourceInfo {
            path: path.to_path_buf(),
            source,
            scope,
            origin: "top-level",
            base_dir: base_dir.map(Path::to_path_buf),
        }
    }

    /// The tag pi's interactive autocomplete puts before a description: `u`, `p` or `t`.
    pub fn scope_tag(&self) -> &'static str {
        match self.scope {
            ResourceScope::User => "u",
            ResourceScope::Project => "p",
            ResourceScope::Temporary => "t",
        }
    }

    /// `description` as the autocomplete list shows it: `[u] Review staged changes`.
    pub fn tag_description(&self, description: &str) -> String {
        let tag = self.scope_tag();
        if description.is_empty() {
            format!("[{tag}]")
        } else {
            format!("[{tag}] {description}")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn collisions_serialize_as_pi_reports_them() {
        let diagnostic = Diagnostic::collision(
            ResourceKind::PromptTemplate,
            "review",
            Path::new("/p/review.md"),
            Path::new("/u/review.md"),
        );
        assert_eq!(
            serde_json::to_value(&diagnostic).unwrap(),
            json!({"type": "collision", "message": "name \"/review\" collision",
                "path": "/u/review.md", "collision": {"resourceType": "prompt",
                "name": "review", "winnerPath": "/p/review.md", "loserPath": "/u/review.md"}})
        );
        assert_eq!(diagnostic.stderr_line(), "name \"/review\" collision");
        assert!(!diagnostic.printed_at_startup());
    }

    #[test]
    fn lines_carry_pi_prefixes() {
        let warning = Diagnostic::warning(ResourceKind::ContextFile, "x", Path::new("/a"));
        assert_eq!(warning.stderr_line(), "Warning: x");
        assert!(warning.printed_at_startup());
        let error = Diagnostic::error(ResourceKind::Skill, "y", Path::new("/a"));
        assert_eq!(error.stderr_line(), "Error: y");
    }

    #[test]
    fn source_tags() {
        let info = SourceInfo::new(
            Path::new("/a.md"),
            ResourceSource::Auto,
            ResourceScope::Project,
            None,
        );
        assert_eq!(info.tag_description("Review"), "[p] Review");
        assert_eq!(info.tag_description(""), "[p]");
        assert_eq!(
            serde_json::to_value(&info).unwrap(),
            json!({"path": "/a.md", "source": "auto", "scope": "project", "origin": "top-level"})
        );
    }
}

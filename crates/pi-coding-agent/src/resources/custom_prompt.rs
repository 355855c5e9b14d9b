//! The custom system prompt and its addenda: `--system-prompt` and the repeatable
//! `--append-system-prompt`, or else `SYSTEM.md` and `APPEND_SYSTEM.md` (the project's
//! `.pi/` copy when the project is trusted, then the agent directory's).
//!
//! A value naming an existing file stands for that file's content; any other value is the
//! text itself.

use std::path::{Path, PathBuf};

use super::diagnostics::{Diagnostic, ResourceKind};
use super::paths::{read_text_worded, resolve_lexically, strip_bom_owned};

/// The custom prompt and where it came from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CustomPrompt {
    /// The text replacing pi's default preamble, tools, rules and docs.
    pub text: Option<String>,
    /// The file it was read from.
    pub source: Option<PathBuf>,
}

/// The addenda and where they came from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PromptAddenda {
    /// Each addendum, in order.
    pub texts: Vec<String>,
    /// The files among them.
    pub sources: Vec<PathBuf>,
}

impl PromptAddenda {
    /// The `addendum` section's text: the addenda joined by blank lines.
    pub fn joined(&self) -> String {
        self.texts.join("\n\n")
    }
}

/// What the prompt files are looked up with.
#[derive(Debug, Clone, Copy)]
pub struct PromptFileLookup<'a> {
    /// The working directory (relative values and `.pi/` are resolved against it).
    pub cwd: &'a Path,
    /// The agent directory.
    pub agent_dir: &'a Path,
    /// Whether the project's `.pi/` files may be used.
    pub project_trusted: bool,
}

impl PromptFileLookup<'_> {
    /// The custom prompt: `cli` (`--system-prompt`), else `SYSTEM.md`.
    pub fn system_prompt(
        &self,
        cli: Option<&str>,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> CustomPrompt {
        let discovered = self.discover("SYSTEM.md");
        let value = match (cli, &discovered) {
            (Some(value), _) => value.to_string(),
            (None, Some(path)) => path.to_string_lossy().into_owned(),
            (None, None) => return CustomPrompt::default(),
        };
        let (text, source) = self.resolve(&value, ResourceKind::SystemPrompt, diagnostics);
        CustomPrompt { text, source }
    }

    /// The addenda: `cli` (`--append-system-prompt`, repeatable), else `APPEND_SYSTEM.md`.
    pub fn addenda(&self, cli: &[String], diagnostics: &mut Vec<Diagnostic>) -> PromptAddenda {
        let values: Vec<String> = if cli.is_empty() {
            self.discover("APPEND_SYSTEM.md")
                .map(|path| path.to_string_lossy().into_owned())
                .into_iter()
                .collect()
        } else {
            cli.to_vec()
        };
        let mut addenda = PromptAddenda::default();
        for value in &values {
            let (text, source) = self.resolve(value, ResourceKind::AppendSystemPrompt, diagnostics);
            addenda.texts.extend(text);
            addenda.sources.extend(source);
        }
        addenda
    }

    /// `.pi/<name>` of a trusted project, else `<agent dir>/<name>`, if it exists.
    fn discover(&self, name: &str) -> Option<PathBuf> {
        let project = self.cwd.join(".pi").join(name);
        if self.project_trusted && project.exists() {
            return Some(project);
        }
        let global = self.agent_dir.join(name);
        global.exists().then_some(global)
    }

    /// A value's text (the file's content when it names an existing file) and that file.
    /// An unreadable file is reported and its name used as the text, as pi does.
    fn resolve(
        &self,
        value: &str,
        kind: ResourceKind,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> (Option<String>, Option<PathBuf>) {
        if value.is_empty() {
            return (None, None);
        }
        let path = resolve_lexically(self.cwd, Path::new(value));
        if !path.exists() {
            return (Some(value.to_string()), None);
        }
        let text = match read_text_worded(&path) {
            Ok(text) => strip_bom_owned(text),
            Err((_, worded)) => {
                let what = match kind {
                    ResourceKind::AppendSystemPrompt => "append system prompt",
                    _ => "system prompt",
                };
                diagnostics.push(Diagnostic::warning(
                    kind,
                    format!("Could not read {what} file {value}: Error: {worded}"),
                    &path,
                ));
                value.to_string()
            }
        };
        (Some(text), Some(path))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    struct Dirs {
        _root: tempfile::TempDir,
        cwd: PathBuf,
        agent: PathBuf,
    }

    fn dirs() -> Dirs {
        let root = tempfile::tempdir().unwrap();
        let cwd = root.path().join("project");
        let agent = root.path().join("agent");
        fs::create_dir_all(cwd.join(".pi")).unwrap();
        fs::create_dir_all(&agent).unwrap();
        Dirs {
            _root: root,
            cwd,
            agent,
        }
    }

    fn lookup(dirs: &Dirs, trusted: bool) -> PromptFileLookup<'_> {
        PromptFileLookup {
            cwd: &dirs.cwd,
            agent_dir: &dirs.agent,
            project_trusted: trusted,
        }
    }

    #[test]
    fn flag_values_are_text_or_a_file() {
        let dirs = dirs();
        fs::write(dirs.cwd.join("prompt.md"), "\u{FEFF}From a file.").unwrap();
        let mut diagnostics = Vec::new();
        let prompt = lookup(&dirs, true).system_prompt(Some("prompt.md"), &mut diagnostics);
        assert_eq!(prompt.text.as_deref(), Some("From a file."));
        assert_eq!(prompt.source, Some(dirs.cwd.join("prompt.md")));
        let prompt = lookup(&dirs, true).system_prompt(Some("Be brief."), &mut diagnostics);
        assert_eq!(prompt.text.as_deref(), Some("Be brief."));
        assert_eq!(prompt.source, None);
        let addenda = lookup(&dirs, true).addenda(
            &["One.".into(), "prompt.md".into(), String::new()],
            &mut diagnostics,
        );
        assert_eq!(addenda.joined(), "One.\n\nFrom a file.");
        assert_eq!(addenda.sources, [dirs.cwd.join("prompt.md")]);
        assert!(diagnostics.is_empty());
    }

    #[test]
    fn project_files_need_trust() {
        let dirs = dirs();
        fs::write(dirs.cwd.join(".pi/SYSTEM.md"), "project").unwrap();
        fs::write(dirs.agent.join("SYSTEM.md"), "global").unwrap();
        fs::write(dirs.cwd.join(".pi/APPEND_SYSTEM.md"), "project extra").unwrap();
        let mut diagnostics = Vec::new();
        let trusted = lookup(&dirs, true);
        assert_eq!(
            trusted
                .system_prompt(None, &mut diagnostics)
                .text
                .as_deref(),
            Some("project")
        );
        assert_eq!(
            trusted.addenda(&[], &mut diagnostics).texts,
            ["project extra"]
        );
        let untrusted = lookup(&dirs, false);
        assert_eq!(
            untrusted
                .system_prompt(None, &mut diagnostics)
                .text
                .as_deref(),
            Some("global")
        );
        assert!(untrusted.addenda(&[], &mut diagnostics).texts.is_empty());
        // The flag wins over the files.
        assert_eq!(
            trusted
                .system_prompt(Some("flag"), &mut diagnostics)
                .text
                .as_deref(),
            Some("flag")
        );
    }

    #[test]
    fn an_unreadable_file_is_reported_and_its_name_used() {
        let dirs = dirs();
        fs::create_dir(dirs.cwd.join("adir")).unwrap();
        let mut diagnostics = Vec::new();
        let prompt = lookup(&dirs, true).system_prompt(Some("adir"), &mut diagnostics);
        assert_eq!(prompt.text.as_deref(), Some("adir"));
        assert_eq!(
            diagnostics[0].stderr_line(),
            "Warning: Could not read system prompt file adir: Error: EISDIR: illegal operation on a directory, read"
        );
        assert!(diagnostics[0].printed_at_startup());
    }
}

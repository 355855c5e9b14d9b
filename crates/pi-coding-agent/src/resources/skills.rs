//! Skills (the Agent Skills standard, read leniently): one Markdown file of instructions,
//! usually a directory's `SKILL.md`, described in frontmatter. The system prompt lists each
//! skill's name, description and location; the model reads the file when a task matches.
//!
//! Which files are skills is decided by the discovery walk (`discovery.rs`); this module
//! reads one file, checks it against the standard (problems are warnings; only a missing
//! description or malformed frontmatter keeps a skill out), and writes the prompt listing.

use std::path::{Path, PathBuf};

use serde::Serialize;

use super::diagnostics::{Diagnostic, ResourceKind, SourceInfo};
use super::frontmatter::parse_frontmatter;
use super::paths::{js_trim, read_text_worded};

/// Longest name the standard allows.
const MAX_NAME_LENGTH: usize = 64;
/// Longest description the standard allows.
const MAX_DESCRIPTION_LENGTH: usize = 1024;

/// One loaded skill.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Skill {
    /// Its name: the frontmatter's `name`, else its directory's name.
    pub name: String,
    /// What it does and when to use it.
    pub description: String,
    /// The Markdown file.
    pub file_path: PathBuf,
    /// The file's directory, which relative paths in it are resolved against.
    pub base_dir: PathBuf,
    /// Where it was found.
    pub source_info: SourceInfo,
    /// `disable-model-invocation: true`: left out of the system prompt, so only
    /// `/skill:name` uses it.
    pub disable_model_invocation: bool,
}

/// Reads the skill in `path`. `None` (with the reasons in `diagnostics`) when it cannot be
/// read, its frontmatter is malformed, or it has no description. A Markdown file not named
/// `SKILL.md` that is no skill is passed over silently.
pub(crate) fn load_skill_file(
    path: &Path,
    source_info: SourceInfo,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Skill> {
    let declared = path.file_name().is_some_and(|name| name == "SKILL.md");
    let content = match read_text_worded(path) {
        Ok(content) => content,
        Err((_, worded)) => {
            diagnostics.push(warning(worded, path));
            return None;
        }
    };
    let frontmatter = match parse_frontmatter(&content) {
        Ok(frontmatter) => frontmatter,
        Err(err) => {
            if declared {
                diagnostics.push(warning(err.to_string(), path));
            }
            return None;
        }
    };
    let description = frontmatter.string("description");
    let has_description = description.is_some_and(|text| !js_trim(text).is_empty());
    if !declared && !has_description {
        return None;
    }
    match description {
        Some(text) if has_description => {
            let length = js_length(text);
            if length > MAX_DESCRIPTION_LENGTH {
                diagnostics.push(warning(
                    format!("description exceeds {MAX_DESCRIPTION_LENGTH} characters ({length})"),
                    path,
                ));
            }
        }
        _ => diagnostics.push(warning("description is required", path)),
    }
    let base_dir = path.parent().unwrap_or(path).to_path_buf();
    let name = match frontmatter.string("name") {
        Some(name) if !name.is_empty() => name.to_string(),
        _ => base_dir
            .file_name()
            .map(|dir| dir.to_string_lossy().into_owned())
            .unwrap_or_default(),
    };
    for problem in name_problems(&name) {
        diagnostics.push(warning(problem, path));
    }
    let description = description.filter(|_| has_description)?.to_string();
    Some(Skill {
        name,
        description,
        file_path: path.to_path_buf(),
        base_dir,
        source_info,
        disable_model_invocation: frontmatter.is_true("disable-model-invocation"),
    })
}

fn warning(message: impl Into<String>, path: &Path) -> Diagnostic {
    Diagnostic::warning(ResourceKind::Skill, message, path)
}

/// A string's length as JavaScript counts it (UTF-16 code units).
fn js_length(text: &str) -> usize {
    text.encode_utf16().count()
}

/// What the standard says is wrong with `name`, in pi's words.
fn name_problems(name: &str) -> Vec<String> {
    let mut problems = Vec::new();
    let length = js_length(name);
    if length > MAX_NAME_LENGTH {
        problems.push(format!(
            "name exceeds {MAX_NAME_LENGTH} characters ({length})"
        ));
    }
    let valid_chars = !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if !valid_chars {
        problems.push(
            "name contains invalid characters (must be lowercase a-z, 0-9, hyphens only)".into(),
        );
    }
    if name.starts_with('-') || name.ends_with('-') {
        problems.push("name must not start or end with a hyphen".into());
    }
    if name.contains("--") {
        problems.push("name must not contain consecutive hyphens".into());
    }
    problems
}

/// The tool the model is told to load skill files with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SkillReader {
    /// The `read` tool (preferred when active).
    Read,
    /// `bash`, when `read` is not active.
    Bash,
}

/// The skills listing of the system prompt (its `skills` section, before tagging): an
/// introduction and one `<skill>` element per skill the model may invoke, values XML
/// escaped. Empty when no skill is visible to the model.
pub fn format_skills_for_prompt(skills: &[Skill], reader: SkillReader) -> String {
    let mut visible = skills
        .iter()
        .filter(|skill| !skill.disable_model_invocation)
        .peekable();
    if visible.peek().is_none() {
        return String::new();
    }
    let mut out =
        String::from("The following skills provide specialized instructions for specific tasks.\n");
    out.push_str(match reader {
        SkillReader::Read => {
            "Use the read tool to load a skill's file when the task matches its description.\n"
        }
        SkillReader::Bash => {
            "Use bash to load a skill's file when the task matches its description.\n"
        }
    });
    out.push_str(
        "When a skill file references a relative path, resolve it against the skill directory (parent of SKILL.md / dirname of the path) and use that absolute path in tool commands.\n\n<available_skills>",
    );
    for skill in visible {
        out.push_str("\n  <skill>\n    <name>");
        push_escaped(&mut out, &skill.name);
        out.push_str("</name>\n    <description>");
        push_escaped(&mut out, &skill.description);
        out.push_str("</description>\n    <location>");
        push_escaped(&mut out, &skill.file_path.to_string_lossy());
        out.push_str("</location>\n  </skill>");
    }
    out.push_str("\n</available_skills>");
    out
}

/// Appends `text` with `& < > " '` escaped.
fn push_escaped(out: &mut String, text: &str) {
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            other => out.push(other),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resources::diagnostics::{ResourceScope, ResourceSource};
    use std::fs;

    fn source(path: &Path) -> SourceInfo {
        SourceInfo::new(path, ResourceSource::Auto, ResourceScope::User, None)
    }

    fn load(dir: &Path, relative: &str, text: &str) -> (Option<Skill>, Vec<String>) {
        let path = dir.join(relative);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, text).unwrap();
        let mut diagnostics = Vec::new();
        let skill = load_skill_file(&path, source(&path), &mut diagnostics);
        (skill, diagnostics.into_iter().map(|d| d.message).collect())
    }

    #[test]
    fn reads_name_description_and_flags() {
        let dir = tempfile::tempdir().unwrap();
        let (skill, problems) = load(
            dir.path(),
            "pdf-tools/SKILL.md",
            "---\ndescription: Extract PDFs\ndisable-model-invocation: true\n---\n# PDF\n",
        );
        let skill = skill.unwrap();
        assert_eq!(skill.name, "pdf-tools");
        assert_eq!(skill.description, "Extract PDFs");
        assert_eq!(skill.base_dir, dir.path().join("pdf-tools"));
        assert!(skill.disable_model_invocation);
        assert!(problems.is_empty());
        // The declared name wins over the directory's, without a warning.
        let (skill, problems) = load(
            dir.path(),
            "dir/SKILL.md",
            "---\nname: other\ndescription: d\n---\n",
        );
        assert_eq!(skill.unwrap().name, "other");
        assert!(problems.is_empty());
    }

    #[test]
    fn warnings_have_pi_wording_and_order() {
        let dir = tempfile::tempdir().unwrap();
        let long = "x".repeat(1025);
        let (skill, problems) = load(
            dir.path(),
            "a/SKILL.md",
            &format!("---\nname: -Bad--Name-\ndescription: {long}\n---\n"),
        );
        assert!(skill.is_some());
        assert_eq!(
            problems,
            [
                "description exceeds 1024 characters (1025)",
                "name contains invalid characters (must be lowercase a-z, 0-9, hyphens only)",
                "name must not start or end with a hyphen",
                "name must not contain consecutive hyphens",
            ]
        );
        let (skill, problems) = load(
            dir.path(),
            &format!("{}/SKILL.md", "n".repeat(65)),
            "---\ndescription: ok\n---\n",
        );
        assert!(skill.is_some());
        assert_eq!(problems, ["name exceeds 64 characters (65)"]);
    }

    #[test]
    fn no_description_or_bad_yaml_keeps_a_skill_out() {
        let dir = tempfile::tempdir().unwrap();
        let (skill, problems) = load(dir.path(), "Bad_Dir/SKILL.md", "# no frontmatter");
        assert!(skill.is_none());
        assert_eq!(
            problems,
            [
                "description is required",
                "name contains invalid characters (must be lowercase a-z, 0-9, hyphens only)"
            ]
        );
        let (skill, problems) = load(dir.path(), "y/SKILL.md", "---\na: b: c\n---\n");
        assert!(skill.is_none());
        assert_eq!(problems.len(), 1);
        // Other Markdown files that are no skills are passed over without a word.
        let (skill, problems) = load(dir.path(), "README.md", "---\na: b: c\n---\n");
        assert!(skill.is_none() && problems.is_empty());
        let (skill, problems) = load(dir.path(), "notes.md", "just notes");
        assert!(skill.is_none() && problems.is_empty());
    }

    #[test]
    fn prompt_listing_escapes_and_hides() {
        let skill = |name: &str, description: &str, hidden: bool| Skill {
            name: name.into(),
            description: description.into(),
            file_path: PathBuf::from(format!("/s/{name}/SKILL.md")),
            base_dir: PathBuf::from(format!("/s/{name}")),
            source_info: source(Path::new("/s")),
            disable_model_invocation: hidden,
        };
        let skills = [
            skill("a", "Use <b> & \"c\" 'd'", false),
            skill("h", "hidden", true),
        ];
        assert_eq!(
            format_skills_for_prompt(&skills, SkillReader::Bash),
            "The following skills provide specialized instructions for specific tasks.\n\
             Use bash to load a skill's file when the task matches its description.\n\
             When a skill file references a relative path, resolve it against the skill directory (parent of SKILL.md / dirname of the path) and use that absolute path in tool commands.\n\
             \n\
             <available_skills>\n  <skill>\n    <name>a</name>\n    \
             <description>Use &lt;b&gt; &amp; &quot;c&quot; &apos;d&apos;</description>\n    \
             <location>/s/a/SKILL.md</location>\n  </skill>\n</available_skills>"
        );
        assert_eq!(
            format_skills_for_prompt(&skills[1..], SkillReader::Read),
            ""
        );
    }
}

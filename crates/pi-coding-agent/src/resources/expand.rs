//! What a typed prompt becomes before it is sent: `/skill:name args` turns into the skill's
//! instructions (wrapped in a `<skill>` block the interface recognizes), `/template args`
//! into the template's text; anything else, unknown `/x` commands included, is sent as
//! typed.

use std::path::PathBuf;

use super::frontmatter::strip_frontmatter;
use super::paths::{js_trim, read_text_worded};
use super::prompt_templates::{PromptTemplate, expand_template};
use super::skills::Skill;

/// A skill command whose skill file could not be read back.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct SkillExpansionError {
    /// The skill file.
    pub path: PathBuf,
    /// Why it failed, in pi's words.
    pub message: String,
}

/// The prompt to send for `text`.
///
/// pi 0.87.1 expands skill commands whatever the `enableSkillCommands` setting says (the
/// setting only hides them from the interactive command list); pass `true` to match it,
/// `false` to send `/skill:` text as typed. A skill file that cannot be read leaves the text
/// as typed; [`try_expand_prompt`] reports that case.
///
/// ```
/// use pi_coding_agent::resources::expand_prompt;
///
/// assert_eq!(expand_prompt("/unknown thing", &[], &[], true), "/unknown thing");
/// ```
pub fn expand_prompt(
    text: &str,
    skills: &[Skill],
    templates: &[PromptTemplate],
    enable_skill_commands: bool,
) -> String {
    try_expand_prompt(text, skills, templates, enable_skill_commands)
        .unwrap_or_else(|_| text.to_string())
}

/// [`expand_prompt`], telling when a skill's file could not be read back.
pub fn try_expand_prompt(
    text: &str,
    skills: &[Skill],
    templates: &[PromptTemplate],
    enable_skill_commands: bool,
) -> Result<String, SkillExpansionError> {
    let skill_expanded = if enable_skill_commands {
        expand_skill_command(text, skills)?
    } else {
        None
    };
    let text = skill_expanded.as_deref().unwrap_or(text);
    Ok(expand_template(text, templates).unwrap_or_else(|| text.to_string()))
}

/// `/skill:name args` as the skill block pi sends: the skill's body (frontmatter removed,
/// trimmed) in `<skill name=… location=…>`, with where relative references point, then the
/// arguments after a blank line. `None` when `text` is no command for a known skill; the
/// name ends at the first space.
pub fn expand_skill_command(
    text: &str,
    skills: &[Skill],
) -> Result<Option<String>, SkillExpansionError> {
    let Some(command) = text.strip_prefix("/skill:") else {
        return Ok(None);
    };
    let (name, args) = match command.split_once(' ') {
        Some((name, args)) => (name, js_trim(args)),
        None => (command, ""),
    };
    let Some(skill) = skills.iter().find(|skill| skill.name == name) else {
        return Ok(None);
    };
    let failed = |message: String| SkillExpansionError {
        path: skill.file_path.clone(),
        message,
    };
    let content = read_text_worded(&skill.file_path).map_err(|(_, worded)| failed(worded))?;
    let body = strip_frontmatter(&content).map_err(|err| failed(err.to_string()))?;
    let mut block = format!(
        "<skill name=\"{}\" location=\"{}\">\nReferences are relative to {}.\n\n{}\n</skill>",
        skill.name,
        skill.file_path.display(),
        skill.base_dir.display(),
        js_trim(&body)
    );
    if !args.is_empty() {
        block.push_str("\n\n");
        block.push_str(args);
    }
    Ok(Some(block))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resources::diagnostics::{ResourceScope, ResourceSource, SourceInfo};
    use std::fs;
    use std::path::Path;

    fn skill(dir: &Path, name: &str, text: &str) -> Skill {
        let base_dir = dir.join(name);
        fs::create_dir_all(&base_dir).unwrap();
        let file_path = base_dir.join("SKILL.md");
        fs::write(&file_path, text).unwrap();
        Skill {
            name: name.into(),
            description: "d".into(),
            source_info: SourceInfo::new(
                &file_path,
                ResourceSource::Auto,
                ResourceScope::User,
                None,
            ),
            file_path,
            base_dir,
            disable_model_invocation: true,
        }
    }

    fn template(name: &str, content: &str) -> PromptTemplate {
        PromptTemplate {
            name: name.into(),
            description: String::new(),
            argument_hint: None,
            content: content.into(),
            source_info: SourceInfo::new(
                Path::new("/t.md"),
                ResourceSource::Auto,
                ResourceScope::User,
                None,
            ),
            file_path: PathBuf::from("/t.md"),
        }
    }

    #[test]
    fn skill_commands_become_skill_blocks() {
        let dir = tempfile::tempdir().unwrap();
        let pdf = skill(
            dir.path(),
            "pdf",
            "---\ndescription: d\n---\n\n# PDF\n\nRun scripts/x.sh.\n\n",
        );
        let skills = [pdf.clone()];
        let block = format!(
            "<skill name=\"pdf\" location=\"{}\">\nReferences are relative to {}.\n\n# PDF\n\nRun scripts/x.sh.\n</skill>",
            pdf.file_path.display(),
            pdf.base_dir.display()
        );
        assert_eq!(expand_prompt("/skill:pdf", &skills, &[], true), block);
        assert_eq!(
            expand_prompt("/skill:pdf  extract report.pdf  ", &skills, &[], true),
            format!("{block}\n\nextract report.pdf")
        );
        // Hidden from the model, still usable by command.
        assert!(pdf.disable_model_invocation);
        // Unknown skills, other separators and disabled commands are sent as typed.
        for typed in ["/skill:nope x", "/skill:pdf\nx", "/skill:"] {
            assert_eq!(expand_prompt(typed, &skills, &[], true), typed);
        }
        assert_eq!(
            expand_prompt("/skill:pdf", &skills, &[], false),
            "/skill:pdf"
        );
    }

    #[test]
    fn a_vanished_skill_file_is_reported_and_the_text_kept() {
        let dir = tempfile::tempdir().unwrap();
        let gone = skill(dir.path(), "gone", "x");
        fs::remove_file(&gone.file_path).unwrap();
        let skills = [gone.clone()];
        let err = try_expand_prompt("/skill:gone", &skills, &[], true).unwrap_err();
        assert_eq!(
            err.message,
            format!(
                "ENOENT: no such file or directory, open '{}'",
                gone.file_path.display()
            )
        );
        assert_eq!(
            expand_prompt("/skill:gone", &skills, &[], true),
            "/skill:gone"
        );
    }

    #[test]
    fn templates_expand_after_skills() {
        let dir = tempfile::tempdir().unwrap();
        // A template named like a skill command is never reached by a skill block.
        let skills = [skill(
            dir.path(),
            "fix",
            "---\ndescription: d\n---\nFix it.",
        )];
        let templates = [
            template("review", "Review $1 ($@)"),
            template("skill:fix", "T"),
        ];
        assert_eq!(
            expand_prompt("/review \"a b\" c", &skills, &templates, true),
            "Review a b (a b c)"
        );
        assert!(expand_prompt("/skill:fix", &skills, &templates, true).starts_with("<skill"));
        assert_eq!(expand_prompt("/skill:fix", &skills, &templates, false), "T");
        assert_eq!(expand_prompt("/other", &skills, &templates, true), "/other");
        assert_eq!(expand_prompt("plain", &skills, &templates, true), "plain");
    }
}

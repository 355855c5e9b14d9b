//! pi's resources for one working directory: context files (`AGENTS.md`), the system
//! prompt built from them, skills and prompt templates, and the expansion of `/skill:name`
//! and `/template` prompts; also which theme files to load ([`theme_files`]).
//!
//! Everything configurable comes in as plain values ([`ResourceInputs`]: paths, the
//! project trust decision, the settings' arrays, the command line's flags), so this module
//! reads no settings file and no environment variable itself. [`load`] gathers it all into
//! [`Resources`]; problems come back as [`Diagnostic`]s, none of them fatal.
//!
//! ```
//! use pi_coding_agent::resources::{ResourceInputs, load};
//!
//! let dir = tempfile::tempdir().unwrap();
//! let cwd = dir.path().join("project");
//! std::fs::create_dir_all(cwd.join(".pi/prompts")).unwrap();
//! std::fs::write(cwd.join(".pi/prompts/fix.md"), "Fix $1 now.").unwrap();
//!
//! let inputs = ResourceInputs {
//!     project_trusted: true,
//!     ..ResourceInputs::new(&cwd, dir.path().join("agent"), dir.path().join("home"))
//! };
//! let (resources, diagnostics) = load(&inputs);
//! assert!(diagnostics.is_empty());
//! assert_eq!(resources.expand_prompt("/fix tests", true), "Fix tests now.");
//! ```

mod context_files;
mod custom_prompt;
mod diagnostics;
mod discovery;
mod expand;
mod frontmatter;
mod git;
mod ignore_rules;
mod loader;
mod paths;
mod patterns;
mod prompt_templates;
mod skills;
mod sources;
mod system_prompt;
mod themes;

use std::path::{Path, PathBuf};

use indexmap::IndexMap;

pub use context_files::{CONTEXT_FILE_NAMES, ContextFile, load_context_files};
pub use custom_prompt::{CustomPrompt, PromptAddenda, PromptFileLookup};
pub use diagnostics::{
    Collision, Diagnostic, DiagnosticKind, ResourceKind, ResourceScope, ResourceSource, SourceInfo,
};
pub use expand::{SkillExpansionError, expand_prompt, expand_skill_command, try_expand_prompt};
pub use frontmatter::{Frontmatter, FrontmatterError, parse_frontmatter, strip_frontmatter};
pub use prompt_templates::{PromptTemplate, expand_template, parse_command_args, substitute_args};
pub use skills::{Skill, SkillReader, format_skills_for_prompt};
pub use system_prompt::{
    ExtraSection, InvalidSectionName, PromptTool, SystemPromptInputs, build_sections,
    diff_sections, render_sections, system_message, system_prompt_update,
};
pub use themes::{ThemeEntry, ThemeSources, theme_files};

/// The `skills` and `prompts` arrays of the user's and the project's settings (project ones
/// are used only in a trusted project).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ResourceSettings {
    /// User settings' `skills` (relative paths start at the agent directory).
    pub user_skills: Vec<String>,
    /// Project settings' `skills` (relative paths start at `.pi`).
    pub project_skills: Vec<String>,
    /// User settings' `prompts`.
    pub user_prompts: Vec<String>,
    /// Project settings' `prompts`.
    pub project_prompts: Vec<String>,
}

/// The command line's resource flags.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ResourceFlags {
    /// `--skill` paths (loaded even with `--no-skills`).
    pub skills: Vec<String>,
    /// `--prompt-template` paths (loaded even with `--no-prompt-templates`).
    pub prompt_templates: Vec<String>,
    /// `--no-skills`: no discovered or configured skills.
    pub no_skills: bool,
    /// `--no-prompt-templates`: no discovered or configured templates.
    pub no_prompt_templates: bool,
    /// `--no-context-files`: no `AGENTS.md` / `CLAUDE.md`.
    pub no_context_files: bool,
    /// `--system-prompt`: text or a file.
    pub system_prompt: Option<String>,
    /// `--append-system-prompt`, repeatable: texts or files.
    pub append_system_prompt: Vec<String>,
}

/// Everything [`load`] needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceInputs {
    /// The working directory (absolute).
    pub cwd: PathBuf,
    /// The agent directory (`~/.pi/agent`).
    pub agent_dir: PathBuf,
    /// The home directory (for `~/.agents/skills` and `~` in paths).
    pub home_dir: PathBuf,
    /// Whether the project's own resources may be loaded (see pi's project trust).
    pub project_trusted: bool,
    /// The settings' resource arrays.
    pub settings: ResourceSettings,
    /// The command line's flags.
    pub flags: ResourceFlags,
}

impl ResourceInputs {
    /// Inputs for an untrusted project with no settings and no flags.
    pub fn new(
        cwd: impl Into<PathBuf>,
        agent_dir: impl Into<PathBuf>,
        home_dir: impl Into<PathBuf>,
    ) -> Self {
        ResourceInputs {
            cwd: cwd.into(),
            agent_dir: agent_dir.into(),
            home_dir: home_dir.into(),
            project_trusted: false,
            settings: ResourceSettings::default(),
            flags: ResourceFlags::default(),
        }
    }
}

/// The resources of one working directory.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Resources {
    /// The working directory they were loaded for.
    pub cwd: PathBuf,
    /// Context files, in prompt order.
    pub context_files: Vec<ContextFile>,
    /// Skills, in precedence order.
    pub skills: Vec<Skill>,
    /// Prompt templates, in precedence order.
    pub prompt_templates: Vec<PromptTemplate>,
    /// The custom system prompt, if any.
    pub system_prompt: CustomPrompt,
    /// The system prompt addenda.
    pub append_system_prompt: PromptAddenda,
}

/// Loads the resources `inputs` describe. Diagnostics come in pi's order: skills, prompt
/// templates (collisions last in each), context files, system prompt files.
pub fn load(inputs: &ResourceInputs) -> (Resources, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let settings = &inputs.settings;
    let flags = &inputs.flags;
    let skills = loader::load_skills(
        &source_inputs(inputs, &settings.user_skills, &settings.project_skills),
        flags.no_skills,
        &flags.skills,
        &mut diagnostics,
    );
    let prompt_templates = loader::load_prompt_templates(
        &source_inputs(inputs, &settings.user_prompts, &settings.project_prompts),
        flags.no_prompt_templates,
        &flags.prompt_templates,
        &mut diagnostics,
    );
    let context_files = if flags.no_context_files {
        Vec::new()
    } else {
        load_context_files(&inputs.cwd, &inputs.agent_dir, &mut diagnostics)
    };
    let lookup = PromptFileLookup {
        cwd: &inputs.cwd,
        agent_dir: &inputs.agent_dir,
        project_trusted: inputs.project_trusted,
    };
    let system_prompt = lookup.system_prompt(flags.system_prompt.as_deref(), &mut diagnostics);
    let append_system_prompt = lookup.addenda(&flags.append_system_prompt, &mut diagnostics);
    let resources = Resources {
        cwd: inputs.cwd.clone(),
        context_files,
        skills,
        prompt_templates,
        system_prompt,
        append_system_prompt,
    };
    (resources, diagnostics)
}

/// Where discovery looks, with one kind's settings arrays.
fn source_inputs<'a>(
    inputs: &'a ResourceInputs,
    user_entries: &'a [String],
    project_entries: &'a [String],
) -> sources::SourceInputs<'a> {
    sources::SourceInputs {
        cwd: &inputs.cwd,
        agent_dir: &inputs.agent_dir,
        home_dir: &inputs.home_dir,
        project_trusted: inputs.project_trusted,
        user_entries,
        project_entries,
    }
}

impl Resources {
    /// The system prompt sections for the active `tools`, pointing the `docs` section at
    /// `package_dir`.
    pub fn system_prompt_sections(
        &self,
        tools: &[PromptTool],
        package_dir: &Path,
    ) -> IndexMap<String, String> {
        let addendum = self.append_system_prompt.joined();
        build_sections(&SystemPromptInputs {
            custom_prompt: self.system_prompt.text.as_deref(),
            append: Some(&addendum),
            tools,
            guidelines: &[],
            context_files: &self.context_files,
            skills: &self.skills,
            cwd: &self.cwd,
            package_dir,
            extra_sections: &[],
        })
    }

    /// `text` with a skill command or template expanded (see [`expand_prompt`]).
    pub fn expand_prompt(&self, text: &str, enable_skill_commands: bool) -> String {
        expand_prompt(
            text,
            &self.skills,
            &self.prompt_templates,
            enable_skill_commands,
        )
    }

    /// The skill called `name`.
    pub fn skill(&self, name: &str) -> Option<&Skill> {
        self.skills.iter().find(|skill| skill.name == name)
    }

    /// The prompt template called `name`.
    pub fn prompt_template(&self, name: &str) -> Option<&PromptTemplate> {
        self.prompt_templates
            .iter()
            .find(|template| template.name == name)
    }
}

#[cfg(test)]
mod tests;

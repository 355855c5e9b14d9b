//! pi's resources for one working directory: context files (`AGENTS.md`), the system
//! prompt built from them, skills and prompt templates, and the expansion of `/skill:name`
//! and `/template` prompts.
//!
//! Everything configurable comes in as plain values (paths, the project trust decision,
//! settings arrays, command-line flags), so this module reads no settings file and no
//! environment variable itself.

mod context_files;
mod diagnostics;
mod frontmatter;
mod git;
mod paths;
mod skills;
mod system_prompt;

pub use context_files::{CONTEXT_FILE_NAMES, ContextFile, load_context_files};
pub use diagnostics::{
    Collision, Diagnostic, DiagnosticKind, ResourceKind, ResourceScope, ResourceSource, SourceInfo,
};
pub use frontmatter::{Frontmatter, FrontmatterError, parse_frontmatter, strip_frontmatter};
pub use skills::{Skill, SkillReader, format_skills_for_prompt};
pub use system_prompt::{
    ExtraSection, InvalidSectionName, PromptTool, SystemPromptInputs, build_sections,
    diff_sections, render_sections, system_message, system_prompt_update,
};

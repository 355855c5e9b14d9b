//! Loading the skills and prompt templates of one working directory: the discovered and
//! configured files (`sources.rs`), then the command line's paths, each file once, the
//! first of two with one name kept.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use super::diagnostics::{Diagnostic, ResourceKind, ResourceScope, ResourceSource, SourceInfo};
use super::discovery::{SkillLayout, skill_files};
use super::paths::{
    EntryKind, canonicalize_or_self, is_under, js_trim, path_kind, resolve_input_path,
};
use super::prompt_templates::{PromptTemplate, load_template_file, template_files_in};
use super::skills::{Skill, load_skill_file};
use super::sources::{Candidate, Kind, SourceInputs, candidates};

/// The discovered and configured candidates (unless discovery is off) followed by the
/// command line's paths, resolved and each listed once.
pub(super) fn paths_to_load(
    kind: Kind,
    inputs: &SourceInputs<'_>,
    disabled: bool,
    cli_paths: &[String],
) -> (Vec<PathBuf>, Vec<Candidate>) {
    let found = if disabled {
        Vec::new()
    } else {
        candidates(kind, inputs)
    };
    let mut seen = HashSet::new();
    let mut paths = Vec::new();
    let enabled = found
        .iter()
        .filter(|candidate| candidate.enabled)
        .map(|candidate| candidate.path.clone());
    let cli = cli_paths
        .iter()
        .map(|path| resolve_input_path(path, inputs.cwd, inputs.home_dir));
    for path in enabled.chain(cli) {
        if seen.insert(canonicalize_or_self(&path)) {
            paths.push(path);
        }
    }
    (paths, found)
}

/// The source of a file: its candidate's when it was discovered or configured, else
/// decided by where the command line path that led to it lies.
fn source_of(
    file: &Path,
    found: &[Candidate],
    fallback: impl FnOnce() -> SourceInfo,
) -> SourceInfo {
    found
        .iter()
        .find(|candidate| candidate.path == file)
        .map_or_else(fallback, |candidate| candidate.source_info(file))
}

/// Every skill to offer, and what went wrong finding them (collisions last).
pub(crate) fn load_skills(
    inputs: &SourceInputs<'_>,
    no_skills: bool,
    cli_paths: &[String],
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Skill> {
    let (paths, found) = paths_to_load(Kind::Skills, inputs, no_skills, cli_paths);
    let user_dir = inputs.agent_dir.join("skills");
    let project_dir = inputs.cwd.join(".pi").join("skills");
    let mut skills: Vec<Skill> = Vec::new();
    let mut loaded_files = HashSet::new();
    let mut collisions = Vec::new();
    for path in paths {
        // A command line path under pi's own skill directories counts as theirs.
        let scope = if is_under(&path, &user_dir) {
            ResourceScope::User
        } else if is_under(&path, &project_dir) {
            ResourceScope::Project
        } else {
            ResourceScope::Temporary
        };
        let source = |file: &Path| {
            source_of(file, &found, || {
                SourceInfo::new(file, ResourceSource::Local, scope, file.parent())
            })
        };
        let mut loaded = Vec::new();
        match path_kind(&path) {
            None => diagnostics.push(skill_warning("skill path does not exist", &path)),
            Some(EntryKind::Dir) => {
                for file in skill_files(&path, SkillLayout::Pi) {
                    loaded.extend(load_skill_file(&file, source(&file), diagnostics));
                }
            }
            Some(EntryKind::File) if path.as_os_str().as_encoded_bytes().ends_with(b".md") => {
                loaded.extend(load_skill_file(&path, source(&path), diagnostics));
            }
            Some(_) => diagnostics.push(skill_warning("skill path is not a markdown file", &path)),
        }
        for skill in loaded {
            let real = canonicalize_or_self(&skill.file_path);
            // The same file reached twice (through a symbolic link) is no collision.
            if loaded_files.contains(&real) {
                continue;
            }
            match skills.iter().find(|kept| kept.name == skill.name) {
                Some(kept) => collisions.push(Diagnostic::collision(
                    ResourceKind::Skill,
                    &skill.name,
                    &kept.file_path,
                    &skill.file_path,
                )),
                None => {
                    loaded_files.insert(real);
                    skills.push(skill);
                }
            }
        }
    }
    diagnostics.extend(collisions);
    skills
}

fn skill_warning(message: &str, path: &Path) -> Diagnostic {
    Diagnostic::warning(ResourceKind::Skill, message, path)
}

/// Every prompt template to offer, and what went wrong finding them (collisions last).
pub(crate) fn load_prompt_templates(
    inputs: &SourceInputs<'_>,
    no_prompt_templates: bool,
    cli_paths: &[String],
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<PromptTemplate> {
    let (paths, found) = paths_to_load(Kind::Prompts, inputs, no_prompt_templates, cli_paths);
    let user_dir = inputs.agent_dir.join("prompts");
    let project_dir = inputs.cwd.join(".pi").join("prompts");
    let source = |file: &Path| {
        source_of(file, &found, || {
            let (scope, base) = if is_under(file, &user_dir) {
                (ResourceScope::User, user_dir.as_path())
            } else if is_under(file, &project_dir) {
                (ResourceScope::Project, project_dir.as_path())
            } else {
                (ResourceScope::Temporary, file.parent().unwrap_or(file))
            };
            SourceInfo::new(file, ResourceSource::Local, scope, Some(base))
        })
    };
    let first_diagnostic = diagnostics.len();
    let mut loaded = Vec::new();
    for path in &paths {
        match path_kind(path) {
            Some(EntryKind::Dir) => {
                for file in template_files_in(path) {
                    loaded.extend(load_template_file(&file, source(&file), diagnostics));
                }
            }
            Some(EntryKind::File) if path.as_os_str().as_encoded_bytes().ends_with(b".md") => {
                loaded.extend(load_template_file(path, source(path), diagnostics));
            }
            // Missing paths and other files are passed over here; see below.
            _ => {}
        }
    }
    let mut templates: Vec<PromptTemplate> = Vec::new();
    for template in loaded {
        match templates.iter().find(|kept| kept.name == template.name) {
            Some(kept) => diagnostics.push(Diagnostic::collision(
                ResourceKind::PromptTemplate,
                &template.name,
                &kept.file_path,
                &template.file_path,
            )),
            None => templates.push(template),
        }
    }
    for raw in cli_paths.iter().filter(|raw| is_local(raw)) {
        let path = resolve_input_path(raw, inputs.cwd, inputs.home_dir);
        let reported = diagnostics[first_diagnostic..]
            .iter()
            .any(|diagnostic| diagnostic.path.as_deref() == Some(path.as_path()));
        if path_kind(&path).is_none() && !reported {
            diagnostics.push(Diagnostic::error(
                ResourceKind::PromptTemplate,
                "Prompt template path does not exist",
                &path,
            ));
        }
    }
    templates
}

/// Whether a command line value is a local path rather than a package source.
fn is_local(value: &str) -> bool {
    let value = js_trim(value);
    !["npm:", "git:", "github:", "http:", "https:", "ssh:"]
        .iter()
        .any(|prefix| value.starts_with(prefix))
}

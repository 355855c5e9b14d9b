//! Which skill, prompt template and theme files pi considers before the command line's, and
//! in which order (the first of two with one name wins).
//!
//! Paths from the project's settings come first, then the project's conventional
//! directories (`.pi/skills`, the `.agents/skills` of the cwd and its ancestors,
//! `.pi/prompts`, `.pi/themes`), then paths from the user's settings, then the user's
//! directories (`<agent dir>/skills`, `~/.agents/skills`, `<agent dir>/prompts`,
//! `<agent dir>/themes`). Project resources are only considered in a trusted project. Each
//! file is listed once (by canonical path), with whether the settings' patterns leave it
//! enabled.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use indexmap::IndexMap;

use super::diagnostics::{ResourceScope, ResourceSource, SourceInfo};
use super::discovery::{
    SkillLayout, ancestor_agents_skill_dirs, json_files, markdown_files, prompt_files, skill_files,
    theme_files,
};
use super::paths::{EntryKind, canonicalize_or_self, path_kind, resolve_input_path};
use super::patterns::{apply_patterns, enabled_by_overrides, is_pattern};

/// The resource kinds found this way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Skills.
    Skills,
    /// Prompt templates.
    Prompts,
    /// Themes.
    Themes,
}

/// Where to look and the settings arrays of one kind (`skills` or `prompts`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct SourceInputs<'a> {
    pub cwd: &'a Path,
    pub agent_dir: &'a Path,
    pub home_dir: &'a Path,
    pub project_trusted: bool,
    /// The user settings' array (paths relative to the agent directory).
    pub user_entries: &'a [String],
    /// The project settings' array (paths relative to `.pi`).
    pub project_entries: &'a [String],
}

/// One file considered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Candidate {
    pub path: PathBuf,
    pub source: ResourceSource,
    pub scope: ResourceScope,
    /// The directory pi records for a discovered file.
    pub base_dir: Option<PathBuf>,
    /// Whether the settings' patterns leave it on.
    pub enabled: bool,
}

impl Candidate {
    /// Its `sourceInfo`.
    pub fn source_info(&self, path: &Path) -> SourceInfo {
        SourceInfo::new(path, self.source, self.scope, self.base_dir.as_deref())
    }

    fn rank(&self) -> u8 {
        let scope = match self.scope {
            ResourceScope::Project => 0,
            _ => 2,
        };
        scope
            + match self.source {
                ResourceSource::Local => 0,
                ResourceSource::Auto => 1,
            }
    }
}

/// The files of `kind` to consider, in precedence order.
pub(crate) fn candidates(kind: Kind, inputs: &SourceInputs<'_>) -> Vec<Candidate> {
    let mut found: IndexMap<PathBuf, Candidate> = IndexMap::new();
    let project_base = inputs.cwd.join(".pi");
    let project_entries: &[String] = if inputs.project_trusted {
        inputs.project_entries
    } else {
        &[]
    };
    configured(
        kind,
        project_entries,
        ResourceScope::Project,
        &project_base,
        inputs.home_dir,
        &mut found,
    );
    configured(
        kind,
        inputs.user_entries,
        ResourceScope::User,
        inputs.agent_dir,
        inputs.home_dir,
        &mut found,
    );
    let mut discover = |files: Vec<PathBuf>, scope, base: &Path, overrides: &[String]| {
        for path in files {
            let enabled = enabled_by_overrides(&path, overrides, base);
            found.entry(path.clone()).or_insert(Candidate {
                path,
                source: ResourceSource::Auto,
                scope,
                base_dir: Some(base.to_path_buf()),
                enabled,
            });
        }
    };
    let user_agents_skills = inputs.home_dir.join(".agents").join("skills");
    match kind {
        Kind::Skills => {
            if inputs.project_trusted {
                discover(
                    skill_files(&project_base.join("skills"), SkillLayout::Pi),
                    ResourceScope::Project,
                    &project_base,
                    project_entries,
                );
                for dir in ancestor_agents_skill_dirs(inputs.cwd) {
                    if dir == user_agents_skills {
                        continue;
                    }
                    let base = dir.parent().unwrap_or(&dir).to_path_buf();
                    discover(
                        skill_files(&dir, SkillLayout::Agents),
                        ResourceScope::Project,
                        &base,
                        project_entries,
                    );
                }
            }
            discover(
                skill_files(&inputs.agent_dir.join("skills"), SkillLayout::Pi),
                ResourceScope::User,
                inputs.agent_dir,
                inputs.user_entries,
            );
            let agents_base = inputs.home_dir.join(".agents");
            discover(
                skill_files(&user_agents_skills, SkillLayout::Agents),
                ResourceScope::User,
                &agents_base,
                inputs.user_entries,
            );
        }
        Kind::Prompts => {
            if inputs.project_trusted {
                discover(
                    prompt_files(&project_base.join("prompts")),
                    ResourceScope::Project,
                    &project_base,
                    project_entries,
                );
            }
            discover(
                prompt_files(&inputs.agent_dir.join("prompts")),
                ResourceScope::User,
                inputs.agent_dir,
                inputs.user_entries,
            );
        }
        Kind::Themes => {
            if inputs.project_trusted {
                discover(
                    theme_files(&project_base.join("themes")),
                    ResourceScope::Project,
                    &project_base,
                    project_entries,
                );
            }
            discover(
                theme_files(&inputs.agent_dir.join("themes")),
                ResourceScope::User,
                inputs.agent_dir,
                inputs.user_entries,
            );
        }
    }
    let mut ordered: Vec<Candidate> = found.into_values().collect();
    ordered.sort_by_key(Candidate::rank);
    let mut seen = HashSet::new();
    ordered.retain(|candidate| seen.insert(canonicalize_or_self(&candidate.path)));
    ordered
}

/// The files a settings array names, each enabled or not by its patterns.
fn configured(
    kind: Kind,
    entries: &[String],
    scope: ResourceScope,
    base: &Path,
    home: &Path,
    found: &mut IndexMap<PathBuf, Candidate>,
) {
    if entries.is_empty() {
        return;
    }
    let (patterns, plain): (Vec<&str>, Vec<&str>) = entries
        .iter()
        .map(String::as_str)
        .partition(|entry| is_pattern(entry));
    let mut files = Vec::new();
    for entry in plain {
        let path = resolve_input_path(entry, base, home);
        match path_kind(&path) {
            Some(EntryKind::File) => files.push(path),
            Some(EntryKind::Dir) => files.extend(match kind {
                Kind::Skills => skill_files(&path, SkillLayout::Pi),
                Kind::Prompts => markdown_files(&path),
                Kind::Themes => json_files(&path),
            }),
            _ => {}
        }
    }
    let enabled = apply_patterns(&files, &patterns, base);
    for (path, enabled) in files.into_iter().zip(enabled) {
        found.entry(path.clone()).or_insert(Candidate {
            path,
            source: ResourceSource::Local,
            scope,
            base_dir: None,
            enabled,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn touch(root: &Path, relative: &str) {
        let path = root.join(relative);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, "").unwrap();
    }

    #[test]
    fn precedence_trust_and_patterns() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        let home = root.join("home");
        let agent = home.join(".pi/agent");
        let cwd = root.join("repo/app");
        fs::create_dir_all(root.join("repo/.git")).unwrap();
        for file in [
            "home/.pi/agent/skills/user-a/SKILL.md",
            "home/.pi/agent/skills/user-b/SKILL.md",
            "home/.agents/skills/agents-user/SKILL.md",
            "home/extra/settings-user/SKILL.md",
            "repo/app/.pi/skills/project/SKILL.md",
            "repo/app/.pi/more/settings-project/SKILL.md",
            "repo/.agents/skills/repo-level/SKILL.md",
            ".agents/skills/above-repo/SKILL.md",
        ] {
            touch(&root, file);
        }
        let user_entries = vec!["../../extra".to_string(), "!user-b".to_string()];
        let project_entries = vec!["more".to_string()];
        let inputs = SourceInputs {
            cwd: &cwd,
            agent_dir: &agent,
            home_dir: &home,
            project_trusted: true,
            user_entries: &user_entries,
            project_entries: &project_entries,
        };
        let listed = |inputs: &SourceInputs| {
            candidates(Kind::Skills, inputs)
                .into_iter()
                .map(|c| {
                    let dir = c
                        .path
                        .parent()
                        .unwrap()
                        .file_name()
                        .unwrap()
                        .to_string_lossy()
                        .into_owned();
                    (dir, c.scope, c.source, c.enabled)
                })
                .collect::<Vec<_>>()
        };
        use ResourceScope::{Project, User};
        use ResourceSource::{Auto, Local};
        assert_eq!(
            listed(&inputs),
            [
                ("settings-project".to_string(), Project, Local, true),
                ("project".to_string(), Project, Auto, true),
                ("repo-level".to_string(), Project, Auto, true),
                ("settings-user".to_string(), User, Local, true),
                ("user-a".to_string(), User, Auto, true),
                ("user-b".to_string(), User, Auto, false),
                ("agents-user".to_string(), User, Auto, true),
            ]
        );
        let untrusted = SourceInputs {
            project_trusted: false,
            ..inputs
        };
        let names: Vec<String> = listed(&untrusted).into_iter().map(|c| c.0).collect();
        assert_eq!(names, ["settings-user", "user-a", "user-b", "agents-user"]);
    }

    #[test]
    fn prompts_directories_and_settings() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let agent = root.join("agent");
        let cwd = root.join("p");
        for file in [
            "agent/prompts/review.md",
            "agent/prompts/nested/not-listed.md",
            "p/.pi/prompts/review.md",
            "agent/library/deep/listed.md",
            "agent/library/skip.md",
        ] {
            touch(root, file);
        }
        let user_entries = vec!["library".to_string(), "!skip.md".to_string()];
        let inputs = SourceInputs {
            cwd: &cwd,
            agent_dir: &agent,
            home_dir: root,
            project_trusted: true,
            user_entries: &user_entries,
            project_entries: &[],
        };
        let listed: Vec<(String, bool)> = candidates(Kind::Prompts, &inputs)
            .into_iter()
            .map(|c| {
                (
                    c.path.strip_prefix(root).unwrap().display().to_string(),
                    c.enabled,
                )
            })
            .collect();
        assert_eq!(
            listed,
            [
                ("p/.pi/prompts/review.md".to_string(), true),
                ("agent/library/deep/listed.md".to_string(), true),
                ("agent/library/skip.md".to_string(), false),
                ("agent/prompts/review.md".to_string(), true),
            ]
        );
    }
}

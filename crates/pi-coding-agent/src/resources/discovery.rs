//! Which files in a resource directory are skills, prompt templates or themes.
//!
//! Every walk lists entries in name order, follows symbolic links, passes over hidden
//! entries, `node_modules` and broken links, and honours ignore files (see
//! `ignore_rules.rs`). Errors reading a directory end that directory's walk silently, as in
//! pi.

use std::path::{Path, PathBuf};

use super::ignore_rules::IgnoreRules;
use super::paths::{DirEntry, EntryKind, read_dir_sorted, resolve_lexically};

/// The two layouts of skill directories.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SkillLayout {
    /// pi's own (`~/.pi/agent/skills`, `.pi/skills`, configured directories): Markdown
    /// files directly in the directory are skills too.
    Pi,
    /// The Agent Skills one (`.agents/skills`): Markdown files directly in the directory
    /// are not skills, those in grouping subdirectories are.
    Agents,
}

/// The skill files under `dir`: a directory holding `SKILL.md` is one skill (nothing below
/// it is looked at); elsewhere Markdown files count as `layout` says.
pub(crate) fn skill_files(dir: &Path, layout: SkillLayout) -> Vec<PathBuf> {
    let mut files = Vec::new();
    if dir.is_dir() {
        let mut rules = IgnoreRules::new(dir);
        walk_skills(dir, dir, layout, &mut rules, &mut files);
    }
    files
}

fn walk_skills(
    dir: &Path,
    root: &Path,
    layout: SkillLayout,
    rules: &mut IgnoreRules,
    files: &mut Vec<PathBuf>,
) {
    rules.add_dir(dir);
    let Ok(entries) = read_dir_sorted(dir) else {
        return;
    };
    let skill_file = entries.iter().find(|entry| {
        entry.name == "SKILL.md"
            && entry.kind == EntryKind::File
            && !rules.is_ignored(&entry.path, false)
    });
    if let Some(skill_file) = skill_file {
        files.push(skill_file.path.clone());
        return;
    }
    let at_root = dir == root;
    for entry in entries.iter().filter(|entry| walkable(entry)) {
        let markdown_counts = match layout {
            SkillLayout::Pi => at_root,
            SkillLayout::Agents => !at_root,
        };
        match entry.kind {
            EntryKind::File
                if entry.is_markdown()
                    && markdown_counts
                    && !rules.is_ignored(&entry.path, false) =>
            {
                files.push(entry.path.clone());
            }
            EntryKind::Dir if !rules.is_ignored(&entry.path, true) => {
                walk_skills(&entry.path, root, layout, rules, files);
            }
            _ => {}
        }
    }
}

/// The Markdown files directly in `dir` (a conventional prompts directory).
pub(crate) fn prompt_files(dir: &Path) -> Vec<PathBuf> {
    top_level_files(dir, b".md")
}

/// The JSON files directly in `dir` (a conventional themes directory).
pub(crate) fn theme_files(dir: &Path) -> Vec<PathBuf> {
    top_level_files(dir, b".json")
}

/// Every Markdown file under `dir`, at any depth (a prompts directory named in settings).
pub(crate) fn markdown_files(dir: &Path) -> Vec<PathBuf> {
    nested_files(dir, b".md")
}

/// Every JSON file under `dir`, at any depth (a themes directory named in settings).
pub(crate) fn json_files(dir: &Path) -> Vec<PathBuf> {
    nested_files(dir, b".json")
}

/// The files directly in `dir` whose names end with `suffix`.
fn top_level_files(dir: &Path, suffix: &[u8]) -> Vec<PathBuf> {
    let Ok(entries) = read_dir_sorted(dir) else {
        return Vec::new();
    };
    let mut rules = IgnoreRules::new(dir);
    rules.add_dir(dir);
    entries
        .into_iter()
        .filter(|entry| {
            walkable(entry) && entry.kind == EntryKind::File && entry.name_bytes().ends_with(suffix)
        })
        .filter(|entry| !rules.is_ignored(&entry.path, false))
        .map(|entry| entry.path)
        .collect()
}

/// The files under `dir`, at any depth, whose names end with `suffix`.
fn nested_files(dir: &Path, suffix: &[u8]) -> Vec<PathBuf> {
    let mut files = Vec::new();
    if dir.is_dir() {
        let mut rules = IgnoreRules::new(dir);
        walk_files(dir, suffix, &mut rules, &mut files);
    }
    files
}

fn walk_files(dir: &Path, suffix: &[u8], rules: &mut IgnoreRules, files: &mut Vec<PathBuf>) {
    rules.add_dir(dir);
    let Ok(entries) = read_dir_sorted(dir) else {
        return;
    };
    for entry in entries.iter().filter(|entry| walkable(entry)) {
        let is_dir = entry.kind == EntryKind::Dir;
        if rules.is_ignored(&entry.path, is_dir) {
            continue;
        }
        match entry.kind {
            EntryKind::Dir => walk_files(&entry.path, suffix, rules, files),
            EntryKind::File if entry.name_bytes().ends_with(suffix) => {
                files.push(entry.path.clone());
            }
            _ => {}
        }
    }
}

/// Hidden entries and `node_modules` are never walked into.
fn walkable(entry: &DirEntry) -> bool {
    !entry.is_hidden() && entry.name != "node_modules"
}

/// The project `.agents/skills` directories: in `cwd` and each directory above it, up to
/// the repository root (or the filesystem root outside a repository), nearest first.
pub(crate) fn ancestor_agents_skill_dirs(cwd: &Path) -> Vec<PathBuf> {
    let repo_root = super::git::repo_root(cwd);
    let mut dirs = Vec::new();
    for dir in cwd.ancestors() {
        dirs.push(resolve_lexically(dir, Path::new(".agents/skills")));
        if repo_root.as_deref() == Some(dir) {
            break;
        }
    }
    dirs
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

    fn relative(root: &Path, files: Vec<PathBuf>) -> Vec<String> {
        files
            .into_iter()
            .map(|f| f.strip_prefix(root).unwrap().display().to_string())
            .collect()
    }

    fn skill_tree() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for file in [
            "top.md",
            "README.txt",
            "alpha/SKILL.md",
            "alpha/nested/SKILL.md",
            "alpha/notes.md",
            "group/beta/SKILL.md",
            "group/loose.md",
            ".hidden/SKILL.md",
            "node_modules/pkg/SKILL.md",
            "skipped/SKILL.md",
            "kept/SKILL.md",
        ] {
            touch(root, file);
        }
        fs::write(root.join(".gitignore"), "skipped/\n").unwrap();
        dir
    }

    #[test]
    fn pi_layout_takes_root_markdown_and_stops_at_skill_roots() {
        let dir = skill_tree();
        assert_eq!(
            relative(dir.path(), skill_files(dir.path(), SkillLayout::Pi)),
            [
                "alpha/SKILL.md",
                "group/beta/SKILL.md",
                "kept/SKILL.md",
                "top.md"
            ]
        );
    }

    #[test]
    fn agents_layout_takes_grouped_markdown_only() {
        let dir = skill_tree();
        assert_eq!(
            relative(dir.path(), skill_files(dir.path(), SkillLayout::Agents)),
            [
                "alpha/SKILL.md",
                "group/beta/SKILL.md",
                "group/loose.md",
                "kept/SKILL.md"
            ]
        );
    }

    #[cfg(unix)]
    #[test]
    fn symbolic_links_are_followed() {
        let dir = skill_tree();
        std::os::unix::fs::symlink(dir.path().join("alpha"), dir.path().join("linked")).unwrap();
        std::os::unix::fs::symlink(dir.path().join("gone"), dir.path().join("broken")).unwrap();
        let files = relative(dir.path(), skill_files(dir.path(), SkillLayout::Pi));
        assert!(files.contains(&"linked/SKILL.md".to_string()));
        assert!(!files.iter().any(|f| f.starts_with("broken")));
    }

    #[test]
    fn prompt_directories() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for file in [
            "b.md",
            "a.md",
            "x.txt",
            ".h.md",
            "sub/deep.md",
            "ignored.md",
        ] {
            touch(root, file);
        }
        fs::write(root.join(".fdignore"), "ignored.md\n").unwrap();
        assert_eq!(relative(root, prompt_files(root)), ["a.md", "b.md"]);
        assert_eq!(
            relative(root, markdown_files(root)),
            ["a.md", "b.md", "sub/deep.md"]
        );
        assert!(prompt_files(&root.join("missing")).is_empty());
    }

    #[test]
    fn agents_dirs_stop_at_the_repository_root() {
        let dir = tempfile::tempdir().unwrap();
        let repo = dir.path().join("repo");
        fs::create_dir_all(repo.join(".git")).unwrap();
        fs::create_dir_all(repo.join("a/b")).unwrap();
        assert_eq!(
            relative(dir.path(), ancestor_agents_skill_dirs(&repo.join("a/b"))),
            [
                "repo/a/b/.agents/skills",
                "repo/a/.agents/skills",
                "repo/.agents/skills"
            ]
        );
    }
}

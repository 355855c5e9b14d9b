//! Context files: the `AGENTS.md` / `CLAUDE.md` instructions pi puts in the system prompt.
//!
//! The agent directory's file comes first, then one file per directory from the filesystem
//! root down to the working directory. In each directory the first of
//! [`CONTEXT_FILE_NAMES`] that is a readable file is taken (`AGENTS.override.md` thus
//! replaces that directory's `AGENTS.md`, and only there). A file already taken is not
//! taken twice, and in a linked worktree nested inside its main checkout the main
//! checkout's file is dropped when the worktree has its own copy.

use std::fs;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::diagnostics::{Diagnostic, ResourceKind};
use super::git::find_checkout;
use super::paths::{canonicalize_or_self, read_text_worded, strip_bom_owned};
use crate::tools::node_error;

/// The names looked for in each directory, in order of preference.
pub const CONTEXT_FILE_NAMES: [&str; 5] = [
    "AGENTS.override.md",
    "AGENTS.md",
    "AGENTS.MD",
    "CLAUDE.md",
    "CLAUDE.MD",
];

/// One context file and its text (byte order mark removed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ContextFile {
    /// Its absolute path.
    pub path: PathBuf,
    /// Its content.
    pub content: String,
}

/// The context files for `cwd`, in the order the system prompt lists them. Files that
/// exist but cannot be read are reported and the next name is tried.
pub fn load_context_files(
    cwd: &Path,
    agent_dir: &Path,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<ContextFile> {
    let mut files = Vec::new();
    if let Some(global) = context_file_in(agent_dir, diagnostics) {
        files.push(global);
    }
    let shadowed = shadowed_context_file(cwd);
    let mut ancestors = Vec::new();
    for dir in cwd.ancestors() {
        let Some(file) = context_file_in(dir, diagnostics) else {
            continue;
        };
        let is_shadowed = shadowed
            .as_deref()
            .is_some_and(|shadowed| canonicalize_or_self(&file.path) == shadowed);
        let seen = files.iter().chain(&ancestors).any(|f| f.path == file.path);
        if !is_shadowed && !seen {
            ancestors.push(file);
        }
    }
    files.extend(ancestors.into_iter().rev());
    files
}

/// The context file of one directory. Entries with a context file's name that are not
/// files (directories named `AGENTS.md`) are passed over.
fn context_file_in(dir: &Path, diagnostics: &mut Vec<Diagnostic>) -> Option<ContextFile> {
    for name in CONTEXT_FILE_NAMES {
        let path = dir.join(name);
        if !path.exists() {
            continue;
        }
        let meta = match fs::metadata(&path) {
            Ok(meta) => meta,
            Err(err) => {
                unreadable(&path, &node_error(&err, "stat", Some(&path)), diagnostics);
                continue;
            }
        };
        if !meta.is_file() {
            continue;
        }
        match read_text_worded(&path) {
            Ok(content) => {
                let content = strip_bom_owned(content);
                return Some(ContextFile { path, content });
            }
            Err((_, worded)) => unreadable(&path, &worded, diagnostics),
        }
    }
    None
}

/// pi's warning for a context file it cannot read (Node prints the error as `Error: …`).
fn unreadable(path: &Path, error: &str, diagnostics: &mut Vec<Diagnostic>) {
    diagnostics.push(Diagnostic::warning(
        ResourceKind::ContextFile,
        format!("Could not read {}: Error: {error}", path.display()),
        path,
    ));
}

/// In a linked worktree that lives inside its main checkout, both checkouts are the same
/// project: the main checkout's context file (canonical path) is left out when the
/// worktree root has its own, so the same instructions are not given twice.
fn shadowed_context_file(cwd: &Path) -> Option<PathBuf> {
    let checkout = find_checkout(cwd)?;
    let common_git_dir = canonicalize_or_self(&checkout.common_git_dir);
    let worktree_root = canonicalize_or_self(&checkout.repo_dir);
    let main_root = common_git_dir.parent()?;
    // An ordinary checkout (the same directory) and a sibling worktree are left alone.
    if worktree_root == main_root || !worktree_root.starts_with(main_root) {
        return None;
    }
    // A bare layout or a submodule has no main work tree owning that git directory.
    if canonicalize_or_self(&main_root.join(".git")) != common_git_dir {
        return None;
    }
    let own = context_file_in(&worktree_root, &mut Vec::new())?;
    Some(main_root.join(own.path.file_name()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(path: &Path, text: &str) {
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }

    fn paths(files: &[ContextFile], root: &Path) -> Vec<String> {
        files
            .iter()
            .map(|f| f.path.strip_prefix(root).unwrap().display().to_string())
            .collect()
    }

    #[test]
    fn global_first_then_root_to_cwd_one_per_directory() {
        let root = tempfile::tempdir().unwrap();
        let root = root.path().canonicalize().unwrap();
        let agent = root.join("agent");
        let cwd = root.join("a/b/c");
        fs::create_dir_all(&cwd).unwrap();
        write(&agent.join("CLAUDE.md"), "global");
        write(&root.join("a/AGENTS.MD"), "\u{FEFF}upper");
        write(&root.join("a/CLAUDE.md"), "not taken");
        // A directory with a context file's name is skipped.
        fs::create_dir_all(root.join("a/b/AGENTS.md")).unwrap();
        write(&root.join("a/b/CLAUDE.MD"), "b");
        write(&cwd.join("AGENTS.override.md"), "override");
        write(&cwd.join("AGENTS.md"), "shadowed by the override");

        let mut diagnostics = Vec::new();
        let files = load_context_files(&cwd, &agent, &mut diagnostics);
        assert_eq!(
            paths(&files, &root),
            [
                "agent/CLAUDE.md",
                "a/AGENTS.MD",
                "a/b/CLAUDE.MD",
                "a/b/c/AGENTS.override.md"
            ]
        );
        assert_eq!(files[1].content, "upper");
        assert!(diagnostics.is_empty());
    }

    #[test]
    fn agent_dir_inside_the_project_is_not_listed_twice() {
        let root = tempfile::tempdir().unwrap();
        let cwd = root.path().join("p");
        write(&cwd.join("AGENTS.md"), "x");
        let files = load_context_files(&cwd, &cwd, &mut Vec::new());
        assert_eq!(files.len(), 1);
    }

    /// `/proc/self/mem` is a file that opens but cannot be read from offset 0 (even as
    /// root, unlike a file without read permission).
    #[cfg(target_os = "linux")]
    #[test]
    fn unreadable_files_warn_and_the_next_name_is_tried() {
        let root = tempfile::tempdir().unwrap();
        let cwd = root.path().join("p");
        write(&cwd.join("CLAUDE.md"), "fallback");
        let broken = cwd.join("AGENTS.md");
        std::os::unix::fs::symlink("/proc/self/mem", &broken).unwrap();
        let mut diagnostics = Vec::new();
        let files = load_context_files(&cwd, &root.path().join("agent"), &mut diagnostics);
        assert_eq!(files.last().unwrap().content, "fallback");
        assert_eq!(
            diagnostics[0].stderr_line(),
            format!(
                "Warning: Could not read {}: Error: EIO: i/o error, read",
                broken.display()
            )
        );
        assert!(diagnostics[0].printed_at_startup());
    }

    #[test]
    fn nested_linked_worktree_drops_the_main_checkout_copy() {
        let root = tempfile::tempdir().unwrap();
        let repo = root.path().canonicalize().unwrap().join("repo");
        let git = repo.join(".git");
        write(&git.join("HEAD"), "ref: refs/heads/main\n");
        write(&git.join("worktrees/feat/HEAD"), "x\n");
        write(&git.join("worktrees/feat/commondir"), "../..\n");
        write(&repo.join("AGENTS.md"), "main");
        let feat = repo.join(".worktrees/feat");
        write(
            &feat.join(".git"),
            &format!("gitdir: {}\n", git.join("worktrees/feat").display()),
        );
        write(&feat.join("AGENTS.md"), "feat");
        let files = load_context_files(&feat, &root.path().join("agent"), &mut Vec::new());
        let contents: Vec<_> = files.iter().map(|f| f.content.as_str()).collect();
        assert_eq!(contents, ["feat"]);

        // Without its own copy the worktree inherits the main one.
        fs::remove_file(feat.join("AGENTS.md")).unwrap();
        let files = load_context_files(&feat, &root.path().join("agent"), &mut Vec::new());
        assert_eq!(files[0].content, "main");
    }
}

//! The little pi needs to know about git repositories to find resources: where a
//! repository's root is and whether a checkout is a linked worktree nested in its main one.

use std::fs;
use std::path::{Path, PathBuf};

use super::paths::{js_trim, read_text, resolve_lexically};

/// The nearest directory at or above `start` holding a `.git` entry of any kind: where
/// project `.agents/skills` discovery stops.
pub(crate) fn repo_root(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .find(|dir| dir.join(".git").exists())
        .map(Path::to_path_buf)
}

/// A checkout: its work tree and the git directory shared by all its worktrees.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Checkout {
    /// The directory holding `.git`.
    pub repo_dir: PathBuf,
    /// The common git directory (the main repository's `.git` for a linked worktree).
    pub common_git_dir: PathBuf,
}

/// The checkout containing `cwd`, read from `.git` (a directory, or a `gitdir:` file with an
/// optional `commondir`); `None` when there is none or it looks broken.
pub(crate) fn find_checkout(cwd: &Path) -> Option<Checkout> {
    for dir in cwd.ancestors() {
        let git = dir.join(".git");
        let Ok(meta) = fs::metadata(&git) else {
            continue;
        };
        if meta.is_dir() {
            if !git.join("HEAD").exists() {
                return None;
            }
            return Some(Checkout {
                repo_dir: dir.to_path_buf(),
                common_git_dir: git,
            });
        }
        if !meta.is_file() {
            continue;
        }
        let content = read_text(&git).ok()?;
        // A `.git` file that is not a `gitdir:` pointer is passed over.
        let Some(target) = js_trim(&content).strip_prefix("gitdir: ") else {
            continue;
        };
        let git_dir = resolve_lexically(dir, Path::new(js_trim(target)));
        if !git_dir.join("HEAD").exists() {
            return None;
        }
        let common_git_dir = match read_text(&git_dir.join("commondir")) {
            Ok(common) => resolve_lexically(&git_dir, Path::new(js_trim(&common))),
            Err(_) => git_dir,
        };
        return Some(Checkout {
            repo_dir: dir.to_path_buf(),
            common_git_dir,
        });
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_root_and_linked_worktrees() {
        let root = tempfile::tempdir().unwrap();
        let repo = root.path().join("repo");
        fs::create_dir_all(repo.join(".git/worktrees/feat")).unwrap();
        fs::write(repo.join(".git/HEAD"), "ref: refs/heads/main\n").unwrap();
        fs::write(repo.join(".git/worktrees/feat/HEAD"), "x\n").unwrap();
        fs::write(repo.join(".git/worktrees/feat/commondir"), "../..\n").unwrap();
        let feat = repo.join("wt/feat");
        fs::create_dir_all(feat.join("src")).unwrap();
        fs::write(
            feat.join(".git"),
            format!("gitdir: {}\n", repo.join(".git/worktrees/feat").display()),
        )
        .unwrap();

        assert_eq!(repo_root(&repo.join("a/b")), Some(repo.clone()));
        assert_eq!(repo_root(&feat.join("src")), Some(feat.clone()));
        let checkout = find_checkout(&feat.join("src")).unwrap();
        assert_eq!(checkout.repo_dir, feat);
        assert_eq!(checkout.common_git_dir, repo.join(".git"));
        let main = find_checkout(&repo).unwrap();
        assert_eq!(main.common_git_dir, repo.join(".git"));
    }
}

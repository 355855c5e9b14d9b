//! The git branch the footer shows, read from the repository's files rather than by running
//! git: `HEAD` of the checkout (a linked worktree's own `HEAD` too), and for repositories
//! whose refs live in a reftable (where `HEAD` reads `ref: refs/heads/.invalid`) the `HEAD`
//! record of the reftable stack.

use std::path::{Component, Path, PathBuf};
use std::time::SystemTime;

/// Where a checkout keeps what the footer reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GitPaths {
    /// The directory holding `.git`.
    pub repo_dir: PathBuf,
    /// The checkout's git directory (a linked worktree's own one).
    pub git_dir: PathBuf,
    /// The repository's shared git directory (the main `.git` for a linked worktree).
    pub common_git_dir: PathBuf,
}

impl GitPaths {
    /// The checkout containing `cwd`: the nearest `.git` directory, or `.git` file pointing
    /// elsewhere (`gitdir: …`, with `commondir` for worktrees), whose git directory has a
    /// `HEAD`. A `.git` file that is no pointer is passed over, as in pi.
    pub fn find(cwd: &Path) -> Option<GitPaths> {
        for dir in cwd.ancestors() {
            let dot_git = dir.join(".git");
            let Ok(meta) = std::fs::metadata(&dot_git) else {
                continue;
            };
            if meta.is_dir() {
                if !dot_git.join("HEAD").exists() {
                    return None;
                }
                return Some(GitPaths {
                    repo_dir: dir.to_path_buf(),
                    git_dir: dot_git.clone(),
                    common_git_dir: dot_git,
                });
            }
            let content = std::fs::read_to_string(&dot_git).ok()?;
            let Some(target) = content.trim().strip_prefix("gitdir: ") else {
                continue;
            };
            let git_dir = resolve(dir, Path::new(target.trim()));
            if !git_dir.join("HEAD").exists() {
                return None;
            }
            let common_git_dir = match std::fs::read_to_string(git_dir.join("commondir")) {
                Ok(common) => resolve(&git_dir, Path::new(common.trim())),
                Err(_) => git_dir.clone(),
            };
            return Some(GitPaths {
                repo_dir: dir.to_path_buf(),
                git_dir,
                common_git_dir,
            });
        }
        None
    }

    /// The checkout's `HEAD` file.
    pub fn head_path(&self) -> PathBuf {
        self.git_dir.join("HEAD")
    }

    /// The branch checked out: its name, `detached` when `HEAD` names a commit, `None` when
    /// `HEAD` cannot be read.
    pub fn branch(&self) -> Option<String> {
        let head = std::fs::read_to_string(self.head_path()).ok()?;
        let Some(branch) = head.trim().strip_prefix("ref: refs/heads/") else {
            return Some(DETACHED.to_owned());
        };
        if branch != ".invalid" {
            return Some(branch.to_owned());
        }
        // A reftable repository: `HEAD` is in the checkout's reftable stack.
        let target = reftable::head_target(&self.git_dir.join("reftable"));
        Some(match target {
            Some(target) => target
                .strip_prefix("refs/heads/")
                .unwrap_or(&target)
                .to_owned(),
            None => DETACHED.to_owned(),
        })
    }
}

/// What the footer shows for a `HEAD` that names a commit rather than a branch.
const DETACHED: &str = "detached";

/// `path` resolved against `base` without touching the file system (`..` removes the
/// component before it), as Node's `path.resolve` does.
fn resolve(base: &Path, path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in base.join(path).components() {
        match component {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// The footer's git branch, kept up to date cheaply: [`GitBranch::refresh`] re-reads only
/// when `HEAD` (or the reftable stack) changed, which costs a `stat` or two.
#[derive(Debug, Clone)]
pub struct GitBranch {
    paths: Option<GitPaths>,
    branch: Option<String>,
    stamps: [Option<(SystemTime, u64)>; 2],
}

impl GitBranch {
    /// The branch of the checkout containing `cwd` (none outside a repository).
    pub fn new(cwd: &Path) -> GitBranch {
        let paths = GitPaths::find(cwd);
        let mut branch = GitBranch {
            branch: paths.as_ref().and_then(GitPaths::branch),
            stamps: [None, None],
            paths,
        };
        branch.stamps = branch.current_stamps();
        branch
    }

    /// The branch name, `detached`, or `None` outside a repository.
    pub fn get(&self) -> Option<&str> {
        self.branch.as_deref()
    }

    /// Re-reads the branch if the files it comes from changed; whether it changed.
    pub fn refresh(&mut self) -> bool {
        let stamps = self.current_stamps();
        if stamps == self.stamps {
            return false;
        }
        self.stamps = stamps;
        let branch = self.paths.as_ref().and_then(GitPaths::branch);
        let changed = branch != self.branch;
        self.branch = branch;
        changed
    }

    fn current_stamps(&self) -> [Option<(SystemTime, u64)>; 2] {
        let stamp = |path: PathBuf| {
            let meta = std::fs::metadata(path).ok()?;
            Some((meta.modified().ok()?, meta.len()))
        };
        match &self.paths {
            Some(paths) => [
                stamp(paths.head_path()),
                stamp(paths.git_dir.join("reftable").join("tables.list")),
            ],
            None => [None, None],
        }
    }
}

/// Just enough of git's reftable format to find where `HEAD` points.
mod reftable {
    use std::path::Path;

    /// The target of the `HEAD` symbolic ref in the reftable stack at `dir` (newest table
    /// first); `None` when `HEAD` names a commit, is deleted, or cannot be read (git would
    /// fail there too, and pi shows `detached`).
    pub(super) fn head_target(dir: &Path) -> Option<String> {
        let list = std::fs::read_to_string(dir.join("tables.list")).ok()?;
        for table in list.lines().rev().filter(|name| !name.is_empty()) {
            let data = std::fs::read(dir.join(table)).ok()?;
            match find_head(&data)? {
                Some(Head::Symref(target)) => return Some(target),
                Some(Head::Other) => return None,
                None => continue,
            }
        }
        None
    }

    enum Head {
        Symref(String),
        /// An object id or a deletion.
        Other,
    }

    /// The `HEAD` record of one table (`Some(None)` when the table has none), looked for in
    /// its first ref block, as `HEAD` sorts before every `refs/` name; `None` when the table
    /// cannot be read.
    fn find_head(data: &[u8]) -> Option<Option<Head>> {
        if data.get(0..4)? != b"REFT" {
            return None;
        }
        let (header_len, hash_len) = match *data.get(4)? {
            1 => (24, 20),
            2 => (28, if data.get(24..28)? == b"s256" { 32 } else { 20 }),
            _ => return None,
        };
        if *data.get(header_len)? != b'r' {
            // No ref block at all: a table of logs only.
            return Some(None);
        }
        // The first block's length counts the file header.
        let block_len = be(data.get(header_len + 1..header_len + 4)?);
        let block = data.get(..block_len)?;
        let restarts = be(block.get(block_len.checked_sub(2)?..)?);
        let records_end = block_len.checked_sub(2 + 3 * restarts)?;
        let mut reader = Reader {
            data: block.get(..records_end)?,
            pos: header_len + 4,
        };
        let mut name: Vec<u8> = Vec::new();
        while reader.pos < records_end {
            let prefix = reader.varint()?;
            let suffix_and_type = reader.varint()?;
            let suffix = reader.take(suffix_and_type >> 3)?;
            name.truncate(prefix);
            name.extend_from_slice(suffix);
            reader.varint()?; // update index delta
            let value = match suffix_and_type & 7 {
                0 => Head::Other,
                1 => {
                    reader.take(hash_len)?;
                    Head::Other
                }
                2 => {
                    reader.take(2 * hash_len)?;
                    Head::Other
                }
                3 => {
                    let len = reader.varint()?;
                    Head::Symref(String::from_utf8_lossy(reader.take(len)?).into_owned())
                }
                _ => return None,
            };
            match name.as_slice().cmp(b"HEAD".as_slice()) {
                std::cmp::Ordering::Equal => return Some(Some(value)),
                std::cmp::Ordering::Greater => return Some(None),
                std::cmp::Ordering::Less => {}
            }
        }
        Some(None)
    }

    /// A big-endian unsigned integer.
    fn be(bytes: &[u8]) -> usize {
        bytes
            .iter()
            .fold(0usize, |value, byte| (value << 8) | usize::from(*byte))
    }

    struct Reader<'a> {
        data: &'a [u8],
        pos: usize,
    }

    impl<'a> Reader<'a> {
        fn take(&mut self, len: usize) -> Option<&'a [u8]> {
            let bytes = self.data.get(self.pos..self.pos.checked_add(len)?)?;
            self.pos += len;
            Some(bytes)
        }

        /// git's variable-length integer (each continuation adds one before shifting).
        fn varint(&mut self) -> Option<usize> {
            let mut byte = *self.take(1)?.first()?;
            let mut value = usize::from(byte & 0x7f);
            while byte & 0x80 != 0 {
                byte = *self.take(1)?.first()?;
                value = value
                    .checked_add(1)?
                    .checked_mul(128)?
                    .checked_add(usize::from(byte & 0x7f))?;
            }
            Some(value)
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::reftable;

    proptest! {
        /// Whatever a table file holds, reading it never panics.
        #[test]
        fn any_table_bytes_are_read_safely(
            version in 0u8..4,
            body in proptest::collection::vec(any::<u8>(), 0..400),
        ) {
            let dir = tempfile::tempdir().unwrap();
            let mut data = b"REFT".to_vec();
            data.push(version);
            data.extend_from_slice(&body);
            std::fs::write(dir.path().join("t.ref"), data).unwrap();
            std::fs::write(dir.path().join("tables.list"), "t.ref\n").unwrap();
            let _ = reftable::head_target(dir.path());
        }
    }
}

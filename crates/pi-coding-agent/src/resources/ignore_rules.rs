//! The `.gitignore`, `.ignore` and `.fdignore` rules pi honours while walking a resource
//! directory.
//!
//! pi gathers every rule file met on the way down into one list, each line prefixed with its
//! directory's path relative to the walk's root (a leading `/` dropped first), and matches
//! paths relative to that root. The prefix anchors a nested file's patterns to its own
//! directory, and at the root a `/pattern` is no longer anchored: both quirks are kept.

use std::path::Path;

use ignore::gitignore::{Gitignore, GitignoreBuilder};

use super::paths::{js_trim, read_text, relative_posix};

const IGNORE_FILE_NAMES: [&str; 3] = [".gitignore", ".ignore", ".fdignore"];

/// The rules gathered so far during one walk.
#[derive(Debug, Clone)]
pub(crate) struct IgnoreRules {
    root: std::path::PathBuf,
    lines: Vec<String>,
    matcher: Gitignore,
}

impl IgnoreRules {
    /// No rules yet, for a walk starting at `root`.
    pub fn new(root: &Path) -> Self {
        IgnoreRules {
            root: root.to_path_buf(),
            lines: Vec::new(),
            matcher: Gitignore::empty(),
        }
    }

    /// Adds the rule files of `dir` (a directory under the root).
    pub fn add_dir(&mut self, dir: &Path) {
        let relative = relative_posix(&self.root, dir);
        let prefix = if relative.is_empty() {
            String::new()
        } else {
            format!("{relative}/")
        };
        let before = self.lines.len();
        for name in IGNORE_FILE_NAMES {
            let Ok(content) = read_text(&dir.join(name)) else {
                continue;
            };
            for line in content.split('\n') {
                let line = line.strip_suffix('\r').unwrap_or(line);
                if let Some(pattern) = prefixed_pattern(line, &prefix) {
                    self.lines.push(pattern);
                }
            }
        }
        if self.lines.len() != before {
            self.rebuild();
        }
    }

    fn rebuild(&mut self) {
        let mut builder = GitignoreBuilder::new(&self.root);
        for line in &self.lines {
            // A pattern the glob syntax rejects matches nothing.
            let _ = builder.add_line(None, line);
        }
        self.matcher = builder.build().unwrap_or_else(|_| Gitignore::empty());
    }

    /// Whether `path` (under the root) or a directory above it is ignored.
    pub fn is_ignored(&self, path: &Path, is_dir: bool) -> bool {
        if self.lines.is_empty() {
            return false;
        }
        let relative = path.strip_prefix(&self.root).unwrap_or(path);
        if relative.as_os_str().is_empty() || relative.has_root() {
            return false;
        }
        self.matcher
            .matched_path_or_any_parents(relative, is_dir)
            .is_ignore()
    }
}

/// A rule line rewritten for the walk's root: `None` for blank lines and comments.
fn prefixed_pattern(line: &str, prefix: &str) -> Option<String> {
    let trimmed = js_trim(line);
    if trimmed.is_empty() || trimmed.starts_with('#') {
        return None;
    }
    let (negated, pattern) = match line.strip_prefix('!') {
        Some(rest) => (true, rest),
        // An escaped `!` is a literal one.
        None => (
            false,
            line.strip_prefix('\\')
                .filter(|rest| rest.starts_with('!'))
                .unwrap_or(line),
        ),
    };
    let pattern = pattern.strip_prefix('/').unwrap_or(pattern);
    let bang = if negated { "!" } else { "" };
    Some(format!("{bang}{prefix}{pattern}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    #[test]
    fn nested_rules_are_anchored_to_their_directory() {
        let root = tempfile::tempdir().unwrap();
        let root = root.path();
        fs::create_dir_all(root.join("sub/deep")).unwrap();
        fs::write(
            root.join(".gitignore"),
            "# comment\n/build\n*.tmp\n!keep.tmp\n",
        )
        .unwrap();
        fs::write(root.join("sub/.ignore"), "secret.md\r\ncache/\n").unwrap();
        let mut rules = IgnoreRules::new(root);
        rules.add_dir(root);
        rules.add_dir(&root.join("sub"));

        assert!(rules.is_ignored(&root.join("x.tmp"), false));
        assert!(!rules.is_ignored(&root.join("keep.tmp"), false));
        // `/build` lost its anchor at the root.
        assert!(rules.is_ignored(&root.join("sub/build"), true));
        assert!(rules.is_ignored(&root.join("sub/secret.md"), false));
        // ... while `sub/.ignore`'s patterns only apply directly in `sub`.
        assert!(!rules.is_ignored(&root.join("sub/deep/secret.md"), false));
        assert!(rules.is_ignored(&root.join("sub/cache"), true));
        assert!(!rules.is_ignored(&root.join("sub/cache"), false));
        // Inside an ignored directory everything is ignored.
        assert!(rules.is_ignored(&root.join("build/SKILL.md"), false));
    }

    #[test]
    fn prefixes() {
        assert_eq!(prefixed_pattern("  ", "a/"), None);
        assert_eq!(prefixed_pattern("#x", "a/"), None);
        assert_eq!(prefixed_pattern("!/x", "a/").as_deref(), Some("!a/x"));
        assert_eq!(prefixed_pattern("\\!x", "a/").as_deref(), Some("a/!x"));
        assert_eq!(prefixed_pattern("/x", "").as_deref(), Some("x"));
    }
}

//! The patterns of the `skills` and `prompts` settings arrays.
//!
//! An entry is a path (file or directory) unless it starts with `!`, `+` or `-` or holds
//! `*` or `?`. Globs narrow the files the paths found; `!glob` excludes; `+path` puts an
//! exact path back; `-path` takes an exact path out, whatever else says. The same `!`, `+`
//! and `-` entries switch automatically discovered resources of that scope off and on.
//!
//! A glob is tried against the file's path relative to the settings' base directory, its
//! name and its absolute path; for a `SKILL.md`, also against its directory's. An exact
//! path is compared with the relative and the absolute path (`./` ignored).

use std::path::{Component, Path, PathBuf};

use globset::{GlobBuilder, GlobMatcher};

/// Whether a settings entry is a pattern rather than a path.
pub(crate) fn is_pattern(entry: &str) -> bool {
    is_override(entry) || entry.contains('*') || entry.contains('?')
}

fn is_override(entry: &str) -> bool {
    entry.starts_with('!') || entry.starts_with('+') || entry.starts_with('-')
}

/// Which of `files` the `patterns` leave enabled (includes, then excludes, then forced
/// includes, then forced excludes).
pub(crate) fn apply_patterns(files: &[PathBuf], patterns: &[&str], base: &Path) -> Vec<bool> {
    let mut includes = Vec::new();
    let mut excludes = Vec::new();
    let mut force_includes = Vec::new();
    let mut force_excludes = Vec::new();
    for pattern in patterns {
        if let Some(rest) = pattern.strip_prefix('+') {
            force_includes.push(rest);
        } else if let Some(rest) = pattern.strip_prefix('-') {
            force_excludes.push(rest);
        } else if let Some(rest) = pattern.strip_prefix('!') {
            excludes.push(rest);
        } else {
            includes.push(*pattern);
        }
    }
    let includes = globs(&includes);
    let excludes = globs(&excludes);
    files
        .iter()
        .map(|file| {
            let mut enabled = includes.is_empty() || matches_any(file, &includes, base);
            if enabled && matches_any(file, &excludes, base) {
                enabled = false;
            }
            if !enabled && matches_exact(file, &force_includes, base) {
                enabled = true;
            }
            enabled && !matches_exact(file, &force_excludes, base)
        })
        .collect()
}

/// Whether the `!`, `+` and `-` entries of a settings array leave a discovered `file` on.
pub(crate) fn enabled_by_overrides(file: &Path, entries: &[String], base: &Path) -> bool {
    let mut excludes = Vec::new();
    let mut force_includes = Vec::new();
    let mut force_excludes = Vec::new();
    for entry in entries {
        if let Some(rest) = entry.strip_prefix('!') {
            excludes.push(rest);
        } else if let Some(rest) = entry.strip_prefix('+') {
            force_includes.push(rest);
        } else if let Some(rest) = entry.strip_prefix('-') {
            force_excludes.push(rest);
        }
    }
    let mut enabled = !matches_any(file, &globs(&excludes), base);
    if matches_exact(file, &force_includes, base) {
        enabled = true;
    }
    enabled && !matches_exact(file, &force_excludes, base)
}

/// Globs as minimatch reads them (`*` stops at `/`); a glob that does not parse matches
/// nothing.
fn globs(patterns: &[&str]) -> Vec<GlobMatcher> {
    patterns
        .iter()
        .filter_map(|pattern| {
            GlobBuilder::new(&pattern.replace('\\', "/"))
                .literal_separator(true)
                .build()
                .ok()
                .map(|glob| glob.compile_matcher())
        })
        .collect()
}

/// The spellings of a file a pattern is tried against.
fn candidates(file: &Path, base: &Path) -> Vec<String> {
    let mut out = vec![
        relative_path(base, file),
        file.file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_default(),
        posix(file),
    ];
    if file.file_name().is_some_and(|name| name == "SKILL.md")
        && let Some(dir) = file.parent()
    {
        out.push(relative_path(base, dir));
        out.push(
            dir.file_name()
                .map(|name| name.to_string_lossy().into_owned())
                .unwrap_or_default(),
        );
        out.push(posix(dir));
    }
    out
}

fn matches_any(file: &Path, globs: &[GlobMatcher], base: &Path) -> bool {
    if globs.is_empty() {
        return false;
    }
    let candidates = candidates(file, base);
    globs
        .iter()
        .any(|glob| candidates.iter().any(|candidate| glob.is_match(candidate)))
}

fn matches_exact(file: &Path, patterns: &[&str], base: &Path) -> bool {
    if patterns.is_empty() {
        return false;
    }
    let mut spellings = vec![relative_path(base, file), posix(file)];
    if file.file_name().is_some_and(|name| name == "SKILL.md")
        && let Some(dir) = file.parent()
    {
        spellings.push(relative_path(base, dir));
        spellings.push(posix(dir));
    }
    patterns.iter().any(|pattern| {
        let pattern = pattern
            .strip_prefix("./")
            .or_else(|| pattern.strip_prefix(".\\"))
            .unwrap_or(pattern)
            .replace('\\', "/");
        spellings.contains(&pattern)
    })
}

fn posix(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

/// `path` relative to `base` as Node's `path.relative` writes it (`..` where needed, empty
/// for the same directory), with `/` separators.
pub(crate) fn relative_path(base: &Path, path: &Path) -> String {
    let base: Vec<Component> = base.components().collect();
    let path_parts: Vec<Component> = path.components().collect();
    let common = base
        .iter()
        .zip(&path_parts)
        .take_while(|(a, b)| a == b)
        .count();
    let mut parts: Vec<String> = base[common..].iter().map(|_| "..".to_string()).collect();
    parts.extend(
        path_parts[common..]
            .iter()
            .map(|part| part.as_os_str().to_string_lossy().into_owned()),
    );
    parts.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths(list: &[&str]) -> Vec<PathBuf> {
        list.iter().map(PathBuf::from).collect()
    }

    #[test]
    fn relative_paths_like_node() {
        assert_eq!(
            relative_path(Path::new("/a/b"), Path::new("/a/b/c/d")),
            "c/d"
        );
        assert_eq!(relative_path(Path::new("/a/b"), Path::new("/a/x")), "../x");
        assert_eq!(relative_path(Path::new("/a"), Path::new("/a")), "");
    }

    #[test]
    fn patterns_filter_in_order() {
        let base = Path::new("/cfg");
        let files = paths(&[
            "/cfg/skills/a/SKILL.md",
            "/cfg/skills/b/SKILL.md",
            "/cfg/skills/notes.md",
        ]);
        assert_eq!(apply_patterns(&files, &[], base), [true, true, true]);
        // A glob on the skill's directory name.
        assert_eq!(apply_patterns(&files, &["a*"], base), [true, false, false]);
        assert_eq!(
            apply_patterns(&files, &["skills/*"], base),
            [true, true, true]
        );
        assert_eq!(apply_patterns(&files, &["!b"], base), [true, false, true]);
        // `SKILL.md` is a Markdown file too.
        assert_eq!(
            apply_patterns(&files, &["!*.md"], base),
            [false, false, false]
        );
        assert_eq!(
            apply_patterns(&files, &["!notes.md"], base),
            [true, true, false]
        );
        assert_eq!(
            apply_patterns(&files, &["!skills/*", "+skills/b"], base),
            [false, true, false]
        );
        assert_eq!(
            apply_patterns(&files, &["+./skills/b", "-/cfg/skills/b/SKILL.md"], base),
            [true, false, true]
        );
    }

    #[test]
    fn overrides_switch_discovered_files() {
        let base = Path::new("/home/.pi/agent");
        let file = Path::new("/home/.pi/agent/skills/pdf/SKILL.md");
        let entries = |list: &[&str]| list.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert!(enabled_by_overrides(file, &entries(&["other/path"]), base));
        assert!(!enabled_by_overrides(file, &entries(&["!pdf"]), base));
        assert!(enabled_by_overrides(
            file,
            &entries(&["!pdf", "+skills/pdf"]),
            base
        ));
        assert!(!enabled_by_overrides(
            file,
            &entries(&["-skills/pdf"]),
            base
        ));
        assert!(is_pattern("*.md") && is_pattern("!x") && !is_pattern("./skills"));
    }
}

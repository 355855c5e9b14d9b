//! `@` file search: walks the project with the `ignore` crate (hidden files included,
//! `.gitignore` respected, `.git` skipped, symlinks followed), keeps paths that contain the
//! query, and ranks file-name matches, shallow paths and directories first.

use std::path::{Path, PathBuf};

use crate::components::SelectItem;

use super::paths::completion_value;

/// Most entries collected per search, as pi's `fd --max-results`.
const MAX_RESULTS: usize = 100;
/// Most directory entries looked at per search, so a huge tree cannot stall typing.
const MAX_VISITED: usize = 50_000;
/// Suggestions shown.
const MAX_SUGGESTIONS: usize = 20;

/// A file or directory found by [`search_files`], relative to the search root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileEntry {
    /// Path with `/` separators; directories end in `/`.
    pub path: String,
    /// Whether it is a directory.
    pub is_dir: bool,
}

/// Finds up to `max_results` entries under `root` whose path (or, for a query without `/`,
/// whose name) contains `query`, ignoring case unless the query has capitals. `max_depth`
/// limits the depth (1 is the root's own entries).
pub fn search_files(
    root: &Path,
    query: &str,
    max_results: usize,
    max_depth: Option<usize>,
) -> Vec<FileEntry> {
    let smart_case = query.chars().any(char::is_uppercase);
    let needle = if smart_case {
        query.to_owned()
    } else {
        query.to_lowercase()
    };
    let full_path = query.contains('/');
    let mut builder = ignore::WalkBuilder::new(root);
    builder
        .hidden(false)
        .follow_links(true)
        .require_git(false)
        .max_depth(max_depth);
    builder.filter_entry(|e| e.file_name() != ".git");
    builder.sort_by_file_name(std::cmp::Ord::cmp);
    let mut out = Vec::new();
    for (visited, entry) in builder.build().flatten().enumerate() {
        if visited > MAX_VISITED || out.len() >= max_results {
            break;
        }
        if entry.depth() == 0 {
            continue;
        }
        let Ok(relative) = entry.path().strip_prefix(root) else {
            continue;
        };
        let mut path = relative.to_string_lossy().replace('\\', "/");
        let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
        let haystack = if full_path {
            path.clone()
        } else {
            entry.file_name().to_string_lossy().into_owned()
        };
        let haystack = if smart_case {
            haystack
        } else {
            haystack.to_lowercase()
        };
        if !needle.is_empty() && !haystack.contains(&needle) {
            continue;
        }
        if is_dir {
            path.push('/');
        }
        out.push(FileEntry { path, is_dir });
    }
    out
}

fn score(path: &str, query: &str, is_dir: bool) -> u32 {
    let name = path
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or(path)
        .to_lowercase();
    let q = query.to_lowercase();
    let mut s = if name == q {
        100
    } else if name.starts_with(&q) {
        80
    } else if name.contains(&q) {
        50
    } else if path.to_lowercase().contains(&q) {
        30
    } else {
        0
    };
    if is_dir && s > 0 {
        s += 10;
    }
    s
}

/// Suggestions for `@<query>`.
pub(crate) fn fuzzy_file_suggestions(
    base: &Path,
    home: Option<&Path>,
    query: &str,
    quoted: bool,
) -> Vec<SelectItem> {
    // `@src/comp` searches for `comp` inside `src/`.
    let scoped = query.rfind('/').and_then(|slash| {
        let display_base = query.get(..=slash)?;
        let rest = query.get(slash + 1..)?;
        let dir: PathBuf = if let Some(r) = display_base.strip_prefix("~/") {
            home?.join(r)
        } else if display_base.starts_with('/') {
            PathBuf::from(display_base)
        } else {
            base.join(display_base)
        };
        dir.is_dir()
            .then(|| (dir, rest.to_owned(), display_base.to_owned()))
    });
    let (root, q) = match &scoped {
        Some((dir, rest, _)) => (dir.clone(), rest.clone()),
        None => (base.to_path_buf(), query.to_owned()),
    };
    let mut entries = search_files(&root, &q, MAX_RESULTS, Some(1));
    for e in search_files(&root, &q, MAX_RESULTS, None) {
        if !entries.contains(&e) {
            entries.push(e);
        }
    }
    let mut scored: Vec<(u32, FileEntry)> = entries
        .into_iter()
        .map(|e| {
            (
                if q.is_empty() {
                    1
                } else {
                    score(&e.path, &q, e.is_dir)
                },
                e,
            )
        })
        .filter(|(s, _)| *s > 0)
        .collect();
    scored.sort_by(|(sa, a), (sb, b)| {
        let depth = |p: &str| p.split('/').filter(|s| !s.is_empty()).count();
        sb.cmp(sa)
            .then_with(|| depth(&a.path).cmp(&depth(&b.path)))
            .then_with(|| a.path.len().cmp(&b.path.len()))
            .then_with(|| a.path.cmp(&b.path))
    });
    scored
        .into_iter()
        .take(MAX_SUGGESTIONS)
        .map(|(_, e)| {
            let bare = e.path.trim_end_matches('/');
            let display = match &scoped {
                Some((_, _, display_base)) => format!("{display_base}{bare}"),
                None => bare.to_owned(),
            };
            let name = bare.rsplit('/').next().unwrap_or(bare);
            let completion = if e.is_dir {
                format!("{display}/")
            } else {
                display.clone()
            };
            SelectItem::new(completion_value(&completion, true, quoted))
                .with_label(format!("{name}{}", if e.is_dir { "/" } else { "" }))
                .with_description(display)
        })
        .collect()
}

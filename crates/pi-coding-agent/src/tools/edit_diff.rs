//! Line diffs for `edit`: the numbered diff pi shows (4 lines of context, `...` for skipped
//! lines) and a unified patch.
//!
//! The diff follows jsdiff's `diffLines`, the greedy forward Myers search pi uses, so that
//! where several shortest diffs exist (a change next to a repeated line such as `}`) the
//! same lines are marked as pi marks them.

/// A run of equal, added or removed lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiffPart {
    /// The lines, each with its `\n` (the last may lack one).
    pub value: String,
    /// Lines only in the new text.
    pub added: bool,
    /// Lines only in the old text.
    pub removed: bool,
}

#[derive(Debug, Clone, Copy)]
struct Component {
    count: usize,
    added: bool,
    removed: bool,
    previous: Option<usize>,
}

#[derive(Debug, Clone, Copy)]
struct SearchPath {
    old_pos: isize,
    last: Option<usize>,
}

/// Lines with their line breaks (`\n` or `\r\n`), jsdiff's line tokens.
fn tokenize(text: &str) -> Vec<&str> {
    text.split_inclusive('\n').collect()
}

struct Search<'a> {
    old: Vec<&'a str>,
    new: Vec<&'a str>,
    components: Vec<Component>,
}

impl Search<'_> {
    fn add_to_path(
        &mut self,
        path: SearchPath,
        added: bool,
        removed: bool,
        old_inc: isize,
    ) -> SearchPath {
        let last = path.last.map(|index| self.components[index]);
        let component = match last {
            Some(last) if last.added == added && last.removed == removed => Component {
                count: last.count + 1,
                added,
                removed,
                previous: last.previous,
            },
            _ => Component {
                count: 1,
                added,
                removed,
                previous: path.last,
            },
        };
        self.components.push(component);
        SearchPath {
            old_pos: path.old_pos + old_inc,
            last: Some(self.components.len() - 1),
        }
    }

    /// Follows the diagonal while lines are equal; returns the new position.
    fn extract_common(&mut self, path: &mut SearchPath, diagonal: isize) -> isize {
        let (old_len, new_len) = (self.old.len() as isize, self.new.len() as isize);
        let mut old_pos = path.old_pos;
        let mut new_pos = old_pos - diagonal;
        let mut common = 0;
        while new_pos + 1 < new_len
            && old_pos + 1 < old_len
            && self.old[(old_pos + 1) as usize] == self.new[(new_pos + 1) as usize]
        {
            new_pos += 1;
            old_pos += 1;
            common += 1;
        }
        if common > 0 {
            self.components.push(Component {
                count: common,
                added: false,
                removed: false,
                previous: path.last,
            });
            path.last = Some(self.components.len() - 1);
        }
        path.old_pos = old_pos;
        new_pos
    }

    fn build(&self, last: Option<usize>) -> Vec<DiffPart> {
        let mut chain = Vec::new();
        let mut next = last;
        while let Some(index) = next {
            chain.push(self.components[index]);
            next = self.components[index].previous;
        }
        chain.reverse();
        let (mut old_pos, mut new_pos) = (0, 0);
        chain
            .into_iter()
            .map(|component| {
                let value = if component.removed {
                    let value = self.old[old_pos..old_pos + component.count].concat();
                    old_pos += component.count;
                    value
                } else {
                    let value = self.new[new_pos..new_pos + component.count].concat();
                    new_pos += component.count;
                    if !component.added {
                        old_pos += component.count;
                    }
                    value
                };
                DiffPart {
                    value,
                    added: component.added,
                    removed: component.removed,
                }
            })
            .collect()
    }
}

/// The line diff of two texts, as jsdiff's `diffLines` computes it.
pub fn diff_lines(old: &str, new: &str) -> Vec<DiffPart> {
    let mut search = Search {
        old: tokenize(old),
        new: tokenize(new),
        components: Vec::new(),
    };
    let (old_len, new_len) = (search.old.len() as isize, search.new.len() as isize);
    let max_edit = old_len + new_len;
    let offset = max_edit + 1;
    let slot = |diagonal: isize| (diagonal + offset) as usize;
    let mut best: Vec<Option<SearchPath>> = vec![None; (2 * max_edit + 3) as usize];
    let mut start = SearchPath {
        old_pos: -1,
        last: None,
    };
    let new_pos = search.extract_common(&mut start, 0);
    if start.old_pos + 1 >= old_len && new_pos + 1 >= new_len {
        return search.build(start.last);
    }
    best[slot(0)] = Some(start);
    let (mut min_diagonal, mut max_diagonal) = (isize::MIN, isize::MAX);
    for edit_len in 1..=max_edit {
        let mut diagonal = min_diagonal.max(-edit_len);
        while diagonal <= max_diagonal.min(edit_len) {
            let remove_path = best[slot(diagonal - 1)].take();
            let add_path = best[slot(diagonal + 1)];
            let can_add = add_path.is_some_and(|path| {
                let new_pos = path.old_pos - diagonal;
                0 <= new_pos && new_pos < new_len
            });
            let can_remove = remove_path.is_some_and(|path| path.old_pos + 1 < old_len);
            let mut base = match (add_path, remove_path) {
                (Some(add), Some(remove))
                    if can_add && (!can_remove || remove.old_pos < add.old_pos) =>
                {
                    search.add_to_path(add, true, false, 0)
                }
                (Some(add), _) if can_add && !can_remove => search.add_to_path(add, true, false, 0),
                (_, Some(remove)) if can_remove => search.add_to_path(remove, false, true, 1),
                _ => {
                    best[slot(diagonal)] = None;
                    diagonal += 2;
                    continue;
                }
            };
            let new_pos = search.extract_common(&mut base, diagonal);
            if base.old_pos + 1 >= old_len && new_pos + 1 >= new_len {
                return search.build(base.last);
            }
            best[slot(diagonal)] = Some(base);
            if base.old_pos + 1 >= old_len {
                max_diagonal = max_diagonal.min(diagonal - 1);
            }
            if new_pos + 1 >= new_len {
                min_diagonal = min_diagonal.max(diagonal + 1);
            }
            diagonal += 2;
        }
    }
    // Unreachable: an edit script of `max_edit` steps always exists.
    Vec::new()
}

/// The numbered diff pi shows for an edit, and the first changed line (in the new text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EditDiff {
    /// One line per entry: `+<n> text`, `-<n> text`, ` <n> text`, or ` <pad> ...`.
    pub diff: String,
    /// The new text's line number of the first change.
    pub first_changed_line: Option<usize>,
}

/// The numbered diff being written: line counters in both texts and the output lines.
struct Numbered {
    width: usize,
    old_line: usize,
    new_line: usize,
    output: Vec<String>,
}

impl Numbered {
    fn context(&mut self, lines: &[&str]) {
        for line in lines {
            let width = self.width;
            self.output
                .push(format!(" {:>width$} {line}", self.old_line));
            self.old_line += 1;
            self.new_line += 1;
        }
    }

    fn skip(&mut self, lines: usize) {
        if lines > 0 {
            self.output.push(format!(" {} ...", " ".repeat(self.width)));
            self.old_line += lines;
            self.new_line += lines;
        }
    }
}

/// The numbered diff of `old` and `new` with `context` lines around each change.
pub fn generate_diff_string(old: &str, new: &str, context: usize) -> EditDiff {
    let parts = diff_lines(old, new);
    let max_line = old.split('\n').count().max(new.split('\n').count());
    let mut out = Numbered {
        width: max_line.to_string().len(),
        old_line: 1,
        new_line: 1,
        output: Vec::new(),
    };
    let width = out.width;
    let mut last_was_change = false;
    let mut first_changed_line = None;
    for (index, part) in parts.iter().enumerate() {
        let mut raw: Vec<&str> = part.value.split('\n').collect();
        if raw.last() == Some(&"") {
            raw.pop();
        }
        if part.added || part.removed {
            first_changed_line.get_or_insert(out.new_line);
            for line in raw {
                if part.added {
                    out.output.push(format!("+{:>width$} {line}", out.new_line));
                    out.new_line += 1;
                } else {
                    out.output.push(format!("-{:>width$} {line}", out.old_line));
                    out.old_line += 1;
                }
            }
            last_was_change = true;
            continue;
        }
        let next_is_change = parts
            .get(index + 1)
            .is_some_and(|next| next.added || next.removed);
        if last_was_change && next_is_change {
            if raw.len() <= context * 2 {
                out.context(&raw);
            } else {
                out.context(&raw[..context]);
                out.skip(raw.len() - 2 * context);
                out.context(&raw[raw.len() - context..]);
            }
        } else if last_was_change {
            let shown = raw.len().min(context);
            out.context(&raw[..shown]);
            out.skip(raw.len() - shown);
        } else if next_is_change {
            let hidden = raw.len().saturating_sub(context);
            out.skip(hidden);
            out.context(&raw[hidden..]);
        } else {
            out.old_line += raw.len();
            out.new_line += raw.len();
        }
        last_was_change = false;
    }
    EditDiff {
        diff: out.output.join("\n"),
        first_changed_line,
    }
}

/// Lines with their `\n`; the last keeps no `\n` when the text does not end with one.
fn split_patch_lines(text: &str) -> Vec<String> {
    let mut lines: Vec<String> = text.split('\n').map(|line| format!("{line}\n")).collect();
    if text.ends_with('\n') {
        lines.pop();
    } else if let Some(last) = lines.last_mut() {
        last.pop();
    }
    lines
}

/// A unified patch (`--- path`, `+++ path`, hunks with `context` lines), formatted as
/// jsdiff's `createTwoFilesPatch` with file headers only.
pub fn generate_unified_patch(path: &str, old: &str, new: &str, context: usize) -> String {
    struct Hunk {
        old_start: usize,
        old_lines: usize,
        new_start: usize,
        new_lines: usize,
        lines: Vec<String>,
    }
    let mut parts: Vec<(Vec<String>, bool, bool)> = diff_lines(old, new)
        .into_iter()
        .map(|part| (split_patch_lines(&part.value), part.added, part.removed))
        .collect();
    parts.push((Vec::new(), false, false));
    let mut hunks = Vec::new();
    let (mut old_range_start, mut new_range_start) = (0usize, 0usize);
    let mut current: Vec<String> = Vec::new();
    let (mut old_line, mut new_line) = (1usize, 1usize);
    let context_lines = |lines: &[String]| {
        lines
            .iter()
            .map(|line| format!(" {line}"))
            .collect::<Vec<_>>()
    };
    for index in 0..parts.len() {
        let (lines, added, removed) = &parts[index];
        if *added || *removed {
            if old_range_start == 0 {
                old_range_start = old_line;
                new_range_start = new_line;
                if index > 0 {
                    let previous = &parts[index - 1].0;
                    let take = previous.len().min(context);
                    current = context_lines(&previous[previous.len() - take..]);
                    old_range_start -= current.len();
                    new_range_start -= current.len();
                }
            }
            let sign = if *added { '+' } else { '-' };
            current.extend(lines.iter().map(|line| format!("{sign}{line}")));
            if *added {
                new_line += lines.len();
            } else {
                old_line += lines.len();
            }
            continue;
        }
        if old_range_start != 0 {
            if lines.len() <= context * 2 && index + 2 < parts.len() {
                current.extend(context_lines(lines));
            } else {
                let size = lines.len().min(context);
                current.extend(context_lines(&lines[..size]));
                hunks.push(Hunk {
                    old_start: old_range_start,
                    old_lines: old_line - old_range_start + size,
                    new_start: new_range_start,
                    new_lines: new_line - new_range_start + size,
                    lines: std::mem::take(&mut current),
                });
                old_range_start = 0;
                new_range_start = 0;
            }
        }
        old_line += lines.len();
        new_line += lines.len();
    }
    let mut out = vec![format!("--- {path}"), format!("+++ {path}")];
    for hunk in hunks {
        let old_start = if hunk.old_lines == 0 {
            hunk.old_start - 1
        } else {
            hunk.old_start
        };
        let new_start = if hunk.new_lines == 0 {
            hunk.new_start - 1
        } else {
            hunk.new_start
        };
        out.push(format!(
            "@@ -{old_start},{} +{new_start},{} @@",
            hunk.old_lines, hunk.new_lines
        ));
        for line in hunk.lines {
            match line.strip_suffix('\n') {
                Some(stripped) => out.push(stripped.to_string()),
                None => {
                    out.push(line);
                    out.push("\\ No newline at end of file".into());
                }
            }
        }
    }
    out.join("\n") + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;

    fn marks(parts: &[DiffPart]) -> Vec<(char, &str)> {
        parts
            .iter()
            .map(|part| {
                let sign = if part.added {
                    '+'
                } else if part.removed {
                    '-'
                } else {
                    ' '
                };
                (sign, part.value.as_str())
            })
            .collect()
    }

    #[test]
    fn greedy_choice_among_equal_diffs() {
        // jsdiff keeps the first `}` as context and marks the second as added.
        let parts = diff_lines("}\na\n", "x\n}\n}\na\n");
        assert_eq!(
            marks(&parts),
            vec![('+', "x\n"), (' ', "}\n"), ('+', "}\n"), (' ', "a\n")]
        );
    }

    #[test]
    fn removals_come_before_additions() {
        let parts = diff_lines("a\nb\nc\n", "a\nB\nc\n");
        assert_eq!(
            marks(&parts),
            vec![(' ', "a\n"), ('-', "b\n"), ('+', "B\n"), (' ', "c\n")]
        );
    }

    #[test]
    fn patch_without_final_newline() {
        let patch = generate_unified_patch("f", "Hello, world!", "Hello, testing!", 4);
        assert_eq!(
            patch,
            "--- f\n+++ f\n@@ -1,1 +1,1 @@\n-Hello, world!\n\\ No newline at end of file\n+Hello, testing!\n\\ No newline at end of file\n"
        );
    }
}

//! How the editor's logical lines break into visual lines: word wrap at grapheme
//! boundaries (paste markers never split), with byte ranges so the cursor can be mapped.

use unicode_segmentation::UnicodeSegmentation;

use super::paste::marker_spans;
use crate::width::grapheme_width;

/// A piece of a logical line shown on one row: bytes `start..end` of that line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Chunk {
    pub(crate) start: usize,
    pub(crate) end: usize,
}

/// A visual line: which logical line, and which bytes of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct VisualLine {
    pub(crate) line: usize,
    pub(crate) start: usize,
    pub(crate) len: usize,
}

fn is_cjk(g: &str) -> bool {
    g.chars().next().is_some_and(|c| {
        matches!(c as u32, 0x1100..=0x11FF | 0x2E80..=0x2FDF | 0x3040..=0x30FF | 0x3100..=0x312F
            | 0x3130..=0x318F | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xAC00..=0xD7FF
            | 0xF900..=0xFAFF | 0x20000..=0x3FFFF)
    })
}

fn is_space(g: &str) -> bool {
    g.chars().all(char::is_whitespace)
}

/// Grapheme segments of a line with their byte offsets, each valid paste marker one
/// segment.
pub(crate) fn segments<'a>(line: &'a str, valid_ids: &[u32]) -> Vec<(usize, &'a str)> {
    let markers = marker_spans(line, valid_ids);
    let mut out = Vec::new();
    let mut m = markers.iter().peekable();
    for (i, g) in line.grapheme_indices(true) {
        while m.peek().is_some_and(|(_, end)| *end <= i) {
            m.next();
        }
        match m.peek() {
            Some(&&(start, end)) if i >= start && i < end => {
                if i == start {
                    out.push((start, line.get(start..end).unwrap_or_default()));
                }
            }
            _ => out.push((i, g)),
        }
    }
    out
}

/// Breaks a line into chunks of at most `width` columns, preferring to break after spaces
/// and around CJK characters.
pub(crate) fn word_wrap_line(line: &str, width: usize, valid_ids: &[u32]) -> Vec<Chunk> {
    let width = width.max(1);
    if line.is_empty() || crate::width::visible_width(line) <= width {
        return vec![Chunk {
            start: 0,
            end: line.len(),
        }];
    }
    let segs = segments(line, valid_ids);
    let mut chunks = Vec::new();
    let mut current = 0usize;
    let mut chunk_start = 0usize;
    let mut wrap_at: Option<(usize, usize)> = None; // (byte index, width before it)
    for (k, &(index, g)) in segs.iter().enumerate() {
        let is_marker = g.len() > 1 && g.starts_with("[paste #");
        let w = if is_marker {
            crate::width::visible_width(g)
        } else {
            grapheme_width(g)
        };
        if current + w > width {
            match wrap_at {
                Some((at, before)) if current - before + w <= width => {
                    chunks.push(Chunk {
                        start: chunk_start,
                        end: at,
                    });
                    chunk_start = at;
                    current -= before;
                }
                _ if chunk_start < index => {
                    chunks.push(Chunk {
                        start: chunk_start,
                        end: index,
                    });
                    chunk_start = index;
                    current = 0;
                }
                _ => {}
            }
            wrap_at = None;
        }
        if w > width {
            // Only a paste marker can be wider than a line: it is shown broken across lines
            // (it still moves and deletes as one piece).
            let inner = word_wrap_line(g, width, &[]);
            let n = inner.len();
            for (j, c) in inner.into_iter().enumerate() {
                if j + 1 < n {
                    chunks.push(Chunk {
                        start: index + c.start,
                        end: index + c.end,
                    });
                } else {
                    chunk_start = index + c.start;
                    current =
                        crate::width::visible_width(g.get(c.start..c.end).unwrap_or_default());
                }
            }
            wrap_at = None;
            continue;
        }
        current += w;
        let ws = !is_marker && is_space(g);
        if let Some(&(next_index, next)) = segs.get(k + 1) {
            let next_marker = next.len() > 1 && next.starts_with("[paste #");
            // Break after spaces before a word, and on either side of a CJK character.
            let after_space = ws && (next_marker || !is_space(next));
            let around_cjk = !ws && !is_space(next) && (is_cjk(g) || is_cjk(next));
            if after_space || around_cjk {
                wrap_at = Some((next_index, current));
            }
        }
    }
    chunks.push(Chunk {
        start: chunk_start,
        end: line.len(),
    });
    chunks
}

/// Visual lines of the whole text at `width`.
pub(crate) fn visual_lines(lines: &[String], width: usize, valid_ids: &[u32]) -> Vec<VisualLine> {
    let mut out = Vec::with_capacity(lines.len());
    for (i, line) in lines.iter().enumerate() {
        for c in word_wrap_line(line, width, valid_ids) {
            out.push(VisualLine {
                line: i,
                start: c.start,
                len: c.end - c.start,
            });
        }
    }
    out
}

/// The visual line holding (line, col); the end of a logical line belongs to its last
/// chunk.
pub(crate) fn visual_line_at(visual: &[VisualLine], line: usize, col: usize) -> usize {
    for (i, vl) in visual.iter().enumerate() {
        if vl.line != line || col < vl.start {
            continue;
        }
        let offset = col - vl.start;
        let last_of_line = visual.get(i + 1).is_none_or(|n| n.line != vl.line);
        if offset < vl.len || (last_of_line && offset == vl.len) {
            return i;
        }
    }
    visual.len().saturating_sub(1)
}

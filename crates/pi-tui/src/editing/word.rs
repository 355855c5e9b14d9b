//! Word motion by Unicode word boundaries: whitespace is skipped, then a word (stopping at
//! punctuation inside it, as in `foo.bar`) or a run of punctuation is crossed.

use unicode_segmentation::UnicodeSegmentation;

/// Characters that end a word inside a word-like segment.
pub fn is_punctuation(c: char) -> bool {
    "(){}[]<>.,;:'\"!?+-=*/\\|&%^$#@~`".contains(c)
}

fn is_word_like(segment: &str) -> bool {
    segment.chars().any(char::is_alphanumeric)
}

fn is_whitespace(segment: &str) -> bool {
    !segment.is_empty() && segment.chars().all(char::is_whitespace)
}

/// Where a word-left motion from `cursor` lands. `is_atomic` marks segments (paste markers)
/// that are crossed whole.
pub fn find_word_backward(text: &str, cursor: usize, is_atomic: &dyn Fn(&str) -> bool) -> usize {
    let Some(before) = text.get(..cursor) else {
        return cursor;
    };
    let mut segments: Vec<&str> = segments_of(before, is_atomic);
    let mut pos = cursor;
    while let Some(last) = segments.last() {
        if is_atomic(last) || !is_whitespace(last) {
            break;
        }
        pos -= last.len();
        segments.pop();
    }
    let Some(last) = segments.last().copied() else {
        return pos;
    };
    if is_atomic(last) {
        return pos - last.len();
    }
    if is_word_like(last) {
        // Stop after the last punctuation inside the word.
        return match last.rfind(is_punctuation) {
            Some(i) => {
                let p = last
                    .get(i..)
                    .and_then(|s| s.chars().next())
                    .map_or(1, char::len_utf8);
                pos - (last.len() - (i + p))
            }
            None => pos - last.len(),
        };
    }
    while let Some(last) = segments.last() {
        if is_atomic(last) || is_word_like(last) || is_whitespace(last) {
            break;
        }
        pos -= last.len();
        segments.pop();
    }
    pos
}

/// Where a word-right motion from `cursor` lands.
pub fn find_word_forward(text: &str, cursor: usize, is_atomic: &dyn Fn(&str) -> bool) -> usize {
    let Some(after) = text.get(cursor..) else {
        return cursor;
    };
    let segments = segments_of(after, is_atomic);
    let mut it = segments.into_iter().peekable();
    let mut pos = cursor;
    while let Some(seg) = it.peek() {
        if is_atomic(seg) || !is_whitespace(seg) {
            break;
        }
        pos += seg.len();
        it.next();
    }
    let Some(first) = it.next() else { return pos };
    if is_atomic(first) {
        return pos + first.len();
    }
    if is_word_like(first) {
        return pos + first.find(is_punctuation).unwrap_or(first.len());
    }
    pos += first.len();
    while let Some(seg) = it.peek() {
        if is_atomic(seg) || is_word_like(seg) || is_whitespace(seg) {
            break;
        }
        pos += seg.len();
        it.next();
    }
    pos
}

/// Word-boundary segments, with atomic spans (found by trying each segment start) kept
/// whole: `[paste #1 +20 lines]` is one segment, not five.
fn segments_of<'a>(text: &'a str, is_atomic: &dyn Fn(&str) -> bool) -> Vec<&'a str> {
    let raw: Vec<(usize, &str)> = text.split_word_bound_indices().collect();
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while let Some(&(start, seg)) = raw.get(i) {
        // Try the longest run of segments starting here that forms an atomic span.
        let mut merged = None;
        if seg.starts_with('[') {
            for j in (i + 1..raw.len()).rev() {
                if let Some(&(s, last)) = raw.get(j) {
                    let end = s + last.len();
                    if let Some(span) = text.get(start..end)
                        && is_atomic(span)
                    {
                        merged = Some((span, j));
                        break;
                    }
                }
            }
        }
        match merged {
            Some((span, j)) => {
                out.push(span);
                i = j + 1;
            }
            None => {
                out.push(seg);
                i += 1;
            }
        }
    }
    out
}

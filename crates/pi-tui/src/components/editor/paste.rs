//! Large pastes: stored aside and shown as `[paste #N +L lines]` or `[paste #N C chars]`
//! markers, which move and delete as one character and expand back on submit.

/// Pastes with more lines than this become a marker.
pub(crate) const MAX_PASTE_LINES: usize = 10;
/// Pastes with more characters than this become a marker.
pub(crate) const MAX_PASTE_CHARS: usize = 1000;

/// A marker found in text: its id, byte range and the suffix after the id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct MarkerMatch {
    pub(crate) id: u32,
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) suffix: String,
}

/// Parses a marker starting at `start` in `text`.
fn marker_at(text: &str, start: usize) -> Option<MarkerMatch> {
    let rest = text.get(start..)?.strip_prefix("[paste #")?;
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    let id: u32 = rest.get(..digits)?.parse().ok()?;
    let after = rest.get(digits..)?;
    let head = start + "[paste #".len() + digits;
    if after.starts_with(']') {
        return Some(MarkerMatch {
            id,
            start,
            end: head + 1,
            suffix: String::new(),
        });
    }
    let body = after.strip_prefix(' ')?;
    let close = body.find(']')?;
    let inner = body.get(..close)?;
    let ok = if let Some(n) = inner
        .strip_prefix('+')
        .and_then(|s| s.strip_suffix(" lines"))
    {
        !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit())
    } else if let Some(n) = inner.strip_suffix(" chars") {
        !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit())
    } else {
        false
    };
    ok.then(|| MarkerMatch {
        id,
        start,
        end: head + 1 + close + 1,
        suffix: format!(" {inner}"),
    })
}

/// Every marker in `text`, in order.
pub(crate) fn find_markers(text: &str) -> Vec<MarkerMatch> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(off) = text.get(from..).and_then(|t| t.find("[paste #")) {
        let at = from + off;
        match marker_at(text, at) {
            Some(m) => {
                from = m.end;
                out.push(m);
            }
            None => from = at + 1,
        }
    }
    out
}

/// Byte spans of markers whose paste exists.
pub(crate) fn marker_spans(text: &str, valid_ids: &[u32]) -> Vec<(usize, usize)> {
    if valid_ids.is_empty() || !text.contains("[paste #") {
        return Vec::new();
    }
    find_markers(text)
        .into_iter()
        .filter(|m| valid_ids.contains(&m.id))
        .map(|m| (m.start, m.end))
        .collect()
}

/// Whether a whole segment is a marker.
pub(crate) fn is_marker(segment: &str) -> bool {
    segment.len() >= 10 && marker_at(segment, 0).is_some_and(|m| m.end == segment.len())
}

/// The marker text for a paste.
pub(crate) fn marker_text(id: u32, content: &str) -> String {
    let lines = content.split('\n').count();
    if lines > MAX_PASTE_LINES {
        format!("[paste #{id} +{lines} lines]")
    } else {
        format!("[paste #{id} {} chars]", content.chars().count())
    }
}

/// Whether a paste is large enough to become a marker.
pub(crate) fn is_large(content: &str) -> bool {
    content.split('\n').count() > MAX_PASTE_LINES || content.chars().count() > MAX_PASTE_CHARS
}

/// Replaces every marker of a stored paste with its content.
pub(crate) fn expand(text: &str, pastes: &[(u32, String)]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for m in find_markers(text) {
        if let Some((_, content)) = pastes.iter().find(|(id, _)| *id == m.id) {
            out.push_str(text.get(last..m.start).unwrap_or_default());
            out.push_str(content);
            last = m.end;
        }
    }
    out.push_str(text.get(last..).unwrap_or_default());
    out
}

/// Renumbers markers above `removed` down by one, after that paste was deleted.
pub(crate) fn renumber_after(text: &str, removed: u32) -> String {
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for m in find_markers(text) {
        if m.id > removed {
            out.push_str(text.get(last..m.start).unwrap_or_default());
            out.push_str(&format!("[paste #{}{}]", m.id - 1, m.suffix));
            last = m.end;
        }
    }
    out.push_str(text.get(last..).unwrap_or_default());
    out
}

//! Terminal escape sequences inside rendered lines: finding where one ends, and tracking the
//! SGR style and OSC 8 hyperlink active at a point so they can be carried across a line break.

/// Returns the byte length of the escape sequence starting at `pos` in `s`, or `None` if no
/// complete CSI, OSC or APC sequence starts there.
///
/// CSI follows ECMA-48 (parameter bytes, intermediate bytes, one final byte), so cursor moves
/// and erasures are skipped as well as colours. OSC and APC end at BEL or ST (`ESC \`).
/// Unterminated sequences are not sequences: their bytes count as text, which keeps a line
/// that was cut mid-sequence measurable instead of swallowing the rest of it.
pub fn escape_len(s: &str, pos: usize) -> Option<usize> {
    let bytes = s.as_bytes();
    if bytes.get(pos) != Some(&0x1b) {
        return None;
    }
    match bytes.get(pos + 1)? {
        b'[' => {
            let mut j = pos + 2;
            while let Some(&b) = bytes.get(j) {
                match b {
                    0x20..=0x3f => j += 1,
                    0x40..=0x7e => return Some(j + 1 - pos),
                    _ => return None,
                }
            }
            None
        }
        b']' | b'_' | b'P' => {
            let mut j = pos + 2;
            while let Some(&b) = bytes.get(j) {
                if b == 0x07 {
                    return Some(j + 1 - pos);
                }
                if b == 0x1b && bytes.get(j + 1) == Some(&b'\\') {
                    return Some(j + 2 - pos);
                }
                j += 1;
            }
            None
        }
        _ => None,
    }
}

/// Splits `s` into runs of text and escape sequences, in order.
pub(crate) fn pieces(s: &str) -> Pieces<'_> {
    Pieces { s, pos: 0 }
}

/// A run of visible text or one escape sequence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Piece<'a> {
    Text(&'a str),
    Escape(&'a str),
}

/// Iterator behind [`pieces`].
#[derive(Debug)]
pub(crate) struct Pieces<'a> {
    s: &'a str,
    pos: usize,
}

impl<'a> Iterator for Pieces<'a> {
    type Item = Piece<'a>;

    fn next(&mut self) -> Option<Piece<'a>> {
        let rest = self.s.get(self.pos..)?;
        if rest.is_empty() {
            return None;
        }
        if let Some(len) = escape_len(self.s, self.pos) {
            let seq = rest.get(..len)?;
            self.pos += len;
            return Some(Piece::Escape(seq));
        }
        // Text runs until the next ESC that starts a complete sequence; a stray ESC is text.
        let mut search = self.pos;
        let end = loop {
            match self.s.get(search..).and_then(|r| r.find('\x1b')) {
                None => break self.s.len(),
                Some(off) => {
                    let at = search + off;
                    if at > self.pos && escape_len(self.s, at).is_some() {
                        break at;
                    }
                    search = at + 1; // ESC is one byte, so this is a char boundary
                }
            }
        };
        let text = self.s.get(self.pos..end)?;
        self.pos = end;
        Some(Piece::Text(text))
    }
}

/// Removes CSI, OSC and APC sequences, keeping the visible text.
pub fn strip_ansi(s: &str) -> String {
    if !s.contains('\x1b') {
        return s.to_owned();
    }
    pieces(s)
        .filter_map(|p| match p {
            Piece::Text(t) => Some(t),
            Piece::Escape(_) => None,
        })
        .collect()
}

/// An OSC 8 hyperlink opener, kept with its terminator: some terminals only make BEL-terminated
/// links clickable, so a link reopened on the next line must end the same way.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Hyperlink {
    params: String,
    url: String,
    terminator: &'static str,
}

/// Parses an OSC 8 sequence: `Some(Some(link))` opens, `Some(None)` closes, `None` is not OSC 8.
fn parse_osc8(seq: &str) -> Option<Option<Hyperlink>> {
    let body = seq.strip_prefix("\x1b]8;")?;
    let (body, terminator) = if let Some(b) = body.strip_suffix('\x07') {
        (b, "\x07")
    } else {
        (body.strip_suffix("\x1b\\")?, "\x1b\\")
    };
    let (params, url) = body.split_once(';')?;
    if url.is_empty() {
        return Some(None);
    }
    Some(Some(Hyperlink {
        params: params.to_owned(),
        url: url.to_owned(),
        terminator,
    }))
}

/// The SGR attributes and hyperlink in force at some point of a styled string.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct StyleState {
    bold: bool,
    dim: bool,
    italic: bool,
    underline: bool,
    blink: bool,
    inverse: bool,
    hidden: bool,
    strikethrough: bool,
    fg: Option<String>,
    bg: Option<String>,
    link: Option<Hyperlink>,
}

impl StyleState {
    /// Updates the state with one escape sequence; anything but SGR and OSC 8 is ignored.
    pub(crate) fn apply(&mut self, seq: &str) {
        if let Some(link) = parse_osc8(seq) {
            self.link = link;
            return;
        }
        let Some(params) = seq.strip_prefix("\x1b[").and_then(|p| p.strip_suffix('m')) else {
            return;
        };
        if !params.bytes().all(|b| b.is_ascii_digit() || b == b';') {
            return;
        }
        if params.is_empty() {
            self.reset();
            return;
        }
        let parts: Vec<&str> = params.split(';').collect();
        let mut i = 0;
        while let Some(part) = parts.get(i) {
            let code: u32 = part.parse().unwrap_or(0);
            if code == 38 || code == 48 {
                let color = match parts.get(i + 1) {
                    Some(&"5") if parts.len() > i + 2 => Some(3),
                    Some(&"2") if parts.len() > i + 4 => Some(5),
                    _ => None,
                };
                if let Some(n) = color {
                    let value = parts.get(i..i + n).map(|p| p.join(";"));
                    if code == 38 {
                        self.fg = value;
                    } else {
                        self.bg = value;
                    }
                    i += n;
                    continue;
                }
            }
            match code {
                0 => self.reset(),
                1 => self.bold = true,
                2 => self.dim = true,
                3 => self.italic = true,
                4 => self.underline = true,
                5 => self.blink = true,
                7 => self.inverse = true,
                8 => self.hidden = true,
                9 => self.strikethrough = true,
                21 => self.bold = false,
                22 => {
                    self.bold = false;
                    self.dim = false;
                }
                23 => self.italic = false,
                24 => self.underline = false,
                25 => self.blink = false,
                27 => self.inverse = false,
                28 => self.hidden = false,
                29 => self.strikethrough = false,
                39 => self.fg = None,
                49 => self.bg = None,
                30..=37 | 90..=97 => self.fg = Some(code.to_string()),
                40..=47 | 100..=107 => self.bg = Some(code.to_string()),
                _ => {}
            }
            i += 1;
        }
    }

    /// Applies every escape sequence found in `s`.
    pub(crate) fn apply_all(&mut self, s: &str) {
        if !s.contains('\x1b') {
            return;
        }
        for piece in pieces(s) {
            if let Piece::Escape(seq) = piece {
                self.apply(seq);
            }
        }
    }

    /// SGR reset clears attributes but, as in terminals, leaves an open hyperlink open.
    fn reset(&mut self) {
        let link = self.link.take();
        *self = Self {
            link,
            ..Self::default()
        };
    }

    /// The sequences that re-establish this state on a fresh line.
    pub(crate) fn opening(&self) -> String {
        let mut codes: Vec<&str> = Vec::new();
        let flags = [
            (self.bold, "1"),
            (self.dim, "2"),
            (self.italic, "3"),
            (self.underline, "4"),
            (self.blink, "5"),
            (self.inverse, "7"),
            (self.hidden, "8"),
            (self.strikethrough, "9"),
        ];
        codes.extend(flags.iter().filter(|(on, _)| *on).map(|(_, c)| *c));
        if let Some(fg) = &self.fg {
            codes.push(fg);
        }
        if let Some(bg) = &self.bg {
            codes.push(bg);
        }
        let mut out = String::new();
        if !codes.is_empty() {
            out.push_str("\x1b[");
            out.push_str(&codes.join(";"));
            out.push('m');
        }
        if let Some(link) = &self.link {
            out.push_str(&format!(
                "\x1b]8;{};{}{}",
                link.params, link.url, link.terminator
            ));
        }
        out
    }

    /// What must be closed at a line end so the style does not bleed into padding: underline
    /// (background is kept on purpose) and an open hyperlink, reopened by [`Self::opening`].
    pub(crate) fn line_end(&self) -> String {
        let mut out = String::new();
        if self.underline {
            out.push_str("\x1b[24m");
        }
        if let Some(link) = &self.link {
            out.push_str("\x1b]8;;");
            out.push_str(link.terminator);
        }
        out
    }

    /// Whether spaces drawn in this state are visible (a background, reverse video, or a
    /// line through or under them).
    pub(crate) fn paints_blanks(&self) -> bool {
        self.bg.is_some() || self.inverse || self.underline || self.strikethrough
    }

    /// The hyperlink close needed after `prefix`, if it leaves a link open.
    pub(crate) fn link_close(&self) -> String {
        self.link
            .as_ref()
            .map(|l| format!("\x1b]8;;{}", l.terminator))
            .unwrap_or_default()
    }
}

/// `line` without the unstyled spaces at its end (escape sequences after them are kept).
///
/// Terminals that re-wrap their scrollback when the window narrows turn padding spaces into
/// extra blank rows; a line erase before each line already clears the rest of the row, so
/// invisible padding need not be sent at all.
pub(crate) fn trim_trailing_blanks(line: &str) -> std::borrow::Cow<'_, str> {
    if !line.contains(' ') {
        return std::borrow::Cow::Borrowed(line);
    }
    let parts: Vec<Piece<'_>> = pieces(line).collect();
    let mut state = StyleState::default();
    // Where the run of unstyled spaces at the end starts: (piece, byte offset in it).
    let mut cut: Option<(usize, usize)> = None;
    for (i, piece) in parts.iter().enumerate() {
        match piece {
            Piece::Escape(seq) => state.apply(seq),
            Piece::Text(t) if state.paints_blanks() => cut = None,
            Piece::Text(t) => {
                let kept = t.trim_end_matches(' ');
                if kept.is_empty() {
                    cut = cut.or(Some((i, 0)));
                } else if kept.len() < t.len() {
                    cut = Some((i, kept.len()));
                } else {
                    cut = None;
                }
            }
        }
    }
    let Some((index, keep)) = cut else {
        return std::borrow::Cow::Borrowed(line);
    };
    let mut out = String::with_capacity(line.len());
    for (i, piece) in parts.iter().enumerate() {
        match piece {
            Piece::Escape(seq) => out.push_str(seq),
            Piece::Text(t) if i < index => out.push_str(t),
            Piece::Text(t) if i == index => out.push_str(t.get(..keep).unwrap_or(t)),
            // Text after the cut is only spaces, dropped with the rest.
            Piece::Text(_) => {}
        }
    }
    std::borrow::Cow::Owned(out)
}

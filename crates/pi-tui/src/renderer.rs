//! The differential renderer: turns each frame (a list of lines) into the fewest terminal
//! writes that make the screen show it, inline on the normal screen.
//!
//! Content rows are numbered from the first line pi drew. The rows that scrolled off the top
//! are in the terminal's scrollback: they belong to the user now and are never erased or
//! rewritten. Everything else is updated by moving the cursor relative to where it is, so
//! whatever the terminal held before pi started (shell history above the first line) stays.
//!
//! A frame is compared with the previous one; only the changed range is rewritten, inside
//! synchronized output, each line starting with an erase-line and ending with a style reset.
//! Appended lines are written with CR LF, which scrolls the screen naturally and leaves the
//! earlier lines in scrollback. A "full redraw" only ever redraws the visible rows; it happens
//! on resize and when the content shrinks above the visible rows, and is counted.

use crate::component::CURSOR_MARKER;
use crate::slice::slice_by_column;
use crate::terminal::{BEGIN_SYNC, END_SYNC, HIDE_CURSOR, SHOW_CURSOR};
use crate::width::{TAB_WIDTH, visible_width};

/// Appended to every line so that no style or hyperlink leaks into the next one.
pub const LINE_RESET: &str = "\x1b[0m\x1b]8;;\x07";

/// Whether a line carries an inline image (Kitty graphics or iTerm2), which is passed
/// through untouched: it is neither measured, cut nor reset.
pub fn is_image_line(line: &str) -> bool {
    line.contains("\x1b_G") || line.contains("\x1b]1337;File=")
}

/// Kitty image ids placed by a line (`i=<id>` in a graphics sequence).
fn kitty_image_ids(line: &str) -> Vec<u32> {
    let mut ids = Vec::new();
    let mut rest = line;
    while let Some(at) = rest.find("\x1b_G") {
        let params = rest.get(at + 3..).unwrap_or_default();
        let end = params.find(';').unwrap_or(params.len());
        for param in params.get(..end).unwrap_or_default().split(',') {
            if let Some(id) = param.strip_prefix("i=").and_then(|v| v.parse::<u32>().ok())
                && id > 0
            {
                ids.push(id);
            }
        }
        rest = params.get(end..).unwrap_or_default();
    }
    ids
}

/// Deletes the Kitty images placed by `lines[from..=to]`, which are about to be rewritten
/// (an image is not part of the text a line erase removes).
fn delete_images(out: &mut String, lines: &[String], from: usize, to: usize) {
    for line in lines.iter().take(to.saturating_add(1)).skip(from) {
        if line.contains("\x1b_G") {
            for id in kitty_image_ids(line) {
                out.push_str(&crate::image::delete_kitty_image(id));
            }
        }
    }
}

/// Where the cursor marker was found: content row and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CursorPosition {
    /// Content row.
    pub row: usize,
    /// Column.
    pub col: usize,
}

/// Why a frame redrew the whole visible area instead of a diff.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FullRedrawReason {
    /// Nothing had been drawn yet.
    FirstFrame,
    /// The terminal's width or height changed.
    Resize,
    /// The content ended above the visible rows (it shrank by more than the screen).
    ShrankAboveViewport,
}

/// Counters a test or a debug view can read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RenderStats {
    /// Frames that redrew the whole visible area (including the first).
    pub full_redraws: usize,
    /// Frames that wrote a diff.
    pub partial_renders: usize,
    /// Lines that were wider than the terminal and had to be cut.
    pub lines_cut: usize,
    /// Lines that changed in scrollback, where they cannot be updated.
    pub scrollback_changes: usize,
    /// Bytes produced in total.
    pub bytes: usize,
}

/// The renderer's memory of what the terminal shows.
#[derive(Debug, Default)]
pub struct Renderer {
    previous: Vec<String>,
    previous_width: usize,
    previous_height: usize,
    /// Content row the hardware cursor is on.
    cursor_row: usize,
    /// Rows drawn so far (the working area), even if later frames are shorter.
    max_rows: usize,
    /// Rows above this are treated as scrollback after a redraw that started below them.
    frozen_above: usize,
    started: bool,
    /// Width of the frame being written.
    width: usize,
    show_hardware_cursor: bool,
    last_full_redraw: Option<FullRedrawReason>,
    stats: RenderStats,
}

/// Moves the cursor `delta` rows (down when positive).
fn move_rows(out: &mut String, delta: isize) {
    use std::fmt::Write as _;
    if delta > 0 {
        let _ = write!(out, "\x1b[{delta}B");
    } else if delta < 0 {
        let _ = write!(out, "\x1b[{}A", -delta);
    }
}

fn signed(n: usize) -> isize {
    isize::try_from(n).unwrap_or(isize::MAX)
}

/// Expands tabs outside escape sequences, so terminal tab stops cannot make a line wider
/// than it was measured.
fn expand_tabs(line: &str) -> String {
    if !line.contains('\t') {
        return line.to_owned();
    }
    let mut out = String::with_capacity(line.len() + 8);
    for piece in crate::ansi::pieces(line) {
        match piece {
            crate::ansi::Piece::Escape(seq) => out.push_str(seq),
            crate::ansi::Piece::Text(t) => {
                for c in t.chars() {
                    if c == '\t' {
                        out.extend(std::iter::repeat_n(' ', TAB_WIDTH));
                    } else {
                        out.push(c);
                    }
                }
            }
        }
    }
    out
}

impl Renderer {
    /// A renderer that has drawn nothing yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Counters so far.
    pub fn stats(&self) -> RenderStats {
        self.stats
    }

    /// Why the last full redraw happened, if any did.
    pub fn last_full_redraw(&self) -> Option<FullRedrawReason> {
        self.last_full_redraw
    }

    /// Shows the hardware cursor at the cursor marker instead of hiding it.
    pub fn set_show_hardware_cursor(&mut self, show: bool) {
        self.show_hardware_cursor = show;
    }

    /// Forgets what is on screen: the next frame is drawn as a first frame, below the cursor.
    pub fn reset(&mut self) {
        let stats = self.stats;
        let show = self.show_hardware_cursor;
        *self = Self {
            stats,
            show_hardware_cursor: show,
            ..Self::default()
        };
    }

    /// Rows at the top of the content that are in scrollback: they can be committed.
    pub fn committable(&self, height: usize) -> usize {
        if self.started {
            self.viewport_top(height.max(1)).min(self.previous.len())
        } else {
            0
        }
    }

    /// Forgets the first `count` content rows (at most those in scrollback, see
    /// [`Renderer::committable`]): they belong to the terminal's history now, and the
    /// following frames leave them out. Returns how many were committed. A long
    /// conversation then costs each frame only what is still on screen.
    pub fn commit(&mut self, count: usize, height: usize) -> usize {
        let count = count.min(self.committable(height));
        if count == 0 {
            return 0;
        }
        self.previous.drain(..count);
        self.cursor_row = self.cursor_row.saturating_sub(count);
        self.max_rows = self.max_rows.saturating_sub(count);
        self.frozen_above = self.frozen_above.saturating_sub(count);
        count
    }

    /// Erases the rows pi shows on screen and forgets them: the next frame is drawn whole
    /// from the top of that area (content that no longer fits scrolls into scrollback).
    /// Returns what to write first. For content rebuilt from scratch (another session, a
    /// new theme), whose changes above the screen a diff could not show.
    pub fn restart(&mut self, height: usize) -> String {
        let mut out = String::new();
        if self.started {
            let top = self.viewport_top(height.max(1));
            delete_images(&mut out, &self.previous, top, usize::MAX);
            move_rows(&mut out, -(signed(self.cursor_row) - signed(top)));
            out.push_str("\r\x1b[J");
        }
        self.reset();
        out
    }

    /// The first content row still on screen: rows above it are in scrollback.
    fn viewport_top(&self, height: usize) -> usize {
        self.frozen_above.max(self.max_rows.saturating_sub(height))
    }

    /// Writes a line as the terminal must receive it: cut if too wide, tabs expanded, style
    /// reset at the end. Only lines that are written are prepared, so a frame costs time in
    /// proportion to what changed, plus one comparison per line.
    fn push_line(&mut self, out: &mut String, line: &str) {
        if is_image_line(line) {
            out.push_str(line);
            return;
        }
        let text = expand_tabs(line);
        if visible_width(&text) > self.width {
            self.stats.lines_cut += 1;
            out.push_str(&crate::ansi::trim_trailing_blanks(&slice_by_column(
                &text, 0, self.width, true,
            )));
        } else {
            out.push_str(&crate::ansi::trim_trailing_blanks(&text));
        }
        out.push_str(LINE_RESET);
    }

    /// Finds and removes the cursor marker in the bottom `height` lines.
    fn take_cursor(lines: &mut [String], height: usize) -> Option<CursorPosition> {
        let top = lines.len().saturating_sub(height);
        for row in (top..lines.len()).rev() {
            let line = lines.get_mut(row)?;
            if let Some(at) = line.find(CURSOR_MARKER) {
                let col = visible_width(line.get(..at).unwrap_or_default());
                line.replace_range(at..at + CURSOR_MARKER.len(), "");
                return Some(CursorPosition { row, col });
            }
        }
        None
    }

    /// Produces the bytes that turn the previous frame into `lines` on a terminal of
    /// `width` x `height` cells.
    pub fn frame(&mut self, mut lines: Vec<String>, width: usize, height: usize) -> String {
        let width = width.max(1);
        let height = height.max(1);
        let cursor = Self::take_cursor(&mut lines, height);
        self.width = width;
        let mut out = String::new();
        let size_changed =
            self.started && (self.previous_width != width || self.previous_height != height);
        if !self.started {
            self.draw_from(&mut out, lines, 0, height, FullRedrawReason::FirstFrame);
        } else if size_changed {
            // Redraw from the first row that was on screen; if the content now ends above
            // it, show the content's last screenful instead.
            let top = self.viewport_top(self.previous_height);
            let start = if top < lines.len() {
                top
            } else {
                lines.len().saturating_sub(height)
            };
            self.redraw_visible(&mut out, lines, start, height, FullRedrawReason::Resize);
        } else {
            self.diff(&mut out, lines, height);
        }
        self.previous_width = width;
        self.previous_height = height;
        self.place_cursor(&mut out, cursor, height);
        self.stats.bytes += out.len();
        out
    }

    /// Moves the cursor below the content, so the shell prompt that follows pi starts on a
    /// fresh line, and shows it.
    pub fn finish(&mut self) -> String {
        let mut out = String::new();
        if self.started && !self.previous.is_empty() {
            let last = self.previous.len() - 1;
            move_rows(&mut out, signed(last) - signed(self.cursor_row));
            out.push_str("\r\n");
            self.cursor_row = last + 1;
        }
        out.push_str(SHOW_CURSOR);
        out
    }

    /// Writes `lines[start..]` from the cursor's row, which is taken to be `start`.
    fn draw_from(
        &mut self,
        out: &mut String,
        lines: Vec<String>,
        start: usize,
        height: usize,
        reason: FullRedrawReason,
    ) {
        out.push_str(BEGIN_SYNC);
        out.push('\r');
        for (i, line) in lines.iter().enumerate().skip(start) {
            if i > start {
                out.push_str("\r\n");
            }
            out.push_str("\x1b[2K");
            self.push_line(out, line);
        }
        out.push_str(END_SYNC);
        self.stats.full_redraws += 1;
        self.last_full_redraw = Some(reason);
        self.started = true;
        let last = lines.len().saturating_sub(1).max(start);
        self.cursor_row = last;
        self.max_rows = lines.len().max(start + 1);
        self.frozen_above = start;
        // Content drawn from the top of the region scrolls whatever was above it up.
        let _ = height;
        self.previous = lines;
    }

    /// Erases the rows pi shows on screen (never the scrollback, never what is above pi's
    /// first row) and draws `lines[start..]` there.
    fn redraw_visible(
        &mut self,
        out: &mut String,
        lines: Vec<String>,
        start: usize,
        height: usize,
        reason: FullRedrawReason,
    ) {
        // Moving up from the cursor stops at the screen's top row, so asking for too many
        // rows (after the terminal scrolled on a resize) is harmless.
        let top = self.viewport_top(self.previous_height.max(1));
        delete_images(out, &self.previous, top, usize::MAX);
        move_rows(out, -(signed(self.cursor_row) - signed(top)));
        out.push_str("\r\x1b[J");
        self.draw_from(out, lines, start, height, reason);
    }

    fn diff(&mut self, out: &mut String, lines: Vec<String>, height: usize) {
        let prev_len = self.previous.len();
        let new_len = lines.len();
        let mut first = None;
        let mut last = 0;
        for i in 0..prev_len.max(new_len) {
            let old = self.previous.get(i).map_or("", String::as_str);
            let new = lines.get(i).map_or("", String::as_str);
            if old != new {
                first.get_or_insert(i);
                last = i;
            }
        }
        let appended = new_len > prev_len;
        if appended {
            first.get_or_insert(prev_len);
            last = new_len - 1;
        }
        let Some(mut first) = first else {
            self.previous = lines;
            return;
        };
        let top = self.viewport_top(height);
        if new_len <= top && new_len < prev_len {
            // The content now ends in scrollback: show its last rows on screen again.
            let start = new_len.saturating_sub(height);
            self.redraw_visible(
                out,
                lines,
                start,
                height,
                FullRedrawReason::ShrankAboveViewport,
            );
            return;
        }
        if first < top {
            // Rows in scrollback cannot be changed without erasing the user's history;
            // they keep what they showed, and the visible rows are brought up to date.
            self.stats.scrollback_changes += 1;
            first = top;
            if first > last && new_len == prev_len {
                self.previous = lines;
                return;
            }
        }
        self.stats.partial_renders += 1;
        out.push_str(BEGIN_SYNC);
        delete_images(out, &self.previous, first, last);
        let append_start = appended && first == prev_len && first > 0;
        let target = if append_start { first - 1 } else { first };
        self.move_to(out, target);
        out.push_str(if append_start { "\r\n" } else { "\r" });
        let mut row = first;
        let render_end = last.min(new_len.saturating_sub(1));
        for i in first..=render_end {
            if let Some(line) = lines.get(i) {
                if i > first {
                    out.push_str("\r\n");
                }
                out.push_str("\x1b[2K");
                self.push_line(out, line);
                row = i;
            }
        }
        if new_len == 0 {
            out.push_str("\x1b[2K");
        }
        self.cursor_row = row;
        self.max_rows = self.max_rows.max(row + 1);
        if prev_len > new_len {
            // Lines that are gone are blanked; the rows stay part of the working area.
            let end_row = new_len.saturating_sub(1);
            self.move_to(out, end_row);
            let extra = prev_len - new_len - usize::from(new_len == 0);
            for _ in 0..extra {
                out.push_str("\r\n\x1b[2K");
            }
            move_rows(out, -signed(extra));
        }
        out.push_str(END_SYNC);
        self.previous = lines;
    }

    /// Moves the cursor to a content row, scrolling with CR LF when the row is below every
    /// row drawn so far (cursor-down would stop at the bottom of the screen).
    fn move_to(&mut self, out: &mut String, target: usize) {
        let bottom = self.max_rows.saturating_sub(1);
        if target > bottom {
            move_rows(out, signed(bottom) - signed(self.cursor_row));
            for _ in bottom..target {
                out.push_str("\r\n");
            }
            self.max_rows = target + 1;
        } else {
            move_rows(out, signed(target) - signed(self.cursor_row));
        }
        self.cursor_row = target;
    }

    fn place_cursor(&mut self, out: &mut String, cursor: Option<CursorPosition>, height: usize) {
        use std::fmt::Write as _;
        let visible = cursor
            .filter(|c| c.row >= self.viewport_top(height) && c.row < self.previous.len().max(1));
        match visible {
            Some(c) => {
                self.move_to(out, c.row);
                let _ = write!(out, "\x1b[{}G", c.col + 1);
                out.push_str(if self.show_hardware_cursor {
                    SHOW_CURSOR
                } else {
                    HIDE_CURSOR
                });
            }
            None => out.push_str(HIDE_CURSOR),
        }
    }
}

//! Changing the editor's text: typing, pasting, new lines, deleting, killing and yanking,
//! undo, history and submit.

use super::layout::segments;
use super::paste;
use super::{Editor, EditorState, Snapshot};
use crate::editing::LastAction;

/// Line endings as LF, tabs as four spaces.
pub(crate) fn normalize(text: &str) -> String {
    text.replace("\r\n", "\n")
        .replace('\r', "\n")
        .replace('\t', "    ")
}

impl Editor {
    pub(super) fn push_undo(&mut self) {
        self.undo.push(Snapshot {
            state: self.state.clone(),
            pastes: self.pastes.clone(),
            paste_counter: self.paste_counter,
        });
    }

    pub(super) fn undo(&mut self) {
        self.exit_history();
        let Some(s) = self.undo.pop() else { return };
        self.state = s.state;
        self.pastes = s.pastes;
        self.paste_counter = s.paste_counter;
        self.last_action = None;
        self.preferred_col = None;
        self.changed();
    }

    pub(super) fn exit_history(&mut self) {
        self.history_index = None;
        self.history_draft = None;
    }

    pub(super) fn set_cursor_col(&mut self, col: usize) {
        let line = self.current_line();
        let mut col = col.min(line.len());
        while !line.is_char_boundary(col) {
            col -= 1;
        }
        self.state.cursor_col = col;
        self.preferred_col = None;
        self.snapped_from_col = None;
    }

    pub(super) fn set_text_internal(&mut self, text: &str, cursor_at_start: bool) {
        self.state.lines = text.split('\n').map(str::to_owned).collect();
        if self.state.lines.is_empty() {
            self.state.lines.push(String::new());
        }
        self.state.cursor_line = if cursor_at_start {
            0
        } else {
            self.state.lines.len() - 1
        };
        let col = if cursor_at_start {
            0
        } else {
            self.current_line().len()
        };
        self.set_cursor_col(col);
        self.scroll_offset = 0;
        self.changed();
    }

    /// Inserts (possibly multi-line) text at the cursor without an undo step.
    pub(super) fn insert_text(&mut self, text: &str) {
        if text.is_empty() {
            return;
        }
        let normalized = normalize(text);
        let line = self.current_line().to_owned();
        let col = self.state.cursor_col.min(line.len());
        let (before, after) = line.split_at(col);
        let inserted: Vec<&str> = normalized.split('\n').collect();
        match inserted.as_slice() {
            [single] => {
                if let Some(l) = self.state.lines.get_mut(self.state.cursor_line) {
                    *l = format!("{before}{single}{after}");
                }
                self.set_cursor_col(col + single.len());
            }
            [first, middle @ .., last] => {
                let mut replacement = vec![format!("{before}{first}")];
                replacement.extend(middle.iter().map(|s| (*s).to_owned()));
                replacement.push(format!("{last}{after}"));
                let at = self.state.cursor_line;
                let end = (at + 1).min(self.state.lines.len());
                self.state.lines.splice(at..end, replacement);
                self.state.cursor_line += inserted.len() - 1;
                self.set_cursor_col(last.len());
            }
            [] => {}
        }
        self.changed();
    }

    pub(super) fn insert_character(&mut self, text: &str) {
        self.exit_history();
        if text.chars().all(char::is_whitespace) || self.last_action != Some(LastAction::TypeWord) {
            self.push_undo();
        }
        self.last_action = Some(LastAction::TypeWord);
        let col = self.state.cursor_col;
        if let Some(line) = self.state.lines.get_mut(self.state.cursor_line) {
            let col = col.min(line.len());
            line.insert_str(col, text);
        }
        self.set_cursor_col(col + text.len());
        self.changed();
        self.after_typing(text);
    }

    pub(super) fn handle_paste(&mut self, pasted: &str) {
        self.popup = None;
        self.exit_history();
        self.last_action = None;
        self.push_undo();
        // Ctrl+letter inside a paste (Kitty form) stands for the control character.
        let decoded = decode_ctrl_letters(pasted);
        let clean: String = normalize(&decoded)
            .chars()
            .filter(|&c| c == '\n' || u32::from(c) >= 32)
            .collect();
        let mut text = clean;
        // A path pasted right after a word gets a space, so it stays a separate token.
        if text.starts_with(['/', '~', '.'])
            && self
                .text_before_cursor()
                .chars()
                .next_back()
                .is_some_and(|c| c.is_alphanumeric() || c == '_')
        {
            text.insert(0, ' ');
        }
        if paste::is_large(&text) {
            self.paste_counter += 1;
            let id = self.paste_counter;
            let marker = paste::marker_text(id, &text);
            self.pastes.push((id, text));
            self.insert_text(&marker);
        } else {
            self.insert_text(&text);
        }
    }

    pub(super) fn add_new_line(&mut self) {
        self.popup = None;
        self.exit_history();
        self.last_action = None;
        self.push_undo();
        let col = self.state.cursor_col;
        let at = self.state.cursor_line;
        let after = match self.state.lines.get_mut(at) {
            Some(line) => line.split_off(col.min(line.len())),
            None => String::new(),
        };
        self.state
            .lines
            .insert((at + 1).min(self.state.lines.len()), after);
        self.state.cursor_line = (at + 1).min(self.state.lines.len() - 1);
        self.set_cursor_col(0);
        self.changed();
    }

    pub(super) fn submit(&mut self) {
        self.popup = None;
        let result = self.expanded_text().trim().to_owned();
        self.state = EditorState::default();
        self.pastes.clear();
        self.paste_counter = 0;
        self.exit_history();
        self.scroll_offset = 0;
        self.undo.clear();
        self.last_action = None;
        self.changed();
        if let Some(f) = self.on_submit.as_mut() {
            f(&result);
        }
    }

    /// Joins the cursor's line onto the previous one (deleting the line break).
    fn join_with_previous(&mut self) {
        let at = self.state.cursor_line;
        if at == 0 || at >= self.state.lines.len() {
            return;
        }
        let current = self.state.lines.remove(at);
        let prev_len = self.state.lines.get(at - 1).map_or(0, String::len);
        if let Some(prev) = self.state.lines.get_mut(at - 1) {
            prev.push_str(&current);
        }
        self.state.cursor_line = at - 1;
        self.set_cursor_col(prev_len);
    }

    /// Joins the next line onto the cursor's line.
    fn join_with_next(&mut self) {
        let at = self.state.cursor_line;
        if at + 1 >= self.state.lines.len() {
            return;
        }
        let next = self.state.lines.remove(at + 1);
        if let Some(line) = self.state.lines.get_mut(at) {
            line.push_str(&next);
        }
    }

    pub(super) fn backspace(&mut self) {
        self.exit_history();
        self.last_action = None;
        let col = self.state.cursor_col;
        if col > 0 {
            self.push_undo();
            let ids = self.valid_paste_ids();
            let before = self.text_before_cursor().to_owned();
            let last = segments(&before, &ids)
                .last()
                .map_or("", |(_, s)| *s)
                .to_owned();
            let len = last.len().max(1).min(col);
            if paste::is_marker(&last)
                && let Some(m) = paste::find_markers(&last).first()
            {
                self.remove_paste(m.id);
            }
            let col = self.state.cursor_col;
            if let Some(line) = self.state.lines.get_mut(self.state.cursor_line) {
                line.replace_range(col - len..col, "");
            }
            self.set_cursor_col(col - len);
        } else if self.state.cursor_line > 0 {
            self.push_undo();
            self.join_with_previous();
        }
        self.changed();
        self.after_deleting();
    }

    /// Forgets a paste whose marker was deleted, renumbering the later ones.
    fn remove_paste(&mut self, id: u32) {
        self.pastes.retain(|(i, _)| *i != id);
        self.paste_counter = self.paste_counter.saturating_sub(1);
        for (i, _) in &mut self.pastes {
            if *i > id {
                *i -= 1;
            }
        }
        for line in &mut self.state.lines {
            *line = paste::renumber_after(line, id);
        }
    }

    pub(super) fn forward_delete(&mut self) {
        self.exit_history();
        self.last_action = None;
        let col = self.state.cursor_col;
        let line = self.current_line().to_owned();
        if col < line.len() {
            self.push_undo();
            let ids = self.valid_paste_ids();
            let after = line.get(col..).unwrap_or_default();
            let first = segments(after, &ids)
                .first()
                .map_or("", |(_, s)| *s)
                .to_owned();
            let len = first.len().max(1).min(line.len() - col);
            if let Some(l) = self.state.lines.get_mut(self.state.cursor_line) {
                l.replace_range(col..col + len, "");
            }
        } else if self.state.cursor_line + 1 < self.state.lines.len() {
            self.push_undo();
            self.join_with_next();
        }
        self.changed();
        self.after_deleting();
    }

    fn kill_flags(&self) -> bool {
        self.last_action == Some(LastAction::Kill)
    }

    pub(super) fn delete_to_line_start(&mut self) {
        self.exit_history();
        let col = self.state.cursor_col;
        if col > 0 {
            self.push_undo();
            let killed = self.text_before_cursor().to_owned();
            self.kill_ring.push(&killed, true, self.kill_flags());
            self.last_action = Some(LastAction::Kill);
            if let Some(line) = self.state.lines.get_mut(self.state.cursor_line) {
                line.replace_range(..col, "");
            }
            self.set_cursor_col(0);
        } else if self.state.cursor_line > 0 {
            self.push_undo();
            self.kill_ring.push("\n", true, self.kill_flags());
            self.last_action = Some(LastAction::Kill);
            self.join_with_previous();
        }
        self.changed();
    }

    pub(super) fn delete_to_line_end(&mut self) {
        self.exit_history();
        let col = self.state.cursor_col;
        let len = self.current_line().len();
        if col < len {
            self.push_undo();
            let killed = self
                .current_line()
                .get(col..)
                .unwrap_or_default()
                .to_owned();
            self.kill_ring.push(&killed, false, self.kill_flags());
            self.last_action = Some(LastAction::Kill);
            if let Some(line) = self.state.lines.get_mut(self.state.cursor_line) {
                line.truncate(col);
            }
        } else if self.state.cursor_line + 1 < self.state.lines.len() {
            self.push_undo();
            self.kill_ring.push("\n", false, self.kill_flags());
            self.last_action = Some(LastAction::Kill);
            self.join_with_next();
        }
        self.changed();
    }

    pub(super) fn delete_word_backward(&mut self) {
        self.exit_history();
        let col = self.state.cursor_col;
        if col == 0 {
            if self.state.cursor_line > 0 {
                self.push_undo();
                self.kill_ring.push("\n", true, self.kill_flags());
                self.last_action = Some(LastAction::Kill);
                self.join_with_previous();
            }
        } else {
            self.push_undo();
            let was_kill = self.kill_flags();
            let from = self.word_backward_col();
            let killed = self
                .current_line()
                .get(from..col)
                .unwrap_or_default()
                .to_owned();
            self.kill_ring.push(&killed, true, was_kill);
            self.last_action = Some(LastAction::Kill);
            if let Some(line) = self.state.lines.get_mut(self.state.cursor_line) {
                line.replace_range(from..col, "");
            }
            self.set_cursor_col(from);
        }
        self.changed();
    }

    pub(super) fn delete_word_forward(&mut self) {
        self.exit_history();
        let col = self.state.cursor_col;
        if col >= self.current_line().len() {
            if self.state.cursor_line + 1 < self.state.lines.len() {
                self.push_undo();
                self.kill_ring.push("\n", false, self.kill_flags());
                self.last_action = Some(LastAction::Kill);
                self.join_with_next();
            }
        } else {
            self.push_undo();
            let was_kill = self.kill_flags();
            let to = self.word_forward_col();
            let killed = self
                .current_line()
                .get(col..to)
                .unwrap_or_default()
                .to_owned();
            self.kill_ring.push(&killed, false, was_kill);
            self.last_action = Some(LastAction::Kill);
            if let Some(line) = self.state.lines.get_mut(self.state.cursor_line) {
                line.replace_range(col..to, "");
            }
        }
        self.changed();
    }

    pub(super) fn yank(&mut self) {
        let Some(text) = self.kill_ring.peek().map(str::to_owned) else {
            return;
        };
        self.push_undo();
        self.exit_history();
        self.insert_text(&text);
        self.last_action = Some(LastAction::Yank);
    }

    pub(super) fn yank_pop(&mut self) {
        if self.last_action != Some(LastAction::Yank) || self.kill_ring.len() <= 1 {
            return;
        }
        self.push_undo();
        self.delete_yanked();
        self.kill_ring.rotate();
        let text = self.kill_ring.peek().unwrap_or_default().to_owned();
        self.insert_text(&text);
        self.last_action = Some(LastAction::Yank);
    }

    /// Removes the text just yanked (it ends at the cursor).
    fn delete_yanked(&mut self) {
        let Some(yanked) = self.kill_ring.peek().map(str::to_owned) else {
            return;
        };
        let parts: Vec<&str> = yanked.split('\n').collect();
        let cursor = self.state.cursor_col;
        if parts.len() == 1 {
            let start = cursor.saturating_sub(yanked.len());
            if let Some(line) = self.state.lines.get_mut(self.state.cursor_line) {
                line.replace_range(start..cursor.min(line.len()), "");
            }
            self.set_cursor_col(start);
        } else {
            let start_line = self.state.cursor_line.saturating_sub(parts.len() - 1);
            let first_len = parts.first().map_or(0, |p| p.len());
            let start_col = self
                .state
                .lines
                .get(start_line)
                .map_or(0, |l| l.len().saturating_sub(first_len));
            let after = self
                .current_line()
                .get(cursor..)
                .unwrap_or_default()
                .to_owned();
            let before = self
                .state
                .lines
                .get(start_line)
                .and_then(|l| l.get(..start_col))
                .unwrap_or_default()
                .to_owned();
            let end = (self.state.cursor_line + 1).min(self.state.lines.len());
            self.state
                .lines
                .splice(start_line..end, [format!("{before}{after}")]);
            self.state.cursor_line = start_line;
            self.set_cursor_col(start_col);
        }
        self.changed();
    }

    /// Up (-1) goes to older entries, down (1) to newer; past the newest restores the draft.
    pub(super) fn navigate_history(&mut self, direction: isize) {
        self.last_action = None;
        if self.history.is_empty() {
            return;
        }
        let current: isize = self.history_index.map_or(-1, |i| i as isize);
        let next = current - direction;
        if next < -1 || next >= self.history.len() as isize {
            return;
        }
        if current == -1 && next >= 0 {
            self.push_undo();
            self.history_draft = Some(self.state.clone());
        }
        if next == -1 {
            self.history_index = None;
            match self.history_draft.take() {
                Some(draft) => {
                    self.state = draft;
                    self.preferred_col = None;
                    self.snapped_from_col = None;
                    self.scroll_offset = 0;
                    self.changed();
                }
                None => self.set_text_internal("", false),
            }
        } else {
            self.history_index = usize::try_from(next).ok();
            let entry = usize::try_from(next)
                .ok()
                .and_then(|i| self.history.get(i))
                .cloned()
                .unwrap_or_default();
            self.set_text_internal(&entry, direction == -1);
        }
    }
}

/// `ESC[<c>;5u` (Ctrl+letter in the Kitty form) inside pasted text becomes the control
/// character.
fn decode_ctrl_letters(text: &str) -> String {
    if !text.contains("\x1b[") {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("\x1b[") {
        out.push_str(rest.get(..at).unwrap_or_default());
        let tail = rest.get(at + 2..).unwrap_or_default();
        let digits = tail.bytes().take_while(u8::is_ascii_digit).count();
        let code: Option<u32> = tail.get(..digits).and_then(|d| d.parse().ok());
        if digits > 0 && tail.get(digits..digits + 3) == Some(";5u") {
            let c = code.and_then(|cp| match cp {
                97..=122 => char::from_u32(cp - 96),
                65..=90 => char::from_u32(cp - 64),
                _ => None,
            });
            if let Some(c) = c {
                out.push(c);
                rest = tail.get(digits + 3..).unwrap_or_default();
                continue;
            }
        }
        out.push_str("\x1b[");
        rest = tail;
    }
    out.push_str(rest);
    out
}

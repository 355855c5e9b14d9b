//! Moving the cursor: by grapheme, by visual line (keeping the column), by word, by page,
//! to a typed character, and through history at the top and bottom.

use super::layout::{VisualLine, segments, visual_line_at, visual_lines};
use super::paste::is_marker;
use super::{Editor, JumpDirection};
use crate::editing::{find_word_backward, find_word_forward};

impl Editor {
    pub(super) fn visual_map(&self) -> Vec<VisualLine> {
        visual_lines(
            &self.state.lines,
            self.layout_width,
            &self.valid_paste_ids(),
        )
    }

    fn current_visual(&self, visual: &[VisualLine]) -> usize {
        visual_line_at(visual, self.state.cursor_line, self.state.cursor_col)
    }

    fn is_empty(&self) -> bool {
        self.state.lines.len() == 1 && self.state.lines.first().is_some_and(String::is_empty)
    }

    pub(super) fn cursor_up(&mut self) {
        let visual = self.visual_map();
        let on_first = self.current_visual(&visual) == 0;
        if on_first
            && (self.is_empty() || self.history_index.is_some() || self.state.cursor_col == 0)
        {
            self.navigate_history(-1);
        } else if on_first {
            self.move_to_line_start();
        } else {
            self.move_cursor(-1, 0);
        }
    }

    pub(super) fn cursor_down(&mut self) {
        let visual = self.visual_map();
        let on_last = self.current_visual(&visual) + 1 >= visual.len();
        if self.history_index.is_some() && on_last {
            self.navigate_history(1);
        } else if on_last {
            self.move_to_line_end();
        } else {
            self.move_cursor(1, 0);
        }
    }

    pub(super) fn move_to_line_start(&mut self) {
        self.last_action = None;
        self.set_cursor_col(0);
    }

    pub(super) fn move_to_line_end(&mut self) {
        self.last_action = None;
        let len = self.current_line().len();
        self.set_cursor_col(len);
    }

    pub(super) fn move_cursor(&mut self, delta_line: isize, delta_col: isize) {
        self.last_action = None;
        let visual = self.visual_map();
        let current = self.current_visual(&visual);
        if delta_line != 0 {
            let target = current as isize + delta_line;
            if let Ok(target) = usize::try_from(target)
                && target < visual.len()
            {
                self.move_to_visual_line(&visual, current, target);
            }
        }
        if delta_col > 0 {
            let ids = self.valid_paste_ids();
            let line = self.current_line();
            let col = self.state.cursor_col;
            if col < line.len() {
                let step = segments(line.get(col..).unwrap_or_default(), &ids)
                    .first()
                    .map_or(1, |(_, s)| s.len());
                self.set_cursor_col(col + step);
            } else if self.state.cursor_line + 1 < self.state.lines.len() {
                self.state.cursor_line += 1;
                self.set_cursor_col(0);
            } else if let Some(vl) = visual.get(current) {
                self.preferred_col =
                    Some(self.state.cursor_col - vl.start.min(self.state.cursor_col));
            }
        } else if delta_col < 0 {
            let ids = self.valid_paste_ids();
            let col = self.state.cursor_col;
            if col > 0 {
                let before = self.text_before_cursor();
                let step = segments(before, &ids).last().map_or(1, |(_, s)| s.len());
                self.set_cursor_col(col.saturating_sub(step));
            } else if self.state.cursor_line > 0 {
                self.state.cursor_line -= 1;
                let len = self.current_line().len();
                self.set_cursor_col(len);
            }
        }
        if self.popup.is_some() {
            self.update_autocomplete();
        }
    }

    /// Moves to another visual line, keeping the column where it can (and remembering it
    /// when the target is too short, to restore it on a longer line after).
    fn move_to_visual_line(&mut self, visual: &[VisualLine], current: usize, target: usize) {
        let (Some(cur), Some(tgt)) = (visual.get(current).copied(), visual.get(target).copied())
        else {
            return;
        };
        let current_col = match self.snapped_from_col {
            Some(snapped) => {
                let i = visual_line_at(visual, cur.line, snapped);
                snapped - visual.get(i).map_or(0, |v| v.start).min(snapped)
            }
            None => self.state.cursor_col.saturating_sub(cur.start),
        };
        let last_of =
            |i: usize, vl: &VisualLine| visual.get(i + 1).is_none_or(|n| n.line != vl.line);
        let source_max = if last_of(current, &cur) {
            cur.len
        } else {
            cur.len.saturating_sub(1)
        };
        let target_max = if last_of(target, &tgt) {
            tgt.len
        } else {
            tgt.len.saturating_sub(1)
        };
        let col = self.vertical_column(current_col, source_max, target_max);
        self.state.cursor_line = tgt.line;
        let line = self.current_line().to_owned();
        let mut cursor = (tgt.start + col).min(line.len());
        while !line.is_char_boundary(cursor) {
            cursor -= 1;
        }
        self.state.cursor_col = cursor;
        // Never leave the cursor inside a grapheme or paste marker.
        let ids = self.valid_paste_ids();
        for (index, seg) in segments(&line, &ids) {
            if index > cursor {
                break;
            }
            if seg.len() > 1 && cursor < index + seg.len() && cursor != index {
                let moving_down = target > current;
                if index < tgt.start && moving_down {
                    let end = index + seg.len();
                    let mut next = target + 1;
                    while visual
                        .get(next)
                        .is_some_and(|v| v.line == tgt.line && v.start < end)
                    {
                        next += 1;
                    }
                    if next < visual.len() {
                        self.move_to_visual_line(visual, current, next);
                        return;
                    }
                }
                self.snapped_from_col = Some(cursor);
                self.state.cursor_col = index;
                return;
            }
        }
        self.snapped_from_col = None;
    }

    fn vertical_column(&mut self, current: usize, source_max: usize, target_max: usize) -> usize {
        let in_middle = current < source_max;
        let too_short = target_max < current;
        match self.preferred_col {
            Some(preferred) if !in_middle => {
                if too_short || target_max < preferred {
                    target_max
                } else {
                    self.preferred_col = None;
                    preferred
                }
            }
            _ => {
                if too_short {
                    self.preferred_col = Some(current);
                    target_max
                } else {
                    self.preferred_col = None;
                    current
                }
            }
        }
    }

    pub(super) fn page_scroll(&mut self, direction: isize) {
        self.last_action = None;
        let page = self.max_visible_lines().max(1) as isize;
        let visual = self.visual_map();
        let current = self.current_visual(&visual);
        let target = (current as isize + direction * page).clamp(0, visual.len() as isize - 1);
        self.move_to_visual_line(&visual, current, usize::try_from(target).unwrap_or(0));
    }

    pub(super) fn word_backward_col(&self) -> usize {
        find_word_backward(self.current_line(), self.state.cursor_col, &is_marker)
    }

    pub(super) fn word_forward_col(&self) -> usize {
        find_word_forward(self.current_line(), self.state.cursor_col, &is_marker)
    }

    pub(super) fn move_word_backward(&mut self) {
        self.last_action = None;
        if self.state.cursor_col == 0 {
            if self.state.cursor_line > 0 {
                self.state.cursor_line -= 1;
                let len = self.current_line().len();
                self.set_cursor_col(len);
            }
            return;
        }
        let col = self.word_backward_col();
        self.set_cursor_col(col);
    }

    pub(super) fn move_word_forward(&mut self) {
        self.last_action = None;
        if self.state.cursor_col >= self.current_line().len() {
            if self.state.cursor_line + 1 < self.state.lines.len() {
                self.state.cursor_line += 1;
                self.set_cursor_col(0);
            }
            return;
        }
        let col = self.word_forward_col();
        self.set_cursor_col(col);
    }

    pub(super) fn jump_to_char(&mut self, target: &str, direction: JumpDirection) {
        self.last_action = None;
        let n = self.state.lines.len();
        let lines: Vec<usize> = match direction {
            JumpDirection::Forward => (self.state.cursor_line..n).collect(),
            JumpDirection::Backward => (0..=self.state.cursor_line.min(n.saturating_sub(1)))
                .rev()
                .collect(),
        };
        for i in lines {
            let Some(line) = self.state.lines.get(i) else {
                continue;
            };
            let current = i == self.state.cursor_line;
            let found = match direction {
                JumpDirection::Forward => {
                    let from = if current {
                        let c = self.state.cursor_col;
                        c + line
                            .get(c..)
                            .and_then(|r| r.chars().next())
                            .map_or(1, char::len_utf8)
                    } else {
                        0
                    };
                    line.get(from..)
                        .and_then(|r| r.find(target))
                        .map(|p| p + from)
                }
                JumpDirection::Backward => {
                    let to = if current {
                        self.state.cursor_col
                    } else {
                        line.len()
                    };
                    line.get(..to).and_then(|r| r.rfind(target))
                }
            };
            if let Some(col) = found {
                self.state.cursor_line = i;
                self.set_cursor_col(col);
                return;
            }
        }
    }
}

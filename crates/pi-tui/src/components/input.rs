//! [`Input`]: a single-line text field with a prompt, horizontal scrolling, kill ring, undo
//! and word motion.

use std::rc::Rc;

use unicode_segmentation::UnicodeSegmentation;

use crate::component::{CURSOR_MARKER, Component};
use crate::editing::{
    KillRing, LastAction, UndoStack, find_word_backward, find_word_forward, grapheme_after,
    grapheme_before,
};
use crate::input::keybindings::{Keybindings, action};
use crate::input::keys::decode_kitty_printable;
use crate::slice::slice_by_column;
use crate::style::{StyleFn, plain};
use crate::truncate::truncate_to_width;
use crate::width::visible_width;

const PASTE_START: &str = "\x1b[200~";
const PASTE_END: &str = "\x1b[201~";

/// Whether input holds control characters, which are keys, not text.
pub fn has_control_chars(data: &str) -> bool {
    data.chars().any(|c| {
        let code = u32::from(c);
        code < 32 || code == 0x7f || (0x80..=0x9f).contains(&code)
    })
}

type SubmitCallback = Box<dyn FnMut(&str)>;

fn no_atoms(_: &str) -> bool {
    false
}

/// A one-line text field.
pub struct Input {
    value: String,
    cursor: usize,
    prompt: String,
    placeholder: String,
    placeholder_style: StyleFn,
    focused: bool,
    paste: Option<String>,
    kill_ring: KillRing,
    last_action: Option<LastAction>,
    undo: UndoStack<(String, usize)>,
    keybindings: Rc<Keybindings>,
    on_submit: Option<SubmitCallback>,
    on_escape: Option<Box<dyn FnMut()>>,
}

impl std::fmt::Debug for Input {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Input")
            .field("value", &self.value)
            .field("cursor", &self.cursor)
            .finish_non_exhaustive()
    }
}

impl Default for Input {
    fn default() -> Self {
        Self::new()
    }
}

impl Input {
    /// An empty field with the prompt `"> "`.
    pub fn new() -> Self {
        Self {
            value: String::new(),
            cursor: 0,
            prompt: "> ".into(),
            placeholder: String::new(),
            placeholder_style: plain(),
            focused: false,
            paste: None,
            kill_ring: KillRing::default(),
            last_action: None,
            undo: UndoStack::default(),
            keybindings: Rc::new(Keybindings::default()),
            on_submit: None,
            on_escape: None,
        }
    }

    /// Uses another prompt.
    pub fn with_prompt(mut self, prompt: impl Into<String>) -> Self {
        self.prompt = prompt.into();
        self
    }

    /// Shows this text, styled, while the field is empty.
    pub fn with_placeholder(mut self, placeholder: impl Into<String>, style: StyleFn) -> Self {
        self.placeholder = placeholder.into();
        self.placeholder_style = style;
        self
    }

    /// Uses these keybindings instead of the defaults.
    pub fn with_keybindings(mut self, keybindings: Rc<Keybindings>) -> Self {
        self.keybindings = keybindings;
        self
    }

    /// Called with the value on Enter.
    pub fn on_submit(&mut self, f: impl FnMut(&str) + 'static) {
        self.on_submit = Some(Box::new(f));
    }

    /// Called on Escape.
    pub fn on_escape(&mut self, f: impl FnMut() + 'static) {
        self.on_escape = Some(Box::new(f));
    }

    /// The text.
    pub fn value(&self) -> &str {
        &self.value
    }

    /// Replaces the text, keeping the cursor where it can be.
    pub fn set_value(&mut self, value: impl Into<String>) {
        self.value = value.into();
        self.cursor = self.cursor.min(self.value.len());
        while !self.value.is_char_boundary(self.cursor) {
            self.cursor -= 1;
        }
    }

    /// The cursor as a byte offset into the value.
    pub fn cursor(&self) -> usize {
        self.cursor
    }

    fn push_undo(&mut self) {
        self.undo.push((self.value.clone(), self.cursor));
    }

    fn insert(&mut self, text: &str) {
        if text.chars().all(char::is_whitespace) || self.last_action != Some(LastAction::TypeWord) {
            self.push_undo();
        }
        self.last_action = Some(LastAction::TypeWord);
        self.value.insert_str(self.cursor, text);
        self.cursor += text.len();
    }

    fn kill(&mut self, from: usize, to: usize, prepend: bool) {
        let accumulate = self.last_action == Some(LastAction::Kill);
        self.push_undo();
        if let Some(text) = self.value.get(from..to).map(str::to_owned) {
            self.kill_ring.push(&text, prepend, accumulate);
            self.value.replace_range(from..to, "");
            self.cursor = from;
        }
        self.last_action = Some(LastAction::Kill);
    }

    fn yank(&mut self) {
        let Some(text) = self.kill_ring.peek().map(str::to_owned) else {
            return;
        };
        self.push_undo();
        self.value.insert_str(self.cursor, &text);
        self.cursor += text.len();
        self.last_action = Some(LastAction::Yank);
    }

    fn yank_pop(&mut self) {
        if self.last_action != Some(LastAction::Yank) || self.kill_ring.len() <= 1 {
            return;
        }
        self.push_undo();
        let previous = self.kill_ring.peek().map_or(0, str::len);
        let start = self.cursor.saturating_sub(previous);
        self.value.replace_range(start..self.cursor, "");
        self.cursor = start;
        self.kill_ring.rotate();
        let text = self.kill_ring.peek().unwrap_or_default().to_owned();
        self.value.insert_str(self.cursor, &text);
        self.cursor += text.len();
        self.last_action = Some(LastAction::Yank);
    }

    fn handle_paste(&mut self, pasted: &str) {
        self.last_action = None;
        self.push_undo();
        let clean: String = pasted
            .replace("\r\n", "")
            .replace(['\r', '\n'], "")
            .replace('\t', "    ")
            .chars()
            .filter(|c| !c.is_control())
            .collect();
        self.value.insert_str(self.cursor, &clean);
        self.cursor += clean.len();
    }

    fn handle_key(&mut self, data: &str) {
        let kb = Rc::clone(&self.keybindings);
        let is = |a: &str| kb.matches(data, a);
        if is(action::SELECT_CANCEL) {
            if let Some(f) = self.on_escape.as_mut() {
                f();
            }
        } else if is(action::EDITOR_UNDO) {
            if let Some((value, cursor)) = self.undo.pop() {
                self.value = value;
                self.cursor = cursor;
                self.last_action = None;
            }
        } else if is(action::INPUT_SUBMIT) || data == "\n" {
            let value = self.value.clone();
            if let Some(f) = self.on_submit.as_mut() {
                f(&value);
            }
        } else if is(action::EDITOR_DELETE_CHAR_BACKWARD) {
            self.last_action = None;
            let n = grapheme_before(&self.value, self.cursor);
            if n > 0 {
                self.push_undo();
                self.value.replace_range(self.cursor - n..self.cursor, "");
                self.cursor -= n;
            }
        } else if is(action::EDITOR_DELETE_CHAR_FORWARD) {
            self.last_action = None;
            let n = grapheme_after(&self.value, self.cursor);
            if n > 0 {
                self.push_undo();
                self.value.replace_range(self.cursor..self.cursor + n, "");
            }
        } else if is(action::EDITOR_DELETE_WORD_BACKWARD) {
            if self.cursor > 0 {
                let from = find_word_backward(&self.value, self.cursor, &no_atoms);
                self.kill(from, self.cursor, true);
            }
        } else if is(action::EDITOR_DELETE_WORD_FORWARD) {
            if self.cursor < self.value.len() {
                let to = find_word_forward(&self.value, self.cursor, &no_atoms);
                self.kill(self.cursor, to, false);
            }
        } else if is(action::EDITOR_DELETE_TO_LINE_START) {
            if self.cursor > 0 {
                self.kill(0, self.cursor, true);
            }
        } else if is(action::EDITOR_DELETE_TO_LINE_END) {
            if self.cursor < self.value.len() {
                let cursor = self.cursor;
                self.kill(cursor, self.value.len(), false);
                self.cursor = cursor;
            }
        } else if is(action::EDITOR_YANK) {
            self.yank();
        } else if is(action::EDITOR_YANK_POP) {
            self.yank_pop();
        } else if is(action::EDITOR_CURSOR_LEFT) {
            self.last_action = None;
            self.cursor -= grapheme_before(&self.value, self.cursor);
        } else if is(action::EDITOR_CURSOR_RIGHT) {
            self.last_action = None;
            self.cursor += grapheme_after(&self.value, self.cursor);
        } else if is(action::EDITOR_CURSOR_LINE_START) {
            self.last_action = None;
            self.cursor = 0;
        } else if is(action::EDITOR_CURSOR_LINE_END) {
            self.last_action = None;
            self.cursor = self.value.len();
        } else if is(action::EDITOR_CURSOR_WORD_LEFT) {
            self.last_action = None;
            self.cursor = find_word_backward(&self.value, self.cursor, &no_atoms);
        } else if is(action::EDITOR_CURSOR_WORD_RIGHT) {
            self.last_action = None;
            self.cursor = find_word_forward(&self.value, self.cursor, &no_atoms);
        } else if let Some(text) = decode_kitty_printable(data) {
            self.insert(&text);
        } else if !has_control_chars(data) && !data.is_empty() {
            self.insert(data);
        }
    }
}

impl Component for Input {
    fn handle_input(&mut self, data: &str) {
        let mut data = data.to_owned();
        if let Some(at) = data.find(PASTE_START) {
            data.replace_range(at..at + PASTE_START.len(), "");
            self.paste = Some(String::new());
        }
        if let Some(buffer) = &mut self.paste {
            buffer.push_str(&data);
            if let Some(end) = buffer.find(PASTE_END) {
                let rest = buffer
                    .get(end + PASTE_END.len()..)
                    .unwrap_or_default()
                    .to_owned();
                let content = buffer.get(..end).unwrap_or_default().to_owned();
                self.paste = None;
                self.handle_paste(&content);
                if !rest.is_empty() {
                    self.handle_input(&rest);
                }
            }
            return;
        }
        self.handle_key(&data);
    }

    fn set_focused(&mut self, focused: bool) {
        self.focused = focused;
    }

    fn render(&mut self, width: usize) -> Vec<String> {
        let prompt_width = visible_width(&self.prompt);
        let available = width.saturating_sub(prompt_width);
        if available == 0 {
            return vec![truncate_to_width(&self.prompt, width, "", false)];
        }
        let marker = if self.focused { CURSOR_MARKER } else { "" };
        if self.value.is_empty() && !self.placeholder.is_empty() {
            let placeholder = truncate_to_width(&self.placeholder, available, "", false);
            let first = placeholder.graphemes(true).next().unwrap_or(" ");
            let rest = placeholder.get(first.len()..).unwrap_or_default();
            let style = &self.placeholder_style;
            let text = format!("{marker}\x1b[7m{}\x1b[27m{}", style(first), style(rest));
            let pad = available.saturating_sub(visible_width(&text));
            return vec![format!("{}{text}{}", self.prompt, " ".repeat(pad))];
        }
        let total = visible_width(&self.value);
        let (visible, cursor_in_visible) = if total < available {
            (self.value.clone(), self.cursor)
        } else {
            // Scroll so the cursor stays in view, centred where possible.
            let scroll = if self.cursor == self.value.len() {
                available - 1
            } else {
                available
            };
            let cursor_col = visible_width(self.value.get(..self.cursor).unwrap_or_default());
            if scroll == 0 {
                (String::new(), 0)
            } else {
                let half = scroll / 2;
                let start = if cursor_col < half {
                    0
                } else if cursor_col > total.saturating_sub(half) {
                    total.saturating_sub(scroll)
                } else {
                    cursor_col - half
                };
                let visible = slice_by_column(&self.value, start, scroll, true);
                let before =
                    slice_by_column(&self.value, start, cursor_col.saturating_sub(start), true);
                (visible, before.len())
            }
        };
        let before = visible.get(..cursor_in_visible).unwrap_or(&visible);
        let rest = visible.get(cursor_in_visible..).unwrap_or_default();
        let at = rest.graphemes(true).next().unwrap_or(" ");
        let after = rest.get(at.len()..).unwrap_or_default();
        let text = format!("{before}{marker}\x1b[7m{at}\x1b[27m{after}");
        let pad = available.saturating_sub(visible_width(&text));
        vec![format!("{}{text}{}", self.prompt, " ".repeat(pad))]
    }
}

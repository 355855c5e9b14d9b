//! [`Editor`]: pi's multi-line prompt editor.
//!
//! Word-wrapped text with a grapheme cursor between two border lines, prompt history (100
//! entries), large pastes folded into `[paste #N ...]` markers, an Emacs kill ring, undo,
//! jump-to-character, every key through the [`Keybindings`], and an autocomplete popup fed
//! by an [`AutocompleteProvider`] (slash commands, `@` files, Tab path completion).

mod completion;
mod edit;
mod layout;
mod motion;
mod paste;
mod render;

use std::rc::Rc;

use crate::autocomplete::AutocompleteProvider;
use crate::component::Component;
use crate::components::{SelectList, SelectListTheme};
use crate::editing::{KillRing, LastAction, UndoStack};
use crate::input::keybindings::{Keybindings, action};
use crate::input::keys::{decode_printable_key, matches_key};
use crate::style::{StyleFn, plain};

/// History entries kept.
pub const MAX_HISTORY: usize = 100;

const PASTE_START: &str = "\x1b[200~";
const PASTE_END: &str = "\x1b[201~";

/// Styles of an [`Editor`].
#[derive(Clone)]
pub struct EditorTheme {
    /// The border lines.
    pub border: StyleFn,
    /// The autocomplete popup.
    pub select_list: SelectListTheme,
}

impl std::fmt::Debug for EditorTheme {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EditorTheme").finish_non_exhaustive()
    }
}

impl Default for EditorTheme {
    fn default() -> Self {
        Self {
            border: plain(),
            select_list: SelectListTheme::default(),
        }
    }
}

/// The text and cursor (a byte offset into the cursor's line).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct EditorState {
    pub(crate) lines: Vec<String>,
    pub(crate) cursor_line: usize,
    pub(crate) cursor_col: usize,
}

impl Default for EditorState {
    fn default() -> Self {
        Self {
            lines: vec![String::new()],
            cursor_line: 0,
            cursor_col: 0,
        }
    }
}

/// What undo restores.
#[derive(Debug, Clone)]
pub(crate) struct Snapshot {
    state: EditorState,
    pastes: Vec<(u32, String)>,
    paste_counter: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum JumpDirection {
    Forward,
    Backward,
}

/// Whether the popup was opened by typing or forced by Tab.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PopupMode {
    Regular,
    Forced,
}

pub(crate) struct Popup {
    list: SelectList,
    prefix: String,
    mode: PopupMode,
}

type TextCallback = std::boxed::Box<dyn FnMut(&str)>;

/// The multi-line editor. See the [module docs](self).
pub struct Editor {
    state: EditorState,
    focused: bool,
    theme: EditorTheme,
    keybindings: Rc<Keybindings>,
    padding_x: usize,
    terminal_rows: usize,
    layout_width: usize,
    scroll_offset: usize,
    provider: Option<Rc<dyn AutocompleteProvider>>,
    trigger_chars: Vec<char>,
    popup: Option<Popup>,
    autocomplete_max_visible: usize,
    pastes: Vec<(u32, String)>,
    paste_counter: u32,
    paste_buffer: Option<String>,
    history: Vec<String>,
    history_index: Option<usize>,
    history_draft: Option<EditorState>,
    kill_ring: KillRing,
    last_action: Option<LastAction>,
    jump: Option<JumpDirection>,
    preferred_col: Option<usize>,
    snapped_from_col: Option<usize>,
    undo: UndoStack<Snapshot>,
    disable_submit: bool,
    border_label: Option<String>,
    on_submit: Option<TextCallback>,
    on_change: Option<TextCallback>,
}

impl std::fmt::Debug for Editor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Editor")
            .field("state", &self.state)
            .finish_non_exhaustive()
    }
}

impl Default for Editor {
    fn default() -> Self {
        Self::new(EditorTheme::default())
    }
}

impl Editor {
    /// An empty editor.
    pub fn new(theme: EditorTheme) -> Self {
        Self {
            state: EditorState::default(),
            focused: false,
            theme,
            keybindings: Rc::new(Keybindings::default()),
            padding_x: 0,
            terminal_rows: 24,
            layout_width: 80,
            scroll_offset: 0,
            provider: None,
            trigger_chars: vec!['@', '#'],
            popup: None,
            autocomplete_max_visible: 5,
            pastes: Vec::new(),
            paste_counter: 0,
            paste_buffer: None,
            history: Vec::new(),
            history_index: None,
            history_draft: None,
            kill_ring: KillRing::default(),
            last_action: None,
            jump: None,
            preferred_col: None,
            snapped_from_col: None,
            undo: UndoStack::default(),
            disable_submit: false,
            border_label: None,
            on_submit: None,
            on_change: None,
        }
    }

    /// Uses these keybindings instead of the defaults.
    pub fn with_keybindings(mut self, keybindings: Rc<Keybindings>) -> Self {
        self.keybindings = keybindings;
        self
    }

    /// Columns of padding left and right (without padding one column is kept free for the
    /// cursor at the end of a line).
    pub fn set_padding_x(&mut self, padding: usize) {
        self.padding_x = padding;
    }

    /// Changes the border's style (pi colours it by thinking level and for bash commands).
    pub fn set_border_style(&mut self, style: StyleFn) {
        self.theme.border = style;
    }

    /// A styled label drawn into the top border (`── label ───`), such as a working
    /// spinner; `None` draws the plain border.
    pub fn set_border_label(&mut self, label: Option<String>) {
        self.border_label = label;
    }

    /// The terminal's height: the editor shows at most 30% of it (at least 5 lines).
    pub fn set_terminal_rows(&mut self, rows: usize) {
        self.terminal_rows = rows;
    }

    /// Rows of the autocomplete popup (clamped to 3..=20, default 5).
    pub fn set_autocomplete_max_visible(&mut self, n: usize) {
        self.autocomplete_max_visible = n.clamp(3, 20);
    }

    /// Where completions come from.
    pub fn set_autocomplete_provider(&mut self, provider: Rc<dyn AutocompleteProvider>) {
        self.popup = None;
        let mut chars = vec!['@', '#'];
        for c in provider.trigger_characters() {
            if c != '/' && !c.is_whitespace() && !chars.contains(&c) {
                chars.push(c);
            }
        }
        self.trigger_chars = chars;
        self.provider = Some(provider);
    }

    /// When set, Enter does nothing (the application is busy).
    pub fn set_disable_submit(&mut self, disable: bool) {
        self.disable_submit = disable;
    }

    /// Called with the expanded, trimmed text on submit; the editor is then cleared.
    pub fn on_submit(&mut self, f: impl FnMut(&str) + 'static) {
        self.on_submit = Some(std::boxed::Box::new(f));
    }

    /// Called with the text after every change.
    pub fn on_change(&mut self, f: impl FnMut(&str) + 'static) {
        self.on_change = Some(std::boxed::Box::new(f));
    }

    /// The text, with paste markers as they are shown.
    pub fn text(&self) -> String {
        self.state.lines.join("\n")
    }

    /// The text with paste markers replaced by what was pasted.
    pub fn expanded_text(&self) -> String {
        paste::expand(&self.text(), &self.pastes)
    }

    /// The logical lines.
    pub fn lines(&self) -> &[String] {
        &self.state.lines
    }

    /// The cursor as (line, byte offset in the line).
    pub fn cursor(&self) -> (usize, usize) {
        (self.state.cursor_line, self.state.cursor_col)
    }

    /// Whether the autocomplete popup is open.
    pub fn is_showing_autocomplete(&self) -> bool {
        self.popup.is_some()
    }

    /// Adds a submitted prompt to the history (trimmed; empty and repeated ones skipped).
    pub fn add_to_history(&mut self, text: &str) {
        let trimmed = text.trim();
        if trimmed.is_empty() || self.history.first().is_some_and(|h| h == trimmed) {
            return;
        }
        self.history.insert(0, trimmed.to_owned());
        self.history.truncate(MAX_HISTORY);
    }

    /// The history, newest first.
    pub fn history(&self) -> &[String] {
        &self.history
    }

    /// Replaces the text (an undoable change); the cursor goes to the end.
    pub fn set_text(&mut self, text: &str) {
        self.popup = None;
        self.last_action = None;
        self.exit_history();
        let normalized = edit::normalize(text);
        if self.text() != normalized {
            self.push_undo();
        }
        self.pastes.clear();
        self.paste_counter = 0;
        self.set_text_internal(&normalized, false);
    }

    /// Inserts text at the cursor (an undoable change).
    pub fn insert_text_at_cursor(&mut self, text: &str) {
        if text.is_empty() {
            return;
        }
        self.popup = None;
        self.push_undo();
        self.last_action = None;
        self.exit_history();
        self.insert_text(text);
    }

    fn changed(&mut self) {
        let text = self.text();
        if let Some(f) = self.on_change.as_mut() {
            f(&text);
        }
    }

    fn valid_paste_ids(&self) -> Vec<u32> {
        self.pastes.iter().map(|(id, _)| *id).collect()
    }

    fn current_line(&self) -> &str {
        self.state
            .lines
            .get(self.state.cursor_line)
            .map_or("", String::as_str)
    }

    fn text_before_cursor(&self) -> &str {
        let line = self.current_line();
        line.get(..self.state.cursor_col.min(line.len()))
            .unwrap_or(line)
    }

    fn handle_key(&mut self, data: &str) {
        let kb = Rc::clone(&self.keybindings);
        let is = |a: &str| kb.matches(data, a);
        if let Some(direction) = self.jump.take() {
            if is(action::EDITOR_JUMP_FORWARD) || is(action::EDITOR_JUMP_BACKWARD) {
                return;
            }
            let printable = decode_printable_key(data).or_else(|| {
                data.chars()
                    .next()
                    .filter(|c| u32::from(*c) >= 32)
                    .map(|_| data.to_owned())
            });
            if let Some(target) = printable {
                self.jump_to_char(&target, direction);
                return;
            }
        }
        if is(action::INPUT_COPY) {
            return;
        }
        if is(action::EDITOR_UNDO) {
            self.undo();
            return;
        }
        if self.popup.is_some() && self.handle_popup_key(data, &kb) {
            return;
        }
        if is(action::INPUT_TAB) && self.popup.is_none() {
            self.handle_tab();
            return;
        }
        if is(action::EDITOR_DELETE_TO_LINE_END) {
            self.delete_to_line_end();
        } else if is(action::EDITOR_DELETE_TO_LINE_START) {
            self.delete_to_line_start();
        } else if is(action::EDITOR_DELETE_WORD_BACKWARD) {
            self.delete_word_backward();
        } else if is(action::EDITOR_DELETE_WORD_FORWARD) {
            self.delete_word_forward();
        } else if is(action::EDITOR_DELETE_CHAR_BACKWARD) || matches_key(data, "shift+backspace") {
            self.backspace();
        } else if is(action::EDITOR_DELETE_CHAR_FORWARD) || matches_key(data, "shift+delete") {
            self.forward_delete();
        } else if is(action::EDITOR_YANK) {
            self.yank();
        } else if is(action::EDITOR_YANK_POP) {
            self.yank_pop();
        } else if is(action::EDITOR_HISTORY_PREVIOUS) {
            self.popup = None;
            self.navigate_history(-1);
        } else if is(action::EDITOR_HISTORY_NEXT) {
            self.popup = None;
            self.navigate_history(1);
        } else if is(action::EDITOR_CURSOR_LINE_START) {
            self.move_to_line_start();
        } else if is(action::EDITOR_CURSOR_LINE_END) {
            self.move_to_line_end();
        } else if is(action::EDITOR_CURSOR_WORD_LEFT) {
            self.move_word_backward();
        } else if is(action::EDITOR_CURSOR_WORD_RIGHT) {
            self.move_word_forward();
        } else if is(action::INPUT_NEW_LINE) || is_new_line_sequence(data) {
            if self.should_submit_on_backslash_enter(data, &kb) {
                self.backspace();
                self.submit();
            } else {
                self.add_new_line();
            }
        } else if is(action::INPUT_SUBMIT) {
            if self.disable_submit {
                return;
            }
            // Fallback for terminals without Shift+Enter: a trailing backslash asks for a
            // new line instead of submitting.
            if self.text_before_cursor().ends_with('\\') {
                self.backspace();
                self.add_new_line();
            } else {
                self.submit();
            }
        } else if is(action::EDITOR_CURSOR_UP) {
            self.cursor_up();
        } else if is(action::EDITOR_CURSOR_DOWN) {
            self.cursor_down();
        } else if is(action::EDITOR_CURSOR_RIGHT) {
            self.move_cursor(0, 1);
        } else if is(action::EDITOR_CURSOR_LEFT) {
            self.move_cursor(0, -1);
        } else if is(action::EDITOR_PAGE_UP) {
            self.page_scroll(-1);
        } else if is(action::EDITOR_PAGE_DOWN) {
            self.page_scroll(1);
        } else if is(action::EDITOR_JUMP_FORWARD) {
            self.jump = Some(JumpDirection::Forward);
        } else if is(action::EDITOR_JUMP_BACKWARD) {
            self.jump = Some(JumpDirection::Backward);
        } else if matches_key(data, "shift+space") {
            self.insert_character(" ");
        } else if let Some(text) = decode_printable_key(data) {
            self.insert_character(&text);
        } else if data.chars().next().is_some_and(|c| u32::from(c) >= 32)
            && !super::input::has_control_chars(data)
        {
            self.insert_character(data);
        }
    }

    fn should_submit_on_backslash_enter(&self, data: &str, kb: &Keybindings) -> bool {
        !self.disable_submit
            && matches_key(data, "enter")
            && kb
                .keys(action::INPUT_SUBMIT)
                .iter()
                .any(|k| k == "shift+enter" || k == "shift+return")
            && self.text_before_cursor().ends_with('\\')
    }
}

/// Sequences that always mean "new line", whatever the bindings: ESC CR (Alt+Enter in
/// legacy terminals, Shift+Enter mappings), the xterm form of Shift+Enter, a bare LF.
fn is_new_line_sequence(data: &str) -> bool {
    (data.starts_with('\n') && data.len() > 1)
        || data == "\x1b\r"
        || data == "\x1b[13;2~"
        || (data.len() > 1 && data.contains('\x1b') && data.contains('\r'))
        || data == "\n"
}

impl Component for Editor {
    fn handle_input(&mut self, data: &str) {
        let mut data = data.to_owned();
        if let Some(at) = data.find(PASTE_START) {
            data.replace_range(at..at + PASTE_START.len(), "");
            self.paste_buffer = Some(String::new());
        }
        if let Some(buffer) = &mut self.paste_buffer {
            buffer.push_str(&data);
            if let Some(end) = buffer.find(PASTE_END) {
                let rest = buffer
                    .get(end + PASTE_END.len()..)
                    .unwrap_or_default()
                    .to_owned();
                let content = buffer.get(..end).unwrap_or_default().to_owned();
                self.paste_buffer = None;
                if !content.is_empty() {
                    self.handle_paste(&content);
                }
                if !rest.is_empty() {
                    self.handle_input(&rest);
                }
            }
            return;
        }
        self.handle_key(&data);
    }

    fn render(&mut self, width: usize) -> Vec<String> {
        self.render_lines(width)
    }

    fn set_focused(&mut self, focused: bool) {
        self.focused = focused;
    }
}

//! [`BranchSummaryPrompt`]: what pi asks after an entry is chosen in the tree. "Summarize
//! branch?" offers no summary, a summary, or a summary with custom instructions, which opens
//! an editor for them; Escape in the editor returns to the question, Escape on the question
//! cancels (pi then reopens the tree on the chosen entry).

use std::cell::RefCell;
use std::rc::Rc;

use pi_tui::components::{Editor, EditorTheme, Text};
use pi_tui::{Component, action};

use crate::interactive::keybindings::AppKeybindings;
use crate::interactive::theme::{Theme, ThemeColor};

const TITLE: &str = "Summarize branch?";
const OPTIONS: [&str; 3] = ["No summary", "Summarize", "Summarize with custom prompt"];
const INSTRUCTIONS_TITLE: &str = "Custom summarization instructions";

/// The choice made: what pi's tree navigation is asked to do with the branch left behind.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BranchSummaryRequest {
    /// Whether to summarize the abandoned branch.
    pub summarize: bool,
    /// Instructions for the summary, when the user wrote some.
    pub custom_instructions: Option<String>,
}

/// The follow-up question of the tree selector. See the module documentation.
pub struct BranchSummaryPrompt {
    theme: Theme,
    keys: Rc<AppKeybindings>,
    selected: usize,
    focused: bool,
    /// The instructions editor, while open, and the text it submitted.
    editor: Option<(Editor, Rc<RefCell<Option<String>>>)>,
    on_choose: Option<Box<dyn FnMut(BranchSummaryRequest)>>,
    on_cancel: Option<Box<dyn FnMut()>>,
}

impl std::fmt::Debug for BranchSummaryPrompt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BranchSummaryPrompt")
            .field("selected", &self.selected)
            .field("editing", &self.editor.is_some())
            .finish_non_exhaustive()
    }
}

impl BranchSummaryPrompt {
    /// The question, styled with `theme` and driven by `keys`.
    pub fn new(theme: Theme, keys: Rc<AppKeybindings>) -> Self {
        BranchSummaryPrompt {
            theme,
            keys,
            selected: 0,
            focused: false,
            editor: None,
            on_choose: None,
            on_cancel: None,
        }
    }

    /// Called with the complete choice.
    pub fn on_choose(&mut self, f: impl FnMut(BranchSummaryRequest) + 'static) {
        self.on_choose = Some(Box::new(f));
    }

    /// Called when the question is dismissed with Escape.
    pub fn on_cancel(&mut self, f: impl FnMut() + 'static) {
        self.on_cancel = Some(Box::new(f));
    }

    /// Whether the instructions editor is open.
    pub fn is_editing_instructions(&self) -> bool {
        self.editor.is_some()
    }

    fn choose(&mut self, request: BranchSummaryRequest) {
        if let Some(f) = self.on_choose.as_mut() {
            f(request);
        }
    }

    fn open_editor(&mut self) {
        let theme = EditorTheme {
            border: self.theme.fg_style(ThemeColor::BorderMuted),
            ..EditorTheme::default()
        };
        let mut editor = Editor::new(theme).with_keybindings(Rc::new(self.keys.tui().clone()));
        let submitted = Rc::new(RefCell::new(None));
        let slot = Rc::clone(&submitted);
        editor.on_submit(move |text| *slot.borrow_mut() = Some(text.to_owned()));
        editor.set_focused(self.focused);
        self.editor = Some((editor, submitted));
    }

    fn hint(&self, parts: &[(&[String], &str)]) -> String {
        let t = &self.theme;
        parts
            .iter()
            .map(|(keys, description)| {
                format!(
                    "{}{}",
                    t.fg(ThemeColor::Dim, &keys.join("/")),
                    t.fg(ThemeColor::Muted, &format!(" {description}"))
                )
            })
            .collect::<Vec<_>>()
            .join("  ")
    }
}

fn padded(text: String, width: usize) -> Vec<String> {
    Text::with_padding(text, 1, 0).render(width)
}

impl Component for BranchSummaryPrompt {
    fn render(&mut self, width: usize) -> Vec<String> {
        let t = &self.theme;
        let tui = self.keys.tui();
        let border = t.fg(ThemeColor::Border, &"─".repeat(width.max(1)));
        let mut lines = vec![border.clone(), String::new()];
        if self.editor.is_some() {
            lines.extend(padded(t.fg(ThemeColor::Accent, INSTRUCTIONS_TITLE), width));
            lines.push(String::new());
            let hint = self.hint(&[
                (tui.keys(action::SELECT_CONFIRM), "submit"),
                (tui.keys(action::INPUT_NEW_LINE), "newline"),
                (tui.keys(action::SELECT_CANCEL), "cancel"),
            ]);
            if let Some((editor, _)) = self.editor.as_mut() {
                lines.extend(editor.render(width));
            }
            lines.push(String::new());
            lines.extend(padded(hint, width));
        } else {
            lines.extend(padded(t.fg(ThemeColor::Accent, &t.bold(TITLE)), width));
            lines.push(String::new());
            for (i, option) in OPTIONS.iter().enumerate() {
                let line = if i == self.selected {
                    format!(
                        "{}{}",
                        t.fg(ThemeColor::Accent, "→ "),
                        t.fg(ThemeColor::Accent, option)
                    )
                } else {
                    format!("  {}", t.fg(ThemeColor::Text, option))
                };
                lines.extend(padded(line, width));
            }
            lines.push(String::new());
            let navigate = ["↑↓".to_owned()];
            let hint = self.hint(&[
                (&navigate, "navigate"),
                (tui.keys(action::SELECT_CONFIRM), "select"),
                (tui.keys(action::SELECT_CANCEL), "cancel"),
            ]);
            lines.extend(padded(hint, width));
        }
        lines.push(String::new());
        lines.push(border);
        lines
    }

    fn handle_input(&mut self, data: &str) {
        let tui = self.keys.tui();
        if let Some((editor, submitted)) = self.editor.as_mut() {
            if tui.matches(data, action::SELECT_CANCEL) {
                // Back to the question, which starts over as a new one does in pi.
                self.editor = None;
                self.selected = 0;
                return;
            }
            editor.handle_input(data);
            let text = submitted.borrow_mut().take();
            if let Some(text) = text {
                self.choose(BranchSummaryRequest {
                    summarize: true,
                    custom_instructions: Some(text),
                });
            }
            return;
        }
        if tui.matches(data, action::SELECT_UP) || data == "k" {
            self.selected = self.selected.saturating_sub(1);
        } else if tui.matches(data, action::SELECT_DOWN) || data == "j" {
            self.selected = (self.selected + 1).min(OPTIONS.len() - 1);
        } else if tui.matches(data, action::SELECT_CONFIRM) || data == "\n" {
            match self.selected {
                0 => self.choose(BranchSummaryRequest::default()),
                1 => self.choose(BranchSummaryRequest {
                    summarize: true,
                    custom_instructions: None,
                }),
                _ => self.open_editor(),
            }
        } else if tui.matches(data, action::SELECT_CANCEL)
            && let Some(f) = self.on_cancel.as_mut()
        {
            f();
        }
    }

    fn set_focused(&mut self, focused: bool) {
        self.focused = focused;
        if let Some((editor, _)) = self.editor.as_mut() {
            editor.set_focused(focused);
        }
    }
}

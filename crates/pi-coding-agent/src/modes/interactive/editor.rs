//! [`ChatEditor`]: pi-tui's editor with the application's keys in front of it and the
//! working spinner drawn into its top border.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;

use pi_tui::Component;
use pi_tui::components::Editor;

use crate::interactive::chat::WorkingLoader;
use crate::interactive::keybindings::{Action, AppKeybindings, KeyContext};

/// What the editor asks the screen to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum EditorRequest {
    /// Enter with this text.
    Submit(String),
    /// An application key.
    Action(Action),
    /// The text changed (bash mode follows the first character).
    Changed(String),
}

pub(crate) type Requests = Rc<RefCell<VecDeque<EditorRequest>>>;

/// The chat's editor. See the module documentation.
pub(crate) struct ChatEditor {
    editor: Editor,
    keys: Rc<AppKeybindings>,
    requests: Requests,
    /// The spinner shown in the top border while the agent works.
    pub(crate) working: Option<WorkingLoader>,
}

impl ChatEditor {
    pub(crate) fn new(mut editor: Editor, keys: Rc<AppKeybindings>, requests: Requests) -> Self {
        {
            let requests = requests.clone();
            editor.on_submit(move |text| {
                requests
                    .borrow_mut()
                    .push_back(EditorRequest::Submit(text.to_owned()));
            });
        }
        {
            let requests = requests.clone();
            editor.on_change(move |text| {
                requests
                    .borrow_mut()
                    .push_back(EditorRequest::Changed(text.to_owned()));
            });
        }
        ChatEditor {
            editor,
            keys,
            requests,
            working: None,
        }
    }

    pub(crate) fn editor(&mut self) -> &mut Editor {
        &mut self.editor
    }

    pub(crate) fn text(&self) -> String {
        self.editor.text()
    }

    pub(crate) fn set_keys(&mut self, keys: Rc<AppKeybindings>) {
        self.editor =
            std::mem::take(&mut self.editor).with_keybindings(Rc::new(keys.tui().clone()));
        self.keys = keys;
    }
}

impl Component for ChatEditor {
    fn render(&mut self, width: usize) -> Vec<String> {
        let label = self
            .working
            .as_mut()
            .map(|loader| loader.render_in_border(width.saturating_sub(5).max(1)));
        self.editor.set_border_label(label);
        self.editor.render(width)
    }

    fn handle_input(&mut self, data: &str) {
        let context = KeyContext::Editor {
            empty: self.editor.text().is_empty(),
            autocomplete: self.editor.is_showing_autocomplete(),
        };
        match self.keys.action_for(data, context) {
            Some(action) => self
                .requests
                .borrow_mut()
                .push_back(EditorRequest::Action(action)),
            None => self.editor.handle_input(data),
        }
    }

    fn invalidate(&mut self) {
        self.editor.invalidate();
    }

    fn set_focused(&mut self, focused: bool) {
        self.editor.set_focused(focused);
    }
}

//! The session picker (`/resume`), the tree navigator (`/tree`), the settings list
//! (`/settings`) and the scoped-models list (`/scoped-models`), shown in place of the editor.

use pi_tui::Terminal;

use super::App;

impl<T: Terminal> App<T> {
    pub(super) fn show_session_picker(&mut self) {
        self.show_warning("/resume is not available yet in this build");
    }

    pub(super) fn show_tree(&mut self) {
        self.show_warning("/tree is not available yet in this build");
    }

    pub(super) fn show_settings(&mut self) {
        self.show_warning("/settings is not available yet in this build");
    }

    pub(super) fn show_scoped_models(&mut self) {
        self.show_warning("/scoped-models is not available yet in this build");
    }
}

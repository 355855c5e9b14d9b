//! Helpers shared by the suites.

use std::cell::RefCell;
use std::rc::Rc;

use pi_tui::{Component, Tui, VirtualTerminal, shared};

/// A component that shows whatever lines the test puts in it.
#[derive(Debug, Default)]
pub struct Lines(pub Vec<String>);

impl Component for Lines {
    fn render(&mut self, _width: usize) -> Vec<String> {
        self.0.clone()
    }
}

pub fn numbered(prefix: &str, n: usize) -> Vec<String> {
    (0..n).map(|i| format!("{prefix}{i}")).collect()
}

/// A started UI on a virtual terminal that already shows some shell history.
pub fn tui_with_history(
    columns: u16,
    rows: u16,
    history: &[&str],
) -> (Tui<VirtualTerminal>, Rc<RefCell<Lines>>) {
    let mut terminal = VirtualTerminal::new(columns, rows);
    for line in history {
        terminal.feed(&format!("{line}\r\n"));
    }
    let mut tui = Tui::new(terminal);
    let lines = shared(Lines::default());
    tui.add_child(lines.clone());
    tui.start().unwrap();
    (tui, lines)
}

/// Sets the content and renders one frame; returns what was written for it.
pub fn show(
    tui: &mut Tui<VirtualTerminal>,
    lines: &Rc<RefCell<Lines>>,
    content: Vec<String>,
) -> String {
    lines.borrow_mut().0 = content;
    tui.terminal_mut().take_output();
    tui.render().unwrap();
    tui.terminal_mut().take_output()
}

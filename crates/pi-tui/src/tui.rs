//! [`Tui`]: the root of the component tree, focus, overlays, input routing and rendering
//! through a [`Terminal`].

use std::time::Duration;

mod overlays;

use crate::component::{Component, ComponentRef, Container};
use crate::input::keys::is_key_release;
use crate::overlay::{OverlayEntry, composite};
use crate::renderer::{RenderStats, Renderer};
use crate::terminal::{KeyboardProtocol, Terminal, TerminalError, TerminalEvent};

/// What an input listener decided about a sequence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InputDecision {
    /// Pass it on unchanged.
    Pass,
    /// Stop it here.
    Consume,
    /// Pass this instead.
    Replace(String),
}

type InputListener = Box<dyn FnMut(&str) -> InputDecision>;

/// The terminal UI: a [`Container`] of components drawn inline on the normal screen.
///
/// ```
/// use pi_tui::components::Text;
/// use pi_tui::{Tui, VirtualTerminal, shared};
///
/// let mut tui = Tui::new(VirtualTerminal::new(20, 5));
/// tui.start()?;
/// let status = shared(Text::new("working"));
/// tui.add_child(status.clone());
/// tui.render()?;
/// status.borrow_mut().set_text("done");
/// tui.render()?; // rewrites only the changed line
/// assert_eq!(tui.terminal().screen_lines(), ["done"]);
/// # Ok::<(), pi_tui::TerminalError>(())
/// ```
pub struct Tui<T: Terminal> {
    terminal: T,
    root: Container,
    focused: Option<ComponentRef>,
    overlays: Vec<OverlayEntry>,
    next_overlay: u64,
    focus_counter: u64,
    renderer: Renderer,
    listeners: Vec<InputListener>,
    render_requested: bool,
    restart_requested: bool,
    started: bool,
    cell_size: Option<(u16, u16)>,
}

impl<T: Terminal> std::fmt::Debug for Tui<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tui")
            .field("children", &self.root.children().len())
            .field("overlays", &self.overlays.len())
            .field("stats", &self.renderer.stats())
            .finish_non_exhaustive()
    }
}

impl<T: Terminal> Tui<T> {
    /// A UI on `terminal`; nothing is written until [`Tui::start`].
    pub fn new(terminal: T) -> Self {
        Self {
            terminal,
            root: Container::new(),
            focused: None,
            overlays: Vec::new(),
            next_overlay: 0,
            focus_counter: 0,
            renderer: Renderer::new(),
            listeners: Vec::new(),
            render_requested: false,
            restart_requested: false,
            started: false,
            cell_size: None,
        }
    }

    /// The terminal, to read its size or, in tests, its screen.
    pub fn terminal(&self) -> &T {
        &self.terminal
    }

    /// The terminal, mutably (tests resize it and type into it).
    pub fn terminal_mut(&mut self) -> &mut T {
        &mut self.terminal
    }

    /// Render counters: full redraws, diffs, bytes.
    pub fn stats(&self) -> RenderStats {
        self.renderer.stats()
    }

    /// Frames that redrew the whole visible area, the first included.
    pub fn full_redraws(&self) -> usize {
        self.renderer.stats().full_redraws
    }

    /// Shows the hardware cursor at the focused component's cursor (off by default: the
    /// editor draws its own).
    pub fn set_show_hardware_cursor(&mut self, show: bool) {
        self.renderer.set_show_hardware_cursor(show);
        self.render_requested = true;
    }

    /// Asks the terminal for its cell size in pixels (`ESC[16t`), which decides how many
    /// rows an image takes. Only worth sending to terminals that show images; the reply is
    /// consumed by [`Tui::handle_input`] and read with [`Tui::cell_size`].
    pub fn query_cell_size(&mut self) -> Result<(), TerminalError> {
        self.terminal.write("\x1b[16t")
    }

    /// Cell size in pixels (width, height) once the terminal answered the query.
    pub fn cell_size(&self) -> Option<(u16, u16)> {
        self.cell_size
    }

    /// Takes over the terminal and schedules the first frame.
    pub fn start(&mut self) -> Result<(), TerminalError> {
        self.terminal.start()?;
        self.terminal.hide_cursor()?;
        self.started = true;
        self.render_requested = true;
        Ok(())
    }

    /// Leaves the cursor below the content and gives the terminal back. What was drawn stays
    /// on screen and in scrollback.
    pub fn stop(&mut self) -> Result<(), TerminalError> {
        if !self.started {
            return Ok(());
        }
        self.started = false;
        let tail = self.renderer.finish();
        self.terminal.write(&tail)?;
        self.terminal.stop()
    }

    /// Appends a component at the bottom.
    pub fn add_child(&mut self, child: ComponentRef) {
        self.root.add_child(child);
        self.render_requested = true;
    }

    /// Inserts a component at `index`.
    pub fn insert_child(&mut self, index: usize, child: ComponentRef) {
        self.root.insert_child(index, child);
        self.render_requested = true;
    }

    /// Removes a top-level component.
    pub fn remove_child(&mut self, child: &ComponentRef) {
        self.root.remove_child(child);
        self.render_requested = true;
    }

    /// The top-level components.
    pub fn children(&self) -> &[ComponentRef] {
        self.root.children()
    }

    /// Gives keyboard focus to a component (or to nothing).
    pub fn set_focus(&mut self, component: Option<ComponentRef>) {
        if let Some(old) = &self.focused
            && let Ok(mut old) = old.try_borrow_mut()
        {
            old.set_focused(false);
        }
        if let Some(new) = &component
            && let Ok(mut new) = new.try_borrow_mut()
        {
            new.set_focused(true);
        }
        self.focused = component;
        self.render_requested = true;
    }

    /// The focused component.
    pub fn focused(&self) -> Option<&ComponentRef> {
        self.focused.as_ref()
    }

    /// Adds a listener that sees every input sequence before the focused component.
    pub fn add_input_listener(&mut self, listener: impl FnMut(&str) -> InputDecision + 'static) {
        self.listeners.push(Box::new(listener));
    }

    /// Whether a frame was asked for and not drawn yet.
    pub fn render_requested(&self) -> bool {
        self.render_requested
    }

    /// Asks for a frame; [`Tui::render_if_requested`] draws it.
    pub fn request_render(&mut self) {
        self.render_requested = true;
    }

    /// Forgets what is on screen and draws the next frame from the cursor, as a first frame.
    pub fn request_full_render(&mut self) {
        self.renderer.reset();
        self.render_requested = true;
    }

    /// Content rows at the top that scrolled into the terminal's history and can be
    /// committed with [`Tui::commit_lines`].
    pub fn committable_lines(&self) -> usize {
        self.renderer
            .committable(usize::from(self.terminal.size().rows))
    }

    /// Tells the UI that the application removed the first `count` lines of its content
    /// (components that scrolled into the terminal's history for good), so following frames
    /// are compared without them. Returns how many it accepted: never rows still on screen.
    /// The caller removes exactly that many lines from the top of its content.
    pub fn commit_lines(&mut self, count: usize) -> usize {
        let rows = usize::from(self.terminal.size().rows);
        self.renderer.commit(count, rows)
    }

    /// Redraws the whole content in the area the UI shows, as a first frame, after the
    /// content was rebuilt from scratch: what scrolled away before stays in scrollback.
    pub fn request_restart(&mut self) {
        self.restart_requested = true;
        self.render_requested = true;
    }

    /// Draws a frame if one was asked for (by input, a change of focus or overlays, a
    /// resize, or [`Tui::request_render`]). Returns whether it drew.
    pub fn render_if_requested(&mut self) -> Result<bool, TerminalError> {
        if !self.render_requested {
            return Ok(false);
        }
        self.render()?;
        Ok(true)
    }

    /// Draws a frame now.
    pub fn render(&mut self) -> Result<(), TerminalError> {
        self.render_requested = false;
        let size = self.terminal.size();
        let (columns, rows) = (usize::from(size.columns), usize::from(size.rows));
        let mut lines = self.root.render(columns);
        if !self.overlays.is_empty() {
            lines = composite(&mut self.overlays, lines, columns, rows);
        }
        let mut out = if std::mem::take(&mut self.restart_requested) {
            self.renderer.restart(rows)
        } else {
            String::new()
        };
        out.push_str(&self.renderer.frame(lines, columns, rows));
        self.terminal.write(&out)
    }

    /// Waits up to `timeout` for a terminal event and acts on it: input goes to the focused
    /// component, a resize schedules a frame, and a termination signal stops the UI (the
    /// terminal is given back before the event is returned, so the application only has to
    /// exit). The event is returned so the application can react too.
    pub fn poll(&mut self, timeout: Duration) -> Result<Option<TerminalEvent>, TerminalError> {
        let event = self.terminal.poll_event(timeout)?;
        match &event {
            Some(TerminalEvent::Input(data)) => self.handle_input(data),
            Some(TerminalEvent::Resize) => self.render_requested = true,
            Some(TerminalEvent::Terminate) => self.stop()?,
            None => {}
        }
        Ok(event)
    }

    /// Whether the UI holds the terminal (started and not stopped).
    pub fn is_started(&self) -> bool {
        self.started
    }

    /// Routes one input sequence: listeners first, then the focused overlay or component.
    pub fn handle_input(&mut self, data: &str) {
        let mut data = self.normalize(data);
        for listener in &mut self.listeners {
            match listener(&data) {
                InputDecision::Pass => {}
                InputDecision::Consume => return,
                InputDecision::Replace(new) => data = new,
            }
        }
        if data.is_empty() || self.take_cell_size(&data) {
            return;
        }
        self.refocus_if_overlay_hidden();
        let Some(focused) = self.focused.clone() else {
            return;
        };
        let Ok(mut component) = focused.try_borrow_mut() else {
            return;
        };
        if is_key_release(&data) && !component.wants_key_release() {
            return;
        }
        component.handle_input(&data);
        self.render_requested = true;
    }

    /// Under the Kitty protocol, a bare LF and ESC CR come from terminal key mappings for
    /// Shift+Enter; components see the unambiguous Kitty form instead.
    fn normalize(&self, data: &str) -> String {
        let kitty = self.terminal.keyboard_protocol() == KeyboardProtocol::Kitty;
        if kitty && (data == "\n" || data == "\x1b\r") {
            return "\x1b[13;2u".to_owned();
        }
        data.to_owned()
    }

    /// Consumes a reply to the cell-size query (`ESC[6;<h>;<w>t`).
    fn take_cell_size(&mut self, data: &str) -> bool {
        let Some(body) = data
            .strip_prefix("\x1b[6;")
            .and_then(|b| b.strip_suffix('t'))
        else {
            return false;
        };
        let mut parts = body.split(';').map(str::parse::<u16>);
        if let (Some(Ok(h)), Some(Ok(w)), None) = (parts.next(), parts.next(), parts.next()) {
            if h > 0 && w > 0 {
                self.cell_size = Some((w, h));
                self.root.invalidate();
                self.render_requested = true;
            }
            return true;
        }
        false
    }
}

impl<T: Terminal> Drop for Tui<T> {
    fn drop(&mut self) {
        // Leaving the cursor below the content matters even when the caller forgot to stop;
        // a terminal that cannot be written to any more has nothing to restore.
        let _ = self.stop();
    }
}

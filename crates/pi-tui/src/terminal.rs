//! Where rendering goes and input comes from: the [`Terminal`] trait, the real terminal
//! ([`ProcessTerminal`], Unix) and, with the `testing` feature, a [`VirtualTerminal`] backed by
//! a terminal emulator.

use std::time::Duration;

mod negotiation;
#[cfg(unix)]
mod process;
#[cfg(feature = "testing")]
mod virtual_terminal;

pub use negotiation::{
    KEYBOARD_PROTOCOL_QUERY, KeyboardNegotiation, KeyboardProtocol, NegotiationReply,
};
#[cfg(unix)]
pub use process::{ProcessTerminal, Waker};
#[cfg(feature = "testing")]
pub use virtual_terminal::VirtualTerminal;

/// Hide the hardware cursor.
pub const HIDE_CURSOR: &str = "\x1b[?25l";
/// Show the hardware cursor.
pub const SHOW_CURSOR: &str = "\x1b[?25h";
/// Begin synchronized output: the terminal shows nothing until the matching end.
pub const BEGIN_SYNC: &str = "\x1b[?2026h";
/// End synchronized output.
pub const END_SYNC: &str = "\x1b[?2026l";

/// The size of a terminal in character cells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TerminalSize {
    /// Columns.
    pub columns: u16,
    /// Rows.
    pub rows: u16,
}

/// Something that happened on the terminal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TerminalEvent {
    /// One complete input sequence: a key, a paste (with its bracketed-paste markers) or a
    /// reply to a query.
    Input(String),
    /// The terminal changed size; read [`Terminal::size`] for the new one.
    Resize,
    /// The process was asked to end (SIGTERM, SIGHUP, SIGINT): stop the UI, then exit.
    Terminate,
}

/// Failures talking to the terminal.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TerminalError {
    /// Writing to or reading from the terminal, or changing its mode, failed.
    #[error("terminal {action} failed")]
    Io {
        /// What was being done.
        action: &'static str,
        /// Why it failed.
        #[source]
        source: std::io::Error,
    },
}

impl TerminalError {
    pub(crate) fn io(action: &'static str) -> impl FnOnce(std::io::Error) -> Self {
        move |source| Self::Io { action, source }
    }
}

/// A terminal the UI draws on and reads keys from.
///
/// Implementations must not print anywhere else, and must leave the terminal as they found
/// it after [`Terminal::stop`].
pub trait Terminal {
    /// Takes over the terminal: raw input, bracketed paste, keyboard protocol negotiation.
    fn start(&mut self) -> Result<(), TerminalError>;
    /// Gives the terminal back in the state it was found in.
    fn stop(&mut self) -> Result<(), TerminalError>;
    /// Writes bytes as they are.
    fn write(&mut self, data: &str) -> Result<(), TerminalError>;
    /// The current size.
    fn size(&self) -> TerminalSize;
    /// Waits up to `timeout` for the next event.
    fn poll_event(&mut self, timeout: Duration) -> Result<Option<TerminalEvent>, TerminalError>;
    /// Which keyboard protocol the terminal agreed to.
    fn keyboard_protocol(&self) -> KeyboardProtocol {
        KeyboardProtocol::Legacy
    }
    /// Hides the hardware cursor.
    fn hide_cursor(&mut self) -> Result<(), TerminalError> {
        self.write(HIDE_CURSOR)
    }
    /// Shows the hardware cursor.
    fn show_cursor(&mut self) -> Result<(), TerminalError> {
        self.write(SHOW_CURSOR)
    }
    /// Sets the window title.
    fn set_title(&mut self, title: &str) -> Result<(), TerminalError> {
        // Control characters would end the sequence early or inject others.
        let clean: String = title.chars().filter(|c| !c.is_control()).collect();
        self.write(&format!("\x1b]0;{clean}\x07"))
    }
}

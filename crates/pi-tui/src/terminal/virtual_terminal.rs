//! A terminal emulated in memory (the `vt100` crate), for tests: everything the UI writes is
//! interpreted as a real terminal would, and tests read back the screen, the scrollback and
//! the cursor.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use super::{KeyboardProtocol, Terminal, TerminalError, TerminalEvent, TerminalSize};
use crate::input::stdin_buffer::StdinBuffer;

/// Lines of scrollback the emulator keeps.
const SCROLLBACK: usize = 100_000;

fn nonzero(n: u16) -> std::num::NonZeroU16 {
    std::num::NonZeroU16::new(n).unwrap_or(std::num::NonZeroU16::MIN)
}

/// An in-memory terminal with a screen, scrollback and an input queue.
///
/// ```
/// use pi_tui::{Terminal, VirtualTerminal};
///
/// let mut terminal = VirtualTerminal::new(20, 3);
/// terminal.write("one\r\ntwo\r\nthree\r\nfour")?;
/// assert_eq!(terminal.screen_lines(), ["two", "three", "four"]);
/// assert_eq!(terminal.scrollback_lines(), ["one"]);
/// # Ok::<(), pi_tui::TerminalError>(())
/// ```
pub struct VirtualTerminal {
    parser: Option<vt100::Parser>,
    scrollback_erasures: usize,
    screen_erasures: usize,
    size: TerminalSize,
    events: VecDeque<TerminalEvent>,
    protocol: KeyboardProtocol,
    bytes_written: usize,
    output: String,
    started: bool,
}

impl std::fmt::Debug for VirtualTerminal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VirtualTerminal")
            .field("size", &self.size)
            .field("bytes_written", &self.bytes_written)
            .field("started", &self.started)
            .finish_non_exhaustive()
    }
}

impl VirtualTerminal {
    /// An emulated terminal of `columns` x `rows` cells with an empty screen.
    pub fn new(columns: u16, rows: u16) -> Self {
        let columns = columns.max(1);
        let rows = rows.max(1);
        Self {
            parser: Some(vt100::Parser::new(
                nonzero(rows),
                nonzero(columns),
                SCROLLBACK,
            )),
            ..Self::without_emulator(columns, rows)
        }
    }

    /// A terminal that only counts and keeps what is written, without interpreting it: for
    /// benchmarks that measure the renderer alone.
    pub fn without_emulator(columns: u16, rows: u16) -> Self {
        Self {
            parser: None,
            scrollback_erasures: 0,
            screen_erasures: 0,
            size: TerminalSize {
                columns: columns.max(1),
                rows: rows.max(1),
            },
            events: VecDeque::new(),
            protocol: KeyboardProtocol::Legacy,
            bytes_written: 0,
            output: String::new(),
            started: false,
        }
    }

    /// Shows bytes on the terminal as if another program had printed them (shell history
    /// before the UI starts). They do not count as written by the UI.
    pub fn feed(&mut self, data: &str) {
        if let Some(parser) = &mut self.parser {
            parser.process(data.as_bytes());
        }
    }

    /// Changes the size, as a user dragging the window would, and queues a resize event.
    pub fn resize(&mut self, columns: u16, rows: u16) {
        self.size = TerminalSize {
            columns: columns.max(1),
            rows: rows.max(1),
        };
        if let Some(parser) = &mut self.parser {
            parser
                .screen_mut()
                .set_size(nonzero(self.size.rows), nonzero(self.size.columns));
        }
        self.events.push_back(TerminalEvent::Resize);
    }

    /// Queues typed input, split into sequences as the real terminal would split it.
    pub fn send_input(&mut self, data: &str) {
        let mut buffer = StdinBuffer::default();
        let mut events = buffer.process_str(data, Instant::now());
        events.extend(buffer.flush());
        self.events.extend(
            events
                .into_iter()
                .map(|e| TerminalEvent::Input(e.into_data())),
        );
    }

    /// Queues a termination request, as SIGTERM would.
    pub fn send_terminate(&mut self) {
        self.events.push_back(TerminalEvent::Terminate);
    }

    /// Pretends the terminal agreed to this keyboard protocol.
    pub fn set_keyboard_protocol(&mut self, protocol: KeyboardProtocol) {
        self.protocol = protocol;
    }

    /// Every byte written since the terminal was made.
    pub fn bytes_written(&self) -> usize {
        self.bytes_written
    }

    /// What was written since the last call, as text.
    pub fn take_output(&mut self) -> String {
        std::mem::take(&mut self.output)
    }

    /// Whether [`Terminal::start`] was called without a matching stop.
    pub fn is_started(&self) -> bool {
        self.started
    }

    /// Times the scrollback was asked to be erased (`ESC[3J`).
    pub fn scrollback_erasures(&self) -> usize {
        self.scrollback_erasures
    }

    /// Times the whole screen was asked to be erased (`ESC[2J`).
    pub fn screen_erasures(&self) -> usize {
        self.screen_erasures
    }

    /// The visible rows, trailing blanks trimmed; trailing empty rows are dropped.
    pub fn screen_lines(&self) -> Vec<String> {
        let mut lines = self.screen_rows();
        while lines.last().is_some_and(String::is_empty) {
            lines.pop();
        }
        lines
    }

    /// Every visible row, trailing blanks trimmed, empty rows kept.
    pub fn screen_rows(&self) -> Vec<String> {
        let Some(parser) = &self.parser else {
            return Vec::new();
        };
        parser
            .screen()
            .rows(0, self.size.columns)
            .map(|r| r.trim_end().to_owned())
            .collect()
    }

    /// The rows that scrolled off the top, oldest first.
    pub fn scrollback_lines(&mut self) -> Vec<String> {
        let Some(parser) = &mut self.parser else {
            return Vec::new();
        };
        let columns = self.size.columns;
        let screen = parser.screen_mut();
        screen.set_scrollback(usize::MAX);
        let total = screen.scrollback();
        let mut lines = Vec::with_capacity(total);
        for offset in (1..=total).rev() {
            screen.set_scrollback(offset);
            if let Some(row) = screen.rows(0, columns).next() {
                lines.push(row.trim_end().to_owned());
            }
        }
        screen.set_scrollback(0);
        lines
    }

    /// Scrollback and screen together, as a user scrolling up would read them.
    pub fn transcript(&mut self) -> Vec<String> {
        let mut lines = self.scrollback_lines();
        lines.extend(self.screen_lines());
        lines
    }

    /// The cursor as (row, column), zero-based.
    pub fn cursor(&self) -> (u16, u16) {
        self.parser
            .as_ref()
            .map_or((0, 0), |p| p.screen().cursor_position())
    }

    /// Whether the emulator's cursor is hidden.
    pub fn cursor_hidden(&self) -> bool {
        self.parser
            .as_ref()
            .is_some_and(|p| p.screen().hide_cursor())
    }

    /// The emulated screen, for assertions on colours and attributes.
    pub fn screen(&self) -> Option<&vt100::Screen> {
        self.parser.as_ref().map(vt100::Parser::screen)
    }
}

impl Terminal for VirtualTerminal {
    fn start(&mut self) -> Result<(), TerminalError> {
        self.started = true;
        Ok(())
    }

    fn stop(&mut self) -> Result<(), TerminalError> {
        self.started = false;
        Ok(())
    }

    fn write(&mut self, data: &str) -> Result<(), TerminalError> {
        self.bytes_written += data.len();
        // Counted from the bytes (the emulator acts on them: `ESC[3J` really empties its
        // scrollback), since a test must be able to say they never happened.
        self.scrollback_erasures += data.matches("\x1b[3J").count();
        self.screen_erasures += data.matches("\x1b[2J").count();
        if let Some(parser) = &mut self.parser {
            parser.process(data.as_bytes());
            self.output.push_str(data);
        }
        Ok(())
    }

    fn size(&self) -> TerminalSize {
        self.size
    }

    fn poll_event(&mut self, _timeout: Duration) -> Result<Option<TerminalEvent>, TerminalError> {
        Ok(self.events.pop_front())
    }

    fn keyboard_protocol(&self) -> KeyboardProtocol {
        self.protocol
    }
}

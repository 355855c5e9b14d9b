//! The real terminal of this process: raw mode on the controlling terminal, input read from
//! stdin with `poll(2)`, resize and termination signals through a self-pipe, and the
//! terminal restored on stop, on drop, on panic and on SIGTERM/SIGHUP/SIGINT.

use std::collections::VecDeque;
use std::io::Write as _;
use std::os::fd::AsFd as _;
use std::os::unix::net::UnixStream;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Once};
use std::time::{Duration, Instant};

use rustix::event::{PollFd, PollFlags, Timespec};
use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM, SIGWINCH};

use super::negotiation::{
    KEYBOARD_PROTOCOL_QUERY, KITTY_POP, KeyboardNegotiation, MODIFY_OTHER_KEYS_OFF,
    NegotiationReply,
};
use super::{KeyboardProtocol, SHOW_CURSOR, Terminal, TerminalError, TerminalEvent, TerminalSize};
use crate::input::stdin_buffer::StdinBuffer;

const BRACKETED_PASTE_ON: &str = "\x1b[?2004h";
const BRACKETED_PASTE_OFF: &str = "\x1b[?2004l";
/// How long stop waits, at most, for input still in flight (late key releases) to arrive, so
/// it is not left for the shell.
const DRAIN_MAX: Duration = Duration::from_millis(1000);
/// Input silence after which stop considers the input drained.
const DRAIN_IDLE: Duration = Duration::from_millis(50);

/// Whether this process currently holds the terminal, and how to give it back. Shared with
/// the panic hook, which may run on any thread.
#[derive(Debug, Default)]
struct RestoreState {
    active: AtomicBool,
    keyboard_pushed: AtomicBool,
    modify_other_keys: AtomicBool,
}

impl RestoreState {
    /// Pops the keyboard protocol flags pushed at start (and modifyOtherKeys), once.
    fn restore_keyboard(&self, out: &mut impl std::io::Write) {
        if self.keyboard_pushed.swap(false, Ordering::SeqCst) {
            let _ = out.write_all(KITTY_POP.as_bytes());
        }
        if self.modify_other_keys.swap(false, Ordering::SeqCst) {
            let _ = out.write_all(MODIFY_OTHER_KEYS_OFF.as_bytes());
        }
    }

    /// Puts the terminal back; safe to call more than once and from a panic hook. Write
    /// errors are ignored: nothing useful can be done if the terminal is gone by then.
    fn restore(&self) {
        if !self.active.swap(false, Ordering::SeqCst) {
            return;
        }
        let mut out = std::io::stdout().lock();
        self.restore_keyboard(&mut out);
        let _ = write!(out, "{BRACKETED_PASTE_OFF}{SHOW_CURSOR}");
        let _ = out.flush();
        let _ = crossterm::terminal::disable_raw_mode();
    }
}

static PANIC_HOOK: Once = Once::new();
static PANIC_RESTORE: std::sync::Mutex<Vec<std::sync::Weak<RestoreState>>> =
    std::sync::Mutex::new(Vec::new());

/// Installs, once per process, a panic hook that restores every started terminal before the
/// previous hook prints the panic, so the message lands on a usable terminal.
fn install_panic_hook(state: &Arc<RestoreState>) {
    if let Ok(mut states) = PANIC_RESTORE.lock() {
        states.retain(|w| w.strong_count() > 0);
        states.push(Arc::downgrade(state));
    }
    PANIC_HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if let Ok(states) = PANIC_RESTORE.lock() {
                for state in states.iter().filter_map(std::sync::Weak::upgrade) {
                    state.restore();
                }
            }
            previous(info);
        }));
    });
}

/// Self-pipes that signal handlers write to; `poll` watches their read ends.
#[derive(Debug)]
struct SignalPipes {
    resize: UnixStream,
    terminate: UnixStream,
    ids: Vec<signal_hook::SigId>,
}

impl SignalPipes {
    fn register() -> std::io::Result<Self> {
        let (resize, resize_tx) = UnixStream::pair()?;
        let (terminate, terminate_tx) = UnixStream::pair()?;
        resize.set_nonblocking(true)?;
        terminate.set_nonblocking(true)?;
        let mut ids = vec![signal_hook::low_level::pipe::register(SIGWINCH, resize_tx)?];
        for signal in [SIGTERM, SIGHUP, SIGINT] {
            ids.push(signal_hook::low_level::pipe::register(
                signal,
                terminate_tx.try_clone()?,
            )?);
        }
        Ok(Self {
            resize,
            terminate,
            ids,
        })
    }

    fn drain(stream: &UnixStream) {
        let mut buf = [0u8; 64];
        while matches!(rustix::io::read(stream, &mut buf), Ok(n) if n > 0) {}
    }
}

impl Drop for SignalPipes {
    fn drop(&mut self) {
        for id in self.ids.drain(..) {
            signal_hook::low_level::unregister(id);
        }
    }
}

/// The terminal this process runs in.
///
/// ```no_run
/// use std::time::Duration;
/// use pi_tui::{ProcessTerminal, Terminal, TerminalEvent};
///
/// let mut terminal = ProcessTerminal::new();
/// terminal.start()?;
/// terminal.write("press any key\r\n")?;
/// while let Some(event) = terminal.poll_event(Duration::from_secs(5))? {
///     if let TerminalEvent::Input(_) = event {
///         break;
///     }
/// }
/// terminal.stop()?;
/// # Ok::<(), pi_tui::TerminalError>(())
/// ```
#[derive(Debug)]
pub struct ProcessTerminal {
    stdin_buffer: StdinBuffer,
    negotiation: KeyboardNegotiation,
    queue: VecDeque<TerminalEvent>,
    restore: Arc<RestoreState>,
    signals: Option<SignalPipes>,
    /// The read end of the pipe [`Waker`]s write to.
    wake: Option<UnixStream>,
    woken: bool,
    out: Vec<u8>,
}

/// Ends a [`ProcessTerminal`]'s wait in [`Terminal::poll_event`] from any thread, so an
/// application can wait for input and its own events (a model's stream) at once: it sends
/// its event, wakes the terminal, and the wait returns `Ok(None)`.
#[derive(Debug, Clone)]
pub struct Waker(Arc<UnixStream>);

impl Waker {
    /// Wakes the terminal. Never blocks: when wake-ups are already pending, one is enough.
    pub fn wake(&self) {
        let _ = rustix::io::write(&*self.0, &[1]);
    }
}

impl Default for ProcessTerminal {
    fn default() -> Self {
        Self::new()
    }
}

impl ProcessTerminal {
    /// A terminal on this process's stdin and stdout; nothing changes until [`Terminal::start`].
    pub fn new() -> Self {
        let escape_timeout = escape_timeout(|k| std::env::var(k).ok());
        Self {
            stdin_buffer: StdinBuffer::new(
                escape_timeout,
                crate::input::stdin_buffer::DEFAULT_SEQUENCE_TIMEOUT,
            ),
            negotiation: KeyboardNegotiation::default(),
            queue: VecDeque::new(),
            restore: Arc::new(RestoreState::default()),
            signals: None,
            wake: None,
            woken: false,
            out: Vec::new(),
        }
    }

    /// A [`Waker`] for this terminal (they all share one pipe).
    pub fn waker(&mut self) -> Result<Waker, TerminalError> {
        let (read, write) = UnixStream::pair().map_err(TerminalError::io("wake setup"))?;
        read.set_nonblocking(true)
            .and_then(|()| write.set_nonblocking(true))
            .map_err(TerminalError::io("wake setup"))?;
        self.wake = Some(read);
        Ok(Waker(Arc::new(write)))
    }

    fn flush(&mut self) -> Result<(), TerminalError> {
        if self.out.is_empty() {
            return Ok(());
        }
        let mut stdout = std::io::stdout().lock();
        stdout
            .write_all(&self.out)
            .map_err(TerminalError::io("write"))?;
        self.out.clear();
        stdout.flush().map_err(TerminalError::io("write"))
    }

    fn queue_input(&mut self, events: Vec<crate::input::stdin_buffer::InputEvent>) {
        for event in events {
            let data = event.into_data();
            match self.negotiation.handle(data) {
                NegotiationReply::Input(data) => self.queue.push_back(TerminalEvent::Input(data)),
                NegotiationReply::Consumed(reply) => {
                    self.out.extend_from_slice(reply.as_bytes());
                    self.restore.modify_other_keys.store(
                        self.negotiation.protocol() == KeyboardProtocol::ModifyOtherKeys,
                        Ordering::SeqCst,
                    );
                }
            }
        }
    }

    /// Reads what stdin has, waiting at most `timeout`. Returns false at end of input.
    fn read_stdin(&mut self, timeout: Duration) -> Result<bool, TerminalError> {
        let stdin = std::io::stdin();
        let stdin_fd = stdin.as_fd();
        let readable = PollFlags::IN;
        let wait = Timespec::try_from(timeout).unwrap_or(Timespec {
            tv_sec: 1,
            tv_nsec: 0,
        });
        let (stdin_ready, resized, terminated, woken) = {
            let mut fds = vec![PollFd::new(&stdin_fd, readable)];
            if let Some(pipes) = &self.signals {
                fds.push(PollFd::new(&pipes.resize, readable));
                fds.push(PollFd::new(&pipes.terminate, readable));
            }
            let wake_at = fds.len();
            if let Some(wake) = &self.wake {
                fds.push(PollFd::new(wake, readable));
            }
            match rustix::event::poll(&mut fds, Some(&wait)) {
                Ok(_) => {}
                Err(rustix::io::Errno::INTR) => return Ok(true),
                Err(err) => return Err(TerminalError::io("poll")(err.into())),
            }
            let ready = |i: usize| fds.get(i).is_some_and(|f| !f.revents().is_empty());
            let signals = self.signals.is_some();
            (
                ready(0),
                signals && ready(1),
                signals && ready(2),
                self.wake.is_some() && ready(wake_at),
            )
        };
        if woken && let Some(wake) = &self.wake {
            SignalPipes::drain(wake);
            self.woken = true;
        }
        if let Some(pipes) = &self.signals {
            if resized {
                SignalPipes::drain(&pipes.resize);
                self.queue.push_back(TerminalEvent::Resize);
            }
            if terminated {
                SignalPipes::drain(&pipes.terminate);
                self.queue.push_back(TerminalEvent::Terminate);
            }
        }
        if stdin_ready {
            let mut buf = vec![0u8; 64 * 1024];
            match rustix::io::read(stdin_fd, &mut buf) {
                Ok(0) => return Ok(false),
                Ok(n) => {
                    let events = self
                        .stdin_buffer
                        .process(buf.get(..n).unwrap_or(&[]), Instant::now());
                    self.queue_input(events);
                }
                Err(rustix::io::Errno::INTR | rustix::io::Errno::AGAIN) => {}
                Err(err) => return Err(TerminalError::io("read")(err.into())),
            }
        }
        Ok(true)
    }

    /// Discards input until it has been quiet for a moment, so key releases and replies that
    /// are still in flight do not end up in the shell.
    fn drain_input(&mut self) {
        let end = Instant::now() + DRAIN_MAX;
        let mut last = Instant::now();
        while Instant::now() < end && last.elapsed() < DRAIN_IDLE {
            let before = self.queue.len();
            if !matches!(self.read_stdin(DRAIN_IDLE / 2), Ok(true)) {
                break;
            }
            if self.queue.len() != before {
                last = Instant::now();
            }
            self.queue.clear();
        }
        self.stdin_buffer.clear();
    }
}

/// The wait for a lone ESC: `PI_TUI_ESC_TIMEOUT` ms if set, longer over SSH where the rest
/// of a sequence may come in a later packet.
pub(crate) fn escape_timeout(env: impl Fn(&str) -> Option<String>) -> Duration {
    if let Some(ms) = env("PI_TUI_ESC_TIMEOUT").and_then(|v| v.trim().parse::<u64>().ok())
        && ms > 0
    {
        return Duration::from_millis(ms);
    }
    if env("SSH_CONNECTION").is_some() || env("SSH_TTY").is_some() {
        return Duration::from_millis(100);
    }
    crate::input::stdin_buffer::DEFAULT_ESCAPE_TIMEOUT
}

impl Terminal for ProcessTerminal {
    fn start(&mut self) -> Result<(), TerminalError> {
        crossterm::terminal::enable_raw_mode().map_err(TerminalError::io("raw mode"))?;
        self.restore.active.store(true, Ordering::SeqCst);
        self.restore.keyboard_pushed.store(true, Ordering::SeqCst);
        install_panic_hook(&self.restore);
        self.signals = Some(SignalPipes::register().map_err(TerminalError::io("signal setup"))?);
        self.negotiation = KeyboardNegotiation::default();
        self.write(BRACKETED_PASTE_ON)?;
        self.write(KEYBOARD_PROTOCOL_QUERY)?;
        self.flush()
    }

    fn stop(&mut self) -> Result<(), TerminalError> {
        if !self.restore.active.load(Ordering::SeqCst) {
            return Ok(());
        }
        // Keys stop being reported in the Kitty form first; then what is still in flight is
        // drained, and only then is raw mode left.
        self.restore.restore_keyboard(&mut self.out);
        self.flush()?;
        self.drain_input();
        self.signals = None;
        self.restore.restore();
        Ok(())
    }

    fn write(&mut self, data: &str) -> Result<(), TerminalError> {
        self.out.extend_from_slice(data.as_bytes());
        self.flush()
    }

    fn size(&self) -> TerminalSize {
        let env = |k: &str| std::env::var(k).ok().and_then(|v| v.parse::<u16>().ok());
        match crossterm::terminal::size() {
            Ok((columns, rows)) if columns > 0 && rows > 0 => TerminalSize { columns, rows },
            _ => TerminalSize {
                columns: env("COLUMNS").filter(|c| *c > 0).unwrap_or(80),
                rows: env("LINES").filter(|r| *r > 0).unwrap_or(24),
            },
        }
    }

    fn poll_event(&mut self, timeout: Duration) -> Result<Option<TerminalEvent>, TerminalError> {
        let until = Instant::now() + timeout;
        loop {
            if let Some(event) = self.queue.pop_front() {
                self.flush()?;
                return Ok(Some(event));
            }
            let now = Instant::now();
            let expired = self.stdin_buffer.flush_expired(now);
            if !expired.is_empty() {
                self.queue_input(expired);
                continue;
            }
            if now >= until || std::mem::take(&mut self.woken) {
                return Ok(None);
            }
            let mut wait = until - now;
            if let Some(deadline) = self.stdin_buffer.deadline() {
                wait = wait.min(deadline.saturating_duration_since(now));
            }
            if !self.read_stdin(wait)? {
                // End of input: whatever is buffered is all there will be.
                let rest = self.stdin_buffer.flush();
                self.queue_input(rest);
                if self.queue.is_empty() {
                    return Ok(Some(TerminalEvent::Terminate));
                }
            }
        }
    }

    fn keyboard_protocol(&self) -> KeyboardProtocol {
        self.negotiation.protocol()
    }
}

impl Drop for ProcessTerminal {
    fn drop(&mut self) {
        self.restore.restore();
    }
}

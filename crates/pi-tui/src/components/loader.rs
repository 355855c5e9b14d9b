//! [`Loader`]: a spinner with a message, and [`CancellableLoader`], which Escape aborts.
//!
//! Frames advance when the application calls [`Loader::tick`] (pi does every 80 ms), so the
//! spinner needs no timer thread and tests step it deterministically.

use std::rc::Rc;
use std::time::{Duration, Instant};

use crate::component::Component;
use crate::components::Text;
use crate::input::keybindings::{Keybindings, action};
use crate::style::{StyleFn, plain};

/// pi's spinner frames.
pub const SPINNER_FRAMES: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
/// Time between frames.
pub const SPINNER_INTERVAL: Duration = Duration::from_millis(80);

/// A spinner and a message, with an empty row above it.
pub struct Loader {
    text: Text,
    frames: Vec<String>,
    interval: Duration,
    frame: usize,
    last_tick: Option<Instant>,
    message: String,
    spinner_style: StyleFn,
    message_style: StyleFn,
}

impl std::fmt::Debug for Loader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Loader")
            .field("message", &self.message)
            .field("frame", &self.frame)
            .finish_non_exhaustive()
    }
}

impl Loader {
    /// A loader with pi's frames and these styles.
    pub fn new(message: impl Into<String>, spinner_style: StyleFn, message_style: StyleFn) -> Self {
        let mut loader = Self {
            text: Text::with_padding("", 1, 0),
            frames: SPINNER_FRAMES.iter().map(|f| (*f).to_owned()).collect(),
            interval: SPINNER_INTERVAL,
            frame: 0,
            last_tick: None,
            message: message.into(),
            spinner_style,
            message_style,
        };
        loader.update();
        loader
    }

    /// An unstyled loader.
    pub fn plain(message: impl Into<String>) -> Self {
        Self::new(message, plain(), plain())
    }

    /// Uses other frames (shown as given, unstyled) and interval; a single frame is static.
    pub fn with_frames(mut self, frames: Vec<String>, interval: Duration) -> Self {
        self.frames = frames;
        self.interval = if interval.is_zero() {
            SPINNER_INTERVAL
        } else {
            interval
        };
        self.frame = 0;
        self.update();
        self
    }

    /// Changes the message.
    pub fn set_message(&mut self, message: impl Into<String>) {
        self.message = message.into();
        self.update();
    }

    /// Advances to the frame due at `now`. Returns whether the frame changed (so a render
    /// is worth asking for).
    pub fn tick(&mut self, now: Instant) -> bool {
        if self.frames.len() <= 1 {
            return false;
        }
        let Some(last) = self.last_tick else {
            self.last_tick = Some(now);
            return false;
        };
        let elapsed = now.saturating_duration_since(last);
        let steps = (elapsed.as_millis() / self.interval.as_millis().max(1)) as usize;
        if steps == 0 {
            return false;
        }
        let advanced = self
            .interval
            .checked_mul(u32::try_from(steps).unwrap_or(u32::MAX));
        self.last_tick = Some(advanced.and_then(|d| last.checked_add(d)).unwrap_or(now));
        self.frame = (self.frame + steps) % self.frames.len();
        self.update();
        true
    }

    /// Moves to the next frame now.
    pub fn advance(&mut self) {
        if !self.frames.is_empty() {
            self.frame = (self.frame + 1) % self.frames.len();
            self.update();
        }
    }

    /// When the next frame is due, for an event loop's timeout.
    pub fn next_tick(&self) -> Option<Instant> {
        (self.frames.len() > 1).then(|| {
            self.last_tick
                .map_or_else(Instant::now, |t| t + self.interval)
        })
    }

    fn update(&mut self) {
        let frame = self.frames.get(self.frame).map_or("", String::as_str);
        let indicator = if frame.is_empty() {
            String::new()
        } else {
            format!("{} ", (self.spinner_style)(frame))
        };
        self.text.set_text(format!(
            "{indicator}{}",
            (self.message_style)(&self.message)
        ));
    }
}

impl Component for Loader {
    fn render(&mut self, width: usize) -> Vec<String> {
        let mut lines = vec![String::new()];
        lines.extend(self.text.render(width));
        lines
    }

    fn invalidate(&mut self) {
        self.text.invalidate();
        self.update();
    }
}

/// A [`Loader`] that the cancel keys (Escape, Ctrl+C) abort.
pub struct CancellableLoader {
    loader: Loader,
    aborted: bool,
    keybindings: Rc<Keybindings>,
    on_abort: Option<Box<dyn FnMut()>>,
}

impl std::fmt::Debug for CancellableLoader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CancellableLoader")
            .field("aborted", &self.aborted)
            .finish_non_exhaustive()
    }
}

impl CancellableLoader {
    /// Wraps a loader.
    pub fn new(loader: Loader) -> Self {
        Self {
            loader,
            aborted: false,
            keybindings: Rc::new(Keybindings::default()),
            on_abort: None,
        }
    }

    /// Called once when aborted.
    pub fn on_abort(&mut self, f: impl FnMut() + 'static) {
        self.on_abort = Some(Box::new(f));
    }

    /// Whether the user aborted.
    pub fn is_aborted(&self) -> bool {
        self.aborted
    }

    /// The loader, to tick or change its message.
    pub fn loader_mut(&mut self) -> &mut Loader {
        &mut self.loader
    }
}

impl Component for CancellableLoader {
    fn render(&mut self, width: usize) -> Vec<String> {
        self.loader.render(width)
    }

    fn handle_input(&mut self, data: &str) {
        if self.keybindings.matches(data, action::SELECT_CANCEL) && !self.aborted {
            self.aborted = true;
            if let Some(f) = self.on_abort.as_mut() {
                f();
            }
        }
    }

    fn invalidate(&mut self) {
        self.loader.invalidate();
    }
}

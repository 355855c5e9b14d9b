//! A terminal UI library for pi, independent of any LLM code.
//!
//! A [`Tui`] draws a tree of [`Component`]s inline on the normal screen through a
//! [`Terminal`], so the conversation stays in the terminal's scrollback: each frame is
//! compared with the last and only the changed lines are rewritten, inside synchronized
//! output, never wider than the terminal. Overlays ([`overlay`]) are drawn on top of the
//! content. Input arrives as raw bytes, is split into keys by the [`StdinBuffer`], named by
//! [`parse_key`] / [`matches_key`] (legacy, modifyOtherKeys and Kitty encodings) and
//! routed to the focused component, which looks actions up in pi's [`Keybindings`].
//!
//! The [`components`] are pi's: [`components::Text`], [`components::Markdown`],
//! [`components::Editor`] (history, paste markers, kill ring, undo, autocomplete),
//! [`components::SelectList`], [`components::Loader`], [`components::Image`] and more.
//! Width functions ([`visible_width`], [`truncate_to_width`], [`wrap_text_with_ansi`],
//! [`slice_by_column`]) measure styled text the way a terminal draws it.
//!
//! ```
//! use pi_tui::components::{Editor, Text};
//! use pi_tui::{Tui, VirtualTerminal, shared};
//!
//! // A virtual terminal (a vt100 emulator) stands in for the real one.
//! let mut tui = Tui::new(VirtualTerminal::new(30, 8));
//! let transcript = shared(Text::new("Hello from pi"));
//! let editor = shared(Editor::default());
//! tui.add_child(transcript.clone());
//! tui.add_child(editor.clone());
//! tui.set_focus(Some(editor.clone()));
//! tui.start()?;
//! tui.render()?;
//!
//! for key in ["h", "i", "\r"] {
//!     tui.handle_input(key); // what `Tui::poll` does with terminal input
//! }
//! transcript.borrow_mut().set_text("Hello from pi\nyou said: hi");
//! tui.render()?;
//!
//! let screen = tui.terminal().screen_lines();
//! assert_eq!(screen[..2], ["Hello from pi", "you said: hi"]);
//! assert_eq!(tui.full_redraws(), 1); // the first frame; the second was a diff
//! # Ok::<(), pi_tui::TerminalError>(())
//! ```
//!
//! With the real terminal, [`ProcessTerminal`] takes raw mode and restores the terminal on
//! stop, on drop, on panic and on SIGTERM/SIGHUP/SIGINT; see `examples/chat.rs`.
#![deny(missing_docs, clippy::print_stdout, clippy::print_stderr)]

mod ansi;
pub mod autocomplete;
pub mod component;
pub mod components;
pub mod editing;
pub mod fuzzy;
pub mod image;
pub mod input;
pub mod overlay;
pub mod renderer;
mod slice;
pub mod style;
pub mod terminal;
mod truncate;
mod tui;
mod width;
mod wrap;

pub use ansi::{escape_len, strip_ansi};
pub use component::{CURSOR_MARKER, Component, ComponentRef, Container, same_component, shared};
pub use input::keybindings::{Keybindings, action};
pub use input::keys::{matches_key, parse_key};
pub use input::stdin_buffer::{InputEvent, StdinBuffer};
pub use slice::{Segments, extract_segments, slice_by_column, slice_with_width};
#[cfg(feature = "testing")]
pub use terminal::VirtualTerminal;
pub use terminal::{KeyboardProtocol, Terminal, TerminalError, TerminalEvent, TerminalSize};
#[cfg(unix)]
pub use terminal::{ProcessTerminal, Waker};
pub use truncate::truncate_to_width;
pub use tui::{InputDecision, Tui};
pub use width::{TAB_WIDTH, grapheme_width, visible_width};
pub use wrap::wrap_text_with_ansi;

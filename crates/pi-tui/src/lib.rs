//! A terminal UI library for pi, independent of any LLM code.
//!
//! Width functions ([`visible_width`], [`truncate_to_width`], [`wrap_text_with_ansi`],
//! [`slice_by_column`]) measure styled text the way a terminal draws it.
//!
//! ```
//! use pi_tui::{truncate_to_width, visible_width, wrap_text_with_ansi};
//!
//! let line = "\x1b[1mpi\x1b[0m: 日本語 👍";
//! assert_eq!(visible_width(line), 13);
//! for wrapped in wrap_text_with_ansi(line, 6) {
//!     assert!(visible_width(&wrapped) <= 6);
//! }
//! assert!(visible_width(&truncate_to_width(line, 8, "…", false)) <= 8);
//! ```
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
#[cfg(unix)]
pub use terminal::ProcessTerminal;
#[cfg(feature = "testing")]
pub use terminal::VirtualTerminal;
pub use terminal::{KeyboardProtocol, Terminal, TerminalError, TerminalEvent, TerminalSize};
pub use truncate::truncate_to_width;
pub use tui::{InputDecision, Tui};
pub use width::{TAB_WIDTH, grapheme_width, visible_width};
pub use wrap::wrap_text_with_ansi;

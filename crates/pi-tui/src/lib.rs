//! A terminal UI library for pi, independent of any LLM code.
//!
//! This crate will hold:
//!
//! - a `Component` trait (`render(width) -> lines`, input handling, invalidation) and the
//!   components pi draws with: text, boxes, Markdown, loaders, select and settings lists,
//!   inputs, a multi-line editor with history, kill ring, undo and autocomplete, images and
//!   overlays;
//! - a differential renderer that writes to the normal screen (so scrollback keeps the
//!   conversation), redraws only changed lines inside synchronized output, and never emits a
//!   line wider than the terminal;
//! - grapheme- and East-Asian-width-aware width functions;
//! - key input parsing (legacy sequences, modifyOtherKeys, the Kitty keyboard protocol,
//!   bracketed paste) and a terminal abstraction with a virtual terminal for tests.
#![deny(missing_docs, clippy::print_stdout, clippy::print_stderr)]

//! Terminal input: splitting raw bytes into sequences, naming keys, and keybindings.

pub mod keybindings;
pub mod keys;
pub mod stdin_buffer;

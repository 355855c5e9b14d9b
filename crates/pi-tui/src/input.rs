//! Terminal input: splitting raw bytes into sequences, naming keys, and keybindings.

pub mod stdin_buffer;

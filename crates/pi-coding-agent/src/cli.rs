//! The command line: flags, help, `@file` arguments and the first prompt.

mod args;
mod file_args;

pub use args::{Args, Diagnostic, FlagValue, Mode, parse_args};
pub use file_args::{FileArgError, FileInput, initial_message, process_file_args};

/// `pi --help`.
pub const HELP: &str = include_str!("cli/help.txt");

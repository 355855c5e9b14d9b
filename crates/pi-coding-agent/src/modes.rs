//! How pi talks to its user: print and JSON modes (RPC and interactive build on the same
//! session).

mod print;

pub use print::{PrintInput, PrintOutput, run_print_mode};

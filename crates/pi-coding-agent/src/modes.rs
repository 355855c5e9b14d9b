//! How pi talks to its user: print and JSON modes, and RPC mode (the interactive mode builds
//! on the same session).

mod print;
mod rpc;

pub use print::{PrintInput, PrintOutput, run_print_mode};
pub use rpc::run_rpc_mode;

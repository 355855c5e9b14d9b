//! How pi talks to its user: the interactive chat screen, print and JSON modes, and RPC
//! mode, all on the same session.

#[cfg(unix)]
mod interactive;
mod print;
mod rpc;

#[cfg(unix)]
pub use interactive::{InteractiveOptions, pick_session, run_interactive_mode};
pub use print::{PrintInput, PrintOutput, run_print_mode};
pub use rpc::run_rpc_mode;

//! `pi`, the terminal AI coding agent.

fn main() -> std::process::ExitCode {
    pi_coding_agent::app::main(std::env::args_os().skip(1).collect())
}

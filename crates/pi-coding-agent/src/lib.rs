//! The library behind `pi`, the terminal AI coding agent.
//!
//! The binary wires the command line, configuration (`~/.pi/agent`), sessions, the built-in
//! tools and the print, JSON, RPC and interactive modes on top of `pi-ai`, `pi-agent-core`
//! and `pi-tui`. Its parts live here so that they can be tested (and embedded) one by one.
#![deny(clippy::print_stdout, clippy::print_stderr)]

pub mod agent_session;
pub mod app;
pub mod cli;
pub mod compaction;
pub mod config;
pub mod export_html;
pub mod interactive;
pub mod messages;
pub mod modes;
pub mod resources;
pub mod session;
pub mod tools;

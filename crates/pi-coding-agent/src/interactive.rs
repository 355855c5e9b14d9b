//! The building blocks of pi's interactive mode: [`theme`]s (colours per role, built-in and
//! user themes, hot reload), [`keybindings`] (the application's actions and the keys bound
//! to them in `keybindings.json`), the [`model_selector`], the [`session_selector`] (`/resume`),
//! the [`tree_selector`] (`/tree`), the [`settings_selector`], [`thinking_selector`] and
//! [`scoped_models_selector`], the [`trust_selector`] (`/trust`), the [`loaded_resources`]
//! listing under the startup header, the [`footer`] under the editor and the [`chat`]
//! components the conversation is drawn with.
//!
//! Each is plain data and pure functions over it, so the chat screen composes them and the
//! tests check them against the reference's output without a terminal.

pub mod chat;
pub mod footer;
pub mod keybindings;
pub mod loaded_resources;
pub mod model_selector;
pub mod scoped_models_selector;
pub mod session_selector;
pub mod settings_selector;
pub mod theme;
pub mod thinking_selector;
pub mod tree_selector;
pub mod trust_selector;

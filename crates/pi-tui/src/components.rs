//! The components pi draws with.

mod text;

pub use text::Text;

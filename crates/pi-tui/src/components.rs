//! The components pi draws with.

mod editor;
mod image;
mod input;
mod layout;
mod loader;
mod markdown;
mod select_list;
mod settings_list;
mod text;

pub use editor::{Editor, EditorTheme, MAX_HISTORY};
pub use image::Image;
pub use input::Input;
pub use layout::{Box, Spacer, TruncatedText};
pub use loader::{CancellableLoader, Loader, SPINNER_FRAMES, SPINNER_INTERVAL};
pub use markdown::{HighlightFn, Markdown, MarkdownTheme};
pub use select_list::{SelectItem, SelectList, SelectListTheme};
pub use settings_list::{
    SettingItem, SettingsList, SettingsListTheme, SettingsSubmenu, SubmenuFactory, SubmenuOutcome,
};
pub use text::Text;

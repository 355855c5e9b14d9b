//! pi's themes: the built-in `dark` and `light`, theme files (`~/.pi/agent/themes`,
//! `.pi/themes` in trusted projects, the `themes` setting, `--theme`), choosing one by name
//! (with `"light/dark"` following the terminal's background), and a [`Theme`] that styles
//! text per colour token with real escape sequences, in truecolor or approximated to the
//! 256-colour palette.
//!
//! ```
//! use pi_coding_agent::interactive::theme::{ColorMode, Theme, ThemeBg, ThemeColor};
//!
//! let theme = Theme::dark(ColorMode::TrueColor);
//! assert_eq!(theme.fg(ThemeColor::Error, "oops"), "\x1b[38;2;204;102;102moops\x1b[39m");
//! assert_eq!(
//!     Theme::dark(ColorMode::Ansi256).bg(ThemeBg::SelectedBg, " "),
//!     "\x1b[48;5;59m \x1b[49m"
//! );
//! ```

mod catalog;
mod color;
mod file;
mod select;
mod token;
mod validate;
mod watch;

use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::OnceLock;

use pi_ai::ThinkingLevel;
use pi_tui::style::StyleFn;

pub use catalog::{LoadedTheme, ThemeCatalog, ThemeListing};
pub use color::{Color, ColorMode, ansi256_to_rgb, rgb_to_ansi256};
pub use file::{ColorValue, ExportColors, ResolvedColor, ThemeFile};
pub use select::{
    Appearance, AutoTheme, BackgroundDetection, BackgroundSource, detect_terminal_background,
    parse_auto_theme, resolve_theme_setting,
};
pub use token::{ThemeBg, ThemeColor, Token};
pub use watch::ThemeWatcher;

/// Why a theme could not be read, checked or used. The texts are pi's.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ThemeError {
    /// The file could not be read.
    #[error("Failed to read theme {}: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// What the system said.
        #[source]
        source: std::io::Error,
    },
    /// The file is not JSON.
    #[error("Failed to parse theme {label}: {message}")]
    Parse {
        /// The file (or theme name).
        label: String,
        /// What the JSON parser said.
        message: String,
    },
    /// The document does not follow the theme schema; the message lists every problem.
    #[error("{message}")]
    Invalid {
        /// The file (or theme name).
        label: String,
        /// pi's report: missing colour tokens, then other errors.
        message: String,
    },
    /// The theme's name contains `/`, which `"light/dark"` settings reserve.
    #[error(
        "Invalid theme name \"{0}\": theme names cannot contain \"/\" because it is reserved for automatic light/dark theme settings."
    )]
    SlashInName(String),
    /// A colour names a variable the theme does not define.
    #[error("Variable reference not found: {0}")]
    MissingVariable(String),
    /// Variables refer to each other in a circle.
    #[error("Circular variable reference detected: {0}")]
    CircularVariable(String),
    /// A `#` colour that is not `#rrggbb`.
    #[error("Invalid hex color: {0}")]
    InvalidHex(String),
    /// No built-in, loaded or user theme has this name.
    #[error("Theme not found: {0}")]
    NotFound(String),
    /// Not a foreground colour token.
    #[error("Unknown theme color: {0}")]
    UnknownColor(String),
    /// Not a background colour token.
    #[error("Unknown theme background color: {0}")]
    UnknownBackground(String),
}

/// The theme file of the built-in `dark` theme.
const DARK_JSON: &str = include_str!("theme/dark.json");
/// The theme file of the built-in `light` theme.
const LIGHT_JSON: &str = include_str!("theme/light.json");

/// The built-in theme called `name` (`dark` or `light`), parsed once per process.
pub fn builtin_theme_file(name: &str) -> Option<&'static ThemeFile> {
    static DARK: OnceLock<Option<ThemeFile>> = OnceLock::new();
    static LIGHT: OnceLock<Option<ThemeFile>> = OnceLock::new();
    let (cell, json) = match name {
        "dark" => (&DARK, DARK_JSON),
        "light" => (&LIGHT, LIGHT_JSON),
        _ => return None,
    };
    // The built-in files are checked by this module's tests, so parsing cannot fail.
    cell.get_or_init(|| ThemeFile::parse(name, json).ok())
        .as_ref()
}

/// A theme ready to style text: each token's escape sequence, computed once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Theme {
    name: Option<String>,
    source_path: Option<PathBuf>,
    mode: ColorMode,
    fg: [String; ThemeColor::ALL.len()],
    bg: [String; ThemeBg::ALL.len()],
}

impl Theme {
    /// The built-in dark theme.
    pub fn dark(mode: ColorMode) -> Theme {
        Theme::builtin("dark", mode)
    }

    /// The built-in light theme.
    pub fn light(mode: ColorMode) -> Theme {
        Theme::builtin("light", mode)
    }

    fn builtin(name: &str, mode: ColorMode) -> Theme {
        builtin_theme_file(name)
            .map(|file| file.to_theme(mode, None))
            // Unreachable while the built-in files are valid (tested); terminal defaults
            // keep the screen readable should they ever not be.
            .unwrap_or_else(|| {
                Theme::from_colors(
                    Some(name.to_owned()),
                    None,
                    mode,
                    |_| Color::Default,
                    |_| Color::Default,
                )
            })
    }

    /// A theme from each token's colour.
    pub fn from_colors(
        name: Option<String>,
        source_path: Option<PathBuf>,
        mode: ColorMode,
        fg: impl Fn(ThemeColor) -> Color,
        bg: impl Fn(ThemeBg) -> Color,
    ) -> Theme {
        Theme {
            name,
            source_path,
            mode,
            fg: ThemeColor::ALL.map(|token| fg(token).fg_sequence(mode)),
            bg: ThemeBg::ALL.map(|token| bg(token).bg_sequence(mode)),
        }
    }

    /// The theme's name (`None` for one built in code without a name).
    pub fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }

    /// The file the theme was read from (`None` for the built-in ones).
    pub fn source_path(&self) -> Option<&Path> {
        self.source_path.as_deref()
    }

    /// Truecolor or 256 colours.
    pub fn color_mode(&self) -> ColorMode {
        self.mode
    }

    /// `text` in a foreground colour; only the foreground is reset after it.
    pub fn fg(&self, color: ThemeColor, text: &str) -> String {
        let open = self.fg_ansi(color);
        let mut out = String::with_capacity(open.len() + text.len() + 5);
        out.push_str(open);
        out.push_str(text);
        out.push_str("\x1b[39m");
        out
    }

    /// `text` on a background colour; only the background is reset after it.
    pub fn bg(&self, color: ThemeBg, text: &str) -> String {
        let open = self.bg_ansi(color);
        let mut out = String::with_capacity(open.len() + text.len() + 5);
        out.push_str(open);
        out.push_str(text);
        out.push_str("\x1b[49m");
        out
    }

    /// The escape sequence that sets a foreground colour.
    pub fn fg_ansi(&self, color: ThemeColor) -> &str {
        &self.fg[color as usize]
    }

    /// The escape sequence that sets a background colour.
    pub fn bg_ansi(&self, color: ThemeBg) -> &str {
        &self.bg[color as usize]
    }

    /// A foreground colour as a style function for pi-tui components.
    pub fn fg_style(&self, color: ThemeColor) -> StyleFn {
        let open = self.fg_ansi(color).to_owned();
        Rc::new(move |text: &str| format!("{open}{text}\x1b[39m"))
    }

    /// A background colour as a style function for pi-tui components.
    pub fn bg_style(&self, color: ThemeBg) -> StyleFn {
        let open = self.bg_ansi(color).to_owned();
        Rc::new(move |text: &str| format!("{open}{text}\x1b[49m"))
    }

    /// Bold text.
    pub fn bold(&self, text: &str) -> String {
        modifier(text, "\x1b[1m", "\x1b[22m")
    }

    /// Italic text.
    pub fn italic(&self, text: &str) -> String {
        modifier(text, "\x1b[3m", "\x1b[23m")
    }

    /// Underlined text.
    pub fn underline(&self, text: &str) -> String {
        modifier(text, "\x1b[4m", "\x1b[24m")
    }

    /// Reverse video.
    pub fn inverse(&self, text: &str) -> String {
        modifier(text, "\x1b[7m", "\x1b[27m")
    }

    /// Struck-through text.
    pub fn strikethrough(&self, text: &str) -> String {
        modifier(text, "\x1b[9m", "\x1b[29m")
    }

    /// The editor border colour for a thinking level.
    pub fn thinking_border_color(level: ThinkingLevel) -> ThemeColor {
        match level {
            ThinkingLevel::Off => ThemeColor::ThinkingOff,
            ThinkingLevel::Minimal => ThemeColor::ThinkingMinimal,
            ThinkingLevel::Low => ThemeColor::ThinkingLow,
            ThinkingLevel::Medium => ThemeColor::ThinkingMedium,
            ThinkingLevel::High => ThemeColor::ThinkingHigh,
            ThinkingLevel::Xhigh => ThemeColor::ThinkingXhigh,
            ThinkingLevel::Max => ThemeColor::ThinkingMax,
        }
    }
}

/// Wraps `text` in a text attribute the way pi's styling library does: empty text stays
/// empty, a close sequence inside re-opens the attribute, and the attribute is closed before
/// each line break and re-opened after it (so it never bleeds into the next line).
fn modifier(text: &str, open: &str, close: &str) -> String {
    if text.is_empty() {
        return String::new();
    }
    let mut body = if text.contains('\x1b') {
        text.replace(close, &format!("{close}{open}"))
    } else {
        text.to_owned()
    };
    if body.contains('\n') {
        let mut wrapped = String::with_capacity(body.len() + 16);
        let mut lines = body.split('\n').peekable();
        while let Some(line) = lines.next() {
            if lines.peek().is_none() {
                wrapped.push_str(line);
                break;
            }
            match line.strip_suffix('\r') {
                Some(line) => {
                    wrapped.push_str(line);
                    wrapped.push_str(close);
                    wrapped.push_str("\r\n");
                }
                None => {
                    wrapped.push_str(line);
                    wrapped.push_str(close);
                    wrapped.push('\n');
                }
            }
            wrapped.push_str(open);
        }
        body = wrapped;
    }
    format!("{open}{body}{close}")
}

#[cfg(test)]
mod tests;

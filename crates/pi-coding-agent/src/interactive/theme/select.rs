//! Which theme a `theme` setting names: one theme, or a `"light/dark"` pair chosen by the
//! terminal's background, which pi reads from `COLORFGBG` when the terminal is not asked.

use super::color::{ansi256_to_rgb, js_parse_int};

/// Whether the terminal has a light or a dark background.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Appearance {
    /// A dark background (pi's assumption when nothing says otherwise).
    Dark,
    /// A light background.
    Light,
}

impl Appearance {
    /// The built-in theme for it: `dark` or `light`.
    pub fn theme_name(self) -> &'static str {
        match self {
            Appearance::Dark => "dark",
            Appearance::Light => "light",
        }
    }

    /// The appearance of a background colour: light when its relative luminance is at
    /// least one half.
    pub fn of_rgb(r: u8, g: u8, b: u8) -> Appearance {
        if relative_luminance(r, g, b) >= 0.5 {
            Appearance::Light
        } else {
            Appearance::Dark
        }
    }
}

/// What told the background apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BackgroundSource {
    /// The `COLORFGBG` variable (rxvt, Konsole, ...): a confident answer.
    Colorfgbg,
    /// Nothing did; dark is assumed.
    Fallback,
}

/// The result of looking at the terminal's background.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackgroundDetection {
    /// Light or dark.
    pub appearance: Appearance,
    /// Where the answer came from.
    pub source: BackgroundSource,
    /// A human-readable detail (`background color index 15`).
    pub detail: String,
}

/// The background as `COLORFGBG` (`fg;bg` or `fg;default;bg`) gives it: its last field that
/// is a palette index, light when that colour's luminance is at least one half; dark when the
/// variable is unset or holds no index.
pub fn detect_terminal_background(colorfgbg: Option<&str>) -> BackgroundDetection {
    let index = colorfgbg
        .unwrap_or_default()
        .rsplit(';')
        .find_map(|part| js_parse_int(part.trim(), 10).and_then(|value| u8::try_from(value).ok()));
    match index {
        Some(index) => {
            let (r, g, b) = ansi256_to_rgb(index);
            BackgroundDetection {
                appearance: Appearance::of_rgb(r, g, b),
                source: BackgroundSource::Colorfgbg,
                detail: format!("background color index {index}"),
            }
        }
        None => BackgroundDetection {
            appearance: Appearance::Dark,
            source: BackgroundSource::Fallback,
            detail: "no terminal background hint found".to_owned(),
        },
    }
}

/// The WCAG relative luminance of an sRGB colour.
fn relative_luminance(r: u8, g: u8, b: u8) -> f64 {
    let linear = |channel: u8| {
        let value = f64::from(channel) / 255.0;
        if value <= 0.039_28 {
            value / 12.92
        } else {
            ((value + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)
}

/// A `"light/dark"` theme setting: the theme for light terminals, then for dark ones.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct AutoTheme {
    /// The theme for a light background.
    pub light: String,
    /// The theme for a dark background.
    pub dark: String,
}

/// The pair a `theme` setting holds, if it is one: exactly one `/` with a non-blank name
/// on each side (names are trimmed).
pub fn parse_auto_theme(setting: &str) -> Option<AutoTheme> {
    let (light, dark) = setting.split_once('/')?;
    if dark.contains('/') {
        return None;
    }
    let (light, dark) = (light.trim(), dark.trim());
    if light.is_empty() || dark.is_empty() {
        return None;
    }
    Some(AutoTheme {
        light: light.to_owned(),
        dark: dark.to_owned(),
    })
}

/// The theme name a `theme` setting selects on a terminal of `appearance`; `None` when the
/// setting is unset or a malformed pair (then pi uses the built-in theme matching the
/// terminal).
pub fn resolve_theme_setting(setting: Option<&str>, appearance: Appearance) -> Option<String> {
    let setting = setting?;
    if let Some(auto) = parse_auto_theme(setting) {
        return Some(match appearance {
            Appearance::Light => auto.light,
            Appearance::Dark => auto.dark,
        });
    }
    (!setting.contains('/')).then(|| setting.to_owned())
}

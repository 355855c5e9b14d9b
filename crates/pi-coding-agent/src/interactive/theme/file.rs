//! Theme files: reading and checking one (`name`, `vars`, `colors`, `export`), resolving its
//! variables, and turning it into a [`Theme`] for a colour mode.

use std::path::{Path, PathBuf};

use indexmap::IndexMap;
use serde_json::Value;

use super::color::{Color, ColorMode, ansi256_to_rgb};
use super::token::{ThemeBg, ThemeColor, Token};
use super::{Theme, ThemeError, validate};

/// A colour as a theme file writes it, before variables are resolved.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ColorValue {
    /// `"#rrggbb"`, a variable name, or `""` for the terminal's default.
    Text(String),
    /// A 256-colour palette index.
    Index(u8),
}

impl ColorValue {
    fn from_json(value: &Value) -> Option<ColorValue> {
        match value {
            Value::String(text) => Some(ColorValue::Text(text.clone())),
            // Checked before: an integer from 0 to 255, maybe written as `3.0`.
            Value::Number(n) => n
                .as_f64()
                .filter(|n| n.fract() == 0.0 && (0.0..=255.0).contains(n))
                .map(|n| ColorValue::Index(n as u8)),
            _ => None,
        }
    }
}

/// The HTML export colours a theme may set.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExportColors {
    /// The page background.
    pub page_bg: Option<ColorValue>,
    /// The message card background.
    pub card_bg: Option<ColorValue>,
    /// The info box background.
    pub info_bg: Option<ColorValue>,
}

/// A checked theme file: it follows pi's schema, its name has no `/`, and every colour
/// resolves (variables exist and do not loop, `#` colours are `#rrggbb`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThemeFile {
    name: String,
    vars: IndexMap<String, ColorValue>,
    colors: IndexMap<String, ColorValue>,
    export: ExportColors,
    fg: [Color; ThemeColor::ALL.len()],
    bg: [Color; ThemeBg::ALL.len()],
}

impl ThemeFile {
    /// Parses and checks a theme file's text; `label` names it in errors (pi uses the path,
    /// or the theme name for a theme looked up by name). A leading BOM is ignored.
    pub fn parse(label: &str, text: &str) -> Result<ThemeFile, ThemeError> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let doc: Value = serde_json::from_str(text).map_err(|error| ThemeError::Parse {
            label: label.to_owned(),
            message: error.to_string(),
        })?;
        ThemeFile::from_json(label, &doc)
    }

    /// Reads and checks the theme file at `path` (its path is its label).
    pub fn read(path: &Path) -> Result<ThemeFile, ThemeError> {
        let text = std::fs::read_to_string(path).map_err(|source| ThemeError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        ThemeFile::parse(&path.to_string_lossy(), &text)
    }

    /// Checks a parsed theme document, in pi's order: the schema, the name, then the
    /// colours (variables of every token first, then `#` colours of the foreground tokens,
    /// then of the background ones).
    pub fn from_json(label: &str, doc: &Value) -> Result<ThemeFile, ThemeError> {
        let errors = validate::check(doc);
        if !errors.is_empty() {
            return Err(ThemeError::Invalid {
                label: label.to_owned(),
                message: errors.message(label),
            });
        }
        let name = doc
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        if name.contains('/') {
            return Err(ThemeError::SlashInName(name));
        }
        let colors_of = |key: &str| -> IndexMap<String, ColorValue> {
            doc.get(key)
                .and_then(Value::as_object)
                .map(|map| {
                    map.iter()
                        .filter_map(|(k, v)| Some((k.clone(), ColorValue::from_json(v)?)))
                        .collect()
                })
                .unwrap_or_default()
        };
        let export = colors_of("export");
        let mut file = ThemeFile {
            name,
            vars: colors_of("vars"),
            colors: colors_of("colors"),
            export: ExportColors {
                page_bg: export.get("pageBg").cloned(),
                card_bg: export.get("cardBg").cloned(),
                info_bg: export.get("infoBg").cloned(),
            },
            fg: [Color::Default; ThemeColor::ALL.len()],
            bg: [Color::Default; ThemeBg::ALL.len()],
        };
        file.resolve_tokens()?;
        Ok(file)
    }

    /// Fills `fg` and `bg` from `colors`, the optional tokens from their fallbacks.
    fn resolve_tokens(&mut self) -> Result<(), ThemeError> {
        let resolved = self.resolved_colors()?;
        let is_bg = |name: &str| matches!(Token::from_name(name), Some(Token::Bg(_)));
        let mut fg = Vec::new();
        for (name, value) in resolved.iter().filter(|(name, _)| !is_bg(name)) {
            fg.push((name.as_str(), value.color()?));
        }
        let mut bg = Vec::new();
        for (name, value) in resolved.iter().filter(|(name, _)| is_bg(name)) {
            bg.push((name.as_str(), value.color()?));
        }
        for (name, color) in fg.into_iter().chain(bg) {
            match Token::from_name(name) {
                Some(Token::Fg(token)) => self.fg[token as usize] = color,
                Some(Token::Bg(token)) => self.bg[token as usize] = color,
                // Tokens pi does not know are checked like the others, then left unused.
                None => {}
            }
        }
        Ok(())
    }

    /// The theme's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Named colours the tokens may refer to, in file order.
    pub fn vars(&self) -> &IndexMap<String, ColorValue> {
        &self.vars
    }

    /// The `colors` object as written, in file order (names pi does not know included).
    pub fn colors(&self) -> &IndexMap<String, ColorValue> {
        &self.colors
    }

    /// Colours for HTML export, as written.
    pub fn export(&self) -> &ExportColors {
        &self.export
    }

    /// A foreground token's colour.
    pub fn fg(&self, token: ThemeColor) -> Color {
        self.fg[token as usize]
    }

    /// A background token's colour.
    pub fn bg(&self, token: ThemeBg) -> Color {
        self.bg[token as usize]
    }

    /// Resolves a colour value through the variables.
    pub fn resolve(&self, value: &ColorValue) -> Result<ResolvedColor, ThemeError> {
        let mut seen: Vec<&str> = Vec::new();
        let mut value = value;
        loop {
            let ColorValue::Text(text) = value else {
                return Ok(ResolvedColor(value.clone()));
            };
            if text.is_empty() || text.starts_with('#') {
                return Ok(ResolvedColor(value.clone()));
            }
            if seen.contains(&text.as_str()) {
                return Err(ThemeError::CircularVariable(text.clone()));
            }
            seen.push(text);
            value = self
                .vars
                .get(text)
                .ok_or_else(|| ThemeError::MissingVariable(text.clone()))?;
        }
    }

    /// Every colour of the `colors` object with variables resolved, the optional tokens a
    /// theme leaves out added with their fallback's value (as pi's HTML export lists them).
    pub fn resolved_colors(&self) -> Result<IndexMap<String, ResolvedColor>, ThemeError> {
        let mut with_fallbacks: IndexMap<&str, &ColorValue> = self
            .colors
            .iter()
            .map(|(name, value)| (name.as_str(), value))
            .collect();
        let fallbacks = [
            ("scrollbarTrack", "muted"),
            ("scrollbarThumb", "text"),
            ("thinkingMax", "thinkingXhigh"),
            ("searchMatchBg", "selectedBg"),
            ("searchMatchText", "text"),
        ];
        for (optional, source) in fallbacks {
            if !with_fallbacks.contains_key(optional)
                && let Some(value) = self.colors.get(source)
            {
                with_fallbacks.insert(optional, value);
            }
        }
        with_fallbacks
            .into_iter()
            .map(|(name, value)| Ok((name.to_owned(), self.resolve(value)?)))
            .collect()
    }

    /// The theme for a colour mode; `source_path` is where the file was read from.
    pub fn to_theme(&self, mode: ColorMode, source_path: Option<PathBuf>) -> Theme {
        Theme::from_colors(
            Some(self.name.clone()),
            source_path,
            mode,
            |token| self.fg(token),
            |token| self.bg(token),
        )
    }

    /// The export colours (page, card, info) as `#rrggbb`, variables resolved and palette
    /// indices converted; `None` where the theme sets none (or the terminal default). Like
    /// pi, a broken value makes all three `None`.
    pub fn export_hex_colors(&self) -> [Option<String>; 3] {
        let resolve = |value: &Option<ColorValue>| -> Result<Option<String>, ThemeError> {
            let Some(value) = value else {
                return Ok(None);
            };
            Ok(match self.resolve(value)?.0 {
                ColorValue::Index(index) => Some(rgb_hex(ansi256_to_rgb(index))),
                ColorValue::Text(text) if text.is_empty() => None,
                ColorValue::Text(text) => Some(text),
            })
        };
        let export = &self.export;
        match (
            resolve(&export.page_bg),
            resolve(&export.card_bg),
            resolve(&export.info_bg),
        ) {
            (Ok(page), Ok(card), Ok(info)) => [page, card, info],
            _ => [None, None, None],
        }
    }
}

/// A colour value with variables resolved: a palette index, `#hex` or `""`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ResolvedColor(ColorValue);

impl ResolvedColor {
    /// The value as written after resolution.
    pub fn value(&self) -> &ColorValue {
        &self.0
    }

    /// The colour (a hex value is checked here: `Invalid hex color: …`).
    pub fn color(&self) -> Result<Color, ThemeError> {
        match &self.0 {
            ColorValue::Index(index) => Ok(Color::Index(*index)),
            ColorValue::Text(text) if text.is_empty() => Ok(Color::Default),
            ColorValue::Text(text) => Color::from_hex(text),
        }
    }
}

/// `#rrggbb` for an RGB triple.
pub(super) fn rgb_hex((r, g, b): (u8, u8, u8)) -> String {
    format!("#{r:02x}{g:02x}{b:02x}")
}

//! Colours as theme files write them and as terminals take them: `#rrggbb`, a 256-colour
//! palette index or the terminal's default, turned into SGR sequences in truecolor or, for
//! terminals limited to 256 colours, approximated the way pi approximates them.

use pi_tui::image::TerminalCapabilities;

use super::ThemeError;

/// How colours reach the terminal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ColorMode {
    /// 24-bit colour (`38;2;r;g;b`).
    TrueColor,
    /// The 256-colour palette (`38;5;n`); `#rrggbb` colours are approximated.
    Ansi256,
}

impl ColorMode {
    /// The mode for a terminal with these capabilities (pi decides truecolor from
    /// `COLORTERM`, `TERM`, the terminal program, `PI_TRUE_COLOR` and `terminal.trueColor`).
    pub fn for_terminal(capabilities: &TerminalCapabilities) -> Self {
        if capabilities.true_color {
            ColorMode::TrueColor
        } else {
            ColorMode::Ansi256
        }
    }

    /// The mode pi picks: detected from the environment (`env` reads a variable; see
    /// [`TerminalCapabilities::detect`]) unless the `terminal.trueColor` setting forces it.
    pub fn detect(env: impl Fn(&str) -> Option<String>, setting: Option<bool>) -> Self {
        let detected = TerminalCapabilities::detect(env).true_color;
        if setting.unwrap_or(detected) {
            ColorMode::TrueColor
        } else {
            ColorMode::Ansi256
        }
    }
}

/// A colour once theme variables are resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Color {
    /// The terminal's default foreground or background (`""` in a theme file).
    Default,
    /// A 256-colour palette index.
    Index(u8),
    /// An RGB colour (`#rrggbb`).
    Rgb(u8, u8, u8),
}

impl Color {
    /// Parses `#rrggbb` as pi does: each pair is read like JavaScript's `parseInt(pair, 16)`,
    /// so trailing junk in a pair is ignored (`#1g2h3i` is `#010203`); six characters after
    /// the `#` are required.
    pub fn from_hex(hex: &str) -> Result<Color, ThemeError> {
        let invalid = || ThemeError::InvalidHex(hex.to_owned());
        // pi removes the first `#` wherever it is, then counts UTF-16 units.
        let cleaned = hex.replacen('#', "", 1);
        let units: Vec<u16> = cleaned.encode_utf16().collect();
        if units.len() != 6 {
            return Err(invalid());
        }
        let channel = |pair: &[u16]| {
            let text = String::from_utf16_lossy(pair);
            js_parse_int(&text, 16).and_then(|value| u8::try_from(value).ok())
        };
        match (
            channel(&units[0..2]),
            channel(&units[2..4]),
            channel(&units[4..6]),
        ) {
            (Some(r), Some(g), Some(b)) => Ok(Color::Rgb(r, g, b)),
            // A negative pair (`-f`) parses in JavaScript but names no colour; pi would write
            // a broken escape sequence for it, pi-rs refuses it like any other bad colour.
            _ => Err(invalid()),
        }
    }

    /// The SGR sequence that sets this colour as the foreground.
    pub fn fg_sequence(self, mode: ColorMode) -> String {
        self.sequence(mode, 38, 39)
    }

    /// The SGR sequence that sets this colour as the background.
    pub fn bg_sequence(self, mode: ColorMode) -> String {
        self.sequence(mode, 48, 49)
    }

    fn sequence(self, mode: ColorMode, set: u8, reset: u8) -> String {
        match (self, mode) {
            (Color::Default, _) => format!("\x1b[{reset}m"),
            (Color::Index(index), _) => format!("\x1b[{set};5;{index}m"),
            (Color::Rgb(r, g, b), ColorMode::TrueColor) => format!("\x1b[{set};2;{r};{g};{b}m"),
            (Color::Rgb(r, g, b), ColorMode::Ansi256) => {
                format!("\x1b[{set};5;{}m", rgb_to_ansi256(r, g, b))
            }
        }
    }
}

/// The channel values of the 6×6×6 colour cube (palette 16–231).
const CUBE: [i32; 6] = [0, 95, 135, 175, 215, 255];

/// The nearest entry of `values` (the first of two equally near).
fn nearest(value: i32, values: impl Iterator<Item = i32>) -> (usize, i32) {
    let mut best = (0, 0);
    let mut best_distance = i32::MAX;
    for (index, candidate) in values.enumerate() {
        let distance = (value - candidate).abs();
        if distance < best_distance {
            best_distance = distance;
            best = (index, candidate);
        }
    }
    best
}

/// Squared distance weighted by how sensitive the eye is to each channel.
fn weighted_distance(a: (i32, i32, i32), b: (i32, i32, i32)) -> f64 {
    let d = |x: i32, y: i32| f64::from(x - y);
    d(a.0, b.0).powi(2) * 0.299 + d(a.1, b.1).powi(2) * 0.587 + d(a.2, b.2).powi(2) * 0.114
}

/// The 256-colour palette index pi uses for an RGB colour: the nearest colour-cube entry,
/// unless the colour is nearly neutral (channels within 10 of each other) and a step of the
/// grey ramp (232–255) is nearer, so tinted colours keep their tint.
pub fn rgb_to_ansi256(r: u8, g: u8, b: u8) -> u8 {
    let rgb = (i32::from(r), i32::from(g), i32::from(b));
    let (ri, rv) = nearest(rgb.0, CUBE.into_iter());
    let (gi, gv) = nearest(rgb.1, CUBE.into_iter());
    let (bi, bv) = nearest(rgb.2, CUBE.into_iter());
    let cube_index = 16 + 36 * ri + 6 * gi + bi;
    let cube_distance = weighted_distance(rgb, (rv, gv, bv));

    let luma = 0.299 * f64::from(r) + 0.587 * f64::from(g) + 0.114 * f64::from(b);
    // JavaScript's Math.round (halves up); luma is within 0..=255, so the cast is exact.
    let gray = js_round(luma) as i32;
    let (gray_step, gray_value) = nearest(gray, (0..24).map(|i| 8 + i * 10));
    let gray_distance = weighted_distance(rgb, (gray_value, gray_value, gray_value));

    let spread = rgb.0.max(rgb.1).max(rgb.2) - rgb.0.min(rgb.1).min(rgb.2);
    let index = if spread < 10 && gray_distance < cube_distance {
        232 + gray_step
    } else {
        cube_index
    };
    // At most 16 + 36*5 + 6*5 + 5 = 231 or 232 + 23 = 255.
    u8::try_from(index).unwrap_or(u8::MAX)
}

/// The RGB colour pi assumes for a palette index (for export and for telling light
/// backgrounds from dark ones): a typical 16-colour set, then the cube and the grey ramp.
pub fn ansi256_to_rgb(index: u8) -> (u8, u8, u8) {
    const BASIC: [(u8, u8, u8); 16] = [
        (0x00, 0x00, 0x00),
        (0x80, 0x00, 0x00),
        (0x00, 0x80, 0x00),
        (0x80, 0x80, 0x00),
        (0x00, 0x00, 0x80),
        (0x80, 0x00, 0x80),
        (0x00, 0x80, 0x80),
        (0xc0, 0xc0, 0xc0),
        (0x80, 0x80, 0x80),
        (0xff, 0x00, 0x00),
        (0x00, 0xff, 0x00),
        (0xff, 0xff, 0x00),
        (0x00, 0x00, 0xff),
        (0xff, 0x00, 0xff),
        (0x00, 0xff, 0xff),
        (0xff, 0xff, 0xff),
    ];
    match index {
        0..=15 => BASIC[usize::from(index)],
        16..=231 => {
            let cube = index - 16;
            let level = |n: u8| if n == 0 { 0 } else { 55 + n * 40 };
            (level(cube / 36), level((cube % 36) / 6), level(cube % 6))
        }
        _ => {
            let gray = 8 + (index - 232) * 10;
            (gray, gray, gray)
        }
    }
}

/// JavaScript's `Math.round`: halves round up (towards +∞), unlike `f64::round`.
pub(crate) fn js_round(value: f64) -> f64 {
    let floor = value.floor();
    if value - floor >= 0.5 {
        floor + 1.0
    } else {
        floor
    }
}

/// JavaScript's `parseInt(text, radix)` for radix 10 or 16: leading whitespace and a sign are
/// allowed, digits are read up to the first non-digit, and `None` stands for `NaN`.
pub(crate) fn js_parse_int(text: &str, radix: u32) -> Option<i64> {
    let text = text.trim_start_matches(is_js_whitespace);
    let (negative, rest) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    let rest = if radix == 16 {
        rest.strip_prefix("0x")
            .or_else(|| rest.strip_prefix("0X"))
            .unwrap_or(rest)
    } else {
        rest
    };
    let mut value: i64 = 0;
    let mut digits = 0;
    for c in rest.chars() {
        let Some(digit) = c.to_digit(radix) else {
            break;
        };
        value = value
            .saturating_mul(i64::from(radix))
            .saturating_add(i64::from(digit));
        digits += 1;
    }
    (digits > 0).then_some(if negative { -value } else { value })
}

/// The characters JavaScript's `trim` and `parseInt` skip.
fn is_js_whitespace(c: char) -> bool {
    matches!(
        c,
        '\t' | '\n' | '\u{b}' | '\u{c}' | '\r' | ' ' | '\u{a0}' | '\u{1680}' | '\u{2000}'
            ..='\u{200a}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{202f}'
                | '\u{205f}'
                | '\u{3000}'
                | '\u{feff}'
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_parses_like_parse_int() {
        assert_eq!(Color::from_hex("#ff8000").unwrap(), Color::Rgb(255, 128, 0));
        assert_eq!(Color::from_hex("#1g2h3i").unwrap(), Color::Rgb(1, 2, 3));
        assert_eq!(Color::from_hex("#+f0a0b").unwrap(), Color::Rgb(15, 10, 11));
        assert_eq!(
            Color::from_hex("ab#cdef").unwrap(),
            Color::Rgb(0xab, 0xcd, 0xef)
        );
        for bad in [
            "#abc", "#zzzzzz", "#12345", "#1234567", "#-f0000", "#é12345",
        ] {
            assert_eq!(
                Color::from_hex(bad).unwrap_err().to_string(),
                format!("Invalid hex color: {bad}")
            );
        }
    }

    #[test]
    fn sequences_per_mode() {
        let orange = Color::Rgb(255, 128, 0);
        assert_eq!(
            orange.fg_sequence(ColorMode::TrueColor),
            "\x1b[38;2;255;128;0m"
        );
        assert_eq!(orange.bg_sequence(ColorMode::Ansi256), "\x1b[48;5;208m");
        assert_eq!(
            Color::Index(7).fg_sequence(ColorMode::TrueColor),
            "\x1b[38;5;7m"
        );
        assert_eq!(Color::Default.fg_sequence(ColorMode::Ansi256), "\x1b[39m");
        assert_eq!(Color::Default.bg_sequence(ColorMode::TrueColor), "\x1b[49m");
    }

    #[test]
    fn palette_round_trips_through_the_cube_and_ramp() {
        for index in 16..=255u8 {
            let (r, g, b) = ansi256_to_rgb(index);
            assert_eq!(rgb_to_ansi256(r, g, b), index, "index {index}");
        }
        assert_eq!(ansi256_to_rgb(9), (255, 0, 0));
    }

    #[test]
    fn javascript_rounding_and_parsing() {
        assert_eq!(js_round(2.5), 3.0);
        assert_eq!(js_round(-2.5), -2.0);
        assert_eq!(js_round(0.499_999_999_999_999_94), 0.0);
        assert_eq!(js_parse_int(" 15 ", 10), Some(15));
        assert_eq!(js_parse_int("12abc", 10), Some(12));
        assert_eq!(js_parse_int("-1", 10), Some(-1));
        assert_eq!(js_parse_int("default", 10), None);
        assert_eq!(js_parse_int("", 10), None);
        assert_eq!(js_parse_int("0x", 16), None);
        assert_eq!(js_parse_int("fz", 16), Some(15));
    }
}

#[cfg(test)]
mod properties {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        #[test]
        fn any_text_parses_or_fails_cleanly(text in "\\PC{0,10}") {
            let _ = Color::from_hex(&text);
            let _ = js_parse_int(&text, 10);
        }

        #[test]
        fn every_colour_maps_into_the_palette(r: u8, g: u8, b: u8) {
            let index = rgb_to_ansi256(r, g, b);
            prop_assert!(index >= 16);
        }
    }
}

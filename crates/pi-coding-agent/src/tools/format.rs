//! Number and string formatting with JavaScript's rules, so that texts the model reads
//! (sizes, ratios, offsets) come out exactly as pi writes them.

/// `Number.prototype.toFixed`: rounds half away from zero on the exact binary value, where
/// Rust's `{:.N}` rounds half to even (`1.25.toFixed(1)` is `1.3`, `format!("{:.1}", 1.25)` is
/// `1.2`).
pub fn to_fixed(value: f64, digits: usize) -> String {
    if !value.is_finite() {
        return js_number(value);
    }
    // Every finite double has an exact decimal expansion of at most 1074 fractional digits,
    // so this string holds the value exactly and the rounding below is decided on it.
    let exact = format!("{:.1074}", value.abs());
    let (int_part, frac_part) = exact.split_once('.').unwrap_or((&exact, ""));
    let mut digits_kept: Vec<u8> = int_part
        .bytes()
        .chain(frac_part.bytes().take(digits))
        .collect();
    let round_up = frac_part.as_bytes().get(digits).is_some_and(|d| *d >= b'5');
    if round_up {
        let mut i = digits_kept.len();
        loop {
            if i == 0 {
                digits_kept.insert(0, b'1');
                break;
            }
            i -= 1;
            if digits_kept[i] == b'9' {
                digits_kept[i] = b'0';
            } else {
                digits_kept[i] += 1;
                break;
            }
        }
    }
    let int_len = digits_kept.len() - digits;
    let mut out = String::with_capacity(digits_kept.len() + 2);
    let is_zero = digits_kept.iter().all(|d| *d == b'0');
    if value < 0.0 && !is_zero {
        out.push('-');
    }
    out.extend(digits_kept[..int_len].iter().map(|d| char::from(*d)));
    if digits > 0 {
        out.push('.');
        out.extend(digits_kept[int_len..].iter().map(|d| char::from(*d)));
    }
    out
}

/// A number as JavaScript prints it in a template string, for the values tools print
/// (integers print without a fraction; `2.5` stays `2.5`).
pub fn js_number(value: f64) -> String {
    if value.is_nan() {
        return "NaN".into();
    }
    if value.is_infinite() {
        return if value > 0.0 { "Infinity" } else { "-Infinity" }.into();
    }
    if value == value.trunc() && value.abs() < 1e21 {
        return format!("{value:.0}");
    }
    format!("{value}")
}

/// A number as `JSON.stringify` writes it: integral values without a fraction.
pub fn js_json_number(value: f64) -> serde_json::Value {
    if value == value.trunc() && value.abs() < 9_007_199_254_740_992.0 {
        serde_json::Value::from(value as i64)
    } else {
        serde_json::Value::from(value)
    }
}

/// Length in UTF-16 code units, JavaScript's `string.length`.
pub fn utf16_len(text: &str) -> usize {
    text.chars().map(char::len_utf16).sum()
}

/// The longest prefix of `text` of at most `units` UTF-16 code units. JavaScript's `slice`
/// could cut a surrogate pair in half; this keeps the whole character out instead.
pub fn utf16_prefix(text: &str, units: usize) -> &str {
    let mut used = 0;
    for (index, ch) in text.char_indices() {
        used += ch.len_utf16();
        if used > units {
            return &text[..index];
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn to_fixed_rounds_ties_up_like_javascript() {
        assert_eq!(to_fixed(1.25, 1), "1.3");
        assert_eq!(to_fixed(1.125, 2), "1.13");
        assert_eq!(to_fixed(50.0, 1), "50.0");
        assert_eq!(to_fixed(0.05, 1), "0.1");
        assert_eq!(to_fixed(9.96, 1), "10.0");
        assert_eq!(to_fixed(2.0, 2), "2.00");
        assert_eq!(to_fixed(1.005, 2), "1.00");
        assert_eq!(to_fixed(-1.25, 1), "-1.3");
        assert_eq!(to_fixed(0.0, 0), "0");
    }

    #[test]
    fn js_numbers() {
        assert_eq!(js_number(100.0), "100");
        assert_eq!(js_number(2.5), "2.5");
        assert_eq!(js_number(-3.0), "-3");
    }

    #[test]
    fn utf16_helpers() {
        assert_eq!(utf16_len("a😀"), 3);
        assert_eq!(utf16_prefix("a😀b", 2), "a");
        assert_eq!(utf16_prefix("a😀b", 3), "a😀");
        assert_eq!(utf16_prefix("abc", 10), "abc");
    }
}

//! Numbers written the way JavaScript writes them.
//!
//! pi's files and wire records come from `JSON.stringify`, which writes `0` and `3` for
//! whole-valued doubles where serde would write `0.0` and `3.0`, and `0.000005` where serde
//! would write `5e-6`. Costs and rates are `f64` here, so they go through `serialize` to stay
//! byte-compatible with the reference; [`to_string`] writes any value that way.

use std::io;

use serde::{Serialize, Serializer};

/// Largest integer a double represents exactly (2^53 - 1).
const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

/// Serializes a double as an integer when it has no fractional part, as JavaScript does.
pub(crate) fn serialize<S: Serializer>(value: &f64, serializer: S) -> Result<S::Ok, S::Error> {
    let value = *value;
    if value.is_finite() && value.fract() == 0.0 && value.abs() <= MAX_SAFE_INTEGER {
        // Exact: the value is an integer within the safe range checked just above.
        serializer.serialize_i64(value as i64)
    } else {
        serializer.serialize_f64(value)
    }
}

/// A double as a JSON value, integral when whole (as `JSON.stringify` would write it).
pub(crate) fn to_value(value: f64) -> serde_json::Value {
    if value.is_finite() && value.fract() == 0.0 && value.abs() <= MAX_SAFE_INTEGER {
        serde_json::Value::from(value as i64)
    } else {
        serde_json::Value::from(value)
    }
}

/// `value` as JSON text, numbers formatted as `JSON.stringify` formats them.
pub fn to_string<T: Serialize + ?Sized>(value: &T) -> serde_json::Result<String> {
    let mut out = Vec::with_capacity(128);
    value.serialize(&mut serde_json::Serializer::with_formatter(
        &mut out,
        JsFormatter,
    ))?;
    // serde_json writes only UTF-8.
    Ok(String::from_utf8(out).unwrap_or_default())
}

/// A double as JavaScript's `String(number)` writes it (`NaN` and infinities, which JSON
/// cannot hold, as `null`, as `JSON.stringify` writes them).
pub fn format(value: f64) -> String {
    if !value.is_finite() {
        return "null".into();
    }
    if value == 0.0 {
        return "0".into();
    }
    // The shortest round-trip digits, as JavaScript chooses them too; only the layout differs.
    let mut buffer = ryu::Buffer::new();
    let shortest = buffer.format_finite(value.abs());
    let (mantissa, exponent) = match shortest.split_once('e') {
        Some((mantissa, exponent)) => (mantissa, exponent.parse::<i32>().unwrap_or(0)),
        None => (shortest, 0),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    // value = 0.DIGITS x 10^point
    let mut digits: String = format!("{int}{frac}");
    let mut point = int.len() as i32 + exponent;
    let leading = digits.len() - digits.trim_start_matches('0').len();
    digits.drain(..leading);
    point -= leading as i32;
    digits.truncate(digits.trim_end_matches('0').len());
    let k = digits.len() as i32;
    let sign = if value < 0.0 { "-" } else { "" };
    let text = if k <= point && point <= 21 {
        format!("{digits}{}", "0".repeat((point - k) as usize))
    } else if 0 < point && point <= 21 {
        format!(
            "{}.{}",
            &digits[..point as usize],
            &digits[point as usize..]
        )
    } else if -6 < point && point <= 0 {
        format!("0.{}{digits}", "0".repeat((-point) as usize))
    } else {
        let exponent = point - 1;
        let sign = if exponent < 0 { '-' } else { '+' };
        match digits.split_at(1) {
            (first, "") => format!("{first}e{sign}{}", exponent.abs()),
            (first, rest) => format!("{first}.{rest}e{sign}{}", exponent.abs()),
        }
    };
    format!("{sign}{text}")
}

/// serde_json's compact output with JavaScript's number layout.
struct JsFormatter;

impl serde_json::ser::Formatter for JsFormatter {
    fn write_f64<W: ?Sized + io::Write>(&mut self, writer: &mut W, value: f64) -> io::Result<()> {
        writer.write_all(format(value).as_bytes())
    }

    fn write_f32<W: ?Sized + io::Write>(&mut self, writer: &mut W, value: f32) -> io::Result<()> {
        writer.write_all(format(f64::from(value)).as_bytes())
    }
}

#[cfg(test)]
mod tests {
    #[derive(serde::Serialize)]
    struct Wrapper(#[serde(serialize_with = "super::serialize")] f64);

    fn json(value: f64) -> String {
        serde_json::to_string(&Wrapper(value)).unwrap()
    }

    #[test]
    fn whole_numbers_have_no_decimal_point() {
        assert_eq!(json(0.0), "0");
        assert_eq!(json(3.0), "3");
        assert_eq!(json(-15.0), "-15");
        assert_eq!(json(0.000363), "0.000363");
        assert_eq!(json(0.00037799999999999997), "0.00037799999999999997");
        assert_eq!(json(1e300), "1e+300");
    }

    #[test]
    fn doubles_are_laid_out_as_javascript_lays_them_out() {
        // Expected texts from node: String(x).
        let cases = [
            (5e-6, "0.000005"),
            (1e-6, "0.000001"),
            (1e-7, "1e-7"),
            (1.5e-7, "1.5e-7"),
            (0.00285, "0.00285"),
            (0.21023125, "0.21023125"),
            (123.0, "123"),
            (123.456, "123.456"),
            (1e21, "1e+21"),
            (1e20, "100000000000000000000"),
            (1.2345e21, "1.2345e+21"),
            (-0.5, "-0.5"),
            (-0.0, "0"),
            (0.1 + 0.2, "0.30000000000000004"),
            (f64::NAN, "null"),
        ];
        for (value, text) in cases {
            assert_eq!(super::format(value), text, "{value:e}");
        }
        let value = serde_json::json!({"a": 5e-6, "b": [1.0, 2.5], "c": 7});
        assert_eq!(
            super::to_string(&value).unwrap(),
            r#"{"a":0.000005,"b":[1,2.5],"c":7}"#
        );
    }
}

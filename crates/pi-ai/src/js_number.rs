//! Numbers written the way JavaScript writes them.
//!
//! pi's files and wire records come from `JSON.stringify`, which writes `0` and `3` for
//! whole-valued doubles where serde would write `0.0` and `3.0`. Costs and rates are `f64`
//! here, so they go through [`serialize`] to stay byte-compatible with the reference.

use serde::Serializer;

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
}

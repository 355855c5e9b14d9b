//! ISO 8601 timestamps as JavaScript's `Date` writes and reads them.

use std::time::{SystemTime, UNIX_EPOCH};

/// Now, as `toISOString()` writes it: `2026-11-21T09:32:16.074Z`.
pub fn now_iso() -> String {
    let ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| {
            i64::try_from(elapsed.as_millis()).unwrap_or(i64::MAX)
        });
    format_iso(ms)
}

/// Unix milliseconds as `toISOString()` writes them.
pub fn format_iso(ms: i64) -> String {
    let days = ms.div_euclid(86_400_000);
    let of_day = ms.rem_euclid(86_400_000);
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
        of_day / 3_600_000,
        of_day / 60_000 % 60,
        of_day / 1000 % 60,
        of_day % 1000
    )
}

/// Unix milliseconds of an ISO timestamp (`2026-11-21`, `2026-11-21T09:32:16.074Z`,
/// `...+02:00`), or `None` where `Date` would give `NaN`. Times without a zone are taken as
/// UTC.
pub fn parse_iso_ms(text: &str) -> Option<i64> {
    let bytes = text.as_bytes();
    let number = |range: std::ops::Range<usize>| -> Option<i64> {
        let digits = bytes.get(range)?;
        digits.iter().try_fold(0i64, |acc, b| {
            b.is_ascii_digit().then(|| acc * 10 + i64::from(b - b'0'))
        })
    };
    if bytes.get(4) != Some(&b'-') || bytes.get(7) != Some(&b'-') {
        return None;
    }
    let (year, month, day) = (number(0..4)?, number(5..7)?, number(8..10)?);
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    let mut ms = days_from_civil(year, month, day) * 86_400_000;
    let mut rest = bytes.get(10..)?;
    if rest.is_empty() {
        return Some(ms);
    }
    if rest.first() != Some(&b'T') || rest.get(3) != Some(&b':') {
        return None;
    }
    let part = |rest: &[u8], range: std::ops::Range<usize>| -> Option<i64> {
        rest.get(range)?.iter().try_fold(0i64, |acc, b| {
            b.is_ascii_digit().then(|| acc * 10 + i64::from(b - b'0'))
        })
    };
    let (hour, minute) = (part(rest, 1..3)?, part(rest, 4..6)?);
    if hour > 24 || minute > 59 {
        return None;
    }
    ms += hour * 3_600_000 + minute * 60_000;
    rest = &rest[6..];
    if rest.first() == Some(&b':') {
        let second = part(rest, 1..3)?;
        if second > 59 {
            return None;
        }
        ms += second * 1000;
        rest = &rest[3..];
        if rest.first() == Some(&b'.') {
            let digits = rest[1..].iter().take_while(|b| b.is_ascii_digit()).count();
            if digits == 0 {
                return None;
            }
            // Milliseconds: the first three digits, the rest truncated as `Date` does.
            let fraction = part(rest, 1..1 + digits.min(3))?;
            ms += fraction * 10i64.pow(3 - digits.min(3) as u32);
            rest = &rest[1 + digits..];
        }
    }
    match rest {
        [] | [b'Z'] => Some(ms),
        [sign @ (b'+' | b'-'), _, _, b':', _, _] => {
            let offset = part(rest, 1..3)? * 3_600_000 + part(rest, 4..6)? * 60_000;
            Some(if *sign == b'+' {
                ms - offset
            } else {
                ms + offset
            })
        }
        _ => None,
    }
}

// Days since 1970-01-01 to (year, month, day) and back, for the proleptic Gregorian calendar.
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let yoe = year.rem_euclid(400);
    let mp = if month > 2 { month - 3 } else { month + 9 };
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_and_parses_like_javascript() {
        // Values from node: new Date(ms).toISOString().
        assert_eq!(format_iso(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(format_iso(1_795_253_536_074), "2026-11-21T09:32:16.074Z");
        assert_eq!(format_iso(951_782_400_000), "2000-02-29T00:00:00.000Z");
        assert_eq!(format_iso(-1), "1969-12-31T23:59:59.999Z");
        for ms in [0, 1_795_253_536_074, 951_782_400_000, -1, 4_102_444_799_999] {
            assert_eq!(parse_iso_ms(&format_iso(ms)), Some(ms));
        }
        assert_eq!(parse_iso_ms("2026-11-21"), Some(1_795_219_200_000));
        assert_eq!(
            parse_iso_ms("2026-11-21T11:32:16.074+02:00"),
            Some(1_795_253_536_074)
        );
        assert_eq!(
            parse_iso_ms("2026-11-21T09:32:16Z"),
            Some(1_795_253_536_000)
        );
        assert_eq!(parse_iso_ms("2026-11-21T09:32Z"), Some(1_795_253_520_000));
        for bad in [
            "",
            "yesterday",
            "2026-13-01",
            "2026-11-21T",
            "2026-11-21T09:32:16.Z",
        ] {
            assert_eq!(parse_iso_ms(bad), None, "{bad}");
        }
    }
}

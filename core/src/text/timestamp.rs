//! RFC 3339 timestamps as people write them (`2025-11-25T01:30:00.25+01:30`,
//! `1970-01-01 00:00:00z`): the npm package's `createdAt`. Signatures keep
//! the one spelling `util::rfc3339_utc` writes; this reads the others to
//! the same seconds, through the strict reader.

use crate::util::parse_rfc3339_utc;

/// Why a text is not a timestamp, in the order it is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimestampError {
    /// Not `date[Tt ]time[.fraction](Z|z|±hh:mm)`.
    NotRfc3339,
    /// The year written is before 1970.
    Before1970,
    /// Shaped right, but no real date, time or offset (`2025-02-30`, `24:00`).
    Invalid,
}

impl std::fmt::Display for TimestampError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            TimestampError::NotRfc3339 => "not an RFC 3339 timestamp such as 2025-11-25T00:00:00Z",
            TimestampError::Before1970 => "before 1970",
            TimestampError::Invalid => "not a valid date and time",
        })
    }
}

/// Seconds since the epoch (fractions dropped; a leap second `:60` is the
/// next minute's first). The year is judged as written, so an offset can
/// put a 1970 timestamp before the epoch: the result is then negative.
pub fn parse(s: &str) -> Result<i64, TimestampError> {
    let (date_time, zone) = split(s).ok_or(TimestampError::NotRfc3339)?;
    if &date_time[..4] < "1970" {
        return Err(TimestampError::Before1970);
    }
    let offset = offset_minutes(zone).ok_or(TimestampError::Invalid)?;
    // The strict reader knows no leap second: read :59, add one.
    let leap = &date_time[17..] == "60";
    let strict = format!(
        "{}T{}{}Z",
        &date_time[..10],
        &date_time[11..17],
        if leap { "59" } else { &date_time[17..] }
    );
    let utc = parse_rfc3339_utc(&strict).ok_or(TimestampError::Invalid)?;
    Ok(utc as i64 + i64::from(leap) - offset * 60)
}

/// `s` as its date and time (`YYYY-MM-DD?hh:mm:ss`, fraction dropped) and
/// its zone (`Z`, `z` or `±hh:mm`), if it has that shape.
fn split(s: &str) -> Option<(&str, &str)> {
    let b = s.as_bytes();
    let fits = |part: &[u8], shape: &[u8]| {
        part.len() == shape.len()
            && part.iter().zip(shape).all(|(&c, &want)| match want {
                b'd' => c.is_ascii_digit(),
                b'T' => matches!(c, b'T' | b't' | b' '),
                b's' => matches!(c, b'+' | b'-'),
                _ => c == want,
            })
    };
    if b.len() < 19 || !fits(&b[..19], b"dddd-dd-ddTdd:dd:dd") {
        return None;
    }
    let mut zone = 19;
    if b.get(zone) == Some(&b'.') {
        let digits = b[zone + 1..]
            .iter()
            .take_while(|c| c.is_ascii_digit())
            .count();
        if digits == 0 {
            return None;
        }
        zone += 1 + digits;
    }
    let z = &b[zone..];
    (z == b"Z" || z == b"z" || fits(z, b"sdd:dd")).then(|| (&s[..19], &s[zone..]))
}

/// Minutes east of UTC of a zone `split` gave, if hours and minutes are real.
fn offset_minutes(zone: &str) -> Option<i64> {
    let sign = match zone.as_bytes()[0] {
        b'+' => 1,
        b'-' => -1,
        _ => return Some(0),
    };
    let (h, m): (i64, i64) = (zone[1..3].parse().ok()?, zone[4..6].parse().ok()?);
    (h <= 23 && m <= 59).then_some(sign * (h * 60 + m))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_fractions_and_spellings_read_to_the_same_second() {
        for s in [
            "2025-11-25T00:00:00Z",
            "2025-11-25T01:30:00.25+01:30",
            "2025-11-24 23:00:00-01:00",
            "2025-11-24t23:59:60z",
        ] {
            assert_eq!(parse(s), Ok(1_764_028_800), "{s}");
        }
        assert_eq!(parse("1970-01-01 00:00:00z"), Ok(0));
        assert_eq!(parse("1970-01-01T00:00:00+01:00"), Ok(-3600));
    }

    #[test]
    fn shape_comes_first_then_the_year_then_real_values() {
        use TimestampError::*;
        for (s, want) in [
            ("2025-11-25", NotRfc3339),
            ("yesterday", NotRfc3339),
            ("2025-11-25T00:00:00", NotRfc3339),
            ("2025-11-25T00:00:00.Z", NotRfc3339),
            ("2025-11-25T00:00:00+0100", NotRfc3339),
            ("2025-11-25T00:00:00Z ", NotRfc3339),
            ("1969-13-01T00:00:00Z", Before1970),
            ("1969-12-31T23:59:59Z", Before1970),
            ("2025-02-30T00:00:00Z", Invalid),
            ("2025-11-25T24:00:00Z", Invalid),
            ("2025-11-25T00:00:61Z", Invalid),
            ("2025-11-25T00:00:00+24:00", Invalid),
            ("2025-11-25T00:00:00-00:60", Invalid),
        ] {
            assert_eq!(parse(s), Err(want), "{s}");
        }
    }
}

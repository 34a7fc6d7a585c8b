//! Small shared helpers.

/// Hex for hashes and keys, without a dependency.
pub mod hex {
    /// Lowercase hex.
    pub fn encode(bytes: &[u8]) -> String {
        const DIGITS: &[u8; 16] = b"0123456789abcdef";
        let mut s = String::with_capacity(bytes.len() * 2);
        for b in bytes {
            s.push(DIGITS[(b >> 4) as usize] as char);
            s.push(DIGITS[(b & 15) as usize] as char);
        }
        s
    }

    /// Decodes lowercase or uppercase hex of exactly `N` bytes.
    pub fn decode<const N: usize>(s: &str) -> Option<[u8; N]> {
        let b = s.as_bytes();
        if b.len() != N * 2 {
            return None;
        }
        let mut out = [0u8; N];
        for (i, pair) in b.chunks(2).enumerate() {
            let hi = (pair[0] as char).to_digit(16)?;
            let lo = (pair[1] as char).to_digit(16)?;
            out[i] = (hi * 16 + lo) as u8;
        }
        Some(out)
    }

    /// Decodes the hex of a SHA-256 or a key: exactly 32 bytes.
    pub fn decode32(s: &str) -> Option<[u8; 32]> {
        decode::<32>(s)
    }
}

/// RFC 3339 UTC timestamp (`2026-11-25T00:00:00Z`) for seconds since the epoch.
pub fn rfc3339_utc(epoch_seconds: u64) -> String {
    let days = (epoch_seconds / 86_400) as i64;
    let rem = epoch_seconds % 86_400;
    // Howard Hinnant's days-to-civil algorithm.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem / 60 % 60,
        rem % 60
    )
}

/// The seconds since the epoch of a timestamp in exactly the form
/// `rfc3339_utc` writes (`2026-11-25T00:00:00Z`, a real date, 1970 or later),
/// else None: `+01:00`, fractions, lower-case `t`/`z` and `2026-02-30` are
/// all refused, so a signed `created_at` has one spelling.
pub fn parse_rfc3339_utc(s: &str) -> Option<u64> {
    let b = s.as_bytes();
    let shape = b"dddd-dd-ddTdd:dd:ddZ";
    if b.len() != shape.len()
        || !b.iter().zip(shape).all(|(&c, &want)| match want {
            b'd' => c.is_ascii_digit(),
            _ => c == want,
        })
    {
        return None;
    }
    let num = |r: std::ops::Range<usize>| s[r].parse::<i64>().ok();
    let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (hh, mm, ss) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) || hh > 23 || mm > 59 || ss > 59 {
        return None;
    }
    // Howard Hinnant's days-from-civil algorithm.
    let y2 = if m <= 2 { y - 1 } else { y };
    let era = y2.div_euclid(400);
    let yoe = y2 - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    let secs = u64::try_from(days * 86_400 + hh * 3600 + mm * 60 + ss).ok()?;
    // 2026-02-30 would land on March 2nd: only a real date writes back.
    (rfc3339_utc(secs) == s).then_some(secs)
}

/// Lower-case hexadecimal digits only: the one spelling `integrity` allows.
pub fn is_lower_hex(s: &str) -> bool {
    s.bytes()
        .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// SHA-256 of everything `r` yields, read in 64 KiB pieces (larger reads
/// cost more kernel time on the machines we measured); `progress` hears the
/// size of each piece.
pub fn sha256_reader(
    r: &mut dyn std::io::Read,
    progress: &mut dyn FnMut(u64),
) -> std::io::Result<[u8; 32]> {
    use sha2::Digest;
    let mut h = sha2::Sha256::new();
    let mut buf = vec![0u8; 64 << 10];
    loop {
        let n = r.read(&mut buf)?;
        if n == 0 {
            return Ok(h.finalize().into());
        }
        h.update(&buf[..n]);
        progress(n as u64);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_round_trip() {
        assert_eq!(hex::encode(&[0, 0xab, 0xff]), "00abff");
        assert_eq!(hex::decode::<3>("00ABff"), Some([0, 0xab, 0xff]));
        assert_eq!(hex::decode::<3>("00abf"), None);
        assert_eq!(hex::decode::<1>("zz"), None);
    }

    #[test]
    fn rfc3339_known_dates() {
        assert_eq!(rfc3339_utc(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339_utc(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339_utc(1_764_028_800), "2025-11-25T00:00:00Z");
    }

    #[test]
    fn created_at_has_one_spelling() {
        for t in [0, 951_782_400, 1_764_028_800, 4_102_444_799] {
            assert_eq!(parse_rfc3339_utc(&rfc3339_utc(t)), Some(t));
        }
        for bad in [
            "yesterday",
            "2025-11-25T00:00:00+01:00",
            "2025-11-25T00:00:00+00:00",
            "2025-11-25T00:00:00.5Z",
            "2025-11-25t00:00:00z",
            "2025-02-30T00:00:00Z",
            "2025-13-01T00:00:00Z",
            "2025-11-25T24:00:00Z",
            "2025-11-25T00:00:60Z",
            "1969-12-31T23:59:59Z",
            "2025-11-25 00:00:00Z",
            "+025-11-25T00:00:00Z",
        ] {
            assert_eq!(parse_rfc3339_utc(bad), None, "{bad}");
        }
    }
}

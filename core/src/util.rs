//! Small shared helpers.

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
}

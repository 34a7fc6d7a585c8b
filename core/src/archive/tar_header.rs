//! ustar headers, built and parsed by hand (the tar crate's metadata helpers
//! do not exist on wasm32, and we want to see every byte of hostile input).

use super::ArchiveError;
use crate::Code;

pub const BLOCK: usize = 512;

/// A regular-file ustar header: mode 0644, uid/gid 0, no owner names.
pub fn regular_file(path: &str, size: u64, mtime: u64) -> [u8; BLOCK] {
    let mut h = [0u8; BLOCK];
    h[..path.len()].copy_from_slice(path.as_bytes());
    octal(&mut h[100..108], 0o644);
    octal(&mut h[108..116], 0);
    octal(&mut h[116..124], 0);
    if size < 0o777_7777_7777 {
        octal(&mut h[124..136], size);
    } else {
        // GNU base-256 for entries of 8 GiB and more.
        h[124] = 0x80;
        h[128..136].copy_from_slice(&size.to_be_bytes());
    }
    octal(&mut h[136..148], mtime);
    h[156] = b'0';
    h[257..263].copy_from_slice(b"ustar\0");
    h[263..265].copy_from_slice(b"00");
    octal(&mut h[329..337], 0);
    octal(&mut h[337..345], 0);
    h[148..156].fill(b' ');
    let sum: u32 = h.iter().map(|&b| u32::from(b)).sum();
    octal(&mut h[148..155], u64::from(sum));
    h[155] = b' ';
    h
}

/// Zero-padded octal with a trailing NUL, filling `field`.
fn octal(field: &mut [u8], value: u64) {
    let digits = field.len() - 1;
    let s = format!("{value:0digits$o}");
    field[..digits].copy_from_slice(s.as_bytes());
    field[digits] = 0;
}

/// The parts of a header a strict reader needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    pub path: String,
    pub size: u64,
    pub typeflag: u8,
}

fn parse_octal(field: &[u8], what: &str) -> Result<u64, ArchiveError> {
    if field.first().is_some_and(|b| b & 0x80 != 0) {
        // GNU base-256: 0x80, then a big-endian number; 0xff (negative) and
        // values beyond u64 are refused.
        let digits = &field[1..];
        let (high, low) = digits.split_at(digits.len().saturating_sub(8));
        if field[0] != 0x80 || high.iter().any(|&b| b != 0) {
            return Err(ArchiveError::new(
                Code::TarHeader,
                format!("{what} uses an out-of-range base-256 value"),
            ));
        }
        return Ok(low.iter().fold(0u64, |v, &b| (v << 8) | u64::from(b)));
    }
    // Octal: leading spaces, digits 0-7, then only NULs and spaces to the
    // end of the field (FORMAT.md §5). Nothing may hide after a terminator.
    let bad = || ArchiveError::new(Code::TarHeader, format!("{what} is not an octal number"));
    let start = field.iter().position(|&b| b != b' ').unwrap_or(field.len());
    let digits = field[start..]
        .iter()
        .position(|&b| !(b'0'..=b'7').contains(&b))
        .map_or(field.len(), |n| start + n);
    if field[digits..].iter().any(|&b| b != 0 && b != b' ') {
        return Err(bad());
    }
    field[start..digits]
        .iter()
        .try_fold(0u64, |v, &b| {
            v.checked_mul(8)?.checked_add(u64::from(b - b'0'))
        })
        .ok_or_else(bad)
}

/// Parses one non-zero header block. Checks the checksum and the magic;
/// the caller judges the type and the path.
pub fn parse(h: &[u8; BLOCK]) -> Result<Header, ArchiveError> {
    check_checksum(h)?;
    check_format(h)?;
    let name_len = h[..100].iter().position(|&b| b == 0).unwrap_or(100);
    let path = std::str::from_utf8(&h[..name_len])
        .map_err(|_| ArchiveError::new(Code::PathEncoding, "an entry name is not UTF-8"))?
        .to_string();
    let size = parse_octal(&h[124..136], "an entry size")?;
    check_unused_numbers(h)?;
    Ok(Header {
        path,
        size,
        typeflag: h[156],
    })
}

/// The stored checksum must be the sum of the header's bytes (with the
/// checksum field as spaces), taken unsigned or, as old tars did, signed.
fn check_checksum(h: &[u8; BLOCK]) -> Result<(), ArchiveError> {
    let not_octal = || {
        ArchiveError::new(
            Code::TarChecksum,
            "the header checksum is not an octal number",
        )
    };
    if h[148] & 0x80 != 0 {
        return Err(not_octal());
    }
    let stored = parse_octal(&h[148..156], "the header checksum").map_err(|_| not_octal())?;
    let unsigned: u64 = h
        .iter()
        .enumerate()
        .map(|(i, &b)| {
            if (148..156).contains(&i) {
                32
            } else {
                u64::from(b)
            }
        })
        .sum();
    let signed: i64 = h
        .iter()
        .enumerate()
        .map(|(i, &b)| {
            if (148..156).contains(&i) {
                32
            } else {
                i64::from(b as i8)
            }
        })
        .sum();
    if stored != unsigned && stored as i64 != signed {
        return Err(ArchiveError::new(
            Code::TarChecksum,
            "a tar header checksum does not match; the archive is corrupt or forged",
        ));
    }
    Ok(())
}

/// ustar or GNU magic, and nothing in the ustar prefix area.
fn check_format(h: &[u8; BLOCK]) -> Result<(), ArchiveError> {
    let magic = &h[257..265];
    let ustar = magic == b"ustar\x0000";
    let gnu = magic == b"ustar  \0";
    if !ustar && !gnu {
        return Err(ArchiveError::new(
            Code::TarFormat,
            "a tar header is neither ustar nor GNU format",
        ));
    }
    // The ustar prefix must be empty: readers disagree on it, and Python's
    // tarfile joins it to the name. GNU headers keep atime and ctime there
    // (upstream's packages set them), so those may hold numbers, nothing else.
    let numeric = |f: &[u8]| {
        f.iter()
            .all(|&b| b == 0 || b == b' ' || (b'0'..=b'7').contains(&b))
    };
    let extra_start = if gnu { 369 } else { 345 };
    if (gnu && !(numeric(&h[345..357]) && numeric(&h[357..369])))
        || h[extra_start..500].iter().any(|&b| b != 0)
    {
        return Err(ArchiveError::new(
            Code::PathTooLong,
            "an entry uses the ustar prefix area; names are limited to the 100-byte name field",
        ));
    }
    Ok(())
}

/// Mode, ids and mtime are not used, but a reader that parses them must
/// not disagree with us. Base-256 is for sizes, ids and times, never for
/// the mode.
fn check_unused_numbers(h: &[u8; BLOCK]) -> Result<(), ArchiveError> {
    if h[100] & 0x80 != 0 {
        return Err(ArchiveError::new(
            Code::TarHeader,
            "an entry mode is not an octal number",
        ));
    }
    parse_octal(&h[100..108], "an entry mode")?;
    parse_octal(&h[108..116], "an entry uid")?;
    parse_octal(&h[116..124], "an entry gid")?;
    parse_octal(&h[136..148], "an entry mtime")?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_headers_parse_back() {
        let h = regular_file("weights/a.bin", 12345, 315_532_800);
        assert_eq!(
            parse(&h).unwrap(),
            Header {
                path: "weights/a.bin".into(),
                size: 12345,
                typeflag: b'0'
            }
        );
        let big = regular_file("big", 10 << 30, 0);
        assert_eq!(parse(&big).unwrap().size, 10 << 30);
    }

    #[test]
    fn base256_fields_never_panic_and_refuse_negative_or_huge_values() {
        assert_eq!(parse_octal(&[0x80, 0, 0, 0, 0, 0, 0, 5], "x").unwrap(), 5);
        assert!(parse_octal(&[0xff; 8], "x").is_err());
        assert!(parse_octal(&[0x80, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], "x").is_err());
        assert_eq!(parse_octal(&[0x80], "x").unwrap(), 0);
        let mut h = regular_file("a", 1, 0);
        h[148] = 0x80;
        assert_eq!(parse(&h).unwrap_err().code, Code::TarChecksum);
    }

    fn with_checksum(mut h: [u8; BLOCK]) -> [u8; BLOCK] {
        h[148..156].fill(b' ');
        let sum: u32 = h.iter().map(|&b| u32::from(b)).sum();
        h[148..155].copy_from_slice(format!("{sum:06o}\0").as_bytes());
        h
    }

    #[test]
    fn gnu_times_are_accepted_but_prefix_text_is_not() {
        let mut gnu = regular_file("README.md", 1, 0);
        gnu[257..265].copy_from_slice(b"ustar  \0");
        gnu[345..357].copy_from_slice(b"15070234127\0");
        assert_eq!(
            parse(&with_checksum(gnu)).unwrap().path,
            "README.md",
            "upstream's GNU headers carry atime"
        );
        gnu[345..357].copy_from_slice(b"../../../tmp");
        assert_eq!(
            parse(&with_checksum(gnu)).unwrap_err().code,
            Code::PathTooLong
        );
        let mut ustar = regular_file("README.md", 1, 0);
        ustar[345..348].copy_from_slice(b"etc");
        assert_eq!(
            parse(&with_checksum(ustar)).unwrap_err().code,
            Code::PathTooLong
        );
    }

    #[test]
    fn a_flipped_byte_breaks_the_checksum() {
        let mut h = regular_file("a", 1, 0);
        h[0] = b'b';
        assert_eq!(parse(&h).unwrap_err().code, Code::TarChecksum);
    }
}

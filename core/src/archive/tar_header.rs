//! ustar headers, built and parsed by hand (the tar crate's metadata helpers
//! do not exist on wasm32, and we want to see every byte of hostile input).

use super::ArchiveError;

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
        if field[0] != 0x80 || field[1..field.len() - 8].iter().any(|&b| b != 0) {
            return Err(ArchiveError::new(
                "E_TAR_HEADER",
                format!("{what} uses an out-of-range base-256 value"),
            ));
        }
        let mut v = [0u8; 8];
        v.copy_from_slice(&field[field.len() - 8..]);
        return Ok(u64::from_be_bytes(v));
    }
    let text: Vec<u8> = field.iter().copied().take_while(|&b| b != 0).collect();
    let trimmed = std::str::from_utf8(&text).unwrap_or("!").trim_matches(' ');
    if trimmed.is_empty() {
        return Ok(0);
    }
    u64::from_str_radix(trimmed, 8)
        .map_err(|_| ArchiveError::new("E_TAR_HEADER", format!("{what} is not an octal number")))
}

/// Parses one non-zero header block. Checks the checksum and the magic;
/// the caller judges the type and the path.
pub fn parse(h: &[u8; BLOCK]) -> Result<Header, ArchiveError> {
    let stored = parse_octal(&h[148..156], "the header checksum")?;
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
            "E_TAR_CHECKSUM",
            "a tar header checksum does not match; the archive is corrupt or forged",
        ));
    }
    let magic = &h[257..265];
    let ustar = magic == b"ustar\x0000";
    let gnu = magic == b"ustar  \0";
    if !ustar && !gnu {
        return Err(ArchiveError::new(
            "E_TAR_FORMAT",
            "a tar header is neither ustar nor GNU format",
        ));
    }
    if ustar && h[345] != 0 {
        return Err(ArchiveError::new(
            "E_PATH_TOO_LONG",
            "an entry uses the ustar prefix field; names are limited to 100 bytes",
        ));
    }
    let name_len = h[..100].iter().position(|&b| b == 0).unwrap_or(100);
    let path = std::str::from_utf8(&h[..name_len])
        .map_err(|_| ArchiveError::new("E_PATH_ENCODING", "an entry name is not UTF-8"))?
        .to_string();
    Ok(Header {
        path,
        size: parse_octal(&h[124..136], "an entry size")?,
        typeflag: h[156],
    })
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
    fn a_flipped_byte_breaks_the_checksum() {
        let mut h = regular_file("a", 1, 0);
        h[0] = b'b';
        assert_eq!(parse(&h).unwrap_err().code, "E_TAR_CHECKSUM");
    }
}

//! The `.sha256` sidecar written next to a package: one line in
//! `sha256sum` format, so `sha256sum -c` checks the download; and the
//! digest a published sidecar names, which `install https://…` checks.

use crate::util::is_lower_hex;

/// Why no sidecar line can be written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SidecarError {
    /// Empty, or with a directory, a backslash or a line break: the line
    /// would name another file, or `sha256sum` would read it escaped or
    /// as two lines.
    FileName,
    /// Not 64 lowercase hex digits.
    Digest,
}

impl std::fmt::Display for SidecarError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            SidecarError::FileName => {
                "the file name must be a name alone, without a directory, backslash or line break"
            }
            SidecarError::Digest => "the SHA-256 must be 64 lowercase hex digits",
        })
    }
}

/// The sidecar's text for `file_name` (in the same folder) with SHA-256
/// `sha256`: `<sha256>  <file_name>\n`, as `sha256sum` writes it.
pub fn line(file_name: &str, sha256: &str) -> Result<String, SidecarError> {
    if file_name.is_empty() || file_name.contains(['/', '\\', '\r', '\n']) {
        return Err(SidecarError::FileName);
    }
    if sha256.len() != 64 || !is_lower_hex(sha256) {
        return Err(SidecarError::Digest);
    }
    Ok(format!("{sha256}  {file_name}\n"))
}

/// The digest a sidecar names: the first word of its text when that is 64
/// hex digits (either case, as servers publish them), lowercased. The rest
/// of the line (the file name) is not checked: the download's own URL
/// names the file.
pub fn digest(text: &str) -> Option<String> {
    let first = text.split_whitespace().next()?;
    (first.len() == 64 && first.bytes().all(|c| c.is_ascii_hexdigit()))
        .then(|| first.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sidecar_is_one_sha256sum_line() {
        let sha = "ab".repeat(32);
        assert_eq!(
            line("e.expert", &sha).unwrap(),
            format!("{sha}  e.expert\n")
        );
        assert_eq!(digest(&line("e.expert", &sha).unwrap()), Some(sha.clone()));
        for name in ["", "a/b.expert", "a\\b.expert", "a\n.expert", "a\r.expert"] {
            assert_eq!(line(name, &sha), Err(SidecarError::FileName), "{name:?}");
        }
        assert_eq!(
            digest(&format!("{}  e.expert\n", "AB".repeat(32))),
            Some("ab".repeat(32))
        );
        assert_eq!(digest("nope"), None);
        for digest in ["AB".repeat(32), "a".repeat(63), "g".repeat(64)] {
            assert_eq!(line("e.expert", &digest), Err(SidecarError::Digest));
        }
    }
}

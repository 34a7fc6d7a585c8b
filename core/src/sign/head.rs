//! A package's head: its entry list and the two small files that `inspect`,
//! `validate`, `sign` and re-signing look at, read in one pass.

use super::SmallFiles;
use crate::archive::{read_all, ArchiveError, EntryRecord, ReadAllError};
use crate::{Code, Limits};

/// What `read_head` kept: every entry's record, and `manifest.json` and
/// `signature.sig` themselves.
pub struct Head {
    pub records: Vec<EntryRecord>,
    pub small: SmallFiles,
}

/// Reads a whole package from `src` under `limits`, keeping its head. One
/// function, so every command reads packages with the same limits.
pub fn read_head(src: &mut dyn std::io::Read, limits: &Limits) -> Result<Head, ReadAllError> {
    let mut small = SmallFiles::default();
    let records = read_all(src, *limits, &mut small)?;
    Ok(Head { records, small })
}

impl SmallFiles {
    /// `manifest.json`, or the one `E_MANIFEST_MISSING` every reader gives
    /// for a package without it.
    pub fn require_manifest(&self) -> Result<&[u8], ArchiveError> {
        self.manifest.as_deref().ok_or_else(|| {
            ArchiveError::new(Code::ManifestMissing, "the package has no manifest.json")
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_package_is_a_read_error_and_has_no_manifest() {
        assert!(read_head(&mut &b""[..], &Limits::default()).is_err());
        let e = SmallFiles::default().require_manifest().unwrap_err();
        assert_eq!(e.code, Code::ManifestMissing);
    }
}

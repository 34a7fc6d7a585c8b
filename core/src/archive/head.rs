//! A package's head: its entry list and the two small files that `inspect`,
//! `validate`, `sign` and re-signing look at, read in one pass.

use super::{read_all, ArchiveError, EntryRecord, EntrySink, ReadAllError};
use crate::{Code, Limits};

/// What `read_head` kept: every entry's record, and `manifest.json` and
/// `signature.sig` themselves.
pub struct Head {
    /// Every entry, in archive order.
    pub records: Vec<EntryRecord>,
    /// `manifest.json` and `signature.sig`.
    pub small: SmallFiles,
}

/// Reads a whole package from `src` under `limits`, keeping its head. One
/// function, so every command reads packages with the same limits.
pub fn read_head(src: &mut dyn std::io::Read, limits: &Limits) -> Result<Head, ReadAllError> {
    let mut small = SmallFiles::default();
    let records = read_all(src, *limits, &mut small)?;
    Ok(Head { records, small })
}

/// Keeps `manifest.json` and `signature.sig` (both size-limited by the
/// reader) while every other entry is only hashed.
#[derive(Default)]
pub struct SmallFiles {
    at: Kept,
    /// `manifest.json`, if the package has one.
    pub manifest: Option<Vec<u8>>,
    /// `signature.sig`, if the package has one.
    pub signature: Option<Vec<u8>>,
}

/// Which kept file the entry being read belongs to.
#[derive(Default, Clone, Copy)]
enum Kept {
    #[default]
    Other,
    Manifest,
    Signature,
}

impl EntrySink for SmallFiles {
    fn start(&mut self, path: &str, _size: u64) -> Result<(), ArchiveError> {
        self.at = match path {
            "manifest.json" => {
                self.manifest = Some(Vec::new());
                Kept::Manifest
            }
            "signature.sig" => {
                self.signature = Some(Vec::new());
                Kept::Signature
            }
            _ => Kept::Other,
        };
        Ok(())
    }

    fn data(&mut self, chunk: &[u8]) -> Result<(), ArchiveError> {
        let target = match self.at {
            Kept::Manifest => self.manifest.as_mut(),
            Kept::Signature => self.signature.as_mut(),
            Kept::Other => None,
        };
        if let Some(t) = target {
            t.extend_from_slice(chunk);
        }
        Ok(())
    }

    fn end(&mut self, _: &[u8; 32]) -> Result<(), ArchiveError> {
        self.at = Kept::Other;
        Ok(())
    }
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

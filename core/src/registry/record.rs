//! The install record: a small file written into each installed version
//! directory, in the same rename that installs it, holding what cannot be
//! read back from the installed manifest (source, key, verdict, package
//! hash, install time). `registry rebuild` reads it so a lost registry
//! loses nothing.

use super::types::VersionEntry;
use serde::{Deserialize, Serialize};

/// The record's file name inside `experts/NAME/VERSION/`.
pub const RECORD_FILE: &str = ".expert-install.json";

/// The contents of `RECORD_FILE`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct InstallRecord {
    /// Format of this file; 1.
    pub record: u32,
    /// The expert's name as installed (the directory holds its folded key).
    pub name: String,
    /// The registry entry as it was written at install time.
    pub entry: VersionEntry,
}

impl InstallRecord {
    /// A record in the current format.
    pub fn new(name: &str, entry: VersionEntry) -> Self {
        InstallRecord {
            record: 1,
            name: name.to_string(),
            entry,
        }
    }

    /// The file's bytes: pretty JSON and a final newline.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = serde_json::to_vec_pretty(self).unwrap_or_default();
        out.push(b'\n');
        out
    }

    /// Parses a record; anything but format 1 is refused.
    pub fn parse(bytes: &[u8]) -> Result<Self, String> {
        let r: InstallRecord = serde_json::from_slice(bytes).map_err(|e| e.to_string())?;
        if r.record != 1 {
            return Err(format!("record format {} is not 1", r.record));
        }
        Ok(r)
    }
}

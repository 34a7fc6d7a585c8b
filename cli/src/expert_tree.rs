//! Reads `$EXPERT_HOME/experts/NAME/VERSION/` directories for the
//! registry doctor: each one's manifest, install record and mtime, handed
//! to the core as values. Read-only.

use crate::error::Result;
use expert_core::manifest::Manifest;
use expert_core::registry::{InstallRecord, Installed, ManifestFacts, RECORD_FILE};
use expert_core::Limits;
use std::path::{Path, PathBuf};

/// Every `experts/NAME/VERSION` directory, sorted by name then version.
/// Names that are not UTF-8 are skipped (no registry can list them).
pub fn scan(home: &Path) -> Result<Vec<Installed>> {
    let root = home.join("experts");
    let mut out = Vec::new();
    for (name, dir) in subdirs(&root) {
        for (version, path) in subdirs(&dir) {
            out.push(read_one(name.clone(), version, path));
        }
    }
    Ok(out)
}

fn subdirs(dir: &Path) -> Vec<(String, PathBuf)> {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut v: Vec<(String, PathBuf)> = rd
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .filter_map(|e| Some((e.file_name().to_str()?.to_string(), e.path())))
        .filter(|(n, _)| !n.starts_with('.'))
        .collect();
    v.sort();
    v
}

fn read_one(name: String, version: String, dir: PathBuf) -> Installed {
    let path = crate::registry::home()
        .join("experts")
        .join(&name)
        .join(&version);
    let modified = std::fs::metadata(&dir)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map(|d| expert_core::util::rfc3339_utc(d.as_secs()))
        .unwrap_or_default();
    let record = match std::fs::read(dir.join(RECORD_FILE)) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => Some(Err(e.to_string())),
        Ok(b) => Some(InstallRecord::parse(&b)),
    };
    Installed {
        name,
        version,
        path,
        modified,
        manifest: facts(&dir),
        record,
    }
}

fn facts(dir: &Path) -> std::result::Result<ManifestFacts, String> {
    let p = dir.join("manifest.json");
    let bytes = std::fs::read(&p).map_err(|e| format!("manifest.json: {e}"))?;
    let m = Manifest::parse(&bytes, &Limits::default()).map_err(|r| {
        r.errors()
            .next()
            .map(|d| format!("manifest.json: {} [{}]", d.message, d.code))
            .unwrap_or_else(|| "manifest.json is not valid".into())
    })?;
    let c = crate::source::candidate_of(&m, &p);
    let key_id = m.signer_pubkey().map(|k| k.key_id());
    Ok(ManifestFacts {
        name: c.name,
        version: c.version,
        base_models: m.model_names().iter().map(|s| s.to_string()).collect(),
        key_id,
        adapters: c.adapters,
        capabilities: c.capabilities,
        requires: c.requires,
        incompatible_with: c.incompatible_with,
    })
}

/// Writes the install record into a staged version directory, atomically,
/// before it is renamed into place.
pub fn write_record(
    dir: &Path,
    name: &str,
    entry: &expert_core::registry::VersionEntry,
) -> Result<()> {
    let rec = InstallRecord::new(name, entry.clone());
    crate::atomic::write(&dir.join(RECORD_FILE), &rec.to_bytes())
}

//! The trust store, `$EXPERT_HOME/trust.json` (docs/FORMAT.md §7):
//! trusted keys by key ID, and per-expert key pins. Writes are atomic and
//! made under an exclusive lock; an unreadable store is an error, never
//! silently replaced.

use crate::error::{CliError, Exit, Result};
use expert_core::sign::PublicKey;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::PathBuf;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct TrustedKey {
    pub key_id: String,
    pub pubkey: String,
    pub name: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct TrustStore {
    pub version: u32,
    pub keys: Vec<TrustedKey>,
    /// Expert name → key ID it is pinned to.
    #[serde(default)]
    pub pins: BTreeMap<String, String>,
}

pub fn path() -> PathBuf {
    crate::home::expert_home().join("trust.json")
}

impl TrustStore {
    pub fn load() -> Result<TrustStore> {
        let p = path();
        match std::fs::read(&p) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(TrustStore {
                version: 1,
                ..Default::default()
            }),
            Err(e) => Err(CliError::io(&p, e)),
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| {
                CliError::new(
                    Exit::General,
                    "E_TRUST_STORE",
                    format!("{} is unreadable: {e}", p.display()),
                )
                .hint(format!(
                    "fix the JSON by hand, or move it aside (mv {0} {0}.bak) and re-add your keys",
                    p.display()
                ))
            }),
        }
    }

    pub fn public_keys(&self) -> Vec<PublicKey> {
        self.keys
            .iter()
            .filter_map(|k| PublicKey::parse(&k.pubkey).ok())
            .collect()
    }

    /// Loads, applies `f` and saves, all under an exclusive lock.
    pub fn update<T>(f: impl FnOnce(&mut TrustStore) -> Result<T>) -> Result<T> {
        let p = path();
        let _lock = crate::atomic::lock_file(&p.with_extension("json.lock"))?;
        let mut store = TrustStore::load()?;
        let out = f(&mut store)?;
        store.version = 1;
        let json = serde_json::to_string_pretty(&store).expect("serializable") + "\n";
        crate::atomic::write(&p, json.as_bytes())?;
        Ok(out)
    }
}

/// A key given as `ed25519:<hex>` or as a path to a `.pub` file.
pub fn parse_key_arg(s: &str) -> Result<PublicKey> {
    if s.trim_start().starts_with("ed25519:") {
        return PublicKey::parse(s)
            .map_err(|e| CliError::new(Exit::Usage, "E_KEY_FORMAT", e.to_string()));
    }
    let p = std::path::Path::new(s);
    let text = std::fs::read_to_string(p)
        .map_err(|e| CliError::io(p, e).hint("give a .pub file or an ed25519:<hex> key"))?;
    PublicKey::parse(&text)
        .map_err(|e| CliError::new(Exit::Usage, "E_KEY_FORMAT", format!("{}: {e}", p.display())))
}

//! The trust store, `$EXPERT_HOME/trust.json` (docs/FORMAT.md §7):
//! trusted public keys (shown by key ID) and per-expert pins of full public
//! keys (old key-ID pins are upgraded on write: core `registry::TrustStore::upgrade_pins`).
//! Writes are atomic and
//! made under an exclusive lock; an unreadable store is an error, never
//! silently replaced.

use crate::error::{CliError, Code, Result};
use expert_core::registry::{load_trust_store, Finding};
use expert_core::sign::PublicKey;
use std::path::PathBuf;

pub use expert_core::registry::{TrustStore, TrustedKey};

pub fn path() -> PathBuf {
    crate::home::expert_home().join("trust.json")
}

/// Turns loader findings into one `E_TRUST_STORE` error.
fn broken(p: &std::path::Path, found: &[Finding]) -> CliError {
    crate::registry::broken_file(p, found, Code::TrustStore, "the trust store")
}

/// The trust store file's bytes; `None` when there is none.
pub fn read_bytes() -> Result<Option<Vec<u8>>> {
    crate::atomic::read_if_exists(&path())
}

/// Loading and changing the core's `TrustStore` file.
pub trait TrustStoreFile: Sized {
    fn load() -> Result<Self>;
    fn public_keys(&self) -> Vec<PublicKey>;
    /// Loads, applies `f` and saves, all under an exclusive lock.
    fn update<T>(f: impl FnOnce(&mut Self) -> Result<T>) -> Result<T>;
}

impl TrustStoreFile for TrustStore {
    /// A missing store is empty; one that breaks an invariant is an
    /// `E_TRUST_STORE` error.
    fn load() -> Result<TrustStore> {
        match read_bytes()? {
            None => Ok(TrustStore {
                version: 1,
                ..Default::default()
            }),
            Some(b) => load_trust_store(&b).map_err(|f| broken(&path(), &f)),
        }
    }

    fn public_keys(&self) -> Vec<PublicKey> {
        self.keys
            .iter()
            .filter_map(|k| PublicKey::parse(&k.pubkey).ok())
            .collect()
    }

    fn update<T>(f: impl FnOnce(&mut TrustStore) -> Result<T>) -> Result<T> {
        let p = path();
        let _lock = crate::atomic::lock_file(&p.with_extension("json.lock"))?;
        let mut store = TrustStore::load()?;
        let out = f(&mut store)?;
        store.upgrade_pins();
        store.version = 1;
        let json = serde_json::to_string_pretty(&store)
            .map_err(|e| CliError::new(Code::TrustStore, e.to_string()))?
            + "\n";
        crate::atomic::write(&p, json.as_bytes())?;
        Ok(out)
    }
}

/// A key given as `ed25519:<hex>` or as a path to a `.pub` file.
pub fn parse_key_arg(s: &str) -> Result<PublicKey> {
    if s.trim_start().starts_with("ed25519:") {
        return PublicKey::parse(s).map_err(|e| CliError::new(Code::KeyFormat, e.to_string()));
    }
    if looks_like_key_material(s) && !std::path::Path::new(s).exists() {
        // Key text pasted as an argument: say what it is, never repeat it.
        return PublicKey::parse(s).map_err(|e| {
            CliError::new(Code::KeyFormat, e.to_string())
                .hint("give a .pub file or an ed25519:<hex> key")
        });
    }
    let p = std::path::Path::new(s);
    // A .pub file is one short line; never read a device or a huge file whole.
    let mut bytes = Vec::new();
    std::fs::File::open(p)
        .and_then(|f| std::io::Read::read_to_end(&mut std::io::Read::take(f, 4096), &mut bytes))
        .map_err(|e| CliError::io(p, e).hint("give a .pub file or an ed25519:<hex> key"))?;
    let text = String::from_utf8_lossy(&bytes);
    PublicKey::parse(&text)
        .map_err(|e| CliError::new(Code::KeyFormat, format!("{}: {e}", p.display())))
}

/// Text that is key material rather than a file name: PEM armour, several
/// lines, or a long run of hex or base64 (a raw seed or key pasted in).
fn looks_like_key_material(s: &str) -> bool {
    let t = s.trim();
    t.contains("-----BEGIN")
        || t.contains('\n')
        || (t.len() >= 32
            && t.bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'=')))
}

//! `$EXPERT_HOME/expert-registry.json` in upstream's current shape (experts
//! grouped by name with their versions); upstream's older flat shape loads
//! too. Changes happen in `Registry::transaction`: under an exclusive lock,
//! reload, change, write atomically. An unreadable registry is an error
//! with a recovery hint, never silently replaced (upstream wipes it). The
//! types, the loader and its invariants are the core's
//! (`expert_core::registry`); this module does the file, lock and clock.

use crate::error::{CliError, Code, Result};
use expert_core::registry::{load_registry, Finding};
use std::fs::File;
use std::path::{Path, PathBuf};

pub use expert_core::registry::{Registry, VersionEntry};

pub fn home() -> PathBuf {
    crate::home::expert_home()
}

pub fn path() -> PathBuf {
    home().join("expert-registry.json")
}

/// The clock as RFC 3339 UTC, for `last_updated` and `installed_at`.
pub fn now() -> String {
    expert_core::util::rfc3339_utc(crate::cmd::unix_now())
}

/// Turns loader findings into one `E_REGISTRY` error that names each
/// entry and says how to fix it.
pub fn broken(p: &Path, found: &[Finding]) -> CliError {
    broken_file(p, found, Code::Registry, "the registry")
}

/// One error for a registry or trust store that breaks its rules: every
/// finding, the first fix, and that nothing was changed.
pub fn broken_file(p: &Path, found: &[Finding], code: Code, what: &str) -> CliError {
    let fix = expert_core::registry::first_fix(found).unwrap_or("fix it by hand");
    let file = p.display().to_string();
    CliError::new(
        code,
        expert_core::registry::broken_file_message(&file, what, found),
    )
    .hint(format!("{fix} (or move it aside: mv {file} {file}.bak)"))
}

pub fn empty() -> Registry {
    Registry::empty(&home(), now())
}

/// The registry file's bytes; `None` when there is none.
pub fn read_bytes() -> Result<Option<Vec<u8>>> {
    crate::atomic::read_if_exists(&path())
}

/// Loading, and changing under the lock, for the core's `Registry`.
pub trait RegistryFile: Sized {
    /// Loads the registry (new or legacy shape); a missing file is empty;
    /// one that breaks an invariant is an `E_REGISTRY` error.
    fn load() -> Result<Self>;
    /// Runs `f` on the freshly loaded registry under an exclusive lock and
    /// saves the result atomically if `f` succeeds.
    fn transaction<T>(f: impl FnOnce(&mut Self) -> Result<T>) -> Result<T>;
}

impl RegistryFile for Registry {
    fn load() -> Result<Registry> {
        match read_bytes()? {
            None => Ok(empty()),
            Some(b) => load_registry(&b, &home()).map_err(|f| broken(&path(), &f)),
        }
    }

    fn transaction<T>(f: impl FnOnce(&mut Registry) -> Result<T>) -> Result<T> {
        let _lock = lock()?;
        let mut reg = Registry::load()?;
        let out = f(&mut reg)?;
        save(&mut reg)?;
        Ok(out)
    }
}

/// Writes the registry atomically; call it under `lock()`.
pub fn save(reg: &mut Registry) -> Result<()> {
    reg.last_updated = now();
    let json = serde_json::to_string_pretty(reg)
        .map_err(|e| CliError::new(Code::Registry, e.to_string()))?
        + "\n";
    crate::fault::point("registry-write");
    crate::atomic::write(&path(), json.as_bytes())
}

/// The registry lock, held for the life of the returned file.
pub fn lock() -> Result<File> {
    crate::atomic::lock_file(&home().join("expert-registry.json.lock"))
}

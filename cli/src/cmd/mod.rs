//! One module per subcommand: each turns its parsed arguments into core calls
//! and prints the result (text, or `--json`). Shared here: reading a file,
//! the JSON printer, `SOURCE_DATE_EPOCH` and the clock, key loading and the
//! `.sha256` sidecar writer.

pub mod inspect;
pub mod install;
pub mod keygen;
pub mod list;
pub mod migrate;
pub mod package;
pub mod pull;
pub mod push;
pub mod registry;
pub mod sign;
pub mod trust;
pub mod uninstall;
pub mod validate;
pub mod verify;

use crate::error::{CliError, Code, Result};
use std::path::Path;

/// Reads a whole small file (manifests, keys) with a clear error.
pub fn read(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).map_err(|e| CliError::io(path, e))
}

/// Prints `value` as one line of JSON.
pub fn print_json<T: serde::Serialize>(value: &T) {
    println!("{}", serde_json::to_string(value).expect("serializable"));
}

/// `SOURCE_DATE_EPOCH`, if set.
pub fn source_date_epoch() -> Result<Option<u64>> {
    match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(s) if !s.trim().is_empty() => s.trim().parse().map(Some).map_err(|_| {
            CliError::new(
                Code::SourceDateEpoch,
                format!("SOURCE_DATE_EPOCH={s:?} is not a number of seconds"),
            )
        }),
        _ => Ok(None),
    }
}

/// Entry mtime and signing time (`build::build_times`) from
/// SOURCE_DATE_EPOCH and the system clock.
pub fn build_times() -> Result<expert_core::package::build::BuildTimes> {
    Ok(expert_core::package::build::build_times(
        source_date_epoch()?,
        unix_now(),
    ))
}

/// Seconds since the Unix epoch by the system clock (0 before it): the
/// CLI's one clock read; the core takes time as an argument.
pub fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// Loads a signing key file (see `key_input`).
pub fn load_key(path: &Path) -> Result<expert_core::sign::SecretKey> {
    crate::key_input::load_signing_key(path)
}

/// `sha256sum`-format sidecar next to `pkg` (`text::sidecar`, as the npm
/// package writes it).
pub fn write_sidecar(pkg: &Path, sha256_hex: &str) -> Result<std::path::PathBuf> {
    let name = pkg
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("package.expert");
    let mut side = pkg.as_os_str().to_owned();
    side.push(".sha256");
    let side = std::path::PathBuf::from(side);
    let line = expert_core::text::sidecar::line(name, sha256_hex)
        .map_err(|e| CliError::new(Code::Io, format!("{}: {e}", side.display())))?;
    crate::atomic::write(&side, line.as_bytes())?;
    Ok(side)
}

/// A writer that hashes what passes through.
pub struct HashingWriter<W: std::io::Write> {
    pub inner: W,
    pub hasher: sha2::Sha256,
    pub len: u64,
}

impl<W: std::io::Write> HashingWriter<W> {
    pub fn new(inner: W) -> Self {
        HashingWriter {
            inner,
            hasher: sha2::Digest::new(),
            len: 0,
        }
    }
}

impl<W: std::io::Write> std::io::Write for HashingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        sha2::Digest::update(&mut self.hasher, &buf[..n]);
        self.len += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

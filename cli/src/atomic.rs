//! Atomic file replacement: write a temp file beside the target, fsync,
//! rename. The temp file is removed if anything fails or the process is
//! interrupted before `commit`, so no partial output is ever left.

use crate::error::{CliError, Result};
use std::fs::{self, File, OpenOptions};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Temp files in flight, removed by the Ctrl-C handler.
static IN_FLIGHT: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

pub fn cleanup_in_flight() {
    if let Ok(list) = IN_FLIGHT.lock() {
        for p in list.iter() {
            let _ = fs::remove_file(p);
        }
    }
}

pub struct AtomicFile {
    target: PathBuf,
    temp: PathBuf,
    file: Option<BufWriter<File>>,
}

impl AtomicFile {
    pub fn create(target: &Path) -> Result<Self> {
        Self::create_with_mode(target, 0o644)
    }

    pub fn create_with_mode(target: &Path, mode: u32) -> Result<Self> {
        let dir = target
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let name = target.file_name().and_then(|n| n.to_str()).unwrap_or("out");
        let temp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
        let file = create_new(&temp, mode).map_err(|e| CliError::io(&temp, e))?;
        IN_FLIGHT.lock().expect("lock").push(temp.clone());
        Ok(AtomicFile {
            target: target.to_path_buf(),
            temp,
            file: Some(BufWriter::with_capacity(64 << 10, file)),
        })
    }

    /// The temp file being written (renamed to the target by `commit`).
    pub fn temp_path(&self) -> &Path {
        &self.temp
    }

    pub fn writer(&mut self) -> &mut BufWriter<File> {
        self.file.as_mut().expect("not committed")
    }

    /// Flushes, fsyncs and renames into place.
    pub fn commit(mut self) -> Result<()> {
        let file = self.file.take().expect("not committed");
        let file = file
            .into_inner()
            .map_err(|e| CliError::io(&self.temp, e.into_error()))?;
        file.sync_all().map_err(|e| CliError::io(&self.temp, e))?;
        drop(file);
        fs::rename(&self.temp, &self.target).map_err(|e| CliError::io(&self.target, e))?;
        if let Some(dir) = self.target.parent().filter(|d| !d.as_os_str().is_empty()) {
            if let Ok(d) = File::open(dir) {
                let _ = d.sync_all();
            }
        }
        forget(&self.temp);
        Ok(())
    }
}

fn forget(temp: &Path) {
    if let Ok(mut list) = IN_FLIGHT.lock() {
        list.retain(|p| p != temp);
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if self.file.take().is_some() {
            let _ = fs::remove_file(&self.temp);
            forget(&self.temp);
        }
    }
}

/// Writes `data` to `target` atomically.
pub fn write(target: &Path, data: &[u8]) -> Result<()> {
    let mut f = AtomicFile::create(target)?;
    f.writer()
        .write_all(data)
        .map_err(|e| CliError::io(target, e))?;
    f.commit()
}

/// Creates a new file with `mode` (Unix), failing if it exists.
pub fn create_new(path: &Path, mode: u32) -> std::io::Result<File> {
    let mut opts = OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(mode);
    }
    #[cfg(not(unix))]
    let _ = mode;
    opts.open(path)
}

/// Calls `f` with each chunk read from `r` (64 KiB reads, the size that is
/// fastest on these machines), retrying interrupted reads.
pub fn read_chunks(
    r: &mut dyn std::io::Read,
    mut f: impl FnMut(&[u8]) -> Result<()>,
    path: &Path,
) -> Result<()> {
    let mut buf = vec![0u8; 64 << 10];
    loop {
        match r.read(&mut buf) {
            Ok(0) => return Ok(()),
            Ok(n) => f(&buf[..n])?,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(CliError::io(path, e)),
        }
    }
}

/// Opens (creating) `path` and takes an exclusive lock on it, held until
/// the returned file is dropped.
pub fn lock_file(path: &Path) -> Result<File> {
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir).map_err(|e| CliError::io(dir, e))?;
    }
    let f = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path)
        .map_err(|e| CliError::io(path, e))?;
    f.lock().map_err(|e| CliError::io(path, e))?;
    Ok(f)
}

/// The bytes of `p`, or `None` when there is no such file.
pub fn read_if_exists(p: &Path) -> Result<Option<Vec<u8>>> {
    match std::fs::read(p) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(CliError::io(p, e)),
        Ok(b) => Ok(Some(b)),
    }
}

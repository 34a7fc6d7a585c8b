//! Scratch space under `$EXPERT_HOME/.staging` and `.trash`, named
//! `<pid>-<label>` so a later run can tell abandoned entries (their process
//! is gone) from live ones, and crash leftovers never accumulate.

use crate::error::{CliError, Result};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

static COUNTER: AtomicUsize = AtomicUsize::new(0);

pub fn staging_root() -> PathBuf {
    crate::home::expert_home().join(".staging")
}

pub fn trash_root() -> PathBuf {
    crate::home::expert_home().join(".trash")
}

/// A directory removed when dropped.
pub struct ScratchDir {
    pub path: PathBuf,
    entry: String,
    keep: bool,
}

fn home() -> PathBuf {
    crate::home::expert_home()
}

/// A label usable in one file name (expert names are checked elsewhere;
/// this keeps a scratch name valid whatever it is given).
fn label_part(label: &str) -> String {
    label
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '@') {
                c
            } else {
                '_'
            }
        })
        .collect::<String>()
        .replace("..", "__")
}

impl ScratchDir {
    pub fn new(label: &str) -> Result<ScratchDir> {
        let root = staging_root();
        std::fs::create_dir_all(&root).map_err(|e| CliError::io(&root, e))?;
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let entry = format!("{}-{n}-{}", std::process::id(), label_part(label));
        // A link at .staging would send extraction and clean-up elsewhere.
        let path = crate::safe_fs::check_parents(&home(), &[".staging", &entry])?;
        std::fs::create_dir(&path).map_err(|e| CliError::io(&path, e))?;
        Ok(ScratchDir {
            path,
            entry,
            keep: false,
        })
    }

    /// The directory was moved elsewhere; do not delete it.
    pub fn disarm(&mut self) {
        self.keep = true;
    }
}

impl Drop for ScratchDir {
    fn drop(&mut self) {
        if !self.keep {
            let _ = crate::safe_fs::remove(&home(), &[".staging", &self.entry]);
        }
    }
}

pub fn pid_of(name: &str) -> Option<u32> {
    name.split('-').next()?.parse().ok()
}

pub fn pid_alive(pid: u32) -> bool {
    if pid == std::process::id() {
        return true;
    }
    #[cfg(target_os = "linux")]
    {
        Path::new(&format!("/proc/{pid}")).exists()
    }
    #[cfg(not(target_os = "linux"))]
    {
        true
    }
}

/// Removes staging entries whose process is gone.
pub fn sweep_staging() {
    let Ok(entries) = std::fs::read_dir(staging_root()) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().to_string();
        if pid_of(&name).is_some_and(|p| !pid_alive(p)) {
            let _ = crate::safe_fs::remove(&home(), &[".staging", &name]);
        }
    }
}

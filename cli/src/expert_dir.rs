//! The expert directory on disk, as the core's `ExpertFiles`. Symlinks and
//! anything else that is not a plain file or directory are refused, so a
//! package can never pick up a file from outside the expert.

use expert_core::package::files::{ExpertFiles, FileKind};
use expert_core::path::check_relative_path;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

pub struct ExpertDir {
    root: PathBuf,
}

impl ExpertDir {
    pub fn new(root: &Path) -> Self {
        ExpertDir {
            root: root.to_path_buf(),
        }
    }

    /// The on-disk path of a safe relative path, checking every component
    /// for symlinks.
    fn resolve(&self, rel: &str) -> Result<PathBuf, String> {
        if !rel.is_empty() {
            check_relative_path(rel).map_err(|p| format!("{rel}: {}", p.describe()))?;
        }
        let mut p = self.root.clone();
        for seg in rel.split('/').filter(|s| !s.is_empty()) {
            p.push(seg);
            match fs::symlink_metadata(&p) {
                Ok(m) if m.file_type().is_symlink() => {
                    return Err(format!("{rel}: {} is a symbolic link; packages take regular files only, so copy the file into the expert", p.display()))
                }
                _ => {}
            }
        }
        Ok(p)
    }
}

impl ExpertFiles for ExpertDir {
    fn kind(&self, rel: &str) -> Result<FileKind, String> {
        let p = self.resolve(rel)?;
        match fs::symlink_metadata(&p) {
            Ok(m) if m.is_file() => Ok(FileKind::File { size: m.len() }),
            Ok(m) if m.is_dir() => Ok(FileKind::Dir),
            Ok(_) => Err(format!("{rel} is not a regular file or directory")),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(FileKind::Missing),
            Err(e) => Err(format!("{}: {e}", p.display())),
        }
    }

    fn list(&self, rel: &str) -> Result<Vec<String>, String> {
        let p = self.resolve(rel)?;
        let mut names = Vec::new();
        for e in fs::read_dir(&p).map_err(|e| format!("{}: {e}", p.display()))? {
            let e = e.map_err(|e| format!("{}: {e}", p.display()))?;
            let name = e
                .file_name()
                .into_string()
                .map_err(|n| format!("{}: file name {n:?} is not UTF-8", p.display()))?;
            names.push(name);
        }
        names.sort();
        Ok(names)
    }

    fn open(&self, rel: &str) -> Result<Box<dyn Read + '_>, String> {
        let p = self.resolve(rel)?;
        let f = fs::File::open(&p).map_err(|e| format!("{}: {e}", p.display()))?;
        Ok(Box::new(f))
    }
}

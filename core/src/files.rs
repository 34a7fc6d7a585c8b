//! What the core may ask about an expert directory. The CLI answers from the
//! filesystem and the npm package from an in-memory map; the core never
//! touches storage itself.

use std::collections::BTreeMap;

/// What a relative path names inside the expert root.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    File { size: u64 },
    Dir,
    Missing,
}

pub trait ExpertFiles {
    /// Implementations must refuse paths that leave the root, including
    /// through symlinks, with an error rather than `Missing`.
    fn kind(&self, rel: &str) -> Result<FileKind, String>;
    /// Names directly inside a directory, sorted.
    fn list(&self, rel: &str) -> Result<Vec<String>, String>;
    fn sha256(&self, rel: &str) -> Result<[u8; 32], String>;
}

/// An expert held in memory: relative path → contents.
#[derive(Debug, Default, Clone)]
pub struct MemoryFiles {
    pub files: BTreeMap<String, Vec<u8>>,
}

impl MemoryFiles {
    pub fn insert(&mut self, path: &str, data: Vec<u8>) {
        self.files.insert(path.to_string(), data);
    }
}

impl ExpertFiles for MemoryFiles {
    fn kind(&self, rel: &str) -> Result<FileKind, String> {
        if let Some(d) = self.files.get(rel) {
            return Ok(FileKind::File {
                size: d.len() as u64,
            });
        }
        let prefix = format!("{rel}/");
        Ok(if self.files.keys().any(|k| k.starts_with(&prefix)) {
            FileKind::Dir
        } else {
            FileKind::Missing
        })
    }

    fn list(&self, rel: &str) -> Result<Vec<String>, String> {
        let prefix = if rel.is_empty() {
            String::new()
        } else {
            format!("{rel}/")
        };
        let mut names: Vec<String> = self
            .files
            .keys()
            .filter_map(|k| k.strip_prefix(&prefix))
            .map(|rest| rest.split('/').next().unwrap_or(rest).to_string())
            .collect();
        names.dedup();
        Ok(names)
    }

    fn sha256(&self, rel: &str) -> Result<[u8; 32], String> {
        use sha2::Digest;
        self.files
            .get(rel)
            .map(|d| sha2::Sha256::digest(d).into())
            .ok_or_else(|| format!("{rel}: no such file"))
    }
}

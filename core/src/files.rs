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
    /// Up to `n` leading bytes of a file, for content sniffing (Git LFS
    /// pointers); `None` where the storage cannot say cheaply.
    fn head(&self, _rel: &str, _n: usize) -> Result<Option<Vec<u8>>, String> {
        Ok(None)
    }
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

/// What `rel` names in a tree held as a map of file paths (the npm
/// package's in-memory and Blob-backed experts).
pub fn kind_in_map<T>(
    files: &BTreeMap<String, T>,
    rel: &str,
    size: impl Fn(&T) -> u64,
) -> FileKind {
    if let Some(d) = files.get(rel) {
        return FileKind::File { size: size(d) };
    }
    let prefix = format!("{rel}/");
    if files.keys().any(|k| k.starts_with(&prefix)) {
        FileKind::Dir
    } else {
        FileKind::Missing
    }
}

/// Names directly inside `rel` in a map of file paths, sorted.
pub fn list_in_map<T>(files: &BTreeMap<String, T>, rel: &str) -> Vec<String> {
    let prefix = if rel.is_empty() {
        String::new()
    } else {
        format!("{rel}/")
    };
    let mut names: Vec<String> = files
        .keys()
        .filter_map(|k| k.strip_prefix(&prefix))
        .map(|rest| rest.split('/').next().unwrap_or(rest).to_string())
        .collect();
    names.dedup();
    names
}

impl ExpertFiles for MemoryFiles {
    fn kind(&self, rel: &str) -> Result<FileKind, String> {
        Ok(kind_in_map(&self.files, rel, |d| d.len() as u64))
    }

    fn list(&self, rel: &str) -> Result<Vec<String>, String> {
        Ok(list_in_map(&self.files, rel))
    }

    fn sha256(&self, rel: &str) -> Result<[u8; 32], String> {
        use sha2::Digest;
        self.files
            .get(rel)
            .map(|d| sha2::Sha256::digest(d).into())
            .ok_or_else(|| format!("{rel}: no such file"))
    }

    fn head(&self, rel: &str, n: usize) -> Result<Option<Vec<u8>>, String> {
        Ok(self.files.get(rel).map(|d| d[..d.len().min(n)].to_vec()))
    }
}

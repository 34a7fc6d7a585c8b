//! What the core may ask about an expert directory. The CLI answers from the
//! filesystem and the npm package from an in-memory map; the core never
//! touches storage itself.

use std::collections::BTreeMap;
use std::io::Read;

/// What a relative path names inside the expert root.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// A regular file.
    File {
        /// Its length in bytes.
        size: u64,
    },
    /// A directory.
    Dir,
    /// Nothing (or nothing the core may read).
    Missing,
}

/// An expert's files as the core reads them: the one trait every storage
/// implements (the CLI's directory, the npm package's in-memory and
/// Blob-backed sets, `MemoryFiles` in tests). Only `kind`, `list` and
/// `open` touch storage; hashing and sniffing are built on `open`, so
/// every storage hashes the same way.
pub trait ExpertFiles {
    /// What `rel` names. Implementations must refuse paths that leave the
    /// root, including through symlinks, with an error rather than `Missing`.
    fn kind(&self, rel: &str) -> Result<FileKind, String>;
    /// Names directly inside a directory, sorted.
    fn list(&self, rel: &str) -> Result<Vec<String>, String>;
    /// A reader over a file's bytes.
    fn open(&self, rel: &str) -> Result<Box<dyn Read + '_>, String>;
    /// The SHA-256 of a file, streamed.
    fn sha256(&self, rel: &str) -> Result<[u8; 32], String> {
        let mut r = self.open(rel)?;
        crate::util::sha256_reader(&mut r, &mut |_| {}).map_err(|e| format!("{rel}: {e}"))
    }
    /// Up to `n` leading bytes of a file, for content sniffing (Git LFS
    /// pointers).
    fn head(&self, rel: &str, n: usize) -> Result<Vec<u8>, String> {
        let mut head = Vec::with_capacity(n);
        self.open(rel)?
            .take(n as u64)
            .read_to_end(&mut head)
            .map_err(|e| format!("{rel}: {e}"))?;
        Ok(head)
    }
}

/// An expert held in memory: relative path → contents.
#[derive(Debug, Default, Clone)]
pub struct MemoryFiles {
    /// Relative path → contents; directories are implied by the paths.
    pub files: BTreeMap<String, Vec<u8>>,
}

impl MemoryFiles {
    /// Adds (or replaces) the file at `path`.
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

    fn open(&self, rel: &str) -> Result<Box<dyn Read + '_>, String> {
        self.files
            .get(rel)
            .map(|d| Box::new(&d[..]) as Box<dyn Read>)
            .ok_or_else(|| format!("{rel}: no such file"))
    }
}

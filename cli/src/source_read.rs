//! Reading a fetched source (a git tree we wrote, or a local directory):
//! only regular files inside it, never through a symbolic link, with the
//! package reader's size caps. A link where the install reads (the root
//! `manifest.json`, `versions/`, a `.expert`) refuses the source by name.

use crate::error::{CliError, Code, Context, Result};
use expert_core::Limits;
use std::io::Read;
use std::path::{Path, PathBuf};

fn refused(code: Code, msg: String) -> CliError {
    CliError::new(code, msg)
        .within(Context::Received)
        .hint("a source holds regular files only; replace the link with the file itself")
}

fn link(root: &Path, rel: &str) -> CliError {
    refused(
        Code::SourceSymlink,
        format!(
            "{rel} in {} is a symbolic link; sources are read as regular files only, never through links",
            root.display()
        ),
    )
}

/// `root/rel` when it is a regular file reached without links; `None`
/// when it does not exist.
pub fn regular_file(root: &Path, rel: &str) -> Result<Option<PathBuf>> {
    let mut p = root.to_path_buf();
    let parts: Vec<&str> = rel.split('/').collect();
    for (i, part) in parts.iter().enumerate() {
        p.push(part);
        let m = match std::fs::symlink_metadata(&p) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(CliError::io(&p, e)),
            Ok(m) => m,
        };
        if m.file_type().is_symlink() {
            return Err(link(root, &parts[..=i].join("/")));
        }
        let last = i + 1 == parts.len();
        if last && !m.is_file() {
            return Err(refused(
                Code::SourceNotFile,
                format!("{rel} in {} is not a regular file", root.display()),
            ));
        }
    }
    Ok(Some(p))
}

/// Reads at most `cap` bytes of a regular file, refusing a larger one.
pub fn read_capped(path: &Path, cap: u64) -> Result<Vec<u8>> {
    let mut opts = std::fs::File::options();
    opts.read(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(&mut opts, libc::O_NOFOLLOW);
    let f = opts.open(path).map_err(|e| CliError::io(path, e))?;
    let mut bytes = Vec::new();
    f.take(cap + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| CliError::io(path, e))?;
    if bytes.len() as u64 > cap {
        return Err(refused(
            Code::ManifestTooLarge,
            format!("{} is larger than {cap} bytes", path.display()),
        ));
    }
    Ok(bytes)
}

/// The root `manifest.json`, if there is one.
pub fn root_manifest(root: &Path) -> Result<Option<Vec<u8>>> {
    match regular_file(root, "manifest.json")? {
        None => Ok(None),
        Some(p) => read_capped(&p, Limits::default().max_manifest_size).map(Some),
    }
}

/// `.expert` files at the top of `root` and under `versions/`.
pub fn packages_in(root: &Path) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for rel in ["", "versions"] {
        let dir = if rel.is_empty() {
            root.to_path_buf()
        } else {
            match std::fs::symlink_metadata(root.join(rel)) {
                Ok(m) if m.file_type().is_symlink() => return Err(link(root, rel)),
                Ok(m) if m.is_dir() => root.join(rel),
                _ => continue,
            }
        };
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.extension().is_none_or(|x| x != "expert") {
                continue;
            }
            let shown = format!(
                "{rel}{}{}",
                if rel.is_empty() { "" } else { "/" },
                e.file_name().to_string_lossy()
            );
            match e.file_type() {
                Ok(t) if t.is_symlink() => return Err(link(root, &shown)),
                Ok(t) if t.is_file() => {
                    refuse_lfs_pointer(&p)?;
                    out.push(p)
                }
                _ => {}
            }
        }
    }
    out.sort();
    Ok(out)
}

/// A Git LFS pointer where a file should be is `E_LFS_POINTER`.
pub fn refuse_lfs_pointer(path: &Path) -> Result<()> {
    let size = std::fs::symlink_metadata(path)
        .map_err(|e| CliError::io(path, e))?
        .len();
    if size >= expert_core::package::lfs::MAX_POINTER_SIZE {
        return Ok(());
    }
    let head = read_capped(path, expert_core::package::lfs::MAX_POINTER_SIZE)?;
    if expert_core::package::lfs::is_pointer(size, &head) {
        return Err(CliError::new(
            Code::LfsPointer,
            expert_core::package::lfs::pointer_message(&path.display().to_string()),
        )
        .within(Context::Local)
        .hint(
            "for a git source, clone it yourself, run `git lfs pull`, and install the directory",
        ));
    }
    Ok(())
}

/// Entries of an extracted package that are Git LFS pointers: the
/// package was built from a checkout whose LFS files were never pulled.
pub fn refuse_lfs_entries(
    dest: &Path,
    records: &[expert_core::archive::EntryRecord],
) -> Result<()> {
    for r in records
        .iter()
        .filter(|r| r.size < expert_core::package::lfs::MAX_POINTER_SIZE)
    {
        let p = dest.join(&r.path);
        let head = read_capped(&p, expert_core::package::lfs::MAX_POINTER_SIZE)?;
        if expert_core::package::lfs::is_pointer(r.size, &head) {
            return Err(CliError::new(
                Code::LfsPointer,
                format!(
                    "the package holds {}: {}",
                    r.path,
                    expert_core::package::lfs::pointer_message(&r.path)
                ),
            )
            .within(Context::Received)
            .hint(
                "ask the publisher to run `git lfs pull` and package again; nothing was installed",
            ));
        }
    }
    Ok(())
}

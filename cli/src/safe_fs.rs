//! Deleting and moving under EXPERT_HOME without following symbolic links.
//! Every path is EXPERT_HOME joined with components the caller computed
//! (a name, a version, an entry listed from a directory), never a path
//! read from a file. Each component below EXPERT_HOME is checked with
//! `symlink_metadata`: a link before the last component stops the
//! operation, and a link as the last component is removed itself, never
//! its target. EXPERT_HOME itself is the user's choice and may be a link.

use crate::error::{CliError, Code, Result};
use std::path::{Path, PathBuf};

/// What `remove` took away.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Removed {
    Nothing,
    /// A symbolic link; its target is untouched.
    Link,
    /// A directory tree or a file.
    Tree,
}

fn linked(p: &Path) -> CliError {
    CliError::new(
        Code::HomeSymlink,
        format!(
            "{} is a symbolic link; expert-cli never deletes or moves anything through a link",
            p.display()
        ),
    )
    .hint("replace the link with a real directory, or remove it yourself")
}

/// `home` joined with `rel`, refusing unsafe components and any symbolic
/// link before the last component.
pub fn resolve(home: &Path, rel: &[&str]) -> Result<PathBuf> {
    let mut p = home.to_path_buf();
    for (i, part) in rel.iter().enumerate() {
        if !expert_core::path::is_safe_component(part) {
            return Err(CliError::new(
                Code::HomePath,
                format!("{part:?} cannot be a file name under {}", home.display()),
            ));
        }
        p.push(part);
        if i + 1 < rel.len() {
            match std::fs::symlink_metadata(&p) {
                Ok(m) if m.file_type().is_symlink() => return Err(linked(&p)),
                _ => {}
            }
        }
    }
    Ok(p)
}

/// Fails if any component of `rel` but the last is a symbolic link, so a
/// rename to or from that path stays under `home`.
pub fn check_parents(home: &Path, rel: &[&str]) -> Result<PathBuf> {
    resolve(home, rel)
}

/// Removes `home/rel…`: a link is unlinked, a directory removed with its
/// contents (std's `remove_dir_all` never follows links inside it).
pub fn remove(home: &Path, rel: &[&str]) -> Result<Removed> {
    let p = resolve(home, rel)?;
    let meta = match std::fs::symlink_metadata(&p) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Removed::Nothing),
        Err(e) => return Err(CliError::io(&p, e)),
        Ok(m) => m,
    };
    let done = if meta.file_type().is_symlink() {
        std::fs::remove_file(&p).map(|_| Removed::Link)
    } else if meta.is_dir() {
        std::fs::remove_dir_all(&p).map(|_| Removed::Tree)
    } else {
        std::fs::remove_file(&p).map(|_| Removed::Tree)
    };
    done.map_err(|e| CliError::io(&p, e))
}

/// Removes `home/rel…` if it is an empty directory (not a link).
pub fn remove_if_empty(home: &Path, rel: &[&str]) -> Result<()> {
    let p = resolve(home, rel)?;
    if std::fs::symlink_metadata(&p).is_ok_and(|m| m.is_dir()) {
        let _ = std::fs::remove_dir(&p);
    }
    Ok(())
}

/// `p` as components below `home`, when it is under it.
pub fn components_below(home: &Path, p: &Path) -> Option<Vec<String>> {
    let rest = p.strip_prefix(home).ok()?;
    rest.components()
        .map(|c| match c {
            std::path::Component::Normal(s) => s.to_str().map(str::to_string),
            _ => None,
        })
        .collect()
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn links_are_unlinked_and_never_followed() {
        let t = std::env::temp_dir().join(format!("safe-fs-{}", std::process::id()));
        let (home, outside) = (t.join("home"), t.join("outside"));
        std::fs::create_dir_all(home.join("experts")).unwrap();
        std::fs::create_dir_all(outside.join("1.0.0")).unwrap();
        std::fs::write(outside.join("1.0.0/w"), b"x").unwrap();
        std::os::unix::fs::symlink(&outside, home.join("experts/a")).unwrap();
        let e = remove(&home, &["experts", "a", "1.0.0"]).unwrap_err();
        assert_eq!(e.code, Code::HomeSymlink);
        assert_eq!(remove(&home, &["experts", "a"]).unwrap(), Removed::Link);
        assert!(outside.join("1.0.0/w").exists());
        assert!(remove(&home, &["experts", ".."]).is_err());
        assert_eq!(remove(&home, &["experts", "a"]).unwrap(), Removed::Nothing);
        let _ = std::fs::remove_dir_all(&t);
    }
}

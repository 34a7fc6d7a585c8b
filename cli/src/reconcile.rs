//! Repairs what a crash may have left, under the registry lock: abandoned
//! staging entries, trash from an interrupted replace (restored if the
//! registry still points at it), and expert directories the registry does
//! not know (renamed in, but the registry write never happened). Every
//! deletion and move goes through `safe_fs`: a symbolic link found under
//! `experts/` is unlinked (expert-cli never creates one), never followed.

use crate::error::Result;
use crate::registry::{Registry, RegistryFile};
use crate::safe_fs;
use crate::staging;
use expert_core::registry::layout;

pub fn reconcile() -> Result<()> {
    let _lock = crate::registry::lock()?;
    staging::sweep_staging();
    let reg = Registry::load()?;
    let home = crate::registry::home();
    let known = |dir: &str, version: &str| layout::is_registered(&reg, &home, dir, version);
    for (file, _) in entries(&home, &[".trash"]) {
        if staging::pid_of(&file).is_some_and(staging::pid_alive) {
            continue;
        }
        let rest = file.split_once('-').map(|(_, r)| r).unwrap_or("");
        // `<pid>-<directory name>@<version>`: versions hold no `@`; names
        // from before the name rule may.
        if let Some((name, version)) = rest.rsplit_once('@') {
            if known(name, version) {
                if let Ok(target) = safe_fs::check_parents(&home, &["experts", name, version]) {
                    if std::fs::symlink_metadata(&target).is_err()
                        && std::fs::rename(home.join(".trash").join(&file), &target).is_ok()
                    {
                        continue;
                    }
                }
            }
        }
        let _ = safe_fs::remove(&home, &[".trash", &file]);
    }
    // Without a registry file a crash cannot be told from a lost registry:
    // keep the directories for `registry rebuild`.
    if crate::registry::path().exists() {
        for (name, kind) in entries(&home, &["experts"]) {
            if kind == Kind::Link {
                let _ = safe_fs::remove(&home, &["experts", &name]);
                continue;
            }
            if kind != Kind::Dir {
                continue;
            }
            for (version, kind) in entries(&home, &["experts", &name]) {
                if kind == Kind::Link || (kind == Kind::Dir && !known(&name, &version)) {
                    let _ = safe_fs::remove(&home, &["experts", &name, &version]);
                }
            }
            let _ = safe_fs::remove_if_empty(&home, &["experts", &name]);
        }
    }
    for (f, kind) in entries(&home, &[]) {
        if let Some(pid) = f
            .rsplit_once(".tmp-")
            .and_then(|(_, p)| p.parse::<u32>().ok())
        {
            if kind != Kind::Dir && !staging::pid_alive(pid) {
                let _ = safe_fs::remove(&home, &[&f]);
            }
        }
    }
    Ok(())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Dir,
    Link,
    Other,
}

/// UTF-8 names directly in `home/rel…` with their type, links not
/// followed; nothing when `rel` is reached through a link.
fn entries(home: &std::path::Path, rel: &[&str]) -> Vec<(String, Kind)> {
    let dir = if rel.is_empty() {
        home.to_path_buf()
    } else {
        match safe_fs::resolve(home, rel) {
            Ok(p) if std::fs::symlink_metadata(&p).is_ok_and(|m| m.is_dir()) => p,
            _ => return Vec::new(),
        }
    };
    let Ok(rd) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    rd.flatten()
        .filter_map(|e| {
            let t = e.file_type().ok()?;
            let kind = if t.is_symlink() {
                Kind::Link
            } else if t.is_dir() {
                Kind::Dir
            } else {
                Kind::Other
            };
            Some((e.file_name().to_str()?.to_string(), kind))
        })
        .collect()
}

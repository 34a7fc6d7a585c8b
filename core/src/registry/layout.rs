//! Where installed experts live under `EXPERT_HOME`:
//! `experts/<folded name>/<version>/`, one path component each, so two
//! spellings of a name can never hold two directories (on a case-folding
//! file system they would be one). Installs made before names were folded
//! live at `experts/<name as spelled>/<version>/`; uninstall still finds
//! them.

use super::Registry;
use crate::manifest::name::name_key;
use std::path::{Path, PathBuf};

/// The directory under `experts/` that `install` gives `name`.
pub fn dir_name(name: &str) -> String {
    name_key(name)
}

/// Where `install` puts `name` `version` under `home`.
pub fn install_path(home: &Path, name: &str, version: &str) -> PathBuf {
    home.join("experts").join(dir_name(name)).join(version)
}

/// The directory under `experts/` that holds an installed version whose
/// registry `path` is `path`: the folded name, or for an older install
/// the name as spelled. `None` when `path` is neither, so the registry is
/// wrong and nothing may be deleted on its word.
pub fn installed_dir_name(home: &Path, name: &str, version: &str, path: &Path) -> Option<String> {
    [dir_name(name), name.to_string()]
        .into_iter()
        .find(|dir| path == home.join("experts").join(dir).join(version))
}

/// Whether the registry records a version at `experts/<dir>/<version>`
/// under `home`: what crash recovery keeps (and restores from the trash).
/// Matching the recorded path, not the name, lets it tell an install's
/// directory from one an older spelling left behind.
pub fn is_registered(reg: &Registry, home: &Path, dir: &str, version: &str) -> bool {
    let path = home.join("experts").join(dir).join(version);
    reg.experts
        .iter()
        .flat_map(|r| &r.versions)
        .any(|v| v.path == path)
}

/// The directory under `experts/` where the registry has `name` `version`
/// now, when that is not where `install` puts it (an install from before
/// names were folded, `experts/<spelling>/<version>`): the directory a
/// reinstall of that version replaces, found as `uninstall` finds it
/// (`installed_dir_name`). `None` for any other recorded path.
pub fn superseded_dir(reg: &Registry, home: &Path, name: &str, version: &str) -> Option<String> {
    let record = reg.find(name)?;
    let entry = record.versions.iter().find(|v| v.version == version)?;
    installed_dir_name(home, &record.name, version, &entry.path).filter(|d| *d != dir_name(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_installs_use_the_folded_name_and_old_ones_are_still_found() {
        let home = Path::new("/h");
        let path = install_path(home, "Expert_JSON", "1.0.0");
        assert_eq!(path, Path::new("/h/experts/expert-json/1.0.0"));
        assert_eq!(
            installed_dir_name(home, "Expert_JSON", "1.0.0", &path).as_deref(),
            Some("expert-json")
        );
        let old = Path::new("/h/experts/Expert_JSON/1.0.0");
        assert_eq!(
            installed_dir_name(home, "Expert_JSON", "1.0.0", old).as_deref(),
            Some("Expert_JSON")
        );
        let elsewhere = Path::new("/h/experts/other/1.0.0");
        assert_eq!(
            installed_dir_name(home, "Expert_JSON", "1.0.0", elsewhere),
            None
        );
        let other_version = Path::new("/h/experts/expert-json/2.0.0");
        assert_eq!(
            installed_dir_name(home, "Expert_JSON", "1.0.0", other_version),
            None
        );
    }
}

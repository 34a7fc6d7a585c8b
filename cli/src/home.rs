//! `EXPERT_HOME` (default `~/.expert`): registry, experts, models, trust
//! store and keys all live under it.

use std::path::PathBuf;

pub fn expert_home() -> PathBuf {
    if let Some(h) = std::env::var_os("EXPERT_HOME").filter(|h| !h.is_empty()) {
        return PathBuf::from(h);
    }
    let home = std::env::var_os("HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("."));
    home.join(".expert")
}

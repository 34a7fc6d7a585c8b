//! The registry in upstream's current shape (experts grouped by name with
//! their versions) and the trust store, as serde values. Unknown fields
//! are kept as they are, so other tools' data survives our writes.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::manifest::name::{name_key, same_name};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct VersionEntry {
    pub version: String,
    pub base_model: String,
    pub path: PathBuf,
    pub source: String,
    pub installed_at: String,
    #[serde(default)]
    pub adapters: Vec<Value>,
    #[serde(default)]
    pub capabilities: Vec<String>,
    #[serde(default)]
    pub dependencies: Vec<Value>,
    /// Ours: names this expert cannot be loaded with, and the signing key,
    /// verdict and package hash at install time.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub incompatible_with: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub package_sha256: Option<String>,
    /// Fields written by other tools, kept as they are.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ExpertRecord {
    pub name: String,
    pub versions: Vec<VersionEntry>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Registry {
    pub version: String,
    pub last_updated: String,
    pub install_dir: PathBuf,
    pub models_dir: PathBuf,
    #[serde(default)]
    pub base_models: Vec<Value>,
    pub experts: Vec<ExpertRecord>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Registry {
    /// The record for `name`: the one spelled exactly so, else the one
    /// whose folded key (`name::name_key`) is the same.
    pub fn find(&self, name: &str) -> Option<&ExpertRecord> {
        self.position(name).map(|i| &self.experts[i])
    }

    fn position(&self, name: &str) -> Option<usize> {
        self.experts
            .iter()
            .position(|r| r.name == name)
            .or_else(|| {
                let key = name_key(name);
                self.experts.iter().position(|r| name_key(&r.name) == key)
            })
    }

    /// An installed spelling of the same expert that differs from `name`
    /// (`Expert-Demo` when `expert-demo` is installed).
    pub fn other_spelling(&self, name: &str) -> Option<&str> {
        self.experts
            .iter()
            .map(|r| r.name.as_str())
            .find(|n| *n != name && same_name(n, name))
    }

    /// What `uninstall NAME[@VERSION]` names: the whole text when it is an
    /// installed name (names from before the name rule may hold `@`), else
    /// the part before the last `@` and the version after it.
    pub fn resolve_spec<'s>(&self, spec: &'s str) -> Option<(&ExpertRecord, Option<&'s str>)> {
        if let Some(r) = self.find(spec) {
            return Some((r, None));
        }
        let (name, version) = spec.rsplit_once('@')?;
        self.find(name).map(|r| (r, Some(version)))
    }

    /// Adds or replaces one version; experts stay sorted by name and
    /// versions newest first. A record of the same folded name keeps its
    /// spelling.
    pub fn put(&mut self, name: &str, entry: VersionEntry) {
        let idx = match self.position(name) {
            Some(i) => i,
            None => {
                self.experts.push(ExpertRecord {
                    name: name.to_string(),
                    versions: Vec::new(),
                });
                self.experts.sort_by(|a, b| a.name.cmp(&b.name));
                self.experts
                    .iter()
                    .position(|r| r.name == name)
                    .unwrap_or(0)
            }
        };
        let r = &mut self.experts[idx];
        r.versions.retain(|v| v.version != entry.version);
        r.versions.push(entry);
        r.versions
            .sort_by(|a, b| semver_cmp(&b.version, &a.version));
    }

    /// Removes one version, or all when `version` is None.
    pub fn remove(&mut self, name: &str, version: Option<&str>) -> Vec<VersionEntry> {
        let Some(i) = self.position(name) else {
            return Vec::new();
        };
        let removed: Vec<VersionEntry> = match version {
            None => std::mem::take(&mut self.experts[i].versions),
            Some(v) => {
                let r = &mut self.experts[i];
                let (gone, keep) = r.versions.drain(..).partition(|e| e.version == v);
                r.versions = keep;
                gone
            }
        };
        if self.experts[i].versions.is_empty() {
            self.experts.remove(i);
        }
        removed
    }
}

/// SemVer order when both parse, else byte order.
pub fn semver_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    match (semver::Version::parse(a), semver::Version::parse(b)) {
        (Ok(x), Ok(y)) => x.cmp(&y),
        _ => a.cmp(b),
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct TrustedKey {
    pub key_id: String,
    pub pubkey: String,
    pub name: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Default, PartialEq)]
pub struct TrustStore {
    pub version: u32,
    pub keys: Vec<TrustedKey>,
    /// Expert name (as first installed; matched by its folded key) → the
    /// full public key it is pinned to, `ed25519:<hex>`. Stores written
    /// before 0.2 hold 16-hex key IDs here; see `trust.rs`.
    #[serde(default)]
    pub pins: BTreeMap<String, String>,
}

//! The registry in upstream's current shape (experts grouped by name with
//! their versions) and the trust store, as serde values. Unknown fields
//! are kept as they are, so other tools' data survives our writes.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::manifest::name::{name_key, same_name};

/// One installed version of an expert.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct VersionEntry {
    /// The manifest's `version`.
    pub version: String,
    /// The base model the installed package is for.
    pub base_model: String,
    /// Its directory, `EXPERT_HOME/experts/NAME/VERSION` (see `rules`).
    pub path: PathBuf,
    /// Where it was installed from, as the user named it (`unknown` after
    /// a rebuild that could not tell).
    pub source: String,
    /// When it was installed (RFC 3339).
    pub installed_at: String,
    /// The manifest's adapters.
    #[serde(default)]
    pub adapters: Vec<Value>,
    /// The manifest's `capabilities`.
    #[serde(default)]
    pub capabilities: Vec<String>,
    /// `requires` in upstream's form (see `dependencies`).
    #[serde(default)]
    pub dependencies: Vec<Value>,
    // Ours, from here: upstream's registry has no such fields.
    /// Names this expert cannot be loaded with.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub incompatible_with: Vec<String>,
    /// The signing key's ID at install time; None when unsigned or unknown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_id: Option<String>,
    /// The signature verdict at install time (`verified`, `unsigned`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// The SHA-256 (hex) of the package it was installed from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub package_sha256: Option<String>,
    /// Fields written by other tools, kept as they are.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One expert with every installed version of it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ExpertRecord {
    /// The expert's name as first installed.
    pub name: String,
    /// Newest first, as `Registry::put` keeps them.
    pub versions: Vec<VersionEntry>,
}

/// `expert-registry.json`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Registry {
    /// The file's format version, as upstream writes it.
    pub version: String,
    /// When it was last written (RFC 3339).
    pub last_updated: String,
    /// Where experts are installed: `EXPERT_HOME/experts`.
    pub install_dir: PathBuf,
    /// Where base models live: `EXPERT_HOME/models`.
    pub models_dir: PathBuf,
    /// Upstream's base-model list, kept as it is.
    #[serde(default)]
    pub base_models: Vec<Value>,
    /// By name, as `put` keeps them.
    pub experts: Vec<ExpertRecord>,
    /// Fields written by other tools, kept as they are.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Registry {
    /// The registry of a home where nothing is installed yet, written at
    /// `now` (RFC 3339).
    pub fn empty(home: &std::path::Path, now: String) -> Registry {
        Registry {
            version: "1.0".into(),
            last_updated: now,
            install_dir: home.join("experts"),
            models_dir: home.join("models"),
            base_models: Vec::new(),
            experts: Vec::new(),
            extra: Map::new(),
        }
    }

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

/// A key the user trusts (`trust add`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct TrustedKey {
    /// The key's ID, as shown to people; must be the ID of `pubkey`.
    pub key_id: String,
    /// The full key, `ed25519:<hex>`.
    pub pubkey: String,
    /// The name the user gave it (`trust add --name`).
    pub name: Option<String>,
}

/// `trust.json`: the trusted keys and the per-expert pins.
#[derive(Debug, Clone, Serialize, Deserialize, Default, PartialEq)]
pub struct TrustStore {
    /// The file's format version; 1.
    pub version: u32,
    /// Trusted keys, in the order added.
    pub keys: Vec<TrustedKey>,
    /// Expert name (as first installed; matched by its folded key) → the
    /// full public key it is pinned to, `ed25519:<hex>`. Stores written
    /// before 0.2 hold 16-hex key IDs here; see `trust.rs`.
    #[serde(default)]
    pub pins: BTreeMap<String, String>,
}

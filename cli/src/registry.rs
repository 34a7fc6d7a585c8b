//! `$EXPERT_HOME/expert-registry.json` in upstream's current shape (experts
//! grouped by name with their versions); upstream's older flat shape loads
//! too. Changes happen in `Registry::transaction`: under an exclusive lock,
//! reload, change, write atomically. An unreadable registry is an error
//! with a recovery hint, never silently replaced (upstream wipes it).

use crate::error::{CliError, Exit, Result};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::fs::File;
use std::path::{Path, PathBuf};

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

#[derive(Debug, Clone, Serialize, Deserialize)]
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

pub fn home() -> PathBuf {
    crate::home::expert_home()
}

pub fn path() -> PathBuf {
    home().join("expert-registry.json")
}

fn now() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    expert_core::util::rfc3339_utc(secs)
}

fn unreadable(p: &Path, why: impl std::fmt::Display) -> CliError {
    CliError::new(Exit::General, "E_REGISTRY", format!("{} is unreadable: {why}", p.display()))
        .hint(format!("fix it by hand, or move it aside (mv {0} {0}.bak) and reinstall your experts; it was not changed", p.display()))
}

impl Registry {
    pub fn empty() -> Registry {
        Registry {
            version: "1.0".into(),
            last_updated: now(),
            install_dir: home().join("experts"),
            models_dir: home().join("models"),
            base_models: Vec::new(),
            experts: Vec::new(),
            extra: Map::new(),
        }
    }

    /// Loads the registry (new or legacy shape); a missing file is empty.
    pub fn load() -> Result<Registry> {
        let p = path();
        let bytes = match std::fs::read(&p) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Registry::empty()),
            Err(e) => return Err(CliError::io(&p, e)),
            Ok(b) => b,
        };
        let mut v: Value = serde_json::from_slice(&bytes).map_err(|e| unreadable(&p, e))?;
        let legacy = v
            .get("experts")
            .and_then(Value::as_array)
            .is_some_and(|xs| xs.iter().any(|x| x.get("versions").is_none()));
        if legacy {
            let flat = v["experts"].take();
            let mut records: Vec<ExpertRecord> = Vec::new();
            for mut e in flat.as_array().cloned().unwrap_or_default() {
                let name = e
                    .get("name")
                    .and_then(Value::as_str)
                    .ok_or_else(|| unreadable(&p, "a legacy entry has no name"))?
                    .to_string();
                e.as_object_mut().map(|o| o.remove("name"));
                let entry: VersionEntry =
                    serde_json::from_value(e).map_err(|e| unreadable(&p, e))?;
                match records.iter_mut().find(|r| r.name == name) {
                    Some(r) => r.versions.push(entry),
                    None => records.push(ExpertRecord {
                        name,
                        versions: vec![entry],
                    }),
                }
            }
            v["experts"] = serde_json::to_value(records).expect("serializable");
        }
        serde_json::from_value(v).map_err(|e| unreadable(&p, e))
    }

    /// Runs `f` on the freshly loaded registry under an exclusive lock and
    /// saves the result atomically if `f` succeeds.
    pub fn transaction<T>(f: impl FnOnce(&mut Registry) -> Result<T>) -> Result<T> {
        let _lock = lock()?;
        let mut reg = Registry::load()?;
        let out = f(&mut reg)?;
        reg.save()?;
        Ok(out)
    }

    fn save(&mut self) -> Result<()> {
        self.last_updated = now();
        let json = serde_json::to_string_pretty(self).expect("serializable") + "\n";
        crate::fault::point("registry-write");
        crate::atomic::write(&path(), json.as_bytes())
    }

    pub fn find(&self, name: &str) -> Option<&ExpertRecord> {
        self.experts.iter().find(|r| r.name == name)
    }

    /// Adds or replaces one version; versions stay sorted newest first.
    pub fn put(&mut self, name: &str, entry: VersionEntry) {
        let idx = match self.experts.iter().position(|r| r.name == name) {
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
                    .expect("just added")
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
        let Some(i) = self.experts.iter().position(|r| r.name == name) else {
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

pub fn semver_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    match (semver::Version::parse(a), semver::Version::parse(b)) {
        (Ok(x), Ok(y)) => x.cmp(&y),
        _ => a.cmp(b),
    }
}

/// The registry lock, held for the life of the returned file.
pub fn lock() -> Result<File> {
    crate::atomic::lock_file(&home().join("expert-registry.json.lock"))
}

//! The registry doctor's decisions: how the registry and the `experts/`
//! tree disagree (`registry validate`) and the registry that the tree
//! alone gives (`registry rebuild`). The CLI scans the tree and passes one
//! `Installed` per `experts/NAME/VERSION` directory.

use super::finding::Finding;
use super::record::InstallRecord;
use super::rules::{registry_rules, trust_store_rules};
use super::trust::pin_key_id;
use super::types::{Registry, TrustStore, VersionEntry};
use crate::install::requirement::parse_requirement;
use crate::manifest::name::same_name;
use crate::Code;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// What the installed manifest of one directory says.
#[derive(Debug, Clone, PartialEq)]
pub struct ManifestFacts {
    /// `name`.
    pub name: String,
    /// `version`.
    pub version: String,
    /// The base models' names, in order.
    pub base_models: Vec<String>,
    /// The key ID its `integrity` section names, if signed.
    pub key_id: Option<String>,
    /// The adapters, as the registry lists them.
    pub adapters: Vec<Value>,
    /// `capabilities`.
    pub capabilities: Vec<String>,
    /// `constraints.requires`.
    pub requires: Vec<String>,
    /// `incompatible_with`.
    pub incompatible_with: Vec<String>,
}

/// One `experts/NAME/VERSION` directory as the CLI found it.
#[derive(Debug, Clone, PartialEq)]
pub struct Installed {
    /// The directory name `NAME`.
    pub name: String,
    /// The directory name `VERSION`.
    pub version: String,
    /// The directory, as the registry would list it.
    pub path: PathBuf,
    /// The directory's modification time (RFC 3339), the install time of
    /// last resort.
    pub modified: String,
    /// Its `manifest.json`, or why it could not be read.
    pub manifest: Result<ManifestFacts, String>,
    /// `None` when there is no record file (upstream or by hand).
    pub record: Option<Result<InstallRecord, String>>,
}

impl Installed {
    fn label(&self) -> String {
        format!("experts/{}/{}", self.name, self.version)
    }

    /// The record, when it is readable and names this directory.
    fn usable_record(&self) -> Option<&InstallRecord> {
        match &self.record {
            Some(Ok(r)) if same_name(&r.name, &self.name) && r.entry.version == self.version => {
                Some(r)
            }
            _ => None,
        }
    }
}

const REINSTALL: &str = "reinstall it (`expert-cli install SOURCE`), or remove it with `expert-cli uninstall NAME@VERSION`";
const REBUILD: &str = "run `expert-cli registry rebuild`";

/// Every way the registry, the tree and the trust store disagree, plus
/// the registry's and the trust store's own invariants.
pub fn check_tree(
    reg: &Registry,
    installed: &[Installed],
    trust: Option<&TrustStore>,
    home: &Path,
) -> Vec<Finding> {
    let mut out = registry_rules(reg, home);
    if let Some(t) = trust {
        out.extend(trust_store_rules(t));
    }
    for (i, r) in reg.experts.iter().enumerate() {
        for (j, v) in r.versions.iter().enumerate() {
            let at = format!("experts[{i}].versions[{j}]");
            let who = |f: Finding| f.expert(&r.name, Some(&v.version));
            let Some(dir) = installed.iter().find(|d| d.path == v.path) else {
                out.push(who(Finding::error(
                    Code::RegistryMissingDir,
                    &at,
                    format!(
                        "{} does not exist or is not an expert directory",
                        v.path.display()
                    ),
                )
                .fix(format!(
                    "reinstall it, or `expert-cli uninstall {}@{}`; or {REBUILD}",
                    r.name, v.version
                ))));
                continue;
            };
            out.extend(compare(&r.name, v, dir).into_iter().map(who));
        }
    }
    for d in installed {
        let listed = reg
            .experts
            .iter()
            .flat_map(|r| &r.versions)
            .any(|v| v.path == d.path);
        if !listed {
            out.push(
                Finding::error(
                    Code::RegistryUnlisted,
                    d.label(),
                    "the directory is installed but the registry does not list it",
                )
                .expert(&d.name, Some(&d.version))
                .fix(format!("{REBUILD} to list it, or delete the directory")),
            );
        }
    }
    if let Some(t) = trust {
        out.extend(pins(reg, t));
    }
    out
}

/// One listed version against its directory.
fn compare(name: &str, v: &VersionEntry, d: &Installed) -> Vec<Finding> {
    let mut out = Vec::new();
    let at = d.label();
    match &d.manifest {
        Err(e) => out.push(
            Finding::error(
                Code::RegistryManifest,
                &at,
                format!("its manifest.json is unusable: {e}"),
            )
            .fix(REINSTALL),
        ),
        Ok(m) => compare_manifest(name, v, m, &at, &mut out),
    }
    match &d.record {
        None => {}
        Some(Err(e)) => out.push(
            Finding::warning(Code::WarnRegistryRecord, &at, format!("its install record is unreadable: {e}"))
                .fix(format!("reinstall it to write a new record; until then {REBUILD} cannot restore its source and key")),
        ),
        Some(Ok(_)) if d.usable_record().is_none() => out.push(
            Finding::warning(Code::WarnRegistryRecord, &at, "its install record names another expert or version")
                .fix("reinstall it to write a new record"),
        ),
        Some(Ok(rec)) => compare_record(v, rec, &at, &mut out),
    }
    out
}

/// The listed version against the installed manifest: name, version, base
/// model and signing key.
fn compare_manifest(
    name: &str,
    v: &VersionEntry,
    m: &ManifestFacts,
    at: &str,
    out: &mut Vec<Finding>,
) {
    let mut differs = Vec::new();
    if !same_name(&m.name, name) {
        differs.push(format!("name {:?}", m.name));
    }
    if m.version != v.version {
        differs.push(format!("version {:?}", m.version));
    }
    if !m.base_models.contains(&v.base_model) {
        differs.push(format!(
            "base model {:?} (not {:?})",
            m.base_models.join(", "),
            v.base_model
        ));
    }
    if !differs.is_empty() {
        out.push(
            Finding::error(
                Code::RegistryManifestMismatch,
                at,
                format!("the installed manifest says {}", differs.join(", ")),
            )
            .fix(format!(
                "{REBUILD} to list what is installed, or {REINSTALL}"
            )),
        );
    }
    if m.key_id.is_some() && v.key_id.is_some() && m.key_id != v.key_id {
        out.push(key_mismatch(
            at,
            "the installed manifest's signature",
            &m.key_id,
            &v.key_id,
        ));
    }
}

/// The listed version against the directory's install record: package
/// hash and signing key.
fn compare_record(v: &VersionEntry, rec: &InstallRecord, at: &str, out: &mut Vec<Finding>) {
    if rec.entry.package_sha256 != v.package_sha256 {
        out.push(
            Finding::error(
                Code::RegistryHashMismatch,
                at,
                format!(
                    "the registry records package {} but the directory was installed from {}",
                    v.package_sha256.as_deref().unwrap_or("(none)"),
                    rec.entry.package_sha256.as_deref().unwrap_or("(none)")
                ),
            )
            .fix(format!("{REBUILD} to take what the directory records")),
        );
    }
    if rec.entry.key_id != v.key_id {
        out.push(key_mismatch(
            at,
            "its install record",
            &rec.entry.key_id,
            &v.key_id,
        ));
    }
}

fn key_mismatch(at: &str, what: &str, disk: &Option<String>, reg: &Option<String>) -> Finding {
    let show = |k: &Option<String>| k.clone().unwrap_or_else(|| "no key".into());
    Finding::error(
        Code::RegistryKeyMismatch,
        at,
        format!(
            "the registry records key {} but {what} names {}",
            show(reg),
            show(disk)
        ),
    )
    .fix(format!(
        "{REBUILD} to take what the directory records, or reinstall it"
    ))
}

/// Pins outlive uninstalls (the next install must use the same key), so a
/// pin for an expert that is not installed is fine; an installed signed
/// expert must be pinned to the key it was installed with.
fn pins(reg: &Registry, t: &TrustStore) -> Vec<Finding> {
    let mut out = Vec::new();
    for r in &reg.experts {
        let Some(v) = r.versions.first() else {
            continue;
        };
        let Some(k) = &v.key_id else { continue };
        let pinned: Vec<String> = t.pins_for(&r.name).map(|(_, p)| pin_key_id(p)).collect();
        match pinned.iter().find(|p| *p != k).or(pinned.first()) {
            Some(p) if p != k => out.push(
                Finding::error(
                    Code::RegistryPinMismatch,
                    format!("pins.{}", r.name),
                    format!("the trust store pins key {p}, but the installed version is signed by key {k}"),
                )
                .expert(&r.name, Some(&v.version))
                .fix("if the publisher changed keys, reinstall with --repin; otherwise reinstall from the publisher's source"),
            ),
            Some(_) => {}
            None => out.push(
                Finding::warning(
                    Code::WarnRegistryUnpinned,
                    format!("pins.{}", r.name),
                    format!("the installed version is signed by key {k}, but no pin records it"),
                )
                .expert(&r.name, Some(&v.version))
                .fix("reinstall it, which pins its key"),
            ),
        }
    }
    out
}

/// The registry that the tree alone gives. `base` supplies the top level
/// (the old registry when it still parses, so other tools' fields stay,
/// else a fresh one); its experts are replaced. Each directory's entry
/// comes from its install record; without one, from the old registry's
/// entry for the same path, else from its manifest with the rest marked
/// unknown. Directories whose manifest is unusable or names another
/// expert are left out, each with a finding.
pub fn rebuild(base: &Registry, installed: &[Installed]) -> (Registry, Vec<Finding>) {
    let mut reg = base.clone();
    reg.experts.clear();
    let mut found = Vec::new();
    for d in installed {
        let old = base
            .experts
            .iter()
            .filter(|r| same_name(&r.name, &d.name))
            .flat_map(|r| &r.versions)
            .find(|v| v.path == d.path);
        let m = match &d.manifest {
            Ok(m) if same_name(&m.name, &d.name) && m.version == d.version => m,
            Ok(m) => {
                found.push(
                    Finding::error(
                        Code::RegistryManifestMismatch,
                        d.label(),
                        format!("left out: its manifest is {} {}", m.name, m.version),
                    )
                    .expert(&d.name, Some(&d.version))
                    .fix(REINSTALL),
                );
                continue;
            }
            Err(e) => {
                found.push(
                    Finding::error(Code::RegistryManifest, d.label(), format!("left out: {e}"))
                        .expert(&d.name, Some(&d.version))
                        .fix(REINSTALL),
                );
                continue;
            }
        };
        let mut entry = match (d.usable_record(), old) {
            (Some(rec), _) => rec.entry.clone(),
            (None, Some(o)) => o.clone(),
            (None, None) => from_manifest(m, &d.modified),
        };
        entry.path = d.path.clone();
        if let Some(o) = old {
            for (k, val) in &o.extra {
                entry.extra.entry(k.clone()).or_insert_with(|| val.clone());
            }
        }
        // The manifest's spelling: directories are named by the folded key.
        reg.put(&m.name, entry);
    }
    (reg, found)
}

/// What a directory without a record gives: the manifest's facts; source
/// and verdict unknown; no key (a claimed key is not a verified one).
fn from_manifest(m: &ManifestFacts, modified: &str) -> VersionEntry {
    VersionEntry {
        version: m.version.clone(),
        base_model: m.base_models.first().cloned().unwrap_or_default(),
        path: PathBuf::new(),
        source: "unknown".into(),
        installed_at: modified.to_string(),
        adapters: m.adapters.clone(),
        capabilities: m.capabilities.clone(),
        dependencies: dependencies(&m.requires),
        incompatible_with: m.incompatible_with.clone(),
        key_id: None,
        status: Some("unknown".into()),
        package_sha256: None,
        extra: Default::default(),
    }
}

/// `requires` as upstream's registry records dependencies.
pub fn dependencies(requires: &[String]) -> Vec<Value> {
    requires
        .iter()
        .filter_map(|r| parse_requirement(r).ok())
        .map(|r| {
            let range = r.range.map_or_else(|| "*".to_string(), |v| v.to_string());
            serde_json::json!({"name": r.name, "version": range, "optional": false})
        })
        .collect()
}

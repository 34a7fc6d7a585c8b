//! The invariants of a loaded registry and trust store, in one place:
//! every loader refuses a value that breaks one, and `registry validate`
//! reports them.

use super::finding::Finding;
use super::trust::is_key_id;
use super::types::{ExpertRecord, Registry, TrustStore};
use crate::manifest::name::same_name;
use crate::path::is_safe_component;
use crate::sign::PublicKey;
use crate::Code;
use std::collections::BTreeSet;
use std::path::{Component, Path};

const REBUILD: &str =
    "run `expert-cli registry rebuild`, which rebuilds the registry from experts/";

/// Registry invariants: every expert has a usable, unique name and at least
/// one version; versions are unique per expert and usable as directory
/// names; every path is an absolute directory under `home/experts` (the
/// CLI removes it recursively on uninstall).
pub fn registry_rules(reg: &Registry, home: &Path) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut names = BTreeSet::new();
    let experts_dir = home.join("experts");
    for (i, r) in reg.experts.iter().enumerate() {
        let at = format!("experts[{i}]");
        name_rules(reg, i, &at, &mut names, &mut out);
        if r.versions.is_empty() {
            out.push(
                Finding::error(
                    Code::RegistryEmptyVersions,
                    format!("{at}.versions"),
                    "the expert lists no versions",
                )
                .expert(&r.name, None)
                .fix(format!("delete the entry for {:?}, or {REBUILD}", r.name)),
            );
        }
        version_rules(r, &at, &experts_dir, &mut out);
    }
    out
}

/// The name of `reg.experts[i]`: usable, listed once, and not another
/// spelling of an earlier expert's name. `names` holds the names seen.
fn name_rules<'a>(
    reg: &'a Registry,
    i: usize,
    at: &str,
    names: &mut BTreeSet<&'a str>,
    out: &mut Vec<Finding>,
) {
    let r = &reg.experts[i];
    if !is_safe_component(&r.name) || r.name.trim() != r.name {
        out.push(
            Finding::error(
                Code::RegistryBadName,
                format!("{at}.name"),
                format!("{:?} is not a usable expert name", r.name),
            )
            .fix(REBUILD),
        );
    }
    if let Some(other) = reg
        .experts
        .iter()
        .take(i)
        .find(|o| o.name != r.name && same_name(&o.name, &r.name))
    {
        out.push(
            Finding::warning(
                Code::WarnRegistryNameSpellings,
                at,
                format!(
                    "{:?} and {:?} are two spellings of one expert name; installs made before names were folded let both in",
                    other.name, r.name
                ),
            )
            .expert(&r.name, None)
            .fix(format!(
                "uninstall the one you did not mean to install: `expert-cli uninstall {}`",
                r.name
            )),
        );
    }
    if !names.insert(r.name.as_str()) {
        out.push(
            Finding::error(
                Code::RegistryDuplicateName,
                at,
                "the expert is listed twice",
            )
            .expert(&r.name, None)
            .fix(format!(
                "merge the two entries named {:?} into one, or {REBUILD}",
                r.name
            )),
        );
    }
}

/// One expert's versions: usable as directory names, listed once, and
/// installed under `experts_dir`.
fn version_rules(r: &ExpertRecord, at: &str, experts_dir: &Path, out: &mut Vec<Finding>) {
    let mut versions = BTreeSet::new();
    for (j, v) in r.versions.iter().enumerate() {
        let vat = format!("{at}.versions[{j}]");
        let who = |f: Finding| f.expert(&r.name, Some(&v.version));
        if !is_safe_component(&v.version) {
            out.push(who(Finding::error(
                Code::RegistryBadVersion,
                format!("{vat}.version"),
                format!("{:?} is not a usable version", v.version),
            )
            .fix(REBUILD)));
        }
        if !versions.insert(v.version.as_str()) {
            out.push(who(Finding::error(
                Code::RegistryDuplicateVersion,
                &vat,
                "the version is listed twice",
            )
            .fix(format!("keep one of the two entries, or {REBUILD}"))));
        }
        if !inside(&v.path, experts_dir) {
            out.push(who(Finding::error(
                Code::RegistryPathOutsideHome,
                format!("{vat}.path"),
                format!(
                    "{} is not a directory under {}",
                    v.path.display(),
                    experts_dir.display()
                ),
            )
            .fix(format!(
                "if EXPERT_HOME moved, {REBUILD}; otherwise correct the path"
            ))));
        }
    }
}

/// Whether `p` is absolute, has no `.`/`..` parts, and lies strictly
/// under `dir`.
fn inside(p: &Path, dir: &Path) -> bool {
    absolute(p)
        && p.components().all(|c| {
            matches!(
                c,
                Component::RootDir | Component::Prefix(_) | Component::Normal(_)
            )
        })
        && p != dir
        && p.starts_with(dir)
}

/// Absolute as the host that wrote the registry means it. std's
/// `is_absolute` is false for every path on wasm32-unknown-unknown (no
/// platform there), which made the npm package call every registry broken.
fn absolute(p: &Path) -> bool {
    p.is_absolute() || (cfg!(target_family = "wasm") && p.has_root())
}

const TRUST_FIX: &str =
    "remove the key with `expert-cli trust remove KEY_ID` and add it again with `expert-cli trust add KEY`";

/// Trust-store invariants: format version 1; every key parses and its
/// recorded ID is its own; no key twice; every pin names a usable expert
/// and a full public key (or, from older stores, a key ID).
pub fn trust_store_rules(s: &TrustStore) -> Vec<Finding> {
    let mut out = Vec::new();
    if s.version != 1 {
        out.push(
            Finding::error(
                Code::TrustStoreVersion,
                "version",
                format!("format version {} is not 1, the only one known", s.version),
            )
            .fix("use the expert-cli that wrote this file, or set \"version\": 1 if it was edited by hand"),
        );
    }
    let mut ids = BTreeSet::new();
    for (i, k) in s.keys.iter().enumerate() {
        let at = format!("keys[{i}]");
        match PublicKey::parse(&k.pubkey) {
            Err(e) => out.push(
                Finding::error(Code::TrustStoreKey, format!("{at}.pubkey"), e.to_string())
                    .fix(TRUST_FIX),
            ),
            Ok(pk) if pk.key_id() != k.key_id => out.push(
                Finding::error(
                    Code::TrustStoreKey,
                    format!("{at}.key_id"),
                    format!(
                        "key ID {:?} is not the ID of its key, {}",
                        k.key_id,
                        pk.key_id()
                    ),
                )
                .fix(TRUST_FIX),
            ),
            Ok(_) => {}
        }
        if !ids.insert(k.key_id.as_str()) {
            out.push(
                Finding::error(
                    Code::TrustStoreDuplicateKey,
                    &at,
                    format!("key {} is listed twice", k.key_id),
                )
                .fix("delete one of the two entries by hand"),
            );
        }
    }
    for (name, id) in &s.pins {
        let at = format!("pins.{name}");
        if !is_safe_component(name) {
            out.push(
                Finding::error(
                    Code::TrustStorePin,
                    &at,
                    format!("{name:?} is not a usable expert name"),
                )
                .fix("delete the pin by hand"),
            );
        }
        if !is_key_id(id) && PublicKey::parse(id).is_err() {
            out.push(
                Finding::error(
                    Code::TrustStorePin,
                    &at,
                    format!("{id:?} is neither a public key (ed25519:<64 hex digits>) nor, from older stores, a key ID (16 lowercase hex digits)"),
                )
                .expert(name, None)
                .fix("delete the pin by hand; the next install pins the key again"),
            );
        }
    }
    out
}

//! The registry and trust-store loaders as pure functions over bytes.
//! `parse_*` checks the shape (JSON, types, upstream's legacy flat shape)
//! and names the entry that is wrong; `load_*` adds the invariants of
//! `rules`. Every loader in the CLI goes through `load_*`.

use super::finding::Finding;
use super::rules::{registry_rules, trust_store_rules};
use super::types::{ExpertRecord, Registry, TrustStore, VersionEntry};
use crate::Code;
use serde_json::{Map, Value};
use std::path::Path;

const FIX_REGISTRY: &str =
    "run `expert-cli registry rebuild` to rebuild it from experts/, or fix the entry by hand";
const FIX_TRUST: &str = "fix the entry by hand, or move trust.json aside and re-add your keys with `expert-cli trust add`";

fn shape(at: impl Into<String>, message: impl Into<String>) -> Finding {
    Finding::error(Code::RegistryShape, at, message).fix(FIX_REGISTRY)
}

/// Parses the registry (new or legacy shape) and checks its invariants.
pub fn load_registry(bytes: &[u8], home: &Path) -> Result<Registry, Vec<Finding>> {
    checked(parse_registry(bytes)?, home)
}

/// The registry as a program without `EXPERT_HOME` loads it (the npm
/// package's `installDecision`): the home its paths must lie under is the
/// one its own `install_dir` (`HOME/experts`) names.
pub fn load_registry_standalone(bytes: &[u8]) -> Result<Registry, Vec<Finding>> {
    let reg = parse_registry(bytes)?;
    let home = reg
        .install_dir
        .parent()
        .unwrap_or(&reg.install_dir)
        .to_path_buf();
    checked(reg, &home)
}

fn checked(reg: Registry, home: &Path) -> Result<Registry, Vec<Finding>> {
    let found: Vec<Finding> = registry_rules(&reg, home)
        .into_iter()
        .filter(Finding::is_error)
        .collect();
    if found.is_empty() {
        Ok(reg)
    } else {
        Err(found)
    }
}

/// Parses the registry's shape only; a wrong type names its entry.
pub fn parse_registry(bytes: &[u8]) -> Result<Registry, Vec<Finding>> {
    let v: Value = serde_json::from_slice(bytes).map_err(|e| {
        vec![Finding::error(Code::RegistryJson, "", format!("not JSON: {e}")).fix(FIX_REGISTRY)]
    })?;
    let Value::Object(mut top) = v else {
        return Err(vec![shape("", "the registry is not a JSON object")]);
    };
    let experts = match top.remove("experts") {
        Some(Value::Array(xs)) => xs,
        Some(_) => return Err(vec![shape("experts", "`experts` is not an array")]),
        None => return Err(vec![shape("", "missing field `experts`")]),
    };
    top.insert("experts".into(), Value::Array(Vec::new()));
    let mut reg: Registry =
        serde_json::from_value(Value::Object(top)).map_err(|e| vec![shape("", e.to_string())])?;
    let legacy = experts.iter().any(|x| x.get("versions").is_none());
    let mut problems = Vec::new();
    for (i, x) in experts.into_iter().enumerate() {
        let at = format!("experts[{i}]");
        let result = if legacy {
            legacy_entry(x, &at).map(|(name, entry)| ExpertRecord {
                name,
                versions: vec![entry],
            })
        } else {
            record(x, &at)
        };
        match result {
            // Legacy entries of one name are one record; the rules see
            // duplicates in the new shape only.
            Ok(r) if legacy => match reg.experts.iter_mut().find(|e| e.name == r.name) {
                Some(e) => e.versions.extend(r.versions),
                None => reg.experts.push(r),
            },
            Ok(r) => reg.experts.push(r),
            Err(f) => problems.push(f),
        }
    }
    if problems.is_empty() {
        Ok(reg)
    } else {
        Err(problems)
    }
}

fn name_of(o: &Map<String, Value>, at: &str) -> Result<String, Finding> {
    match o.get("name") {
        Some(Value::String(s)) => Ok(s.clone()),
        Some(_) => Err(shape(format!("{at}.name"), "`name` is not a string")),
        None => Err(shape(at, "the entry has no `name`")),
    }
}

fn record(x: Value, at: &str) -> Result<ExpertRecord, Finding> {
    let Value::Object(mut o) = x else {
        return Err(shape(at, "the entry is not an object"));
    };
    let name = name_of(&o, at)?;
    let Some(Value::Array(vs)) = o.remove("versions") else {
        return Err(
            shape(format!("{at}.versions"), "`versions` is not an array").expert(&name, None),
        );
    };
    let mut versions = Vec::with_capacity(vs.len());
    for (j, v) in vs.into_iter().enumerate() {
        let vat = format!("{at}.versions[{j}]");
        let label = v.get("version").and_then(Value::as_str).map(str::to_string);
        let entry: VersionEntry = serde_json::from_value(v)
            .map_err(|e| shape(vat, e.to_string()).expert(&name, label.as_deref()))?;
        versions.push(entry);
    }
    Ok(ExpertRecord { name, versions })
}

fn legacy_entry(x: Value, at: &str) -> Result<(String, VersionEntry), Finding> {
    let Value::Object(mut o) = x else {
        return Err(shape(at, "the entry is not an object"));
    };
    let name = name_of(&o, at)?;
    o.remove("name");
    let label = o.get("version").and_then(Value::as_str).map(str::to_string);
    let entry = serde_json::from_value(Value::Object(o))
        .map_err(|e| shape(at, e.to_string()).expert(&name, label.as_deref()))?;
    Ok((name, entry))
}

/// Parses the trust store and checks its invariants.
pub fn load_trust_store(bytes: &[u8]) -> Result<TrustStore, Vec<Finding>> {
    let store = parse_trust_store(bytes)?;
    let found: Vec<Finding> = trust_store_rules(&store)
        .into_iter()
        .filter(Finding::is_error)
        .collect();
    if found.is_empty() {
        Ok(store)
    } else {
        Err(found)
    }
}

/// Parses the trust store's shape only.
pub fn parse_trust_store(bytes: &[u8]) -> Result<TrustStore, Vec<Finding>> {
    let trust = |code, at: &str, m: String| vec![Finding::error(code, at, m).fix(FIX_TRUST)];
    let v: Value = serde_json::from_slice(bytes)
        .map_err(|e| trust(Code::TrustStoreJson, "", format!("not JSON: {e}")))?;
    let Value::Object(top) = &v else {
        return Err(trust(
            Code::TrustStoreShape,
            "",
            "the trust store is not a JSON object".into(),
        ));
    };
    if let Some(Value::Array(keys)) = top.get("keys") {
        for (i, k) in keys.iter().enumerate() {
            if let Err(e) = serde_json::from_value::<super::types::TrustedKey>(k.clone()) {
                return Err(trust(
                    Code::TrustStoreShape,
                    &format!("keys[{i}]"),
                    e.to_string(),
                ));
            }
        }
    }
    serde_json::from_value(v).map_err(|e| trust(Code::TrustStoreShape, "", e.to_string()))
}

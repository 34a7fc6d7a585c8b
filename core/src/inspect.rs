//! `inspect`: what a package says about itself, with no trust judgement.

use crate::archive::EntryRecord;
use crate::json::{self, Node};
use crate::manifest::fields::{constraint, strings};
use crate::sign::signer_claim;
use crate::util::hex;
use crate::Limits;
use serde::Serialize;

/// One adapter as the manifest declares it; fields it lacks (or holds
/// with another type) are None.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AdapterSummary {
    /// `type`, such as `lora`.
    #[serde(rename = "type")]
    pub kind: Option<String>,
    /// The LoRA rank.
    #[serde(serialize_with = "js_number")]
    pub r: Option<f64>,
    /// The LoRA alpha.
    #[serde(serialize_with = "js_number")]
    pub alpha: Option<f64>,
    /// Where its weights were, in the expert directory.
    pub path: Option<String>,
    /// The declared size of its weights.
    pub size_bytes: Option<u64>,
    /// The declared SHA-256 of its weights (hex).
    pub sha256: Option<String>,
}

/// A number as JavaScript's `JSON.stringify` writes it (`4`, not `4.0`;
/// `0.000001`, not `1e-6`), so `inspect --json` and the npm package's
/// `inspectPackage` give the same text.
fn js_number<S: serde::Serializer>(value: &Option<f64>, s: S) -> Result<S::Ok, S::Error> {
    match *value {
        Some(x) if x.is_finite() => {
            let text = ryu_js::Buffer::new().format_finite(x).to_string();
            serde_json::value::RawValue::from_string(text)
                .map_err(serde::ser::Error::custom)?
                .serialize(s)
        }
        _ => s.serialize_none(),
    }
}

/// One archive entry as the reader measured it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EntrySummary {
    /// The entry name.
    pub path: String,
    /// Its length in bytes.
    pub size: u64,
    /// The SHA-256 of its bytes (hex).
    pub sha256: String,
}

/// What `inspect` shows (and `inspect --json` writes). The manifest's
/// fields are None when absent or not strings; the signer fields are what
/// the package claims, unverified.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Inspection {
    /// The manifest's `name`.
    pub name: Option<String>,
    /// The manifest's `version`.
    pub version: Option<String>,
    /// The manifest's `schema_version`.
    pub schema_version: Option<String>,
    /// The manifest's `description`.
    pub description: Option<String>,
    /// The manifest's `author`.
    pub author: Option<String>,
    /// The manifest's `license`.
    pub license: Option<String>,
    /// The first base model's name.
    pub base_model: Option<String>,
    /// The first base model's adapters.
    pub adapters: Vec<AdapterSummary>,
    /// The manifest's `capabilities` that are strings.
    pub capabilities: Vec<String>,
    /// `constraints.requires`: experts that must be installed first.
    pub requires: Vec<String>,
    /// `constraints.incompatible_with`: experts that must not be installed.
    pub incompatible_with: Vec<String>,
    /// Whether the package carries a signature, valid or not.
    pub signed: bool,
    /// The key ID the `integrity` section names.
    pub key_id: Option<String>,
    /// The publisher the `integrity` section names.
    pub publisher: Option<String>,
    /// When the `integrity` section says it was signed.
    pub created_at: Option<String>,
    /// Every entry, in archive order.
    pub files: Vec<EntrySummary>,
}

/// Summarizes a package from its entries and manifest bytes.
pub fn inspect(
    records: &[EntryRecord],
    manifest: &[u8],
    limits: &Limits,
) -> Result<Inspection, json::ParseError> {
    let root = json::parse(manifest, limits.max_depth)?.root;
    let s = |n: Option<&Node>| n.and_then(Node::as_str).map(str::to_string);
    let model = root
        .get("base_models")
        .and_then(Node::items)
        .and_then(|m| m.first())
        .or(root.get("base_model"));
    let adapters = model
        .and_then(|m| m.get("adapters"))
        .or(root.get("adapters"))
        .and_then(Node::items)
        .unwrap_or(&[])
        .iter()
        .map(|a| AdapterSummary {
            kind: s(a.get("type")),
            r: a.get("r").and_then(Node::as_f64),
            alpha: a.get("alpha").and_then(Node::as_f64),
            path: s(a.get("path")),
            size_bytes: a.get("size_bytes").and_then(Node::as_u64),
            sha256: s(a.get("sha256")),
        })
        .collect();
    // Signed as `verify` counts it: an `integrity` section or a
    // `signature.sig` (either alone is an invalid signature, not none).
    let integrity = root.get("integrity");
    let signed = integrity.is_some() || records.iter().any(|r| r.path == "signature.sig");
    let claim = integrity.map(signer_claim).unwrap_or_default();
    let owned = |list: Option<&Node>| strings(list).into_iter().map(str::to_string).collect();
    Ok(Inspection {
        name: s(root.get("name")),
        version: s(root.get("version")),
        schema_version: s(root.get("schema_version")),
        description: s(root.get("description")),
        author: s(root.get("author")),
        license: s(root.get("license")),
        base_model: s(model.and_then(|m| m.get("name"))),
        adapters,
        capabilities: owned(root.get("capabilities")),
        requires: owned(constraint(&root, "requires")),
        incompatible_with: owned(constraint(&root, "incompatible_with")),
        signed,
        key_id: claim.key_id,
        publisher: claim.publisher,
        created_at: claim.created_at,
        files: records
            .iter()
            .map(|r| EntrySummary {
                path: r.path.clone(),
                size: r.size,
                sha256: hex::encode(&r.sha256),
            })
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn adapter(r: Option<f64>, alpha: Option<f64>) -> String {
        let a = AdapterSummary {
            kind: None,
            r,
            alpha,
            path: None,
            size_bytes: None,
            sha256: None,
        };
        serde_json::to_string(&a).unwrap()
    }

    #[test]
    fn numbers_are_written_as_javascript_writes_them() {
        assert!(adapter(Some(4.0), Some(8.0)).contains(r#""r":4,"alpha":8,"#));
        assert!(adapter(Some(-0.0), Some(0.5)).contains(r#""r":0,"alpha":0.5,"#));
        assert!(adapter(None, Some(16.25)).contains(r#""r":null,"alpha":16.25,"#));
        // JavaScript's switches between digits and exponents.
        assert!(
            adapter(Some(1e20), Some(1e21)).contains(r#""r":100000000000000000000,"alpha":1e+21,"#)
        );
        assert!(adapter(Some(1e-7), Some(0.000001)).contains(r#""r":1e-7,"alpha":0.000001,"#));
    }
}

//! `inspect`: what a package says about itself, with no trust judgement.

use crate::archive::EntryRecord;
use crate::json::{self, Node, Value};
use crate::sign::signer_claim;
use crate::util::hex;
use crate::Limits;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AdapterSummary {
    #[serde(rename = "type")]
    pub kind: Option<String>,
    #[serde(serialize_with = "js_number")]
    pub r: Option<f64>,
    #[serde(serialize_with = "js_number")]
    pub alpha: Option<f64>,
    pub path: Option<String>,
    pub size_bytes: Option<u64>,
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

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EntrySummary {
    pub path: String,
    pub size: u64,
    pub sha256: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Inspection {
    pub name: Option<String>,
    pub version: Option<String>,
    pub schema_version: Option<String>,
    pub description: Option<String>,
    pub author: Option<String>,
    pub license: Option<String>,
    pub base_model: Option<String>,
    pub adapters: Vec<AdapterSummary>,
    pub capabilities: Vec<String>,
    pub signed: bool,
    pub key_id: Option<String>,
    pub publisher: Option<String>,
    pub created_at: Option<String>,
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
    let capabilities = match root.get("capabilities").map(|c| &c.value) {
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(Node::as_str)
            .map(str::to_string)
            .collect(),
        _ => Vec::new(),
    };
    Ok(Inspection {
        name: s(root.get("name")),
        version: s(root.get("version")),
        schema_version: s(root.get("schema_version")),
        description: s(root.get("description")),
        author: s(root.get("author")),
        license: s(root.get("license")),
        base_model: s(model.and_then(|m| m.get("name"))),
        adapters,
        capabilities,
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

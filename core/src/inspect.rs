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
    pub r: Option<f64>,
    pub alpha: Option<f64>,
    pub path: Option<String>,
    pub size_bytes: Option<u64>,
    pub sha256: Option<String>,
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

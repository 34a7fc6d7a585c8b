//! v1 → v2: `base_model` plus root `adapters` become one `base_models` entry.
//! Every other member keeps its place, text and order.

use super::{detect_schema, SchemaVersion};
use crate::json::{JsonStr, Member, Node, Span, Value};

/// Why a manifest cannot be migrated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MigrateError {
    /// There is nothing to do.
    AlreadyV2,
    /// The v1 fields the migration moves are missing (which one, said).
    NotV1Shape(&'static str),
}

impl std::fmt::Display for MigrateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            MigrateError::AlreadyV2 => f.write_str("the manifest already uses schema 2.0"),
            MigrateError::NotV1Shape(what) => write!(f, "not a valid v1 manifest: {what}"),
        }
    }
}

/// Converts a parsed v1 manifest root into a v2 root.
pub fn migrate_v1_to_v2(root: &Node) -> Result<Node, MigrateError> {
    match detect_schema(root) {
        Ok(SchemaVersion::V1) => {}
        Ok(SchemaVersion::V2) => return Err(MigrateError::AlreadyV2),
        Err(_) => return Err(MigrateError::NotV1Shape("unknown schema_version")),
    }
    let members = root
        .members()
        .ok_or(MigrateError::NotV1Shape("not an object"))?;
    let mut model = root
        .get("base_model")
        .filter(|b| b.members().is_some())
        .cloned()
        .ok_or(MigrateError::NotV1Shape("no `base_model` object"))?;
    let adapters = root
        .get("adapters")
        .cloned()
        .ok_or(MigrateError::NotV1Shape("no root `adapters`"))?;
    model.set("adapters", adapters);

    let member = |key: &str, value: Node| Member {
        key: JsonStr::new(key),
        key_span: Span::default(),
        value,
    };
    let mut out = Vec::with_capacity(members.len() + 1);
    let has_schema = root.get("schema_version").is_some();
    for m in members {
        match m.key.value.as_str() {
            "schema_version" => out.push(member("schema_version", Node::string("2.0"))),
            "base_model" => out.push(member(
                "base_models",
                Node::new(Value::Array(vec![model.clone()])),
            )),
            "adapters" => {}
            _ => {
                out.push(m.clone());
                if m.key.value == "version" && !has_schema {
                    out.push(member("schema_version", Node::string("2.0")));
                }
            }
        }
    }
    if !out.iter().any(|m| m.key.value == "schema_version") {
        out.insert(0, member("schema_version", Node::string("2.0")));
    }
    Ok(Node::new(Value::Object(out)))
}

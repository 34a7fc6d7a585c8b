//! Every manifest rule, returning all findings at once.
//!
//! Upstream's loader rules are implemented by meaning; SPEC §3 adds schema
//! strictness, name and path safety, semver, unique weight paths and, for a
//! directory, the existence, sizes and hashes of declared files.

mod adapters;
mod checker;
mod files;
mod identity;
mod shape;
mod shared;
mod syntax;

use super::{displayed, upstream_compat, Report, SchemaVersion, Severity};
use crate::json::{self, index_path, LineIndex};
use crate::limits::Limits;
use crate::package::files::ExpertFiles;
use crate::Code;
use checker::Checker;

/// Validates manifest text on its own.
pub fn validate(bytes: &[u8], limits: &Limits) -> Report {
    run(bytes, limits, None)
}

/// Validates manifest text and the expert directory around it.
pub fn validate_with_files(bytes: &[u8], limits: &Limits, files: &dyn ExpertFiles) -> Report {
    run(bytes, limits, Some(files))
}

/// The rules in order: the text's size and syntax, then the fields; the
/// directory only for a known schema.
fn run(bytes: &[u8], limits: &Limits, files: Option<&dyn ExpertFiles>) -> Report {
    let text = String::from_utf8_lossy(bytes);
    let lines = LineIndex::new(&text);
    let mut v = Checker::new(&lines);
    if bytes.len() as u64 > limits.max_manifest_size {
        v.push(
            Severity::Error,
            Code::ManifestTooLarge,
            "",
            None,
            format!(
                "the manifest is {} bytes; the limit is {}",
                bytes.len(),
                limits.max_manifest_size
            ),
        );
        return v.finish(None);
    }
    let parsed = match json::parse(bytes, limits.max_depth) {
        Ok(p) => p,
        Err(e) => {
            v.push(
                Severity::Error,
                e.kind.code(),
                "",
                Some(e.offset),
                e.message,
            );
            return v.finish(None);
        }
    };
    let root = &parsed.root;
    v.duplicates(&parsed.duplicates);
    v.numbers(root, &String::new);
    if root.members().is_none() {
        v.at(
            root,
            "",
            Code::Type,
            format!("the manifest must be a JSON object, not {}", root.kind()),
        );
        return v.finish(None);
    }
    let schema = v.schema(root);
    v.identity(root);
    if let Some(schema) = schema {
        v.shape(root, schema);
        v.adapters(root, schema);
    }
    v.shared(root);
    for f in upstream_compat::findings(root) {
        v.warn(f.node, &f.path, f.code, f.message);
    }
    for f in displayed::unsafe_displayed(root) {
        v.warn(f.node, &f.path, Code::WarnControlCharacter, f.message);
    }
    if let (Some(files), Some(schema)) = (files, schema) {
        v.files(root, schema, files);
    }
    v.finish(schema)
}

/// The JSON path of a model's adapters array: root `adapters` in 1.0,
/// `base_models[i].adapters` in 2.0.
fn adapters_path(schema: SchemaVersion, index: usize) -> String {
    match schema {
        SchemaVersion::V1 => "adapters".to_string(),
        SchemaVersion::V2 => format!("{}.adapters", index_path("base_models", index)),
    }
}

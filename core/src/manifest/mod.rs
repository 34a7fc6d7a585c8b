//! The expert manifest: schema detection, typed views over the lossless
//! tree, validation, model selection, naming and migration.

mod diagnostic;
mod displayed;
pub(crate) mod fields;
mod migrate;
pub mod name;
mod select;
mod upstream_compat;
mod validate;

pub use diagnostic::{Diagnostic, Report, Severity};
pub use fields::AdapterView;
pub use migrate::{migrate_v1_to_v2, MigrateError};
pub use select::{
    choose_model, model_slug, normalized_model_key, package_file_name, select_model,
    weights_dir_slugs, SelectError,
};
pub use validate::{validate, validate_with_files};

use crate::json::{self, Node, Style};
use crate::limits::Limits;

/// The manifest layouts we read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SchemaVersion {
    /// 1.0 (upstream's): one `base_model` and root `adapters`.
    V1,
    /// 2.0: a `base_models` array, each with its own adapters.
    V2,
}

impl SchemaVersion {
    /// The version as `schema_version` spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            SchemaVersion::V1 => "1.0",
            SchemaVersion::V2 => "2.0",
        }
    }
}

/// A manifest that parsed and validated without errors.
#[derive(Debug, Clone)]
pub struct Manifest {
    /// The lossless tree: edits keep every field they do not own.
    pub root: Node,
    /// The author's indent and line ending, for writing it back.
    pub style: Style,
    /// The detected schema.
    pub schema: SchemaVersion,
}

/// One base model with its adapters: a `base_models[i]` entry in v2, or
/// `base_model` plus the root `adapters` in v1.
#[derive(Debug, Clone, Copy)]
pub struct ModelView<'a> {
    /// Position in `base_models` (0 in v1).
    pub index: usize,
    /// The model's `name`.
    pub name: &'a str,
    /// The `base_models[i]` or `base_model` object.
    pub node: &'a Node,
    /// The model's adapters (empty when absent).
    pub adapters: &'a [Node],
}

impl Manifest {
    /// Parses and validates; any error-level finding refuses the manifest.
    pub fn parse(bytes: &[u8], limits: &Limits) -> Result<Manifest, Report> {
        let report = validate(bytes, limits);
        if !report.valid {
            return Err(report);
        }
        let parsed = json::parse(bytes, limits.max_depth).expect("validated text parses");
        let schema = detect_schema(&parsed.root).expect("validated schema");
        Ok(Manifest {
            style: Style::detect(parsed.text),
            root: parsed.root,
            schema,
        })
    }

    /// `name`; never empty in a validated manifest.
    pub fn name(&self) -> &str {
        self.root.get("name").and_then(Node::as_str).unwrap_or("")
    }

    /// `version`, a semantic version once validated.
    pub fn version(&self) -> &str {
        self.root
            .get("version")
            .and_then(Node::as_str)
            .unwrap_or("")
    }

    /// Every base model with its adapters, in manifest order.
    pub fn models(&self) -> Vec<ModelView<'_>> {
        models_of(&self.root, self.schema)
    }

    /// The base model names, in manifest order.
    pub fn model_names(&self) -> Vec<&str> {
        self.models().iter().map(|m| m.name).collect()
    }

    /// The manifest text in the author's style.
    pub fn to_text(&self) -> String {
        json::to_pretty(&self.root, &self.style)
    }
}

/// `schema_version`: absent means 1.0; only "1.0" and "2.0" are known.
pub(crate) fn detect_schema(root: &Node) -> Result<SchemaVersion, Option<String>> {
    match root.get("schema_version") {
        None => Ok(SchemaVersion::V1),
        Some(n) => match n.as_str() {
            Some("1.0") => Ok(SchemaVersion::V1),
            Some("2.0") => Ok(SchemaVersion::V2),
            Some(other) => Err(Some(other.to_string())),
            None => Err(None),
        },
    }
}

pub(crate) fn models_of(root: &Node, schema: SchemaVersion) -> Vec<ModelView<'_>> {
    match schema {
        SchemaVersion::V1 => root
            .get("base_model")
            .map(|bm| ModelView {
                index: 0,
                name: model_name(bm),
                node: bm,
                adapters: root.get("adapters").and_then(Node::items).unwrap_or(&[]),
            })
            .into_iter()
            .collect(),
        SchemaVersion::V2 => root
            .get("base_models")
            .and_then(Node::items)
            .unwrap_or(&[])
            .iter()
            .enumerate()
            .map(|(index, bm)| ModelView {
                index,
                name: model_name(bm),
                node: bm,
                adapters: bm.get("adapters").and_then(Node::items).unwrap_or(&[]),
            })
            .collect(),
    }
}

fn model_name(n: &Node) -> &str {
    n.get("name").and_then(Node::as_str).unwrap_or("")
}

/// Files the manifest declares by path (soft prompts and the grammar file),
/// with the JSON path of each declaration.
pub fn declared_files(root: &Node) -> Vec<(&Node, String)> {
    let mut out = Vec::new();
    let prompts = root
        .get("soft_prompts")
        .and_then(Node::items)
        .unwrap_or(&[]);
    for (i, sp) in prompts.iter().enumerate() {
        if let Some(p) = sp.get("path") {
            out.push((p, format!("soft_prompts[{i}].path")));
        }
    }
    let grammar = root
        .get("training")
        .and_then(|t| t.get("decoding"))
        .and_then(|d| d.get("grammar_file"));
    if let Some(g) = grammar {
        out.push((g, "training.decoding.grammar_file".to_string()));
    }
    out
}

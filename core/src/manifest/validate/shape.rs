//! The manifest's shape by schema version: `base_model` with root
//! `adapters` in 1.0, `base_models[i].adapters` in 2.0, never a mix.

use super::Checker;
use crate::json::{index_path, Node};
use crate::manifest::{detect_schema, normalized_model_key, SchemaVersion};
use crate::Code;
use std::collections::HashMap;

impl Checker<'_> {
    /// The schema version; None, reported, when it is not one we know.
    pub(super) fn schema(&mut self, root: &Node) -> Option<SchemaVersion> {
        let found = match detect_schema(root) {
            Ok(s) => return Some(s),
            Err(found) => found,
        };
        let node = root.get("schema_version").expect("present when unknown");
        let (code, msg) = match found {
            Some(s) => (
                Code::SchemaVersionUnknown,
                format!("unknown schema_version {s:?}; known versions are \"1.0\" and \"2.0\""),
            ),
            None => (
                Code::Type,
                format!("schema_version must be a string, not {}", node.kind()),
            ),
        };
        self.at(node, "schema_version", code, msg);
        None
    }

    /// The base model fields of `schema`, and not those of the other one.
    pub(super) fn shape(&mut self, root: &Node, schema: SchemaVersion) {
        let (one, many) = (root.get("base_model"), root.get("base_models"));
        if let (Some(_), Some(m)) = (one, many) {
            self.at(
                m,
                "base_models",
                Code::BothBaseModelFields,
                "both `base_model` (v1) and `base_models` (v2) are present; keep one".into(),
            );
            return;
        }
        match schema {
            SchemaVersion::V1 => self.shape_v1(root, one, many),
            SchemaVersion::V2 => self.shape_v2(root, one, many),
        }
    }

    /// 1.0: a `base_model` object and a non-empty root `adapters`.
    fn shape_v1(&mut self, root: &Node, one: Option<&Node>, many: Option<&Node>) {
        if let Some(m) = many {
            self.at(
                m,
                "base_models",
                Code::SchemaFieldMismatch,
                "`base_models` needs \"schema_version\": \"2.0\"; set it, since the manifest already uses the 2.0 shape"
                    .into(),
            );
            return;
        }
        match one {
            None => self.missing(root, "base_model", "an object naming the base model"),
            Some(bm) if bm.members().is_none() => self.at(
                bm,
                "base_model",
                Code::Type,
                format!("`base_model` must be an object, not {}", bm.kind()),
            ),
            Some(bm) => {
                self.base_model_name(bm, "base_model.name");
            }
        }
        self.adapter_list(root, "adapters");
    }

    /// 2.0: a non-empty `base_models` array; root `adapters` are ignored.
    fn shape_v2(&mut self, root: &Node, one: Option<&Node>, many: Option<&Node>) {
        if let Some(bm) = one {
            self.at(
                bm,
                "base_model",
                Code::SchemaFieldMismatch,
                "schema 2.0 uses `base_models` (an array), not `base_model`".into(),
            );
            return;
        }
        if let Some(a) = root.get("adapters") {
            self.warn(
                a,
                "adapters",
                Code::WarnRootAdaptersIgnored,
                "schema 2.0 ignores root `adapters`; put them under each `base_models[i].adapters`"
                    .into(),
            );
        }
        let Some(models) = self.array(root, "base_models", "base_models") else {
            if many.is_none() {
                self.missing(root, "base_models", "a non-empty array of base models");
            }
            return;
        };
        if models.is_empty() {
            self.at(
                many.unwrap(),
                "base_models",
                Code::NoBaseModels,
                "`base_models` must not be empty".into(),
            );
        }
        // Normalized model name → the index that first used it.
        let mut seen: HashMap<String, usize> = HashMap::new();
        for (i, bm) in models.iter().enumerate() {
            self.base_models_entry(bm, i, &mut seen);
        }
    }

    /// `base_models[i]`: an object whose name no earlier entry normalizes
    /// to (their packages would collide), with its adapters.
    fn base_models_entry(&mut self, bm: &Node, i: usize, seen: &mut HashMap<String, usize>) {
        let path = index_path("base_models", i);
        if bm.members().is_none() {
            self.at(
                bm,
                &path,
                Code::Type,
                format!("`{path}` must be an object, not {}", bm.kind()),
            );
            return;
        }
        if let Some(name) = self.base_model_name(bm, &format!("{path}.name")) {
            let key = normalized_model_key(name);
            if let Some(j) = seen.get(&key) {
                self.at(bm.get("name").unwrap(), &format!("{path}.name"), Code::DuplicateModel, format!("{name:?} names the same model as base_models[{j}]; their packages would collide"));
            }
            seen.entry(key).or_insert(i);
        }
        self.adapter_list(bm, &format!("{path}.adapters"));
    }

    /// A base model's `name`: required and not empty. The name, if it is.
    fn base_model_name<'n>(&mut self, bm: &'n Node, path: &str) -> Option<&'n str> {
        match self.string(bm, "name", path, true) {
            Some("") => {
                self.at(
                    bm.get("name").unwrap(),
                    path,
                    Code::Empty,
                    "the base model name must not be empty".into(),
                );
                None
            }
            name => name,
        }
    }

    /// The `adapters` under `parent`: required, and not an empty array.
    fn adapter_list(&mut self, parent: &Node, path: &str) {
        match self.array(parent, "adapters", path) {
            None if parent.get("adapters").is_none() => {
                self.missing(parent, path, "a non-empty array of adapters")
            }
            Some([]) => self.at(
                parent.get("adapters").unwrap(),
                path,
                Code::NoAdapters,
                format!("`{path}` must not be empty"),
            ),
            _ => {}
        }
    }
}

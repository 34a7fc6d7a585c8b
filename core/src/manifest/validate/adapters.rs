//! Each adapter's fields: its type, the rank and alpha its math needs, the
//! modules it patches, its size and hash, and a weights path of its own.

use super::{adapters_path, Checker};
use crate::json::{index_path, Node};
use crate::manifest::{models_of, SchemaVersion};
use crate::Code;
use std::collections::HashMap;

/// Adapter types whose math needs a rank and an alpha.
const LORA_FAMILY: &[&str] = &["lora", "dora", "qlora", "lokr", "loha"];
const KNOWN_ADAPTERS: &[&str] = &["lora", "dora", "qlora", "lokr", "loha", "ia3"];

impl Checker<'_> {
    /// Every model's `sha256` and adapters, and weights paths that no two
    /// adapters share.
    pub(super) fn adapters(&mut self, root: &Node, schema: SchemaVersion) {
        // Normalized weights path → where it was first declared.
        let mut weight_paths: HashMap<String, String> = HashMap::new();
        for model in models_of(root, schema) {
            let base = match schema {
                SchemaVersion::V1 => "base_model".to_string(),
                SchemaVersion::V2 => index_path("base_models", model.index),
            };
            self.sha256_field(model.node, &format!("{base}.sha256"));
            let adapters_base = adapters_path(schema, model.index);
            for (j, a) in model.adapters.iter().enumerate() {
                self.adapter(a, &index_path(&adapters_base, j), &mut weight_paths);
            }
        }
    }

    /// One adapter object, at JSON path `path`.
    fn adapter(&mut self, a: &Node, path: &str, weight_paths: &mut HashMap<String, String>) {
        if a.members().is_none() {
            self.at(
                a,
                path,
                Code::Type,
                format!("`{path}` must be an object, not {}", a.kind()),
            );
            return;
        }
        let ty = self.adapter_type(a, path);
        self.rank_and_alpha(a, path, ty);
        self.target_modules(a, path);
        if let Some(n) = a.get("size_bytes") {
            if n.as_u64().is_none() {
                self.at(
                    n,
                    &format!("{path}.size_bytes"),
                    Code::Type,
                    "`size_bytes` must be a non-negative integer (0 means not set)".into(),
                );
            }
        }
        self.sha256_field(a, &format!("{path}.sha256"));
        self.weights_path(a, path, weight_paths);
    }

    /// `type`: required; one we do not know is only worth a warning.
    fn adapter_type<'n>(&mut self, a: &'n Node, path: &str) -> Option<&'n str> {
        let ty = self.string(a, "type", &format!("{path}.type"), true);
        if let Some(ty) = ty {
            if !KNOWN_ADAPTERS.contains(&ty.to_ascii_lowercase().as_str()) {
                self.warn(
                    a.get("type").unwrap(),
                    &format!("{path}.type"),
                    Code::WarnAdapterTypeUnknown,
                    format!(
                        "adapter type {ty:?} is not one of {}",
                        KNOWN_ADAPTERS.join(", ")
                    ),
                );
            }
        }
        ty
    }

    /// `r` and `alpha`: required for the LoRA family, above zero for all.
    fn rank_and_alpha(&mut self, a: &Node, path: &str, ty: Option<&str>) {
        let lora = ty.is_some_and(|t| LORA_FAMILY.contains(&t.to_ascii_lowercase().as_str()));
        if lora && a.get("r").is_none() {
            self.at(
                a,
                &format!("{path}.r"),
                Code::AdapterRankMissing,
                format!("{} adapters need a rank `r`", ty.unwrap()),
            );
        }
        if lora && a.get("alpha").is_none() {
            self.at(
                a,
                &format!("{path}.alpha"),
                Code::AdapterAlphaMissing,
                format!("{} adapters need `alpha`", ty.unwrap()),
            );
        }
        self.positive(a, "r", &format!("{path}.r"), Code::Rank, "the rank `r`");
        self.positive(a, "alpha", &format!("{path}.alpha"), Code::Alpha, "`alpha`");
    }

    /// `target_modules`: required, an array of strings.
    fn target_modules(&mut self, a: &Node, path: &str) {
        let tp = format!("{path}.target_modules");
        match self.array(a, "target_modules", &tp) {
            None if a.get("target_modules").is_none() => {
                self.missing(a, &tp, "the modules the adapter patches")
            }
            Some(items) => {
                for (k, m) in items.iter().enumerate() {
                    if m.as_str().is_none() {
                        self.at(
                            m,
                            &index_path(&tp, k),
                            Code::Type,
                            "target modules must be strings".into(),
                        );
                    }
                }
            }
            None => {}
        }
    }

    /// `path`, when set: a safe relative path that no earlier adapter's
    /// weights resolve to (with or without the `weights/` prefix).
    fn weights_path(&mut self, a: &Node, path: &str, weight_paths: &mut HashMap<String, String>) {
        let Some(p) = a.get("path") else { return };
        let pp = format!("{path}.path");
        let Some(text) = p.as_str() else {
            self.at(
                p,
                &pp,
                Code::Type,
                format!("`{pp}` must be a string, not {}", p.kind()),
            );
            return;
        };
        self.safe_path(p, &pp);
        let norm = text.trim_start_matches("weights/").to_string();
        if let Some(other) = weight_paths.get(&norm) {
            self.at(
                p,
                &pp,
                Code::DuplicateWeightPath,
                format!("{pp} points at the same weights as {other}; each model needs its own"),
            );
        }
        weight_paths.entry(norm).or_insert(pp);
    }
}

//! The manifest as packaged: the author's document with `base_models`
//! filtered to the packaged model (still an array) and the adapter's
//! `size_bytes`, `sha256` and `path` filled in, and, when the publisher
//! gave a base-model directory, its `fingerprint`. Nothing else changes.

use super::Plan;
use crate::json::{Node, Value};
use crate::manifest::{Manifest, SchemaVersion};
use crate::util::hex;

/// The packaged manifest for `plan`, with the weights' hash and, if
/// given, the base-model fingerprint.
pub fn packaged_manifest(
    manifest: &Manifest,
    plan: &Plan,
    weight_sha256: &[u8; 32],
    fingerprint: Option<&str>,
) -> Node {
    let mut root = manifest.root.clone();
    root.remove("integrity");
    let fill = |adapters: Option<&mut Node>| {
        if let Some(Value::Array(items)) = adapters.map(|a| &mut a.value) {
            for a in items.iter_mut() {
                a.set("size_bytes", Node::uint(plan.weights.weight_size));
                a.set("sha256", Node::string(&hex::encode(weight_sha256)));
                a.set("path", Node::string(&plan.weight_archive_path));
            }
        }
    };
    match manifest.schema {
        SchemaVersion::V1 => {
            fill(root.get_mut("adapters"));
            if let (Some(fp), Some(model)) = (fingerprint, root.get_mut("base_model")) {
                model.set("fingerprint", Node::string(fp));
            }
        }
        SchemaVersion::V2 => {
            if let Some(Node {
                value: Value::Array(models),
                ..
            }) = root.get_mut("base_models")
            {
                let mut selected = models.swap_remove(plan.model_index);
                fill(selected.get_mut("adapters"));
                if let Some(fp) = fingerprint {
                    selected.set("fingerprint", Node::string(fp));
                }
                *models = vec![selected];
            }
        }
    }
    root
}

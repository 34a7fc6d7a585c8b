//! Directory checks, for a manifest validated in its expert directory:
//! declared files exist and are not Git LFS pointers; adapter weights are
//! found and match the sizes and hashes the manifest sets.

use super::{adapters_path, Checker};
use crate::json::{index_path, Node};
use crate::manifest::{declared_files, models_of, ModelView, SchemaVersion, Severity};
use crate::package::files::{ExpertFiles, FileKind};
use crate::package::{lfs, resolve_weights};
use crate::path::check_relative_path;
use crate::util::hex;
use crate::Code;
use std::collections::BTreeSet;

impl Checker<'_> {
    /// Directory checks: declared files exist; set sizes and hashes match.
    pub(super) fn files(&mut self, root: &Node, schema: SchemaVersion, files: &dyn ExpertFiles) {
        // Files already sniffed for an LFS pointer.
        let mut sniffed = BTreeSet::new();
        self.declared_files_exist(root, files, &mut sniffed);
        for model in models_of(root, schema) {
            let base = adapters_path(schema, model.index);
            for (j, a) in model.adapters.iter().enumerate() {
                let path = index_path(&base, j);
                self.adapter_weights(files, root, &model, a, &path, &mut sniffed);
            }
        }
    }

    /// Soft prompts and the grammar file, where their paths are safe.
    fn declared_files_exist(
        &mut self,
        root: &Node,
        files: &dyn ExpertFiles,
        sniffed: &mut BTreeSet<String>,
    ) {
        for (node, path) in declared_files(root) {
            let Some(p) = node.as_str() else { continue };
            if check_relative_path(p).is_err() {
                continue;
            }
            match files.kind(p) {
                Ok(FileKind::File { size }) => {
                    self.lfs_pointer(files, node, &path, p, size, sniffed)
                }
                Ok(_) => self.at(
                    node,
                    &path,
                    Code::FileMissing,
                    format!("{p}: declared by `{path}` but not found in the expert directory"),
                ),
                Err(e) => self.at(node, &path, Code::FileUnreadable, format!("{p}: {e}")),
            }
        }
    }

    /// The weights of adapter `a` (at JSON path `path`): found (an error
    /// for an explicit `path`, else a warning), then its set `size_bytes`
    /// and `sha256` match.
    fn adapter_weights(
        &mut self,
        files: &dyn ExpertFiles,
        root: &Node,
        model: &ModelView,
        a: &Node,
        path: &str,
        sniffed: &mut BTreeSet<String>,
    ) {
        let weights = match resolve_weights(files, root, model, a, None) {
            Ok(w) => w,
            Err(e) => {
                let explicit = a.get("path").is_some();
                let sev = if explicit {
                    Severity::Error
                } else {
                    Severity::Warning
                };
                let code = if explicit {
                    Code::FileMissing
                } else {
                    Code::WarnWeightsNotFound
                };
                self.push(sev, code, path, Some(a.span.start), e.to_string());
                return;
            }
        };
        let w = &weights.weight_file;
        self.lfs_pointer(files, a, path, w, weights.weight_size, sniffed);
        let size = a.get("size_bytes").and_then(Node::as_u64).unwrap_or(0);
        if size != 0 && size != weights.weight_size {
            self.at(
                a.get("size_bytes").unwrap(),
                &format!("{path}.size_bytes"),
                Code::FileSizeMismatch,
                format!(
                    "{} is {} bytes, but `size_bytes` says {size}",
                    weights.weight_file, weights.weight_size
                ),
            );
        }
        if let Some(want) = a
            .get("sha256")
            .and_then(Node::as_str)
            .and_then(hex::decode32)
        {
            match files.sha256(&weights.weight_file) {
                Ok(got) if got == want => {}
                Ok(got) => self.at(
                    a.get("sha256").unwrap(),
                    &format!("{path}.sha256"),
                    Code::FileHashMismatch,
                    format!(
                        "{} has SHA-256 {}, but `sha256` says {}",
                        weights.weight_file,
                        hex::encode(&got),
                        hex::encode(&want)
                    ),
                ),
                Err(e) => self.at(a, path, Code::FileUnreadable, e),
            }
        }
    }

    /// A Git LFS pointer where a file should be (once per file).
    fn lfs_pointer(
        &mut self,
        files: &dyn ExpertFiles,
        node: &Node,
        path: &str,
        rel: &str,
        size: u64,
        sniffed: &mut BTreeSet<String>,
    ) {
        if size >= lfs::MAX_POINTER_SIZE || !sniffed.insert(rel.to_string()) {
            return;
        }
        if let Ok(head) = files.head(rel, lfs::HEAD_LEN) {
            if lfs::is_pointer(size, &head) {
                self.at(node, path, Code::LfsPointer, lfs::pointer_message(rel));
            }
        }
    }
}

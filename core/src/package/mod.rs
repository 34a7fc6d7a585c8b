//! Packaging: which files go into a package for one base model, where they
//! sit in the archive, and the packaged manifest.

use crate::Code;

pub mod build;
pub mod files;
pub mod lfs;
mod packaged_manifest;
mod plan;
mod resolve;

pub use packaged_manifest::packaged_manifest;
pub use plan::{plan, Plan, PlanOptions, PlannedFile};
pub use resolve::{resolve_weights, Weights};

/// Why a package cannot be planned; `code` is stable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanError {
    /// Why, for programs.
    pub code: Code,
    /// Why, for people: names the file or field.
    pub message: String,
}

impl PlanError {
    pub(crate) fn new(code: Code, message: impl Into<String>) -> Self {
        PlanError {
            code,
            message: message.into(),
        }
    }
}

impl std::fmt::Display for PlanError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

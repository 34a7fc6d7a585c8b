//! Validation findings: severity, stable code, JSON path, message, position.

use crate::Code;
use serde::Serialize;

/// Whether a finding refuses the manifest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The manifest is invalid.
    Error,
    /// Worth fixing; the manifest stays valid.
    Warning,
}

/// One finding about a manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// Whether it refuses the manifest.
    pub severity: Severity,
    /// Stable code such as `E_BOTH_BASE_MODEL_FIELDS`; never reworded.
    pub code: Code,
    /// JSON path such as `base_models[1].adapters[0].r`; `""` is the root.
    pub path: String,
    /// What is wrong and how to fix it, for people.
    pub message: String,
    /// 1-based line in the manifest text, when the finding has a place.
    pub line: Option<usize>,
    /// 1-based column (in characters) on that line.
    pub column: Option<usize>,
}

/// The outcome of validating one manifest, shaped as `validate --json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    /// No finding is an error.
    pub valid: bool,
    /// The schema detected ("1.0" or "2.0"); None when it is unknown or the
    /// text is not a JSON object.
    pub schema_version: Option<&'static str>,
    /// Every finding, in source order (capped codes summed up at the end).
    pub diagnostics: Vec<Diagnostic>,
}

impl Report {
    /// The findings that refuse the manifest.
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
    }
}

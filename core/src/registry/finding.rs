//! One problem found in the registry, the trust store or `experts/`.

use crate::manifest::Severity;
use crate::Code;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub severity: Severity,
    /// Stable code such as `E_REGISTRY_EMPTY_VERSIONS`; never reworded.
    pub code: Code,
    /// The expert concerned, `name` or `name@version`, when there is one.
    pub expert: Option<String>,
    /// Where in the file: a JSON path such as `experts[1].versions[0]`, or
    /// a directory under `EXPERT_HOME` such as `experts/x/1.0.0`.
    pub at: String,
    pub message: String,
    /// What to run or change to fix it.
    pub fix: String,
}

impl Finding {
    pub fn error(code: Code, at: impl Into<String>, message: impl Into<String>) -> Self {
        Finding {
            severity: Severity::Error,
            code,
            expert: None,
            at: at.into(),
            message: message.into(),
            fix: String::new(),
        }
    }

    pub fn warning(code: Code, at: impl Into<String>, message: impl Into<String>) -> Self {
        Finding {
            severity: Severity::Warning,
            ..Finding::error(code, at, message)
        }
    }

    pub fn expert(mut self, name: &str, version: Option<&str>) -> Self {
        self.expert = Some(match version {
            Some(v) => format!("{name}@{v}"),
            None => name.to_string(),
        });
        self
    }

    pub fn fix(mut self, fix: impl Into<String>) -> Self {
        self.fix = fix.into();
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if !self.at.is_empty() {
            write!(f, "{}: ", self.at)?;
        }
        if let Some(e) = &self.expert {
            write!(f, "{e}: ")?;
        }
        write!(f, "{} [{}]", self.message, self.code)
    }
}

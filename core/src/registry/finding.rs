//! One problem found in the registry, the trust store or `experts/`.

use crate::manifest::Severity;
use crate::Code;
use serde::Serialize;

/// Built as `Finding::error(…)` or `warning(…)`, then `.expert(…)` and
/// `.fix(…)`; `registry validate` prints or serializes it as it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// An error makes `registry validate` fail; a warning does not.
    pub severity: Severity,
    /// Stable code such as `E_REGISTRY_EMPTY_VERSIONS`; never reworded.
    pub code: Code,
    /// The expert concerned, `name` or `name@version`, when there is one.
    pub expert: Option<String>,
    /// Where in the file: a JSON path such as `experts[1].versions[0]`, or
    /// a directory under `EXPERT_HOME` such as `experts/x/1.0.0`.
    pub at: String,
    /// What is wrong, for people.
    pub message: String,
    /// What to run or change to fix it.
    pub fix: String,
}

impl Finding {
    /// An error at `at`, without an expert or a fix yet.
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

    /// A warning at `at`, without an expert or a fix yet.
    pub fn warning(code: Code, at: impl Into<String>, message: impl Into<String>) -> Self {
        Finding {
            severity: Severity::Warning,
            ..Finding::error(code, at, message)
        }
    }

    /// Names the expert concerned, and its version when one is.
    pub fn expert(mut self, name: &str, version: Option<&str>) -> Self {
        self.expert = Some(match version {
            Some(v) => format!("{name}@{v}"),
            None => name.to_string(),
        });
        self
    }

    /// Sets what to do about it.
    pub fn fix(mut self, fix: impl Into<String>) -> Self {
        self.fix = fix.into();
        self
    }

    /// Whether it is an error rather than a warning.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// Why a file is refused, for people: `<file> breaks <what>'s rules`, then
/// every finding on its own line. The CLI and the npm package refuse a
/// registry or trust store with this text.
pub fn broken_file_message(file: &str, what: &str, found: &[Finding]) -> String {
    let lines: Vec<String> = found.iter().map(|f| format!("  {f}")).collect();
    format!(
        "{file} breaks {what}'s rules; nothing was changed:\n{}",
        lines.join("\n")
    )
}

/// The first finding's fix that says something, for the refusal's hint.
pub fn first_fix(found: &[Finding]) -> Option<&str> {
    found.iter().map(|f| f.fix.as_str()).find(|f| !f.is_empty())
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

//! Archive errors: a stable code for each way a package can be malformed or
//! hostile, and a message naming the entry.

use crate::Code;

/// A rejected archive. `code` is stable and documented in docs/FORMAT.md.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArchiveError {
    /// What is wrong, for programs.
    pub code: Code,
    /// What is wrong, for people: names the entry where there is one.
    pub message: String,
}

impl ArchiveError {
    /// An error with `code`, explained by `message`.
    pub fn new(code: Code, message: impl Into<String>) -> Self {
        ArchiveError {
            code,
            message: message.into(),
        }
    }
}

impl std::fmt::Display for ArchiveError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ArchiveError {}

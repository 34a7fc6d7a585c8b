//! CLI errors: a documented exit code, a stable problem code, a message
//! that says what to do. Users never see a Rust Debug dump.

use std::fmt;

/// Exit codes (SPEC §9, docs/CLI.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    Ok = 0,
    General = 1,
    Usage = 2,
    MissingDependency = 3,
    Compatibility = 4,
    Integrity = 5,
    Untrusted = 6,
    Validation = 11,
    Packaging = 12,
}

#[derive(Debug)]
pub struct CliError {
    pub exit: Exit,
    pub code: std::borrow::Cow<'static, str>,
    pub message: String,
    pub hint: Option<String>,
}

impl CliError {
    pub fn new(
        exit: Exit,
        code: impl Into<std::borrow::Cow<'static, str>>,
        message: impl Into<String>,
    ) -> Self {
        CliError {
            exit,
            code: code.into(),
            message: message.into(),
            hint: None,
        }
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// An I/O failure on `path`.
    pub fn io(path: &std::path::Path, e: std::io::Error) -> Self {
        let hint = match e.kind() {
            std::io::ErrorKind::NotFound => Some("check the path"),
            std::io::ErrorKind::PermissionDenied => Some("check the file permissions"),
            _ => None,
        };
        let err = CliError::new(Exit::General, "E_IO", format!("{}: {e}", path.display()));
        match hint {
            Some(h) => err.hint(h),
            None => err,
        }
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

pub type Result<T> = std::result::Result<T, CliError>;

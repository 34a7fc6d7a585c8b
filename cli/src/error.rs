//! CLI errors: a stable problem code, a message that says what to do, and
//! the exit status that the code gives where it happened. Users never see a
//! Rust Debug dump.

use std::fmt;

pub use expert_core::{Code, ExitClass};

/// How a command ended: it succeeded (0), or it ran to a negative answer
/// that it reported itself (`validate`'s findings, `verify`'s verdict) and
/// exits with that class's status (SPEC §9, docs/CLI.md). Errors carry
/// their class in [`CliError::exit`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    Ok,
    Failed(ExitClass),
}

impl Exit {
    /// The process exit status.
    pub fn status(self) -> i32 {
        match self {
            Exit::Ok => 0,
            Exit::Failed(class) => class.status().into(),
        }
    }
}

/// Where a failure happened, for the codes whose exit status depends on
/// it (docs/CLI.md, Exit codes). Most errors are [`Context::Default`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Context {
    /// The code's own class ([`Code::exit_class`]).
    #[default]
    Default,
    /// The user's own files, keys or environment, not a hostile input: 1
    /// (a source path that does not exist, an LFS pointer in a source
    /// directory, a private key file that cannot be read).
    Local,
    /// A program the command needs (git) cannot be run: 3.
    ToolMissing,
    /// A package or source that someone else made is malformed, tampered
    /// with or hostile: 5, whatever the defect (a manifest error in a
    /// package is 5, not 11).
    Received,
    /// Core decided the class along with the refusal (`install::Refusal`).
    Decided(ExitClass),
    /// `sign` rewriting a package in place: 1 when reading or writing
    /// failed or the file changed meanwhile, else 5 (the package is not
    /// one that can be signed).
    Signing,
    /// Building a package (`package`, or `install` of a source without
    /// one): 12, whatever the defect.
    Packaging,
}

/// The exit status of `code` in `context`: the one place the CLI maps
/// codes to exit statuses.
pub fn exit_for(code: Code, context: Context) -> ExitClass {
    match context {
        Context::Default => code.exit_class(),
        Context::Local => ExitClass::General,
        Context::ToolMissing => ExitClass::MissingDependency,
        Context::Received => ExitClass::Integrity,
        Context::Decided(class) => class,
        Context::Signing => match code {
            Code::Io | Code::FileChanged => ExitClass::General,
            _ => ExitClass::Integrity,
        },
        Context::Packaging => ExitClass::Packaging,
    }
}

#[derive(Debug)]
pub struct CliError {
    pub code: Code,
    pub context: Context,
    pub message: String,
    pub hint: Option<String>,
}

impl CliError {
    pub fn new(code: Code, message: impl Into<String>) -> Self {
        CliError {
            code,
            context: Context::Default,
            message: message.into(),
            hint: None,
        }
    }

    /// Says where the failure happened, when that changes the exit status.
    pub fn within(mut self, context: Context) -> Self {
        self.context = context;
        self
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// The exit status class.
    pub fn exit(&self) -> ExitClass {
        exit_for(self.code, self.context)
    }

    /// An I/O failure on `path`.
    pub fn io(path: &std::path::Path, e: std::io::Error) -> Self {
        let hint = match e.kind() {
            std::io::ErrorKind::NotFound => Some("check the path"),
            std::io::ErrorKind::PermissionDenied => Some("check the file permissions"),
            _ => None,
        };
        let err = CliError::new(Code::Io, format!("{}: {e}", path.display()));
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_classes_are_the_spec_statuses() {
        for c in Code::ALL {
            assert_eq!(
                exit_for(*c, Context::Default).status(),
                c.exit_class().status(),
                "{c}"
            );
        }
    }
}

//! Safety rules for relative paths (archive entries, declared files) and for
//! names that become path components (expert names).

use crate::Code;

/// Why a path is unsafe. Each kind has its own stable code.
// The variants' meanings are `describe()` (and `code()`'s entries in
// docs/CODES.md); doc comments would be a second copy.
#[allow(missing_docs)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum PathProblem {
    Empty,
    Absolute,
    Drive,
    Backslash,
    Traversal,
    DotSegment,
    EmptySegment,
    Control,
    ReservedName,
    ReservedChar,
}

impl PathProblem {
    /// The stable code of this kind.
    pub fn code(self) -> Code {
        match self {
            PathProblem::Empty => Code::PathEmpty,
            PathProblem::Absolute => Code::PathAbsolute,
            PathProblem::Drive => Code::PathDrive,
            PathProblem::Backslash => Code::PathBackslash,
            PathProblem::Traversal => Code::PathTraversal,
            PathProblem::DotSegment => Code::PathDotSegment,
            PathProblem::EmptySegment => Code::PathEmptySegment,
            PathProblem::Control => Code::PathControl,
            PathProblem::ReservedName => Code::PathReservedName,
            PathProblem::ReservedChar => Code::PathReservedChar,
        }
    }

    /// What is wrong with the path, for people.
    pub fn describe(self) -> &'static str {
        match self {
            PathProblem::Empty => "the path is empty",
            PathProblem::Absolute => "the path is absolute",
            PathProblem::Drive => "the path starts with a drive letter",
            PathProblem::Backslash => "the path contains a backslash",
            PathProblem::Traversal => "the path contains a '..' segment",
            PathProblem::DotSegment => "the path contains a '.' segment",
            PathProblem::EmptySegment => {
                "the path contains an empty segment ('//' or a trailing '/')"
            }
            PathProblem::Control => "the path contains a control character",
            PathProblem::ReservedName => {
                "a path segment is a Windows device name (CON, PRN, AUX, NUL, COM1-9, LPT1-9, with any extension) or ends in a dot or a space, which Windows strips"
            }
            PathProblem::ReservedChar => {
                "the path contains a character Windows does not allow in names (< > : \" | ? *); a ':' names a hidden NTFS data stream"
            }
        }
    }
}

/// Characters Windows does not allow in file names.
const WINDOWS_FORBIDDEN: [char; 7] = ['<', '>', ':', '"', '|', '?', '*'];

/// A relative, `/`-separated path with no `.`/`..`/empty segments, no
/// backslash, drive letter or control character, and nothing that would
/// land elsewhere than its name says on Windows (device names, stripped
/// trailing dots and spaces, data streams).
pub fn check_relative_path(p: &str) -> Result<(), PathProblem> {
    if p.is_empty() {
        return Err(PathProblem::Empty);
    }
    if p.chars().any(char::is_control) {
        return Err(PathProblem::Control);
    }
    if p.starts_with('/') {
        return Err(PathProblem::Absolute);
    }
    if p.contains('\\') {
        return Err(PathProblem::Backslash);
    }
    let b = p.as_bytes();
    if b.len() >= 2 && b[0].is_ascii_alphabetic() && b[1] == b':' {
        return Err(PathProblem::Drive);
    }
    for seg in p.split('/') {
        match seg {
            "" => return Err(PathProblem::EmptySegment),
            "." => return Err(PathProblem::DotSegment),
            ".." => return Err(PathProblem::Traversal),
            _ => {}
        }
    }
    if p.contains(WINDOWS_FORBIDDEN) {
        return Err(PathProblem::ReservedChar);
    }
    if p.split('/').any(windows_reserved) {
        return Err(PathProblem::ReservedName);
    }
    Ok(())
}

/// `CON`, `nul.txt`, `com1.tar.gz`, `readme.`, `x ` and the like: names
/// that Windows maps to a device or silently renames.
fn windows_reserved(segment: &str) -> bool {
    if segment.ends_with(['.', ' ']) {
        return true;
    }
    let stem = segment.split('.').next().unwrap_or("").to_ascii_uppercase();
    let stem = stem.trim_end_matches(' ');
    match stem.as_bytes() {
        b"CON" | b"PRN" | b"AUX" | b"NUL" => true,
        [a, b, c, d] => matches!(&[*a, *b, *c], b"COM" | b"LPT") && (b'1'..=b'9').contains(d),
        _ => false,
    }
}

/// The name as case-insensitive, normalization-insensitive file systems
/// (macOS by default, Windows) see it: lowercase, canonically decomposed.
/// Two names with the same fold are one file there.
pub fn fold_name(path: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    path.to_lowercase().nfd().collect()
}

/// Whether `name` is safe as one path component (an expert's install
/// directory): no separators, no `..`, no control characters, not `.`,
/// nothing Windows forbids or reserves.
pub fn is_safe_component(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 128
        && name != "."
        && !name.contains("..")
        && !name.contains(['/', '\\'])
        && !name.contains(WINDOWS_FORBIDDEN)
        && !name.chars().any(char::is_control)
        && !windows_reserved(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_each_unsafe_form() {
        let cases = [
            ("", PathProblem::Empty),
            ("/etc/passwd", PathProblem::Absolute),
            ("C:/x", PathProblem::Drive),
            ("a\\b", PathProblem::Backslash),
            ("a/../../b", PathProblem::Traversal),
            ("./a", PathProblem::DotSegment),
            ("a//b", PathProblem::EmptySegment),
            ("a/", PathProblem::EmptySegment),
            ("a\nb", PathProblem::Control),
            ("CON", PathProblem::ReservedName),
            ("soft_prompts/nul.bin", PathProblem::ReservedName),
            ("Com1.tar.gz", PathProblem::ReservedName),
            ("lpt9", PathProblem::ReservedName),
            ("aux .txt", PathProblem::ReservedName),
            ("README.md.", PathProblem::ReservedName),
            ("README.md ", PathProblem::ReservedName),
            ("adapter.safetensors:hidden", PathProblem::ReservedChar),
            ("what?.bin", PathProblem::ReservedChar),
            ("a|b", PathProblem::ReservedChar),
        ];
        for (p, want) in cases {
            assert_eq!(check_relative_path(p), Err(want), "{p:?}");
        }
        for ok in [
            "soft_prompts/x.bin",
            "console.txt",
            "com10",
            "lpt",
            "conf/aux_data.bin",
            ".hidden",
        ] {
            assert_eq!(check_relative_path(ok), Ok(()), "{ok:?}");
        }
    }

    #[test]
    fn folding_joins_case_and_normalization_variants() {
        assert_eq!(fold_name("README.md"), fold_name("readme.MD"));
        assert_eq!(fold_name("caf\u{e9}.bin"), fold_name("cafe\u{301}.bin"));
        assert_eq!(fold_name("CAF\u{c9}.bin"), fold_name("cafe\u{301}.bin"));
        assert_ne!(fold_name("cafe.bin"), fold_name("caf\u{e9}.bin"));
    }

    #[test]
    fn names_must_be_single_safe_components() {
        for bad in [
            "../../x", "a/b", "a\\b", "..", ".", "", "x\u{0}", "C:x", "CON", "nul.json", "x?", "x.",
        ] {
            assert!(!is_safe_component(bad), "{bad:?}");
        }
        assert!(is_safe_component("expert-json"));
    }
}

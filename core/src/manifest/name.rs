//! Expert names: which spellings are allowed, and the one folded key that
//! every comparison uses (registry, pins, install directories, uninstall,
//! update, dependencies), as PyPI normalizes project names.
//!
//! The rule (docs/FORMAT.md §3 "Names"): ASCII letters, digits, `-`, `_`
//! and `.`; the first and last character a letter or digit; at most
//! `MAX_NAME_LEN` bytes; not a Windows device name. No `@`, no spaces, no
//! control, zero-width or bidi characters, and no non-ASCII letters, so no
//! Cyrillic or Greek look-alike can spell a name that reads like another.
//!
//! The key: ASCII lowercase, with each run of `-`, `_` and `.` made one
//! `-`. `Expert-Demo-V1`, `expert_demo.v1` and `expert-demo-v1` are one
//! expert, as case-insensitive file systems and PyPI see them.

/// The longest allowed name, in bytes.
pub const MAX_NAME_LEN: usize = 128;

/// Why a name is not allowed. Each problem says which characters are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NameProblem {
    /// No characters at all.
    Empty,
    /// Longer than `MAX_NAME_LEN` bytes (the length is given).
    TooLong(usize),
    /// Characters outside the allowed set, each once, in order of appearance.
    Characters(Vec<char>),
    /// Starts or ends with `-`, `_` or `.`.
    Edge(char),
    /// A Windows device name (`CON`, `nul`, `COM1`, …).
    Reserved,
}

impl NameProblem {
    /// The problem in words, to follow "name …: ".
    pub fn describe(&self) -> String {
        match self {
            NameProblem::Empty => "it is empty".into(),
            NameProblem::TooLong(n) => {
                format!("it is {n} bytes long; at most {MAX_NAME_LEN} are allowed")
            }
            NameProblem::Characters(cs) => {
                let shown: Vec<String> = cs.iter().map(|&c| describe_char(c)).collect();
                format!(
                    "{} {} not allowed",
                    shown.join(", "),
                    if cs.len() == 1 { "is" } else { "are" }
                )
            }
            NameProblem::Edge(c) => format!(
                "it starts or ends with {}; the first and last character must be a letter or digit",
                describe_char(*c)
            ),
            NameProblem::Reserved => {
                "it is a Windows device name (CON, PRN, AUX, NUL, COM1-9, LPT1-9)".into()
            }
        }
    }
}

/// What the allowed set is, for error messages.
pub const NAME_RULE: &str = "expert names use only ASCII letters, digits, '-', '_' and '.', start and end with a letter or digit, and are compared ignoring case and the difference between '-', '_' and '.'";

fn allowed(c: char) -> bool {
    c.is_ascii_alphanumeric() || is_separator(c)
}

fn is_separator(c: char) -> bool {
    matches!(c, '-' | '_' | '.')
}

/// Whether `name` is an allowed expert name.
pub fn check_name(name: &str) -> Result<(), NameProblem> {
    if name.is_empty() {
        return Err(NameProblem::Empty);
    }
    let mut bad: Vec<char> = Vec::new();
    for c in name.chars().filter(|&c| !allowed(c)) {
        if !bad.contains(&c) {
            bad.push(c);
        }
    }
    if !bad.is_empty() {
        return Err(NameProblem::Characters(bad));
    }
    if name.len() > MAX_NAME_LEN {
        return Err(NameProblem::TooLong(name.len()));
    }
    let first = name.chars().next().unwrap_or('-');
    let last = name.chars().next_back().unwrap_or('-');
    if let Some(c) = [first, last].into_iter().find(|&c| is_separator(c)) {
        return Err(NameProblem::Edge(c));
    }
    let stem = name.split('.').next().unwrap_or("").to_ascii_uppercase();
    let reserved = match stem.as_bytes() {
        b"CON" | b"PRN" | b"AUX" | b"NUL" => true,
        [a, b, c, d] => matches!(&[*a, *b, *c], b"COM" | b"LPT") && (b'1'..=b'9').contains(d),
        _ => false,
    };
    if reserved {
        return Err(NameProblem::Reserved);
    }
    Ok(())
}

/// The folded key of a name: what registry entries, pins, install
/// directories and dependency checks compare. For an allowed name it is
/// ASCII-lowercase with each run of `-`, `_`, `.` made one `-`; names
/// that older versions let in (non-ASCII) are also case-folded and
/// decomposed (`path::fold_name`), so they compare as the file system does.
pub fn name_key(name: &str) -> String {
    let folded = crate::path::fold_name(name);
    let mut out = String::with_capacity(folded.len());
    let mut in_run = false;
    for c in folded.chars() {
        if is_separator(c) {
            if !in_run {
                out.push('-');
            }
            in_run = true;
        } else {
            out.push(c);
            in_run = false;
        }
    }
    out
}

/// Whether two names are one expert.
pub fn same_name(a: &str, b: &str) -> bool {
    a == b || name_key(a) == name_key(b)
}

/// A character as an error message shows it: `'@'`, `' ' (space)`, or
/// `U+200B (zero-width space)` for anything not printable ASCII.
pub fn describe_char(c: char) -> String {
    let what = match c {
        ' ' => Some("space"),
        '\u{200B}' => Some("zero-width space"),
        '\u{200C}' => Some("zero-width non-joiner"),
        '\u{200D}' => Some("zero-width joiner"),
        '\u{2060}' => Some("word joiner"),
        '\u{FEFF}' => Some("zero-width no-break space"),
        '\u{00AD}' => Some("soft hyphen"),
        '\u{200E}' | '\u{200F}' | '\u{061C}' => Some("bidi mark"),
        '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' => Some("bidi control"),
        c if c.is_control() => Some("control character"),
        c if !c.is_ascii() && c.is_alphabetic() => Some("non-ASCII letter"),
        c if !c.is_ascii() => Some("non-ASCII character"),
        _ => None,
    };
    match what {
        None => format!("{c:?}"),
        Some(w) if c == ' ' => format!("' ' ({w})"),
        Some(w) => format!("U+{:04X} ({w})", c as u32),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rule_admits_real_names_and_refuses_each_class() {
        for ok in [
            "expert-json",
            "expert-sql",
            "test-expert-v1",
            "Expert_Demo.v2",
            "a",
            "x9",
        ] {
            assert_eq!(check_name(ok), Ok(()), "{ok}");
        }
        let chars = |n: &str| match check_name(n) {
            Err(NameProblem::Characters(cs)) => cs,
            other => panic!("{n:?}: {other:?}"),
        };
        assert_eq!(chars("evil@1.0.0"), vec!['@']);
        assert_eq!(chars("expert\u{200B}-json"), vec!['\u{200B}']);
        assert_eq!(chars("expert\u{202E}nosj"), vec!['\u{202E}']);
        assert_eq!(chars("\u{0435}xpert-json"), vec!['\u{0435}']);
        assert_eq!(chars("a b\nc"), vec![' ', '\n']);
        assert_eq!(chars("../x"), vec!['/']);
        assert_eq!(chars("cafe\u{301}"), vec!['\u{301}']);
        assert_eq!(check_name(""), Err(NameProblem::Empty));
        assert_eq!(check_name("-x"), Err(NameProblem::Edge('-')));
        assert_eq!(check_name("x."), Err(NameProblem::Edge('.')));
        assert_eq!(check_name(".."), Err(NameProblem::Edge('.')));
        assert_eq!(check_name("nul.json"), Err(NameProblem::Reserved));
        assert_eq!(check_name("COM1"), Err(NameProblem::Reserved));
        assert!(matches!(
            check_name(&"a".repeat(129)),
            Err(NameProblem::TooLong(129))
        ));
        let msg = NameProblem::Characters(vec!['@', '\u{200B}']).describe();
        assert_eq!(msg, "'@', U+200B (zero-width space) are not allowed");
    }

    #[test]
    fn case_and_separator_spellings_share_one_key() {
        assert_eq!(name_key("Expert-Demo-V1"), "expert-demo-v1");
        assert_eq!(name_key("expert_demo.v1"), "expert-demo-v1");
        assert_eq!(name_key("expert--demo__v1"), "expert-demo-v1");
        assert!(same_name("EXPERT-JSON", "expert_json"));
        assert!(!same_name("expert-json", "expert-jsonl"));
        // Legacy non-ASCII names fold as macOS sees them.
        assert_eq!(name_key("caf\u{e9}"), name_key("CAFE\u{301}"));
    }
}

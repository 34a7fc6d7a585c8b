//! The code list is generated from `Code::ALL`, and nothing emits a code
//! that is not in it.
//!
//! - `docs/CODES.md`, `wasm/js/codes.js` (the npm package's `codes`) and the
//!   `Code` union in `wasm/js/index.d.ts` (between `// codes:begin` and
//!   `// codes:end`) must equal what [`Code::ALL`] generates. After changing
//!   the enum, regenerate them with
//!   `UPDATE_CODES=1 cargo test -p expert-core --test codes`.
//! - Every code-shaped string literal (`"E_…"`, `'W_…'`) in the sources of
//!   the core, the CLI, the wasm bindings, the npm wrapper and the web page
//!   is a known code, so every code anything can emit is documented; and
//!   every known code is emitted somewhere (`Code::Variant` in Rust, the
//!   string in JS), so the list documents no dead codes.

use expert_core::{Code, ExitClass};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the core crate sits in the workspace")
        .to_path_buf()
}

const REGENERATE: &str = "UPDATE_CODES=1 cargo test -p expert-core --test codes";

const CLASSES: [ExitClass; 8] = [
    ExitClass::General,
    ExitClass::Usage,
    ExitClass::MissingDependency,
    ExitClass::Compatibility,
    ExitClass::Integrity,
    ExitClass::Untrusted,
    ExitClass::Validation,
    ExitClass::Packaging,
];

fn md_cell(s: &str) -> String {
    s.replace('|', "\\|")
}

fn codes_md() -> String {
    let mut out = String::new();
    out.push_str("# Codes\n\n");
    out.push_str(&format!(
        "<!-- Generated from `expert_core::Code` (core/src/code.rs) by `{REGENERATE}`; do not edit. -->\n\n"
    ));
    out.push_str(
        "Every stable code that `expert-cli`, the npm package `expert-format` and the web \
page report: in `validate --json` diagnostics, in `verify --json` problems, in \
`--json` errors (`{\"error\": {\"code\", …}}`) and as the `code` of the npm \
package's errors. `E_…` codes are errors, `W_…` codes are warnings; a code's \
string never changes once published. The npm package exports this list as \
`codes`, and its TypeScript declarations type `code` as the union of these \
strings.\n\n",
    );
    out.push_str(
        "**Exit** is the `expert-cli` exit status that the code gives by default \
([CLI.md](CLI.md#exit-codes)); a warning never fails a command. Where a failure \
happened can change it, in one place (`exit_for` in `cli/src/error.rs`): any \
defect of a package or source that someone else made (a manifest error in a \
package, an LFS pointer in a package, an oversized source manifest) is 5; any \
failure while building a package (`package`, or `install` of a source without \
a package) is 12; the user's own files, keys and paths are 1 (a source path \
that does not exist, an LFS pointer in a source directory, a private key file \
that cannot be read); `git` that cannot be run is 3; `E_NAME_CONFLICT` is 6 \
when a trust pin, not an installed expert, holds the name; `sign` gives 1 for \
`E_IO` and `E_FILE_CHANGED` and 5 for any other defect. `validate` exits 11 \
for any error diagnostic and `verify` by its status.\n\n",
    );
    out.push_str("| exit | meaning |\n| --- | --- |\n");
    for c in CLASSES {
        out.push_str(&format!("| {} | {} |\n", c.status(), c.describe()));
    }
    out.push_str("\n## All codes\n\n| code | exit | meaning |\n| --- | --- | --- |\n");
    for c in Code::ALL {
        out.push_str(&format!(
            "| `{}` | {} | {} |\n",
            c.as_str(),
            c.exit_class().status(),
            md_cell(c.meaning())
        ));
    }
    out
}

fn js_string(s: &str) -> String {
    serde_json::to_string(s).unwrap()
}

fn codes_js() -> String {
    let mut out = String::new();
    out.push_str(&format!(
        "// @ts-check\n// Generated from expert-core's Code enum (core/src/code.rs) by\n// `{REGENERATE}`; do not edit.\n\n"
    ));
    out.push_str("/**\n * Every stable code this package, expert-cli and the web page report: the\n * string, the expert-cli exit status it gives by default, and its meaning\n * (docs/CODES.md).\n */\nexport const codes = Object.freeze([\n");
    for c in Code::ALL {
        out.push_str(&format!(
            "  Object.freeze({{ code: {}, exit: {}, meaning: {} }}),\n",
            js_string(c.as_str()),
            c.exit_class().status(),
            js_string(c.meaning())
        ));
    }
    out.push_str("]);\n");
    out
}

const DTS_BEGIN: &str = "// codes:begin";
const DTS_END: &str = "// codes:end";

fn dts_region() -> String {
    let mut out = String::new();
    out.push_str(&format!(
        "{DTS_BEGIN} (generated from expert-core's Code enum by `{REGENERATE}`; do not edit)\n"
    ));
    out.push_str("/** A stable error or warning code (docs/CODES.md). */\nexport type Code =\n");
    for (i, c) in Code::ALL.iter().enumerate() {
        let end = if i + 1 == Code::ALL.len() { ";" } else { "" };
        out.push_str(&format!("  | \"{}\"{end}\n", c.as_str()));
    }
    out.push_str(
        "\n/** One entry of `codes`. */\nexport interface CodeInfo {\n  readonly code: Code;\n  /** The expert-cli exit status the code gives by default. */\n  readonly exit: 1 | 2 | 3 | 4 | 5 | 6 | 11 | 12;\n  /** What the code means, in one line. */\n  readonly meaning: string;\n}\n\n/** Every code, its default expert-cli exit status and its meaning. */\nexport declare const codes: readonly CodeInfo[];\n",
    );
    out.push_str(DTS_END);
    out
}

/// Compares `path` with `want`, or writes it under `UPDATE_CODES=1`.
fn check_file(rel: &str, want: &str) {
    let path = repo().join(rel);
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    if have == want {
        return;
    }
    if std::env::var_os("UPDATE_CODES").is_some() {
        std::fs::write(&path, want).unwrap();
        return;
    }
    panic!("{rel} is not what Code::ALL generates; run `{REGENERATE}`");
}

#[test]
fn codes_md_is_generated_from_the_enum() {
    check_file("docs/CODES.md", &codes_md());
}

#[test]
fn npm_codes_list_is_generated_from_the_enum() {
    check_file("wasm/js/codes.js", &codes_js());
}

#[test]
fn index_d_ts_code_union_is_generated_from_the_enum() {
    let rel = "wasm/js/index.d.ts";
    let text = std::fs::read_to_string(repo().join(rel)).unwrap();
    let (start, end) = match (text.find(DTS_BEGIN), text.find(DTS_END)) {
        (Some(s), Some(e)) if s < e => (s, e + DTS_END.len()),
        _ => panic!("{rel} lacks the `{DTS_BEGIN}` … `{DTS_END}` region"),
    };
    let want = format!("{}{}{}", &text[..start], dts_region(), &text[end..]);
    check_file(rel, &want);
}

/// Source files whose code literals must be known codes.
fn sources() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(&p, out);
            } else if p
                .extension()
                .is_some_and(|x| ["rs", "js", "mjs", "ts"].iter().any(|k| x == *k))
            {
                out.push(p);
            }
        }
    }
    let mut out = Vec::new();
    for d in ["core/src", "cli/src", "wasm/src", "wasm/js", "web/src"] {
        walk(&repo().join(d), &mut out);
    }
    out.sort();
    out
}

/// Code-shaped string literals: `"E_X"`, `'W_Y'`, `` `E_Z` `` (whole
/// literals only, so prefixes such as `"W_UPSTREAM_"` in a `starts_with`
/// are not codes).
fn literals(text: &str) -> Vec<String> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    for i in 0..b.len() {
        let q = b[i];
        if !matches!(q, b'"' | b'\'' | b'`') || i + 3 >= b.len() {
            continue;
        }
        if !matches!(b[i + 1], b'E' | b'W') || b[i + 2] != b'_' {
            continue;
        }
        let mut j = i + 3;
        while j < b.len() && (b[j].is_ascii_uppercase() || b[j].is_ascii_digit() || b[j] == b'_') {
            j += 1;
        }
        if j < b.len() && b[j] == q && j > i + 3 && b[j - 1] != b'_' {
            out.push(text[i + 1..j].to_string());
        }
    }
    out
}

#[test]
fn every_code_the_sources_emit_is_known_and_documented() {
    let documented = std::fs::read_to_string(repo().join("docs/CODES.md")).unwrap();
    let mut unknown = BTreeSet::new();
    let mut emitted: BTreeSet<Code> = BTreeSet::new();
    for p in sources() {
        let rel = p.strip_prefix(repo()).unwrap().display().to_string();
        if rel.ends_with("core/src/code.rs") || rel.ends_with("wasm/js/codes.js") {
            continue;
        }
        let text = std::fs::read_to_string(&p).unwrap();
        for s in literals(&text) {
            match s.parse::<Code>() {
                Ok(c) => {
                    emitted.insert(c);
                }
                Err(_) => {
                    unknown.insert(format!("{rel}: {s}"));
                }
            }
        }
        if rel.ends_with(".rs") {
            for c in Code::ALL {
                let used = format!("Code::{c:?}");
                if text.match_indices(&used).any(|(i, _)| {
                    !text[i + used.len()..]
                        .starts_with(|ch: char| ch.is_ascii_alphanumeric() || ch == '_')
                }) {
                    emitted.insert(*c);
                }
            }
        }
    }
    assert!(
        unknown.is_empty(),
        "code strings that are not in expert_core::Code (add them to core/src/code.rs, or use an existing code):\n{}",
        unknown.into_iter().collect::<Vec<_>>().join("\n")
    );
    for c in Code::ALL {
        assert!(
            documented.contains(&format!("| `{}` |", c.as_str())),
            "{c} is not in docs/CODES.md; run `{REGENERATE}`"
        );
    }
    let dead: Vec<&str> = Code::ALL
        .iter()
        .filter(|c| !emitted.contains(c))
        .map(|c| c.as_str())
        .collect();
    assert!(
        dead.is_empty(),
        "codes that nothing emits (remove them, or emit them): {dead:?}"
    );
}

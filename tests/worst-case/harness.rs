//! The worst-case corpus as the Rust test suites read it: generated once per
//! test binary by tests/worst-case/generate.py into the target directory
//! (too big to commit), laid out like tests/conformance/cases/ so that the
//! conformance harness's `expected` reads its verdicts. Included with
//! `#[path]` by core/tests/worst_case.rs and cli/tests/worst_case.rs.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// Every case the generator must write; a missing one fails the test.
pub const CASES: &[&str] = &[
    "deepest-manifest-nesting",
    "longest-entry-names",
    "many-listed-entries",
    "many-unlisted-entries",
    "most-validation-findings",
    "widest-manifest-object",
];

/// Runs the generator (once) and returns the case directories, sorted.
pub fn case_dirs() -> Vec<PathBuf> {
    static OUT: OnceLock<PathBuf> = OnceLock::new();
    let out = OUT.get_or_init(|| {
        let out = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("worst-case-{}", std::process::id()));
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/worst-case/generate.py");
        let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".into());
        let status = Command::new(&python)
            .arg(&script)
            .arg(&out)
            .status()
            .unwrap_or_else(|e| panic!("{python} {}: {e}", script.display()));
        assert!(status.success(), "{} failed: {status}", script.display());
        out
    });
    let dirs: Vec<PathBuf> = CASES.iter().map(|c| out.join("cases").join(c)).collect();
    for d in &dirs {
        assert!(
            d.join("package.expert").is_file(),
            "{} was not generated",
            d.display()
        );
    }
    dirs
}

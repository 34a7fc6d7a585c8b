//! The conformance corpus as the Rust test suites read it: the case
//! directories, their expected verdicts, and the run over all cases with a
//! KNOWN_FAILING list that cannot go stale. Included with `#[path]` by
//! core/tests/conformance.rs (the core's verifier) and
//! cli/tests/conformance.rs (the `expert-cli` binary); each brings its own
//! `check` of one case.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

pub const MIN_CASES: usize = 50;

/// `tests/conformance/`, from a crate one level below the workspace root.
pub fn conformance_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/conformance")
}

/// Every case directory, sorted; at least MIN_CASES of them.
pub fn case_dirs() -> Vec<PathBuf> {
    let cases = conformance_dir().join("cases");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&cases)
        .unwrap_or_else(|e| {
            panic!(
                "{}: {e} (run python3 tests/conformance/generate.py)",
                cases.display()
            )
        })
        .map(|e| e.expect("readable directory entry").path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    assert!(
        dirs.len() >= MIN_CASES,
        "only {} conformance cases; expected at least {MIN_CASES}",
        dirs.len()
    );
    dirs
}

pub fn case_name(dir: &Path) -> String {
    dir.file_name()
        .expect("a case directory has a name")
        .to_string_lossy()
        .into_owned()
}

/// A verdict as expected.json records it: the status and the code of the
/// first problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub status: String,
    pub problem_code: Option<String>,
}

impl std::fmt::Display for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} / {}",
            self.status,
            self.problem_code.as_deref().unwrap_or("null")
        )
    }
}

pub fn expected(dir: &Path) -> Outcome {
    let path = dir.join("expected.json");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e}; every case needs an expected.json", path.display()));
    let v: serde_json::Value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let status = v["status"]
        .as_str()
        .unwrap_or_else(|| panic!("{}: `status` must be a string", path.display()));
    assert!(
        [
            "verified",
            "valid-untrusted",
            "invalid",
            "unsigned",
            "legacy"
        ]
        .contains(&status),
        "{}: unknown status {status:?}",
        path.display()
    );
    let problem_code = match &v["problem_code"] {
        serde_json::Value::Null => None,
        serde_json::Value::String(s) => Some(s.clone()),
        other => panic!(
            "{}: `problem_code` must be a string or null, not {other}",
            path.display()
        ),
    };
    Outcome {
        status: status.to_string(),
        problem_code,
    }
}

/// Runs `check` (the first way a case misses its verdict, if any) on every
/// case. Fails on any miss outside `known_failing`, and on any listed case
/// that passes, so the list is emptied as defects are fixed.
pub fn run_all(known_failing: &[&str], mut check: impl FnMut(&Path) -> Option<String>) {
    let mut failures = Vec::new();
    let mut fixed = Vec::new();
    for dir in &case_dirs() {
        let name = case_name(dir);
        match (check(dir), known_failing.contains(&name.as_str())) {
            (Some(why), false) => failures.push(format!("{name}: {why}")),
            (Some(why), true) => eprintln!("known failing: {name}: {why}"),
            (None, true) => fixed.push(name),
            (None, false) => {}
        }
    }
    assert!(
        failures.is_empty(),
        "{} conformance case(s) fail:\n  {}",
        failures.len(),
        failures.join("\n  ")
    );
    assert!(
        fixed.is_empty(),
        "these KNOWN_FAILING cases now pass; remove them from the list so they are asserted: {fixed:?}"
    );
}

/// Every name in `known_failing` is a real case directory.
pub fn assert_known_failing_exist(known_failing: &[&str]) {
    let names: Vec<String> = case_dirs().iter().map(|d| case_name(d)).collect();
    for k in known_failing {
        assert!(
            names.iter().any(|n| n == k),
            "KNOWN_FAILING names {k:?}, which is not a case directory"
        );
    }
}

//! The conformance corpus through the real binary: for every case in
//! `tests/conformance/cases/`, `expert-cli verify PKG --json --trusted-key
//! tests/conformance/keys/publisher.pub` must print the status and first
//! problem code of its `expected.json`, exit 0 (verified), 5 (invalid) or 6
//! (anything else), and never panic.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Cases whose `expected.json` holds the correct verdict but which the CLI
/// does not meet yet (see the same list in core/tests/conformance.rs). A
/// listed case is reported, not asserted; once it passes this test fails
/// until the name is removed here, so the list never goes stale.
const KNOWN_FAILING: &[&str] = &[];

const MIN_CASES: usize = 50;

fn conformance_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/conformance")
}

fn case_dirs() -> Vec<PathBuf> {
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
    dirs
}

fn case_name(dir: &Path) -> String {
    dir.file_name()
        .expect("a case directory has a name")
        .to_string_lossy()
        .into_owned()
}

/// (status, first problem code) from expected.json.
fn expected(dir: &Path) -> (String, Option<String>) {
    let path = dir.join("expected.json");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e}; every case needs an expected.json", path.display()));
    let v: serde_json::Value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let status = v["status"]
        .as_str()
        .unwrap_or_else(|| panic!("{}: `status` must be a string", path.display()))
        .to_string();
    let code = match &v["problem_code"] {
        serde_json::Value::Null => None,
        serde_json::Value::String(s) => Some(s.clone()),
        other => panic!(
            "{}: `problem_code` must be a string or null, not {other}",
            path.display()
        ),
    };
    (status, code)
}

fn exit_code_for(status: &str) -> i32 {
    match status {
        "verified" => 0,
        "invalid" => 5,
        _ => 6,
    }
}

/// An empty EXPERT_HOME, so that no trust store of the machine's user counts.
fn empty_home() -> PathBuf {
    let home = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("conformance-home-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&home);
    std::fs::create_dir_all(&home).expect("create a temporary EXPERT_HOME");
    home
}

/// The first way the CLI's verdict on `dir` misses expected.json, if any.
fn check_case(dir: &Path, home: &Path) -> Option<String> {
    let (status, code) = expected(dir);
    let pubkey = conformance_dir().join("keys/publisher.pub");
    let out = Command::new(env!("CARGO_BIN_EXE_expert-cli"))
        .arg("verify")
        .arg(dir.join("package.expert"))
        .arg("--json")
        .arg("--trusted-key")
        .arg(&pubkey)
        .env("EXPERT_HOME", home)
        .env("NO_COLOR", "1")
        .env_remove("RUST_BACKTRACE")
        .output()
        .expect("run expert-cli");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    if stderr.contains("panicked") || out.status.code() == Some(101) {
        return Some(format!(
            "expert-cli panicked (exit {:?}): {}",
            out.status.code(),
            stderr.trim()
        ));
    }
    let v: serde_json::Value = match serde_json::from_str(&stdout) {
        Ok(v) => v,
        Err(e) => {
            return Some(format!(
                "stdout is not one JSON object ({e}): {stdout:?}; stderr: {}",
                stderr.trim()
            ))
        }
    };
    let got_status = v["status"].as_str().unwrap_or("<missing>");
    let got_code = v["problems"]
        .as_array()
        .and_then(|p| p.first())
        .and_then(|p| p["code"].as_str());
    let want = format!("{status} / {}", code.as_deref().unwrap_or("null"));
    let got = format!("{got_status} / {}", got_code.unwrap_or("null"));
    if want != got {
        return Some(format!("expected {want}, got {got}"));
    }
    if out.status.code() != Some(exit_code_for(&status)) {
        return Some(format!(
            "{status} must exit {}, but exit status was {:?}",
            exit_code_for(&status),
            out.status.code()
        ));
    }
    None
}

#[test]
fn cli_verify_matches_every_expected_verdict() {
    let dirs = case_dirs();
    assert!(
        dirs.len() >= MIN_CASES,
        "only {} conformance cases; expected at least {MIN_CASES}",
        dirs.len()
    );
    let home = empty_home();
    let mut failures = Vec::new();
    let mut fixed = Vec::new();
    for dir in &dirs {
        let name = case_name(dir);
        match (
            check_case(dir, &home),
            KNOWN_FAILING.contains(&name.as_str()),
        ) {
            (Some(why), false) => failures.push(format!("{name}: {why}")),
            (Some(why), true) => eprintln!("known failing: {name}: {why}"),
            (None, true) => fixed.push(name),
            (None, false) => {}
        }
    }
    let _ = std::fs::remove_dir_all(&home);
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

#[test]
fn known_failing_names_real_cases() {
    let names: Vec<String> = case_dirs().iter().map(|d| case_name(d)).collect();
    for k in KNOWN_FAILING {
        assert!(
            names.iter().any(|n| n == k),
            "KNOWN_FAILING names {k:?}, which is not a case directory"
        );
    }
}

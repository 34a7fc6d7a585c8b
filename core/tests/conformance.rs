//! The conformance corpus (`tests/conformance/cases/`, written by
//! `tests/conformance/generate.py`): every package, streamed through
//! `PackageVerifier` in odd-sized chunks with the publisher key trusted, must
//! get the status and first problem code its `expected.json` names.

use expert_core::sign::{PackageVerifier, PublicKey};
use expert_core::Limits;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

/// Cases whose `expected.json` holds the correct verdict but which the core
/// does not meet yet; each one is a defect to fix in `core/src`. A listed
/// case is reported, not asserted, so the suite stays green while its fix is
/// pending; once it passes this test fails until the name is removed here
/// (and in cli/tests/conformance.rs), so the list never goes stale.
///
/// Empty since b72265b, which fixed the defects this corpus found:
/// checksum-field-base256 (reader panic), checksum-field-base256-negative,
/// gnu-header-prefix-smuggle, gzip-bad-header-crc and
/// legacy-upstream-file-removed.
const KNOWN_FAILING: &[&str] = &[];

/// Odd, so that headers, blocks and gzip fields straddle chunk boundaries.
const CHUNK: usize = 4093;
/// Packages up to this size are also streamed in 1- and 509-byte chunks
/// (every package is also pushed in one piece, as `verifyPackage(bytes)` does).
const SMALL: usize = 64 << 10;
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

#[derive(Debug, Clone, PartialEq, Eq)]
struct Outcome {
    status: String,
    problem_code: Option<String>,
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

fn expected(dir: &Path) -> Outcome {
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

fn publisher_key() -> PublicKey {
    let path = conformance_dir().join("keys/publisher.pub");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    PublicKey::parse(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Streams `bytes` through the verifier `chunk` bytes at a time. A panic is
/// reported as an error, not propagated, so one bad case cannot hide others.
fn verify(bytes: &[u8], chunk: usize, trusted: &[PublicKey]) -> Result<Outcome, String> {
    catch_unwind(AssertUnwindSafe(|| {
        let mut v = PackageVerifier::new(Limits::default());
        for c in bytes.chunks(chunk) {
            v.update(c);
        }
        let verdict = v.finish(trusted);
        Outcome {
            status: verdict.status.as_str().to_string(),
            problem_code: verdict.problems.first().map(|p| p.code.clone()),
        }
    }))
    .map_err(|panic| {
        let msg = panic
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()));
        format!("the verifier panicked: {}", msg.unwrap_or_default())
    })
}

/// The first way `dir`'s package misses its expected verdict, if any.
fn check_case(dir: &Path, trusted: &[PublicKey]) -> Option<String> {
    let want = expected(dir);
    let pkg = dir.join("package.expert");
    let bytes = std::fs::read(&pkg).unwrap_or_else(|e| panic!("{}: {e}", pkg.display()));
    let mut chunks = vec![CHUNK, bytes.len().max(1)];
    if bytes.len() <= SMALL {
        chunks.extend([1, 509]);
    }
    for chunk in chunks {
        match verify(&bytes, chunk, trusted) {
            Ok(got) if got == want => {}
            Ok(got) => {
                return Some(format!(
                    "expected {want}, got {got} (in {chunk}-byte chunks)"
                ))
            }
            Err(e) => return Some(format!("expected {want}, but {e} (in {chunk}-byte chunks)")),
        }
    }
    None
}

#[test]
fn every_case_directory_is_complete() {
    let dirs = case_dirs();
    assert!(
        dirs.len() >= MIN_CASES,
        "only {} conformance cases; expected at least {MIN_CASES}",
        dirs.len()
    );
    for dir in &dirs {
        for file in ["expected.json", "README", "package.expert"] {
            assert!(dir.join(file).is_file(), "{} has no {file}", dir.display());
        }
        let want = expected(dir);
        assert_eq!(
            want.status == "invalid" || want.status == "legacy",
            want.problem_code.is_some(),
            "{}: invalid and legacy verdicts name a problem code, the others none",
            dir.display()
        );
    }
}

#[test]
fn every_case_gets_its_expected_verdict() {
    let trusted = [publisher_key()];
    let dirs = case_dirs();
    assert!(
        dirs.len() >= MIN_CASES,
        "only {} conformance cases",
        dirs.len()
    );
    let mut failures = Vec::new();
    let mut fixed = Vec::new();
    for dir in &dirs {
        let name = case_name(dir);
        match (
            check_case(dir, &trusted),
            KNOWN_FAILING.contains(&name.as_str()),
        ) {
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

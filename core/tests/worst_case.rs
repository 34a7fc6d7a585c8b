//! The worst-case corpus (tests/worst-case/generate.py: inputs at the limits
//! of SPEC §4, named after the cost attack): each package, streamed through
//! `PackageVerifier`, gets the verdict its expected.json names. Only the
//! verdict is asserted; times are in scripts/bench.sh (worst-case).

use expert_core::sign::{PackageVerifier, PublicKey};
use expert_core::Limits;

#[path = "../../tests/conformance/harness.rs"]
mod harness;
#[path = "../../tests/worst-case/harness.rs"]
mod worst_case;
use harness::{case_name, conformance_dir, expected, Outcome};

#[test]
fn every_worst_case_gets_its_expected_verdict() {
    let key = std::fs::read_to_string(conformance_dir().join("keys/publisher.pub")).unwrap();
    let trusted = [PublicKey::parse(&key).unwrap()];
    let mut failures = Vec::new();
    for dir in worst_case::case_dirs() {
        let want = expected(&dir);
        let bytes = std::fs::read(dir.join("package.expert")).unwrap();
        let mut v = PackageVerifier::new(Limits::default());
        for c in bytes.chunks(64 << 10) {
            v.update(c);
        }
        let verdict = v.finish(&trusted);
        let got = Outcome {
            status: verdict.status.as_str().to_string(),
            problem_code: verdict.problems.first().map(|p| p.code.to_string()),
        };
        if got != want {
            failures.push(format!("{}: expected {want}, got {got}", case_name(&dir)));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

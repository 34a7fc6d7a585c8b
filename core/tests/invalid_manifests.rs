//! Hand-written invalid manifests: each gives its own code at its path and line.

use expert_core::manifest::{validate, Severity};
use expert_core::Limits;
use std::path::Path;

#[test]
fn each_invalid_manifest_gives_its_code_path_and_line() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/invalid-manifests");
    let expected: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("expected.json")).unwrap()).unwrap();
    let expected = expected.as_object().unwrap();
    assert!(expected.len() >= 20);
    for (file, want) in expected {
        let report = validate(&std::fs::read(dir.join(file)).unwrap(), &Limits::default());
        assert!(!report.valid, "{file} must be invalid");
        let errors: Vec<_> = report
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .collect();
        assert_eq!(
            errors.len(),
            1,
            "{file}: exactly one error expected, got {errors:#?}"
        );
        let d = errors[0];
        assert_eq!(d.code, want["code"].as_str().unwrap(), "{file}");
        assert_eq!(d.path, want["path"].as_str().unwrap(), "{file}");
        assert_eq!(d.line, want["line"].as_u64().map(|l| l as usize), "{file}");
        assert!(d.column.is_some(), "{file}: a column is reported");
    }
}

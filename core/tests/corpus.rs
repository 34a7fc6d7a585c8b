//! Every real manifest from the public expert repositories, and upstream's
//! manifest fixtures, must validate with no errors.

use expert_core::manifest::{validate, Severity};
use expert_core::Limits;
use std::path::{Path, PathBuf};

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/corpus")
}

fn real_manifests(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let p = entry.unwrap().path();
        if p.is_dir() {
            real_manifests(&p, out);
        } else if p
            .file_name()
            .unwrap()
            .to_str()
            .unwrap()
            .starts_with("manifest.json")
        {
            out.push(p);
        }
    }
}

#[test]
fn all_29_real_and_3_upstream_manifests_have_no_errors() {
    let mut files = Vec::new();
    real_manifests(&corpus().join("real-experts"), &mut files);
    assert_eq!(files.len(), 29, "the corpus holds 29 real manifests");
    for f in [
        "manifest_v1.json",
        "manifest_v2.json",
        "example-expert-complete.json",
    ] {
        files.push(corpus().join("upstream-fixtures").join(f));
    }
    for f in &files {
        let report = validate(&std::fs::read(f).unwrap(), &Limits::default());
        let errors: Vec<_> = report
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .collect();
        assert!(errors.is_empty(), "{}: {errors:#?}", f.display());
        assert!(report.valid);
        assert!(report.schema_version.is_some());
    }
}

#[test]
fn corpus_quirks_are_warnings_not_errors() {
    let dup = corpus().join("real-experts/expert-sql/_history/2025-11-11-7a80739c65/manifest.json");
    let report = validate(&std::fs::read(dup).unwrap(), &Limits::default());
    let d = report
        .diagnostics
        .iter()
        .find(|d| d.code == "W_DUPLICATE_COMMENT_KEY")
        .expect("duplicate _comment is reported");
    assert_eq!(d.path, "training.dataset._comment");
    assert!(d.line.is_some());

    let v1 = corpus().join("upstream-fixtures/manifest_v1.json");
    let report = validate(&std::fs::read(v1).unwrap(), &Limits::default());
    assert_eq!(report.schema_version, Some("1.0"));
    assert!(report
        .diagnostics
        .iter()
        .any(|d| d.code == "W_SHA256_FORMAT" && d.path == "adapters[0].sha256"));
}

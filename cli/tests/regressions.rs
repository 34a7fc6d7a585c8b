//! One test per bug found after landing; inputs in tests/regressions/.

mod common;
use common::*;

/// The CLI reads 64 KiB at a time; this valid package once came out invalid.
#[test]
fn cli_verifies_the_package_whose_chunk_ends_at_the_output_buffer_edge() {
    let home = tempfile::tempdir().unwrap();
    let pkg =
        repo().join("tests/regressions/valid-package-output-buffer-fills-at-chunk-end.expert");
    let out = run(cli(home.path()).arg("verify").arg(&pkg).arg("--json"));
    assert_eq!(json(&out)["status"], "valid-untrusted");
    assert_eq!(out.status.code(), Some(6));
}

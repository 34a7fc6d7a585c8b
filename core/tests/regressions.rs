//! One test per bug found after landing; inputs in tests/regressions/.

use expert_core::sign::PackageVerifier;
use expert_core::Limits;

/// Found by fuzzing: a chunk ending exactly where the inflater's output
/// buffer filled made the next (empty) drain look like "no progress".
#[test]
fn a_valid_package_verifies_for_every_chunk_size() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/regressions/valid-package-output-buffer-fills-at-chunk-end.expert"
    );
    let bytes = std::fs::read(path).unwrap();
    for chunk in [1 << 16, 1 << 15, 4093, 1 << 20, bytes.len()] {
        let mut v = PackageVerifier::new(Limits::default());
        for c in bytes.chunks(chunk) {
            v.update(c);
        }
        let verdict = v.finish(&[]);
        assert_eq!(
            verdict.status.as_str(),
            "valid-untrusted",
            "chunk {chunk}: {:?}",
            verdict.problems
        );
    }
}

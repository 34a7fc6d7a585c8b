//! The package verifier over arbitrary bytes.
//!
//! Invariants: it never panics; with no trusted keys it never says
//! `verified`; and the verdict's status, problem codes and file list are the
//! same whether the body is pushed in one chunk or in the pieces chosen by
//! `common::split` (but see `common::same_failure` and
//! `common::known_chunking_bug` for the known, reported divergences
//! tolerated only with `EXPERT_FUZZ_TOLERATE_KNOWN=1`).

#![no_main]

mod common;

use expert_core::sign::{PackageVerifier, Status, Verdict};
use expert_core::Limits;
use libfuzzer_sys::fuzz_target;

fn verify(chunks: &[&[u8]]) -> Verdict {
    let mut v = PackageVerifier::new(Limits::default());
    for chunk in chunks {
        v.update(chunk);
    }
    v.finish(&[])
}

fn codes(v: &Verdict) -> Vec<&str> {
    v.problems.iter().map(|p| p.code.as_str()).collect()
}

fuzz_target!(|data: &[u8]| {
    let (body, chunks) = common::split(data);
    let whole = verify(&[body]);
    let pieces = verify(&chunks);
    assert_ne!(
        whole.status,
        Status::Verified,
        "verified without a trusted key"
    );
    let known = |v: &Verdict| {
        v.problems
            .iter()
            .any(|p| common::known_chunking_bug(&p.code, &p.message))
    };
    if known(&whole) || known(&pieces) {
        return;
    }
    assert_eq!(whole.status, pieces.status, "status depends on chunking");
    let (a, b) = (codes(&whole), codes(&pieces));
    let agree = match (a.as_slice(), b.as_slice()) {
        // A failed read is the only problem of its verdict and lists no
        // files (an empty archive lists none either, but its problem is
        // E_MANIFEST_MISSING).
        ([x], [y])
            if whole.files.is_empty()
                && pieces.files.is_empty()
                && *x != "E_MANIFEST_MISSING"
                && *y != "E_MANIFEST_MISSING" =>
        {
            common::same_failure(x, y)
        }
        _ => a == b,
    };
    assert!(agree, "problems depend on chunking: {a:?} vs {b:?}");
    assert_eq!(whole.files, pieces.files, "files depend on chunking");
});

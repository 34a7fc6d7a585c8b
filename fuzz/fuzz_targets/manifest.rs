//! Manifest parsing and validation over arbitrary bytes.
//!
//! Invariants:
//! * `validate` never panics, and `valid` is true exactly when no
//!   error-level diagnostic was reported;
//! * `Manifest::parse` agrees with `validate` (its internal `expect`s hold);
//! * for any text that parses as JSON, `to_pretty` writes text that parses
//!   again to a tree with the same JCS canonical form (or the same refusal
//!   to canonicalize), and canonicalization is idempotent;
//! * a valid manifest written back with `to_pretty` (as packaging does)
//!   is still valid, with the same error-free verdict.

#![no_main]

use expert_core::json::{canonicalize, parse, to_pretty, Style};
use expert_core::manifest::{validate, Manifest};
use expert_core::Limits;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let limits = Limits::default();
    let report = validate(data, &limits);
    assert_eq!(
        report.valid,
        report.errors().next().is_none(),
        "`valid` disagrees with the diagnostics"
    );
    let manifest = Manifest::parse(data, &limits);
    assert_eq!(
        manifest.is_ok(),
        report.valid,
        "Manifest::parse disagrees with validate"
    );

    let Ok(parsed) = parse(data, limits.max_depth) else {
        assert!(
            !report.valid,
            "a manifest that does not parse was called valid"
        );
        return;
    };
    // The author's style only when it is short: a 60 KiB indent times a
    // deep tree would make the output, not the code under test, the cost.
    let detected = Style::detect(parsed.text);
    let style = if detected.indent.len() <= 8 {
        detected
    } else {
        Style::default()
    };
    let pretty = to_pretty(&parsed.root, &style);
    let again = match parse(pretty.as_bytes(), limits.max_depth) {
        Ok(p) => p,
        Err(e) => panic!("to_pretty wrote text that does not parse: {}", e.message),
    };
    let canonical = canonicalize(&parsed.root);
    assert_eq!(
        canonical,
        canonicalize(&again.root),
        "to_pretty changed the canonical form"
    );
    if let Ok(c) = &canonical {
        let reparsed = parse(c.as_bytes(), limits.max_depth).expect("canonical JSON parses");
        assert_eq!(
            canonicalize(&reparsed.root).as_ref(),
            Ok(c),
            "canonicalization is not idempotent"
        );
    }

    if let Ok(m) = manifest {
        let text = m.to_text();
        let report2 = validate(text.as_bytes(), &limits);
        assert!(
            report2.valid,
            "a valid manifest is invalid once rewritten by to_text: {:?}",
            report2.errors().map(|d| d.code).collect::<Vec<_>>()
        );
    }
});

//! FORMAT.md §2: at most 1000 findings of one code are listed, then one
//! W_FINDINGS_TRUNCATED says how many more there were; validity is kept.

use expert_core::manifest::validate;
use expert_core::Limits;

#[test]
fn findings_past_the_cap_are_counted_not_listed() {
    let numbers = vec!["1e999"; 1500].join(",");
    let text = format!(r#"{{"name": "x", "version": "1.0.0", "_n": [{numbers}]}}"#);
    let report = validate(text.as_bytes(), &Limits::default());
    assert!(!report.valid);
    let range = report
        .diagnostics
        .iter()
        .filter(|d| d.code == "E_NUMBER_RANGE")
        .count();
    assert_eq!(range, 1000);
    let last = report.diagnostics.last().unwrap();
    assert_eq!(last.code, "W_FINDINGS_TRUNCATED");
    assert!(
        last.message.contains("1500 E_NUMBER_RANGE"),
        "{}",
        last.message
    );
    assert!(last.message.contains("500 more"), "{}", last.message);
}

#[test]
fn findings_at_the_cap_are_all_listed() {
    let numbers = vec!["1e999"; 1000].join(",");
    let text = format!(r#"{{"name": "x", "version": "1.0.0", "_n": [{numbers}]}}"#);
    let report = validate(text.as_bytes(), &Limits::default());
    assert!(report
        .diagnostics
        .iter()
        .all(|d| d.code != "W_FINDINGS_TRUNCATED"));
}

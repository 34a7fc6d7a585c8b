//! FORMAT.md §1: a member set to `null` is treated exactly as if it were
//! missing. For every object member anywhere in real manifests, validating
//! with the member set to null must give the same findings (code, severity,
//! path) as validating with the member removed.

use expert_core::manifest::validate;
use expert_core::Limits;
use serde_json::Value;
use std::path::Path;

type Finding = (String, String, String);

fn findings(v: &Value) -> Vec<Finding> {
    let text = serde_json::to_vec_pretty(v).unwrap();
    let mut out: Vec<Finding> = validate(&text, &Limits::default())
        .diagnostics
        .iter()
        .map(|d| {
            (
                format!("{:?}", d.severity),
                d.code.to_string(),
                d.path.clone(),
            )
        })
        .collect();
    out.sort();
    out
}

/// JSON pointers of every object member in `v`.
fn member_pointers(v: &Value, at: String, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                let p = format!("{at}/{}", k.replace('~', "~0").replace('/', "~1"));
                out.push(p.clone());
                member_pointers(x, p, out);
            }
        }
        Value::Array(xs) => {
            for (i, x) in xs.iter().enumerate() {
                member_pointers(x, format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

fn parent_and_key(p: &str) -> (&str, String) {
    let (parent, key) = p.rsplit_once('/').unwrap();
    (parent, key.replace("~1", "/").replace("~0", "~"))
}

fn check(manifest: &Path) -> usize {
    let base: Value = serde_json::from_slice(&std::fs::read(manifest).unwrap()).unwrap();
    let mut pointers = Vec::new();
    member_pointers(&base, String::new(), &mut pointers);
    for p in &pointers {
        let (parent, key) = parent_and_key(p);
        let mut nulled = base.clone();
        *nulled.pointer_mut(p).unwrap() = Value::Null;
        let mut removed = base.clone();
        removed
            .pointer_mut(parent)
            .unwrap()
            .as_object_mut()
            .unwrap()
            .remove(&key);
        assert_eq!(
            findings(&nulled),
            findings(&removed),
            "{}: {p} set to null is not the same as {p} missing",
            manifest.display()
        );
    }
    pointers.len()
}

#[test]
fn a_null_member_is_a_missing_member_everywhere() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let manifests = [
        repo.join("examples/multi-model-expert/manifest.json"),
        repo.join("tests/fixtures/corpus/upstream-fixtures/manifest_v1.json"),
        repo.join("tests/fixtures/corpus/real-experts/expert-sql/manifest.json"),
    ];
    let checked: usize = manifests.iter().map(|m| check(m)).sum();
    assert!(checked > 200, "only {checked} members checked");
}

#[test]
fn null_licence_warns_and_null_integrity_is_no_integrity() {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/multi-model-expert/manifest.json"),
    )
    .unwrap();
    let text = text.replacen(
        "\"license\": \"MIT\"",
        "\"license\": null, \"integrity\": null",
        1,
    );
    let report = validate(text.as_bytes(), &Limits::default());
    assert!(report.valid, "{:#?}", report.diagnostics);
    let codes: Vec<&str> = report.diagnostics.iter().map(|d| d.code.as_str()).collect();
    assert!(codes.contains(&"W_NO_LICENSE"), "{codes:?}");
}

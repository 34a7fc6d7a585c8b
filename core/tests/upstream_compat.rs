//! `W_UPSTREAM_…`: shapes that are valid here but that upstream 0.3.0's
//! typed loader cannot read. The bundled examples and the real expert
//! manifests must have none; each shape below must give its code and path.

use expert_core::manifest::validate;
use expert_core::Limits;
use std::path::Path;

fn repo() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn upstream_findings(text: &str) -> Vec<(String, String)> {
    validate(text.as_bytes(), &Limits::default())
        .diagnostics
        .into_iter()
        .filter(|d| d.code.as_str().starts_with("W_UPSTREAM_"))
        .map(|d| (d.code.to_string(), d.path))
        .collect()
}

fn example() -> String {
    std::fs::read_to_string(repo().join("examples/multi-model-expert/manifest.json")).unwrap()
}

#[test]
fn examples_and_real_experts_load_in_upstream() {
    let mut manifests = vec![
        repo().join("examples/multi-model-expert/manifest.json"),
        repo().join("examples/single-model-expert/manifest.json"),
    ];
    for e in std::fs::read_dir(repo().join("tests/fixtures/corpus/real-experts")).unwrap() {
        manifests.push(e.unwrap().path().join("manifest.json"));
    }
    assert!(manifests.len() >= 8);
    for m in manifests {
        let text = std::fs::read_to_string(&m).unwrap();
        assert_eq!(upstream_findings(&text), vec![], "{}", m.display());
    }
}

#[test]
fn each_shape_upstream_cannot_load_gets_its_code_and_path() {
    let cases: &[(&str, &str, &str, &str)] = &[
        // (replace, with, code, path)
        (
            "\"max_position_embeddings\": 131072,",
            "",
            "W_UPSTREAM_MISSING",
            "base_models[0].rope_scaling.max_position_embeddings",
        ),
        (
            "\"test_set_size\": 3,",
            "",
            "W_UPSTREAM_MISSING",
            "evaluation.test_set_size",
        ),
        (
            "\"r\": 4,",
            "\"r\": 4.0,",
            "W_UPSTREAM_TYPE",
            "base_models[0].adapters[0].r",
        ),
        (
            "\"capabilities\": [",
            "\"capabilities\": \"json\", \"_was\": [",
            "W_UPSTREAM_TYPE",
            "capabilities",
        ),
        (
            "\"rank\": 4,",
            "",
            "W_UPSTREAM_RULE",
            "training.config.rank",
        ),
    ];
    let base = example();
    for (from, to, code, path) in cases {
        assert!(base.contains(from), "the example has {from}");
        let text = base.replacen(from, to, 1);
        let found = upstream_findings(&text);
        assert!(
            found.contains(&(code.to_string(), path.to_string())),
            "{from} -> {to}: expected {code} at {path}, got {found:?}"
        );
    }
}

#[test]
fn a_missing_required_section_is_reported_where_it_belongs() {
    let text = r#"{"name": "x", "version": "1.0.0", "schema_version": "2.0",
        "base_models": [{"name": "Qwen3-0.6B", "adapters": [{"type": "ia3", "target_modules": ["k_proj"]}]}]}"#;
    let found = upstream_findings(text);
    for path in ["description", "capabilities", "constraints", "training"] {
        assert!(
            found.contains(&("W_UPSTREAM_MISSING".to_string(), path.to_string())),
            "{path}: {found:?}"
        );
    }
}

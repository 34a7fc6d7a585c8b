//! `validate` and `migrate` end to end.

mod common;
use common::*;

#[test]
fn corpus_manifests_are_valid_json_exit_0() {
    let home = tempfile::tempdir().unwrap();
    let corpus = repo().join("tests/fixtures/corpus");
    let mut n = 0;
    for f in [
        "real-experts/expert-sql/manifest.json",
        "real-experts/expert-neo4j/_history/2025-11-08-33640c2488/manifest.json.backup",
        "upstream-fixtures/manifest_v1.json",
        "upstream-fixtures/example-expert-complete.json",
    ] {
        let out = run(cli(home.path())
            .arg("validate")
            .arg(corpus.join(f))
            .arg("--json"));
        let v = json(&out);
        assert_eq!(v["valid"], true, "{f}: {v}");
        assert_eq!(out.status.code(), Some(0));
        n += 1;
    }
    assert_eq!(n, 4);
}

#[test]
fn invalid_manifests_exit_11_with_compiler_style_locations() {
    let home = tempfile::tempdir().unwrap();
    let dir = repo().join("tests/fixtures/invalid-manifests");
    let expected: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("expected.json")).unwrap()).unwrap();
    for (file, want) in expected.as_object().unwrap() {
        let path = dir.join(file);
        let out = run(cli(home.path()).arg("validate").arg(&path));
        assert_eq!(out.status.code(), Some(11), "{file}");
        let text = stdout(&out);
        let loc = format!("{}:{}:", path.display(), want["line"]);
        assert!(text.contains(&loc), "{file}: expected {loc} in\n{text}");
        assert!(
            text.contains(&format!("error[{}]", want["code"].as_str().unwrap())),
            "{text}"
        );
        let j = json(&run(cli(home.path())
            .args(["validate", "--json"])
            .arg(&path)));
        assert_eq!(j["valid"], false);
        assert_eq!(out.status.code(), Some(11));
    }
}

#[test]
fn the_example_directories_validate_cleanly_including_files() {
    let home = tempfile::tempdir().unwrap();
    for ex in ["multi-model-expert", "single-model-expert"] {
        let out = run(cli(home.path())
            .arg("validate")
            .arg(example(ex))
            .arg("--json"));
        let v = json(&out);
        assert_eq!(v["valid"], true, "{v}");
        assert_eq!(v["diagnostics"].as_array().unwrap().len(), 0, "{v}");
    }
    let copy = tempfile::tempdir().unwrap();
    copy_dir(&example("multi-model-expert"), copy.path());
    std::fs::remove_file(copy.path().join("soft_prompts/demo_style_16.bin")).unwrap();
    let out = run(cli(home.path())
        .arg("validate")
        .arg(copy.path())
        .arg("--json"));
    assert_eq!(out.status.code(), Some(11));
    assert!(stdout(&out).contains("E_FILE_MISSING"));
}

#[test]
fn the_v1_example_migrates_to_a_valid_v2_manifest() {
    let home = tempfile::tempdir().unwrap();
    let out_file = home.path().join("migrated.json");
    let out = run(cli(home.path())
        .arg("migrate")
        .arg(example("single-model-expert/manifest.json"))
        .arg("-o")
        .arg(&out_file));
    assert_eq!(out.status.code(), Some(0));
    let v = json(&run(cli(home.path())
        .arg("validate")
        .arg(&out_file)
        .arg("--json")));
    assert_eq!(v["valid"], true, "{v}");
    assert_eq!(v["schema_version"], "2.0");
    let m: serde_json::Value = serde_json::from_slice(&std::fs::read(&out_file).unwrap()).unwrap();
    assert_eq!(m["base_models"][0]["name"], "Qwen/Qwen3-0.6B");
    assert_eq!(m["base_models"][0]["adapters"][0]["r"], 4);
    assert!(m.get("adapters").is_none() && m.get("base_model").is_none());
    let again = run(cli(home.path()).arg("migrate").arg(&out_file));
    assert_eq!(
        again.status.code(),
        Some(1),
        "a v2 manifest is not migrated again"
    );
}

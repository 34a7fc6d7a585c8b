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

#[test]
fn human_output_quotes_a_window_and_caps_findings_per_code() {
    let home = tempfile::tempdir().unwrap();
    let file = home.path().join("one-line.json");
    let keys: Vec<String> = (0..1000).map(|i| format!("\"k{i}\":1e999")).collect();
    std::fs::write(&file, format!("{{\"name\":\"x\",{}}}", keys.join(","))).unwrap();
    let out = run(cli(home.path()).arg("validate").arg(&file));
    assert_eq!(out.status.code(), Some(11));
    let text = stdout(&out);
    assert_eq!(text.matches("error[E_NUMBER_RANGE]").count(), 10, "{text}");
    assert!(
        text.contains("… and 990 more E_NUMBER_RANGE findings (use --json to see all)"),
        "{text}"
    );
    assert!(text.contains("1003 errors"), "{text}");
    for line in text.lines().filter(|l| l.contains(" | ")) {
        assert!(line.chars().count() <= 90, "quoted line too long: {line}");
    }
    let lines: Vec<&str> = text.lines().collect();
    let windows = lines.windows(2).filter(|w| w[0].starts_with("1 | …"));
    let mut n = 0;
    for w in windows {
        let at = w[1].chars().count() - 1;
        assert_eq!(
            w[0].chars().nth(at),
            Some('1'),
            "caret off:\n{}\n{}",
            w[0],
            w[1]
        );
        n += 1;
    }
    assert!(n >= 5, "{text}");
    let all = json(&run(cli(home.path())
        .args(["validate", "--json"])
        .arg(&file)));
    let own = all["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| !d["code"].as_str().unwrap().starts_with("W_UPSTREAM_"))
        .count();
    assert_eq!(own, 1004);
}

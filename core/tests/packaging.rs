//! Packaging rules over an in-memory expert: weight resolution, which files
//! go in, where they sit, and the packaged manifest.

use expert_core::archive::read_all;
use expert_core::archive::SmallFiles;
use expert_core::json::Value;
use expert_core::manifest::{validate_with_files, Manifest};
use expert_core::package::build::{build_package, BuildOptions};
use expert_core::package::files::MemoryFiles;
use expert_core::package::{plan, PlanOptions};
use expert_core::Limits;

const MANIFEST: &str = r#"{
  "name": "expert-t",
  "version": "0.1.0",
  "schema_version": "2.0",
  "_comment": "kept",
  "base_models": [
    {
      "name": "F:/models/Qwen3-0.6B",
      "rope_scaling": {"factor": 8.0, "beta": 0.90},
      "adapters": [{"type": "dora", "target_modules": ["q_proj"], "r": 12, "alpha": 24, "size_bytes": 0, "sha256": ""}]
    },
    {
      "name": "Qwen/Qwen3-1.7B",
      "adapters": [{"type": "lora", "target_modules": ["q_proj"], "r": 4, "alpha": 8}]
    }
  ],
  "soft_prompts": [{"name": "s", "path": "soft_prompts/style.bin", "tokens": 4}],
  "training": {"config": {"learning_rate": 5e-5}},
  "license": "MIT"
}
"#;

fn expert(manifest: &str) -> MemoryFiles {
    let mut f = MemoryFiles::default();
    f.insert("manifest.json", manifest.as_bytes().to_vec());
    for ckpt in ["final", "adapter", "checkpoint-5", "checkpoint-7"] {
        f.insert(
            &format!("weights/qwen3-06b/{ckpt}/adapter_model.safetensors"),
            format!("weights {ckpt}").into_bytes(),
        );
        f.insert(
            &format!("weights/qwen3-06b/{ckpt}/adapter_config.json"),
            b"{}".to_vec(),
        );
    }
    for leftover in [
        "optimizer.pt",
        "scheduler.pt",
        "trainer_state.json",
        "training_args.bin",
        "rng_state.pth",
        "README.md",
    ] {
        f.insert(
            &format!("weights/qwen3-06b/final/{leftover}"),
            b"state".to_vec(),
        );
    }
    f.insert("weights/qwen3-06b/final/tokenizer.json", b"{}".to_vec());
    f.insert(
        "weights/qwen3-1.7b/final/adapter_model.safetensors",
        b"big weights".to_vec(),
    );
    f.insert(
        "weights/qwen3-1.7b/final/adapter_config.json",
        b"{}".to_vec(),
    );
    f.insert("soft_prompts/style.bin", vec![1, 2, 3]);
    f.insert("grammar.gbnf", b"root ::= \"x\"\n".to_vec());
    f.insert("README.md", b"# t\n".to_vec());
    f.insert("LICENSE", b"MIT\n".to_vec());
    f.insert("tests/cases.json", b"[]".to_vec());
    f.insert("tests/more/deep.txt", b"x".to_vec());
    f
}

fn manifest(text: &str) -> Manifest {
    Manifest::parse(text.as_bytes(), &Limits::default()).unwrap()
}

fn with_training(extra: &str) -> String {
    MANIFEST.replace(
        r#""training": {"config""#,
        &format!(r#""training": {{{extra} "config""#),
    )
}

#[test]
fn checkpoint_precedence_flag_then_config_then_path_then_final_then_adapter() {
    let files = expert(MANIFEST);
    let dir = |m: &Manifest, flag: Option<&str>| {
        plan(
            &files,
            m,
            0,
            &PlanOptions {
                checkpoint: flag.map(str::to_string),
                include_tests: false,
            },
        )
        .unwrap()
        .weights
        .dir
    };

    let configured = manifest(&with_training(r#""packaging_checkpoint": "checkpoint-5","#));
    assert_eq!(
        dir(&configured, Some("checkpoint-7")),
        "weights/qwen3-06b/checkpoint-7"
    );
    assert_eq!(
        dir(&configured, Some("7")),
        "weights/qwen3-06b/checkpoint-7",
        "bare digits mean checkpoint-N"
    );
    assert_eq!(dir(&configured, None), "weights/qwen3-06b/checkpoint-5");

    let with_path = manifest(&MANIFEST.replace(
        r#""size_bytes": 0"#,
        r#""path": "qwen3-06b/checkpoint-7", "size_bytes": 0"#,
    ));
    assert_eq!(
        dir(&with_path, None),
        "weights/qwen3-06b/checkpoint-7",
        "path without the weights/ prefix"
    );
    let file_path = manifest(&MANIFEST.replace(
        r#""size_bytes": 0"#,
        r#""path": "weights/qwen3-06b/checkpoint-5/adapter_model.safetensors", "size_bytes": 0"#,
    ));
    assert_eq!(
        dir(&file_path, None),
        "weights/qwen3-06b/checkpoint-5",
        "path naming the file"
    );

    assert_eq!(dir(&manifest(MANIFEST), None), "weights/qwen3-06b/final");
    let mut no_final = files.clone();
    no_final
        .files
        .retain(|k, _| !k.starts_with("weights/qwen3-06b/final/"));
    let p = plan(&no_final, &manifest(MANIFEST), 0, &PlanOptions::default()).unwrap();
    assert_eq!(p.weights.dir, "weights/qwen3-06b/adapter");
}

#[test]
fn every_real_slug_spelling_is_found() {
    for slug in ["qwen3-06b", "qwen3-0-6b", "qwen3-0.6b"] {
        let mut f = MemoryFiles::default();
        f.insert(
            &format!("weights/{slug}/final/adapter_model.safetensors"),
            b"w".to_vec(),
        );
        f.insert(
            &format!("weights/{slug}/final/adapter_config.json"),
            b"{}".to_vec(),
        );
        f.insert("soft_prompts/style.bin", vec![1]);
        let p = plan(&f, &manifest(MANIFEST), 0, &PlanOptions::default()).unwrap();
        assert_eq!(p.weights.dir, format!("weights/{slug}/final"));
    }
}

#[test]
fn explicit_checkpoint_that_is_missing_names_the_searched_paths() {
    let err = plan(
        &expert(MANIFEST),
        &manifest(MANIFEST),
        0,
        &PlanOptions {
            checkpoint: Some("checkpoint-99".into()),
            include_tests: false,
        },
    )
    .unwrap_err();
    assert_eq!(err.code, "E_WEIGHTS_NOT_FOUND");
    assert!(
        err.message.contains("weights/qwen3-06b/checkpoint-99")
            && err.message.contains("weights/qwen3-0-6b/checkpoint-99"),
        "{}",
        err.message
    );
}

#[test]
fn only_adapter_files_and_shared_resources_go_in() {
    let files = expert(MANIFEST);
    let paths = |include_tests| -> Vec<String> {
        plan(
            &files,
            &manifest(MANIFEST),
            0,
            &PlanOptions {
                checkpoint: None,
                include_tests,
            },
        )
        .unwrap()
        .files
        .into_iter()
        .map(|f| f.archive_path)
        .collect()
    };
    let without = paths(false);
    assert_eq!(
        without,
        [
            "LICENSE",
            "README.md",
            "adapter_config.json",
            "adapter_model.safetensors",
            "grammar.gbnf",
            "soft_prompts/style.bin",
            "tokenizer.json"
        ]
    );
    let with = paths(true);
    assert!(
        with.contains(&"tests/cases.json".to_string())
            && with.contains(&"tests/more/deep.txt".to_string())
    );
    for leftover in [
        "optimizer.pt",
        "scheduler.pt",
        "trainer_state.json",
        "training_args.bin",
        "rng_state.pth",
    ] {
        assert!(
            !with.iter().any(|p| p.ends_with(leftover)),
            "{leftover} must be excluded"
        );
    }
    let sources: Vec<String> = plan(&files, &manifest(MANIFEST), 0, &PlanOptions::default())
        .unwrap()
        .files
        .into_iter()
        .map(|f| f.source)
        .collect();
    assert!(
        !sources.iter().any(|s| s.contains("checkpoint-")),
        "other checkpoints stay out"
    );
    assert!(
        sources.contains(&"README.md".to_string())
            && !sources.contains(&"weights/qwen3-06b/final/README.md".to_string()),
        "the checkpoint README is not the expert README"
    );
}

#[test]
fn declared_files_must_exist_and_keep_their_paths() {
    let mut files = expert(MANIFEST);
    files.files.remove("soft_prompts/style.bin");
    let err = plan(&files, &manifest(MANIFEST), 0, &PlanOptions::default()).unwrap_err();
    assert_eq!(err.code, "E_FILE_MISSING");
    assert!(err.message.contains("soft_prompts/style.bin"));

    let custom = with_training(r#""decoding": {"grammar_file": "grammars/sql.gbnf"},"#);
    let mut files = expert(&custom);
    files.insert("grammars/sql.gbnf", b"root ::= \"s\"".to_vec());
    let p = plan(&files, &manifest(&custom), 0, &PlanOptions::default()).unwrap();
    let names: Vec<_> = p.files.iter().map(|f| f.archive_path.as_str()).collect();
    assert!(
        names.contains(&"grammars/sql.gbnf") && !names.contains(&"grammar.gbnf"),
        "{names:?}"
    );
}

fn build(files: &MemoryFiles, m: &Manifest, model: usize) -> Vec<u8> {
    let mut out = Vec::new();
    let opts = BuildOptions {
        plan: PlanOptions::default(),
        mtime: 1_764_028_800,
        signer: None,
        fingerprint: None,
    };
    build_package(files, m, model, &opts, &mut out, &mut |_| {}).unwrap();
    out
}

#[test]
fn packaged_manifest_changes_only_the_model_filter_and_the_adapter_fill() {
    let files = expert(MANIFEST);
    let m = manifest(MANIFEST);
    let bytes = build(&files, &m, 0);
    assert_eq!(bytes, build(&files, &m, 0), "deterministic");
    let mut small = SmallFiles::default();
    let records = read_all(&mut &bytes[..], Limits::default(), &mut small).unwrap();
    assert_eq!(records[0].path, "manifest.json");
    let rest: Vec<_> = records[1..].iter().map(|r| r.path.clone()).collect();
    let mut sorted = rest.clone();
    sorted.sort();
    assert_eq!(rest, sorted, "entries after the manifest are sorted");

    let text = String::from_utf8(small.manifest.unwrap()).unwrap();
    let packaged = expert_core::json::parse(text.as_bytes(), 128).unwrap().root;
    let models = packaged.get("base_models").unwrap().items().unwrap();
    assert_eq!(models.len(), 1, "filtered to one model, still an array");
    assert_eq!(
        models[0].get("name").unwrap().as_str(),
        Some("F:/models/Qwen3-0.6B")
    );
    let a = &models[0].get("adapters").unwrap().items().unwrap()[0];
    let weight = records
        .iter()
        .find(|r| r.path == "adapter_model.safetensors")
        .unwrap();
    assert_eq!(a.get("size_bytes").unwrap().as_u64(), Some(weight.size));
    assert_eq!(
        a.get("sha256").unwrap().as_str(),
        Some(expert_core::util::hex::encode(&weight.sha256).as_str())
    );
    assert_eq!(
        a.get("path").unwrap().as_str(),
        Some("adapter_model.safetensors")
    );
    assert!(
        text.contains(r#""factor": 8.0"#)
            && text.contains(r#""beta": 0.90"#)
            && text.contains("5e-5"),
        "number text survives:\n{text}"
    );
    assert_eq!(packaged.get("_comment").unwrap().as_str(), Some("kept"));

    // Everything but base_models is the author's, member for member.
    let original = &m.root;
    for (a, b) in original
        .members()
        .unwrap()
        .iter()
        .zip(packaged.members().unwrap())
    {
        assert_eq!(a.key.value, b.key.value);
        if a.key.value != "base_models" {
            assert!(
                same(&a.value.value, &b.value.value),
                "{} changed",
                a.key.value
            );
        }
    }
}

/// Structural equality ignoring source positions.
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same(&p.value, &q.value))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y)
                    .all(|(p, q)| p.key == q.key && same(&p.value.value, &q.value.value))
        }
        _ => a == b,
    }
}

#[test]
fn validating_a_directory_checks_declared_files_sizes_and_hashes() {
    let limits = Limits::default();
    let mut files = expert(MANIFEST);
    files.files.remove("soft_prompts/style.bin");
    let r = validate_with_files(MANIFEST.as_bytes(), &limits, &files);
    assert!(
        r.diagnostics
            .iter()
            .any(|d| d.code == "E_FILE_MISSING" && d.path == "soft_prompts[0].path"),
        "{r:#?}"
    );

    let sized = MANIFEST.replace(r#""size_bytes": 0, "sha256": """#, r#""size_bytes": 3, "sha256": "0000000000000000000000000000000000000000000000000000000000000000""#);
    let r = validate_with_files(sized.as_bytes(), &limits, &expert(&sized));
    let codes: Vec<_> = r.diagnostics.iter().map(|d| d.code.as_str()).collect();
    assert!(
        codes.contains(&"E_FILE_SIZE_MISMATCH") && codes.contains(&"E_FILE_HASH_MISMATCH"),
        "{codes:?}"
    );

    let clean = validate_with_files(MANIFEST.as_bytes(), &limits, &expert(MANIFEST));
    assert!(clean.valid, "{clean:#?}");
}

#[test]
fn names_that_are_one_file_on_macos_or_windows_are_refused() {
    // Both forms can sit side by side on Linux; readers would refuse the
    // package (E_CASE_COLLISION, E_UNICODE_COLLISION), so the packager does.
    for (a, b) in [
        ("tests/Cases.txt", "tests/cases.txt"),
        ("tests/caf\u{e9}.txt", "tests/cafe\u{301}.txt"),
    ] {
        let mut files = expert(MANIFEST);
        files.insert(a, b"one".to_vec());
        files.insert(b, b"two".to_vec());
        let opts = PlanOptions {
            checkpoint: None,
            include_tests: true,
        };
        let err = plan(&files, &manifest(MANIFEST), 0, &opts).unwrap_err();
        assert_eq!(err.code, "E_DUPLICATE_ENTRY", "{a} / {b}");
        assert!(
            err.message.contains("would both be stored"),
            "{}",
            err.message
        );
    }
}

#[test]
fn progress_counts_every_byte_read_and_sums_to_progress_total() {
    use expert_core::package::build::{progress_total, Signer};
    use expert_core::sign::SecretKey;
    let files = expert(MANIFEST);
    let m = manifest(MANIFEST);
    let key = SecretKey::from_seed(&[7; 32]);
    for signed in [false, true] {
        let opts = BuildOptions {
            plan: PlanOptions::default(),
            mtime: 1_764_028_800,
            signer: signed.then(|| Signer {
                key: &key,
                publisher: "p".into(),
                created_at: "2025-11-25T00:00:00Z".into(),
            }),
            fingerprint: None,
        };
        let mut steps = Vec::new();
        build_package(&files, &m, 0, &opts, &mut Vec::new(), &mut |n| {
            steps.push(n)
        })
        .unwrap();
        let total = progress_total(&files, &m, 0, &opts).unwrap();
        let sizes: u64 = plan(&files, &m, 0, &PlanOptions::default())
            .unwrap()
            .files
            .iter()
            .map(|f| f.size)
            .sum();
        assert_eq!(steps.iter().sum::<u64>(), total, "signed: {signed}");
        // Written once; hashed first: all files when signing, else the weights.
        assert!(
            total > sizes && (total == 2 * sizes) == signed,
            "signed: {signed}: {total} of {sizes}"
        );
        assert!(
            steps.len() > 2,
            "progress comes in steps while files are read"
        );
    }
}

#[test]
fn choosing_a_model_and_naming_its_package() {
    use expert_core::manifest::{choose_model, SelectError};
    use expert_core::Code;
    let m = manifest(MANIFEST);
    assert_eq!(choose_model(&m, Some("qwen3-1.7b")), Ok(1));
    let err = choose_model(&m, None).unwrap_err();
    assert!(matches!(err, SelectError::Required { ref choices } if choices.len() == 2));
    assert_eq!(err.code(), Code::ModelRequired);
    assert_eq!(
        m.package_file_name("F:/models/Qwen3-0.6B"),
        "expert-t-qwen3-0-6b.v0.1.0.expert"
    );
}

#[test]
fn publisher_and_times_of_a_build() {
    use expert_core::archive::DEFAULT_MTIME;
    use expert_core::package::build::{build_times, default_publisher, BuildTimes};
    let m = manifest(&MANIFEST.replace(r#""_comment""#, r#""author": "ana", "_comment""#));
    assert_eq!(default_publisher(Some(&m.root)), "ana");
    assert_eq!(default_publisher(Some(&manifest(MANIFEST).root)), "unknown");
    assert_eq!(default_publisher(None), "unknown");
    let at = |mtime, signed_at| BuildTimes { mtime, signed_at };
    assert_eq!(build_times(None, 99), at(DEFAULT_MTIME, 99));
    assert_eq!(build_times(Some(0), 99), at(DEFAULT_MTIME, 0));
    assert_eq!(build_times(Some(7), 99), at(7, 7));
}

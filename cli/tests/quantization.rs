//! A base model's declared `quantization` against the matching local
//! model's `config.json` at install (docs/CLI.md "Quantization"): equal
//! installs, different refuses with exit 4 unless `--force`, unknown or
//! silent installs with a note.

mod common;
use common::*;
use std::path::{Path, PathBuf};

struct Case {
    dir: tempfile::TempDir,
}

impl Case {
    fn new() -> Case {
        Case {
            dir: tempfile::tempdir().unwrap(),
        }
    }
    fn home(&self) -> PathBuf {
        self.dir.path().join("home")
    }
    /// The example expert, unsigned, declaring `quantization` (or not).
    fn package(&self, quantization: Option<&str>) -> PathBuf {
        let src = self.dir.path().join("src");
        let _ = std::fs::remove_dir_all(&src);
        copy_dir(&example("single-model-expert"), &src);
        let m = std::fs::read_to_string(src.join("manifest.json")).unwrap();
        let line = "\"quantization\": \"bf16\",";
        assert!(m.contains(line), "the example declares bf16");
        let m = match quantization {
            Some(q) => m.replacen(line, &format!("\"quantization\": \"{q}\","), 1),
            None => m.replacen(line, "", 1),
        };
        std::fs::write(src.join("manifest.json"), m).unwrap();
        let pkg = self.dir.path().join("x.expert");
        let _ = std::fs::remove_file(&pkg);
        let out = run(cli(&self.home())
            .arg("package")
            .arg(&src)
            .arg("-o")
            .arg(&pkg));
        common::assert_exit(&out, 0);
        pkg
    }
    /// A local `Qwen/Qwen3-0.6B` whose config.json holds `config`.
    fn model(&self, config: &str) -> PathBuf {
        let root = self.dir.path().join("models");
        let d = root.join("Qwen/Qwen3-0.6B");
        std::fs::create_dir_all(&d).unwrap();
        std::fs::write(d.join("config.json"), config).unwrap();
        root
    }
    fn install(&self, pkg: &Path, models: &Path, extra: &[&str]) -> std::process::Output {
        let _ = run(cli(&self.home()).args(["uninstall", "expert-demo-v1"]));
        run(cli(&self.home())
            .env("EXPERT_MODELS_PATH", models)
            .env("HF_HUB_CACHE", self.dir.path().join("no-hf"))
            .arg("install")
            .arg(pkg)
            .args(["--allow-unsigned", "--json"])
            .args(extra))
    }
}

fn warnings(out: &std::process::Output) -> String {
    json(out)["warnings"].to_string()
}

#[test]
fn equal_quantization_installs_without_a_note() {
    let c = Case::new();
    let models = c.model(r#"{"torch_dtype": "bfloat16"}"#);
    let out = c.install(&c.package(Some("bf16")), &models, &[]);
    common::assert_exit(&out, 0);
    assert!(
        !warnings(&out).contains("quantization"),
        "{}",
        warnings(&out)
    );
    let out = c.install(
        &c.package(Some("int4")),
        &c.model(r#"{"quantization_config": {"bits": 4, "quant_method": "gptq"}}"#),
        &[],
    );
    common::assert_exit(&out, 0);
}

#[test]
fn different_quantization_refuses_with_exit_4_unless_forced() {
    let c = Case::new();
    let models = c.model(r#"{"torch_dtype": "bfloat16"}"#);
    let pkg = c.package(Some("int4"));
    let out = c.install(&pkg, &models, &[]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(4), "{err}");
    assert!(err.contains("E_QUANTIZATION_MISMATCH"), "{err}");
    assert!(
        err.contains("\"int4\"") && err.contains("bf16"),
        "names both: {err}"
    );
    assert!(
        !c.home().join("experts/expert-demo-v1").exists(),
        "nothing installed"
    );
    let out = c.install(&pkg, &models, &["--force"]);
    common::assert_exit(&out, 0);
    assert!(
        warnings(&out).contains("installed anyway: --force"),
        "{}",
        warnings(&out)
    );
    // A 4-bit local model under a declared unquantized base refuses too.
    let out = c.install(
        &c.package(Some("none")),
        &c.model(r#"{"quantization_config": {"load_in_4bit": true}}"#),
        &[],
    );
    assert_eq!(out.status.code(), Some(4));
}

#[test]
fn unknown_or_silent_quantization_installs_with_a_note() {
    let c = Case::new();
    for (declared, config) in [
        (Some("exl2"), r#"{"torch_dtype": "bfloat16"}"#),
        (None, r#"{"torch_dtype": "bfloat16"}"#),
        (Some("int4"), r#"{"hidden_size": 8}"#),
        (Some("int4"), "not json"),
    ] {
        let out = c.install(&c.package(declared), &c.model(config), &[]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{declared:?} {config}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            warnings(&out).contains("quantization not checked"),
            "{declared:?} {config}: {}",
            warnings(&out)
        );
    }
}

#[test]
fn list_models_shows_each_models_quantization_as_read() {
    let c = Case::new();
    let models = c.model(r#"{"quantization_config": {"bits": 4, "quant_method": "awq"}}"#);
    let out = run(cli(&c.home())
        .env("EXPERT_MODELS_PATH", &models)
        .env("HF_HUB_CACHE", c.dir.path().join("no-hf"))
        .args(["list", "--models", "--json"]));
    let v = json(&out);
    assert_eq!(v["models"][0]["quantization"], "4-bit (awq)", "{v}");
    let out = run(cli(&c.home())
        .env("EXPERT_MODELS_PATH", &models)
        .env("HF_HUB_CACHE", c.dir.path().join("no-hf"))
        .args(["list", "--models"]));
    assert!(stdout(&out).contains("4-bit (awq)"), "{}", stdout(&out));
}

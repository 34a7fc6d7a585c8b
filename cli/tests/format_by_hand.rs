//! docs/FORMAT.md §9 claims a reader can verify a package by hand with
//! Python's standard library and an Ed25519 library. This runs that exact
//! snippet against a package the CLI built, and against a tampered copy.

mod common;
use common::*;
use std::path::Path;
use std::process::{Command, Output};
use std::sync::OnceLock;

/// The Python interpreter to run the snippet with, or None (the test is
/// skipped) when it cannot import `cryptography`.
fn python_with_cryptography() -> Option<String> {
    // scripts/test.sh points this at Debian's /usr/bin/python3 when it exists,
    // the interpreter (and `cryptography` 38) a fresh machine has.
    let python = std::env::var("EXPERT_TEST_PYTHON").unwrap_or_else(|_| "python3".into());
    let has_crypto = Command::new(&python)
        .args(["-c", "import cryptography"])
        .status()
        .is_ok_and(|s| s.success());
    if !has_crypto {
        // scripts/test.sh installs it and sets this, so CI never skips.
        assert!(
            std::env::var_os("EXPERT_REQUIRE_PYTHON_CRYPTO").is_none(),
            "{python} cannot import cryptography, which EXPERT_REQUIRE_PYTHON_CRYPTO requires"
        );
        eprintln!("skipped: python3 with the `cryptography` package is not available");
        return None;
    }
    Some(python)
}

/// A directory with FORMAT.md's snippet as `check.py` and, beside it, the
/// `package.expert` it checks, signed; packaged once per test binary.
fn snippet_and_package() -> tempfile::TempDir {
    static BUILT: OnceLock<Tree> = OnceLock::new();
    let files = BUILT.get_or_init(|| {
        let doc = std::fs::read_to_string(repo().join("docs/FORMAT.md")).unwrap();
        let code = doc
            .split("```python\n")
            .nth(1)
            .expect("FORMAT.md has a python example")
            .split("```")
            .next()
            .unwrap();
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("check.py"), code).unwrap();
        let key = dir.path().join("k.pem");
        assert_eq!(
            run(cli(dir.path()).arg("keygen").arg("-o").arg(&key))
                .status
                .code(),
            Some(0)
        );
        let out = run(cli(dir.path())
            .arg("package")
            .arg(example("multi-model-expert"))
            .args(["--model", "qwen3-0.6b", "-o"])
            .arg(dir.path().join("package.expert"))
            .arg("--sign-key")
            .arg(&key));
        assert_eq!(out.status.code(), Some(0));
        Tree::read(dir.path())
    });
    let dir = tempfile::tempdir().unwrap();
    files.write(dir.path());
    dir
}

/// Runs `check.py` in `dir`.
fn hand_check(python: &str, dir: &Path) -> Output {
    Command::new(python)
        .arg("check.py")
        .current_dir(dir)
        .output()
        .unwrap()
}

#[test]
fn the_python_worked_example_verifies_our_package() {
    let Some(python) = python_with_cryptography() else {
        return;
    };
    let dir = snippet_and_package();
    let py = hand_check(&python, dir.path());
    assert!(
        py.status.success(),
        "{}",
        String::from_utf8_lossy(&py.stderr)
    );
    assert!(String::from_utf8_lossy(&py.stdout).starts_with("valid;"));
}

/// Repacks `pkg`, through the new directory `x`, with its manifest's
/// version changed.
fn edit_the_manifest(pkg: &Path, x: &Path) {
    std::fs::create_dir(x).unwrap();
    assert!(Command::new("tar")
        .arg("-xzf")
        .arg(pkg)
        .arg("-C")
        .arg(x)
        .status()
        .unwrap()
        .success());
    let m = std::fs::read_to_string(x.join("manifest.json"))
        .unwrap()
        .replacen("\"version\": \"1.2.0\"", "\"version\": \"9.9.9\"", 1);
    std::fs::write(x.join("manifest.json"), m).unwrap();
    let names: Vec<String> = std::fs::read_dir(x)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    assert!(Command::new("tar")
        .arg("-czf")
        .arg(pkg)
        .arg("-C")
        .arg(x)
        .args(&names)
        .status()
        .unwrap()
        .success());
}

/// A changed manifest field must make the same snippet fail.
#[test]
fn the_python_worked_example_rejects_an_edited_manifest() {
    let Some(python) = python_with_cryptography() else {
        return;
    };
    let dir = snippet_and_package();
    edit_the_manifest(&dir.path().join("package.expert"), &dir.path().join("x"));
    let tampered = hand_check(&python, dir.path());
    assert!(
        !tampered.status.success(),
        "the hand check must reject an edited manifest"
    );
}

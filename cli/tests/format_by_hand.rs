//! docs/FORMAT.md §9 claims a reader can verify a package by hand with
//! Python's standard library and an Ed25519 library. This runs that exact
//! snippet against a package the CLI built, and against a tampered copy.

mod common;
use common::*;
use std::process::Command;

#[test]
fn the_python_worked_example_verifies_our_package_and_catches_tampering() {
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
        return;
    }
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
    let pkg = dir.path().join("package.expert");
    let out = run(cli(dir.path())
        .arg("package")
        .arg(example("multi-model-expert"))
        .args(["--model", "qwen3-0.6b", "-o"])
        .arg(&pkg)
        .arg("--sign-key")
        .arg(&key));
    assert_eq!(out.status.code(), Some(0));
    let py = Command::new(&python)
        .arg("check.py")
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(
        py.status.success(),
        "{}",
        String::from_utf8_lossy(&py.stderr)
    );
    assert!(String::from_utf8_lossy(&py.stdout).starts_with("valid;"));

    // A changed manifest field must make the same snippet fail.
    let x = dir.path().join("x");
    std::fs::create_dir(&x).unwrap();
    assert!(Command::new("tar")
        .arg("-xzf")
        .arg(&pkg)
        .arg("-C")
        .arg(&x)
        .status()
        .unwrap()
        .success());
    let m = std::fs::read_to_string(x.join("manifest.json"))
        .unwrap()
        .replacen("\"version\": \"1.2.0\"", "\"version\": \"9.9.9\"", 1);
    std::fs::write(x.join("manifest.json"), m).unwrap();
    let names: Vec<String> = std::fs::read_dir(&x)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    assert!(Command::new("tar")
        .arg("-czf")
        .arg(&pkg)
        .arg("-C")
        .arg(&x)
        .args(&names)
        .status()
        .unwrap()
        .success());
    let tampered = Command::new(&python)
        .arg("check.py")
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(
        !tampered.status.success(),
        "the hand check must reject an edited manifest"
    );
}

//! Git LFS pointers where weights should be (issue #16): `validate`,
//! `package` and `install` say E_LFS_POINTER and point at `git lfs pull`
//! instead of shipping a 130-byte text file as the adapter.

mod common;
use common::*;
use std::path::{Path, PathBuf};

const WEIGHTS: &str = "weights/qwen3-0-6b/adapter/adapter_model.safetensors";
const POINTER: &str = "version https://git-lfs.github.com/spec/v1\noid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 12345678\n";

fn expert_with_pointer(dir: &Path) -> PathBuf {
    copy_dir(&example("single-model-expert"), dir);
    std::fs::write(dir.join(WEIGHTS), POINTER).unwrap();
    dir.to_path_buf()
}

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn commit_all(dir: &Path) {
    git(dir, &["init", "-q"]);
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-qm", "v1"]);
}

#[test]
fn lfs_pointer_weights_fail_validate() {
    let t = tempfile::tempdir().unwrap();
    let dir = expert_with_pointer(&t.path().join("e"));
    let out = run(cli(t.path()).arg("validate").arg(&dir).arg("--json"));
    assert_eq!(out.status.code(), Some(11));
    let report = json(&out);
    let d = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "E_LFS_POINTER")
        .unwrap_or_else(|| panic!("no E_LFS_POINTER: {report}"));
    assert!(d["message"].as_str().unwrap().contains("git lfs pull"));
}

#[test]
fn lfs_pointer_weights_are_not_packaged() {
    let t = tempfile::tempdir().unwrap();
    let dir = expert_with_pointer(&t.path().join("e"));
    let out_dir = t.path().join("out");
    let out = run(cli(t.path())
        .arg("package")
        .arg(&dir)
        .arg("--out-dir")
        .arg(&out_dir));
    assert_eq!(out.status.code(), Some(12), "{}", stderr(&out));
    assert!(stderr(&out).contains("E_LFS_POINTER") && stderr(&out).contains("git lfs pull"));
    let written = std::fs::read_dir(&out_dir).map(|d| d.count()).unwrap_or(0);
    assert_eq!(written, 0, "no package is written");
}

#[test]
fn lfs_pointer_weights_in_git_source_are_not_installed() {
    let t = tempfile::tempdir().unwrap();
    let dir = expert_with_pointer(&t.path().join("e"));
    commit_all(&dir);
    let home = t.path().join("home");
    let out = run(cli(&home)
        .arg("install")
        .arg(format!("git+file://{}", dir.display()))
        .args(["--allow-unsigned", "--base-model", "Qwen/Qwen3-0.6B"]));
    assert_eq!(out.status.code(), Some(12), "{}", stderr(&out));
    assert!(stderr(&out).contains("E_LFS_POINTER"));
    assert!(!home.join("experts/expert-demo-v1").exists());
}

#[test]
fn lfs_pointer_package_in_git_source_is_not_installed() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path().join("e");
    copy_dir(&example("single-model-expert"), &dir);
    std::fs::create_dir_all(dir.join("versions")).unwrap();
    std::fs::write(dir.join("versions/expert-demo-v1.v0.3.0.expert"), POINTER).unwrap();
    commit_all(&dir);
    let home = t.path().join("home");
    let out = run(cli(&home)
        .arg("install")
        .arg(format!("git+file://{}", dir.display()))
        .args(["--allow-unsigned"]));
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("E_LFS_POINTER") && stderr(&out).contains("git lfs pull"));
    let file = t.path().join("pointer.expert");
    std::fs::write(&file, POINTER).unwrap();
    let out = run(cli(&home).arg("install").arg(&file).arg("--allow-unsigned"));
    assert!(stderr(&out).contains("E_LFS_POINTER"), "{}", stderr(&out));
}

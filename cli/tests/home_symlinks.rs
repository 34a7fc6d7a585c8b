//! Deleting under EXPERT_HOME (issue #16): links are removed, never
//! followed, and only paths computed from EXPERT_HOME, the name and the
//! version are deleted.
#![cfg(unix)]

mod common;
use common::*;
use std::os::unix::fs::symlink;
use std::path::Path;

fn install_example(home: &Path, example_name: &str) {
    let out = run(cli(home).arg("install").arg(example(example_name)).args([
        "--allow-unsigned",
        "--base-model",
        "Qwen/Qwen3-0.6B",
        "--json",
    ]));
    common::assert_exit(&out, 0);
}

/// A directory outside EXPERT_HOME with a file that must survive.
fn precious(dir: &Path) -> std::path::PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    let f = dir.join("precious.txt");
    std::fs::write(&f, b"keep me").unwrap();
    f
}

#[test]
fn symlinked_expert_dir_is_unlinked_not_followed() {
    let t = tempfile::tempdir().unwrap();
    let home = t.path().join("home");
    install_example(&home, "single-model-expert");
    let outside = t.path().join("outside");
    let kept = precious(&outside.join("0.9.0"));
    symlink(&outside, home.join("experts/linked-expert")).unwrap();
    // Every install and uninstall starts with the crash clean-up.
    let out = run(cli(&home).args(["uninstall", "nothing-installed"]));
    assert_eq!(out.status.code(), Some(1));
    assert!(kept.exists(), "the link's target was deleted through it");
    assert!(
        std::fs::symlink_metadata(home.join("experts/linked-expert")).is_err(),
        "the link itself is removed"
    );
    assert!(home.join("experts/expert-demo-v1").is_dir());
}

#[test]
fn symlinked_version_dir_is_unlinked_not_followed() {
    let t = tempfile::tempdir().unwrap();
    let home = t.path().join("home");
    install_example(&home, "single-model-expert");
    let outside = t.path().join("outside");
    let kept = precious(&outside);
    symlink(&outside, home.join("experts/expert-demo-v1/9.9.9")).unwrap();
    let out = run(cli(&home).args(["uninstall", "nothing-installed"]));
    assert_eq!(out.status.code(), Some(1));
    assert!(kept.exists());
    assert!(std::fs::symlink_metadata(home.join("experts/expert-demo-v1/9.9.9")).is_err());
}

#[test]
fn uninstall_cleanup_never_deletes_a_model_linked_into_models() {
    let t = tempfile::tempdir().unwrap();
    let home = t.path().join("home");
    install_example(&home, "single-model-expert");
    let outside = t.path().join("outside");
    // models/Org -> outside/Org (holding Org/Big), models/Direct -> outside/Direct.
    let nested = precious(&outside.join("Org/Big"));
    std::fs::write(outside.join("Org/Big/config.json"), b"{}").unwrap();
    let direct = precious(&outside.join("Direct"));
    std::fs::write(outside.join("Direct/config.json"), b"{}").unwrap();
    std::fs::create_dir_all(home.join("models")).unwrap();
    symlink(outside.join("Org"), home.join("models/Org")).unwrap();
    symlink(outside.join("Direct"), home.join("models/Direct")).unwrap();
    let out = run(cli(&home).args(["uninstall", "expert-demo-v1", "--cleanup", "--yes"]));
    common::assert_exit(&out, 0);
    assert!(nested.exists() && outside.join("Org/Big/config.json").exists());
    assert!(direct.exists() && outside.join("Direct/config.json").exists());
}

#[test]
fn uninstall_refuses_a_registry_path_that_names_another_expert() {
    let t = tempfile::tempdir().unwrap();
    let home = t.path().join("home");
    install_example(&home, "single-model-expert");
    install_example(&home, "multi-model-expert");
    let reg_path = home.join("expert-registry.json");
    let mut reg: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&reg_path).unwrap()).unwrap();
    let experts = reg["experts"].as_array_mut().unwrap();
    let other =
        experts.iter().find(|e| e["name"] == "expert-demo").unwrap()["versions"][0]["path"].clone();
    let victim = std::path::PathBuf::from(other.as_str().unwrap());
    for e in experts.iter_mut() {
        if e["name"] == "expert-demo-v1" {
            e["versions"][0]["path"] = other.clone();
        }
    }
    std::fs::write(&reg_path, serde_json::to_vec_pretty(&reg).unwrap()).unwrap();
    let out = run(cli(&home).args(["uninstall", "expert-demo-v1"]));
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("E_REGISTRY"));
    assert!(
        victim.join("manifest.json").exists(),
        "another expert's files were deleted"
    );
    let list = json(&run(cli(&home).args(["list", "--json"])));
    assert_eq!(
        list["experts"].as_array().unwrap().len(),
        2,
        "nothing changed"
    );
}

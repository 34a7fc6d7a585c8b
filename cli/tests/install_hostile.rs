//! Every hostile package of the conformance corpus, fed to `install` with
//! every `--allow-…` flag: refused with exit 5, nothing written inside
//! EXPERT_HOME but bookkeeping, nothing written outside it, no partial expert.

mod common;
use common::*;
use std::path::{Path, PathBuf};

fn tree(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    fn walk(p: &Path, out: &mut Vec<PathBuf>) {
        let Ok(rd) = std::fs::read_dir(p) else { return };
        for e in rd.flatten() {
            out.push(e.path());
            if e.file_type().unwrap().is_dir() {
                walk(&e.path(), out);
            }
        }
    }
    walk(root, &mut out);
    out.sort();
    out
}

#[test]
fn hostile_packages_never_install_and_never_write_outside_home() {
    let cases = repo().join("tests/conformance/cases");
    let sandbox = tempfile::tempdir().unwrap();
    let home = sandbox.path().join("a/b/home");
    let cwd = sandbox.path().join("a/b/cwd");
    std::fs::create_dir_all(&cwd).unwrap();
    let mut n = 0;
    for case in std::fs::read_dir(&cases).unwrap().flatten() {
        let pkg = case.path().join("package.expert");
        let expected: serde_json::Value =
            serde_json::from_slice(&std::fs::read(case.path().join("expected.json")).unwrap())
                .unwrap();
        if expected["status"] != "invalid" || !pkg.is_file() {
            continue;
        }
        n += 1;
        let outside_before = tree(sandbox.path())
            .into_iter()
            .filter(|p| !p.starts_with(&home))
            .collect::<Vec<_>>();
        let out = run(cli(&home).current_dir(&cwd).arg("install").arg(&pkg).args([
            "--allow-unsigned",
            "--allow-untrusted",
            "--allow-legacy",
            "--allow-downgrade",
            "--force",
        ]));
        let name = case.file_name().to_string_lossy().to_string();
        assert_eq!(
            out.status.code(),
            Some(5),
            "{name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let outside_after = tree(sandbox.path())
            .into_iter()
            .filter(|p| !p.starts_with(&home))
            .collect::<Vec<_>>();
        assert_eq!(
            outside_before, outside_after,
            "{name} wrote outside EXPERT_HOME"
        );
        let experts = home.join("experts");
        assert!(
            !experts.exists() || std::fs::read_dir(&experts).unwrap().count() == 0,
            "{name} left a partial expert"
        );
        let staging = home.join(".staging");
        assert!(
            !staging.exists() || std::fs::read_dir(&staging).unwrap().count() == 0,
            "{name} left staging files"
        );
        assert!(
            !home.join("expert-registry.json").exists(),
            "{name} touched the registry"
        );
    }
    assert!(n >= 40, "only {n} hostile cases found");
}

//! Packages made by upstream's CLI (hivellm/expert 0.3.0): the
//! `upstream-0.3.0-*` conformance cases (three that upstream's own code
//! wrote, and more that tests/conformance/upstream.py writes in the same
//! layout), which the core, the npm package and the page judge too. Every command must read them: `verify`,
//! `inspect` and `validate` agree on whether each is signed and by which
//! key, and `install` takes them with the matching `--allow-…` flag only.

mod common;
use common::*;
use std::path::PathBuf;

/// (package, expected status, expected first problem code) of every
/// `upstream-0.3.0-*` conformance case: the three packages upstream's own
/// code wrote (copied from tests/fixtures/upstream-0.3.0/) and the ones
/// tests/conformance/upstream.py writes in the same layout.
fn packages() -> Vec<(PathBuf, String, Option<String>)> {
    let cases = repo().join("tests/conformance/cases");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&cases)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("upstream-0.3.0-")
        })
        .collect();
    dirs.sort();
    let real = dirs
        .iter()
        .filter(|d| d.to_string_lossy().contains("upstream-0.3.0-real-"))
        .count();
    assert_eq!(real, 3, "the three packages upstream's own code wrote");
    assert!(dirs.len() >= 11, "and at least 8 generated ones");
    dirs.into_iter()
        .map(|dir| {
            let want: serde_json::Value =
                serde_json::from_slice(&std::fs::read(dir.join("expected.json")).unwrap()).unwrap();
            (
                dir.join("package.expert"),
                want["status"].as_str().unwrap().to_string(),
                want["problem_code"].as_str().map(str::to_string),
            )
        })
        .collect()
}

#[test]
fn verify_inspect_and_validate_agree_on_every_upstream_package() {
    let home = tempfile::tempdir().unwrap();
    for (pkg, status, code) in packages() {
        let name = pkg.display();
        let v = run(cli(home.path()).arg("verify").arg(&pkg).arg("--json"));
        let verdict = json(&v);
        assert_eq!(verdict["status"], status.as_str(), "{name}: {verdict}");
        assert_eq!(
            verdict["problems"][0]["code"].as_str(),
            code.as_deref(),
            "{name}: {verdict}"
        );
        assert_eq!(
            v.status.code(),
            Some(6),
            "{name}: unsigned and legacy exit 6"
        );

        let i = json(&run(cli(home.path())
            .arg("inspect")
            .arg(&pkg)
            .arg("--json")));
        assert_eq!(
            i["signed"],
            status != "unsigned",
            "{name}: inspect says signed = {}",
            i["signed"]
        );
        assert_eq!(
            i["key_id"], verdict["key_id"],
            "{name}: inspect and verify name the same key"
        );

        let val = run(cli(home.path()).arg("validate").arg(&pkg).arg("--json"));
        assert_eq!(val.status.code(), Some(0), "{name}: {}", stdout(&val));
        assert_eq!(json(&val)["valid"], true);
    }
}

/// `expert-cli install PKG ARGS…` in `home`, with no Hugging Face cache.
fn install(home: &std::path::Path, pkg: &std::path::Path, args: &[&str]) -> std::process::Output {
    run(cli(home)
        .env("HF_HUB_CACHE", home.join("no-hf"))
        .arg("install")
        .arg(pkg)
        .args(args))
}

#[test]
fn install_takes_upstream_packages_with_the_matching_flag_only() {
    let cases = repo().join("tests/conformance/cases");
    for (pkg, status, _) in packages() {
        let home = tempfile::tempdir().unwrap();
        let name = pkg.display();
        let flag = if status == "legacy" {
            "--allow-legacy"
        } else {
            "--allow-unsigned"
        };
        let out = install(home.path(), &pkg, &[]);
        assert_eq!(out.status.code(), Some(6), "{name}: refused without {flag}");
        let experts = home.path().join("experts");
        assert!(!experts.exists() || std::fs::read_dir(&experts).unwrap().next().is_none());

        // The real expert-tools manifest requires expert-json.
        let needs_json = pkg.to_string_lossy().contains("expert-tools");
        if needs_json {
            let dep = cases.join("upstream-0.3.0-expert-json-unsigned/package.expert");
            let out = install(home.path(), &dep, &["--allow-unsigned"]);
            assert_eq!(out.status.code(), Some(0));
        }
        let out = install(home.path(), &pkg, &[flag, "--json"]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{name}: {}{}",
            stdout(&out),
            String::from_utf8_lossy(&out.stderr)
        );
        let list = json(&run(cli(home.path()).args(["list", "--json"])));
        let listed = list["experts"].as_array().unwrap();
        assert_eq!(listed.len(), 1 + usize::from(needs_json), "{name}: {list}");
        let inspected = json(&run(cli(home.path())
            .arg("inspect")
            .arg(&pkg)
            .arg("--json")));
        let installed = listed.iter().find(|e| e["name"] == inspected["name"]);
        assert_eq!(
            installed.map(|e| &e["version"]),
            Some(&inspected["version"]),
            "{name}: {list}"
        );
    }
}

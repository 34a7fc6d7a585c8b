//! `registry validate` and `registry rebuild` (SPEC §10 "Registry doctor"):
//! validate is read-only and names each problem; rebuild from `experts/`
//! alone gives back what `list --json` showed before the registry was lost.

mod common;
use common::*;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

struct Home {
    dir: tempfile::TempDir,
}

impl Home {
    fn new() -> Home {
        Home {
            dir: tempfile::tempdir().unwrap(),
        }
    }
    fn home(&self) -> PathBuf {
        self.dir.path().join("home")
    }
    fn cli(&self) -> Command {
        let mut c = cli(&self.home());
        c.env("HF_HUB_CACHE", self.dir.path().join("no-hf"))
            .current_dir(self.dir.path());
        c
    }
    fn registry(&self) -> PathBuf {
        self.home().join("expert-registry.json")
    }
    fn list(&self) -> serde_json::Value {
        let out = run(self.cli().args(["list", "--json"]));
        common::assert_exit(&out, 0);
        json(&out)
    }
    fn validate(&self) -> (i32, serde_json::Value) {
        let out = run(self.cli().args(["registry", "validate", "--json"]));
        (out.status.code().unwrap(), json(&out))
    }
    fn rebuild(&self) -> (i32, serde_json::Value) {
        let out = run(self.cli().args(["registry", "rebuild", "--json"]));
        (out.status.code().unwrap(), json(&out))
    }
    /// Changes the registry file through its JSON.
    fn edit_registry(&self, edit: impl FnOnce(&mut Value)) {
        edit_json(&self.registry(), edit)
    }
    fn edit_trust_store(&self, edit: impl FnOnce(&mut Value)) {
        edit_json(&self.home().join("trust.json"), edit)
    }
    /// `registry validate` exits 1 with the findings `want` (sorted), each
    /// naming its expert and how to fix it, and writes nothing.
    fn assert_findings(&self, want: &[&str]) {
        let before = std::fs::read(self.registry()).unwrap();
        let (code, v) = self.validate();
        assert_eq!(code, 1, "{v}");
        let mut got = Home::codes(&v);
        got.sort();
        assert_eq!(got, want, "{v}");
        for f in v["findings"].as_array().unwrap() {
            assert!(f["expert"].is_string(), "names the expert: {f}");
            assert!(
                !f["fix"].as_str().unwrap().is_empty(),
                "says how to fix: {f}"
            );
        }
        assert_eq!(std::fs::read(self.registry()).unwrap(), before, "read-only");
    }
    fn codes(v: &serde_json::Value) -> Vec<String> {
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["code"].as_str().unwrap().to_string())
            .collect()
    }
}

fn read_json(p: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap()
}

fn edit_json(p: &Path, edit: impl FnOnce(&mut Value)) {
    let mut v = read_json(p);
    edit(&mut v);
    std::fs::write(p, serde_json::to_vec(&v).unwrap()).unwrap();
}

/// The experts `installed_home` installs: name, version, signed.
const EXPERTS: [(&str, &str, bool); 3] = [
    ("expert-signed", "1.0.0", true),
    ("expert-plain", "1.0.0", false),
    ("expert-plain", "1.1.0", false),
];

/// `publisher.pem` (and .pub) and the package `NAME-VERSION.expert` of
/// each of `EXPERTS`, made once per test binary.
fn packages() -> &'static Tree {
    static BUILT: OnceLock<Tree> = OnceLock::new();
    BUILT.get_or_init(|| {
        let h = Home::new();
        let out = h.dir.path().join("out");
        let key = out.join("publisher.pem");
        std::fs::create_dir_all(&out).unwrap();
        assert_eq!(
            run(h.cli().arg("keygen").arg("-o").arg(&key)).status.code(),
            Some(0)
        );
        for (name, version, sign) in EXPERTS {
            let src = h.dir.path().join(format!("src-{name}-{version}"));
            copy_dir(&example("single-model-expert"), &src);
            let m = std::fs::read_to_string(src.join("manifest.json")).unwrap();
            let m = regex_replace(&m, "name", name);
            let m = regex_replace(&m, "version", version);
            std::fs::write(src.join("manifest.json"), m).unwrap();
            let pkg = out.join(format!("{name}-{version}.expert"));
            let mut c = h.cli();
            c.arg("package").arg(&src).arg("-o").arg(&pkg);
            if sign {
                c.arg("--sign-key").arg(&key);
            }
            let out = run(&mut c);
            common::assert_exit(&out, 0);
        }
        Tree::read(&out)
    })
}

/// A home with two experts installed: one signed by a trusted key (from a
/// directory, so its source is a path) and one unsigned, at two versions.
fn installed_home() -> Home {
    let h = Home::new();
    packages().write(h.dir.path());
    let out = run(h
        .cli()
        .args(["trust", "add"])
        .arg(h.dir.path().join("publisher.pub")));
    assert_eq!(out.status.code(), Some(0));
    for (name, version, _) in EXPERTS {
        let pkg = h.dir.path().join(format!("{name}-{version}.expert"));
        let out = run(h.cli().arg("install").arg(&pkg).arg("--allow-unsigned"));
        common::assert_exit(&out, 0);
    }
    h
}

/// Replaces the first `"key": "…"` member's value.
fn regex_replace(text: &str, key: &str, value: &str) -> String {
    let pat = format!("\"{key}\": \"");
    let start = text.find(&pat).unwrap() + pat.len();
    let end = start + text[start..].find('"').unwrap();
    format!("{}{value}{}", &text[..start], &text[end..])
}

/// `list --json` with every field we write, plus what `--verbose` shows.
fn full_list(h: &Home) -> (serde_json::Value, String) {
    let verbose = stdout(&run(h.cli().args(["list", "--verbose"])));
    (h.list(), verbose)
}

#[test]
fn validate_is_clean_on_a_fresh_home_and_an_installed_one() {
    let h = Home::new();
    assert_eq!(
        h.validate(),
        (0, serde_json::json!({"clean": true, "findings": []}))
    );
    let h = installed_home();
    let before = std::fs::read(h.registry()).unwrap();
    assert_eq!(
        h.validate(),
        (0, serde_json::json!({"clean": true, "findings": []}))
    );
    assert_eq!(
        std::fs::read(h.registry()).unwrap(),
        before,
        "validate is read-only"
    );
}

#[test]
fn rebuild_after_deleting_or_truncating_the_registry_loses_nothing() {
    let h = installed_home();
    let before = full_list(&h);
    assert_eq!(before.0["experts"].as_array().unwrap().len(), 3);
    assert!(before.1.contains("status verified"), "{}", before.1);
    let original = read_json(&h.registry());

    std::fs::remove_file(h.registry()).unwrap();
    // A lost registry is not a crash: installs must not sweep experts/.
    let out = run(h.cli().args(["uninstall", "expert-none"]));
    assert_eq!(out.status.code(), Some(1));
    let (code, v) = h.rebuild();
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["experts"].as_array().unwrap().len(), 3);
    assert_eq!(full_list(&h), before, "after deleting");
    let rebuilt = read_json(&h.registry());
    assert_eq!(
        rebuilt["experts"], original["experts"],
        "every field we wrote"
    );
    assert_eq!(h.validate().0, 0);

    let len = std::fs::metadata(h.registry()).unwrap().len();
    let f = std::fs::OpenOptions::new()
        .write(true)
        .open(h.registry())
        .unwrap();
    f.set_len(len / 2).unwrap();
    drop(f);
    let out = run(h.cli().args(["list", "--json"]));
    assert_eq!(json(&out)["error"]["code"], "E_REGISTRY");
    let (code, v) = h.validate();
    assert_eq!(
        (code, Home::codes(&v)),
        (1, vec!["E_REGISTRY_JSON".to_string()])
    );
    assert_eq!(h.rebuild().0, 0);
    assert_eq!(full_list(&h), before, "after truncating");
}

#[test]
fn rebuild_keeps_other_tools_fields_when_the_old_registry_still_parses() {
    let h = installed_home();
    h.edit_registry(|reg| {
        reg["other_tool"] = serde_json::json!({"kept": true});
        reg["experts"][0]["versions"][0]["loaded_by"] = serde_json::json!("router");
        // …and a rule break the rebuild repairs: a duplicate entry.
        let dup = reg["experts"][0].clone();
        reg["experts"].as_array_mut().unwrap().push(dup);
    });
    let (code, v) = h.validate();
    assert_eq!(
        (code, Home::codes(&v)),
        (1, vec!["E_REGISTRY_DUPLICATE_NAME".to_string()])
    );
    assert_eq!(h.rebuild().0, 0);
    let after = read_json(&h.registry());
    assert_eq!(after["other_tool"], serde_json::json!({"kept": true}));
    assert_eq!(after["experts"][0]["versions"][0]["loaded_by"], "router");
    assert_eq!(after["experts"].as_array().unwrap().len(), 2);
}

/// The index of expert `name` in the registry `v`.
fn index_of(v: &Value, name: &str) -> usize {
    v["experts"]
        .as_array()
        .unwrap()
        .iter()
        .position(|e| e["name"] == name)
        .unwrap()
}

/// The registry entry of expert-signed 1.0.0.
fn signed_entry(v: &mut Value) -> &mut Value {
    let i = index_of(v, "expert-signed");
    &mut v["experts"][i]["versions"][0]
}

#[test]
fn validate_names_an_installed_directory_the_registry_does_not_list() {
    let h = installed_home();
    h.edit_registry(|v| {
        let i = index_of(v, "expert-plain");
        v["experts"][i]["versions"]
            .as_array_mut()
            .unwrap()
            .remove(0);
    });
    h.assert_findings(&["E_REGISTRY_UNLISTED"]);
}

#[test]
fn validate_names_a_listed_version_whose_directory_is_gone() {
    let h = installed_home();
    let gone = h.home().join("experts/expert-plain/1.0.0");
    std::fs::rename(&gone, h.dir.path().join("aside")).unwrap();
    h.assert_findings(&["E_REGISTRY_MISSING_DIR"]);
}

#[test]
fn validate_names_a_base_model_other_than_the_installed_manifests() {
    let h = installed_home();
    h.edit_registry(|v| signed_entry(v)["base_model"] = "Other/Model".into());
    h.assert_findings(&["E_REGISTRY_MANIFEST_MISMATCH"]);
}

#[test]
fn validate_names_a_package_hash_other_than_the_install_records() {
    let h = installed_home();
    h.edit_registry(|v| signed_entry(v)["package_sha256"] = "00".into());
    h.assert_findings(&["E_REGISTRY_HASH_MISMATCH"]);
}

#[test]
fn validate_names_a_key_other_than_the_install_records_and_the_pin() {
    let h = installed_home();
    h.edit_registry(|v| signed_entry(v)["key_id"] = "0000000000000000".into());
    h.assert_findings(&[
        "E_REGISTRY_KEY_MISMATCH",
        "E_REGISTRY_KEY_MISMATCH",
        "E_REGISTRY_PIN_MISMATCH",
    ]);
}

#[test]
fn validate_names_the_pin_of_an_installed_expert_to_another_key() {
    let h = installed_home();
    h.edit_trust_store(|t| t["pins"]["expert-signed"] = "0123456789abcdef".into());
    h.assert_findings(&["E_REGISTRY_PIN_MISMATCH"]);
}

#[test]
fn validate_warns_of_a_signed_expert_without_a_pin() {
    let h = installed_home();
    h.edit_trust_store(|t| {
        t["pins"].as_object_mut().unwrap().remove("expert-signed");
        t["pins"]["expert-gone"] = "0123456789abcdef".into();
    });
    h.assert_findings(&["W_REGISTRY_UNPINNED"]);
}

/// Each damaged shape of the loader is a finding too.
#[test]
fn validate_names_a_damaged_shape_and_is_clean_once_repaired() {
    let h = installed_home();
    let original = read_json(&h.registry());
    h.edit_registry(|v| {
        let i = index_of(v, "expert-signed");
        v["experts"][i]["versions"] = serde_json::json!([]);
    });
    let (code, out) = h.validate();
    assert_eq!(code, 1);
    assert!(
        Home::codes(&out).contains(&"E_REGISTRY_EMPTY_VERSIONS".to_string()),
        "{out}"
    );
    h.edit_registry(|v| *v = original);
    assert_eq!(h.validate().0, 0);
}

/// A directory as upstream (or a hand) leaves it: the manifest and files,
/// no install record.
fn strip_records(home: &Path) {
    for e in walk(&home.join("experts")) {
        if e.file_name().unwrap() == ".expert-install.json" {
            std::fs::remove_file(e).unwrap();
        }
    }
}

fn walk(p: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(p).unwrap().flatten() {
        if e.file_type().unwrap().is_dir() {
            out.extend(walk(&e.path()));
        } else {
            out.push(e.path());
        }
    }
    out
}

#[test]
fn upstream_shaped_directories_rebuild_from_their_manifest_with_the_rest_unknown() {
    let h = installed_home();
    let before = h.list();
    strip_records(&h.home());
    assert_eq!(h.validate().0, 0, "no record is not a problem");
    std::fs::remove_file(h.registry()).unwrap();
    let (code, v) = h.rebuild();
    assert_eq!(code, 0, "{v}");
    let after = h.list();
    let rows = |v: &serde_json::Value| v["experts"].as_array().unwrap().clone();
    assert_eq!(rows(&after).len(), 3);
    for (a, b) in rows(&after).iter().zip(rows(&before).iter()) {
        for k in [
            "name",
            "version",
            "base_model",
            "path",
            "adapters",
            "capabilities",
        ] {
            assert_eq!(a[k], b[k], "{k} comes from the manifest");
        }
        assert_eq!(a["source"], "unknown");
        assert_eq!(a["key_id"], serde_json::Value::Null);
    }
    assert!(stdout(&run(h.cli().args(["list", "--verbose"]))).contains("status unknown"));
    // A directory whose manifest is gone is left out, with a finding.
    std::fs::remove_file(h.home().join("experts/expert-plain/1.0.0/manifest.json")).unwrap();
    let (code, v) = h.rebuild();
    assert_eq!(
        (code, Home::codes(&v)),
        (1, vec!["E_REGISTRY_MANIFEST".to_string()])
    );
    assert_eq!(h.list()["experts"].as_array().unwrap().len(), 2);
}

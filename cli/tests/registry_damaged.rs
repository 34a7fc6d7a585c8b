//! A registry or trust store that parses as JSON but breaks an invariant
//! gives one `E_REGISTRY` / `E_TRUST_STORE` error that names the entry and
//! the fix, changes nothing and never panics (SPEC §10 "Registry").

mod common;
use common::*;
use std::path::Path;

/// A version entry of `name` at `version` under `home`.
fn entry(home: &Path, name: &str, version: &str) -> String {
    format!(
        r#"{{"version": "{version}", "base_model": "Qwen3-0.6B", "path": "{}", "source": "/src", "installed_at": "2025-01-01T00:00:00Z"}}"#,
        home.join("experts").join(name).join(version).display()
    )
}

fn registry(home: &Path, experts: &str) -> String {
    format!(
        r#"{{"version": "1.0", "last_updated": "2025-01-01T00:00:00Z", "install_dir": "{0}/experts", "models_dir": "{0}/models", "experts": {experts}}}"#,
        home.display()
    )
}

/// Each damaged registry: (what it encodes, its text, the detail code and
/// the entry the message must name).
fn damaged_registries(home: &Path) -> Vec<(&'static str, String, &'static str, &'static str)> {
    let e = |n: &str, v: &str| entry(home, n, v);
    vec![
        (
            "empty versions",
            registry(home, r#"[{"name": "x", "versions": []}]"#),
            "E_REGISTRY_EMPTY_VERSIONS",
            "experts[0].versions",
        ),
        (
            "duplicate names",
            registry(
                home,
                &format!(
                    r#"[{{"name": "x", "versions": [{}]}}, {{"name": "x", "versions": [{}]}}]"#,
                    e("x", "1.0.0"),
                    e("x", "2.0.0")
                ),
            ),
            "E_REGISTRY_DUPLICATE_NAME",
            "experts[1]",
        ),
        (
            "duplicate versions",
            registry(
                home,
                &format!(
                    r#"[{{"name": "x", "versions": [{}, {}]}}]"#,
                    e("x", "1.0.0"),
                    e("x", "1.0.0")
                ),
            ),
            "E_REGISTRY_DUPLICATE_VERSION",
            "experts[0].versions[1]",
        ),
        (
            "path outside home",
            registry(
                home,
                r#"[{"name": "x", "versions": [{"version": "1.0.0", "base_model": "b", "path": "/etc", "source": "s", "installed_at": "t"}]}]"#,
            ),
            "E_REGISTRY_PATH_OUTSIDE_HOME",
            "experts[0].versions[0].path",
        ),
        (
            "path escaping with ..",
            registry(
                home,
                &format!(
                    r#"[{{"name": "x", "versions": [{{"version": "1.0.0", "base_model": "b", "path": "{}/experts/../..", "source": "s", "installed_at": "t"}}]}}]"#,
                    home.display()
                ),
            ),
            "E_REGISTRY_PATH_OUTSIDE_HOME",
            "experts[0].versions[0].path",
        ),
        (
            "relative path",
            registry(
                home,
                r#"[{"name": "x", "versions": [{"version": "1.0.0", "base_model": "b", "path": "experts/x/1.0.0", "source": "s", "installed_at": "t"}]}]"#,
            ),
            "E_REGISTRY_PATH_OUTSIDE_HOME",
            "experts[0].versions[0].path",
        ),
        (
            "version is a number",
            registry(
                home,
                r#"[{"name": "x", "versions": [{"version": 5, "base_model": "b", "path": "/p", "source": "s", "installed_at": "t"}]}]"#,
            ),
            "E_REGISTRY_SHAPE",
            "experts[0].versions[0]",
        ),
        (
            "versions is an object",
            registry(home, r#"[{"name": "x", "versions": {}}]"#),
            "E_REGISTRY_SHAPE",
            "experts[0].versions",
        ),
        (
            "experts is a string",
            registry(home, r#""x""#),
            "E_REGISTRY_SHAPE",
            "experts",
        ),
        (
            "name is a path",
            registry(
                home,
                &format!(r#"[{{"name": "../x", "versions": [{}]}}]"#, e("x", "1.0.0")),
            ),
            "E_REGISTRY_BAD_NAME",
            "experts[0].name",
        ),
        (
            "version is a path",
            registry(
                home,
                &format!(
                    r#"[{{"name": "x", "versions": [{}]}}]"#,
                    e("x", "1.0.0").replace(r#""version": "1.0.0""#, r#""version": "../1""#)
                ),
            ),
            "E_REGISTRY_BAD_VERSION",
            "experts[0].versions[0].version",
        ),
        (
            "legacy entry without a name",
            registry(
                home,
                r#"[{"version": "1.0.0", "base_model": "b", "path": "/p", "source": "s", "installed_at": "t"}]"#,
            ),
            "E_REGISTRY_SHAPE",
            "experts[0]",
        ),
        (
            "top level is an array",
            "[]".to_string(),
            "E_REGISTRY_SHAPE",
            "",
        ),
        (
            "key_id is a number",
            registry(
                home,
                &format!(
                    r#"[{{"name": "x", "versions": [{}]}}]"#,
                    e("x", "1.0.0").replace(r#""source""#, r#""key_id": 7, "source""#)
                ),
            ),
            "E_REGISTRY_SHAPE",
            "experts[0].versions[0]",
        ),
    ]
}

#[test]
fn every_damaged_registry_is_one_clear_error_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    std::fs::create_dir_all(&home).unwrap();
    let file = home.join("expert-registry.json");
    for (what, text, detail, at) in damaged_registries(&home) {
        std::fs::write(&file, &text).unwrap();
        for args in [
            &["list", "--json"][..],
            &["update", "x"],
            &["uninstall", "x"],
            &["install", "/nonexistent-source"],
        ] {
            let out = run(cli(&home).args(args));
            let err = String::from_utf8_lossy(&out.stderr);
            if args[0] == "install" {
                // The source is checked first; the registry is not reached.
                assert_ne!(out.status.code(), Some(101), "{what}: {args:?}: {err}");
                continue;
            }
            assert_eq!(out.status.code(), Some(1), "{what}: {args:?}: {err}");
            assert!(err.contains("error[E_REGISTRY]"), "{what}: {args:?}: {err}");
            assert!(
                err.contains(detail),
                "{what}: {args:?} names {detail}: {err}"
            );
            assert!(
                err.contains(&format!("{at}: ")) || at.is_empty(),
                "{what}: names {at}: {err}"
            );
            assert!(err.contains("hint:"), "{what}: says how to fix it: {err}");
            assert_eq!(
                std::fs::read_to_string(&file).unwrap(),
                text,
                "{what}: {args:?} wrote"
            );
        }
        let out = run(cli(&home).args(["list", "--json"]));
        assert_eq!(json(&out)["error"]["code"], "E_REGISTRY", "{what}");
    }
}

/// A valid key and its ID, from `keygen`.
fn a_key(dir: &Path) -> (String, String) {
    let out = run(cli(dir).arg("keygen").arg("-o").arg(dir.join("k.pem")));
    assert_eq!(out.status.code(), Some(0));
    let pubkey = std::fs::read_to_string(dir.join("k.pub"))
        .unwrap()
        .trim()
        .to_string();
    let out = run(cli(dir).args(["trust", "add", &pubkey]));
    assert_eq!(out.status.code(), Some(0));
    let listed = json(&run(cli(dir).args(["trust", "list", "--json"])));
    (
        pubkey,
        listed["keys"][0]["key_id"].as_str().unwrap().to_string(),
    )
}

#[test]
fn every_damaged_trust_store_is_one_clear_error_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (pubkey, id) = a_key(dir.path());
    let home = dir.path().join("home");
    std::fs::create_dir_all(&home).unwrap();
    let file = home.join("trust.json");
    let key =
        |id: &str, pk: &str| format!(r#"{{"key_id": "{id}", "pubkey": "{pk}", "name": null}}"#);
    let cases = vec![
        (
            "key ID that is not the key's",
            format!(
                r#"{{"version": 1, "keys": [{}]}}"#,
                key("0000000000000000", &pubkey)
            ),
            "E_TRUST_STORE_KEY",
            "keys[0].key_id",
        ),
        (
            "public key that does not parse",
            format!(r#"{{"version": 1, "keys": [{}]}}"#, key(&id, "ed25519:zz")),
            "E_TRUST_STORE_KEY",
            "keys[0].pubkey",
        ),
        (
            "the same key twice",
            format!(
                r#"{{"version": 1, "keys": [{}, {}]}}"#,
                key(&id, &pubkey),
                key(&id, &pubkey)
            ),
            "E_TRUST_STORE_DUPLICATE_KEY",
            "keys[1]",
        ),
        (
            "pin that is not a key ID",
            r#"{"version": 1, "keys": [], "pins": {"x": "not-a-key"}}"#.to_string(),
            "E_TRUST_STORE_PIN",
            "pins.x",
        ),
        (
            "pin for a path-like name",
            format!(r#"{{"version": 1, "keys": [], "pins": {{"../x": "{id}"}}}}"#),
            "E_TRUST_STORE_PIN",
            "pins.../x",
        ),
        (
            "unknown format version",
            r#"{"version": 2, "keys": []}"#.to_string(),
            "E_TRUST_STORE_VERSION",
            "version",
        ),
        (
            "keys is an object",
            r#"{"version": 1, "keys": {}}"#.to_string(),
            "E_TRUST_STORE_SHAPE",
            "",
        ),
        (
            "key name is a number",
            format!(
                r#"{{"version": 1, "keys": [{{"key_id": "{id}", "pubkey": "{pubkey}", "name": 3}}]}}"#
            ),
            "E_TRUST_STORE_SHAPE",
            "keys[0]",
        ),
    ];
    for (what, text, detail, at) in cases {
        std::fs::write(&file, &text).unwrap();
        for args in [
            &["trust", "list", "--json"][..],
            &["trust", "add", pubkey.as_str()],
            &["trust", "remove", id.as_str()],
        ] {
            let out = run(cli(&home).args(args));
            let err = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(1), "{what}: {args:?}: {err}");
            assert!(err.contains("error[E_TRUST_STORE]"), "{what}: {err}");
            assert!(err.contains(detail), "{what}: names {detail}: {err}");
            assert!(
                at.is_empty() || err.contains(&format!("{at}: ")),
                "{what}: names {at}: {err}"
            );
            assert_eq!(
                std::fs::read_to_string(&file).unwrap(),
                text,
                "{what}: {args:?} wrote"
            );
        }
    }
}

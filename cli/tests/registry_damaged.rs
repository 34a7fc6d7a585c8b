//! A registry or trust store that parses as JSON but breaks an invariant
//! gives one `E_REGISTRY` / `E_TRUST_STORE` error that names the entry and
//! the fix, changes nothing and never panics (SPEC §10 "Registry"). Each
//! test below is one such damage.

mod common;
use common::*;
use std::path::Path;
use std::sync::OnceLock;

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

/// A registry of one expert, `x`, with `versions`.
fn registry_of_x(home: &Path, versions: &str) -> String {
    registry(
        home,
        &format!(r#"[{{"name": "x", "versions": [{versions}]}}]"#),
    )
}

/// The registry `text(home)`: list, update and uninstall each fail with one
/// E_REGISTRY error that names `detail` and the entry `at` (unless empty)
/// and says how to fix it, and write nothing; install checks its source
/// first, and does not panic.
fn assert_refused_registry(text: impl Fn(&Path) -> String, detail: &str, at: &str) {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    std::fs::create_dir_all(&home).unwrap();
    let file = home.join("expert-registry.json");
    let text = text(&home);
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
            assert_ne!(out.status.code(), Some(101), "{args:?}: {err}");
            continue;
        }
        assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
        assert!(err.contains("error[E_REGISTRY]"), "{args:?}: {err}");
        assert!(err.contains(detail), "{args:?} names {detail}: {err}");
        assert!(
            err.contains(&format!("{at}: ")) || at.is_empty(),
            "names {at}: {err}"
        );
        assert!(err.contains("hint:"), "says how to fix it: {err}");
        assert_eq!(
            std::fs::read_to_string(&file).unwrap(),
            text,
            "{args:?} wrote"
        );
    }
    let out = run(cli(&home).args(["list", "--json"]));
    assert_eq!(json(&out)["error"]["code"], "E_REGISTRY");
}

#[test]
fn registry_with_empty_versions() {
    assert_refused_registry(
        |home| registry_of_x(home, ""),
        "E_REGISTRY_EMPTY_VERSIONS",
        "experts[0].versions",
    );
}

#[test]
fn registry_with_duplicate_names() {
    assert_refused_registry(
        |home| {
            registry(
                home,
                &format!(
                    r#"[{{"name": "x", "versions": [{}]}}, {{"name": "x", "versions": [{}]}}]"#,
                    entry(home, "x", "1.0.0"),
                    entry(home, "x", "2.0.0")
                ),
            )
        },
        "E_REGISTRY_DUPLICATE_NAME",
        "experts[1]",
    );
}

#[test]
fn registry_with_duplicate_versions() {
    assert_refused_registry(
        |home| {
            let e = entry(home, "x", "1.0.0");
            registry_of_x(home, &format!("{e}, {e}"))
        },
        "E_REGISTRY_DUPLICATE_VERSION",
        "experts[0].versions[1]",
    );
}

#[test]
fn registry_path_outside_home() {
    assert_refused_registry(
        |home| {
            registry_of_x(
                home,
                r#"{"version": "1.0.0", "base_model": "b", "path": "/etc", "source": "s", "installed_at": "t"}"#,
            )
        },
        "E_REGISTRY_PATH_OUTSIDE_HOME",
        "experts[0].versions[0].path",
    );
}

#[test]
fn registry_path_escaping_with_dot_dot() {
    assert_refused_registry(
        |home| {
            registry_of_x(
                home,
                &format!(
                    r#"{{"version": "1.0.0", "base_model": "b", "path": "{}/experts/../..", "source": "s", "installed_at": "t"}}"#,
                    home.display()
                ),
            )
        },
        "E_REGISTRY_PATH_OUTSIDE_HOME",
        "experts[0].versions[0].path",
    );
}

#[test]
fn registry_relative_path() {
    assert_refused_registry(
        |home| {
            registry_of_x(
                home,
                r#"{"version": "1.0.0", "base_model": "b", "path": "experts/x/1.0.0", "source": "s", "installed_at": "t"}"#,
            )
        },
        "E_REGISTRY_PATH_OUTSIDE_HOME",
        "experts[0].versions[0].path",
    );
}

#[test]
fn registry_version_is_a_number() {
    assert_refused_registry(
        |home| {
            registry_of_x(
                home,
                r#"{"version": 5, "base_model": "b", "path": "/p", "source": "s", "installed_at": "t"}"#,
            )
        },
        "E_REGISTRY_SHAPE",
        "experts[0].versions[0]",
    );
}

#[test]
fn registry_versions_is_an_object() {
    assert_refused_registry(
        |home| registry(home, r#"[{"name": "x", "versions": {}}]"#),
        "E_REGISTRY_SHAPE",
        "experts[0].versions",
    );
}

#[test]
fn registry_experts_is_a_string() {
    assert_refused_registry(
        |home| registry(home, r#""x""#),
        "E_REGISTRY_SHAPE",
        "experts",
    );
}

#[test]
fn registry_name_is_a_path() {
    assert_refused_registry(
        |home| {
            registry(
                home,
                &format!(
                    r#"[{{"name": "../x", "versions": [{}]}}]"#,
                    entry(home, "x", "1.0.0")
                ),
            )
        },
        "E_REGISTRY_BAD_NAME",
        "experts[0].name",
    );
}

#[test]
fn registry_version_is_a_path() {
    assert_refused_registry(
        |home| {
            registry_of_x(
                home,
                &entry(home, "x", "1.0.0").replace(r#""version": "1.0.0""#, r#""version": "../1""#),
            )
        },
        "E_REGISTRY_BAD_VERSION",
        "experts[0].versions[0].version",
    );
}

#[test]
fn registry_legacy_entry_without_a_name() {
    assert_refused_registry(
        |home| {
            registry(
                home,
                r#"[{"version": "1.0.0", "base_model": "b", "path": "/p", "source": "s", "installed_at": "t"}]"#,
            )
        },
        "E_REGISTRY_SHAPE",
        "experts[0]",
    );
}

#[test]
fn registry_top_level_is_an_array() {
    assert_refused_registry(|_| "[]".to_string(), "E_REGISTRY_SHAPE", "");
}

#[test]
fn registry_key_id_is_a_number() {
    assert_refused_registry(
        |home| {
            registry_of_x(
                home,
                &entry(home, "x", "1.0.0").replace(r#""source""#, r#""key_id": 7, "source""#),
            )
        },
        "E_REGISTRY_SHAPE",
        "experts[0].versions[0]",
    );
}

/// A valid public key and its ID, from `keygen`, made once per test binary.
fn a_key() -> &'static (String, String) {
    static KEY: OnceLock<(String, String)> = OnceLock::new();
    KEY.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let dir = dir.path();
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
    })
}

/// A trust store entry of key `id` with public key `pk`.
fn key(id: &str, pk: &str) -> String {
    format!(r#"{{"key_id": "{id}", "pubkey": "{pk}", "name": null}}"#)
}

/// A trust store (format version 1) of `keys`.
fn store(keys: &str) -> String {
    format!(r#"{{"version": 1, "keys": [{keys}]}}"#)
}

/// The trust store `text`: trust list, add and remove each fail with one
/// E_TRUST_STORE error that names `detail` and the entry `at` (unless
/// empty), and write nothing.
fn assert_refused_trust_store(text: &str, detail: &str, at: &str) {
    let (pubkey, id) = a_key();
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    std::fs::create_dir_all(&home).unwrap();
    let file = home.join("trust.json");
    std::fs::write(&file, text).unwrap();
    for args in [
        &["trust", "list", "--json"][..],
        &["trust", "add", pubkey.as_str()],
        &["trust", "remove", id.as_str()],
    ] {
        let out = run(cli(&home).args(args));
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
        assert!(err.contains("error[E_TRUST_STORE]"), "{err}");
        assert!(err.contains(detail), "names {detail}: {err}");
        assert!(
            at.is_empty() || err.contains(&format!("{at}: ")),
            "names {at}: {err}"
        );
        assert_eq!(
            std::fs::read_to_string(&file).unwrap(),
            text,
            "{args:?} wrote"
        );
    }
}

#[test]
fn trust_store_key_id_that_is_not_the_keys() {
    let (pubkey, _) = a_key();
    assert_refused_trust_store(
        &store(&key("0000000000000000", pubkey)),
        "E_TRUST_STORE_KEY",
        "keys[0].key_id",
    );
}

#[test]
fn trust_store_public_key_that_does_not_parse() {
    let (_, id) = a_key();
    assert_refused_trust_store(
        &store(&key(id, "ed25519:zz")),
        "E_TRUST_STORE_KEY",
        "keys[0].pubkey",
    );
}

#[test]
fn trust_store_with_the_same_key_twice() {
    let (pubkey, id) = a_key();
    assert_refused_trust_store(
        &store(&format!("{0}, {0}", key(id, pubkey))),
        "E_TRUST_STORE_DUPLICATE_KEY",
        "keys[1]",
    );
}

#[test]
fn trust_store_pin_that_is_not_a_key_id() {
    assert_refused_trust_store(
        r#"{"version": 1, "keys": [], "pins": {"x": "not-a-key"}}"#,
        "E_TRUST_STORE_PIN",
        "pins.x",
    );
}

#[test]
fn trust_store_pin_for_a_path_like_name() {
    let (_, id) = a_key();
    assert_refused_trust_store(
        &format!(r#"{{"version": 1, "keys": [], "pins": {{"../x": "{id}"}}}}"#),
        "E_TRUST_STORE_PIN",
        "pins.../x",
    );
}

#[test]
fn trust_store_of_an_unknown_format_version() {
    assert_refused_trust_store(
        r#"{"version": 2, "keys": []}"#,
        "E_TRUST_STORE_VERSION",
        "version",
    );
}

#[test]
fn trust_store_keys_is_an_object() {
    assert_refused_trust_store(r#"{"version": 1, "keys": {}}"#, "E_TRUST_STORE_SHAPE", "");
}

#[test]
fn trust_store_key_name_is_a_number() {
    let (pubkey, id) = a_key();
    assert_refused_trust_store(
        &store(&format!(
            r#"{{"key_id": "{id}", "pubkey": "{pubkey}", "name": 3}}"#
        )),
        "E_TRUST_STORE_SHAPE",
        "keys[0]",
    );
}

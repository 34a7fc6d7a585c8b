//! keygen → package → sign → verify → trust, end to end.

mod common;
use common::*;
use std::path::Path;
use std::process::Command;
use std::sync::OnceLock;

fn keygen(home: &Path, file: &Path) {
    let out = run(cli(home).arg("keygen").arg("-o").arg(file));
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn keygen_writes_a_private_pem_0600_that_openssl_reads_and_never_overwrites() {
    let home = tempfile::tempdir().unwrap();
    let key = home.path().join("k.pem");
    keygen(home.path(), &key);
    let out = run(cli(home.path()).arg("keygen").arg("-o").arg(&key));
    assert_eq!(out.status.code(), Some(1), "refuses to overwrite");
    let pem = std::fs::read_to_string(&key).unwrap();
    assert!(pem.starts_with("-----BEGIN PRIVATE KEY-----"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&key).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
    let public = std::fs::read_to_string(home.path().join("k.pub")).unwrap();
    assert!(public.starts_with("ed25519:") && public.trim().len() == 8 + 64);
    let listing = run(cli(home.path())
        .arg("keygen")
        .arg("-o")
        .arg(home.path().join("other.pem")));
    assert!(
        !stdout(&listing).contains("PRIVATE KEY"),
        "the private key is never printed"
    );

    if let Ok(o) = Command::new("openssl")
        .args(["pkey", "-pubout", "-outform", "DER", "-in"])
        .arg(&key)
        .output()
    {
        assert!(
            o.status.success(),
            "openssl could not read our key: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        let raw = &o.stdout[o.stdout.len() - 32..];
        assert_eq!(
            expert_core::util::hex::encode(raw),
            public.trim().trim_start_matches("ed25519:")
        );
    }
}

/// A directory, also the EXPERT_HOME, with key `pub.pem` (and `pub.pub`)
/// and the multi-model example's Qwen3-0.6B package signed by it
/// (`a.expert`) and unsigned (`b.expert`), with their sidecars; packaged
/// once per test binary.
fn a_and_b() -> tempfile::TempDir {
    static BUILT: OnceLock<Tree> = OnceLock::new();
    let files = BUILT.get_or_init(|| {
        let scratch = tempfile::tempdir().unwrap();
        let home = scratch.path();
        let key = home.join("pub.pem");
        keygen(home, &key);
        let pkg = |out: &Path, signed: bool| {
            let mut c = cli(home);
            c.arg("package")
                .arg(example("multi-model-expert"))
                .args(["--model", "qwen3-0.6b", "-o"])
                .arg(out);
            if signed {
                c.arg("--sign-key").arg(&key);
            }
            assert_eq!(run(&mut c).status.code(), Some(0));
        };
        pkg(&home.join("a.expert"), true);
        pkg(&home.join("b.expert"), false);
        Tree::read(home)
    });
    let home = tempfile::tempdir().unwrap();
    files.write(home.path());
    home
}

#[test]
fn an_unsigned_package_verifies_as_unsigned_with_exit_6() {
    let home = a_and_b();
    let h = home.path();
    let unsigned = run(cli(h).arg("verify").arg(h.join("b.expert")).arg("--json"));
    assert_eq!(
        (json(&unsigned)["status"].as_str(), unsigned.status.code()),
        (Some("unsigned"), Some(6))
    );
}

#[test]
fn signing_afterwards_equals_packaging_signed_and_renews_the_sidecar() {
    let home = a_and_b();
    let h = home.path();
    let b = h.join("b.expert");
    assert_eq!(
        run(cli(h)
            .arg("sign")
            .arg(&b)
            .arg("--key")
            .arg(h.join("pub.pem")))
        .status
        .code(),
        Some(0)
    );
    assert_eq!(
        std::fs::read(h.join("a.expert")).unwrap(),
        std::fs::read(&b).unwrap(),
        "package --sign-key equals package then sign"
    );
    assert!(
        std::fs::read_to_string(h.join("b.expert.sha256"))
            .unwrap()
            .starts_with(&sha256_file(&b)),
        "the sidecar follows the re-signed bytes"
    );
}

#[test]
fn a_package_by_an_untrusted_key_is_valid_untrusted_with_exit_6() {
    let home = a_and_b();
    let h = home.path();
    let untrusted = run(cli(h).arg("verify").arg(h.join("a.expert")).arg("--json"));
    let v = json(&untrusted);
    assert_eq!(
        (v["status"].as_str(), untrusted.status.code()),
        (Some("valid-untrusted"), Some(6))
    );
    assert_eq!(v["publisher"], "expert toolchain");
    assert_eq!(v["name"], "expert-demo");
    assert_eq!(v["base_model"], "Qwen/Qwen3-0.6B");
}

#[test]
fn a_trusted_key_flag_verifies_with_exit_0() {
    let home = a_and_b();
    let h = home.path();
    let with_flag = run(cli(h)
        .arg("verify")
        .arg(h.join("a.expert"))
        .arg("--trusted-key")
        .arg(h.join("pub.pub"))
        .arg("--json"));
    assert_eq!(
        (json(&with_flag)["status"].as_str(), with_flag.status.code()),
        (Some("verified"), Some(0))
    );
}

/// `trust add pub.pub --name me`; returns `trust list --json`.
fn trust_me(h: &Path) -> serde_json::Value {
    let added = run(cli(h)
        .args(["trust", "add"])
        .arg(h.join("pub.pub"))
        .args(["--name", "me"]));
    assert_eq!(added.status.code(), Some(0));
    json(&run(cli(h).args(["trust", "list", "--json"])))
}

#[test]
fn a_trusted_key_is_listed_by_name_and_verify_says_verified_first() {
    let home = a_and_b();
    let h = home.path();
    let list = trust_me(h);
    assert_eq!(list["keys"][0]["name"], "me");
    assert_eq!(
        list["keys"][0]["pubkey"].as_str().unwrap(),
        std::fs::read_to_string(h.join("pub.pub")).unwrap().trim()
    );
    let trusted = run(cli(h).arg("verify").arg(h.join("a.expert")));
    assert_eq!(trusted.status.code(), Some(0));
    assert!(
        stdout(&trusted)
            .lines()
            .next()
            .unwrap()
            .contains("VERIFIED"),
        "one clear verdict line first"
    );
}

/// An attacker re-signs with their own key: valid, but not verified.
#[test]
fn a_package_re_signed_by_another_key_is_valid_untrusted() {
    let home = a_and_b();
    let h = home.path();
    trust_me(h);
    let a = h.join("a.expert");
    let attacker = h.join("evil.pem");
    keygen(h, &attacker);
    assert_eq!(
        run(cli(h).arg("sign").arg(&a).arg("-k").arg(&attacker))
            .status
            .code(),
        Some(0)
    );
    let resigned = run(cli(h).arg("verify").arg(&a).arg("--json"));
    assert_eq!(
        (json(&resigned)["status"].as_str(), resigned.status.code()),
        (Some("valid-untrusted"), Some(6))
    );
}

#[test]
fn trust_remove_empties_the_store_and_a_second_remove_fails() {
    let home = a_and_b();
    let h = home.path();
    let key_id = trust_me(h)["keys"][0]["key_id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        run(cli(h).args(["trust", "remove", &key_id])).status.code(),
        Some(0)
    );
    assert_eq!(
        json(&run(cli(h).args(["trust", "list", "--json"])))["keys"]
            .as_array()
            .unwrap()
            .len(),
        0
    );
    assert_eq!(
        run(cli(h).args(["trust", "remove", &key_id])).status.code(),
        Some(1)
    );
}

#[test]
fn a_flipped_byte_is_invalid_exit_5_and_inspect_shows_the_summary() {
    let home = tempfile::tempdir().unwrap();
    let key = home.path().join("k.pem");
    keygen(home.path(), &key);
    let pkg = home.path().join("p.expert");
    let mut c = cli(home.path());
    c.arg("package")
        .arg(example("single-model-expert"))
        .arg("-o")
        .arg(&pkg)
        .arg("--sign-key")
        .arg(&key);
    assert_eq!(run(&mut c).status.code(), Some(0));
    assert_eq!(pkg.file_name().unwrap(), "p.expert");

    let info = json(&run(cli(home.path())
        .arg("inspect")
        .arg(&pkg)
        .arg("--json")));
    assert_eq!(info["name"], "expert-demo-v1");
    assert_eq!(info["signed"], true);
    assert_eq!(info["adapters"][0]["r"], 4.0);

    let mut bytes = std::fs::read(&pkg).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x40;
    std::fs::write(&pkg, bytes).unwrap();
    let out = run(cli(home.path()).arg("verify").arg(&pkg).arg("--json"));
    assert_eq!(out.status.code(), Some(5));
    let v = json(&out);
    assert_eq!(v["status"], "invalid");
    assert!(
        v["problems"][0]["code"].as_str().unwrap().starts_with("E_"),
        "{v}"
    );
}

#[test]
fn corrupt_trust_store_is_an_error_with_a_hint_and_is_not_replaced() {
    let home = tempfile::tempdir().unwrap();
    keygen(home.path(), &home.path().join("k.pem"));
    std::fs::write(home.path().join("trust.json"), b"{not json").unwrap();
    let out = run(cli(home.path())
        .args(["trust", "add"])
        .arg(home.path().join("k.pub")));
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("E_TRUST_STORE") && err.contains("hint"),
        "{err}"
    );
    assert_eq!(
        std::fs::read(home.path().join("trust.json")).unwrap(),
        b"{not json"
    );
}

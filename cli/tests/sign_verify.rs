//! keygen → package → sign → verify → trust, end to end.

mod common;
use common::*;
use std::path::Path;
use std::process::Command;

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

#[test]
fn package_sign_verify_trust_and_exit_codes() {
    let home = tempfile::tempdir().unwrap();
    let key = home.path().join("pub.pem");
    keygen(home.path(), &key);
    let pubfile = home.path().join("pub.pub");
    let a = home.path().join("a.expert");
    let b = home.path().join("b.expert");
    let example_dir = example("multi-model-expert");
    let pkg = |out: &Path, signed: bool| {
        let mut c = cli(home.path());
        c.arg("package")
            .arg(&example_dir)
            .args(["--model", "qwen3-0.6b", "-o"])
            .arg(out);
        if signed {
            c.arg("--sign-key").arg(&key);
        }
        assert_eq!(run(&mut c).status.code(), Some(0));
    };
    pkg(&a, true);
    pkg(&b, false);

    let unsigned = run(cli(home.path()).arg("verify").arg(&b).arg("--json"));
    assert_eq!(
        (json(&unsigned)["status"].as_str(), unsigned.status.code()),
        (Some("unsigned"), Some(6))
    );

    assert_eq!(
        run(cli(home.path()).arg("sign").arg(&b).arg("--key").arg(&key))
            .status
            .code(),
        Some(0)
    );
    assert_eq!(
        std::fs::read(&a).unwrap(),
        std::fs::read(&b).unwrap(),
        "package --sign-key equals package then sign"
    );
    assert!(
        std::fs::read_to_string(home.path().join("b.expert.sha256"))
            .unwrap()
            .starts_with(&sha256_file(&b)),
        "the sidecar follows the re-signed bytes"
    );

    let untrusted = run(cli(home.path()).arg("verify").arg(&a).arg("--json"));
    let v = json(&untrusted);
    assert_eq!(
        (v["status"].as_str(), untrusted.status.code()),
        (Some("valid-untrusted"), Some(6))
    );
    assert_eq!(v["publisher"], "expert toolchain");
    assert_eq!(v["name"], "expert-demo");
    assert_eq!(v["base_model"], "Qwen/Qwen3-0.6B");

    let with_flag = run(cli(home.path())
        .arg("verify")
        .arg(&a)
        .arg("--trusted-key")
        .arg(&pubfile)
        .arg("--json"));
    assert_eq!(
        (json(&with_flag)["status"].as_str(), with_flag.status.code()),
        (Some("verified"), Some(0))
    );

    let added = run(cli(home.path())
        .args(["trust", "add"])
        .arg(&pubfile)
        .args(["--name", "me"]));
    assert_eq!(added.status.code(), Some(0));
    let list = json(&run(cli(home.path()).args(["trust", "list", "--json"])));
    let key_id = list["keys"][0]["key_id"].as_str().unwrap().to_string();
    assert_eq!(list["keys"][0]["name"], "me");
    assert_eq!(
        list["keys"][0]["pubkey"].as_str().unwrap(),
        std::fs::read_to_string(&pubfile).unwrap().trim()
    );
    let trusted = run(cli(home.path()).arg("verify").arg(&a));
    assert_eq!(trusted.status.code(), Some(0));
    assert!(
        stdout(&trusted)
            .lines()
            .next()
            .unwrap()
            .contains("VERIFIED"),
        "one clear verdict line first"
    );

    // An attacker re-signs with their own key: valid, but not verified.
    let attacker = home.path().join("evil.pem");
    keygen(home.path(), &attacker);
    assert_eq!(
        run(cli(home.path())
            .arg("sign")
            .arg(&a)
            .arg("-k")
            .arg(&attacker))
        .status
        .code(),
        Some(0)
    );
    let resigned = run(cli(home.path()).arg("verify").arg(&a).arg("--json"));
    assert_eq!(
        (json(&resigned)["status"].as_str(), resigned.status.code()),
        (Some("valid-untrusted"), Some(6))
    );

    assert_eq!(
        run(cli(home.path()).args(["trust", "remove", &key_id]))
            .status
            .code(),
        Some(0)
    );
    assert_eq!(
        json(&run(cli(home.path()).args(["trust", "list", "--json"])))["keys"]
            .as_array()
            .unwrap()
            .len(),
        0
    );
    assert_eq!(
        run(cli(home.path()).args(["trust", "remove", &key_id]))
            .status
            .code(),
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

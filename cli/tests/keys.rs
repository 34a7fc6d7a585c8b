//! Private keys (issue #16, Keys): encrypted PKCS#8 everywhere a private
//! key is taken, the passphrase sources, naming the algorithm of a wrong
//! key, announcing raw seeds, and never echoing key material.

mod common;
use common::*;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const PASS: &str = "correct horse battery staple";

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn keygen_encrypted(home: &Path, key: &Path) {
    let out = run(cli(home)
        .args(["keygen", "--encrypt", "-o"])
        .arg(key)
        .env("EXPERT_KEY_PASSPHRASE", PASS));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
}

fn package(home: &Path, key: &Path, out: &Path) -> Command {
    let mut c = cli(home);
    c.arg("package")
        .arg(example("single-model-expert"))
        .arg("-o")
        .arg(out)
        .arg("--sign-key")
        .arg(key);
    c
}

fn verify_with(home: &Path, pkg: &Path, pubkey: &Path) -> serde_json::Value {
    let out = run(cli(home)
        .arg("verify")
        .arg(pkg)
        .arg("--trusted-key")
        .arg(pubkey)
        .arg("--json"));
    json(&out)
}

fn openssl() -> bool {
    Command::new("openssl")
        .arg("version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// The secret parts of a key file: each base64 line of a PEM, or the hex
/// of raw bytes.
fn secrets_of(key_file: &Path) -> Vec<String> {
    let bytes = std::fs::read(key_file).unwrap();
    let text = String::from_utf8_lossy(&bytes);
    let mut out: Vec<String> = text
        .lines()
        .filter(|l| !l.starts_with("-----") && l.len() >= 16)
        .map(|l| l[..16].to_string())
        .collect();
    out.push(expert_core::util::hex::encode(&bytes));
    out
}

fn assert_no_secret(o: &Output, key_file: &Path, what: &str) {
    let all = text(o);
    for s in secrets_of(key_file) {
        assert!(
            !all.contains(&s),
            "{what}: output contains private key material {s:?}:\n{all}"
        );
    }
}

#[test]
fn encrypted_pkcs8_key_signs_with_passphrase_env() {
    let home = tempfile::tempdir().unwrap();
    let key = home.path().join("k.pem");
    keygen_encrypted(home.path(), &key);
    let pem = std::fs::read_to_string(&key).unwrap();
    assert!(pem.starts_with("-----BEGIN ENCRYPTED PRIVATE KEY-----"));
    let pkg = home.path().join("a.expert");
    let out = run(package(home.path(), &key, &pkg).env("EXPERT_KEY_PASSPHRASE", PASS));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let pubkey = home.path().join("k.pub");
    assert_eq!(
        verify_with(home.path(), &pkg, &pubkey)["status"],
        "verified"
    );

    let unsigned = home.path().join("b.expert");
    let out = run(cli(home.path())
        .arg("package")
        .arg(example("single-model-expert"))
        .arg("-o")
        .arg(&unsigned));
    assert_eq!(out.status.code(), Some(0));
    let out = run(cli(home.path())
        .arg("sign")
        .arg(&unsigned)
        .arg("--key")
        .arg(&key)
        .env("EXPERT_KEY_PASSPHRASE", PASS));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert_eq!(
        verify_with(home.path(), &unsigned, &pubkey)["status"],
        "verified"
    );
}

#[test]
fn openssl_genpkey_aes256_key_signs_with_passphrase_env() {
    if !openssl() {
        eprintln!("skipped: no openssl");
        return;
    }
    let home = tempfile::tempdir().unwrap();
    let key = home.path().join("o.pem");
    let ok = Command::new("openssl")
        .args([
            "genpkey",
            "-algorithm",
            "ed25519",
            "-aes256",
            "-pass",
            "env:P",
            "-out",
        ])
        .arg(&key)
        .env("P", PASS)
        .status()
        .unwrap();
    assert!(ok.success());
    let pkg = home.path().join("a.expert");
    let out = run(package(home.path(), &key, &pkg).env("EXPERT_KEY_PASSPHRASE", PASS));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let v = json(&run(cli(home.path()).arg("verify").arg(&pkg).arg("--json")));
    assert_eq!(v["status"], "valid-untrusted");
}

#[test]
fn keygen_encrypt_writes_a_key_openssl_reads_with_passin_env() {
    if !openssl() {
        eprintln!("skipped: no openssl");
        return;
    }
    let home = tempfile::tempdir().unwrap();
    let key = home.path().join("k.pem");
    keygen_encrypted(home.path(), &key);
    let o = Command::new("openssl")
        .args([
            "pkey",
            "-pubout",
            "-outform",
            "DER",
            "-passin",
            "env:EXPERT_KEY_PASSPHRASE",
            "-in",
        ])
        .arg(&key)
        .env("EXPERT_KEY_PASSPHRASE", PASS)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let public = std::fs::read_to_string(home.path().join("k.pub")).unwrap();
    assert_eq!(
        format!(
            "ed25519:{}",
            expert_core::util::hex::encode(&o.stdout[o.stdout.len() - 32..])
        ),
        public.trim()
    );
}

#[test]
fn encrypted_key_without_passphrase_or_terminal_names_the_variable() {
    let home = tempfile::tempdir().unwrap();
    let key = home.path().join("k.pem");
    keygen_encrypted(home.path(), &key);
    let pkg = home.path().join("a.expert");
    let out = run(package(home.path(), &key, &pkg).env_remove("EXPERT_KEY_PASSPHRASE"));
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out);
    assert!(
        err.contains("E_KEY_PASSPHRASE") && err.contains("EXPERT_KEY_PASSPHRASE"),
        "{err}"
    );
    assert!(
        !err.contains("PKCS#8 PEM (-----BEGIN PRIVATE KEY-----)"),
        "{err}"
    );
    assert!(!pkg.exists());
    let out = run(cli(home.path())
        .args(["keygen", "--encrypt", "-o"])
        .arg(home.path().join("n.pem"))
        .env_remove("EXPERT_KEY_PASSPHRASE"));
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).contains("EXPERT_KEY_PASSPHRASE"));
    assert!(!home.path().join("n.pem").exists(), "nothing written");
}

#[test]
fn wrong_passphrase_is_e_key_decrypt_without_key_material() {
    let home = tempfile::tempdir().unwrap();
    let key = home.path().join("k.pem");
    keygen_encrypted(home.path(), &key);
    let out = run(package(home.path(), &key, &home.path().join("a.expert"))
        .env("EXPERT_KEY_PASSPHRASE", "wrong"));
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).contains("E_KEY_DECRYPT"), "{}", text(&out));
    assert_no_secret(&out, &key, "wrong passphrase");
}

/// Ed448 PKCS#8 v1 PEM (RFC 8410 layout), built by hand so the test needs
/// no openssl.
fn ed448_pem() -> String {
    let mut der = vec![
        0x30, 0x47, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x71,
    ];
    der.extend_from_slice(&[0x04, 0x3b, 0x04, 0x39]);
    der.extend_from_slice(&[0x5a; 57]);
    let b64 = base64(&der);
    format!("-----BEGIN PRIVATE KEY-----\n{b64}\n-----END PRIVATE KEY-----\n")
}

fn base64(data: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for c in data.chunks(3) {
        let n = (u32::from(c[0]) << 16)
            | (u32::from(*c.get(1).unwrap_or(&0)) << 8)
            | u32::from(*c.get(2).unwrap_or(&0));
        for i in 0..4 {
            out.push(if i <= c.len() {
                A[(n >> (18 - 6 * i) & 63) as usize] as char
            } else {
                '='
            });
        }
    }
    out
}

#[test]
fn ed448_and_rsa_keys_name_the_algorithm_found() {
    let home = tempfile::tempdir().unwrap();
    let mut keys: Vec<(PathBuf, &str)> = Vec::new();
    let ed448 = home.path().join("ed448.pem");
    std::fs::write(&ed448, ed448_pem()).unwrap();
    keys.push((ed448, "Ed448"));
    if openssl() {
        let rsa = home.path().join("rsa.pem");
        let ok = Command::new("openssl")
            .args([
                "genpkey",
                "-algorithm",
                "rsa",
                "-pkeyopt",
                "rsa_keygen_bits:1024",
                "-out",
            ])
            .arg(&rsa)
            .output()
            .unwrap();
        assert!(ok.status.success());
        keys.push((rsa, "RSA"));
        let ec = home.path().join("ec.pem");
        let ok = Command::new("openssl")
            .args([
                "genpkey",
                "-algorithm",
                "EC",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
                "-out",
            ])
            .arg(&ec)
            .output()
            .unwrap();
        assert!(ok.status.success());
        keys.push((ec, "P-256"));
    }
    for (key, name) in keys {
        let out = run(&mut package(
            home.path(),
            &key,
            &home.path().join("a.expert"),
        ));
        assert_eq!(out.status.code(), Some(1));
        let err = text(&out);
        assert!(err.contains("E_KEY_ALGORITHM"), "{name}: {err}");
        assert!(
            err.contains(name) && err.contains("only Ed25519"),
            "{name}: {err}"
        );
        assert!(!err.contains("1.3.101.112"), "names no wrong OID: {err}");
        assert_no_secret(&out, &key, name);
    }
}

#[test]
fn raw_32_byte_seed_is_announced_on_stderr() {
    let home = tempfile::tempdir().unwrap();
    let key = home.path().join("upstream.key");
    std::fs::write(&key, [0x42u8; 32]).unwrap();
    let out = run(&mut package(
        home.path(),
        &key,
        &home.path().join("a.expert"),
    ));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("raw Ed25519 seed"), "{err}");
    assert_no_secret(&out, &key, "raw seed note");
}

#[test]
fn private_key_given_as_public_key_is_not_echoed() {
    let home = tempfile::tempdir().unwrap();
    let plain = home.path().join("p.pem");
    let out = run(cli(home.path()).args(["keygen", "-o"]).arg(&plain));
    assert_eq!(out.status.code(), Some(0));
    let pkg = home.path().join("a.expert");
    assert_eq!(
        run(&mut package(home.path(), &plain, &pkg)).status.code(),
        Some(0)
    );
    let raw = home.path().join("raw.key");
    std::fs::write(&raw, [0x37u8; 32]).unwrap();
    for key in [&plain, &raw] {
        let shown = key.display().to_string();
        let pem_text = std::fs::read(key).unwrap();
        let cases: Vec<Vec<String>> = vec![
            vec![
                "verify".into(),
                pkg.display().to_string(),
                "--trusted-key".into(),
                shown.clone(),
            ],
            vec!["trust".into(), "add".into(), shown.clone()],
            vec![
                "trust".into(),
                "add".into(),
                String::from_utf8_lossy(&pem_text).into_owned(),
            ],
            vec![
                "install".into(),
                pkg.display().to_string(),
                "--trusted-key".into(),
                shown.clone(),
            ],
        ];
        for args in cases {
            let out = run(cli(home.path()).args(&args));
            assert_ne!(out.status.code(), Some(0), "{args:?}");
            assert_no_secret(&out, key, &args[..2].join(" "));
        }
    }
    let out = run(cli(home.path()).args(["trust", "add"]).arg(&plain));
    assert!(
        text(&out).contains("private key"),
        "says what it is: {}",
        text(&out)
    );
}

//! Trust compares full public keys, and what a package says about itself
//! reaches people only as a claim, escaped: a package cannot name its
//! own signer, nor redraw the terminal around its verdict.

mod common;
use common::publisher::{stderr, Home};
use common::*;

fn code(o: &std::process::Output) -> Option<i32> {
    o.status.code()
}

#[test]
fn pin_records_the_full_public_key() {
    let h = Home::new();
    let pkg = h.expert("a", "expert-pinned", "1.0.0", "alice");
    assert_eq!(code(&h.install(&pkg, &["--allow-untrusted"])), Some(0));
    assert_eq!(
        h.trust_store()["pins"]["expert-pinned"],
        h.pubkey_text("alice"),
        "the pin is the key itself, not its 64-bit ID"
    );
}

#[test]
fn old_key_id_pin_still_binds_and_is_upgraded_on_write() {
    let h = Home::new();
    let a1 = h.expert("a1", "expert-old", "1.0.0", "alice");
    let m2 = h.expert("m2", "expert-old", "2.0.0", "mallory");
    let a3 = h.expert("a3", "expert-old", "3.0.0", "alice");
    // A trust store as earlier versions wrote it: the pin is a key ID.
    let id = |who: &str| {
        let v = json(
            &h.run(&[
                "verify",
                "--json",
                h.expert(&format!("id-{who}"), "x", "1.0.0", who)
                    .to_str()
                    .unwrap(),
            ]),
        );
        v["key_id"].as_str().unwrap().to_string()
    };
    let alice_id = id("alice");
    std::fs::create_dir_all(h.home()).unwrap();
    let store = serde_json::json!({"version": 1, "keys": [], "pins": {"expert-old": alice_id}});
    std::fs::write(h.home().join("trust.json"), store.to_string()).unwrap();
    assert_eq!(code(&h.install(&a1, &["--allow-untrusted"])), Some(0));
    assert_eq!(
        h.trust_store()["pins"]["expert-old"],
        h.pubkey_text("alice"),
        "upgraded on write"
    );
    let out = h.install(&m2, &["--allow-untrusted"]);
    assert_eq!(code(&out), Some(6), "{}", stderr(&out));
    assert!(stderr(&out).contains("E_KEY_CHANGED"));
    assert_eq!(code(&h.install(&a3, &["--allow-untrusted"])), Some(0));
}

#[test]
fn trusted_key_id_pin_is_upgraded_from_the_trusted_keys() {
    let h = Home::new();
    h.trust("alice", "Alice");
    let mut s = h.trust_store();
    let id = s["keys"][0]["key_id"].clone();
    s["pins"] = serde_json::json!({"expert-other": id});
    std::fs::write(h.home().join("trust.json"), s.to_string()).unwrap();
    // Any write of the store upgrades pins whose key is trusted.
    h.trust("bob", "Bob");
    assert_eq!(
        h.trust_store()["pins"]["expert-other"],
        h.pubkey_text("alice")
    );
}

#[test]
fn publisher_claim_is_not_shown_as_the_signer() {
    let h = Home::new();
    h.trust("mallory", "Mallory");
    let pkg = h.expert("claim", "expert-claim", "1.0.0", "mallory");
    let key = h.key("mallory");
    let out = h.run(&[
        "sign",
        pkg.to_str().unwrap(),
        "--key",
        key.to_str().unwrap(),
        "--publisher",
        "Alice Corp",
    ]);
    assert_eq!(code(&out), Some(0), "{}", stderr(&out));
    let out = h.run(&["verify", pkg.to_str().unwrap()]);
    assert_eq!(code(&out), Some(0));
    let text = stdout(&out);
    let first = text.lines().next().unwrap();
    assert!(first.contains("trusted as \"Mallory\""), "{text}");
    assert!(
        !first.contains("Alice Corp"),
        "the claim is not the identity: {text}"
    );
    assert!(
        text.contains("the package says its publisher is \"Alice Corp\""),
        "{text}"
    );
    let out = h.install(&pkg, &[]);
    assert_eq!(code(&out), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("trusted as \"Mallory\""), "{text}");
    assert!(
        text.contains("the package says its publisher is \"Alice Corp\""),
        "{text}"
    );
}

const FORGED: &str = "x\x1b[2K\r\x1b[1;32m\u{2713} VERIFIED: signed by Alice Corp\u{202E}";

fn assert_escaped(what: &str, text: &str) {
    assert!(
        !text.contains('\x1b') && !text.contains('\r') && !text.contains('\u{202E}'),
        "{what} must not pass control or bidi characters through: {text:?}"
    );
    assert!(
        text.contains("\\u{001b}"),
        "{what} shows them escaped: {text:?}"
    );
}

#[test]
fn publisher_with_ansi_escape_is_escaped() {
    let h = Home::new();
    let pkg = h.expert("ansi", "expert-ansi", "1.0.0", "mallory");
    let key = h.key("mallory");
    let out = h.run(&[
        "sign",
        pkg.to_str().unwrap(),
        "--key",
        key.to_str().unwrap(),
        "--publisher",
        FORGED,
    ]);
    assert_eq!(code(&out), Some(0), "{}", stderr(&out));
    let out = h.run(&["verify", pkg.to_str().unwrap()]);
    assert_eq!(code(&out), Some(6), "the exit code was always right");
    assert_escaped("verify", &stdout(&out));
    assert!(stdout(&out).starts_with("! VALID BUT UNTRUSTED"));
    assert_escaped(
        "inspect",
        &stdout(&h.run(&["inspect", pkg.to_str().unwrap()])),
    );
    let out = h.install(&pkg, &["--allow-untrusted"]);
    assert_eq!(code(&out), Some(0), "{}", stderr(&out));
    assert_escaped("install", &stdout(&out));
    // JSON keeps the exact text (serde escapes it).
    let v = json(&h.run(&["verify", "--json", pkg.to_str().unwrap()]));
    assert_eq!(v["publisher"], FORGED);
}

#[test]
fn description_and_capabilities_with_control_characters_are_escaped_and_warned() {
    let h = Home::new();
    let src = h.source("desc", "expert-desc", "1.0.0", &|m| {
        m.replacen("\"task:demo\"", "\"sql\\u001b]2;pwned\\u0007\"", 1)
            .replacen(
                "\"description\": \"",
                "\"description\": \"\\u001b[2J\\u202e",
                1,
            )
    });
    let out = h.run(&[
        "validate",
        src.join("manifest.json").to_str().unwrap(),
        "--json",
    ]);
    assert_eq!(code(&out), Some(0), "warnings only");
    let v = json(&out);
    let paths: Vec<&str> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "W_CONTROL_CHARACTER")
        .map(|d| d["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, ["description", "capabilities[0]"], "{v}");
    let human = h.run(&["validate", src.join("manifest.json").to_str().unwrap()]);
    assert!(!stdout(&human).contains('\x1b'), "{}", stdout(&human));
    let pkg = h.package(&src, "alice");
    assert_escaped(
        "inspect",
        &stdout(&h.run(&["inspect", pkg.to_str().unwrap()])),
    );
    assert_eq!(code(&h.install(&pkg, &["--allow-untrusted"])), Some(0));
    assert_escaped("list", &stdout(&h.run(&["list", "--verbose"])));
}

//! Expert names have one allowed spelling set and one folded key
//! (docs/FORMAT.md §3 "Names"): case, separator and Unicode variants of a
//! name are the same expert to every command, and cannot take over the
//! directory, pin or registry entry of the expert they imitate.

mod common;
use common::publisher::{stderr, Home};
use common::*;

fn code(o: &std::process::Output) -> Option<i32> {
    o.status.code()
}

#[test]
fn name_case_variant_cannot_take_over_pinned_expert() {
    let h = Home::new();
    h.trust("alice", "Alice");
    let real = h.expert("real", "expert-demo-v1", "0.3.0", "alice");
    assert_eq!(code(&h.install(&real, &[])), Some(0));
    let before = std::fs::read(h.home().join("trust.json")).unwrap();

    // Another key, another spelling, accepted as untrusted: refused.
    let fake = h.expert("fake", "Expert-Demo-V1", "0.4.0", "mallory");
    let out = h.install(&fake, &["--allow-untrusted"]);
    assert_eq!(code(&out), Some(4), "{}", stderr(&out));
    assert!(stderr(&out).contains("E_NAME_CONFLICT"), "{}", stderr(&out));
    // Even when that key is trusted for something else.
    h.trust("mallory", "Mallory's other project");
    let before_trusted = std::fs::read(h.home().join("trust.json")).unwrap();
    let out = h.install(&fake, &[]);
    assert_eq!(code(&out), Some(4), "{}", stderr(&out));
    assert_eq!(
        std::fs::read(h.home().join("trust.json")).unwrap(),
        before_trusted,
        "no pin for the variant"
    );
    assert_ne!(before, before_trusted);
    let listed = h.list();
    assert_eq!(listed.len(), 1, "{listed:?}");
    assert_eq!(listed[0].0, "expert-demo-v1");
    assert_eq!(listed[0].1, "0.3.0");
}

#[test]
fn name_variant_cannot_reuse_pinned_spelling_after_uninstall() {
    let h = Home::new();
    let real = h.expert("real", "expert-demo-v1", "0.3.0", "alice");
    assert_eq!(code(&h.install(&real, &["--allow-untrusted"])), Some(0));
    assert_eq!(code(&h.run(&["uninstall", "expert-demo-v1"])), Some(0));
    // The pin outlives the uninstall; a variant spelling is held to it.
    let fake = h.expert("fake", "expert_demo.V1", "0.4.0", "mallory");
    let out = h.install(&fake, &["--allow-untrusted"]);
    assert_eq!(code(&out), Some(6), "{}", stderr(&out));
    assert!(h.list().is_empty());
}

#[test]
fn install_directory_lookup_and_uninstall_use_the_folded_key() {
    let h = Home::new();
    let pkg = h.expert("mixed", "Expert-Mixed.Case", "1.0.0", "alice");
    let out = h.install(&pkg, &["--allow-untrusted"]);
    assert_eq!(code(&out), Some(0), "{}", stderr(&out));
    let listed = h.list();
    assert_eq!(
        listed[0].0, "Expert-Mixed.Case",
        "the registry keeps the spelling"
    );
    assert!(
        h.home().join("experts/expert-mixed-case/1.0.0").is_dir(),
        "the directory is the folded key: {listed:?}"
    );
    // A dependency spelled differently is satisfied by it.
    let src = h.source("dep", "expert-needs", "1.0.0", &|m| {
        m.replacen(
            "\"requires\": []",
            "\"requires\": [\"EXPERT_MIXED-case@>=1.0.0\"]",
            1,
        )
    });
    let dep = h.package(&src, "alice");
    let out = h.install(&dep, &["--allow-untrusted"]);
    assert_eq!(code(&out), Some(0), "{}", stderr(&out));
    // Uninstalling the required expert by another spelling sees the dependent.
    let out = h.run(&["uninstall", "EXPERT-MIXED-CASE"]);
    assert_eq!(code(&out), Some(3), "{}", stderr(&out));
    assert_eq!(code(&h.run(&["uninstall", "expert-needs"])), Some(0));
    assert_eq!(
        code(&h.run(&["uninstall", "expert_mixed_case@1.0.0"])),
        Some(0)
    );
    assert!(h.list().is_empty());
    assert!(!h.home().join("experts/expert-mixed-case").exists());
}

/// A manifest named `name`, validated: (exit code, stdout).
fn validate_name(h: &Home, name: &str) -> (Option<i32>, String) {
    let src = h.source("v", name, "1.0.0", &|m| m);
    let out = h.run(&["validate", src.join("manifest.json").to_str().unwrap()]);
    (code(&out), stdout(&out))
}

#[test]
fn name_with_at_sign_is_refused() {
    let h = Home::new();
    let (exit, out) = validate_name(&h, "evil@1.0.0");
    assert_eq!(exit, Some(11), "{out}");
    assert!(
        out.contains("E_UNSAFE_NAME") && out.contains("'@' is not allowed"),
        "{out}"
    );
}

#[test]
fn names_with_zero_width_bidi_lookalike_or_control_characters_are_refused() {
    let h = Home::new();
    for (name, shown) in [
        ("expert\u{200B}-json", "U+200B (zero-width space)"),
        ("expert-\u{202E}nosj", "U+202E (bidi control)"),
        ("\u{0435}xpert-json", "U+0435 (non-ASCII letter)"),
        ("expert\\u0007json", "U+0007 (control character)"),
        ("cafe\u{301}", "U+0301"),
        ("expert json", "' ' (space)"),
    ] {
        let (exit, out) = validate_name(&h, name);
        assert_eq!(exit, Some(11), "{name:?}: {out}");
        assert!(out.contains(shown), "{name:?} should name {shown}: {out}");
        assert!(
            !out.contains('\u{202E}') && !out.contains('\u{200B}'),
            "escaped: {out}"
        );
    }
}

/// A registry written by an older version, holding `name` at 1.0.0.
fn legacy_registry(h: &Home, name: &str) -> std::path::PathBuf {
    let dir = h.home().join("experts").join(name).join("1.0.0");
    std::fs::create_dir_all(&dir).unwrap();
    let reg = serde_json::json!({
        "version": "1.0", "last_updated": "2025-01-01T00:00:00Z",
        "install_dir": h.home().join("experts"), "models_dir": h.home().join("models"),
        "base_models": [],
        "experts": [{"name": name, "versions": [{
            "version": "1.0.0", "base_model": "Qwen/Qwen3-0.6B", "path": dir,
            "source": "x", "installed_at": "2025-01-01T00:00:00Z"}]}]
    });
    std::fs::write(
        h.home().join("expert-registry.json"),
        serde_json::to_vec_pretty(&reg).unwrap(),
    )
    .unwrap();
    dir
}

#[test]
fn installed_name_with_at_sign_can_be_uninstalled() {
    let h = Home::new();
    let dir = legacy_registry(&h, "evil@1.0.0");
    let out = h.run(&["uninstall", "evil@1.0.0"]);
    assert_eq!(code(&out), Some(0), "{}", stderr(&out));
    assert!(!dir.exists());
    assert!(h.list().is_empty());
}

#[test]
fn crash_recovery_reads_trash_of_name_with_at_sign() {
    let h = Home::new();
    let dir = legacy_registry(&h, "evil@1.0.0");
    // A replace that crashed after moving the old version to the trash.
    std::fs::remove_dir(&dir).unwrap();
    let trash = h.home().join(".trash/4194999-evil@1.0.0@1.0.0");
    std::fs::create_dir_all(&trash).unwrap();
    std::fs::write(trash.join("manifest.json"), "{}").unwrap();
    // Any command that recovers (uninstall of another name here).
    let out = h.run(&["uninstall", "nothing-here"]);
    assert_eq!(code(&out), Some(1), "{}", stderr(&out));
    assert!(
        dir.join("manifest.json").is_file(),
        "the trashed version is restored where the registry lists it"
    );
}

#[test]
fn reinstalling_a_version_from_before_names_were_folded_moves_it_to_the_folded_directory() {
    let h = Home::new();
    let old = legacy_registry(&h, "Old_Name");
    std::fs::write(old.join("marker"), "old install").unwrap();
    let pkg = h.expert("old", "Old_Name", "1.0.0", "alice");
    let out = h.install(&pkg, &["--allow-untrusted"]);
    assert_eq!(code(&out), Some(0), "{}", stderr(&out));
    let new = h.home().join("experts/old-name/1.0.0");
    assert!(
        new.join("manifest.json").is_file(),
        "installed at the folded key"
    );
    assert!(!old.exists(), "the old spelling's directory is gone");
    assert!(!h.home().join("experts/Old_Name").exists());
    assert_eq!(
        h.list(),
        vec![(
            "Old_Name".to_string(),
            "1.0.0".to_string(),
            new.display().to_string()
        )]
    );
    assert_eq!(
        std::fs::read_dir(h.home().join(".trash")).map_or(0, |d| d.count()),
        0
    );
}

#[test]
fn recovery_sweeps_a_directory_the_registry_no_longer_points_at() {
    let h = Home::new();
    let pkg = h.expert("swept", "Old_Name", "1.0.0", "alice");
    assert_eq!(code(&h.install(&pkg, &["--allow-untrusted"])), Some(0));
    // What a crash between the registry write and the old directory's
    // removal leaves: the same version under the old spelling.
    let leftover = h.home().join("experts/Old_Name/1.0.0");
    std::fs::create_dir_all(&leftover).unwrap();
    let out = h.run(&["uninstall", "nothing-here"]);
    assert_eq!(code(&out), Some(1), "{}", stderr(&out));
    assert!(
        !leftover.exists(),
        "swept: the registry records experts/old-name"
    );
    assert!(
        h.home().join("experts/old-name/1.0.0").is_dir(),
        "the install stays"
    );
}

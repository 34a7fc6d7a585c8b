//! The freeze attack on install: a package file that changes between the
//! read that chose it and the read that installs it (a network share, a
//! directory another user can write). What is installed and recorded must
//! be exactly what was verified, or nothing.

mod common;
use common::*;
use std::path::{Path, PathBuf};

struct Setup {
    dir: tempfile::TempDir,
}

impl Setup {
    fn new() -> Setup {
        let s = Setup {
            dir: tempfile::tempdir().unwrap(),
        };
        let key = s.path("publisher.pem");
        assert_eq!(
            run(s.cli().arg("keygen").arg("-o").arg(&key)).status.code(),
            Some(0)
        );
        let out = run(s.cli().args(["trust", "add"]).arg(s.path("publisher.pub")));
        assert_eq!(out.status.code(), Some(0));
        s
    }
    fn path(&self, p: &str) -> PathBuf {
        self.dir.path().join(p)
    }
    fn home(&self) -> PathBuf {
        self.path("home")
    }
    fn cli(&self) -> std::process::Command {
        let mut c = cli(&self.home());
        c.env("HF_HUB_CACHE", self.path("no-hf"));
        c
    }
    /// The single-model example at `version`, signed by the trusted key.
    fn package(&self, version: &str) -> PathBuf {
        let src = self.path(&format!("src-{version}"));
        copy_dir(&example("single-model-expert"), &src);
        let m = std::fs::read_to_string(src.join("manifest.json")).unwrap();
        let current = serde_json::from_str::<serde_json::Value>(&m).unwrap()["version"]
            .as_str()
            .unwrap()
            .to_string();
        let m = m.replacen(
            &format!("\"version\": \"{current}\""),
            &format!("\"version\": \"{version}\""),
            1,
        );
        std::fs::write(src.join("manifest.json"), m).unwrap();
        let out = self.path(&format!("pkg-{version}.expert"));
        let r = run(self
            .cli()
            .arg("package")
            .arg(&src)
            .arg("-o")
            .arg(&out)
            .arg("--sign-key")
            .arg(self.path("publisher.pem")));
        common::assert_exit(&r, 0);
        out
    }
    fn registry(&self) -> serde_json::Value {
        serde_json::from_slice(&std::fs::read(self.home().join("expert-registry.json")).unwrap())
            .unwrap()
    }
}

fn shell_quote(p: &Path) -> String {
    format!("'{}'", p.display().to_string().replace('\'', "'\\''"))
}

#[test]
fn package_swapped_after_it_was_chosen_installs_nothing() {
    let s = Setup::new();
    let genuine = s.package("1.0.0");
    let frozen = s.package("9.9.9");
    let target = s.path("expert.expert");
    std::fs::copy(&genuine, &target).unwrap();
    // Chosen as 1.0.0, then replaced by a validly signed 9.9.9 before the
    // install reads it: recording 9.9.9 would make the genuine 1.0.0 look
    // like a downgrade later (a freeze attack).
    let out = run(s
        .cli()
        .env("EXPERT_HOOK_AT", "before-read")
        .env(
            "EXPERT_HOOK",
            format!("cp {} {}", shell_quote(&frozen), shell_quote(&target)),
        )
        .arg("install")
        .arg(&target)
        .arg("--json"));
    assert_eq!(out.status.code(), Some(5), "{}", stdout(&out));
    assert!(stdout(&out).contains("E_FILE_CHANGED"), "{}", stdout(&out));
    let experts = s.home().join("experts");
    assert!(
        !experts.exists() || std::fs::read_dir(&experts).unwrap().next().is_none(),
        "nothing may be installed"
    );
    // And the genuine package still installs afterwards.
    std::fs::copy(&genuine, &target).unwrap();
    assert_eq!(
        run(s.cli().arg("install").arg(&target)).status.code(),
        Some(0)
    );
}

#[test]
fn package_rewritten_during_the_read_records_exactly_what_was_read() {
    let s = Setup::new();
    let genuine = s.package("1.0.0");
    let other = s.package("9.9.9");
    let target = s.path("expert.expert");
    std::fs::copy(&genuine, &target).unwrap();
    let read_sha = sha256_file(&target);
    // Rewritten in place (same inode) while the install is extracting it.
    let out = run(s
        .cli()
        .env("EXPERT_HOOK_AT", "mid-extract")
        .env(
            "EXPERT_HOOK",
            format!("cp {} {}", shell_quote(&other), shell_quote(&target)),
        )
        .arg("install")
        .arg(&target)
        .arg("--json"));
    assert_ne!(sha256_file(&target), read_sha, "the hook rewrote the file");
    match out.status.code() {
        // Whatever the install read, it is what it verified and recorded.
        Some(0) => {
            let reg = s.registry();
            let v = &reg["experts"][0]["versions"][0];
            let version = v["version"].as_str().unwrap();
            let installed = std::fs::read_to_string(
                Path::new(v["path"].as_str().unwrap()).join("manifest.json"),
            )
            .unwrap();
            assert!(installed.contains(&format!("\"version\": \"{version}\"")));
            assert_eq!(
                version, "1.0.0",
                "the bytes read were the genuine package's"
            );
            assert_eq!(v["package_sha256"].as_str(), Some(read_sha.as_str()));
        }
        // Or the mix of old and new bytes was refused, leaving nothing.
        Some(5) => {
            let experts = s.home().join("experts");
            assert!(!experts.exists() || std::fs::read_dir(&experts).unwrap().next().is_none());
        }
        other => panic!("unexpected exit {other:?}: {}", stdout(&out)),
    }
}

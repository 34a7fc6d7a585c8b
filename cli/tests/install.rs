//! install / list / uninstall / update end to end, from local git
//! repositories, directories and files; each refusal leaves the disk as it
//! was; injected crashes leave a consistent state.

mod common;
use common::*;
use std::path::{Path, PathBuf};
use std::process::Command;

struct Env {
    dir: tempfile::TempDir,
}

impl Env {
    fn new() -> Env {
        let e = Env {
            dir: tempfile::tempdir().unwrap(),
        };
        let out = run(e.cli().arg("keygen").arg("-o").arg(e.key()));
        assert_eq!(out.status.code(), Some(0));
        e
    }
    fn home(&self) -> PathBuf {
        self.dir.path().join("home")
    }
    fn key(&self) -> PathBuf {
        self.dir.path().join("publisher.pem")
    }
    fn pubkey(&self) -> PathBuf {
        self.dir.path().join("publisher.pub")
    }
    fn cli(&self) -> Command {
        let mut c = cli(&self.home());
        c.env("HF_HUB_CACHE", self.dir.path().join("no-hf"))
            .current_dir(self.dir.path());
        c
    }
    fn trust(&self) {
        assert_eq!(
            run(self.cli().args(["trust", "add"]).arg(self.pubkey()))
                .status
                .code(),
            Some(0)
        );
    }
    /// An expert source directory named `name` at `version`, with signed
    /// packages for both models under `versions/`.
    fn expert(&self, name: &str, version: &str, extra: &str) -> PathBuf {
        let dir = self.dir.path().join(format!("src-{name}-{version}"));
        copy_dir(&example("multi-model-expert"), &dir);
        let m = std::fs::read_to_string(dir.join("manifest.json")).unwrap();
        let m = m
            .replacen(
                "\"name\": \"expert-demo\"",
                &format!("\"name\": \"{name}\""),
                1,
            )
            .replacen(
                "\"version\": \"1.2.0\"",
                &format!("\"version\": \"{version}\""),
                1,
            )
            .replacen("\"requires\": []", extra, 1);
        std::fs::write(dir.join("manifest.json"), m).unwrap();
        let out = run(self
            .cli()
            .arg("package")
            .arg(&dir)
            .args(["--all-models", "--out-dir"])
            .arg(dir.join("versions"))
            .arg("--sign-key")
            .arg(self.key()));
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        dir
    }
    fn list(&self) -> Vec<(String, String, String)> {
        let v = json(&run(self.cli().args(["list", "--json"])));
        v["experts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                (
                    e["name"].as_str().unwrap().into(),
                    e["version"].as_str().unwrap().into(),
                    e["base_model"].as_str().unwrap().into(),
                )
            })
            .collect()
    }
    fn install(&self, args: &[&str]) -> std::process::Output {
        run(self.cli().arg("install").args(args))
    }
}

/// Every file under `root` with its content, to prove nothing changed.
fn snapshot(root: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    fn walk(p: &Path, out: &mut Vec<(PathBuf, Vec<u8>)>) {
        let Ok(rd) = std::fs::read_dir(p) else { return };
        for e in rd.flatten() {
            if e.file_type().unwrap().is_dir() {
                walk(&e.path(), out);
            } else if !e.file_name().to_string_lossy().ends_with(".lock") {
                out.push((e.path(), std::fs::read(e.path()).unwrap()));
            }
        }
    }
    walk(root, &mut out);
    out.sort();
    out
}

#[test]
fn install_from_git_tag_directory_and_file_and_choose_variants() {
    let env = Env::new();
    env.trust();
    let src = env.expert("expert-a", "1.0.0", "\"requires\": []");
    git(&src, &["init", "-q"]);
    git(&src, &["add", "-A"]);
    git(&src, &["commit", "-qm", "v1"]);
    git(&src, &["tag", "v1.0.0"]);
    let bare = env.dir.path().join("a.git");
    assert!(Command::new("git")
        .args(["clone", "-q", "--bare"])
        .arg(&src)
        .arg(&bare)
        .status()
        .unwrap()
        .success());

    let two = env.install(&[&format!("git+file://{}#v1.0.0", bare.display())]);
    assert_eq!(
        two.status.code(),
        Some(2),
        "two variants and no local model: the user must choose"
    );
    assert!(String::from_utf8_lossy(&two.stderr).contains("Qwen/Qwen3-0.6B, Qwen/Qwen3-1.7B"));

    let out = env.install(&[
        &format!("git+file://{}#v1.0.0", bare.display()),
        "--base-model",
        "qwen3-1.7b",
        "--json",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(json(&out)["installed"][0]["status"], "verified");
    assert_eq!(
        env.list(),
        [("expert-a".into(), "1.0.0".into(), "Qwen/Qwen3-1.7B".into())]
    );
    let installed = env.home().join("experts/expert-a/1.0.0");
    assert!(
        installed.join("adapter_model.safetensors").is_file()
            && installed.join("soft_prompts/demo_style_16.bin").is_file()
    );
    // The registry entry carries the installed variant's adapters and the
    // capabilities in upstream's shape, taken from the installed manifest.
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(installed.join("manifest.json")).unwrap()).unwrap();
    let registry: serde_json::Value =
        serde_json::from_slice(&std::fs::read(env.home().join("expert-registry.json")).unwrap())
            .unwrap();
    let entry = &registry["experts"][0]["versions"][0];
    let model = &manifest["base_models"][0];
    assert_eq!(model["name"], "Qwen/Qwen3-1.7B");
    let adapter = &model["adapters"][0];
    assert_eq!(
        entry["adapters"],
        serde_json::json!([{
            "type": adapter["type"],
            "path": adapter["path"],
            "size_bytes": adapter["size_bytes"],
            "sha256": adapter["sha256"],
        }])
    );
    assert_eq!(
        adapter["size_bytes"].as_u64().unwrap(),
        std::fs::metadata(installed.join(adapter["path"].as_str().unwrap()))
            .unwrap()
            .len()
    );
    assert_eq!(entry["capabilities"], manifest["capabilities"]);
    assert!(!entry["capabilities"].as_array().unwrap().is_empty());
    let listed = json(&run(env.cli().args(["list", "--json"])));
    assert_eq!(listed["experts"][0]["adapters"], entry["adapters"]);
    assert_eq!(listed["experts"][0]["capabilities"], entry["capabilities"]);
    let verbose = run(env.cli().args(["list", "--verbose"]));
    let text = String::from_utf8_lossy(&verbose.stdout);
    assert!(
        text.contains(&format!(
            "    adapter {} {}",
            adapter["type"].as_str().unwrap(),
            adapter["path"].as_str().unwrap()
        )) && text.contains("    can    "),
        "{text}"
    );

    // A detected base model (a fake Hugging Face cache) picks the variant.
    let hub = env.dir.path().join("hub");
    let snap = hub.join("models--Qwen--Qwen3-0.6B/snapshots/abc123");
    std::fs::create_dir_all(&snap).unwrap();
    std::fs::write(snap.join("config.json"), b"{\"hidden_size\": 1024}").unwrap();
    std::fs::create_dir_all(hub.join("models--Qwen--Qwen3-0.6B/refs")).unwrap();
    std::fs::write(hub.join("models--Qwen--Qwen3-0.6B/refs/main"), b"abc123").unwrap();
    let models = json(&run(env
        .cli()
        .env("HF_HUB_CACHE", &hub)
        .args(["models", "--json"])));
    assert_eq!(models["models"][0]["name"], "Qwen/Qwen3-0.6B");
    let b = env.expert("expert-b", "1.0.0", "\"requires\": []");
    let out = run(env
        .cli()
        .env("HF_HUB_CACHE", &hub)
        .arg("install")
        .arg(&b)
        .arg("--json"));
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(json(&out)["installed"][0]["base_model"], "Qwen/Qwen3-0.6B");

    // A .expert file, and a file:// URL.
    let c = env.expert("expert-c", "2.0.0", "\"requires\": []");
    let file = c.join("versions/expert-c-qwen3-0-6b.v2.0.0.expert");
    assert_eq!(
        env.install(&[file.to_str().unwrap()]).status.code(),
        Some(0)
    );
    let d = env.expert("expert-d", "0.1.0", "\"requires\": []");
    assert_eq!(
        env.install(&[&format!(
            "file://{}",
            d.join("versions/expert-d-qwen3-1-7b.v0.1.0.expert")
                .display()
        )])
        .status
        .code(),
        Some(0)
    );
    assert_eq!(env.list().len(), 4);
}

#[test]
fn a_source_without_packages_is_packaged_locally_and_is_unsigned() {
    let env = Env::new();
    let src = env.dir.path().join("plain");
    copy_dir(&example("single-model-expert"), &src);
    let before = snapshot(&env.home());
    let refused = env.install(&[src.to_str().unwrap()]);
    assert_eq!(refused.status.code(), Some(6));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("--allow-unsigned"));
    assert_eq!(snapshot(&env.home()), before);
    let ok = env.install(&[src.to_str().unwrap(), "--allow-unsigned", "--json"]);
    assert_eq!(ok.status.code(), Some(0));
    assert_eq!(json(&ok)["installed"][0]["status"], "unsigned");
}

#[test]
fn every_refusal_has_its_exit_code_and_changes_nothing() {
    let env = Env::new();
    let a2 = env.expert("expert-a", "2.0.0", "\"requires\": []");
    let pkg = |dir: &Path, v: &str| {
        dir.join(format!("versions/expert-a-qwen3-0-6b.v{v}.expert"))
            .display()
            .to_string()
    };

    // Untrusted: 6, unless --allow-untrusted, which pins the key.
    let before = snapshot(&env.home());
    assert_eq!(env.install(&[&pkg(&a2, "2.0.0")]).status.code(), Some(6));
    assert_eq!(
        snapshot(&env.home()),
        before,
        "an untrusted refusal writes nothing"
    );
    assert_eq!(
        env.install(&[&pkg(&a2, "2.0.0"), "--allow-untrusted"])
            .status
            .code(),
        Some(0)
    );

    let check = |args: &[&str], code: i32, what: &str| {
        let before = snapshot(&env.home());
        let out = env.install(args);
        assert_eq!(
            out.status.code(),
            Some(code),
            "{what}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(
            snapshot(&env.home()),
            before,
            "{what} must not change the disk"
        );
    };
    // Downgrade: 4.
    let a1 = env.expert("expert-a", "1.0.0", "\"requires\": []");
    check(&[&pkg(&a1, "1.0.0"), "--allow-untrusted"], 4, "downgrade");
    // Tampered: 5.
    let bad = env.dir.path().join("bad.expert");
    let mut bytes = std::fs::read(pkg(&a2, "2.0.0")).unwrap();
    let n = bytes.len();
    bytes[n / 2] ^= 1;
    std::fs::write(&bad, bytes).unwrap();
    check(
        &[
            bad.to_str().unwrap(),
            "--allow-untrusted",
            "--allow-unsigned",
        ],
        5,
        "tampered",
    );
    // Another key for a pinned name: 6.
    let other = env.dir.path().join("other.pem");
    assert_eq!(
        run(env.cli().arg("keygen").arg("-o").arg(&other))
            .status
            .code(),
        Some(0)
    );
    let a3 = env.expert("expert-a", "3.0.0", "\"requires\": []");
    assert_eq!(
        run(env
            .cli()
            .arg("sign")
            .arg(pkg(&a3, "3.0.0"))
            .arg("--key")
            .arg(&other))
        .status
        .code(),
        Some(0)
    );
    check(
        &[&pkg(&a3, "3.0.0"), "--allow-untrusted"],
        6,
        "key change on a pinned name",
    );
    // Missing dependency: 3; incompatible: 4.
    let needs = env.expert(
        "expert-needs",
        "1.0.0",
        "\"requires\": [\"expert-zzz@>=1.0.0\"]",
    );
    check(
        &[
            needs
                .join("versions/expert-needs-qwen3-0-6b.v1.0.0.expert")
                .to_str()
                .unwrap(),
            "--allow-untrusted",
        ],
        3,
        "missing dependency",
    );
    let clash = env.expert(
        "expert-clash",
        "1.0.0",
        "\"requires\": [\"expert-a\"], \"max_conflicts\": 0",
    );
    let m = std::fs::read_to_string(clash.join("manifest.json")).unwrap();
    std::fs::write(
        clash.join("manifest.json"),
        m.replacen(
            "\"incompatible_with\": []",
            "\"incompatible_with\": [\"expert-a@>=2\"]",
            1,
        ),
    )
    .unwrap();
    let clash_pkg = clash.join("versions/clash.expert");
    assert_eq!(
        run(env
            .cli()
            .arg("package")
            .arg(&clash)
            .args(["--model", "qwen3-0.6b", "-o"])
            .arg(&clash_pkg)
            .arg("--sign-key")
            .arg(env.key()))
        .status
        .code(),
        Some(0)
    );
    check(
        &[clash_pkg.to_str().unwrap(), "--allow-untrusted"],
        4,
        "incompatible_with an installed expert",
    );
    assert_eq!(
        env.list(),
        [("expert-a".into(), "2.0.0".into(), "Qwen/Qwen3-0.6B".into())]
    );
}

#[test]
fn upgrade_update_uninstall_and_dependency_order() {
    let env = Env::new();
    env.trust();
    let src = env.dir.path().join("repo");
    copy_dir(&env.expert("expert-u", "1.0.0", "\"requires\": []"), &src);
    std::fs::remove_dir_all(src.join("versions")).unwrap();
    let publish = |version: &str| {
        let m = std::fs::read_to_string(src.join("manifest.json")).unwrap();
        let m = regex_version(&m, version);
        std::fs::write(src.join("manifest.json"), m).unwrap();
        let _ = std::fs::remove_dir_all(src.join("versions"));
        assert_eq!(
            run(env
                .cli()
                .arg("package")
                .arg(&src)
                .args(["--model", "qwen3-0.6b", "--out-dir"])
                .arg(src.join("versions"))
                .arg("--sign-key")
                .arg(env.key()))
            .status
            .code(),
            Some(0)
        );
        git(&src, &["add", "-A"]);
        git(&src, &["commit", "-qm", version]);
        git(&src, &["tag", &format!("v{version}")]);
    };
    git(&src, &["init", "-q"]);
    publish("1.0.0");
    let url = format!("git+file://{}", src.display());
    assert_eq!(
        env.install(&[&format!("{url}#v1.0.0")]).status.code(),
        Some(0)
    );
    publish("1.1.0");
    publish("1.10.0");
    let up = run(env.cli().args(["update", "expert-u", "--json"]));
    assert_eq!(
        up.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&up.stderr)
    );
    assert_eq!(
        json(&up)["installed"][0]["version"],
        "1.10.0",
        "semver order, not string order"
    );
    assert_eq!(
        env.list().iter().map(|e| e.1.as_str()).collect::<Vec<_>>(),
        ["1.10.0", "1.0.0"]
    );
    let again = run(env.cli().args(["update", "expert-u"]));
    assert!(stdout(&again).contains("up to date"));

    assert_eq!(
        run(env.cli().args(["uninstall", "expert-u@1.0.0"]))
            .status
            .code(),
        Some(0)
    );
    assert!(!env.home().join("experts/expert-u/1.0.0").exists());
    assert_eq!(
        run(env.cli().args(["uninstall", "expert-u"])).status.code(),
        Some(0)
    );
    assert!(env.list().is_empty() && !env.home().join("experts/expert-u").exists());
    assert_eq!(
        run(env.cli().args(["uninstall", "expert-u"])).status.code(),
        Some(1)
    );

    // Two sources in one command install in dependency order; a cycle is named.
    let base = env.expert("expert-base", "1.0.0", "\"requires\": []");
    let top = env.expert(
        "expert-top",
        "1.0.0",
        "\"requires\": [\"expert-base@>=1.0.0\"]",
    );
    let p = |d: &Path, n: &str| {
        d.join(format!("versions/{n}-qwen3-0-6b.v1.0.0.expert"))
            .display()
            .to_string()
    };
    let out = env.install(&[&p(&top, "expert-top"), &p(&base, "expert-base"), "--json"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let order: Vec<_> = json(&out)["installed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(order, ["expert-base", "expert-top"]);
    let x = env.expert("expert-x", "1.0.0", "\"requires\": [\"expert-y\"]");
    let y = env.expert("expert-y", "1.0.0", "\"requires\": [\"expert-x\"]");
    let cyc = env.install(&[&p(&x, "expert-x"), &p(&y, "expert-y")]);
    assert_eq!(cyc.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&cyc.stderr).contains("cycle"));
}

fn regex_version(m: &str, v: &str) -> String {
    let start = m.find("\"version\": \"").unwrap() + 12;
    let end = start + m[start..].find('"').unwrap();
    format!("{}{v}{}", &m[..start], &m[end..])
}

#[test]
fn ten_concurrent_installs_lose_no_entry() {
    let env = Env::new();
    env.trust();
    let pkgs: Vec<String> = (0..10)
        .map(|i| {
            let d = env.expert(&format!("expert-c{i}"), "1.0.0", "\"requires\": []");
            d.join(format!("versions/expert-c{i}-qwen3-0-6b.v1.0.0.expert"))
                .display()
                .to_string()
        })
        .collect();
    let children: Vec<_> = pkgs
        .iter()
        .map(|p| {
            env.cli()
                .arg("install")
                .arg(p)
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for c in children {
        let out = c.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let mut names: Vec<_> = env.list().into_iter().map(|e| e.0).collect();
    names.sort();
    assert_eq!(
        names,
        (0..10).map(|i| format!("expert-c{i}")).collect::<Vec<_>>()
    );
}

#[test]
fn a_crash_at_any_step_leaves_a_consistent_state() {
    let env = Env::new();
    env.trust();
    let v1 = env.expert("expert-k", "1.0.0", "\"requires\": []");
    let v2 = env.expert("expert-k", "2.0.0", "\"requires\": []");
    let pkg = |d: &Path, v: &str| {
        d.join(format!("versions/expert-k-qwen3-0-6b.v{v}.expert"))
            .display()
            .to_string()
    };
    assert_eq!(env.install(&[&pkg(&v1, "1.0.0")]).status.code(), Some(0));
    for point in [
        "after-verify",
        "staging-created",
        "mid-extract",
        "before-commit",
        "after-rename",
        "registry-write",
    ] {
        let crashed = run(env
            .cli()
            .env("EXPERT_FAIL_AT", point)
            .arg("install")
            .arg(pkg(&v2, "2.0.0")));
        assert_eq!(crashed.status.code(), Some(70), "{point}");
        // The next run repairs: the registry still says 1.0.0 (the crash was
        // before the registry write), and no stray directory survives.
        assert_eq!(
            env.list().iter().map(|e| e.1.clone()).collect::<Vec<_>>(),
            ["1.0.0"],
            "{point}"
        );
        let out = run(env.cli().args(["uninstall", "expert-zzz"]));
        assert_eq!(out.status.code(), Some(1), "a no-op that reconciles");
        let versions: Vec<_> = std::fs::read_dir(env.home().join("experts/expert-k"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
            .collect();
        assert_eq!(versions, ["1.0.0"], "{point}: no half-installed version");
        assert!(
            env.home()
                .join("experts/expert-k/1.0.0/adapter_model.safetensors")
                .is_file(),
            "{point}: the old version is intact"
        );
        let staging = env.home().join(".staging");
        assert!(
            !staging.exists() || std::fs::read_dir(&staging).unwrap().count() == 0,
            "{point}: staging swept"
        );
        let stray: Vec<_> = std::fs::read_dir(env.home())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
            .filter(|n| n.contains(".tmp-"))
            .collect();
        assert!(stray.is_empty(), "{point}: {stray:?}");
    }
    assert_eq!(env.install(&[&pkg(&v2, "2.0.0")]).status.code(), Some(0));
    assert_eq!(env.list()[0].1, "2.0.0");
}

fn fake_model(dir: &Path, hidden: u64) {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(
        dir.join("config.json"),
        format!("{{\"hidden_size\": {hidden}, \"model_type\": \"qwen3\"}}"),
    )
    .unwrap();
    let header = format!("{{\"embed.weight\":{{\"dtype\":\"BF16\",\"shape\":[8,{hidden}],\"data_offsets\":[0,{}]}}}}", 16 * hidden);
    let mut bytes = (header.len() as u64).to_le_bytes().to_vec();
    bytes.extend_from_slice(header.as_bytes());
    bytes.extend(std::iter::repeat_n(0u8, 16 * hidden as usize));
    std::fs::write(dir.join("model.safetensors"), bytes).unwrap();
}

#[test]
fn base_model_fingerprints_bind_packages_to_models() {
    let env = Env::new();
    env.trust();
    let right = env.dir.path().join("models-right/Qwen3-0.6B");
    let wrong = env.dir.path().join("models-wrong/Qwen3-0.6B");
    fake_model(&right, 1024);
    fake_model(&wrong, 2048);
    let fp = |d: &Path| {
        stdout(&run(env.cli().arg("fingerprint").arg(d)))
            .trim()
            .to_string()
    };
    assert!(fp(&right).starts_with("sha256:"));
    assert_ne!(fp(&right), fp(&wrong));

    let src = env.dir.path().join("fp-src");
    copy_dir(&example("multi-model-expert"), &src);
    let pkg = env.dir.path().join("fp.expert");
    let out = run(env
        .cli()
        .arg("package")
        .arg(&src)
        .args(["--model", "qwen3-0.6b", "-o"])
        .arg(&pkg)
        .arg("--sign-key")
        .arg(env.key())
        .arg("--base-model-dir")
        .arg(&right));
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let x = tempfile::tempdir().unwrap();
    assert!(Command::new("tar")
        .arg("-xzf")
        .arg(&pkg)
        .arg("-C")
        .arg(x.path())
        .status()
        .unwrap()
        .success());
    let m: serde_json::Value =
        serde_json::from_slice(&std::fs::read(x.path().join("manifest.json")).unwrap()).unwrap();
    assert_eq!(
        m["base_models"][0]["fingerprint"].as_str().unwrap(),
        fp(&right)
    );

    let with_models = |root: &Path| {
        let mut c = env.cli();
        c.env("EXPERT_MODELS_PATH", root.parent().unwrap())
            .arg("install")
            .arg(&pkg);
        c
    };
    let before = snapshot(&env.home());
    let refused = run(&mut with_models(&wrong));
    assert_eq!(
        refused.status.code(),
        Some(4),
        "{}",
        String::from_utf8_lossy(&refused.stderr)
    );
    assert!(String::from_utf8_lossy(&refused.stderr).contains("E_FINGERPRINT_MISMATCH"));
    assert_eq!(snapshot(&env.home()), before);
    assert_eq!(
        run(with_models(&wrong).arg("--force")).status.code(),
        Some(0)
    );
    assert_eq!(
        run(env.cli().args(["uninstall", "expert-demo"]))
            .status
            .code(),
        Some(0)
    );
    assert_eq!(run(&mut with_models(&right)).status.code(), Some(0));
}

//! install / list / uninstall / update end to end, from local git
//! repositories, directories and files; each refusal leaves the disk as it
//! was; injected crashes leave a consistent state.

mod common;
use common::*;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Mutex, OnceLock};

/// The `requires` member of the example manifests, for `Env::expert`.
const NO_REQUIRES: &str = "\"requires\": []";

struct Env {
    dir: tempfile::TempDir,
}

impl Env {
    fn new() -> Env {
        let e = Env {
            dir: tempfile::tempdir().unwrap(),
        };
        publisher_key().write(e.dir.path());
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
        packaged(name, version, extra).write(&dir);
        dir
    }
    /// Builds what `expert` returns, in this env.
    fn package_expert(&self, name: &str, version: &str, extra: &str) -> PathBuf {
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
            .replacen(NO_REQUIRES, extra, 1);
        std::fs::write(dir.join("manifest.json"), m).unwrap();
        let out = run(self
            .cli()
            .arg("package")
            .arg(&dir)
            .args(["--all-models", "--out-dir"])
            .arg(dir.join("versions"))
            .arg("--sign-key")
            .arg(self.key()));
        common::assert_exit(&out, 0);
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
    fn install(&self, args: &[&str]) -> Output {
        run(self.cli().arg("install").args(args))
    }
}

/// The publisher key of every `Env`, made once per test binary, so that
/// packages can be shared between tests.
fn publisher_key() -> &'static Tree {
    static KEY: OnceLock<Tree> = OnceLock::new();
    KEY.get_or_init(|| {
        let scratch = tempfile::tempdir().unwrap();
        let keys = scratch.path().join("keys");
        std::fs::create_dir_all(&keys).unwrap();
        let out = run(cli(&scratch.path().join("home"))
            .arg("keygen")
            .arg("-o")
            .arg(keys.join("publisher.pem")));
        assert_eq!(out.status.code(), Some(0));
        Tree::read(&keys)
    })
}

/// What `Env::expert` writes, built once per test binary for each name,
/// version and `requires`: packaging is deterministic and every `Env` has
/// the same key, so a package built for one test is the one another would
/// build.
fn packaged(name: &str, version: &str, extra: &str) -> &'static Tree {
    static BUILT: Mutex<BTreeMap<String, &'static OnceLock<Tree>>> = Mutex::new(BTreeMap::new());
    let cell: &'static OnceLock<Tree> = BUILT
        .lock()
        .unwrap()
        .entry(format!("{name} {version} {extra}"))
        .or_insert_with(|| Box::leak(Box::default()));
    cell.get_or_init(|| Tree::read(&Env::new().package_expert(name, version, extra)))
}

/// The Qwen3-0.6B package of `name` at `version` in the source `dir`.
fn package_0_6b(dir: &Path, name: &str, version: &str) -> String {
    dir.join(format!("versions/{name}-qwen3-0-6b.v{version}.expert"))
        .display()
        .to_string()
}

/// An `Env` whose publisher key is trusted.
fn trusted_env() -> Env {
    let env = Env::new();
    env.trust();
    env
}

/// Every file under `root` with its content but lock files, to prove
/// nothing changed.
fn snapshot(root: &Path) -> Tree {
    let mut files = Tree::read(root);
    files
        .0
        .retain(|(p, _)| !p.to_string_lossy().ends_with(".lock"));
    files
}

/// A bare git repository with expert-a 1.0.0 (both variants) at tag
/// v1.0.0; returns it as an install source.
fn git_tag_of_expert_a(env: &Env) -> String {
    let src = env.expert("expert-a", "1.0.0", NO_REQUIRES);
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
    format!("git+file://{}#v1.0.0", bare.display())
}

#[test]
fn a_git_tag_with_two_variants_and_no_local_model_asks_which() {
    let env = trusted_env();
    let two = env.install(&[&git_tag_of_expert_a(&env)]);
    assert_eq!(
        two.status.code(),
        Some(2),
        "two variants and no local model: the user must choose"
    );
    assert!(String::from_utf8_lossy(&two.stderr).contains("Qwen/Qwen3-0.6B, Qwen/Qwen3-1.7B"));
}

/// Where expert-a 1.0.0 installs under the home.
const INSTALLED_A: &str = "experts/expert-a/1.0.0";

/// Installs expert-a 1.0.0's Qwen3-1.7B variant from its git tag.
fn install_1_7b_from_a_git_tag(env: &Env) -> Output {
    let out = env.install(&[
        &git_tag_of_expert_a(env),
        "--base-model",
        "qwen3-1.7b",
        "--json",
    ]);
    common::assert_exit(&out, 0);
    out
}

#[test]
fn a_git_tag_installs_the_chosen_variant_verified_with_its_files() {
    let env = trusted_env();
    let out = install_1_7b_from_a_git_tag(&env);
    assert_eq!(json(&out)["installed"][0]["status"], "verified");
    assert_eq!(
        env.list(),
        [("expert-a".into(), "1.0.0".into(), "Qwen/Qwen3-1.7B".into())]
    );
    let installed = env.home().join(INSTALLED_A);
    assert!(
        installed.join("adapter_model.safetensors").is_file()
            && installed.join("soft_prompts/demo_style_16.bin").is_file()
    );
}

/// Installs expert-a's Qwen3-1.7B variant; returns its installed manifest
/// and its registry entry.
fn installed_manifest_and_entry(env: &Env) -> (Value, Value) {
    install_1_7b_from_a_git_tag(env);
    let read =
        |p: PathBuf| -> Value { serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap() };
    let manifest = read(env.home().join(INSTALLED_A).join("manifest.json"));
    let registry = read(env.home().join("expert-registry.json"));
    (manifest, registry["experts"][0]["versions"][0].clone())
}

/// The registry entry carries the installed variant's adapters and the
/// capabilities in upstream's shape, taken from the installed manifest.
#[test]
fn the_registry_entry_has_the_variants_adapters_and_the_capabilities() {
    let env = trusted_env();
    let (manifest, entry) = installed_manifest_and_entry(&env);
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
        std::fs::metadata(
            env.home()
                .join(INSTALLED_A)
                .join(adapter["path"].as_str().unwrap())
        )
        .unwrap()
        .len()
    );
    assert_eq!(entry["capabilities"], manifest["capabilities"]);
    assert!(!entry["capabilities"].as_array().unwrap().is_empty());
}

#[test]
fn list_shows_the_entrys_adapters_and_capabilities() {
    let env = trusted_env();
    let (manifest, entry) = installed_manifest_and_entry(&env);
    let adapter = &manifest["base_models"][0]["adapters"][0];
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
}

/// A fake Hugging Face cache in the env holding Qwen/Qwen3-0.6B.
fn hf_cache_with_qwen3_0_6b(env: &Env) -> PathBuf {
    let hub = env.dir.path().join("hub");
    let snap = hub.join("models--Qwen--Qwen3-0.6B/snapshots/abc123");
    std::fs::create_dir_all(&snap).unwrap();
    std::fs::write(snap.join("config.json"), b"{\"hidden_size\": 1024}").unwrap();
    std::fs::create_dir_all(hub.join("models--Qwen--Qwen3-0.6B/refs")).unwrap();
    std::fs::write(hub.join("models--Qwen--Qwen3-0.6B/refs/main"), b"abc123").unwrap();
    hub
}

#[test]
fn a_detected_base_model_picks_the_variant() {
    let env = trusted_env();
    let hub = hf_cache_with_qwen3_0_6b(&env);
    let models = json(&run(env
        .cli()
        .env("HF_HUB_CACHE", &hub)
        .args(["models", "--json"])));
    assert_eq!(models["models"][0]["name"], "Qwen/Qwen3-0.6B");
    let b = env.expert("expert-b", "1.0.0", NO_REQUIRES);
    let out = run(env
        .cli()
        .env("HF_HUB_CACHE", &hub)
        .arg("install")
        .arg(&b)
        .arg("--json"));
    common::assert_exit(&out, 0);
    assert_eq!(json(&out)["installed"][0]["base_model"], "Qwen/Qwen3-0.6B");
}

#[test]
fn an_expert_file_installs() {
    let env = trusted_env();
    let c = env.expert("expert-c", "2.0.0", NO_REQUIRES);
    assert_eq!(
        env.install(&[&package_0_6b(&c, "expert-c", "2.0.0")])
            .status
            .code(),
        Some(0)
    );
    assert_eq!(
        env.list(),
        [("expert-c".into(), "2.0.0".into(), "Qwen/Qwen3-0.6B".into())]
    );
}

#[test]
fn a_file_url_installs() {
    let env = trusted_env();
    let d = env.expert("expert-d", "0.1.0", NO_REQUIRES);
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
    assert_eq!(
        env.list(),
        [("expert-d".into(), "0.1.0".into(), "Qwen/Qwen3-1.7B".into())]
    );
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

/// Installs expert-a 2.0.0 from its source `a2` with --allow-untrusted,
/// which pins its key.
fn allow_untrusted_a2(env: &Env, a2: &Path) {
    assert_eq!(
        env.install(&[&package_0_6b(a2, "expert-a", "2.0.0"), "--allow-untrusted"])
            .status
            .code(),
        Some(0)
    );
}

#[test]
fn an_untrusted_package_is_refused_with_6_and_writes_nothing_unless_allowed() {
    let env = Env::new();
    let a2 = env.expert("expert-a", "2.0.0", NO_REQUIRES);
    let before = snapshot(&env.home());
    assert_eq!(
        env.install(&[&package_0_6b(&a2, "expert-a", "2.0.0")])
            .status
            .code(),
        Some(6)
    );
    assert_eq!(
        snapshot(&env.home()),
        before,
        "an untrusted refusal writes nothing"
    );
    allow_untrusted_a2(&env, &a2);
}

/// A home with expert-a 2.0.0 installed untrusted (its key pinned), the
/// state each refusal below must leave as it was; and a2's source.
fn home_with_a2() -> (Env, PathBuf) {
    let env = Env::new();
    let a2 = env.expert("expert-a", "2.0.0", NO_REQUIRES);
    allow_untrusted_a2(&env, &a2);
    (env, a2)
}

/// `install ARGS` exits with `code`, changes nothing on disk and leaves
/// expert-a 2.0.0 the only expert.
fn assert_refused(env: &Env, args: &[&str], code: i32, what: &str) {
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
    assert_eq!(
        env.list(),
        [("expert-a".into(), "2.0.0".into(), "Qwen/Qwen3-0.6B".into())],
        "{what}"
    );
}

#[test]
fn a_downgrade_is_refused_with_4() {
    let (env, _) = home_with_a2();
    let a1 = env.expert("expert-a", "1.0.0", NO_REQUIRES);
    let args = [
        &*package_0_6b(&a1, "expert-a", "1.0.0"),
        "--allow-untrusted",
    ];
    assert_refused(&env, &args, 4, "downgrade");
}

#[test]
fn a_tampered_package_is_refused_with_5() {
    let (env, a2) = home_with_a2();
    let bad = env.dir.path().join("bad.expert");
    let mut bytes = std::fs::read(package_0_6b(&a2, "expert-a", "2.0.0")).unwrap();
    let n = bytes.len();
    bytes[n / 2] ^= 1;
    std::fs::write(&bad, bytes).unwrap();
    let args = [
        bad.to_str().unwrap(),
        "--allow-untrusted",
        "--allow-unsigned",
    ];
    assert_refused(&env, &args, 5, "tampered");
}

#[test]
fn another_key_for_a_pinned_name_is_refused_with_6() {
    let (env, _) = home_with_a2();
    let other = env.dir.path().join("other.pem");
    assert_eq!(
        run(env.cli().arg("keygen").arg("-o").arg(&other))
            .status
            .code(),
        Some(0)
    );
    let a3 = package_0_6b(
        &env.expert("expert-a", "3.0.0", NO_REQUIRES),
        "expert-a",
        "3.0.0",
    );
    assert_eq!(
        run(env.cli().arg("sign").arg(&a3).arg("--key").arg(&other))
            .status
            .code(),
        Some(0)
    );
    let args = [&*a3, "--allow-untrusted"];
    assert_refused(&env, &args, 6, "key change on a pinned name");
}

#[test]
fn a_missing_dependency_is_refused_with_3() {
    let (env, _) = home_with_a2();
    let needs = env.expert(
        "expert-needs",
        "1.0.0",
        "\"requires\": [\"expert-zzz@>=1.0.0\"]",
    );
    let args = [
        &*package_0_6b(&needs, "expert-needs", "1.0.0"),
        "--allow-untrusted",
    ];
    assert_refused(&env, &args, 3, "missing dependency");
}

/// expert-clash 1.0.0 for Qwen3-0.6B, signed: it requires expert-a and is
/// incompatible_with expert-a@>=2.
fn clash_with_expert_a_2(env: &Env) -> PathBuf {
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
    clash_pkg
}

#[test]
fn an_expert_incompatible_with_an_installed_one_is_refused_with_4() {
    let (env, _) = home_with_a2();
    let clash = clash_with_expert_a_2(&env);
    let args = [clash.to_str().unwrap(), "--allow-untrusted"];
    assert_refused(&env, &args, 4, "incompatible_with an installed expert");
}

/// Packages the git work tree `src` at `version` for Qwen3-0.6B into
/// `versions/`, then commits and tags it `v{version}`.
fn publish(env: &Env, src: &Path, version: &str) {
    let m = std::fs::read_to_string(src.join("manifest.json")).unwrap();
    let m = regex_version(&m, version);
    std::fs::write(src.join("manifest.json"), m).unwrap();
    let _ = std::fs::remove_dir_all(src.join("versions"));
    assert_eq!(
        run(env
            .cli()
            .arg("package")
            .arg(src)
            .args(["--model", "qwen3-0.6b", "--out-dir"])
            .arg(src.join("versions"))
            .arg("--sign-key")
            .arg(env.key()))
        .status
        .code(),
        Some(0)
    );
    git(src, &["add", "-A"]);
    git(src, &["commit", "-qm", version]);
    git(src, &["tag", &format!("v{version}")]);
}

/// expert-u installed from tag v1.0.0 of its git repository, in which
/// 1.1.0 and 1.10.0 were published afterwards.
fn expert_u_installed_then_newer_tags() -> Env {
    let env = trusted_env();
    let src = env.dir.path().join("repo");
    copy_dir(&env.expert("expert-u", "1.0.0", NO_REQUIRES), &src);
    std::fs::remove_dir_all(src.join("versions")).unwrap();
    git(&src, &["init", "-q"]);
    publish(&env, &src, "1.0.0");
    let url = format!("git+file://{}", src.display());
    assert_eq!(
        env.install(&[&format!("{url}#v1.0.0")]).status.code(),
        Some(0)
    );
    publish(&env, &src, "1.1.0");
    publish(&env, &src, "1.10.0");
    env
}

/// `update expert-u --json`, which must succeed.
fn update_expert_u(env: &Env) -> Output {
    let up = run(env.cli().args(["update", "expert-u", "--json"]));
    common::assert_exit(&up, 0);
    up
}

#[test]
fn update_takes_the_highest_semver_tag_from_git() {
    let env = expert_u_installed_then_newer_tags();
    let up = update_expert_u(&env);
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
}

#[test]
fn uninstall_removes_one_version_then_the_rest_then_fails_with_1() {
    let env = expert_u_installed_then_newer_tags();
    update_expert_u(&env);
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
}

#[test]
fn two_sources_in_one_command_install_in_dependency_order() {
    let env = trusted_env();
    let base = env.expert("expert-base", "1.0.0", NO_REQUIRES);
    let top = env.expert(
        "expert-top",
        "1.0.0",
        "\"requires\": [\"expert-base@>=1.0.0\"]",
    );
    let out = env.install(&[
        &package_0_6b(&top, "expert-top", "1.0.0"),
        &package_0_6b(&base, "expert-base", "1.0.0"),
        "--json",
    ]);
    common::assert_exit(&out, 0);
    let order: Vec<_> = json(&out)["installed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(order, ["expert-base", "expert-top"]);
}

#[test]
fn a_dependency_cycle_is_refused_with_3_and_named() {
    let env = trusted_env();
    let x = env.expert("expert-x", "1.0.0", "\"requires\": [\"expert-y\"]");
    let y = env.expert("expert-y", "1.0.0", "\"requires\": [\"expert-x\"]");
    let cyc = env.install(&[
        &package_0_6b(&x, "expert-x", "1.0.0"),
        &package_0_6b(&y, "expert-y", "1.0.0"),
    ]);
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
    let env = trusted_env();
    let pkgs: Vec<String> = (0..10)
        .map(|i| {
            let name = format!("expert-c{i}");
            package_0_6b(&env.expert(&name, "1.0.0", NO_REQUIRES), &name, "1.0.0")
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
    let env = trusted_env();
    let v1 = package_0_6b(
        &env.expert("expert-k", "1.0.0", NO_REQUIRES),
        "expert-k",
        "1.0.0",
    );
    let v2 = package_0_6b(
        &env.expert("expert-k", "2.0.0", NO_REQUIRES),
        "expert-k",
        "2.0.0",
    );
    assert_eq!(env.install(&[&v1]).status.code(), Some(0));
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
            .arg(&v2));
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
    assert_eq!(env.install(&[&v2]).status.code(), Some(0));
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
    let env = trusted_env();
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
    common::assert_exit(&out, 0);
    let x = common::untar(&pkg);
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
    common::assert_exit(&refused, 4);
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

//! `push`, `install oci://`, `pull`, `update` and `install oci-layout:`
//! against a real CNCF distribution registry (Debian's `docker-registry`),
//! started by scripts/test.sh: EXPERT_TEST_REGISTRY (anonymous, with its
//! storage in EXPERT_TEST_REGISTRY_STORAGE) and EXPERT_TEST_REGISTRY_AUTH
//! (htpasswd basic auth, EXPERT_TEST_REGISTRY_USER/PASS). Without them the
//! tests are skipped with a note, unless EXPERT_REQUIRE_SERVERS=1 (CI).

mod common;
use common::*;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::OnceLock;

fn env(name: &str) -> Option<String> {
    let v = std::env::var(name).ok().filter(|v| !v.is_empty());
    if v.is_none() {
        assert!(
            std::env::var_os("EXPERT_REQUIRE_SERVERS").is_none(),
            "{name} is not set, but EXPERT_REQUIRE_SERVERS requires the test registry (scripts/test.sh starts it)"
        );
        eprintln!("SKIPPED: {name} is not set; run scripts/test.sh (or scripts/oci-registry.sh start DIR) to test against a real registry");
    }
    v
}

fn registry() -> Option<String> {
    env("EXPERT_TEST_REGISTRY")
}

/// A repository of its own for each test and run: the registry may
/// outlive one run (locally), and tags must not leak between runs.
fn repo(name: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("team/{name}-{}-{nanos}", std::process::id())
}

fn code(o: &Output) -> Option<i32> {
    o.status.code()
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

struct T {
    dir: tempfile::TempDir,
}

impl T {
    fn new() -> T {
        T {
            dir: tempfile::tempdir().unwrap(),
        }
    }
    fn path(&self, p: &str) -> PathBuf {
        self.dir.path().join(p)
    }
    fn home(&self) -> PathBuf {
        self.path("home")
    }
    fn cli(&self) -> std::process::Command {
        let mut c = cli(&self.home());
        c.current_dir(self.dir.path())
            .env("EXPERT_MODELS_PATH", self.path("models"))
            .env("HF_HUB_CACHE", self.path("hf"))
            .env("DOCKER_CONFIG", self.path("docker"))
            .env_remove("EXPERT_REGISTRY_USERNAME")
            .env_remove("EXPERT_REGISTRY_PASSWORD");
        c
    }
    fn run(&self, args: &[&str]) -> Output {
        run(self.cli().args(args))
    }
    /// Packages the multi-model example (both variants, signed) at
    /// `version`, into `out/<version>/`.
    fn package(&self, version: &str) -> Vec<PathBuf> {
        let src = self.path(&format!("src-{version}"));
        copy_dir(&example("multi-model-expert"), &src);
        let m = src.join("manifest.json");
        let text = std::fs::read_to_string(&m).unwrap().replace(
            "\"version\": \"1.2.0\"",
            &format!("\"version\": \"{version}\""),
        );
        std::fs::write(&m, text).unwrap();
        if !self.path("key.pem").exists() {
            let o = self.run(&["keygen", "-o", "key.pem"]);
            assert_eq!(code(&o), Some(0), "{}", err(&o));
            let o = self.run(&["trust", "add", "key.pub", "--name", "team"]);
            assert_eq!(code(&o), Some(0), "{}", err(&o));
        }
        let out = self.path(&format!("out/{version}"));
        let o = self.run(&[
            "package",
            src.to_str().unwrap(),
            "--all-models",
            "--sign-key",
            "key.pem",
            "--out-dir",
            out.to_str().unwrap(),
            "--json",
        ]);
        assert_eq!(code(&o), Some(0), "{}", err(&o));
        json(&o)["packages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| self.dir.path().join(p["path"].as_str().unwrap()))
            .collect()
    }
    fn push(&self, pkgs: &[PathBuf], target: &str) -> Output {
        let mut args: Vec<&str> = vec!["push"];
        args.extend(pkgs.iter().map(|p| p.to_str().unwrap()));
        args.extend([target, "--json"]);
        self.run(&args)
    }
    fn installed(&self) -> Vec<(String, String, String)> {
        let o = self.run(&["list", "--json"]);
        json(&o)["experts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                (
                    e["version"].as_str().unwrap().to_string(),
                    e["base_model"].as_str().unwrap().to_string(),
                    e["source"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    }
    /// A local base model in an HF cache, so the variant is found locally.
    fn local_model(&self, name: &str) {
        let repo = self
            .path("hf")
            .join(format!("models--{}", name.replace('/', "--")));
        std::fs::create_dir_all(repo.join("refs")).unwrap();
        std::fs::write(repo.join("refs/main"), "abc123").unwrap();
        let snap = repo.join("snapshots/abc123");
        std::fs::create_dir_all(&snap).unwrap();
        std::fs::write(snap.join("config.json"), "{}").unwrap();
    }
}

/// GET over plain HTTP, as any client would.
fn http_get(url: &str, accept: &str) -> (u16, Vec<u8>) {
    let agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .new_agent();
    let mut r = agent.get(url).header("Accept", accept).call().unwrap();
    let status = r.status().as_u16();
    (status, r.body_mut().read_to_vec().unwrap())
}

const INDEX: &str = "application/vnd.oci.image.index.v1+json";
const MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";

fn skopeo() -> bool {
    std::process::Command::new("skopeo")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Both variants of 1.2.0, pushed once per test binary to a repository of
/// their own, which the tests below only read.
struct Pushed {
    /// `oci://REGISTRY/REPOSITORY`.
    target: String,
    repo: String,
    /// What `push --json` printed.
    out: Value,
    /// The pushing T's files: its key (trusted in its home) and packages.
    files: Tree,
    /// The packages, relative to a T's directory.
    pkgs: Vec<PathBuf>,
}

fn pushed(reg: &str) -> &'static Pushed {
    static PUSHED: OnceLock<Pushed> = OnceLock::new();
    PUSHED.get_or_init(|| {
        let t = T::new();
        let pkgs = t.package("1.2.0");
        let repo = repo("shape");
        let target = format!("oci://{reg}/{repo}");
        let o = t.push(&pkgs, &target);
        assert_eq!(code(&o), Some(0), "{}", err(&o));
        std::fs::remove_dir_all(t.path("src-1.2.0")).unwrap();
        Pushed {
            target,
            repo,
            out: json(&o),
            files: Tree::read(t.dir.path()),
            pkgs: pkgs
                .iter()
                .map(|p| p.strip_prefix(t.dir.path()).unwrap().to_path_buf())
                .collect(),
        }
    })
}

impl Pushed {
    /// A T as the pusher left it: its key trusted, its packages.
    fn pusher(&self) -> T {
        let t = T::new();
        self.files.write(t.dir.path());
        t
    }
    /// The index at tag 1.2.0, read with a plain HTTP client: its bytes
    /// and JSON.
    fn index(&self, reg: &str) -> (Vec<u8>, Value) {
        index_at(reg, &self.repo, "1.2.0")
    }
}

/// The index of `repo` at `tag`, read with a plain HTTP client.
fn index_at(reg: &str, repo: &str, tag: &str) -> (Vec<u8>, Value) {
    let (status, body) = http_get(&format!("http://{reg}/v2/{repo}/manifests/{tag}"), INDEX);
    assert_eq!(status, 200);
    let index = serde_json::from_slice(&body).unwrap();
    (body, index)
}

#[test]
fn push_tags_the_version_and_indexes_both_variants() {
    let Some(reg) = registry() else { return };
    let p = pushed(&reg);
    assert_eq!(p.out["tag"], "1.2.0", "TAG defaults to the version");
    let (_, index) = p.index(&reg);
    assert_eq!(index["mediaType"], INDEX);
    assert_eq!(index["artifactType"], "application/vnd.expert.package.v1");
    let models: Vec<&str> = index["manifests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["annotations"]["vnd.expert.base-model"].as_str().unwrap())
        .collect();
    assert_eq!(models, ["Qwen/Qwen3-0.6B", "Qwen/Qwen3-1.7B"]);
}

#[test]
fn each_variant_is_an_artifact_whose_one_layer_is_its_package_unchanged() {
    let Some(reg) = registry() else { return };
    let p = pushed(&reg);
    let t = p.pusher();
    let (_, index) = p.index(&reg);
    for (e, pkg) in index["manifests"].as_array().unwrap().iter().zip(&p.pkgs) {
        assert_eq!(e["mediaType"], MANIFEST);
        assert_eq!(e["annotations"]["vnd.expert.name"], "expert-demo");
        assert_eq!(e["annotations"]["vnd.expert.version"], "1.2.0");
        assert_eq!(
            e["annotations"]["vnd.expert.key-id"]
                .as_str()
                .unwrap()
                .len(),
            16
        );
        assert_artifact_of(
            &reg,
            &p.repo,
            e["digest"].as_str().unwrap(),
            &t.dir.path().join(pkg),
        );
    }
}

/// The manifest `digest` is an OCI 1.1 artifact with an empty config and
/// one layer: `pkg`, byte for byte, its digest the package's sidecar.
fn assert_artifact_of(reg: &str, repo: &str, digest: &str, pkg: &Path) {
    let (s, m) = http_get(
        &format!("http://{reg}/v2/{repo}/manifests/{digest}"),
        MANIFEST,
    );
    assert_eq!(s, 200);
    let m: Value = serde_json::from_slice(&m).unwrap();
    assert_eq!(m["artifactType"], "application/vnd.expert.package.v1");
    assert_eq!(
        m["config"]["mediaType"],
        "application/vnd.oci.empty.v1+json"
    );
    let layers = m["layers"].as_array().unwrap();
    assert_eq!(layers.len(), 1);
    assert_eq!(
        layers[0]["mediaType"],
        "application/vnd.expert.package.v1.tar+gzip"
    );
    assert_eq!(
        layers[0]["annotations"]["org.opencontainers.image.title"],
        pkg.file_name().unwrap().to_str().unwrap()
    );
    let sidecar = std::fs::read_to_string(format!("{}.sha256", pkg.display())).unwrap();
    assert_eq!(
        layers[0]["digest"].as_str().unwrap(),
        format!("sha256:{}", sidecar.split_whitespace().next().unwrap())
    );
    let (s, blob) = http_get(
        &format!(
            "http://{reg}/v2/{repo}/blobs/{}",
            layers[0]["digest"].as_str().unwrap()
        ),
        "*/*",
    );
    assert_eq!(s, 200);
    assert!(blob == std::fs::read(pkg).unwrap(), "pushed unchanged");
}

/// The same bytes through skopeo, when Debian's skopeo is here.
#[test]
fn skopeo_sees_the_same_index() {
    let Some(reg) = registry() else { return };
    let p = pushed(&reg);
    let (body, _) = p.index(&reg);
    if skopeo() {
        let s = std::process::Command::new("skopeo")
            .args(["inspect", "--raw", "--tls-verify=false"])
            .arg(format!("docker://{reg}/{}:1.2.0", p.repo))
            .output()
            .unwrap();
        assert!(s.status.success(), "{}", String::from_utf8_lossy(&s.stderr));
        assert_eq!(s.stdout, body, "skopeo sees the same index");
    } else {
        eprintln!("note: skopeo is not installed; the index was checked over plain HTTP only");
    }
}

#[test]
fn install_by_tag_with_two_variants_and_no_local_base_model_asks_which() {
    let Some(reg) = registry() else { return };
    let p = pushed(&reg);
    let t = p.pusher();
    let o = t.run(&["install", &format!("{}:1.2.0", p.target)]);
    assert_eq!(code(&o), Some(2), "{}", err(&o));
    assert!(err(&o).contains("E_VARIANT"), "{}", err(&o));
    assert!(t.installed().is_empty());
}

#[test]
fn install_by_tag_takes_the_local_base_models_variant_and_records_its_digest() {
    let Some(reg) = registry() else { return };
    let p = pushed(&reg);
    let t = p.pusher();
    t.local_model("Qwen/Qwen3-1.7B");
    let o = t.run(&["install", &format!("{}:1.2.0", p.target)]);
    assert_eq!(code(&o), Some(0), "{}", err(&o));
    let got = t.installed();
    assert_eq!(got.len(), 1);
    assert_eq!(
        (got[0].0.as_str(), got[0].1.as_str()),
        ("1.2.0", "Qwen/Qwen3-1.7B")
    );
    let (_, index) = p.index(&reg);
    let m17 = index["manifests"][1]["digest"].as_str().unwrap();
    assert_eq!(
        got[0].2,
        format!("{}:1.2.0@{m17}", p.target),
        "the source records the resolved manifest digest"
    );
}

#[test]
fn install_by_the_index_digest_in_a_fresh_home_with_base_model() {
    let Some(reg) = registry() else { return };
    let p = pushed(&reg);
    let t2 = T::new();
    let o = t2.run(&[
        "install",
        &format!("{}@{}", p.target, p.out["index_digest"].as_str().unwrap()),
        "--base-model",
        "qwen3-0.6b",
        "--allow-untrusted",
    ]);
    assert_eq!(code(&o), Some(0), "{}", err(&o));
    assert_eq!(t2.installed()[0].1, "Qwen/Qwen3-0.6B");
}

#[test]
fn pull_writes_the_chosen_package_byte_for_byte_with_its_sidecar() {
    let Some(reg) = registry() else { return };
    let p = pushed(&reg);
    let t = p.pusher();
    let o = t.run(&[
        "pull",
        &p.target,
        "--base-model",
        "Qwen/Qwen3-0.6B",
        "-o",
        "pulled.expert",
        "--json",
    ]);
    assert_eq!(code(&o), Some(0), "{}", err(&o));
    assert!(
        std::fs::read(t.path("pulled.expert")).unwrap()
            == std::fs::read(t.dir.path().join(&p.pkgs[0])).unwrap()
    );
    assert_eq!(json(&o)["status"], "verified");
    assert!(t.path("pulled.expert.sha256").exists());
}

#[test]
fn pushing_another_variant_keeps_the_others() {
    let Some(reg) = registry() else { return };
    let t = T::new();
    let pkgs = t.package("1.2.0");
    let r = repo("merge");
    let target = format!("oci://{reg}/{r}");
    for p in &pkgs {
        let o = t.push(std::slice::from_ref(p), &target);
        assert_eq!(code(&o), Some(0), "{}", err(&o));
    }
    let o = t.push(&pkgs[..1], &target);
    assert_eq!(
        code(&o),
        Some(0),
        "pushing a variant again is fine: {}",
        err(&o)
    );
    assert_eq!(
        json(&o)["variants"],
        serde_json::json!(["Qwen/Qwen3-0.6B", "Qwen/Qwen3-1.7B"])
    );
    let (_, index) = index_at(&reg, &r, "1.2.0");
    assert_eq!(index["manifests"].as_array().unwrap().len(), 2);
}

#[test]
fn nothing_is_pushed_unless_every_package_verifies() {
    let Some(reg) = registry() else { return };
    let t = T::new();
    let pkgs = t.package("1.2.0");
    // Damage the second package in its last compressed bytes.
    let mut bytes = std::fs::read(&pkgs[1]).unwrap();
    let n = bytes.len();
    bytes[n - 20] ^= 0xff;
    std::fs::write(&pkgs[1], bytes).unwrap();
    let r = repo("invalid");
    let o = t.push(&pkgs, &format!("oci://{reg}/{r}"));
    assert_eq!(code(&o), Some(5), "{}", err(&o));
    assert!(err(&o).contains("nothing was pushed"), "{}", err(&o));
    let (status, _) = http_get(&format!("http://{reg}/v2/{r}/tags/list"), "*/*");
    assert_eq!(status, 404, "the repository was never created");
    // Packages of two versions are refused too.
    let other = t.package("1.3.0");
    let o = t.push(
        &[pkgs[0].clone(), other[1].clone()],
        &format!("oci://{reg}/{r}"),
    );
    assert_eq!(code(&o), Some(2), "{}", err(&o));
    assert!(err(&o).contains("E_PUSH_MIXED"), "{}", err(&o));
}

fn blob_path(storage: &Path, digest: &str) -> PathBuf {
    let hex = digest.strip_prefix("sha256:").unwrap();
    storage.join(format!(
        "docker/registry/v2/blobs/sha256/{}/{hex}/data",
        &hex[..2]
    ))
}

#[test]
fn a_blob_replaced_in_the_registry_is_refused_and_nothing_installed() {
    let Some(reg) = registry() else { return };
    let Some(storage) = env("EXPERT_TEST_REGISTRY_STORAGE") else {
        return;
    };
    let t = T::new();
    // Its own version, so no other test shares the blob.
    let pkgs = t.package("0.9.1");
    let r = repo("swapped");
    let target = format!("oci://{reg}/{r}");
    let o = t.push(&pkgs[..1], &target);
    assert_eq!(code(&o), Some(0), "{}", err(&o));
    let digest = json(&o)["pushed"][0]["digest"]
        .as_str()
        .unwrap()
        .to_string();
    let blob = blob_path(Path::new(&storage), &digest);
    let mut bytes = std::fs::read(&blob).unwrap();
    let n = bytes.len();
    bytes[n / 2] ^= 0x01;
    std::fs::write(&blob, bytes).unwrap();
    for args in [
        vec!["install", &*format!("{target}:0.9.1")],
        vec!["pull", &*format!("{target}:0.9.1"), "-o", "x.expert"],
    ] {
        let o = t.run(&args);
        assert_eq!(code(&o), Some(5), "{}", err(&o));
        assert!(err(&o).contains("E_DIGEST_MISMATCH"), "{}", err(&o));
    }
    assert!(t.installed().is_empty());
    assert!(!t.path("x.expert").exists());
    let staging: Vec<_> = std::fs::read_dir(t.home().join(".staging"))
        .map(|d| d.flatten().collect())
        .unwrap_or_default();
    assert!(
        staging.is_empty(),
        "no download is left behind: {staging:?}"
    );
}

#[test]
fn a_tag_moved_to_an_older_version_is_a_refused_downgrade() {
    let Some(reg) = registry() else { return };
    let t = T::new();
    let new = t.package("1.2.0");
    let old = t.package("1.0.0");
    let r = repo("moved");
    let target = format!("oci://{reg}/{r}:stable");
    assert_eq!(code(&t.push(&new, &target)), Some(0));
    t.local_model("Qwen/Qwen3-0.6B");
    let o = t.run(&["install", &target]);
    assert_eq!(code(&o), Some(0), "{}", err(&o));
    let o = t.push(&old, &target);
    assert_eq!(code(&o), Some(0), "{}", err(&o));
    assert_eq!(
        json(&o)["variants"].as_array().unwrap().len(),
        2,
        "1.0.0 replaced 1.2.0 at the tag"
    );
    let o = t.run(&["install", &target]);
    assert_eq!(code(&o), Some(4), "{}", err(&o));
    assert!(err(&o).contains("E_DOWNGRADE"), "{}", err(&o));
    assert_eq!(t.installed()[0].0, "1.2.0");
}

#[test]
fn update_takes_the_highest_semver_tag_and_pre_releases_only_with_pre() {
    let Some(reg) = registry() else { return };
    let t = T::new();
    let r = repo("updates");
    let target = format!("oci://{reg}/{r}");
    assert_eq!(code(&t.push(&t.package("1.2.0"), &target)), Some(0));
    t.local_model("Qwen/Qwen3-0.6B");
    let o = t.run(&["install", &format!("{target}:1.2.0")]);
    assert_eq!(code(&o), Some(0), "{}", err(&o));
    let o = t.run(&["update", "expert-demo"]);
    assert_eq!(code(&o), Some(0), "{}", err(&o));
    assert!(stdout(&o).contains("up to date"), "{}", stdout(&o));
    assert_eq!(code(&t.push(&t.package("1.3.0"), &target)), Some(0));
    assert_eq!(code(&t.push(&t.package("1.4.0-rc.1"), &target)), Some(0));
    let o = t.run(&["update", "expert-demo", "--json"]);
    assert_eq!(code(&o), Some(0), "{}", err(&o));
    let got = t.installed();
    assert_eq!(
        got[0].0, "1.3.0",
        "the newly pushed higher tag, not the pre-release"
    );
    assert!(
        got[0].2.starts_with(&format!("{target}:1.3.0@sha256:")),
        "{}",
        got[0].2
    );
    let o = t.run(&["update", "expert-demo", "--pre"]);
    assert_eq!(code(&o), Some(0), "{}", err(&o));
    assert_eq!(t.installed()[0].0, "1.4.0-rc.1");
}

#[test]
fn credentials_from_the_environment_or_docker_config_and_a_clear_error_when_wrong() {
    let Some(reg) = env("EXPERT_TEST_REGISTRY_AUTH") else {
        return;
    };
    let user = std::env::var("EXPERT_TEST_REGISTRY_USER").unwrap_or_default();
    let pass = std::env::var("EXPERT_TEST_REGISTRY_PASS").unwrap_or_default();
    let t = T::new();
    let pkgs = t.package("1.2.0");
    let r = repo("private");
    let target = format!("oci://{reg}/{r}");
    let push = |u: Option<(&str, &str)>| {
        let mut c = t.cli();
        c.arg("push").args(&pkgs).arg(&target);
        if let Some((u, p)) = u {
            c.env("EXPERT_REGISTRY_USERNAME", u)
                .env("EXPERT_REGISTRY_PASSWORD", p);
        }
        run(&mut c)
    };
    let o = push(None);
    assert_eq!(code(&o), Some(1), "{}", err(&o));
    assert!(
        err(&o).contains("E_REGISTRY_AUTH") && err(&o).contains("requires credentials"),
        "{}",
        err(&o)
    );
    let o = push(Some((&user, "wrong-password")));
    assert_eq!(code(&o), Some(1), "{}", err(&o));
    assert!(err(&o).contains("refused the credentials"), "{}", err(&o));
    assert!(
        !err(&o).contains("wrong-password"),
        "the password is never printed"
    );
    let o = push(Some((&user, &pass)));
    assert_eq!(code(&o), Some(0), "{}", err(&o));
    // docker login's config.json.
    use base64::Engine;
    let auth = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{pass}"));
    std::fs::create_dir_all(t.path("docker")).unwrap();
    std::fs::write(
        t.path("docker/config.json"),
        format!(r#"{{"auths":{{"{reg}":{{"auth":"{auth}"}}}}}}"#),
    )
    .unwrap();
    let o = t.run(&[
        "install",
        &format!("{target}:1.2.0"),
        "--base-model",
        "qwen3-0.6b",
    ]);
    assert_eq!(code(&o), Some(0), "{}", err(&o));
}

#[test]
fn skopeo_copies_the_artifact_into_an_oci_layout_that_installs() {
    let Some(reg) = registry() else { return };
    if !skopeo() {
        assert!(
            std::env::var_os("EXPERT_REQUIRE_SERVERS").is_none(),
            "skopeo is required with EXPERT_REQUIRE_SERVERS"
        );
        eprintln!("SKIPPED: skopeo is not installed");
        return;
    }
    let t = T::new();
    let pkgs = t.package("1.2.0");
    let r = repo("layout");
    let target = format!("oci://{reg}/{r}");
    assert_eq!(code(&t.push(&pkgs, &target)), Some(0));
    let layout = t.path("layout");
    let s = std::process::Command::new("skopeo")
        .args(["copy", "--all", "--src-tls-verify=false"])
        .arg(format!("docker://{reg}/{r}:1.2.0"))
        .arg(format!("oci:{}:1.2.0", layout.display()))
        .output()
        .unwrap();
    if !s.status.success() {
        eprintln!(
            "SKIPPED: this skopeo cannot copy OCI artifacts: {}",
            String::from_utf8_lossy(&s.stderr)
        );
        return;
    }
    t.local_model("Qwen/Qwen3-0.6B");
    let src = format!("oci-layout:{}:1.2.0", layout.display());
    let o = t.run(&["install", &src]);
    assert_eq!(code(&o), Some(0), "{}", err(&o));
    let got = t.installed();
    assert_eq!(got[0].1, "Qwen/Qwen3-0.6B");
    assert!(got[0].2.starts_with(&format!(
        "oci-layout:{}",
        layout.canonicalize().unwrap().display()
    )));
    let o = t.run(&["pull", &src, "--base-model", "qwen3-1.7b", "-o", "l.expert"]);
    assert_eq!(code(&o), Some(0), "{}", err(&o));
    assert!(std::fs::read(t.path("l.expert")).unwrap() == std::fs::read(&pkgs[1]).unwrap());
    // A blob changed in the layout is refused.
    let hex = sha256_file(&pkgs[1]);
    let blob = layout.join("blobs/sha256").join(&hex);
    let mut b = std::fs::read(&blob).unwrap();
    b[100] ^= 1;
    std::fs::write(&blob, b).unwrap();
    let o = t.run(&["pull", &src, "--base-model", "qwen3-1.7b", "-o", "m.expert"]);
    assert_eq!(code(&o), Some(5), "{}", err(&o));
    assert!(!t.path("m.expert").exists());
}

//! Git and directory sources (issue #16): only regular files inside the
//! source are read (never through a link), checkout filters never run,
//! the caller's repository variables never reach our git, and clones
//! fetch only what the ref needs.
#![cfg(unix)]

mod common;
use common::*;
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// A git repository holding a copy of an example, changed by `edit`.
fn repo(root: &Path, name: &str, example_name: &str, edit: impl FnOnce(&Path)) -> PathBuf {
    let src = root.join(name);
    copy_dir(&example(example_name), &src);
    edit(&src);
    git(&src, &["init", "-q", "-b", "main"]);
    git(&src, &["add", "-A"]);
    git(&src, &["commit", "-qm", "v1"]);
    git(&src, &["tag", "v1.0.0"]);
    src
}

fn url(p: &Path) -> String {
    format!("git+file://{}", p.display())
}

/// Runs the command, killing it after `secs` (an attack that reads
/// /dev/zero must fail the test, not hang it).
fn run_for(c: &mut Command, secs: u64) -> Output {
    let mut child = c
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > Duration::from_secs(secs) {
            child.kill().unwrap();
            panic!("expert-cli still running after {secs}s");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("panicked"), "{err}");
    out
}

fn install(home: &Path, source: &str) -> Command {
    let mut c = cli(home);
    c.arg("install").arg(source).args([
        "--allow-unsigned",
        "--base-model",
        "Qwen/Qwen3-0.6B",
        "--json",
    ]);
    c
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn nothing_installed(home: &Path) {
    let list = json(&run(cli(home).args(["list", "--json"])));
    assert_eq!(list["experts"].as_array().map(Vec::len), Some(0));
}

/// A signed-or-not package of the single-model example, built by the CLI.
fn local_package(home: &Path, dir: &Path) -> PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    let out = run(cli(home)
        .arg("package")
        .arg(example("single-model-expert"))
        .arg("--out-dir")
        .arg(dir));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|x| x == "expert"))
        .unwrap()
}

#[test]
fn manifest_symlink_to_dev_zero_in_git_source_is_refused() {
    let t = tempfile::tempdir().unwrap();
    let src = repo(t.path(), "r", "single-model-expert", |d| {
        std::fs::remove_file(d.join("manifest.json")).unwrap();
        symlink("/dev/zero", d.join("manifest.json")).unwrap();
    });
    let home = t.path().join("home");
    let out = run_for(&mut install(&home, &url(&src)), 120);
    assert_eq!(out.status.code(), Some(5), "{}", stderr(&out));
    assert!(stderr(&out).contains("E_SOURCE_SYMLINK") && stderr(&out).contains("manifest.json"));
    nothing_installed(&home);
}

#[test]
fn expert_symlink_to_etc_passwd_in_git_source_is_refused() {
    let t = tempfile::tempdir().unwrap();
    let src = repo(t.path(), "r", "single-model-expert", |d| {
        symlink("/etc/passwd", d.join("x.expert")).unwrap();
    });
    let home = t.path().join("home");
    let out = run_for(&mut install(&home, &url(&src)), 120);
    assert_eq!(out.status.code(), Some(5), "{}", stderr(&out));
    assert!(stderr(&out).contains("E_SOURCE_SYMLINK") && stderr(&out).contains("x.expert"));
    nothing_installed(&home);
}

#[test]
fn versions_symlink_to_a_local_dir_in_git_source_is_refused() {
    let t = tempfile::tempdir().unwrap();
    let home = t.path().join("home");
    let local = t.path().join("local-versions");
    local_package(&home, &local);
    let src = repo(t.path(), "r", "single-model-expert", |d| {
        symlink(&local, d.join("versions")).unwrap();
    });
    let out = run_for(&mut install(&home, &url(&src)), 120);
    assert_eq!(out.status.code(), Some(5), "{}", stderr(&out));
    assert!(stderr(&out).contains("E_SOURCE_SYMLINK") && stderr(&out).contains("versions"));
    nothing_installed(&home);
}

#[test]
fn directory_source_symlinks_are_refused_like_git_ones() {
    let t = tempfile::tempdir().unwrap();
    let home = t.path().join("home");
    let local = t.path().join("local-versions");
    local_package(&home, &local);
    type Edit = Box<dyn Fn(&Path)>;
    let cases: Vec<(&str, Edit)> = vec![
        (
            "manifest.json",
            Box::new(|d: &Path| {
                std::fs::remove_file(d.join("manifest.json")).unwrap();
                symlink("/dev/zero", d.join("manifest.json")).unwrap();
            }),
        ),
        (
            "x.expert",
            Box::new(|d: &Path| symlink("/etc/passwd", d.join("x.expert")).unwrap()),
        ),
        (
            "versions",
            Box::new(move |d: &Path| symlink(&local, d.join("versions")).unwrap()),
        ),
    ];
    for (i, (what, edit)) in cases.into_iter().enumerate() {
        let dir = t.path().join(format!("dir{i}"));
        copy_dir(&example("single-model-expert"), &dir);
        edit(&dir);
        let out = run_for(&mut install(&home, dir.to_str().unwrap()), 120);
        assert_eq!(out.status.code(), Some(5), "{what}: {}", stderr(&out));
        assert!(stderr(&out).contains("E_SOURCE_SYMLINK") && stderr(&out).contains(what));
    }
    nothing_installed(&home);
}

#[test]
fn gitattributes_filters_never_run_during_install() {
    let t = tempfile::tempdir().unwrap();
    let marker = t.path().join("filter-ran");
    // The user's git config defines filters (as a global git-lfs install
    // does); the repository asks for them on every file.
    let user_home = t.path().join("user");
    std::fs::create_dir_all(&user_home).unwrap();
    let filter = format!("sh -c 'touch {}; cat'", marker.display());
    std::fs::write(
        user_home.join(".gitconfig"),
        format!(
            "[filter \"lfs\"]\n\tsmudge = {filter}\n\tprocess = {filter}\n\trequired = true\n[filter \"custom\"]\n\tsmudge = {filter}\n"
        ),
    )
    .unwrap();
    let src = repo(t.path(), "r", "single-model-expert", |d| {
        std::fs::write(
            d.join(".gitattributes"),
            "*.json filter=custom\n*.safetensors filter=lfs\n",
        )
        .unwrap();
    });
    let home = t.path().join("home");
    let out = run_for(install(&home, &url(&src)).env("HOME", &user_home), 120);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(!marker.exists(), "a checkout filter ran");
}

#[test]
fn caller_git_environment_never_reaches_our_git() {
    let t = tempfile::tempdir().unwrap();
    let good = repo(t.path(), "good", "single-model-expert", |_| {});
    let evil = repo(t.path(), "evil", "multi-model-expert", |_| {});
    let index = t.path().join("caller-index");
    let objects = t.path().join("caller-objects");
    let home = t.path().join("home");
    let good_url = format!("file://{}", good.display());
    let out = run_for(
        install(&home, &url(&good))
            .env("GIT_CONFIG_COUNT", "1")
            .env(
                "GIT_CONFIG_KEY_0",
                format!("url.file://{}.insteadOf", evil.display()),
            )
            .env("GIT_CONFIG_VALUE_0", &good_url)
            .env("GIT_INDEX_FILE", &index)
            .env("GIT_OBJECT_DIRECTORY", &objects),
        120,
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let list = json(&run(cli(&home).args(["list", "--json"])));
    assert_eq!(
        list["experts"][0]["name"], "expert-demo-v1",
        "cloned another repository"
    );
    assert!(
        !index.exists() && !objects.exists(),
        "wrote into the caller's repository"
    );
}

#[test]
fn clones_fetch_only_the_ref() {
    let t = tempfile::tempdir().unwrap();
    let src = repo(t.path(), "r", "single-model-expert", |_| {});
    // More history, a branch and a tag the install does not ask for.
    git(&src, &["checkout", "-q", "-b", "other"]);
    std::fs::write(src.join("extra.txt"), "x").unwrap();
    git(&src, &["add", "-A"]);
    git(&src, &["commit", "-qm", "other"]);
    git(&src, &["tag", "unrelated"]);
    git(&src, &["checkout", "-q", "main"]);
    let home = t.path().join("home");
    let trace = t.path().join("trace");
    let out = run_for(
        install(&home, &format!("{}#v1.0.0", url(&src))).env("GIT_TRACE", &trace),
        120,
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let log = std::fs::read_to_string(&trace).unwrap();
    let clone = log
        .lines()
        .find(|l| l.contains("built-in: git") && l.contains(" clone "))
        .unwrap_or_else(|| panic!("no clone in the trace:\n{log}"));
    for arg in [
        "--depth 1",
        "--single-branch",
        "--no-tags",
        "--branch v1.0.0",
    ] {
        assert!(clone.contains(arg), "{arg} missing: {clone}");
    }
    assert!(!log.contains(" checkout"), "no checkout: {log}");

    // A commit hash still works (full clone, then that commit).
    let sha = String::from_utf8(
        Command::new("git")
            .arg("-C")
            .arg(&src)
            .args(["rev-parse", "v1.0.0"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    let home2 = t.path().join("home2");
    let out = run_for(
        &mut install(&home2, &format!("{}#{}", url(&src), sha.trim())),
        120,
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

//! Helpers for running the real binary in end-to-end tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

pub fn example(name: &str) -> PathBuf {
    repo().join("examples").join(name)
}

/// `expert-cli` with an isolated EXPERT_HOME and a fixed SOURCE_DATE_EPOCH.
pub fn cli(home: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_expert-cli"));
    c.env("EXPERT_HOME", home)
        .env("SOURCE_DATE_EPOCH", "1764028800")
        .env("NO_COLOR", "1")
        .env_remove("RUST_BACKTRACE");
    c
}

pub fn run(c: &mut Command) -> Output {
    let out = c.output().expect("runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !stderr.contains("panicked") && !stderr.contains("RUST_BACKTRACE"),
        "no Rust panic may reach users: {stderr}"
    );
    out
}

/// The command exited with `code`; its stderr is the failure message.
#[track_caller]
pub fn assert_exit(o: &Output, code: i32) {
    assert_eq!(
        o.status.code(),
        Some(code),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// Extracts `pkg` with GNU tar into a new temporary directory.
pub fn untar(pkg: &Path) -> tempfile::TempDir {
    let x = tempfile::tempdir().unwrap();
    let status = Command::new("tar")
        .arg("-xzf")
        .arg(pkg)
        .arg("-C")
        .arg(x.path())
        .status()
        .unwrap();
    assert!(status.success(), "tar -xzf {}", pkg.display());
    x
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", stdout(o)))
}

/// Copies a directory tree.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let dest = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &dest);
        } else {
            std::fs::copy(e.path(), dest).unwrap();
        }
    }
}

/// A directory's files, held in memory. A fixture that is slow to build
/// (packaging, in a debug build) is built once per test binary in a scratch
/// directory, kept as a `Tree` in a `OnceLock`, and written into each
/// test's own directory: tests share no files, and no scratch directory
/// outlives the run.
#[derive(Debug, PartialEq)]
pub struct Tree(pub Vec<(PathBuf, Vec<u8>)>);

impl Tree {
    /// Every file under `root` (none if it does not exist) by its path
    /// relative to `root`, sorted.
    pub fn read(root: &Path) -> Tree {
        fn walk(root: &Path, rel: &Path, out: &mut Vec<(PathBuf, Vec<u8>)>) {
            let Ok(rd) = std::fs::read_dir(root.join(rel)) else {
                return;
            };
            for e in rd.flatten() {
                let r = rel.join(e.file_name());
                if e.file_type().unwrap().is_dir() {
                    walk(root, &r, out);
                } else {
                    out.push((r, std::fs::read(e.path()).unwrap()));
                }
            }
        }
        let mut files = Vec::new();
        walk(root, Path::new(""), &mut files);
        files.sort();
        Tree(files)
    }

    /// Writes every file under `root`, making directories as needed.
    pub fn write(&self, root: &Path) {
        for (rel, bytes) in &self.0 {
            let dest = root.join(rel);
            std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
            std::fs::write(dest, bytes).unwrap();
        }
    }
}

pub fn sha256_file(p: &Path) -> String {
    use sha2::Digest;
    expert_core::util::hex::encode(&sha2::Sha256::digest(std::fs::read(p).unwrap()))
}

pub mod publisher;

/// `git -C DIR ARGS…` with a fixed identity and no user configuration
/// (HOME points nowhere); the test fails if git does.
pub fn git(dir: &Path, args: &[&str]) {
    let ok = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@t")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@t")
        .env("HOME", "/nonexistent")
        .status()
        .unwrap();
    assert!(ok.success(), "git {args:?}");
}

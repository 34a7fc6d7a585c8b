//! `package` end to end: determinism, interoperability with tar, sidecars,
//! dry runs, atomic failure, symlink refusal.

mod common;
use common::*;
use std::path::Path;
use std::process::Command;
use std::sync::OnceLock;

fn package(home: &Path, dir: &Path, out_dir: &Path, cwd: &Path) -> Vec<(String, String)> {
    let out = run(cli(home)
        .current_dir(cwd)
        .arg("package")
        .arg(dir)
        .arg("--all-models")
        .arg("--out-dir")
        .arg(out_dir)
        .arg("--json"));
    common::assert_exit(&out, 0);
    json(&out)["packages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["path"].as_str().unwrap().to_string(),
                p["sha256"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn packaging_twice_from_different_copies_is_byte_identical() {
    let home = tempfile::tempdir().unwrap();
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    copy_dir(&example("multi-model-expert"), a.path());
    // The second copy is created in reverse order, with other mtimes and modes.
    let mut files = Vec::new();
    collect(&example("multi-model-expert"), Path::new(""), &mut files);
    files.reverse();
    for rel in &files {
        let dest = b.path().join(rel);
        std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
        std::fs::copy(example("multi-model-expert").join(rel), &dest).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&dest, std::fs::Permissions::from_mode(0o600)).unwrap();
        }
        let t = std::fs::File::options().write(true).open(&dest).unwrap();
        t.set_modified(
            std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000_000),
        )
        .unwrap();
    }
    let out_a = tempfile::tempdir().unwrap();
    let out_b = tempfile::tempdir().unwrap();
    let ra = package(home.path(), a.path(), out_a.path(), a.path());
    let rb = package(home.path(), b.path(), out_b.path(), home.path());
    assert_eq!(ra.len(), 2);
    for ((pa, sa), (pb, sb)) in ra.iter().zip(&rb) {
        assert_eq!(Path::new(pa).file_name(), Path::new(pb).file_name());
        assert_eq!(sa, sb, "{pa} and {pb} differ");
        assert_eq!(std::fs::read(pa).unwrap(), std::fs::read(pb).unwrap());
        assert_eq!(&sha256_file(Path::new(pa)), sa);
    }
    let names: Vec<_> = ra
        .iter()
        .map(|(p, _)| {
            Path::new(p)
                .file_name()
                .unwrap()
                .to_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(
        names,
        [
            "expert-demo-qwen3-0-6b.v1.2.0.expert",
            "expert-demo-qwen3-1-7b.v1.2.0.expert"
        ]
    );
}

fn collect(root: &Path, rel: &Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(root.join(rel)).unwrap() {
        let e = e.unwrap();
        let r = rel.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            collect(root, &r, out);
        } else {
            out.push(r);
        }
    }
}

/// A fresh directory with the multi-model example's packages (both
/// variants) and their sidecars, packaged once per test binary; and the
/// path of the first package there.
fn packaged_example() -> (tempfile::TempDir, String) {
    static BUILT: OnceLock<(Tree, String)> = OnceLock::new();
    let (files, first) = BUILT.get_or_init(|| {
        let home = tempfile::tempdir().unwrap();
        let out_dir = tempfile::tempdir().unwrap();
        let pkgs = package(
            home.path(),
            &example("multi-model-expert"),
            out_dir.path(),
            home.path(),
        );
        let first = Path::new(&pkgs[0].0).file_name().unwrap();
        (
            Tree::read(out_dir.path()),
            first.to_str().unwrap().to_string(),
        )
    });
    let dir = tempfile::tempdir().unwrap();
    files.write(dir.path());
    let pkg = dir.path().join(first).display().to_string();
    (dir, pkg)
}

#[test]
fn gnu_tar_lists_the_package_without_a_warning() {
    let (_dir, pkg) = packaged_example();
    let tar = Command::new("tar").arg("-tvzf").arg(&pkg).output().unwrap();
    assert!(
        tar.status.success() && tar.stderr.is_empty(),
        "tar warned: {}",
        String::from_utf8_lossy(&tar.stderr)
    );
}

#[test]
fn python_tarfile_reads_the_package_without_a_warning_manifest_first() {
    let (_dir, pkg) = packaged_example();
    let py = Command::new("python3").args(["-W", "error", "-c", "import sys,tarfile; t=tarfile.open(sys.argv[1]); print('\\n'.join(m.name for m in t.getmembers() if m.isfile()))"]).arg(&pkg).output().unwrap();
    assert!(
        py.status.success() && py.stderr.is_empty(),
        "python: {}",
        String::from_utf8_lossy(&py.stderr)
    );
    let listed: Vec<String> = String::from_utf8(py.stdout)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect();
    assert_eq!(listed[0], "manifest.json");
}

/// Extracting gives exactly the files the packaged manifest references,
/// plus the shared docs and the adapter's companions.
#[test]
fn extracting_gives_exactly_the_files_the_manifest_references() {
    let (_dir, pkg) = packaged_example();
    let x = common::untar(Path::new(&pkg));
    let mut got = Vec::new();
    collect(x.path(), Path::new(""), &mut got);
    got.sort();
    let got: Vec<_> = got
        .iter()
        .map(|p| p.to_str().unwrap().to_string())
        .collect();
    assert_eq!(
        got,
        [
            "LICENSE",
            "README.md",
            "adapter_config.json",
            "adapter_model.safetensors",
            "grammar.gbnf",
            "manifest.json",
            "soft_prompts/demo_style_16.bin",
            "special_tokens_map.json",
            "tokenizer_config.json"
        ]
    );
    let m: serde_json::Value =
        serde_json::from_slice(&std::fs::read(x.path().join("manifest.json")).unwrap()).unwrap();
    assert!(x
        .path()
        .join(m["base_models"][0]["adapters"][0]["path"].as_str().unwrap())
        .is_file());
    assert!(x
        .path()
        .join(m["soft_prompts"][0]["path"].as_str().unwrap())
        .is_file());
    assert!(x
        .path()
        .join(m["training"]["decoding"]["grammar_file"].as_str().unwrap())
        .is_file());
}

#[test]
fn sha256sum_accepts_the_sidecar() {
    let (dir, pkg) = packaged_example();
    let check = Command::new("sha256sum")
        .arg("-c")
        .arg(format!("{pkg}.sha256"))
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );
}

#[test]
fn dry_run_lists_and_writes_nothing() {
    let home = tempfile::tempdir().unwrap();
    let out_dir = tempfile::tempdir().unwrap();
    let out = run(cli(home.path())
        .arg("package")
        .arg(example("multi-model-expert"))
        .args(["--model", "Qwen3-1.7B", "--dry-run", "--json", "--out-dir"])
        .arg(out_dir.path()));
    assert_eq!(out.status.code(), Some(0));
    let v = json(&out);
    let files: Vec<_> = v["packages"][0]["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap().to_string())
        .collect();
    assert!(files.contains(&"adapter_model.safetensors".to_string()));
    assert_eq!(v["packages"][0]["model"], "Qwen/Qwen3-1.7B");
    assert_eq!(std::fs::read_dir(out_dir.path()).unwrap().count(), 0);
}

#[test]
fn failures_leave_no_partial_output_and_name_what_was_searched() {
    let home = tempfile::tempdir().unwrap();
    let out_dir = tempfile::tempdir().unwrap();
    let out = run(cli(home.path())
        .arg("package")
        .arg(example("multi-model-expert"))
        .args([
            "--model",
            "qwen3-06b",
            "--checkpoint",
            "checkpoint-404",
            "--out-dir",
        ])
        .arg(out_dir.path()));
    assert_eq!(out.status.code(), Some(12));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("error[E_WEIGHTS_NOT_FOUND]")
            && err.contains("weights/qwen3-06b/checkpoint-404"),
        "{err}"
    );
    assert_eq!(
        std::fs::read_dir(out_dir.path()).unwrap().count(),
        0,
        "no partial or temp file"
    );

    let bad_model = run(cli(home.path())
        .arg("package")
        .arg(example("multi-model-expert"))
        .args(["--model", "llama"])
        .arg("--out-dir")
        .arg(out_dir.path()));
    assert_eq!(bad_model.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad_model.stderr).contains("Qwen/Qwen3-0.6B, Qwen/Qwen3-1.7B"));
    let ambiguous = run(cli(home.path())
        .arg("package")
        .arg(example("multi-model-expert"))
        .arg("--out-dir")
        .arg(out_dir.path()));
    assert_eq!(
        ambiguous.status.code(),
        Some(2),
        "two models need --model or --all-models"
    );
}

#[cfg(unix)]
#[test]
fn a_symlink_escaping_the_expert_is_refused() {
    let home = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&example("multi-model-expert"), dir.path());
    let readme = dir.path().join("README.md");
    std::fs::remove_file(&readme).unwrap();
    std::os::unix::fs::symlink("/etc/passwd", &readme).unwrap();
    let out_dir = tempfile::tempdir().unwrap();
    let out = run(cli(home.path())
        .arg("package")
        .arg(dir.path())
        .args(["--all-models", "--out-dir"])
        .arg(out_dir.path()));
    assert_eq!(out.status.code(), Some(12));
    assert!(String::from_utf8_lossy(&out.stderr).contains("symbolic link"));
    assert_eq!(std::fs::read_dir(out_dir.path()).unwrap().count(), 0);
}

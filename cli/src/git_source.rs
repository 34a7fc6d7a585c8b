//! Git sources, read from the object store, never from a checkout: a bare,
//! shallow clone of just the ref, then each regular-file blob of the
//! commit's tree written into a scratch directory by us. No checkout means
//! no `.gitattributes` filters (git-lfs smudge, which would fetch URLs the
//! repository names), no hooks and no symlinks pointing out of the tree:
//! a symlink blob becomes an inert link (target `/dev/null/…`, which can
//! never resolve), so the source readers refuse it by name. Sizes are
//! capped like package reading. Our git never sees the caller's repository
//! variables (GIT_DIR, GIT_CONFIG_*, …), and runs with filters, LFS
//! smudging and hooks off.

use crate::error::{CliError, Code, Context, Result};
use expert_core::Limits;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Variables that point git at another repository, index, object store or
/// configuration (git rev-parse --local-env-vars, and the config ones).
const REPOSITORY_VARS: &[&str] = &[
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_IMPLICIT_WORK_TREE",
    "GIT_COMMON_DIR",
    "GIT_INDEX_FILE",
    "GIT_OBJECT_DIRECTORY",
    "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_GRAFT_FILE",
    "GIT_SHALLOW_FILE",
    "GIT_NO_REPLACE_OBJECTS",
    "GIT_REPLACE_REF_BASE",
    "GIT_PREFIX",
    "GIT_NAMESPACE",
    "GIT_CEILING_DIRECTORIES",
    "GIT_DISCOVERY_ACROSS_FILESYSTEM",
    "GIT_TEMPLATE_DIR",
    "GIT_ATTR_SOURCE",
    "GIT_QUARANTINE_PATH",
    "GIT_EXEC_PATH",
];

/// Where a symlink blob points once written: nothing can be under a device.
pub const INERT_LINK_TARGET: &str = "/dev/null/expert-cli-does-not-follow-links-from-sources";

/// A git command with a clean environment and safe configuration.
fn command(args: &[&str], dir: Option<&Path>) -> Command {
    let mut c = Command::new("git");
    for (k, _) in std::env::vars_os() {
        let k = k.to_string_lossy();
        if REPOSITORY_VARS.contains(&k.as_ref()) || k.starts_with("GIT_CONFIG") {
            c.env_remove(k.as_ref());
        }
    }
    if let Some(d) = dir {
        c.arg("-C").arg(d);
    }
    c.args([
        "-c",
        "core.hooksPath=/dev/null",
        "-c",
        "filter.lfs.smudge=",
        "-c",
        "filter.lfs.process=",
        "-c",
        "filter.lfs.required=false",
        "-c",
        "core.fsmonitor=false",
    ])
    .args(args)
    .env("GIT_TERMINAL_PROMPT", "0")
    .env("GIT_LFS_SKIP_SMUDGE", "1")
    .env("GIT_ALLOW_PROTOCOL", "file:git:http:https:ssh");
    c
}

fn no_git(e: std::io::Error) -> CliError {
    CliError::new(Code::Git, format!("cannot run git: {e}"))
        .within(Context::ToolMissing)
        .hint("install git")
}

/// Runs git and returns its trimmed stdout.
pub fn git(args: &[&str], dir: Option<&Path>) -> Result<String> {
    let mut c = command(args, dir);
    if args.contains(&"--progress") {
        c.stderr(Stdio::inherit());
    }
    let out = c.output().map_err(no_git)?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr).trim().to_string();
        return Err(CliError::new(
            Code::Git,
            format!("git {} failed: {err}", args.first().unwrap_or(&"")),
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// Clones `url` at `reference` (a branch, tag or commit; HEAD when none)
/// into `scratch/repo.git` and writes the commit's files into
/// `scratch/tree`, which it returns.
pub fn fetch_tree(url: &str, reference: Option<&str>, scratch: &Path) -> Result<PathBuf> {
    let bare = scratch.join("repo.git");
    let bare_s = bare.to_string_lossy().to_string();
    // On a terminal, git draws its own progress bar while cloning.
    let progress = if std::io::IsTerminal::is_terminal(&std::io::stderr()) {
        "--progress"
    } else {
        "--quiet"
    };
    let shallow = |branch: Option<&str>| {
        let mut a = vec![
            "clone",
            progress,
            "--bare",
            "--depth",
            "1",
            "--single-branch",
            "--no-tags",
        ];
        if let Some(b) = branch {
            a.extend(["--branch", b]);
        }
        a.extend(["--", url, &bare_s]);
        git(&a, None)
    };
    let target = match reference {
        None => {
            shallow(None)?;
            "HEAD".to_string()
        }
        // A branch or tag: only that ref, only its last commit.
        Some(r) if shallow(Some(r)).is_ok() => "HEAD".to_string(),
        // A commit: the full history is the portable way to reach it.
        Some(r) => {
            let _ = std::fs::remove_dir_all(&bare);
            git(
                &["clone", progress, "--bare", "--no-tags", "--", url, &bare_s],
                None,
            )?;
            r.to_string()
        }
    };
    let commit = git(
        &[
            "rev-parse",
            "--verify",
            "--quiet",
            "--end-of-options",
            &format!("{target}^{{commit}}"),
        ],
        Some(&bare),
    )
    .map_err(|_| {
        CliError::new(
            Code::GitRef,
            format!(
                "{url} has no tag, branch or commit {:?}",
                reference.unwrap_or("HEAD")
            ),
        )
    })?;
    let tree = scratch.join("tree");
    std::fs::create_dir(&tree).map_err(|e| CliError::io(&tree, e))?;
    materialize(&bare, &commit, &tree, &Limits::default())?;
    Ok(tree)
}

/// One `git ls-tree -r -l -z` entry.
struct Entry {
    mode: String,
    object: String,
    size: Option<u64>,
    path: String,
}

fn parse_ls_tree(out: &[u8]) -> Result<Vec<Entry>> {
    let bad = || CliError::new(Code::Git, "unexpected git ls-tree output");
    out.split(|&b| b == 0)
        .filter(|r| !r.is_empty())
        .map(|r| {
            let r = std::str::from_utf8(r).map_err(|_| {
                CliError::new(
                    Code::SourcePath,
                    "the repository has a file name that is not UTF-8",
                )
            })?;
            let (meta, path) = r.split_once('\t').ok_or_else(bad)?;
            let mut f = meta.split_whitespace();
            let (mode, _kind, object, size) = (f.next(), f.next(), f.next(), f.next());
            Ok(Entry {
                mode: mode.ok_or_else(bad)?.to_string(),
                object: object.ok_or_else(bad)?.to_string(),
                size: size.and_then(|s| s.parse().ok()),
                path: path.to_string(),
            })
        })
        .collect()
}

fn too_big(what: String) -> CliError {
    CliError::new(Code::SourceTooLarge, what)
}

/// Writes every regular file of `commit` under `dest`; symlinks become
/// inert links; submodules are left out.
fn materialize(bare: &Path, commit: &str, dest: &Path, limits: &Limits) -> Result<()> {
    let out = command(
        &["ls-tree", "-r", "-l", "-z", "--full-tree", commit],
        Some(bare),
    )
    .output()
    .map_err(no_git)?;
    if !out.status.success() {
        return Err(CliError::new(
            Code::Git,
            format!(
                "git ls-tree failed: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            ),
        ));
    }
    let entries = parse_ls_tree(&out.stdout)?;
    if entries.len() > limits.max_entries * 10 {
        return Err(too_big(format!(
            "the repository has {} files",
            entries.len()
        )));
    }
    let mut total = 0u64;
    for e in entries {
        expert_core::path::check_relative_path(&e.path).map_err(|p| {
            CliError::new(
                Code::SourcePath,
                format!("{:?} in the repository: {}", e.path, p.describe()),
            )
        })?;
        let path = dest.join(&e.path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|err| CliError::io(parent, err))?;
        }
        match e.mode.as_str() {
            "100644" | "100755" => {
                let size = e.size.unwrap_or(0);
                total = total.saturating_add(size);
                if size > limits.max_entry_size || total > limits.max_total_size {
                    return Err(too_big(format!(
                        "{} in the repository is larger than a package may hold",
                        e.path
                    )));
                }
                write_blob(bare, &e.object, &path)?;
            }
            "120000" => {
                #[cfg(unix)]
                std::os::unix::fs::symlink(INERT_LINK_TARGET, &path)
                    .map_err(|err| CliError::io(&path, err))?;
            }
            // Submodules (160000) are not fetched.
            _ => {}
        }
    }
    Ok(())
}

/// `git cat-file blob` straight into a new file: raw bytes, no filters.
fn write_blob(bare: &Path, object: &str, path: &Path) -> Result<()> {
    let file = std::fs::File::options()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| CliError::io(path, e))?;
    let status = command(&["cat-file", "blob", object], Some(bare))
        .stdout(file)
        .stderr(Stdio::null())
        .status()
        .map_err(no_git)?;
    if !status.success() {
        return Err(CliError::new(
            Code::Git,
            format!("git could not read {} from the clone", path.display()),
        ));
    }
    Ok(())
}

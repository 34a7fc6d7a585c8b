//! Install sources: `git+<url>[#ref]` (system git, never with user text in
//! option position), `file://…`, a directory, or a `.expert` file; and the
//! choice of version and variant among the packages a source holds.

use crate::error::{CliError, Exit, Result};
use crate::staging::ScratchDir;
use expert_core::archive::read_all;
use expert_core::manifest::{select_model, Manifest};
use expert_core::sign::SmallFiles;
use expert_core::Limits;
use std::path::{Path, PathBuf};
use std::process::Command;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Git {
        url: String,
        reference: Option<String>,
    },
    Path(PathBuf),
}

pub fn parse(s: &str) -> Result<Source> {
    if let Some(rest) = s.strip_prefix("git+") {
        let (url, reference) = match rest.rsplit_once('#') {
            Some((u, r)) => (u.to_string(), Some(r.to_string())),
            None => (rest.to_string(), None),
        };
        if url.is_empty()
            || url.starts_with('-')
            || reference
                .as_deref()
                .is_some_and(|r| r.is_empty() || r.starts_with('-'))
        {
            return Err(CliError::new(
                Exit::Usage,
                "E_SOURCE",
                format!("{s:?} is not a usable git source"),
            )
            .hint("use git+https://host/repo.git#v1.2.0 or git+file:///path/repo#tag"));
        }
        return Ok(Source::Git { url, reference });
    }
    if let Some(p) = s.strip_prefix("file://") {
        return Ok(Source::Path(PathBuf::from(p)));
    }
    Ok(Source::Path(PathBuf::from(s)))
}

fn git(args: &[&str], dir: Option<&Path>) -> Result<String> {
    let mut c = Command::new("git");
    if let Some(d) = dir {
        c.arg("-C").arg(d);
    }
    c.args(args)
        .env("GIT_TERMINAL_PROMPT", "0")
        .env("GIT_ALLOW_PROTOCOL", "file:git:http:https:ssh")
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE");
    if args.contains(&"--progress") {
        c.stderr(std::process::Stdio::inherit());
    }
    let out = c.output().map_err(|e| {
        CliError::new(
            Exit::MissingDependency,
            "E_GIT",
            format!("cannot run git: {e}"),
        )
        .hint("install git")
    })?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr).trim().to_string();
        return Err(CliError::new(
            Exit::General,
            "E_GIT",
            format!("git {} failed: {err}", args.first().unwrap_or(&"")),
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// A fetched source: a directory or a package file, kept alive by `_scratch`.
pub struct Fetched {
    pub root: PathBuf,
    _scratch: Option<ScratchDir>,
}

pub fn fetch(src: &Source) -> Result<Fetched> {
    match src {
        Source::Path(p) => {
            if !p.exists() {
                return Err(CliError::new(
                    Exit::General,
                    "E_SOURCE",
                    format!("{} does not exist", p.display()),
                ));
            }
            Ok(Fetched {
                root: p.clone(),
                _scratch: None,
            })
        }
        Source::Git { url, reference } => {
            let scratch = ScratchDir::new("clone")?;
            let dir = scratch.path.join("repo");
            let dir_s = dir.to_string_lossy().to_string();
            // On a terminal, git draws its own progress bar while cloning.
            let progress = if std::io::IsTerminal::is_terminal(&std::io::stderr()) {
                "--progress"
            } else {
                "--quiet"
            };
            git(
                &["clone", progress, "--no-checkout", "--", url, &dir_s],
                None,
            )?;
            let target = match reference {
                None => "HEAD".to_string(),
                Some(r) => {
                    let peeled = format!("{r}^{{commit}}");
                    let remote = format!("origin/{r}^{{commit}}");
                    git(
                        &[
                            "rev-parse",
                            "--verify",
                            "--quiet",
                            "--end-of-options",
                            &peeled,
                        ],
                        Some(&dir),
                    )
                    .or_else(|_| {
                        git(
                            &[
                                "rev-parse",
                                "--verify",
                                "--quiet",
                                "--end-of-options",
                                &remote,
                            ],
                            Some(&dir),
                        )
                    })
                    .map_err(|_| {
                        CliError::new(
                            Exit::General,
                            "E_GIT_REF",
                            format!("{url} has no tag, branch or commit {r:?}"),
                        )
                    })?
                }
            };
            git(&["checkout", "--quiet", "--detach", &target], Some(&dir))?;
            Ok(Fetched {
                root: dir,
                _scratch: Some(scratch),
            })
        }
    }
}

/// The highest semver tag of a git remote (`v1.2.0` or `1.2.0`);
/// pre-release tags only when `pre` (core `update::highest`).
pub fn highest_tag(url: &str, pre: bool) -> Result<Option<String>> {
    let out = git(&["ls-remote", "--tags", "--refs", "--", url], None)?;
    let tags = out.lines().filter_map(|line| {
        line.split('\t')
            .nth(1)
            .and_then(|r| r.strip_prefix("refs/tags/"))
    });
    Ok(expert_core::update::highest(tags, pre).map(str::to_string))
}

/// A package found in a source, with what its manifest says.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub path: PathBuf,
    pub name: String,
    pub version: String,
    pub base_model: String,
    pub requires: Vec<String>,
    pub incompatible_with: Vec<String>,
    pub fingerprint: Option<String>,
    /// The base model's declared `quantization`, when it is a string.
    pub quantization: Option<String>,
    /// The packaged model's adapters and the capabilities, as upstream's
    /// registry records them.
    pub adapters: Vec<serde_json::Value>,
    pub capabilities: Vec<String>,
}

/// An adapter as upstream's registry records it: type, path, size (0 when
/// not set) and hash (null when not set).
fn registry_adapter(a: &expert_core::json::Node) -> serde_json::Value {
    let text = |k: &str| a.get(k).and_then(|n| n.as_str()).unwrap_or("");
    let sha = Some(text("sha256")).filter(|s| !s.is_empty());
    serde_json::json!({
        "type": text("type"),
        "path": text("path"),
        "size_bytes": a.get("size_bytes").and_then(|n| n.as_u64()).unwrap_or(0),
        "sha256": sha,
    })
}

fn strings(m: &Manifest, key: &str) -> Vec<String> {
    m.root
        .get("constraints")
        .and_then(|c| c.get(key))
        .and_then(|n| n.items())
        .unwrap_or(&[])
        .iter()
        .filter_map(|n| n.as_str().map(str::to_string))
        .collect()
}

pub fn read_candidate(path: &Path) -> Result<Candidate> {
    let bad = |m: String| {
        CliError::new(
            Exit::Integrity,
            "E_PACKAGE",
            format!("{}: {m}", path.display()),
        )
    };
    let f = std::fs::File::open(path).map_err(|e| CliError::io(path, e))?;
    let mut small = SmallFiles::default();
    read_all(
        &mut std::io::BufReader::new(f),
        Limits::default(),
        &mut small,
    )
    .map_err(|e| match e {
        expert_core::archive::ReadAllError::Io(e) => CliError::io(path, e),
        expert_core::archive::ReadAllError::Archive(e) => {
            CliError::new(Exit::Integrity, e.code, format!("{}: {e}", path.display()))
        }
    })?;
    let bytes = small
        .manifest
        .ok_or_else(|| bad("no manifest.json".into()))?;
    let m = Manifest::parse(&bytes, &Limits::default()).map_err(|r| {
        let d = r.errors().next().cloned();
        let (code, msg) = d
            .map(|d| (d.code, format!("manifest.json: {}: {}", d.path, d.message)))
            .unwrap_or(("E_MANIFEST_INVALID", "invalid manifest".into()));
        CliError::new(Exit::Integrity, code, format!("{}: {msg}", path.display()))
    })?;
    Ok(candidate_of(&m, path))
}

/// What a valid manifest says, as a candidate at `path`.
pub fn candidate_of(m: &Manifest, path: &Path) -> Candidate {
    Candidate {
        path: path.to_path_buf(),
        name: m.name().to_string(),
        version: m.version().to_string(),
        base_model: m
            .model_names()
            .first()
            .map(|s| s.to_string())
            .unwrap_or_default(),
        requires: strings(m, "requires"),
        incompatible_with: strings(m, "incompatible_with"),
        fingerprint: m
            .models()
            .first()
            .and_then(|v| v.node.get("fingerprint"))
            .and_then(|n| n.as_str())
            .map(str::to_string),
        quantization: m
            .models()
            .first()
            .and_then(|v| v.node.get("quantization"))
            .and_then(|n| n.as_str())
            .map(str::to_string),
        adapters: m
            .models()
            .first()
            .map(|v| v.adapters.iter().map(registry_adapter).collect())
            .unwrap_or_default(),
        capabilities: m
            .root
            .get("capabilities")
            .and_then(|n| n.items())
            .unwrap_or(&[])
            .iter()
            .filter_map(|n| n.as_str().map(str::to_string))
            .collect(),
    }
}

/// `.expert` files at the top of `root` and under `versions/`.
pub fn packages_in(root: &Path) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for dir in [root.to_path_buf(), root.join("versions")] {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.extension().is_some_and(|x| x == "expert") && p.is_file() {
                out.push(p);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// Which of several model names to install: `--base-model`, else the one
/// with a base model found locally, else the only one.
pub fn choose_variant(
    names: &[&str],
    wanted: Option<&str>,
    local: &[crate::models::LocalModel],
) -> Result<usize> {
    if let Some(q) = wanted {
        return select_model(names, q)
            .map_err(|e| CliError::new(Exit::Usage, e.code(), e.to_string()));
    }
    let with_local: Vec<usize> = (0..names.len())
        .filter(|&i| !crate::models::matching(local, names[i]).is_empty())
        .collect();
    match (with_local.as_slice(), names.len()) {
        ([one], _) => Ok(*one),
        (_, 1) => Ok(0),
        _ => Err(CliError::new(
            Exit::Usage,
            "E_VARIANT",
            format!("choose a base model; variants: {}", names.join(", ")),
        )
        .hint("pass --base-model NAME")),
    }
}

//! Install sources: `git+<url>[#ref]` (system git, never with user text in
//! option position), `file://…`, a directory, or a `.expert` file; and the
//! choice of version and variant among the packages a source holds.

use crate::error::{CliError, Code, Context, Result};
use crate::staging::ScratchDir;
use expert_core::archive::SmallFiles;
use expert_core::archive::{read_all, ArchiveError, EntrySink, ReadAllError};
use expert_core::manifest::{select_model, AdapterView, Manifest};
use expert_core::Limits;
use std::path::{Path, PathBuf};

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
            return Err(
                CliError::new(Code::Source, format!("{s:?} is not a usable git source"))
                    .hint("use git+https://host/repo.git#v1.2.0 or git+file:///path/repo#tag"),
            );
        }
        return Ok(Source::Git { url, reference });
    }
    if let Some(p) = s.strip_prefix("file://") {
        return Ok(Source::Path(PathBuf::from(p)));
    }
    Ok(Source::Path(PathBuf::from(s)))
}

use crate::git_source::git;

/// A fetched source: a directory or a package file, kept alive by `_scratch`.
pub struct Fetched {
    pub root: PathBuf,
    _scratch: Option<ScratchDir>,
}

impl Fetched {
    /// A source that is already on disk (nothing to keep alive).
    pub fn local(root: PathBuf) -> Fetched {
        Fetched {
            root,
            _scratch: None,
        }
    }
}

pub fn fetch(src: &Source) -> Result<Fetched> {
    match src {
        Source::Path(p) => {
            if !p.exists() {
                return Err(
                    CliError::new(Code::Source, format!("{} does not exist", p.display()))
                        .within(Context::Local),
                );
            }
            Ok(Fetched {
                root: p.clone(),
                _scratch: None,
            })
        }
        Source::Git { url, reference } => {
            let scratch = ScratchDir::new("clone")?;
            let root = crate::git_source::fetch_tree(url, reference.as_deref(), &scratch.path)?;
            Ok(Fetched {
                root,
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
    Ok(expert_core::install::update::highest(tags, pre).map(str::to_string))
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
fn registry_adapter(a: AdapterView) -> serde_json::Value {
    serde_json::json!({
        "type": a.kind().unwrap_or(""),
        "path": a.path().unwrap_or(""),
        "size_bytes": a.size_bytes().unwrap_or(0),
        "sha256": a.sha256(),
    })
}

fn owned(strings: Vec<&str>) -> Vec<String> {
    strings.into_iter().map(str::to_string).collect()
}

/// What a package says about itself, read only up to the end of its
/// `manifest.json` (the first entry of our packages and upstream's
/// unsigned ones). Unverified: it serves to pick a variant and to order a
/// batch; `install` takes every decision from its own verified read, and
/// refuses a package that no longer says this (`E_FILE_CHANGED`).
pub fn read_candidate(path: &Path) -> Result<Candidate> {
    let bad = |m: String| {
        CliError::new(Code::ManifestMissing, format!("{}: {m}", path.display()))
            .within(Context::Received)
    };
    let f = std::fs::File::open(path).map_err(|e| CliError::io(path, e))?;
    let mut head = ManifestOnly::default();
    match read_all(
        &mut std::io::BufReader::new(f),
        Limits::default(),
        &mut head,
    ) {
        Ok(_) => {}
        Err(ReadAllError::Archive(e)) if e.code == MANIFEST_READ => {}
        Err(ReadAllError::Io(e)) => return Err(CliError::io(path, e)),
        Err(ReadAllError::Archive(e)) => {
            return Err(
                CliError::new(e.code, format!("{}: {e}", path.display())).within(Context::Received)
            )
        }
    }
    let bytes = head
        .small
        .manifest
        .ok_or_else(|| bad("no manifest.json".into()))?;
    let m = Manifest::parse(&bytes, &Limits::default()).map_err(|r| {
        let d = r.errors().next().cloned();
        let (code, msg) = d
            .map(|d| (d.code, format!("manifest.json: {}: {}", d.path, d.message)))
            .unwrap_or((Code::ManifestInvalid, "invalid manifest".into()));
        CliError::new(code, format!("{}: {msg}", path.display())).within(Context::Received)
    })?;
    Ok(candidate_of(&m, path))
}

/// Not an error: the reader is stopped once `manifest.json` is complete.
const MANIFEST_READ: Code = Code::Stopped;

/// Keeps `manifest.json` and stops the read at its end.
#[derive(Default)]
struct ManifestOnly {
    small: SmallFiles,
    in_manifest: bool,
}

impl EntrySink for ManifestOnly {
    fn start(&mut self, path: &str, size: u64) -> std::result::Result<(), ArchiveError> {
        self.in_manifest = path == "manifest.json";
        self.small.start(path, size)
    }
    fn data(&mut self, chunk: &[u8]) -> std::result::Result<(), ArchiveError> {
        self.small.data(chunk)
    }
    fn end(&mut self, sha256: &[u8; 32]) -> std::result::Result<(), ArchiveError> {
        self.small.end(sha256)?;
        if self.in_manifest {
            return Err(ArchiveError::new(MANIFEST_READ, "manifest.json read"));
        }
        Ok(())
    }
}

/// What a valid manifest says, as a candidate at `path`.
pub fn candidate_of(m: &Manifest, path: &Path) -> Candidate {
    let model = m.models().first().copied();
    Candidate {
        path: path.to_path_buf(),
        name: m.name().to_string(),
        version: m.version().to_string(),
        base_model: model.map(|v| v.name.to_string()).unwrap_or_default(),
        requires: owned(m.requires()),
        incompatible_with: owned(m.incompatible_with()),
        fingerprint: model.and_then(|v| v.fingerprint()).map(str::to_string),
        quantization: model.and_then(|v| v.quantization()).map(str::to_string),
        adapters: model
            .map(|v| v.adapter_views().map(registry_adapter).collect())
            .unwrap_or_default(),
        capabilities: owned(m.capabilities()),
    }
}

/// `.expert` files at the top of `root` and under `versions/`; a link
/// there refuses the source (source_read).
pub fn packages_in(root: &Path) -> Result<Vec<PathBuf>> {
    crate::source_read::packages_in(root)
}

/// Which of several model names to install: `--base-model`, else the one
/// with a base model found locally, else the only one.
pub fn choose_variant(
    names: &[&str],
    wanted: Option<&str>,
    local: &[crate::models::LocalModel],
) -> Result<usize> {
    if let Some(q) = wanted {
        return select_model(names, q).map_err(|e| CliError::new(e.code(), e.to_string()));
    }
    let with_local: Vec<usize> = (0..names.len())
        .filter(|&i| !crate::models::matching(local, names[i]).is_empty())
        .collect();
    match (with_local.as_slice(), names.len()) {
        ([one], _) => Ok(*one),
        (_, 1) => Ok(0),
        _ => Err(CliError::new(
            Code::Variant,
            format!("choose a base model; variants: {}", names.join(", ")),
        )
        .hint("pass --base-model NAME")),
    }
}

//! Building a package for one base model, and re-signing an existing one.
//! The CLI and the npm package both call these, so their bytes agree.

use super::{packaged_manifest, plan, Plan, PlanError, PlanOptions, PlannedFile};
use crate::archive::{read_head, Head};
use crate::archive::{
    ArchiveError, ArchiveReader, BlockPipeline, EntryRecord, EntrySink, PackageWriter, Sequential,
    DEFAULT_MTIME,
};
use crate::json::{to_pretty, Node, Style};
use crate::manifest::Manifest;
use crate::package::files::ExpertFiles;
use crate::sign::{integrity_node, manifest_digest, Claims, SecretKey, SignedFile};
use crate::Code;
use crate::Limits;
use std::io::{Read, Write};

/// Who signs, and the metadata shown to users.
pub struct Signer<'a> {
    /// The signing key.
    pub key: &'a SecretKey,
    /// Who the signature says published the package (a claim; see
    /// `default_publisher`).
    pub publisher: String,
    /// RFC 3339, from the caller's clock or `SOURCE_DATE_EPOCH`.
    pub created_at: String,
}

/// How to build one package.
pub struct BuildOptions<'a> {
    /// What goes in.
    pub plan: PlanOptions,
    /// Entry mtime (seconds since the epoch).
    pub mtime: u64,
    /// Who signs; None builds an unsigned package.
    pub signer: Option<Signer<'a>>,
    /// Base-model fingerprint to record in the packaged manifest.
    pub fingerprint: Option<String>,
}

/// Why a package could not be built; `code` is stable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildError {
    /// Why, for programs.
    pub code: Code,
    /// Why, for people: names the file.
    pub message: String,
}

impl std::fmt::Display for BuildError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl From<PlanError> for BuildError {
    fn from(e: PlanError) -> Self {
        BuildError {
            code: e.code,
            message: e.message,
        }
    }
}

impl From<ArchiveError> for BuildError {
    fn from(e: ArchiveError) -> Self {
        BuildError {
            code: e.code,
            message: e.message,
        }
    }
}

fn io(e: impl std::fmt::Display) -> BuildError {
    BuildError {
        code: Code::Io,
        message: e.to_string(),
    }
}

/// What was built.
#[derive(Debug, Clone)]
pub struct Built {
    /// The package's file name (`Manifest::package_file_name`).
    pub file_name: String,
    /// The base model it is for.
    pub model_name: String,
    /// Every entry but `manifest.json`, in archive order.
    pub files: Vec<SignedFile>,
}

/// The publisher a signature names when none is given: the manifest's
/// `author`, else "unknown" (also when the manifest could not be read, as
/// `sign` allows), so every signature names someone.
pub fn default_publisher(manifest: Option<&Node>) -> String {
    manifest
        .and_then(|root| root.get("author"))
        .and_then(Node::as_str)
        .unwrap_or("unknown")
        .to_string()
}

/// The two times a build writes, in seconds since the epoch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BuildTimes {
    /// Entry mtime: the epoch when given and non-zero, else `DEFAULT_MTIME`,
    /// so that unsigned builds are byte-for-byte reproducible.
    pub mtime: u64,
    /// The signature's `created_at`: the epoch when given, else `now`.
    pub signed_at: u64,
}

/// Times from `epoch` (`SOURCE_DATE_EPOCH` in the CLI, `createdAt` in npm)
/// and the caller's clock: one rule, so both adapters write the same bytes.
pub fn build_times(epoch: Option<u64>, now: u64) -> BuildTimes {
    BuildTimes {
        mtime: epoch.filter(|&t| t > 0).unwrap_or(DEFAULT_MTIME),
        signed_at: epoch.unwrap_or(now),
    }
}

/// Whether `build_package` hashes `f` before writing: every file when it
/// signs, else only the weights (their hash goes into the manifest).
fn hashed_first(opts: &BuildOptions<'_>, f: &PlannedFile, weight_archive_path: &str) -> bool {
    opts.signer.is_some() || f.archive_path == weight_archive_path
}

/// The bytes `build_package` reports to `progress` in all: each file read
/// once to write it, and the files it hashes first read once more.
pub fn progress_total(
    src: &dyn ExpertFiles,
    manifest: &Manifest,
    model_index: usize,
    opts: &BuildOptions<'_>,
) -> Result<u64, BuildError> {
    let plan = plan(src, manifest, model_index, &opts.plan)?;
    Ok(plan
        .files
        .iter()
        .map(|f| {
            let twice = hashed_first(opts, f, &plan.weight_archive_path);
            f.size * if twice { 2 } else { 1 }
        })
        .sum())
}

/// A reader that reports the bytes read through it.
struct Counted<'a, R> {
    inner: R,
    progress: &'a mut dyn FnMut(u64),
}

impl<R: Read> Read for Counted<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        (self.progress)(n as u64);
        Ok(n)
    }
}

/// Lists what `build_package` would put in, without reading contents.
pub fn dry_run(
    src: &dyn ExpertFiles,
    manifest: &Manifest,
    model_index: usize,
    opts: &PlanOptions,
) -> Result<Vec<PlannedFile>, BuildError> {
    Ok(plan(src, manifest, model_index, opts)?.files)
}

fn hash(
    src: &dyn ExpertFiles,
    f: &PlannedFile,
    progress: &mut dyn FnMut(u64),
) -> Result<[u8; 32], BuildError> {
    let mut r = src.open(&f.source).map_err(io)?;
    crate::util::sha256_reader(&mut r, progress).map_err(|e| io(format!("{}: {e}", f.source)))
}

/// Builds the package for base model `model_index` into `out`, reporting
/// bytes read to `progress` (see `progress_total`).
pub fn build_package(
    src: &dyn ExpertFiles,
    manifest: &Manifest,
    model_index: usize,
    opts: &BuildOptions<'_>,
    out: &mut dyn Write,
    progress: &mut dyn FnMut(u64),
) -> Result<Built, BuildError> {
    build_package_with(
        src,
        manifest,
        model_index,
        opts,
        out,
        progress,
        Box::new(Sequential),
    )
}

/// `build_package` with deflate blocks compressed by `pipeline`; the bytes
/// are identical for every pipeline.
pub fn build_package_with(
    src: &dyn ExpertFiles,
    manifest: &Manifest,
    model_index: usize,
    opts: &BuildOptions<'_>,
    out: &mut dyn Write,
    progress: &mut dyn FnMut(u64),
    pipeline: Box<dyn BlockPipeline>,
) -> Result<Built, BuildError> {
    let plan = plan(src, manifest, model_index, &opts.plan)?;
    refuse_lfs_pointers(src, &plan.files)?;
    let hashes = hash_first(src, opts, &plan, progress)?;
    let weight = plan
        .files
        .iter()
        .position(|f| f.archive_path == plan.weight_archive_path)
        .expect("weights are planned");
    let weight_sha = hashes[weight].expect("the weights are hashed first");
    let mut root = packaged_manifest(manifest, &plan, &weight_sha, opts.fingerprint.as_deref());
    let mut files: Vec<SignedFile> = plan
        .files
        .iter()
        .zip(&hashes)
        .map(|(f, h)| SignedFile {
            path: f.archive_path.clone(),
            size: f.size,
            sha256: h.unwrap_or_default(),
        })
        .collect();
    let signature = opts
        .signer
        .as_ref()
        .map(|s| sign_root(&mut root, s, &files));
    let manifest_text = to_pretty(&root, &manifest.style);

    let mut w = PackageWriter::with_pipeline(out, opts.mtime, pipeline).map_err(io)?;
    w.append_bytes("manifest.json", manifest_text.as_bytes())
        .map_err(io)?;
    write_entries(
        &mut w,
        src,
        &plan.files,
        &hashes,
        &mut files,
        signature.as_deref(),
        progress,
    )?;
    w.finish().map_err(io)?;
    Ok(Built {
        file_name: manifest.package_file_name(&plan.model_name),
        model_name: plan.model_name,
        files,
    })
}

/// The hashes of the files `hashed_first` picks, in plan order (None for
/// the others).
fn hash_first(
    src: &dyn ExpertFiles,
    opts: &BuildOptions<'_>,
    plan: &Plan,
    progress: &mut dyn FnMut(u64),
) -> Result<Vec<Option<[u8; 32]>>, BuildError> {
    plan.files
        .iter()
        .map(|f| {
            hashed_first(opts, f, &plan.weight_archive_path)
                .then(|| hash(src, f, progress))
                .transpose()
        })
        .collect()
}

/// Writes the planned files after `manifest.json`, with `signature.sig` in
/// its sorted place. A file whose bytes differ from its hash taken first
/// changed meanwhile; `files` gets the hash of what was written.
fn write_entries(
    w: &mut PackageWriter<&mut dyn Write>,
    src: &dyn ExpertFiles,
    planned: &[PlannedFile],
    hashes: &[Option<[u8; 32]>],
    files: &mut [SignedFile],
    signature: Option<&str>,
    progress: &mut dyn FnMut(u64),
) -> Result<(), BuildError> {
    let mut sig_pending = signature;
    for (i, f) in planned.iter().enumerate() {
        if let Some(sig) = sig_pending.filter(|_| f.archive_path.as_str() > "signature.sig") {
            w.append_bytes("signature.sig", sig.as_bytes())
                .map_err(io)?;
            sig_pending = None;
        }
        let mut r = Counted {
            inner: src.open(&f.source).map_err(io)?,
            progress: &mut *progress,
        };
        let got = w.append(&f.archive_path, f.size, &mut r).map_err(io)?;
        if hashes[i].is_some_and(|h| h != got) {
            return Err(BuildError {
                code: Code::FileChanged,
                message: format!(
                    "{} changed while it was being packaged; try again",
                    f.source
                ),
            });
        }
        files[i].sha256 = got;
    }
    if let Some(sig) = sig_pending {
        w.append_bytes("signature.sig", sig.as_bytes())
            .map_err(io)?;
    }
    Ok(())
}

/// A Git LFS pointer where a file should be is `E_LFS_POINTER`; only
/// files small enough to be one are read (their first bytes).
fn refuse_lfs_pointers(src: &dyn ExpertFiles, files: &[PlannedFile]) -> Result<(), BuildError> {
    for f in files
        .iter()
        .filter(|f| f.size < crate::package::lfs::MAX_POINTER_SIZE)
    {
        let mut head = Vec::with_capacity(crate::package::lfs::HEAD_LEN);
        src.open(&f.source)
            .map_err(io)?
            .take(crate::package::lfs::HEAD_LEN as u64)
            .read_to_end(&mut head)
            .map_err(|e| io(format!("{}: {e}", f.source)))?;
        if crate::package::lfs::is_pointer(f.size, &head) {
            return Err(BuildError {
                code: Code::LfsPointer,
                message: crate::package::lfs::pointer_message(&f.source),
            });
        }
    }
    Ok(())
}

/// Adds `integrity` to a packaged manifest root; returns the signature hex.
fn sign_root(root: &mut crate::json::Node, s: &Signer<'_>, files: &[SignedFile]) -> String {
    root.remove("integrity");
    let claims = Claims {
        key_id: s.key.public().key_id(),
        publisher: s.publisher.clone(),
        created_at: s.created_at.clone(),
        manifest_sha256: manifest_digest(root).expect("validated manifests canonicalize"),
        files: files.to_vec(),
    };
    let (node, sig) = integrity_node(s.key, &claims);
    root.set("integrity", node);
    sig
}

/// Re-signs a package: `first` and `second` are two reads of the same
/// bytes (hashes first, then copy), so memory stays constant. Entries keep
/// their order; `manifest.json` is written first and `signature.sig` at its
/// sorted place, so signing our own unsigned package equals packaging it
/// with a key.
pub fn resign(
    first: &mut dyn Read,
    second: &mut dyn Read,
    out: &mut dyn Write,
    signer: &Signer<'_>,
    mtime: u64,
    limits: &Limits,
) -> Result<(), BuildError> {
    resign_with(
        first,
        second,
        out,
        signer,
        mtime,
        limits,
        Box::new(Sequential),
    )
}

/// `resign` with deflate blocks compressed by `pipeline`.
pub fn resign_with(
    first: &mut dyn Read,
    second: &mut dyn Read,
    out: &mut dyn Write,
    signer: &Signer<'_>,
    mtime: u64,
    limits: &Limits,
    pipeline: Box<dyn BlockPipeline>,
) -> Result<(), BuildError> {
    let Head { records, small } = read_head(first, limits).map_err(read_err)?;
    let manifest_bytes = small.require_manifest()?;
    let manifest = Manifest::parse(manifest_bytes, limits).map_err(|r| {
        let first = r
            .errors()
            .next()
            .map(|d| format!("{}: {}", d.code, d.message))
            .unwrap_or_default();
        BuildError {
            code: Code::ManifestInvalid,
            message: format!("the package's manifest.json is invalid: {first}"),
        }
    })?;
    let kept: Vec<&EntryRecord> = records
        .iter()
        .filter(|r| r.path != "manifest.json" && r.path != "signature.sig")
        .collect();
    let files: Vec<SignedFile> = kept
        .iter()
        .map(|r| SignedFile {
            path: r.path.clone(),
            size: r.size,
            sha256: r.sha256,
        })
        .collect();
    let mut root = manifest.root.clone();
    let signature = sign_root(&mut root, signer, &files);
    let text = to_pretty(
        &root,
        &Style::detect(&String::from_utf8_lossy(manifest_bytes)),
    );

    let mut w = PackageWriter::with_pipeline(out, mtime, pipeline).map_err(io)?;
    w.append_bytes("manifest.json", text.as_bytes())
        .map_err(io)?;
    let mut copier = Copier {
        w: &mut w,
        expected: &kept,
        next: 0,
        signature: Some(signature),
        skip: false,
    };
    let mut reader = ArchiveReader::new(*limits);
    let mut buf = vec![0u8; 64 << 10];
    loop {
        let n = second.read(&mut buf).map_err(io)?;
        if n == 0 {
            break;
        }
        reader.update(&buf[..n], &mut copier)?;
    }
    reader.finish()?;
    if copier.next != kept.len() {
        return Err(changed());
    }
    if let Some(sig) = copier.signature.take() {
        w.append_bytes("signature.sig", sig.as_bytes())
            .map_err(io)?;
    }
    w.finish().map_err(io)?;
    Ok(())
}

fn read_err(e: crate::archive::ReadAllError) -> BuildError {
    match e {
        crate::archive::ReadAllError::Io(e) => io(e),
        crate::archive::ReadAllError::Archive(e) => e.into(),
    }
}

fn changed() -> BuildError {
    BuildError {
        code: Code::FileChanged,
        message: "the package changed while it was being signed; try again".into(),
    }
}

/// Copies entries from the old archive into the new one.
struct Copier<'a, W: Write> {
    w: &'a mut PackageWriter<W>,
    expected: &'a [&'a EntryRecord],
    next: usize,
    signature: Option<String>,
    skip: bool,
}

impl<W: Write> EntrySink for Copier<'_, W> {
    fn start(&mut self, path: &str, size: u64) -> Result<(), ArchiveError> {
        let e = |err: std::io::Error| ArchiveError::new(Code::Io, err.to_string());
        self.skip = path == "manifest.json" || path == "signature.sig";
        if self.skip {
            return Ok(());
        }
        if path > "signature.sig" {
            if let Some(sig) = self.signature.take() {
                self.w
                    .append_bytes("signature.sig", sig.as_bytes())
                    .map_err(e)?;
            }
        }
        self.w.begin(path, size).map_err(e)
    }

    fn data(&mut self, chunk: &[u8]) -> Result<(), ArchiveError> {
        if self.skip {
            return Ok(());
        }
        self.w
            .data(chunk)
            .map_err(|err| ArchiveError::new(Code::Io, err.to_string()))
    }

    fn end(&mut self, sha256: &[u8; 32]) -> Result<(), ArchiveError> {
        if self.skip {
            return Ok(());
        }
        let expected = self.expected.get(self.next).ok_or_else(|| {
            ArchiveError::new(
                Code::FileChanged,
                "the package changed while it was being signed",
            )
        })?;
        let size = expected.size;
        if &expected.sha256 != sha256 {
            return Err(ArchiveError::new(
                Code::FileChanged,
                "the package changed while it was being signed",
            ));
        }
        self.next += 1;
        self.w
            .end(size)
            .map(|_| ())
            .map_err(|err| ArchiveError::new(Code::Io, err.to_string()))
    }
}

//! Installing a package: verify first, apply the trust, pin, compatibility
//! and dependency policy, extract through the strict reader into staging,
//! then rename into place and record it, under the registry lock. A crash
//! at any point leaves either the old state or the new one; the next run
//! sweeps what a crash left behind.

use crate::error::{CliError, Code, Context, Result};
use crate::fault;
use crate::models::{fingerprint_dir, matching, LocalModel};
use crate::package_read::read_package;
pub use crate::reconcile::reconcile;
use crate::registry::{Registry, RegistryFile, VersionEntry};
use crate::source::{self, Candidate, Fetched};
use crate::staging::{self, ScratchDir};
use crate::trust_store::{TrustStore, TrustStoreFile};
use expert_core::archive::SmallFiles;
use expert_core::archive::{ArchiveError, EntryRecord, EntrySink};
use expert_core::install::update::version_to_install;
use expert_core::install::{
    admit_name, admit_signature, admit_version, decide, Allow, Facts, Incoming, NameRefusal,
    Refusal,
};
use expert_core::manifest::name::name_key;
use expert_core::manifest::Manifest;
use expert_core::registry::layout;
use expert_core::sign::{verify_package, PublicKey, Status, Verdict};
use expert_core::util::hex;
use expert_core::Limits;
use serde::Serialize;
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Default)]
pub struct Policy {
    pub allow_unsigned: bool,
    pub allow_untrusted: bool,
    pub allow_legacy: bool,
    pub allow_downgrade: bool,
    pub force: bool,
    pub repin: bool,
    /// Keys trusted for this command only (`--trusted-key`).
    pub extra_trusted: Vec<PublicKey>,
}

impl Policy {
    /// The flags the core's install policy reads.
    fn allow(&self) -> Allow {
        Allow {
            unsigned: self.allow_unsigned,
            legacy: self.allow_legacy,
            untrusted: self.allow_untrusted,
            downgrade: self.allow_downgrade,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Installed {
    pub name: String,
    pub version: String,
    pub base_model: String,
    pub path: String,
    pub source: String,
    pub key_id: Option<String>,
    pub status: String,
    /// The signer for people: the trust store's name, the publisher claim.
    #[serde(skip)]
    pub signer: Option<expert_core::display::SignerText>,
}

/// A source resolved to one package file.
pub struct Prepared {
    pub package: PathBuf,
    pub source: String,
    pub candidate: Candidate,
    _fetched: Fetched,
    _built: Option<ScratchDir>,
}

/// Fetches `source` and picks the package to install (SPEC §9 install).
/// Without a root manifest the highest version is taken, a pre-release
/// only when `pre` or when there is nothing else.
pub fn prepare(
    source_text: &str,
    base_model: Option<&str>,
    pre: bool,
    local: &[LocalModel],
    warnings: &mut Vec<String>,
) -> Result<Prepared> {
    if let Some(remote) = crate::remote::parse(source_text) {
        return prepare_download(&remote?, source_text, base_model, pre, local);
    }
    let src = source::parse(source_text)?;
    let fetched = source::fetch(&src)?;
    let root = fetched.root.clone();
    let recorded = recorded_source(&src, source_text);
    let source_text = recorded.as_str();
    if root.is_file() {
        crate::source_read::refuse_lfs_pointer(&root)?;
        let candidate = source::read_candidate(&root)?;
        return Ok(Prepared {
            package: root,
            source: recorded,
            candidate,
            _fetched: fetched,
            _built: None,
        });
    }
    let packages = source::packages_in(&root)?;
    let root_manifest = crate::source_read::root_manifest(&root)?;
    if !packages.is_empty() {
        let candidate = choose_package(
            &packages,
            root_manifest.as_deref(),
            source_text,
            base_model,
            pre,
            local,
        )?;
        return Ok(Prepared {
            package: candidate.path.clone(),
            source: recorded,
            candidate,
            _fetched: fetched,
            _built: None,
        });
    }
    let Some(bytes) = root_manifest else {
        return Err(CliError::new(
            Code::NoPackage,
            format!("{source_text} holds neither .expert packages nor a manifest.json"),
        ));
    };
    let (package, scratch) = build_locally(&root, &bytes, source_text, base_model, local)?;
    warnings.push(format!(
        "{source_text} has no .expert package; packaged it locally, so it is unsigned"
    ));
    Ok(Prepared {
        candidate: source::read_candidate(&package)?,
        package,
        source: recorded,
        _fetched: fetched,
        _built: Some(scratch),
    })
}

/// A downloaded source: into a scratch file under $EXPERT_HOME/.staging
/// (size capped, digest checked), then installed by the same one read.
fn prepare_download(
    remote: &crate::remote::Remote,
    source_text: &str,
    base_model: Option<&str>,
    pre: bool,
    local: &[LocalModel],
) -> Result<Prepared> {
    let d = crate::remote::fetch(remote, base_model, pre, local)?;
    let candidate = source::read_candidate(&d.package)?;
    crate::remote::check_expected(&d, &candidate)?;
    if let Some(w) = base_model {
        expert_core::manifest::select_model(&[candidate.base_model.as_str()], w)
            .map_err(|e| CliError::new(e.code(), format!("{source_text}: {e}")))?;
    }
    Ok(Prepared {
        package: d.package.clone(),
        source: d.recorded.clone(),
        candidate,
        _fetched: source::Fetched::local(d.package.clone()),
        _built: Some(d.scratch),
    })
}

/// The source as recorded for `update`: local paths absolute, so it works
/// from anywhere.
fn recorded_source(src: &source::Source, source_text: &str) -> String {
    match src {
        source::Source::Path(p) => std::fs::canonicalize(p)
            .map(|p| p.display().to_string())
            .unwrap_or_else(|_| source_text.to_string()),
        source::Source::Git { .. } => source_text.to_string(),
    }
}

/// The package of the root manifest's version (else the highest version)
/// for the chosen base model.
fn choose_package(
    packages: &[PathBuf],
    root_manifest: Option<&[u8]>,
    source_text: &str,
    base_model: Option<&str>,
    pre: bool,
    local: &[LocalModel],
) -> Result<Candidate> {
    let root = root_manifest.and_then(|b| Manifest::parse(b, &Limits::default()).ok());
    let all = packages
        .iter()
        .map(|p| source::read_candidate(p))
        .collect::<Result<Vec<_>>>()?;
    let versions = all.iter().map(|c| c.version.as_str());
    let version = version_to_install(root.as_ref().map(Manifest::version), versions, pre)
        .unwrap_or_default()
        .to_string();
    let same: Vec<&Candidate> = all.iter().filter(|c| c.version == version).collect();
    if same.is_empty() {
        return Err(CliError::new(Code::NoPackage, format!("{source_text}: the manifest says version {version}, but no package of that version is there (found: {})", all.iter().map(|c| format!("{} {}", c.name, c.version)).collect::<Vec<_>>().join(", "))));
    }
    let names: Vec<&str> = same.iter().map(|c| c.base_model.as_str()).collect();
    let i = source::choose_variant(&names, base_model, local)?;
    Ok(same[i].clone())
}

/// A source without packages, packaged into a scratch directory. It is
/// unsigned by construction.
fn build_locally(
    root: &Path,
    manifest_bytes: &[u8],
    source_text: &str,
    base_model: Option<&str>,
    local: &[LocalModel],
) -> Result<(PathBuf, ScratchDir)> {
    let manifest = Manifest::parse(manifest_bytes, &Limits::default()).map_err(|_| {
        CliError::new(
            Code::ManifestInvalid,
            format!(
                "{} is not valid; run `expert-cli validate {}`",
                root.join("manifest.json").display(),
                root.display()
            ),
        )
    })?;
    let names = manifest.model_names();
    let i = source::choose_variant(&names, base_model, local)?;
    let scratch = ScratchDir::new("build")?;
    let out = scratch.path.join("local.expert");
    let opts = expert_core::package::build::BuildOptions {
        plan: Default::default(),
        mtime: expert_core::archive::DEFAULT_MTIME,
        signer: None,
        fingerprint: None,
    };
    let mut f = File::create(&out).map_err(|e| CliError::io(&out, e))?;
    expert_core::package::build::build_package(
        &crate::expert_dir::ExpertDir::new(root),
        &manifest,
        i,
        &opts,
        &mut f,
        &mut |_| {},
    )
    .map_err(|e| {
        CliError::new(e.code, format!("packaging {source_text} locally: {e}"))
            .within(Context::Packaging)
    })?;
    f.sync_all().map_err(|e| CliError::io(&out, e))?;
    Ok((out, scratch))
}

fn refuse(code: Code, msg: String, hint: &str) -> CliError {
    CliError::new(code, msg).hint(hint.to_string())
}

/// A policy refusal of the core as a CLI error.
fn refused(r: Refusal) -> CliError {
    let e = CliError::new(r.code, r.message).within(Context::Decided(r.exit));
    match r.hint {
        Some(h) => e.hint(h),
        None => e,
    }
}

/// Installs one prepared package: one read verifies it into staging, core
/// decides, then it moves into place under the registry lock. A batch
/// calls this in dependency order, so earlier members satisfy later ones.
pub fn install(
    p: &Prepared,
    policy: &Policy,
    local: &[LocalModel],
    warnings: &mut Vec<String>,
) -> Result<Installed> {
    reconcile()?;
    let store = TrustStore::load()?;
    let mut trusted: Vec<PublicKey> = store.public_keys();
    trusted.extend(policy.extra_trusted.iter().copied());

    let claimed = &p.candidate;
    let mut staging = ScratchDir::new(&format!("install-{}", name_key(&claimed.name)))?;
    fault::point("staging-created");
    let dest = staging.path.join("expert");
    let staged = read_into_staging(&p.package, &dest, &trusted)?;
    let verdict = &staged.verdict;
    admit_signature(verdict, &policy.allow()).map_err(refused)?;
    let c = &verified_candidate(p, staged.manifest.as_deref())?;
    crate::source_read::refuse_lfs_entries(&dest, &staged.records)?;
    let signer = verdict
        .pubkey
        .as_deref()
        .and_then(|k| PublicKey::parse(k).ok());
    let reg = Registry::load()?;
    decide(&Facts {
        verdict,
        requires: &c.requires,
        incompatible_with: &c.incompatible_with,
        registry: &reg,
        trust_store: &store,
        trusted_keys: &policy.extra_trusted,
        allow: policy.allow(),
        repin: policy.repin,
    })
    .map_err(refused)?;
    check_base_model(c, policy, local, warnings)?;
    crate::quantization::check(c, policy.force, local, warnings)?;
    fault::point("before-commit");

    let entry = version_entry(p, c, &staged);
    // What a rebuild cannot read from the manifest, in the same rename.
    crate::expert_tree::write_record(&dest, &c.name, &entry)?;
    move_into_place(&dest, c, &entry, signer.as_ref(), policy)?;
    staging.disarm();
    let _ = std::fs::remove_dir_all(&staging.path);
    Ok(Installed {
        name: c.name.clone(),
        version: c.version.clone(),
        base_model: c.base_model.clone(),
        path: entry.path.display().to_string(),
        source: p.source.clone(),
        key_id: verdict.key_id.clone(),
        status: verdict.status.as_str().to_string(),
        signer: crate::cmd::verify::signer_of(verdict, &store),
    })
}

/// What the one read of a package found.
struct Staged {
    verdict: Verdict,
    records: Vec<EntryRecord>,
    manifest: Option<Vec<u8>>,
    sha256: [u8; 32],
}

/// One read of the package: verified, written into `dest` and hashed as
/// it streams past. Every decision after it takes its facts from this read
/// alone, so a file that changes under us cannot split them. A damaged or
/// tampered package is refused here.
fn read_into_staging(package: &Path, dest: &Path, trusted: &[PublicKey]) -> Result<Staged> {
    std::fs::create_dir(dest).map_err(|e| CliError::io(dest, e))?;
    let mut sink = Unpack {
        small: SmallFiles::default(),
        files: Extractor {
            root: dest,
            file: None,
            wrote_any: false,
        },
    };
    fault::point("before-read");
    let read = read_package(package, &mut sink, "installing")?;
    if let Err(e) = &read.records {
        if e.code == Code::Io {
            return Err(CliError::new(
                Code::Io,
                format!("writing {} into staging: {e}", package.display()),
            ));
        }
    }
    let manifest = sink.small.manifest.clone();
    let records = read.records.clone().unwrap_or_default();
    let verdict = verify_package(read.records, sink.small, trusted, &Limits::default());
    fault::point("after-verify");
    if verdict.status == Status::Invalid {
        return Err(crate::cmd::verify::refuse_invalid(
            &package.display().to_string(),
            &verdict,
            "installed",
        ));
    }
    Ok(Staged {
        verdict,
        records,
        manifest,
        sha256: read.sha256,
    })
}

/// The registry entry for `c`, at `experts/<folded name>/<version>`.
fn version_entry(p: &Prepared, c: &Candidate, staged: &Staged) -> VersionEntry {
    VersionEntry {
        version: c.version.clone(),
        base_model: c.base_model.clone(),
        path: layout::install_path(&crate::registry::home(), &c.name, &c.version),
        source: p.source.clone(),
        installed_at: crate::registry::now(),
        adapters: c.adapters.clone(),
        capabilities: c.capabilities.clone(),
        dependencies: expert_core::registry::dependencies(&c.requires),
        incompatible_with: c.incompatible_with.clone(),
        key_id: staged.verdict.key_id.clone(),
        status: Some(staged.verdict.status.as_str().to_string()),
        package_sha256: Some(hex::encode(&staged.sha256)),
        extra: Default::default(),
    }
}

/// Renames the staged expert to `entry.path` and records it, under the
/// registry lock; a version already there is moved to the trash first and
/// removed after.
fn move_into_place(
    dest: &Path,
    c: &Candidate,
    entry: &VersionEntry,
    signer: Option<&PublicKey>,
    policy: &Policy,
) -> Result<()> {
    let final_dir = &entry.path;
    let trashed = Registry::transaction(|reg| {
        // Another process may have installed something meanwhile: the
        // registry rules are checked again under the lock.
        check_registry_rules(reg, c, policy)?;
        pin_key(&c.name, signer, policy.repin)?;
        // Never move through a link planted at experts/<key> (safe_fs).
        let home = crate::registry::home();
        let key = layout::dir_name(&c.name);
        crate::safe_fs::check_parents(&home, &["experts", &key, &c.version])?;
        let parent = final_dir.parent().expect("has parent");
        std::fs::create_dir_all(parent).map_err(|e| CliError::io(parent, e))?;
        let superseded = layout::superseded_dir(reg, &home, &c.name, &c.version);
        let mut trash = Vec::new();
        if std::fs::symlink_metadata(final_dir).is_ok() {
            trash.push(to_trash(&home, final_dir, &key, &c.version)?);
        }
        std::fs::rename(dest, final_dir).map_err(|e| CliError::io(final_dir, e))?;
        fault::point("after-rename");
        reg.put(&c.name, entry.clone());
        // An install from before names were folded, at `experts/<spelling>/`:
        // the registry no longer points at it, so it goes too.
        if let Some(spelled) = superseded {
            let old = crate::safe_fs::check_parents(&home, &["experts", &spelled, &c.version])?;
            if std::fs::symlink_metadata(&old).is_ok() {
                trash.push(to_trash(&home, &old, &spelled, &c.version)?);
            }
            let _ = crate::safe_fs::remove_if_empty(&home, &["experts", &spelled]);
        }
        Ok(trash)
    })?;
    for t in trashed {
        let _ = crate::safe_fs::remove(&crate::registry::home(), &[".trash", &t]);
    }
    Ok(())
}

/// Moves `dir` (`experts/<dir_name>/<version>`) into the trash as
/// `<pid>-<dir_name>@<version>`, the name crash recovery reads back.
fn to_trash(home: &Path, dir: &Path, dir_name: &str, version: &str) -> Result<String> {
    let root = staging::trash_root();
    std::fs::create_dir_all(&root).map_err(|e| CliError::io(&root, e))?;
    let t = format!("{}-{dir_name}@{version}", std::process::id());
    let to = crate::safe_fs::check_parents(home, &[".trash", &t])?;
    std::fs::rename(dir, &to).map_err(|e| CliError::io(dir, e))?;
    Ok(t)
}

/// Pin-on-first-use: records the package's full key for its name, or
/// refuses a different key or spelling unless `repin`. Done before the
/// expert is moved into place, so a crash can leave a pin without an
/// install, never the reverse.
fn pin_key(name: &str, key: Option<&PublicKey>, repin: bool) -> Result<()> {
    let Some(k) = key else { return Ok(()) };
    TrustStore::update(|s| {
        admit_name(None, Some(s), name, Some(k), repin).map_err(name_refused)?;
        s.set_pin(name, k);
        Ok(())
    })
}

/// A refused name as a CLI error: another installed spelling is a
/// conflict with what is installed (4); a pin is a trust refusal (6).
fn name_refused(r: NameRefusal) -> CliError {
    refused(r.into())
}

/// Downgrade, `incompatible_with` and `requires` against installed experts.
fn check_registry_rules(reg: &Registry, c: &Candidate, policy: &Policy) -> Result<()> {
    admit_name(Some(reg), None, &c.name, None, policy.repin).map_err(name_refused)?;
    let incoming = Incoming {
        name: &c.name,
        version: &c.version,
        requires: &c.requires,
        incompatible_with: &c.incompatible_with,
    };
    admit_version(reg, &incoming, &policy.allow()).map_err(refused)
}

/// The base model found locally, and its fingerprint if the package has one.
fn check_base_model(
    c: &Candidate,
    policy: &Policy,
    local: &[LocalModel],
    warnings: &mut Vec<String>,
) -> Result<()> {
    let found = matching(local, &c.base_model);
    if found.is_empty() {
        warnings.push(format!(
            "no local base model matches {}; `expert-cli models` lists what was found",
            c.base_model
        ));
    } else if let Some(fp) = &c.fingerprint {
        let mut seen = Vec::new();
        for m in &found {
            let local_fp = fingerprint_dir(Path::new(&m.path))?;
            if &local_fp == fp {
                return Ok(());
            }
            seen.push(format!("{} has {local_fp}", m.path));
        }
        let msg = format!(
            "{} was built for a base model with fingerprint {fp}, but {}",
            c.name,
            seen.join("; ")
        );
        if !policy.force {
            return Err(refuse(
                Code::FingerprintMismatch,
                msg,
                "use the matching base model, or pass --force",
            ));
        }
        warnings.push(format!("{msg} (installed anyway: --force)"));
    }
    Ok(())
}

/// The install's one sink: the verifier keeps the manifest and signature,
/// the extractor writes every entry into staging.
struct Unpack<'a> {
    small: SmallFiles,
    files: Extractor<'a>,
}

impl EntrySink for Unpack<'_> {
    fn start(&mut self, path: &str, size: u64) -> std::result::Result<(), ArchiveError> {
        self.small.start(path, size)?;
        self.files.start(path, size)
    }
    fn data(&mut self, chunk: &[u8]) -> std::result::Result<(), ArchiveError> {
        self.small.data(chunk)?;
        self.files.data(chunk)
    }
    fn end(&mut self, sha256: &[u8; 32]) -> std::result::Result<(), ArchiveError> {
        self.small.end(sha256)?;
        self.files.end(sha256)
    }
}

/// The candidate as the verified manifest describes it. A package that no
/// longer says what it said when it was chosen (swapped between the two
/// reads) is refused: it was picked for another name, version or model.
fn verified_candidate(p: &Prepared, manifest: Option<&[u8]>) -> Result<Candidate> {
    let changed = || {
        CliError::new(
            Code::FileChanged,
            format!(
                "{} changed after it was chosen; nothing was installed",
                p.package.display()
            ),
        )
        .hint("run the install again; if this repeats, something is rewriting the package")
    };
    let m = manifest
        .and_then(|b| Manifest::parse(b, &Limits::default()).ok())
        .ok_or_else(changed)?;
    let c = source::candidate_of(&m, &p.package);
    let claimed = &p.candidate;
    if (&c.name, &c.version, &c.base_model)
        != (&claimed.name, &claimed.version, &claimed.base_model)
    {
        return Err(changed());
    }
    Ok(c)
}

struct Extractor<'a> {
    root: &'a Path,
    file: Option<File>,
    wrote_any: bool,
}

impl EntrySink for Extractor<'_> {
    fn start(&mut self, path: &str, _size: u64) -> std::result::Result<(), ArchiveError> {
        // The reader has already refused unsafe paths; join is safe.
        let p = self.root.join(path);
        let io = |e: std::io::Error| ArchiveError::new(Code::Io, format!("{}: {e}", p.display()));
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).map_err(io)?;
        }
        self.file = Some(
            File::options()
                .write(true)
                .create_new(true)
                .open(&p)
                .map_err(io)?,
        );
        Ok(())
    }

    fn data(&mut self, chunk: &[u8]) -> std::result::Result<(), ArchiveError> {
        if self.wrote_any {
            fault::point("mid-extract");
        }
        self.wrote_any = true;
        self.file
            .as_mut()
            .expect("open")
            .write_all(chunk)
            .map_err(|e| ArchiveError::new(Code::Io, e.to_string()))
    }

    fn end(&mut self, _: &[u8; 32]) -> std::result::Result<(), ArchiveError> {
        let f = self.file.take().expect("open");
        f.sync_all()
            .map_err(|e| ArchiveError::new(Code::Io, e.to_string()))
    }
}

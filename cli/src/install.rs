//! Installing a package: verify first, apply the trust, pin, compatibility
//! and dependency policy, extract through the strict reader into staging,
//! then rename into place and record it, under the registry lock. A crash
//! at any point leaves either the old state or the new one; the next run
//! sweeps what a crash left behind.

use crate::cmd::verify::verify_file;
use crate::error::{CliError, Exit, Result};
use crate::fault;
use crate::models::{fingerprint_dir, matching, LocalModel};
use crate::registry::{semver_cmp, Registry, RegistryFile, VersionEntry};
use crate::source::{self, Candidate, Fetched};
use crate::staging::{self, ScratchDir};
use crate::trust_store::{TrustStore, TrustStoreFile};
use expert_core::archive::{ArchiveError, ArchiveReader, EntrySink};
use expert_core::deps::parse_requirement;
use expert_core::name::{name_key, same_name};
use expert_core::registry::{admit_name, NameRefusal};
use expert_core::sign::{PublicKey, Status};
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
    let src = source::parse(source_text)?;
    let fetched = source::fetch(&src)?;
    let root = fetched.root.clone();
    // Recorded for `update`: local paths absolute, so it works from anywhere.
    let recorded = match &src {
        source::Source::Path(p) => std::fs::canonicalize(p)
            .map(|p| p.display().to_string())
            .unwrap_or_else(|_| source_text.to_string()),
        source::Source::Git { .. } => source_text.to_string(),
    };
    let source_text = recorded.as_str();
    if root.is_file() {
        let candidate = source::read_candidate(&root)?;
        return Ok(Prepared {
            package: root,
            source: source_text.to_string(),
            candidate,
            _fetched: fetched,
            _built: None,
        });
    }
    let packages = source::packages_in(&root)?;
    let manifest_path = root.join("manifest.json");
    let root_version = std::fs::read(&manifest_path)
        .ok()
        .and_then(|b| expert_core::manifest::Manifest::parse(&b, &Limits::default()).ok())
        .map(|m| m.version().to_string());
    if !packages.is_empty() {
        let all = packages
            .iter()
            .map(|p| source::read_candidate(p))
            .collect::<Result<Vec<_>>>()?;
        let version = match &root_version {
            Some(v) => v.clone(),
            None => {
                let versions = || all.iter().map(|c| c.version.as_str());
                expert_core::update::highest(versions(), pre)
                    .or_else(|| versions().max_by(|a, b| semver_cmp(a, b)))
                    .unwrap_or_default()
                    .to_string()
            }
        };
        let same: Vec<&Candidate> = all.iter().filter(|c| c.version == version).collect();
        if same.is_empty() {
            return Err(CliError::new(Exit::General, "E_NO_PACKAGE", format!("{source_text}: the manifest says version {version}, but no package of that version is there (found: {})", all.iter().map(|c| format!("{} {}", c.name, c.version)).collect::<Vec<_>>().join(", "))));
        }
        let names: Vec<&str> = same.iter().map(|c| c.base_model.as_str()).collect();
        let i = source::choose_variant(&names, base_model, local)?;
        let candidate = same[i].clone();
        return Ok(Prepared {
            package: candidate.path.clone(),
            source: source_text.to_string(),
            candidate,
            _fetched: fetched,
            _built: None,
        });
    }
    if !manifest_path.is_file() {
        return Err(CliError::new(
            Exit::General,
            "E_NO_PACKAGE",
            format!("{source_text} holds neither .expert packages nor a manifest.json"),
        ));
    }
    // No package: build one locally. It is unsigned by construction.
    let bytes = std::fs::read(&manifest_path).map_err(|e| CliError::io(&manifest_path, e))?;
    let manifest =
        expert_core::manifest::Manifest::parse(&bytes, &Limits::default()).map_err(|_| {
            CliError::new(
                Exit::Validation,
                "E_MANIFEST_INVALID",
                format!(
                    "{} is not valid; run `expert-cli validate {}`",
                    manifest_path.display(),
                    root.display()
                ),
            )
        })?;
    let names = manifest.model_names();
    let i = source::choose_variant(&names, base_model, local)?;
    let scratch = ScratchDir::new("build")?;
    let out = scratch.path.join("local.expert");
    let opts = expert_core::build::BuildOptions {
        plan: Default::default(),
        mtime: expert_core::archive::DEFAULT_MTIME,
        signer: None,
        fingerprint: None,
    };
    let mut f = File::create(&out).map_err(|e| CliError::io(&out, e))?;
    expert_core::build::build_package(
        &crate::fs_source::DirSource::new(&root),
        &manifest,
        i,
        &opts,
        &mut f,
        &mut |_| {},
    )
    .map_err(|e| {
        CliError::new(
            Exit::Packaging,
            e.code,
            format!("packaging {source_text} locally: {e}"),
        )
    })?;
    f.sync_all().map_err(|e| CliError::io(&out, e))?;
    warnings.push(format!(
        "{source_text} has no .expert package; packaged it locally, so it is unsigned"
    ));
    let candidate = source::read_candidate(&out)?;
    Ok(Prepared {
        package: out,
        source: source_text.to_string(),
        candidate,
        _fetched: fetched,
        _built: Some(scratch),
    })
}

fn refuse(exit: Exit, code: &'static str, msg: String, hint: &str) -> CliError {
    CliError::new(exit, code, msg).hint(hint.to_string())
}

/// Installs one prepared package. `batch` names experts being installed by
/// the same command (they satisfy each other's dependencies).
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
    let verdict = verify_file(&p.package, &trusted)?;
    fault::point("after-verify");
    let c = &p.candidate;
    let name = c.name.clone();
    match verdict.status {
        Status::Invalid => {
            let first = verdict.problems.first();
            let code = first.map(|pr| pr.code.clone()).unwrap_or_else(|| "E_INVALID".into());
            return Err(CliError::new(Exit::Integrity, code, format!("{}: {}", p.package.display(), first.map(|pr| pr.message.as_str()).unwrap_or("invalid package"))).hint("the package is damaged or tampered with; nothing was installed"));
        }
        Status::Unsigned if !policy.allow_unsigned => return Err(refuse(Exit::Untrusted, "E_UNSIGNED", format!("{name} {} is unsigned: nothing proves who made it", c.version), "ask the publisher for a signed package, or pass --allow-unsigned")),
        Status::Legacy if !policy.allow_legacy => return Err(refuse(Exit::Untrusted, "E_LEGACY", format!("{name} {} uses upstream's legacy signature, which does not cover its manifest", c.version), "ask the publisher to re-sign with `expert-cli sign`, or pass --allow-legacy")),
        Status::ValidUntrusted if !policy.allow_untrusted => {
            return Err(refuse(Exit::Untrusted, "E_UNTRUSTED", format!("{name} {} is signed by key {}, which you have not trusted", c.version, verdict.key_id.clone().unwrap_or_default()), "trust the publisher with `expert-cli trust add KEY.pub`, or pass --allow-untrusted to pin this key to this expert"))
        }
        _ => {}
    }
    let signer = verdict
        .pubkey
        .as_deref()
        .and_then(|k| PublicKey::parse(k).ok());
    let reg = Registry::load()?;
    admit_name(
        Some(&reg),
        Some(&store),
        &name,
        signer.as_ref(),
        policy.repin,
    )
    .map_err(name_refused)?;
    check_compatibility(&reg, c, policy, local, warnings)?;

    // Extract through the strict reader into staging.
    let mut staging = ScratchDir::new(&format!("install-{}", name_key(&name)))?;
    fault::point("staging-created");
    let dest = staging.path.join("expert");
    std::fs::create_dir(&dest).map_err(|e| CliError::io(&dest, e))?;
    let records = extract(&p.package, &dest)?;
    let expected: Vec<(String, u64, String)> = verdict
        .files
        .iter()
        .map(|f| (f.path.clone(), f.size, f.sha256.clone()))
        .collect();
    let got: Vec<(String, u64, String)> = records
        .iter()
        .map(|r| (r.path.clone(), r.size, hex::encode(&r.sha256)))
        .collect();
    if expected != got {
        return Err(CliError::new(
            Exit::Integrity,
            "E_FILE_CHANGED",
            format!(
                "{} changed while it was being installed; nothing was installed",
                p.package.display()
            ),
        ));
    }
    fault::point("before-commit");

    let package_sha = sha256_file(&p.package)?;
    let final_dir = crate::registry::home()
        .join("experts")
        .join(name_key(&name))
        .join(&c.version);
    let entry = VersionEntry {
        version: c.version.clone(),
        base_model: c.base_model.clone(),
        path: final_dir.clone(),
        source: p.source.clone(),
        installed_at: expert_core::util::rfc3339_utc(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs())
                .unwrap_or(0),
        ),
        adapters: c.adapters.clone(),
        capabilities: c.capabilities.clone(),
        dependencies: expert_core::registry::dependencies(&c.requires),
        incompatible_with: c.incompatible_with.clone(),
        key_id: verdict.key_id.clone(),
        status: Some(verdict.status.as_str().to_string()),
        package_sha256: Some(package_sha.clone()),
        extra: Default::default(),
    };
    // What a rebuild cannot read from the manifest, in the same rename.
    crate::expert_tree::write_record(&dest, &name, &entry)?;
    let installed = Registry::transaction(|reg| {
        // Another process may have installed something meanwhile: the
        // registry rules are checked again under the lock.
        check_registry_rules(reg, c, policy)?;
        pin_key(&name, signer.as_ref(), policy.repin)?;
        let parent = final_dir.parent().expect("has parent");
        std::fs::create_dir_all(parent).map_err(|e| CliError::io(parent, e))?;
        let trash = if final_dir.exists() {
            let t = staging::trash_root();
            std::fs::create_dir_all(&t).map_err(|e| CliError::io(&t, e))?;
            let t = t.join(format!(
                "{}-{}@{}",
                std::process::id(),
                name_key(&name),
                c.version
            ));
            std::fs::rename(&final_dir, &t).map_err(|e| CliError::io(&final_dir, e))?;
            Some(t)
        } else {
            None
        };
        std::fs::rename(&dest, &final_dir).map_err(|e| CliError::io(&final_dir, e))?;
        fault::point("after-rename");
        reg.put(&name, entry.clone());
        Ok(trash)
    })?;
    if let Some(t) = installed {
        let _ = std::fs::remove_dir_all(t);
    }
    staging.disarm();
    let _ = std::fs::remove_dir_all(&staging.path);
    Ok(Installed {
        name,
        version: c.version.clone(),
        base_model: c.base_model.clone(),
        path: final_dir.display().to_string(),
        source: p.source.clone(),
        key_id: verdict.key_id.clone(),
        status: verdict.status.as_str().to_string(),
        signer: crate::cmd::verify::signer_of(&verdict, &store),
    })
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
    let exit = match r {
        NameRefusal::SpellingInstalled { .. } => Exit::Compatibility,
        _ => Exit::Untrusted,
    };
    CliError::new(exit, r.code(), r.message()).hint(r.hint())
}

fn check_compatibility(
    reg: &Registry,
    c: &Candidate,
    policy: &Policy,
    local: &[LocalModel],
    warnings: &mut Vec<String>,
) -> Result<()> {
    check_registry_rules(reg, c, policy)?;
    check_base_model(c, policy, local, warnings)?;
    crate::quantization::check(c, policy.force, local, warnings)
}

/// Downgrade, `incompatible_with` and `requires` against installed experts.
fn check_registry_rules(reg: &Registry, c: &Candidate, policy: &Policy) -> Result<()> {
    admit_name(Some(reg), None, &c.name, None, policy.repin).map_err(name_refused)?;
    if let Some(rec) = reg.find(&c.name) {
        if let Some(newest) = rec.versions.first() {
            if semver_cmp(&newest.version, &c.version).is_gt() && !policy.allow_downgrade {
                return Err(refuse(
                    Exit::Compatibility,
                    "E_DOWNGRADE",
                    format!(
                        "{} {} is installed; {} is older",
                        c.name, newest.version, c.version
                    ),
                    "pass --allow-downgrade to install an older version",
                ));
            }
        }
    }
    let requirements = |list: &[String]| {
        list.iter()
            .filter_map(|s| parse_requirement(s).ok())
            .collect::<Vec<_>>()
    };
    let ours = requirements(&c.incompatible_with);
    for rec in reg.experts.iter().filter(|r| !same_name(&r.name, &c.name)) {
        let Some(v) = rec.versions.first() else {
            continue;
        };
        if ours.iter().any(|r| r.accepts(&rec.name, &v.version))
            || requirements(&v.incompatible_with)
                .iter()
                .any(|r| r.accepts(&c.name, &c.version))
        {
            return Err(refuse(
                Exit::Compatibility,
                "E_INCOMPATIBLE",
                format!(
                    "{} {} and the installed {} {} are incompatible",
                    c.name, c.version, rec.name, v.version
                ),
                "uninstall the other expert first",
            ));
        }
    }
    for req in &c.requires {
        let r = parse_requirement(req)
            .map_err(|e| CliError::new(Exit::Validation, "E_DEPENDENCY_SPEC", e))?;
        let ok = reg.find(&r.name).is_some_and(|rec| {
            rec.versions
                .iter()
                .any(|v| r.accepts(&rec.name, &v.version))
        });
        if !ok {
            return Err(refuse(
                Exit::MissingDependency,
                "E_MISSING_DEPENDENCY",
                format!("{} requires {req}, which is not installed", c.name),
                &format!(
                    "install {} first (or name both sources in one install command)",
                    r.name
                ),
            ));
        }
    }
    Ok(())
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
                Exit::Compatibility,
                "E_FINGERPRINT_MISMATCH",
                msg,
                "use the matching base model, or pass --force",
            ));
        }
        warnings.push(format!("{msg} (installed anyway: --force)"));
    }
    Ok(())
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
        let io = |e: std::io::Error| ArchiveError::new("E_IO", format!("{}: {e}", p.display()));
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
            .map_err(|e| ArchiveError::new("E_IO", e.to_string()))
    }

    fn end(&mut self, _: &[u8; 32]) -> std::result::Result<(), ArchiveError> {
        let f = self.file.take().expect("open");
        f.sync_all()
            .map_err(|e| ArchiveError::new("E_IO", e.to_string()))
    }
}

fn extract(pkg: &Path, dest: &Path) -> Result<Vec<expert_core::archive::EntryRecord>> {
    let mut f = File::open(pkg).map_err(|e| CliError::io(pkg, e))?;
    let mut reader = ArchiveReader::new(Limits::default());
    let mut sink = Extractor {
        root: dest,
        file: None,
        wrote_any: false,
    };
    let fail = |e: ArchiveError| {
        CliError::new(
            if e.code == "E_IO" {
                Exit::General
            } else {
                Exit::Integrity
            },
            "E_EXTRACT",
            format!("{}: {e}", pkg.display()),
        )
    };
    crate::atomic::read_chunks(
        &mut f,
        |chunk| reader.update(chunk, &mut sink).map_err(fail),
        pkg,
    )?;
    reader.finish().map_err(fail)
}

fn sha256_file(p: &Path) -> Result<String> {
    use sha2::Digest;
    let mut f = File::open(p).map_err(|e| CliError::io(p, e))?;
    let mut h = sha2::Sha256::new();
    crate::atomic::read_chunks(
        &mut f,
        |chunk| {
            h.update(chunk);
            Ok(())
        },
        p,
    )?;
    Ok(hex::encode(&h.finalize()))
}

/// Repairs what a crash may have left, under the registry lock: abandoned
/// staging entries, trash from an interrupted replace (restored if the
/// registry still points at it), and expert directories the registry does
/// not know (renamed in, but the registry write never happened).
pub fn reconcile() -> Result<()> {
    let _lock = crate::registry::lock()?;
    staging::sweep_staging();
    let reg = Registry::load()?;
    let listed = |name: &str, version: &str| {
        reg.find(name)
            .and_then(|r| r.versions.iter().find(|v| v.version == version))
    };
    let known = |name: &str, version: &str| listed(name, version).is_some();
    if let Ok(entries) = std::fs::read_dir(staging::trash_root()) {
        for e in entries.flatten() {
            let file = e.file_name().to_string_lossy().to_string();
            if staging::pid_of(&file).is_some_and(staging::pid_alive) {
                continue;
            }
            let rest = file.split_once('-').map(|(_, r)| r).unwrap_or("");
            // `<pid>-<name>@<version>`: versions hold no `@`; names from
            // before the name rule may.
            if let Some((name, version)) = rest.rsplit_once('@') {
                if let Some(target) = listed(name, version).map(|v| &v.path) {
                    if !target.exists() {
                        let _ = std::fs::rename(e.path(), target);
                        continue;
                    }
                }
            }
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
    let experts = crate::registry::home().join("experts");
    // Without a registry file a crash cannot be told from a lost registry:
    // keep the directories for `registry rebuild`.
    let listing = crate::registry::path().exists();
    if let Some(names) = std::fs::read_dir(&experts).ok().filter(|_| listing) {
        for n in names.flatten() {
            let name = n.file_name().to_string_lossy().to_string();
            if let Ok(versions) = std::fs::read_dir(n.path()) {
                for v in versions.flatten() {
                    if !known(&name, &v.file_name().to_string_lossy()) {
                        let _ = std::fs::remove_dir_all(v.path());
                    }
                }
            }
            let _ = std::fs::remove_dir(n.path());
        }
    }
    if let Ok(entries) = std::fs::read_dir(crate::registry::home()) {
        for e in entries.flatten() {
            let f = e.file_name().to_string_lossy().to_string();
            if let Some(pid) = f
                .rsplit_once(".tmp-")
                .and_then(|(_, p)| p.parse::<u32>().ok())
            {
                if !staging::pid_alive(pid) {
                    let _ = std::fs::remove_file(e.path());
                }
            }
        }
    }
    Ok(())
}

//! `package`: one deterministic .expert (plus a `.sha256` sidecar) per base
//! model, written atomically.

use super::{build_times, load_key, read, write_sidecar, HashingWriter};
use crate::args::PackageArgs;
use crate::atomic::AtomicFile;
use crate::error::{CliError, Code, Context, Exit, Result};
use crate::expert_dir::ExpertDir;
use crate::term::{human_size, Progress, Style};
use expert_core::display::escape;
use expert_core::manifest::{choose_model, Manifest, SelectError};
use expert_core::package::build::{
    build_package_with, default_publisher, dry_run, progress_total, BuildOptions, Signer,
};
use expert_core::package::PlanOptions;
use expert_core::sign::SecretKey;
use expert_core::util::{hex, rfc3339_utc};
use expert_core::Limits;
use serde::Serialize;
use std::path::{Path, PathBuf};

#[derive(Serialize)]
struct Output {
    packages: Vec<PackageOut>,
}

#[derive(Serialize)]
struct PackageOut {
    path: String,
    model: String,
    sha256: String,
    size: u64,
    /// Entries in the package, for the human report.
    #[serde(skip)]
    files: usize,
}

#[derive(Serialize)]
struct DryRun {
    packages: Vec<DryPackage>,
}

#[derive(Serialize)]
struct DryPackage {
    path: String,
    model: String,
    files: Vec<DryFile>,
}

#[derive(Serialize)]
struct DryFile {
    path: String,
    source: String,
    size: u64,
}

fn build_err(e: impl std::fmt::Display, code: Code) -> CliError {
    CliError::new(code, e.to_string()).within(Context::Packaging)
}

pub fn run(a: PackageArgs) -> Result<Exit> {
    let plan = Plan::new(&a)?;
    if a.dry_run {
        print_dry_run(&plan, a.json)?;
        return Ok(Exit::Ok);
    }
    let key = a.sign_key.as_deref().map(load_key).transpose()?;
    let build = build_options(&a, &plan, key.as_ref())?;
    if !plan.out_dir.as_os_str().is_empty() && plan.output.is_none() {
        std::fs::create_dir_all(&plan.out_dir).map_err(|e| CliError::io(&plan.out_dir, e))?;
    }
    let mut out = Output {
        packages: Vec::new(),
    };
    for &i in &plan.models {
        let written = write_package(&plan, i, &build)?;
        if !a.json {
            print_packaged(&written, key.as_ref());
        }
        out.packages.push(written);
    }
    if a.json {
        super::print_json(&out);
    }
    Ok(Exit::Ok)
}

/// `package`'s arguments resolved: the manifest read and valid, the base
/// models chosen and where each package goes, checked before anything is
/// built.
struct Plan {
    src: ExpertDir,
    manifest: Manifest,
    /// The chosen base models, as indices into the manifest's list.
    models: Vec<usize>,
    output: Option<PathBuf>,
    out_dir: PathBuf,
    opts: PlanOptions,
}

impl Plan {
    fn new(a: &PackageArgs) -> Result<Plan> {
        let (root, manifest_path) = match (&a.manifest, &a.dir) {
            (Some(m), _) => (
                m.parent()
                    .filter(|p| !p.as_os_str().is_empty())
                    .unwrap_or(Path::new("."))
                    .to_path_buf(),
                m.clone(),
            ),
            (None, Some(d)) => (d.clone(), d.join("manifest.json")),
            (None, None) => (PathBuf::from("."), PathBuf::from("manifest.json")),
        };
        let manifest = read_manifest(&manifest_path)?;
        let models = choose_models(a, &manifest, &manifest_path)?;
        if a.output.is_some() && models.len() > 1 {
            return Err(CliError::new(
                Code::Usage,
                "--output names one file, but several packages would be written",
            )
            .hint("use --out-dir with --all-models"));
        }
        Ok(Plan {
            src: ExpertDir::new(&root),
            manifest,
            models,
            output: a.output.clone(),
            out_dir: a.out_dir.clone().unwrap_or_else(|| PathBuf::from(".")),
            opts: PlanOptions {
                checkpoint: a.checkpoint.clone(),
                include_tests: a.include_tests,
            },
        })
    }

    /// The name of base model `i`.
    fn model(&self, i: usize) -> &str {
        self.manifest.model_names()[i]
    }

    /// Where the package for base model `i` is written.
    fn target(&self, i: usize) -> PathBuf {
        self.output.clone().unwrap_or_else(|| {
            self.out_dir
                .join(self.manifest.package_file_name(self.model(i)))
        })
    }
}

/// The manifest at `path`; an invalid one has its findings printed.
fn read_manifest(path: &Path) -> Result<Manifest> {
    let bytes = read(path)?;
    Manifest::parse(&bytes, &Limits::default()).map_err(|report| {
        super::validate::print_report(path, &String::from_utf8_lossy(&bytes), &report, true);
        CliError::new(
            Code::ManifestInvalid,
            format!("{} is not valid; fix the errors above", path.display()),
        )
    })
}

/// The base models to package: all with `--all-models`, else the one
/// `--model` names or the only one.
fn choose_models(a: &PackageArgs, manifest: &Manifest, manifest_path: &Path) -> Result<Vec<usize>> {
    let names = manifest.model_names();
    // --model wins over --all-models, as it always has.
    if a.all_models && a.model.is_none() {
        return Ok((0..names.len()).collect());
    }
    let i = choose_model(manifest, a.model.as_deref()).map_err(|e| match e {
        SelectError::Required { .. } => CliError::new(
            e.code(),
            format!(
                "{} has {} base models: {}",
                manifest_path.display(),
                names.len(),
                names.join(", ")
            ),
        )
        .hint("pass --model NAME or --all-models"),
        e => CliError::new(e.code(), e.to_string()),
    })?;
    Ok(vec![i])
}

/// `--dry-run`: what each package would contain, written nowhere.
fn print_dry_run(plan: &Plan, json: bool) -> Result<()> {
    let mut packages = Vec::new();
    for &i in &plan.models {
        let files =
            dry_run(&plan.src, &plan.manifest, i, &plan.opts).map_err(|e| build_err(&e, e.code))?;
        packages.push(DryPackage {
            path: plan.target(i).display().to_string(),
            model: plan.model(i).to_string(),
            files: files
                .into_iter()
                .map(|f| DryFile {
                    path: f.archive_path,
                    source: f.source,
                    size: f.size,
                })
                .collect(),
        });
    }
    if json {
        super::print_json(&DryRun { packages });
        return Ok(());
    }
    for p in packages {
        println!(
            "{} (for {}) would contain:",
            escape(&p.path),
            escape(&p.model)
        );
        println!("  {:>10}  manifest.json (packaged manifest)", "");
        for f in p.files {
            println!(
                "  {:>10}  {}{}",
                human_size(f.size),
                escape(&f.path),
                if f.path != f.source {
                    format!("  ← {}", escape(&f.source))
                } else {
                    String::new()
                }
            );
        }
    }
    Ok(())
}

/// The signer, entry times and fingerprint every package of this run gets.
fn build_options<'k>(
    a: &PackageArgs,
    plan: &Plan,
    key: Option<&'k SecretKey>,
) -> Result<BuildOptions<'k>> {
    let publisher = a
        .publisher
        .clone()
        .unwrap_or_else(|| default_publisher(Some(&plan.manifest.root)));
    let times = build_times()?;
    let created_at = rfc3339_utc(times.signed_at);
    let fingerprint = match &a.base_model_dir {
        Some(_) if plan.models.len() > 1 => {
            return Err(CliError::new(
                Code::Usage,
                "--base-model-dir describes one base model; use it with --model",
            )
            .hint("package each model separately with its own --base-model-dir"))
        }
        Some(dir) => Some(crate::models::fingerprint_dir(dir)?),
        None => None,
    };
    Ok(BuildOptions {
        plan: plan.opts.clone(),
        mtime: times.mtime,
        signer: key.map(|k| Signer {
            key: k,
            publisher,
            created_at,
        }),
        fingerprint,
    })
}

/// Builds the package for base model `i` into a temp file, hashing it as
/// it is written, then renames it into place beside its `.sha256`.
fn write_package(plan: &Plan, i: usize, build: &BuildOptions) -> Result<PackageOut> {
    let path = plan.target(i);
    let total =
        progress_total(&plan.src, &plan.manifest, i, build).map_err(|e| build_err(&e, e.code))?;
    let progress = Progress::new(&format!("packaging {}", plan.model(i)), total);
    let mut file = AtomicFile::create(&path)?;
    let mut w = HashingWriter::new(file.writer());
    let built = build_package_with(
        &plan.src,
        &plan.manifest,
        i,
        build,
        &mut w,
        &mut |n| progress.add(n),
        Box::new(crate::parallel::Threaded::new()),
    )
    .map_err(|e| build_err(&e, e.code))?;
    progress.finish();
    let sha = hex::encode(&sha2::Digest::finalize(w.hasher));
    let size = w.len;
    file.commit()?;
    write_sidecar(&path, &sha)?;
    Ok(PackageOut {
        path: path.display().to_string(),
        model: built.model_name,
        sha256: sha,
        size,
        // The packaged manifest, and the signature when signed.
        files: built.files.len() + 1 + usize::from(build.signer.is_some()),
    })
}

fn print_packaged(p: &PackageOut, key: Option<&SecretKey>) {
    let signed = key
        .map(|k| format!(", signed by key {}", k.public().key_id()))
        .unwrap_or_else(|| ", unsigned".into());
    eprintln!(
        "{} {} ({}, {} files{signed})",
        Style::stderr().green("packaged"),
        escape(&p.path),
        human_size(p.size),
        p.files
    );
    eprintln!("  for {}  sha256 {}", escape(&p.model), p.sha256);
}

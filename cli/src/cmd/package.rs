//! `package`: one deterministic .expert (plus a `.sha256` sidecar) per base
//! model, written atomically.

use super::{build_times, load_key, read, write_sidecar, HashingWriter};
use crate::args::PackageArgs;
use crate::atomic::AtomicFile;
use crate::error::{CliError, Code, Context, Exit, Result};
use crate::fs_source::DirSource;
use crate::term::{human_size, Progress, Style};
use expert_core::display::escape;
use expert_core::manifest::{choose_model, Manifest, SelectError};
use expert_core::package::build::{
    build_package_with, default_publisher, dry_run, progress_total, BuildOptions, Signer,
};
use expert_core::package::PlanOptions;
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
    let bytes = read(&manifest_path)?;
    let limits = Limits::default();
    let manifest = Manifest::parse(&bytes, &limits).map_err(|report| {
        super::validate::print_report(
            &manifest_path,
            &String::from_utf8_lossy(&bytes),
            &report,
            true,
        );
        CliError::new(
            Code::ManifestInvalid,
            format!(
                "{} is not valid; fix the errors above",
                manifest_path.display()
            ),
        )
    })?;
    let names = manifest.model_names();
    // --model wins over --all-models, as it always has.
    let indices: Vec<usize> = if a.all_models && a.model.is_none() {
        (0..names.len()).collect()
    } else {
        vec![
            choose_model(&manifest, a.model.as_deref()).map_err(|e| match e {
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
            })?,
        ]
    };
    if a.output.is_some() && indices.len() > 1 {
        return Err(CliError::new(
            Code::Usage,
            "--output names one file, but several packages would be written",
        )
        .hint("use --out-dir with --all-models"));
    }
    let out_dir = a.out_dir.clone().unwrap_or_else(|| PathBuf::from("."));
    let opts = PlanOptions {
        checkpoint: a.checkpoint.clone(),
        include_tests: a.include_tests,
    };
    let src = DirSource::new(&root);
    let target = |i: usize| {
        a.output
            .clone()
            .unwrap_or_else(|| out_dir.join(manifest.package_file_name(names[i])))
    };

    if a.dry_run {
        let mut packages = Vec::new();
        for &i in &indices {
            let files = dry_run(&src, &manifest, i, &opts).map_err(|e| build_err(&e, e.code))?;
            packages.push(DryPackage {
                path: target(i).display().to_string(),
                model: names[i].to_string(),
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
        if a.json {
            super::print_json(&DryRun { packages });
        } else {
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
        }
        return Ok(Exit::Ok);
    }

    let key = a.sign_key.as_deref().map(load_key).transpose()?;
    let publisher = a
        .publisher
        .clone()
        .unwrap_or_else(|| default_publisher(Some(&manifest.root)));
    let times = build_times()?;
    let created_at = rfc3339_utc(times.signed_at);
    let fingerprint = match &a.base_model_dir {
        Some(_) if indices.len() > 1 => {
            return Err(CliError::new(
                Code::Usage,
                "--base-model-dir describes one base model; use it with --model",
            )
            .hint("package each model separately with its own --base-model-dir"))
        }
        Some(dir) => Some(crate::models::fingerprint_dir(dir)?),
        None => None,
    };
    let build = BuildOptions {
        plan: opts.clone(),
        mtime: times.mtime,
        signer: key.as_ref().map(|k| Signer {
            key: k,
            publisher: publisher.clone(),
            created_at: created_at.clone(),
        }),
        fingerprint,
    };
    if !out_dir.as_os_str().is_empty() && a.output.is_none() {
        std::fs::create_dir_all(&out_dir).map_err(|e| CliError::io(&out_dir, e))?;
    }
    let style = Style::stderr();
    let mut out = Output {
        packages: Vec::new(),
    };
    for &i in &indices {
        let path = target(i);
        let total =
            progress_total(&src, &manifest, i, &build).map_err(|e| build_err(&e, e.code))?;
        let mut progress = Progress::new(&format!("packaging {}", names[i]), total);
        let mut file = AtomicFile::create(&path)?;
        let mut w = HashingWriter::new(file.writer());
        let built = build_package_with(
            &src,
            &manifest,
            i,
            &build,
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
        if !a.json {
            let signed = key
                .as_ref()
                .map(|k| format!(", signed by key {}", k.public().key_id()))
                .unwrap_or_else(|| ", unsigned".into());
            eprintln!(
                "{} {} ({}, {} files{signed})",
                style.green("packaged"),
                escape(&path.display().to_string()),
                human_size(size),
                built.files.len() + 1 + usize::from(key.is_some())
            );
            eprintln!("  for {}  sha256 {sha}", escape(&built.model_name));
        }
        out.packages.push(PackageOut {
            path: path.display().to_string(),
            model: built.model_name,
            sha256: sha,
            size,
        });
    }
    if a.json {
        super::print_json(&out);
    }
    Ok(Exit::Ok)
}

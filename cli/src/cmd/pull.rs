//! `pull SOURCE [--base-model M] [-o FILE | --out-dir DIR]`: the package
//! `install` would choose, written byte for byte with a `.sha256` sidecar.
//! The bytes are copied to a temp file beside the target, that copy is
//! verified (a damaged or tampered package is refused, exit 5), and only
//! then renamed into place.

use crate::args::PullArgs;
use crate::atomic::AtomicFile;
use crate::error::{CliError, Code, Exit, Result};
use crate::install::{prepare, Prepared};
use crate::term::Style;
use crate::trust_store::{TrustStore, TrustStoreFile};
use expert_core::display::escape;
use expert_core::sign::{Status, Verdict};
use expert_core::util::hex;
use serde::Serialize;
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Serialize)]
struct Out {
    path: String,
    sha256: String,
    size: u64,
    name: String,
    version: String,
    base_model: String,
    status: String,
    key_id: Option<String>,
    source: String,
    warnings: Vec<String>,
}

pub fn run(a: PullArgs) -> Result<Exit> {
    crate::http::set_allow_http(a.allow_http);
    let local = crate::models::detect();
    let mut warnings = Vec::new();
    let p = prepare(
        &a.source,
        a.base_model.as_deref(),
        true,
        &local,
        &mut warnings,
    )?;
    let c = &p.candidate;
    let target = match (&a.output, &a.out_dir) {
        (Some(f), _) => f.clone(),
        (None, dir) => {
            let model = c.base_model.as_str();
            let file = expert_core::manifest::package_file_name(
                &c.name,
                &c.version,
                Some(model).filter(|m| !m.is_empty()),
            );
            dir.clone().unwrap_or_else(|| PathBuf::from(".")).join(file)
        }
    };
    if let Some(d) = &a.out_dir {
        std::fs::create_dir_all(d).map_err(|e| CliError::io(d, e))?;
    }
    let written = write_verified(&p, &target)?;
    let verdict = &written.verdict;
    let sha = hex::encode(&written.sha256);
    super::write_sidecar(&target, &sha)?;
    warnings.extend(status_warning(verdict));
    let o = Out {
        path: target.display().to_string(),
        sha256: sha,
        size: written.size,
        name: c.name.clone(),
        version: c.version.clone(),
        base_model: c.base_model.clone(),
        status: verdict.status.as_str().to_string(),
        key_id: verdict.key_id.clone(),
        source: p.source.clone(),
        warnings,
    };
    if a.json {
        super::print_json(&o);
    } else {
        print_out(&o);
    }
    Ok(Exit::Ok)
}

/// The package as written to its target.
struct Written {
    verdict: Verdict,
    sha256: [u8; 32],
    size: u64,
}

/// Copies the chosen package to a temp file beside `target`, verifies
/// that copy (what is renamed into place is what was read), and renames
/// it into place.
fn write_verified(p: &Prepared, target: &Path) -> Result<Written> {
    let c = &p.candidate;
    let mut out = AtomicFile::create(target)?;
    let mut src = std::fs::File::open(&p.package).map_err(|e| CliError::io(&p.package, e))?;
    std::io::copy(&mut src, out.writer()).map_err(|e| CliError::io(target, e))?;
    out.writer().flush().map_err(|e| CliError::io(target, e))?;
    let temp = out.temp_path().to_path_buf();
    let store = TrustStore::load()?;
    let mut small = expert_core::archive::SmallFiles::default();
    let read = crate::package_read::read_package(&temp, &mut small, "verifying")?;
    let verdict = expert_core::sign::verify_package(
        read.records,
        small,
        &store.public_keys(),
        &expert_core::Limits::default(),
    );
    if verdict.status == Status::Invalid {
        return Err(crate::cmd::verify::refuse_invalid(
            &p.source, &verdict, "written",
        ));
    }
    if (
        verdict.name.as_deref(),
        verdict.version.as_deref(),
        verdict.base_model.as_deref(),
    ) != (
        Some(c.name.as_str()),
        Some(c.version.as_str()),
        Some(c.base_model.as_str()),
    ) {
        return Err(CliError::new(
            Code::FileChanged,
            format!(
                "{} changed after it was chosen; nothing was written",
                p.package.display()
            ),
        ));
    }
    let size = std::fs::metadata(&temp).map(|m| m.len()).unwrap_or(0);
    out.commit()?;
    Ok(Written {
        verdict,
        sha256: read.sha256,
        size,
    })
}

/// A warning for any status but verified.
fn status_warning(verdict: &Verdict) -> Option<String> {
    match verdict.status {
        Status::Verified => None,
        Status::ValidUntrusted => Some(format!(
            "signed by key {}, which you have not trusted",
            verdict.key_id.clone().unwrap_or_default()
        )),
        Status::Unsigned => Some("the package is unsigned".into()),
        _ => Some(format!(
            "the package's signature is {}",
            verdict.status.as_str()
        )),
    }
}

fn print_out(o: &Out) {
    crate::term::print_warnings(&o.warnings);
    let s = Style::stdout();
    println!(
        "{} {} {} for {} → {} ({}, sha256 {})",
        s.green("pulled"),
        escape(&o.name),
        escape(&o.version),
        escape(&o.base_model),
        escape(&o.path),
        o.status,
        o.sha256
    );
}

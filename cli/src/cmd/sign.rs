//! `sign PKG --key KEY`: re-signs in place, atomically, in two streaming
//! reads; refreshes the `.sha256` sidecar.

use super::{build_times, load_key, write_sidecar, HashingWriter};
use crate::args::SignArgs;
use crate::atomic::AtomicFile;
use crate::error::{CliError, Code, Context, Exit, Result};
use expert_core::display::escape;
use expert_core::package::build::{default_publisher, resign_with, Signer};
use expert_core::util::{hex, rfc3339_utc};
use expert_core::Limits;
use std::io::BufReader;

pub fn run(a: SignArgs) -> Result<Exit> {
    let pkg = a.package.or(a.expert).expect("clap requires one");
    let key = load_key(&a.key)?;
    // Signing vouches for the contents: never launder a damaged or tampered package.
    let verdict = crate::cmd::verify::verify_file(&pkg, &[])?;
    if verdict.status == expert_core::sign::Status::Invalid {
        let first = verdict.problems.first();
        return Err(CliError::new(
            first.map(|p| p.code).unwrap_or(Code::Internal),
            format!(
                "{}: {}",
                pkg.display(),
                first
                    .map(|p| p.message.as_str())
                    .unwrap_or("invalid package")
            ),
        )
        .within(Context::Received)
        .hint("only an intact package can be signed; repackage it from the expert directory"));
    }
    let open = || {
        std::fs::File::open(&pkg)
            .map(BufReader::new)
            .map_err(|e| CliError::io(&pkg, e))
    };
    let (mut first, mut second) = (open()?, open()?);
    let publisher = match a.publisher {
        Some(p) => p,
        None => default_publisher(manifest_root(&pkg).as_ref()),
    };
    let times = build_times()?;
    let signer = Signer {
        key: &key,
        publisher,
        created_at: rfc3339_utc(times.signed_at),
    };
    let mut out = AtomicFile::create(&pkg)?;
    let mut w = HashingWriter::new(out.writer());
    resign_with(
        &mut first,
        &mut second,
        &mut w,
        &signer,
        times.mtime,
        &Limits::default(),
        Box::new(crate::parallel::Threaded::new()),
    )
    .map_err(|e| {
        CliError::new(e.code, format!("{}: {e}", pkg.display()))
            .within(Context::Signing)
            .hint("only a well-formed package with a valid manifest can be signed")
    })?;
    let sha = hex::encode(&sha2::Digest::finalize(w.hasher));
    out.commit()?;
    write_sidecar(&pkg, &sha)?;
    if a.json {
        super::print_json(
            &serde_json::json!({ "path": pkg.display().to_string(), "key_id": key.public().key_id(), "publisher": signer.publisher, "sha256": sha }),
        );
    } else {
        println!(
            "signed {} with key {} as \"{}\"",
            escape(&pkg.display().to_string()),
            key.public().key_id(),
            escape(&signer.publisher)
        );
    }
    Ok(Exit::Ok)
}

/// The packaged manifest, for the default publisher.
fn manifest_root(pkg: &std::path::Path) -> Option<expert_core::json::Node> {
    let f = std::fs::File::open(pkg).ok()?;
    let limits = Limits::default();
    let head = expert_core::archive::read_head(&mut BufReader::new(f), &limits).ok()?;
    let manifest = head.small.require_manifest().ok()?;
    Some(
        expert_core::json::parse(manifest, limits.max_depth)
            .ok()?
            .root,
    )
}

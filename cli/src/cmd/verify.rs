//! `verify PKG`: one streaming pass, then one verdict line and details.

use crate::args::VerifyArgs;
use crate::error::{Exit, Result};
use crate::package_read::read_package;
use crate::term::{human_size, Style};
use crate::trust_store::{parse_key_arg, TrustStore, TrustStoreFile};
use expert_core::sign::{verify_package, PublicKey, SmallFiles, Status, Verdict};
use expert_core::Limits;
use std::path::Path;

/// Streams a package file once through the verifier (on two cores, see
/// `package_read`).
pub fn verify_file(path: &Path, trusted: &[PublicKey]) -> Result<Verdict> {
    let mut small = SmallFiles::default();
    let read = read_package(path, &mut small, "verifying")?;
    Ok(verify_package(
        read.records,
        small,
        trusted,
        &Limits::default(),
    ))
}

pub fn exit_for(status: Status) -> Exit {
    match status {
        Status::Verified => Exit::Ok,
        Status::Invalid => Exit::Integrity,
        _ => Exit::Untrusted,
    }
}

pub fn run(a: VerifyArgs) -> Result<Exit> {
    let mut trusted = TrustStore::load()?.public_keys();
    for k in &a.trusted_keys {
        trusted.push(parse_key_arg(k)?);
    }
    let verdict = verify_file(&a.package, &trusted)?;
    if a.json {
        super::print_json(&verdict);
    } else {
        print_verdict(&a.package, &verdict);
    }
    Ok(exit_for(verdict.status))
}

fn print_verdict(path: &Path, v: &Verdict) {
    let s = Style::stdout();
    let who = match (&v.publisher, &v.key_id) {
        (Some(p), Some(k)) => format!("signed by {p} (key {k})"),
        (None, Some(k)) => format!("signed by key {k}"),
        _ => String::new(),
    };
    let line = match v.status {
        Status::Verified => s.green(&format!("✓ VERIFIED: {who}, a trusted key")),
        Status::ValidUntrusted => s.yellow(&format!(
            "! VALID BUT UNTRUSTED: {who}, a key you have not trusted"
        )),
        Status::Invalid => s.red("✗ INVALID: do not install this package"),
        Status::Unsigned => s.yellow("! UNSIGNED: nothing proves who made this package"),
        Status::Legacy => s.yellow(&format!(
            "! LEGACY SIGNATURE: {who}; files are signed, the manifest is NOT"
        )),
    };
    println!("{line}");
    let what = [v.name.as_deref(), v.version.as_deref()]
        .iter()
        .flatten()
        .copied()
        .collect::<Vec<_>>()
        .join(" ");
    println!(
        "  package  {}{}",
        path.display(),
        if what.is_empty() {
            String::new()
        } else {
            format!(" ({what})")
        }
    );
    if let Some(m) = &v.base_model {
        println!("  model    {m}");
    }
    for f in &v.files {
        let mark = if f.ok { s.green("ok") } else { s.red("FAILED") };
        println!(
            "  {mark:>6}  {:>10}  {}  {}",
            human_size(f.size),
            &f.sha256[..16],
            f.path
        );
    }
    for p in &v.problems {
        println!("  {} {}", s.bold(&format!("[{}]", p.code)), p.message);
    }
    match v.status {
        Status::ValidUntrusted => println!(
            "  to trust this publisher: expert-cli trust add <their .pub file or ed25519:… key>"
        ),
        Status::Unsigned => println!("  ask the publisher for a signed package (expert-cli sign)"),
        _ => {}
    }
}

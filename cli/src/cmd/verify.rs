//! `verify PKG`: one streaming pass, then one verdict line and details.

use crate::args::VerifyArgs;
use crate::error::{CliError, Code, Context, Exit, ExitClass, Result};
use crate::package_read::read_package;
use crate::term::{human_size, Style};
use crate::trust_store::{parse_key_arg, TrustStore, TrustStoreFile};
use expert_core::archive::SmallFiles;
use expert_core::display::{escape, signer_text, SignerText};
use expert_core::sign::{verify_package, PublicKey, Status, Verdict};
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

/// The refusal of a package whose verdict is `invalid`: its first problem,
/// exit 5, and that nothing was `done` ("installed", "pushed", "written").
pub fn refuse_invalid(what: &str, v: &Verdict, done: &str) -> CliError {
    let first = v.problems.first();
    CliError::new(
        first.map_or(Code::Internal, |p| p.code),
        format!(
            "{what}: {}",
            first.map_or("invalid package", |p| p.message.as_str())
        ),
    )
    .within(Context::Received)
    .hint(format!(
        "the package is damaged or tampered with; nothing was {done}"
    ))
}

pub fn exit_for(status: Status) -> Exit {
    match status {
        Status::Verified => Exit::Ok,
        Status::Invalid => Exit::Failed(ExitClass::Integrity),
        _ => Exit::Failed(ExitClass::Untrusted),
    }
}

pub fn run(a: VerifyArgs) -> Result<Exit> {
    let store = TrustStore::load()?;
    let mut trusted = store.public_keys();
    for k in &a.trusted_keys {
        trusted.push(parse_key_arg(k)?);
    }
    let verdict = verify_file(&a.package, &trusted)?;
    if a.json {
        super::print_json(&verdict);
    } else {
        print_verdict(&a.package, &verdict, &store);
    }
    Ok(exit_for(verdict.status))
}

/// The signer as people should read it: the key and the name the trust
/// store gives it; the package's `publisher` only as a claim (core
/// `display::signer_text`).
pub fn signer_of(v: &Verdict, store: &TrustStore) -> Option<SignerText> {
    let key_id = v.key_id.as_deref()?;
    let trusted_as = v
        .pubkey
        .as_deref()
        .and_then(|k| PublicKey::parse(k).ok())
        .and_then(|k| store.trusted_name(&k));
    Some(signer_text(key_id, trusted_as, v.publisher.as_deref()))
}

fn print_verdict(path: &Path, v: &Verdict, store: &TrustStore) {
    let s = Style::stdout();
    let signer = signer_of(v, store);
    let who = signer
        .as_ref()
        .map(|t| format!("signed by {}", t.key))
        .unwrap_or_default();
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
    if let Some(claim) = signer.as_ref().and_then(|t| t.claim.as_deref()) {
        println!("  claims   {claim} (not checked: anyone can write it)");
    }
    let what = [v.name.as_deref(), v.version.as_deref()]
        .iter()
        .flatten()
        .map(|x| escape(x).into_owned())
        .collect::<Vec<_>>()
        .join(" ");
    println!(
        "  package  {}{}",
        escape(&path.display().to_string()),
        if what.is_empty() {
            String::new()
        } else {
            format!(" ({what})")
        }
    );
    if let Some(m) = &v.base_model {
        println!("  model    {}", escape(m));
    }
    for f in &v.files {
        let mark = if f.ok { s.green("ok") } else { s.red("FAILED") };
        println!(
            "  {mark:>6}  {:>10}  {}  {}",
            human_size(f.size),
            &f.sha256[..16],
            escape(&f.path)
        );
    }
    for p in &v.problems {
        println!(
            "  {} {}",
            s.bold(&format!("[{}]", p.code)),
            escape(&p.message)
        );
    }
    match v.status {
        Status::ValidUntrusted => println!(
            "  to trust this publisher: expert-cli trust add <their .pub file or ed25519:… key>"
        ),
        Status::Unsigned => println!("  ask the publisher for a signed package (expert-cli sign)"),
        _ => {}
    }
}

//! `verify PKG`: one streaming pass, then one verdict line and details.

use crate::args::VerifyArgs;
use crate::error::{CliError, Exit, Result};
use crate::term::{human_size, Progress, Style};
use crate::trust_store::{parse_key_arg, TrustStore, TrustStoreFile};
use expert_core::archive::{ArchiveError, GzipDecoder, TarReader};
use expert_core::display::{escape, signer_text, SignerText};
use expert_core::sign::{verify_package, PublicKey, SmallFiles, Status, Verdict};
use expert_core::Limits;
use std::path::Path;

/// Streams a package file through the verifier on two cores: one thread
/// reads and inflates, this one walks the tar stream and hashes. Errors keep
/// their stream order, so the verdict equals the core's one-thread reader.
pub fn verify_file(path: &Path, trusted: &[PublicKey]) -> Result<Verdict> {
    let mut f = std::fs::File::open(path).map_err(|e| CliError::io(path, e))?;
    let total = f.metadata().map(|m| m.len()).unwrap_or(0);
    let limits = Limits::default();
    let (tx, rx) = std::sync::mpsc::sync_channel::<std::result::Result<Vec<u8>, ArchiveError>>(16);
    let shown = path.to_path_buf();
    let inflater = std::thread::spawn(move || -> Result<()> {
        let mut progress = Progress::new("verifying", total);
        let mut gz = GzipDecoder::new(limits);
        let mut send = |data: &[u8]| {
            tx.send(Ok(data.to_vec()))
                .map_err(|_| ArchiveError::new("E_STOPPED", "the reader stopped"))
        };
        let mut failed = None;
        crate::atomic::read_chunks(
            &mut f,
            |chunk| {
                progress.add(chunk.len() as u64);
                if failed.is_none() {
                    failed = gz.push(chunk, &mut send).err();
                }
                Ok(())
            },
            &shown,
        )?;
        progress.finish();
        if let Some(e) = failed.or_else(|| gz.finish().err()) {
            let _ = tx.send(Err(e));
        }
        Ok(())
    });
    let mut tar = TarReader::new(limits);
    let mut small = SmallFiles::default();
    let mut failed = None;
    for msg in &rx {
        match msg {
            Ok(data) => {
                if let Err(e) = tar.push(&data, &mut small) {
                    failed = Some(e);
                    break;
                }
            }
            Err(e) => {
                failed = Some(e);
                break;
            }
        }
    }
    drop(rx);
    inflater
        .join()
        .map_err(|_| CliError::new(Exit::General, "E_INTERNAL", "the reader thread failed"))??;
    let records = match failed {
        Some(e) => Err(e),
        None => tar.finish(),
    };
    Ok(verify_package(records, small, trusted, &limits))
}

pub fn exit_for(status: Status) -> Exit {
    match status {
        Status::Verified => Exit::Ok,
        Status::Invalid => Exit::Integrity,
        _ => Exit::Untrusted,
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

//! Our scheme, `expert-sig-v1` (docs/FORMAT.md §5): the `integrity` section
//! states the signer and every file's size and hash; the package must match
//! those claims exactly, and the Ed25519 signature must cover them
//! (`signed_message`). Each way to fail has its own problem code. Upstream's
//! older scheme is in `legacy.rs`.

use super::verify::{Status, Verdict};
use super::{manifest_digest, signed_message, Claims, PublicKey, SignedFile, SCHEME};
use crate::archive::EntryRecord;
use crate::json::{Member, Node};
use crate::util::{hex, is_lower_hex, parse_rfc3339_utc};
use crate::Code;
use std::collections::{HashMap, HashSet};

/// A problem code and its message.
type Finding = (Code, String);

/// A well-formed expert-sig-v1 `integrity` section, not yet checked
/// against the package.
struct SignedIntegrity<'a> {
    pubkey: PublicKey,
    claims: Claims,
    signature: [u8; 64],
    /// The signature as written: `signature.sig` must hold exactly this.
    signature_hex: &'a str,
}

/// The verdict on a package whose `integrity` (`i`) names a scheme: the
/// claims must be well formed, `signature.sig` and the manifest unchanged,
/// the files exactly the signed ones, and the signature valid; then the key
/// decides between `verified` and `valid-untrusted`.
pub(super) fn verify(
    mut v: Verdict,
    root: &Node,
    i: &Node,
    sig_file: &[u8],
    records: &[EntryRecord],
    trusted: &[PublicKey],
) -> Verdict {
    let signed = match read_integrity(i) {
        Ok(s) => s,
        Err((code, msg)) => return v.invalid(code, msg),
    };
    let (pubkey, claims) = (&signed.pubkey, &signed.claims);
    v.key_id = Some(claims.key_id.clone());
    v.pubkey = Some(pubkey.to_string());
    v.publisher = Some(claims.publisher.clone());

    if sig_file != signed.signature_hex.as_bytes() {
        v.mark("signature.sig", false);
        return v.invalid(
            Code::SignatureFileMismatch,
            "signature.sig does not equal integrity.signature (swapped or edited)",
        );
    }
    if manifest_digest(root) != Some(claims.manifest_sha256) {
        v.mark("manifest.json", false);
        return v.invalid(Code::ManifestDigestMismatch, "manifest.json was changed after signing (its canonical SHA-256 differs from integrity.manifest_sha256)");
    }
    let problems = file_problems(&claims.files, records);
    if !problems.is_empty() {
        v.mark_bad(problems.iter().map(|p| p.path.as_str()));
        for p in problems {
            v.problem(p.code, p.message);
        }
        v.status = Status::Invalid;
        return v;
    }
    if !pubkey.verify(&signed_message(claims), &signed.signature) {
        v.mark("signature.sig", false);
        return v.invalid(Code::SignatureInvalid, "the Ed25519 signature does not match the signed claims (integrity was edited or the signature forged)");
    }
    v.status = if trusted.contains(pubkey) {
        Status::Verified
    } else {
        Status::ValidUntrusted
    };
    v
}

/// Reads the section field by field, refusing at the first field that is
/// missing or not spelled exactly as the signer writes it.
fn read_integrity(i: &Node) -> Result<SignedIntegrity<'_>, Finding> {
    check_scheme(i)?;
    let pubkey = signer_key(i)?;
    let key_id = field(i, "key_id")?;
    if key_id != pubkey.key_id() {
        return Err((
            Code::KeyIdMismatch,
            format!(
                "integrity.key_id {key_id} does not belong to integrity.pubkey (its ID is {})",
                pubkey.key_id()
            ),
        ));
    }
    let signature_hex = field(i, "signature")?;
    let signature = lower_hex::<64>(signature_hex).ok_or((
        Code::IntegrityField,
        "integrity.signature must be 128 lower-case hex digits".to_string(),
    ))?;
    let manifest_sha256 = lower_hex::<32>(field(i, "manifest_sha256")?).ok_or((
        Code::IntegrityField,
        "integrity.manifest_sha256 must be 64 lower-case hex digits".to_string(),
    ))?;
    let files = signed_files(i)?;
    let claims = Claims {
        key_id: key_id.to_string(),
        publisher: field(i, "publisher")?.to_string(),
        created_at: created_at(field(i, "created_at")?)?.to_string(),
        manifest_sha256,
        files,
    };
    Ok(SignedIntegrity {
        pubkey,
        claims,
        signature,
        signature_hex,
    })
}

/// `scheme` is expert-sig-v1 and `signature_algorithm` is ed25519.
fn check_scheme(i: &Node) -> Result<(), Finding> {
    let scheme = field(i, "scheme")?;
    if scheme != SCHEME {
        return Err((
            Code::IntegrityScheme,
            format!("unknown signature scheme {scheme:?}; this verifier knows {SCHEME}"),
        ));
    }
    if field(i, "signature_algorithm")? != "ed25519" {
        return Err((
            Code::IntegrityAlgorithm,
            "integrity.signature_algorithm must be \"ed25519\"".to_string(),
        ));
    }
    Ok(())
}

/// `pubkey` in its one spelling: `ed25519:` and 64 lower-case hex digits.
fn signer_key(i: &Node) -> Result<PublicKey, Finding> {
    let pubkey_text = field(i, "pubkey")?;
    if !pubkey_text
        .strip_prefix("ed25519:")
        .is_some_and(|h| h.len() == 64 && is_lower_hex(h))
    {
        return Err((
            Code::IntegrityPubkey,
            "integrity.pubkey must be ed25519: and 64 lower-case hex digits".to_string(),
        ));
    }
    PublicKey::parse(pubkey_text)
        .map_err(|e| (Code::IntegrityPubkey, format!("integrity.pubkey: {e}")))
}

/// `files`: an object of path → size and hash. `manifest.json` and
/// `signature.sig` may not be listed: the signature covers them otherwise.
fn signed_files(i: &Node) -> Result<Vec<SignedFile>, Finding> {
    let members = i.get("files").and_then(Node::members).ok_or((
        Code::IntegrityField,
        "integrity.files must be an object".to_string(),
    ))?;
    members.iter().map(signed_file).collect()
}

fn signed_file(m: &Member) -> Result<SignedFile, Finding> {
    if matches!(m.key.value.as_str(), "manifest.json" | "signature.sig") {
        return Err((
            Code::IntegrityField,
            format!(
                "integrity.files lists {}, which the signature covers otherwise",
                m.key.value
            ),
        ));
    }
    let size = m.value.get("size").and_then(Node::as_u64);
    let sha = m
        .value
        .get("sha256")
        .and_then(Node::as_str)
        .and_then(lower_hex::<32>);
    let (Some(size), Some(sha256)) = (size, sha) else {
        return Err((
            Code::IntegrityField,
            format!(
                "integrity.files[{:?}] needs an integer size and a sha256 of 64 lower-case hex digits",
                m.key.value
            ),
        ));
    };
    Ok(SignedFile {
        path: m.key.value.clone(),
        size,
        sha256,
    })
}

fn field<'a>(i: &'a Node, key: &str) -> Result<&'a str, Finding> {
    i.get(key).and_then(Node::as_str).ok_or((
        Code::IntegrityField,
        format!("integrity.{key} is missing or not a string"),
    ))
}

/// Hex as `integrity` must spell it: lower case, exactly `N` bytes.
fn lower_hex<const N: usize>(s: &str) -> Option<[u8; N]> {
    is_lower_hex(s).then(|| hex::decode::<N>(s)).flatten()
}

/// `created_at` exactly as the signer writes it (FORMAT.md §6).
fn created_at(s: &str) -> Result<&str, Finding> {
    parse_rfc3339_utc(s).map(|_| s).ok_or((
        Code::IntegrityField,
        format!("integrity.created_at {s:?} is not of the form 2026-11-25T00:00:00Z"),
    ))
}

/// A package entry (or a signed file) that breaks the claims.
struct FileProblem {
    code: Code,
    path: String,
    message: String,
}

/// Every difference between the package's entries and the signed files:
/// changed size or hash, renamed, unlisted, then missing.
///
/// Every lookup goes through a map or a set built once, so the comparison
/// is linear in the entries and claims (a nested scan here made 10,000
/// entries cost minutes before any signature check).
fn file_problems(signed: &[SignedFile], records: &[EntryRecord]) -> Vec<FileProblem> {
    let actual: Vec<&EntryRecord> = records
        .iter()
        .filter(|r| r.path != "manifest.json" && r.path != "signature.sig")
        .collect();
    let present: HashSet<&str> = actual.iter().map(|r| r.path.as_str()).collect();
    let mut claimed: HashMap<&str, &SignedFile> = HashMap::new();
    // A renamed file is an unlisted entry whose hash matches the first claim
    // (in claim order) whose path is absent from the package.
    let mut absent_by_hash: HashMap<[u8; 32], &SignedFile> = HashMap::new();
    for f in signed {
        claimed.entry(f.path.as_str()).or_insert(f);
        if !present.contains(f.path.as_str()) {
            absent_by_hash.entry(f.sha256).or_insert(f);
        }
    }
    let mut problems = Vec::new();
    let mut renamed_from: HashSet<&str> = HashSet::new();
    for r in &actual {
        let problem = match claimed.get(r.path.as_str()) {
            Some(f) => changed(r, f),
            None => match absent_by_hash.get(&r.sha256) {
                Some(f) => {
                    renamed_from.insert(&f.path);
                    Some((
                        Code::FileRenamed,
                        format!("{} is the signed file {} under another name", r.path, f.path),
                    ))
                }
                None => Some((
                    Code::FileUnlisted,
                    format!(
                        "{} is in the package but not covered by the signature (added after signing?)",
                        r.path
                    ),
                )),
            },
        };
        if let Some((code, message)) = problem {
            problems.push(FileProblem {
                code,
                path: r.path.clone(),
                message,
            });
        }
    }
    for f in signed {
        if !present.contains(f.path.as_str()) && !renamed_from.contains(f.path.as_str()) {
            problems.push(FileProblem {
                code: Code::FileMissing,
                path: f.path.clone(),
                message: format!(
                    "{} is covered by the signature but missing from the package (removed?)",
                    f.path
                ),
            });
        }
    }
    problems
}

/// How an entry differs from the file signed under its path, if it does.
fn changed(r: &EntryRecord, f: &SignedFile) -> Option<Finding> {
    if f.size != r.size {
        return Some((
            Code::FileSizeMismatch,
            format!(
                "{}: {} bytes, but the signature says {}",
                r.path, r.size, f.size
            ),
        ));
    }
    if f.sha256 != r.sha256 {
        return Some((
            Code::FileHashMismatch,
            format!(
                "{}: SHA-256 {}, but the signature says {}",
                r.path,
                hex::encode(&r.sha256),
                hex::encode(&f.sha256)
            ),
        ));
    }
    None
}

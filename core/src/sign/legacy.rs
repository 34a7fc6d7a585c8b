//! Upstream's scheme (hivellm/expert `sign.rs`): Ed25519 over the sorted
//! `path:hex` lines of `integrity.files`, joined by `\n` with no trailing
//! newline; `signature.sig` holds the bare hex signature. The manifest is
//! not covered (its own recorded hash is stale by construction), so a valid
//! legacy signature is reported as `legacy`, never as `verified`.

use super::verify::{Status, Verdict};
use super::PublicKey;
use crate::archive::EntryRecord;
use crate::json::{Member, Node};
use crate::util::hex;
use crate::Code;
use std::collections::{HashMap, HashSet};

/// A problem code and its message.
type Finding = (Code, &'static str);

/// The verdict on a package whose `integrity` (`i`) names no scheme: at
/// best `legacy`, with a warning that the manifest is not covered.
pub(super) fn verify(
    mut v: Verdict,
    i: &Node,
    sig_file: &[u8],
    records: &[EntryRecord],
) -> Verdict {
    let Some(pubkey) = i
        .get("pubkey")
        .and_then(Node::as_str)
        .and_then(|p| PublicKey::parse(p).ok())
    else {
        return v.invalid(
            Code::IntegrityPubkey,
            "legacy integrity.pubkey is missing or not ed25519:<hex>",
        );
    };
    v.key_id = Some(pubkey.key_id());
    v.pubkey = Some(pubkey.to_string());
    v.publisher = i
        .get("publisher")
        .and_then(Node::as_str)
        .map(str::to_string);
    let members = match signed_files(i, &pubkey, sig_file) {
        Ok(m) => m,
        Err((code, msg)) => return v.invalid(code, msg),
    };
    changed_or_unlisted(&mut v, members, records);
    missing(&mut v, members, records);
    if !v.problems.is_empty() {
        v.status = Status::Invalid;
        return v;
    }
    v.problem(Code::WarnLegacyScheme, "signed with upstream's legacy scheme: the file hashes are signed, but manifest.json is NOT covered, so its contents (name, version, settings) are unauthenticated. Ask the publisher to re-sign with expert-cli sign");
    v.status = Status::Legacy;
    v
}

/// `integrity.files` (path → hex), once the signature over it verifies.
fn signed_files<'a>(
    i: &'a Node,
    pubkey: &PublicKey,
    sig_file: &[u8],
) -> Result<&'a [Member], Finding> {
    let signature = signature(i, sig_file)?;
    let Some(members) = i.get("files").and_then(Node::members) else {
        return Err((
            Code::IntegrityField,
            "legacy integrity.files must be an object of path: hex",
        ));
    };
    if !pubkey.verify(signed_lines(members)?.as_bytes(), &signature) {
        return Err((
            Code::SignatureInvalid,
            "the legacy Ed25519 signature over integrity.files does not verify",
        ));
    }
    Ok(members)
}

/// `signature.sig`: hex, surrounding whitespace allowed, and equal to
/// `integrity.signature` when the manifest repeats it.
fn signature(i: &Node, sig_file: &[u8]) -> Result<[u8; 64], Finding> {
    let sig_text = String::from_utf8_lossy(sig_file).trim().to_string();
    let Some(signature) = hex::decode::<64>(&sig_text) else {
        return Err((
            Code::IntegrityField,
            "legacy signature.sig is not 128 hex digits",
        ));
    };
    if let Some(s) = i.get("signature").and_then(Node::as_str) {
        if s != sig_text {
            return Err((
                Code::SignatureFileMismatch,
                "signature.sig does not equal integrity.signature (swapped or edited)",
            ));
        }
    }
    Ok(signature)
}

/// The signed message: the sorted `path:hex` lines joined by `\n`.
fn signed_lines(members: &[Member]) -> Result<String, Finding> {
    let mut lines = Vec::new();
    for m in members {
        let Some(h) = m.value.as_str() else {
            return Err((
                Code::IntegrityField,
                "legacy integrity.files values must be hex strings",
            ));
        };
        lines.push(format!("{}:{}", m.key.value, h));
    }
    lines.sort();
    Ok(lines.join("\n"))
}

/// A problem for each entry that is not listed or whose hash differs from
/// the listed one (hex in either case), and those files marked bad.
fn changed_or_unlisted(v: &mut Verdict, members: &[Member], records: &[EntryRecord]) {
    // Maps built once keep this linear in entries and listed files.
    let mut listed: HashMap<&str, Option<&str>> = HashMap::new();
    for m in members {
        listed
            .entry(m.key.value.as_str())
            .or_insert(m.value.as_str());
    }
    let mut bad = Vec::new();
    for r in records
        .iter()
        .filter(|r| r.path != "manifest.json" && r.path != "signature.sig")
    {
        let problem = match listed.get(r.path.as_str()).copied().flatten() {
            None => Some((
                Code::FileUnlisted,
                format!("{} is not covered by the legacy signature", r.path),
            )),
            Some(h) if !h.eq_ignore_ascii_case(&hex::encode(&r.sha256)) => Some((
                Code::FileHashMismatch,
                format!(
                    "{}: SHA-256 {}, but the legacy signature says {h}",
                    r.path,
                    hex::encode(&r.sha256)
                ),
            )),
            Some(_) => None,
        };
        if let Some((code, msg)) = problem {
            bad.push(r.path.as_str());
            v.problem(code, msg);
        }
    }
    v.mark_bad(bad);
}

/// A problem for each listed file that is not in the package.
fn missing(v: &mut Verdict, members: &[Member], records: &[EntryRecord]) {
    let present: HashSet<&str> = records.iter().map(|r| r.path.as_str()).collect();
    for m in members
        .iter()
        .filter(|m| m.key.value != "manifest.json" && m.key.value != "signature.sig")
    {
        if !present.contains(m.key.value.as_str()) {
            v.problem(
                Code::FileMissing,
                format!(
                    "{} is covered by the legacy signature but missing from the package (removed?)",
                    m.key.value
                ),
            );
        }
    }
}

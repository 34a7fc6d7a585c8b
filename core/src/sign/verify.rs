//! One streaming pass over a package, then a verdict: `verified`,
//! `valid-untrusted`, `invalid` (with a specific problem code), `unsigned`
//! or `legacy`. The verdict depends only on the package bytes and the
//! trusted keys handed in.

use super::{legacy, manifest_digest, signed_message, Claims, PublicKey, SignedFile, SCHEME};
use crate::archive::{ArchiveError, ArchiveReader, EntryRecord, SmallFiles};
use crate::json::{self, Node};
use crate::limits::Limits;
use crate::manifest::{validate, Severity};
use crate::util::{hex, is_lower_hex, parse_rfc3339_utc};
use crate::Code;
use serde::Serialize;
use std::collections::{HashMap, HashSet};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    Verified,
    ValidUntrusted,
    Invalid,
    Unsigned,
    Legacy,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Verified => "verified",
            Status::ValidUntrusted => "valid-untrusted",
            Status::Invalid => "invalid",
            Status::Unsigned => "unsigned",
            Status::Legacy => "legacy",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileStatus {
    pub path: String,
    pub size: u64,
    pub sha256: String,
    pub ok: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    pub code: Code,
    pub message: String,
}

/// The `verify --json` object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verdict {
    pub status: Status,
    pub name: Option<String>,
    pub version: Option<String>,
    pub base_model: Option<String>,
    pub key_id: Option<String>,
    /// The signer's full public key (`ed25519:<hex>`): what trust and pins
    /// compare. The key ID is its short display name.
    pub pubkey: Option<String>,
    /// What the package says about its publisher: a claim, not an identity.
    pub publisher: Option<String>,
    pub files: Vec<FileStatus>,
    pub problems: Vec<Problem>,
}

impl Verdict {
    fn blank() -> Verdict {
        Verdict {
            status: Status::Invalid,
            name: None,
            version: None,
            base_model: None,
            key_id: None,
            pubkey: None,
            publisher: None,
            files: Vec::new(),
            problems: Vec::new(),
        }
    }

    fn problem(&mut self, code: Code, message: impl Into<String>) {
        self.problems.push(Problem {
            code,
            message: message.into(),
        });
    }

    fn invalid(mut self, code: Code, message: impl Into<String>) -> Verdict {
        self.problem(code, message);
        self.status = Status::Invalid;
        self
    }

    fn mark(&mut self, path: &str, ok: bool) {
        if let Some(f) = self.files.iter_mut().find(|f| f.path == path) {
            f.ok &= ok;
        }
    }

    /// Marks the first file of each path as bad, through one path index
    /// rather than a scan per path (thousands of problems, thousands of files).
    pub(super) fn mark_bad<'p>(&mut self, paths: impl IntoIterator<Item = &'p str>) {
        let mut index: HashMap<&str, usize> = HashMap::new();
        for (i, f) in self.files.iter().enumerate() {
            index.entry(f.path.as_str()).or_insert(i);
        }
        let bad: Vec<usize> = paths
            .into_iter()
            .filter_map(|p| index.get(p).copied())
            .collect();
        for i in bad {
            self.files[i].ok = false;
        }
    }
}

/// Push-style verifier: `update` with each chunk, then `finish`.
pub struct PackageVerifier {
    limits: Limits,
    reader: ArchiveReader,
    small: SmallFiles,
}

impl PackageVerifier {
    pub fn new(limits: Limits) -> Self {
        PackageVerifier {
            limits,
            reader: ArchiveReader::new(limits),
            small: SmallFiles::default(),
        }
    }

    /// Errors are kept and reported by `finish`, so callers can stream
    /// without checking every chunk.
    pub fn update(&mut self, chunk: &[u8]) {
        let _ = self.reader.update(chunk, &mut self.small);
    }

    pub fn finish(self, trusted: &[PublicKey]) -> Verdict {
        let records = self.reader.finish();
        verify_package(records, self.small, trusted, &self.limits)
    }
}

/// The verdict on a package whose bytes could not be read to the end,
/// from the reader's error code and message. It lets a reader half that ran
/// elsewhere (the npm package inflates in a worker) relay its error as text.
pub fn unreadable(code: Code, message: impl Into<String>) -> Verdict {
    Verdict::blank().invalid(code, message)
}

/// The verdict over a finished read.
pub fn verify_package(
    records: Result<Vec<EntryRecord>, ArchiveError>,
    small: SmallFiles,
    trusted: &[PublicKey],
    limits: &Limits,
) -> Verdict {
    let repeated = repeated_entries(&records);
    let mut v = judge(records, small, trusted, limits);
    v.problems.extend(repeated);
    if v.status == Status::Invalid {
        // Whatever an invalid package claims about its signer is unproven.
        v.key_id = None;
        v.pubkey = None;
        v.publisher = None;
    }
    v
}

/// `W_REPEATED_ENTRY` for each path that came more than once with identical
/// bytes: one file to every reader, but worth a word (upstream 0.3.0's v1
/// packager writes README.md twice).
fn repeated_entries(records: &Result<Vec<EntryRecord>, ArchiveError>) -> Vec<Problem> {
    let Ok(records) = records else {
        return Vec::new();
    };
    records
        .iter()
        .filter(|r| r.repeats > 0)
        .map(|r| Problem {
            code: Code::WarnRepeatedEntry,
            message: format!(
                "{} appears {} times with identical bytes; it is read as one file",
                r.path,
                r.repeats + 1
            ),
        })
        .collect()
}

fn judge(
    records: Result<Vec<EntryRecord>, ArchiveError>,
    small: SmallFiles,
    trusted: &[PublicKey],
    limits: &Limits,
) -> Verdict {
    let records = match records {
        Ok(r) => r,
        Err(e) => return unreadable(e.code, e.message),
    };
    let mut v = Verdict::blank();
    v.files = records
        .iter()
        .map(|r| FileStatus {
            path: r.path.clone(),
            size: r.size,
            sha256: hex::encode(&r.sha256),
            ok: true,
        })
        .collect();
    let Some(manifest) = small.manifest else {
        return v.invalid(Code::ManifestMissing, "the package has no manifest.json");
    };
    let report = validate(&manifest, limits);
    let root = json::parse(&manifest, limits.max_depth)
        .ok()
        .map(|p| p.root);
    if let Some(root) = &root {
        let s = |n: Option<&Node>| n.and_then(Node::as_str).map(str::to_string);
        v.name = s(root.get("name"));
        v.version = s(root.get("version"));
        v.base_model = s(root
            .get("base_models")
            .and_then(Node::items)
            .and_then(|m| m.first())
            .or(root.get("base_model"))
            .and_then(|m| m.get("name")));
    }
    if !report.valid {
        v.mark("manifest.json", false);
        for d in report
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
        {
            let at = if d.path.is_empty() {
                String::new()
            } else {
                format!("{}: ", d.path)
            };
            v.problem(d.code, format!("manifest.json: {at}{}", d.message));
        }
        v.status = Status::Invalid;
        return v;
    }
    let root = root.expect("valid manifests parse");
    match (root.get("integrity"), small.signature) {
        (None, None) => {
            v.status = Status::Unsigned;
            v
        }
        (Some(_), None) => v.invalid(
            Code::SignatureFileMissing,
            "the manifest has an integrity section but signature.sig is missing (deleted?)",
        ),
        (None, Some(_)) => v.invalid(
            Code::IntegrityMissing,
            "signature.sig is present but the manifest has no integrity section",
        ),
        (Some(i), Some(sig)) if i.get("scheme").is_some() => {
            current(v, &root, i, &sig, &records, trusted)
        }
        (Some(i), Some(sig)) => legacy::verify(v, i, &sig, &records),
    }
}

fn field<'a>(i: &'a Node, key: &str) -> Result<&'a str, (Code, String)> {
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
fn created_at(s: &str) -> Result<&str, (Code, String)> {
    parse_rfc3339_utc(s).map(|_| s).ok_or((
        Code::IntegrityField,
        format!("integrity.created_at {s:?} is not of the form 2026-11-25T00:00:00Z"),
    ))
}

fn current(
    mut v: Verdict,
    root: &Node,
    i: &Node,
    sig_file: &[u8],
    records: &[EntryRecord],
    trusted: &[PublicKey],
) -> Verdict {
    let parsed = (|| {
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
        let pubkey_text = field(i, "pubkey")?;
        // One spelling: `ed25519:` and 64 lower-case hex digits.
        if !pubkey_text
            .strip_prefix("ed25519:")
            .is_some_and(|h| h.len() == 64 && is_lower_hex(h))
        {
            return Err((
                Code::IntegrityPubkey,
                "integrity.pubkey must be ed25519: and 64 lower-case hex digits".to_string(),
            ));
        }
        let pubkey = PublicKey::parse(pubkey_text)
            .map_err(|e| (Code::IntegrityPubkey, format!("integrity.pubkey: {e}")))?;
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
        let mut files = Vec::new();
        for m in i.get("files").and_then(Node::members).ok_or((
            Code::IntegrityField,
            "integrity.files must be an object".to_string(),
        ))? {
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
            files.push(SignedFile {
                path: m.key.value.clone(),
                size,
                sha256,
            });
        }
        let claims = Claims {
            key_id: key_id.to_string(),
            publisher: field(i, "publisher")?.to_string(),
            created_at: created_at(field(i, "created_at")?)?.to_string(),
            manifest_sha256,
            files,
        };
        Ok((pubkey, claims, signature, signature_hex))
    })();
    let (pubkey, claims, signature, signature_hex) = match parsed {
        Ok(p) => p,
        Err((code, msg)) => return v.invalid(code, msg),
    };
    v.key_id = Some(claims.key_id.clone());
    v.pubkey = Some(pubkey.to_string());
    v.publisher = Some(claims.publisher.clone());

    if sig_file != signature_hex.as_bytes() {
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
    // Every lookup below goes through a map or a set built once, so the
    // comparison is linear in the entries and claims (a nested scan here
    // made 10,000 entries cost minutes before any signature check).
    let actual: Vec<&EntryRecord> = records
        .iter()
        .filter(|r| r.path != "manifest.json" && r.path != "signature.sig")
        .collect();
    let present: HashSet<&str> = actual.iter().map(|r| r.path.as_str()).collect();
    let mut claimed: HashMap<&str, &SignedFile> = HashMap::new();
    // A renamed file is an unlisted entry whose hash matches the first claim
    // (in claim order) whose path is absent from the package.
    let mut absent_by_hash: HashMap<[u8; 32], &SignedFile> = HashMap::new();
    for f in &claims.files {
        claimed.entry(f.path.as_str()).or_insert(f);
        if !present.contains(f.path.as_str()) {
            absent_by_hash.entry(f.sha256).or_insert(f);
        }
    }
    let mut problems: Vec<(Code, String, String)> = Vec::new();
    let mut renamed_from: HashSet<&str> = HashSet::new();
    for r in &actual {
        match claimed.get(r.path.as_str()) {
            Some(f) if f.size != r.size => problems.push((Code::FileSizeMismatch, r.path.clone(), format!("{}: {} bytes, but the signature says {}", r.path, r.size, f.size))),
            Some(f) if f.sha256 != r.sha256 => problems.push((Code::FileHashMismatch, r.path.clone(), format!("{}: SHA-256 {}, but the signature says {}", r.path, hex::encode(&r.sha256), hex::encode(&f.sha256)))),
            Some(_) => {}
            None => match absent_by_hash.get(&r.sha256) {
                Some(f) => {
                    renamed_from.insert(&f.path);
                    problems.push((Code::FileRenamed, r.path.clone(), format!("{} is the signed file {} under another name", r.path, f.path)));
                }
                None => problems.push((Code::FileUnlisted, r.path.clone(), format!("{} is in the package but not covered by the signature (added after signing?)", r.path))),
            },
        }
    }
    for f in &claims.files {
        if !present.contains(f.path.as_str()) && !renamed_from.contains(f.path.as_str()) {
            problems.push((
                Code::FileMissing,
                f.path.clone(),
                format!(
                    "{} is covered by the signature but missing from the package (removed?)",
                    f.path
                ),
            ));
        }
    }
    if !problems.is_empty() {
        v.mark_bad(problems.iter().map(|(_, path, _)| path.as_str()));
        for (code, _, msg) in problems {
            v.problem(code, msg);
        }
        v.status = Status::Invalid;
        return v;
    }
    if !pubkey.verify(&signed_message(&claims), &signature) {
        v.mark("signature.sig", false);
        return v.invalid(Code::SignatureInvalid, "the Ed25519 signature does not match the signed claims (integrity was edited or the signature forged)");
    }
    v.status = if trusted.contains(&pubkey) {
        Status::Verified
    } else {
        Status::ValidUntrusted
    };
    v
}

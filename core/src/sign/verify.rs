//! One streaming pass over a package, then a verdict: `verified`,
//! `valid-untrusted`, `invalid` (with a specific problem code), `unsigned`
//! or `legacy`. The verdict depends only on the package bytes and the
//! trusted keys handed in.

use super::{legacy, manifest_digest, signed_message, Claims, PublicKey, SignedFile, SCHEME};
use crate::archive::{ArchiveError, ArchiveReader, EntryRecord, EntrySink};
use crate::json::{self, Node};
use crate::limits::Limits;
use crate::manifest::{validate, Severity};
use crate::util::hex;
use serde::Serialize;

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
    pub code: String,
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

    fn problem(&mut self, code: &str, message: impl Into<String>) {
        self.problems.push(Problem {
            code: code.to_string(),
            message: message.into(),
        });
    }

    fn invalid(mut self, code: &str, message: impl Into<String>) -> Verdict {
        self.problem(code, message);
        self.status = Status::Invalid;
        self
    }

    fn mark(&mut self, path: &str, ok: bool) {
        if let Some(f) = self.files.iter_mut().find(|f| f.path == path) {
            f.ok &= ok;
        }
    }
}

/// Keeps `manifest.json` and `signature.sig` (both size-limited by the
/// reader) while every other entry is only hashed.
#[derive(Default)]
pub struct SmallFiles {
    current: Option<bool>,
    pub manifest: Option<Vec<u8>>,
    pub signature: Option<Vec<u8>>,
}

impl EntrySink for SmallFiles {
    fn start(&mut self, path: &str, _size: u64) -> Result<(), ArchiveError> {
        self.current = match path {
            "manifest.json" => {
                self.manifest = Some(Vec::new());
                Some(true)
            }
            "signature.sig" => {
                self.signature = Some(Vec::new());
                Some(false)
            }
            _ => None,
        };
        Ok(())
    }

    fn data(&mut self, chunk: &[u8]) -> Result<(), ArchiveError> {
        let target = match self.current {
            Some(true) => self.manifest.as_mut(),
            Some(false) => self.signature.as_mut(),
            None => None,
        };
        if let Some(t) = target {
            t.extend_from_slice(chunk);
        }
        Ok(())
    }

    fn end(&mut self, _: &[u8; 32]) -> Result<(), ArchiveError> {
        self.current = None;
        Ok(())
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
pub fn unreadable(code: &str, message: impl Into<String>) -> Verdict {
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
            code: "W_REPEATED_ENTRY".to_string(),
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
        return v.invalid("E_MANIFEST_MISSING", "the package has no manifest.json");
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
            "E_SIGNATURE_FILE_MISSING",
            "the manifest has an integrity section but signature.sig is missing (deleted?)",
        ),
        (None, Some(_)) => v.invalid(
            "E_INTEGRITY_MISSING",
            "signature.sig is present but the manifest has no integrity section",
        ),
        (Some(i), Some(sig)) if i.get("scheme").is_some() => {
            current(v, &root, i, &sig, &records, trusted)
        }
        (Some(i), Some(sig)) => legacy::verify(v, i, &sig, &records),
    }
}

fn field<'a>(i: &'a Node, key: &str) -> Result<&'a str, (&'static str, String)> {
    i.get(key).and_then(Node::as_str).ok_or((
        "E_INTEGRITY_FIELD",
        format!("integrity.{key} is missing or not a string"),
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
                "E_INTEGRITY_SCHEME",
                format!("unknown signature scheme {scheme:?}; this verifier knows {SCHEME}"),
            ));
        }
        if field(i, "signature_algorithm")? != "ed25519" {
            return Err((
                "E_INTEGRITY_ALGORITHM",
                "integrity.signature_algorithm must be \"ed25519\"".to_string(),
            ));
        }
        let pubkey = PublicKey::parse(field(i, "pubkey")?)
            .map_err(|e| ("E_INTEGRITY_PUBKEY", format!("integrity.pubkey: {e}")))?;
        let key_id = field(i, "key_id")?;
        if key_id != pubkey.key_id() {
            return Err((
                "E_KEY_ID_MISMATCH",
                format!(
                    "integrity.key_id {key_id} does not belong to integrity.pubkey (its ID is {})",
                    pubkey.key_id()
                ),
            ));
        }
        let signature_hex = field(i, "signature")?;
        let signature = hex::decode::<64>(signature_hex).ok_or((
            "E_INTEGRITY_FIELD",
            "integrity.signature must be 128 hex digits".to_string(),
        ))?;
        let manifest_sha256 = hex::decode32(field(i, "manifest_sha256")?).ok_or((
            "E_INTEGRITY_FIELD",
            "integrity.manifest_sha256 must be 64 hex digits".to_string(),
        ))?;
        let mut files = Vec::new();
        for m in i.get("files").and_then(Node::members).ok_or((
            "E_INTEGRITY_FIELD",
            "integrity.files must be an object".to_string(),
        ))? {
            let size = m.value.get("size").and_then(Node::as_u64);
            let sha = m
                .value
                .get("sha256")
                .and_then(Node::as_str)
                .and_then(hex::decode32);
            let (Some(size), Some(sha256)) = (size, sha) else {
                return Err((
                    "E_INTEGRITY_FIELD",
                    format!("integrity.files[{:?}] needs size and sha256", m.key.value),
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
            created_at: field(i, "created_at")?.to_string(),
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
            "E_SIGNATURE_FILE_MISMATCH",
            "signature.sig does not equal integrity.signature (swapped or edited)",
        );
    }
    if manifest_digest(root) != Some(claims.manifest_sha256) {
        v.mark("manifest.json", false);
        return v.invalid("E_MANIFEST_DIGEST_MISMATCH", "manifest.json was changed after signing (its canonical SHA-256 differs from integrity.manifest_sha256)");
    }
    let actual: Vec<&EntryRecord> = records
        .iter()
        .filter(|r| r.path != "manifest.json" && r.path != "signature.sig")
        .collect();
    let mut problems: Vec<(&str, String, String)> = Vec::new();
    let mut renamed_from: Vec<&str> = Vec::new();
    for r in &actual {
        match claims.files.iter().find(|f| f.path == r.path) {
            Some(f) if f.size != r.size => problems.push(("E_FILE_SIZE_MISMATCH", r.path.clone(), format!("{}: {} bytes, but the signature says {}", r.path, r.size, f.size))),
            Some(f) if f.sha256 != r.sha256 => problems.push(("E_FILE_HASH_MISMATCH", r.path.clone(), format!("{}: SHA-256 {}, but the signature says {}", r.path, hex::encode(&r.sha256), hex::encode(&f.sha256)))),
            Some(_) => {}
            None => match claims.files.iter().find(|f| f.sha256 == r.sha256 && !actual.iter().any(|a| a.path == f.path)) {
                Some(f) => {
                    renamed_from.push(&f.path);
                    problems.push(("E_FILE_RENAMED", r.path.clone(), format!("{} is the signed file {} under another name", r.path, f.path)));
                }
                None => problems.push(("E_FILE_UNLISTED", r.path.clone(), format!("{} is in the package but not covered by the signature (added after signing?)", r.path))),
            },
        }
    }
    for f in &claims.files {
        if !actual.iter().any(|r| r.path == f.path) && !renamed_from.contains(&f.path.as_str()) {
            problems.push((
                "E_FILE_MISSING",
                f.path.clone(),
                format!(
                    "{} is covered by the signature but missing from the package (removed?)",
                    f.path
                ),
            ));
        }
    }
    if !problems.is_empty() {
        for (code, path, msg) in problems {
            v.mark(&path, false);
            v.problem(code, msg);
        }
        v.status = Status::Invalid;
        return v;
    }
    if !pubkey.verify(&signed_message(&claims), &signature) {
        v.mark("signature.sig", false);
        return v.invalid("E_SIGNATURE_INVALID", "the Ed25519 signature does not match the signed claims (integrity was edited or the signature forged)");
    }
    v.status = if trusted.contains(&pubkey) {
        Status::Verified
    } else {
        Status::ValidUntrusted
    };
    v
}

//! One streaming pass over a package, then a verdict: `verified`,
//! `valid-untrusted`, `invalid` (with a specific problem code), `unsigned`
//! or `legacy`. The verdict depends only on the package bytes and the
//! trusted keys handed in.

use super::{expert_sig_v1, legacy, PublicKey};
use crate::archive::{ArchiveError, ArchiveReader, EntryRecord, SmallFiles};
use crate::json::{self, Node};
use crate::limits::Limits;
use crate::manifest::{validate, Severity};
use crate::util::hex;
use crate::Code;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// The verdict's one word.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// Signed, intact, and by a trusted key.
    Verified,
    /// Signed and intact, by a key that is not trusted.
    ValidUntrusted,
    /// Unreadable, invalid, tampered with or wrongly signed: see the problems.
    Invalid,
    /// Valid, with no signature.
    Unsigned,
    /// Intact under upstream's scheme, which leaves the manifest uncovered.
    Legacy,
}

impl Status {
    /// The word as `verify` prints it (`valid-untrusted`).
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

/// One package entry as read, and whether it passed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileStatus {
    /// Entry path in the package.
    pub path: String,
    /// Size in bytes.
    pub size: u64,
    /// SHA-256 of its bytes, in hex.
    pub sha256: String,
    /// False when a problem names this entry.
    pub ok: bool,
}

/// Why a package is not `verified` (or a warning about one that is).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    /// The problem code.
    pub code: Code,
    /// What was found, for people.
    pub message: String,
}

/// The `verify --json` object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verdict {
    /// The outcome.
    pub status: Status,
    /// The manifest's `name`, when it has one.
    pub name: Option<String>,
    /// The manifest's `version`, when it has one.
    pub version: Option<String>,
    /// The (first) base model's name.
    pub base_model: Option<String>,
    /// The signer's key ID; None unless the package is signed and not invalid.
    pub key_id: Option<String>,
    /// The signer's full public key (`ed25519:<hex>`): what trust and pins
    /// compare. The key ID is its short display name.
    pub pubkey: Option<String>,
    /// What the package says about its publisher: a claim, not an identity.
    pub publisher: Option<String>,
    /// Every entry, in package order.
    pub files: Vec<FileStatus>,
    /// Every problem and warning found.
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

    pub(super) fn problem(&mut self, code: Code, message: impl Into<String>) {
        self.problems.push(Problem {
            code,
            message: message.into(),
        });
    }

    pub(super) fn invalid(mut self, code: Code, message: impl Into<String>) -> Verdict {
        self.problem(code, message);
        self.status = Status::Invalid;
        self
    }

    pub(super) fn mark(&mut self, path: &str, ok: bool) {
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
    /// A verifier that reads within `limits`.
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

    /// The verdict, with `trusted` deciding `verified` over `valid-untrusted`.
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
        // A `scheme` names ours (expert-sig-v1); upstream's has none.
        (Some(i), Some(sig)) if i.get("scheme").is_some() => {
            expert_sig_v1::verify(v, &root, i, &sig, &records, trusted)
        }
        (Some(i), Some(sig)) => legacy::verify(v, i, &sig, &records),
    }
}

//! The exact bytes that are signed:
//!
//! ```text
//! "expert-package-signature-v1" 0x00 JCS(claims)
//! ```
//!
//! where `claims` binds the scheme, key ID, publisher, creation time, the
//! SHA-256 of the canonical manifest without `integrity`, and every other
//! file's path, size and SHA-256 in bytewise path order (the exact set).

use crate::json::{canonicalize, Node, Value};
use crate::util::hex;

/// Prefix of every signed message, so that the signature cannot be taken
/// for one over anything else.
pub const DOMAIN: &[u8] = b"expert-package-signature-v1\0";
/// `integrity.scheme` of our signatures.
pub const SCHEME: &str = "expert-sig-v1";

/// One package entry as the signature covers it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedFile {
    /// Entry path in the package.
    pub path: String,
    /// Size in bytes.
    pub size: u64,
    /// SHA-256 of the entry's bytes.
    pub sha256: [u8; 32],
}

/// Everything a signature vouches for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claims {
    /// The signer's key ID (see `PublicKey::key_id`).
    pub key_id: String,
    /// Who the signer says they are: a claim, not an identity.
    pub publisher: String,
    /// When it was signed, `2026-11-25T00:00:00Z` style.
    pub created_at: String,
    /// SHA-256 of the canonical manifest without `integrity`.
    pub manifest_sha256: [u8; 32],
    /// Every entry but `manifest.json` and `signature.sig`.
    pub files: Vec<SignedFile>,
}

/// The bytes that are signed: `DOMAIN` then the JCS form of the claims,
/// files in bytewise path order.
pub fn signed_message(claims: &Claims) -> Vec<u8> {
    let mut files = claims.files.clone();
    files.sort_by(|a, b| a.path.as_bytes().cmp(b.path.as_bytes()));
    let files = files
        .iter()
        .map(|f| {
            Node::object(vec![
                ("path", Node::string(&f.path)),
                ("size", Node::uint(f.size)),
                ("sha256", Node::string(&hex::encode(&f.sha256))),
            ])
        })
        .collect();
    let payload = Node::object(vec![
        ("scheme", Node::string(SCHEME)),
        ("key_id", Node::string(&claims.key_id)),
        ("publisher", Node::string(&claims.publisher)),
        ("created_at", Node::string(&claims.created_at)),
        (
            "manifest_sha256",
            Node::string(&hex::encode(&claims.manifest_sha256)),
        ),
        ("files", Node::new(Value::Array(files))),
    ]);
    let mut out = DOMAIN.to_vec();
    out.extend_from_slice(
        canonicalize(&payload)
            .expect("only safe integers")
            .as_bytes(),
    );
    out
}

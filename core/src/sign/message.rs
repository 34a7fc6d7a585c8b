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

pub const DOMAIN: &[u8] = b"expert-package-signature-v1\0";
pub const SCHEME: &str = "expert-sig-v1";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedFile {
    pub path: String,
    pub size: u64,
    pub sha256: [u8; 32],
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claims {
    pub key_id: String,
    pub publisher: String,
    pub created_at: String,
    pub manifest_sha256: [u8; 32],
    /// Every entry but `manifest.json` and `signature.sig`.
    pub files: Vec<SignedFile>,
}

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

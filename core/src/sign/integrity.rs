//! The `integrity` section written into a signed manifest.

use super::{signed_message, Claims, PublicKey, SecretKey, SCHEME};
use crate::json::{canonicalize, Node};
use crate::util::hex;
use sha2::{Digest, Sha256};

/// SHA-256 of the JCS form of the manifest without its `integrity` member.
/// None if a number has no canonical form (validation rejects those).
pub fn manifest_digest(root: &Node) -> Option<[u8; 32]> {
    let mut unsigned = root.clone();
    unsigned.remove("integrity");
    let text = canonicalize(&unsigned).ok()?;
    Some(Sha256::digest(text.as_bytes()).into())
}

/// Signs `claims` and returns the `integrity` object and the signature hex
/// (which is also the content of `signature.sig`).
pub fn integrity_node(key: &SecretKey, claims: &Claims) -> (Node, String) {
    let signature = hex::encode(&key.sign(&signed_message(claims)));
    let mut files: Vec<_> = claims.files.iter().collect();
    files.sort_by(|a, b| a.path.as_bytes().cmp(b.path.as_bytes()));
    let files = Node::object(
        files
            .iter()
            .map(|f| {
                (
                    f.path.as_str(),
                    Node::object(vec![
                        ("size", Node::uint(f.size)),
                        ("sha256", Node::string(&hex::encode(&f.sha256))),
                    ]),
                )
            })
            .collect(),
    );
    let node = Node::object(vec![
        ("scheme", Node::string(SCHEME)),
        ("signature_algorithm", Node::string("ed25519")),
        ("pubkey", Node::string(&key.public().to_string())),
        ("key_id", Node::string(&claims.key_id)),
        ("publisher", Node::string(&claims.publisher)),
        ("created_at", Node::string(&claims.created_at)),
        (
            "manifest_sha256",
            Node::string(&hex::encode(&claims.manifest_sha256)),
        ),
        ("files", files),
        ("signature", Node::string(&signature)),
    ]);
    (node, signature)
}

/// Who an `integrity` section says signed the package, unchecked: what
/// `inspect` shows. The key ID is the one of `pubkey` when that parses (as
/// `verify` derives it; upstream's legacy sections have no `key_id`), else
/// the declared `key_id`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SignerClaim {
    /// The signer's key ID, derived from `pubkey` when it parses.
    pub key_id: Option<String>,
    /// `publisher`, as claimed.
    pub publisher: Option<String>,
    /// `created_at`, as written.
    pub created_at: Option<String>,
}

/// Reads the signer claim of an `integrity` section, without checking it.
pub fn signer_claim(integrity: &Node) -> SignerClaim {
    let s = |key: &str| integrity.get(key).and_then(Node::as_str);
    let key_id = s("pubkey")
        .and_then(|p| PublicKey::parse(p).ok())
        .map(|k| k.key_id())
        .or_else(|| s("key_id").map(str::to_string));
    SignerClaim {
        key_id,
        publisher: s("publisher").map(str::to_string),
        created_at: s("created_at").map(str::to_string),
    }
}

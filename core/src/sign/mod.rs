//! Ed25519 signatures that cover the whole package (docs/FORMAT.md §5):
//! keys, the signed message, the `integrity` section, verification and the
//! trust decision.

mod expert_sig_v1;
mod integrity;
mod key_file;
mod keys;
mod legacy;
mod message;
mod verify;

pub use integrity::{integrity_node, manifest_digest, signer_claim, SignerClaim};
pub use key_file::{algorithm_name, key_form, read_key_file, to_encrypted_pkcs8_pem, KeyForm};
pub use keys::{KeyError, PublicKey, SecretKey};
pub use message::{signed_message, Claims, SignedFile, DOMAIN, SCHEME};
pub use verify::{
    unreadable, verify_package, FileStatus, PackageVerifier, Problem, Status, Verdict,
};

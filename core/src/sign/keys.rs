//! Ed25519 keys: PKCS#8 PEM private keys (readable by `openssl pkey`),
//! `ed25519:<hex>` public keys and key IDs. Reading key files (encrypted
//! PKCS#8, raw seeds, other algorithms) is `key_file`'s job.

use crate::util::hex;
use crate::Code;
use ed25519_dalek::{Signer, SigningKey, VerifyingKey};
use pkcs8::der::pem;
use pkcs8::LineEnding;
use sha2::{Digest, Sha256};

/// DER of `PrivateKeyInfo { version 0, AlgorithmIdentifier { id-Ed25519 },
/// OCTET STRING { OCTET STRING (32 bytes) } }` up to the seed.
const PKCS8_V1_PREFIX: [u8; 16] = [
    0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
];

/// Why a key cannot be used; `code` is stable. Messages say what was
/// found, never the key's bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyError {
    /// The problem code.
    pub code: Code,
    /// What is wrong with the key, for people.
    pub message: String,
}

impl KeyError {
    pub(super) fn new(code: Code, message: impl Into<String>) -> Self {
        KeyError {
            code,
            message: message.into(),
        }
    }

    pub(super) fn format(message: impl Into<String>) -> Self {
        Self::new(Code::KeyFormat, message)
    }
}

impl std::fmt::Display for KeyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// A signing key. It has no `Debug` or `Display`, so it cannot be printed.
pub struct SecretKey(SigningKey);

impl SecretKey {
    /// A key from 32 seed bytes; callers bring the randomness.
    pub fn from_seed(seed: &[u8; 32]) -> Self {
        SecretKey(SigningKey::from_bytes(seed))
    }

    pub(super) fn from_signing_key(k: SigningKey) -> Self {
        SecretKey(k)
    }

    /// A key file without a passphrase: PKCS#8 (PEM or DER) or upstream's
    /// raw 32-byte seed. An encrypted key is `E_KEY_PASSPHRASE`; use
    /// `read_key_file` to give one.
    pub fn parse(bytes: &[u8]) -> Result<Self, KeyError> {
        super::key_file::read_key_file(bytes, None).map(|(k, _)| k)
    }

    /// PKCS#8 v1 (RFC 8410), the form `openssl genpkey -algorithm ed25519`
    /// writes and every OpenSSL 3 reads.
    pub fn to_pkcs8_pem(&self) -> String {
        pem::encode_string("PRIVATE KEY", LineEnding::LF, &self.to_pkcs8_der())
            .expect("PRIVATE KEY is a valid label")
    }

    /// The DER that `to_pkcs8_pem` wraps.
    pub(super) fn to_pkcs8_der(&self) -> pkcs8::der::zeroize::Zeroizing<Vec<u8>> {
        let mut der = pkcs8::der::zeroize::Zeroizing::new(PKCS8_V1_PREFIX.to_vec());
        der.extend_from_slice(self.0.as_bytes());
        der
    }

    /// The public half, which verifiers trust and pin.
    pub fn public(&self) -> PublicKey {
        PublicKey(self.0.verifying_key())
    }

    /// The Ed25519 signature over `message`.
    pub fn sign(&self, message: &[u8]) -> [u8; 64] {
        self.0.sign(message).to_bytes()
    }
}

/// An Ed25519 public key, written `ed25519:<64 hex>`; never a weak one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PublicKey(VerifyingKey);

impl PublicKey {
    /// `ed25519:<64 hex>`; surrounding whitespace is ignored. The error
    /// never repeats the text: it may be a private key given by mistake.
    pub fn parse(s: &str) -> Result<Self, KeyError> {
        let s = s.trim();
        let hex_part = s
            .strip_prefix("ed25519:")
            .ok_or_else(|| KeyError::format(not_a_public_key(s)))?;
        let raw = hex::decode32(hex_part).ok_or_else(|| {
            KeyError::format("the public key must be 64 hex digits after ed25519:")
        })?;
        let key = VerifyingKey::from_bytes(&raw)
            .map_err(|_| KeyError::format("the bytes are not a valid Ed25519 public key"))?;
        if key.is_weak() {
            return Err(KeyError::format(
                "the public key is a small-order point, which any signature can match; refusing it",
            ));
        }
        Ok(PublicKey(key))
    }

    /// The raw 32 bytes.
    pub fn bytes(&self) -> [u8; 32] {
        self.0.to_bytes()
    }

    /// The first 16 hex digits of SHA-256 over the raw 32-byte key.
    pub fn key_id(&self) -> String {
        hex::encode(&Sha256::digest(self.0.as_bytes())[..8])
    }

    /// Strict RFC 8032 verification (no small-order or non-canonical points).
    pub fn verify(&self, message: &[u8], signature: &[u8; 64]) -> bool {
        let sig = ed25519_dalek::Signature::from_bytes(signature);
        self.0.verify_strict(message, &sig).is_ok()
    }
}

/// What a text that should be a public key looks like instead, without
/// quoting it.
fn not_a_public_key(s: &str) -> String {
    let what = if s.contains("PRIVATE KEY-----") || s.starts_with("untrusted comment:") {
        "this is a private key, which must stay secret; give the public key (the .pub file keygen wrote next to it)"
    } else if s.contains("-----BEGIN PUBLIC KEY-----") {
        "this is a PEM public key; give it as ed25519:<64 hex digits> (the .pub file keygen writes)"
    } else {
        "a public key has the form ed25519:<64 hex digits>"
    };
    format!("not a public key: {what}")
}

impl std::fmt::Display for PublicKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ed25519:{}", hex::encode(self.0.as_bytes()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pem_raw_and_public_forms_round_trip() {
        let k = SecretKey::from_seed(&[7; 32]);
        let pem = k.to_pkcs8_pem();
        assert!(pem.starts_with("-----BEGIN PRIVATE KEY-----"));
        assert_eq!(
            SecretKey::parse(pem.as_bytes()).unwrap().public(),
            k.public()
        );
        assert_eq!(SecretKey::parse(&[7; 32]).unwrap().public(), k.public());
        let pk = k.public();
        assert_eq!(PublicKey::parse(&pk.to_string()).unwrap(), pk);
        assert_eq!(pk.key_id().len(), 16);
        assert!(PublicKey::parse("abcd").is_err());
        let identity = format!("ed25519:01{}", "0".repeat(62));
        assert!(
            PublicKey::parse(&identity).is_err(),
            "small-order keys are refused"
        );
        assert!(SecretKey::parse(b"hello").is_err());
    }

    #[test]
    fn pem_is_the_rfc_8410_form() {
        // RFC 8410 §10.3: the example private key.
        let seed =
            hex::decode32("d4ee72dbf913584ad5b6d8f1f769f8ad3afe7c28cbf1d4fbe097a88f44755842")
                .unwrap();
        assert_eq!(
            SecretKey::from_seed(&seed).to_pkcs8_pem(),
            "-----BEGIN PRIVATE KEY-----\n\
             MC4CAQAwBQYDK2VwBCIEINTuctv5E1hK1bbY8fdp+K06/nwoy/HU++CXqI9EdVhC\n\
             -----END PRIVATE KEY-----\n"
        );
    }

    #[test]
    fn signatures_verify_only_for_their_message() {
        let k = SecretKey::from_seed(&[1; 32]);
        let sig = k.sign(b"m");
        assert!(k.public().verify(b"m", &sig));
        assert!(!k.public().verify(b"n", &sig));
    }
}

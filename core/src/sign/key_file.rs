//! Private key files: PKCS#8 (PEM or DER, plain or encrypted with PBES2)
//! and upstream's raw 32-byte seed. Decryption is a pure function of the
//! bytes and the passphrase; the caller finds the passphrase. Errors name
//! the form or algorithm found and never contain key material.

use super::keys::{KeyError, SecretKey};
use crate::Code;
use ed25519_dalek::pkcs8::DecodePrivateKey;
use ed25519_dalek::SigningKey;
use pkcs8::der::zeroize::Zeroizing;
use pkcs8::der::{Decode, SecretDocument};
use pkcs8::pkcs5::pbes2::{self, Kdf};
use pkcs8::pkcs5::EncryptionScheme;
use pkcs8::{EncryptedPrivateKeyInfo, LineEnding, PrivateKeyInfo};

/// How a private key file holds its key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyForm {
    /// PKCS#8 `PrivateKeyInfo` (PEM `PRIVATE KEY` or DER).
    Pkcs8,
    /// PKCS#8 `EncryptedPrivateKeyInfo` (PEM `ENCRYPTED PRIVATE KEY` or DER).
    EncryptedPkcs8,
    /// Exactly 32 bytes: upstream's raw Ed25519 seed.
    RawSeed,
}

/// Most PBKDF2 iterations and largest scrypt cost accepted, so a hostile
/// key file cannot make decryption run for hours or exhaust memory.
const MAX_PBKDF2_ITERATIONS: u32 = 10_000_000;
const MAX_SCRYPT_LOG_N: u32 = 20;

/// scrypt cost for `keygen --encrypt`: N = 2^14, r = 8, p = 1 (16 MiB),
/// `openssl pkcs8 -scrypt`'s own default; OpenSSL refuses to decrypt
/// above its 32 MiB scrypt memory limit, so 2^15 would be unreadable.
const SCRYPT_LOG_N: u8 = 14;

const ED25519: &str = "1.3.101.112";

/// The key's form, without decrypting anything.
pub fn key_form(bytes: &[u8]) -> Result<KeyForm, KeyError> {
    Ok(decode(bytes)?.form())
}

/// Reads a private key file. An encrypted key needs `passphrase`.
pub fn read_key_file(
    bytes: &[u8],
    passphrase: Option<&[u8]>,
) -> Result<(SecretKey, KeyForm), KeyError> {
    let body = decode(bytes)?;
    let form = body.form();
    let der = match body {
        Body::Seed(seed) => return Ok((SecretKey::from_seed(&seed), form)),
        Body::Plain(der) => der,
        Body::Encrypted(der) => {
            let Some(pass) = passphrase else {
                return Err(KeyError::new(
                    Code::KeyPassphrase,
                    "the key is encrypted and no passphrase was given",
                ));
            };
            decrypt(&der, pass)?
        }
    };
    Ok((ed25519_of(&der)?, form))
}

/// Encrypted PKCS#8 PEM (`ENCRYPTED PRIVATE KEY`): PBES2 with scrypt and
/// AES-256-CBC, which `openssl pkey -passin` reads. The caller brings the
/// random salt and IV.
pub fn to_encrypted_pkcs8_pem(
    key: &SecretKey,
    passphrase: &[u8],
    salt: &[u8; 16],
    iv: &[u8; 16],
) -> Result<String, KeyError> {
    if passphrase.is_empty() {
        return Err(KeyError::new(
            Code::KeyPassphrase,
            "an empty passphrase would not protect the key",
        ));
    }
    let fail = |_| KeyError::new(Code::KeyEncrypt, "encrypting the key failed");
    let der = key.to_pkcs8_der();
    let info = PrivateKeyInfo::from_der(&der).map_err(|_| unreadable_pkcs8())?;
    let params = pkcs8::pkcs5::scrypt::Params::new(SCRYPT_LOG_N, 8, 1, 32)
        .map_err(|_| KeyError::new(Code::KeyEncrypt, "invalid scrypt parameters"))?;
    let pbes2 = pbes2::Parameters::scrypt_aes256cbc(params, salt, iv).map_err(fail)?;
    let doc = info
        .encrypt_with_params(pbes2, passphrase)
        .map_err(|_| KeyError::new(Code::KeyEncrypt, "encrypting the key failed"))?;
    let pem = doc
        .to_pem("ENCRYPTED PRIVATE KEY", LineEnding::LF)
        .map_err(|_| KeyError::new(Code::KeyEncrypt, "encoding the key failed"))?;
    Ok(pem.to_string())
}

/// A key file without its armour.
enum Body {
    Seed([u8; 32]),
    Plain(Zeroizing<Vec<u8>>),
    Encrypted(Zeroizing<Vec<u8>>),
}

impl Body {
    fn form(&self) -> KeyForm {
        match self {
            Body::Seed(_) => KeyForm::RawSeed,
            Body::Plain(_) => KeyForm::Pkcs8,
            Body::Encrypted(_) => KeyForm::EncryptedPkcs8,
        }
    }
}

fn unreadable_pkcs8() -> KeyError {
    KeyError::format("the PKCS#8 key is damaged (its DER does not parse)")
}

/// Classifies and unwraps the file: PEM armour removed, DER kept.
fn decode(bytes: &[u8]) -> Result<Body, KeyError> {
    if let Ok(seed) = <[u8; 32]>::try_from(bytes) {
        return Ok(Body::Seed(seed));
    }
    if bytes.first() == Some(&0x30) {
        let der = Zeroizing::new(bytes.to_vec());
        if PrivateKeyInfo::from_der(bytes).is_ok() {
            return Ok(Body::Plain(der));
        }
        if EncryptedPrivateKeyInfo::from_der(bytes).is_ok() {
            return Ok(Body::Encrypted(der));
        }
        return Err(KeyError::format(
            "the binary key file is not PKCS#8 DER (plain or encrypted)",
        ));
    }
    let text = std::str::from_utf8(bytes).map_err(|_| neither(bytes.len()))?;
    let trimmed = text.trim_start();
    if trimmed.starts_with("ed25519:") {
        return Err(KeyError::format(
            "this is a public key (ed25519:…); signing needs the private key file, which keygen writes next to the .pub",
        ));
    }
    if trimmed.starts_with("untrusted comment:") {
        return Err(KeyError::format(
            "this is a minisign key, which is not supported; create a key with `expert-cli keygen` or `openssl genpkey -algorithm ed25519`",
        ));
    }
    let Some((label, block)) = pem_block(text) else {
        return Err(neither(bytes.len()));
    };
    let encrypted = match label {
        "PRIVATE KEY" => false,
        "ENCRYPTED PRIVATE KEY" => true,
        "OPENSSH PRIVATE KEY" => return Err(KeyError::format(
            "this is an OpenSSH private key, which is not supported; create a key with `expert-cli keygen` or `openssl genpkey -algorithm ed25519`",
        )),
        "RSA PRIVATE KEY" => return Err(algorithm("an RSA key (PKCS#1)")),
        "EC PRIVATE KEY" => return Err(algorithm("an elliptic-curve key (SEC1)")),
        "DSA PRIVATE KEY" => return Err(algorithm("a DSA key")),
        "PUBLIC KEY" => return Err(KeyError::format(
            "this is a public key; signing needs the private key",
        )),
        _ => return Err(KeyError::format(
            "the PEM block is not a private key (expected -----BEGIN PRIVATE KEY----- or -----BEGIN ENCRYPTED PRIVATE KEY-----)",
        )),
    };
    let (_, doc) = SecretDocument::from_pem(block.as_str()).map_err(|_| {
        KeyError::format("the PEM key is damaged (its base64 or DER does not parse)")
    })?;
    let der = Zeroizing::new(doc.as_bytes().to_vec());
    Ok(if encrypted {
        Body::Encrypted(der)
    } else {
        Body::Plain(der)
    })
}

fn neither(len: usize) -> KeyError {
    KeyError::format(format!(
        "the key file ({len} bytes) is neither PKCS#8 (PEM or DER, plain or encrypted) nor upstream's raw 32-byte Ed25519 key"
    ))
}

fn algorithm(found: &str) -> KeyError {
    KeyError::new(
        Code::KeyAlgorithm,
        format!("the key is {found}; only Ed25519 keys are supported (create one with `expert-cli keygen` or `openssl genpkey -algorithm ed25519`)"),
    )
}

/// The first PEM block: its label, and the block re-wrapped the way
/// RFC 7468's strict decoder wants it (64-column base64, LF), since
/// OpenSSL also reads longer lines, CRLF and stray spaces.
fn pem_block(text: &str) -> Option<(&str, Zeroizing<String>)> {
    let start = text.find("-----BEGIN ")?;
    let rest = &text[start + "-----BEGIN ".len()..];
    let label = &rest[..rest.find("-----")?];
    let body_start = start + "-----BEGIN ".len() + label.len() + "-----".len();
    let end_marker = format!("-----END {label}-----");
    let body_len = text[body_start..].find(&end_marker)?;
    let body: Zeroizing<Vec<u8>> = Zeroizing::new(
        text[body_start..body_start + body_len]
            .bytes()
            .filter(|b| !b.is_ascii_whitespace())
            .collect(),
    );
    let mut block = Zeroizing::new(format!("-----BEGIN {label}-----\n"));
    for line in body.chunks(64) {
        block.push_str(std::str::from_utf8(line).ok()?);
        block.push('\n');
    }
    block.push_str(&end_marker);
    block.push('\n');
    Some((label, block))
}

/// Decrypts an `EncryptedPrivateKeyInfo` to `PrivateKeyInfo` DER.
fn decrypt(der: &[u8], passphrase: &[u8]) -> Result<Zeroizing<Vec<u8>>, KeyError> {
    let info = EncryptedPrivateKeyInfo::from_der(der).map_err(|_| unreadable_pkcs8())?;
    let EncryptionScheme::Pbes2(params) = &info.encryption_algorithm else {
        return Err(unsupported_scheme());
    };
    match &params.kdf {
        Kdf::Pbkdf2(p) if p.iteration_count > MAX_PBKDF2_ITERATIONS => {
            return Err(KeyError::format(format!(
                "the key asks for {} PBKDF2 iterations; at most {MAX_PBKDF2_ITERATIONS} are accepted",
                p.iteration_count
            )))
        }
        Kdf::Scrypt(p)
            if p.cost_parameter == 0
                || p.cost_parameter.ilog2() > MAX_SCRYPT_LOG_N
                || p.block_size > 16
                || p.parallelization > 16 =>
        {
            return Err(KeyError::format(
                "the key's scrypt parameters need more memory or time than is accepted (N ≤ 2^20, r ≤ 16, p ≤ 16)",
            ))
        }
        _ => {}
    }
    let der = Zeroizing::new(params.decrypt(passphrase, info.encrypted_data).map_err(
        |e| match e {
            // pkcs5 0.7 reports a bad CBC padding as EncryptFailed.
            pkcs8::pkcs5::Error::DecryptFailed | pkcs8::pkcs5::Error::EncryptFailed => {
                wrong_passphrase()
            }
            _ => unsupported_scheme(),
        },
    )?);
    // A wrong passphrase passes the CBC padding check now and then; the
    // plaintext then does not parse.
    PrivateKeyInfo::from_der(&der).map_err(|_| wrong_passphrase())?;
    Ok(der)
}

fn wrong_passphrase() -> KeyError {
    KeyError::new(
        Code::KeyDecrypt,
        "the passphrase is wrong, or the encrypted key is damaged",
    )
}

fn unsupported_scheme() -> KeyError {
    KeyError::format(
        "the key is encrypted with a scheme this tool cannot read; supported: PBES2 with scrypt or PBKDF2-HMAC-SHA256 and AES-CBC (re-encrypt with `openssl pkcs8 -topk8 -v2 aes-256-cbc`)",
    )
}

/// An Ed25519 key from `PrivateKeyInfo` DER, or an error naming the
/// algorithm found.
fn ed25519_of(der: &[u8]) -> Result<SecretKey, KeyError> {
    let info = PrivateKeyInfo::from_der(der).map_err(|_| unreadable_pkcs8())?;
    let oid = info.algorithm.oid.to_string();
    if oid != ED25519 {
        let curve = info.algorithm.parameters_oid().ok().map(|o| o.to_string());
        return Err(algorithm(&algorithm_name(&oid, curve.as_deref())));
    }
    SigningKey::from_pkcs8_der(der)
        .map(SecretKey::from_signing_key)
        .map_err(|_| KeyError::format("the Ed25519 PKCS#8 key is damaged"))
}

/// A readable name for a PKCS#8 algorithm OID (and an EC curve OID).
pub fn algorithm_name(oid: &str, curve: Option<&str>) -> String {
    let named = match oid {
        "1.3.101.113" => "an Ed448 key",
        "1.3.101.110" => "an X25519 key (for key agreement, not signing)",
        "1.3.101.111" => "an X448 key (for key agreement, not signing)",
        "1.2.840.113549.1.1.1" => "an RSA key",
        "1.2.840.113549.1.1.10" => "an RSA-PSS key",
        "1.2.840.10040.4.1" => "a DSA key",
        "1.2.840.10046.2.1" | "1.2.840.113549.1.3.1" => "a Diffie-Hellman key",
        "1.2.840.10045.2.1" => {
            return match curve {
                Some("1.2.840.10045.3.1.7") => "an ECDSA P-256 key".into(),
                Some("1.3.132.0.34") => "an ECDSA P-384 key".into(),
                Some("1.3.132.0.35") => "an ECDSA P-521 key".into(),
                Some("1.3.132.0.10") => "an ECDSA secp256k1 key".into(),
                Some(c) => format!("an elliptic-curve key (curve OID {c})"),
                None => "an elliptic-curve key".into(),
            }
        }
        _ => return format!("of an unknown algorithm (OID {oid})"),
    };
    named.into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encrypted_pem_round_trips_and_wrong_passphrase_is_e_key_decrypt() {
        let k = SecretKey::from_seed(&[9; 32]);
        let pem = to_encrypted_pkcs8_pem(&k, b"pass", &[1; 16], &[2; 16]).unwrap();
        assert!(pem.starts_with("-----BEGIN ENCRYPTED PRIVATE KEY-----"));
        assert_eq!(key_form(pem.as_bytes()).unwrap(), KeyForm::EncryptedPkcs8);
        let (back, form) = read_key_file(pem.as_bytes(), Some(b"pass")).unwrap();
        assert_eq!((back.public(), form), (k.public(), KeyForm::EncryptedPkcs8));
        let e = read_key_file(pem.as_bytes(), Some(b"wrong")).err().unwrap();
        assert_eq!(e.code, Code::KeyDecrypt);
        let e = read_key_file(pem.as_bytes(), None).err().unwrap();
        assert_eq!(e.code, Code::KeyPassphrase);
    }

    #[test]
    fn other_algorithms_are_named() {
        assert_eq!(algorithm_name("1.3.101.113", None), "an Ed448 key");
        assert_eq!(
            algorithm_name("1.2.840.10045.2.1", Some("1.2.840.10045.3.1.7")),
            "an ECDSA P-256 key"
        );
        // Ed448 PKCS#8 v1: the OID is 1.3.101.113, the key 57 bytes.
        let mut der = vec![
            0x30, 0x47, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x71,
        ];
        der.extend_from_slice(&[0x04, 0x3b, 0x04, 0x39]);
        der.extend_from_slice(&[5; 57]);
        let e = read_key_file(&der, None).err().unwrap();
        assert_eq!(e.code, Code::KeyAlgorithm);
        assert!(e.message.contains("Ed448") && e.message.contains("only Ed25519"));
    }

    #[test]
    fn no_key_error_contains_key_material() {
        let k = SecretKey::from_seed(&[0x5c; 32]);
        let pem = k.to_pkcs8_pem();
        let body = pem.lines().nth(1).unwrap().to_string();
        let enc = to_encrypted_pkcs8_pem(&k, b"p", &[1; 16], &[2; 16]).unwrap();
        let bad: Vec<String> = vec![
            pem.replace(
                "-----BEGIN PRIVATE KEY-----\n",
                "-----BEGIN PRIVATE KEY-----\n!",
            ),
            pem.replace("PRIVATE KEY", "RSA PRIVATE KEY"),
            pem.replace("PRIVATE KEY", "SOMETHING"),
            pem[..pem.len() - 10].to_string(),
        ];
        for b in &bad {
            let e = read_key_file(b.as_bytes(), None).err().unwrap();
            assert!(!e.message.contains(&body[..16]), "{}", e.message);
        }
        let e = read_key_file(enc.as_bytes(), Some(b"x")).err().unwrap();
        assert!(!e.message.contains(&enc.lines().nth(1).unwrap()[..16]));
        let e = crate::sign::PublicKey::parse(&pem).err().unwrap();
        assert!(!e.message.contains(&body[..16]) && e.message.contains("private key"));
    }

    #[test]
    fn raw_seed_is_reported_as_such() {
        assert_eq!(key_form(&[3; 32]).unwrap(), KeyForm::RawSeed);
    }
}

//! A public key as people hand it over: `ed25519:<hex>`, or the contents
//! of a `.pub` file, which may hold `#` comments and blank lines.

use crate::sign::{KeyError, PublicKey};
use crate::Code;

/// The key in `text`: its first line that is neither blank nor a `#`
/// comment, checked as a trusted key is (`PublicKey::parse`: format and
/// weak keys). Text holding a private key is refused before any line is
/// read, so the error says what it is and never depends on the secret.
pub fn from_text(text: &str) -> Result<PublicKey, KeyError> {
    if text.contains("PRIVATE KEY") {
        return Err(format_error(
            "that is a private key: add only the public key (ed25519:…, the .pub file)",
        ));
    }
    let line = text
        .lines()
        .map(trim)
        .find(|l| !l.is_empty() && !l.starts_with('#'))
        .ok_or_else(|| {
            format_error("no key given: paste ed25519:<64 hex digits> or open a .pub file")
        })?;
    PublicKey::parse(line)
}

/// White space around a line, a byte-order mark included: editors on
/// Windows start text files with one.
fn trim(line: &str) -> &str {
    line.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}')
}

fn format_error(message: &str) -> KeyError {
    KeyError {
        code: Code::KeyFormat,
        message: message.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sign::SecretKey;

    #[test]
    fn the_first_line_that_is_not_a_comment_is_the_key() {
        let key = SecretKey::from_seed(&[3; 32]).public();
        let text = key.to_string();
        assert_eq!(from_text(&text).unwrap(), key);
        let upper = text.to_uppercase().replace("ED25519", "ed25519");
        let file = format!("\u{feff}# the publisher\r\n\n  {upper}  \r\n# trailing\n");
        assert_eq!(from_text(&file).unwrap(), key);
    }

    #[test]
    fn private_keys_blank_text_and_bad_keys_are_key_format_errors() {
        let pem = SecretKey::from_seed(&[3; 32]).to_pkcs8_pem();
        let private = from_text(&pem).unwrap_err();
        assert!(private.message.contains("private key"), "{private}");
        assert!(!private.message.contains(pem.lines().nth(1).unwrap()));
        for bad in [
            "",
            "# only a comment\n",
            "ed25519:abc",
            &format!("ed25519:{}", "0".repeat(64)),
            "ssh-ed25519 AAAA",
        ] {
            assert_eq!(from_text(bad).unwrap_err().code, Code::KeyFormat, "{bad:?}");
        }
    }
}

//! Text from packages, manifests and registries as it may reach a
//! terminal: control characters (C0, DEL, C1: ESC starts the sequences
//! that move the cursor, recolour or rewrite a line) and the characters
//! that reorder or hide text (bidi overrides, isolates and marks;
//! zero-width characters) are shown as `\u{…}` escapes. JSON output needs
//! none of this: serde escapes controls, and the consumer decides.

use std::borrow::Cow;

/// Whether `c` must never reach a terminal as itself.
pub fn is_unsafe_char(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061C}'
                | '\u{200B}'..='\u{200F}'
                | '\u{2028}'..='\u{202E}'
                | '\u{2060}'..='\u{2069}'
                | '\u{FEFF}'
                | '\u{FFF9}'..='\u{FFFB}'
        )
}

/// `s` with every unsafe character as `\u{XXXX}` (lowercase hex, at
/// least four digits); everything else as it is.
pub fn escape(s: &str) -> Cow<'_, str> {
    if !has_unsafe_chars(s) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if is_unsafe_char(c) {
            out.push_str(&format!("\\u{{{:04x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// `escape` for text of several lines that we composed (error messages
/// and hints): line breaks stay, every other unsafe character is escaped.
pub fn escape_lines(s: &str) -> Cow<'_, str> {
    if !s.contains('\n') {
        return escape(s);
    }
    Cow::Owned(
        s.split('\n')
            .map(|line| escape(line).into_owned())
            .collect::<Vec<_>>()
            .join("\n"),
    )
}

/// Whether a displayed field holds anything `escape` would change.
pub fn has_unsafe_chars(s: &str) -> bool {
    s.chars().any(is_unsafe_char)
}

/// How a signer is named to people. The identity is the key: its ID and
/// the name the user gave it when trusting it. What the package says
/// about its publisher (`integrity.publisher`) is anyone's to write, so
/// it is shown only as a claim, never as who signed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignerText {
    /// `key 3a0c6e1d4b2f7a95, trusted as "Alice"` or `key 3a0c6e1d4b2f7a95`.
    pub key: String,
    /// `the package says its publisher is "Alice Corp"`.
    pub claim: Option<String>,
}

/// The signer of key `key_id`, named as the user trusted it (`trusted_as`)
/// and, apart, what the package claims (`claimed`); all of it escaped.
pub fn signer_text(key_id: &str, trusted_as: Option<&str>, claimed: Option<&str>) -> SignerText {
    let key = match trusted_as {
        Some(n) if !n.is_empty() => format!("key {}, trusted as \"{}\"", escape(key_id), escape(n)),
        _ => format!("key {}", escape(key_id)),
    };
    SignerText {
        key,
        claim: claimed
            .filter(|c| !c.is_empty())
            .map(|c| format!("the package says its publisher is \"{}\"", escape(c))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_and_bidi_are_escaped_and_plain_text_is_untouched() {
        assert!(matches!(escape("Alice Corp — ok ✓"), Cow::Borrowed(_)));
        assert_eq!(
            escape("x\x1b[2K\r\x1b[32mVERIFIED"),
            "x\\u{001b}[2K\\u{000d}\\u{001b}[32mVERIFIED"
        );
        assert_eq!(
            escape("a\u{202E}b\u{2066}c\u{200B}d"),
            "a\\u{202e}b\\u{2066}c\\u{200b}d"
        );
        assert_eq!(escape("a\u{85}b\u{7f}"), "a\\u{0085}b\\u{007f}");
        assert_eq!(escape("line\nbreak"), "line\\u{000a}break");
        assert_eq!(escape("C:\\path"), "C:\\path");
        assert_eq!(escape_lines("a\x1b\nb\r"), "a\\u{001b}\nb\\u{000d}");
    }

    #[test]
    fn the_signer_is_the_key_and_the_publisher_only_a_claim() {
        let t = signer_text("3a0c", Some("Alice"), Some("Bob Corp\x1b[2K"));
        assert_eq!(t.key, "key 3a0c, trusted as \"Alice\"");
        assert_eq!(
            t.claim.as_deref(),
            Some("the package says its publisher is \"Bob Corp\\u{001b}[2K\"")
        );
        assert_eq!(signer_text("3a0c", None, None).key, "key 3a0c");
    }
}

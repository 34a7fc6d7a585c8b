//! Safetensors header parsing and base-model fingerprints over arbitrary
//! bytes.
//!
//! The input is split at NUL bytes (never valid inside JSON): the first
//! piece is `config.json`, each later piece is one safetensors header. The
//! whole input is also parsed as one header, and its first 8 bytes as a
//! length prefix.
//!
//! Invariants: nothing panics; `header_len` accepts exactly 1..=MAX_HEADER;
//! a fingerprint is `sha256:` and 64 lowercase hex digits, it is the same
//! when computed twice, it fails whenever a header fails `parse_header`, and
//! it ignores the headers' file names.

#![no_main]

use expert_core::fingerprint::{fingerprint, header_len, parse_header, MAX_HEADER};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Some(prefix) = data.first_chunk::<8>() {
        let n = u64::from_le_bytes(*prefix);
        assert_eq!(header_len(prefix).is_ok(), (1..=MAX_HEADER).contains(&n));
    }
    let whole = parse_header(data);
    if let Ok(tensors) = &whole {
        assert!(tensors.iter().all(|t| t.name != "__metadata__"));
    }

    let mut pieces = data.split(|&b| b == 0);
    let config = pieces.next().unwrap_or_default();
    let headers: Vec<(String, Vec<u8>)> = pieces
        .enumerate()
        .map(|(i, h)| (format!("model-{i:05}.safetensors"), h.to_vec()))
        .collect();
    let fp = fingerprint(config, &headers);
    if headers.iter().any(|(_, h)| parse_header(h).is_err()) {
        assert!(
            fp.is_err(),
            "a fingerprint over a header that does not parse"
        );
    }
    if let Ok(fp) = &fp {
        let hex = fp.strip_prefix("sha256:").expect("sha256: prefix");
        assert!(
            hex.len() == 64 && hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')),
            "malformed fingerprint {fp}"
        );
        assert_eq!(
            fingerprint(config, &headers).as_ref(),
            Ok(fp),
            "not deterministic"
        );
        let renamed: Vec<(String, Vec<u8>)> = headers
            .iter()
            .map(|(n, h)| (format!("other/{n}"), h.clone()))
            .collect();
        assert_eq!(
            fingerprint(config, &renamed).as_ref(),
            Ok(fp),
            "file names changed the fingerprint"
        );
    }
});

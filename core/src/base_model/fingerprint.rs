//! Base-model fingerprints: a hash over `config.json` and every safetensors
//! header (tensor names, dtypes, shapes), never the multi-GB data. Two model
//! directories with the same architecture and tensor layout agree; a
//! different size or a re-shaped checkpoint does not.

use crate::json::{canonicalize, parse, Node, Value};
use crate::util::hex;
use sha2::{Digest, Sha256};

/// Largest safetensors header accepted (the format allows 100 MB).
pub const MAX_HEADER: u64 = 100 << 20;
const DOMAIN: &[u8] = b"expert-base-model-fingerprint-v1\0";

/// Why a model directory cannot be fingerprinted; the text names the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FingerprintError(pub String);

impl std::fmt::Display for FingerprintError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Length of the JSON header from a safetensors file's first 8 bytes.
pub fn header_len(prefix: &[u8; 8]) -> Result<u64, FingerprintError> {
    let n = u64::from_le_bytes(*prefix);
    if n == 0 || n > MAX_HEADER {
        return Err(FingerprintError(format!(
            "safetensors header length {n} is out of range"
        )));
    }
    Ok(n)
}

/// One tensor from a safetensors header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TensorInfo {
    /// The tensor's name, such as `model.embed_tokens.weight`.
    pub name: String,
    /// Its element type as safetensors spells it (`BF16`, `F32`, …).
    pub dtype: String,
    /// Its dimensions.
    pub shape: Vec<u64>,
}

/// Parses a safetensors JSON header (without its 8-byte length prefix).
pub fn parse_header(header: &[u8]) -> Result<Vec<TensorInfo>, FingerprintError> {
    let root = parse(header, 16)
        .map_err(|e| FingerprintError(format!("safetensors header: {}", e.message)))?
        .root;
    let members = root
        .members()
        .ok_or_else(|| FingerprintError("safetensors header is not an object".into()))?;
    let mut out = Vec::new();
    for m in members.iter().filter(|m| m.key.value != "__metadata__") {
        let dtype = m.value.get("dtype").and_then(Node::as_str);
        let shape: Option<Vec<u64>> = m
            .value
            .get("shape")
            .and_then(Node::items)
            .map(|s| s.iter().filter_map(Node::as_u64).collect());
        match (dtype, shape) {
            (Some(d), Some(s)) => out.push(TensorInfo {
                name: m.key.value.clone(),
                dtype: d.to_string(),
                shape: s,
            }),
            _ => {
                return Err(FingerprintError(format!(
                    "tensor {:?} lacks dtype or shape",
                    m.key.value
                )))
            }
        }
    }
    Ok(out)
}

/// `sha256:<hex>` over the canonical config and the sorted tensor list.
/// `headers` pairs each safetensors file name with its JSON header.
pub fn fingerprint(
    config_json: &[u8],
    headers: &[(String, Vec<u8>)],
) -> Result<String, FingerprintError> {
    let config = parse(config_json, 64)
        .map_err(|e| FingerprintError(format!("config.json: {}", e.message)))?
        .root;
    let mut tensors = Vec::new();
    for (_, h) in headers {
        tensors.extend(parse_header(h)?);
    }
    tensors.sort_by(|a, b| a.name.cmp(&b.name));
    let list = tensors
        .iter()
        .map(|t| {
            let shape = Node::new(Value::Array(
                t.shape.iter().map(|&d| Node::uint(d)).collect(),
            ));
            Node::object(vec![
                ("name", Node::string(&t.name)),
                ("dtype", Node::string(&t.dtype)),
                ("shape", shape),
            ])
        })
        .collect();
    let doc = Node::object(vec![
        ("config", config),
        ("tensors", Node::new(Value::Array(list))),
    ]);
    let text = canonicalize(&doc).map_err(|e| {
        FingerprintError(format!(
            "config.json has a number without a canonical form: {}",
            e.raw
        ))
    })?;
    let mut h = Sha256::new();
    h.update(DOMAIN);
    h.update(text.as_bytes());
    Ok(format!("sha256:{}", hex::encode(&h.finalize())))
}

#[cfg(test)]
mod tests {
    use super::*;

    const H: &[u8] = br#"{"__metadata__":{"format":"pt"},"b":{"dtype":"BF16","shape":[2,3],"data_offsets":[0,12]},"a":{"dtype":"F32","shape":[4],"data_offsets":[12,28]}}"#;

    #[test]
    fn depends_on_config_and_shapes_not_on_order_or_offsets() {
        let fp = fingerprint(
            br#"{"hidden_size": 1024}"#,
            &[("m.safetensors".into(), H.to_vec())],
        )
        .unwrap();
        assert!(fp.starts_with("sha256:") && fp.len() == 71);
        let moved = String::from_utf8(H.to_vec())
            .unwrap()
            .replace("[0,12]", "[16,28]")
            .replace("[12,28]", "[0,16]");
        assert_eq!(
            fp,
            fingerprint(
                br#"{ "hidden_size" : 1024 }"#,
                &[("x.safetensors".into(), moved.into_bytes())]
            )
            .unwrap()
        );
        let reshaped = String::from_utf8(H.to_vec())
            .unwrap()
            .replace("[2,3]", "[3,2]");
        assert_ne!(
            fp,
            fingerprint(
                br#"{"hidden_size": 1024}"#,
                &[("m.safetensors".into(), reshaped.into_bytes())]
            )
            .unwrap()
        );
        assert_ne!(
            fp,
            fingerprint(
                br#"{"hidden_size": 2048}"#,
                &[("m.safetensors".into(), H.to_vec())]
            )
            .unwrap()
        );
    }

    #[test]
    fn rejects_bad_headers() {
        assert!(header_len(&[0; 8]).is_err());
        assert!(header_len(&u64::MAX.to_le_bytes()).is_err());
        assert!(parse_header(br#"{"t":{"dtype":"F32"}}"#).is_err());
        assert!(parse_header(b"[1]").is_err());
    }
}

//! RFC 8785 JSON Canonicalization Scheme over the lossless tree.
//!
//! Numbers are read as IEEE 754 doubles and printed the way ECMAScript does
//! (via `ryu-js`); keys are sorted by UTF-16 code units. RFC 8785 has no rule
//! for duplicate keys: we emit every member, sorted stably, so that a
//! duplicated `_comment` is still covered by a signature.

use super::{Node, Value};

/// A number that has no exact canonical form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NumberError {
    pub raw: String,
}

/// The canonical bytes of `node`.
pub fn canonicalize(node: &Node) -> Result<String, NumberError> {
    let mut out = String::new();
    write(node, &mut out)?;
    Ok(out)
}

fn write(node: &Node, out: &mut String) -> Result<(), NumberError> {
    match &node.value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(raw) => {
            let v: f64 = raw.parse().map_err(|_| NumberError { raw: raw.clone() })?;
            if !v.is_finite() {
                return Err(NumberError { raw: raw.clone() });
            }
            if v == 0.0 {
                out.push('0');
            } else {
                out.push_str(ryu_js::Buffer::new().format_finite(v));
            }
        }
        Value::String(s) => string(&s.value, out),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write(item, out)?;
            }
            out.push(']');
        }
        Value::Object(members) => {
            let mut sorted: Vec<_> = members.iter().collect();
            // Each key is converted once (not once per comparison); the
            // sort keeps equal keys in order.
            sorted.sort_by_cached_key(|m| m.key.value.encode_utf16().collect::<Vec<u16>>());
            out.push('{');
            for (i, m) in sorted.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                string(&m.key.value, out);
                out.push(':');
                write(&m.value, out)?;
            }
            out.push('}');
        }
    }
    Ok(())
}

fn string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\u{c}' => out.push_str("\\f"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::super::parse;
    use super::*;

    fn jcs(s: &str) -> String {
        canonicalize(&parse(s.as_bytes(), 64).unwrap().root).unwrap()
    }

    #[test]
    fn rfc8785_number_and_order_examples() {
        assert_eq!(
            jcs("[1E30, 4.50, 2e-3, 0.000001, 1e-7, -0, 8.0]"),
            "[1e+30,4.5,0.002,0.000001,1e-7,0,8]"
        );
        // RFC 8785 §3.2.3: sorting by UTF-16 code units.
        assert_eq!(
            jcs(r#"{"\u20ac":1,"\r":2,"\ud83d\ude00":3,"1":4,"\u00f6":5}"#),
            "{\"\\r\":2,\"1\":4,\"ö\":5,\"€\":1,\"😀\":3}"
        );
    }

    #[test]
    fn rejects_numbers_without_a_double() {
        assert!(canonicalize(&parse(b"1e400", 4).unwrap().root).is_err());
    }

    #[test]
    fn agrees_with_a_maintained_implementation_on_the_corpus() {
        let bytes =
            include_bytes!("../../../tests/fixtures/corpus/real-experts/expert-json/manifest.json");
        let ours = canonicalize(&parse(bytes, 128).unwrap().root).unwrap();
        let v: serde_json::Value = serde_json::from_slice(bytes).unwrap();
        assert_eq!(ours, serde_json_canonicalizer::to_string(&v).unwrap());
    }
}

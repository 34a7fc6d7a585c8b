//! The small text formats of `expert_core::text` for the npm package: a
//! public key and its key ID from `.pub` text, RFC 3339 timestamps, and
//! the `.sha256` sidecar. Each is the core's function; this only names the
//! JS argument in its errors.

use crate::error;
use expert_core::sign::PublicKey;
use expert_core::text::sidecar::{self, SidecarError};
use expert_core::text::{public_key, timestamp};
use expert_core::Code;
use wasm_bindgen::prelude::*;

fn public_key_of(text: &str) -> Result<PublicKey, JsValue> {
    public_key::from_text(text).map_err(|e| error(e.code, &e.message))
}

/// `ed25519:<64 lowercase hex>` from a key or a `.pub` file's text.
#[wasm_bindgen(js_name = parsePublicKey)]
pub fn parse_public_key(text: &str) -> Result<String, JsValue> {
    public_key_of(text).map(|k| k.to_string())
}

/// The key ID of the key in `text`, as verdicts and `keygen` give it.
#[wasm_bindgen(js_name = keyId)]
pub fn key_id(text: &str) -> Result<String, JsValue> {
    public_key_of(text).map(|k| k.key_id())
}

/// Seconds since the epoch of `value`, an RFC 3339 timestamp; the error
/// names it as `what` and quotes it as `JSON.stringify` does (any value:
/// one that is not a string is not a timestamp).
#[wasm_bindgen(js_name = parseTimestamp)]
pub fn parse_timestamp(value: JsValue, what: &str) -> Result<f64, JsValue> {
    let text = value.as_string().unwrap_or_default();
    timestamp::parse(&text).map(|s| s as f64).map_err(|e| {
        let quoted = js_sys::JSON::stringify(&value)
            .ok()
            .and_then(|s| s.as_string())
            .unwrap_or_else(|| "undefined".into());
        error(Code::CreatedAt, &format!("{what} {quoted} is {e}"))
    })
}

/// The `.sha256` file's text; a value that is not a string is refused as
/// an empty one is.
#[wasm_bindgen]
pub fn sidecar(file_name: JsValue, sha256: JsValue) -> Result<String, JsValue> {
    let text = |v: JsValue| v.as_string().unwrap_or_default();
    sidecar::line(&text(file_name), &text(sha256)).map_err(|e| {
        let message = match e {
            SidecarError::FileName => {
                "fileName must be a file name without a directory, backslash or line break"
            }
            SidecarError::Digest => "sha256 must be 64 lowercase hex digits",
        };
        error(Code::BadArgument, message)
    })
}

//! The two halves of `Verifier`, so that JS can inflate on one thread (a
//! worker) while the main thread walks the tar stream and hashes: the CLI's
//! two-core verify, in wasm. The verdict equals `Verifier`'s: the core's
//! `TarHalf` keeps each error's place in the stream.

use crate::{report, trusted_keys, ReadError};
use expert_core::archive::SmallFiles;
use expert_core::archive::{ArchiveError, GzipDecoder, TarHalf};
use expert_core::sign::PublicKey;
use expert_core::{Code, Limits};
use wasm_bindgen::prelude::*;

/// Compressed bytes inflated per step: output per step is then at most
/// about this times deflate's maximum ratio, whatever the input.
const STEP: usize = 4 << 10;

/// The gzip half: compressed bytes in (`push`), tar bytes out (`read`) into
/// the caller's buffers, so the caller can hold back when the tar half
/// falls behind, buffers can be reused, and memory stays bounded even for a
/// decompression bomb.
#[wasm_bindgen]
pub struct Inflater {
    gz: GzipDecoder,
    input: Vec<u8>,
    input_at: usize,
    out: Vec<u8>,
    out_at: usize,
    failed: Option<ArchiveError>,
}

impl Default for Inflater {
    fn default() -> Self {
        Self::new()
    }
}

#[wasm_bindgen]
impl Inflater {
    #[wasm_bindgen(constructor)]
    pub fn new() -> Inflater {
        Inflater {
            gz: GzipDecoder::new(Limits::default()),
            input: Vec::new(),
            input_at: 0,
            out: Vec::new(),
            out_at: 0,
            failed: None,
        }
    }

    /// Queues compressed bytes; `read` inflates them.
    pub fn push(&mut self, chunk: &[u8]) {
        self.input.drain(..self.input_at);
        self.input_at = 0;
        self.input.extend_from_slice(chunk);
    }

    /// Fills `dst` with the next tar bytes and returns how many; 0 once the
    /// queued input is used up. Never throws: after an error, `error` holds
    /// it, the bytes before it are still read, and later input is ignored.
    pub fn read(&mut self, dst: &js_sys::Uint8Array) -> u32 {
        let want = dst.length() as usize;
        while self.out.len() - self.out_at < want
            && self.failed.is_none()
            && self.input_at < self.input.len()
        {
            self.out.drain(..self.out_at);
            self.out_at = 0;
            let end = self.input.len().min(self.input_at + STEP);
            let out = &mut self.out;
            let r = self.gz.push(&self.input[self.input_at..end], &mut |data| {
                out.extend_from_slice(data);
                Ok(())
            });
            self.input_at = end;
            self.failed = r.err();
        }
        let n = want.min(self.out.len() - self.out_at);
        dst.subarray(0, n as u32)
            .copy_from(&self.out[self.out_at..self.out_at + n]);
        self.out_at += n;
        n as u32
    }

    /// `{code, message}` of the first error, or undefined.
    #[wasm_bindgen(getter)]
    pub fn error(&self) -> JsValue {
        self.failed.as_ref().map_or(JsValue::UNDEFINED, relay)
    }

    /// At the end of the input: `{code, message}` if the stream is broken
    /// or cut short, else undefined.
    pub fn finish(&self) -> JsValue {
        match &self.failed {
            Some(e) => relay(e),
            None => self
                .gz
                .finish()
                .err()
                .as_ref()
                .map_or(JsValue::UNDEFINED, relay),
        }
    }
}

fn relay(e: &ArchiveError) -> JsValue {
    let o = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&o, &"code".into(), &e.code.as_str().into());
    let _ = js_sys::Reflect::set(&o, &"message".into(), &e.message.as_str().into());
    o.into()
}

/// The tar half: tar bytes in, the verdict and inspection out.
#[wasm_bindgen]
pub struct TarVerifier {
    tar: TarHalf,
    small: SmallFiles,
    trusted: Vec<PublicKey>,
}

#[wasm_bindgen]
impl TarVerifier {
    /// Throws `E_KEY_FORMAT` for a trusted key that is not `ed25519:<hex>`.
    #[wasm_bindgen(constructor)]
    pub fn new(trusted_keys_in: Vec<String>) -> Result<TarVerifier, JsValue> {
        Ok(TarVerifier {
            tar: TarHalf::new(Limits::default()),
            small: SmallFiles::default(),
            trusted: trusted_keys(&trusted_keys_in)?,
        })
    }

    /// Ignored once the tar stream has failed (see `failed`).
    pub fn push(&mut self, data: &[u8]) {
        self.tar.push(data, &mut self.small);
    }

    /// The tar stream is already broken: more input cannot change the verdict.
    #[wasm_bindgen(getter)]
    pub fn failed(&self) -> bool {
        self.tar.failed()
    }

    /// `{verdict, inspection, inspectError}`; `upstream_code` and
    /// `upstream_message` are the gzip half's error, if it had one, after
    /// all the bytes it produced were pushed.
    pub fn finish(
        self,
        upstream_code: Option<String>,
        upstream_message: Option<String>,
    ) -> Result<JsValue, JsValue> {
        // Codes come from our own gzip half (or the JS wrapper's worker);
        // anything else would be a bug.
        let relayed = upstream_code.map(|code| {
            ArchiveError::new(
                code.parse().unwrap_or(Code::Internal),
                upstream_message.unwrap_or_default(),
            )
        });
        let records = self.tar.finish(relayed).map_err(ReadError::from);
        report(records, self.small, &self.trusted)
    }
}

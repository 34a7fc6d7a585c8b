//! wasm-bindgen bindings of `expert-core` for the npm package
//! `expert-format`.
//!
//! These are thin: every decision is the core's, made by the same calls the
//! CLI makes, and results are serialized with `serde_json` exactly as the
//! CLI's `--json` prints them, then handed to JS through `JSON.parse`. Bytes
//! come in as chunks, randomness as a seed and time as numbers, all from the
//! JS wrapper (`index.js`), which also turns Blobs and streams into chunks.
//!
//! Errors reach JS as `Error` objects with a stable string `code`.

use expert_core::archive::SmallFiles;
use expert_core::archive::{ArchiveError, ArchiveReader, EntryRecord};
use expert_core::inspect::{inspect, Inspection};
use expert_core::manifest::{self, Manifest, SelectError};
use expert_core::package::build::{
    build_package as core_build, build_times, default_publisher, progress_total, BuildOptions,
    Signer,
};
use expert_core::package::PlanOptions;
use expert_core::sign::{
    read_key_file, unreadable, verify_package, Problem, PublicKey, SecretKey, Verdict,
};
use expert_core::util::{hex, rfc3339_utc};
use expert_core::{Code, Limits};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::io::Write;
use wasm_bindgen::prelude::*;

mod file_set;
mod install;
mod panic;
mod pipeline;
mod text;
pub use file_set::FileSet;
pub use pipeline::{Inflater, TarVerifier};

/// A JS `Error` with a stable `code` property (`Code::as_str`).
pub(crate) fn error(code: Code, message: &str) -> JsValue {
    let e = js_sys::Error::new(message);
    let _ = js_sys::Reflect::set(
        &e,
        &JsValue::from_str("code"),
        &JsValue::from_str(code.as_str()),
    );
    e.into()
}

/// `error` with `reason`: the core's message alone, without the name of
/// the argument it is about (for pages that show it to people).
fn error_with_reason(code: Code, argument: &str, reason: &str) -> JsValue {
    let e = error(code, &format!("{argument}: {reason}"));
    let _ = js_sys::Reflect::set(&e, &JsValue::from_str("reason"), &JsValue::from_str(reason));
    e
}

/// The value as the plain JS object that `JSON.parse` gives for the CLI's
/// `--json` output.
pub(crate) fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsValue> {
    let text = serde_json::to_string(value).map_err(|e| error(Code::Internal, &e.to_string()))?;
    js_sys::JSON::parse(&text)
}

/// Parses a manifest that must be valid, as `package` does.
fn parse_manifest(bytes: &[u8]) -> Result<Manifest, JsValue> {
    Manifest::parse(bytes, &Limits::default()).map_err(|report| {
        let first = report
            .errors()
            .next()
            .map(|d| format!("{}: {}", d.code, d.message))
            .unwrap_or_default();
        let e = error(
            Code::ManifestInvalid,
            &format!("the manifest is invalid: {first}"),
        );
        if let Ok(diagnostics) = to_js(&report.diagnostics) {
            let _ = js_sys::Reflect::set(&e, &JsValue::from_str("diagnostics"), &diagnostics);
        }
        e
    })
}

/// `manifest::choose_model`, the rule of `package --model`, as a JS error.
fn choose_model(m: &Manifest, query: Option<&str>) -> Result<usize, JsValue> {
    manifest::choose_model(m, query).map_err(|e| match e {
        SelectError::Required { .. } => error(e.code(), &format!("{e}; pass model")),
        e => error(e.code(), &e.to_string()),
    })
}

/// `validate --json` for manifest bytes.
#[wasm_bindgen(js_name = validateManifest)]
pub fn validate_manifest(bytes: &[u8]) -> Result<JsValue, JsValue> {
    to_js(&manifest::validate(bytes, &Limits::default()))
}

#[derive(Serialize)]
struct Selected<'a> {
    index: usize,
    name: &'a str,
}

#[wasm_bindgen(js_name = selectModel)]
pub fn select_model(manifest: &[u8], query: &str) -> Result<JsValue, JsValue> {
    let m = parse_manifest(manifest)?;
    let index = choose_model(&m, Some(query))?;
    to_js(&Selected {
        index,
        name: m.model_names()[index],
    })
}

/// The base model names the manifest declares, in order: those
/// `selectModel` and `package --model` choose from.
#[wasm_bindgen(js_name = modelNames)]
pub fn model_names(manifest: &[u8]) -> Result<JsValue, JsValue> {
    to_js(&parse_manifest(manifest)?.model_names())
}

#[wasm_bindgen(js_name = packageFileName)]
pub fn package_file_name(manifest: &[u8], model: Option<String>) -> Result<String, JsValue> {
    let m = parse_manifest(manifest)?;
    let index = choose_model(&m, model.as_deref())?;
    Ok(m.package_file_name(m.model_names()[index]))
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct KeyPair {
    private_key_pem: String,
    public_key: String,
    key_id: String,
}

/// A key pair from 32 random bytes (the wrapper takes them from
/// `crypto.getRandomValues`). The seed is zeroed, in wasm memory and in
/// the caller's array.
#[wasm_bindgen(js_name = keyPairFromSeed)]
pub fn key_pair_from_seed(seed: &mut [u8]) -> Result<JsValue, JsValue> {
    let mut bytes = [0u8; 32];
    if seed.len() != bytes.len() {
        return Err(error(Code::BadArgument, "the seed must be 32 bytes"));
    }
    bytes.copy_from_slice(seed);
    seed.fill(0);
    let key = SecretKey::from_seed(&bytes);
    bytes.fill(0);
    let public = key.public();
    to_js(&KeyPair {
        private_key_pem: key.to_pkcs8_pem(),
        public_key: public.to_string(),
        key_id: public.key_id(),
    })
}

/// `inspect --json`, fed in chunks.
#[wasm_bindgen]
pub struct Inspector {
    reader: ArchiveReader,
    small: SmallFiles,
}

impl Default for Inspector {
    fn default() -> Self {
        Self::new()
    }
}

#[wasm_bindgen]
impl Inspector {
    #[wasm_bindgen(constructor)]
    pub fn new() -> Inspector {
        Inspector {
            reader: ArchiveReader::new(Limits::default()),
            small: SmallFiles::default(),
        }
    }

    /// Throws at the first malformed byte, so the caller can stop reading.
    pub fn update(&mut self, chunk: &[u8]) -> Result<(), JsValue> {
        self.reader
            .update(chunk, &mut self.small)
            .map_err(|e| error(e.code, &e.message))
    }

    pub fn finish(self) -> Result<JsValue, JsValue> {
        let records = self.reader.finish().map_err(ReadError::from);
        let info = inspection_of(records.as_deref(), &self.small)
            .map_err(|e| error(e.code, &e.message))?;
        to_js(&info)
    }
}

/// A reader error, possibly relayed as text from the other half of a
/// two-thread read.
#[derive(Clone)]
pub(crate) struct ReadError {
    pub code: Code,
    pub message: String,
}

impl From<ArchiveError> for ReadError {
    fn from(e: ArchiveError) -> Self {
        ReadError {
            code: e.code,
            message: e.message,
        }
    }
}

/// `inspect --json` from a finished read, or the error `inspect` gives.
fn inspection_of(
    records: Result<&[EntryRecord], &ReadError>,
    small: &SmallFiles,
) -> Result<Inspection, ReadError> {
    let records = records.map_err(ReadError::clone)?;
    let manifest = small.require_manifest()?;
    inspect(records, manifest, &Limits::default()).map_err(|e| ReadError {
        code: e.kind.code(),
        message: format!("manifest.json: {}", e.message),
    })
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Report {
    verdict: Verdict,
    inspection: Option<Inspection>,
    inspect_error: Option<Problem>,
}

/// What one pass over a package yields: the `verify --json` verdict and,
/// from the same records, the `inspect --json` object or its error.
pub(crate) fn report(
    records: Result<Vec<EntryRecord>, ReadError>,
    small: SmallFiles,
    trusted: &[PublicKey],
) -> Result<JsValue, JsValue> {
    let (inspection, inspect_error) = match inspection_of(records.as_deref(), &small) {
        Ok(i) => (Some(i), None),
        Err(e) => (
            None,
            Some(Problem {
                code: e.code,
                message: e.message,
            }),
        ),
    };
    let verdict = match records {
        Ok(r) => verify_package(Ok(r), small, trusted, &Limits::default()),
        Err(e) => unreadable(e.code, e.message),
    };
    to_js(&Report {
        verdict,
        inspection,
        inspect_error,
    })
}

/// Parses `trustedKeys`; `E_KEY_FORMAT` names the first bad one.
pub(crate) fn trusted_keys(keys: &[String]) -> Result<Vec<PublicKey>, JsValue> {
    keys.iter()
        .enumerate()
        .map(|(i, k)| {
            PublicKey::parse(k).map_err(|e| {
                error_with_reason(
                    Code::KeyFormat,
                    &format!("trustedKeys[{i}]"),
                    &e.to_string(),
                )
            })
        })
        .collect()
}

/// `verify --json` (and `inspect --json`), fed in chunks. Bad packages give
/// a verdict, never an error.
#[wasm_bindgen]
pub struct Verifier {
    reader: ArchiveReader,
    small: SmallFiles,
    trusted: Vec<PublicKey>,
}

#[wasm_bindgen]
impl Verifier {
    /// Throws `E_KEY_FORMAT` for a trusted key that is not `ed25519:<hex>`.
    #[wasm_bindgen(constructor)]
    pub fn new(trusted_keys_in: Vec<String>) -> Result<Verifier, JsValue> {
        Ok(Verifier {
            reader: ArchiveReader::new(Limits::default()),
            small: SmallFiles::default(),
            trusted: trusted_keys(&trusted_keys_in)?,
        })
    }

    /// Errors are kept for `finish`: the caller streams without checking.
    pub fn update(&mut self, chunk: &[u8]) {
        let _ = self.reader.update(chunk, &mut self.small);
    }

    /// `{verdict, inspection, inspectError}`.
    pub fn finish(self) -> Result<JsValue, JsValue> {
        let records = self.reader.finish().map_err(ReadError::from);
        report(records, self.small, &self.trusted)
    }
}

/// Hands the package to JS in chunks (so it never sits whole in wasm
/// memory) and hashes it on the way.
struct JsSink<'a> {
    callback: &'a js_sys::Function,
    buf: Vec<u8>,
    hasher: Sha256,
    len: u64,
}

const SINK_CHUNK: usize = 1 << 20;
/// Progress is reported to JS about once per this many bytes.
const PROGRESS_STEP: u64 = 1 << 20;

impl JsSink<'_> {
    fn flush_to_js(&mut self) -> std::io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let chunk = js_sys::Uint8Array::from(&self.buf[..]);
        self.buf.clear();
        self.callback
            .call1(&JsValue::NULL, &chunk)
            .map(|_| ())
            .map_err(|e| {
                std::io::Error::other(
                    e.as_string()
                        .unwrap_or_else(|| "the output callback threw".into()),
                )
            })
    }
}

impl Write for JsSink<'_> {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.hasher.update(data);
        self.len += data.len() as u64;
        self.buf.extend_from_slice(data);
        if self.buf.len() >= SINK_CHUNK {
            self.flush_to_js()?;
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct BuildOut {
    file_name: String,
    model: String,
    sha256: String,
    size: u64,
}

/// Seconds since the epoch from a JS number.
fn epoch(seconds: f64, what: &str) -> Result<u64, JsValue> {
    if seconds.is_finite()
        && seconds >= 0.0
        && seconds.fract() == 0.0
        && seconds <= 9_007_199_254_740_991.0
    {
        Ok(seconds as u64)
    } else {
        Err(error(
            Code::CreatedAt,
            &format!("{what} must be whole seconds since 1970-01-01T00:00:00Z"),
        ))
    }
}

/// `signingKey`: PKCS#8 (encrypted ones with `signingKeyPassphrase`) or
/// upstream's raw seed. Errors never contain the key.
fn signing_key_of(bytes: &[u8], passphrase: Option<&str>) -> Result<SecretKey, JsValue> {
    read_key_file(
        bytes,
        passphrase.filter(|p| !p.is_empty()).map(str::as_bytes),
    )
    .map(|(k, _)| k)
    .map_err(|e| match e.code {
        Code::KeyPassphrase => error(
            e.code,
            "signingKey is encrypted; pass its passphrase as signingKeyPassphrase",
        ),
        _ => error_with_reason(e.code, "signingKey", &e.to_string()),
    })
}

/// `package`: the CLI's rules. `publisher` is `--publisher`; `created_at`
/// plays `SOURCE_DATE_EPOCH` and, when absent, the signature time comes from
/// the JS clock. The package bytes go to `on_chunk` (Uint8Array copies of
/// about 1 MiB each); `on_progress`, if given, gets `(done, total)` bytes
/// of the core's progress every MiB or so and at the end.
#[wasm_bindgen(js_name = buildPackage)]
// One argument per field of the JS options object; index.js builds the call.
#[allow(clippy::too_many_arguments)]
pub fn build_package(
    manifest: &[u8],
    files: FileSet,
    model: Option<String>,
    signing_key: Option<Vec<u8>>,
    publisher: Option<String>,
    created_at: Option<f64>,
    on_chunk: &js_sys::Function,
    on_progress: Option<js_sys::Function>,
    signing_key_passphrase: Option<String>,
) -> Result<JsValue, JsValue> {
    let m = parse_manifest(manifest)?;
    let index = choose_model(&m, model.as_deref())?;
    let key = signing_key
        .map(|k| signing_key_of(&k, signing_key_passphrase.as_deref()))
        .transpose()?;
    let created_at = created_at.map(|t| epoch(t, "createdAt")).transpose()?;
    let now = epoch((js_sys::Date::now() / 1000.0).floor(), "the clock")?;
    let times = build_times(created_at, now);
    let publisher = publisher.unwrap_or_else(|| default_publisher(Some(&m.root)));
    let opts = BuildOptions {
        plan: PlanOptions::default(),
        mtime: times.mtime,
        signer: key.as_ref().map(|k| Signer {
            key: k,
            publisher,
            created_at: rfc3339_utc(times.signed_at),
        }),
        fingerprint: None,
    };
    let mut sink = JsSink {
        callback: on_chunk,
        buf: Vec::with_capacity(SINK_CHUNK + (64 << 10)),
        hasher: Sha256::new(),
        len: 0,
    };
    let total = match &on_progress {
        Some(_) => {
            progress_total(&files, &m, index, &opts).map_err(|e| error(e.code, &e.message))?
        }
        None => 0,
    };
    let mut done = 0u64;
    let mut shown = 0u64;
    let mut report = |n: u64| {
        done += n;
        if let Some(f) = &on_progress {
            if done > shown && (done - shown >= PROGRESS_STEP || done == total) {
                shown = done;
                let _ = f.call2(
                    &JsValue::NULL,
                    &(done as f64).into(),
                    &(total as f64).into(),
                );
            }
        }
    };
    let built = core_build(&files, &m, index, &opts, &mut sink, &mut report)
        .map_err(|e| error(e.code, &e.message))?;
    sink.flush_to_js()
        .map_err(|e| error(Code::Io, &e.to_string()))?;
    to_js(&BuildOut {
        file_name: built.file_name,
        model: built.model_name,
        sha256: hex::encode(&sink.hasher.finalize()),
        size: sink.len,
    })
}

//! The expert directory that `buildPackage` packages: each file either as
//! bytes, or as a size plus a synchronous JS reader (FileReaderSync over a
//! Blob, in a worker), read a piece at a time so that a multi-GB weights
//! file never sits whole in wasm memory.

use expert_core::package::files::{kind_in_map, list_in_map, ExpertFiles, FileKind};
use std::collections::BTreeMap;
use std::io::Read;
use wasm_bindgen::prelude::*;

/// Bytes fetched from the JS reader per call.
const PIECE: u64 = 1 << 20;

enum Entry {
    Bytes(Vec<u8>),
    /// Read on demand through `FileSet::reader`.
    Lazy(u64),
}

impl Entry {
    fn size(&self) -> u64 {
        match self {
            Entry::Bytes(d) => d.len() as u64,
            Entry::Lazy(n) => *n,
        }
    }
}

/// Path relative to the expert root → contents.
#[wasm_bindgen]
#[derive(Default)]
pub struct FileSet {
    files: BTreeMap<String, Entry>,
    /// `(path, offset, length) => Uint8Array`, for lazy entries.
    reader: Option<js_sys::Function>,
}

#[wasm_bindgen]
impl FileSet {
    #[wasm_bindgen(constructor)]
    pub fn new() -> FileSet {
        FileSet::default()
    }

    pub fn add(&mut self, path: &str, data: Vec<u8>) {
        self.files.insert(path.to_string(), Entry::Bytes(data));
    }

    /// A file of `size` bytes that the reader supplies when it is read.
    #[wasm_bindgen(js_name = addLazy)]
    pub fn add_lazy(&mut self, path: &str, size: f64) {
        self.files
            .insert(path.to_string(), Entry::Lazy(size as u64));
    }

    /// `(path, offset, length) => Uint8Array` of exactly `length` bytes.
    #[wasm_bindgen(js_name = setReader)]
    pub fn set_reader(&mut self, reader: js_sys::Function) {
        self.reader = Some(reader);
    }
}

impl ExpertFiles for FileSet {
    fn kind(&self, rel: &str) -> Result<FileKind, String> {
        Ok(kind_in_map(&self.files, rel, Entry::size))
    }

    fn list(&self, rel: &str) -> Result<Vec<String>, String> {
        Ok(list_in_map(&self.files, rel))
    }

    fn open(&self, rel: &str) -> Result<Box<dyn Read + '_>, String> {
        match self.files.get(rel) {
            Some(Entry::Bytes(d)) => Ok(Box::new(&d[..])),
            Some(Entry::Lazy(size)) => {
                let reader = self
                    .reader
                    .as_ref()
                    .ok_or_else(|| format!("{rel}: no reader for this file"))?;
                Ok(Box::new(JsReader {
                    reader,
                    path: JsValue::from_str(rel),
                    shown: rel.to_string(),
                    at: 0,
                    size: *size,
                    piece: Vec::new(),
                    used: 0,
                }))
            }
            None => Err(format!("{rel}: no such file")),
        }
    }
}

/// Reads a lazy entry through the JS reader, a piece at a time.
struct JsReader<'a> {
    reader: &'a js_sys::Function,
    path: JsValue,
    shown: String,
    /// Offset of the next piece to fetch.
    at: u64,
    size: u64,
    piece: Vec<u8>,
    used: usize,
}

impl JsReader<'_> {
    fn fetch(&mut self) -> std::io::Result<()> {
        let want = PIECE.min(self.size - self.at);
        let got = self
            .reader
            .call3(
                &JsValue::NULL,
                &self.path,
                &JsValue::from_f64(self.at as f64),
                &JsValue::from_f64(want as f64),
            )
            .map_err(|e| {
                let why = e
                    .dyn_ref::<js_sys::Error>()
                    .map(|e| String::from(e.message()))
                    .or_else(|| e.as_string())
                    .unwrap_or_else(|| "the read failed".into());
                std::io::Error::other(format!("{}: {why}", self.shown))
            })?;
        let bytes = js_sys::Uint8Array::new(&got);
        if u64::from(bytes.length()) != want {
            return Err(std::io::Error::other(format!(
                "{}: read {} bytes at offset {} where {want} were expected; did the file change?",
                self.shown,
                bytes.length(),
                self.at
            )));
        }
        self.piece.resize(want as usize, 0);
        bytes.copy_to(&mut self.piece);
        self.used = 0;
        self.at += want;
        Ok(())
    }
}

impl Read for JsReader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.used == self.piece.len() {
            if self.at == self.size {
                return Ok(0);
            }
            self.fetch()?;
        }
        let n = buf.len().min(self.piece.len() - self.used);
        buf[..n].copy_from_slice(&self.piece[self.used..self.used + n]);
        self.used += n;
        Ok(n)
    }
}

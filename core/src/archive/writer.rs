//! Deterministic package writer: entries in the order given (the caller puts
//! `manifest.json` first and sorts the rest), fixed metadata, streamed.

use super::gzip_writer::GzipWriter;
use super::tar_header::{regular_file, BLOCK};
use sha2::{Digest, Sha256};
use std::io::{self, Read, Write};

const COPY_CHUNK: usize = 64 << 10;

pub struct PackageWriter<W: Write> {
    gz: GzipWriter<W>,
    mtime: u64,
    buf: Vec<u8>,
}

impl<W: Write> PackageWriter<W> {
    pub fn new(out: W, mtime: u64) -> io::Result<Self> {
        Ok(PackageWriter {
            gz: GzipWriter::new(out)?,
            mtime,
            buf: vec![0; COPY_CHUNK],
        })
    }

    /// Appends one regular file of exactly `size` bytes read from `src`, and
    /// returns its SHA-256. A source that is shorter or longer than `size`
    /// (a file changed while packaging) is an error.
    pub fn append(&mut self, path: &str, size: u64, src: &mut dyn Read) -> io::Result<[u8; 32]> {
        self.gz.write_all(&regular_file(path, size, self.mtime))?;
        let mut hasher = Sha256::new();
        let mut left = size;
        while left > 0 {
            let want = left.min(self.buf.len() as u64) as usize;
            let n = src.read(&mut self.buf[..want])?;
            if n == 0 {
                return Err(io::Error::new(io::ErrorKind::UnexpectedEof, format!("{path}: shorter than its recorded size of {size} bytes (changed while packaging?)")));
            }
            hasher.update(&self.buf[..n]);
            self.gz.write_all(&self.buf[..n])?;
            left -= n as u64;
        }
        if src.read(&mut self.buf[..1])? != 0 {
            return Err(io::Error::new(io::ErrorKind::InvalidData, format!("{path}: longer than its recorded size of {size} bytes (changed while packaging?)")));
        }
        let pad = (BLOCK - (size % BLOCK as u64) as usize) % BLOCK;
        self.gz.write_all(&[0u8; BLOCK][..pad])?;
        Ok(hasher.finalize().into())
    }

    /// Appends an in-memory file.
    pub fn append_bytes(&mut self, path: &str, data: &[u8]) -> io::Result<[u8; 32]> {
        self.append(path, data.len() as u64, &mut &data[..])
    }

    /// Writes the end-of-archive marker and the gzip trailer.
    pub fn finish(mut self) -> io::Result<W> {
        self.gz.write_all(&[0u8; 2 * BLOCK])?;
        self.gz.finish()
    }
}

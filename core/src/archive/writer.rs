//! Deterministic package writer: entries in the order given (the caller puts
//! `manifest.json` first and sorts the rest), fixed metadata, streamed.

use super::gzip_writer::GzipWriter;
use super::tar_header::{regular_file, BLOCK};
use sha2::{Digest, Sha256};
use std::io::{self, Read, Write};

const COPY_CHUNK: usize = 64 << 10;

/// Writes a package to `W` entry by entry, hashing each as it goes.
pub struct PackageWriter<W: Write> {
    gz: GzipWriter<W>,
    mtime: u64,
    open: Option<(String, u64, Sha256)>,
}

impl<W: Write> PackageWriter<W> {
    /// A writer whose entries all carry `mtime`, compressing on this
    /// thread.
    pub fn new(out: W, mtime: u64) -> io::Result<Self> {
        Self::with_pipeline(out, mtime, Box::new(super::Sequential))
    }

    /// A writer whose deflate blocks go through `pipeline` (e.g. threads);
    /// the bytes are the same as `new`'s.
    pub fn with_pipeline(
        out: W,
        mtime: u64,
        pipeline: Box<dyn super::BlockPipeline>,
    ) -> io::Result<Self> {
        Ok(PackageWriter {
            gz: GzipWriter::with_pipeline(out, pipeline)?,
            mtime,
            open: None,
        })
    }

    /// Starts a regular file of exactly `size` bytes.
    pub fn begin(&mut self, path: &str, size: u64) -> io::Result<()> {
        assert!(self.open.is_none(), "previous entry not ended");
        self.gz.write_all(&regular_file(path, size, self.mtime))?;
        self.open = Some((path.to_string(), size, Sha256::new()));
        Ok(())
    }

    /// The next bytes of the open entry; more than its size is an error.
    pub fn data(&mut self, chunk: &[u8]) -> io::Result<()> {
        let (path, left, hasher) = self.open.as_mut().expect("an entry is open");
        if chunk.len() as u64 > *left {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!("{path}: longer than its recorded size (changed while packaging?)"),
            ));
        }
        *left -= chunk.len() as u64;
        hasher.update(chunk);
        self.gz.write_all(chunk)
    }

    /// Ends the open entry and returns its SHA-256.
    pub fn end(&mut self, size: u64) -> io::Result<[u8; 32]> {
        let (path, left, hasher) = self.open.take().expect("an entry is open");
        if left != 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                format!("{path}: shorter than its recorded size (changed while packaging?)"),
            ));
        }
        let pad = (BLOCK - (size % BLOCK as u64) as usize) % BLOCK;
        self.gz.write_all(&[0u8; BLOCK][..pad])?;
        Ok(hasher.finalize().into())
    }

    /// Appends one file of exactly `size` bytes read from `src`.
    pub fn append(&mut self, path: &str, size: u64, src: &mut dyn Read) -> io::Result<[u8; 32]> {
        self.begin(path, size)?;
        let mut buf = vec![0u8; COPY_CHUNK];
        loop {
            let n = match src.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            self.data(&buf[..n])?;
        }
        self.end(size)
    }

    /// Appends one file held in memory.
    pub fn append_bytes(&mut self, path: &str, data: &[u8]) -> io::Result<[u8; 32]> {
        self.append(path, data.len() as u64, &mut &data[..])
    }

    /// Writes the end-of-archive marker and the gzip trailer.
    pub fn finish(mut self) -> io::Result<W> {
        self.gz.write_all(&[0u8; 2 * BLOCK])?;
        self.gz.finish()
    }
}

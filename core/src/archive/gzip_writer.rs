//! A gzip member whose deflate stream is a sequence of independent blocks
//! (see `deflate_block`): pinned miniz_oxide at level 1, pure Rust, so
//! native and wasm builds emit identical bytes, and the CLI can compress
//! blocks on every core. Level 1 is the fastest measured on bf16 weights
//! and within 0.5 % of gzip -6's size (docs/BENCHMARKS.md).

use super::deflate_block::{BlockPipeline, BLOCK, FINAL_BLOCK};
use std::io::{self, Write};

/// Header: magic, deflate, no flags, mtime 0, XFL 4 ("fastest"), OS 255.
const HEADER: [u8; 10] = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 4, 255];

pub struct GzipWriter<W: Write> {
    out: W,
    pipeline: Box<dyn BlockPipeline>,
    crc: crc32fast::Hasher,
    len: u64,
    pending: Vec<u8>,
}

impl<W: Write> GzipWriter<W> {
    pub fn with_pipeline(mut out: W, pipeline: Box<dyn BlockPipeline>) -> io::Result<Self> {
        out.write_all(&HEADER)?;
        Ok(GzipWriter {
            out,
            pipeline,
            crc: crc32fast::Hasher::new(),
            len: 0,
            pending: Vec::with_capacity(BLOCK),
        })
    }

    fn emit(&mut self, fragments: Vec<Vec<u8>>) -> io::Result<()> {
        for f in fragments {
            self.out.write_all(&f)?;
        }
        Ok(())
    }

    /// Writes the last block, the final empty block and the CRC/length trailer.
    pub fn finish(mut self) -> io::Result<W> {
        if !self.pending.is_empty() {
            let last = std::mem::take(&mut self.pending);
            let ready = self.pipeline.push(last);
            self.emit(ready)?;
        }
        let rest = self.pipeline.finish();
        self.emit(rest)?;
        self.out.write_all(&FINAL_BLOCK)?;
        let crc = self.crc.clone().finalize();
        self.out.write_all(&crc.to_le_bytes())?;
        self.out.write_all(&(self.len as u32).to_le_bytes())?;
        self.out.flush()?;
        Ok(self.out)
    }
}

impl<W: Write> Write for GzipWriter<W> {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.crc.update(data);
        self.len += data.len() as u64;
        let mut rest = data;
        while !rest.is_empty() {
            let take = rest.len().min(BLOCK - self.pending.len());
            self.pending.extend_from_slice(&rest[..take]);
            rest = &rest[take..];
            if self.pending.len() == BLOCK {
                let block = std::mem::replace(&mut self.pending, Vec::with_capacity(BLOCK));
                let ready = self.pipeline.push(block);
                self.emit(ready)?;
            }
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

//! A gzip member written with one pinned deflate: miniz_oxide at level 1,
//! pure Rust, so native and wasm builds emit identical bytes. Level 1 is the
//! fastest measured on bf16 weights and within 0.5 % of the best ratio
//! (see docs/BENCHMARKS.md and notes/perf-limits.md).

use miniz_oxide::deflate::core::{create_comp_flags_from_zip_params, CompressorOxide};
use miniz_oxide::deflate::stream::deflate;
use miniz_oxide::{MZError, MZFlush, MZStatus};
use std::io::{self, Write};

pub const LEVEL: i32 = 1;
/// Header: magic, deflate, no flags, mtime 0, XFL 4 ("fastest"), OS 255.
const HEADER: [u8; 10] = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 4, 255];
const OUT_CHUNK: usize = 64 << 10;
/// Input is fed to the compressor in blocks of exactly this size, because
/// deflate output depends on how input is split across calls; fixed blocks
/// make the bytes independent of how callers write.
const IN_BLOCK: usize = 64 << 10;

pub struct GzipWriter<W: Write> {
    out: W,
    deflater: Box<CompressorOxide>,
    crc: crc32fast::Hasher,
    len: u64,
    buf: Vec<u8>,
    pending: Vec<u8>,
}

impl<W: Write> GzipWriter<W> {
    pub fn new(mut out: W) -> io::Result<Self> {
        out.write_all(&HEADER)?;
        Ok(GzipWriter {
            out,
            deflater: Box::new(CompressorOxide::new(create_comp_flags_from_zip_params(
                LEVEL, -15, 0,
            ))),
            crc: crc32fast::Hasher::new(),
            len: 0,
            buf: vec![0; OUT_CHUNK],
            pending: Vec::with_capacity(IN_BLOCK),
        })
    }

    fn pump(&mut self, mut input: &[u8], flush: MZFlush) -> io::Result<()> {
        loop {
            let r = deflate(&mut self.deflater, input, &mut self.buf, flush);
            self.out.write_all(&self.buf[..r.bytes_written])?;
            input = &input[r.bytes_consumed..];
            match r.status {
                Ok(MZStatus::StreamEnd) => return Ok(()),
                Ok(_) if input.is_empty() && flush == MZFlush::None => return Ok(()),
                Ok(_) => {}
                Err(MZError::Buf) if input.is_empty() && flush == MZFlush::None => return Ok(()),
                Err(e) => return Err(io::Error::other(format!("deflate failed: {e:?}"))),
            }
        }
    }

    /// Writes the final block and the CRC/length trailer.
    pub fn finish(mut self) -> io::Result<W> {
        let last = std::mem::take(&mut self.pending);
        self.pump(&last, MZFlush::Finish)?;
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
            let take = rest.len().min(IN_BLOCK - self.pending.len());
            self.pending.extend_from_slice(&rest[..take]);
            rest = &rest[take..];
            if self.pending.len() == IN_BLOCK {
                let block = std::mem::take(&mut self.pending);
                self.pump(&block, MZFlush::None)?;
                self.pending = block;
                self.pending.clear();
            }
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

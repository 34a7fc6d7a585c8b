//! The strict streaming reader. Bytes are pushed in (from a file, a JS
//! stream, anything); entries come out to an `EntrySink` with their SHA-256,
//! and nothing but the current chunk is held in memory.
//!
//! It rejects, never skips: links, devices, directories, PAX and GNU
//! extension headers, unsafe or colliding paths, bad checksums, padding or
//! data after the end marker, truncation, bad CRC, extra gzip members, and
//! anything past the `Limits`.

use super::tar_header::{self, BLOCK};
use super::ArchiveError;
use crate::limits::Limits;
use crate::path::{check_relative_path, fold_name};
use crate::Code;
use flate2::{Decompress, FlushDecompress, Status};
use sha2::{Digest, Sha256};
use std::collections::{HashMap, HashSet};

/// Receives entries as they stream past.
/// An error from the sink stops the read with that error.
pub trait EntrySink {
    /// An entry of `size` bytes begins.
    fn start(&mut self, path: &str, size: u64) -> Result<(), ArchiveError>;
    /// The next bytes of the entry begun last.
    fn data(&mut self, chunk: &[u8]) -> Result<(), ArchiveError>;
    /// The entry ends; `sha256` is the hash of all its bytes.
    fn end(&mut self, sha256: &[u8; 32]) -> Result<(), ArchiveError>;
}

/// A sink that only lets the reader hash.
pub struct NullSink;

impl EntrySink for NullSink {
    fn start(&mut self, _: &str, _: u64) -> Result<(), ArchiveError> {
        Ok(())
    }
    fn data(&mut self, _: &[u8]) -> Result<(), ArchiveError> {
        Ok(())
    }
    fn end(&mut self, _: &[u8; 32]) -> Result<(), ArchiveError> {
        Ok(())
    }
}

/// One regular file of the archive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryRecord {
    /// The entry name, a checked relative path.
    pub path: String,
    /// Its length in bytes.
    pub size: u64,
    /// The SHA-256 of its bytes.
    pub sha256: [u8; 32],
    /// How many more entries repeated this one with identical bytes
    /// (upstream 0.3.0 writes README.md twice); they are one file to us.
    pub repeats: u32,
}

enum Gz {
    Header(Vec<u8>),
    Body,
    Trailer(Vec<u8>),
    Done,
}

enum Tar {
    Header,
    Data {
        remaining: u64,
    },
    /// Zero padding after an entry, with this many bytes to come.
    Pad(usize),
    /// Inside the second zero block of the end marker, with this many
    /// bytes of it to come.
    SecondZero(usize),
    /// Past the end marker: only zero padding may follow.
    Finished,
}

const OUT_CHUNK: usize = 64 << 10;
const MAX_GZIP_HEADER: usize = 64 << 10;

/// The gzip half of the reader: compressed bytes in, tar bytes out. It
/// checks the header, the CRC and length, extra members and trailing data,
/// and the inflation ratio (bomb guard).
pub struct GzipDecoder {
    limits: Limits,
    gz: Gz,
    inflater: Decompress,
    crc: crc32fast::Hasher,
    /// Bytes of the gzip header; with the inflater's input count, the
    /// compressed bytes actually consumed (for the ratio limit).
    header_len: u64,
    out_len: u64,
    out: Vec<u8>,
    /// The inflater filled the output buffer and may hold more output.
    draining: bool,
}

impl GzipDecoder {
    /// A decoder at the start of a stream, enforcing `limits`.
    pub fn new(limits: Limits) -> Self {
        GzipDecoder {
            limits,
            gz: Gz::Header(Vec::new()),
            inflater: Decompress::new(false),
            crc: crc32fast::Hasher::new(),
            header_len: 0,
            out_len: 0,
            out: vec![0; OUT_CHUNK],
            draining: false,
        }
    }

    /// The stream must have ended with a verified trailer.
    pub fn finish(&self) -> Result<(), ArchiveError> {
        if matches!(self.gz, Gz::Done) {
            Ok(())
        } else {
            Err(ArchiveError::new(
                Code::GzipTruncated,
                "the gzip stream ends early; the package is truncated",
            ))
        }
    }

    /// Decompresses `input`, handing each piece of output to `emit`.
    pub fn push(
        &mut self,
        mut input: &[u8],
        emit: &mut dyn FnMut(&[u8]) -> Result<(), ArchiveError>,
    ) -> Result<(), ArchiveError> {
        while !input.is_empty() || self.draining {
            self.draining = false;
            match &mut self.gz {
                Gz::Header(buf) => {
                    let take = input.len().min(MAX_GZIP_HEADER + 1 - buf.len());
                    buf.extend_from_slice(&input[..take]);
                    match gzip_header_len(buf)? {
                        Some(n) => {
                            self.header_len = n as u64;
                            let rest = buf.len() - n;
                            input = &input[take - rest..];
                            self.gz = Gz::Body;
                        }
                        None if buf.len() > MAX_GZIP_HEADER => {
                            return Err(ArchiveError::new(
                                Code::GzipHeader,
                                "the gzip header is implausibly long",
                            ))
                        }
                        None => input = &input[take..],
                    }
                }
                Gz::Body => match self.inflate(input, emit)? {
                    Some(rest) => input = rest,
                    // Drained: the rest comes with the next chunk.
                    None => break,
                },
                Gz::Trailer(buf) => {
                    let take = input.len().min(8 - buf.len());
                    buf.extend_from_slice(&input[..take]);
                    input = &input[take..];
                    if let Ok(trailer) = <[u8; 8]>::try_from(buf.as_slice()) {
                        self.check_trailer(trailer)?;
                        self.gz = Gz::Done;
                    }
                }
                Gz::Done => return Err(after_end(input)),
            }
        }
        Ok(())
    }

    /// Inflates from `input` into the output buffer once and emits what
    /// came out. Returns the unused input, or None when the inflater is
    /// drained and waits for more.
    fn inflate<'a>(
        &mut self,
        input: &'a [u8],
        emit: &mut dyn FnMut(&[u8]) -> Result<(), ArchiveError>,
    ) -> Result<Option<&'a [u8]>, ArchiveError> {
        let before_in = self.inflater.total_in();
        let before_out = self.inflater.total_out();
        let result = self
            .inflater
            .decompress(input, &mut self.out, FlushDecompress::None);
        let used = (self.inflater.total_in() - before_in) as usize;
        let produced = (self.inflater.total_out() - before_out) as usize;
        let input = &input[used..];
        self.draining = produced == self.out.len();
        // Output inflated before a deflate error still goes to the tar
        // reader first, so the verdict does not depend on where the input
        // was split.
        if produced > 0 {
            let out = std::mem::take(&mut self.out);
            let r = self.produced(&out[..produced], emit);
            self.out = out;
            r?;
        }
        let status = result.map_err(|e| {
            ArchiveError::new(
                Code::Deflate,
                format!("the compressed data is corrupt: {e}"),
            )
        })?;
        if status == Status::StreamEnd {
            self.gz = Gz::Trailer(Vec::with_capacity(8));
        } else if used == 0 && produced == 0 {
            if input.is_empty() {
                return Ok(None);
            }
            return Err(ArchiveError::new(
                Code::Deflate,
                "the compressed data makes no progress",
            ));
        }
        Ok(Some(input))
    }

    /// The trailer's CRC and length must match what was inflated.
    fn check_trailer(&self, trailer: [u8; 8]) -> Result<(), ArchiveError> {
        let crc = u32::from_le_bytes(trailer[..4].try_into().unwrap());
        let size = u32::from_le_bytes(trailer[4..].try_into().unwrap());
        if crc != self.crc.clone().finalize() {
            return Err(ArchiveError::new(
                Code::GzipCrc,
                "the gzip CRC does not match the data; the package is corrupt",
            ));
        }
        if size != self.out_len as u32 {
            return Err(ArchiveError::new(
                Code::GzipSize,
                "the gzip length field does not match the data",
            ));
        }
        Ok(())
    }

    fn produced(
        &mut self,
        data: &[u8],
        emit: &mut dyn FnMut(&[u8]) -> Result<(), ArchiveError>,
    ) -> Result<(), ArchiveError> {
        self.crc.update(data);
        self.out_len += data.len() as u64;
        if self.out_len > self.limits.ratio_grace
            && self.out_len
                > self
                    .limits
                    .max_ratio
                    .saturating_mul(self.header_len + self.inflater.total_in())
        {
            return Err(ArchiveError::new(
                Code::LimitRatio,
                format!(
                    "the package inflates more than {}x past {} MiB: a compression bomb",
                    self.limits.max_ratio,
                    self.limits.ratio_grace >> 20
                ),
            ));
        }
        emit(data)
    }
}

/// The tar half of the reader: tar bytes in, entries (with SHA-256) out to
/// an `EntrySink`. It enforces entry types, paths, collisions and limits.
pub struct TarReader {
    limits: Limits,
    state: Tar,
    header: [u8; BLOCK],
    header_len: usize,
    current: Option<(String, u64)>,
    hasher: Sha256,
    total: u64,
    records: Vec<EntryRecord>,
    /// Entries seen, repeats included (the entry limit counts headers).
    entries: usize,
    /// Path → its index in `records`.
    index: HashMap<String, usize>,
    /// The open entry repeats `records[i]`: it is hashed and compared, and
    /// the sink never sees it.
    repeating: Option<usize>,
    /// Folded name (see `fold_name`) → the entry's name.
    folded_files: HashMap<String, String>,
    folded_dirs: HashSet<String>,
}

impl TarReader {
    /// A reader at the start of a tar stream, enforcing `limits`.
    pub fn new(limits: Limits) -> Self {
        TarReader {
            limits,
            state: Tar::Header,
            header: [0; BLOCK],
            header_len: 0,
            current: None,
            hasher: Sha256::new(),
            total: 0,
            records: Vec::new(),
            entries: 0,
            index: HashMap::new(),
            repeating: None,
            folded_files: HashMap::new(),
            folded_dirs: HashSet::new(),
        }
    }

    /// The archive must have ended with its end marker.
    pub fn finish(self) -> Result<Vec<EntryRecord>, ArchiveError> {
        if !matches!(self.state, Tar::Finished) {
            return Err(ArchiveError::new(
                Code::TarTruncated,
                "the tar stream has no end marker; the package is truncated",
            ));
        }
        Ok(self.records)
    }

    /// Reads the next tar bytes, handing entries to `sink`.
    pub fn push(&mut self, mut data: &[u8], sink: &mut dyn EntrySink) -> Result<(), ArchiveError> {
        while !data.is_empty() {
            data = match &mut self.state {
                Tar::Header => self.header_bytes(data, sink)?,
                Tar::Data { remaining } => {
                    let take = data
                        .len()
                        .min(usize::try_from(*remaining).unwrap_or(usize::MAX));
                    *remaining -= take as u64;
                    let done = *remaining == 0;
                    self.entry_data(&data[..take], done, sink)?;
                    &data[take..]
                }
                Tar::Pad(left) => {
                    let rest = zeros(
                        data,
                        left,
                        Code::TarPadding,
                        "non-zero bytes in tar padding could hide data",
                    )?;
                    if *left == 0 {
                        self.state = Tar::Header;
                    }
                    rest
                }
                Tar::SecondZero(left) => {
                    let rest = zeros(
                        data,
                        left,
                        Code::TarHeader,
                        "a lone zero block is followed by data; the end marker is malformed",
                    )?;
                    if *left == 0 {
                        self.state = Tar::Finished;
                    }
                    rest
                }
                Tar::Finished => {
                    if data.iter().any(|&b| b != 0) {
                        return Err(ArchiveError::new(
                            Code::TarTrailingData,
                            "data follows the tar end marker; it could hide entries",
                        ));
                    }
                    &[]
                }
            };
        }
        Ok(())
    }

    /// Collects header bytes; a full block starts an entry or, all zero,
    /// the end marker. Returns the unused bytes.
    fn header_bytes<'a>(
        &mut self,
        data: &'a [u8],
        sink: &mut dyn EntrySink,
    ) -> Result<&'a [u8], ArchiveError> {
        let take = data.len().min(BLOCK - self.header_len);
        self.header[self.header_len..self.header_len + take].copy_from_slice(&data[..take]);
        self.header_len += take;
        if self.header_len == BLOCK {
            self.header_len = 0;
            if self.header.iter().all(|&b| b == 0) {
                self.state = Tar::SecondZero(BLOCK);
            } else {
                self.begin_entry(sink)?;
            }
        }
        Ok(&data[take..])
    }

    /// One piece of the open entry's bytes; `last` ends the entry.
    fn entry_data(
        &mut self,
        chunk: &[u8],
        last: bool,
        sink: &mut dyn EntrySink,
    ) -> Result<(), ArchiveError> {
        self.hasher.update(chunk);
        if self.repeating.is_none() {
            sink.data(chunk)?;
        }
        if last {
            self.end_entry(sink)?;
        }
        Ok(())
    }

    /// Judges a parsed header and opens its entry.
    fn begin_entry(&mut self, sink: &mut dyn EntrySink) -> Result<(), ArchiveError> {
        let h = tar_header::parse(&self.header)?;
        let path = &h.path;
        refuse_entry_type(path, h.typeflag)?;
        if let Err(p) = check_relative_path(path) {
            return Err(ArchiveError::new(
                p.code(),
                format!("entry {path:?}: {}", p.describe()),
            ));
        }
        self.count_within_limits(path, h.size)?;
        self.repeating = self.repeat_of(path, h.size)?;
        if self.repeating.is_none() {
            self.claim_path(path)?;
            sink.start(path, h.size)?;
        }
        self.current = Some((h.path, h.size));
        self.hasher = Sha256::new();
        if h.size == 0 {
            self.end_entry(sink)
        } else {
            self.state = Tar::Data { remaining: h.size };
            Ok(())
        }
    }

    /// Counts one more entry of `size` bytes against the `Limits`: entries,
    /// entry size, total size, and the small files' own limits.
    fn count_within_limits(&mut self, path: &str, size: u64) -> Result<(), ArchiveError> {
        if self.entries >= self.limits.max_entries {
            return Err(ArchiveError::new(
                Code::LimitEntries,
                format!("more than {} entries", self.limits.max_entries),
            ));
        }
        if size > self.limits.max_entry_size {
            return Err(ArchiveError::new(
                Code::LimitEntrySize,
                format!(
                    "{path} is {size} bytes; the limit is {}",
                    self.limits.max_entry_size
                ),
            ));
        }
        self.total = self.total.saturating_add(size);
        if self.total > self.limits.max_total_size {
            return Err(ArchiveError::new(
                Code::LimitTotalSize,
                format!(
                    "the entries add up to more than {} bytes",
                    self.limits.max_total_size
                ),
            ));
        }
        let small = match path {
            "manifest.json" => Some((Code::ManifestTooLarge, self.limits.max_manifest_size)),
            "signature.sig" => Some((Code::SignatureTooLarge, self.limits.max_signature_size)),
            _ => None,
        };
        if let Some((code, max)) = small {
            if size > max {
                return Err(ArchiveError::new(
                    code,
                    format!("{path} is {size} bytes; the limit is {max}"),
                ));
            }
        }
        self.entries += 1;
        Ok(())
    }

    /// A path seen before may come again only with the same size (and, as
    /// `end_entry` checks, the same bytes), and never for `manifest.json`
    /// or `signature.sig`, the two entries readers act on by name.
    fn repeat_of(&self, path: &str, size: u64) -> Result<Option<usize>, ArchiveError> {
        let Some(&i) = self.index.get(path) else {
            return Ok(None);
        };
        match path {
            "manifest.json" => Err(ArchiveError::new(
                Code::DuplicateManifest,
                "manifest.json appears twice; readers would disagree on which one counts",
            )),
            "signature.sig" => Err(duplicate(path)),
            _ if self.records[i].size != size => Err(duplicate(path)),
            _ => Ok(Some(i)),
        }
    }

    fn claim_path(&mut self, path: &str) -> Result<(), ArchiveError> {
        let folded = fold_name(path);
        if let Some(other) = self.folded_files.get(&folded) {
            return Err(if other.to_lowercase() == path.to_lowercase() {
                ArchiveError::new(Code::CaseCollision, format!("{path} differs from {other} only in case; it would overwrite it on case-insensitive filesystems"))
            } else {
                ArchiveError::new(Code::UnicodeCollision, format!("{path} and {other} are the same name in another Unicode normalization form; one would overwrite the other on macOS"))
            });
        }
        let prefixes: Vec<&str> = folded
            .match_indices('/')
            .map(|(i, _)| &folded[..i])
            .collect();
        if self.folded_dirs.contains(&folded)
            || prefixes.iter().any(|p| self.folded_files.contains_key(*p))
        {
            return Err(ArchiveError::new(
                Code::PathConflict,
                format!("{path} is both a file and a directory in this archive"),
            ));
        }
        for p in prefixes {
            self.folded_dirs.insert(p.to_string());
        }
        self.folded_files.insert(folded, path.to_string());
        Ok(())
    }

    fn end_entry(&mut self, sink: &mut dyn EntrySink) -> Result<(), ArchiveError> {
        let (path, size) = self.current.take().expect("an entry is open");
        let sha256: [u8; 32] = std::mem::take(&mut self.hasher).finalize().into();
        if let Some(i) = self.repeating.take() {
            let first = &mut self.records[i];
            if first.sha256 != sha256 {
                return Err(duplicate(&path));
            }
            first.repeats += 1;
        } else {
            sink.end(&sha256)?;
            self.index.insert(path.clone(), self.records.len());
            self.records.push(EntryRecord {
                path,
                size,
                sha256,
                repeats: 0,
            });
        }
        let pad = (BLOCK - (size % BLOCK as u64) as usize) % BLOCK;
        self.state = if pad == 0 { Tar::Header } else { Tar::Pad(pad) };
        Ok(())
    }
}

/// Packages hold regular files only: every other entry type is refused
/// by name, never skipped.
fn refuse_entry_type(path: &str, typeflag: u8) -> Result<(), ArchiveError> {
    let (code, what) = match typeflag {
        b'0' | 0 => return Ok(()),
        b'x' | b'g' => (
            Code::TarPaxHeader,
            "a PAX extended header (it could override names and sizes)",
        ),
        b'L' | b'K' => (Code::TarGnuLongname, "a GNU long-name header"),
        b'1' => (Code::TarHardlink, "a hard link"),
        b'2' => (Code::TarSymlink, "a symbolic link"),
        b'3' | b'4' => (Code::TarDevice, "a device node"),
        b'5' => (Code::TarDirectory, "a directory entry"),
        b'6' => (Code::TarFifo, "a FIFO"),
        _ => (Code::TarEntryType, "an unknown entry type"),
    };
    Err(ArchiveError::new(
        code,
        format!("{path:?} is {what}; packages hold regular files only"),
    ))
}

/// Consumes up to `left` bytes of `data`, which must all be zero (else
/// `code`, `why`). Returns the rest of `data`.
fn zeros<'a>(
    data: &'a [u8],
    left: &mut usize,
    code: Code,
    why: &str,
) -> Result<&'a [u8], ArchiveError> {
    let take = data.len().min(*left);
    if data[..take].iter().any(|&b| b != 0) {
        return Err(ArchiveError::new(code, why));
    }
    *left -= take;
    Ok(&data[take..])
}

/// Anything after the gzip trailer: a second member or stray bytes.
fn after_end(input: &[u8]) -> ArchiveError {
    if input.starts_with(&[0x1f]) {
        ArchiveError::new(
            Code::GzipMultipleMembers,
            "a second gzip member follows the first; it could hide another archive",
        )
    } else {
        ArchiveError::new(
            Code::GzipTrailingData,
            "data follows the end of the gzip stream",
        )
    }
}

fn duplicate(path: &str) -> ArchiveError {
    ArchiveError::new(
        Code::DuplicateEntry,
        format!("{path} appears twice with different content; readers would disagree on which one counts"),
    )
}

/// The whole strict reader: `GzipDecoder` feeding `TarReader` on one
/// thread. (The CLI runs the two halves on two cores; the verdict is the
/// same, because errors keep their order in the stream.)
pub struct ArchiveReader {
    gz: GzipDecoder,
    tar: TarReader,
    failed: Option<ArchiveError>,
}

impl ArchiveReader {
    /// A reader at the start of a package, enforcing `limits`.
    pub fn new(limits: Limits) -> Self {
        ArchiveReader {
            gz: GzipDecoder::new(limits),
            tar: TarReader::new(limits),
            failed: None,
        }
    }

    /// Pushes the next compressed bytes through.
    pub fn update(&mut self, input: &[u8], sink: &mut dyn EntrySink) -> Result<(), ArchiveError> {
        if let Some(e) = &self.failed {
            return Err(e.clone());
        }
        let tar = &mut self.tar;
        let r = self.gz.push(input, &mut |data| tar.push(data, sink));
        if let Err(e) = &r {
            self.failed = Some(e.clone());
        }
        r
    }

    /// Ends the stream: the gzip trailer and the tar end marker must have
    /// been seen. Returns every entry in archive order.
    pub fn finish(self) -> Result<Vec<EntryRecord>, ArchiveError> {
        if let Some(e) = self.failed {
            return Err(e);
        }
        self.gz.finish()?;
        self.tar.finish()
    }
}

/// Length of a complete gzip header at the start of `b`, or None if more
/// bytes are needed.
fn gzip_header_len(b: &[u8]) -> Result<Option<usize>, ArchiveError> {
    let bad = |m: &str| ArchiveError::new(Code::GzipHeader, m.to_string());
    if b.len() >= 2 && b[..2] != [0x1f, 0x8b] {
        return Err(bad("not a gzip file (a .expert package is a .tar.gz)"));
    }
    if b.len() < 10 {
        return Ok(None);
    }
    if b[2] != 8 {
        return Err(bad("the gzip compression method is not deflate"));
    }
    let flags = b[3];
    if flags & 0xE0 != 0 {
        return Err(bad("the gzip header sets reserved flags"));
    }
    let mut n = 10;
    if flags & 4 != 0 {
        if b.len() < n + 2 {
            return Ok(None);
        }
        n += 2 + usize::from(u16::from_le_bytes([b[n], b[n + 1]]));
    }
    for flag in [8, 16] {
        if flags & flag != 0 {
            match b
                .get(n..)
                .and_then(|rest| rest.iter().position(|&c| c == 0))
            {
                Some(z) => n += z + 1,
                None => return Ok(None),
            }
        }
    }
    if flags & 2 != 0 {
        if b.len() < n + 2 {
            return Ok(None);
        }
        let want = u16::from_le_bytes([b[n], b[n + 1]]);
        if crc32fast::hash(&b[..n]) as u16 != want {
            return Err(bad("the gzip header CRC does not match"));
        }
        n += 2;
    }
    Ok(if b.len() >= n { Some(n) } else { None })
}

/// Reads a whole package from `src` in 64 KiB chunks.
pub fn read_all(
    src: &mut dyn std::io::Read,
    limits: Limits,
    sink: &mut dyn EntrySink,
) -> Result<Vec<EntryRecord>, ReadAllError> {
    let mut reader = ArchiveReader::new(limits);
    let mut buf = vec![0u8; 64 << 10];
    loop {
        let n = match src.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(ReadAllError::Io(e)),
        };
        reader
            .update(&buf[..n], sink)
            .map_err(ReadAllError::Archive)?;
    }
    reader.finish().map_err(ReadAllError::Archive)
}

/// Either the source failed or the archive is bad.
#[derive(Debug)]
pub enum ReadAllError {
    /// Reading the source failed.
    Io(std::io::Error),
    /// The bytes are not an acceptable package.
    Archive(ArchiveError),
}

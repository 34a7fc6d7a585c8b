//! One read of a package file on two cores: a thread reads, hashes the
//! whole file and inflates; the calling thread walks the tar stream and
//! hands every entry to a sink (the verifier's `SmallFiles`, and for
//! `install` also the writer into staging). Errors keep their stream order,
//! so the outcome equals the core's one-thread reader.

use crate::error::{CliError, Code, Context, Result};
use crate::term::Progress;
use expert_core::archive::ReadAllError;
use expert_core::archive::{read_head, Head};
use expert_core::archive::{ArchiveError, EntryRecord, EntrySink, GzipDecoder, TarHalf};
use expert_core::Limits;
use sha2::{Digest, Sha256};
use std::path::Path;

/// What one read saw: the entries (or the archive's first error) and the
/// SHA-256 of every byte read, which is the package's `.sha256`.
pub struct PackageRead {
    pub records: std::result::Result<Vec<EntryRecord>, ArchiveError>,
    pub sha256: [u8; 32],
}

type Piece = std::result::Result<Vec<u8>, ArchiveError>;

pub fn read_package(path: &Path, sink: &mut dyn EntrySink, label: &str) -> Result<PackageRead> {
    let mut f = std::fs::File::open(path).map_err(|e| CliError::io(path, e))?;
    let total = f.metadata().map(|m| m.len()).unwrap_or(0);
    let limits = Limits::default();
    let (tx, rx) = std::sync::mpsc::sync_channel::<Piece>(16);
    let shown = path.to_path_buf();
    let label = label.to_string();
    let inflater = std::thread::spawn(move || -> Result<[u8; 32]> {
        let progress = Progress::new(&label, total);
        let mut gz = GzipDecoder::new(limits);
        let mut whole = Sha256::new();
        let mut send = |data: &[u8]| {
            tx.send(Ok(data.to_vec()))
                .map_err(|_| ArchiveError::new(Code::Stopped, "the reader stopped"))
        };
        let mut failed = None;
        crate::atomic::read_chunks(
            &mut f,
            |chunk| {
                progress.add(chunk.len() as u64);
                whole.update(chunk);
                if failed.is_none() {
                    failed = gz.push(chunk, &mut send).err();
                }
                Ok(())
            },
            &shown,
        )?;
        progress.finish();
        if let Some(e) = failed.or_else(|| gz.finish().err()) {
            let _ = tx.send(Err(e));
        }
        Ok(whole.finalize().into())
    });
    let mut tar = TarHalf::new(limits);
    let mut relayed = None;
    for piece in &rx {
        match piece {
            Ok(data) if tar.push(&data, sink) => {}
            Ok(_) => break,
            Err(e) => {
                relayed = Some(e);
                break;
            }
        }
    }
    drop(rx);
    let sha256 = inflater
        .join()
        .map_err(|_| CliError::new(Code::Internal, "the reader thread failed"))??;
    let records = tar.finish(relayed);
    Ok(PackageRead { records, sha256 })
}

/// `archive::read_head` of the file at `path` on this thread, for commands
/// that only look (`inspect`): an I/O error names the file, a damaged
/// archive is the core's code, as received.
pub fn read_head_file(path: &Path, limits: &Limits) -> Result<Head> {
    let f = std::fs::File::open(path).map_err(|e| CliError::io(path, e))?;
    read_head(&mut std::io::BufReader::new(f), limits).map_err(|e| match e {
        ReadAllError::Io(e) => CliError::io(path, e),
        ReadAllError::Archive(e) => {
            CliError::new(e.code, format!("{}: {e}", path.display())).within(Context::Received)
        }
    })
}

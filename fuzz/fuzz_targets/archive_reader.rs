//! The streaming archive reader over arbitrary bytes.
//!
//! Invariant: the reader never panics, and its result does not depend on
//! how the bytes are cut into chunks: pushing the body in one `update` and
//! pushing it in the pieces chosen by `common::split` end in the same
//! entries (path, size, SHA-256) or in the same error code (but see
//! `common::same_failure` and `common::known_chunking_bug` for the known,
//! reported divergences tolerated only with `EXPERT_FUZZ_TOLERATE_KNOWN=1`). A reader that
//! failed keeps failing with the same code, and `finish` reports it.

#![no_main]

mod common;

use expert_core::archive::{ArchiveError, ArchiveReader, EntryRecord, NullSink};
use expert_core::Limits;
use libfuzzer_sys::fuzz_target;

fn read(chunks: &[&[u8]]) -> Result<Vec<EntryRecord>, ArchiveError> {
    let mut reader = ArchiveReader::new(Limits::default());
    let mut failed: Option<ArchiveError> = None;
    for chunk in chunks {
        match (reader.update(chunk, &mut NullSink), &failed) {
            (Ok(()), None) => {}
            (Ok(()), Some(e)) => panic!("update accepted bytes after failing with {}", e.code),
            (Err(e), None) => failed = Some(e),
            (Err(e), Some(first)) => {
                assert_eq!(&e, first, "a failed reader changed its error")
            }
        }
    }
    let result = reader.finish();
    if let Some(e) = failed {
        assert_eq!(result, Err(e), "finish forgot the error update returned");
    }
    result
}

fuzz_target!(|data: &[u8]| {
    let (body, chunks) = common::split(data);
    let whole = read(&[body]);
    let pieces = read(&chunks);
    let known = |r: &Result<Vec<EntryRecord>, ArchiveError>| {
        r.as_ref()
            .is_err_and(|e| common::known_chunking_bug(e.code, &e.message))
    };
    let agree = match (&whole, &pieces) {
        _ if known(&whole) || known(&pieces) => true,
        (Err(a), Err(b)) => common::same_failure(a.code, b.code),
        _ => whole == pieces,
    };
    assert!(
        agree,
        "one chunk and {} chunks disagree:\n  one chunk: {whole:?}\n  in pieces: {pieces:?}",
        chunks.len()
    );
});

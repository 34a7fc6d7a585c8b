//! The tar half of a read whose gzip half runs elsewhere (a thread in the
//! CLI, a worker in npm), and the rule that merges the two halves' errors.

use super::{ArchiveError, EntryRecord, EntrySink, TarReader};
use crate::Limits;

/// Walks tar bytes that another thread or worker inflated. The outcome
/// equals the one-thread `ArchiveReader`'s because each error keeps its
/// place in the stream (see `finish`).
pub struct TarHalf {
    tar: TarReader,
    failed: Option<ArchiveError>,
}

impl TarHalf {
    /// A tar half at the start of a stream, enforcing `limits`.
    pub fn new(limits: Limits) -> Self {
        TarHalf {
            tar: TarReader::new(limits),
            failed: None,
        }
    }

    /// Walks `data`; false once the tar stream has failed, when more input
    /// cannot change the outcome and the caller may stop reading.
    pub fn push(&mut self, data: &[u8], sink: &mut dyn EntrySink) -> bool {
        if self.failed.is_none() {
            self.failed = self.tar.push(data, sink).err();
        }
        self.failed.is_none()
    }

    /// Whether the tar stream has failed (see `push`).
    pub fn failed(&self) -> bool {
        self.failed.is_some()
    }

    /// The entries, or the first error of the stream. `relayed` is the
    /// gzip half's error, given after all the bytes it produced were
    /// pushed: the tar half's own error came from bytes before it, so it
    /// wins; else the relayed one; else the tar stream must have ended.
    pub fn finish(self, relayed: Option<ArchiveError>) -> Result<Vec<EntryRecord>, ArchiveError> {
        match (self.failed, relayed) {
            (Some(own), _) => Err(own),
            (None, Some(relayed)) => Err(relayed),
            (None, None) => self.tar.finish(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::archive::NullSink;
    use crate::Code;

    fn gzip_error() -> ArchiveError {
        ArchiveError::new(Code::Internal, "relayed")
    }

    #[test]
    fn the_tar_halfs_own_error_beats_the_relayed_one() {
        let mut half = TarHalf::new(Limits::default());
        assert!(!half.push(&[0xff; 512], &mut NullSink));
        assert!(half.failed());
        let own = half.finish(Some(gzip_error())).unwrap_err();
        assert_ne!(own.message, "relayed");
    }

    #[test]
    fn a_relayed_error_beats_a_missing_end_marker() {
        let half = TarHalf::new(Limits::default());
        assert_eq!(
            half.finish(Some(gzip_error())).unwrap_err().message,
            "relayed"
        );
        let half = TarHalf::new(Limits::default());
        assert_eq!(half.finish(None).unwrap_err().code, Code::TarTruncated);
    }
}

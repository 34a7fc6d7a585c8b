//! The `.expert` archive: ustar inside gzip, written deterministically and
//! read strictly, both streaming.

mod deflate_block;
mod error;
mod gzip_writer;
mod head;
mod reader;
mod split;
mod tar_header;
mod writer;

pub use deflate_block::{deflate_block, BlockPipeline, Sequential, BLOCK as DEFLATE_BLOCK};
pub use error::ArchiveError;
pub use head::{read_head, Head, SmallFiles};
pub use reader::{
    read_all, ArchiveReader, EntryRecord, EntrySink, GzipDecoder, NullSink, ReadAllError, TarReader,
};
pub use split::TarHalf;
pub use writer::PackageWriter;

/// Fallback entry mtime when `SOURCE_DATE_EPOCH` is not set: 1980-01-01,
/// because tools treat an mtime of 0 as "unknown" (cargo learned this).
pub const DEFAULT_MTIME: u64 = 315_532_800;

//! Git LFS pointer files: the small text file git leaves in place of a
//! large file when the LFS content was not fetched. Packaging or
//! installing one as if it were weights gives a broken expert.

/// Pointer files are under 1024 bytes (git-lfs spec); larger files are
/// never pointers, so only their first bytes need reading.
pub const MAX_POINTER_SIZE: u64 = 1024;

/// The spec's first line, and the pre-release one.
const VERSION_LINES: [&[u8]; 2] = [
    b"version https://git-lfs.github.com/spec/v1\n",
    b"version https://hawser.github.com/spec/v1\n",
];

/// How many leading bytes `is_pointer` needs.
pub const HEAD_LEN: usize = 64;

/// Whether a file whose size is `size` and whose first bytes are `head`
/// is a Git LFS pointer.
pub fn is_pointer(size: u64, head: &[u8]) -> bool {
    size < MAX_POINTER_SIZE && VERSION_LINES.iter().any(|v| head.starts_with(v))
}

/// The message for a pointer found at `path`.
pub fn pointer_message(path: &str) -> String {
    format!("{path} is a Git LFS pointer, not the file itself: its content was never downloaded; run `git lfs pull` in the expert's repository")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointers_are_recognised_by_their_first_line_and_size() {
        let p = b"version https://git-lfs.github.com/spec/v1\noid sha256:4d7a\nsize 12345\n";
        assert!(is_pointer(p.len() as u64, p));
        assert!(!is_pointer(4096, p), "too large to be a pointer");
        assert!(!is_pointer(10, b"version 1\n"));
        assert!(!is_pointer(8, b"\x08\0\0\0\0\0\0\0"));
    }
}

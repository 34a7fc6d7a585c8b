//! Resource limits for untrusted input, as one typed value with documented
//! defaults (SPEC §4). Every reader takes a `Limits`; nothing is unbounded.

/// Bounds applied while reading packages and manifests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Most archive entries (files) in one package.
    pub max_entries: usize,
    /// Largest single entry, in bytes.
    pub max_entry_size: u64,
    /// Largest total of all entry sizes (decompressed payload), in bytes.
    pub max_total_size: u64,
    /// Largest `manifest.json`, in bytes.
    pub max_manifest_size: u64,
    /// Largest `signature.sig`, in bytes.
    pub max_signature_size: u64,
    /// Deepest JSON nesting.
    pub max_depth: usize,
    /// Decompressed bytes after which the inflation ratio is enforced.
    pub ratio_grace: u64,
    /// Most decompressed bytes per compressed byte, past `ratio_grace`.
    pub max_ratio: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_entries: 10_000,
            max_entry_size: 32 << 30,
            max_total_size: 64 << 30,
            max_manifest_size: 4 << 20,
            max_signature_size: 4 << 10,
            max_depth: 128,
            ratio_grace: 64 << 20,
            max_ratio: 50,
        }
    }
}

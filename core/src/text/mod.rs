//! Small text formats that travel beside packages rather than inside them:
//! a public key as people hand it over (`.pub` files), the `.sha256`
//! sidecar, and RFC 3339 timestamps as people write them. The CLI and the
//! npm package read and write them through these functions, so both take
//! and give the same text.

pub mod public_key;
pub mod sidecar;
pub mod timestamp;

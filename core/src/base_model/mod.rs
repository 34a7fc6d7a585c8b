//! The base model an expert adapts: its fingerprint (architecture and
//! tensor layout, never the weights) and its precision, as a manifest
//! declares them and as a local model directory states them.

pub mod fingerprint;
pub mod quantization;

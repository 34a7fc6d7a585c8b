//! `expert-core`: the `.expert` format without I/O.
//!
//! Manifests, archives, signatures and trust decisions live here. Files,
//! time and randomness come in as arguments, so the same code runs in the
//! CLI, in Node and in the browser, and gives the same answers.

pub mod archive;
pub mod base_model;
pub mod code;
pub mod display;
pub mod inspect;
pub mod install;
pub mod json;
pub mod limits;
pub mod manifest;
pub mod oci;
pub mod package;
pub mod path;
pub mod registry;
pub mod sign;
pub mod text;
pub mod util;

pub use code::{Code, ExitClass};
pub use limits::Limits;

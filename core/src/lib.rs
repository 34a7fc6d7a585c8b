//! `expert-core`: the `.expert` format without I/O.
//!
//! Manifests, archives, signatures and trust decisions live here. Files,
//! time and randomness come in as arguments, so the same code runs in the
//! CLI, in Node and in the browser, and gives the same answers. The CLI
//! (`expert-cli`) does files, git, network, clock and terminal; the wasm
//! crate only marshals values; the npm package's JavaScript only coerces
//! inputs and runs workers. A rule written outside this crate is a rule
//! that can disagree with itself.
//!
//! # The design, in the order a package travels
//!
//! - [`json`]: a lossless JSON tree. Manifests are read and edited through
//!   it, so packaging never drops or rewrites a field it does not own, and
//!   every finding points at a line and column.
//! - [`manifest`]: schema detection, validation into a [`manifest::Report`]
//!   of coded findings, model choice, names ([`manifest::name`]: the one
//!   folded key every comparison uses) and migration.
//! - [`package`]: which files go into a package for one base model
//!   ([`package::plan`]), read through [`package::files::ExpertFiles`],
//!   and building or re-signing it ([`package::build`]) byte for byte the
//!   same in the CLI and the npm package.
//! - [`archive`]: the gzip-wrapped ustar stream, written deterministically
//!   and read strictly, push-style, chunk by chunk, in bounded memory.
//!   [`archive::read_head`] keeps `manifest.json` and `signature.sig` and
//!   hashes everything else; [`archive::TarHalf`] is the tar half of the
//!   two-thread read, with its error precedence.
//! - [`sign`]: Ed25519 over the whole package (keys, key files, the signed
//!   message, `integrity`), and [`sign::verify_package`], which turns a
//!   finished read into one [`sign::Verdict`].
//! - [`install`]: the decisions `install` and `update` make over values:
//!   which names, keys and signatures are admitted given what is installed
//!   and pinned, downgrades, `requires` and `incompatible_with`.
//! - [`registry`]: the installed-experts registry and the trust store as
//!   values, their loaders over bytes, their invariants, and the registry
//!   doctor's comparisons against the tree the CLI scans.
//! - [`base_model`]: a base model's fingerprint and precision, as declared
//!   and as a local model directory states them.
//! - [`oci`]: distribution over OCI registries and image layouts: references,
//!   media types, the image index, tags and auth challenges, without I/O.
//! - [`inspect`] and [`display`]: what a package says about itself, and how
//!   untrusted text is made safe to show on a terminal.
//!
//! # Rules every module keeps
//!
//! - **Limits are values.** Every reader takes a [`Limits`]; nothing that
//!   comes from a package, a manifest or a registry is unbounded, and no
//!   input within the limits costs more than a linear pass over it.
//! - **One answer per input.** Each condition has one stable [`Code`],
//!   with a default [`ExitClass`]; the CLI's exit codes, the npm package's
//!   error codes and docs/CODES.md all come from that enum.
//! - **Refuse, never skip.** A hostile or ambiguous archive (links, `..`,
//!   repeats that differ, trailing data, non-canonical headers) is an
//!   error, never an entry quietly left out.
//! - **Time and keys come in.** Signing takes its key and its timestamp as
//!   arguments ([`package::build::build_times`] turns `SOURCE_DATE_EPOCH`
//!   and the caller's clock into both); key generation takes a seed from
//!   the caller's random source ([`sign::SecretKey::from_seed`]).
//!
//! docs/FORMAT.md specifies the format; docs/SECURITY.md lists the attacks
//! this design avoids and the test that holds each one.

#![deny(missing_docs)]

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

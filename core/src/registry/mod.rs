//! The installed-experts registry (`expert-registry.json`) and the trust
//! store (`trust.json`) as values: their shapes, the loaders over bytes,
//! the invariants every loader enforces, the trust store's keys and pins,
//! the per-install record and the registry doctor's comparisons. No I/O: the CLI reads the files, scans
//! `experts/` and passes what it found.

mod dependents;
mod doctor;
mod finding;
pub mod layout;
mod load;
mod record;
mod rules;
mod trust;
mod types;

pub use doctor::{check_tree, dependencies, rebuild, Installed, ManifestFacts};
pub use finding::{broken_file_message, first_fix, Finding};
pub use load::{
    load_registry, load_registry_standalone, load_trust_store, parse_registry, parse_trust_store,
};
pub use record::{InstallRecord, RECORD_FILE};
pub use rules::{registry_rules, trust_store_rules};
pub use trust::{is_key_id, pin_key_id, pin_names_key};
pub use types::{semver_cmp, ExpertRecord, Registry, TrustStore, TrustedKey, VersionEntry};

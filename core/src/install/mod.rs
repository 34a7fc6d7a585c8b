//! Install decisions over values: which names, keys and signatures an
//! install accepts given what is installed and pinned, the rules a new
//! version keeps against the installed experts, the order a batch installs
//! in, what `update` may replace,
//! and the `requires`/`incompatible_with` requirements they check. The CLI
//! gathers the facts (registry, trust store, verified package) and turns a
//! refusal into its error; the npm package asks the same questions.

mod admit;
mod decide;
mod order;
mod pins;
mod policy;
pub mod requirement;
pub mod update;

pub use admit::{admit_name, NameRefusal};
pub use decide::{decide, Facts};
pub use order::{dependency_order, Cycle};
pub use pins::PinCheck;
pub use policy::{admit_signature, admit_version, Allow, Incoming, Refusal};

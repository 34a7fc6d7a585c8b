//! Whether an expert name may be installed, signed by a key, given what
//! is installed and pinned: the one name check `install` makes before it
//! extracts and again under each lock. Another spelling of an installed
//! or pinned expert is refused (it would share its directory on
//! case-insensitive file systems, and read as the same expert), and every
//! pin of the name must hold the signing key.

use super::pins::PinCheck;
use crate::registry::{Registry, TrustStore};
use crate::sign::PublicKey;
use crate::Code;

/// Why a name may not be installed. `code()` is stable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NameRefusal {
    /// `installed` is installed and is another spelling of the name.
    SpellingInstalled {
        /// The name asked for.
        name: String,
        /// The installed spelling.
        installed: String,
    },
    /// `pinned` is pinned and is another spelling of the name.
    SpellingPinned {
        /// The name asked for.
        name: String,
        /// The pinned spelling.
        pinned: String,
    },
    /// A pin of the name (spelled `pinned_as`) holds another key.
    KeyChanged {
        /// The name asked for.
        name: String,
        /// The spelling the pin is stored under.
        pinned_as: String,
        /// The ID of the pinned key.
        pinned_key_id: String,
        /// The package's key ID; None when it is unsigned.
        key_id: Option<String>,
    },
}

impl NameRefusal {
    /// The stable code: `E_NAME_CONFLICT` or `E_KEY_CHANGED`.
    pub fn code(&self) -> Code {
        match self {
            NameRefusal::SpellingInstalled { .. } | NameRefusal::SpellingPinned { .. } => {
                Code::NameConflict
            }
            NameRefusal::KeyChanged { .. } => Code::KeyChanged,
        }
    }

    /// What was refused and why, for people.
    pub fn message(&self) -> String {
        match self {
            NameRefusal::SpellingInstalled { name, installed } => format!(
                "{name:?} is another spelling of the installed expert {installed:?} (names are compared ignoring case and '-', '_', '.'); a package may not take over an installed expert by spelling its name differently"
            ),
            NameRefusal::SpellingPinned { name, pinned } => format!(
                "{name:?} is another spelling of {pinned:?}, whose key is pinned (names are compared ignoring case and '-', '_', '.')"
            ),
            NameRefusal::KeyChanged {
                name,
                pinned_as,
                pinned_key_id,
                key_id,
            } => format!(
                "{name} is pinned{} to key {pinned_key_id}, but this package is {}",
                if pinned_as == name {
                    String::new()
                } else {
                    format!(" (as {pinned_as:?})")
                },
                key_id
                    .as_deref()
                    .map(|k| format!("signed by key {k}"))
                    .unwrap_or_else(|| "unsigned".into())
            ),
        }
    }

    /// What the user can do about it.
    pub fn hint(&self) -> String {
        match self {
            NameRefusal::SpellingInstalled { installed, .. } => format!(
                "if this is the same publisher's expert, ask them to keep the name {installed:?}; otherwise do not install it. To replace the installed one, `expert-cli uninstall {installed}` first"
            ),
            NameRefusal::SpellingPinned { .. } | NameRefusal::KeyChanged { .. } => {
                "if the publisher really changed keys or the name's spelling, pass --repin".into()
            }
        }
    }
}

/// The name check. `registry` and `store` are what is known at the call
/// (install checks each under its own lock); `repin` lets a new key or
/// spelling replace the pins, never an installed spelling.
pub fn admit_name(
    registry: Option<&Registry>,
    store: Option<&TrustStore>,
    name: &str,
    key: Option<&PublicKey>,
    repin: bool,
) -> Result<(), NameRefusal> {
    if let Some(installed) = registry.and_then(|r| r.other_spelling(name)) {
        return Err(NameRefusal::SpellingInstalled {
            name: name.to_string(),
            installed: installed.to_string(),
        });
    }
    let Some(store) = store else { return Ok(()) };
    if repin {
        return Ok(());
    }
    if let Some(pinned) = store.other_pinned_spelling(name) {
        return Err(NameRefusal::SpellingPinned {
            name: name.to_string(),
            pinned: pinned.to_string(),
        });
    }
    match store.check_pin(name, key) {
        PinCheck::Unpinned | PinCheck::Matches => Ok(()),
        PinCheck::Differs { pinned_as, key_id } => Err(NameRefusal::KeyChanged {
            name: name.to_string(),
            pinned_as,
            pinned_key_id: key_id,
            key_id: key.map(PublicKey::key_id),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sign::SecretKey;

    #[test]
    fn other_spellings_and_other_keys_are_refused() {
        let a = SecretKey::from_seed(&[1; 32]).public();
        let b = SecretKey::from_seed(&[2; 32]).public();
        let mut store = TrustStore {
            version: 1,
            ..Default::default()
        };
        store.set_pin("expert-demo-v1", &a);
        let ok = admit_name(None, Some(&store), "expert-demo-v1", Some(&a), false);
        assert_eq!(ok, Ok(()));
        let r = admit_name(None, Some(&store), "Expert-Demo-V1", Some(&b), false);
        assert_eq!(r.unwrap_err().code(), Code::NameConflict);
        let r = admit_name(None, Some(&store), "expert-demo-v1", Some(&b), false);
        assert_eq!(r.unwrap_err().code(), Code::KeyChanged);
        assert_eq!(
            admit_name(None, Some(&store), "Expert-Demo-V1", Some(&b), true),
            Ok(())
        );
    }
}

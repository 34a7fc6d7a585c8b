//! Pin-on-first-use: whether the pins let an expert be installed signed
//! by a key. The pins themselves, their format and how they are kept are
//! `registry::trust`'s.

use crate::registry::{pin_key_id, pin_names_key, TrustStore};
use crate::sign::PublicKey;

/// What the pins say about installing `name` signed by a key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PinCheck {
    /// No pin for this name (or any spelling of it).
    Unpinned,
    /// Every pin for this name holds this key.
    Matches,
    /// A pin for this name holds another key (shown by its key ID), or the
    /// package is unsigned.
    Differs {
        /// The spelling the differing pin is stored under.
        pinned_as: String,
        /// The pinned key's ID.
        key_id: String,
    },
}

impl TrustStore {
    /// Pin-on-first-use: may `name` signed by `key` (None: unsigned) be
    /// installed? Every pin of every spelling must hold that key.
    pub fn check_pin(&self, name: &str, key: Option<&PublicKey>) -> PinCheck {
        let mut any = false;
        for (pinned_as, pin) in self.pins_for(name) {
            any = true;
            if !key.is_some_and(|k| pin_names_key(pin, k)) {
                return PinCheck::Differs {
                    pinned_as: pinned_as.to_string(),
                    key_id: pin_key_id(pin),
                };
            }
        }
        if any {
            PinCheck::Matches
        } else {
            PinCheck::Unpinned
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::TrustedKey;
    use crate::sign::SecretKey;

    fn key(n: u8) -> PublicKey {
        SecretKey::from_seed(&[n; 32]).public()
    }

    #[test]
    fn pins_hold_full_keys_and_every_spelling_is_held_to_them() {
        let mut s = TrustStore {
            version: 1,
            ..Default::default()
        };
        assert_eq!(
            s.check_pin("expert-demo", Some(&key(1))),
            PinCheck::Unpinned
        );
        s.set_pin("expert-demo", &key(1));
        assert_eq!(s.pins["expert-demo"], key(1).to_string());
        assert_eq!(s.check_pin("Expert_Demo", Some(&key(1))), PinCheck::Matches);
        assert!(matches!(
            s.check_pin("EXPERT-DEMO", Some(&key(2))),
            PinCheck::Differs { .. }
        ));
        assert!(matches!(
            s.check_pin("expert-demo", None),
            PinCheck::Differs { .. }
        ));
        assert_eq!(s.other_pinned_spelling("Expert-Demo"), Some("expert-demo"));
        s.set_pin("Expert-Demo", &key(2));
        assert_eq!(s.pins.len(), 1, "one pin per folded name");
    }

    #[test]
    fn old_key_id_pins_still_bind_and_are_upgraded_when_the_key_is_known() {
        let mut s = TrustStore {
            version: 1,
            ..Default::default()
        };
        s.pins.insert("expert-demo".into(), key(1).key_id());
        assert_eq!(s.check_pin("expert-demo", Some(&key(1))), PinCheck::Matches);
        assert!(matches!(
            s.check_pin("expert-demo", Some(&key(2))),
            PinCheck::Differs { .. }
        ));
        s.upgrade_pins();
        assert_eq!(s.pins["expert-demo"], key(1).key_id(), "unknown key: kept");
        s.keys.push(TrustedKey {
            key_id: key(1).key_id(),
            pubkey: key(1).to_string(),
            name: Some("Alice".into()),
        });
        s.upgrade_pins();
        assert_eq!(s.pins["expert-demo"], key(1).to_string());
        assert_eq!(s.trusted_name(&key(1)), Some("Alice"));
        assert!(s.is_trusted(&key(1)) && !s.is_trusted(&key(2)));
    }
}

//! Trust decisions over the trust store: which keys are trusted and under
//! what name, and pin-on-first-use per expert. Everything compares full
//! public keys; a key ID is only how a key is shown.
//!
//! Pins are stored under the expert's name as first installed and matched
//! by its folded key (`name::name_key`), so `Expert-Demo` is held to
//! `expert-demo`'s pin. Trust stores written by earlier versions pin 16-hex
//! key IDs: such a pin matches a key whose ID it is (the comparison those
//! versions made), and `upgrade_pins` replaces it with the full key as soon
//! as that key is known (trusted, or installed under the pin), on the next
//! write.

use crate::manifest::name::same_name;
use crate::registry::TrustStore;
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
    Differs { pinned_as: String, key_id: String },
}

/// Whether a stored pin value names `key`: the full key, or (old stores)
/// its key ID.
pub fn pin_names_key(pin: &str, key: &PublicKey) -> bool {
    match PublicKey::parse(pin) {
        Ok(p) => p == *key,
        Err(_) => crate::registry::is_key_id(pin) && pin == key.key_id(),
    }
}

/// How a stored pin value is shown: the key ID.
pub fn pin_key_id(pin: &str) -> String {
    PublicKey::parse(pin)
        .map(|k| k.key_id())
        .unwrap_or_else(|_| pin.to_string())
}

impl TrustStore {
    /// Whether `key` is in the trusted keys (full-key comparison).
    pub fn is_trusted(&self, key: &PublicKey) -> bool {
        self.trusted_entry(key).is_some()
    }

    /// The name the user gave `key` when trusting it (`trust add --name`).
    pub fn trusted_name(&self, key: &PublicKey) -> Option<&str> {
        self.trusted_entry(key).and_then(|k| k.name.as_deref())
    }

    fn trusted_entry(&self, key: &PublicKey) -> Option<&crate::registry::TrustedKey> {
        self.keys
            .iter()
            .find(|k| PublicKey::parse(&k.pubkey).is_ok_and(|p| p == *key))
    }

    /// The pins for `name` and every other spelling of it.
    pub fn pins_for<'a>(&'a self, name: &'a str) -> impl Iterator<Item = (&'a str, &'a str)> {
        self.pins
            .iter()
            .filter(move |(n, _)| same_name(n, name))
            .map(|(n, k)| (n.as_str(), k.as_str()))
    }

    /// A pinned spelling of the same expert that differs from `name`.
    pub fn other_pinned_spelling(&self, name: &str) -> Option<&str> {
        self.pins
            .keys()
            .map(String::as_str)
            .find(|n| *n != name && same_name(n, name))
    }

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

    /// Pins `name` to the full `key`, replacing the pins of every other
    /// spelling of it.
    pub fn set_pin(&mut self, name: &str, key: &PublicKey) {
        self.pins.retain(|n, _| !same_name(n, name));
        self.pins.insert(name.to_string(), key.to_string());
    }

    /// Replaces pins that hold a key ID by the full key, where a trusted
    /// key has that ID. Run before every write; pins whose key is not
    /// known stay as they are until the next install under them.
    pub fn upgrade_pins(&mut self) {
        let known: Vec<PublicKey> = self
            .keys
            .iter()
            .filter_map(|k| PublicKey::parse(&k.pubkey).ok())
            .collect();
        for pin in self.pins.values_mut() {
            if PublicKey::parse(pin).is_ok() {
                continue;
            }
            let mut matching = known.iter().filter(|k| pin_names_key(pin, k));
            if let (Some(k), None) = (matching.next(), matching.next()) {
                *pin = k.to_string();
            }
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

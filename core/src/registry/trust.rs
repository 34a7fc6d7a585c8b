//! The trust store's keys and pins as values. Everything compares full
//! public keys; a key ID is only how a key is shown.
//!
//! Pins are stored under the expert's name as first installed and matched
//! by its folded key (`name::name_key`), so `Expert-Demo` is held to
//! `expert-demo`'s pin. Trust stores written by earlier versions pin 16-hex
//! key IDs: such a pin matches a key whose ID it is (the comparison those
//! versions made), and `upgrade_pins` replaces it with the full key as soon
//! as that key is known (trusted, or installed under the pin), on the next
//! write. Whether a pin admits an install is `install`'s decision.

use super::types::{TrustStore, TrustedKey};
use crate::manifest::name::same_name;
use crate::sign::PublicKey;

/// Whether `s` is a key ID as old trust stores pinned it: 16 lowercase hex
/// digits.
pub fn is_key_id(s: &str) -> bool {
    s.len() == 16 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// Whether a stored pin value names `key`: the full key, or (old stores)
/// its key ID.
pub fn pin_names_key(pin: &str, key: &PublicKey) -> bool {
    match PublicKey::parse(pin) {
        Ok(p) => p == *key,
        Err(_) => is_key_id(pin) && pin == key.key_id(),
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

    fn trusted_entry(&self, key: &PublicKey) -> Option<&TrustedKey> {
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

    /// Pins `name` to the full `key`, replacing the pins of every other
    /// spelling of it.
    pub fn set_pin(&mut self, name: &str, key: &PublicKey) {
        self.pins.retain(|n, _| !same_name(n, name));
        self.pins.insert(name.to_string(), key.to_string());
    }

    /// Trusts `key` (`trust add`), naming it `name` when given: `Ok(true)`
    /// when it is new, `Ok(false)` when it was trusted already (a new name
    /// replaces the old). A different trusted key with the same key ID is
    /// refused with that key: keys compare in full, but people tell them
    /// apart by ID.
    pub fn trust(&mut self, key: &PublicKey, name: Option<String>) -> Result<bool, TrustedKey> {
        let (id, full) = (key.key_id(), key.to_string());
        if let Some(k) = self
            .keys
            .iter()
            .find(|k| k.key_id == id && k.pubkey != full)
        {
            return Err(k.clone());
        }
        if let Some(k) = self.keys.iter_mut().find(|k| k.pubkey == full) {
            if name.is_some() {
                k.name = name;
            }
            return Ok(false);
        }
        self.keys.push(TrustedKey {
            key_id: id,
            pubkey: full,
            name,
        });
        Ok(true)
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
    use crate::sign::SecretKey;

    #[test]
    fn trusting_adds_once_renames_and_refuses_an_id_collision() {
        let a = SecretKey::from_seed(&[1; 32]).public();
        let mut s = TrustStore::default();
        assert_eq!(s.trust(&a, None), Ok(true));
        assert_eq!(s.trust(&a, Some("alice".into())), Ok(false));
        assert_eq!(s.trust(&a, None), Ok(false));
        assert_eq!(s.keys.len(), 1);
        assert_eq!(s.trusted_name(&a), Some("alice"));
        // A stored key whose ID equals a's but whose key differs.
        s.keys[0].pubkey = SecretKey::from_seed(&[2; 32]).public().to_string();
        let other = s.trust(&a, None).unwrap_err();
        assert_eq!(other.key_id, a.key_id());
        assert_eq!(s.keys.len(), 1);
    }
}

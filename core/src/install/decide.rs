//! The whole install decision over values, in the order `install` makes
//! it: the signature, the name against what is installed and pinned, then
//! the version against the installed experts. The CLI makes these checks
//! at two moments (before it extracts, and again under the registry lock);
//! the npm package asks them at once, to say whether a package would
//! install. Checks against a local base model (fingerprint, quantization)
//! need the model's files and stay with the caller.

use super::{admit_name, admit_signature, admit_version, Allow, Incoming, NameRefusal, Refusal};
use crate::registry::{Registry, TrustStore};
use crate::sign::{PublicKey, Status, Verdict};
use crate::ExitClass;

/// What `decide` weighs: a verified package and the user's installed
/// experts, trust store and flags.
pub struct Facts<'a> {
    /// The package's verdict. Trust is judged again from `trust_store`, so
    /// the keys the verdict was made with do not matter.
    pub verdict: &'a Verdict,
    /// The verified manifest's `constraints.requires`.
    pub requires: &'a [String],
    /// The verified manifest's `incompatible_with`.
    pub incompatible_with: &'a [String],
    /// The installed experts.
    pub registry: &'a Registry,
    /// The trusted keys and pins.
    pub trust_store: &'a TrustStore,
    /// Keys trusted for this install only (`install --trusted-key`).
    pub trusted_keys: &'a [PublicKey],
    /// What the user allowed beyond the defaults.
    pub allow: Allow,
    /// `--repin`: the user accepts a new key for a pinned name.
    pub repin: bool,
}

/// `Ok` when `install` would install the package, else its refusal.
pub fn decide(f: &Facts<'_>) -> Result<(), Refusal> {
    let signer = f
        .verdict
        .pubkey
        .as_deref()
        .and_then(|k| PublicKey::parse(k).ok());
    let verdict = judged_by(f, signer.as_ref());
    admit_signature(&verdict, &f.allow)?;
    let name = verdict.name.as_deref().unwrap_or_default();
    admit_name(
        Some(f.registry),
        Some(f.trust_store),
        name,
        signer.as_ref(),
        f.repin,
    )
    .map_err(Refusal::from)?;
    let incoming = Incoming {
        name,
        version: verdict.version.as_deref().unwrap_or_default(),
        requires: f.requires,
        incompatible_with: f.incompatible_with,
    };
    admit_version(f.registry, &incoming, &f.allow)
}

/// The verdict with `verified` or `valid-untrusted` as the trust store
/// and the extra keys say, the way `install` verifies with those keys.
fn judged_by(f: &Facts<'_>, signer: Option<&PublicKey>) -> Verdict {
    let mut v = f.verdict.clone();
    if let (Status::Verified | Status::ValidUntrusted, Some(key)) = (v.status, signer) {
        v.status = if f.trust_store.is_trusted(key) || f.trusted_keys.contains(key) {
            Status::Verified
        } else {
            Status::ValidUntrusted
        };
    }
    v
}

impl From<NameRefusal> for Refusal {
    fn from(r: NameRefusal) -> Refusal {
        // Another spelling of an installed expert is a conflict between
        // experts (4); a pin is a trust decision (6), whatever its code.
        let exit = match r {
            NameRefusal::SpellingInstalled { .. } => r.code().exit_class(),
            NameRefusal::SpellingPinned { .. } | NameRefusal::KeyChanged { .. } => {
                ExitClass::Untrusted
            }
        };
        Refusal {
            code: r.code(),
            message: r.message(),
            hint: Some(r.hint()),
            exit,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sign::SecretKey;
    use crate::Code;

    fn verdict(status: &str, name: &str, version: &str, key: &PublicKey) -> Verdict {
        serde_json::from_value(serde_json::json!({
            "status": status, "name": name, "version": version, "base_model": "m",
            "key_id": key.key_id(), "pubkey": key.to_string(), "publisher": null,
            "files": [], "problems": [],
        }))
        .unwrap()
    }

    fn registry() -> Registry {
        serde_json::from_str(
            r#"{"version": "1", "last_updated": "t", "install_dir": "/h", "models_dir": "/m",
                "experts": [{"name": "a", "versions": [{"version": "1.2.0", "base_model": "m",
                "path": "/h/experts/a/1.2.0", "source": "s", "installed_at": "t"}]}]}"#,
        )
        .unwrap()
    }

    fn code(
        v: &Verdict,
        store: &TrustStore,
        requires: &[String],
        allow: Allow,
    ) -> Result<(), Code> {
        decide(&Facts {
            verdict: v,
            requires,
            incompatible_with: &[],
            registry: &registry(),
            trust_store: store,
            trusted_keys: &[],
            allow,
            repin: false,
        })
        .map_err(|r| r.code)
    }

    #[test]
    fn trust_comes_from_the_store_not_from_the_verdict() {
        let key = SecretKey::from_seed(&[3; 32]).public();
        let mut store = TrustStore::default();
        let v = verdict("verified", "b", "1.0.0", &key);
        assert_eq!(
            code(&v, &store, &[], Allow::default()),
            Err(Code::Untrusted)
        );
        store.keys.push(crate::registry::TrustedKey {
            key_id: key.key_id(),
            pubkey: key.to_string(),
            name: None,
        });
        let untrusted = verdict("valid-untrusted", "b", "1.0.0", &key);
        assert_eq!(code(&untrusted, &store, &[], Allow::default()), Ok(()));
    }

    #[test]
    fn each_refusal_keeps_the_order_install_checks_in() {
        let key = SecretKey::from_seed(&[4; 32]).public();
        let other = SecretKey::from_seed(&[5; 32]).public();
        let mut store = TrustStore::default();
        let none = Allow::default();
        let untrusted = Allow {
            untrusted: true,
            ..none
        };
        let unsigned = verdict("unsigned", "b", "1.0.0", &key);
        assert_eq!(code(&unsigned, &store, &[], none), Err(Code::Unsigned));
        let older = verdict("valid-untrusted", "a", "1.0.0", &key);
        assert_eq!(code(&older, &store, &[], untrusted), Err(Code::Downgrade));
        let spelled = verdict("valid-untrusted", "A", "2.0.0", &key);
        assert_eq!(
            code(&spelled, &store, &[], untrusted),
            Err(Code::NameConflict)
        );
        store.set_pin("b", &other);
        let repinned = verdict("valid-untrusted", "b", "1.0.0", &key);
        assert_eq!(
            code(&repinned, &store, &[], untrusted),
            Err(Code::KeyChanged)
        );
        let needs = verdict("valid-untrusted", "c", "1.0.0", &key);
        let missing = ["z".to_string()];
        assert_eq!(
            code(&needs, &store, &missing, untrusted),
            Err(Code::MissingDependency)
        );
        assert_eq!(code(&needs, &store, &["a".to_string()], untrusted), Ok(()));
    }
}

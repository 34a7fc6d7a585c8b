//! Typed reads of the manifest fields that callers outside core need, so
//! that none of them walks JSON paths. As everywhere, `null` is absent.

use super::{Manifest, ModelView};
use crate::json::Node;
use crate::sign::PublicKey;

impl Manifest {
    /// `constraints.requires`: the experts this one needs installed.
    pub fn requires(&self) -> Vec<&str> {
        strings(constraint(&self.root, "requires"))
    }

    /// `constraints.incompatible_with`: the experts this one cannot
    /// be installed with.
    pub fn incompatible_with(&self) -> Vec<&str> {
        strings(constraint(&self.root, "incompatible_with"))
    }

    /// `capabilities`: what the expert says it is good at.
    pub fn capabilities(&self) -> Vec<&str> {
        strings(self.root.get("capabilities"))
    }

    /// The key `integrity.pubkey` names, when it parses: who claims to have
    /// signed, not proof of it (`verify` judges that).
    pub fn signer_pubkey(&self) -> Option<PublicKey> {
        let text = self.root.get("integrity")?.get("pubkey")?.as_str()?;
        PublicKey::parse(text).ok()
    }
}

impl<'a> ModelView<'a> {
    /// The base model's `fingerprint`, which installs match against the
    /// local model.
    pub fn fingerprint(&self) -> Option<&'a str> {
        self.node.get("fingerprint")?.as_str()
    }

    /// The base model's declared `quantization`, when it is a string.
    pub fn quantization(&self) -> Option<&'a str> {
        self.node.get("quantization")?.as_str()
    }

    /// The model's adapters, typed.
    pub fn adapter_views(&self) -> impl Iterator<Item = AdapterView<'a>> {
        self.adapters.iter().map(|node| AdapterView { node })
    }
}

/// One adapter object of a model.
#[derive(Debug, Clone, Copy)]
pub struct AdapterView<'a> {
    /// The adapter's object in the manifest.
    pub node: &'a Node,
}

impl<'a> AdapterView<'a> {
    /// `type`: `lora`, `dora`, `ia3`, …
    pub fn kind(&self) -> Option<&'a str> {
        self.text("type")
    }

    /// `path`: where its weights are in the expert.
    pub fn path(&self) -> Option<&'a str> {
        self.text("path")
    }

    /// `size_bytes` of the weights; 0 means not set, so None.
    pub fn size_bytes(&self) -> Option<u64> {
        self.node.get("size_bytes")?.as_u64().filter(|&n| n != 0)
    }

    /// `sha256` of the weights; "" means not set, so None.
    pub fn sha256(&self) -> Option<&'a str> {
        self.text("sha256").filter(|s| !s.is_empty())
    }

    fn text(&self, key: &str) -> Option<&'a str> {
        self.node.get(key)?.as_str()
    }
}

/// The strings of an array field (other items are skipped).
/// `constraints.<key>` of a manifest's root, validated or not.
pub(crate) fn constraint<'a>(root: &'a Node, key: &str) -> Option<&'a Node> {
    root.get("constraints")?.get(key)
}

/// The strings of a JSON list; other items and a non-list give nothing.
pub(crate) fn strings(list: Option<&Node>) -> Vec<&str> {
    list.and_then(Node::items)
        .unwrap_or(&[])
        .iter()
        .filter_map(Node::as_str)
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::limits::Limits;
    use crate::manifest::Manifest;
    use crate::sign::SecretKey;

    fn manifest(text: &str) -> Manifest {
        Manifest::parse(text.as_bytes(), &Limits::default()).expect("valid manifest")
    }

    const ADAPTER: &str = r#"{"type": "lora", "r": 8, "alpha": 16, "target_modules": ["q_proj"]"#;

    fn v2(model_extra: &str, adapter_extra: &str, root_extra: &str) -> Manifest {
        manifest(&format!(
            r#"{{"schema_version": "2.0", "name": "e", "version": "1.0.0", "license": "MIT",
                "base_models": [{{"name": "org/M"{model_extra},
                    "adapters": [{ADAPTER}{adapter_extra}}}]}}]{root_extra}}}"#
        ))
    }

    #[test]
    fn constraints_and_capabilities_are_string_lists() {
        let m = v2(
            "",
            "",
            r#", "capabilities": ["json", "sql"],
                "constraints": {"requires": ["a@>=1.0.0", "b"], "incompatible_with": ["c"]}"#,
        );
        assert_eq!(m.requires(), ["a@>=1.0.0", "b"]);
        assert_eq!(m.incompatible_with(), ["c"]);
        assert_eq!(m.capabilities(), ["json", "sql"]);
    }

    #[test]
    fn absent_and_null_fields_read_as_none_or_empty() {
        let m = v2(
            r#", "fingerprint": null, "quantization": null"#,
            r#", "path": null, "size_bytes": null, "sha256": null"#,
            r#", "capabilities": null, "constraints": {"requires": null}, "integrity": null"#,
        );
        assert!(m.requires().is_empty() && m.incompatible_with().is_empty());
        assert!(m.capabilities().is_empty());
        assert!(m.signer_pubkey().is_none());
        let model = m.models()[0];
        assert_eq!((model.fingerprint(), model.quantization()), (None, None));
        let a = model.adapter_views().next().unwrap();
        assert_eq!(a.kind(), Some("lora"));
        assert_eq!((a.path(), a.size_bytes(), a.sha256()), (None, None, None));
    }

    #[test]
    fn model_and_adapter_fields() {
        let sha = "ab".repeat(32);
        let m = v2(
            r#", "fingerprint": "fp", "quantization": "int4""#,
            &format!(r#", "path": "weights/a", "size_bytes": 12, "sha256": "{sha}""#),
            "",
        );
        let model = m.models()[0];
        assert_eq!(model.fingerprint(), Some("fp"));
        assert_eq!(model.quantization(), Some("int4"));
        let a: Vec<_> = model.adapter_views().collect();
        assert_eq!(a.len(), 1);
        assert_eq!(a[0].path(), Some("weights/a"));
        assert_eq!(a[0].size_bytes(), Some(12));
        assert_eq!(a[0].sha256(), Some(sha.as_str()));
    }

    #[test]
    fn unset_size_and_hash_read_as_none() {
        let m = v2("", r#", "size_bytes": 0, "sha256": """#, "");
        let a = m.models()[0].adapter_views().next().unwrap();
        assert_eq!((a.size_bytes(), a.sha256()), (None, None));
    }

    #[test]
    fn v1_models_read_the_same_fields() {
        let m = manifest(&format!(
            r#"{{"name": "e", "version": "1.0.0", "license": "MIT",
                "base_model": {{"name": "org/M", "quantization": "int8"}},
                "adapters": [{ADAPTER}, "size_bytes": 5}}]}}"#
        ));
        let model = m.models()[0];
        assert_eq!(model.quantization(), Some("int8"));
        assert_eq!(model.adapter_views().next().unwrap().size_bytes(), Some(5));
    }

    #[test]
    fn signer_pubkey_is_the_parsed_integrity_key() {
        let key = SecretKey::from_seed(&[7; 32]).public();
        let m = v2("", "", &format!(r#", "integrity": {{"pubkey": "{key}"}}"#));
        assert_eq!(m.signer_pubkey(), Some(key));
        let m = v2("", "", r#", "integrity": {"pubkey": "ed25519:00"}"#);
        assert_eq!(m.signer_pubkey(), None);
    }
}

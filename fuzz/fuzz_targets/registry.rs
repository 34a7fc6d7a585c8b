//! The registry and trust-store loaders over arbitrary bytes.
//!
//! Invariants: nothing panics; `load_*` succeeds exactly when `parse_*`
//! succeeds and the rules find no error; every refusal carries at least
//! one finding whose code starts with `E_REGISTRY` / `E_TRUST_STORE`; a
//! loaded value written back as JSON loads again to the same value (what
//! `save` writes, the next command reads); and `rebuild` from no tree
//! gives a registry without experts that loads.

#![no_main]

use expert_core::registry::{
    load_registry, load_trust_store, parse_registry, parse_trust_store, rebuild, registry_rules,
    trust_store_rules,
};
use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let home = Path::new("/home/u/.expert");
    let loaded = load_registry(data, home);
    match (&loaded, parse_registry(data)) {
        (Ok(_), Ok(parsed)) => assert!(registry_rules(&parsed, home).iter().all(|f| !f.is_error())),
        (Err(found), Ok(parsed)) => {
            assert!(!found.is_empty());
            assert!(registry_rules(&parsed, home).iter().any(|f| f.is_error()));
        }
        (Err(found), Err(_)) => assert!(!found.is_empty()),
        (Ok(_), Err(_)) => panic!("load_registry accepted what parse_registry refused"),
    }
    if let Err(found) = &loaded {
        assert!(found.iter().all(|f| f.code.starts_with("E_REGISTRY")));
    }
    if let Ok(reg) = loaded {
        let text = serde_json::to_vec(&reg).expect("a loaded registry serializes");
        let again = load_registry(&text, home).expect("what we write loads again");
        assert_eq!(again, reg, "a write and a read changed the registry");
        let (empty, found) = rebuild(&reg, &[]);
        assert!(found.is_empty() && empty.experts.is_empty());
        let text = serde_json::to_vec(&empty).expect("serializes");
        load_registry(&text, home).expect("a rebuilt registry loads");
    }

    let store = load_trust_store(data);
    match (&store, parse_trust_store(data)) {
        (Ok(_), Ok(parsed)) => assert!(trust_store_rules(&parsed).iter().all(|f| !f.is_error())),
        (Err(found), _) => {
            assert!(!found.is_empty());
            assert!(found.iter().all(|f| f.code.starts_with("E_TRUST_STORE")));
        }
        (Ok(_), Err(_)) => panic!("load_trust_store accepted what parse_trust_store refused"),
    }
    if let Ok(s) = store {
        let text = serde_json::to_vec(&s).expect("a loaded store serializes");
        assert_eq!(load_trust_store(&text).expect("loads again"), s);
    }
});

//! The registry looks experts up by folded name, prefers the exact
//! spelling, reads `NAME@VERSION` at the last `@`, and reports two
//! spellings of one name left by older versions.

use expert_core::registry::{parse_registry, registry_rules};
use std::path::Path;

fn registry(names: &[&str]) -> expert_core::registry::Registry {
    let experts: Vec<serde_json::Value> = names
        .iter()
        .map(|n| {
            serde_json::json!({"name": n, "versions": [{
                "version": "1.0.0", "base_model": "m", "path": format!("/h/experts/{n}/1.0.0"),
                "source": "s", "installed_at": "t"}]})
        })
        .collect();
    let v = serde_json::json!({"version": "1.0", "last_updated": "t", "install_dir": "/h/experts",
        "models_dir": "/h/models", "experts": experts});
    parse_registry(&serde_json::to_vec(&v).unwrap()).unwrap()
}

#[test]
fn lookups_fold_names_and_prefer_the_exact_spelling() {
    let reg = registry(&["Expert-Demo", "evil@1.0.0"]);
    assert_eq!(reg.find("expert_demo").unwrap().name, "Expert-Demo");
    assert_eq!(reg.other_spelling("expert-demo"), Some("Expert-Demo"));
    assert_eq!(reg.other_spelling("Expert-Demo"), None);
    let (r, v) = reg.resolve_spec("evil@1.0.0").unwrap();
    assert_eq!((r.name.as_str(), v), ("evil@1.0.0", None));
    let (r, v) = reg.resolve_spec("evil@1.0.0@1.0.0").unwrap();
    assert_eq!((r.name.as_str(), v), ("evil@1.0.0", Some("1.0.0")));
    let (r, v) = reg.resolve_spec("EXPERT.DEMO@1.0.0").unwrap();
    assert_eq!((r.name.as_str(), v), ("Expert-Demo", Some("1.0.0")));

    let both = registry(&["expert-demo", "Expert-Demo"]);
    assert_eq!(both.find("Expert-Demo").unwrap().name, "Expert-Demo");
    assert_eq!(both.find("expert-demo").unwrap().name, "expert-demo");
    let found = registry_rules(&both, Path::new("/h"));
    assert!(
        found
            .iter()
            .any(|f| f.code == "W_REGISTRY_NAME_SPELLINGS" && !f.is_error()),
        "{found:?}"
    );
}

//! Which installed experts stop an uninstall: those that require the one
//! being removed.

use super::Registry;
use crate::manifest::name::same_name;

impl Registry {
    /// The other experts whose recorded dependencies name `name`, when
    /// removing `version` (every version when `None`) leaves no version of
    /// it. Removing one of several versions leaves the expert installed,
    /// so nothing depends on that; the required version range is not
    /// weighed.
    pub fn required_by(&self, name: &str, version: Option<&str>) -> Vec<String> {
        let last_version =
            version.is_none() || self.find(name).is_some_and(|r| r.versions.len() == 1);
        if !last_version {
            return Vec::new();
        }
        self.experts
            .iter()
            .filter(|r| !same_name(&r.name, name))
            .filter(|r| {
                r.versions.iter().any(|v| {
                    v.dependencies.iter().any(|d| {
                        d.get("name")
                            .and_then(|n| n.as_str())
                            .is_some_and(|n| same_name(n, name))
                    })
                })
            })
            .map(|r| r.name.clone())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `a` at two versions, `b` at one, `app` requiring `A` (a spelling of `a`) and `b`.
    fn registry() -> Registry {
        let entry = |v: &str, deps: &str| {
            format!(
                r#"{{"version": "{v}", "base_model": "m", "path": "/h/{v}", "source": "s",
                    "installed_at": "t", "dependencies": [{deps}]}}"#
            )
        };
        let (a1, a2, b, app) = (
            entry("1.0.0", ""),
            entry("2.0.0", ""),
            entry("1.0.0", ""),
            entry("1.0.0", r#"{"name": "A"}, {"name": "b", "version": ">=1"}"#),
        );
        serde_json::from_str(&format!(
            r#"{{"version": "1", "last_updated": "t", "install_dir": "/h", "models_dir": "/m",
                "experts": [{{"name": "a", "versions": [{a1}, {a2}]}},
                            {{"name": "b", "versions": [{b}]}},
                            {{"name": "app", "versions": [{app}]}}]}}"#
        ))
        .unwrap()
    }

    #[test]
    fn only_removing_the_last_version_is_stopped_by_dependents() {
        let reg = registry();
        assert_eq!(reg.required_by("a", None), ["app"]);
        assert!(reg.required_by("a", Some("1.0.0")).is_empty());
        assert_eq!(reg.required_by("b", Some("1.0.0")), ["app"]);
        assert!(reg.required_by("app", None).is_empty());
    }
}

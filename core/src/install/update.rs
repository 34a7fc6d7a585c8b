//! `update NAME`: which version or tag a source offers, and whether what it
//! holds now may replace what is installed. A source that now holds
//! another expert (by folded name) is refused; pre-releases count only
//! when asked for (`--pre`), as cargo and pip treat them.

use crate::manifest::name::same_name;
use crate::Code;
use semver::Version;

/// The version a tag or version string names: `v1.2.0` or `1.2.0`.
pub fn version_of(tag: &str) -> Option<Version> {
    Version::parse(tag.strip_prefix('v').unwrap_or(tag)).ok()
}

/// The highest SemVer among `tags` (`v1.2.0` or `1.2.0`), leaving out
/// pre-releases unless `pre`. Other tags are ignored.
pub fn highest<'a>(tags: impl IntoIterator<Item = &'a str>, pre: bool) -> Option<&'a str> {
    tags.into_iter()
        .filter_map(|t| version_of(t).map(|v| (v, t)))
        .filter(|(v, _)| pre || v.pre.is_empty())
        .max_by(|a, b| a.0.cmp(&b.0))
        .map(|(_, t)| t)
}

/// The version `install` takes from a source holding packages of several
/// versions: the one its root manifest names, else the highest (a
/// pre-release only with `pre`, or when there is nothing else, then in
/// the registry's version order).
pub fn version_to_install<'a>(
    root_version: Option<&'a str>,
    versions: impl IntoIterator<Item = &'a str> + Clone,
    pre: bool,
) -> Option<&'a str> {
    root_version
        .or_else(|| highest(versions.clone(), pre))
        .or_else(|| {
            versions
                .into_iter()
                .max_by(|a, b| crate::registry::semver_cmp(a, b))
        })
}

/// What `update` does with what the source holds now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UpdateDecision {
    /// The installed version is the newest the source offers.
    UpToDate,
    /// The newest is a pre-release and `--pre` was not given.
    PreReleaseSkipped {
        /// That pre-release.
        version: String,
    },
    /// The source holds a newer version of the same expert: install it.
    Install,
}

/// Why `update` refuses the source. `code()` is stable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UpdateRefusal {
    /// The source now holds another expert than the installed one.
    OtherExpert {
        /// The installed expert's name.
        installed: String,
        /// The name the source holds now.
        found: String,
    },
}

impl UpdateRefusal {
    /// The stable code, `E_UPDATE_OTHER_EXPERT`.
    pub fn code(&self) -> Code {
        Code::UpdateOtherExpert
    }

    /// What was refused and why, for people.
    pub fn message(&self) -> String {
        let UpdateRefusal::OtherExpert { installed, found } = self;
        format!("the source of {installed:?} now holds another expert, {found:?}; update installs only the expert it was asked for")
    }
}

/// The decision for installed `name` at `installed_version` when the
/// source holds `found_name` at `found_version`.
pub fn decide(
    name: &str,
    installed_version: &str,
    found_name: &str,
    found_version: &str,
    pre: bool,
) -> Result<UpdateDecision, UpdateRefusal> {
    if !same_name(name, found_name) {
        return Err(UpdateRefusal::OtherExpert {
            installed: name.to_string(),
            found: found_name.to_string(),
        });
    }
    let (Some(now), Some(found)) = (version_of(installed_version), version_of(found_version))
    else {
        return Ok(if installed_version == found_version {
            UpdateDecision::UpToDate
        } else {
            UpdateDecision::Install
        });
    };
    if found <= now {
        return Ok(UpdateDecision::UpToDate);
    }
    if !found.pre.is_empty() && !pre {
        return Ok(UpdateDecision::PreReleaseSkipped {
            version: found_version.to_string(),
        });
    }
    Ok(UpdateDecision::Install)
}

#[cfg(test)]
mod tests {
    #[test]
    fn install_takes_the_root_version_else_the_highest_stable_else_any() {
        let vs = ["1.0.0", "1.2.0-rc.1", "1.1.0"];
        assert_eq!(version_to_install(Some("1.0.0"), vs, false), Some("1.0.0"));
        assert_eq!(version_to_install(None, vs, false), Some("1.1.0"));
        assert_eq!(version_to_install(None, vs, true), Some("1.2.0-rc.1"));
        assert_eq!(
            version_to_install(None, ["2.0.0-rc.1"], false),
            Some("2.0.0-rc.1")
        );
        assert_eq!(version_to_install(None, [], false), None);
    }

    use super::*;

    #[test]
    fn pre_releases_only_with_pre_and_semver_order() {
        let tags = ["v1.0.0", "v1.10.0", "v1.9.0", "v2.0.0-rc.1", "latest"];
        assert_eq!(highest(tags, false), Some("v1.10.0"));
        assert_eq!(highest(tags, true), Some("v2.0.0-rc.1"));
        assert_eq!(highest(["nightly"], true), None);
    }

    #[test]
    fn another_expert_is_refused_and_older_is_up_to_date() {
        assert!(decide("expert-a", "1.0.0", "expert-b", "2.0.0", false).is_err());
        assert_eq!(
            decide("expert-a", "1.0.0", "Expert_A", "1.1.0", false),
            Ok(UpdateDecision::Install)
        );
        assert_eq!(
            decide("expert-a", "1.1.0", "expert-a", "1.0.0", false),
            Ok(UpdateDecision::UpToDate)
        );
        assert!(matches!(
            decide("expert-a", "1.0.0", "expert-a", "2.0.0-rc.1", false),
            Ok(UpdateDecision::PreReleaseSkipped { .. })
        ));
        assert_eq!(
            decide("expert-a", "1.0.0", "expert-a", "2.0.0-rc.1", true),
            Ok(UpdateDecision::Install)
        );
    }
}

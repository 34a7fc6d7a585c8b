//! The fields that say what the expert is: name, version, license, and
//! whether an `integrity` section is at least an object.

use super::Checker;
use crate::json::Node;
use crate::manifest::Severity;
use crate::Code;

impl Checker<'_> {
    /// `name` is a safe, non-empty name; `version` is semver; no `license`
    /// is worth a warning.
    pub(super) fn identity(&mut self, root: &Node) {
        if let Some(name) = self.string(root, "name", "name", true) {
            if name.is_empty() {
                self.at(
                    root.get("name").unwrap(),
                    "name",
                    Code::Empty,
                    "`name` must not be empty".into(),
                );
            } else if let Err(problem) = crate::manifest::name::check_name(name) {
                let shown = crate::display::escape(name);
                self.at(
                    root.get("name").unwrap(),
                    "name",
                    Code::UnsafeName,
                    format!(
                        "name \"{shown}\": {}; {}",
                        problem.describe(),
                        crate::manifest::name::NAME_RULE
                    ),
                );
            }
        }
        if let Some(version) = self.string(root, "version", "version", true) {
            if semver::Version::parse(version).is_err() {
                self.at(
                    root.get("version").unwrap(),
                    "version",
                    Code::VersionSemver,
                    format!("version {version:?} is not a semantic version such as \"1.2.0\""),
                );
            }
        }
        if root.get("license").is_none() {
            self.push(
                Severity::Warning,
                Code::WarnNoLicense,
                "license",
                Some(root.span.start),
                "no `license`; users cannot tell whether they may redistribute this expert".into(),
            );
        }
        if let Some(i) = root.get("integrity") {
            if i.members().is_none() {
                self.at(
                    i,
                    "integrity",
                    Code::Type,
                    format!("`integrity` must be an object, not {}", i.kind()),
                );
            }
        }
    }
}

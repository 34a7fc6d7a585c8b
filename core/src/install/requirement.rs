//! `constraints.requires` and `incompatible_with` entries: `NAME` or
//! `NAME@RANGE` with a semver range. Names follow `name::check_name` and
//! match installed experts by their folded key.

/// A parsed dependency requirement.
#[derive(Debug, Clone, PartialEq)]
pub struct Requirement {
    /// The expert's name as written.
    pub name: String,
    /// The versions that satisfy it; None: any version.
    pub range: Option<semver::VersionReq>,
}

/// Parses `NAME` or `NAME@RANGE`; the error says what is wrong with it.
pub fn parse_requirement(s: &str) -> Result<Requirement, String> {
    let (name, range) = match s.split_once('@') {
        Some((n, r)) => (
            n,
            Some(semver::VersionReq::parse(r).map_err(|e| e.to_string())?),
        ),
        None => (s, None),
    };
    if let Err(problem) = crate::manifest::name::check_name(name) {
        return Err(format!(
            "\"{}\" is not a valid expert name: {}",
            crate::display::escape(name),
            problem.describe()
        ));
    }
    Ok(Requirement {
        name: name.to_string(),
        range,
    })
}

impl Requirement {
    /// Whether expert `name` at `version` satisfies this requirement.
    pub fn accepts(&self, name: &str, version: &str) -> bool {
        crate::manifest::name::same_name(name, &self.name)
            && self
                .range
                .as_ref()
                .is_none_or(|r| semver::Version::parse(version).is_ok_and(|v| r.matches(&v)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requirements_parse_and_match() {
        let r = parse_requirement("expert-json@>=0.4.0").unwrap();
        assert!(
            r.accepts("expert-json", "0.4.1")
                && !r.accepts("expert-json", "0.3.9")
                && !r.accepts("expert-sql", "1.0.0")
        );
        assert!(parse_requirement("expert-json")
            .unwrap()
            .accepts("expert-json", "0.0.1"));
        assert!(parse_requirement("../x").is_err() && parse_requirement("a@>>1").is_err());
        // Another spelling of the same name is the same expert.
        assert!(parse_requirement("Expert_JSON@>=0.4.0")
            .unwrap()
            .accepts("expert-json", "0.4.0"));
        assert!(parse_requirement("expert\u{200B}json").is_err());
    }
}

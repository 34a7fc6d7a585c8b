//! `constraints.requires` entries: `NAME` or `NAME@RANGE` with a semver range.

/// A parsed dependency requirement.
#[derive(Debug, Clone, PartialEq)]
pub struct Requirement {
    pub name: String,
    pub range: Option<semver::VersionReq>,
}

pub fn parse_requirement(s: &str) -> Result<Requirement, String> {
    let (name, range) = match s.split_once('@') {
        Some((n, r)) => (
            n,
            Some(semver::VersionReq::parse(r).map_err(|e| e.to_string())?),
        ),
        None => (s, None),
    };
    if !crate::path::is_safe_component(name) {
        return Err(format!("{name:?} is not a valid expert name"));
    }
    Ok(Requirement {
        name: name.to_string(),
        range,
    })
}

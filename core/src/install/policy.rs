//! Install policy over values: which signatures `install` accepts, and the
//! rules a new version must keep against the installed experts (no silent
//! downgrade, `incompatible_with` both ways, every `requires` installed).
//! The CLI gathers the facts and turns a `Refusal` into its error.

use crate::install::requirement::{parse_requirement, Requirement};
use crate::manifest::name::same_name;
use crate::registry::{semver_cmp, Registry};
use crate::sign::{Status, Verdict};
use crate::{Code, ExitClass};

/// Why a package is not installed, and what the user can do about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// Why, for programs.
    pub code: Code,
    /// Why, for people.
    pub message: String,
    /// What the user can do about it, when there is something.
    pub hint: Option<String>,
    /// How `expert-cli install` exits: the code's own class, except for
    /// another spelling of a pinned name, which is a trust refusal (6).
    pub exit: ExitClass,
}

fn refusal(code: Code, message: String, hint: &str) -> Refusal {
    Refusal {
        code,
        message,
        hint: Some(hint.to_string()),
        exit: code.exit_class(),
    }
}

/// What the user allowed beyond the defaults (`install --allow-*`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Allow {
    /// `--allow-unsigned`: a package without a signature.
    pub unsigned: bool,
    /// `--allow-legacy`: upstream's legacy signature, which does not cover
    /// the manifest.
    pub legacy: bool,
    /// `--allow-untrusted`: a valid signature by a key not in the trust store.
    pub untrusted: bool,
    /// `--allow-downgrade`: a version lower than the installed one.
    pub downgrade: bool,
}

/// What an incoming package says about itself, for `admit_version`.
#[derive(Debug, Clone, Copy)]
pub struct Incoming<'a> {
    /// The manifest's `name`.
    pub name: &'a str,
    /// The manifest's `version`.
    pub version: &'a str,
    /// Its `constraints.requires`: experts that must be installed.
    pub requires: &'a [String],
    /// Its `incompatible_with`: experts that must not be.
    pub incompatible_with: &'a [String],
}

/// Whether `install` accepts a package with this verdict: unsigned, legacy
/// and untrusted signatures each need the user's explicit consent, because
/// none of them proves who made the package. An invalid package is never
/// accepted; callers refuse it first, naming the file
/// (`verify::refuse_invalid` in the CLI).
pub fn admit_signature(verdict: &Verdict, allow: &Allow) -> Result<(), Refusal> {
    let who = format!(
        "{} {}",
        verdict.name.as_deref().unwrap_or("the package"),
        verdict.version.as_deref().unwrap_or("")
    );
    match verdict.status {
        Status::Invalid => Err(invalid(verdict)),
        Status::Unsigned if !allow.unsigned => Err(refusal(
            Code::Unsigned,
            format!("{who} is unsigned: nothing proves who made it"),
            "ask the publisher for a signed package, or pass --allow-unsigned",
        )),
        Status::Legacy if !allow.legacy => Err(refusal(
            Code::Legacy,
            format!("{who} uses upstream's legacy signature, which does not cover its manifest"),
            "ask the publisher to re-sign with `expert-cli sign`, or pass --allow-legacy",
        )),
        Status::ValidUntrusted if !allow.untrusted => Err(refusal(
            Code::Untrusted,
            format!(
                "{who} is signed by key {}, which you have not trusted",
                verdict.key_id.as_deref().unwrap_or_default()
            ),
            "trust the publisher with `expert-cli trust add KEY.pub`, or pass --allow-untrusted to pin this key to this expert",
        )),
        _ => Ok(()),
    }
}

/// The verdict's first problem, for a caller that did not refuse it first.
/// A received package that is invalid exits 5, whatever the defect.
fn invalid(verdict: &Verdict) -> Refusal {
    let first = verdict.problems.first();
    Refusal {
        exit: ExitClass::Integrity,
        ..refusal(
            first.map_or(Code::Internal, |p| p.code),
            first
                .map_or("invalid package", |p| p.message.as_str())
                .to_string(),
            "the package is damaged or tampered with; nothing was installed",
        )
    }
}

/// Whether `c` may join the installed experts in `reg`: checked before the
/// install and again under the registry lock, since another process may
/// have installed something in between.
pub fn admit_version(reg: &Registry, c: &Incoming<'_>, allow: &Allow) -> Result<(), Refusal> {
    if !allow.downgrade {
        no_downgrade(reg, c)?;
    }
    no_incompatible(reg, c)?;
    c.requires.iter().try_for_each(|req| installed(reg, c, req))
}

/// A version older than the newest installed one is refused: installing
/// it would silently replace what the user runs.
fn no_downgrade(reg: &Registry, c: &Incoming<'_>) -> Result<(), Refusal> {
    let newest = reg.find(c.name).and_then(|rec| rec.versions.first());
    match newest {
        Some(n) if semver_cmp(&n.version, c.version).is_gt() => Err(refusal(
            Code::Downgrade,
            format!(
                "{} {} is installed; {} is older",
                c.name, n.version, c.version
            ),
            "pass --allow-downgrade to install an older version",
        )),
        _ => Ok(()),
    }
}

/// Unparsable entries of an `incompatible_with` list are ignored, as
/// validation already reported them.
fn requirements(list: &[String]) -> Vec<Requirement> {
    list.iter()
        .filter_map(|s| parse_requirement(s).ok())
        .collect()
}

/// `incompatible_with` holds both ways: the incoming package's list against
/// each installed expert's newest version, and theirs against it.
fn no_incompatible(reg: &Registry, c: &Incoming<'_>) -> Result<(), Refusal> {
    let ours = requirements(c.incompatible_with);
    for rec in reg.experts.iter().filter(|r| !same_name(&r.name, c.name)) {
        let Some(v) = rec.versions.first() else {
            continue;
        };
        if ours.iter().any(|r| r.accepts(&rec.name, &v.version))
            || requirements(&v.incompatible_with)
                .iter()
                .any(|r| r.accepts(c.name, c.version))
        {
            return Err(refusal(
                Code::Incompatible,
                format!(
                    "{} {} and the installed {} {} are incompatible",
                    c.name, c.version, rec.name, v.version
                ),
                "uninstall the other expert first",
            ));
        }
    }
    Ok(())
}

/// `req` must be met by an installed version of the expert it names.
fn installed(reg: &Registry, c: &Incoming<'_>, req: &str) -> Result<(), Refusal> {
    let r = parse_requirement(req).map_err(|message| Refusal {
        code: Code::DependencySpec,
        message,
        hint: None,
        exit: Code::DependencySpec.exit_class(),
    })?;
    let met = reg.find(&r.name).is_some_and(|rec| {
        rec.versions
            .iter()
            .any(|v| r.accepts(&rec.name, &v.version))
    });
    if met {
        return Ok(());
    }
    Err(refusal(
        Code::MissingDependency,
        format!("{} requires {req}, which is not installed", c.name),
        &format!(
            "install {} first (or name both sources in one install command)",
            r.name
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn registry() -> Registry {
        let entry = r#"{"version": "1.2.0", "base_model": "m", "path": "/h/experts/a/1.2.0",
            "source": "s", "installed_at": "t", "incompatible_with": ["b"]}"#;
        serde_json::from_str(&format!(
            r#"{{"version": "1", "last_updated": "t", "install_dir": "/h", "models_dir": "/m",
                "experts": [{{"name": "a", "versions": [{entry}]}}]}}"#
        ))
        .unwrap()
    }

    fn incoming<'a>(name: &'a str, version: &'a str, requires: &'a [String]) -> Incoming<'a> {
        Incoming {
            name,
            version,
            requires,
            incompatible_with: &[],
        }
    }

    #[test]
    fn downgrades_incompatibilities_and_missing_dependencies_are_refused() {
        let reg = registry();
        let code =
            |c: &Incoming<'_>, allow: &Allow| admit_version(&reg, c, allow).map_err(|r| r.code);
        let none = Allow::default();
        assert_eq!(
            code(&incoming("a", "1.1.0", &[]), &none),
            Err(Code::Downgrade)
        );
        let downgrade = Allow {
            downgrade: true,
            ..none
        };
        assert_eq!(code(&incoming("a", "1.1.0", &[]), &downgrade), Ok(()));
        assert_eq!(
            code(&incoming("b", "0.1.0", &[]), &none),
            Err(Code::Incompatible)
        );
        let needs = |r: &str| vec![r.to_string()];
        assert_eq!(code(&incoming("c", "1.0.0", &needs("a")), &none), Ok(()));
        assert_eq!(
            code(&incoming("c", "1.0.0", &needs("z")), &none),
            Err(Code::MissingDependency)
        );
    }

    #[test]
    fn signatures_that_prove_no_one_need_consent() {
        let mut v = crate::sign::unreadable(Code::TarTruncated, "cut");
        assert_eq!(
            admit_signature(&v, &Allow::default()).unwrap_err().code,
            Code::TarTruncated
        );
        v.status = Status::Unsigned;
        let refused = admit_signature(&v, &Allow::default()).unwrap_err();
        assert_eq!(refused.code, Code::Unsigned);
        let unsigned = Allow {
            unsigned: true,
            ..Allow::default()
        };
        assert_eq!(admit_signature(&v, &unsigned), Ok(()));
        v.status = Status::ValidUntrusted;
        assert_eq!(
            admit_signature(&v, &unsigned).unwrap_err().code,
            Code::Untrusted
        );
    }
}

//! `install SOURCE...` and `update NAME`.

use crate::args::{InstallArgs, PolicyArgs, UpdateArgs};
use crate::error::{CliError, Code, Exit, Result};
use crate::install::{install, prepare, Installed, Policy, Prepared};
use crate::registry::{Registry, RegistryFile, VersionEntry};
use crate::source::{self, Source};
use crate::term::Style;
use expert_core::display::escape;
use expert_core::install::update::{decide, version_of, UpdateDecision};
use serde::Serialize;

#[derive(Serialize)]
struct Out {
    installed: Vec<Installed>,
    warnings: Vec<String>,
}

fn policy(p: &PolicyArgs) -> Policy {
    Policy {
        allow_unsigned: p.allow_unsigned,
        allow_untrusted: p.allow_untrusted,
        allow_legacy: p.allow_legacy,
        allow_downgrade: p.allow_downgrade,
        force: p.force,
        repin: p.repin,
        extra_trusted: Vec::new(),
    }
}

/// Orders prepared packages so each comes after the ones it requires
/// (core's `install::dependency_order`); a cycle is an error that names it.
fn dependency_order(items: Vec<Prepared>) -> Result<Vec<Prepared>> {
    let facts: Vec<(&str, &[String])> = items
        .iter()
        .map(|p| (p.candidate.name.as_str(), &p.candidate.requires[..]))
        .collect();
    let order = expert_core::install::dependency_order(&facts)
        .map_err(|cycle| CliError::new(Code::DependencyCycle, cycle.to_string()))?;
    let mut slots: Vec<Option<Prepared>> = items.into_iter().map(Some).collect();
    Ok(order
        .into_iter()
        .map(|i| slots[i].take().expect("each once"))
        .collect())
}

fn report(out: &Out, json: bool) {
    if json {
        super::print_json(out);
        return;
    }
    crate::term::print_warnings(&out.warnings);
    let s = Style::stdout();
    for i in &out.installed {
        println!(
            "{} {} {} for {} → {} ({}{})",
            s.green("installed"),
            escape(&i.name),
            escape(&i.version),
            escape(&i.base_model),
            escape(&i.path),
            i.status,
            i.signer
                .as_ref()
                .map(|t| format!(", {}", t.key))
                .unwrap_or_default()
        );
        if let Some(claim) = i.signer.as_ref().and_then(|t| t.claim.as_deref()) {
            println!("  claims  {claim} (not checked: anyone can write it)");
        }
    }
}

pub fn run(a: InstallArgs) -> Result<Exit> {
    crate::http::set_allow_http(a.allow_http);
    let local = crate::models::detect();
    let mut warnings = Vec::new();
    let prepared = a
        .sources
        .iter()
        .map(|s| prepare(s, a.base_model.as_deref(), true, &local, &mut warnings))
        .collect::<Result<Vec<_>>>()?;
    let mut policy = policy(&a.policy);
    for k in &a.trusted_keys {
        policy
            .extra_trusted
            .push(crate::trust_store::parse_key_arg(k)?);
    }
    let mut out = Out {
        installed: Vec::new(),
        warnings: Vec::new(),
    };
    for p in dependency_order(prepared)? {
        out.installed
            .push(install(&p, &policy, &local, &mut warnings)?);
    }
    out.warnings = warnings;
    report(&out, a.json);
    Ok(Exit::Ok)
}

pub fn update(a: UpdateArgs) -> Result<Exit> {
    let (name, current) = installed_version(&a.name)?;
    crate::http::set_allow_http(a.allow_http);
    let source_text = newest_source(&current.source, a.pre)?;
    let local = crate::models::detect();
    let mut warnings = Vec::new();
    let base_model = a.base_model.clone().unwrap_or(current.base_model.clone());
    let p = prepare(
        &source_text,
        Some(&base_model),
        a.pre,
        &local,
        &mut warnings,
    )?;
    let c = &p.candidate;
    let skipped =
        match decide(&name, &current.version, &c.name, &c.version, a.pre) {
            Err(r) => return Err(CliError::new(r.code(), r.message()).hint(
                "nothing was changed; if you want the other expert, install it by its own source",
            )),
            Ok(UpdateDecision::Install) => None,
            Ok(UpdateDecision::UpToDate) => Some(None),
            Ok(UpdateDecision::PreReleaseSkipped { version }) => Some(Some(version)),
        };
    if let Some(pre) = skipped {
        report_up_to_date(&name, &current.version, pre, warnings, a.json);
        return Ok(Exit::Ok);
    }
    let installed = install(&p, &policy(&a.policy), &local, &mut warnings)?;
    report(
        &Out {
            installed: vec![installed],
            warnings,
        },
        a.json,
    );
    Ok(Exit::Ok)
}

/// The installed expert NAME (matched by its folded key, like every other
/// command) and the version `update` starts from.
fn installed_version(wanted: &str) -> Result<(String, VersionEntry)> {
    let reg = Registry::load()?;
    let rec = reg.find(wanted).ok_or_else(|| {
        CliError::new(Code::NotInstalled, format!("{wanted} is not installed"))
            .hint("see `expert-cli list`")
    })?;
    let name = rec.name.clone();
    // The loader refuses an expert without versions; this is belt and braces.
    let current = rec.versions.first().ok_or_else(|| {
        crate::registry::broken(
            &crate::registry::path(),
            &[expert_core::registry::Finding::error(
                Code::RegistryEmptyVersions,
                "",
                format!("{name} lists no versions"),
            )],
        )
    })?;
    Ok((name.clone(), current.clone()))
}

/// Where to look for a newer version: an OCI repository's highest SemVer
/// tag (pre-releases with `pre`), a git source pinned to a version tag
/// moved to its highest tag, else the recorded source itself.
fn newest_source(recorded: &str, pre: bool) -> Result<String> {
    if let Some(s) = crate::remote::update_source(recorded, pre)? {
        return Ok(s);
    }
    if crate::remote::parse(recorded).is_some() {
        return Ok(recorded.to_string());
    }
    Ok(match source::parse(recorded)? {
        Source::Git {
            url,
            reference: Some(r),
        } if version_of(&r).is_some() => match source::highest_tag(&url, pre)? {
            Some(tag) => format!("git+{url}#{tag}"),
            None => recorded.to_string(),
        },
        _ => recorded.to_string(),
    })
}

/// Nothing to install: says so, and names a newer pre-release that was
/// left out without `--pre`.
fn report_up_to_date(
    name: &str,
    version: &str,
    pre: Option<String>,
    warnings: Vec<String>,
    json: bool,
) {
    if json {
        super::print_json(
            &serde_json::json!({"installed": [], "up_to_date": true, "version": version, "skipped_pre_release": pre, "warnings": warnings}),
        );
        return;
    }
    println!("{} {} is up to date", escape(name), escape(version));
    if let Some(v) = pre {
        println!(
            "  {} is a pre-release; `expert-cli update {} --pre` installs it",
            escape(&v),
            escape(name)
        );
    }
}

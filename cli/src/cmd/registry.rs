//! `registry validate` (read-only: the registry, `experts/` and the trust
//! store against each other) and `registry rebuild` (the registry from
//! `experts/` alone, under the install lock, written atomically).

use crate::args::RegistryCommand;
use crate::error::{Exit, ExitClass, Result};
use crate::term::Style;
use expert_core::display::escape;
use expert_core::registry::{check_tree, parse_registry, parse_trust_store, rebuild, Finding};

pub fn run(c: RegistryCommand) -> Result<Exit> {
    match c {
        RegistryCommand::Validate { json } => validate(json),
        RegistryCommand::Rebuild { json } => rebuild_cmd(json),
    }
}

fn validate(json: bool) -> Result<Exit> {
    let home = crate::registry::home();
    let installed = crate::expert_tree::scan(&home)?;
    let mut findings = Vec::new();
    let reg = match crate::registry::read_bytes()? {
        None => Some(crate::registry::empty()),
        Some(b) => match parse_registry(&b) {
            Ok(r) => Some(r),
            Err(f) => {
                findings.extend(f);
                None
            }
        },
    };
    let trust = match crate::trust_store::read_bytes()? {
        None => None,
        Some(b) => match parse_trust_store(&b) {
            Ok(t) => Some(t),
            Err(f) => {
                findings.extend(f);
                None
            }
        },
    };
    if let Some(reg) = &reg {
        findings.extend(check_tree(reg, &installed, trust.as_ref(), &home));
    }
    report(json, &findings, None);
    Ok(if findings.is_empty() {
        Exit::Ok
    } else {
        Exit::Failed(ExitClass::General)
    })
}

fn rebuild_cmd(json: bool) -> Result<Exit> {
    let _lock = crate::registry::lock()?;
    let home = crate::registry::home();
    let installed = crate::expert_tree::scan(&home)?;
    // The old registry's top level and other tools' fields survive when
    // it still parses; its rule breaks do not matter, it is replaced.
    let base = crate::registry::read_bytes()?
        .and_then(|b| parse_registry(&b).ok())
        .unwrap_or_else(crate::registry::empty);
    let (mut reg, findings) = rebuild(&base, &installed);
    crate::registry::save(&mut reg)?;
    let listed: Vec<(String, String)> = reg
        .experts
        .iter()
        .flat_map(|r| {
            r.versions
                .iter()
                .map(|v| (r.name.clone(), v.version.clone()))
        })
        .collect();
    report(json, &findings, Some(&listed));
    Ok(if findings.iter().any(Finding::is_error) {
        Exit::Failed(ExitClass::General)
    } else {
        Exit::Ok
    })
}

fn report(json: bool, findings: &[Finding], rebuilt: Option<&[(String, String)]>) {
    if json {
        let mut out = serde_json::json!({
            "clean": findings.is_empty(),
            "findings": findings,
        });
        if let Some(r) = rebuilt {
            out["registry"] = serde_json::json!(crate::registry::path().display().to_string());
            out["experts"] = r
                .iter()
                .map(|(n, v)| serde_json::json!({"name": n, "version": v}))
                .collect();
        }
        super::print_json(&out);
        return;
    }
    let s = Style::stdout();
    if let Some(r) = rebuilt {
        println!(
            "rebuilt {} with {} expert version(s)",
            crate::registry::path().display(),
            r.len()
        );
        for (n, v) in r {
            println!("  {} {}", escape(n), escape(v));
        }
    }
    for f in findings {
        let label = format!(
            "{}[{}]",
            if f.is_error() { "error" } else { "warning" },
            f.code
        );
        let label = if f.is_error() {
            s.red(&label)
        } else {
            s.yellow(&label)
        };
        let at = if f.at.is_empty() {
            String::new()
        } else {
            format!("{}: ", f.at)
        };
        let who = f
            .expert
            .as_deref()
            .map(|e| format!("{e}: "))
            .unwrap_or_default();
        println!(
            "{label}: {}{}{}",
            escape(&at),
            escape(&who),
            escape(&f.message)
        );
        if !f.fix.is_empty() {
            println!("  fix: {}", escape(&f.fix));
        }
    }
    if rebuilt.is_none() && findings.is_empty() {
        println!("the registry, experts/ and the trust store agree");
    }
}

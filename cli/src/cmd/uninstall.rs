//! `uninstall NAME[@VERSION] [--cleanup] [--yes]`: the registry entry goes
//! first, then the files, so a crash leaves an orphan directory that the
//! next run removes, never a registry entry pointing at nothing.

use crate::args::UninstallArgs;
use crate::error::{CliError, Exit, Result};
use crate::registry::{Registry, RegistryFile};
use expert_core::display::escape;
use expert_core::name::same_name;
use std::io::{BufRead, IsTerminal, Write};

pub fn run(a: UninstallArgs) -> Result<Exit> {
    if a.cleanup && !a.yes && !std::io::stdin().is_terminal() {
        return Err(CliError::new(
            Exit::Usage,
            "E_CONFIRM",
            "--cleanup removes base models and needs confirmation, but there is no terminal to ask",
        )
        .hint("add --yes"));
    }
    crate::install::reconcile()?;
    let mut name = a.name.clone();
    let removed = Registry::transaction(|reg| {
        // NAME or NAME@VERSION, NAME matched by its folded key (core).
        let (rec, version) = reg
            .resolve_spec(&a.name)
            .ok_or_else(|| not_installed(&a.name))?;
        name = rec.name.clone();
        let version = version.map(str::to_string);
        let last_version =
            version.is_none() || reg.find(&name).is_some_and(|r| r.versions.len() == 1);
        if last_version && !a.force {
            let dependents: Vec<String> = reg
                .experts
                .iter()
                .filter(|r| !same_name(&r.name, &name))
                .filter(|r| {
                    r.versions.iter().any(|v| {
                        v.dependencies.iter().any(|d| {
                            d.get("name")
                                .and_then(|n| n.as_str())
                                .is_some_and(|n| same_name(n, &name))
                        })
                    })
                })
                .map(|r| r.name.clone())
                .collect();
            if !dependents.is_empty() {
                return Err(CliError::new(
                    Exit::MissingDependency,
                    "E_REQUIRED_BY",
                    format!("{name} is required by {}", dependents.join(", ")),
                )
                .hint("uninstall those first, or pass --force"));
            }
        }
        let gone = reg.remove(&name, version.as_deref());
        if gone.is_empty() {
            return Err(not_installed(&a.name));
        }
        Ok(gone)
    })?;
    for v in &removed {
        let _ = std::fs::remove_dir_all(&v.path);
        if let Some(parent) = v.path.parent() {
            let _ = std::fs::remove_dir(parent);
        }
    }
    let mut cleaned = Vec::new();
    if a.cleanup {
        cleaned = cleanup(a.yes)?;
    }
    if a.json {
        super::print_json(
            &serde_json::json!({ "removed": removed.iter().map(|v| serde_json::json!({"name": name, "version": v.version})).collect::<Vec<_>>(), "models_removed": cleaned }),
        );
    } else {
        for v in &removed {
            println!("uninstalled {} {}", escape(&name), escape(&v.version));
        }
        for m in &cleaned {
            println!("removed unused base model {m}");
        }
    }
    Ok(Exit::Ok)
}

fn not_installed(spec: &str) -> CliError {
    CliError::new(
        Exit::General,
        "E_NOT_INSTALLED",
        format!("{} is not installed", escape(spec)),
    )
    .hint("see `expert-cli list`")
}

/// Base models under `$EXPERT_HOME/models` that no installed expert uses.
fn cleanup(yes: bool) -> Result<Vec<String>> {
    let reg = Registry::load()?;
    let home_models = crate::home::expert_home().join("models");
    let unused: Vec<crate::models::LocalModel> = crate::models::detect()
        .into_iter()
        .filter(|m| std::path::Path::new(&m.path).starts_with(&home_models))
        .filter(|m| {
            !reg.experts.iter().flat_map(|r| &r.versions).any(|v| {
                !crate::models::matching(std::slice::from_ref(m), &v.base_model).is_empty()
            })
        })
        .collect();
    if unused.is_empty() {
        return Ok(Vec::new());
    }
    if !yes {
        if !std::io::stdin().is_terminal() {
            return Err(CliError::new(
                Exit::Usage,
                "E_CONFIRM",
                format!(
                    "--cleanup would remove {} base model(s); confirm with --yes",
                    unused.len()
                ),
            ));
        }
        print!(
            "remove unused base models {}? [y/N] ",
            unused
                .iter()
                .map(|m| m.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        );
        let _ = std::io::stdout().flush();
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .map_err(|e| CliError::new(Exit::General, "E_IO", e.to_string()))?;
        if !matches!(line.trim(), "y" | "Y" | "yes") {
            return Ok(Vec::new());
        }
    }
    let mut removed = Vec::new();
    for m in unused {
        std::fs::remove_dir_all(&m.path)
            .map_err(|e| CliError::io(std::path::Path::new(&m.path), e))?;
        removed.push(m.name);
    }
    Ok(removed)
}

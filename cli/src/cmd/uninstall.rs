//! `uninstall NAME[@VERSION] [--cleanup] [--yes]`: the registry entry goes
//! first, then the files, so a crash leaves an orphan directory that the
//! next run removes, never a registry entry pointing at nothing.

use crate::args::UninstallArgs;
use crate::error::{CliError, Code, Exit, Result};
use crate::registry::{Registry, RegistryFile};
use expert_core::display::escape;
use expert_core::registry::layout;
use std::io::{BufRead, IsTerminal, Write};

pub fn run(a: UninstallArgs) -> Result<Exit> {
    if a.cleanup && !a.yes && !std::io::stdin().is_terminal() {
        return Err(CliError::new(
            Code::Confirm,
            "--cleanup removes base models and needs confirmation, but there is no terminal to ask",
        )
        .hint("add --yes"));
    }
    crate::install::reconcile()?;
    let (name, removed) = Registry::transaction(|reg| unregister(reg, &a.name, a.force))?;
    let home = crate::home::expert_home();
    for (dir_name, version) in &removed {
        crate::safe_fs::remove(&home, &["experts", dir_name, version])?;
        crate::safe_fs::remove_if_empty(&home, &["experts", dir_name])?;
    }
    let mut cleaned = Vec::new();
    if a.cleanup {
        cleaned = cleanup(a.yes)?;
    }
    if a.json {
        super::print_json(
            &serde_json::json!({ "removed": removed.iter().map(|(_, v)| serde_json::json!({"name": name, "version": v})).collect::<Vec<_>>(), "models_removed": cleaned }),
        );
    } else {
        for (_, v) in &removed {
            println!("uninstalled {} {}", escape(&name), escape(v));
        }
        for m in &cleaned {
            println!("removed unused base model {m}");
        }
    }
    Ok(Exit::Ok)
}

/// Removes `spec` (NAME or NAME@VERSION, NAME matched by its folded key)
/// from the registry, unless another expert requires it and not `force`.
/// Returns the name as recorded, and the directory name under `experts/`
/// and the version of each entry removed.
fn unregister(
    reg: &mut Registry,
    spec: &str,
    force: bool,
) -> Result<(String, Vec<(String, String)>)> {
    let (rec, version) = reg.resolve_spec(spec).ok_or_else(|| not_installed(spec))?;
    let name = rec.name.clone();
    let version = version.map(str::to_string);
    let dependents = reg.required_by(&name, version.as_deref());
    if !dependents.is_empty() && !force {
        return Err(CliError::new(
            Code::RequiredBy,
            format!("{name} is required by {}", dependents.join(", ")),
        )
        .hint("uninstall those first, or pass --force"));
    }
    let record_name = reg.find(&name).map(|r| r.name.clone());
    let gone = reg.remove(&name, version.as_deref());
    // Only a directory computed from the name and version is ever
    // deleted; a registry that names another path is damage, and
    // nothing changes.
    let gone = match &record_name {
        Some(n) => gone
            .iter()
            .map(|v| Ok((install_dir_name(n, v)?, v.version.clone())))
            .collect::<Result<Vec<_>>>()?,
        None => Vec::new(),
    };
    if gone.is_empty() {
        return Err(not_installed(spec));
    }
    Ok((name, gone))
}

/// The directory under `experts/` that holds `v` (core's
/// `layout::installed_dir_name`), or the error that deletes nothing.
fn install_dir_name(name: &str, v: &crate::registry::VersionEntry) -> Result<String> {
    let home = crate::home::expert_home();
    if let Some(dir) = layout::installed_dir_name(&home, name, &v.version, &v.path) {
        return Ok(dir);
    }
    Err(CliError::new(Code::Registry,
        format!(
            "the registry says {} {} is at {}, which is not where it would be installed; nothing was deleted",
            escape(name),
            escape(&v.version),
            escape(&v.path.display().to_string()),
        ),
    )
    .hint("run `expert-cli registry validate`, then `expert-cli registry rebuild`"))
}

fn not_installed(spec: &str) -> CliError {
    CliError::new(
        Code::NotInstalled,
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
                Code::Confirm,
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
            .map_err(|e| CliError::new(Code::Io, e.to_string()))?;
        if !matches!(line.trim(), "y" | "Y" | "yes") {
            return Ok(Vec::new());
        }
    }
    let mut removed = Vec::new();
    let home = crate::home::expert_home();
    for m in unused {
        // Components listed from models/, never a path read from a file; a
        // model reached through a link lives elsewhere and is kept.
        let Some(rel) = crate::safe_fs::components_below(&home, std::path::Path::new(&m.path))
        else {
            continue;
        };
        let rel: Vec<&str> = rel.iter().map(String::as_str).collect();
        match crate::safe_fs::remove(&home, &rel) {
            Ok(crate::safe_fs::Removed::Link) => {
                eprintln!(
                    "note: {} was a link; removed the link, kept its target",
                    m.path
                );
                removed.push(m.name)
            }
            Ok(_) => removed.push(m.name),
            Err(e) if e.code == Code::HomeSymlink => {
                eprintln!("note: kept {}: {}", m.name, e.message)
            }
            Err(e) => return Err(e),
        }
    }
    Ok(removed)
}

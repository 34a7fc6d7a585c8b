//! `list`, `models` and `fingerprint`.

use crate::args::{FingerprintArgs, ListArgs};
use crate::error::{Exit, Result};
use crate::registry::{Registry, RegistryFile};
use expert_core::display::escape;
use serde::Serialize;

#[derive(Serialize)]
struct Row {
    name: String,
    version: String,
    base_model: String,
    path: String,
    source: String,
    key_id: Option<String>,
    /// As the registry records them: `{type, path, size_bytes, sha256}`.
    adapters: Vec<serde_json::Value>,
    capabilities: Vec<String>,
    #[serde(skip)]
    status: Option<String>,
}

pub fn run(a: ListArgs) -> Result<Exit> {
    if a.models {
        return models(a.json);
    }
    let reg = Registry::load()?;
    let rows: Vec<Row> = reg
        .experts
        .iter()
        .flat_map(|r| {
            r.versions.iter().map(move |v| Row {
                name: r.name.clone(),
                version: v.version.clone(),
                base_model: v.base_model.clone(),
                path: v.path.display().to_string(),
                source: v.source.clone(),
                key_id: v.key_id.clone(),
                adapters: v.adapters.clone(),
                capabilities: v.capabilities.clone(),
                status: v.status.clone(),
            })
        })
        .collect();
    if a.json {
        super::print_json(&serde_json::json!({ "experts": rows }));
    } else if rows.is_empty() {
        println!("no experts installed; try `expert-cli install git+https://…#tag`");
    } else {
        for r in rows {
            println!(
                "{} {}  ({})",
                escape(&r.name),
                escape(&r.version),
                escape(&r.base_model)
            );
            if a.verbose {
                println!(
                    "    path   {}\n    source {}\n    key    {}\n    status {} (at install time)",
                    escape(&r.path),
                    escape(&r.source),
                    escape(r.key_id.as_deref().unwrap_or("unsigned")),
                    escape(r.status.as_deref().unwrap_or("unknown"))
                );
                for a in &r.adapters {
                    let text = |k: &str| escape(a[k].as_str().unwrap_or("?")).into_owned();
                    println!("    adapter {} {}", text("type"), text("path"));
                }
                if !r.capabilities.is_empty() {
                    println!("    can    {}", escape(&r.capabilities.join(", ")));
                }
            }
        }
    }
    Ok(Exit::Ok)
}

pub fn models(json: bool) -> Result<Exit> {
    let found = crate::models::detect();
    if json {
        super::print_json(&serde_json::json!({ "models": found }));
    } else if found.is_empty() {
        println!("no base models found in $EXPERT_HOME/models, ./models, $EXPERT_MODELS_PATH or the Hugging Face cache");
    } else {
        for m in found {
            let q = m.quantization.as_deref().unwrap_or("precision unknown");
            println!(
                "{}  {}  ({}, {})",
                escape(&m.name),
                escape(&m.path),
                escape(m.source),
                escape(q)
            );
        }
    }
    Ok(Exit::Ok)
}

pub fn fingerprint(a: FingerprintArgs) -> Result<Exit> {
    let fp = crate::models::fingerprint_dir(&a.model_dir)?;
    if a.json {
        super::print_json(
            &serde_json::json!({ "path": a.model_dir.display().to_string(), "fingerprint": fp }),
        );
    } else {
        println!("{fp}");
    }
    Ok(Exit::Ok)
}

//! `inspect PKG`: the manifest summary and file list, no trust judgement.

use crate::args::InspectArgs;
use crate::error::{CliError, Context, Exit, Result};
use crate::term::{human_size, Style};
use expert_core::display::escape;
use expert_core::inspect::inspect;
use expert_core::Limits;

pub fn run(a: InspectArgs) -> Result<Exit> {
    let limits = Limits::default();
    let head = crate::package_read::read_head_file(&a.package, &limits)?;
    let manifest = head
        .small
        .require_manifest()
        .map_err(|e| CliError::new(e.code, e.message))?;
    let info = inspect(&head.records, manifest, &limits).map_err(|e| {
        CliError::new(e.kind.code(), format!("manifest.json: {}", e.message))
            .within(Context::Received)
    })?;
    if a.json {
        super::print_json(&info);
        return Ok(Exit::Ok);
    }
    let s = Style::stdout();
    let opt = |o: &Option<String>| escape(o.as_deref().unwrap_or("-")).into_owned();
    println!("{} {}", s.bold(&opt(&info.name)), opt(&info.version));
    if let Some(d) = &info.description {
        println!("  {}", escape(d));
    }
    println!("  schema      {}", opt(&info.schema_version));
    println!("  base model  {}", opt(&info.base_model));
    for ad in &info.adapters {
        let n = |x: Option<f64>| x.map(|v| v.to_string()).unwrap_or_else(|| "-".into());
        println!(
            "  adapter     {} r={} alpha={} {}",
            opt(&ad.kind),
            n(ad.r),
            n(ad.alpha),
            opt(&ad.path)
        );
    }
    if !info.capabilities.is_empty() {
        println!("  capabilities {}", escape(&info.capabilities.join(", ")));
    }
    println!("  license     {}", opt(&info.license));
    println!("  author      {}", opt(&info.author));
    if info.signed {
        println!(
            "  signature   key {}, the package says its publisher is \"{}\", at {} (run `verify` to check it)",
            opt(&info.key_id),
            opt(&info.publisher),
            opt(&info.created_at)
        );
    } else {
        println!("  signature   none");
    }
    println!("  files:");
    for f in &info.files {
        println!(
            "    {:>10}  {}  {}",
            human_size(f.size),
            &f.sha256[..16],
            escape(&f.path)
        );
    }
    Ok(Exit::Ok)
}

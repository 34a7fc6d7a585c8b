//! `migrate MANIFEST [-o FILE]`: schema 1.0 → 2.0, keeping everything else.

use super::read;
use crate::args::MigrateArgs;
use crate::error::{CliError, Code, Exit, Result};
use expert_core::json::{to_pretty, Style};
use expert_core::manifest::{migrate_v1_to_v2, validate, Manifest};
use expert_core::Limits;

pub fn run(a: MigrateArgs) -> Result<Exit> {
    let bytes = read(&a.manifest)?;
    let limits = Limits::default();
    let manifest = Manifest::parse(&bytes, &limits).map_err(|report| {
        super::validate::print_report(&a.manifest, &String::from_utf8_lossy(&bytes), &report, true);
        CliError::new(
            Code::ManifestInvalid,
            format!(
                "{} is not valid; fix it before migrating",
                a.manifest.display()
            ),
        )
    })?;
    let migrated = migrate_v1_to_v2(&manifest.root)
        .map_err(|e| CliError::new(Code::Migrate, format!("{}: {e}", a.manifest.display())))?;
    let text = to_pretty(&migrated, &Style::detect(&String::from_utf8_lossy(&bytes)));
    let report = validate(text.as_bytes(), &limits);
    if !report.valid {
        return Err(CliError::new(
            Code::Migrate,
            "the migrated manifest does not validate; please report this as a bug",
        ));
    }
    match a.output {
        Some(out) => {
            crate::atomic::write(&out, text.as_bytes())?;
            eprintln!(
                "migrated {} to schema 2.0 → {}",
                a.manifest.display(),
                out.display()
            );
        }
        None => print!("{text}"),
    }
    Ok(Exit::Ok)
}

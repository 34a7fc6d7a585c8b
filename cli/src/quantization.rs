//! The install-time quantization check (docs/CLI.md "Quantization"): a
//! base model's declared `quantization` against the `config.json` of the
//! local models that matched it. The decision is the core's
//! (`expert_core::base_model::quantization`); this reads the files and words it.

use crate::error::{CliError, Code, Result};
use crate::models::{config_of, matching, LocalModel};
use crate::source::Candidate;
use expert_core::base_model::quantization::{compare, of_config, Agreement};
use std::path::Path;

/// Refuses (exit 4, `E_QUANTIZATION_MISMATCH`) when every matching local
/// model that states a precision differs from the declared one, unless
/// `force`; notes when nothing can be compared.
pub fn check(
    c: &Candidate,
    force: bool,
    local: &[LocalModel],
    warnings: &mut Vec<String>,
) -> Result<()> {
    let found = matching(local, &c.base_model);
    if found.is_empty() {
        return Ok(()); // the base-model check already warned
    }
    let mut differs = Vec::new();
    let mut unknown = Vec::new();
    for m in &found {
        let config = config_of(Path::new(&m.path));
        match compare(
            c.quantization.as_deref(),
            config.as_ref().and_then(of_config),
        ) {
            Agreement::Same => return Ok(()),
            Agreement::Differs { local, .. } => differs.push(format!("{} is {local}", m.path)),
            Agreement::Unknown(why) => unknown.push(why),
        }
    }
    if differs.is_empty() {
        warnings.push(format!(
            "quantization not checked for {}: {}",
            c.name,
            unknown
                .first()
                .map(String::as_str)
                .unwrap_or("nothing to compare")
        ));
        return Ok(());
    }
    let msg = format!(
        "{} declares base model {} quantized as {:?}, but {}",
        c.name,
        c.base_model,
        c.quantization.as_deref().unwrap_or(""),
        differs.join("; ")
    );
    if !force {
        return Err(CliError::new(Code::QuantizationMismatch, msg)
            .hint("use a base model of the declared quantization, or pass --force"));
    }
    warnings.push(format!("{msg} (installed anyway: --force)"));
    Ok(())
}

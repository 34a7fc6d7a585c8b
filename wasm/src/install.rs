//! `installDecision`: whether `expert-cli install` would install a package,
//! given the user's registry, trust store and flags. The decision is core's
//! `install::decide`; this only reads the JS values into its arguments.

use crate::error;
use expert_core::install::{decide, Allow, Facts};
use expert_core::registry::{
    broken_file_message, first_fix, load_registry_standalone, load_trust_store, Finding, Registry,
    TrustStore,
};
use expert_core::sign::Verdict;
use expert_core::Code;
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

/// The part of a `verifyAndInspect` report the decision reads.
#[derive(Deserialize)]
struct Report {
    verdict: Verdict,
    inspection: Option<Inspection>,
}

/// The verified manifest's requirements, as `inspection` carries them.
#[derive(Deserialize, Default)]
struct Inspection {
    #[serde(default)]
    requires: Vec<String>,
    #[serde(default)]
    incompatible_with: Vec<String>,
}

/// The flags, as `install --allow-*` and `--repin` name them.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Flags {
    #[serde(default)]
    allow_unsigned: bool,
    #[serde(default)]
    allow_legacy: bool,
    #[serde(default)]
    allow_untrusted: bool,
    #[serde(default)]
    allow_downgrade: bool,
    #[serde(default)]
    repin: bool,
    #[serde(default)]
    trusted_keys: Vec<String>,
}

#[derive(Serialize)]
struct Decision {
    install: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    code: Option<Code>,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    hint: Option<String>,
}

/// `report_json` is a `verifyAndInspect` result, `flags_json` the flags;
/// `registry` and `trust_store` the files' bytes (absent: none installed,
/// nothing trusted). A broken file throws `E_REGISTRY` or `E_TRUST_STORE`,
/// as the CLI refuses to install over one.
#[wasm_bindgen(js_name = installDecision)]
pub fn install_decision(
    report_json: &str,
    registry: Option<Vec<u8>>,
    trust_store: Option<Vec<u8>>,
    flags_json: &str,
) -> Result<JsValue, JsValue> {
    let report: Report = argument(report_json, "report")?;
    let flags: Flags = argument(flags_json, "options")?;
    let registry = match registry {
        Some(b) => {
            load_registry_standalone(&b).map_err(|f| broken(&f, Code::Registry, "the registry"))?
        }
        None => Registry::empty(std::path::Path::new("/"), String::new()),
    };
    let trust_store = match trust_store {
        Some(b) => {
            load_trust_store(&b).map_err(|f| broken(&f, Code::TrustStore, "the trust store"))?
        }
        None => TrustStore::default(),
    };
    let trusted_keys = crate::trusted_keys(&flags.trusted_keys)?;
    let inspection = report.inspection.unwrap_or_default();
    let outcome = decide(&Facts {
        verdict: &report.verdict,
        requires: &inspection.requires,
        incompatible_with: &inspection.incompatible_with,
        registry: &registry,
        trust_store: &trust_store,
        trusted_keys: &trusted_keys,
        allow: Allow {
            unsigned: flags.allow_unsigned,
            legacy: flags.allow_legacy,
            untrusted: flags.allow_untrusted,
            downgrade: flags.allow_downgrade,
        },
        repin: flags.repin,
    });
    let decision = match outcome {
        Ok(()) => Decision {
            install: true,
            code: None,
            message: None,
            hint: None,
        },
        Err(r) => Decision {
            install: false,
            code: Some(r.code),
            message: Some(r.message),
            hint: r.hint,
        },
    };
    crate::to_js(&decision)
}

fn argument<T: for<'de> Deserialize<'de>>(json: &str, what: &str) -> Result<T, JsValue> {
    serde_json::from_str(json).map_err(|e| error(Code::BadArgument, &format!("{what}: {e}")))
}

/// One error naming every finding, with the CLI's words.
fn broken(found: &[Finding], code: Code, what: &str) -> JsValue {
    let message = broken_file_message("this file", what, found);
    match first_fix(found) {
        Some(fix) => error(code, &format!("{message}\n{fix}")),
        None => error(code, &message),
    }
}

//! The worst-case corpus (tests/worst-case/generate.py) through the real
//! binary: `verify --json` gives each package the verdict its expected.json
//! names, and human `validate` output stays small however many findings
//! there are (`--json` keeps them all).

use std::process::Command;

#[path = "../../tests/conformance/harness.rs"]
mod harness;
#[path = "../../tests/worst-case/harness.rs"]
mod worst_case;
use harness::{case_name, conformance_dir, expected, Outcome};

/// Human `validate` output of any case stays below this.
const MAX_HUMAN_OUTPUT: usize = 16 << 10;

#[test]
fn cli_verify_and_validate_finish_every_worst_case() {
    let home = tempfile::tempdir().unwrap();
    let mut failures = Vec::new();
    for dir in worst_case::case_dirs() {
        let name = case_name(&dir);
        let pkg = dir.join("package.expert");
        let cli = |args: &[&str]| {
            Command::new(env!("CARGO_BIN_EXE_expert-cli"))
                .args(args)
                .arg(&pkg)
                .env("EXPERT_HOME", home.path())
                .env("NO_COLOR", "1")
                .output()
                .expect("run expert-cli")
        };
        let key = conformance_dir().join("keys/publisher.pub");
        let out = cli(&["verify", "--json", "--trusted-key", key.to_str().unwrap()]);
        let v: serde_json::Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{name}: verify --json is not JSON: {e}"));
        let got = Outcome {
            status: v["status"].as_str().unwrap_or("<missing>").to_string(),
            problem_code: v["problems"][0]["code"].as_str().map(str::to_string),
        };
        let want = expected(&dir);
        if got != want {
            failures.push(format!("{name}: expected {want}, got {got}"));
        }
        let human = cli(&["validate"]);
        let text = String::from_utf8_lossy(&human.stdout);
        if human.stdout.len() > MAX_HUMAN_OUTPUT || text.contains("panicked") {
            failures.push(format!(
                "{name}: validate printed {} bytes (at most {MAX_HUMAN_OUTPUT}): {}",
                human.stdout.len(),
                text.chars().take(500).collect::<String>()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

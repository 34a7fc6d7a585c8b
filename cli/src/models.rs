//! Base models on this machine: `$EXPERT_HOME/models`, `./models`,
//! `$EXPERT_MODELS_PATH`, and the Hugging Face cache, where
//! `models--Qwen--Qwen3-0.6B` is `Qwen/Qwen3-0.6B` at the snapshot that
//! `refs/main` names. Matching uses the normalized model key, never
//! substrings.

use crate::error::{CliError, Code, Result};
use expert_core::base_model::fingerprint::{fingerprint, header_len};
use expert_core::manifest::normalized_model_key;
use serde::Serialize;
use std::io::Read;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Serialize)]
pub struct LocalModel {
    pub name: String,
    pub path: String,
    pub source: &'static str,
    /// What its `config.json` says about precision (`4-bit (gptq)`,
    /// `bf16`), or null when it says nothing usable.
    pub quantization: Option<String>,
}

/// A model directory's `config.json`, when it is readable JSON.
pub fn config_of(dir: &Path) -> Option<serde_json::Value> {
    let bytes = std::fs::read(dir.join("config.json")).ok()?;
    serde_json::from_slice(&bytes).ok()
}

fn model(name: String, path: &Path, source: &'static str) -> LocalModel {
    LocalModel {
        name,
        path: path.display().to_string(),
        source,
        quantization: config_of(path)
            .as_ref()
            .and_then(expert_core::base_model::quantization::describe),
    }
}

fn is_model_dir(p: &Path) -> bool {
    p.join("config.json").is_file()
}

/// Model directories up to two levels deep (`Qwen3-0.6B` or `Qwen/Qwen3-0.6B`).
fn scan_dir(root: &Path, source: &'static str, out: &mut Vec<LocalModel>) {
    let Ok(entries) = std::fs::read_dir(root) else {
        return;
    };
    let mut dirs: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    for d in dirs {
        let name = d
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .to_string();
        if is_model_dir(&d) {
            out.push(model(name, &d, source));
        } else if let Ok(inner) = std::fs::read_dir(&d) {
            let mut inner: Vec<PathBuf> = inner
                .flatten()
                .map(|e| e.path())
                .filter(|p| is_model_dir(p))
                .collect();
            inner.sort();
            for m in inner {
                let leaf = m.file_name().unwrap_or_default().to_string_lossy();
                out.push(model(format!("{name}/{leaf}"), &m, source));
            }
        }
    }
}

fn hf_hub_dir() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("HF_HUB_CACHE").filter(|v| !v.is_empty()) {
        return Some(PathBuf::from(p));
    }
    if let Some(p) = std::env::var_os("HF_HOME").filter(|v| !v.is_empty()) {
        return Some(PathBuf::from(p).join("hub"));
    }
    std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache/huggingface/hub"))
}

fn scan_hf(hub: &Path, out: &mut Vec<LocalModel>) {
    let Ok(entries) = std::fs::read_dir(hub) else {
        return;
    };
    let mut repos: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    repos.sort();
    for repo in repos {
        let dir_name = repo
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .to_string();
        let Some(id) = dir_name.strip_prefix("models--") else {
            continue;
        };
        let Ok(rev) = std::fs::read_to_string(repo.join("refs/main")) else {
            continue;
        };
        let rev = rev.trim();
        if rev.is_empty() || rev.contains(['/', '\\']) || rev.contains("..") {
            continue;
        }
        let snap = repo.join("snapshots").join(rev);
        if is_model_dir(&snap) {
            out.push(model(id.replace("--", "/"), &snap, "huggingface"));
        }
    }
}

/// Every base model found, in search order.
pub fn detect() -> Vec<LocalModel> {
    let mut out = Vec::new();
    scan_dir(
        &crate::home::expert_home().join("models"),
        "expert-home",
        &mut out,
    );
    scan_dir(Path::new("models"), "cwd", &mut out);
    if let Some(paths) = std::env::var_os("EXPERT_MODELS_PATH") {
        for p in std::env::split_paths(&paths) {
            scan_dir(&p, "EXPERT_MODELS_PATH", &mut out);
        }
    }
    if let Some(hub) = hf_hub_dir() {
        scan_hf(&hub, &mut out);
    }
    out
}

/// Local models that a manifest's model name refers to.
pub fn matching<'a>(models: &'a [LocalModel], name: &str) -> Vec<&'a LocalModel> {
    let key = normalized_model_key(name);
    models
        .iter()
        .filter(|m| normalized_model_key(&m.name) == key)
        .collect()
}

/// The fingerprint of a model directory: `config.json` plus every
/// `*.safetensors` header, read without loading weights.
pub fn fingerprint_dir(dir: &Path) -> Result<String> {
    let config_path = dir.join("config.json");
    let config = std::fs::read(&config_path).map_err(|e| {
        CliError::io(&config_path, e)
            .hint("a base model directory holds config.json and *.safetensors")
    })?;
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| CliError::io(dir, e))?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "safetensors"))
        .collect();
    files.sort();
    let mut headers = Vec::new();
    for f in files {
        let bad = |m: String| CliError::new(Code::Safetensors, format!("{}: {m}", f.display()));
        let mut file = std::fs::File::open(&f).map_err(|e| CliError::io(&f, e))?;
        let mut prefix = [0u8; 8];
        file.read_exact(&mut prefix)
            .map_err(|e| bad(e.to_string()))?;
        let n = header_len(&prefix).map_err(|e| bad(e.0))?;
        let mut header = vec![0u8; n as usize];
        file.read_exact(&mut header)
            .map_err(|e| bad(format!("truncated header: {e}")))?;
        headers.push((
            f.file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .to_string(),
            header,
        ));
    }
    fingerprint(&config, &headers)
        .map_err(|e| CliError::new(Code::Fingerprint, format!("{}: {e}", dir.display())))
}

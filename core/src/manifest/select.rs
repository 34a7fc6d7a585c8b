//! Choosing a base model by what users type, and the names derived from it.

use super::{Manifest, SchemaVersion};
use crate::Code;

/// The last path segment of a model name: `F:/…/Qwen3-0.6B` → `Qwen3-0.6B`.
fn basename(name: &str) -> &str {
    name.rsplit(['/', '\\']).next().unwrap_or(name)
}

/// Matching key: the basename, lowercased, letters and digits only, so that
/// `qwen3-0.6b`, `Qwen3-0.6B`, `qwen3-06b` and `qwen3-0-6b` all agree.
pub fn normalized_model_key(name: &str) -> String {
    basename(name)
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// The slug in package file names: the basename lowercased, every run of
/// other characters replaced by one `-` (`Qwen3-0.6B` → `qwen3-0-6b`).
pub fn model_slug(name: &str) -> String {
    let mut slug = String::new();
    for c in basename(name).chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    slug.trim_end_matches('-').to_string()
}

/// Directory names under `weights/` that real repositories use for a model,
/// in search order: the trainer's (`qwen3-06b`), the file slug
/// (`qwen3-0-6b`) and the lowercased basename (`qwen3-0.6b`).
pub fn weights_dir_slugs(name: &str) -> Vec<String> {
    let base = basename(name).to_lowercase();
    let trainer = base.replace('.', "").replace('_', "-");
    let mut out: Vec<String> = Vec::new();
    for s in [trainer, model_slug(name), base] {
        if !out.contains(&s) {
            out.push(s);
        }
    }
    out
}

/// `{name}-{slug}.v{version}.expert` for v2, `{name}.v{version}.expert` for v1.
pub fn package_file_name(name: &str, version: &str, model: Option<&str>) -> String {
    match model {
        Some(m) => format!("{name}-{}.v{version}.expert", model_slug(m)),
        None => format!("{name}.v{version}.expert"),
    }
}

/// Why no single base model was chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SelectError {
    /// The query names no model.
    NotFound {
        /// What the user asked for.
        query: String,
        /// Every model name, to choose from.
        choices: Vec<String>,
    },
    /// The query names several models at its best tier.
    Ambiguous {
        /// What the user asked for.
        query: String,
        /// The names it matched.
        matches: Vec<String>,
    },
    /// Several models and no query: packaging one of them is the user's
    /// call, never a guess.
    Required {
        /// Every model name, to choose from.
        choices: Vec<String>,
    },
}

impl std::fmt::Display for SelectError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SelectError::NotFound { query, choices } => write!(
                f,
                "no base model matches {query:?}; choose one of: {}",
                choices.join(", ")
            ),
            SelectError::Ambiguous { query, matches } => write!(
                f,
                "{query:?} matches several base models: {}; give the full name",
                matches.join(", ")
            ),
            SelectError::Required { choices } => write!(
                f,
                "the manifest has {} base models: {}",
                choices.len(),
                choices.join(", ")
            ),
        }
    }
}

impl SelectError {
    /// The problem code reported for this error.
    pub fn code(&self) -> Code {
        match self {
            SelectError::NotFound { .. } => Code::ModelNotFound,
            SelectError::Ambiguous { .. } => Code::ModelAmbiguous,
            SelectError::Required { .. } => Code::ModelRequired,
        }
    }
}

/// Index of the model that `query` names: an exact full name, then an exact
/// last segment, then the normalized key. Each tier must be unambiguous.
pub fn select_model(names: &[&str], query: &str) -> Result<usize, SelectError> {
    let tiers: [&dyn Fn(&str) -> bool; 3] =
        [&|n| n == query, &|n| basename(n) == basename(query), &|n| {
            normalized_model_key(n) == normalized_model_key(query)
        }];
    for tier in tiers {
        let hits: Vec<usize> = (0..names.len()).filter(|&i| tier(names[i])).collect();
        match hits.as_slice() {
            [] => continue,
            [one] => return Ok(*one),
            many => {
                return Err(SelectError::Ambiguous {
                    query: query.to_string(),
                    matches: many.iter().map(|&i| names[i].to_string()).collect(),
                })
            }
        }
    }
    Err(SelectError::NotFound {
        query: query.to_string(),
        choices: names.iter().map(|s| s.to_string()).collect(),
    })
}

/// The model a package is built for: the one `query` names, else the only
/// one. `package --model` and the npm `buildPackage` share this rule so a
/// manifest packages the same way everywhere.
pub fn choose_model(manifest: &Manifest, query: Option<&str>) -> Result<usize, SelectError> {
    let names = manifest.model_names();
    match query {
        Some(q) => select_model(&names, q),
        None if names.len() == 1 => Ok(0),
        None => Err(SelectError::Required {
            choices: names.iter().map(|s| s.to_string()).collect(),
        }),
    }
}

impl Manifest {
    /// The file name of this manifest's package for `model`: schema 2.0
    /// names the model in it (one package per model), 1.0 has one model and
    /// leaves it out.
    pub fn package_file_name(&self, model: &str) -> String {
        let model = (self.schema == SchemaVersion::V2).then_some(model);
        package_file_name(self.name(), self.version(), model)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const REAL: &str = "F:/Node/hivellm/expert/models/Qwen3-0.6B";

    #[test]
    fn every_spelling_selects_the_windows_path_model() {
        let names = [REAL, "Qwen/Qwen3-1.7B"];
        for q in [
            "qwen3-0.6b",
            "Qwen3-0.6B",
            "qwen3-06b",
            "qwen3-0-6b",
            REAL,
            "Qwen/Qwen3-0.6B",
        ] {
            assert_eq!(select_model(&names, q), Ok(0), "{q}");
        }
        assert_eq!(select_model(&names, "qwen3-1.7b"), Ok(1));
    }

    #[test]
    fn missing_and_ambiguous_list_the_choices() {
        let err = select_model(&["A/Qwen3-0.6B", "B/Qwen3-0.6B"], "qwen3-0.6b").unwrap_err();
        assert!(matches!(err, SelectError::Ambiguous { ref matches, .. } if matches.len() == 2));
        let err = select_model(&[REAL], "llama").unwrap_err();
        assert!(err.to_string().contains(REAL));
        assert_eq!(err.code(), Code::ModelNotFound);
    }

    #[test]
    fn slugs_and_file_names() {
        assert_eq!(model_slug(REAL), "qwen3-0-6b");
        assert_eq!(
            weights_dir_slugs(REAL),
            ["qwen3-06b", "qwen3-0-6b", "qwen3-0.6b"]
        );
        assert_eq!(
            package_file_name("expert-json", "0.4.1", Some(REAL)),
            "expert-json-qwen3-0-6b.v0.4.1.expert"
        );
        assert_eq!(package_file_name("e", "1.0.0", None), "e.v1.0.0.expert");
    }
}

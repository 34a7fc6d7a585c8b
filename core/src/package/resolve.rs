//! Finding an adapter's weights: `weights/<slug>/<checkpoint>/`, with the
//! checkpoint from `--checkpoint`, then `training.packaging_checkpoint`, then
//! the adapter's `path` (file or directory), then `final`, then `adapter`.

use super::PlanError;
use crate::json::Node;
use crate::manifest::{weights_dir_slugs, ModelView};
use crate::package::files::{ExpertFiles, FileKind};
use crate::path::check_relative_path;
use crate::Code;

/// Weight file names, in preference order (PEFT's, then upstream fixtures').
const WEIGHT_FILES: &[&str] = &["adapter_model.safetensors", "adapter.safetensors"];

/// Where one adapter's files live.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Weights {
    /// Directory holding the adapter files, relative to the expert root.
    pub dir: String,
    /// The weight file, relative to the expert root.
    pub weight_file: String,
    pub weight_size: u64,
}

fn io(e: String) -> PlanError {
    PlanError::new(Code::Io, e)
}

fn join(dir: &str, name: &str) -> String {
    if dir.is_empty() {
        name.to_string()
    } else {
        format!("{dir}/{name}")
    }
}

/// The weights inside `dir`, if it is a directory holding one.
fn weights_in(files: &dyn ExpertFiles, dir: &str) -> Result<Option<Weights>, PlanError> {
    if files.kind(dir).map_err(io)? != FileKind::Dir {
        return Ok(None);
    }
    for name in WEIGHT_FILES {
        let file = join(dir, name);
        if let FileKind::File { size } = files.kind(&file).map_err(io)? {
            return Ok(Some(Weights {
                dir: dir.to_string(),
                weight_file: file,
                weight_size: size,
            }));
        }
    }
    Ok(None)
}

pub fn resolve_weights(
    files: &dyn ExpertFiles,
    root: &Node,
    model: &ModelView<'_>,
    adapter: &Node,
    checkpoint: Option<&str>,
) -> Result<Weights, PlanError> {
    let configured = root
        .get("training")
        .and_then(|t| t.get("packaging_checkpoint"))
        .and_then(Node::as_str);
    let slugs = weights_dir_slugs(model.name);
    let mut searched = Vec::new();

    let explicit = checkpoint
        .map(|c| (c, "--checkpoint"))
        .or(configured.map(|c| (c, "training.packaging_checkpoint")));
    if let Some((name, source)) = explicit {
        let name = if name.bytes().all(|b| b.is_ascii_digit()) {
            format!("checkpoint-{name}")
        } else {
            name.to_string()
        };
        if check_relative_path(&name).is_err() || name.contains('/') {
            return Err(PlanError::new(
                Code::UnsafeName,
                format!("checkpoint {name:?} from {source} must be one directory name"),
            ));
        }
        for slug in &slugs {
            let dir = format!("weights/{slug}/{name}");
            if let Some(w) = weights_in(files, &dir)? {
                return Ok(w);
            }
            searched.push(dir);
        }
        return Err(not_found(
            model.name,
            &format!("checkpoint {name:?} (from {source})"),
            &searched,
        ));
    }

    if let Some(p) = adapter.get("path").and_then(Node::as_str) {
        if let Err(problem) = check_relative_path(p) {
            return Err(PlanError::new(
                problem.code(),
                format!("adapter path {p:?}: {}", problem.describe()),
            ));
        }
        for candidate in [p.to_string(), format!("weights/{p}")] {
            match files.kind(&candidate).map_err(io)? {
                FileKind::File { size } => {
                    let dir = candidate
                        .rsplit_once('/')
                        .map_or("", |(d, _)| d)
                        .to_string();
                    return Ok(Weights {
                        dir,
                        weight_file: candidate,
                        weight_size: size,
                    });
                }
                FileKind::Dir => {
                    if let Some(w) = weights_in(files, &candidate)? {
                        return Ok(w);
                    }
                }
                FileKind::Missing => {}
            }
            searched.push(candidate);
        }
        return Err(not_found(
            model.name,
            &format!("adapter path {p:?}"),
            &searched,
        ));
    }

    for name in ["final", "adapter"] {
        for slug in &slugs {
            let dir = format!("weights/{slug}/{name}");
            if let Some(w) = weights_in(files, &dir)? {
                return Ok(w);
            }
            searched.push(dir);
        }
    }
    let mut e = not_found(
        model.name,
        "the default checkpoints final and adapter",
        &searched,
    );
    e.message
        .push_str(". Pass --checkpoint NAME or set training.packaging_checkpoint");
    Err(e)
}

fn not_found(model: &str, what: &str, searched: &[String]) -> PlanError {
    PlanError::new(
        Code::WeightsNotFound,
        format!(
            "no adapter weights ({}) for {model} at {what}; searched: {}",
            WEIGHT_FILES.join(" or "),
            searched.join(", ")
        ),
    )
}

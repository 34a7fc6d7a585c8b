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
    /// The weight file's length in bytes.
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

/// The weights of `adapter` for `model`, by the order in the module doc:
/// an explicit checkpoint, the adapter's `path`, or the default ones.
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
    let explicit = checkpoint
        .map(|c| (c, "--checkpoint"))
        .or(configured.map(|c| (c, "training.packaging_checkpoint")));
    let slugs = weights_dir_slugs(model.name);
    if let Some((name, source)) = explicit {
        return explicit_checkpoint(files, model.name, &slugs, name, source);
    }
    if let Some(p) = adapter.get("path").and_then(Node::as_str) {
        return adapter_path(files, model.name, p);
    }
    let mut searched = Vec::new();
    for name in ["final", "adapter"] {
        if let Some(w) = in_checkpoint(files, &slugs, name, &mut searched)? {
            return Ok(w);
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

/// The checkpoint named by `source` (a bare number means `checkpoint-N`);
/// it must be there.
fn explicit_checkpoint(
    files: &dyn ExpertFiles,
    model: &str,
    slugs: &[String],
    name: &str,
    source: &str,
) -> Result<Weights, PlanError> {
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
    let mut searched = Vec::new();
    match in_checkpoint(files, slugs, &name, &mut searched)? {
        Some(w) => Ok(w),
        None => Err(not_found(
            model,
            &format!("checkpoint {name:?} (from {source})"),
            &searched,
        )),
    }
}

/// Checkpoint `name` under each of the model's weights directories
/// (`slugs`); every directory tried goes to `searched`.
fn in_checkpoint(
    files: &dyn ExpertFiles,
    slugs: &[String],
    name: &str,
    searched: &mut Vec<String>,
) -> Result<Option<Weights>, PlanError> {
    for slug in slugs {
        let dir = format!("weights/{slug}/{name}");
        if let Some(w) = weights_in(files, &dir)? {
            return Ok(Some(w));
        }
        searched.push(dir);
    }
    Ok(None)
}

/// The adapter's own `path`, as given or under `weights/`: the weight file
/// itself, or a directory holding one.
fn adapter_path(files: &dyn ExpertFiles, model: &str, p: &str) -> Result<Weights, PlanError> {
    if let Err(problem) = check_relative_path(p) {
        return Err(PlanError::new(
            problem.code(),
            format!("adapter path {p:?}: {}", problem.describe()),
        ));
    }
    let mut searched = Vec::new();
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
    Err(not_found(model, &format!("adapter path {p:?}"), &searched))
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

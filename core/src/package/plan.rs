//! The file list of one package. Adapter files (weights, config, tokenizer)
//! go to the archive root, where runtimes look; shared resources keep their
//! declared paths. Training leftovers and other checkpoints never go in.

use super::{resolve_weights, PlanError, Weights};
use crate::manifest::Manifest;
use crate::package::files::{ExpertFiles, FileKind};
use crate::path::{check_relative_path, fold_name};
use crate::Code;

/// Files taken from the checkpoint directory besides the weights. Anything
/// else there (optimizer.pt, scheduler.pt, trainer_state.json,
/// training_args.bin, rng_state.pth, …) is training state and stays out.
pub const ADAPTER_FILES: &[&str] = &[
    "adapter_config.json",
    "tokenizer.json",
    "tokenizer_config.json",
    "special_tokens_map.json",
    "added_tokens.json",
    "vocab.json",
    "merges.txt",
    "chat_template.jinja",
];

/// Archive names the format reserves.
pub const RESERVED: &[&str] = &["manifest.json", "signature.sig"];
/// Longest entry name a strict reader accepts (plain ustar `name` field).
pub const MAX_ENTRY_NAME: usize = 100;

/// What the packager chose on the command line.
#[derive(Debug, Clone, Default)]
pub struct PlanOptions {
    /// `--checkpoint`: the checkpoint directory to take the weights from.
    pub checkpoint: Option<String>,
    /// `--include-tests`: also package `tests/`.
    pub include_tests: bool,
}

/// One file of the package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedFile {
    /// Its name in the archive.
    pub archive_path: String,
    /// Source path relative to the expert root.
    pub source: String,
    /// Its length in bytes when planned.
    pub size: u64,
}

/// Everything the package for one base model holds.
#[derive(Debug, Clone)]
pub struct Plan {
    /// Which of the manifest's base models it is for.
    pub model_index: usize,
    /// That base model's name.
    pub model_name: String,
    /// Where its adapter's weights were found.
    pub weights: Weights,
    /// Archive path of the weight file.
    pub weight_archive_path: String,
    /// Sorted by archive path; `manifest.json` is not among them.
    pub files: Vec<PlannedFile>,
}

fn io(e: String) -> PlanError {
    PlanError::new(Code::Io, e)
}

fn basename(p: &str) -> &str {
    p.rsplit('/').next().unwrap_or(p)
}

/// The files of the package for base model `model_index`, with its
/// weights; refuses what a strict reader would refuse.
pub fn plan(
    files: &dyn ExpertFiles,
    manifest: &Manifest,
    model_index: usize,
    opts: &PlanOptions,
) -> Result<Plan, PlanError> {
    let models = manifest.models();
    let model = models.get(model_index).ok_or_else(|| {
        PlanError::new(Code::ModelNotFound, format!("no base model #{model_index}"))
    })?;
    let adapter = match model.adapters {
        [one] => one,
        many => {
            return Err(PlanError::new(
                Code::Unsupported,
                format!(
                "{} declares {} adapters; packaging supports exactly one adapter per base model",
                model.name,
                many.len()
            ),
            ))
        }
    };
    let weights = resolve_weights(
        files,
        &manifest.root,
        model,
        adapter,
        opts.checkpoint.as_deref(),
    )?;
    let mut out = Planned::default();
    let weight_archive_path = out.adapter(files, &weights)?;
    out.resources(files, manifest, opts)?;
    out.files
        .sort_by(|a, b| a.archive_path.cmp(&b.archive_path));
    Ok(Plan {
        model_index,
        model_name: model.name.to_string(),
        weights,
        weight_archive_path,
        files: out.files,
    })
}

#[derive(Default)]
struct Planned {
    files: Vec<PlannedFile>,
}

impl Planned {
    fn add(&mut self, archive_path: &str, source: &str, size: u64) -> Result<(), PlanError> {
        if let Err(p) = check_relative_path(archive_path) {
            return Err(PlanError::new(
                p.code(),
                format!("{archive_path:?}: {}", p.describe()),
            ));
        }
        if archive_path.len() > MAX_ENTRY_NAME {
            return Err(PlanError::new(
                Code::PathTooLong,
                format!("{archive_path}: archive paths are limited to {MAX_ENTRY_NAME} bytes"),
            ));
        }
        if RESERVED.contains(&archive_path) {
            return Err(PlanError::new(
                Code::ReservedPath,
                format!("{source}: {archive_path} is reserved for the package itself"),
            ));
        }
        // Names one file on macOS or Windows would be refused by readers.
        let folded = fold_name(archive_path);
        if let Some(other) = self
            .files
            .iter()
            .find(|f| fold_name(&f.archive_path) == folded)
        {
            if other.source == source {
                return Ok(());
            }
            return Err(PlanError::new(
                Code::DuplicateEntry,
                format!(
                    "{source} and {} would both be stored as {archive_path}",
                    other.source
                ),
            ));
        }
        self.files.push(PlannedFile {
            archive_path: archive_path.to_string(),
            source: source.to_string(),
            size,
        });
        Ok(())
    }

    /// The weight file and its `ADAPTER_FILES` neighbours, at the archive
    /// root. Returns the weight file's archive path.
    fn adapter(&mut self, files: &dyn ExpertFiles, weights: &Weights) -> Result<String, PlanError> {
        let weight_archive_path = basename(&weights.weight_file).to_string();
        self.add(
            &weight_archive_path,
            &weights.weight_file,
            weights.weight_size,
        )?;
        let prefix = if weights.dir.is_empty() {
            String::new()
        } else {
            format!("{}/", weights.dir)
        };
        for name in ADAPTER_FILES {
            let source = format!("{prefix}{name}");
            match files.kind(&source).map_err(io)? {
                FileKind::File { size } => self.add(name, &source, size)?,
                _ if *name == "adapter_config.json" => {
                    return Err(PlanError::new(Code::FileMissing, format!("{source}: adapter_config.json is missing next to the weights; PEFT needs it to load the adapter")))
                }
                _ => {}
            }
        }
        Ok(weight_archive_path)
    }

    /// The files the manifest declares, the optional grammar, README and
    /// LICENSE, and `tests/` when asked for.
    fn resources(
        &mut self,
        files: &dyn ExpertFiles,
        manifest: &Manifest,
        opts: &PlanOptions,
    ) -> Result<(), PlanError> {
        let declared = crate::manifest::declared_files(&manifest.root);
        for (node, field) in &declared {
            if let Some(p) = node.as_str() {
                self.declared(files, p, field)?;
            }
        }
        if !declared
            .iter()
            .any(|(_, field)| field == "training.decoding.grammar_file")
        {
            self.optional(files, "grammar.gbnf")?;
        }
        self.optional(files, "README.md")?;
        self.optional(files, "LICENSE")?;
        if opts.include_tests {
            self.tree(files, "tests")?;
        }
        Ok(())
    }

    /// A file the manifest declares: it must exist, and keeps its path.
    fn declared(&mut self, files: &dyn ExpertFiles, p: &str, field: &str) -> Result<(), PlanError> {
        if let Err(problem) = check_relative_path(p) {
            return Err(PlanError::new(
                problem.code(),
                format!("{field} = {p:?}: {}", problem.describe()),
            ));
        }
        match files.kind(p).map_err(io)? {
            FileKind::File { size } => self.add(p, p, size),
            _ => Err(PlanError::new(
                Code::FileMissing,
                format!("{p}: declared by {field} but not found in the expert directory"),
            )),
        }
    }

    fn optional(&mut self, files: &dyn ExpertFiles, p: &str) -> Result<(), PlanError> {
        match files.kind(p).map_err(io)? {
            FileKind::File { size } => self.add(p, p, size),
            _ => Ok(()),
        }
    }

    fn tree(&mut self, files: &dyn ExpertFiles, dir: &str) -> Result<(), PlanError> {
        if files.kind(dir).map_err(io)? != FileKind::Dir {
            return Ok(());
        }
        for name in files.list(dir).map_err(io)? {
            let p = format!("{dir}/{name}");
            match files.kind(&p).map_err(io)? {
                FileKind::File { size } => self.add(&p, &p, size)?,
                FileKind::Dir => self.tree(files, &p)?,
                FileKind::Missing => {}
            }
        }
        Ok(())
    }
}

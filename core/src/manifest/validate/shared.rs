//! Rules for the fields every schema shares: training settings, soft
//! prompts and dependency constraints.

use super::Checker;
use crate::json::{index_path, Node};
use crate::path::is_safe_component;
use crate::Code;

impl Checker<'_> {
    /// Rules for fields every schema shares.
    pub(super) fn shared(&mut self, root: &Node) {
        if let Some(training) = root.get("training") {
            self.training(training);
        }
        self.soft_prompts(root);
        if let Some(constraints) = root.get("constraints") {
            self.constraints(constraints);
        }
    }

    /// Positive hyperparameters, a checkpoint that is one directory name,
    /// and a grammar file inside the expert.
    fn training(&mut self, training: &Node) {
        if let Some(config) = training.get("config") {
            for key in ["epochs", "num_epochs"] {
                self.positive(
                    config,
                    key,
                    &format!("training.config.{key}"),
                    Code::Epochs,
                    "the number of epochs",
                );
            }
            self.positive(
                config,
                "learning_rate",
                "training.config.learning_rate",
                Code::LearningRate,
                "the learning rate",
            );
            self.positive(
                config,
                "rank",
                "training.config.rank",
                Code::Rank,
                "the rank",
            );
        }
        if let Some(c) = self.string(
            training,
            "packaging_checkpoint",
            "training.packaging_checkpoint",
            false,
        ) {
            if !is_safe_component(c) {
                self.at(training.get("packaging_checkpoint").unwrap(), "training.packaging_checkpoint", Code::UnsafeName, format!("checkpoint {c:?} must be a single directory name such as \"final\" or \"checkpoint-500\""));
            }
        }
        if let Some(decoding) = training.get("decoding") {
            if self
                .string(
                    decoding,
                    "grammar_file",
                    "training.decoding.grammar_file",
                    false,
                )
                .is_some()
            {
                self.safe_path(
                    decoding.get("grammar_file").unwrap(),
                    "training.decoding.grammar_file",
                );
            }
        }
    }

    /// `soft_prompts`: objects, each with a safe relative `path`.
    fn soft_prompts(&mut self, root: &Node) {
        let Some(prompts) = self.array(root, "soft_prompts", "soft_prompts") else {
            return;
        };
        for (i, sp) in prompts.iter().enumerate() {
            let path = index_path("soft_prompts", i);
            if sp.members().is_none() {
                self.at(
                    sp,
                    &path,
                    Code::Type,
                    format!("`{path}` must be an object, not {}", sp.kind()),
                );
            } else if self
                .string(sp, "path", &format!("{path}.path"), true)
                .is_some()
            {
                self.safe_path(sp.get("path").unwrap(), &format!("{path}.path"));
            }
        }
    }

    /// `requires` and `incompatible_with`: requirement strings that parse.
    fn constraints(&mut self, constraints: &Node) {
        for key in ["requires", "incompatible_with"] {
            let path = format!("constraints.{key}");
            for (i, dep) in self
                .array(constraints, key, &path)
                .unwrap_or(&[])
                .iter()
                .enumerate()
            {
                let dp = index_path(&path, i);
                match dep.as_str() {
                    None => self.at(
                        dep,
                        &dp,
                        Code::Type,
                        "dependencies are strings such as \"expert-json@>=0.4\"".into(),
                    ),
                    Some(s) => {
                        if crate::install::requirement::parse_requirement(s).is_err() {
                            self.at(dep, &dp, Code::DependencySpec, format!("{s:?} is not NAME or NAME@VERSION-RANGE (e.g. \"expert-json@>=0.4.0\")"));
                        }
                    }
                }
            }
        }
    }
}

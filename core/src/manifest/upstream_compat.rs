//! Which manifests upstream's loader (hivellm/expert 0.3.0) can read.
//!
//! Upstream deserializes manifests into typed structs: a missing required
//! field, or a value of another type (`16.0` where it wants an integer), makes
//! its `install` and `load` fail. Those shapes are valid here, so they are
//! only warnings (`W_UPSTREAM_…`), telling an author before publishing that
//! upstream users will not be able to read the package. The table below is
//! written from upstream's public manifest types, by meaning.
//! `integrity` is left out: packages we sign are never readable by
//! upstream (MIGRATION.md), and that is not the author's to fix.

use crate::json::{index_path, key_path, Node, Value};
use crate::Code;

/// A value's type as upstream's serde structs want it.
enum Shape {
    Any,
    Str,
    Bool,
    Num,
    /// A non-negative integer literal (serde refuses `16.0` for a `u32`).
    UInt,
    Arr(&'static Shape),
    /// An object whose values all have this shape (a `HashMap`).
    Map(&'static Shape),
    Obj(&'static [Field]),
    /// An untagged enum: any of these.
    OneOf(&'static [Shape]),
}

struct Field(&'static str, Need, Shape);

#[derive(PartialEq)]
enum Need {
    Required,
    Optional,
}
use Need::{Optional as O, Required as R};
use Shape::*;

const STRINGS: Shape = Arr(&Str);

const ROPE_SCALING: Shape = OneOf(&[
    Str,
    Obj(&[
        Field("type", R, Str),
        Field("factor", R, Num),
        Field("max_position_embeddings", R, UInt),
        Field("original_max_position_embeddings", R, UInt),
        Field("fine_grained", R, Bool),
    ]),
]);

const ADAPTER: Shape = Obj(&[
    Field("type", R, Str),
    Field("target_modules", R, STRINGS),
    Field("r", O, UInt),
    Field("alpha", O, UInt),
    Field("scaling", O, Str),
    Field("dropout", O, Num),
    Field("use_dora", O, Bool),
    Field("size_bytes", O, UInt),
    Field("sha256", O, Str),
]);

const DATASET: Shape = Obj(&[
    Field("path", O, Str),
    Field("validation_path", O, Str),
    Field("test_path", O, Str),
    Field(
        "generation",
        O,
        Obj(&[
            Field("domain", R, Str),
            Field("task", R, Str),
            Field("count", R, UInt),
            Field("provider", R, Str),
            Field("temperature", O, Num),
            Field("diversity_threshold", O, Num),
            Field(
                "difficulty_distribution",
                O,
                Obj(&[
                    Field("easy", R, Num),
                    Field("medium", R, Num),
                    Field("hard", R, Num),
                ]),
            ),
        ]),
    ),
    Field("type", O, Str),
    Field("tasks", O, Any),
    Field(
        "field_mapping",
        O,
        Obj(&[
            Field("instruction", O, Str),
            Field("input", O, Str),
            Field("response", O, Str),
            Field("text", O, Str),
        ]),
    ),
    Field("format", O, Str),
    Field("streaming", O, Bool),
    Field("max_in_memory_samples", O, UInt),
    Field("use_pretokenized", O, Bool),
]);

const TRAINING_CONFIG: Shape = Obj(&[
    Field("method", R, Str),
    Field("adapter_type", R, Str),
    Field("rank", O, UInt),
    Field("alpha", O, UInt),
    Field("target_modules", R, STRINGS),
    Field("feedforward_modules", O, STRINGS),
    Field("epochs", R, Num),
    Field("learning_rate", R, Num),
    Field("batch_size", R, UInt),
    Field("gradient_accumulation_steps", R, UInt),
    Field("warmup_steps", R, UInt),
    Field("lr_scheduler", R, Str),
    Field("use_unsloth", O, Bool),
    Field("max_seq_length", O, UInt),
    Field("dataloader_num_workers", O, UInt),
    Field("dataloader_pin_memory", O, Bool),
    Field("dataloader_prefetch_factor", O, UInt),
    Field("dataloader_persistent_workers", O, Bool),
    Field("fp16", O, Bool),
    Field("bf16", O, Bool),
    Field("use_tf32", O, Bool),
    Field("use_sdpa", O, Bool),
    Field("flash_attention_2", O, Bool),
    Field("memory_efficient_attention", O, Bool),
    Field("activation_checkpointing", O, Str),
    Field("packing", O, Bool),
    Field("torch_compile", O, Bool),
    Field("torch_compile_backend", O, Str),
    Field("torch_compile_mode", O, Str),
    Field("optim", O, Str),
    Field("group_by_length", O, Bool),
    Field("save_steps", O, UInt),
    Field("save_strategy", O, Str),
    Field("save_total_limit", O, UInt),
    Field("evaluation_strategy", O, Str),
    Field("eval_steps", O, UInt),
    Field("load_best_model_at_end", O, Bool),
    Field("metric_for_best_model", O, Str),
    Field("greater_is_better", O, Bool),
    Field("logging_steps", O, UInt),
    Field("gradient_checkpointing", O, Any),
    Field("gradient_checkpointing_kwargs", O, Any),
    Field("lr_scheduler_kwargs", O, Any),
    Field("pretokenized_cache", O, Str),
]);

const DECODING: Shape = Obj(&[
    Field("use_grammar", O, Bool),
    Field("grammar_type", O, Str),
    Field("grammar_file", O, Str),
    Field("validation", O, Str),
    Field("validation_cmd", O, Str),
    Field("stop_sequences", O, STRINGS),
    Field("temperature", O, Num),
    Field("top_p", O, Num),
    Field("top_k", O, UInt),
]);

const MANIFEST: Shape = Obj(&[
    Field("name", R, Str),
    Field("version", R, Str),
    Field("schema_version", O, Str),
    Field("description", R, Str),
    Field("author", O, Str),
    Field("homepage", O, Str),
    Field(
        "repository",
        O,
        Obj(&[Field("type", R, Str), Field("url", R, Str)]),
    ),
    Field(
        "base_model",
        O,
        Obj(&[
            Field("name", R, Str),
            Field("sha256", O, Str),
            Field("quantization", O, Str),
            Field("rope_scaling", O, ROPE_SCALING),
        ]),
    ),
    Field(
        "base_models",
        O,
        Arr(&Obj(&[
            Field("name", R, Str),
            Field("sha256", O, Str),
            Field("quantization", O, Str),
            Field("rope_scaling", O, ROPE_SCALING),
            Field("prompt_template", O, Str),
            Field("adapters", R, Arr(&ADAPTER)),
        ])),
    ),
    Field("adapters", O, Arr(&ADAPTER)),
    Field(
        "soft_prompts",
        O,
        Arr(&Obj(&[
            Field("name", R, Str),
            Field("path", R, Str),
            Field("tokens", R, UInt),
        ])),
    ),
    Field("capabilities", R, STRINGS),
    Field(
        "routing",
        O,
        Obj(&[
            Field("keywords", R, STRINGS),
            Field("exclude_keywords", O, STRINGS),
            Field("router_hint", O, Str),
            Field("priority", O, Num),
        ]),
    ),
    Field(
        "constraints",
        R,
        Obj(&[
            Field("max_chain", O, UInt),
            Field("load_order", R, UInt),
            Field("incompatible_with", R, STRINGS),
            Field("requires", R, STRINGS),
        ]),
    ),
    Field(
        "perf",
        O,
        Obj(&[
            Field("latency_ms_overhead", R, Num),
            Field("vram_mb_overhead", R, UInt),
            Field("supported_batch_sizes", R, Arr(&UInt)),
        ]),
    ),
    Field(
        "runtime",
        O,
        Obj(&[
            Field("candle_compatible", O, Bool),
            Field("requires_kv_cache_persistence", O, Bool),
            Field("attention_kernel", O, Str),
        ]),
    ),
    Field(
        "training",
        R,
        Obj(&[
            Field("dataset", R, DATASET),
            Field("config", R, TRAINING_CONFIG),
            Field("decoding", O, DECODING),
            Field(
                "metadata",
                O,
                Obj(&[
                    Field("trained_on", O, Str),
                    Field("base_model_version", O, Str),
                    Field("training_time_hours", O, Num),
                    Field("gpu", O, Str),
                ]),
            ),
            Field("packaging_checkpoint", O, Str),
        ]),
    ),
    Field(
        "evaluation",
        O,
        Obj(&[
            Field("test_set_size", R, UInt),
            Field("metrics", R, Map(&Num)),
        ]),
    ),
    Field("license", O, Str),
    Field("tags", O, STRINGS),
]);

/// One shape upstream 0.3.0 cannot load: where, the node to point at, the
/// code and the message.
pub struct Finding<'a> {
    pub path: String,
    pub node: &'a Node,
    pub code: Code,
    pub message: String,
}

/// Every place in `root` that upstream 0.3.0's loader would refuse. One
/// pass over the document.
pub fn findings(root: &Node) -> Vec<Finding<'_>> {
    let mut out = Vec::new();
    walk(root, &MANIFEST, String::new(), &mut out);
    rules(root, &mut out);
    out
}

fn fits(node: &Node, shape: &Shape) -> bool {
    match (shape, &node.value) {
        (Any, _) => true,
        (Str, Value::String(_)) | (Bool, Value::Bool(_)) | (Num, Value::Number(_)) => true,
        (UInt, Value::Number(raw)) => raw.bytes().all(|b| b.is_ascii_digit()),
        (Arr(_), Value::Array(_)) | (Map(_), Value::Object(_)) | (Obj(_), Value::Object(_)) => true,
        (OneOf(shapes), _) => shapes.iter().any(|s| fits(node, s)),
        _ => false,
    }
}

fn describe(shape: &Shape) -> &'static str {
    match shape {
        Any => "any value",
        Str => "a string",
        Bool => "true or false",
        Num => "a number",
        UInt => "a whole number written without a decimal point (16, not 16.0)",
        Arr(_) => "an array",
        Map(_) | Obj(_) => "an object",
        OneOf(_) => "a string or an object with every field",
    }
}

fn walk<'a>(node: &'a Node, shape: &Shape, path: String, out: &mut Vec<Finding<'a>>) {
    // A `null` member never reaches here: it is absent (FORMAT.md §1).
    if !fits(node, shape) {
        out.push(Finding {
            message: format!(
                "upstream expert-cli 0.3.0 cannot load this manifest: `{}` must be {} there, not {}",
                shown(&path),
                describe(shape),
                node.kind()
            ),
            path,
            node,
            code: Code::WarnUpstreamType,
        });
        return;
    }
    match (shape, &node.value) {
        (Arr(item), Value::Array(items)) => {
            for (i, n) in items.iter().enumerate() {
                walk(n, item, index_path(&path, i), out);
            }
        }
        (Map(value), Value::Object(members)) => {
            for m in members {
                walk(&m.value, value, key_path(&path, &m.key.value), out);
            }
        }
        (Obj(fields), _) => fields_of(node, fields, &path, out),
        (OneOf(shapes), _) => {
            if let Some(s) = shapes.iter().find(|s| fits(node, s)) {
                walk(node, s, path, out);
            }
        }
        _ => {}
    }
}

fn fields_of<'a>(node: &'a Node, fields: &[Field], path: &str, out: &mut Vec<Finding<'a>>) {
    for Field(key, need, shape) in fields {
        let at = key_path(path, key);
        match node.get(key) {
            Some(n) => walk(n, shape, at, out),
            None if *need == R => out.push(Finding {
                message: format!(
                    "upstream expert-cli 0.3.0 cannot load this manifest: it requires `{at}` ({})",
                    describe(shape)
                ),
                path: at,
                node,
                code: Code::WarnUpstreamMissing,
            }),
            None => {}
        }
    }
}

/// Upstream's own checks beyond its types: `training.config` needs a
/// non-zero `rank` unless the adapter type is `ia3`, and target modules.
fn rules<'a>(root: &'a Node, out: &mut Vec<Finding<'a>>) {
    let Some(config) = root.get("training").and_then(|t| t.get("config")) else {
        return;
    };
    let ia3 = config.get("adapter_type").and_then(Node::as_str) == Some("ia3");
    let rank = config.get("rank");
    let problem = match rank.and_then(Node::as_u64) {
        Some(0) => Some("`training.config.rank` must be greater than 0"),
        None if rank.is_none() && !ia3 => Some(
            "`training.config.rank` is required unless `training.config.adapter_type` is \"ia3\"",
        ),
        _ => None,
    };
    if let Some(p) = problem {
        out.push(Finding {
            path: "training.config.rank".to_string(),
            node: rank.unwrap_or(config),
            code: Code::WarnUpstreamRule,
            message: format!("upstream expert-cli 0.3.0 cannot load this manifest: {p}"),
        });
    }
    if config
        .get("target_modules")
        .and_then(Node::items)
        .is_some_and(<[Node]>::is_empty)
    {
        out.push(Finding {
            path: "training.config.target_modules".to_string(),
            node: config,
            code: Code::WarnUpstreamRule,
            message: "upstream expert-cli 0.3.0 cannot load this manifest: `training.config.target_modules` must not be empty".to_string(),
        });
    }
}

fn shown(path: &str) -> &str {
    if path.is_empty() {
        "the manifest"
    } else {
        path
    }
}

//! Every manifest rule, returning all findings at once.
//!
//! Upstream's loader rules are implemented by meaning; SPEC §3 adds schema
//! strictness, name and path safety, semver, unique weight paths and, for a
//! directory, the existence, sizes and hashes of declared files.

use super::{
    detect_schema, displayed, models_of, normalized_model_key, upstream_compat, Diagnostic, Report,
    SchemaVersion, Severity,
};
use crate::json::{self, index_path, key_path, LineIndex, Node, Value};
use crate::limits::Limits;
use crate::package::files::{ExpertFiles, FileKind};
use crate::package::resolve_weights;
use crate::path::{check_relative_path, is_safe_component};
use crate::util::hex;
use crate::Code;
use std::collections::HashMap;

/// Adapter types whose math needs a rank and an alpha.
const LORA_FAMILY: &[&str] = &["lora", "dora", "qlora", "lokr", "loha"];
const KNOWN_ADAPTERS: &[&str] = &["lora", "dora", "qlora", "lokr", "loha", "ia3"];
/// Integers beyond this lose precision as doubles, so a signature over the
/// canonical form would not pin the value that users see.
const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

/// Validates manifest text on its own.
pub fn validate(bytes: &[u8], limits: &Limits) -> Report {
    run(bytes, limits, None)
}

/// Validates manifest text and the expert directory around it.
pub fn validate_with_files(bytes: &[u8], limits: &Limits, files: &dyn ExpertFiles) -> Report {
    run(bytes, limits, Some(files))
}

fn run(bytes: &[u8], limits: &Limits, files: Option<&dyn ExpertFiles>) -> Report {
    let text = String::from_utf8_lossy(bytes);
    let lines = LineIndex::new(&text);
    let mut v = Checker {
        lines: &lines,
        diags: Vec::new(),
        counts: Vec::new(),
    };
    if bytes.len() as u64 > limits.max_manifest_size {
        v.push(
            Severity::Error,
            Code::ManifestTooLarge,
            "",
            None,
            format!(
                "the manifest is {} bytes; the limit is {}",
                bytes.len(),
                limits.max_manifest_size
            ),
        );
        return v.finish(None);
    }
    let parsed = match json::parse(bytes, limits.max_depth) {
        Ok(p) => p,
        Err(e) => {
            v.push(
                Severity::Error,
                e.kind.code(),
                "",
                Some(e.offset),
                e.message,
            );
            return v.finish(None);
        }
    };
    let root = &parsed.root;
    for d in &parsed.duplicates {
        // Inside `integrity` no key may repeat, comment or not: readers
        // would disagree on which claim counts (FORMAT.md §6).
        let in_integrity = d.path.starts_with("integrity.") || d.path.starts_with("integrity[");
        if d.key.starts_with('_') && !in_integrity {
            v.push(
                Severity::Warning,
                Code::WarnDuplicateCommentKey,
                &d.path,
                Some(d.span.start),
                format!(
                    "comment key {:?} appears more than once; every copy is kept",
                    d.key
                ),
            );
        } else {
            v.push(
                Severity::Error,
                Code::DuplicateKey,
                &d.path,
                Some(d.span.start),
                format!(
                    "key {:?} appears more than once; readers would disagree on its value",
                    d.key
                ),
            );
        }
    }
    v.numbers(root, &String::new);
    if root.members().is_none() {
        v.at(
            root,
            "",
            Code::Type,
            format!("the manifest must be a JSON object, not {}", root.kind()),
        );
        return v.finish(None);
    }
    let schema = match detect_schema(root) {
        Ok(s) => Some(s),
        Err(found) => {
            let node = root.get("schema_version").expect("present when unknown");
            let msg = match found {
                Some(s) => {
                    format!("unknown schema_version {s:?}; known versions are \"1.0\" and \"2.0\"")
                }
                None => format!("schema_version must be a string, not {}", node.kind()),
            };
            v.at(
                node,
                "schema_version",
                if found_is_string(node) {
                    Code::SchemaVersionUnknown
                } else {
                    Code::Type
                },
                msg,
            );
            None
        }
    };
    v.identity(root);
    if let Some(schema) = schema {
        v.shape(root, schema);
        v.adapters(root, schema);
    }
    v.shared(root);
    for f in upstream_compat::findings(root) {
        v.warn(f.node, &f.path, f.code, f.message);
    }
    for f in displayed::unsafe_displayed(root) {
        v.warn(f.node, &f.path, Code::WarnControlCharacter, f.message);
    }
    if let (Some(files), Some(schema)) = (files, schema) {
        v.files(root, schema, files);
    }
    v.finish(schema)
}

fn found_is_string(n: &Node) -> bool {
    n.as_str().is_some()
}

/// Findings of one code beyond this many are counted, not listed: a 4 MiB
/// manifest can hold ~700,000 (`[1e999, 1e999, …]`), and listing them all
/// would cost far more than the input (FORMAT.md §2).
pub const MAX_FINDINGS_PER_CODE: usize = 1000;

struct Checker<'a> {
    lines: &'a LineIndex<'a>,
    diags: Vec<Diagnostic>,
    /// Findings per code, listed or not, in the order codes first came.
    counts: Vec<(Code, usize)>,
}

impl Checker<'_> {
    fn push(
        &mut self,
        severity: Severity,
        code: Code,
        path: &str,
        offset: Option<usize>,
        message: String,
    ) {
        let seen = match self.counts.iter_mut().find(|(c, _)| *c == code) {
            Some((_, n)) => n,
            None => {
                self.counts.push((code, 0));
                &mut self.counts.last_mut().expect("just pushed").1
            }
        };
        *seen += 1;
        if *seen > MAX_FINDINGS_PER_CODE {
            return;
        }
        let (line, column) = match offset {
            Some(o) => {
                let (l, c) = self.lines.line_col(o);
                (Some(l), Some(c))
            }
            None => (None, None),
        };
        self.diags.push(Diagnostic {
            severity,
            code,
            path: path.to_string(),
            message,
            line,
            column,
        });
    }

    /// An error located at `node`.
    fn at(&mut self, node: &Node, path: &str, code: Code, message: String) {
        self.push(Severity::Error, code, path, Some(node.span.start), message);
    }

    fn warn(&mut self, node: &Node, path: &str, code: Code, message: String) {
        self.push(
            Severity::Warning,
            code,
            path,
            Some(node.span.start),
            message,
        );
    }

    /// A missing key, reported where it belongs and located at its parent.
    fn missing(&mut self, parent: &Node, path: &str, what: &str) {
        self.at(
            parent,
            path,
            Code::MissingField,
            format!("missing required field `{path}` ({what})"),
        );
    }

    fn finish(mut self, schema: Option<SchemaVersion>) -> Report {
        self.diags
            .sort_by_key(|d| (d.line.unwrap_or(0), d.column.unwrap_or(0)));
        // A warning: the listed findings of that code keep the verdict.
        for &(code, n) in &self.counts {
            if n > MAX_FINDINGS_PER_CODE {
                self.diags.push(Diagnostic {
                    severity: Severity::Warning,
                    code: Code::WarnFindingsTruncated,
                    path: String::new(),
                    message: format!(
                        "{n} {code} findings; the first {MAX_FINDINGS_PER_CODE} are listed, {} more are not",
                        n - MAX_FINDINGS_PER_CODE
                    ),
                    line: None,
                    column: None,
                });
            }
        }
        Report {
            valid: !self.diags.iter().any(|d| d.severity == Severity::Error),
            schema_version: schema.map(SchemaVersion::as_str),
            diagnostics: self.diags,
        }
    }

    /// Every number must have an exact double, so that JCS is faithful.
    /// A leaf's path is built only when it is reported; a container's once.
    fn numbers(&mut self, node: &Node, path: &dyn Fn() -> String) {
        match &node.value {
            Value::Number(raw) => {
                let v: f64 = raw.parse().unwrap_or(f64::INFINITY);
                let integer = !raw.contains(['.', 'e', 'E']);
                if !v.is_finite() || (integer && v.abs() > MAX_SAFE_INTEGER) {
                    self.at(node, &path(), Code::NumberRange, format!("number {raw} is out of range (integers must be within ±2^53-1, others finite doubles)"));
                }
            }
            Value::Array(items) => {
                let path = path();
                for (i, n) in items.iter().enumerate() {
                    self.numbers(n, &|| index_path(&path, i));
                }
            }
            Value::Object(ms) => {
                let path = path();
                for m in ms {
                    self.numbers(&m.value, &|| key_path(&path, &m.key.value));
                }
            }
            _ => {}
        }
    }

    /// A string field; reports a wrong type and returns None.
    fn string<'n>(
        &mut self,
        parent: &'n Node,
        key: &str,
        path: &str,
        required: bool,
    ) -> Option<&'n str> {
        match parent.get(key) {
            None => {
                if required {
                    self.missing(parent, path, "a string");
                }
                None
            }
            Some(n) => match n.as_str() {
                Some(s) => Some(s),
                None => {
                    self.at(
                        n,
                        path,
                        Code::Type,
                        format!("`{path}` must be a string, not {}", n.kind()),
                    );
                    None
                }
            },
        }
    }

    fn number<'n>(&mut self, parent: &'n Node, key: &str, path: &str) -> Option<(f64, &'n Node)> {
        let n = parent.get(key)?;
        match n.as_f64() {
            Some(x) => Some((x, n)),
            None => {
                self.at(
                    n,
                    path,
                    Code::Type,
                    format!("`{path}` must be a number, not {}", n.kind()),
                );
                None
            }
        }
    }

    fn positive(&mut self, parent: &Node, key: &str, path: &str, code: Code, what: &str) {
        if let Some((x, n)) = self.number(parent, key, path) {
            if x <= 0.0 {
                self.at(
                    n,
                    path,
                    code,
                    format!("{what} must be greater than 0 (found {x})"),
                );
            }
        }
    }

    fn array<'n>(&mut self, parent: &'n Node, key: &str, path: &str) -> Option<&'n [Node]> {
        let n = parent.get(key)?;
        match n.items() {
            Some(items) => Some(items),
            None => {
                self.at(
                    n,
                    path,
                    Code::Type,
                    format!("`{path}` must be an array, not {}", n.kind()),
                );
                None
            }
        }
    }

    fn safe_path(&mut self, node: &Node, path: &str) {
        if let Some(p) = node.as_str() {
            if let Err(problem) = check_relative_path(p) {
                self.at(node, path, problem.code(), format!("`{path}` = {p:?}: {}; declared files must be relative paths inside the expert", problem.describe()));
            }
        }
    }

    fn identity(&mut self, root: &Node) {
        if let Some(name) = self.string(root, "name", "name", true) {
            if name.is_empty() {
                self.at(
                    root.get("name").unwrap(),
                    "name",
                    Code::Empty,
                    "`name` must not be empty".into(),
                );
            } else if let Err(problem) = crate::manifest::name::check_name(name) {
                let shown = crate::display::escape(name);
                self.at(
                    root.get("name").unwrap(),
                    "name",
                    Code::UnsafeName,
                    format!(
                        "name \"{shown}\": {}; {}",
                        problem.describe(),
                        crate::manifest::name::NAME_RULE
                    ),
                );
            }
        }
        if let Some(version) = self.string(root, "version", "version", true) {
            if semver::Version::parse(version).is_err() {
                self.at(
                    root.get("version").unwrap(),
                    "version",
                    Code::VersionSemver,
                    format!("version {version:?} is not a semantic version such as \"1.2.0\""),
                );
            }
        }
        if root.get("license").is_none() {
            self.push(
                Severity::Warning,
                Code::WarnNoLicense,
                "license",
                Some(root.span.start),
                "no `license`; users cannot tell whether they may redistribute this expert".into(),
            );
        }
        if let Some(i) = root.get("integrity") {
            if i.members().is_none() {
                self.at(
                    i,
                    "integrity",
                    Code::Type,
                    format!("`integrity` must be an object, not {}", i.kind()),
                );
            }
        }
    }

    fn shape(&mut self, root: &Node, schema: SchemaVersion) {
        let (one, many) = (root.get("base_model"), root.get("base_models"));
        if let (Some(_), Some(m)) = (one, many) {
            self.at(
                m,
                "base_models",
                Code::BothBaseModelFields,
                "both `base_model` (v1) and `base_models` (v2) are present; keep one".into(),
            );
            return;
        }
        match schema {
            SchemaVersion::V1 => {
                if let Some(m) = many {
                    self.at(
                        m,
                        "base_models",
                        Code::SchemaFieldMismatch,
                        "`base_models` needs \"schema_version\": \"2.0\"; set it, since the manifest already uses the 2.0 shape"
                            .into(),
                    );
                    return;
                }
                match one {
                    None => self.missing(root, "base_model", "an object naming the base model"),
                    Some(bm) if bm.members().is_none() => self.at(
                        bm,
                        "base_model",
                        Code::Type,
                        format!("`base_model` must be an object, not {}", bm.kind()),
                    ),
                    Some(bm) => {
                        if let Some("") = self.string(bm, "name", "base_model.name", true) {
                            self.at(
                                bm.get("name").unwrap(),
                                "base_model.name",
                                Code::Empty,
                                "the base model name must not be empty".into(),
                            );
                        }
                    }
                }
                match self.array(root, "adapters", "adapters") {
                    None if root.get("adapters").is_none() => {
                        self.missing(root, "adapters", "a non-empty array of adapters")
                    }
                    Some([]) => self.at(
                        root.get("adapters").unwrap(),
                        "adapters",
                        Code::NoAdapters,
                        "`adapters` must not be empty".into(),
                    ),
                    _ => {}
                }
            }
            SchemaVersion::V2 => {
                if let Some(bm) = one {
                    self.at(
                        bm,
                        "base_model",
                        Code::SchemaFieldMismatch,
                        "schema 2.0 uses `base_models` (an array), not `base_model`".into(),
                    );
                    return;
                }
                if let Some(a) = root.get("adapters") {
                    self.warn(a, "adapters", Code::WarnRootAdaptersIgnored, "schema 2.0 ignores root `adapters`; put them under each `base_models[i].adapters`".into());
                }
                let Some(models) = self.array(root, "base_models", "base_models") else {
                    if many.is_none() {
                        self.missing(root, "base_models", "a non-empty array of base models");
                    }
                    return;
                };
                if models.is_empty() {
                    self.at(
                        many.unwrap(),
                        "base_models",
                        Code::NoBaseModels,
                        "`base_models` must not be empty".into(),
                    );
                }
                let mut seen: HashMap<String, usize> = HashMap::new();
                for (i, bm) in models.iter().enumerate() {
                    let path = index_path("base_models", i);
                    if bm.members().is_none() {
                        self.at(
                            bm,
                            &path,
                            Code::Type,
                            format!("`{path}` must be an object, not {}", bm.kind()),
                        );
                        continue;
                    }
                    match self.string(bm, "name", &format!("{path}.name"), true) {
                        Some("") => self.at(
                            bm.get("name").unwrap(),
                            &format!("{path}.name"),
                            Code::Empty,
                            "the base model name must not be empty".into(),
                        ),
                        Some(name) => {
                            let key = normalized_model_key(name);
                            if let Some(j) = seen.get(&key) {
                                self.at(bm.get("name").unwrap(), &format!("{path}.name"), Code::DuplicateModel, format!("{name:?} names the same model as base_models[{j}]; their packages would collide"));
                            }
                            seen.entry(key).or_insert(i);
                        }
                        None => {}
                    }
                    let ap = format!("{path}.adapters");
                    match self.array(bm, "adapters", &ap) {
                        None if bm.get("adapters").is_none() => {
                            self.missing(bm, &ap, "a non-empty array of adapters")
                        }
                        Some([]) => self.at(
                            bm.get("adapters").unwrap(),
                            &ap,
                            Code::NoAdapters,
                            format!("`{ap}` must not be empty"),
                        ),
                        _ => {}
                    }
                }
            }
        }
    }

    fn adapters(&mut self, root: &Node, schema: SchemaVersion) {
        // Normalized weights path → where it was first declared.
        let mut weight_paths: HashMap<String, String> = HashMap::new();
        for model in models_of(root, schema) {
            let base = match schema {
                SchemaVersion::V1 => "base_model".to_string(),
                SchemaVersion::V2 => index_path("base_models", model.index),
            };
            self.sha256_field(model.node, &format!("{base}.sha256"));
            let adapters_base = match schema {
                SchemaVersion::V1 => "adapters".to_string(),
                SchemaVersion::V2 => format!("{base}.adapters"),
            };
            for (j, a) in model.adapters.iter().enumerate() {
                let path = index_path(&adapters_base, j);
                if a.members().is_none() {
                    self.at(
                        a,
                        &path,
                        Code::Type,
                        format!("`{path}` must be an object, not {}", a.kind()),
                    );
                    continue;
                }
                let ty = self.string(a, "type", &format!("{path}.type"), true);
                if let Some(ty) = ty {
                    if !KNOWN_ADAPTERS.contains(&ty.to_ascii_lowercase().as_str()) {
                        self.warn(
                            a.get("type").unwrap(),
                            &format!("{path}.type"),
                            Code::WarnAdapterTypeUnknown,
                            format!(
                                "adapter type {ty:?} is not one of {}",
                                KNOWN_ADAPTERS.join(", ")
                            ),
                        );
                    }
                }
                let lora =
                    ty.is_some_and(|t| LORA_FAMILY.contains(&t.to_ascii_lowercase().as_str()));
                if lora && a.get("r").is_none() {
                    self.at(
                        a,
                        &format!("{path}.r"),
                        Code::AdapterRankMissing,
                        format!("{} adapters need a rank `r`", ty.unwrap()),
                    );
                }
                if lora && a.get("alpha").is_none() {
                    self.at(
                        a,
                        &format!("{path}.alpha"),
                        Code::AdapterAlphaMissing,
                        format!("{} adapters need `alpha`", ty.unwrap()),
                    );
                }
                self.positive(a, "r", &format!("{path}.r"), Code::Rank, "the rank `r`");
                self.positive(a, "alpha", &format!("{path}.alpha"), Code::Alpha, "`alpha`");
                match self.array(a, "target_modules", &format!("{path}.target_modules")) {
                    None if a.get("target_modules").is_none() => self.missing(
                        a,
                        &format!("{path}.target_modules"),
                        "the modules the adapter patches",
                    ),
                    Some(items) => {
                        for (k, m) in items.iter().enumerate() {
                            if m.as_str().is_none() {
                                self.at(
                                    m,
                                    &index_path(&format!("{path}.target_modules"), k),
                                    Code::Type,
                                    "target modules must be strings".into(),
                                );
                            }
                        }
                    }
                    None => {}
                }
                if let Some(n) = a.get("size_bytes") {
                    if n.as_u64().is_none() {
                        self.at(
                            n,
                            &format!("{path}.size_bytes"),
                            Code::Type,
                            "`size_bytes` must be a non-negative integer (0 means not set)".into(),
                        );
                    }
                }
                self.sha256_field(a, &format!("{path}.sha256"));
                if let Some(p) = a.get("path") {
                    let pp = format!("{path}.path");
                    if p.as_str().is_none() {
                        self.at(
                            p,
                            &pp,
                            Code::Type,
                            format!("`{pp}` must be a string, not {}", p.kind()),
                        );
                    } else {
                        self.safe_path(p, &pp);
                        let norm = p
                            .as_str()
                            .unwrap()
                            .trim_start_matches("weights/")
                            .to_string();
                        if let Some(other) = weight_paths.get(&norm) {
                            self.at(p, &pp, Code::DuplicateWeightPath, format!("{pp} points at the same weights as {other}; each model needs its own"));
                        }
                        weight_paths.entry(norm).or_insert(pp);
                    }
                }
            }
        }
    }

    /// `sha256`: "" means not set; anything else should be 64 hex digits.
    fn sha256_field(&mut self, parent: &Node, path: &str) {
        let key = path.rsplit('.').next().unwrap_or("sha256");
        if let Some(s) = self.string(parent, key, path, false) {
            if !s.is_empty() && hex::decode32(s).is_none() {
                self.warn(parent.get(key).unwrap(), path, Code::WarnSha256Format, format!("{s:?} is not a SHA-256 (64 hex digits); it is ignored. Use \"\" for not set"));
            }
        }
    }

    /// Rules for fields every schema shares.
    fn shared(&mut self, root: &Node) {
        if let Some(training) = root.get("training") {
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
        if let Some(prompts) = self.array(root, "soft_prompts", "soft_prompts") {
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
        if let Some(constraints) = root.get("constraints") {
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

    /// A Git LFS pointer where a file should be (once per file).
    fn lfs_pointer(
        &mut self,
        files: &dyn ExpertFiles,
        node: &Node,
        path: &str,
        rel: &str,
        size: u64,
        sniffed: &mut std::collections::BTreeSet<String>,
    ) {
        if size >= crate::package::lfs::MAX_POINTER_SIZE || !sniffed.insert(rel.to_string()) {
            return;
        }
        if let Ok(head) = files.head(rel, crate::package::lfs::HEAD_LEN) {
            if crate::package::lfs::is_pointer(size, &head) {
                self.at(
                    node,
                    path,
                    Code::LfsPointer,
                    crate::package::lfs::pointer_message(rel),
                );
            }
        }
    }

    /// Directory checks: declared files exist; set sizes and hashes match.
    fn files(&mut self, root: &Node, schema: SchemaVersion, files: &dyn ExpertFiles) {
        let mut sniffed = std::collections::BTreeSet::new();
        for (node, path) in super::declared_files(root) {
            let Some(p) = node.as_str() else { continue };
            if check_relative_path(p).is_err() {
                continue;
            }
            match files.kind(p) {
                Ok(FileKind::File { size }) => {
                    self.lfs_pointer(files, node, &path, p, size, &mut sniffed)
                }
                Ok(_) => self.at(
                    node,
                    &path,
                    Code::FileMissing,
                    format!("{p}: declared by `{path}` but not found in the expert directory"),
                ),
                Err(e) => self.at(node, &path, Code::FileUnreadable, format!("{p}: {e}")),
            }
        }
        for model in models_of(root, schema) {
            let base = match schema {
                SchemaVersion::V1 => "adapters".to_string(),
                SchemaVersion::V2 => format!("{}.adapters", index_path("base_models", model.index)),
            };
            for (j, a) in model.adapters.iter().enumerate() {
                let path = index_path(&base, j);
                let weights = match resolve_weights(files, root, &model, a, None) {
                    Ok(w) => w,
                    Err(e) => {
                        let explicit = a.get("path").is_some();
                        let sev = if explicit {
                            Severity::Error
                        } else {
                            Severity::Warning
                        };
                        let code = if explicit {
                            Code::FileMissing
                        } else {
                            Code::WarnWeightsNotFound
                        };
                        self.push(sev, code, &path, Some(a.span.start), e.to_string());
                        continue;
                    }
                };
                let w = &weights.weight_file;
                self.lfs_pointer(files, a, &path, w, weights.weight_size, &mut sniffed);
                let size = a.get("size_bytes").and_then(Node::as_u64).unwrap_or(0);
                if size != 0 && size != weights.weight_size {
                    self.at(
                        a.get("size_bytes").unwrap(),
                        &format!("{path}.size_bytes"),
                        Code::FileSizeMismatch,
                        format!(
                            "{} is {} bytes, but `size_bytes` says {size}",
                            weights.weight_file, weights.weight_size
                        ),
                    );
                }
                if let Some(want) = a
                    .get("sha256")
                    .and_then(Node::as_str)
                    .and_then(hex::decode32)
                {
                    match files.sha256(&weights.weight_file) {
                        Ok(got) if got == want => {}
                        Ok(got) => self.at(
                            a.get("sha256").unwrap(),
                            &format!("{path}.sha256"),
                            Code::FileHashMismatch,
                            format!(
                                "{} has SHA-256 {}, but `sha256` says {}",
                                weights.weight_file,
                                hex::encode(&got),
                                hex::encode(&want)
                            ),
                        ),
                        Err(e) => self.at(a, &path, Code::FileUnreadable, e),
                    }
                }
            }
        }
    }
}

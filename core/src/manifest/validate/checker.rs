//! The findings list being built: where each finding points, the cap per
//! code, and the typed readers that report a field of the wrong type.

use crate::json::{LineIndex, Node};
use crate::manifest::{Diagnostic, Report, SchemaVersion, Severity};
use crate::path::check_relative_path;
use crate::util::hex;
use crate::Code;

/// Findings of one code beyond this many are counted, not listed: a 4 MiB
/// manifest can hold ~700,000 (`[1e999, 1e999, …]`), and listing them all
/// would cost far more than the input (FORMAT.md §2).
pub const MAX_FINDINGS_PER_CODE: usize = 1000;

/// The findings of one validation, with the line index that locates them.
pub(super) struct Checker<'a> {
    lines: &'a LineIndex<'a>,
    diags: Vec<Diagnostic>,
    /// Findings per code, listed or not, in the order codes first came.
    counts: Vec<(Code, usize)>,
}

impl<'a> Checker<'a> {
    pub(super) fn new(lines: &'a LineIndex<'a>) -> Self {
        Checker {
            lines,
            diags: Vec::new(),
            counts: Vec::new(),
        }
    }

    /// Records a finding, unless its code is over the cap (then only counted).
    pub(super) fn push(
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
    pub(super) fn at(&mut self, node: &Node, path: &str, code: Code, message: String) {
        self.push(Severity::Error, code, path, Some(node.span.start), message);
    }

    /// A warning located at `node`.
    pub(super) fn warn(&mut self, node: &Node, path: &str, code: Code, message: String) {
        self.push(
            Severity::Warning,
            code,
            path,
            Some(node.span.start),
            message,
        );
    }

    /// A missing key, reported where it belongs and located at its parent.
    pub(super) fn missing(&mut self, parent: &Node, path: &str, what: &str) {
        self.at(
            parent,
            path,
            Code::MissingField,
            format!("missing required field `{path}` ({what})"),
        );
    }

    /// The report: findings in source order, then one per capped code.
    pub(super) fn finish(mut self, schema: Option<SchemaVersion>) -> Report {
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

    /// A string field; reports a wrong type and returns None.
    pub(super) fn string<'n>(
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

    /// A number field; reports a wrong type and returns None.
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

    /// A number field that, when present, must be above zero.
    pub(super) fn positive(
        &mut self,
        parent: &Node,
        key: &str,
        path: &str,
        code: Code,
        what: &str,
    ) {
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

    /// An array field; reports a wrong type and returns None.
    pub(super) fn array<'n>(
        &mut self,
        parent: &'n Node,
        key: &str,
        path: &str,
    ) -> Option<&'n [Node]> {
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

    /// A declared file path must stay inside the expert.
    pub(super) fn safe_path(&mut self, node: &Node, path: &str) {
        if let Some(p) = node.as_str() {
            if let Err(problem) = check_relative_path(p) {
                self.at(node, path, problem.code(), format!("`{path}` = {p:?}: {}; declared files must be relative paths inside the expert", problem.describe()));
            }
        }
    }

    /// `sha256`: "" means not set; anything else should be 64 hex digits.
    pub(super) fn sha256_field(&mut self, parent: &Node, path: &str) {
        let key = path.rsplit('.').next().unwrap_or("sha256");
        if let Some(s) = self.string(parent, key, path, false) {
            if !s.is_empty() && hex::decode32(s).is_none() {
                self.warn(parent.get(key).unwrap(), path, Code::WarnSha256Format, format!("{s:?} is not a SHA-256 (64 hex digits); it is ignored. Use \"\" for not set"));
            }
        }
    }
}

//! Rules on the JSON itself, whatever the schema: keys that repeat, and
//! numbers that have no exact double.

use super::Checker;
use crate::json::{index_path, key_path, Duplicate, Node, Value};
use crate::manifest::Severity;
use crate::Code;

/// Integers beyond this lose precision as doubles, so a signature over the
/// canonical form would not pin the value that users see.
const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

impl Checker<'_> {
    /// A repeated key is an error, as readers would disagree on its value;
    /// a repeated comment key (`_…`) is kept and only warned about.
    pub(super) fn duplicates(&mut self, duplicates: &[Duplicate]) {
        for d in duplicates {
            // Inside `integrity` no key may repeat, comment or not: readers
            // would disagree on which claim counts (FORMAT.md §6).
            let in_integrity = d.path.starts_with("integrity.") || d.path.starts_with("integrity[");
            if d.key.starts_with('_') && !in_integrity {
                self.push(
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
                self.push(
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
    }

    /// Every number must have an exact double, so that JCS is faithful.
    /// A leaf's path is built only when it is reported; a container's once.
    pub(super) fn numbers(&mut self, node: &Node, path: &dyn Fn() -> String) {
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
}
